"""The rendered-document check: what a clerk reads on the printed page, asserted page by page.

``casefile templates check --rendered`` and the test suite run the same rules on a PDF made by
casefile's own conversion:

- ``dangling``    a label followed by nothing (``：。``, ``：；``, ``：`` closing the text) or a sentence
                  built around an empty value (``按照方式``, ``通过通过``)
- ``empty``       empty brackets ``（）`` ``《》`` ``【】`` ``“”``
- ``doubled``     a word of two to four characters written twice in a row (``缴纳缴纳``)
- ``ascii``       Latin words outside numbers, 文号, identity numbers and addresses of web sites
                  (``disputed``, ``None``, internal codes such as ``C03``/``P1``, Jinja left-overs)
- ``you``         ``你（单位）`` instead of 你 or 你单位
- ``seal-alone``  the 署名/成文日期 on a page with no body text above it (GB/T 9704 §7.3.5)
- ``font``        a face outside the document faces (a sans fallback), or the body face missing
- ``grid``        a body line wider than 28 characters, or a multi-line body without one full line

The rules work on text, so they are cheap to run on every code for several cases; the conversion is the
expensive part and goes through one warm LibreOffice (:func:`casefile.documents.office.warm_office`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["RenderFinding", "RenderReport", "check_pages", "check_pdf", "check_rendered", "pdf_pages",
           "sample_contexts"]

#: faces a casefile PDF may use (PostScript names after the subset tag start with one of these)
#: the document faces, and AR PL UMing (a 宋/明 TrueType face) in which the archive stamps 档号 and 页号:
#: the stamp is drawn by reportlab, which cannot embed the CFF-based document faces
ALLOWED_FACES = ("FandolFang", "FandolKai", "FandolSong", "FandolHei", "NotoSerifCJK", "LiberationSerif", "ARPLUMing",
                 "UMingCN")
BODY_FACE = "FandolFang"
#: layouts whose body is set on the 28-character grid (forms and tables use 小四/五号)
GRID_LAYOUTS = ("gongwen", "letter", "minutes")
DATE = r"\d{4}年\d{1,2}月\d{1,2}日"
_DATE_LINE = re.compile(rf"^\s*{DATE}\s*$")
_PAGE_NO = re.compile(r"^\s*[—-]\s*\d+\s*[—-]\s*$")
_DANGLING = [
    (re.compile(r"[：:]\s*[。；，、）)]"), "标签后没有内容"),
    (re.compile(r"按照\s*方式"), "办理方式为空"),
    (re.compile(r"于\s*前"), "日期为空"),
    (re.compile(r"合计\s*元"), "金额为空"),
]
_EMPTY = re.compile(r"（\s*）|\(\s*\)|《\s*》|【\s*】|“\s*”|〔\s*〕")
_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
#: doubled words that are Chinese as written
_DOUBLED_OK = {"人人", "常常", "天天", "年年", "月月", "一一", "各各"}
_URL = re.compile(r"(?:https?://|www\.)[!-~]+|[\w.+-]+@[\w-]+\.[A-Za-z.]+", re.ASCII)
#: identity numbers, credit codes and case/archive ids carry letters among many digits
_CODE = re.compile(r"(?<![0-9A-Za-z])(?:(?=[0-9A-Z·-]*\d{6})[0-9A-Z·-]{15,}"  # identity numbers, credit codes
                   r"|[A-Z]\d{3}(?:-[0-9A-Z·-]+)?"  # 档号 from its 全宗号 (J001-SBZY·2026-Y-0001)
                   r"|[A-Z]{1,5}(?:[-·]\d{2,4})+[-·]?"  # its parts, case/案例 numbers (DX-2026-01), SHA-256
                   r"|SM[234])(?![0-9A-Za-z])")  # the national hash and cipher algorithms the 备考表 names
_LATIN = re.compile(r"[A-Za-z]+")
_HANGING = "，。、；：！？”’）》"


@dataclass(frozen=True)
class RenderFinding:
    doc_type: str
    variant: str  # which sample (full / minimal / busy / a case id)
    page: int  # 1-based; 0 = the whole document
    code: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.page}页：" if self.page else ""
        return f"{self.doc_type}（{self.variant}）{where}{self.message}"


@dataclass
class RenderReport:
    findings: list[RenderFinding] = field(default_factory=list)
    checked: list[tuple[str, str]] = field(default_factory=list)  # (doc_type, variant)

    @property
    def ok(self) -> bool:
        return not self.findings


# -- the rules ------------------------------------------------------------------------------------------
def _em(line: str) -> float:
    """Printed width in em: a Chinese character or full-width mark 1, a digit or Latin letter ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in line if not c.isspace())


def _excerpt(text: str, start: int, end: int) -> str:
    return text[max(0, start - 8):end + 8].replace("\n", "⏎")


def check_pages(pages: Sequence[str], *, doc_type: str, variant: str, layout: str,
                fonts: Iterable[str] | None = None, sealed: bool = True) -> list[RenderFinding]:
    """Every finding of the rules above on the text of each page (lines as printed)."""
    out: list[RenderFinding] = []

    def add(page: int, code: str, message: str) -> None:
        out.append(RenderFinding(doc_type, variant, page, code, message))

    for n, text in enumerate(pages, 1):
        flat = _unwrap(text)
        for rx, why in _DANGLING:
            for m in rx.finditer(flat):
                add(n, "dangling", f"{why}：“{_excerpt(flat, m.start(), m.end())}”")
        for m in _EMPTY.finditer(flat):
            add(n, "empty", f"空括号：“{_excerpt(flat, m.start(), m.end())}”")
        joined = flat if layout in GRID_LAYOUTS else text  # in a form the next line is another cell
        for m in _DOUBLED.finditer(joined):
            if m.group(0) not in _DOUBLED_OK and not re.fullmatch(r"[一二三四五六七八九十]+", m.group(1)):
                add(n, "doubled", f"重复的词“{m.group(1)}”：“{_excerpt(joined, m.start(), m.end())}”")
        if "你（单位）" in flat:
            add(n, "you", "称谓写成“你（单位）”，应按当事人类别写“你”或“你单位”")
        clean = _CODE.sub(" ", _URL.sub(" ", text))
        for m in _LATIN.finditer(clean):
            word = m.group(0)
            add(n, "ascii", f"文书中出现英文或内部代码“{word}”：“{_excerpt(clean, m.start(), m.end())}”")
        lines = _body_lines(text)
        if layout in GRID_LAYOUTS:
            # a full-width mark may hang past the 28th character (标点悬挂), nothing else may
            wide = [ln for ln in lines if _em(ln.rstrip().rstrip(_HANGING)) > 28.5 and "\t" not in ln]
            for ln in wide[:3]:
                add(n, "grid", f"一行超过28个字：“{ln.strip()[:20]}…”（{_em(ln):g}字）")
    if pages and sealed and layout in ("gongwen", "letter"):
        out += _seal_alone(pages, doc_type, variant)
    if layout in GRID_LAYOUTS:
        # wrapped lines of pure Chinese text measure exactly; most must be 28 (a line-start rule may make one 27)
        wrapped = [_em(ln) for page in pages for ln in _body_lines(page)
                   if "\t" not in ln and not re.search(r"[\x21-\x7e]", ln) and _em(ln) >= 26.5]
        if len(wrapped) >= 3 and sum(w >= 27.5 for w in wrapped) * 2 < len(wrapped):
            add(0, "grid", f"正文整行只有{max(wrapped):g}个字（应为28个字），版心字数不对")
    if fonts is not None:
        names = list(fonts)
        stray = sorted({f for f in names if not f.startswith(ALLOWED_FACES)})
        if stray:
            add(0, "font", f"PDF 使用了公文字体以外的字体：{'、'.join(stray)}")
        if not any(f.startswith(BODY_FACE) for f in names):
            add(0, "font", "PDF 没有用仿宋（FandolFang）排正文")
    return out


def _unwrap(text: str) -> str:
    """The page's text with wrapped lines joined: a full line (26 characters or more) continues on the
    next; a shorter one ended its paragraph, so the line break stays."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip(" \u3000")
        if out and _em(out[-1]) >= 26:
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def _body_lines(page: str) -> list[str]:
    """The printed lines of a page above its 版记 (set in 4号, 31 characters a line)."""
    lines = [ln for ln in page.splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if ln.strip().startswith("抄送："):
            return lines[:i]
    for i, ln in enumerate(lines):
        if ln.strip().endswith("印发"):
            return lines[:max(0, i - 2)]
    return lines


def _seal_alone(pages: Sequence[str], doc_type: str, variant: str) -> list[RenderFinding]:
    """The page holding the last 成文日期 must also hold body text above the 署名. The 署名 is the run of
    lines right above the date set far in from the left (a long organ name wraps to several lines);
    body text, 附件说明 and 更正说明 start near the margin."""
    for n in range(len(pages), 0, -1):
        raw = [ln for ln in pages[n - 1].splitlines() if ln.strip() and not _PAGE_NO.match(ln)]
        dates = [i for i, ln in enumerate(raw) if _DATE_LINE.match(ln.strip())]
        if not dates:
            continue
        top = dates[-1] - 1  # the 署名's first line: at least the line right above the date
        while top > 0 and _indent(raw[top - 1]) >= _SIGN_INDENT:
            top -= 1
        if n > 1 and top <= 0:
            return [RenderFinding(doc_type, variant, n, "seal-alone", "署名和成文日期单独成页，前面没有正文")]
        return []
    return []


#: leading spaces (pdftotext -layout) from which a line belongs to the 署名 block, not to the text
_SIGN_INDENT = 10


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


# -- reading a PDF ----------------------------------------------------------------------------------------
def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page as printed (pdftotext -layout keeps lines; pdfium as a fallback)."""
    import shutil
    import subprocess

    exe = shutil.which("pdftotext")
    if exe is not None:
        proc = subprocess.run([exe, "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=120,
                              check=False)
        if proc.returncode == 0:
            pages = proc.stdout.decode("utf-8", "replace").split("\f")
            return pages[:-1] if pages and not pages[-1].strip() else pages
    import pypdfium2 as pdfium  # no pdftotext: pdfium's text layer (documents do not import the archive)

    doc = pdfium.PdfDocument(str(pdf))
    try:
        out = []
        for page in doc:
            tp = page.get_textpage()
            try:
                out.append(tp.get_text_range().replace("\r\n", "\n"))
            finally:
                tp.close()
                page.close()
        return out
    finally:
        doc.close()


def check_pdf(pdf: Path, *, doc_type: str, variant: str) -> list[RenderFinding]:
    from casefile.documents.doctypes import DOC_TYPES
    from casefile.documents.fonts import pdf_font_names

    spec = DOC_TYPES[doc_type]
    pages = [_squash_spaces(p) for p in pdf_pages(pdf)]
    return check_pages(pages, doc_type=doc_type, variant=variant, layout=spec.layout,
                       fonts=pdf_font_names(pdf), sealed=True)


def _squash_spaces(page: str) -> str:
    """pdftotext -layout puts spaces between Chinese and digits and pads columns; keep tabs for columns."""
    out = []
    for line in page.splitlines():
        line = re.sub(r"\s{3,}", "\t", line.strip())
        line = re.sub(r"(?<=[^\x00-\x7f]) (?=\S)|(?<=\S) (?=[^\x00-\x7f])", "", line)
        out.append(line)
    return "\n".join(out)


# -- sample data for ``templates check --rendered`` ---------------------------------------------------------
_POOL = ("山西晋北建材有限公司偏关县新关镇工业园区职工养老失业医疗工伤保险缴费基数核定申报补缴欠费"
         "征收决定责令限期催告强制执行协调会商意见回复交办督办纪要告知延期回访调解协议分期担保送达移送"
         "立卷归档备考目录封面典型案例汇编统计分析城乡居民灵活就业人员劳动关系认定仲裁复议诉讼信访复查")


def _filler(i: int, n: int) -> str:
    k = (i * 37) % len(_POOL)
    text = (_POOL[k:] + _POOL)[:n]
    return text


#: what every case and document has, so a minimal sample keeps it
_ALWAYS = ("office.", "doc.type", "doc.title", "doc.date", "doc.recipient", "case.id", "case.number",
           "case.received", "case.channel", "case.jurisdiction", "case.intake_dept", "case.claim", "applicant.name",
           "applicant.kind_label", "x.payer.name", "x.case_no", "x.typical_id")


def _value(path: str, i: int, variant: str) -> str:
    name = path.rsplit(".", 1)[-1]
    optional = variant == "minimal" and not path.startswith(_ALWAYS)
    if name in ("date", "received_date") or name.endswith(("_date", "_on", "_by", "due")) or name == "deadline":
        return "2026年5月8日"
    if name.endswith("_at"):
        return "2026年5月8日 9时30分"
    if path.startswith("office.") or name in ("convener", "organ"):
        return "国家税务总局偏关县税务局" if variant != "busy" else "国家税务总局偏关县税务局社会保险费征缴争议联合处置办公室"
    if name.endswith("upper"):
        return "壹万贰仟叁佰肆拾伍元陆角柒分"
    if any(k in name for k in ("amount", "total", "owed", "fee", "paid", "base", "principal")):
        return "12,345.67"
    if name in ("headcount", "count", "days"):
        return "17"
    if name == "wenhao":
        return "偏税社告〔2026〕9号"
    if name == "phone" or name == "mobile":
        return "0350-8888888"
    if optional:  # dates and amounts a document states are required data; every text may be empty
        return ""
    return _filler(i, 60 if variant == "busy" else 6)


def sample_contexts(doc_type: str) -> dict[str, dict[str, Any]]:
    """Three contexts of the contract's shape with Chinese values: ``full`` (short values), ``minimal``
    (every optional value empty, every list empty) and ``busy`` (60-character values, 8 rows a table,
    30 items a list)."""
    from casefile.documents.context import sample_context

    out: dict[str, dict[str, Any]] = {}
    for variant in ("full", "minimal", "busy"):
        counter = iter(range(10_000))

        def fill(value: Any, path: str, variant: str = variant, counter: Any = counter) -> Any:
            if isinstance(value, dict):
                return {k: fill(v, f"{path}.{k}" if path else k) for k, v in value.items()}
            if isinstance(value, list):
                if variant == "minimal":
                    return []
                many = 8 if value and isinstance(value[0], dict) else 3
                many = 30 if variant == "busy" and "worker" in path else (many if variant == "busy" else 1)
                item = value[0] if value else None
                if isinstance(item, str):  # list items (attachments, questions…) run to a line, not a paragraph
                    return [_filler(next(counter), 20 if variant == "busy" else 6) for _ in range(many)]
                return [fill(item, path) for _ in range(many)] if value else []
            if path in ("doc.type", "doc.title"):
                return value
            return _value(path, next(counter), variant)

        ctx = fill(sample_context(doc_type, filled=True), "")
        _parties(ctx)
        out[variant] = ctx
    return out


def _parties(value: Any) -> None:
    """Every party dict (applicant, counterparty, x.payer …) is a unit, addressed as 你单位."""
    if isinstance(value, dict):
        if "you" in value and "kind_label" in value:
            value["you"], value["kind_label"] = "你单位", "单位"
        for v in value.values():
            _parties(v)
    elif isinstance(value, list):
        for v in value:
            _parties(v)


def check_rendered(ws: Any, doc_types: Sequence[str], scratch: Path,
                   progress: Callable[[str], None] | None = None) -> RenderReport:
    """Render the effective template of each type with the three sample contexts, convert them in one
    warm LibreOffice, and run the rules on every page."""
    from casefile.documents.engine import find_template, load_template
    from casefile.documents.office import warm_office
    from casefile.documents.pdf import convert_many

    report = RenderReport()
    scratch.mkdir(parents=True, exist_ok=True)
    made: list[tuple[str, str, Path]] = []
    for t in doc_types:
        tpl = load_template(find_template(ws, t))
        for variant, ctx in sample_contexts(t).items():
            path = scratch / f"{t}-{variant}.docx"
            path.write_bytes(tpl.render(ctx))
            made.append((t, variant, path))
    with warm_office(scratch):
        for t, variant, path in made:
            if progress is not None:
                progress(f"{t}（{variant}）")
            pdf = convert_many([path], scratch / "pdf")[0]
            report.checked.append((t, variant))
            report.findings += check_pdf(pdf, doc_type=t, variant=variant)
    return report
