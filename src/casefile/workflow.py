"""The statutory procedure as a state machine (docs/domain.md §1: T1–T25, E1–E7).

Each action runs inside one dossier transaction: it checks the guard, changes the record, opens and
closes deadlines, issues the documents the step produces, and records one journal line. A step that
is not allowed now is refused with the current state and the steps that are allowed.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from casefile import machine
from casefile.config import Settings, Workspace
from casefile.deadlines import calendar_for, close_deadlines, open_deadline
from casefile.documents.doctypes import DOC_TYPES
from casefile.errors import (
    CasefileError,
    Finding,
    MissingData,
    TransitionRefused,
    UnknownDepartment,
    ValidationFailed,
    WaiverRefused,
)
from casefile.identity import ActorLike
from casefile.machine import TRANSITIONS, refused
from casefile.models.case import Case, IntakeForm
from casefile.models.enums import (
    CaseClass,
    Category,
    Channel,
    EnforcementStep,
    Flag,
    InsuranceType,
    PartyKind,
    PayerGroup,
    RemedyKind,
    Risk,
    Satisfaction,
    State,
)
from casefile.models.records import (
    AgreedItem,
    ArrearsLine,
    CenterReport,
    CityCoordination,
    Deadline,
    Decision,
    DocumentRecord,
    Enforcement,
    EnforcementEvent,
    Extension,
    FollowUp,
    Mediation,
    Meeting,
    Obligation,
    Opinion,
    Payment,
    Referral,
    Remedy,
    Service,
    Urge,
)
from casefile.models.validation import findings_from
from casefile.rules.calendar import HolidayCalendar
from casefile.rules.dates import date_cn, parse_period
from casefile.rules.fines import fine_departments
from casefile.rules.waiver import refuse_waivers
from casefile.rules.wenhao import format_wenhao
from casefile.store import Dossier, Transaction
from casefile.store import Sequence as Seq

log = logging.getLogger(__name__)

E = EnforcementStep
S = State


# Category → (substantive lead, co-handlers), docs/domain.md §2 (a recommendation, configurable).
ROUTING: dict[str, tuple[str, tuple[str, ...]]] = {
    "C01": ("RSJ", ("SW",)),
    "C02": ("RSJ", ("SW", "SPJ")),
    "C03": ("SW", ("RSJ", "YBJ")),
    "C04": ("SW", ("RSJ", "YBJ")),
    "C05": ("RSJ", ("SW",)),
    "C06": ("SW", ("SFJ",)),
    "C07": ("SW", ("RSJ", "YBJ", "CZJ")),
    "C08": ("RSJ", ("SW",)),
    "C09": ("SW", ("RSJ", "YBJ", "SFJ")),
    "C10": ("", ()),
    "P1": ("RSJ", ("SW",)),
    "P2": ("SW", ("RSJ",)),
    "P3": ("SW", ("RSJ", "YBJ")),
    "P4": ("RSJ", ("SW",)),
}
MEDICAL = {InsuranceType.MEDICAL, InsuranceType.RESIDENT_MEDICAL}



#: documents a redone step issues anew: each supersedes the one it replaces (a numbered correction)
#: what `reopen --step` may redo, by the words a user types
REDO_KINDS = {"处理意见": "decision", "决定": "decision", "decision": "decision", "调解": "mediation",
              "调解协议": "mediation", "mediation": "mediation", "执法": "enforcement", "执法步骤": "enforcement",
              "enforcement": "enforcement", "回访": "followup", "followup": "followup"}
REDO_LABELS = {"decision": "处理意见", "mediation": "调解协议", "enforcement": "执法步骤", "followup": "回访"}


# -- the step context ------------------------------------------------------------------------------
@dataclass
class Step:
    ws: Workspace
    tx: Transaction
    now: datetime
    actor: str
    issued: list[DocumentRecord] = field(default_factory=list)

    @property
    def case(self) -> Case:
        return self.tx.case

    @property
    def settings(self) -> Settings:
        return self.ws.settings

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def cal(self) -> HolidayCalendar:
        return calendar_for(self.ws.root / "holidays.toml")

    def dept_code(self, text: str) -> str:
        return self.settings.dept(text).code

    def deadline(self, step: str, start: date | None = None, **kw: Any) -> Deadline:
        return open_deadline(self.case, self.settings, self.cal, step, start or self.today, **kw)

    def done(self, *steps: str, dept: str | None = None) -> None:
        close_deadlines(self.case, self.today, *steps, dept=dept)

    def issue(self, doc_type: str, *, extra: dict[str, Any] | None = None, recipient: str | None = None) -> DocumentRecord:
        from casefile.documents.issue import issue_document

        old = self.superseded(doc_type, recipient)
        redo = self.case.redo or {}
        rec = issue_document(self.tx, self.ws, doc_type, extra=extra, recipient=recipient,
                             corrects=old.doc_id if old else None,
                             reason=f"重新办理：{redo.get('reason')}" if old else None)
        if old is not None:
            self.case.corrections.append({"doc": rec.doc_id, "corrects": old.doc_id, "doc_type": doc_type,
                                          "reason": redo.get("reason"), "at": self.now.isoformat()})
        self.issued.append(rec)
        return rec

    def superseded(self, doc_type: str, recipient: str | None) -> DocumentRecord | None:
        """While a step is redone, the document of the same type (and addressee) issued before the reopening."""
        redo = self.case.redo
        if not redo or not DOC_TYPES[doc_type].supersedes:
            return None
        since = datetime.fromisoformat(str(redo["at"]))
        olds = [d for d in self.case.documents_of(doc_type) if d.issued_at < since
                and (recipient is None or d.recipient in (None, recipient))]
        return olds[-1] if olds else None

    def serve(self, doc: DocumentRecord, recipient: str, served_at: date | None = None, method: str = "直接送达",
              place: str | None = None) -> Service:
        """Record service and issue the 送达回证 (D22) for a document that goes to a party."""
        proof = self.issue("D22", extra={"service_of": doc.doc_id, "recipient": recipient, "method": method,
                                         "place": place or "", "served_at": (served_at or self.today).isoformat()},
                           recipient=recipient)
        svc = Service(doc_id=doc.doc_id, recipient=recipient, method=method, place=place,
                      served_at=served_at or self.today, proof_doc=proof.doc_id)
        self.case.services.append(svc)
        return svc

    def expect(self, *codes: str, what: str | None = None) -> None:
        """Refuse now, before any work, unless the table allows one of ``codes``."""
        machine.require(self.case, *codes, what=what)

    def move(self, code: str, *, to: State | None = None, **payload: Any) -> None:
        """Make transition ``code`` (the table checks it) and record it in the journal."""
        before, after = machine.apply(self.case, code, to)
        if after is State.CLOSED and self.case.redo is not None:
            self.case.redo = None  # the redone step is finished: later documents are ordinary ones again
        self.tx.event("transition", transition=code, label=machine.label(code, self.case.profile),
                      **{"from": before.value, "to": after.value}, documents=[d.doc_id for d in self.issued],
                      **payload)


# -- results -------------------------------------------------------------------------------------
@dataclass
class ActionResult:
    case_id: str
    state: str
    message: str
    documents: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.case_id, "state": self.state, "message": self.message, "documents": self.documents}


def _result(st: Step, message: str) -> ActionResult:
    return ActionResult(st.case.id, st.case.state.value, message,
                        [{"doc_id": d.doc_id, "type": d.doc_type, "title": d.title, "wenhao": d.wenhao, "file": d.file}
                         for d in st.issued])


def run(ws: Workspace, case_id: str, now: datetime, actor: ActorLike, action: Callable[[Step], str],
        *, allow_archived: bool = False) -> ActionResult:
    """Run one action in one transaction (derived data follows through the store's commit hook)."""
    dossier = Dossier(ws, case_id)
    with dossier.transaction(actor, now, allow_archived=allow_archived) as tx:
        st = Step(ws, tx, now, tx.actor)
        message = action(st)
        result = _result(st, message)
    return result


# -- intake (T1–T4, T2) ---------------------------------------------------------------------------
def parse_form(data: Any, settings: Settings, today: date, warnings: list[str] | None = None) -> IntakeForm:
    """Validate an intake form completely: every bad field at once, in Chinese, naming the field.

    Full-width digits and letters in codes, numbers and amounts are converted first (a finding about
    such a field says so). A jurisdiction not on the workspace's list is registered with a warning
    (appended to ``warnings``): the first receiver registers what is brought to them."""
    from casefile.intake import normalise_form, outside_warning
    from casefile.models.validation import label_path
    from casefile.rules.text import nfkc

    if not isinstance(data, dict):
        raise ValidationFailed([Finding("", "表单内容应为“字段: 值”的键值对")], subject="受理登记表")
    data, converted = normalise_form(data)
    findings: list[Finding] = []
    jur = data.get("jurisdiction")
    if isinstance(jur, dict) and isinstance(jur.get("name"), str) and isinstance(jur.get("code"), str | int):
        known = settings.place_named(jur["name"])
        if known is not None:
            jur = data["jurisdiction"] = {**jur, "name": known.name}
            if known.code != nfkc(str(jur["code"])):
                findings.append(Finding("事项所在辖区", f"“{known.name}”的行政区划代码应为{known.code}，请改正"))
        elif not jur.get("outside") and settings.place_hint(jur["name"]):
            findings.append(Finding("事项所在辖区", f"“{jur['name']}”不在本单位的辖区列表中{settings.place_hint(jur['name'])}"
                                    f"如确属辖区外，请在表单的 jurisdiction 下加 outside: true"))
        else:
            data["jurisdiction"] = {**jur, "outside": True}
            if warnings is not None:
                warnings.append(outside_warning(jur["name"], settings))
    try:
        form = IntakeForm.model_validate(data)
    except ValidationError as err:
        findings.extend(findings_from(err))
        form = None
    raw_dept = data.get("intake_dept")
    if isinstance(raw_dept, str) and raw_dept.strip():
        try:
            settings.dept(raw_dept)
        except ValueError as exc:
            findings.append(Finding("受理部门", str(exc)))
    if form is not None:
        for label, party in (("缴费人/反映人", form.applicant), ("对方当事人", form.counterparty)):
            if party and party.id_number:
                from casefile.rules.ids import id_birth_date

                if id_birth_date(party.id_number) > today:
                    findings.append(Finding(f"{label}的身份证号", "出生日期晚于今天"))
        for i, p in enumerate(form.periods):
            try:
                parse_period(p, today)
            except ValueError as exc:
                findings.append(Finding(f"所属期第{i + 1}项", str(exc)))
        if form.received_at.date() > today:
            findings.append(Finding("来访时间", "不能晚于今天"))
    if findings:
        labels = {label_path(tuple(k.split("."))) for k in converted}
        findings = [Finding(f.field, f.message + "（已将全角字符按半角处理，仍不正确）", f.code)
                    if any(f.field.startswith(lb) or lb.startswith(f.field) for lb in labels if f.field) else f
                    for f in findings]
        raise ValidationFailed(findings, subject="受理登记表")
    assert form is not None
    return form


def _payer_group(form: IntakeForm) -> PayerGroup:
    if form.payer_group:
        return form.payer_group
    if form.applicant.kind is PartyKind.UNIT:
        return PayerGroup.UNIT
    if any(i in (InsuranceType.RESIDENT_MEDICAL, InsuranceType.RESIDENT_PENSION) for i in form.insurance_types):
        return PayerGroup.RESIDENT
    return PayerGroup.PERSON


def _initial_flags(form: IntakeForm, settings: Settings) -> list[Flag]:
    flags = list(dict.fromkeys(form.flags))
    if form.channel is Channel.PUBLIC_OPINION and Flag.PUBLIC_OPINION not in flags:
        flags.append(Flag.PUBLIC_OPINION)
    if (form.applicant.represents_count or 0) >= settings.risk.mass_min_workers and Flag.MASS not in flags:
        flags.append(Flag.MASS)
    if form.total_amount_at_least(settings.risk.large_amount) and Flag.LARGE_AMOUNT not in flags:
        flags.append(Flag.LARGE_AMOUNT)
    if any(p[:4] < "2011" for p in form.periods) and Flag.HISTORICAL_ARREARS not in flags:
        flags.append(Flag.HISTORICAL_ARREARS)
    return flags


@dataclass
class NewCaseResult:
    case_id: str
    number: str
    state: str
    documents: list[dict[str, Any]]
    message: str
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.case_id, "number": self.number, "state": self.state, "documents": self.documents,
                "message": self.message, "warnings": self.warnings}


def register(ws: Workspace, data: Any, now: datetime, actor: ActorLike, *, redirect: dict[str, str] | None = None) -> NewCaseResult:
    """T1 + T3 + T4 (or T1 + T2): create the dossier and register the matter."""
    settings = ws.settings
    warnings: list[str] = []
    form = parse_form(data, settings, now.date(), warnings)
    year = form.received_at.year
    intake = settings.dept(form.intake_dept).code
    with Seq(ws, f"case-{year}").allocate("案件编号", now) as seq:
        case_id = f"{settings.office.case_prefix}-{settings.office.region_code}-{year}-{seq:04d}"
        case = Case(
            id=case_id, number=format_wenhao(settings.office.case_daizi, year, seq), year=year, seq=seq,
            profile=settings.profile, state=machine.creation_state(), flags=_initial_flags(form, settings),
            channel=form.channel, channel_ref=form.channel_ref, received_at=form.received_at,
            first_handler=form.first_handler, intake_dept=intake, coordinator_dept=intake,
            jurisdiction=form.jurisdiction, applicant=form.applicant, counterparty=form.counterparty,
            payer_group=_payer_group(form), categories=list(dict.fromkeys(form.categories)),
            insurance_types=list(dict.fromkeys(form.insurance_types)), periods=form.periods, amounts=form.amounts,
            claim=form.claim, attachments=form.attachments, note=form.note,
        )
        Dossier.create(ws, case, actor, now, "created",
                       {"transition": "T1", "to": State.INTAKE.value, "channel": form.channel.value,
                        "first_handler": form.first_handler, **({"warnings": warnings} if warnings else {})})
    try:
        if redirect is not None:
            res = run(ws, case_id, now, actor, lambda st: _redirect(st, **redirect))
        else:
            res = run(ws, case_id, now, actor, _register_and_triage_start)
    except CasefileError:
        # registering failed (a full disk, a template problem): take the new dossier back, so `new`
        # leaves nothing behind but its number in the log (a recorded void, never reused)
        Dossier(ws, case_id).discard_if_untouched()
        raise
    return NewCaseResult(case_id, case.number, res.state, res.documents, res.message, warnings)


def _register_and_triage_start(st: Step) -> str:
    case = st.case
    st.expect("T3")
    case.registered_at = st.now
    # the receipt (D02) prints the handling deadline, so it is opened first
    st.deadline("register", label="登记并出具受理回执")
    st.deadline("triage")
    if case.channel is Channel.PETITION:
        st.deadline("petition_handling", label="信访事项办理（信访工作条例第34条）")
    else:
        st.deadline("hard_ceiling")
    st.issue("D01")
    receipt = st.issue("D02", recipient=case.applicant.name)
    st.done("register")
    st.case.services.append(Service(doc_id=receipt.doc_id, recipient=case.applicant.name, method="当场交付",
                                    served_at=st.today))
    st.move("T3", number=case.number)
    st.move("T4")
    return f"已受理登记，案件编号 {case.number}，等待审核分类（{date_cn(st.case.deadline('triage').due)}前）。"  # type: ignore[union-attr]


def _redirect(st: Step, to: str, reason: str, route: str = "") -> str:
    case = st.case
    st.expect("T2")
    if not to.strip() or not reason.strip():
        raise MissingData("不予受理需写明有权处理的机关（--to）和理由（--reason）。")
    case.redirect = {"to": to, "reason": reason, "route": route, "at": st.now.isoformat()}
    doc = st.issue("D03", recipient=case.applicant.name)
    st.serve(doc, case.applicant.name)
    st.move("T2", redirect_to=to, reason=reason)
    case.closed_at = st.now
    case.close_reason = f"告知另行办理：{to}"
    return f"已出具不予受理（转办）告知书，告知当事人向{to}办理。"


def redirect(st: Step, to: str, reason: str, route: str = "") -> str:
    return _redirect(st, to, reason, route)


# -- triage and routing (T4–T9) --------------------------------------------------------------------
def default_route(case: Case, settings: Settings) -> tuple[str, list[str]]:
    leads: list[str] = []
    cos: list[str] = []
    for c in case.categories:
        lead, co = ROUTING[c.short]
        if lead == "RSJ" and case.insurance_types and all(i in MEDICAL for i in case.insurance_types):
            lead = "YBJ"
        leads.append(lead or case.intake_dept)
        cos.extend(co)
    if Flag.PUBLIC_OPINION in case.flags:
        cos.append("WXB")
    if Flag.MASS in case.flags or Flag.STABILITY in case.flags:
        cos.extend(["XFJ", "GAJ"])
    lead = leads[0] if leads else case.intake_dept
    known = {d.code for d in settings.departments}
    co_list = [c for c in dict.fromkeys(cos) if c != lead and c in known]
    return lead, co_list


def triage(st: Step, *, case_class: str | None = None, risk: str | None = None, lead: str | None = None,
           co: Sequence[str] = (), note: str | None = None, suggest: str | None = None,
           requirements: str | None = None) -> str:
    case = st.case
    if case.state is State.INTAKE:
        _register_and_triage_start(st)
        st.tx.event("registered_late")
    st.expect("T5", "T6", "T7", "T9", what="审核分类")
    profile = st.settings.profile
    cls = CaseClass(case_class) if case_class else None
    rk = Risk(risk) if risk else None
    if profile == "pianguan":
        if rk is None:
            raise MissingData("偏关模式下审核分类需给出风险等级：--risk 低|中|高。")
        if cls is CaseClass.UNCLEAR:
            raise CasefileError("偏关模式没有“职责不清”报送环节，由综治中心指定承办部门；请用 --lead 指定部门。")
        cls = cls or {Risk.LOW: CaseClass.OWN, Risk.MEDIUM: CaseClass.GENERAL, Risk.HIGH: CaseClass.MAJOR}[rk]
    elif cls is None:
        raise MissingData("奈曼模式下审核分类需给出事项类别：--class 本单位|一般|重大疑难|职责不清。")
    case.case_class, case.risk, case.triage_note = cls, rk, note
    d_lead, d_co = default_route(case, st.settings)
    case.lead_dept = st.dept_code(lead) if lead else d_lead
    case.co_depts = [st.dept_code(c) for c in co] if co else d_co
    case.co_depts = [c for c in case.co_depts if c != case.lead_dept]
    if profile == "pianguan" and rk is Risk.MEDIUM:
        case.coordinator_dept = st.dept_code(st.settings.routing.medium_risk_organiser) \
            if _known(st, st.settings.routing.medium_risk_organiser) else case.coordinator_dept
    st.done("triage")
    from casefile.documents.context import major_reasons

    if cls is CaseClass.MAJOR and not (note and note.strip()) and not major_reasons(case):
        raise MissingData("重大疑难（高风险）事项须写明理由：请用 --note 说明其重大、复杂、疑难之处（重大疑难事项报告单）。")
    if cls is CaseClass.OWN:
        st.deadline("direct", dept=case.lead_dept)  # printed in D08
        case.requirements = requirements.strip() if requirements and requirements.strip() else None
        if case.lead_dept != case.intake_dept:
            st.issue("D08", extra={"dept": case.lead_dept}, recipient=st.settings.dept_name(case.lead_dept))
        st.move("T5", case_class=cls.value, risk=rk.value if rk else None, lead=case.lead_dept)
        return f"已分流为直接办理，由{st.settings.dept_name(case.lead_dept)}办理。"
    if cls is CaseClass.GENERAL:
        if not case.co_depts:
            raise MissingData("联办事项至少需要一个协办部门：请用 --co 指定。")
        for dept in case.co_depts:
            # D04 prints the reply deadline: the deadline and the request are on record before it is issued
            due = st.deadline("opinion", dept=dept, label=f"{st.settings.dept_name(dept)}书面意见").due
            opinion = Opinion(dept=dept, requested_at=st.today, due=due)
            case.opinions.append(opinion)
            opinion.request_doc = st.issue("D04", extra={"dept": dept}, recipient=st.settings.dept_name(dept)).doc_id
        st.deadline("joint_decision")
        st.move("T6", case_class=cls.value, risk=rk.value if rk else None, co=case.co_depts)
        return f"已分流为联办，向{len(case.co_depts)}个部门发出意见征求函。"
    if cls is CaseClass.MAJOR:
        if not case.co_depts:
            case.co_depts = [c for c in st.settings.routing.special_departments
                             if c != case.lead_dept and _known(st, c)]
        st.issue("D06")
        st.deadline("special_approval")
        st.move("T7", case_class=cls.value, risk=rk.value if rk else None)
        return machine.words(st.case.profile, "已报领导小组办公室专案报批，等待组长同意。")
    return _refer_send(st, reason=note or "职责不清", suggest=suggest)


def _dept_or_name(st: Step, text: str) -> str:
    try:
        return st.settings.dept(text).code
    except ValueError:
        return text.strip()


def _dated_deadline(st: Step, step: str, due: date, *, label: str, dept: str | None = None) -> Deadline:
    """A time limit whose date was set by a meeting or a decision (not counted from a rule): on `due`
    like every other deadline until it is ticked off."""
    if due < st.today:
        raise CasefileError(f"“{label}”的完成时限{date_cn(due)}早于今天，请核对日期。")
    why = [f"{label}：时限由会议或处理意见确定，至{date_cn(due)}"]
    if not st.cal.is_workday(due):  # a date a document sets lands on a working day
        moved = st.cal.first_workday_from(due)
        why.append(f"{date_cn(due)}为{st.cal.rest_day_label(due) or '休息日'}，顺延至{date_cn(moved)}")
        due = moved
    n = max((due - st.today).days, 1)
    d = Deadline(step=step, label=label, start=st.today, n=n, unit="calendar_days", base_due=due, due=due, dept=dept,
                 explanation=why)
    st.case.deadlines.append(d)
    return d


def _tick(case: Case, step: str, label: str, today: date) -> None:
    for d in case.deadlines:
        if d.step == step and d.label == label and d.done_at is None:
            d.done_at = today


def parse_obligations(raw: Sequence[str], case: Case, source: str) -> list[Obligation]:
    """``当事人|事项[|YYYY-MM-DD]``: the party by name or by 申请人/对方当事人."""
    out: list[Obligation] = []
    findings: list[Finding] = []
    for n, item in enumerate(raw, start=1):
        parts = [p.strip() for p in item.replace("｜", "|").split("|")]
        where = f"当事人应当履行的事项（--obligation）第{n}项"
        if len(parts) < 2 or not parts[0] or not parts[1]:
            findings.append(Finding(where, "应为“当事人|事项[|YYYY-MM-DD]”"))
            continue
        key = PARTY_WORDS.get(parts[0])
        party = (case.applicant if key == "applicant" else case.counterparty) if key else None
        name = party.name if party is not None else parts[0]
        if name not in [p.name for p in (case.applicant, case.counterparty) if p is not None]:
            findings.append(Finding(where, f"“{parts[0]}”不是本案当事人"))
            continue
        due: date | None = None
        if len(parts) > 2 and parts[2]:
            try:
                due = date.fromisoformat(parts[2])
            except ValueError:
                findings.append(Finding(where, f"期限“{parts[2]}”应为 YYYY-MM-DD"))
                continue
        out.append(Obligation(party=name, text=parts[1], due=due, source=source))
    if findings:
        raise ValidationFailed(findings, subject=source)
    return out


def _set_obligations(st: Step, obligations: Sequence[Obligation], source: str) -> None:
    """Record what a decision or agreement requires of the parties; one from an earlier version of the
    same source (a corrected agreement or decision) is replaced."""
    case = st.case
    refuse_waivers(source, *(o.text for o in obligations))
    for old in [o for o in case.obligations if o.source == source and not o.settled]:
        _tick(case, "obligation", f"{old.party}：{old.text}", st.today)
        case.obligations.remove(old)
    for o in obligations:
        case.obligations.append(o)
        if o.due is not None:
            _dated_deadline(st, "obligation", o.due, label=f"{o.party}：{o.text}", dept="当事人")


def obligation_done(st: Step, index: int, note: str | None = None, waived_by: str | None = None,
                    reason: str | None = None) -> str:
    """Tick off an obligation (``index`` from 1) as done, or as waived by the party it benefits."""
    case = st.case
    if not case.is_open:
        raise refused(case, "登记履行情况")
    if not 1 <= index <= len(case.obligations):
        raise CasefileError(f"本案共有{len(case.obligations)}项当事人应当履行的事项，没有第{index}项。")
    o = case.obligations[index - 1]
    if o.settled:
        raise CasefileError(f"第{index}项（{o.text}）已登记为{'已履行' if o.done_at else '已放弃'}。")
    if waived_by is not None:
        from casefile.rules.waiver import find_waivers

        if not reason or not reason.strip():
            raise MissingData("放弃履行须写明理由（--reason）。")
        if waived_by.strip() == o.party:
            raise CasefileError(f"“{o.text}”是{o.party}应当履行的事项，只能由受益的一方放弃，不能由{o.party}自己放弃。")
        if find_waivers([f"放弃{o.text}"]):
            raise WaiverRefused(f"“{o.text}”涉及社会保险费或滞纳金的缴纳，依法不能放弃（社会保险法第六十条、第八十六条）。")
        o.waived_by, o.waived_reason = waived_by.strip(), reason.strip()
        what = f"已登记{o.waived_by}放弃要求{o.party}履行“{o.text}”（理由：{o.waived_reason}）"
    else:
        o.done_at, o.done_note = st.today, note
        what = f"已登记{o.party}履行“{o.text}”"
    _tick(case, "obligation", f"{o.party}：{o.text}", st.today)
    st.tx.event("obligation", index=index, done=o.done_at is not None, waived_by=o.waived_by, reason=o.waived_reason)
    left = unsettled(case)
    return what + (f"；尚有{len(left)}项未履行完毕。" if left else "；全部约定事项已履行完毕。")


def agreed_item_done(st: Step, index: int, note: str | None = None, meeting: int | None = None) -> str:
    """Tick off the ``index``-th 议定事项 (from 1) of a meeting (default the latest held)."""
    case = st.case
    if not case.is_open:
        raise refused(case, "登记议定事项办理情况")
    held = [m for m in case.meetings if m.held_at is not None]
    if not held:
        raise CasefileError("本案没有已召开的会议，没有议定事项。")
    if meeting is not None and not 1 <= meeting <= len(held):
        raise CasefileError(f"本案共召开{len(held)}次会议，没有第{meeting}次。")
    m = held[(meeting or len(held)) - 1]
    if not 1 <= index <= len(m.items):
        raise CasefileError(f"该会议共有{len(m.items)}项议定事项，没有第{index}项。")
    item = m.items[index - 1]
    if item.done_at is not None:
        raise CasefileError(f"议定事项“{item.text}”已于{date_cn(item.done_at)}登记办结。")
    item.done_at, item.done_note = st.today, note
    _tick(case, "agreed_item", f"议定事项：{item.text}", st.today)
    st.tx.event("agreed_item_done", text=item.text, unit=item.unit, note=note)
    return f"议定事项“{item.text}”（{item.unit}）已登记办结。"


def _known(st: Step, text: str) -> bool:
    try:
        st.settings.dept(text)
        return True
    except UnknownDepartment:
        return False


# -- referral (T9–T11) ------------------------------------------------------------------------------
def _refer_send(st: Step, reason: str, suggest: str | None) -> str:
    case = st.case
    st.expect("T9")
    if st.settings.profile != "naiman":
        raise CasefileError("报送办理（职责不清）只适用于奈曼模式。")
    case.case_class = CaseClass.UNCLEAR
    to = st.settings.dept_name("ZFB") if _known(st, "ZFB") else "政府办"
    st.deadline("referral_reply")
    case.referral = Referral(sent_at=st.now, to=to, reason=reason,
                             suggested_dept=st.dept_code(suggest) if suggest else None,
                             reply_due=case.deadlines[-1].due)
    doc = st.issue("D07", recipient=to)
    case.referral.doc_id = doc.doc_id
    st.move("T9", referred_to=to)
    return f"已填写报送单报送{to}，承办反馈期限{date_cn(case.referral.reply_due) if case.referral.reply_due else '未定'}。"


def refer_send(st: Step, reason: str, suggest: str | None = None) -> str:
    return _refer_send(st, reason, suggest)


def refer_reply(st: Step, dept: str, text: str, hotline_ref: str | None = None) -> str:
    case = st.case
    st.expect("T10")
    assert case.referral is not None
    refuse_waivers("承办部门反馈", text)
    case.referral.replied_at = st.now
    case.referral.handling_dept = st.dept_code(dept)
    case.referral.reply_text = text
    case.referral.hotline_ref = hotline_ref or case.referral.hotline_ref
    case.lead_dept = case.referral.handling_dept
    case.decision = Decision(text=text, decided_at=st.now, source=st.settings.dept_name(case.lead_dept))
    st.done("referral_reply")
    st.deadline("notify")
    st.move("T10", dept=case.lead_dept, hotline_ref=hotline_ref)
    return f"已登记{st.settings.dept_name(case.lead_dept)}的承办反馈。"


def refer_refuse(st: Step, dept: str, reason: str, evidence: Sequence[str] = ()) -> str:
    case = st.case
    st.expect("T11")
    assert case.referral is not None
    code = st.dept_code(dept)
    if not any(u.dept in (None, code) for u in case.referral.urges):
        raise TransitionRefused(
            f"承办部门：{st.settings.dept_name(code)}尚未被催办，移交纪委监委前须先催办；请先运行 "
            f"casefile refer urge {case.number} --dept {st.settings.dept_name(code)} --on 催办日期 --text 催办内容。")
    case.referral.refusals.append({"dept": code, "reason": reason, "at": st.now.isoformat(),
                                   "evidence": [e for e in evidence if e.strip()]})
    if Flag.DISCIPLINE_REFERRAL not in case.flags:
        case.flags.append(Flag.DISCIPLINE_REFERRAL)
    st.issue("D09", extra={"dept": code, "reason": reason},
             recipient=st.settings.dept_name("JW") if _known(st, "JW") else "纪委监委")
    st.move("T11", dept=code, reason=reason)
    return "已出具案件线索移交函，移交纪委监委。"


def refer_urge(st: Step, *, on: date, text: str, dept: str | None = None) -> str:
    """催办 (naiman): the date the receiving department really pressed the 承办部门 is given, never assumed."""
    case = st.case
    named = st.dept_code(dept) if dept else None  # a misspelt name is named before anything else
    st.expect("NM_URGE")
    assert case.referral is not None
    if not text.strip():
        raise MissingData("催办内容：不能为空，请用 --text 写明催办的方式和内容（如 电话催办，要求三日内反馈）。")
    if on > st.today:
        raise CasefileError(f"催办日期：{date_cn(on)}晚于今天，请填写实际催办的日期。")
    if on < case.referral.sent_at.date():
        raise CasefileError(f"催办日期：{date_cn(on)}早于报送日期{date_cn(case.referral.sent_at.date())}，请核对。")
    code = named or case.referral.handling_dept or case.referral.suggested_dept
    urge = Urge(on=on, dept=code, text=text.strip(), recorded_at=st.now)
    case.referral.urges.append(urge)
    who_name = st.settings.dept_name(code) if code else "承办部门"
    urge.doc_id = st.issue("D32", extra={"urge_index": len(case.referral.urges)}, recipient=who_name).doc_id
    st.move("NM_URGE", dept=code, on=on.isoformat(), text=text.strip())
    n = len(case.referral.urges)
    who = st.settings.dept_name(code) if code else "承办部门"
    return f"已登记第{n}次催办（{date_cn(on)}，{who}）。"


# -- flags a person raises and clears -------------------------------------------------------------------
MANUAL_FLAGS = (Flag.PUBLIC_OPINION, Flag.STABILITY, Flag.MASS, Flag.HISTORICAL_ARREARS)


def set_flag(st: Step, flag: str, *, raise_: bool, reason: str) -> str:
    """Raise or clear 舆情/涉访涉稳/群体性/历史欠费 at any step of an unarchived case, with the reason journaled."""
    case = st.case
    try:
        f = Flag.parse(flag)
    except ValueError as exc:
        raise CasefileError(f"标记：{exc}。") from None
    if f not in MANUAL_FLAGS:
        names = "、".join(m.label for m in MANUAL_FLAGS)
        raise CasefileError(f"标记：“{f.label}”由系统按期限和金额自动判断，不能手工设置；可手工设置的标记：{names}。")
    if not reason.strip():
        raise MissingData("理由：不能为空，请用 --reason 写明设置或解除标记的依据（如 网信办通报、信访局研判）。")
    if case.state is State.ARCHIVED:
        raise refused(case, f"设置“{f.label}”标记")
    if raise_:
        if f in case.flags:
            raise CasefileError(f"标记：案件 {case.number} 已有“{f.label}”标记。")
        case.flags.append(f)
        st.tx.event("flag_raised", flag=f.value, label=f"标记{f.label}", reason=reason.strip())
        extra = ""
        if f is Flag.PUBLIC_OPINION and case.is_open and _known(st, "WXB") and "WXB" not in case.co_depts \
                and case.lead_dept and case.lead_dept != "WXB":
            case.co_depts.append("WXB")
            extra = "，已将网信办列为协办部门"
        return f"已标记“{f.label}”{extra}。"
    if f not in case.flags:
        raise CasefileError(f"标记：案件 {case.number} 没有“{f.label}”标记，无需解除。")
    case.flags.remove(f)
    st.tx.event("flag_cleared", flag=f.value, label=f"解除{f.label}标记", reason=reason.strip())
    return f"已解除“{f.label}”标记。"


# -- pianguan: report back to the 综治中心, city coordination -------------------------------------------
def report_back(st: Step, *, text: str, dept: str | None = None, on: date | None = None) -> str:
    """A department that handled a low-risk matter itself tells the 综治中心 what it did (pianguan)."""
    case = st.case
    named = st.dept_code(dept) if dept else None  # a misspelt name is named before anything else
    st.expect("PG_REPORT")
    if case.case_class is not CaseClass.OWN:
        raise TransitionRefused("向综治中心反馈：只有由职能部门直接办理的低风险事项需要反馈；"
                                "联合处置的事项由综治中心告知当事人。")
    if not text.strip():
        raise MissingData("反馈内容：不能为空，请用 --text 写明办理结果和告知当事人的情况。")
    code = named or case.lead_dept or case.intake_dept
    day = on or st.today
    if day > st.today:
        raise CasefileError(f"反馈日期：{date_cn(day)}晚于今天，请填写实际反馈的日期。")
    case.center_report = CenterReport(dept=code, reported_on=day, text=text.strip(), recorded_at=st.now)
    st.done("center_report")
    st.move("PG_REPORT", dept=code, on=day.isoformat())
    return f"已记录{st.settings.dept_name(code)}向综治中心反馈办理结果（{date_cn(day)}）。"


def escalate(st: Step, *, reason: str | None = None, to: str | None = None, result: str | None = None) -> str:
    """提请市级部门协调 (pianguan), or record the city's answer to the last request."""
    case = st.case
    st.expect("PG_CITY")
    if result is not None:
        pending = [c for c in case.city_coordination if c.result is None]
        if not pending:
            raise TransitionRefused("市级协调结果：本案没有待答复的市级协调请求，请先用 escalate --reason 提请。")
        if not result.strip():
            raise MissingData("市级协调结果：不能为空。")
        pending[-1].result, pending[-1].result_on = result.strip(), st.today
        st.move("PG_CITY", result=result.strip())
        return "已登记市级部门的协调意见。"
    if not reason or not reason.strip():
        raise MissingData("提请市级协调：请用 --reason 写明县级无法解决的原因。")
    body = to or st.settings.office.superior_tax
    case.city_coordination.append(CityCoordination(requested_on=st.today, to=body, reason=reason.strip(),
                                                   recorded_at=st.now))
    st.move("PG_CITY", city=body, reason=reason.strip())
    return f"已提请{body}等市级部门协调，答复后用 escalate --result 登记。"


# -- opinions, meetings, decisions -----------------------------------------------------------------
def record_opinion(st: Step, dept: str, text: str | None, *, basis: str | None = None, will_act: bool = False,
                   handler: str | None = None, lapsed: bool = False, received: date | None = None,
                   facts: str | None = None) -> str:
    case = st.case
    if case.state not in (State.JOINT, State.SPECIAL, State.SPECIAL_REQ):
        raise refused(case, "登记部门书面意见")
    code = st.dept_code(dept)
    op = next((o for o in case.opinions if o.dept == code and o.received_at is None and not o.lapsed), None)
    if op is None:
        if case.state is State.JOINT:
            raise CasefileError(f"没有向{st.settings.dept_name(code)}征求意见，或其意见已登记。")
        op = Opinion(dept=code, requested_at=st.today, due=st.today)
        case.opinions.append(op)
    if lapsed:
        if st.today <= op.due:
            raise CasefileError(f"{st.settings.dept_name(code)}的答复期限为{date_cn(op.due)}，尚未届满，不能记为逾期未复。")
        op.lapsed = True
        st.tx.event("opinion_lapsed", dept=code)
    else:
        if not text:
            raise MissingData("请用 --text 填写部门书面意见。")
        if not facts or not facts.strip():
            raise MissingData("请用 --facts 填写该部门查明的事实（部门书面意见回复单“查明的事实”一栏）。")
        refuse_waivers("部门书面意见", text, facts)
        op.received_at, op.text, op.basis, op.will_act, op.handler = received or st.today, text, basis, will_act, handler
        op.facts = facts.strip()
        doc = st.issue("D05", extra={"dept": code}, recipient=st.settings.dept_name(case.coordinator_dept))
        op.doc_id = doc.doc_id
        st.tx.event("opinion_received", dept=code, doc=doc.doc_id)
    st.done("opinion", dept=code)
    return f"已登记{st.settings.dept_name(code)}的{'逾期未复' if lapsed else '书面意见'}。"


def schedule_meeting(st: Step, *, at: datetime, place: str, host: str, topics: Sequence[str],
                     participants: Sequence[str] = (), approved_by: str | None = None, materials: str | None = None,
                     kind: str = "会商") -> str:
    case = st.case
    if case.state is State.SPECIAL_REQ:
        if not approved_by:
            raise MissingData(machine.words(case.profile, "专案需经领导小组组长同意：请用 --approved-by 填写组长姓名。"))
        case.special_approval = {"approved_by": approved_by, "at": st.now.isoformat()}
        st.done("special_approval")
    elif case.state not in (State.JOINT, State.SPECIAL):
        raise refused(case, "召开会商/联席会议")
    if not topics:
        raise MissingData("请用 --topic 填写会议议题。")
    parts = [st.settings.dept_name(st.dept_code(p)) for p in participants] or \
        [st.settings.dept_name(c) for c in [case.lead_dept or case.intake_dept, *case.co_depts]]
    title = f"{'联席会议' if kind == '联席' else '会商会议'}（{case.number}）"
    meeting = Meeting(kind=kind, title=title, scheduled_at=at, place=place, host=host, topics=list(topics),
                      participants=parts, materials=materials)
    case.meetings.append(meeting)
    doc = st.issue("D10")
    meeting.notice_doc = doc.doc_id
    if case.state is State.SPECIAL_REQ:
        st.deadline("special_decision")
        st.move("T8", approved_by=approved_by, meeting_at=at.isoformat())
        return machine.words(case.profile, "组长") + f"{approved_by}已同意成立专案，会议通知已发出（{at:%Y-%m-%d %H:%M}，{place}）。"
    st.tx.event("meeting_scheduled", at=at.isoformat(), doc=doc.doc_id)
    return f"会议通知已发出（{at:%Y-%m-%d %H:%M}，{place}）。"


def record_meeting(st: Step, *, attendees: Sequence[str], summary: str, opinion: str,
                   items: Sequence[AgreedItem] = (), observers: Sequence[str] = (), absent: Sequence[str] = (),
                   policy_basis: str | None = None, public_opinion_risk: str | None = None,
                   litigation_risk: str | None = None, decision: str | None = None,
                   basis: Sequence[str] = (), mediator: str | None = None,
                   held_at: datetime | None = None) -> str:
    case = st.case
    if case.state not in (State.JOINT, State.SPECIAL):
        raise refused(case, "记录会议纪要")
    if mediator and case.state is State.SPECIAL:
        st.expect("T16M", what="联席会议决定调解")
    pending = [m for m in case.meetings if m.held_at is None]
    if not pending:
        raise CasefileError("没有待召开的会议，请先用 meeting schedule 发出会议通知。")
    if not attendees:
        raise MissingData("请用 --attendee 填写出席人员。")
    refuse_waivers("会议纪要", summary, opinion, decision, *(i.text for i in items))
    incomplete = [i.text for i in items if not i.unit or i.due is None]
    if incomplete:
        raise MissingData(f"议定事项须写明责任单位和完成时限：{'、'.join(incomplete)}；"
                          "请用 --item “事项|责任单位|YYYY-MM-DD”逐项填写。")
    m = pending[-1]
    # the minutes record when the meeting sat (the notice's time unless told otherwise), not when they were typed
    held = held_at or m.scheduled_at
    if held > st.now:
        raise CasefileError(f"会议定于{held:%Y-%m-%d %H:%M}召开，尚未召开，不能记录会议纪要；如会议改期请用 --held-at 写明实际召开时间。")
    m.held_at, m.attendees, m.observers, m.absent = held, list(attendees), list(observers), list(absent)
    m.summary, m.opinion, m.policy_basis = summary, opinion, policy_basis
    m.public_opinion_risk, m.litigation_risk, m.items = public_opinion_risk, litigation_risk, list(items)
    for i in m.items:
        assert i.unit is not None and i.due is not None
        _dated_deadline(st, "agreed_item", i.due, label=f"议定事项：{i.text}", dept=_dept_or_name(st, i.unit))
    doc = st.issue("D11")
    m.minutes_doc = doc.doc_id
    if case.state is State.SPECIAL and mediator:
        # 会商 → 调解: the meeting orders mediation; if it fails the case goes on to 调查核实 (T14)
        case.mediation = Mediation(started_at=st.now, mediator=mediator, organisation=machine.words(case.profile, "联席会议"))
        st.deadline("mediation")
        st.move("T16M", minutes=doc.doc_id, mediator=mediator)
        return f"会议纪要已形成，{machine.words(case.profile, '联席会议')}决定先行调解，调解员{mediator}。"
    if case.state is State.SPECIAL:
        case.decision = Decision(text=decision or opinion, findings=summary, basis=list(basis), decided_at=st.now,
                                 source="会商会议")
        st.done("special_decision")
        st.deadline("notify")
        st.move("T16", minutes=doc.doc_id)
        return "会议纪要已形成，处理意见已确定。"
    st.tx.event("meeting_held", minutes=doc.doc_id)
    return "会议纪要已形成。"


def decide(st: Step, *, text: str, findings: str | None = None, basis: Sequence[str] = (),
           obligations: str | None = None, duties: Sequence[Obligation] = ()) -> str:
    case = st.case
    if not text.strip():
        raise MissingData("请用 --text 填写处理意见。")
    refuse_waivers("处理意见", text, findings, obligations)
    decision = Decision(text=text, findings=findings, basis=list(basis), obligations=obligations, decided_at=st.now,
                        source=st.settings.dept_name(case.lead_dept or case.intake_dept))
    if case.state in (State.DIRECT, State.JOINT):
        _set_obligations(st, duties, "处理意见")
    if case.state is State.DIRECT:
        case.decision = decision
        st.tx.event("decision_recorded")
        return "处理意见已记录，可用 notify 书面反馈当事人。"
    if case.state is State.JOINT:
        waiting = [o for o in case.opinions if o.received_at is None and not o.lapsed]
        if waiting:
            names = "、".join(st.settings.dept_name(o.dept) for o in waiting)
            raise TransitionRefused(
                f"尚有部门未回复书面意见（{names}）；请先用 opinion 登记，或期限届满后用 opinion --lapsed 记录逾期未复。"
            )
        case.decision = decision
        st.done("joint_decision")
        st.deadline("notify")
        st.move("T15")
        return "已形成综合处理意见。"
    if case.state is State.SPECIAL:
        raise TransitionRefused("专案事项的处理意见须经会商形成：请用 meeting record 记录会议纪要。")
    raise refused(case, "形成处理意见")


# -- mediation (T12–T14) ------------------------------------------------------------------------
def mediate_start(st: Step, mediator: str, organisation: str | None = None) -> str:
    case = st.case
    st.expect("T12")
    case.mediation = Mediation(started_at=st.now, mediator=mediator, organisation=organisation)
    st.deadline("mediation")
    st.move("T12", mediator=mediator)
    return f"已转入调解，调解员{mediator}。"


def mediate_agree(st: Step, terms: Sequence[str], performance: str | None = None,
                  duties: Sequence[Obligation] = ()) -> str:
    case = st.case
    st.expect("T13")
    if not terms:
        raise MissingData("请用 --term 逐条填写协议条款。")
    refuse_waivers("调解协议", *terms, performance)
    _set_obligations(st, duties, "调解协议")
    m = case.mediation
    assert m is not None
    m.ended_at, m.agreed, m.terms, m.performance = st.now, True, list(terms), performance
    doc = st.issue("D15")
    m.doc_id = doc.doc_id
    case.decision = Decision(text="；".join(terms), decided_at=st.now, source=m.organisation or "调解组织", agreed=True)
    st.done("mediation")
    st.deadline("notify")
    st.move("T13", agreement=doc.doc_id)
    return "调解协议已签订。"


MEDIATION_NEXT: dict[str, tuple[str, ...]] = {
    # code: (label shown, other words accepted)
    "joint": ("调查核实", "联办", "调查"),
    "special": ("会商", "联席会议", "专案", "专案会商"),
    "enforcement": ("征缴执法", "执法"),
}


def mediation_next(text: str) -> str:
    """Where a case goes when mediation fails, by its Chinese name or code."""
    t = text.strip()
    for code, words in MEDIATION_NEXT.items():
        if t.lower() == code or t in words:
            return code
    names = "、".join(w[0] for w in MEDIATION_NEXT.values())
    raise CasefileError(f"调解不成后的去向：“{t}”无法识别，请填写{names}之一。")


def mediate_fail(st: Step, next_step: str) -> str:
    case = st.case
    st.expect("T14")
    assert case.mediation is not None
    targets = {"joint": State.JOINT, "special": State.SPECIAL, "enforcement": State.DECIDED}
    next_step = mediation_next(next_step)
    case.mediation.ended_at, case.mediation.agreed = st.now, False
    st.done("mediation")
    if next_step == "enforcement":
        case.decision = Decision(text="调解不成，依法启动征缴程序", decided_at=st.now, source="受理部门", agreed=False)
    st.move("T14", to=targets[next_step])
    if next_step == "enforcement":
        return "调解不成，可用 enforce start 启动征缴执法。"
    return "调解不成，转入调查核实。"


# -- notice and follow-up (T17–T21) ---------------------------------------------------------------
def notify(st: Step, *, served_at: date | None = None, method: str = "直接送达") -> str:
    case = st.case
    st.expect("T17")
    if case.decision is None:
        raise MissingData("尚无处理意见：请先用 decide --text 记录处理意见。")
    doc = st.issue("D12", recipient=case.applicant.name)
    served = served_at or st.today
    st.serve(doc, case.applicant.name, served, method)
    if case.counterparty:
        st.serve(doc, case.counterparty.name, served, method)
    st.done("direct", "notify", "hard_ceiling", "petition_handling", "joint_decision", "special_decision")
    st.deadline("followup", start=served)
    if _reports_back(case):
        st.deadline("center_report", start=served, dept=case.lead_dept or case.intake_dept)
    st.move("T17", notice=doc.doc_id)
    return f"处理意见告知书已送达，请于{date_cn(case.deadline('followup').due)}前回访。"  # type: ignore[union-attr]


PARTY_WORDS = {"applicant": "applicant", "申请人": "applicant", "缴费人": "applicant", "反映人": "applicant",
               "counterparty": "counterparty", "对方": "counterparty", "对方当事人": "counterparty",
               "被申请人": "counterparty", "用人单位": "counterparty"}


def _which_party(case: Case, party: str | None, respondent: str) -> str:
    if party:
        key = PARTY_WORDS.get(party.strip())
        if key is None:
            for p, k in ((case.applicant, "applicant"), (case.counterparty, "counterparty")):
                if p is not None and party.strip() in (p.name, p.legal_rep):
                    key = k
        if key is None or (key == "counterparty" and case.counterparty is None):
            raise CasefileError(f"回访对象“{party}”不是本案当事人；请用 --party 申请人 或 --party 对方当事人。")
        return key
    if case.counterparty is not None and respondent.strip() in (case.counterparty.name, case.counterparty.legal_rep):
        return "counterparty"
    return "applicant"


def _followup_content(fu: FollowUp, who: str) -> str:
    said = "有异议" if fu.objection else "无异议"
    return f"{fu.method}回访{who}（受访人：{fu.respondent}），对处理结果{fu.satisfaction.value}，{said}。"


def parties_to_follow(case: Case) -> list[str]:
    """Both parties of the dispute are followed up (争议双方); a matter with one party, that party."""
    return ["applicant", "counterparty"] if case.counterparty is not None else ["applicant"]


def followed_up(case: Case) -> set[str]:
    """Parties followed up since the last written notice (a reopened case is followed up again)."""
    notices = [d.issued_at for d in case.documents if d.doc_type == "D12"]
    since = max(notices) if notices else None
    return {f.party or "applicant" for f in case.followups if since is None or f.at >= since}


def unsettled(case: Case) -> list[str]:
    """What an agreement, a decision or a meeting still requires, in words, for a refusal to close."""
    out = [f"{o.party}：{o.text}" + (f"（{date_cn(o.due)}前）" if o.due else "") for o in case.obligations
           if not o.settled]
    for m in case.meetings:
        out += [f"{i.unit or '责任单位未定'}：{i.text}" + (f"（{date_cn(i.due)}前）" if i.due else "")
                for i in m.items if i.done_at is None]
    return out


def _close_guard(case: Case) -> None:
    left = unsettled(case)
    if left:
        raise TransitionRefused(
            f"尚有未履行完毕的事项：{'；'.join(left)}；请在履行后用 obligation done / meeting item-done 登记"
            "（受益方放弃的用 obligation waive --by --reason 登记），再办结。")


def followup(st: Step, *, method: str, respondent: str, satisfaction: str, objection: bool = False,
             remedy: str | None = None, body: str | None = None, filed_at: date | None = None,
             suggestions: str | None = None, content: str | None = None, party: str | None = None) -> str:
    case = st.case
    if case.state is State.NOTIFIED:
        st.move("T18")
    st.expect("T19", "T20", what="跟踪回访")
    who_key = _which_party(case, party, respondent)
    who_party = case.applicant if who_key == "applicant" else case.counterparty
    assert who_party is not None
    fu = FollowUp(at=st.now, method=method, by=st.actor, respondent=respondent,
                  satisfaction=Satisfaction(satisfaction), objection=objection,
                  remedy=RemedyKind(remedy) if remedy else None, suggestions=suggestions, party=who_key)
    fu.content = content or _followup_content(fu, who_party.name)
    filed: Remedy | None = None
    if objection:
        if fu.remedy is None or not body:
            raise MissingData("当事人有异议时请用 --remedy 调解|复议|仲裁|诉讼|复查 和 --body 写明救济途径与受理机关。")
        filed = Remedy(kind=fu.remedy, body=body, filed_at=filed_at or st.today)
    case.followups.append(fu)
    if filed is not None:
        case.remedies.append(filed)  # D14 prints the remedy and the body that received it
    doc = st.issue("D14")
    fu.doc_id = doc.doc_id
    if filed is not None:
        st.done("followup")
        st.deadline("remedy_check")
        st.move("T20", remedy=filed.kind.value, party=who_key)
        return f"已记录对{who_party.name}的回访：申请{filed.kind.value}，转入救济跟踪。"
    waiting = [k for k in parties_to_follow(case) if k not in followed_up(case)]
    if waiting:
        st.tx.event("followup", party=who_key, doc=doc.doc_id)
        other = case.counterparty if waiting[0] == "counterparty" else case.applicant
        return f"已记录对{who_party.name}的回访；还须回访{other.name if other else '另一方当事人'}（争议双方均须回访）。"
    st.done("followup")
    if unsettled(case):
        st.tx.event("followup", party=who_key, doc=doc.doc_id)
        return (f"已记录对{who_party.name}的回访，双方均无异议；尚有未履行完毕的事项（{'；'.join(unsettled(case))}），"
                "履行后用 close 办结。")
    case.closed_at, case.close_reason = st.now, "回访无异议"
    st.deadline("archive")
    st.move("T19", party=who_key)
    return "已记录回访，争议双方均无异议，案件办结。" + _center_report_reminder(st) + _hotline_reply(st)


def _hotline_reply(st: Step) -> str:
    """At 办结 of a 12345/12366 case: the reply to paste into the ticket (see casefile.hotline)."""
    from casefile import hotline

    case = st.case
    if not hotline.is_hotline(case) or not case.channel_ref or case.closed_at is None:
        return ""
    st.tx.event("hotline_reply_ready", ticket=case.channel_ref)
    reply = hotline.ticket_reply(case, st.settings.dept_name)
    return f"\n{reply.hotline}热线工单回复（复制到工单系统；casefile hotline reply 可再次输出）：\n{reply.text}"


def _reports_back(case: Case) -> bool:
    """pianguan: a low-risk matter handled by a department directly is reported back to the 综治中心."""
    return case.profile == "pianguan" and case.case_class is CaseClass.OWN


def _center_report_reminder(st: Step) -> str:
    case = st.case
    if not _reports_back(case) or case.center_report is not None:
        return ""
    return (f"{st.settings.dept_name(case.lead_dept or case.intake_dept)}尚未向综治中心反馈办理结果，"
            f"请运行 casefile report-back {case.number} --text 办理结果（该事项列在台账中，反馈后销号）。")


def remedy(st: Step, *, kind: str | None = None, body: str | None = None, filed_at: date | None = None,
           outcome: str | None = None, closed_at: date | None = None, status: str | None = None) -> str:
    case = st.case
    if kind:
        if not case.is_open:
            raise refused(case, "登记救济")
        case.remedies.append(Remedy(kind=RemedyKind(kind), body=body or "", filed_at=filed_at or st.today))
        st.tx.event("remedy_filed", kind=kind, body=body)
        if case.state is not State.REMEDY:
            return f"已登记当事人申请{kind}。"
    if outcome:
        st.expect("T21")
        if not case.remedies:
            raise refused(case, "登记救济结果")
        _close_guard(case)
        r = case.remedies[-1]
        r.outcome, r.closed_at, r.status = outcome, closed_at or st.today, status or "已结束"
        st.done("remedy_check")
        case.closed_at, case.close_reason = st.now, f"救济结果：{outcome}"
        st.deadline("archive")
        st.move("T21", outcome=outcome)
        return "已登记救济结果，案件办结。" + _hotline_reply(st)
    if status and case.remedies:
        case.remedies[-1].status = status
        st.tx.event("remedy_status", status=status)
        return "已更新救济进展。"
    if not kind:
        raise MissingData("请给出 --kind（新申请）或 --outcome（结果）。")
    return "已登记。"


# -- enforcement (T22, E1–E7) ------------------------------------------------------------------------
def parse_arrears(lines: Sequence[str]) -> list[ArrearsLine]:
    """``险种,所属期,应缴[,已缴[,人数[,基数]]]`` per line, e.g. ``基本养老,202401,12000.00,0``."""
    from casefile.rules.money import parse_amount

    out: list[ArrearsLine] = []
    findings: list[Finding] = []
    for i, line in enumerate(lines, start=1):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        where = f"欠费明细第{i}行"
        if len(parts) < 3:
            findings.append(Finding(where, "应为“险种,所属期,应缴[,已缴[,人数[,基数]]]”"))
            continue
        try:
            ins = InsuranceType.parse(parts[0]).value
            if not re.fullmatch(r"\d{6}", parts[1]) or not 1 <= int(parts[1][4:]) <= 12:
                raise ValueError("所属期应为 YYYYMM")
            due = parse_amount(parts[2])
            paid = parse_amount(parts[3]) if len(parts) > 3 and parts[3] else Decimal("0.00")
            head = int(parts[4]) if len(parts) > 4 and parts[4] else None
            base = parse_amount(parts[5]) if len(parts) > 5 and parts[5] else None
            if paid > due:
                raise ValueError("已缴金额大于应缴金额")
            out.append(ArrearsLine(insurance_type=ins, period=parts[1], due=due, paid=paid, headcount=head, base=base))
        except ValueError as exc:
            findings.append(Finding(where, str(exc)))
    if findings:
        raise ValidationFailed(findings, subject="欠费明细")
    return out


def enforce_start(st: Step, arrears: Sequence[ArrearsLine], respondent: str | None = None) -> str:
    case = st.case
    st.expect("T22")
    if not arrears:
        raise MissingData("请用 --arrears 列出欠费明细（险种,所属期,应缴,已缴）。")
    who = respondent or (case.counterparty.name if case.counterparty and case.counterparty.kind is PartyKind.UNIT
                         else case.applicant.name)
    case.enforcement = Enforcement(started_at=st.now, respondent=who, arrears=list(arrears))
    st.done("notify", "followup", "direct", "joint_decision", "special_decision", "hard_ceiling", "petition_handling")
    st.move("T22", respondent=who)
    _enter(st, E.E1)
    return f"已转入征缴执法，向{who}送达社会保险费征缴事项通知书。"


def _pay_deadline(st: Step, step: str) -> date:
    st.deadline(step, dept="当事人")
    return st.case.deadlines[-1].due


def _enter(st: Step, step: EnforcementStep, note: str | None = None, **extra: Any) -> None:
    case = st.case
    enf = case.enforcement
    assert enf is not None
    machine.enter_step(case, step)
    docs: list[str] = []
    pay_by: date | None = None
    who = enf.respondent

    def issue_served(doc_type: str, x: dict[str, Any] | None = None) -> DocumentRecord:
        d = st.issue(doc_type, extra=x, recipient=who)
        st.serve(d, who)
        docs.append(d.doc_id)
        return d

    if step is E.E1:
        st.done("e1_pay")
        pay_by = _pay_deadline(st, "e1_pay")
        enf.pay_by = pay_by
        issue_served("D16")
    elif step is E.E2:
        st.done("e1_pay")
        pay_by = _pay_deadline(st, "e2_pay")
        enf.pay_by = pay_by
        issue_served("D17")
        docs.append(st.issue("D19").doc_id)
    elif step is E.E3:
        st.done("e2_pay")
        pay_by = _pay_deadline(st, "e3_pay")
        enf.pay_by = enf.decision_pay_by = pay_by
        # what the decision claims is fixed here: the 催告书 and the application to the court repeat it
        principal, fee = outstanding(st, st.today)
        enf.decided_principal, enf.decided_late_fee, enf.decided_fee_until = principal, fee, st.today
        issue_served("D18")
        docs.append(st.issue("D19").doc_id)
    elif step is E.E4:
        enf.schedule = []
        for row in extra.get("schedule") or []:
            r = dict(row)
            with contextlib.suppress(ValueError, TypeError):  # an instalment date lands on a working day
                r["due"] = st.cal.first_workday_from(date.fromisoformat(str(r.get("due")))).isoformat()
            enf.schedule.append(r)
        enf.guarantee = extra.get("guarantee") or None
        if not enf.schedule or not enf.guarantee:
            raise MissingData("延期缴费协议须写明分期计划（--instalment 日期,金额[,说明]，可多次给出）和担保情况（--guarantee）"
                              "（社会保险法第六十三条第二款）。")
        docs.append(st.issue("D23").doc_id)
    elif step is E.E5:
        st.done("e3_pay")
        # the 催告书 sets its own 履行期限 (行政强制法第三十五条): ten days from service, on a working day
        pay_by = st.deadline("e5_wait", label="催告书履行期限（送达满十日后方可申请强制执行）").due
        enf.pay_by = pay_by
        issue_served("D20")
    elif step is E.E6:
        court = extra.get("court") or st.settings.office.court
        enf.court = court
        docs.append(st.issue("D21", recipient=court).doc_id)
    elif step is E.E_FINE:
        depts = [extra["dept"]] if extra.get("dept") else fine_departments(a.insurance_type for a in enf.arrears if a.owed > 0)
        for dept in depts:
            docs.append(st.issue("D24", extra={"dept": dept}, recipient=st.settings.dept_name(dept)).doc_id)
    enf.history.append(EnforcementEvent(step=step, at=st.now, note=note, doc_ids=docs, pay_by=pay_by))
    st.tx.event("enforcement", step=step.value, label=step.label, documents=docs, note=note)


def enforce_step(st: Step, step: str, *, note: str | None = None, **extra: Any) -> str:
    case = st.case
    if case.state is not State.ENFORCEMENT or case.enforcement is None:
        raise refused(case, f"执法步骤 {step}")
    try:
        target = EnforcementStep(step)
    except ValueError:
        raise CasefileError(f"未知的执法步骤“{step}”，应为 E1–E7、E_LIT、E_FINE。") from None
    machine.check_step(case, target)
    enf = case.enforcement
    today = st.today
    if target in (E.E2, E.E3) and enf.pay_by and today <= enf.pay_by:
        raise TransitionRefused(f"缴款期限{date_cn(enf.pay_by)}尚未届满，不能进入下一步（{target.label}）。")
    if target is E.E5:
        if enf.decision_pay_by is None:
            raise TransitionRefused("尚未作出社会保险费征收决定（E3），不能催告（行政强制法第五十四条）。")
        if today <= enf.decision_pay_by:
            raise TransitionRefused(
                f"征收决定书规定的缴纳期限{date_cn(enf.decision_pay_by)}尚未届满，不能催告；"
                f"请于{date_cn(enf.decision_pay_by + timedelta(days=1))}以后再进入催告（行政强制法第五十四条）。")
    if target is E.E6:
        served = _served_on(case, "D20")
        if served is None:
            raise TransitionRefused("催告书尚未送达，不能申请强制执行（行政强制法第54条）。")
        if today < served + timedelta(days=10):
            raise TransitionRefused(
                f"催告书于{date_cn(served)}送达，须满十日（{date_cn(served + timedelta(days=10))}）后才能申请强制执行（行政强制法第54条）。"
            )
        decided = _served_on(case, "D18")
        if decided is not None:
            from casefile.rules.calendar import period_end

            opens = period_end(decided, 6, "months", "civil").due
            closes = period_end(opens, 3, "months", "civil").due
            if today <= opens:
                raise TransitionRefused(
                    f"征收决定书于{date_cn(decided)}送达，起诉期限至{date_cn(opens)}届满后方可申请强制执行（行政强制法第53条）。"
                )
            if today > closes:
                raise TransitionRefused(f"申请强制执行的期限已于{date_cn(closes)}届满（行政强制法第53条：起诉期限届满之日起三个月内）。")
    if target is E.E6:
        head = extra.pop("head", None) or enf.head
        views = extra.pop("party_views", None) or enf.party_views
        missing = [m for m, v in (("机关负责人（--head）", head), ("当事人的意见（--party-views，未陈述申辩的写明“未提出陈述申辩”）", views))
                   if not v]
        if missing:
            raise MissingData(f"强制执行申请书须由机关负责人签名并写明当事人的意见，缺少：{'、'.join(missing)}（行政强制法第五十五条）。")
        enf.head, enf.party_views = head, views
    _enter(st, target, note, **extra)
    return f"已进入执法步骤“{target.text}”。"


def _served_on(case: Case, doc_type: str) -> date | None:
    ids = {d.doc_id for d in case.documents_of(doc_type)}
    dates = [s.served_at for s in case.services if s.doc_id in ids and s.served_at]
    return max(dates) if dates else None


def _fee_portions(enf: Enforcement, until: date) -> list[tuple[ArrearsLine, Decimal, date]]:
    """Each line's principal cut into the portions paid on one day (oldest 所属期 paid first), with the
    day its late fee stops; what is still unpaid runs until ``until``."""
    zero = Decimal("0.00")
    left = {id(a): a.owed for a in enf.arrears}
    portions: list[tuple[ArrearsLine, Decimal, date]] = []
    lines = sorted((a for a in enf.arrears if a.owed > 0), key=lambda a: a.period)
    for pay in sorted(enf.payments, key=lambda p: p.on):
        amount = pay.principal
        for a in lines:
            if amount <= zero:
                break
            take = min(amount, left[id(a)])
            if take > zero:
                portions.append((a, take, pay.on))
                left[id(a)] -= take
                amount -= take
    portions.extend((a, left[id(a)], until) for a in lines if left[id(a)] > zero)
    return portions


def outstanding(st: Step, until: date) -> tuple[Decimal, Decimal]:
    """(principal still owed, late fee due up to ``until`` less what was paid on it)."""
    from casefile.documents.context import late_fee_settings
    from casefile.rules.latefee import ArrearsItem, compute_late_fees

    enf = st.case.enforcement
    assert enf is not None
    settings = late_fee_settings(st.settings)
    fee = Decimal("0.00")
    for line, amount, end in _fee_portions(enf, until):
        fee += compute_late_fees([ArrearsItem(line.insurance_type, line.period, amount)], end, settings).total_fee
    return enf.total_owed - enf.paid_principal, fee - enf.paid_late_fee


def enforce_paid(st: Step, paid_on: date, amount: Decimal | None = None, outcome: str | None = None, *,
                 principal: Decimal | None = None, late_fee: Decimal | None = None) -> str:
    """Record a payment, principal and late fee apart. Enforcement ends (E_DONE) only when both are
    settled; until then the case stays at its step with the part still owed on record.

    ``amount`` alone is a payment not split on the receipt: it settles the principal first."""
    case = st.case
    machine.check_step(case, E.E_DONE, what="登记缴纳")
    enf = case.enforcement
    assert enf is not None
    if paid_on > st.today:
        raise CasefileError(f"缴纳日期{date_cn(paid_on)}晚于今天，请填写实际缴纳日期（--on）。")
    zero = Decimal("0.00")
    owed_principal, _ = outstanding(st, paid_on)
    if amount is not None:
        principal = min(amount, owed_principal) if principal is None else principal
        late_fee = amount - principal if late_fee is None else late_fee
    principal, late_fee = principal or zero, late_fee or zero
    if principal < zero or late_fee < zero or principal + late_fee <= zero:
        raise CasefileError("请填写实际缴纳的社会保险费（--principal）和/或滞纳金（--late-fee），金额应大于零。")
    if principal > owed_principal:
        raise CasefileError(f"缴纳的社会保险费{principal:,}元超过尚欠的{owed_principal:,}元，请核对（--principal）。")
    enf.payments.append(Payment(on=paid_on, principal=principal, late_fee=late_fee, at=st.now, note=outcome))
    enf.collected = enf.paid_principal + enf.paid_late_fee
    left_principal, left_fee = outstanding(st, paid_on)
    enf.late_fee_total = left_fee + enf.paid_late_fee
    if left_principal <= zero and enf.paid_on is None:
        enf.paid_on = paid_on  # the late fee stopped running on the day the last principal came in
    if enf.late_fee_total >= enf.total_owed > zero and Flag.LATE_FEE_GE_PRINCIPAL not in case.flags:
        case.flags.append(Flag.LATE_FEE_GE_PRINCIPAL)
    st.tx.event("payment", paid_on=paid_on.isoformat(), principal=str(principal), late_fee=str(late_fee),
                principal_left=str(left_principal), late_fee_left=str(max(left_fee, zero)))
    if left_principal > zero or left_fee > zero:
        enf.outcome = (f"部分缴纳：尚欠社会保险费{max(left_principal, zero):,}元、"
                       f"滞纳金{max(left_fee, zero):,}元（滞纳金计至{date_cn(paid_on)}）")
        return (f"已登记缴纳社会保险费{principal:,}元、滞纳金{late_fee:,}元。{enf.outcome}，"
                f"执法程序继续（{enf.step.label}）。")
    enf.outcome = outcome or "足额缴纳"
    st.done("e1_pay", "e2_pay", "e3_pay", "e5_wait")
    enf.history.append(EnforcementEvent(step=E.E_DONE, at=st.now, note=enf.outcome))
    machine.enter_step(case, E.E_DONE)
    st.tx.event("enforcement", step="E_DONE", paid_on=paid_on.isoformat(), principal=str(enf.paid_principal),
                late_fee=str(enf.paid_late_fee))
    return (f"社会保险费{enf.paid_principal:,}元、滞纳金{enf.paid_late_fee:,}元均已缴清，执法完毕，"
            "可用 close 办结。")


# -- extension, closing, reopening --------------------------------------------------------------------
def extend(st: Step, *, step: str, days: int, reason: str, approver: str) -> str:
    from casefile import deadlines

    case = st.case
    if not case.is_open:
        raise refused(case, "延期")
    d = deadlines.extend(case, step, days, reason, cal=st.cal)
    step = d.step
    doc = st.issue("D13", extra={"step": step, "days": days, "reason": reason},
                   recipient=case.applicant.name)
    case.extensions.append(Extension(step=step, days=days, reason=reason, approver=approver, at=st.now,
                                     doc_id=doc.doc_id))
    st.tx.event("extended", step=step, days=days, reason=reason, approver=approver, due=d.due.isoformat())
    return f"“{d.label}”已延期{days}日，新期限 {date_cn(d.due)}。"


def pending_extension(st: Step) -> dict[str, Any] | None:
    """The extension request of this case that no one has approved yet (from the journal)."""
    entries, _ = st.tx.dossier.journal()
    pending: dict[str, Any] | None = None
    for e in entries:
        if e.type == "extension_requested":
            pending = {**e.payload, "requested_by": e.actor, "requested_at": e.time}
        elif e.type in ("extended", "extension_withdrawn"):
            pending = None
    return pending


def request_extension(st: Step, *, step: str, days: int, reason: str) -> str:
    """The first of the two people of an extension: asks, journaled; nothing changes until a head
    (负责人) other than the requester approves with :func:`approve_extension`."""
    from casefile import deadlines

    case = st.case
    if not case.is_open:
        raise refused(case, "申请延期")
    if not reason.strip():
        raise MissingData("请用 --reason 写明延期理由。")
    pending = pending_extension(st)
    if pending:
        raise TransitionRefused(
            f"案件 {case.id} 已有待批准的延期申请（{str(pending.get('label', '')).removeprefix('申请延期：')}，申请人 "
            f"{pending['requested_by']}），请由负责人运行 casefile extend {case.id} --approve。")
    d = deadlines.extend(case.model_copy(deep=True), step, days, reason)  # checks step and the 30-day cap only
    login = st.tx.identity.key if st.tx.identity else st.actor
    st.tx.event("extension_requested", step=d.step, days=days, reason=reason, requested_login=login,
                label=f"申请延期：{d.label}{days}日")
    return (f"已申请将“{d.label}”延期{days}日，须由负责人（申请人以外的另一人）批准："
            f"casefile extend {case.id} --approve。")


def approve_extension(st: Step) -> str:
    """The second person: an entitled head other than the requester grants the pending request."""
    from casefile.identity import require_entitled, require_other_person

    case = st.case
    pending = pending_extension(st)
    if pending is None:
        raise TransitionRefused(
            f"案件 {case.id} 没有待批准的延期申请；请先由承办人申请：casefile extend {case.id} --step 时限 --days 天数 --reason 理由。")
    who = st.tx.identity or st.actor
    require_entitled(who, "extension_approve")
    require_other_person(who, str(pending.get("requested_login") or pending["requested_by"]), pending["requested_by"],
                         "extension_approve", "延期申请人")
    return extend(st, step=str(pending["step"]), days=int(pending["days"]), reason=str(pending["reason"]),
                  approver=st.actor)


def close(st: Step, reason: str | None = None) -> str:
    case = st.case
    if case.state is State.ENFORCEMENT:
        if case.enforcement is None or case.enforcement.step is not E.E_DONE:
            raise TransitionRefused("征缴执法尚未完毕（需先用 enforce paid 登记缴纳或执行结果）。")
        _close_guard(case)
        case.closed_at, case.close_reason = st.now, reason or f"执行完毕：{case.enforcement.outcome}"
        st.deadline("archive")
        st.move("T23")
        return "执行完毕，案件办结。" + _hotline_reply(st)
    if case.state is State.FOLLOW_UP:
        waiting = [k for k in parties_to_follow(case) if k not in followed_up(case)]
        if waiting:
            names = "、".join((case.applicant if k == "applicant" else case.counterparty).name  # type: ignore[union-attr]
                             for k in waiting)
            raise TransitionRefused(f"尚未回访{names}：请用 followup 记录回访结果（争议双方均须回访）。")
        _close_guard(case)
        case.closed_at, case.close_reason = st.now, reason or "回访无异议，约定事项已履行"
        st.deadline("archive")
        st.move("T19")
        return "争议双方均已回访且无异议，约定事项已履行，案件办结。" + _center_report_reminder(st) + _hotline_reply(st)
    if case.state is State.REMEDY:
        raise TransitionRefused("请用 remedy --outcome 登记救济结果后办结。")
    raise refused(case, "办结")


def reopen(st: Step, reason: str, step: str | None = None, *, enforcement_step: str | None = None,
           mediator: str | None = None, arrears: Sequence[ArrearsLine] = ()) -> str:
    """Reopen a case. Without ``step`` a closed case goes back to where it was closed from (回访). With
    ``step`` (处理意见 / 调解协议 / 执法步骤) the case goes back to the step that produced what was wrong; the
    documents issued from then on supersede the old ones as numbered corrections citing them."""
    case = st.case
    if not reason.strip():
        raise MissingData("请用 --reason 写明重新办理的理由。")
    kind = REDO_KINDS.get(step.strip()) if step else "followup"
    if kind is None:
        raise CasefileError(f"重新办理的环节“{step}”不正确，应为：处理意见、调解协议、执法步骤或回访（--step）。")
    if kind == "followup":
        if case.state is State.CLOSED:
            back = case.previous_state if case.previous_state and case.previous_state is not State.CLOSED \
                else State.FOLLOW_UP
            machine.apply(case, "reopen", back)
            case.closed_at = None
            st.done("archive")
            st.tx.event("reopened", reason=reason, **{"from": "CLOSED", "to": back.value})
            return f"案件已重新办理，回到“{back.label}”。"
        raise refused(case, "重新办理")
    st.expect("redo", what=f"重新办理{REDO_LABELS[kind]}")
    before = case.state
    deadline = None
    if kind == "decision":
        if case.decision is None:
            raise CasefileError("本案尚未形成处理意见，无可更正；请按当前环节继续办理。")
        target = {CaseClass.OWN: State.DIRECT, CaseClass.GENERAL: State.JOINT, CaseClass.MAJOR: State.SPECIAL,
                  CaseClass.UNCLEAR: State.REFERRED}.get(case.case_class or CaseClass.OWN, State.DIRECT)
        if target is State.REFERRED and case.referral is not None:
            case.referral.replied_at = None
        deadline = {State.DIRECT: "direct", State.JOINT: "joint_decision", State.SPECIAL: "special_decision",
                    State.REFERRED: "referral_reply"}[target]
    elif kind == "mediation":
        old = case.mediation
        if old is None or not old.agreed:
            raise CasefileError("本案没有已签订的调解协议，无可更正。")
        target = State.MEDIATION
        case.mediation = Mediation(started_at=st.now, mediator=mediator or old.mediator, organisation=old.organisation)
        deadline = "mediation"
    else:
        enf = case.enforcement
        if enf is None:
            raise CasefileError("本案没有征缴执法程序，无可更正。")
        try:
            redo_step = EnforcementStep((enforcement_step or "").strip().upper())
        except ValueError:
            raise MissingData("请用 --enforcement-step 写明要重新办理的执法步骤（E2、E3、E5 或 E6）。") from None
        ladder = [h.step for h in enf.history if not machine.TRANSITIONS[h.step.value].parallel
                  and h.step is not E.E_DONE]
        if redo_step not in ladder or redo_step is E.E1:
            raise CasefileError(f"执法程序未进入过 {redo_step.value}（{redo_step.label}），或该步骤不能重新办理"
                                "（可重新办理 E2、E3、E5、E6）。")
        prior = ladder[:ladder.index(redo_step)] or [E.E1]
        target = State.ENFORCEMENT
        if arrears:
            enf.arrears = list(arrears)
        machine.rewind_step(case, prior[-1])
        prev_event = next((h for h in reversed(enf.history) if h.step is prior[-1]), None)
        enf.pay_by = prev_event.pay_by if prev_event else None
        if redo_step in (E.E2, E.E3):
            enf.decided_principal = enf.decided_late_fee = enf.decided_fee_until = enf.decision_pay_by = None
        if enf.paid_on is not None and enf.paid_principal < enf.total_owed:
            enf.paid_on = None
        enf.outcome = None
    case.redo = {"kind": kind, "reason": reason.strip(), "at": st.now.isoformat(), "from": before.value,
                 "enforcement_step": enforcement_step}
    if before is State.CLOSED:
        case.closed_at, case.close_reason = None, None
        st.done("archive")
    st.done("notify", "followup", "remedy_check")
    if deadline:
        st.deadline(deadline)
    st.move("redo", to=target, reason=reason.strip(), redo=kind, enforcement_step=enforcement_step)
    what = {"decision": "重新形成处理意见（decide / meeting record / refer reply）",
            "mediation": "重新调解并签订调解协议（mediate agree）",
            "enforcement": f"重新进入执法步骤 {enforcement_step}（enforce step）"}[kind]
    return (f"案件已重新办理，回到“{target.label}”：请{what}；此后出具的文书将作为更正文书，"
            "注明所更正的原文书并使其作废。")


def load_form(path: Path) -> Any:
    """Read a YAML or JSON intake form."""
    import json

    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = ("文件不存在" if isinstance(exc, FileNotFoundError) else "没有读取权限" if isinstance(exc, PermissionError)
               else "不是 UTF-8 文本" if isinstance(exc, UnicodeDecodeError) else "读取出错")
        raise CasefileError(f"无法读取表单文件 {path}：{why}，请检查路径后重试。") from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        raise CasefileError(f"表单文件 {path.name} {where}格式不正确（应为 YAML 或 JSON）。") from None


__all__ = ["TRANSITIONS", "ActionResult", "Category", "run"]
