"""Arrangement (排列): the order of the documents and evidence in the file, 正卷 before 副卷.

Two conventions (docs/domain.md §8, configurable as ``[archive] order``):

- ``procedural``: everything shown to the parties in the order it happened (evidence by the time it
  was received), each 送达回证 right after the document it proves;
- ``result_first``: the result (处理意见告知书 / 征收决定书) first, then 受理登记表, 受理/不予受理告知书,
  the enforcement notices, the 调解协议书, the evidence, the 回访记录, and the rest.

The internal papers (意见征求与回复, 专案报批, 报送单, 转办单, 移交函, 会商通知与纪要, 罚款线索移送函)
form the 副卷, in time order, in both conventions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from casefile.documents.doctypes import DOC_TYPES, FU, ZHENG, types_where
from casefile.models.case import Case
from casefile.models.records import DocumentRecord, EvidenceRecord

FU_TYPES = types_where(volume=FU)
#: never filed as an item of the volume: the volume's own forms, the register, typical cases
ARCHIVE_TYPES = types_where(volume="")
#: result-first order: the groups before the evidence (``DocType.file_group``), then the evidence, then 回访
RESULT_FIRST = ("result", "register", "accept", "enforcement", "agreement")


@dataclass(frozen=True)
class Item:
    kind: str  # "document" | "evidence"
    ref: str  # doc_id / ev_id
    section: str  # 正卷 / 副卷


def _time(x: DocumentRecord | EvidenceRecord) -> datetime:
    return x.issued_at if isinstance(x, DocumentRecord) else x.received_at


def _group(d: DocumentRecord) -> str:
    spec = DOC_TYPES.get(d.doc_type)
    return spec.file_group if spec else ""


def arrange(case: Case, order: str = "procedural") -> list[Item]:
    docs = [d for d in case.documents if d.doc_type not in ARCHIVE_TYPES]
    ids = {d.doc_id for d in docs}
    # 送达回证 travel with the document they prove
    proofs: dict[str, list[DocumentRecord]] = {}
    attached: set[str] = set()
    for s in case.services:
        if s.proof_doc and s.doc_id in ids and s.proof_doc in ids and s.proof_doc not in attached:
            proof = case.document(s.proof_doc)
            if proof is not None:
                proofs.setdefault(s.doc_id, []).append(proof)
                attached.add(proof.doc_id)
    main = [d for d in docs if d.doc_id not in attached]
    zheng = [d for d in main if d.doc_type not in FU_TYPES]
    fu = [d for d in main if d.doc_type in FU_TYPES]
    position = {d.doc_id: i for i, d in enumerate(case.documents)}

    def chrono(items: list[DocumentRecord]) -> list[DocumentRecord]:
        return sorted(items, key=lambda d: (_time(d), position[d.doc_id]))

    def with_proofs(d: DocumentRecord, section: str) -> list[Item]:
        out = [Item("document", d.doc_id, section)]
        out += [Item("document", p.doc_id, section) for p in chrono(proofs.get(d.doc_id, []))]
        return out

    evidence = sorted(case.evidence, key=lambda e: (e.received_at, e.ev_id))
    items: list[Item] = []
    if order == "result_first":
        groups: list[list[DocumentRecord]] = [
            [d for d in zheng if _group(d) == group] for group in RESULT_FIRST
        ]
        placed = {d.doc_id for g in groups for d in g}
        for g in groups:
            for d in chrono(g):
                items += with_proofs(d, ZHENG)
        items += [Item("evidence", e.ev_id, ZHENG) for e in evidence]
        visits = [d for d in zheng if _group(d) == "visit"]
        for d in chrono(visits):
            items += with_proofs(d, ZHENG)
        placed |= {d.doc_id for d in visits}
        for d in chrono([d for d in zheng if d.doc_id not in placed]):
            items += with_proofs(d, ZHENG)
    else:
        timeline: list[DocumentRecord | EvidenceRecord] = [*zheng, *evidence]
        rank = {id(x): i for i, x in enumerate(timeline)}
        # at the same instant a document issued at intake precedes the evidence filed with it
        for x in sorted(timeline, key=lambda x: (_time(x), 0 if isinstance(x, DocumentRecord) else 1, rank[id(x)])):
            if isinstance(x, DocumentRecord):
                items += with_proofs(x, ZHENG)
            else:
                items.append(Item("evidence", x.ev_id, ZHENG))
    for d in chrono(fu):
        items += with_proofs(d, FU)
    return items
