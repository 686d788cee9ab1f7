"""Builders for archive tests: closed cases made through the real workflow, evidence, a fake soffice."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
ACTOR = "王晓梅"
T0 = datetime.fromisoformat("2026-11-03T09:40:00+08:00")
ARCHIVED_AT = datetime.fromisoformat("2026-11-20T10:00:00+08:00")


def fake_soffice_script(folder: Path) -> Path:
    script = folder / "soffice"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nsys.path[:0] = [{str(SRC)!r}, {str(HERE)!r}]\n"
        "from fake_soffice import main\nsys.exit(main(sys.argv))\n", encoding="utf-8")
    script.chmod(0o755)
    return script


@dataclass
class Archived:
    ws: Any
    case_id: str
    bag: Path
    dang_hao: str


# -- building cases through the workflow -------------------------------------------------------------------
def pdf_bytes(*pages: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from casefile.archive.pdfpack import cjk_font

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, initialFontName=cjk_font(""))  # no unembedded Helvetica
    for text in pages:
        c.setFont(cjk_font(""), 14)
        c.drawString(72, 760, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 220, 240)).save(buf, "PNG")
    return buf.getvalue()


def add_evidence(ws: Any, cid: str, name: str, data: bytes, media_type: str, at: datetime) -> str:
    from casefile.models.records import EvidenceRecord
    from casefile.store import Dossier, sha256_bytes

    with Dossier(ws, cid).transaction(ACTOR, at) as tx:
        ev_id = f"EV{len(tx.case.evidence) + 1:03d}"
        rel = f"evidence/{ev_id}-{name}"
        tx.write_file(rel, data)
        tx.case.evidence.append(EvidenceRecord(
            ev_id=ev_id, original_name=name, file=rel, sha256=sha256_bytes(data), size=len(data), received_at=at,
            source="当事人提交", media_type=media_type, text_status="none"))
        tx.event("evidence_filed", ev_id=ev_id, file=rel)
    return ev_id


def new_case(ws: Any, at: datetime = T0, **changes: Any) -> str:
    from casefile import workflow as wf
    from factories import form

    return wf.register(ws, form("intake-unit", received_at=at.isoformat(), **changes), at, ACTOR).case_id


def step(ws: Any, cid: str, at: datetime, fn: Any) -> Any:
    from casefile import workflow as wf

    return wf.run(ws, cid, at, ACTOR, fn)


def closed_direct_case(ws: Any, *, evidence: bool = True, at: datetime = T0) -> str:
    """register → triage(低) → decide → notify → followup 满意 → CLOSED, with three pieces of evidence."""
    from casefile import workflow as wf

    cid = new_case(ws, at)
    if evidence:
        add_evidence(ws, cid, "工资条.pdf", pdf_bytes("工资条 2026年7月", "工资条 2026年8月"), "application/pdf", at)
        add_evidence(ws, cid, "劳动合同.png", png_bytes(), "image/png", at + timedelta(hours=1))
        add_evidence(ws, cid, "录音.mp3", b"ID3\x03fake audio", "audio/mpeg", at + timedelta(hours=2))
    step(ws, cid, at + timedelta(hours=3), lambda s: wf.triage(s, risk="低"))
    step(ws, cid, at + timedelta(days=1), lambda s: wf.decide(s, text="责令限期补缴", basis=["社会保险法第六十三条"]))
    step(ws, cid, at + timedelta(days=2), lambda s: wf.notify(s))
    step(ws, cid, at + timedelta(days=5), lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    step(ws, cid, at + timedelta(days=5), lambda s: wf.followup(s, method="电话", respondent="赵志刚", satisfaction="满意", party="对方当事人"))
    return cid


def closed_joint_case(ws: Any, *, lapse: str | None = None, at: datetime = T0) -> str:
    """triage(中) → opinions from every co-handler (or a recorded lapse) → decide → notify → followup."""
    from casefile import workflow as wf
    from casefile.store import Dossier

    cid = new_case(ws, at)
    step(ws, cid, at + timedelta(hours=3), lambda s: wf.triage(s, risk="中"))
    for dept in Dossier(ws, cid).load().co_depts:
        if dept == lapse:
            step(ws, cid, at + timedelta(days=12), lambda s, d=dept: wf.record_opinion(s, d, None, lapsed=True))
        else:
            step(ws, cid, at + timedelta(days=2), lambda s, d=dept: wf.record_opinion(s, d, "同意", facts="情况属实"))
    step(ws, cid, at + timedelta(days=13), lambda s: wf.decide(s, text="责令限期补缴", basis=["社会保险法第六十三条"]))
    step(ws, cid, at + timedelta(days=14), lambda s: wf.notify(s))
    step(ws, cid, at + timedelta(days=16), lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    step(ws, cid, at + timedelta(days=16), lambda s: wf.followup(s, method="电话", respondent="赵志刚", satisfaction="满意", party="对方当事人"))
    return cid


@contextmanager
def writable(*paths: Path) -> Iterator[None]:
    """Lift the read-only bits for a deliberate change, and put them back (so only the change shows)."""
    modes = {p: stat.S_IMODE(os.lstat(p).st_mode) for p in paths}
    for p in paths:
        os.chmod(p, modes[p] | 0o200)
    try:
        yield
    finally:
        for p, m in modes.items():
            if p.exists():
                os.chmod(p, m)
