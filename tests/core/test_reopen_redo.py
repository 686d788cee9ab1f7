"""Reopening a wrong decision, agreement or enforcement step: the case goes back to that step, the reason is
journaled, and what is issued afterwards supersedes the old documents as numbered corrections."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from casefile import workflow as wf
from casefile.errors import CasefileError, TransitionRefused
from casefile.models.enums import State
from casefile.store import Dossier, read_journal
from factories import ACTOR, at, new_case, step, to_state


def state(ws, cid: str) -> State:  # type: ignore[no-untyped-def]
    return Dossier(ws, cid).load().state


def _ctx(ws, cid: str, doc_id: str) -> dict:  # type: ignore[no-untyped-def]
    d = Dossier(ws, cid)
    rec = d.load().document(doc_id)
    assert rec is not None
    return json.loads((d.path / rec.data_file).read_text(encoding="utf-8"))["context"]


def _close(ws, cid: str, day: float) -> None:  # type: ignore[no-untyped-def]
    step(ws, cid, at(day), lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    step(ws, cid, at(day), lambda s: wf.followup(s, method="电话", respondent="赵志刚", satisfaction="满意",
                                                 party="对方当事人"))


def test_corrected_agreement_carries_into_the_decision_and_the_notice(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.MEDIATION)
    step(ws, cid, at(2), lambda s: wf.mediate_agree(s, ["用人单位按申报基数补缴2024年社会保险费"]))
    step(ws, cid, at(3), lambda s: wf.notify(s))
    _close(ws, cid, 8)
    assert state(ws, cid) is State.CLOSED
    old = Dossier(ws, cid).load()
    old_d15, old_d12 = old.documents_of("D15")[0], old.documents_of("D12")[0]

    with pytest.raises(CasefileError, match="环节"):
        step(ws, cid, at(20), lambda s: wf.reopen(s, "基数有误", "结论"))
    step(ws, cid, at(20), lambda s: wf.reopen(s, "协议约定的缴费基数低于实际工资", "调解协议"))
    case = Dossier(ws, cid).load()
    assert case.state is State.MEDIATION and case.redo and case.redo["kind"] == "mediation"
    entries, _ = read_journal(Dossier(ws, cid).journal_path)
    last = entries[-1].payload
    assert last["transition"] == "redo" and last["reason"] == "协议约定的缴费基数低于实际工资"

    step(ws, cid, at(21), lambda s: wf.mediate_agree(
        s, ["用人单位按实际工资补缴2024年社会保险费"],
        duties=wf.parse_obligations(["对方当事人|按实际工资补缴2024年社会保险费|" + at(40).date().isoformat()],
                                    s.case, "调解协议")))
    step(ws, cid, at(22), lambda s: wf.notify(s))
    case = Dossier(ws, cid).load()
    new_d15, new_d12 = case.documents_of("D15")[0], case.documents_of("D12")[0]
    assert new_d15.corrects == old_d15.doc_id and case.document(old_d15.doc_id).superseded_by == new_d15.doc_id  # type: ignore[union-attr]
    assert new_d12.corrects == old_d12.doc_id and new_d12.wenhao != old_d12.wenhao
    ctx = _ctx(ws, cid, new_d12.doc_id)
    assert "按实际工资补缴" in ctx["x"]["opinion"] and "按申报基数" not in ctx["x"]["opinion"]
    assert "按实际工资补缴" in ctx["x"]["obligations"]
    assert old_d12.wenhao and old_d12.wenhao in ctx["doc"]["corrects"] and "作废" in ctx["doc"]["corrects"]
    # what the corrected agreement requires must be done before the case closes again
    _close(ws, cid, 25)
    assert state(ws, cid) is State.FOLLOW_UP
    with pytest.raises(TransitionRefused, match="按实际工资补缴"):
        step(ws, cid, at(26), lambda s: wf.close(s))
    with pytest.raises(CasefileError, match="不能放弃"):
        step(ws, cid, at(26), lambda s: wf.obligation_done(s, 1, waived_by="李建国", reason="不再追究"))
    step(ws, cid, at(30), lambda s: wf.obligation_done(s, 1, note="已缴清"))
    step(ws, cid, at(30), lambda s: wf.close(s))
    case = Dossier(ws, cid).load()
    assert case.state is State.CLOSED and case.redo is None and len(case.corrections) == 2


def test_a_wrong_decision_is_redone_from_follow_up(ws) -> None:  # type: ignore[no-untyped-def]
    cid = new_case(ws, at(0))
    step(ws, cid, at(0.2), lambda s: wf.triage(s, risk="低"))
    step(ws, cid, at(1), lambda s: wf.decide(s, text="维持原核定缴费基数"))
    step(ws, cid, at(2), lambda s: wf.notify(s))
    step(ws, cid, at(5), lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    step(ws, cid, at(6), lambda s: wf.reopen(s, "核定基数引用的工资数据有误", "处理意见"))
    assert state(ws, cid) is State.DIRECT
    step(ws, cid, at(7), lambda s: wf.decide(s, text="按实际工资重新核定缴费基数"))
    step(ws, cid, at(7), lambda s: wf.notify(s))
    case = Dossier(ws, cid).load()
    assert [d.corrects is not None for d in case.documents if d.doc_type == "D12"] == [False, True]
    assert len(case.documents_of("D12")) == 1  # the old one no longer counts as issued


def test_an_enforcement_step_is_redone_with_corrected_arrears(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.ENFORCEMENT)
    step(ws, cid, at(30), lambda s: wf.enforce_step(s, "E2"))
    step(ws, cid, at(60), lambda s: wf.enforce_step(s, "E3"))
    old = Dossier(ws, cid).load().documents_of("D18")[0]
    with pytest.raises(CasefileError, match="E6"):
        step(ws, cid, at(62), lambda s: wf.reopen(s, "金额有误", "执法步骤", enforcement_step="E6"))
    step(ws, cid, at(62), lambda s: wf.reopen(s, "欠费明细多计一个月", "执法步骤", enforcement_step="E3",
                                              arrears=wf.parse_arrears(["基本养老,202501,3680.00,0"])))
    step(ws, cid, at(62), lambda s: wf.enforce_step(s, "E3"))
    case = Dossier(ws, cid).load()
    new = case.documents_of("D18")[0]
    assert new.corrects == old.doc_id
    assert _ctx(ws, cid, new.doc_id)["x"]["total_owed"] == "3,680.00"
    assert case.enforcement is not None and case.enforcement.decided_principal == Decimal("3680.00")


def test_a_reopened_version_is_one_case_in_counts_and_warnings(ws) -> None:  # type: ignore[no-untyped-def]
    from casefile import catalog
    from casefile.reports.risks import current_risks

    first = new_case(ws, at(0))
    second = new_case(ws, at(1))
    assert [w for w in current_risks(ws, at(2).date()) if w.rule == "REPEAT"]  # two cases of one applicant warn
    with Dossier(ws, second).transaction(ACTOR, at(1)) as tx:  # as `reopen` of an archived version records it
        tx.case.reopened_from = first
        tx.event("reopened", reason="归档后重新办理", **{"from": "ARCHIVED", "to": "TRIAGE"})
    catalog.rebuild(ws)
    repeat = [w for w in current_risks(ws, at(2).date()) if w.rule == "REPEAT"]
    assert repeat == []
    with catalog.connect(ws) as con, catalog.one_row_per_case(con):
        assert con.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 1
