"""The workflow steps a case page offers as forms: the same fields and checks as the CLI commands.

Each step names the states it is offered in, who may perform it (an officer of the lead office, or a
负责人 for approvals), its fields, and how the posted values become one ``casefile.workflow`` call.
The library repeats every check (state, required data); the form only spares a round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from casefile.documents.doctypes import produced_by
from casefile.errors import Finding, ValidationFailed


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | textarea | lines | choice | date | datetime | int | bool | dept | depts
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    option: str = ""  # the CLI option of the same value: library messages that name it name the field here


@dataclass(frozen=True)
class StepForm:
    code: str
    label: str
    states: frozenset[str]
    build: Callable[[dict[str, Any], Any], Callable[[Any], str]]
    fields: tuple[Field, ...] = ()
    role: str = "officer"  # officer (lead office) | head
    profile: str | None = None  # only in this profile
    danger: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    offered: Callable[[Any], bool] | None = None  # a further condition on the case (enforcement ladder)
    documents: tuple[str, ...] = ()  # the document types the step issues, shown beside the form

    @property
    def documents_text(self) -> str:
        from casefile.documents.doctypes import DOC_TYPES

        return "、".join(f"{d} {DOC_TYPES[d].title}" for d in self.documents)


def field_words(step: StepForm, message: str) -> str:
    """A library message as the form's user reads it: a CLI option it names becomes the field's label."""
    import re

    for f in sorted(step.fields, key=lambda f: -len(f.option)):
        if f.option:
            base = f.label.split("（")[0]
            message = message.replace(f"{base}（{f.option}）", base)
            message = re.sub(re.escape(f.option) + r"(?![\w-])", f"“{base}”", message)
    return message


def _lines(value: str) -> list[str]:
    return [x.strip() for x in value.replace("\r", "").split("\n") if x.strip()]


def clean(step: StepForm, data: Mapping[str, Any], get_list: Callable[[str], list[str]]) -> dict[str, Any]:
    """Posted strings → typed values; every problem is collected before one ValidationFailed."""
    out: dict[str, Any] = {}
    problems: list[Finding] = []
    for f in step.fields:
        raw = data.get(f.name, "")
        raw = raw.strip() if isinstance(raw, str) else raw
        if f.kind == "bool":
            out[f.name] = raw in ("on", "1", "true", "yes")
            continue
        if f.kind == "depts":
            out[f.name] = [v for v in get_list(f.name) if v.strip()]
            if f.required and not out[f.name]:
                problems.append(Finding(f.label, "请至少选择一项"))
            continue
        if not raw:
            if f.required:
                problems.append(Finding(f.label, "必填，请填写"))
            out[f.name] = [] if f.kind == "lines" else None
            continue
        try:
            if f.kind == "lines":
                out[f.name] = _lines(raw)
            elif f.kind == "date":
                out[f.name] = date.fromisoformat(raw)
            elif f.kind == "datetime":
                from casefile.clock import to_local

                out[f.name] = to_local(datetime.fromisoformat(raw))
            elif f.kind == "int":
                out[f.name] = int(raw)
            elif f.kind == "choice" and f.choices and raw not in f.choices:
                raise ValueError
            else:
                out[f.name] = raw
        except ValueError:
            expect = {"date": "日期（YYYY-MM-DD）", "datetime": "时间（YYYY-MM-DD HH:MM）", "int": "整数",
                      "choice": "、".join(f.choices)}.get(f.kind, "有效值")
            problems.append(Finding(f.label, f"“{raw}”无效，应为{expect}"))
    if problems:
        raise ValidationFailed(problems, subject="表单")
    return out


def _agreed_items(lines: list[str]) -> list[Any]:
    from casefile.models.records import AgreedItem

    items = []
    for line in lines:
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 3 or not parts[0]:
            raise ValidationFailed([Finding("议定事项", f"“{line}”应为“事项|责任单位|YYYY-MM-DD”")], subject="表单")
        due = None
        if len(parts) == 3 and parts[2]:
            try:
                due = date.fromisoformat(parts[2])
            except ValueError:
                raise ValidationFailed([Finding("议定事项", f"“{parts[2]}”不是有效日期")], subject="表单") from None
        items.append(AgreedItem(text=parts[0], unit=parts[1] if len(parts) > 1 and parts[1] else None, due=due))
    return items


def _b_triage(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.triage(st, case_class=v.get("case_class"), risk=v.get("risk"), lead=v.get("lead"),
                                      co=v.get("co") or (), note=v.get("note"), suggest=v.get("suggest"))


def _b_redirect(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.redirect(st, v["to"], v["reason"], v.get("route") or "")


def _b_refer_send(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.refer_send(st, v["reason"], v.get("suggest"))


def _b_refer_reply(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.refer_reply(st, v["dept"], v["text"], v.get("hotline_ref"))


def _b_opinion(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.record_opinion(st, v["dept"], v.get("text"), basis=v.get("basis"),
                                              will_act=v.get("will_act", False), handler=v.get("handler"),
                                              lapsed=v.get("lapsed", False), received=v.get("received"),
                                              facts=v.get("facts"))


def _b_schedule(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.schedule_meeting(
        st, at=v["at"], place=v["place"], host=v["host"], topics=v["topics"], participants=v.get("participants") or (),
        approved_by=None, materials=v.get("materials"), kind="联席" if v.get("joint") else "会商")


def _b_approve_special(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    # the approver is the logged-in 负责人, never a typed name
    return lambda st: workflow.schedule_meeting(
        st, at=v["at"], place=v["place"], host=v["host"], topics=v["topics"], participants=v.get("participants") or (),
        approved_by=str(user), materials=v.get("materials"), kind="联席" if v.get("joint") else "会商")


def _b_record(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    items = _agreed_items(v.get("items") or [])
    return lambda st: workflow.record_meeting(
        st, attendees=v["attendees"], summary=v["summary"], opinion=v["opinion"], items=items,
        observers=v.get("observers") or (), absent=v.get("absent") or (), basis=v.get("basis") or (),
        public_opinion_risk=v.get("po_risk"), litigation_risk=v.get("lit_risk"), decision=v.get("decision"))


def _b_decide(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.decide(st, text=v["text"], findings=v.get("findings"), basis=v.get("basis") or (),
                                      obligations=v.get("obligations"))


def _b_mediate_start(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.mediate_start(st, v["mediator"], v.get("organisation"))


def _b_mediate_agree(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.mediate_agree(st, v["terms"], v.get("performance"))


def _b_mediate_fail(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.mediate_fail(st, v["next_step"])


def _b_notify(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.notify(st, served_at=v.get("served_at"), method=v.get("method") or "直接送达")


def _b_followup(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.followup(st, method=v["method"], respondent=v["respondent"],
                                        satisfaction=v["satisfaction"], objection=v.get("objection", False),
                                        remedy=v.get("remedy"), body=v.get("body"), suggestions=v.get("suggestions"),
                                        content=v.get("content"), party=v.get("party"))


def _b_remedy(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.remedy(st, outcome=v["outcome"], status=v.get("status"))


def _b_extend_request(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.request_extension(st, step=v["step"], days=v["days"], reason=v["reason"])


def _b_extend_approve(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    # the approver is the logged-in 负责人; the library refuses the requester himself
    return lambda st: workflow.approve_extension(st)


def _b_close(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.close(st, v.get("reason"))


def _b_reopen(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    return lambda st: workflow.reopen(st, v["reason"])


def _b_enforce_start(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile import workflow

    items = workflow.parse_arrears(v["arrears"])  # every bad line named before anything is written
    return lambda st: workflow.enforce_start(st, items, v.get("respondent"))


def _b_enforce(code: str) -> Callable[[dict[str, Any], Any], Callable[[Any], str]]:
    def build(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
        from django.conf import settings

        from casefile.app.flow import enforce_step_action

        return enforce_step_action(settings.CASEFILE_WORKSPACE, code, note=v.get("note"), court=v.get("court"),
                                   dept=v.get("dept"), head=v.get("head"), party_views=v.get("party_views"),
                                   instalments=v.get("instalments") or (), guarantee=v.get("guarantee"))

    return build


def _b_enforce_paid(v: dict[str, Any], user: Any) -> Callable[[Any], str]:
    from casefile.app.flow import enforce_paid_action

    return enforce_paid_action(v.get("paid_on"), v.get("principal"), v.get("late_fee"), v.get("amount"),
                               v.get("outcome"), names={"on": "“缴纳日期”", "principal": "“社会保险费”",
                                                        "late_fee": "“滞纳金”", "amount": "“未分列的缴款金额”"})


def _ladder_offers(code: str) -> Callable[[Any], bool]:
    """Offered while the enforcement ladder may go to ``code`` now (the library checks it again)."""
    def offered(case: Any) -> bool:
        from casefile.machine import next_enforcement_steps
        from casefile.models.enums import EnforcementStep

        enf = case.enforcement
        return enf is not None and EnforcementStep(code) in next_enforcement_steps(enf)

    return offered


def _payment_open(case: Any) -> bool:
    from casefile.models.enums import EnforcementStep

    return case.enforcement is not None and case.enforcement.step is not EnforcementStep.E_DONE


_NOTE = Field("note", "说明", "textarea", help="如法院裁定、复议情况，记入执法记录", option="--note")


def _enforce_form(code: str, label: str, *fields: Field) -> StepForm:
    """An enforcement step's form; the documents it issues are those the registry says the step produces."""
    return StepForm(f"enforce_{code.lower()}", f"征缴执法：{label}（{code}）", _s("ENFORCEMENT"), _b_enforce(code),
                    (*fields, _NOTE), offered=_ladder_offers(code), documents=produced_by(code))


def _s(*names: str) -> frozenset[str]:
    return frozenset(names)


OPEN = _s("INTAKE", "REGISTERED", "TRIAGE", "DIRECT", "JOINT", "SPECIAL_REQ", "SPECIAL", "REFERRED", "MEDIATION",
          "DECIDED", "NOTIFIED", "FOLLOW_UP", "REMEDY", "ENFORCEMENT")

STEPS: tuple[StepForm, ...] = (
    StepForm("triage", "审核分类、风险初判并分流", _s("INTAKE", "REGISTERED", "TRIAGE"), _b_triage, (
        Field("risk", "风险等级", "choice", choices=("低", "中", "高"), help="偏关模式必填：低=直接办理，中=联办，高=专案报批"),
        Field("case_class", "事项类别", "choice", choices=("本单位", "一般", "重大疑难", "职责不清"), help="奈曼模式必填"),
        Field("lead", "主办部门", "dept", help="默认按争议类别确定"),
        Field("co", "协办部门", "depts", help="默认按争议类别确定"),
        Field("suggest", "建议承办部门（职责不清）", "dept"),
        Field("note", "分类理由", "textarea"),
    )),
    StepForm("redirect", "不予受理，告知另行办理（T2）", _s("INTAKE"), _b_redirect, (
        Field("to", "有权处理的机关及联系方式", required=True), Field("reason", "不予受理的理由", "textarea", required=True),
        Field("route", "法定途径与期限"),
    ), danger=True),
    StepForm("refer_send", "职责不清，报送办理（T9）", _s("TRIAGE"), _b_refer_send, (
        Field("reason", "职责不清的理由", "textarea", required=True), Field("suggest", "建议的承办部门", "dept"),
    ), profile="naiman"),
    StepForm("refer_reply", "登记承办部门反馈（T10）", _s("REFERRED"), _b_refer_reply, (
        Field("dept", "承办部门", "dept", required=True), Field("text", "办理结果", "textarea", required=True),
        Field("hotline_ref", "12345 工单号"),
    )),
    StepForm("opinion", "代为登记部门书面意见", _s("JOINT", "SPECIAL", "SPECIAL_REQ"), _b_opinion, (
        Field("dept", "回复意见的部门", "dept", required=True), Field("facts", "查明的事实", "textarea"),
        Field("text", "书面意见（处理意见）", "textarea"),
        Field("basis", "政策、法律依据"), Field("handler", "经办人"), Field("received", "收到日期", "date"),
        Field("will_act", "该部门将自行依职权处理", "bool"), Field("lapsed", "答复期限届满仍未回复，记为逾期未复", "bool"),
    )),
    StepForm("approve_special", "专案报批：同意成立专案并发出会议通知（T8）", _s("SPECIAL_REQ"), _b_approve_special, (
        Field("at", "会议时间", "datetime", required=True), Field("place", "会议地点", required=True),
        Field("host", "主持人", required=True), Field("topics", "议题（每行一项）", "lines", required=True),
        Field("materials", "需携带的材料"), Field("joint", "县级联席会议（高风险事项）", "bool"),
    ), role="head"),
    StepForm("meeting_schedule", "发出会商会议通知", _s("JOINT", "SPECIAL"), _b_schedule, (
        Field("at", "会议时间", "datetime", required=True), Field("place", "会议地点", required=True),
        Field("host", "主持人", required=True), Field("topics", "议题（每行一项）", "lines", required=True),
        Field("materials", "需携带的材料"), Field("joint", "县级联席会议", "bool"),
    )),
    StepForm("meeting_record", "记录会议纪要", _s("JOINT", "SPECIAL"), _b_record, (
        Field("attendees", "出席人员（每行一人）", "lines", required=True), Field("observers", "列席（每行一人）", "lines"),
        Field("absent", "请假（每行一人）", "lines"), Field("summary", "事由与会议情况", "textarea", required=True),
        Field("opinion", "处理意见", "textarea", required=True), Field("basis", "政策依据（每行一条）", "lines"),
        Field("items", "议定事项（每行：事项|责任单位|YYYY-MM-DD）", "lines"),
        Field("po_risk", "舆情风险分析预估"), Field("lit_risk", "复议、诉讼风险分析预估"),
        Field("decision", "专案的最终处理意见（默认同处理意见）", "textarea"),
    )),
    StepForm("mediate_start", "开始调解（T12）", _s("DIRECT", "JOINT", "SPECIAL"), _b_mediate_start, (
        Field("mediator", "调解员", required=True), Field("organisation", "调解组织"),
    )),
    StepForm("mediate_agree", "达成调解协议（T13）", _s("MEDIATION"), _b_mediate_agree, (
        Field("terms", "协议条款（每行一条）", "lines", required=True), Field("performance", "履行方式与期限"),
    )),
    StepForm("mediate_fail", "调解不成（T14）", _s("MEDIATION"), _b_mediate_fail, (
        Field("next_step", "转入", "choice", required=True, choices=("joint", "enforcement", "decide")),
    )),
    StepForm("decide", "形成处理意见（T15）", _s("DIRECT", "JOINT"), _b_decide, (
        Field("text", "处理意见", "textarea", required=True), Field("findings", "查明事实", "textarea"),
        Field("basis", "法律依据（每行一条）", "lines"), Field("obligations", "当事人应履行的义务"),
    )),
    StepForm("notify", "书面反馈争议双方并送达（T17）", _s("DIRECT", "DECIDED"), _b_notify, (
        Field("served_at", "送达日期（默认今天）", "date"),
        Field("method", "送达方式", "choice", choices=("直接送达", "邮寄送达", "留置送达", "电子送达", "公告送达")),
    )),
    StepForm("followup", "跟踪回访（T18–T20）", _s("NOTIFIED", "FOLLOW_UP"), _b_followup, (
        Field("method", "回访方式", "choice", required=True, choices=("电话", "上门", "书面", "短信")),
        Field("party", "回访对象（争议双方均须回访）", "choice", choices=("申请人", "对方当事人")),
        Field("respondent", "受访人", required=True),
        Field("satisfaction", "满意度", "choice", required=True, choices=("满意", "基本满意", "不满意")),
        Field("objection", "当事人有异议并申请救济", "bool"),
        Field("remedy", "救济途径", "choice", choices=("调解", "复议", "仲裁", "诉讼", "复查")),
        Field("body", "受理机关"), Field("suggestions", "意见建议", "textarea"),
        Field("content", "回访情况", "textarea"),
    )),
    StepForm("remedy", "登记救济结果，办结（T21）", _s("REMEDY"), _b_remedy, (
        Field("outcome", "救济结果", "textarea", required=True), Field("status", "状态"),
    )),
    StepForm("enforce_start", "转入征缴执法，送达征缴事项通知书（T22、E1）", _s("DECIDED", "NOTIFIED", "MEDIATION"),
             _b_enforce_start, (
                 Field("arrears", "欠费明细（每行：险种,所属期,应缴[,已缴[,人数[,基数]]]）", "lines", required=True,
                       help="如：基本养老,202501,4680.00,0", option="--arrears"),
                 Field("respondent", "被执法单位（默认对方当事人）", option="--respondent"),
             ), documents=produced_by("E1")),
    _enforce_form("E2", "责令限期缴纳"),
    _enforce_form("E3", "征收决定"),
    _enforce_form("E4", "账户查询/划拨/担保（延期缴费协议）", Field(
        "instalments", "分期计划（每行：日期,金额[,说明]）", "lines", required=True,
        help="如：2026-12-31,10000.00,第一期", option="--instalment"),
        Field("guarantee", "担保情况（担保人、担保方式、担保财产）", "textarea", required=True, option="--guarantee")),
    _enforce_form("E5", "催告"),
    _enforce_form("E6", "申请法院强制执行",
                  Field("head", "签署申请书的机关负责人", required=True, option="--head"),
                  Field("party_views", "当事人的意见", "textarea", required=True,
                        help="陈述、申辩情况；未提出的写明“未提出陈述申辩”", option="--party-views"),
                  Field("court", "受理法院（默认配置中的法院）", option="--court")),
    _enforce_form("E7", "法院审查/裁定"),
    _enforce_form("E_LIT", "复议/诉讼中"),
    _enforce_form("E_FINE", "罚款线索移送",
                  Field("dept", "移送部门", "dept", help="默认按险种：医疗保险移送医保局，其余移送人社局", option="--dept")),
    StepForm("enforce_paid", "征缴执法：登记缴纳（社会保险费与滞纳金分别登记）", _s("ENFORCEMENT"), _b_enforce_paid, (
        Field("paid_on", "缴纳日期", "date", required=True, option="--on"),
        Field("principal", "社会保险费（元）", option="--principal"),
        Field("late_fee", "滞纳金（元）", option="--late-fee"),
        Field("amount", "未分列的缴款金额（元）", help="收据未分列时填写：先抵缴社会保险费，余额计入滞纳金",
              option="--amount"),
        Field("outcome", "执行结果说明", option="--outcome"),
    ), offered=_payment_open),
    StepForm("close", "执行完毕，办结（T23）", _s("ENFORCEMENT"), _b_close, (Field("reason", "办结理由"),),
             offered=lambda case: not _payment_open(case)),
    StepForm("extend", "申请延期办理（由负责人批准）", OPEN, _b_extend_request, (
        Field("step", "延期的环节", "choice", required=True,
              choices=("direct", "opinion", "joint_decision", "special_decision", "referral_reply", "mediation",
                       "notify", "followup")),
        Field("days", "延长天数", "int", required=True), Field("reason", "延期理由", "textarea", required=True),
    )),
    StepForm("extend_approve", "批准延期申请（出具延期办理告知书）", OPEN, _b_extend_approve, (), role="head"),
    StepForm("reopen", "重新办理已办结的案件", _s("CLOSED"), _b_reopen, (
        Field("reason", "重新办理的理由", "textarea", required=True),
    ), role="head", danger=True),
)

BY_CODE = {s.code: s for s in STEPS}
