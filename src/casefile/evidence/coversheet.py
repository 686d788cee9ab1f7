"""Cover sheets: a printed first page whose QR code says which case (and evidence slot) the scan
behind it belongs to.

The QR payload is ASCII only (``casefile:ev?case=…&slot=…`` with the slot percent-encoded), so no
reader has to guess a character set. Only payloads with that prefix count: invoices and forms
carry QR codes of their own, and their first page must never be mistaken for a cover.

:func:`decode_cover` runs in the isolated worker and imports only zxing-cpp and Pillow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

if TYPE_CHECKING:
    from casefile.config import Workspace

SCHEME = "casefile"
PREFIX = f"{SCHEME}:ev?"
_LOOSE_CASE_ID = re.compile(r"^[A-Z]{2,8}-\d{6}-\d{4}-\d{4,6}$")
MAX_SLOT_CHARS = 40
CJK_FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


@dataclass(frozen=True)
class Cover:
    case_id: str
    slot: str | None = None


def payload(case_id: str, slot: str | None = None) -> str:
    text = f"{PREFIX}case={case_id}"
    if slot:
        text += f"&slot={quote(slot, safe='')}"
    return text


def parse_payload(text: str) -> Cover | None:
    if not text.startswith(PREFIX):
        return None
    query = parse_qs(urlsplit(text).query, keep_blank_values=False)
    case = (query.get("case") or [""])[0].strip().upper()
    if not _LOOSE_CASE_ID.match(case):
        return None
    slots = query.get("slot")
    slot = clean_slot(slots[0]) if slots else ""
    return Cover(case, slot or None)


def clean_slot(slot: str) -> str:
    """An evidence slot name (证据名称) as a single, printable, bounded line."""
    import unicodedata

    text = unicodedata.normalize("NFKC", slot)
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    return text[:MAX_SLOT_CHARS]


def decode_cover(image: Any, *, thorough: bool = True) -> Cover | None:
    """The first casefile QR code in a rendered page, if any (rotation and noise tolerated)."""
    return scan_cover(image, thorough=thorough)[0]


def scan_cover(image: Any, *, thorough: bool = True) -> tuple[Cover | None, bool]:
    """(our cover, whether any QR symbol was seen at all, even an undecodable one)."""
    import zxingcpp
    from PIL import ImageOps

    seen = False
    attempts = [image]
    if thorough:
        attempts.append(ImageOps.autocontrast(image.convert("L"), cutoff=2))
    for candidate in attempts:
        for result in zxingcpp.read_barcodes(candidate, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
                                             return_errors=True):
            seen = True
            if result.error:
                continue
            cover = parse_payload(result.text)
            if cover is not None:
                return cover, True
    return None, seen


# -- making a cover sheet ------------------------------------------------------------------------------
def _cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics

    name = "CasefileCJK"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    from reportlab.pdfbase.ttfonts import TTFont

    for path in CJK_FONT_FILES:
        if path.is_file():
            try:
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
                return name
            except Exception:  # a font file reportlab cannot read: try the next one
                continue
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    # Built into reportlab; not embedded, so viewers substitute their own Song typeface.
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def render_coversheet(*, case_id: str, case_number: str, slot: str | None, office: str, now: datetime) -> bytes:
    """One A4 page: title, a large QR code, the case and slot in words, how to use it."""
    import io

    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = _cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    c.setTitle(f"证据扫描封面 {case_id}")
    c.setAuthor("casefile")
    width, height = A4

    c.setFont(font, 24)
    c.drawCentredString(width / 2, height - 35 * mm, "证据材料扫描封面")
    c.setFont(font, 11)
    c.drawCentredString(width / 2, height - 44 * mm, office)

    size = 80 * mm
    widget = QrCodeWidget(payload(case_id, slot), barLevel="Q", barBorder=4)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, (width - size) / 2, height - 50 * mm - size)

    y = height - 145 * mm
    c.setFont(font, 16)
    for label, value in (("案件ID", case_id), ("案件编号", case_number), ("证据名称", slot or "（未指定）")):
        c.drawString(35 * mm, y, f"{label}：{value}")
        y -= 11 * mm
    c.setFont(font, 11)
    c.drawString(35 * mm, y, f"打印时间：{now.year}年{now.month}月{now.day}日 {now:%H:%M}")
    y -= 16 * mm
    steps = (
        "使用方法：",
        "1. 将本页放在待扫描材料的最上面，与材料一起扫描成一个 PDF 文件；",
        "2. 把扫描件放入收件目录（inbox），系统识别二维码后自动归入上述案件；",
        "3. 归档时本封面页会被去掉，只保留其后的材料。",
        "请勿折叠、涂改或遮挡二维码；一份封面只用于一次扫描。",
    )
    for line in steps:
        c.drawString(35 * mm, y, line)
        y -= 7 * mm
    c.showPage()
    c.save()
    return buf.getvalue()


def coversheet_for_case(ws: Workspace, case_id: str, slot: str | None, now: datetime) -> bytes:
    """The cover sheet of an existing case (refused for an unknown or archived case)."""
    from casefile.errors import CaseArchived
    from casefile.models.enums import State
    from casefile.store import Dossier, check_case_id

    case = Dossier(ws, check_case_id(case_id)).load()
    if case.state is State.ARCHIVED:
        raise CaseArchived(f"案件 {case.id} 已归档，不能再添加证据，无需打印封面页。")
    return render_coversheet(case_id=case.id, case_number=case.number, slot=clean_slot(slot) if slot else None,
                             office=ws.settings.office.name, now=now)
