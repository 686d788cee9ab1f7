"""The state machine: every transition along real paths, every refusal, deadlines, enforcement ladder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from casefile import workflow as wf
from casefile.errors import CasefileError, TransitionRefused, WaiverRefused
from casefile.models.enums import State
from casefile.store import Dossier, read_journal
from factories import ACTOR, T0, at, form, to_state


def step(ws: Any, cid: str, when: datetime, fn: Callable[[wf.Step], str]) -> wf.ActionResult:
    return wf.run(ws, cid, when, ACTOR, fn)


def state(ws: Any, cid: str) -> State:
    return Dossier(ws, cid).load().state


def test_register_issues_documents_and_deadlines(ws) -> None:  # type: ignore[no-untyped-def]
    res = wf.register(ws, form("intake-unit", received_at=T0.isoformat()), T0, ACTOR)
    assert res.number == "偏税社争〔2026〕1号"
    case = Dossier(ws, res.case_id).load()
    assert case.state is State.TRIAGE
    assert [d.doc_type for d in case.documents] == ["D01", "D02"]
    assert case.documents[1].wenhao == "偏税社受〔2026〕1号"
    triage = case.deadline("triage")
    assert triage is not None and triage.due == T0.date() + timedelta(days=1)  # the next working day
    entries, problems = read_journal(Dossier(ws, res.case_id).journal_path)
    assert not problems
    assert [e.type for e in entries] == ["created", "transition"]
    assert entries[1].actor == ACTOR
    assert "MASS" in [f.value for f in case.flags]  # represents 17 workers


@pytest.mark.parametrize("target", [State.DIRECT, State.JOINT, State.SPECIAL_REQ, State.SPECIAL, State.MEDIATION,
                                    State.DECIDED, State.NOTIFIED, State.REMEDY, State.CLOSED, State.ENFORCEMENT])
def test_paths_reach_every_state(ws, target: State) -> None:  # type: ignore[no-untyped-def]
    assert state(ws, to_state(ws, target)) is target


ACTIONS: dict[str, tuple[Callable[[wf.Step], str], set[State]]] = {
    "triage": (lambda s: wf.triage(s, risk="低"), {State.TRIAGE, State.INTAKE}),
    "decide": (lambda s: wf.decide(s, text="x"), {State.DIRECT, State.JOINT}),
    "notify": (lambda s: wf.notify(s), {State.DIRECT, State.DECIDED}),
    "followup": (lambda s: wf.followup(s, method="电话", respondent="x", satisfaction="满意"),
                 {State.NOTIFIED, State.FOLLOW_UP}),
    "mediate": (lambda s: wf.mediate_start(s, "x"), {State.DIRECT, State.JOINT, State.SPECIAL}),
    "enforce": (lambda s: wf.enforce_start(s, wf.parse_arrears(["失业,202501,100.00"])),
                {State.DECIDED, State.NOTIFIED, State.MEDIATION}),
    "remedy-outcome": (lambda s: wf.remedy(s, outcome="维持"), {State.REMEDY}),
    "close": (lambda s: wf.close(s), set()),
    "meeting-record": (lambda s: wf.record_meeting(s, attendees=["a"], summary="s", opinion="o"), {State.SPECIAL}),
}


@pytest.mark.parametrize("target", [State.TRIAGE, State.JOINT, State.SPECIAL_REQ, State.DECIDED, State.REMEDY,
                                    State.CLOSED])
def test_refused_transitions_name_state_and_next_steps(ws, target: State) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, target)
    before = Dossier(ws, cid).load().version
    for name, (fn, allowed) in ACTIONS.items():
        if target in allowed:
            continue
        with pytest.raises(CasefileError) as exc:
            step(ws, cid, at(30), fn)
        msg = exc.value.message
        if isinstance(exc.value, TransitionRefused) and "当前状态" in msg:
            assert target.label in msg and target.value not in msg and "可进行的操作" in msg, (name, msg)
    assert Dossier(ws, cid).load().version == before  # nothing changed by refused steps


def test_joint_decision_waits_for_every_opinion_or_lapse(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.JOINT)
    case = Dossier(ws, cid).load()
    assert len(case.opinions) == len(case.co_depts) >= 2
    assert len(case.documents_of("D04")) == len(case.co_depts)
    with pytest.raises(TransitionRefused, match="尚有部门未回复"):
        step(ws, cid, at(1), lambda s: wf.decide(s, text="x"))
    first, *rest = case.co_depts
    step(ws, cid, at(1), lambda s: wf.record_opinion(s, first, "同意", facts="情况属实"))
    with pytest.raises(CasefileError, match="尚未届满"):
        step(ws, cid, at(2), lambda s: wf.record_opinion(s, rest[0], None, lapsed=True))
    for d in rest:
        step(ws, cid, at(20), lambda s, d=d: wf.record_opinion(s, d, None, lapsed=True))
    step(ws, cid, at(21), lambda s: wf.decide(s, text="综合意见"))
    assert state(ws, cid) is State.DECIDED


def test_special_case_meeting_minutes_decide(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.SPECIAL)
    with pytest.raises(TransitionRefused, match="会商"):
        step(ws, cid, at(4), lambda s: wf.decide(s, text="x"))
    step(ws, cid, at(4), lambda s: wf.record_meeting(s, attendees=["刘县长"], summary="事由", opinion="处理意见",
                                                     items=[], public_opinion_risk="低", litigation_risk="中"))
    case = Dossier(ws, cid).load()
    assert case.state is State.DECIDED
    assert [d.doc_type for d in case.documents].count("D11") == 1
    assert [d.doc_type for d in case.documents].count("D10") == 1


def test_mediation_refuses_waiver_of_contributions(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.MEDIATION)
    with pytest.raises(CasefileError, match="不能约定"):
        step(ws, cid, at(2), lambda s: wf.mediate_agree(s, ["双方同意减免2025年社会保险费一半"]))
    with pytest.raises(WaiverRefused, match="“宏远煤业同意免除2025年度单位应缴部分社会保险费”"):
        step(ws, cid, at(2), lambda s: wf.mediate_agree(
            s, ["宏远煤业分两期补缴欠费", "宏远煤业同意免除2025年度单位应缴部分社会保险费"]))
    step(ws, cid, at(2), lambda s: wf.mediate_agree(s, ["用人单位分三期补缴社会保险费并提供担保"]))
    assert state(ws, cid) is State.DECIDED
    # a correction of the agreement goes through the same check
    from casefile.documents.issue import produce_document

    d15 = Dossier(ws, cid).load().documents_of("D15")[0]
    before = Dossier(ws, cid).load().version
    with pytest.raises(WaiverRefused, match="滞纳金"):
        produce_document(ws, cid, "D15", actor=ACTOR, now=at(3), correct=d15.doc_id, reason="条款有误",
                         extra={"terms": ["用人单位补缴社会保险费。", "税务机关同意不再加收滞纳金。"]})
    assert Dossier(ws, cid).load().version == before


def test_enforcement_ladder_guards_and_documents(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.ENFORCEMENT)
    with pytest.raises(TransitionRefused, match="尚未届满"):
        step(ws, cid, at(5), lambda s: wf.enforce_step(s, "E2"))
    with pytest.raises(TransitionRefused, match="不能进入“催告（E5）”"):
        step(ws, cid, at(30), lambda s: wf.enforce_step(s, "E5"))
    step(ws, cid, at(30), lambda s: wf.enforce_step(s, "E2"))
    step(ws, cid, at(60), lambda s: wf.enforce_step(s, "E3"))
    step(ws, cid, at(90), lambda s: wf.enforce_step(s, "E5"))
    with pytest.raises(TransitionRefused, match="满十日"):
        step(ws, cid, at(95), lambda s: wf.enforce_step(s, "E6"))
    with pytest.raises(TransitionRefused, match="起诉期限"):
        step(ws, cid, at(110), lambda s: wf.enforce_step(s, "E6"))
    with pytest.raises(CasefileError, match="--head"):
        step(ws, cid, at(250), lambda s: wf.enforce_step(s, "E6"))
    step(ws, cid, at(250), lambda s: wf.enforce_step(s, "E6", head="赵振华", party_views="未提出陈述申辩"))
    step(ws, cid, at(260), lambda s: wf.enforce_step(s, "E7", note="裁定准予执行"))
    step(ws, cid, at(270), lambda s: wf.enforce_paid(s, at(270).date(), principal=Decimal("4680.00")))
    with pytest.raises(TransitionRefused, match="尚未完毕"):
        step(ws, cid, at(271), lambda s: wf.close(s))
    fee = Dossier(ws, cid).load().enforcement.late_fee_total  # type: ignore[union-attr]
    assert fee is not None and fee > 0
    step(ws, cid, at(271), lambda s: wf.enforce_paid(s, at(271).date(), late_fee=fee))
    step(ws, cid, at(271), lambda s: wf.close(s))
    case = Dossier(ws, cid).load()
    assert case.state is State.CLOSED
    types = [d.doc_type for d in case.documents]
    for t in ("D16", "D17", "D18", "D19", "D20", "D21", "D22"):
        assert t in types, t
    assert case.enforcement is not None and case.enforcement.late_fee_total and case.enforcement.late_fee_total > 0


def test_remedy_then_close(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.REMEDY)
    step(ws, cid, at(60), lambda s: wf.remedy(s, outcome="复议维持"))
    case = Dossier(ws, cid).load()
    assert case.state is State.CLOSED and case.remedies[0].outcome == "复议维持"


def test_reopen_closed_case(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.CLOSED)
    step(ws, cid, at(20), lambda s: wf.reopen(s, "当事人补充新证据"))
    assert state(ws, cid) is State.FOLLOW_UP


def test_redirect_from_intake(ws) -> None:  # type: ignore[no-untyped-def]
    res = wf.register(ws, form("intake-minimal", received_at=T0.isoformat()), T0, ACTOR,
                      redirect={"to": "县人社局", "reason": "属劳动关系确认"})
    case = Dossier(ws, res.case_id).load()
    assert case.state is State.REDIRECTED
    assert "D03" in [d.doc_type for d in case.documents]


def test_naiman_referral_and_discipline(naiman_ws) -> None:  # type: ignore[no-untyped-def]
    ws = naiman_ws
    data = form("intake-minimal", received_at=T0.isoformat(), jurisdiction={"name": "奈曼旗八仙筒镇", "code": "150525"})
    cid = wf.register(ws, data, T0, ACTOR).case_id
    with pytest.raises(CasefileError, match="--class"):
        step(ws, cid, at(0.2), lambda s: wf.triage(s, risk="中"))
    step(ws, cid, at(0.2), lambda s: wf.triage(s, case_class="职责不清", note="涉及多部门职责交叉"))
    assert state(ws, cid) is State.REFERRED
    step(ws, cid, at(5), lambda s: wf.refer_urge(s, on=at(5).date(), text="电话催办", dept="人社局"))
    step(ws, cid, at(8), lambda s: wf.refer_refuse(s, "人社局", "催办后仍拒不处理"))
    case = Dossier(ws, cid).load()
    assert "DISCIPLINE_REFERRAL" in [f.value for f in case.flags] and case.documents_of("D09")
    step(ws, cid, at(10), lambda s: wf.refer_reply(s, "医保局", "已办理", "GD-1"))
    assert state(ws, cid) is State.DECIDED


def test_extension_explains_new_due_date(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.JOINT)
    before = Dossier(ws, cid).load().deadline("joint_decision")
    step(ws, cid, at(2), lambda s: wf.extend(s, step="joint_decision", days=10, reason="需补充调查", approver="张局长"))
    d = Dossier(ws, cid).load().deadline("joint_decision")
    assert before is not None and d is not None and d.due == before.due + timedelta(days=10)
    assert any("延期10日" in line for line in d.explanation)
    with pytest.raises(CasefileError, match="不得超过30日"):
        step(ws, cid, at(3), lambda s: wf.extend(s, step="joint_decision", days=25, reason="x", approver="y"))
