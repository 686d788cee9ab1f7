"""Required documents follow the path a case took (its journal), and the arrangement of the file."""

from __future__ import annotations

from typing import Any

from archive.helpers import closed_direct_case, closed_joint_case
from casefile.archive.arrange import FU, ZHENG, arrange
from casefile.archive.requirements import required_documents
from casefile.store import Dossier


def _req(ws: Any, cid: str) -> Any:
    d = Dossier(ws, cid)
    entries, _ = d.journal()
    return required_documents(d.load(), entries, ws.settings.dept_name)


def test_direct_case_path_requires_its_documents(ws) -> None:  # type: ignore[no-untyped-def]
    cid = closed_direct_case(ws, evidence=False)
    comp = _req(ws, cid)
    assert comp.ok, [r.label for r in comp.missing]
    got = sorted((r.step, r.doc_type) for r in comp.requirements)
    assert got == sorted([("T3", "D01"), ("T3", "D02"), ("T17", "D12"), ("T17", "D22"), ("T17", "D22"),
                          ("T19", "D14"), ("回访", "D14")])  # both parties are followed up
    case = Dossier(ws, cid).load()
    # every requirement names a different document of the right type
    ids = [r.satisfied_by for r in comp.requirements]
    assert len(set(ids)) == len(ids)
    assert all(case.document(i).doc_type == r.doc_type for i, r in zip(ids, comp.requirements, strict=True))  # type: ignore[union-attr]


def test_a_missing_document_is_named(ws) -> None:  # type: ignore[no-untyped-def]
    cid = closed_direct_case(ws, evidence=False)
    d = Dossier(ws, cid)
    case = d.load()
    case.documents = [x for x in case.documents if x.doc_type != "D14"]
    entries, _ = d.journal()
    comp = required_documents(case, entries)
    # one 回访记录表 per party followed up: the first closes T19, the second is its own requirement
    assert [(r.step, r.doc_type) for r in comp.missing] == [("T19", "D14"), ("回访", "D14")]
    assert "回访记录表" in comp.missing[0].label


def test_joint_case_needs_a_reply_or_a_recorded_lapse_per_co_handler(ws) -> None:  # type: ignore[no-untyped-def]
    cid = closed_joint_case(ws, lapse="RSJ")
    comp = _req(ws, cid)
    assert comp.ok, [r.label for r in comp.missing]
    case = Dossier(ws, cid).load()
    d04 = [r for r in comp.requirements if r.doc_type == "D04"]
    d05 = [r for r in comp.requirements if r.doc_type == "D05"]
    assert len(d04) == len(d05) == len(case.co_depts) >= 2
    lapsed = [r for r in d05 if r.lapse]
    assert len(lapsed) == 1 and "人社" in lapsed[0].detail
    # without the lapse record the reply is missing, named by department
    for op in case.opinions:
        op.lapsed = False
    entries, _ = Dossier(ws, cid).journal()
    comp = required_documents(case, entries, ws.settings.dept_name)
    assert [r.doc_type for r in comp.missing] == ["D05"]
    assert "人社" in comp.missing[0].label


def test_arrangement_procedural_and_result_first(ws) -> None:  # type: ignore[no-untyped-def]
    cid = closed_joint_case(ws)
    case = Dossier(ws, cid).load()
    types = {d.doc_id: d.doc_type for d in case.documents}
    proc = [(i.section, types[i.ref]) for i in arrange(case, "procedural")]
    assert [t for s, t in proc if s == ZHENG] == ["D01", "D02", "D12", "D22", "D22", "D14", "D14"]
    assert {t for s, t in proc if s == FU} == {"D04", "D05"}
    assert proc.index((FU, "D04")) > proc.index((ZHENG, "D14"))  # 副卷 after 正卷
    first = [types[i.ref] for i in arrange(case, "result_first") if i.section == ZHENG]
    assert first == ["D12", "D22", "D22", "D01", "D02", "D14", "D14"]
    assert len(arrange(case)) == len([d for d in case.documents])
