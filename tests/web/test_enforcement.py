"""征缴执法 (T22, E1–E7, E_FINE, payment) from the case page: the same library calls and checks as
``casefile enforce``, refusals named by field with the form kept filled, the issued documents listed
for download, and every step refused to the wrong role or department."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from typing import Any

import pytest

from casefile.models.enums import EnforcementStep, State
from casefile.store import Dossier
from factories import T0, at, form
from testkit import NOW


def _at(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setenv("CASEFILE_NOW", when.isoformat())


def _post(client: Any, ws: Any, cid: str, code: str, **data: Any) -> Any:
    version = Dossier(ws, cid).load().version
    return client.post(f"/cases/{cid}/step/{code}/", {"version": str(version), "_step": code, **data})


def _docs(ws: Any, cid: str) -> list[str]:
    return [d.doc_type for d in Dossier(ws, cid).load().documents]


def _day_after(d: Any) -> datetime:
    return datetime.combine(d + timedelta(days=1), NOW.timetz())


@pytest.fixture
def decided(ws: Any) -> str:
    """A case decided after joint handling with 人社局 only (医保局 stays uninvolved), received in October."""
    from casefile import workflow as wf

    cid = wf.register(ws, form("intake-unit", received_at=T0.isoformat()), T0, "张磊").case_id
    wf.run(ws, cid, at(0.2), "张磊", lambda s: wf.triage(s, risk="中", co=("RSJ",)))
    wf.run(ws, cid, at(2), "张磊", lambda s: wf.record_opinion(s, "RSJ", "同意", facts="情况属实"))
    wf.run(ws, cid, at(3), "张磊", lambda s: wf.decide(s, text="责令限期补缴", basis=["社会保险法第六十三条"]))
    case = Dossier(ws, cid).load()
    assert case.lead_dept == "SW" and case.co_depts == ["RSJ"] and case.state is State.DECIDED
    return cid


def test_officer_takes_the_whole_ladder_from_the_case_page(ws: Any, decided: str, as_user: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cid = decided
    c = as_user("zhanglei")
    page = c.get(f"/cases/{cid}/").content.decode()
    assert "转入征缴执法" in page and "D16 社会保险费征缴事项通知书" in page
    assert "enforce_e2" not in page  # the ladder is not open yet

    # a bad arrears line: refused with the line and the field named, nothing written, the form kept
    before = Dossier(ws, cid).load().version
    r = _post(c, ws, cid, "enforce_start", arrears="基本养老,2025,4680.00,0\n基本养老,202502,abc")
    assert r.status_code == 409
    text = r.content.decode()
    assert "欠费明细第1行" in text and "所属期应为 YYYYMM" in text and "欠费明细第2行" in text
    assert "基本养老,202502,abc" in text  # what was typed is still in the form
    assert Dossier(ws, cid).load().version == before

    r = _post(c, ws, cid, "enforce_start", arrears="基本养老,202501,4680.00,0")
    assert r.status_code == 302, r.content.decode()[:800]
    case = Dossier(ws, cid).load()
    assert case.state is State.ENFORCEMENT and case.enforcement is not None
    assert _docs(ws, cid).count("D16") == 1
    page = c.get(f"/cases/{cid}/").content.decode()
    d16 = case.documents_of("D16")[-1]
    assert f"/cases/{cid}/doc/{d16.doc_id}.docx" in page and "征缴执法：责令限期缴纳（E2）" in page
    assert "征缴事项告知（E1）" in page  # the enforcement card shows where the ladder stands
    assert "/step/close/" not in page  # 办结 is offered only once both amounts are paid
    assert c.get(f"/cases/{cid}/doc/{d16.doc_id}.docx").status_code == 200

    # E2 before the notice's pay-by date: the library's refusal, in Chinese, nothing written
    r = _post(c, ws, cid, "enforce_e2", note="")
    assert r.status_code == 409 and "尚未届满" in r.content.decode()
    assert "D17" not in _docs(ws, cid)

    _at(monkeypatch, _day_after(case.enforcement.pay_by))
    assert _post(c, ws, cid, "enforce_e2", note="逾期未缴").status_code == 302
    assert {"D17", "D19"} <= set(_docs(ws, cid))

    enf = Dossier(ws, cid).load().enforcement
    assert enf is not None and enf.pay_by is not None
    _at(monkeypatch, _day_after(enf.pay_by))
    assert _post(c, ws, cid, "enforce_e3").status_code == 302
    assert "D18" in _docs(ws, cid)

    # E4 with a bad instalment: named by the form's field, not by the CLI option
    r = _post(c, ws, cid, "enforce_e4", instalments="2027-01-31,abc", guarantee="某担保公司连带责任保证")
    assert r.status_code == 409
    text = r.content.decode()
    assert "分期计划第1期" in text and "--instalment" not in text
    r = _post(c, ws, cid, "enforce_e4", instalments="2027-01-31,2000.00,第一期\n2027-02-28,2680.00,第二期",
              guarantee="某担保公司连带责任保证")
    assert r.status_code == 302 and "D23" in _docs(ws, cid)

    # 催告 only after the decision's own period
    enf = Dossier(ws, cid).load().enforcement
    assert enf is not None and enf.decision_pay_by is not None
    r = _post(c, ws, cid, "enforce_e5")
    assert r.status_code == 409 and "不能催告" in r.content.decode()
    _at(monkeypatch, _day_after(enf.decision_pay_by))
    assert _post(c, ws, cid, "enforce_e5").status_code == 302
    assert "D20" in _docs(ws, cid)

    # E6: the fields the application needs are asked for by name
    r = _post(c, ws, cid, "enforce_e6", head="", party_views="")
    assert r.status_code == 409
    text = r.content.decode()
    assert "签署申请书的机关负责人：必填" in text and "当事人的意见：必填" in text
    _at(monkeypatch, datetime.combine(enf.decision_pay_by + timedelta(days=200), NOW.timetz()))
    r = _post(c, ws, cid, "enforce_e6", head="赵振华", party_views="未提出陈述申辩")
    assert r.status_code == 302, r.content.decode()[:1500]
    assert "D21" in _docs(ws, cid)
    assert _post(c, ws, cid, "enforce_e_fine", dept="").status_code == 302
    assert "D24" in _docs(ws, cid)
    assert _post(c, ws, cid, "enforce_e7", note="法院裁定准予执行").status_code == 302
    assert Dossier(ws, cid).load().enforcement.step is EnforcementStep.E7  # type: ignore[union-attr]

    # payment: a bad amount is named by its field; principal alone is partial; then both settled
    r = _post(c, ws, cid, "enforce_paid", paid_on="", principal="abc")
    assert r.status_code == 409 and "缴纳日期：必填" in r.content.decode()
    today = datetime.fromisoformat(os.environ["CASEFILE_NOW"]).date().isoformat()
    r = _post(c, ws, cid, "enforce_paid", paid_on=today, principal="abc")
    assert r.status_code == 409 and "“社会保险费”" in r.content.decode()
    r = _post(c, ws, cid, "enforce_paid", paid_on=today, principal="4680.00")
    assert r.status_code == 302
    enf = Dossier(ws, cid).load().enforcement
    assert enf is not None and enf.outcome and enf.outcome.startswith("部分缴纳")
    assert _post(c, ws, cid, "enforce_paid", paid_on=today, late_fee=str(enf.late_fee_total)).status_code == 302
    case = Dossier(ws, cid).load()
    assert case.enforcement is not None and case.enforcement.step is EnforcementStep.E_DONE
    page = c.get(f"/cases/{cid}/").content.decode()
    assert "执行完毕，办结" in page and "enforce_paid" not in page
    for doc_type in ("D16", "D17", "D18", "D19", "D20", "D21", "D23", "D24"):
        d = case.documents_of(doc_type)[-1]
        assert f"/cases/{cid}/doc/{d.doc_id}.pdf" in page
    # every step is journaled with the account, its department and the client address
    entries, _ = Dossier(ws, cid).journal()
    actions = [sub.get("action") for e in entries for sub in [{"type": e.type, **e.payload}, *e.payload.get("events", [])]
               if sub.get("type") == "web_action"]
    for e in entries[-9:]:
        line = json.loads(e.raw)
        assert (line["login"], line["dept"], line["via"], line["address"]) == ("zhanglei", "SW", "web", "10.0.0.7")
    assert {"enforce_start", "enforce_e2", "enforce_e3", "enforce_e4", "enforce_e5", "enforce_e6",
            "enforce_e_fine", "enforce_e7", "enforce_paid"} <= set(actions)


@pytest.mark.parametrize("login", ["chenjing", "wumin", "sunli", "lirs", "wangyb", "admin"])
def test_enforcement_steps_are_refused_to_other_roles_and_departments(ws: Any, decided: str, as_user: Any,
                                                                      login: str) -> None:
    cid = decided
    c = as_user(login)
    before = Dossier(ws, cid).load().version
    r = _post(c, ws, cid, "enforce_start", arrears="基本养老,202501,4680.00,0")
    assert r.status_code == 403
    assert Dossier(ws, cid).load().number not in r.content.decode()
    assert Dossier(ws, cid).load().version == before and Dossier(ws, cid).load().state is State.DECIDED
    page = c.get(f"/cases/{cid}/")
    if page.status_code == 200:  # the 负责人 and 档案员 of the lead office see the case, not the forms
        assert "enforce_start" not in page.content.decode()


def test_enforcement_step_not_offered_by_the_ladder_is_refused(ws: Any, decided: str, as_user: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cid = decided
    c = as_user("zhanglei")
    assert _post(c, ws, cid, "enforce_start", arrears="基本养老,202501,4680.00,0").status_code == 302
    r = _post(c, ws, cid, "enforce_e6", head="赵振华", party_views="未提出陈述申辩")
    assert r.status_code == 409
    assert "不能进入“申请法院强制执行（E6）”" in r.content.decode()
    assert "D21" not in _docs(ws, cid)
    # a second submit of the same start form (stale version) changes nothing
    r = c.post(f"/cases/{cid}/step/enforce_start/", {"version": "1", "arrears": "基本养老,202501,4680.00,0"})
    assert r.status_code == 409 and _docs(ws, cid).count("D16") == 1
    # 复议/诉讼 may be brought against the decision (E3), not against the notice (E2)
    enf = Dossier(ws, cid).load().enforcement
    assert enf is not None and enf.pay_by is not None
    _at(monkeypatch, _day_after(enf.pay_by))
    assert _post(c, ws, cid, "enforce_e2").status_code == 302
    assert "enforce_e_lit" not in c.get(f"/cases/{cid}/").content.decode()
    r = _post(c, ws, cid, "enforce_e_lit", note="当事人申请复议")
    assert r.status_code == 409 and "不能进入“复议/诉讼中（E_LIT）”" in r.content.decode()
    enf = Dossier(ws, cid).load().enforcement
    assert enf is not None and enf.pay_by is not None
    _at(monkeypatch, _day_after(enf.pay_by))
    assert _post(c, ws, cid, "enforce_e3").status_code == 302
    assert _post(c, ws, cid, "enforce_e_lit", note="当事人对征收决定申请行政复议").status_code == 302
    enf = Dossier(ws, cid).load().enforcement
    assert enf is not None and enf.step is EnforcementStep.E_LIT
    assert enf.history[-1].note == "当事人对征收决定申请行政复议"
