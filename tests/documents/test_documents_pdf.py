"""PDF through LibreOffice: every template converts and keeps the case's values; failures are clean."""

from __future__ import annotations

import os
import re
import stat
import time
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from casefile.config import Workspace
from casefile.documents.context import build_context
from casefile.documents.engine import docx_text, find_template, load_template
from casefile.documents.pdf import SOFFICE_VAR, convert_many, convert_to_pdf, find_soffice, libreoffice_copy
from casefile.errors import ExternalToolError
from casefile.models.case import Case
from casefile.store import Dossier
from documents.docfixtures import (
    CASE_ID,
    NOW,
    TAG_RE,
    TEMPLATE_TYPES,
    WORKFLOW_EXTRA,
    busy_case,
    full_case,
    lookup,
    minimal_case,
    squash,
)

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


def _render(ws: Workspace, case: Case, doc_type: str, out: Path) -> dict[str, object]:
    ctx = build_context(ws, case, doc_type, now=NOW, actor="王晓梅", extra=WORKFLOW_EXTRA.get(doc_type)).data
    out.write_bytes(load_template(find_template(ws, doc_type)).render(ctx))
    return ctx


def _grid(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        found = re.search(r"<w:docGrid [^>]*>", z.read("word/document.xml").decode("utf-8"))
    assert found is not None
    return found.group(0)


def test_libreoffice_copy_only_resets_a_negative_character_grid(ws: Workspace, tmp_path: Path) -> None:
    made = tmp_path / "made.docx"
    _render(ws, full_case(), "D02", made)
    assert _grid(made) == '<w:docGrid w:type="lines" w:linePitch="579"/>'  # casefile's own: nothing to change
    assert not libreoffice_copy(made, tmp_path / "none.docx") and not (tmp_path / "none.docx").exists()
    src = tmp_path / "D02.docx"  # a .docx as Word stores 28 characters a line
    with zipfile.ZipFile(made) as zin, zipfile.ZipFile(src, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b'w:type="lines" w:linePitch="579"',
                                    b'w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"')
            zout.writestr(info, data)
    before = src.read_bytes()
    assert libreoffice_copy(src, tmp_path / "lo.docx")
    assert 'w:charSpace="0"' in _grid(tmp_path / "lo.docx") and 'w:linePitch="579"' in _grid(tmp_path / "lo.docx")
    assert src.read_bytes() == before
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(tmp_path / "lo.docx") as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist() if n != "word/document.xml")
    assert not libreoffice_copy(tmp_path / "lo.docx", tmp_path / "again.docx")  # nothing left to change
    (tmp_path / "a.docx").write_bytes(b"PK")  # not a package: soffice reports on it itself
    assert not libreoffice_copy(tmp_path / "a.docx", tmp_path / "b.docx")
    assert not (tmp_path / "again.docx").exists() and not (tmp_path / "b.docx").exists()


def _em_width(line: str) -> float:
    """Width of a printed line in em: a Chinese character or full-width mark is 1, a digit or letter ½."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in line if not c.isspace())


@pytest.mark.soffice
@needs_soffice
def test_body_text_is_set_28_characters_a_line(ws: Workspace, tmp_path: Path) -> None:
    # LibreOffice 7.4 given Word's charSpace="-849" sets 1 or 14 characters a line, given 0 it sets 27.
    case = full_case()
    case.claim = "反映人称该公司自2024年1月起按最低缴费基数为全体职工申报养老保险和失业保险，实际工资约为申报基数的两倍。" * 3
    src = tmp_path / "D02.docx"
    _render(ws, case, "D02", src)
    pdf = convert_to_pdf(src, tmp_path / "out", timeout=300)
    widths = [_em_width(line) for line in PdfReader(str(pdf)).pages[0].extract_text().splitlines()]
    full = [w for w in widths if w >= 26]
    assert len(full) >= 4, widths  # every full line of the body on page 1, not one stray line
    assert max(full) <= 28.5 and sorted(full)[len(full) // 2] >= 27.5, widths  # 28 characters a full line


#: the forms that must print on one page however full the case (docs/domain.md §7; GB/T 9705 for the cover)
ONE_PAGE = ["D16", "D17", "D18", "D19", "D20", "D21", "D22", "D25"]


@pytest.mark.soffice
@needs_soffice
def test_full_forms_stay_on_one_page_and_keep_values_whole(ws: Workspace, tmp_path: Path) -> None:
    case = busy_case()
    assert case.enforcement is not None and len(case.enforcement.arrears) == 8
    ctx = {t: _render(ws, case, t, tmp_path / f"{t}.docx") for t in ONE_PAGE}
    pdfs = convert_many([tmp_path / f"{t}.docx" for t in ONE_PAGE], tmp_path / "pdf", timeout=600)
    pages = {p.stem: len(PdfReader(str(p)).pages) for p in pdfs}
    assert pages == dict.fromkeys(ONE_PAGE, 1)
    lines = {p.stem: [squash(line) for line in PdfReader(str(p)).pages[0].extract_text().splitlines()] for p in pdfs}
    # A value broken over two lines of its cell comes out as two text lines.
    d17: Any = ctx["D17"]["x"]
    for row in d17["arrears"]:
        printed = squash("".join(row[k] for k in ("insurance_type", "period", "headcount", "base", "due", "paid",
                                                  "owed")))
        assert printed in lines["D17"], (printed, lines["D17"])
    d19: Any = ctx["D19"]["x"]
    assert len(d19["fee_lines"]) == 8
    for row in d19["fee_lines"]:
        for key in ("period", "principal", "due_date", "start", "end", "days", "rate", "fee"):
            assert any(squash(row[key]) in line for line in lines["D19"]), (key, row[key], lines["D19"])


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
    # handing the files out to a folder outside the dossier is journaled too
    assert [e.type for e in entries[-3:]] == ["document_issued", "document_pdf", "document_exported"]
    again = produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW, pdf=True)
    assert again.reprint and again.pdf == first.pdf
    assert len(dossier.journal()[0]) == len(entries)  # nothing new: the PDF is reused
