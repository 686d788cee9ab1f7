"""PDF through LibreOffice: every template converts and keeps the case's values; failures are clean."""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from docfixtures import (
    CASE_ID,
    NOW,
    TAG_RE,
    TEMPLATE_TYPES,
    WORKFLOW_EXTRA,
    full_case,
    lookup,
    minimal_case,
    squash,
)
from pypdf import PdfReader

from casefile.config import Workspace
from casefile.documents.context import build_context
from casefile.documents.engine import docx_text, find_template, load_template
from casefile.documents.pdf import SOFFICE_VAR, convert_many, convert_to_pdf, find_soffice
from casefile.errors import ExternalToolError
from casefile.models.case import Case
from casefile.store import Dossier

needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")


@pytest.mark.soffice
@pytest.mark.slow
@needs_soffice
def test_every_template_converts_with_its_values(ws: Workspace, tmp_path: Path) -> None:
    files, expected = [], {}
    for t in TEMPLATE_TYPES:
        ctx = build_context(ws, full_case(), t, now=NOW, actor="王晓梅", extra=WORKFLOW_EXTRA.get(t)).data
        path = tmp_path / f"{t}.docx"
        path.write_bytes(load_template(find_template(ws, t)).render(ctx))
        files.append(path)
        source = docx_text(find_template(ws, t).read_bytes())
        printed = {lookup(ctx, path) for path in TAG_RE.findall(source)}
        expected[t] = sorted(v for v in printed if isinstance(v, str) and len(squash(v)) >= 4)
    pdfs = convert_many(files, tmp_path / "pdf", timeout=600)
    assert [p.stem for p in pdfs] == TEMPLATE_TYPES
    for t, pdf in zip(TEMPLATE_TYPES, pdfs, strict=True):
        # Text runs on across pages; drop the page numbers (— 1 —) printed between them.
        text = re.sub(r"—\d+—", "", squash("".join(page.extract_text() for page in PdfReader(str(pdf)).pages)))
        missing = [v for v in expected[t] if squash(v) not in text]
        assert expected[t] and not missing, f"{t}: {missing} not in the PDF text"
        assert "{{" not in text


@pytest.mark.soffice
@needs_soffice
def test_single_conversion(ws: Workspace, tmp_path: Path) -> None:
    ctx = build_context(ws, full_case(), "D17", now=NOW).data
    src = tmp_path / "D17.docx"
    src.write_bytes(load_template(find_template(ws, "D17")).render(ctx))
    pdf = convert_to_pdf(src, tmp_path / "out", timeout=300)
    text = squash(PdfReader(str(pdf)).pages[0].extract_text())
    assert "山西晋北建材有限公司" in text and "叁万贰仟叁佰肆拾伍元陆角柒分" in text
    assert not list((tmp_path / "out").glob(".*"))  # nothing half-written left beside it


def test_missing_soffice_is_a_clean_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SOFFICE_VAR, str(tmp_path / "no-such-soffice"))
    src = tmp_path / "a.docx"
    src.write_bytes(b"PK")
    with pytest.raises(ExternalToolError, match="未找到 LibreOffice"):
        convert_to_pdf(src, tmp_path, timeout=5)


def _alive(pid: int) -> bool:
    """Running (a zombie of someone else's counts as gone: it is not ours to reap)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    state, ppid = fields[0], int(fields[1])
    return not (state == "Z" and ppid != os.getpid())


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_timeout_kills_the_whole_process_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids = tmp_path / "pids"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\necho $$ > {pids}\nsleep 60 &\necho $! >> {pids}\nwait\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv(SOFFICE_VAR, str(fake))
    src = tmp_path / "a.docx"
    src.write_bytes(b"PK")
    started = time.monotonic()
    with pytest.raises(ExternalToolError, match="超过1秒未完成"):
        convert_to_pdf(src, tmp_path / "out", timeout=1)
    assert time.monotonic() - started < 10
    shell, sleeper = (int(p) for p in pids.read_text().split())
    deadline = time.monotonic() + 5
    while (_alive(shell) or _alive(sleeper)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(shell) and not _alive(sleeper)
    assert not (tmp_path / "out" / "a.pdf").exists()


def test_tool_that_produces_nothing_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv(SOFFICE_VAR, str(fake))
    src = tmp_path / "a.docx"
    src.write_bytes(b"PK")
    with pytest.raises(ExternalToolError, match="could not be loaded"):
        convert_to_pdf(src, tmp_path / "out", timeout=10)


@pytest.mark.soffice
@needs_soffice
def test_issued_document_gets_its_pdf_once(ws: Workspace, store_case: Callable[[Case], Dossier],
                                           tmp_path: Path) -> None:
    from casefile.documents.issue import produce_document

    dossier = store_case(minimal_case("D12"))
    first = produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW, pdf=True, out_dir=tmp_path / "out")
    assert first.pdf is not None and first.pdf.is_file()
    record = dossier.load().document(first.record.doc_id)
    assert record is not None and record.pdf == first.record.file.replace(".docx", ".pdf")
    assert {p.name for p in (tmp_path / "out").iterdir()} == {first.docx.name, first.pdf.name}
    assert "张三" in squash(PdfReader(str(first.pdf)).pages[0].extract_text())
    entries, _ = dossier.journal()
    assert [e.type for e in entries[-2:]] == ["document_issued", "document_pdf"]
    again = produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW, pdf=True)
    assert again.reprint and again.pdf == first.pdf
    assert len(dossier.journal()[0]) == len(entries)  # nothing new: the PDF is reused
