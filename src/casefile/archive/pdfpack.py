"""The archival PDF: every part of the file merged in order, one bookmark per document, the 档号
stamped on each page (a reportlab overlay with an embedded CJK font, so the stamp is text too),
checked with ``qpdf --check`` and for extractable text.

The merged file is declared PDF/A-2b: casefile's own documents come from LibreOffice as PDF/A-2b (every
font embedded), the stamp and placeholder pages embed their one font (reportlab's initial Helvetica is
never referenced), and the merge adds the sRGB output intent taken from a LibreOffice part and XMP
metadata with ``pdfaid:part=2``/``conformance=B``. :func:`unembedded_fonts` lists what would break the
claim — a scanned or received evidence PDF with a font it does not carry; ``MergeResult.pdfa`` is then
False and says why, and the declaration is left out rather than made falsely."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from casefile.errors import ArchiveProblem

CJK_RE = re.compile(r"[\u3400-\u9fff]")
#: TrueType faces reportlab can embed (the document faces are CFF-based OpenType, which it cannot);
#: a 宋/明 face first, so the stamp matches the documents' serif style
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


@dataclass
class Part:
    """One item of the merged file. ``number`` = counts in the 卷内文件页号 (documents, evidence)."""

    key: str  # doc_id / ev_id / "cover" …
    title: str  # bookmark text
    pdf: Path | None = None
    data: bytes | None = None  # a generated page (placeholder) instead of a file
    section: str = ""  # 正卷 / 副卷 / "" (cover, index, 备考表)
    number: bool = True
    first: int = 0  # index of its first page in the merged PDF
    pages: int = 0
    body_first: int = 0  # 页号 of its first page (1-based, body pages only); 0 = not numbered

    def source(self) -> Path | io.BytesIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.pdf is not None
        return self.pdf


@dataclass
class MergeResult:
    pages: int
    body_pages: int
    parts: list[Part] = field(default_factory=list)
    pdfa: bool = False  # declared PDF/A-2b (every font embedded, output intent, XMP)
    pdfa_note: str = ""  # why not, when not


# -- fonts ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def cjk_font(configured: str = "") -> str:
    """Register and return the name of a CJK font for reportlab (embedded subset; extractable)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    candidates = [configured] if configured else list(FONT_CANDIDATES)
    for path in candidates:
        name = _register(path)
        if name:
            return name
    fc = shutil.which("fc-list")
    if fc and not configured:
        try:
            out = subprocess.run([fc, ":lang=zh", "file"], capture_output=True, timeout=10, check=False)
            found = sorted(line.strip().rstrip(":") for line in out.stdout.decode("utf-8", "replace").splitlines())
        except (OSError, subprocess.TimeoutExpired):
            found = []
        for path in found:
            name = _register(path)
            if name:
                return name
    if configured:
        raise ArchiveProblem(f"casefile.toml 的 archive.stamp_font 指定的字体 {configured} 不可用（应为 TrueType 中文字体）。")
    # Last resort: a standard Adobe CJK font, referenced rather than embedded.
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _register(path: str) -> str | None:
    """Register a TrueType font that has CJK glyphs; None if it is missing, unreadable or Latin-only."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not path or not Path(path).is_file() or not path.lower().endswith((".ttf", ".ttc", ".otf")):
        return None
    name = f"CasefileCJK-{abs(hash(path)) % 10**8}"
    try:
        font = TTFont(name, path, subfontIndex=0) if path.lower().endswith(".ttc") else TTFont(name, path)
    except Exception:  # a CFF-based .otf or a damaged file
        return None
    if not all(ord(ch) in font.face.charToGlyph for ch in "档号第页证据"):
        return None  # fontconfig may offer a Latin fallback
    pdfmetrics.registerFont(font)
    return name


def placeholder_page(title: str, lines: Sequence[str], font_file: str = "") -> bytes:
    """A one-page A4 PDF standing in for evidence that has no page form (audio, archives …)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = cjk_font(font_file)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=16)
    w, h = A4
    c.setFont(font, 16)
    c.drawCentredString(w / 2, h - 120, title)
    c.setFont(font, 11)
    y = h - 170
    for line in lines:
        for chunk in _wrap(line, 40):
            c.drawString(72, y, chunk)
            y -= 20
    c.showPage()
    c.save()
    return buf.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def _stamps(sizes: Sequence[tuple[float, float]], dang_hao: str, numbers: Sequence[int], font: str) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=1, initialFontName=font, initialFontSize=8)
    label = f"档号：{dang_hao}"
    for (w, h), n in zip(sizes, numbers, strict=True):
        c.setPageSize((w, h))
        size = 8.0 if w >= 400 else 6.0
        c.setFont(font, size)
        c.setFillColorRGB(0.75, 0.0, 0.0)
        right = w - 18
        c.drawRightString(right, h - 14, label)
        if n:
            c.drawRightString(right, h - 14 - size * 1.4, f"第 {n} 页")
        c.showPage()
    c.save()
    return buf.getvalue()


# -- merging -------------------------------------------------------------------------------------------
def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:  # pdfium raises its own error type for every kind of damage
        raise ArchiveProblem(f"无法读取 PDF {path.name}（{exc}）。") from None
    try:
        return len(pdf)
    finally:
        pdf.close()


def merge(parts: list[Part], out: Path, *, dang_hao: str, title: str, author: str, font_file: str = "",
          sections: Sequence[str] = ("正卷", "副卷")) -> MergeResult:
    """Merge ``parts`` into ``out`` (written and fsynced), bookmarked and stamped."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.errors import PdfReadError
    from pypdf.generic import ArrayObject, NameObject

    writer = PdfWriter()
    body = 0
    for part in parts:
        try:
            reader = PdfReader(part.source(), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ArchiveProblem(f"{part.title} 的 PDF 已加密，无法并入归档文件；请先用 casefile evidence 解锁。")
            start = len(writer.pages)
            writer.append(reader, import_outline=False)
        except ArchiveProblem:
            raise
        except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
            raise ArchiveProblem(f"{part.title} 的 PDF 无法读取（{type(exc).__name__}），不能并入归档文件。") from None
        part.first, part.pages = start, len(writer.pages) - start
        if part.pages == 0:
            raise ArchiveProblem(f"{part.title} 的 PDF 没有页面，不能并入归档文件。")
        if part.number:
            part.body_first = body + 1
            body += part.pages

    numbers = [0] * len(writer.pages)
    for part in parts:
        if part.number:
            for i in range(part.pages):
                numbers[part.first + i] = part.body_first + i
    sizes: list[tuple[float, float]] = []
    origins: list[tuple[float, float]] = []
    for page in writer.pages:
        if page.rotation % 360:
            page.transfer_rotation_to_content()
        box = page.cropbox
        sizes.append((float(box.width), float(box.height)))
        origins.append((float(box.left), float(box.bottom)))
    stamp_reader = PdfReader(io.BytesIO(_stamps(sizes, dang_hao, numbers, cjk_font(font_file))))
    for page, stamp, (x0, y0) in zip(writer.pages, stamp_reader.pages, origins, strict=True):
        page.merge_transformed_page(stamp, Transformation().translate(x0, y0))
        page.compress_content_streams()

    _outline(writer, parts, sections)
    _labels(writer, parts)
    info = {"/Title": title, "/Subject": f"档号 {dang_hao}", "/Author": author, "/Keywords": dang_hao,
            "/Creator": "casefile", "/Producer": "casefile"}
    writer.add_metadata(info)
    missing = unembedded_fonts(writer)
    intent = _output_intent(parts)
    pdfa, note = False, ""
    if missing:
        note = f"以下字体未嵌入：{'、'.join(missing[:5])}（来自原件）"
    elif intent is None:
        note = "没有可用的 sRGB 输出意图（未找到由 LibreOffice 生成的部分）"
    else:
        cloned = intent.clone(writer)
        ref = cloned.indirect_reference or writer._add_object(cloned)
        writer.root_object[NameObject("/OutputIntents")] = ArrayObject([ref])
        writer.root_object[NameObject("/Metadata")] = writer._add_object(_xmp(info, dang_hao))
        pdfa = True
    writer.generate_file_identifiers()
    try:
        with out.open("xb") as f:
            writer.write(f)
            f.flush()
            os.fsync(f.fileno())
    except OSError:
        out.unlink(missing_ok=True)
        raise
    return MergeResult(len(writer.pages), body, parts, pdfa, note)


def unembedded_fonts(pdf: Any) -> list[str]:
    """Base names of the fonts a PDF (a PdfReader or PdfWriter) uses without embedding them."""
    out: set[str] = set()
    for page in pdf.pages:
        res = page.get("/Resources")
        fonts = res.get_object().get("/Font") if res is not None else None
        for ref in (fonts.get_object().values() if fonts is not None else ()):
            font = ref.get_object()
            descs = [font.get("/FontDescriptor")]
            for d in font.get("/DescendantFonts") or []:
                descs.append(d.get_object().get("/FontDescriptor"))
            descs = [d.get_object() for d in descs if d is not None]
            if str(font.get("/Subtype")) == "/Type3":
                continue
            if not any(k in d for d in descs for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                out.add(str(font.get("/BaseFont", "?")).lstrip("/"))
    return sorted(out)


def _output_intent(parts: list[Part]) -> Any:
    """The first part's /OutputIntents entry (LibreOffice's PDF/A export carries an sRGB one)."""
    from pypdf import PdfReader

    for part in parts:
        if part.pdf is None:
            continue
        try:
            root: Any = PdfReader(str(part.pdf), strict=False).trailer["/Root"].get_object()
        except Exception:  # a damaged part has no intent to lend; merge() reports it
            continue
        intents = root.get("/OutputIntents")
        if intents:
            return intents.get_object()[0].get_object()
    return None


def _xmp(info: dict[str, str], dang_hao: str) -> Any:
    from xml.sax.saxutils import escape

    from pypdf.generic import DecodedStreamObject, NameObject

    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance></rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(info["/Title"])}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(info["/Author"])}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(info["/Subject"])}</rdf:li></rdf:Alt></dc:description>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><pdf:Keywords>{escape(dang_hao)}</pdf:Keywords>
<pdf:Producer>casefile</pdf:Producer></rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreatorTool>casefile</xmp:CreatorTool>
</rdf:Description>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""
    stream = DecodedStreamObject()
    stream.set_data(xml.encode("utf-8"))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    return stream


def _outline(writer: Any, parts: list[Part], sections: Sequence[str]) -> None:
    parents: dict[str, Any] = {}
    for part in parts:
        parent = None
        if part.section:
            if part.section not in parents:
                parents[part.section] = writer.add_outline_item(title=part.section, page_number=part.first)
            parent = parents[part.section]
        writer.add_outline_item(title=part.title, page_number=part.first, parent=parent)
    _ = sections


def _labels(writer: Any, parts: list[Part]) -> None:
    """Page labels: viewers show 页号 1…n on the body and named labels on the other parts."""
    for part in parts:
        last = part.first + part.pages - 1
        if part.number:
            writer.set_page_label(part.first, last, style="/D", start=part.body_first)
        else:
            writer.set_page_label(part.first, last, style="/D", prefix=f"{part.title}-", start=1)


# -- checks ---------------------------------------------------------------------------------------------
def qpdf_check(path: Path, timeout: float = 120.0) -> tuple[bool, str]:
    """(passed, message). qpdf exit 0 = clean, 3 = warnings only (readable), 2 = errors."""
    exe = shutil.which("qpdf")
    if exe is None:
        return True, "未安装 qpdf，跳过结构检查"
    try:
        proc = subprocess.run([exe, "--check", str(path)], capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return False, f"qpdf 检查超过{timeout:g}秒未完成"
    except OSError as exc:
        return True, f"qpdf 无法运行（{exc.strerror}），跳过结构检查"
    text = (proc.stdout + proc.stderr).decode("utf-8", "replace").strip()
    if proc.returncode == 0:
        return True, "qpdf 检查通过"
    if proc.returncode == 3:
        return True, f"qpdf 检查有警告：{text.splitlines()[-1] if text else ''}"
    return False, f"qpdf 检查未通过：{text.splitlines()[-1] if text else f'退出码 {proc.returncode}'}"


def pdf_text(path: Path, pages: Sequence[int] | None = None) -> tuple[int, dict[int, str]]:
    """(page count, text of the requested pages) through pdfium; raises ArchiveProblem if unreadable."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:  # any damage
        raise ArchiveProblem(f"无法打开：{exc}") from None
    try:
        n = len(pdf)
        out: dict[int, str] = {}
        for i in pages if pages is not None else range(n):
            if 0 <= i < n:
                page = pdf[i]
                tp = page.get_textpage()
                try:
                    out[i] = tp.get_text_range()
                finally:
                    tp.close()
                    page.close()
        return n, out
    finally:
        pdf.close()
