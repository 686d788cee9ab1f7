"""The procedure as one table: every state change a case can make (T1–T25, reopening) and every step
of the enforcement ladder (E1–E7, E_LIT, E_FINE, E_DONE), with the guard that allows it.

Nothing changes ``case.state`` or ``case.enforcement.step`` except :func:`apply` and
:func:`enter_step`; a step that is not allowed is refused with a sentence naming the current state and
the steps that are allowed now. The actions that do the work (documents, deadlines, journal) live in
:mod:`casefile.workflow` (and :mod:`casefile.archive` for T24); they ask this table first.

Pure: no I/O, no pydantic at import time (a case is any object with the model's attributes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from casefile.errors import TransitionRefused
from casefile.models.enums import OPEN_STATES, EnforcementStep, Flag, State

if TYPE_CHECKING:
    from casefile.models.case import Case
    from casefile.models.records import Enforcement

S = State
E = EnforcementStep


@dataclass(frozen=True)
class Transition:
    """One row of the table.

    ``sources``: states it may start from (empty: it creates the case, T1). ``targets``: the states it
    may lead to, the usual one first (empty: the state stays, e.g. T11, T25 and the enforcement steps).
    ``command``: what a user runs ("" when the system does it). ``needs``: a part of the record that
    must exist (``referral``, ``mediation``, ``enforcement``). For enforcement steps, ``after`` lists
    the ladder steps it may follow and ``parallel`` marks steps taken beside the ladder, once each."""

    code: str
    sources: frozenset[State]
    targets: tuple[State, ...]
    label: str
    command: str
    needs: str = ""
    after: frozenset[EnforcementStep] = frozenset()
    parallel: bool = False
    profiles: frozenset[str] = frozenset()  # the routing profiles that have this step (empty: all)

    def in_profile(self, profile: str) -> bool:
        return not self.profiles or profile in self.profiles

    @property
    def target(self) -> State | None:
        return self.targets[0] if self.targets else None

    @property
    def is_enforcement(self) -> bool:
        return self.code.startswith("E")


def _t(code: str, sources: Iterable[State], targets: Iterable[State], label: str, command: str,
       needs: str = "", *, profiles: Iterable[str] = ()) -> Transition:
    return Transition(code, frozenset(sources), tuple(targets), label, command, needs, profiles=frozenset(profiles))


NAIMAN = ("naiman",)
PIANGUAN = ("pianguan",)


def _e(step: EnforcementStep, after: Iterable[EnforcementStep], command: str, *, parallel: bool = False) -> Transition:
    return Transition(step.value, frozenset({S.ENFORCEMENT}), (), step.label, command, "enforcement",
                      frozenset(after), parallel)


_LADDER_AFTER_LIT = (E.E3, E.E5)  # 复议/诉讼 may be brought against the decision (E3) or the 催告 (E5)
_ALL_STEPS = (E.E1, E.E2, E.E3, E.E4, E.E5, E.E6, E.E7, E.E_LIT, E.E_FINE)

TRANSITIONS: dict[str, Transition] = {t.code: t for t in (
    _t("T1", (), (S.INTAKE,), "接待登记（首问）", "new"),
    _t("T2", (S.INTAKE,), (S.REDIRECTED,), "不予受理，告知另行办理", "redirect"),
    _t("T3", (S.INTAKE,), (S.REGISTERED,), "受理登记", "new"),
    _t("T4", (S.REGISTERED,), (S.TRIAGE,), "审核分类", "triage"),
    _t("T5", (S.TRIAGE,), (S.DIRECT,), "直接办理", "triage"),
    _t("T6", (S.TRIAGE,), (S.JOINT,), "联办", "triage"),
    _t("T7", (S.TRIAGE,), (S.SPECIAL_REQ,), "专案报批", "triage"),
    _t("T8", (S.SPECIAL_REQ,), (S.SPECIAL,), "组长同意，召开会商/联席会议", "meeting schedule --approved-by"),
    _t("T9", (S.TRIAGE,), (S.REFERRED,), "职责不清，报送办理", "refer send", profiles=NAIMAN),
    _t("T10", (S.REFERRED,), (S.DECIDED,), "承办部门反馈", "refer reply", "referral", profiles=NAIMAN),
    _t("T11", (S.REFERRED,), (), "拒不处理，线索移交纪委监委", "refer refuse", "referral", profiles=NAIMAN),
    _t("T12", (S.DIRECT, S.JOINT, S.SPECIAL), (S.MEDIATION,), "调解", "mediate start"),
    _t("T13", (S.MEDIATION,), (S.DECIDED,), "达成调解协议", "mediate agree", "mediation"),
    # no agreement: back to 调查核实 (JOINT/SPECIAL), or DECIDED to start enforcement (T22) at once
    _t("T14", (S.MEDIATION,), (S.JOINT, S.SPECIAL, S.DECIDED), "调解不成", "mediate fail", "mediation"),
    _t("T15", (S.JOINT,), (S.DECIDED,), "形成综合处理意见", "decide"),
    _t("T16", (S.SPECIAL,), (S.DECIDED,), "会商形成会议纪要", "meeting record"),
    # pianguan: the 联席会议 may order mediation (会商 → 调解 → 调查核实 → 仲裁/诉讼)
    _t("T16M", (S.SPECIAL,), (S.MEDIATION,), "联席会议决定调解", "meeting record --mediator", profiles=PIANGUAN),
    _t("T17", (S.DIRECT, S.DECIDED), (S.NOTIFIED,), "书面反馈争议双方", "notify"),
    # pianguan: a department that handled a low-risk matter itself reports the result to the 综治中心
    _t("PG_REPORT", (S.NOTIFIED, S.FOLLOW_UP, S.REMEDY, S.CLOSED), (), "职能部门向综治中心反馈办理结果", "report-back",
       profiles=PIANGUAN),
    # pianguan: what the county cannot settle goes to the city's departments for coordination
    _t("PG_CITY", (S.JOINT, S.SPECIAL, S.MEDIATION, S.DECIDED), (), "提请市级部门协调", "escalate",
       profiles=PIANGUAN),
    # naiman: the receiving department urges the 承办部门 before any referral to the 纪委监委
    _t("NM_URGE", (S.REFERRED,), (), "催办承办部门", "refer urge", "referral", profiles=NAIMAN),
    _t("T18", (S.NOTIFIED,), (S.FOLLOW_UP,), "转入跟踪回访", "followup"),
    _t("T19", (S.FOLLOW_UP,), (S.CLOSED,), "回访无异议，办结", "followup"),
    _t("T20", (S.FOLLOW_UP,), (S.REMEDY,), "当事人申请救济", "followup --objection"),
    _t("T21", (S.REMEDY,), (S.CLOSED,), "救济结果登记，办结", "remedy --outcome"),
    _t("T22", (S.DECIDED, S.NOTIFIED, S.MEDIATION), (S.ENFORCEMENT,), "转入征缴执法", "enforce start"),
    _t("T23", (S.ENFORCEMENT,), (S.CLOSED,), "执行完毕，办结", "close", "enforcement"),
    _t("T24", (S.CLOSED, S.REDIRECTED), (S.ARCHIVED,), "立卷归档", "archive"),
    # the calendar, not a command: an open case whose deadline passed carries OVERDUE (derive_flags below)
    _t("T25", OPEN_STATES, (), "期限届满，标记超期", ""),
    # a closed case goes back to the state it was closed from; an archived one continues as a new
    # version (new id) in that state, its sealed bag untouched
    _t("reopen", (S.CLOSED, S.ARCHIVED), tuple(s for s in State if s in OPEN_STATES), "重新办理", "reopen"),
    # a decision, an agreement or an enforcement step found wrong is redone: the case goes back to the step
    # that produced it (the documents issued from then on supersede the old ones, as numbered corrections)
    _t("redo", (S.DECIDED, S.NOTIFIED, S.FOLLOW_UP, S.REMEDY, S.ENFORCEMENT, S.CLOSED),
       (S.DIRECT, S.JOINT, S.SPECIAL, S.REFERRED, S.MEDIATION, S.ENFORCEMENT), "重新办理（更正处理意见、调解协议或执法步骤）",
       "reopen --step"),
    _e(E.E1, (), "enforce start"),
    _e(E.E2, (E.E1, E.E_LIT), "enforce step E2"),
    _e(E.E3, (E.E2, E.E4, E.E_LIT, E.E_FINE), "enforce step E3"),
    _e(E.E4, (E.E2, E.E3, E.E5), "enforce step E4", parallel=True),
    _e(E.E5, (E.E3, E.E4, E.E_LIT, E.E_FINE), "enforce step E5"),
    _e(E.E6, (E.E5,), "enforce step E6"),
    _e(E.E7, (E.E6,), "enforce step E7"),
    _e(E.E_LIT, _LADDER_AFTER_LIT, "enforce step E_LIT"),
    _e(E.E_FINE, (E.E2, E.E3, E.E5, E.E6, E.E7, E.E_LIT), "enforce step E_FINE", parallel=True),
    _e(E.E_DONE, _ALL_STEPS, "enforce paid"),
)}


# -- reading the table ---------------------------------------------------------------------------------
# the same step in each profile's own words: pianguan has a 联席会议 under its 总召集人, naiman a
# 领导小组 under its 组长
PROFILE_WORDS: dict[str, dict[str, str]] = {
    "pianguan": {"组长同意": "总召集人同意", "领导小组组长": "联席会议总召集人", "领导小组办公室": "联席会议办公室",
                 "领导小组": "联席会议", "组长": "总召集人", "会商/联席会议": "联席会议", "专案报批": "提请召开联席会议"},
    "naiman": {"会商/联席会议": "专题会商会议"},
}


def words(profile: str, text: str) -> str:
    """``text`` in the words of ``profile`` (领导小组/组长 become 联席会议/总召集人 in pianguan)."""
    for old, new in PROFILE_WORDS.get(profile, {}).items():
        text = text.replace(old, new)
    return text


def label(code: str, profile: str) -> str:
    return words(profile, TRANSITIONS[code].label)


def allows(case: Case, code: str) -> bool:
    t = TRANSITIONS[code]
    return (case.state in t.sources and t.in_profile(case.profile)
            and (not t.needs or getattr(case, t.needs, None) is not None))


def next_enforcement_steps(enf: Enforcement) -> list[EnforcementStep]:
    """The ladder steps (and parallel steps not yet taken) that may follow the current one; E_DONE
    (payment) is always possible until it happened and is not listed."""
    done = {h.step for h in enf.history}
    out = []
    for t in TRANSITIONS.values():
        if not t.is_enforcement or t.code == E.E_DONE.value or enf.step not in t.after:
            continue
        step = EnforcementStep(t.code)
        if t.parallel and step in done:
            continue
        out.append(step)
    return sorted(out)


def allowed_steps(case: Case) -> list[str]:
    """What a user may do now, as ``command（label，code）`` phrases."""
    out = []
    for t in TRANSITIONS.values():
        if t.command and not t.is_enforcement and case.state in t.sources and t.in_profile(case.profile):
            out.append(f"{t.command}（{words(case.profile, t.label)}）")
    if case.state is State.ENFORCEMENT and case.enforcement:
        for step in next_enforcement_steps(case.enforcement):
            out.append(f"enforce step {step.label}（{step.value}）")
        if case.enforcement.step is not E.E_DONE:
            out.append("enforce paid（登记缴纳）")
    return out


def refused(case: Case, what: str) -> TransitionRefused:
    steps = allowed_steps(case)
    nxt = "、".join(steps) if steps else "无（案件已终结）"
    return TransitionRefused(
        f"案件 {case.number}（{case.id}）当前状态为“{case.state.label}”，不能进行{what}；可进行的操作：{nxt}。"
    )


def require(case: Case, *codes: str, what: str | None = None) -> None:
    """Refuse unless one of ``codes`` is allowed now (an action that may end in several transitions
    names them all, and ``what`` it is)."""
    if not any(allows(case, c) for c in codes):
        t = TRANSITIONS[codes[0]]
        raise refused(case, what or f"“{words(case.profile, t.label)}”")


# -- changing state ------------------------------------------------------------------------------------
def apply(case: Case, code: str, to: State | None = None) -> tuple[State, State]:
    """Make transition ``code`` on ``case`` (to ``to`` when it may lead to several states); returns
    (before, after). The caller records it in the journal."""
    t = TRANSITIONS[code]
    if t.is_enforcement:
        raise ValueError(f"{code} is an enforcement step: use enter_step")
    require(case, code)
    before = case.state
    target = to if to is not None else (t.target or before)
    if t.targets and target not in t.targets:
        raise ValueError(f"{code} cannot lead to {target}")
    if not t.targets and target is not before:
        raise ValueError(f"{code} keeps the state")
    if target is not before:
        case.previous_state = before
    case.state = target
    return before, target


def check_step(case: Case, step: EnforcementStep, *, what: str | None = None) -> None:
    """Refuse unless the ladder may go to ``step`` now: E1 opens it (T22), E_DONE (payment) closes it
    at any point, the others follow :func:`next_enforcement_steps`."""
    enf = case.enforcement
    if not allows(case, step.value) or enf is None:
        raise refused(case, what or f"执法步骤“{step.label}”")
    if step is E.E1:
        ok = not enf.history
    elif step is E.E_DONE:
        ok = enf.step is not E.E_DONE
    else:
        ok = step in next_enforcement_steps(enf)
    if not ok:
        nxt = "、".join(s.text for s in next_enforcement_steps(enf)) or "无"
        raise TransitionRefused(f"当前执法步骤为“{enf.step.text}”，不能进入“{step.text}”；"
                                f"可进入：{nxt}；缴纳后用 enforce paid 登记。")


def enter_step(case: Case, step: EnforcementStep) -> None:
    """Move the enforcement ladder to ``step`` (a parallel step leaves it where it is)."""
    check_step(case, step)
    if not TRANSITIONS[step.value].parallel:
        assert case.enforcement is not None
        case.enforcement.step = step


def rewind_step(case: Case, step: EnforcementStep) -> None:
    """Put the ladder back at ``step`` (one it has passed) so that the step after it can be taken again:
    reopening an enforcement step that was wrong (``redo``)."""
    enf = case.enforcement
    if enf is None or (not allows(case, "redo") and case.state is not S.ENFORCEMENT):
        raise refused(case, "重新办理执法步骤")
    passed = {h.step for h in enf.history} | {E.E1}
    if step not in passed or TRANSITIONS[step.value].parallel or step is E.E_DONE:
        raise TransitionRefused(f"执法程序未经过 {step.value}（{step.label}），不能退回该步骤。")
    enf.step = step


# -- T25: the calendar's flags ---------------------------------------------------------------------------
OVERDUE = Flag.OVERDUE.value
DUE_SOON = Flag.DUE_SOON.value
_OPEN = frozenset(s.value for s in OPEN_STATES)


def is_open_state(state: str) -> bool:
    return str(state) in _OPEN


def derive_flags(stored: Sequence[str], state: str, open_dues: Iterable[date | str], today: date,
                 due_soon_days: int | None = None) -> list[str]:
    """The stored flags plus OVERDUE (T25) and, when ``due_soon_days`` is given, DUE_SOON: one rule for
    every reader (``show``, ``list``, the web pages, reports), on plain values (state codes, ISO dates
    or ``date``s) so the catalog's rows and a case record ask the same question. ``open_dues`` are the
    due dates of the deadlines not yet done; a case that is not open is never overdue."""
    flags = [str(f) for f in stored]
    if not is_open_state(state):
        return flags
    dues = [d if isinstance(d, date) else date.fromisoformat(d) for d in open_dues]
    if any(d < today for d in dues) and OVERDUE not in flags:
        flags.append(OVERDUE)
    if due_soon_days is not None and DUE_SOON not in flags and any(0 <= (d - today).days <= due_soon_days for d in dues):
        flags.append(DUE_SOON)
    return flags


def creation_state(code: str = "T1") -> State:
    """The state a case is created in (T1), for the code that creates dossiers."""
    t = TRANSITIONS[code]
    assert not t.sources and t.target is not None
    return t.target
