"""What both walkthroughs share: running steps as an officer would, and checking that nothing a person reads
is in English (commands and options typed at the prompt, case ids, 文号 and document/step codes aside)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casefile import workflow as wf
from casefile.models.case import Case
from casefile.store import Dossier

OFFICER = "王晓梅"
TZ = "+08:00"

_CODES = re.compile(r"\b[0-9A-Z]{18}\b|--[a-z][a-z-]*|[A-Z]{2,6}(?:-\d+)+|\b[DTE]\d{1,2}\b|\bE_[A-Z]+\b|\b[A-Z]{1,4}\d[\dA-Z-]*|\b[A-Z]{2,5}\b")
COMMAND_WORDS = {"Ctrl", "hotline", "report", "back", "urge", "escalate", "flag","new", "triage", "redirect", "refer", "send", "reply", "refuse", "opinion", "meeting", "schedule",
                 "record", "item", "done", "mediate", "start", "agree", "fail", "decide", "notify", "followup",
                 "remedy", "enforce", "step", "paid", "extend", "close", "reopen", "obligation", "waive", "doc",
                 "casefile", "show", "due", "archive", "evidence", "add"}


def english_words(text: str) -> list[str]:
    text = re.sub(r"\S*/\S*", " ", text)  # file paths the CLI prints beside a document
    words = re.findall(r"[A-Za-z]{2,}", _CODES.sub(" ", text))
    return [w for w in words if w not in COMMAND_WORDS]


def at(text: str) -> datetime:
    """``"10-09 09:30"`` or ``"2027-01-04 09:30"`` in 2026 unless a year is given, local time."""
    full = text if text[:4].isdigit() and text[4] == "-" else f"2026-{text}"
    return datetime.fromisoformat(full.replace(" ", "T") + TZ)


class Officer:
    """Runs workflow steps on one workspace and keeps every message it was shown."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.messages: list[str] = []

    def register(self, data: dict[str, Any], when: str) -> str:
        now = at(when)
        data = {**data, "received_at": now.isoformat()}
        res = wf.register(self.ws, data, now, OFFICER)
        self.messages.append(res.message)
        return res.case_id

    def do(self, cid: str, when: str, action: Callable[[wf.Step], str]) -> wf.ActionResult:
        res = wf.run(self.ws, cid, at(when), OFFICER, action)
        self.messages.append(res.message)
        return res

    def case(self, cid: str) -> Case:
        return Dossier(self.ws, cid).load()

    def docs(self, cid: str) -> list[str]:
        """Codes of the documents in force (corrected ones left out), in order of issue."""
        return [d.doc_type for d in self.case(cid).documents if d.superseded_by is None]

    def due(self, cid: str, step: str) -> date:
        d = self.case(cid).deadline(step)
        assert d is not None, step
        return d.due

    def document_text(self, cid: str) -> dict[str, str]:
        import docx

        dossier = Dossier(self.ws, cid)
        out = {}
        for d in dossier.load().documents:
            doc = docx.Document(io.BytesIO(Path(dossier.path / d.file).read_bytes()))
            parts = [p.text for p in doc.paragraphs]
            parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
            out[d.doc_id] = "\n".join(parts)
        return out

    def assert_no_english(self, cid: str) -> None:
        for doc_id, text in self.document_text(cid).items():
            assert english_words(text) == [], (doc_id, english_words(text))
        for m in self.messages:
            assert english_words(m) == [], (m, english_words(m))
