"""A county tax officer's weeks in 偏关县 (pianguan profile), from 2026-09-29 through 中秋/国庆 and beyond.

Five disputes, each through the steps the seed (偏政办发〔2024〕21号) and the statutes order:
1. a 灵活就业 payer's missing months (registered from the packaged example form, handled directly);
2. a contribution-base dispute mediated, then reopened because the agreement was wrong and corrected —
   the corrected agreement carries into the 处理意见告知书, what it requires must be done before closing;
3. a 退休待遇 matter handled by 县人社局 on a 转办单;
4. a four-department 会商 with 议定事项 tracked until ticked off;
5. a 16-worker 应参未参 case: 联席会议 (总召集人), mediation that fails, 征缴执法 E1–E7, payment of principal
   and late fee apart, closing and archiving.
Every step asserts the state, the deadline it opens and the documents it issues; no message and no document
carries English.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import yaml

from casefile import workflow as wf
from casefile.deadlines import calendar_for
from casefile.errors import CasefileError, TransitionRefused, WaiverRefused
from casefile.models.enums import EnforcementStep, Flag, State
from walkthrough.common import Officer, at


def _example(name: str) -> dict[str, Any]:
    from importlib.resources import files

    data: dict[str, Any] = yaml.safe_load(files("casefile.data.examples").joinpath(name).read_text(encoding="utf-8"))
    return data


def _unit_form(**changes: Any) -> dict[str, Any]:
    return {**_example("intake-unit.yaml"), **changes}


@pytest.fixture
def officer(ws: Any) -> Officer:
    return Officer(ws)


#: what the officer types at `casefile new`, one answer per prompt: a wrong check digit is refused and asked
#: again, the ID is then typed in full-width digits (normalised), the amount with a full-width comma
FLEXIBLE_ANSWERS = [
    "窗口来访", "", "2026-09-29 09:30", "王晓梅", "县税务局", "偏关县新关镇", "个人", "刘彩霞",
    "140932198807150025", "１４０９３２１９８８０７１５００２４", "灵活就业", "13935012345", "偏关县新关镇南关村", "", "",
    "缴费金额、登记信息传递", "基本养老", "202503-202505", "2，736.00",
    "反映人称2025年3月至5月已通过银行代扣缴纳灵活就业人员养老保险费，但个人权益记录中这三个月显示未缴费，要求核实并补记。",
    "银行扣款回单、身份证复印件", "y",
]


def _interactive_new(o: Officer, answers: list[str], when: str) -> str:
    import re
    import subprocess
    import sys

    from testkit import env_for

    p = subprocess.run([sys.executable, "-m", "casefile.cli.main", "new"], input="\n".join(answers) + "\n",
                       capture_output=True, text=True, timeout=300,
                       env=env_for(o.ws.root, CASEFILE_NOW=at(when).isoformat()))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "身份证号校验位不正确" in p.stdout and "已将全角字符按半角处理" in p.stdout
    o.messages.append(p.stdout)
    m = re.search(r"已登记：(\S+)", p.stdout)
    assert m, p.stdout
    return m.group(1)


def test_flexible_employment_missing_months(officer: Officer) -> None:
    o = officer
    cal = calendar_for(o.ws.root / "holidays.toml")
    cid = _interactive_new(o, FLEXIBLE_ANSWERS, "09-29 10:00")
    case = o.case(cid)
    assert case.applicant.id_number == "140932198807150024" and case.amounts["claimed_arrears"] == Decimal("2736.00")
    assert case.state is State.TRIAGE and o.docs(cid) == ["D01", "D02"]
    assert case.payer_group.value == "灵活就业" and case.counterparty is None
    assert o.due(cid, "triage") == at("09-30 00:00").date()  # the next working day
    o.do(cid, "09-30 10:00", lambda s: wf.triage(s, risk="低", lead="县税务局", note="缴费记录核对，职责明确"))
    case = o.case(cid)
    assert case.state is State.DIRECT
    direct = o.due(cid, "direct")
    assert direct == cal.add_working_days(at("09-30 00:00").date(), 5)  # 国庆/中秋 days off are skipped
    assert cal.is_workday(direct) and direct > at("10-08 00:00").date()
    o.do(cid, "10-09 10:00", lambda s: wf.decide(
        s, text="经核对银行代扣记录，2025年3月至5月费款已入库，由税务部门补传缴费信息至人社部门补记权益。",
        findings="银行扣款回单与入库记录一致，缴费信息因系统传递失败未记入个人权益。",
        basis=["《中华人民共和国社会保险法》第六十条"]))
    o.do(cid, "10-09 11:00", lambda s: wf.notify(s))
    assert o.case(cid).state is State.NOTIFIED
    # a low-risk matter handled by the department itself: it reports back to the 综治中心 before closing
    o.do(cid, "10-09 15:00", lambda s: wf.report_back(s, text="已补传缴费信息并书面告知刘彩霞"))
    res = o.do(cid, "10-15 10:00", lambda s: wf.followup(s, method="电话", respondent="刘彩霞", satisfaction="满意"))
    assert o.case(cid).state is State.CLOSED and "办结" in res.message
    assert o.docs(cid) == ["D01", "D02", "D12", "D22", "D14"]
    d12 = o.document_text(cid)[o.case(cid).documents_of("D12")[0].doc_id]
    assert "自知道或者应当知道该行政行为之日起六十日内" in d12 and "具体行为" not in d12
    d02 = o.document_text(cid)[o.case(cid).documents_of("D02")[0].doc_id]
    assert "按照方式" not in d02 and "审核分类后确定办理方式" in d02
    o.assert_no_english(cid)


def test_base_dispute_mediated_then_reopened_and_corrected(officer: Officer) -> None:
    o = officer
    cid = o.register(_unit_form(), "09-29 10:00")
    assert Flag.MASS in o.case(cid).flags  # 17 workers
    o.do(cid, "09-29 15:00", lambda s: wf.triage(s, risk="中", co=["县人社局"]))
    assert o.case(cid).state is State.JOINT and o.docs(cid).count("D04") == 1
    o.do(cid, "09-30 09:00", lambda s: wf.mediate_start(s, "刘芳", "新关镇人民调解委员会"))
    assert o.case(cid).state is State.MEDIATION
    with pytest.raises(WaiverRefused, match="“山西晋北建材有限公司同意免除2025年度单位应缴部分社会保险费”"):
        o.do(cid, "10-09 09:00", lambda s: wf.mediate_agree(
            s, ["山西晋北建材有限公司同意免除2025年度单位应缴部分社会保险费", "职工放弃追究"]))
    o.do(cid, "10-09 10:00", lambda s: wf.mediate_agree(
        s, ["山西晋北建材有限公司按最低缴费基数为17名职工补报2024年1月至2026年9月社会保险费"],
        performance="2026年11月30日前一次补报补缴"))
    assert o.case(cid).state is State.DECIDED
    o.do(cid, "10-10 10:00", lambda s: wf.notify(s))
    first = o.case(cid)
    old_d15, old_d12 = first.documents_of("D15")[0], first.documents_of("D12")[0]
    o.do(cid, "10-16 10:00", lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    assert o.case(cid).state is State.FOLLOW_UP  # the other party is still to be visited
    with pytest.raises(TransitionRefused, match="尚未回访山西晋北建材有限公司"):
        o.do(cid, "10-16 11:00", lambda s: wf.close(s))
    o.do(cid, "10-16 15:00", lambda s: wf.followup(s, method="上门", respondent="赵志刚", satisfaction="满意",
                                                   party="对方当事人"))
    assert o.case(cid).state is State.CLOSED

    # the agreement kept the minimum base although wages were twice as high: reopened and corrected
    o.do(cid, "10-20 09:00", lambda s: wf.reopen(s, "协议约定按最低基数补报，与实际工资不符，依法应按实际工资申报", "调解协议"))
    assert o.case(cid).state is State.MEDIATION
    o.do(cid, "10-22 10:00", lambda s: wf.mediate_agree(
        s, ["山西晋北建材有限公司按职工实际工资为17名职工补报2024年1月至2026年9月社会保险费"],
        performance="2026年11月30日前补报并足额缴纳",
        duties=wf.parse_obligations(["对方当事人|按实际工资补报并足额缴纳社会保险费|2026-11-30"], s.case, "调解协议")))
    o.do(cid, "10-22 11:00", lambda s: wf.notify(s))
    case = o.case(cid)
    new_d15, new_d12 = case.documents_of("D15")[0], case.documents_of("D12")[0]
    assert new_d15.corrects == old_d15.doc_id and new_d12.corrects == old_d12.doc_id
    assert new_d12.wenhao != old_d12.wenhao
    text = o.document_text(cid)[new_d12.doc_id]
    assert "按职工实际工资" in text and (old_d12.wenhao or "") in text and "作废" in text
    assert o.due(cid, "obligation") == at("11-30 00:00").date()
    o.do(cid, "10-28 10:00", lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    o.do(cid, "10-28 11:00", lambda s: wf.followup(s, method="电话", respondent="赵志刚", satisfaction="满意",
                                                   party="对方当事人"))
    assert o.case(cid).state is State.FOLLOW_UP  # what the agreement requires is not done yet
    with pytest.raises(TransitionRefused, match="按实际工资补报并足额缴纳社会保险费"):
        o.do(cid, "10-29 10:00", lambda s: wf.close(s))
    o.do(cid, "11-27 10:00", lambda s: wf.obligation_done(s, 1, "已按实际工资补报并缴纳"))
    o.do(cid, "11-27 11:00", lambda s: wf.close(s))
    case = o.case(cid)
    assert case.state is State.CLOSED and case.redo is None
    assert [c["doc_type"] for c in case.corrections] == ["D15", "D12"]
    o.assert_no_english(cid)


def test_retirement_benefit_handled_by_hrss(officer: Officer) -> None:
    o = officer
    form = _example("intake-minimal.yaml")
    form.update(categories=["待遇核定和支付"], payer_group="退休", insurance_types=["基本养老"],
                claim="反映人2026年8月退休，养老金核定时少计了2019年至2020年的缴费年限，要求重新核定。")
    cid = o.register(form, "09-29 14:00")
    o.do(cid, "09-30 09:00", lambda s: wf.triage(s, risk="低", lead="县人社局",
                                                 requirements="请核对2019年至2020年缴费记录，依职责重新核定待遇，"
                                                              "书面告知当事人，并将办理结果反馈县综治中心。"))
    case = o.case(cid)
    assert case.state is State.DIRECT and case.lead_dept == "RSJ"
    assert o.docs(cid) == ["D01", "D02", "D08"]
    assert "反馈县综治中心" in o.document_text(cid)[case.documents_of("D08")[0].doc_id]
    o.do(cid, "10-12 10:00", lambda s: wf.decide(s, text="经核对，2019年至2020年缴费记录已补记，待遇已重新核定。"))
    o.do(cid, "10-12 11:00", lambda s: wf.notify(s))
    report = o.case(cid).deadline("center_report")  # the feedback to the 综治中心 is on the 台账 until made
    assert report is not None and report.done_at is None
    o.do(cid, "10-19 09:00", lambda s: wf.report_back(s, text="已重新核定养老待遇并书面告知当事人", dept="县人社局"))
    case = o.case(cid)
    assert case.center_report is not None and case.center_report.dept == "RSJ"
    assert case.deadline("center_report").done_at is not None  # type: ignore[union-attr]
    o.do(cid, "10-19 10:00", lambda s: wf.followup(s, method="电话", respondent=form["applicant"]["name"],
                                                   satisfaction="满意"))
    assert o.case(cid).state is State.CLOSED
    o.assert_no_english(cid)


def test_four_department_consultation(officer: Officer) -> None:
    o = officer
    cid = o.register(_unit_form(categories=["缴费基数申报", "缴费金额"], insurance_types=["基本养老", "基本医疗"]),
                     "09-29 11:00")
    o.do(cid, "09-29 16:00", lambda s: wf.triage(s, risk="中", lead="县税务局", co=["县人社局", "县医保局", "县司法局"]))
    case = o.case(cid)
    assert case.state is State.JOINT and sorted(case.co_depts) == ["RSJ", "SFJ", "YBJ"]
    assert o.docs(cid).count("D04") == 3
    with pytest.raises(CasefileError, match="--facts"):
        o.do(cid, "10-09 09:00", lambda s: wf.record_opinion(s, "县人社局", "同意按实际工资核定"))
    for dept, facts in (("县人社局", "劳动合同约定工资为申报基数的两倍"), ("县医保局", "医疗保险申报基数同样偏低"),
                        ("县司法局", "适用法律无误")):
        o.do(cid, "10-09 10:00", lambda s, d=dept, f=facts: wf.record_opinion(s, d, "建议按实际工资核定缴费基数", facts=f))
    o.do(cid, "10-10 09:00", lambda s: wf.schedule_meeting(s, at=at("10-13 09:30"), place="县税务局三楼会议室",
                                                           host="县税务局分管副局长", topics=["缴费基数核定"]))
    with pytest.raises(CasefileError, match="尚未召开"):
        o.do(cid, "10-12 09:00", lambda s: wf.record_meeting(s, attendees=["县税务局"], summary="s", opinion="o"))
    with pytest.raises(CasefileError, match="责任单位和完成时限"):
        o.do(cid, "10-13 16:00", lambda s: wf.record_meeting(
            s, attendees=["县税务局", "县人社局", "县医保局", "县司法局"], summary="研究缴费基数", opinion="按实际工资核定",
            items=[wf.AgreedItem(text="调取工资发放记录")]))
    o.do(cid, "10-13 16:00", lambda s: wf.record_meeting(
        s, attendees=["县税务局", "县人社局", "县医保局", "县司法局"], summary="研究缴费基数核定问题",
        opinion="按实际工资核定缴费基数", public_opinion_risk="低", litigation_risk="中",
        items=[wf.AgreedItem(text="调取2024年以来工资发放记录", unit="县人社局", due=at("10-23 00:00").date()),
               wf.AgreedItem(text="核定医疗保险缴费基数", unit="县医保局", due=at("10-27 00:00").date())]))
    case = o.case(cid)
    assert case.meetings[0].held_at == at("10-13 09:30")  # the meeting's time, not when the minutes were typed
    items = [d for d in case.deadlines if d.step == "agreed_item" and d.done_at is None]
    assert {(d.dept, d.due) for d in items} == {("RSJ", at("10-23 00:00").date()), ("YBJ", at("10-27 00:00").date())}
    from casefile.reports.due import due_register

    soon = due_register(o.ws, at("10-20 00:00").date(), days=7).groups["soon"].items
    listed = {(i.label, i.dept, i.due) for i in soon if i.case_id == cid}
    assert ("议定事项：调取2024年以来工资发放记录", "县人社局", at("10-23 00:00").date()) in listed
    o.do(cid, "10-14 10:00", lambda s: wf.decide(s, text="责令用人单位按实际工资补报缴费基数。"))
    o.do(cid, "10-14 11:00", lambda s: wf.notify(s))
    o.do(cid, "10-21 10:00", lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    o.do(cid, "10-21 11:00", lambda s: wf.followup(s, method="电话", respondent="赵志刚", satisfaction="基本满意",
                                                   party="对方当事人"))
    assert o.case(cid).state is State.FOLLOW_UP
    o.do(cid, "10-22 10:00", lambda s: wf.agreed_item_done(s, 1, "已调取"))
    soon = due_register(o.ws, at("10-22 00:00").date(), days=7).groups["soon"].items
    assert not [i for i in soon if i.case_id == cid and i.label.startswith("议定事项：调取")]  # ticked off
    with pytest.raises(TransitionRefused, match="县医保局：核定医疗保险缴费基数"):
        o.do(cid, "10-22 11:00", lambda s: wf.close(s))
    o.do(cid, "10-26 10:00", lambda s: wf.agreed_item_done(s, 2, "已核定"))
    o.do(cid, "10-26 11:00", lambda s: wf.close(s))
    case = o.case(cid)
    assert case.state is State.CLOSED
    assert not [d for d in case.deadlines if d.step == "agreed_item" and d.done_at is None]
    assert [t for t in o.docs(cid) if t in ("D04", "D05", "D10", "D11", "D12")] == \
        ["D04", "D04", "D04", "D05", "D05", "D05", "D10", "D11", "D12"]
    o.assert_no_english(cid)


def test_sixteen_workers_not_enrolled_through_joint_meeting_and_enforcement(officer: Officer, tmp_path: Any,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.helpers import fake_soffice_script
    from casefile.archive import archive_case

    (tmp_path / "soffice").mkdir()
    monkeypatch.setenv("CASEFILE_SOFFICE", str(fake_soffice_script(tmp_path / "soffice")))
    o = officer
    form = _unit_form(categories=["应参未参"], insurance_types=["基本养老", "基本医疗"],
                      claim="16名职工反映偏关县宏远煤业有限公司自2025年1月起未为其参加社会保险。",
                      counterparty={"kind": "unit", "name": "偏关县宏远煤业有限公司", "credit_code": "91140932MA0K8JTH4A",
                                    "legal_rep": "高建军", "address": "偏关县天峰坪镇工业区8号"})
    form["applicant"] = {**form["applicant"], "represents": "偏关县宏远煤业有限公司职工16人"}
    cid = o.register(form, "09-29 09:00")
    case = o.case(cid)
    assert Flag.MASS in case.flags
    o.do(cid, "09-29 10:00", lambda s: wf.triage(s, risk="高", note="16名职工集体反映，有聚集上访苗头"))
    assert o.case(cid).state is State.SPECIAL_REQ and "D06" in o.docs(cid)
    o.do(cid, "09-30 09:00", lambda s: wf.schedule_meeting(
        s, at=at("10-09 09:00"), place="县政府二楼会议室", host="县委常委、常务副县长（总召集人）",
        topics=["宏远煤业应参未参问题"], approved_by="总召集人", kind="联席"))
    assert o.case(cid).state is State.SPECIAL
    # the meeting sends it to mediation first; mediation fails and the case returns to the meeting
    o.do(cid, "10-09 12:00", lambda s: wf.mediate_start(s, "县司法局调解员周平"))
    o.do(cid, "10-16 12:00", lambda s: wf.mediate_fail(s, "special"))
    assert o.case(cid).state is State.SPECIAL
    o.do(cid, "10-16 15:00", lambda s: wf.schedule_meeting(
        s, at=at("10-19 09:00"), place="县政府二楼会议室", host="县委常委、常务副县长（总召集人）",
        topics=["调解不成后的处置"], kind="联席"))
    o.do(cid, "10-19 12:00", lambda s: wf.record_meeting(
        s, attendees=["县委常委、常务副县长", "县税务局", "县人社局", "县医保局", "县公安局"], summary="调解不成",
        opinion="依法启动征缴程序", decision="由县税务局依法追缴2025年1月至6月社会保险费",
        items=[wf.AgreedItem(text="做好职工政策解释和稳控", unit="县公安局", due=at("10-30 00:00").date())]))
    assert o.case(cid).state is State.DECIDED
    o.do(cid, "10-20 09:00", lambda s: wf.agreed_item_done(s, 1))

    arrears = wf.parse_arrears(["基本养老,202501,12800.00,0,16", "基本医疗,202501,4800.00,0,16"])
    o.do(cid, "10-20 10:00", lambda s: wf.enforce_start(s, arrears, "偏关县宏远煤业有限公司"))
    enf = o.case(cid).enforcement
    assert enf is not None and enf.step is EnforcementStep.E1 and "D16" in o.docs(cid)
    e1_due = enf.pay_by
    assert e1_due is not None
    o.do(cid, "11-06 10:00", lambda s: wf.enforce_step(s, "E2"))
    o.do(cid, "11-24 10:00", lambda s: wf.enforce_step(s, "E_FINE"))
    fines = {d.recipient for d in o.case(cid).documents_of("D24")}
    assert fines == {"县人社局", "县医保局"}  # medical arrears go to 医保局
    o.do(cid, "11-24 11:00", lambda s: wf.enforce_step(s, "E3"))
    decision_pay_by = o.case(cid).enforcement.decision_pay_by  # type: ignore[union-attr]
    assert decision_pay_by is not None
    with pytest.raises(TransitionRefused, match="尚未届满，不能催告"):
        o.do(cid, "11-25 10:00", lambda s: wf.enforce_step(s, "E5"))
    o.do(cid, "12-14 10:00", lambda s: wf.enforce_step(s, "E5"))
    case = o.case(cid)
    assert "D20" in o.docs(cid) and case.enforcement is not None
    d20_text = o.document_text(cid)[case.documents_of("D20")[0].doc_id]
    assert f"{decision_pay_by.year}年{decision_pay_by.month}月{decision_pay_by.day}日" in d20_text
    d18 = case.documents_of("D18")[0]
    served18 = next(s.served_at for s in case.services if s.doc_id == d18.doc_id)
    assert served18 is not None
    e6_day = served18 + timedelta(days=200)
    o.do(cid, f"{e6_day.isoformat()} 10:00", lambda s: wf.enforce_step(
        s, "E6", head="县税务局局长张立", party_views="被申请人在催告期间未提出陈述、申辩。"))
    o.do(cid, f"{(e6_day + timedelta(days=10)).isoformat()} 10:00",
         lambda s: wf.enforce_step(s, "E7", note="法院裁定准予强制执行"))
    pay_day = e6_day + timedelta(days=20)
    when = f"{pay_day.isoformat()} 10:00"
    o.do(cid, when, lambda s: wf.enforce_paid(s, pay_day, principal=Decimal("17600.00")))
    enf = o.case(cid).enforcement
    assert enf is not None and enf.step is EnforcementStep.E7 and enf.late_fee_total and enf.late_fee_total > 0
    with pytest.raises(TransitionRefused, match="尚未完毕"):
        o.do(cid, when, lambda s: wf.close(s))
    fee = enf.late_fee_total
    o.do(cid, when, lambda s: wf.enforce_paid(s, pay_day, late_fee=fee))
    o.do(cid, when, lambda s: wf.close(s))
    case = o.case(cid)
    assert case.state is State.CLOSED
    for code in ("D06", "D10", "D11", "D16", "D17", "D18", "D19", "D20", "D21", "D22", "D24"):
        assert code in o.docs(cid), code
    o.assert_no_english(cid)
    archive_case(o.ws, cid, at(f"{(pay_day + timedelta(days=3)).isoformat()} 10:00"), "档案员")
    assert o.case(cid).state is State.ARCHIVED
