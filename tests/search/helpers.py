"""Helpers for search and library tests: cases written straight into a temp workspace."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")


def write_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None, merge: bool = False) -> None:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
        if merge:
            a = t.cell(0, 0).merge(t.cell(0, len(table[0]) - 1))
            a.text = table[0][0]
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))


def make_case(ws: Any, seq: int, *, claim: str = "反映单位未足额缴纳社会保险费。", categories: tuple[str, ...] = ("C09",),
              applicant: dict[str, Any] | None = None, counterparty: dict[str, Any] | None = None,
              risk: str | None = None, lead: str | None = None, place: str = "偏关县新关镇", year: int = 2026,
              decision: str | None = None, basis: tuple[str, ...] = (), docs: list[tuple[str, list[str]]] | None = None,
              evidence: str | None = None, channel: str = "窗口来访", first_handler: str = "王晓梅") -> Any:
    """A case written to disk as its record would look after registration (no workflow, no templates)."""
    from casefile.models.case import Case
    from casefile.models.enums import Category, Channel, PayerGroup, Risk, State
    from casefile.models.party import Party
    from casefile.models.records import Decision, DocumentRecord, EvidenceRecord, Jurisdiction
    from casefile.store import Dossier, sha256_file

    received = NOW.replace(year=year)
    app = applicant or {"kind": "person", "name": "李建国", "id_number": "140932198512310043",
                        "mobile": "13834561234", "address": "偏关县新关镇东大街12号"}
    case = Case(
        id=f"SBZY-140932-{year}-{seq:04d}", number=f"偏税社争〔{year}〕{seq}号", year=year, seq=seq,
        profile="pianguan", state=State.TRIAGE, channel=Channel(channel), received_at=received,
        first_handler=first_handler, intake_dept="SW", coordinator_dept="SW", lead_dept=lead,
        jurisdiction=Jurisdiction(name=place, code="140932"), applicant=Party(**app),
        counterparty=Party(**counterparty) if counterparty else None, payer_group=PayerGroup.PERSON,
        categories=[Category.parse(c) for c in categories], claim=claim,
        risk=Risk(risk) if risk else None,
        decision=Decision(text=decision, basis=list(basis), decided_at=received) if decision else None,
    )
    dossier = Dossier.create(ws, case, "测试员", NOW, "created", {"to": "TRIAGE"})
    if docs or evidence:
        with dossier.transaction("测试员", NOW) as tx:
            for i, (title, paragraphs) in enumerate(docs or [], 1):
                rel = f"documents/D12-{i}.docx"
                path = dossier.path / rel
                write_docx(path, paragraphs)
                tx.case.documents.append(DocumentRecord(
                    doc_id=f"D12-{i}", doc_type="D12", title=title, wenhao=f"偏税社告〔{year}〕{i}号", year=year,
                    file=rel, sha256=sha256_file(path), template_sha256="0" * 64, data_file=f"documents/D12-{i}.json",
                    issued_at=received, issued_by="王晓梅"))
            if evidence:
                rel = "evidence/E1.txt"
                (dossier.path / "evidence").mkdir(exist_ok=True)
                (dossier.path / rel).write_text(evidence, encoding="utf-8")
                tx.case.evidence.append(EvidenceRecord(
                    ev_id="E1", original_name="工资条.pdf", file="evidence/E1.pdf", sha256="0" * 64, size=1,
                    received_at=received, source="inbox", text_status="ocr", text_file=rel, text_chars=len(evidence)))
            tx.event("document_issued" if docs else "evidence_filed")
    return dossier.load()


def with_engine(ws: Any, engine: str) -> Any:
    from casefile.config import find_workspace

    cfg = ws.root / "casefile.toml"
    text = cfg.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^engine = "\w+"', f'engine = "{engine}"', text)
    cfg.write_text(text, encoding="utf-8")
    return find_workspace(ws.root)
