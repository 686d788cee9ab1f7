"""Both profiles in their own words and order: pianguan's 联席会议 under its 总召集人, 会商 → 调解 →
调查核实, the department's report to the 综治中心, 市级协调; naiman's 报送, 催办 (dated as it happened)
and 纪委 referral, with the seed's department names."""

from __future__ import annotations

from datetime import date

import pytest

from casefile import workflow as wf
from casefile.errors import CasefileError, TransitionRefused
from casefile.models.enums import State
from casefile.store import Dossier, read_journal
from factories import ACTOR, T0, at, form, new_case, step, to_state


def load(ws, cid):  # type: ignore[no-untyped-def]
    return Dossier(ws, cid).load()


def test_pianguan_speaks_of_the_joint_meeting_and_its_convener(ws) -> None:  # type: ignore[no-untyped-def]
    cid = new_case(ws)
    res = step(ws, cid, at(0.2), lambda s: wf.triage(s, risk="高"))
    assert "联席会议" in res.message and "总召集人" in res.message and "领导小组" not in res.message
    with pytest.raises(CasefileError) as exc:
        step(ws, cid, at(1), lambda s: wf.decide(s, text="x"))
    assert "总召集人同意" in exc.value.message and "组长" not in exc.value.message.replace("总召集人", "")
    entries, _ = read_journal(Dossier(ws, cid).journal_path)
    assert "提请召开联席会议" in [e.payload.get("label") for e in entries]
    from docx import Document

    d06 = load(ws, cid).documents_of("D06")[-1]
    doc = Document(str(Dossier(ws, cid).path / d06.file))
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert "联席会议办公室意见" in cells and "总召集人审批意见" in cells
    assert not any("组长" in c.replace("总召集人", "") or "领导小组" in c for c in cells)


def test_pianguan_meeting_orders_mediation_then_investigation(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.SPECIAL)
    step(ws, cid, at(4), lambda s: wf.record_meeting(s, attendees=["刘县长"], summary="事由", opinion="先行调解",
                                                     mediator="县人民调解委员会张某"))
    case = load(ws, cid)
    assert case.state is State.MEDIATION and case.mediation and case.mediation.mediator == "县人民调解委员会张某"
    step(ws, cid, at(6), lambda s: wf.mediate_fail(s, "调查核实"))
    assert load(ws, cid).state is State.JOINT  # 调查核实 after mediation fails


def test_naiman_has_no_meeting_ordered_mediation(naiman_ws) -> None:  # type: ignore[no-untyped-def]
    ws = naiman_ws
    data = form("intake-minimal", intake_dept="旗税务局", jurisdiction={"name": "奈曼旗八仙筒镇", "code": "150525"},
                received_at=T0.isoformat())
    cid = wf.register(ws, data, T0, ACTOR).case_id
    step(ws, cid, at(0.2), lambda s: wf.triage(s, case_class="重大疑难", note="涉及多部门政策性问题"))
    step(ws, cid, at(1), lambda s: wf.schedule_meeting(s, at=at(3), place="会议室", host="副旗长", topics=["议题"],
                                                       approved_by="副旗长"))
    with pytest.raises(TransitionRefused):
        step(ws, cid, at(4), lambda s: wf.record_meeting(s, attendees=["a"], summary="s", opinion="o", mediator="x"))


def test_pianguan_low_risk_department_reports_back_before_closing(ws) -> None:  # type: ignore[no-untyped-def]
    cid = new_case(ws)
    step(ws, cid, at(0.2), lambda s: wf.triage(s, risk="低", lead="人社局"))
    step(ws, cid, at(1), lambda s: wf.decide(s, text="已为反馈人补记缴费记录"))
    step(ws, cid, at(2), lambda s: wf.notify(s))
    dl = load(ws, cid).deadline("center_report")
    assert dl is not None and dl.done_at is None and dl.dept == "RSJ"  # on the 台账 until reported
    with pytest.raises(CasefileError, match="晚于今天"):
        step(ws, cid, at(3), lambda s: wf.report_back(s, text="已办结", on=date(2027, 1, 1)))
    step(ws, cid, at(3), lambda s: wf.report_back(s, text="已补记缴费记录并电话告知反映人"))
    case = load(ws, cid)
    assert case.center_report and case.center_report.dept == "RSJ"
    assert case.deadline("center_report").done_at is not None  # type: ignore[union-attr]
    step(ws, cid, at(5), lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    res = step(ws, cid, at(5), lambda s: wf.followup(s, method="电话", respondent="赵志刚", satisfaction="满意",
                                                     party="对方当事人"))  # 争议双方 are both followed up
    assert load(ws, cid).state is State.CLOSED and "尚未向综治中心反馈" not in res.message


def test_closing_without_report_back_says_so(ws) -> None:  # type: ignore[no-untyped-def]
    cid = new_case(ws)
    step(ws, cid, at(0.2), lambda s: wf.triage(s, risk="低"))
    step(ws, cid, at(1), lambda s: wf.decide(s, text="已核实"))
    step(ws, cid, at(2), lambda s: wf.notify(s))
    step(ws, cid, at(5), lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    res = step(ws, cid, at(5), lambda s: wf.followup(s, method="电话", respondent="赵志刚", satisfaction="满意",
                                                     party="对方当事人"))
    assert "尚未向综治中心反馈" in res.message and "report-back" in res.message
    step(ws, cid, at(6), lambda s: wf.report_back(s, text="已办结并告知"))  # still possible after closing
    assert load(ws, cid).center_report is not None


def test_joint_matters_are_not_reported_back(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.NOTIFIED)
    with pytest.raises(TransitionRefused, match="综治中心告知当事人"):
        step(ws, cid, at(5), lambda s: wf.report_back(s, text="x"))


def test_pianguan_city_coordination(ws, naiman_ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.SPECIAL)
    with pytest.raises(TransitionRefused, match="没有待答复"):
        step(ws, cid, at(4), lambda s: wf.escalate(s, result="x"))
    step(ws, cid, at(4), lambda s: wf.escalate(s, reason="涉及跨县用工主体认定，县级无法协调"))
    step(ws, cid, at(9), lambda s: wf.escalate(s, result="市人社局明确由用工地补办参保登记"))
    case = load(ws, cid)
    assert case.state is State.SPECIAL and case.city_coordination[0].result == "市人社局明确由用工地补办参保登记"
    assert case.city_coordination[0].to == ws.settings.office.superior_tax


def naiman_referred(ws):  # type: ignore[no-untyped-def]
    data = form("intake-minimal", intake_dept="旗税务局", jurisdiction={"name": "奈曼旗八仙筒镇", "code": "150525"},
                received_at=T0.isoformat())
    cid = wf.register(ws, data, T0, ACTOR).case_id
    step(ws, cid, at(0.2), lambda s: wf.triage(s, case_class="职责不清", note="职责交叉", suggest="行政审批政务服务与数据管理局"))
    return cid


def test_naiman_urge_is_dated_as_it_happened_and_precedes_referral(naiman_ws) -> None:  # type: ignore[no-untyped-def]
    ws = naiman_ws
    assert ws.settings.dept("SPJ").name == "旗行政审批政务服务与数据管理局"
    cid = naiman_referred(ws)
    with pytest.raises(TransitionRefused, match="尚未被催办"):
        step(ws, cid, at(8), lambda s: wf.refer_refuse(s, "数据局", "拒不处理"))
    with pytest.raises(CasefileError, match="晚于今天"):
        step(ws, cid, at(5), lambda s: wf.refer_urge(s, on=at(9).date(), text="电话催办"))
    step(ws, cid, at(5), lambda s: wf.refer_urge(s, on=at(4).date(), text="电话催办，要求三日内反馈"))
    step(ws, cid, at(8), lambda s: wf.refer_refuse(s, "数据局", "催办后仍以非本部门职责为由拒不处理"))
    case = load(ws, cid)
    assert case.referral and [u.on for u in case.referral.urges] == [at(4).date()]
    assert case.referral.urges[0].dept == "SPJ"
    d32 = case.documents_of("D32")[-1]  # the 催办函, its own document with its own 文号
    assert case.referral.urges[0].doc_id == d32.doc_id and d32.wenhao.startswith("奈税社催〔")
    assert d32.recipient == "旗行政审批政务服务与数据管理局"
    from docx import Document

    d09 = case.documents_of("D09")[-1]
    text = "\n".join(p.text for p in Document(str(Dossier(ws, cid).path / d09.file)).paragraphs)
    urged = f"{at(4).year}年{at(4).month}月{at(4).day}日"
    assert f"并于{urged}催办" in text, text


def test_naiman_refusal_offers_urge(naiman_ws) -> None:  # type: ignore[no-untyped-def]
    ws = naiman_ws
    cid = naiman_referred(ws)
    with pytest.raises(TransitionRefused) as exc:
        step(ws, cid, at(5), lambda s: wf.notify(s))
    assert "refer urge（催办承办部门）" in exc.value.message and "report-back" not in exc.value.message
    with pytest.raises(TransitionRefused):
        step(ws, cid, at(5), lambda s: wf.escalate(s, reason="x"))  # a pianguan step
