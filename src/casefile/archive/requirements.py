"""Which documents a closed case must hold, derived from the path it actually took (its journal).

Every transition and enforcement step the journal records asks for the documents that step
produces (docs/domain.md §1, §3): T3 → D01 + D02, T6 → D04 per co-handling department and its
D05 reply (or the recorded lapse), T17 → D12 + a D22 per party, E2 → D17 + D19 + D22, … A document
the journal names by id must be that document; otherwise any unclaimed document of the type counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from casefile.documents.doctypes import (
    DOC_TYPES,
    EXTENSION_NOTICE,
    MEETING_NOTICE,
    MINUTES,
    OPINION_NOTICE,
    OPINION_REPLY,
    OPINION_REQUEST,
    SERVICE_PROOF,
    TRANSFER_FORM,
    VISIT_RECORD,
    produced_by,
)
from casefile.models.case import Case
from casefile.models.records import DocumentRecord
from casefile.store import JournalEntry

#: T5 (one 转办单 when the lead is another department), T6 (a letter and a reply per co-handling department)
#: and T17 (a 送达回证 per party) ask for their documents in their own way below; every other step asks for
#: what the registry says it produces (``doctypes.produced_by``)
#: the payload key by which a transition's journal line names its document, where it has one
NAMED_BY = {"T13": "agreement", "T16": "minutes"}


def _title(doc_type: str) -> str:
    spec = DOC_TYPES.get(doc_type)
    return spec.listed_title if spec else doc_type


@dataclass
class Requirement:
    step: str  # T3 / E2 / 延期 …
    doc_type: str
    detail: str = ""  # department, recipient …
    wanted: str | None = None  # the doc_id the record names
    satisfied_by: str | None = None
    lapse: bool = False  # a co-handler's reply that lapsed (recorded, no document)

    @property
    def label(self) -> str:
        title = _title(self.doc_type)
        extra = f"，{self.detail}" if self.detail else ""
        return f"{self.step}：{title}（{self.doc_type}{extra}）"

    @property
    def ok(self) -> bool:
        return self.lapse or self.satisfied_by is not None


@dataclass
class Completeness:
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def missing(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.missing


def flat_events(entries: Iterable[JournalEntry]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each event of each journal line (a line may carry several: first in the line, rest in ``events``)."""
    for e in entries:
        head = {k: v for k, v in e.payload.items() if k != "events"}
        yield e.type, head
        for ev in e.payload.get("events") or []:
            if isinstance(ev, dict):
                yield str(ev.get("type", "")), ev


def required_documents(case: Case, entries: Iterable[JournalEntry],
                       dept_name: Callable[[str], str] = str) -> Completeness:
    """Every document the case's path asks for, each resolved to the document that satisfies it."""
    reqs: list[Requirement] = []

    def need(step: str, doc_type: str, detail: str = "", wanted: str | None = None) -> Requirement:
        r = Requirement(step, doc_type, detail, wanted)
        reqs.append(r)
        return r

    def served(step: str, doc_id: str | None, doc_type: str) -> None:
        """The 送达回证 of every service of ``doc_id`` (at least one)."""
        services = [s for s in case.services if doc_id and s.doc_id == doc_id]
        if not services:
            need(step, SERVICE_PROOF, f"{_title(doc_type)}的送达")
        for s in services:
            if s.proof_doc or s.method != "当场交付":
                need(step, SERVICE_PROOF, f"受送达人{s.recipient}", s.proof_doc)

    def docs_in(payload: dict[str, Any]) -> list[str]:
        return [str(d) for d in payload.get("documents") or [] if isinstance(d, str)]

    def pick(payload: dict[str, Any], doc_type: str) -> str | None:
        for d in docs_in(payload):
            doc = case.document(d)
            # a document the journal names but the record lost still counts as named (and missing)
            if (doc.doc_type if doc is not None else _type_of_id(d)) == doc_type:
                return d
        return None

    for etype, p in flat_events(entries):
        code = str(p.get("transition", ""))
        if etype == "transition" or code:
            if code == "T5":
                lead = p.get("lead")
                if lead and lead != case.intake_dept:
                    need("T5", TRANSFER_FORM, f"转{dept_name(str(lead))}", pick(p, TRANSFER_FORM))
            elif code == "T6":
                for dept in p.get("co") or case.co_depts:
                    op = next((o for o in case.opinions if o.dept == dept), None)
                    need("T6", OPINION_REQUEST, f"致{dept_name(dept)}", op.request_doc if op else None)
                    r = need("T6", OPINION_REPLY, f"{dept_name(dept)}回复", op.doc_id if op else None)
                    r.lapse = bool(op and op.lapsed)
            elif code == "T17":
                notice = str(p.get("notice") or pick(p, OPINION_NOTICE) or "") or None
                need("T17", OPINION_NOTICE, wanted=notice)
                parties = [case.applicant.name] + ([case.counterparty.name] if case.counterparty else [])
                notice_id = notice or _first(case, OPINION_NOTICE)
                for name in parties:
                    svc = next((s for s in case.services if s.doc_id == notice_id and s.recipient == name), None)
                    need("T17", SERVICE_PROOF, f"受送达人{name}", svc.proof_doc if svc else None)
            else:
                for doc_type in produced_by(code):
                    key = NAMED_BY.get(code)
                    r = need(code, doc_type, wanted=(p.get(key) if key else None) or pick(p, doc_type))
                    if DOC_TYPES[doc_type].needs_proof:
                        served(code, r.wanted or _first(case, doc_type), doc_type)
        elif etype == "meeting_scheduled":
            need("会商通知", MEETING_NOTICE, wanted=p.get("doc"))
        elif etype == "meeting_held":
            need("会商纪要", MINUTES, wanted=p.get("minutes"))
        elif etype == "extended":
            ext = next((x for x in case.extensions if x.step == p.get("step") and x.days == p.get("days")), None)
            need("延期", EXTENSION_NOTICE, str(p.get("step", "")), ext.doc_id if ext else None)
        elif etype == "enforcement":
            step = str(p.get("step", ""))
            for doc_type in produced_by(step):
                r = need(step, doc_type, wanted=pick(p, doc_type))
                if DOC_TYPES[doc_type].needs_proof:
                    served(step, r.wanted, doc_type)
    # every follow-up record names its 回访记录表
    for fu in case.followups:
        if fu.doc_id and not any(r.wanted == fu.doc_id for r in reqs):
            need("回访", VISIT_RECORD, wanted=fu.doc_id)
    _resolve(case, reqs)
    return Completeness(reqs)


def _type_of_id(doc_id: str) -> str | None:
    m = re.search(r"-(D\d{2})-\d+$", doc_id)
    return m.group(1) if m else None


def _first(case: Case, doc_type: str) -> str | None:
    docs = [d for d in case.documents if d.doc_type == doc_type]
    return docs[0].doc_id if docs else None


def _current(case: Case, doc: DocumentRecord) -> DocumentRecord:
    """Follow corrections to the document in force (a corrected original still counts as held)."""
    seen = {doc.doc_id}
    while doc.superseded_by:
        nxt = case.document(doc.superseded_by)
        if nxt is None or nxt.doc_id in seen:
            break
        seen.add(nxt.doc_id)
        doc = nxt
    return doc


def _resolve(case: Case, reqs: list[Requirement]) -> None:
    used: set[str] = set()
    # named documents first, so an unnamed requirement never takes a document another one names
    for r in reqs:
        if r.wanted:
            doc = case.document(r.wanted)
            if doc is not None and doc.doc_type == r.doc_type:
                r.satisfied_by = _current(case, doc).doc_id
                used.add(doc.doc_id)
    for r in reqs:
        if r.satisfied_by or r.lapse or r.wanted:
            continue
        doc = next((d for d in case.documents if d.doc_type == r.doc_type and d.doc_id not in used
                    and d.superseded_by is None), None)
        if doc is not None:
            r.satisfied_by = doc.doc_id
            used.add(doc.doc_id)
