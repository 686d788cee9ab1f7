"""The enforcement ladder as the law orders it: 催告 after the decision's period, amounts that match the
decision, principal and late fee paid apart, the fine referral to the 险种's department."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from casefile import workflow as wf
from casefile.errors import CasefileError, TransitionRefused
from casefile.models.enums import EnforcementStep, State
from casefile.store import Dossier
from factories import at, step, to_state


def _ctx(ws, cid: str, doc_type: str) -> dict:  # type: ignore[no-untyped-def]
    case = Dossier(ws, cid).load()
    doc = case.documents_of(doc_type)[-1]
    return json.loads((Dossier(ws, cid).path / doc.data_file).read_text(encoding="utf-8"))["context"]


def test_demand_waits_for_the_decision_period_and_amounts_follow_the_decision(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.ENFORCEMENT)
    step(ws, cid, at(30), lambda s: wf.enforce_step(s, "E2"))
    step(ws, cid, at(60), lambda s: wf.enforce_step(s, "E3"))
    enf = Dossier(ws, cid).load().enforcement
    assert enf is not None and enf.decision_pay_by is not None
    pay_by = enf.decision_pay_by
    days_to_pay_by = (pay_by - at(60).date()).days
    with pytest.raises(TransitionRefused, match="尚未届满，不能催告"):
        step(ws, cid, at(60 + days_to_pay_by), lambda s: wf.enforce_step(s, "E5"))
    step(ws, cid, at(90), lambda s: wf.enforce_step(s, "E5"))
    d18, d20 = _ctx(ws, cid, "D18"), _ctx(ws, cid, "D20")
    assert d20["x"]["decision_pay_by"] == f"{pay_by.year}年{pay_by.month}月{pay_by.day}日"
    assert d20["x"]["late_fee_total"] == d18["x"]["late_fee_total"]
    assert d20["x"]["grand_total"] == d18["x"]["grand_total"]
    assert "继续按日加收" in d20["x"]["late_fee_note"]  # the fee since the decision, stated apart
    assert d20["deadline"] and d20["deadline"] != d18["deadline"]  # the 催告 sets its own period
    step(ws, cid, at(250), lambda s: wf.enforce_step(s, "E6", head="赵振华", party_views="未提出陈述申辩"))
    d21 = _ctx(ws, cid, "D21")
    assert d21["x"]["late_fee_total"] == d18["x"]["late_fee_total"]
    assert d21["x"]["grand_total"] == d18["x"]["grand_total"]
    assert d21["x"]["head"] == "赵振华" and d21["x"]["party_views"] == "未提出陈述申辩"
    assert "不在本次金额之内" in d21["x"]["facts"]


def test_payment_of_principal_alone_is_partial(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.ENFORCEMENT)
    step(ws, cid, at(30), lambda s: wf.enforce_paid(s, at(30).date(), principal=Decimal("2000.00")))
    case = Dossier(ws, cid).load()
    assert case.enforcement is not None and case.enforcement.step is EnforcementStep.E1
    assert case.enforcement.outcome and case.enforcement.outcome.startswith("部分缴纳")
    with pytest.raises(CasefileError, match="超过尚欠"):
        step(ws, cid, at(31), lambda s: wf.enforce_paid(s, at(31).date(), principal=Decimal("9999.00")))
    step(ws, cid, at(31), lambda s: wf.enforce_paid(s, at(31).date(), principal=Decimal("2680.00")))
    case = Dossier(ws, cid).load()
    enf = case.enforcement
    assert enf is not None and enf.step is EnforcementStep.E1 and enf.paid_on == at(31).date()
    assert enf.late_fee_total is not None and enf.late_fee_total > 0
    with pytest.raises(TransitionRefused):
        step(ws, cid, at(32), lambda s: wf.close(s))
    step(ws, cid, at(40), lambda s: wf.enforce_paid(s, at(40).date(), late_fee=enf.late_fee_total))
    case = Dossier(ws, cid).load()
    assert case.enforcement is not None and case.enforcement.step is EnforcementStep.E_DONE
    assert case.enforcement.paid_principal == Decimal("4680.00")
    assert case.enforcement.paid_late_fee == enf.late_fee_total


def test_fine_referral_goes_to_the_department_of_each_insurance_type(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.DECIDED)
    step(ws, cid, at(4), lambda s: wf.enforce_start(s, wf.parse_arrears(["基本医疗,202501,900.00,0",
                                                                         "基本养老,202501,4680.00,0"])))
    step(ws, cid, at(30), lambda s: wf.enforce_step(s, "E2"))
    step(ws, cid, at(50), lambda s: wf.enforce_step(s, "E_FINE"))
    case = Dossier(ws, cid).load()
    names = {d.recipient for d in case.documents_of("D24")}
    assert names == {ws.settings.dept_name("YBJ"), ws.settings.dept_name("RSJ")}
    by_dept = {d.recipient: d for d in case.documents_of("D24")}
    medical = json.loads((Dossier(ws, cid).path / by_dept[ws.settings.dept_name("YBJ")].data_file)
                         .read_text(encoding="utf-8"))["context"]
    assert medical["x"]["total_owed"] == "900.00"


def test_extension_lands_on_a_working_day(ws) -> None:  # type: ignore[no-untyped-def]
    from casefile.deadlines import calendar_for

    cid = to_state(ws, State.JOINT)
    before = Dossier(ws, cid).load().deadline("joint_decision")
    assert before is not None
    cal = calendar_for(ws.root / "holidays.toml")
    days = next(n for n in range(1, 31) if not cal.is_workday(before.due + timedelta(days=n)))
    step(ws, cid, at(2), lambda s: wf.extend(s, step="joint_decision", days=days, reason="需补充调查", approver="张局长"))
    after = Dossier(ws, cid).load().deadline("joint_decision")
    assert after is not None and cal.is_workday(after.due) and after.due > before.due + timedelta(days=days)
    d13 = _ctx(ws, cid, "D13")
    assert "张局长" not in json.dumps(d13, ensure_ascii=False)
    assert isinstance(after.due, date)
