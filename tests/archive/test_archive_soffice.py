"""With the real LibreOffice: the documents as converted, merged, stamped, bookmarked and checked."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from archive.helpers import ACTOR, ARCHIVED_AT, closed_joint_case
from casefile.archive import archive_case, check_archive
from casefile.store import Dossier

pytestmark = [pytest.mark.soffice, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _needs_soffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEFILE_SOFFICE", raising=False)
    from casefile.documents.pdf import find_soffice

    if find_soffice() is None:
        pytest.skip("未安装 LibreOffice（soffice），跳过真实转换的归档测试")


def test_archive_with_libreoffice(ws) -> None:  # type: ignore[no-untyped-def]
    import bagit
    from pypdf import PdfReader

    from archive.helpers import add_evidence, pdf_bytes

    cid = closed_joint_case(ws)
    add_evidence(ws, cid, "回访录音说明.txt", "回访时当事人表示无异议。".encode(), "text/plain", ARCHIVED_AT)
    add_evidence(ws, cid, "缴费记录.pdf", pdf_bytes("缴费记录 2026年"), "application/pdf", ARCHIVED_AT)
    res = archive_case(ws, cid, ARCHIVED_AT, ACTOR)
    d = Dossier(ws, cid)
    case = d.load()
    merged = d.path / res.merged_pdf
    reader = PdfReader(merged)
    parts = [x for x in case.documents if x.doc_type in ("D25", "D26", "D27")]
    doc_pages = sum(x.pages or 0 for x in case.documents)
    ev_pages = sum(len(PdfReader(d.path / str(e.archive_pdf or e.file)).pages) for e in case.evidence)
    assert len(reader.pages) == doc_pages + ev_pages == res.merged_pages
    assert res.pages == res.merged_pages - sum(x.pages or 0 for x in parts)
    text = "".join(p.extract_text() for p in reader.pages)
    for needle in ("案卷封面"[:2], "卷内文件目录", "争议事项受理登记表", "处理意见告知书", "送达回证", "卷内备考表",
                   "回访时当事人表示无异议", res.dang_hao):
        assert needle in text, needle
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles == ["案卷封面", "卷内文件目录", "正卷", "副卷", "卷内备考表"]
    if shutil.which("qpdf"):
        p = subprocess.run(["qpdf", "--check", str(merged)], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout
    bagit.Bag(str(d.path)).validate()
    assert check_archive(d.path).ok
    # PDF/A-2b: every font embedded, the document faces, an output intent and the pdfaid declaration
    from casefile.archive.pdfpack import unembedded_fonts
    from casefile.documents.fonts import pdf_font_names

    assert unembedded_fonts(reader) == []
    fonts = pdf_font_names(merged)
    assert any(f.startswith("FandolFang") for f in fonts), fonts
    assert not [f for f in fonts if f.startswith(("WenQuanYi", "DejaVu", "Helvetica"))], fonts
    # the rendered-document check: the merged file's faces, and each document's pages as archived
    from casefile.documents.rendercheck import ALLOWED_FACES, check_pdf

    evidence_faces = {f for e in case.evidence for f in pdf_font_names(d.path / str(e.archive_pdf or e.file))
                      if str(e.archive_pdf or e.file).endswith(".pdf")}
    # what the evidence itself is set in stays as received; everything casefile sets is in the document faces
    assert {f for f in fonts if not f.startswith(ALLOWED_FACES)} <= evidence_faces, fonts
    findings = [f for x in case.documents if x.pdf
                for f in check_pdf(d.path / x.pdf, doc_type=x.doc_type, variant="archived")]
    assert findings == [], "\n".join(map(str, findings))
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp


def test_catalogue_of_the_year_in_landscape(ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    from casefile.archive.handover import write_catalogue
    from casefile.errors import ArchiveProblem

    with pytest.raises(ArchiveProblem, match="没有已归档的案卷"):
        write_catalogue(ws, 2026, tmp_path, ARCHIVED_AT, pdf=False)
    cid = closed_joint_case(ws)
    res = archive_case(ws, cid, ARCHIVED_AT, ACTOR)
    rep = write_catalogue(ws, ARCHIVED_AT.year, tmp_path / "目录", ARCHIVED_AT)
    assert rep.count == 1 and rep.docx.endswith("归档文件目录_2026.docx")
    page = PdfReader(rep.pdf).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape: nine columns without breaking
    text = page.extract_text()
    assert res.dang_hao in text.replace(" ", "") and "归档文件目录" in text
