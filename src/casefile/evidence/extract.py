"""Text out of one file, page by page, inside the isolated worker.

PDF: pypdf's text layer, checked page by page (:mod:`.textcheck`); pages with no text or garbage
are rendered with pdfium at the OCR resolution (after a page-size check against the pixel cap)
and OCR'd, never by OCRing the embedded image strips. pypdf fails on some files pdfium reads
(no startxref…), so pdfium is the fallback parser. Images: pixel cap before decoding, EXIF
rotation, OCR variants, a lossless archive PDF (img2pdf). Word/Excel: python-docx (merged cells
once) with a raw-XML fallback for Strict OOXML, openpyxl. Everything is NFKC-normalised.

Nothing here touches the dossier: the worker hands its findings (and files in ``out_dir``) back
to the pipeline.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import re
import time
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casefile.evidence.codes import Reason, TextStatus
from casefile.evidence.formats import Kind, Sniffed, name_claims_other_kind, sniff
from casefile.evidence.textcheck import assess, normalise, repair_gbk_mojibake

COVER_QUICK_DPI = 72
COVER_DPI = 200
MIN_OCR_DPI = 72
MIN_OCR_CONFIDENCE = 25.0  # below this tesseract is reading a photo or noise, not text
MAX_TEXT_CHARS = 20_000_000
MAX_IMAGE_FRAMES = 500


class Rejected(Exception):
    """The file cannot be accepted; ``reason`` says why (stable code), ``detail`` what was seen."""

    def __init__(self, reason: Reason | str, detail: str = "") -> None:
        super().__init__(detail or str(reason))
        self.code = reason.code if isinstance(reason, Reason) else reason
        self.detail = detail


class WrongPassword(Exception):
    pass


@dataclass
class Limits:
    ocr: bool = True
    ocr_dpi: int = 300
    max_pixels: int = 120_000_000
    max_ocr_pages: int = 50
    deadline: float = math.inf  # time.monotonic() by which OCR must stop
    lang: str = "chi_sim"

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


@dataclass
class Analysis:
    kind: Kind
    media_type: str | None
    status: TextStatus
    pages: int | None = None
    page_texts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ocr_pages: int = 0
    cover: dict[str, str | None] | None = None
    content_file: str | None = None  # what to file instead of the original (cover page removed)
    archive_pdf: str | None = None  # lossless PDF of an image, for the archive

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value, "media_type": self.media_type, "status": self.status.value,
            "pages": self.pages, "page_texts": self.page_texts, "notes": self.notes, "ocr_pages": self.ocr_pages,
            "cover": self.cover, "content_file": self.content_file, "archive_pdf": self.archive_pdf,
        }


def analyse(path: Path, name: str, out_dir: Path, *, password: str | None = None, limits: Limits | None = None,
            detect_cover: bool = True) -> Analysis:
    limits = limits or Limits()
    sniffed = sniff(path)
    kind = sniffed.kind
    if kind is Kind.EMPTY:
        raise Rejected(Reason.EMPTY)
    if not kind.accepted:
        _reject_unaccepted(sniffed, name, path)
    notes: list[str] = []
    if name_claims_other_kind(kind, name):
        notes.append(f"文件名扩展名与内容不符，按内容识别为{_kind_label(kind)}")
    if kind is Kind.PDF:
        result = analyse_pdf(path, out_dir, password=password, limits=limits, detect_cover=detect_cover)
    elif kind.is_image:
        result = analyse_image(path, kind, out_dir, limits=limits)
    elif kind is Kind.DOCX:
        result = Analysis(kind, sniffed.media_type, TextStatus.EMPTY)
        _set_text(result, [docx_text(path)])
    elif kind is Kind.XLSX:
        result = Analysis(kind, sniffed.media_type, TextStatus.EMPTY)
        _set_text(result, [xlsx_text(path)])
    elif kind is Kind.ENCRYPTED_OOXML:
        result = analyse_encrypted_office(path, name, out_dir, password=password)
    else:  # DOC, XLS: accepted as they are
        result = analyse_legacy_office(path, kind, password=password)
    result.notes[:0] = notes
    return result


def _kind_label(kind: Kind) -> str:
    from casefile.evidence.formats import KIND_LABELS

    return KIND_LABELS[kind]


def _reject_unaccepted(sniffed: Sniffed, name: str, path: Path) -> None:
    from casefile.evidence.formats import CLAIMED_BY_NAME

    ext = Path(name).suffix.lower()
    if sniffed.detail.startswith("broken:"):
        if sniffed.kind is Kind.ZIP and not _zip_has_end_record(path):
            raise Rejected(Reason.TRUNCATED, "ZIP（Office 文档）缺少中央目录结尾，文件被截断")
        raise Rejected(Reason.CORRUPT, f"{_kind_label(sniffed.kind)}结构损坏（{sniffed.detail[7:]}）")
    if ext in CLAIMED_BY_NAME:
        raise Rejected(Reason.TYPE_MISMATCH, f"文件名为 {ext}，内容却是{_kind_label(sniffed.kind)}")
    raise Rejected(Reason.UNSUPPORTED_TYPE, f"内容为{_kind_label(sniffed.kind)}")


def _zip_has_end_record(path: Path) -> bool:
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 65_557))
        return b"PK\x05\x06" in f.read()


def _set_text(result: Analysis, texts: list[str]) -> None:
    result.page_texts = [normalise(t)[:MAX_TEXT_CHARS] for t in texts]
    result.status = TextStatus.TEXT if any(t.strip() for t in result.page_texts) else TextStatus.EMPTY


# == PDF =========================================================================================
def _pdf_looks_truncated(path: Path) -> bool:
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 4096))
        tail = f.read()
    return b"%%EOF" not in tail


@dataclass
class _PdfPages:
    """Page access through pypdf, or through pdfium when pypdf cannot read the file."""

    count: int
    texts: list[str | None]  # raw text per page; None = extraction failed
    parser: str
    password: str | None = None  # the password that opened it ("" for owner-password-only files)


def _open_pypdf(path: Path, password: str | None) -> tuple[Any, str | None, bool]:
    """(reader, password that worked, decrypted). Raises WrongPassword when a given password fails."""
    from pypdf import PdfReader

    reader = PdfReader(str(path), strict=False)
    if not reader.is_encrypted:
        return reader, None, True
    # Owner-password-only files say "encrypted" but open with the empty user password.
    for candidate in _password_candidates(password):
        if reader.decrypt(candidate):
            return reader, candidate, True
    if password is not None:
        raise WrongPassword
    return reader, None, False


def _password_candidates(password: str | None) -> list[str]:
    if password is None:
        return [""]
    import unicodedata

    cands = [password, unicodedata.normalize("NFKC", password), unicodedata.normalize("NFC", password)]
    return list(dict.fromkeys(cands))


def _pdfium_open(path: Path, password: str | None) -> Any:
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(str(path), password=password)


def _read_pdf_pages(path: Path, password: str | None, notes: list[str]) -> _PdfPages | None:
    """None means: encrypted and the password (if any) did not open it (needs-password)."""
    pypdf_error: BaseException | None = None
    try:
        reader, used, decrypted = _open_pypdf(path, password)
        if not decrypted:
            return None
        count = len(reader.pages)
        texts: list[str | None] = []
        for i in range(count):
            try:
                texts.append(reader.pages[i].extract_text() or "")
            except RecursionError:
                texts.append(None)
            except Exception:  # pypdf raises a zoo of types on damaged pages; OCR reads the page instead
                texts.append(None)
        failed = sum(1 for t in texts if t is None)
        if failed:
            notes.append(f"{failed}页文字层无法读取，交由OCR识别")
        return _PdfPages(count, texts, "pypdf", used)
    except WrongPassword:
        raise
    except Exception as exc:  # AttributeError, TypeError, AssertionError, LimitReachedError, PdfReadError…
        pypdf_error = exc
    # pdfium reads some files pypdf cannot (no startxref, damaged xref, odd page trees)
    import pypdfium2 as pdfium

    try:
        doc = _pdfium_open(path, password or None)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            if password is not None:
                raise WrongPassword from None
            return None
        raise Rejected(Reason.CORRUPT, f"pypdf：{_describe(pypdf_error)}；pdfium：{exc}") from None
    try:
        with contextlib.closing(doc):
            count = len(doc)
            texts = []
            for i in range(count):
                page = doc[i]
                try:
                    tp = page.get_textpage()
                    texts.append(tp.get_text_bounded())
                    tp.close()
                except Exception:
                    texts.append(None)
                finally:
                    page.close()
    except Exception as exc:  # pdfium opened the file but cannot load its pages (cyclic/deep page trees)
        raise Rejected(Reason.CORRUPT, f"pypdf：{_describe(pypdf_error)}；pdfium：{_describe(exc)}") from None
    notes.append(f"pypdf 无法解析（{_describe(pypdf_error)}），已用 pdfium 读取")
    return _PdfPages(count, texts, "pdfium", password)


def _pdfium_for_rendering(path: Path, password: str | None, notes: list[str]) -> Any | None:
    """pdfium for rendering; None (with a note) if it refuses a file pypdf could read."""
    import pypdfium2 as pdfium

    last: Exception | None = None
    for candidate in dict.fromkeys([password, None]):
        try:
            return _pdfium_open(path, candidate or None)
        except pdfium.PdfiumError as exc:
            last = exc
    notes.append(f"无法渲染页面（pdfium：{last}），未做封面识别和OCR")
    return None


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    msg = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def analyse_pdf(path: Path, out_dir: Path, *, password: str | None, limits: Limits, detect_cover: bool) -> Analysis:
    if _pdf_looks_truncated(path):
        raise Rejected(Reason.TRUNCATED, "PDF 末尾没有 %%EOF 结束标记")
    notes: list[str] = []
    pages = _read_pdf_pages(path, password, notes)
    media = "application/pdf"
    if pages is None:
        return Analysis(Kind.PDF, media, TextStatus.NEEDS_PASSWORD, notes=["PDF 已加密，需要打开密码"])
    if pages.count == 0:
        raise Rejected(Reason.CORRUPT, "PDF 没有页面")
    result = Analysis(Kind.PDF, media, TextStatus.EMPTY, pages=pages.count, notes=notes)

    first = 0
    render = _pdfium_for_rendering(path, pages.password, notes)
    if render is None:
        pdf_password: str | None = None
        detect_cover = False
        limits = dataclasses.replace(limits, ocr=False)
    else:
        render.close()
        pdf_password = pages.password or None
    if detect_cover:
        cover = find_cover(path, pdf_password, limits)
        if cover is not None:
            result.cover = cover
            first = 1
            if pages.count > 1:
                result.content_file = str(_strip_first_page(path, pdf_password, out_dir))
                result.pages = pages.count - 1
            else:
                result.pages = 0

    texts: list[str] = []
    needs_ocr: list[int] = []
    bad: dict[str, int] = {}
    for i in range(first, pages.count):
        raw = pages.texts[i]
        if raw is None:
            texts.append("")
            needs_ocr.append(len(texts) - 1)
            continue
        norm = normalise(raw)
        q = assess(norm)
        if q.ok:
            texts.append(norm)
            continue
        if q.reason == "mojibake":
            repaired = repair_gbk_mojibake(raw)
            if repaired is not None:
                texts.append(repaired)
                bad["已将GBK乱码重新解码"] = bad.get("已将GBK乱码重新解码", 0) + 1
                continue
        if q.reason != "empty":
            bad[q.label] = bad.get(q.label, 0) + 1
        texts.append("")
        needs_ocr.append(len(texts) - 1)
    for label, n in bad.items():
        notes.append(f"{n}页{label}" + ("" if label.startswith("已将") else "，未采用其文字层"))
    result.page_texts = texts
    if needs_ocr and render is not None:
        _ocr_pdf_pages(path, pdf_password, first, needs_ocr, result, limits)
    result.page_texts = [t[:MAX_TEXT_CHARS] for t in result.page_texts]
    has_text = any(t.strip() for t in result.page_texts)
    result.status = (TextStatus.OCR if result.ocr_pages else TextStatus.TEXT) if has_text else TextStatus.EMPTY
    return result


def _render_scale(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> float | None:
    """Scale factor for rendering at ``dpi`` within the pixel cap; None when even 72 dpi is too big."""
    scale = dpi / 72.0
    pixels = width_pt * height_pt * scale * scale
    if pixels > max_pixels:
        scale = math.sqrt(max_pixels / (width_pt * height_pt))
    if scale * 72 < MIN_OCR_DPI * 0.999 or width_pt <= 0 or height_pt <= 0:
        return None
    return scale


def _ocr_pdf_pages(path: Path, password: str | None, first: int, targets: list[int], result: Analysis,
                   limits: Limits) -> None:
    from casefile.evidence import ocr

    if not limits.ocr:
        result.notes.append(f"{len(targets)}页无可用文字，未启用OCR")
        return
    if not ocr.available(limits.lang):
        result.notes.append(f"{len(targets)}页无可用文字，但{ocr.unavailable_reason(limits.lang)}")
        return
    todo = targets[: limits.max_ocr_pages]
    if len(targets) > len(todo):
        result.notes.append(f"需要OCR的页面有{len(targets)}页，按设置只识别前{len(todo)}页（max_ocr_pages）")
    doc = _pdfium_open(path, password)
    done = 0
    low_conf = 0
    too_big = 0
    try:
        for idx in todo:
            remaining = limits.remaining()
            if remaining < 2:
                result.notes.append(f"解析时限将到，已识别{done}页，其余{len(todo) - done - too_big}页未做OCR")
                break
            page = doc[idx + first]
            try:
                w, h = page.get_size()
                scale = _render_scale(w, h, limits.ocr_dpi, limits.max_pixels)
                if scale is None:
                    too_big += 1
                    continue
                image = page.render(scale=scale, grayscale=True, may_draw_forms=True).to_pil()
            finally:
                page.close()
            try:
                res = ocr.ocr_page(image, lang=limits.lang, timeout=remaining - 1)
            except ocr.OcrTimeout:
                result.notes.append(f"第{idx + 1}页OCR超时")
                break
            finally:
                image.close()
            done += 1
            if res.chars and res.confidence >= MIN_OCR_CONFIDENCE:
                result.page_texts[idx] = res.text
                result.ocr_pages += 1
            elif res.chars:
                low_conf += 1
    finally:
        doc.close()
    if too_big:
        result.notes.append(f"{too_big}页页面尺寸过大（超过像素上限），未做OCR")
    if low_conf:
        result.notes.append(f"{low_conf}页OCR置信度过低，结果未采用")


# -- cover sheets ---------------------------------------------------------------------------------
def find_cover(path: Path, password: str | None, limits: Limits) -> dict[str, str | None] | None:
    """Look for our QR code on page 1: a quick look at COVER_QUICK_DPI; a closer one at COVER_DPI
    only when a QR symbol is there but was not ours or could not be read (a noisy, skewed scan)."""
    from casefile.evidence.coversheet import scan_cover

    doc = _pdfium_open(path, password)
    try:
        page = doc[0]
        try:
            w, h = page.get_size()
            for dpi, thorough in ((COVER_QUICK_DPI, False), (COVER_DPI, True)):
                scale = _render_scale(w, h, dpi, min(limits.max_pixels, 40_000_000))
                if scale is None:
                    return None
                image = page.render(scale=scale, grayscale=True).to_pil()
                found, seen = scan_cover(image, thorough=thorough)
                if found is not None:
                    return {"case_id": found.case_id, "slot": found.slot}
                if not seen:
                    return None
        finally:
            page.close()
    finally:
        doc.close()
    return None


def _strip_first_page(path: Path, password: str | None, out_dir: Path) -> Path:
    doc = _pdfium_open(path, password)
    try:
        doc.del_page(0)
        target = out_dir / "content.pdf"
        with target.open("wb") as f:
            doc.save(f)
    finally:
        doc.close()
    return target


# == images =======================================================================================
def _open_image(path: Path, limits: Limits) -> Any:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    try:
        img = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Rejected(Reason.PIXEL_LIMIT, str(exc)[:160]) from None
    except Exception as exc:
        raise Rejected(Reason.CORRUPT, _describe(exc)) from None
    w, h = img.size
    if w * h > limits.max_pixels:
        raise Rejected(Reason.PIXEL_LIMIT, f"{w}×{h} 像素，上限 {limits.max_pixels:,}")
    return img


def _frames(img: Any, limits: Limits) -> Iterator[Any]:
    n = getattr(img, "n_frames", 1)
    if n > MAX_IMAGE_FRAMES:
        raise Rejected(Reason.CORRUPT, f"图像有{n}帧，超过上限{MAX_IMAGE_FRAMES}")
    for i in range(n):
        img.seek(i)
        w, h = img.size
        if w * h > limits.max_pixels:
            raise Rejected(Reason.PIXEL_LIMIT, f"第{i + 1}帧 {w}×{h} 像素，上限 {limits.max_pixels:,}")
        yield img


def analyse_image(path: Path, kind: Kind, out_dir: Path, *, limits: Limits) -> Analysis:
    from PIL import Image, ImageOps

    from casefile.evidence import ocr

    img = _open_image(path, limits)
    media = Image.MIME.get(img.format or "", None) or {Kind.JPEG: "image/jpeg", Kind.PNG: "image/png"}.get(kind, "image/tiff")
    frames: list[Any] = []
    with img:
        for frame in _frames(img, limits):
            try:
                frame.load()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise Rejected(Reason.PIXEL_LIMIT, str(exc)[:160]) from None
            except OSError as exc:
                if "truncated" in str(exc).lower():
                    raise Rejected(Reason.TRUNCATED, str(exc)[:160]) from None
                raise Rejected(Reason.CORRUPT, _describe(exc)) from None
            except Exception as exc:
                raise Rejected(Reason.CORRUPT, _describe(exc)) from None
            # the pixels as a person sees them: EXIF orientation applied (OCR reads upright text only)
            frames.append(ImageOps.exif_transpose(frame.copy()))
    result = Analysis(kind, media, TextStatus.EMPTY, pages=len(frames))
    result.archive_pdf = str(_archive_pdf(path, frames, out_dir, result.notes))
    texts = [""] * len(frames)
    if not limits.ocr:
        result.notes.append("未启用OCR")
    elif not ocr.available(limits.lang):
        result.notes.append(ocr.unavailable_reason(limits.lang))
    else:
        todo = range(min(len(frames), limits.max_ocr_pages))
        if len(frames) > len(todo):
            result.notes.append(f"共{len(frames)}帧，按设置只识别前{len(todo)}帧（max_ocr_pages）")
        for i in todo:
            remaining = limits.remaining()
            if remaining < 2:
                result.notes.append(f"解析时限将到，其余{len(frames) - i}帧未做OCR")
                break
            try:
                res = ocr.ocr_photo(frames[i], lang=limits.lang, timeout=remaining - 1)
            except ocr.OcrTimeout:
                result.notes.append(f"第{i + 1}帧OCR超时")
                break
            if res.chars and res.confidence >= MIN_OCR_CONFIDENCE:
                texts[i] = res.text
                result.ocr_pages += 1
    result.page_texts = texts
    result.status = TextStatus.OCR if any(t.strip() for t in texts) else TextStatus.EMPTY
    return result


def _archive_pdf(path: Path, frames: list[Any], out_dir: Path, notes: list[str]) -> Path:
    """Lossless: img2pdf embeds JPEG data as is and keeps EXIF orientation as /Rotate; images it
    cannot take directly (mirrored orientations, odd modes) go in as PNG of the upright pixels."""
    import img2pdf

    target = out_dir / "archive.pdf"
    try:
        data = img2pdf.convert(str(path), rotation=img2pdf.Rotation.auto)
    except Exception:
        import io

        pngs = []
        for frame in frames:
            buf = io.BytesIO()
            (frame if frame.mode in ("1", "L", "RGB", "RGBA", "LA", "P", "I;16") else frame.convert("RGB")).save(buf, "PNG")
            pngs.append(buf.getvalue())
        data = img2pdf.convert(pngs)
        notes.append("归档PDF由图像无损转存为PNG后生成")
    assert data is not None
    target.write_bytes(data)
    return target


# == Word / Excel ===================================================================================
def docx_text(path: Path) -> str:
    try:
        import docx

        document = docx.Document(str(path))
    except zipfile.BadZipFile as exc:
        raise Rejected(Reason.CORRUPT, _describe(exc)) from None
    except Exception:
        # Strict OOXML (KeyError: no officeDocument relationship) and other oddities
        return _ooxml_raw_text(path)
    parts: list[str] = []
    try:
        _docx_blocks(document, parts)
        for section in document.sections:
            for hf in (section.header, section.footer):
                if not hf.is_linked_to_previous:
                    _docx_blocks(hf, parts)
    except Exception:
        return _ooxml_raw_text(path)
    text = "\n".join(p for p in parts if p.strip())
    # Text that lives only in fields or text boxes is invisible to python-docx; the XML still has it.
    return text if text.strip() else _ooxml_raw_text(path)


def _docx_blocks(container: Any, parts: list[str]) -> None:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Table):
            _docx_table(block, parts)


def _docx_table(table: Any, parts: list[str]) -> None:
    """Merged cells come back once per grid cell from python-docx: keep each underlying cell once."""
    seen: set[int] = set()
    alive: list[Any] = []  # lxml proxies are recreated on access: keep them alive so id() stays unique
    for row in table.rows:
        cells = []
        for cell in row.cells:
            tc = cell._tc
            if id(tc) in seen:
                continue
            seen.add(id(tc))
            alive.append(tc)
            sub: list[str] = []
            _docx_blocks(cell, sub)
            text = "\n".join(s for s in sub if s.strip())
            if text:
                cells.append(text)
        if cells:
            parts.append("\t".join(cells))


def _ooxml_raw_text(path: Path) -> str:
    """Namespace-agnostic text of word/document.xml: w:t runs, paragraph and tab breaks."""
    import xml.etree.ElementTree as ET

    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
            names.sort(key=lambda n: (not n.endswith("document.xml"), n))
            out: list[str] = []
            for name in names:
                buf: list[str] = []
                with z.open(name) as f:
                    for _event, el in ET.iterparse(f, events=("end",)):
                        local = el.tag.rsplit("}", 1)[-1]
                        if local == "t" and el.text:
                            buf.append(el.text)
                        elif local == "tab":
                            buf.append("\t")
                        elif local in ("p", "br", "cr"):
                            buf.append("\n")
                        el.clear()
                out.append("".join(buf))
    except (zipfile.BadZipFile, ET.ParseError, KeyError, OSError) as exc:
        raise Rejected(Reason.CORRUPT, _describe(exc)) from None
    return "\n".join(out)


def xlsx_text(path: Path) -> str:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:
        raise Rejected(Reason.CORRUPT, _describe(exc)) from None
    out: list[str] = []
    total = 0
    try:
        for ws in wb.worksheets:
            out.append(f"【{ws.title}】")
            for row in ws.iter_rows(values_only=True):
                cells = [str(v) for v in row if v is not None and str(v).strip()]
                if cells:
                    line = "\t".join(cells)
                    out.append(line)
                    total += len(line)
                    if total > MAX_TEXT_CHARS:
                        return "\n".join(out)
    finally:
        wb.close()
    return "\n".join(out)


def analyse_legacy_office(path: Path, kind: Kind, *, password: str | None) -> Analysis:
    from casefile.evidence.formats import MEDIA_TYPES

    media = MEDIA_TYPES.get(kind)
    if _ole_encrypted(path):
        if password is None:
            return Analysis(kind, media, TextStatus.NEEDS_PASSWORD, notes=["文件已加密，需要打开密码"])
        _decrypt_ole(path, password, None)
    label = "Word 97-2003（.doc）" if kind is Kind.DOC else "Excel 97-2003（.xls）"
    return Analysis(kind, media, TextStatus.UNSUPPORTED, notes=[f"{label}按原样归档，暂不提取文字"])


def _ole_encrypted(path: Path) -> bool:
    import msoffcrypto

    try:
        with path.open("rb") as f:
            return bool(msoffcrypto.OfficeFile(f).is_encrypted())
    except Exception:
        return False


def _decrypt_ole(path: Path, password: str, target: Path | None) -> None:
    import io

    import msoffcrypto
    from msoffcrypto import exceptions as msoe

    with path.open("rb") as f:
        try:
            office = msoffcrypto.OfficeFile(f)
            office.load_key(password=password)
            out = io.BytesIO()
            office.decrypt(out)
        except msoe.InvalidKeyError:
            raise WrongPassword from None
        except (msoe.FileFormatError, msoe.ParseError) as exc:
            raise Rejected(Reason.CORRUPT, _describe(exc)) from None
        except Exception as exc:  # e.g. key sizes msoffcrypto does not implement
            raise Rejected(Reason.UNSUPPORTED_ENCRYPTION, _describe(exc)) from None
    if target is not None:
        target.write_bytes(out.getvalue())


def analyse_encrypted_office(path: Path, name: str, out_dir: Path, *, password: str | None) -> Analysis:
    """Password-protected .docx/.xlsx: an OLE container holding the encrypted package."""
    media = _office_media_by_name(name)
    if password is None:
        return Analysis(Kind.ENCRYPTED_OOXML, media, TextStatus.NEEDS_PASSWORD, notes=["Office 文档已加密，需要打开密码"])
    plain = out_dir / "decrypted.bin"
    _decrypt_ole(path, password, plain)
    inner = sniff(plain)
    result = Analysis(Kind.ENCRYPTED_OOXML, media, TextStatus.EMPTY)
    if inner.kind is Kind.DOCX:
        _set_text(result, [docx_text(plain)])
    elif inner.kind is Kind.XLSX:
        _set_text(result, [xlsx_text(plain)])
    else:
        result.status = TextStatus.UNSUPPORTED
        result.notes.append("已解密，但该类型暂不提取文字")
    with contextlib.suppress(OSError):
        plain.unlink()
    return result


def _office_media_by_name(name: str) -> str:
    from casefile.evidence.formats import MEDIA_TYPES

    ext = Path(name).suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        return MEDIA_TYPES[Kind.XLSX]
    if ext in (".docx", ".docm"):
        return MEDIA_TYPES[Kind.DOCX]
    return MEDIA_TYPES[Kind.ENCRYPTED_OOXML]
