"""Workflow commands: each parses its options and runs one workflow action in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from casefile.cli.common import CASE_METAVAR, CASE_REF, AppContext, echo, emit_json, json_option, pass_app


def _run(app: AppContext, case_id: str, action: Callable[[Any], str], as_json: bool) -> None:
    from casefile import workflow

    _show(workflow.run(app.ws, case_id, app.now, app.actor, action), as_json)


def _show(result: Any, as_json: bool) -> None:
    if as_json:
        emit_json(result.as_dict())
        return
    echo(result.message)
    for d in getattr(result, "documents", []):
        echo(f"  文书 {d['type']} {d['title']} {d['wenhao'] or ''}  {d['file']}")


def _date(value: str | None, name: str) -> date | None:
    from casefile.app.flow import parse_date

    return parse_date(value, name)


def _datetime(value: str, name: str) -> datetime:
    from casefile.app.flow import parse_datetime

    return parse_datetime(value, name)


CASE = click.argument("case_id", metavar=CASE_METAVAR, type=CASE_REF)


@click.command()
@CASE
@click.option("--to", "to", required=True, metavar="机关", help="有权处理的机关及其联系方式。")
@click.option("--reason", required=True, metavar="理由", help="不予受理的理由。")
@click.option("--route", default="", metavar="途径", help="法定途径与期限（复议/诉讼/仲裁）。")
@json_option
@pass_app
def redirect(app: AppContext, case_id: str, to: str, reason: str, route: str, as_json: bool) -> None:
    """不予受理，出具转办告知书（T2，仅限接待登记中的案件）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.redirect(st, to, reason, route), as_json)


@click.command()
@CASE
@click.option("--class", "case_class", type=click.Choice(["本单位", "一般", "重大疑难", "职责不清"]),
              help="事项类别（奈曼模式必填）。")
@click.option("--risk", type=click.Choice(["低", "中", "高"]), help="风险等级（偏关模式必填）。")
@click.option("--lead", metavar="部门", help="主办部门；默认按争议类别确定。")
@click.option("--co", multiple=True, metavar="部门", help="协办部门（可多次给出）；默认按争议类别确定。")
@click.option("--suggest", metavar="部门", help="职责不清事项：建议的承办部门。")
@click.option("--note", metavar="说明", help="分类理由（重大疑难/高风险事项写明其重大、复杂、疑难之处）。")
@click.option("--requirements", metavar="要求", help="直接办理：转办单的办理要求（默认：依职责办理、书面告知当事人并反馈）。")
@json_option
@pass_app
def triage(app: AppContext, case_id: str, case_class: str | None, risk: str | None, lead: str | None,
           co: tuple[str, ...], suggest: str | None, note: str | None, requirements: str | None,
           as_json: bool) -> None:
    """审核分类、风险初判并分流：直接办理、联办、专案报批或报送办理。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.triage(st, case_class=case_class, risk=risk, lead=lead, co=co,
                                                  note=note, suggest=suggest, requirements=requirements), as_json)


@click.group()
def refer() -> None:
    """职责不清事项：报送、承办反馈、拒不处理移交纪委监委。"""


@refer.command("send")
@CASE
@click.option("--reason", required=True, metavar="理由", help="职责不清的理由。")
@click.option("--suggest", metavar="部门", help="建议的承办部门。")
@json_option
@pass_app
def refer_send(app: AppContext, case_id: str, reason: str, suggest: str | None, as_json: bool) -> None:
    """填写报送单，报送政府办按12345机制转办（T9）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.refer_send(st, reason, suggest), as_json)


@refer.command("reply")
@CASE
@click.option("--dept", required=True, metavar="部门", help="承办部门。")
@click.option("--text", required=True, metavar="内容", help="承办部门的办理结果。")
@click.option("--hotline-ref", metavar="工单号", help="12345 工单号。")
@json_option
@pass_app
def refer_reply(app: AppContext, case_id: str, dept: str, text: str, hotline_ref: str | None, as_json: bool) -> None:
    """登记承办部门的反馈（T10）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.refer_reply(st, dept, text, hotline_ref), as_json)


@refer.command("urge")
@CASE
@click.option("--on", "on", required=True, metavar="日期", help="实际催办的日期（YYYY-MM-DD）。")
@click.option("--text", required=True, metavar="内容", help="催办方式与内容（如 电话催办，要求三日内反馈）。")
@click.option("--dept", metavar="部门", help="被催办的承办部门（默认报送单建议的部门）。")
@json_option
@pass_app
def refer_urge(app: AppContext, case_id: str, on: str, text: str, dept: str | None, as_json: bool) -> None:
    """催办承办部门（日期照实填写，移交纪委监委前须至少催办一次）。"""
    from casefile import workflow

    day = _date(on, "--on")
    assert day is not None
    _run(app, case_id, lambda st: workflow.refer_urge(st, on=day, text=text, dept=dept), as_json)


@refer.command("refuse")
@CASE
@click.option("--dept", required=True, metavar="部门", help="拒不处理的部门。")
@click.option("--reason", required=True, metavar="情况", help="报送、催办及拒绝的情况。")
@click.option("--evidence", multiple=True, metavar="材料", help="证据材料（可多次给出；默认列出报送单等已出具文书）。")
@json_option
@pass_app
def refer_refuse(app: AppContext, case_id: str, dept: str, reason: str, evidence: tuple[str, ...],
                 as_json: bool) -> None:
    """承办部门无正当理由拒不处理：出具线索移交函，移交纪委监委（T11）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.refer_refuse(st, dept, reason, evidence), as_json)


@click.command()
@CASE
@click.option("--dept", required=True, metavar="部门", help="回复意见的部门。")
@click.option("--text", metavar="意见", help="书面意见（处理意见）。")
@click.option("--facts", metavar="事实", help="该部门查明的事实。")
@click.option("--basis", metavar="依据", help="政策、法律依据。")
@click.option("--will-act", is_flag=True, help="该部门将自行依职权处理。")
@click.option("--handler", metavar="经办人", help="经办人。")
@click.option("--lapsed", is_flag=True, help="答复期限届满仍未回复，记录为逾期未复。")
@click.option("--received", metavar="日期", help="收到日期（默认今天）。")
@json_option
@pass_app
def opinion(app: AppContext, case_id: str, dept: str, text: str | None, facts: str | None, basis: str | None,
            will_act: bool, handler: str | None, lapsed: bool, received: str | None, as_json: bool) -> None:
    """登记联办部门的书面意见（部门书面意见回复单），或记录逾期未复。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.record_opinion(
        st, dept, text, basis=basis, will_act=will_act, handler=handler, lapsed=lapsed,
        received=_date(received, "--received"), facts=facts), as_json)


@click.group()
def meeting() -> None:
    """会商/联席会议：发出通知（专案报批同意即 T8）、记录会议纪要（专案即 T16）。"""


@meeting.command("schedule")
@CASE
@click.option("--at", "at", required=True, metavar="时间", help="会议时间，如 2026-11-25T09:30。")
@click.option("--place", required=True, metavar="地点", help="会议地点。")
@click.option("--host", required=True, metavar="主持人", help="主持人。")
@click.option("--topic", "topics", multiple=True, required=True, metavar="议题", help="议题（可多次给出）。")
@click.option("--participant", "participants", multiple=True, metavar="部门", help="参会单位（默认主办和协办部门）。")
@click.option("--approved-by", metavar="组长", help="专案报批：同意的领导小组组长。")
@click.option("--materials", metavar="材料", help="需携带的材料。")
@click.option("--joint-meeting", is_flag=True, help="县级联席会议（高风险事项）。")
@json_option
@pass_app
def meeting_schedule(app: AppContext, case_id: str, at: str, place: str, host: str, topics: tuple[str, ...],
                     participants: tuple[str, ...], approved_by: str | None, materials: str | None,
                     joint_meeting: bool, as_json: bool) -> None:
    """发出会商（联席）会议通知。"""
    from casefile import workflow

    when = _datetime(at, "--at")
    _run(app, case_id, lambda st: workflow.schedule_meeting(
        st, at=when, place=place, host=host, topics=topics, participants=participants, approved_by=approved_by,
        materials=materials, kind="联席" if joint_meeting else "会商"), as_json)


@meeting.command("record")
@CASE
@click.option("--attendee", "attendees", multiple=True, required=True, metavar="人员", help="出席（可多次给出）。")
@click.option("--observer", "observers", multiple=True, metavar="人员", help="列席。")
@click.option("--absent", multiple=True, metavar="人员", help="请假。")
@click.option("--summary", required=True, metavar="事由", help="事由与会议情况。")
@click.option("--opinion", "opinion_", required=True, metavar="意见", help="处理意见。")
@click.option("--basis", multiple=True, metavar="依据", help="政策依据（可多次给出）。")
@click.option("--item", "items", multiple=True, metavar="事项|单位|期限", help="议定事项，格式“事项|责任单位|YYYY-MM-DD”。")
@click.option("--po-risk", metavar="分析", help="舆情风险分析预估。")
@click.option("--lit-risk", metavar="分析", help="复议、诉讼风险分析预估。")
@click.option("--decision", metavar="意见", help="专案的最终处理意见（默认同 --opinion）。")
@click.option("--mediator", metavar="调解员", help="偏关模式：联席会议决定先行调解时的调解员（会商→调解→调查核实）。")
@click.option("--held-at", metavar="时间", help="会议实际召开时间（默认为通知的时间），如 2026-11-25T09:30。")
@json_option
@pass_app
def meeting_record(app: AppContext, case_id: str, attendees: tuple[str, ...], observers: tuple[str, ...],
                   absent: tuple[str, ...], summary: str, opinion_: str, basis: tuple[str, ...],
                   items: tuple[str, ...], po_risk: str | None, lit_risk: str | None, decision: str | None,
                   mediator: str | None, held_at: str | None, as_json: bool) -> None:
    """记录会议情况，形成会议纪要。"""
    from casefile import workflow
    from casefile.app.flow import agreed_items, parse_datetime

    agreed = agreed_items(items)
    held = parse_datetime(held_at, "--held-at") if held_at else None
    _run(app, case_id, lambda st: workflow.record_meeting(
        st, attendees=attendees, summary=summary, opinion=opinion_, items=agreed, observers=observers,
        absent=absent, policy_basis="；".join(basis) or None, public_opinion_risk=po_risk,
        litigation_risk=lit_risk, decision=decision, basis=basis, mediator=mediator, held_at=held), as_json)


@meeting.command("item-done")
@CASE
@click.argument("index", type=click.IntRange(min=1), metavar="序号")
@click.option("--meeting", "meeting_no", type=click.IntRange(min=1), metavar="会次", help="第几次会议（默认最近一次）。")
@click.option("--note", metavar="说明", help="办理情况。")
@json_option
@pass_app
def meeting_item_done(app: AppContext, case_id: str, index: int, meeting_no: int | None, note: str | None,
                      as_json: bool) -> None:
    """登记会议议定事项已办结（序号从1起，见会议纪要）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.agreed_item_done(st, index, note, meeting_no), as_json)


@click.group()
def obligation() -> None:
    """当事人应当履行的事项（处理意见、调解协议）：登记履行，或由受益方放弃。"""


@obligation.command("done")
@CASE
@click.argument("index", type=click.IntRange(min=1), metavar="序号")
@click.option("--note", metavar="说明", help="履行情况。")
@json_option
@pass_app
def obligation_done(app: AppContext, case_id: str, index: int, note: str | None, as_json: bool) -> None:
    """登记当事人已履行第 N 项事项。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.obligation_done(st, index, note), as_json)


@obligation.command("waive")
@CASE
@click.argument("index", type=click.IntRange(min=1), metavar="序号")
@click.option("--by", "waived_by", required=True, metavar="受益方", help="放弃要求履行的一方（须为该事项的受益方）。")
@click.option("--reason", required=True, metavar="理由", help="放弃的理由。")
@json_option
@pass_app
def obligation_waive(app: AppContext, case_id: str, index: int, waived_by: str, reason: str, as_json: bool) -> None:
    """登记受益方放弃要求履行第 N 项事项（社会保险费、滞纳金不能放弃）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.obligation_done(st, index, waived_by=waived_by, reason=reason), as_json)


@click.group()
def mediate() -> None:
    """调解：开始（T12）、达成协议（T13）、调解不成（T14）。"""


@mediate.command("start")
@CASE
@click.option("--mediator", required=True, metavar="调解员", help="调解员。")
@click.option("--org", metavar="组织", help="调解组织。")
@json_option
@pass_app
def mediate_start(app: AppContext, case_id: str, mediator: str, org: str | None, as_json: bool) -> None:
    """开始调解（调解优先）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.mediate_start(st, mediator, org), as_json)


@mediate.command("agree")
@CASE
@click.option("--term", "terms", multiple=True, required=True, metavar="条款", help="协议条款（可多次给出）。")
@click.option("--performance", metavar="方式期限", help="履行方式、期限。")
@click.option("--obligation", "duties", multiple=True, metavar="当事人|事项|期限",
              help="协议要求当事人履行的事项，格式“当事人|事项|YYYY-MM-DD”（可多次给出）。")
@json_option
@pass_app
def mediate_agree(app: AppContext, case_id: str, terms: tuple[str, ...], performance: str | None,
                  duties: tuple[str, ...], as_json: bool) -> None:
    """达成调解协议，出具调解协议书（不得约定减免社会保险费或滞纳金）。"""
    from casefile import workflow

    def act(st: Any) -> str:
        items = workflow.parse_obligations(duties, st.case, "调解协议")
        return workflow.mediate_agree(st, terms, performance, items)

    _run(app, case_id, act, as_json)


@mediate.command("fail")
@CASE
@click.option("--next", "next_step", default="调查核实", show_default=True, metavar="去向",
              help="调解不成后的去向：调查核实、会商（联席会议/专案）或 征缴执法。")
@json_option
@pass_app
def mediate_fail(app: AppContext, case_id: str, next_step: str, as_json: bool) -> None:
    """调解不成，转入调查核实或征缴执法。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.mediate_fail(st, next_step), as_json)


@click.command()
@CASE
@click.option("--text", required=True, metavar="意见", help="处理意见。")
@click.option("--finding", metavar="事实", help="调查查明的事实。")
@click.option("--basis", multiple=True, metavar="依据", help="法律政策依据（可多次给出）。")
@click.option("--obligations", metavar="义务", help="各方应履行的事项及期限（说明文字）。")
@click.option("--obligation", "duties", multiple=True, metavar="当事人|事项|期限",
              help="当事人应当履行的事项，格式“当事人|事项|YYYY-MM-DD”（当事人可写申请人/对方当事人；可多次给出）；"
                   "未履行或未经受益方放弃的，案件不能办结。")
@json_option
@pass_app
def decide(app: AppContext, case_id: str, text: str, finding: str | None, basis: tuple[str, ...],
           obligations: str | None, duties: tuple[str, ...], as_json: bool) -> None:
    """形成处理意见（联办 T15；直接办理先记录意见再 notify）。"""
    from casefile import workflow

    def act(st: Any) -> str:
        items = workflow.parse_obligations(duties, st.case, "处理意见")
        return workflow.decide(st, text=text, findings=finding, basis=basis, obligations=obligations, duties=items)

    _run(app, case_id, act, as_json)


@click.command()
@CASE
@click.option("--served-at", metavar="日期", help="送达日期（默认今天）。")
@click.option("--method", default="直接送达", show_default=True,
              type=click.Choice(["直接送达", "留置送达", "委托送达", "邮寄送达", "公告送达", "电子送达"]), help="送达方式。")
@json_option
@pass_app
def notify(app: AppContext, case_id: str, served_at: str | None, method: str, as_json: bool) -> None:
    """出具处理意见告知书，书面反馈争议双方并记录送达（T17）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.notify(st, served_at=_date(served_at, "--served-at"), method=method),
         as_json)


@click.command()
@CASE
@click.option("--method", type=click.Choice(["电话", "网络", "上门", "问卷"]), default="电话", show_default=True,
              help="回访方式。")
@click.option("--respondent", required=True, metavar="被回访人", help="被回访人。")
@click.option("--satisfaction", type=click.Choice(["满意", "基本满意", "不满意"]), required=True, help="满意度。")
@click.option("--objection", is_flag=True, help="当事人对处理结果有异议。")
@click.option("--remedy", "remedy_kind", type=click.Choice(["调解", "复议", "仲裁", "诉讼", "复查"]),
              help="有异议时：申请的救济途径。")
@click.option("--body", metavar="机关", help="有异议时：受理救济的机关。")
@click.option("--filed-at", metavar="日期", help="有异议时：申请日期。")
@click.option("--suggestions", metavar="意见", help="意见建议。")
@click.option("--content", metavar="情况", help="回访情况（默认按回访方式、受访人、满意度和有无异议写明）。")
@click.option("--party", metavar="当事人", help="回访的是哪一方：申请人 或 对方当事人（默认按受访人判断）；争议双方均须回访。")
@json_option
@pass_app
def followup(app: AppContext, case_id: str, method: str, respondent: str, satisfaction: str, objection: bool,
             remedy_kind: str | None, body: str | None, filed_at: str | None, suggestions: str | None,
             content: str | None, party: str | None, as_json: bool) -> None:
    """跟踪回访：无异议即办结（T19），有异议转入救济跟踪（T20）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.followup(
        st, method=method, respondent=respondent, satisfaction=satisfaction, objection=objection,
        remedy=remedy_kind, body=body, filed_at=_date(filed_at, "--filed-at"), suggestions=suggestions,
        content=content, party=party), as_json)


@click.command()
@CASE
@click.option("--kind", type=click.Choice(["调解", "复议", "仲裁", "诉讼", "复查"]), help="新登记的救济途径。")
@click.option("--body", metavar="机关", help="受理机关。")
@click.option("--filed-at", metavar="日期", help="申请日期。")
@click.option("--status", metavar="进展", help="进展情况。")
@click.option("--outcome", metavar="结果", help="救济结果（登记后办结，T21）。")
@click.option("--closed-at", metavar="日期", help="结果日期。")
@json_option
@pass_app
def remedy(app: AppContext, case_id: str, kind: str | None, body: str | None, filed_at: str | None,
           status: str | None, outcome: str | None, closed_at: str | None, as_json: bool) -> None:
    """登记救济途径的申请、进展与结果。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.remedy(
        st, kind=kind, body=body, filed_at=_date(filed_at, "--filed-at"), outcome=outcome,
        closed_at=_date(closed_at, "--closed-at"), status=status), as_json)


@click.group()
def enforce() -> None:
    """征缴执法：征缴事项通知（E1）→ 责令限期缴纳（E2）→ 征收决定（E3）→ 催告（E5）→ 申请强制执行（E6）。"""


@enforce.command("start")
@CASE
@click.option("--arrears", "arrears", multiple=True, metavar="明细", help="欠费明细“险种,所属期,应缴[,已缴[,人数[,基数]]]”（可多次给出）。")
@click.option("--arrears-file", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="欠费明细 CSV（每行同 --arrears）。")
@click.option("--respondent", metavar="单位", help="被执法单位（默认对方当事人）。")
@json_option
@pass_app
def enforce_start(app: AppContext, case_id: str, arrears: tuple[str, ...], arrears_file: Path | None,
                  respondent: str | None, as_json: bool) -> None:
    """转入征缴执法，送达社会保险费征缴事项通知书（T22 + E1）。"""
    from casefile import workflow
    from casefile.app.flow import read_arrears

    items = read_arrears(arrears, arrears_file)
    _run(app, case_id, lambda st: workflow.enforce_start(st, items, respondent), as_json)


@enforce.command("step")
@CASE
@click.argument("step", metavar="步骤")
@click.option("--note", metavar="说明", help="说明（如法院裁定、复议情况）。")
@click.option("--court", metavar="法院", help="E6：受理强制执行申请的法院（默认配置中的法院）。")
@click.option("--dept", metavar="部门", help="E_FINE：罚款线索移送的部门（默认按险种：医疗保险移送医保局，其余移送人社局）。")
@click.option("--head", metavar="负责人", help="E6：签署强制执行申请书的机关负责人。")
@click.option("--party-views", metavar="意见", help="E6：当事人的意见（陈述、申辩情况；未提出的写明）。")
@click.option("--instalment", "instalments", multiple=True, metavar="日期,金额[,说明]",
              help="E4：分期计划，每期一条，如 2026-12-31,10000.00,第一期（可多次给出）。")
@click.option("--guarantee", metavar="担保", help="E4：担保情况（担保人、担保方式、担保财产）。")
@json_option
@pass_app
def enforce_step(app: AppContext, case_id: str, step: str, note: str | None, court: str | None, dept: str | None,
                 head: str | None, party_views: str | None, instalments: tuple[str, ...], guarantee: str | None,
                 as_json: bool) -> None:
    """进入下一执法步骤（自动出具相应文书并记录送达）。

    \b
    步骤可填名称或代号：责令限期缴纳(E2)、征收决定(E3)、账户查询/划拨/担保(E4)、催告(E5)、
    申请法院强制执行(E6)、法院审查/裁定(E7)、复议/诉讼中(E_LIT)、罚款移送(E_FINE)。
    """
    from casefile.app.flow import enforce_step as take_step

    _show(take_step(app.ws, case_id, step, app.now, app.actor, note=note, court=court, dept=dept, head=head,
                    party_views=party_views, instalments=instalments, guarantee=guarantee), as_json)


@enforce.command("paid")
@CASE
@click.option("--on", "paid_on", required=True, metavar="日期", help="实际缴纳日期。")
@click.option("--principal", metavar="金额", help="本次缴纳的社会保险费（元）。")
@click.option("--late-fee", metavar="金额", help="本次缴纳的滞纳金（元）。")
@click.option("--amount", metavar="金额", help="未分列的缴款金额（先抵缴社会保险费，余额计入滞纳金）。")
@click.option("--outcome", metavar="结果", help="执行结果说明。")
@json_option
@pass_app
def enforce_paid(app: AppContext, case_id: str, paid_on: str, principal: str | None, late_fee: str | None,
                 amount: str | None, outcome: str | None, as_json: bool) -> None:
    """登记缴纳：社会保险费与滞纳金分别登记；两者均缴清才执法完毕，否则记为部分缴纳。"""
    from casefile.app.flow import enforce_paid_action

    _run(app, case_id, enforce_paid_action(paid_on, principal, late_fee, amount, outcome), as_json)


@click.command()
@CASE
@click.option("--step", metavar="时限", help="要延期的时限，填 casefile show 列出的名称（如 办理总时限、联办综合处理意见）。")
@click.option("--days", type=click.IntRange(min=1, max=30), metavar="天数", help="延期天数（合计不超过30日）。")
@click.option("--reason", metavar="理由", help="延期理由。")
@click.option("--approve", is_flag=True, help="批准本案待批准的延期申请（负责人，且不是申请人）。")
@json_option
@pass_app
def extend(app: AppContext, case_id: str, step: str | None, days: int | None, reason: str | None, approve: bool,
           as_json: bool) -> None:
    """延期办理，两人完成：承办人申请（--step --days --reason），负责人批准（--approve）后出具延期办理告知书。

    \b
    申请人和批准人就是运行命令的操作人（--user / CASEFILE_USER），须是 [[staff]] 中的不同人员。
    """
    from casefile import workflow
    from casefile.errors import UsageError

    if approve:
        if step or days or reason:
            raise UsageError("批准时不需要 --step、--days、--reason：批准的是已登记的申请。")
        _run(app, case_id, workflow.approve_extension, as_json)
        return
    if not (step and days and reason):
        raise UsageError("申请延期须同时给出 --step、--days 与 --reason；负责人批准时用 --approve。")
    _run(app, case_id, lambda st: workflow.request_extension(st, step=step, days=days, reason=reason), as_json)


@click.command()
@CASE
@click.option("--reason", metavar="说明", help="办结说明。")
@json_option
@pass_app
def close(app: AppContext, case_id: str, reason: str | None, as_json: bool) -> None:
    """办结案件（执法完毕 T23）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.close(st, reason), as_json)


@click.command()
@CASE
@click.option("--reason", required=True, metavar="理由", help="重新办理的理由（记入办理记录，并印在更正文书上）。")
@click.option("--step", metavar="环节", help="要重新办理的环节：处理意见、调解协议、执法步骤（默认：回到回访）。")
@click.option("--enforcement-step", metavar="步骤", help="执法步骤：要重新办理的步骤（E2、E3、E5 或 E6）。")
@click.option("--mediator", metavar="调解员", help="调解协议：重新调解的调解员（默认原调解员）。")
@click.option("--arrears", "arrears", multiple=True, metavar="明细",
              help="执法步骤：更正后的欠费明细“险种,所属期,应缴[,已缴[,人数[,基数]]]”（可多次给出）。")
@json_option
@pass_app
def reopen(app: AppContext, case_id: str, reason: str, step: str | None, enforcement_step: str | None,
           mediator: str | None, arrears: tuple[str, ...], as_json: bool) -> None:
    """重新办理：更正有误的处理意见、调解协议或执法步骤（此后出具的文书为更正文书）；已办结案件回到回访；
    已归档案件另起新版本，归档包不被修改。"""
    from casefile.app.flow import reopen as reopen_case

    _show(reopen_case(app.ws, case_id, reason, app.now, app.actor, step=step, enforcement_step=enforcement_step,
                      mediator=mediator, arrears=arrears), as_json)


@click.command("report-back")
@CASE
@click.option("--text", required=True, metavar="结果", help="办理结果及告知当事人的情况。")
@click.option("--dept", metavar="部门", help="反馈的职能部门（默认主办部门）。")
@click.option("--on", "on", metavar="日期", help="反馈日期（默认今天）。")
@json_option
@pass_app
def report_back(app: AppContext, case_id: str, text: str, dept: str | None, on: str | None, as_json: bool) -> None:
    """偏关模式：低风险事项由职能部门直接办理、自行告知当事人后，向综治中心反馈办理结果。"""
    from casefile import workflow

    day = _date(on, "--on") if on else None
    _run(app, case_id, lambda st: workflow.report_back(st, text=text, dept=dept, on=day), as_json)


@click.command()
@CASE
@click.option("--reason", metavar="原因", help="提请市级部门协调的原因（县级无法解决的情况）。")
@click.option("--to", "to", metavar="机关", help="提请协调的市级机关（默认上一级税务局）。")
@click.option("--result", metavar="意见", help="登记市级部门的协调意见。")
@json_option
@pass_app
def escalate(app: AppContext, case_id: str, reason: str | None, to: str | None, result: str | None,
             as_json: bool) -> None:
    """偏关模式：县级无法解决的事项提请市级部门协调（--reason），答复后登记（--result）。"""
    from casefile import workflow

    _run(app, case_id, lambda st: workflow.escalate(st, reason=reason, to=to, result=result), as_json)


@click.command("flag")
@CASE
@click.option("--raise", "raise_", metavar="标记", help="设置标记：舆情、涉访涉稳、群体性、历史欠费。")
@click.option("--clear", metavar="标记", help="解除标记。")
@click.option("--reason", required=True, metavar="理由", help="设置或解除的依据（记入日志）。")
@json_option
@pass_app
def flag(app: AppContext, case_id: str, raise_: str | None, clear: str | None, reason: str, as_json: bool) -> None:
    """在任何办理环节设置或解除舆情、涉访涉稳等标记，理由记入日志。"""
    from casefile import workflow
    from casefile.errors import UsageError

    if bool(raise_) == bool(clear):
        raise UsageError("请给出 --raise 标记 或 --clear 标记 之一。")
    name = raise_ or clear
    assert name is not None
    _run(app, case_id, lambda st: workflow.set_flag(st, name, raise_=bool(raise_), reason=reason), as_json)
