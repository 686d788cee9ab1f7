"""OCR: rendered pages, garbage text layers, transparent and rotated images, the corpus ground truth."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pytest

from casefile.config import Workspace
from casefile.evidence import ocr
from casefile.evidence.codes import Outcome, TextStatus
from casefile.evidence.extract import _render_scale
from casefile.evidence.pipeline import Ingest
from evidence.evfixtures import (
    NOW,
    image_bytes,
    load_case,
    rasterise,
    read_text,
    scan_like,
    text_image,
    text_pdf,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
needs_ocr = pytest.mark.skipif(not ocr.available(), reason=f"OCR 不可用：{ocr.unavailable_reason()}")
pytestmark = [pytest.mark.ocr]


def cer(ref: str, hyp: str) -> float:
    """Character error rate after NFKC and without whitespace (the corpus README's definition)."""
    r = "".join(unicodedata.normalize("NFKC", ref).split())
    h = "".join(unicodedata.normalize("NFKC", hyp).split())
    row = list(range(len(h) + 1))
    for i, a in enumerate(r, 1):
        prev, row[0] = row[0], i
        for j, b in enumerate(h, 1):
            cur = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a != b))
            prev = cur
    return row[len(h)] / max(1, len(r))


def test_render_scale_respects_the_pixel_cap() -> None:
    assert _render_scale(595, 842, 300, 120_000_000) == pytest.approx(300 / 72)
    capped = _render_scale(2160, 2160, 300, 20_000_000)
    assert capped is not None and (2160 * capped) ** 2 <= 20_000_000 * 1.0001
    assert _render_scale(14_400, 14_400, 300, 120_000_000) is None  # even 72 dpi would exceed the cap


def test_huge_page_is_not_rendered(ews: Workspace, case_id: str, ingest: Ingest) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(14_400, 14_400))  # 200 × 200 inches: 60,000² pixels at 300 dpi
    c.rect(100, 100, 500, 500, fill=1)
    c.showPage()
    c.save()
    target = ews.inbox_dir / case_id / "巨幅.pdf"
    target.parent.mkdir()
    target.write_bytes(buf.getvalue())
    res = ingest.inbox_file(target)
    assert res.outcome is Outcome.FILED and res.text_status is TextStatus.EMPTY and res.seconds < 30
    assert "页面尺寸过大" in (load_case(ews, case_id).evidence[0].note or "")


@needs_ocr
def test_photo_variants_black_white_transparent_and_rotated() -> None:
    from PIL import Image, ImageOps

    text = "我是中国人"
    black = text_image(text)
    assert cer(text, ocr.ocr_photo(black).text) <= 0.2
    # white text on a transparent background: invisible when flattened on white
    mask = ImageOps.invert(black.convert("L"))
    white = Image.new("RGBA", black.size, (255, 255, 255, 0))
    white.putalpha(mask)
    res = ocr.ocr_photo(white)
    assert cer(text, res.text) <= 0.2 and res.variant.startswith("alpha-inverted")
    # light text on a dark blue sign: the best colour channel, not plain grey
    sign = Image.new("RGB", black.size, (20, 30, 140))
    sign.paste((200, 200, 200), mask=mask)
    assert cer(text, ocr.ocr_photo(sign).text) <= 0.4


@needs_ocr
def test_scanned_pages_and_garbage_text_layers_are_ocrd(ews: Workspace, case_id: str, ingest: Ingest) -> None:
    from PIL import Image

    from evidence.evfixtures import fast_settings

    ews = fast_settings(ews, ocr_dpi=200, max_ocr_pages=3)
    ingest = Ingest(ews, "测试员", lambda: NOW, pool=ingest.pool)
    folder = ews.inbox_dir / case_id
    folder.mkdir()
    phrase = "社会保险费征缴争议"
    scan = scan_like(rasterise(text_pdf(1, phrase), 200), rotate=0.6, noise=6)
    (folder / "扫描件.pdf").write_bytes(scan)
    (folder / "乱码文字层.pdf").write_bytes(_garbage_layer_pdf(phrase))
    img = text_image("工资条", size=(700, 220), font_px=90).rotate(180)
    exif = Image.Exif()
    exif[0x0112] = 3
    (folder / "倒置照片.jpg").write_bytes(image_bytes(img, "JPEG", exif=exif, quality=92))
    for name in ("扫描件.pdf", "乱码文字层.pdf", "倒置照片.jpg"):
        res = ingest.inbox_file(folder / name)
        assert res.text_status is TextStatus.OCR, (name, res.message)
    texts = {e.original_name: read_text(ews, case_id, e.ev_id) for e in load_case(ews, case_id).evidence}
    assert phrase in texts["扫描件.pdf"].replace(" ", "")
    assert cer(phrase, texts["乱码文字层.pdf"]) <= 0.2 and "뫚" not in texts["乱码文字层.pdf"]
    assert cer("工资条", texts["倒置照片.jpg"]) <= 0.34
    notes = {e.original_name: e.note or "" for e in load_case(ews, case_id).evidence}
    assert "错误文种" in notes["乱码文字层.pdf"]


def _garbage_layer_pdf(phrase: str) -> bytes:
    """Visible Chinese (an image of the text), plus an invisible text layer of Hangul garbage —
    what a broken GBKp CMap gives pypdf."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "HYSMyeongJo-Medium" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))
    img = text_image(phrase, size=(1400, 200), font_px=110)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(img), 60, 600, width=480, height=70)
    t = c.beginText(60, 600)
    t.setTextRenderMode(3)
    t.setFont("HYSMyeongJo-Medium", 20)
    t.textLine("컒쏇뚼쫇뫚쳥ퟖ컒쏇뚼")
    c.drawText(t)
    c.showPage()
    c.save()
    return buf.getvalue()


@needs_ocr
@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus 不存在（只在带共享语料的检出中运行）")
def test_corpus_images_with_ground_truth_cer() -> None:
    from PIL import Image, ImageOps

    rows = [r for r in csv.DictReader((CORPUS / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t")
            if r["path"].startswith("images/") and r["password_or_ground_truth"].startswith("ground_truth=")]
    assert len(rows) == 5
    rates = {}
    for r in rows:
        truth = r["password_or_ground_truth"][len("ground_truth="):].rsplit(" (", 1)[0]
        with Image.open(CORPUS / r["path"]) as raw:
            img = ImageOps.exif_transpose(raw)
            rates[r["path"]] = cer(truth, ocr.ocr_photo(img).text)
    average = sum(rates.values()) / len(rates)
    assert average <= 0.10, rates
