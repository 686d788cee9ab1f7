"""Generate the statutory document templates ``templates/D01.docx`` … ``templates/D29.docx``.

The templates are docxtpl (Jinja) documents built programmatically with python-docx and raw
OOXML, so that they are reproducible and reviewable: edit this script, re-run it, commit the
.docx files. Offices customise a copy in their workspace (see templates/README.md).

Usage::

    python tools/build_templates.py                 # write templates/D01.docx … D29.docx and check them
    python tools/build_templates.py --preview OUT   # also render each with sample data → OUT/*.docx, *.pdf, *.png

Layout constants and their source (GB/T 9704-2012《党政机关公文格式》, docs/domain.md §7):

- Paper A4 210 × 297 mm (§5.2.1). Margins: 天头 37 mm (top), 订口 28 mm (left) (§5.2.2);
  bottom 35 mm and right 26 mm follow from the 版心 156 × 225 mm.
- Grid: 22 lines × 28 characters of 3号 (16 pt) per page (§5.2.3), stored as
  ``w:docGrid w:type="lines" w:linePitch="579"`` plus text condensed by 0.25 pt (``w:spacing w:val="-5"``
  in the document defaults):
  * ``linePitch`` = 579 twips = 28.95 pt (225 mm = 12 756 twips; 22 × 579 = 12 738 ≤ 12 756, so 22
    lines fit; 580 would push the 22nd line off the page). Body paragraphs use the same value as an
    exact line spacing, so text sits on the grid in Word, WPS and LibreOffice alike.
  * 28 characters: the 156 mm 版心 is 442.2 pt, 28 × 16 pt = 448 pt does not fit, 28 × 15.75 pt = 441 pt
    does. Word's own way (``linesAndChars`` with ``charSpace`` −849) is not used because LibreOffice 7.4
    lays it out as one or two grid cells per character (1 or 14 characters a line) and with charSpace 0
    as 27; the condensed text on a line grid gives 28 in Word, WPS and LibreOffice, so a plain
    ``soffice --convert-to pdf`` of the .docx and casefile's own conversion agree.
- Fonts (§5.2.4, §7): title 2号小标宋 (22 pt, ``方正小标宋简体``); body 3号仿宋 (16 pt,
  ``仿宋_GB2312``); level-1 headings "一、" 3号黑体; level-2 "（一）" 3号楷体 (``楷体_GB2312``);
  levels 3–4 "1." "（1）" 仿宋. Only the East Asian font name is set (``w:eastAsia``); Latin text
  and digits use Times New Roman. Fonts are named, never embedded.
- 发文机关标志: red 小标宋, top edge 35 mm below the top of the 版心 (§7.2.4); 发文字号 two lines
  below it, centred (§7.2.5); red separator 4 mm below the 发文字号, full 版心 width (§7.2.7).
  Title two lines below the separator (§7.3.1); 主送机关 one line below the title (§7.3.2).
- 署名/成文日期 (§7.3.5): sealed documents put the date 4 characters from the right and centre the
  署名 over it. The 署名 paragraph is centred between a left indent of 13.5 characters and the right
  margin, i.e. on an axis 7.25 characters from the right edge = 4 characters + half a typical date
  (6–7 character widths). A 署名 longer than 14.5 characters wraps within that box instead of running
  into the margin. Unsealed (``署名（不盖章）``/``成文日期（不盖章）``): 署名 2 characters from the
  right; the date on the next line, also 2 characters from the right (the rule for a date longer
  than the 署名; a Word user shifts it by hand otherwise).
- 页码 (§7.5): 4号 (14 pt) 宋体 Arabic numerals between em dashes "— 1 —", 7 mm below the 版心;
  odd pages right-aligned and indented one character, even pages left-aligned and indented one
  character (``w:evenAndOddHeaders``). The footer sits 20 mm above the page edge; the page number
  line (14 pt) plus 3 mm spacing after puts its top 28 mm above the edge = 7 mm under the 版心.
- 信函格式 (§10.1, D04/D09/D24): the organ name in red 30 mm from the top of the page (first-page
  header, header distance 30 mm), a red double rule (thick over thin) 4 mm below it and a red double
  rule (thin over thick) 20 mm above the bottom edge, both 170 mm long and centred; 文号 flush right
  under the rule; no page number on page 1.
- 纪要格式 (§10.3, D11): red mark "××纪要" 35 mm below the top of the 版心; attendance lines with
  "出席：" "列席：" "请假：" in 3号黑体, names in 仿宋, wrapped lines aligned after the colon; no seal.
- 版记 (§7.4): 4号仿宋 between a first and a last thick rule (0.35 mm).
- Enforcement forms (D16–D22; docs/domain.md §7): one-page tables with the agency name and the document
  name as the header and the 文号 flush right; table text in 小四 (12 pt) or 五号 (10.5 pt).

Template variables: see docs/architecture.md ("Template context") and
``casefile.documents.fields.DOC_TYPES`` (the ``x.*`` names per type). Each ``{{ … }}`` is written
as a run of its own; paragraph and row tags (``{%p … %}``, ``{%tr … %}``) stand alone.
"""

from __future__ import annotations

import argparse
import itertools
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from casefile.documents.fields import DOC_TYPES, DocSpec  # noqa: E402
from casefile.documents.pdf import convert_many, find_soffice  # noqa: E402

TEMPLATES = ROOT / "templates"
TEMPLATE_TYPES = [*(f"D{n:02d}" for n in range(1, 30)), "D32"]

# ----------------------------------------------------------------------------------------------
# Layout constants (twips: 1/20 pt; 1 mm = 56.69 twips)
# ----------------------------------------------------------------------------------------------


def mm(v: float) -> int:
    """Millimetres → twips."""
    return round(v * 1440 / 25.4)


PAGE_W, PAGE_H = mm(210), mm(297)  # A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = mm(37), mm(35), mm(28), mm(26)
#: landscape registers (D28): the portrait page turned a quarter to the left as it lies in a bound volume,
#: so the 订口 (28 mm) is at the bottom and the 天头 (37 mm) at the left
LANDSCAPE = {"w": PAGE_H, "h": PAGE_W, "top": mm(26), "bottom": mm(28), "left": mm(37), "right": mm(35)}
LANDSCAPE_TYPES = {"D28"}
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 版心 width 156 mm = 8844 twips
LINE_PITCH = 579  # 28.95 pt: 22 lines in the 225 mm 版心
CONDENSE = -5  # 1/20 pt: 16 pt characters at 15.75 pt, 28 to the 156 mm 版心
CHAR = TEXT_W / 28  # one grid character (≈ 315.9 twips)
HEADER_DIST = mm(30)  # 信函格式: organ name 30 mm from the top of the page
FOOTER_DIST = mm(20)  # footer bottom 20 mm above the page edge (信函 double rule; page numbers)
FOOTER_AREA = MARGIN_BOTTOM - FOOTER_DIST  # 15 mm between the 版心 and the footer distance
# The page-number paragraph fills the whole footer area (7 mm before, a 14 pt line, the rest after), so
# Word (which anchors footers at the bottom) and LibreOffice (which fills them from the top) agree.
PAGE_NO_BEFORE = mm(7)
PAGE_NO_AFTER = FOOTER_AREA - PAGE_NO_BEFORE - 14 * 20
LETTER_RULE_OVERHANG = mm(7)  # 170 mm rules on a 156 mm 版心

RED = "FF0000"
FS, HT, KT, XBS, ST, TNR = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体", "Times New Roman"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TAG_RE = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})")


def chars(n: float) -> int:
    """n grid characters → twips."""
    return round(n * CHAR)


# ----------------------------------------------------------------------------------------------
# Raw OOXML helpers (children in schema order: Word rejects misordered pPr/rPr children)
# ----------------------------------------------------------------------------------------------


def rpr_xml(
    *,
    font: str | None = None,
    ascii_font: str = TNR,
    bold: bool = False,
    color: str | None = None,
    size: float | None = None,
    rstyle: str | None = None,
    snap: bool | None = None,
) -> str:
    parts: list[str] = []
    if rstyle:
        parts.append(f'<w:rStyle w:val="{rstyle}"/>')
    if font:
        parts.append(
            f'<w:rFonts w:ascii="{ascii_font}" w:hAnsi="{ascii_font}" w:eastAsia="{font}" w:cs="{ascii_font}"/>'
        )
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if snap is False:
        parts.append('<w:snapToGrid w:val="0"/>')
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size:
        hp = round(size * 2)
        parts.append(f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>" if parts else ""


def border_xml(side: str, val: str = "single", sz: int = 4, color: str = "000000", space: int = 0) -> str:
    return f'<w:{side} w:val="{val}" w:sz="{sz}" w:space="{space}" w:color="{color}"/>'


def ppr_xml(
    *,
    style: str | None = None,
    keep_next: bool = False,
    keep_lines: bool = False,
    pbdr: str = "",
    tabs: Sequence[tuple[str, int]] = (),
    snap: bool | None = None,
    before: int | None = None,
    after: int | None = None,
    line: int | None = None,
    rule: str = "exact",
    ind: dict[str, int] | None = None,
    jc: str | None = None,
    outline: int | None = None,
    rpr: str = "",
) -> str:
    parts: list[str] = []
    if style:
        parts.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        parts.append("<w:keepNext/>")
    if keep_lines:
        parts.append("<w:keepLines/>")
    if pbdr:
        parts.append(f"<w:pBdr>{pbdr}</w:pBdr>")
    if tabs:
        parts.append("<w:tabs>" + "".join(f'<w:tab w:val="{v}" w:pos="{p}"/>' for v, p in tabs) + "</w:tabs>")
    if snap is not None:
        parts.append(f'<w:snapToGrid w:val="{1 if snap else 0}"/>')
    sp = []
    if before is not None:
        sp.append(f'w:before="{before}"')
    if after is not None:
        sp.append(f'w:after="{after}"')
    if line is not None:
        sp.append(f'w:line="{line}" w:lineRule="{rule}"')
    if sp:
        parts.append(f"<w:spacing {' '.join(sp)}/>")
    if ind is not None:
        parts.append("<w:ind " + " ".join(f'w:{k}="{v}"' for k, v in ind.items()) + "/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    parts.append(rpr)
    return "<w:pPr>" + "".join(parts) + "</w:pPr>"


def ind_first(n: float = 2) -> dict[str, int]:
    return {"firstLineChars": round(n * 100), "firstLine": chars(n)}


def ind_none() -> dict[str, int]:
    return {"left": 0, "right": 0, "firstLineChars": 0, "firstLine": 0}


Seg = str | tuple[str, str]  # text, or (text, character style id)


def runs_xml(segments: Iterable[Seg]) -> str:
    """Runs for the given text. Every Jinja tag gets a run of its own; "\\t" is a tab, "\\n" a break."""
    out: list[str] = []
    for seg in segments:
        text, cstyle = (seg, None) if isinstance(seg, str) else seg
        rpr = f'<w:rPr><w:rStyle w:val="{cstyle}"/></w:rPr>' if cstyle else ""
        for piece in TAG_RE.split(text):
            if not piece:
                continue
            if TAG_RE.fullmatch(piece):
                out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{_esc(piece)}</w:t></w:r>')
                continue
            for chunk in re.split(r"(\t|\n)", piece):
                if chunk == "\t":
                    out.append(f"<w:r>{rpr}<w:tab/></w:r>")
                elif chunk == "\n":
                    out.append(f"<w:r>{rpr}<w:br/></w:r>")
                elif chunk:
                    out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{_esc(chunk)}</w:t></w:r>')
    return "".join(out)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def p_xml(segments: Seg | Sequence[Seg] = "", style: str = "Normal", **ppr: Any) -> str:
    segs: Sequence[Seg] = [segments] if isinstance(segments, str | tuple) else segments
    return f"<w:p>{ppr_xml(style=style, **ppr)}{runs_xml(segs)}</w:p>"


def el(xml: str) -> etree._Element:
    return parse_xml(f"<w:wrap {nsdecls('w')}>{xml}</w:wrap>")


# ----------------------------------------------------------------------------------------------
# Styles
# ----------------------------------------------------------------------------------------------


@dataclass
class StyleDef:
    sid: str
    name: str
    ppr: dict[str, Any] = field(default_factory=dict)
    rpr: dict[str, Any] = field(default_factory=dict)
    kind: str = "paragraph"
    based_on: str | None = "Normal"


BODY_LINE = {"line": LINE_PITCH, "before": 0, "after": 0}
TABLE_LINE_12 = {"line": 320, "before": 10, "after": 10}  # 16 pt for 小四 in table cells
TABLE_LINE_10 = {"line": 290, "before": 10, "after": 10}  # 14.5 pt for 五号

STYLES: list[StyleDef] = [
    StyleDef(
        "GwMark",
        "发文机关标志",
        {"jc": "center", "ind": ind_none(), "snap": False, "line": 720, "before": mm(35)},
        {"font": XBS, "color": RED, "size": 26},
    ),
    StyleDef("GwWenhao", "发文字号", {"jc": "center", "ind": ind_none()}),
    StyleDef("GwWenhaoR", "发文字号（信函）", {"jc": "right", "ind": ind_none(), "before": 280}),
    StyleDef(
        "GwRedRule",
        "红色分隔线",
        {"jc": "center", "ind": ind_none(), "pbdr": border_xml("bottom", sz=12, color=RED, space=11)},
    ),
    StyleDef(
        "GwTitle",
        "公文标题",
        {"jc": "center", "ind": ind_none(), "snap": False, "line": 700},
        {"font": XBS, "size": 22},
    ),
    StyleDef("GwSubtitle", "副标题", {"jc": "center", "ind": ind_none()}, {"font": KT}),
    StyleDef("GwRecipient", "主送机关", {"jc": "both", "ind": ind_none()}),
    StyleDef("GwH1", "一级标题", {"keep_next": True, "outline": 0}, {"font": HT}),
    StyleDef("GwH2", "二级标题", {"keep_next": True, "outline": 1}, {"font": KT}),
    StyleDef("GwH3", "三级标题", {"outline": 2}),
    StyleDef("GwBlank", "空行", {"ind": ind_none()}),
    StyleDef(
        "GwAttach",
        "附件说明",
        {"ind": {"left": chars(5), "leftChars": 500, "hanging": chars(3), "hangingChars": 300}},
    ),
    StyleDef(
        "GwParty",
        "当事人信息",
        {"jc": "left", "ind": {"left": chars(2), "leftChars": 200, "firstLine": 0, "firstLineChars": 0}},
    ),
    StyleDef("GwSignCol", "协议签署栏", {"jc": "left", "ind": ind_none(), "snap": False}),
    StyleDef(
        "GwSign",
        "署名",
        {
            "jc": "center",
            "keep_next": True,
            "keep_lines": True,
            "ind": {"left": chars(13.5), "leftChars": 1350, "right": 0, "firstLine": 0, "firstLineChars": 0},
        },
    ),
    StyleDef(
        "GwDate",
        "成文日期",
        {
            "jc": "right",
            "ind": {"left": 0, "right": chars(4), "rightChars": 400, "firstLine": 0, "firstLineChars": 0},
        },
    ),
    StyleDef(
        "GwSignU",
        "署名（不盖章）",
        {
            "jc": "right",
            "keep_next": True,
            "keep_lines": True,
            "ind": {"left": 0, "right": chars(2), "rightChars": 200, "firstLine": 0, "firstLineChars": 0},
        },
    ),
    StyleDef(
        "GwDateU",
        "成文日期（不盖章）",
        {
            "jc": "right",
            "ind": {"left": 0, "right": chars(2), "rightChars": 200, "firstLine": 0, "firstLineChars": 0},
        },
    ),
    StyleDef("GwNote", "附注", {"ind": ind_first(2)}),
    StyleDef(
        "GwCopy",
        "版记",
        {
            "ind": {"left": 280, "right": 280, "firstLine": 0, "firstLineChars": 0},
            "snap": False,
            "line": 560,
            "jc": "both",
            "pbdr": border_xml("top", sz=8) + border_xml("bottom", sz=8),
        },
        {"size": 14},
    ),
    StyleDef(
        "GwCopyLast",
        "版记（印发机关和印发日期）",
        {
            "ind": {"left": 280, "right": 280, "firstLine": 0, "firstLineChars": 0},
            "snap": False,
            "line": 560,
            "tabs": [("right", TEXT_W - 280)],
            "pbdr": border_xml("top", sz=4) + border_xml("bottom", sz=8),
        },
        {"size": 14},
    ),
    StyleDef(
        "GwAttend",
        "出席列席",
        {"ind": {"left": chars(5), "leftChars": 500, "hanging": chars(3), "hangingChars": 300}},
    ),
    StyleDef("MinHead", "纪要印发机关", {"ind": ind_none(), "jc": "left", "after": 80}),
    StyleDef("MinHeadR", "纪要日期", {"ind": ind_none(), "jc": "right", "after": 80}),
    StyleDef(
        "EnfOrgan",
        "执法文书机关名称",
        {"jc": "center", "ind": ind_none(), "snap": False, "line": 460},
        {"font": XBS, "size": 18},
    ),
    StyleDef(
        "EnfTitle",
        "执法文书名称",
        {"jc": "center", "ind": ind_none(), "snap": False, "line": 600},
        {"font": XBS, "size": 22},
    ),
    StyleDef(
        "FormMeta",
        "表头信息",
        {
            "ind": ind_none(),
            "snap": False,
            "line": 400,
            "before": 60,
            "after": 60,
            "tabs": [("right", TEXT_W)],
        },
        {"size": 12},
    ),
    StyleDef(
        "FormMetaR",
        "表头信息（右）",
        {"ind": ind_none(), "snap": False, "line": 400, "before": 60, "after": 60, "jc": "right"},
        {"size": 12},
    ),
    StyleDef(
        "TblText", "表格文字", {"ind": ind_none(), "snap": False, "jc": "both", **TABLE_LINE_12}, {"size": 12}
    ),
    StyleDef(
        "TblIndent",
        "表格正文",
        {
            "ind": {"left": 0, "right": 0, "firstLine": 480, "firstLineChars": 200},
            "snap": False,
            "jc": "both",
            **TABLE_LINE_12,
        },
        {"size": 12},
    ),
    StyleDef(
        "EnfText",
        "执法文书正文",
        {
            "ind": {"left": 0, "right": 0, "firstLine": 420, "firstLineChars": 200},
            "snap": False,
            "jc": "both",
            "line": 270,
            "before": 0,
            "after": 0,
        },
        {"size": 10.5},
    ),
    StyleDef(
        "TblLabel",
        "表格标签",
        {"ind": ind_none(), "snap": False, "jc": "center", **TABLE_LINE_12},
        {"size": 12},
    ),
    StyleDef(
        "TblHead",
        "表格列标题",
        {"ind": ind_none(), "snap": False, "jc": "center", **TABLE_LINE_12},
        {"size": 12, "font": HT},
    ),
    StyleDef(
        "TblSign",
        "表格署名",
        {
            "ind": {"left": 5200, "right": 0, "firstLine": 0, "firstLineChars": 0},
            "snap": False,
            "jc": "center",
            **TABLE_LINE_12,
        },
        {"size": 12},
    ),
    StyleDef(
        "TblDate",
        "表格日期",
        {
            "ind": {"left": 0, "right": 960, "firstLine": 0, "firstLineChars": 0},
            "snap": False,
            "jc": "right",
            **TABLE_LINE_12,
        },
        {"size": 12},
    ),
    StyleDef(
        "TblSmall",
        "明细表文字",
        {"ind": ind_none(), "snap": False, "jc": "center", **TABLE_LINE_10},
        {"size": 10.5},
    ),
    StyleDef(
        "TblSmallHead",
        "明细表列标题",
        {"ind": ind_none(), "snap": False, "jc": "center", **TABLE_LINE_10},
        {"size": 10.5, "font": HT},
    ),
    StyleDef(
        "TblSmallLeft",
        "明细表文字（左）",
        {"ind": ind_none(), "snap": False, "jc": "left", **TABLE_LINE_10},
        {"size": 10.5},
    ),
    StyleDef(
        "TblTiny",
        "明细表小字",
        {"ind": ind_none(), "snap": False, "jc": "center", "line": 250, "before": 10, "after": 10},
        {"size": 9},
    ),
    StyleDef(
        "TblTinyHead",
        "明细表小字列标题",
        {"ind": ind_none(), "snap": False, "jc": "center", "line": 250, "before": 10, "after": 10},
        {"size": 9, "font": HT},
    ),
    StyleDef(
        "CoverBig",
        "封面题名",
        {"jc": "center", "ind": ind_none(), "snap": False, "line": 700},
        {"font": XBS, "size": 22},
    ),
    StyleDef(
        "PageNo",
        "页码",
        {"ind": ind_none(), "snap": False, "line": 280, "before": PAGE_NO_BEFORE, "after": PAGE_NO_AFTER},
        {"font": ST, "ascii_font": ST, "size": 14},
    ),
    StyleDef("LabelHei", "黑体标签", {}, {"font": HT}, kind="character", based_on=None),
    StyleDef("LabelKai", "楷体标签", {}, {"font": KT}, kind="character", based_on=None),
]


def style_xml(s: StyleDef) -> str:
    based = f'<w:basedOn w:val="{s.based_on}"/>' if s.based_on else ""
    if s.kind == "character":
        return (
            f'<w:style {nsdecls("w")} w:type="character" w:customStyle="1" w:styleId="{s.sid}">'
            f'<w:name w:val="{s.name}"/>{based}<w:qFormat/>{rpr_xml(**s.rpr)}</w:style>'
        )
    ppr = ppr_xml(**s.ppr)
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{s.sid}">'
        f'<w:name w:val="{s.name}"/>{based}<w:next w:val="Normal"/><w:qFormat/>{ppr}{rpr_xml(**s.rpr)}</w:style>'
    )


def install_styles(doc: Any) -> None:
    styles = doc.styles.element
    # document defaults: 3号仿宋, Times New Roman for Latin text, zh-CN
    for old in styles.findall(qn("w:docDefaults")):
        styles.remove(old)
    defaults = parse_xml(
        f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
        f'<w:rFonts w:ascii="{TNR}" w:hAnsi="{TNR}" w:eastAsia="{FS}" w:cs="{TNR}"/>'
        f'<w:spacing w:val="{CONDENSE}"/><w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>"
    )
    styles.insert(0, defaults)
    # Normal = 正文: 3号仿宋, justified, first line indented two characters, on the grid
    normal = next(s for s in styles.findall(qn("w:style")) if s.get(qn("w:styleId")) == "Normal")
    for child in list(normal):
        if child.tag in (qn("w:pPr"), qn("w:rPr")):
            normal.remove(child)
    normal.append(
        parse_xml(
            f'<w:pPr {nsdecls("w")}><w:widowControl w:val="0"/>'
            f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/>'
            f'<w:ind w:firstLineChars="200" w:firstLine="{chars(2)}"/><w:jc w:val="both"/></w:pPr>'
        )
    )
    normal.append(
        parse_xml(
            f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{TNR}" w:hAnsi="{TNR}" w:eastAsia="{FS}" w:cs="{TNR}"/>'
            f'<w:spacing w:val="{CONDENSE}"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>'
        )
    )
    for s in STYLES:
        styles.append(parse_xml(style_xml(s)))


# ----------------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------------


@dataclass
class Cell:
    """One table cell: paragraphs (each a Seg or list of Segs), style, grid span, vertical merge."""

    paras: list[Seg | list[Seg]]
    style: str = "TblText"
    span: int = 1
    vmerge: str | None = None  # "restart" | "continue"
    valign: str = "center"
    borders: str = ""  # raw <w:tcBorders> content
    para_styles: list[str] | None = None  # per-paragraph styles (default: `style` for all)


def C(text: Seg | list[Seg] = "", style: str = "TblText", span: int = 1, **kw: Any) -> Cell:
    return Cell([text], style, span, **kw)


def L(text: str, span: int = 1, **kw: Any) -> Cell:
    return Cell([text], "TblLabel", span, **kw)


@dataclass
class Row:
    cells: list[Cell]
    height: int | None = None  # twips, at least
    exact: bool = False
    header: bool = False


def tag_row(tag: str, ncols: int) -> Row:
    return Row([Cell([tag], "TblText", ncols)])


def table_xml(
    widths: Sequence[int],
    rows: Sequence[Row],
    *,
    borders: bool = True,
    outer: int = 8,
    inner: int = 4,
    jc: str = "center",
    cell_margin: int = 85,
) -> str:
    total = sum(widths)
    if borders:
        b = (
            border_xml("top", sz=outer)
            + border_xml("left", sz=outer)
            + border_xml("bottom", sz=outer)
            + border_xml("right", sz=outer)
            + border_xml("insideH", sz=inner)
            + border_xml("insideV", sz=inner)
        )
    else:
        b = "".join(
            border_xml(s, val="nil") for s in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
    out = [
        "<w:tbl><w:tblPr>",
        f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="{jc}"/>',
        f'<w:tblBorders>{b}</w:tblBorders><w:tblLayout w:type="fixed"/>',
        f'<w:tblCellMar><w:left w:w="{cell_margin}" w:type="dxa"/><w:right w:w="{cell_margin}" w:type="dxa"/>'
        "</w:tblCellMar>",
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="0"/>',
        "</w:tblPr><w:tblGrid>",
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    for row in rows:
        span_total = sum(c.span for c in row.cells)
        if span_total != len(widths):
            raise ValueError(f"row spans {span_total} columns, table has {len(widths)}: {row}")
        trpr = "<w:cantSplit/>" if row.height else ""  # long text rows may break across pages
        if row.height:
            trpr += f'<w:trHeight w:val="{row.height}" w:hRule="{"exact" if row.exact else "atLeast"}"/>'
        if row.header:
            trpr += "<w:tblHeader/>"
        out.append(f"<w:tr><w:trPr>{trpr}</w:trPr>" if trpr else "<w:tr>")
        col = 0
        for cell in row.cells:
            w = sum(widths[col : col + cell.span])
            col += cell.span
            tcpr = f'<w:tcW w:w="{w}" w:type="dxa"/>'
            if cell.span > 1:
                tcpr += f'<w:gridSpan w:val="{cell.span}"/>'
            if cell.vmerge:
                tcpr += f'<w:vMerge w:val="{cell.vmerge}"/>'
            if cell.borders:
                tcpr += f"<w:tcBorders>{cell.borders}</w:tcBorders>"
            tcpr += f'<w:vAlign w:val="{cell.valign}"/>'
            styles = cell.para_styles or [cell.style] * len(cell.paras)
            paras = "".join(
                p_xml(pp if isinstance(pp, list) else [pp], style=st)
                for pp, st in zip(cell.paras, styles, strict=True)
            ) or p_xml("", style=cell.style)
            out.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{paras}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


# ----------------------------------------------------------------------------------------------
# The document builder
# ----------------------------------------------------------------------------------------------


class Builder:
    """Accumulates body XML for one template, then writes the .docx."""

    def __init__(self, spec: DocSpec, *, letter: bool = False, page_numbers: bool = True) -> None:
        self.spec = spec
        self.letter = letter
        self.page_numbers = page_numbers
        self.body: list[str] = []
        self.red = False  # a 版头 (red header) was set: the 版记 carries 印发机关 and 印发日期

    # -- body helpers ----------------------------------------------------------------------
    def p(self, text: Seg | Sequence[Seg] = "", style: str = "Normal", **ppr: Any) -> Builder:
        self.body.append(p_xml(text, style, **ppr))
        return self

    def tag(self, tag: str) -> Builder:
        """A paragraph-level Jinja tag ({%p … %}) on a paragraph of its own."""
        self.body.append(p_xml(tag, "GwBlank"))
        return self

    def blank(self, n: int = 1) -> Builder:
        for _ in range(n):
            self.body.append(p_xml("", "GwBlank"))
        return self

    def h1(self, text: str) -> Builder:
        return self.p(text, "GwH1")

    def h2(self, text: str) -> Builder:
        return self.p(text, "GwH2")

    def loop(self, var: str, seq: str, line: str, style: str = "Normal") -> Builder:
        self.tag(f"{{%p for {var} in {seq} %}}")
        self.p(line, style)
        return self.tag("{%p endfor %}")

    def numbered(self, var: str, seq: str, item: str, style: str = "Normal") -> Builder:
        """A "1. …" list; numbers only when the list has more than one item."""
        return self.loop(
            var, seq, "{% if " + seq + "|length > 1 %}{{ loop.index }}. {% endif %}" + item, style
        )

    def table(self, widths: Sequence[int], rows: Sequence[Row], **kw: Any) -> Builder:
        self.body.append(table_xml(widths, rows, **kw))
        return self

    # -- recurring blocks ------------------------------------------------------------------
    def red_head(self, organ: str = "{{ office.name }}", number: str = "{{ doc.wenhao }}") -> Builder:
        """GB/T 9704 版头: organ mark, 发文字号 two lines below, red rule 4 mm under it, two blank lines."""
        self.red = True
        self.p(organ, "GwMark")
        self.blank(2)
        self.p(number, "GwRedRule")
        return self.blank(2)

    def title(self, text: str = "{{ doc.title }}") -> Builder:
        return self.p(text, "GwTitle")

    def recipient(self, text: str = "{{ doc.recipient }}：") -> Builder:
        self.blank()
        self.tag("{%p if doc.recipient %}")
        self.p(text, "GwRecipient")
        return self.tag("{%p endif %}")

    def remedy_block(self, intro: str | None = None) -> Builder:
        if intro:
            self.p(intro)
        return self.loop("r", "remedy", "{{ r }}")

    def attachments(self) -> Builder:
        """附件说明: one blank line under the text, "附件：1.×××", numbered only when there are several."""
        self.tag("{%p if doc.attachments %}")
        self.blank()
        self.tag("{%p for a in doc.attachments %}")
        self.p(
            "{% if loop.first %}附件：{% else %}\u3000\u3000\u3000{% endif %}"
            "{% if doc.attachments|length > 1 %}{{ loop.index }}.{% endif %}{{ a }}",
            "GwAttach",
        )
        self.tag("{%p endfor %}")
        return self.tag("{%p endif %}")

    def corrects(self) -> Builder:
        self.tag("{%p if doc.corrects %}")
        self.p("（更正说明：{{ doc.corrects }}）")
        return self.tag("{%p endif %}")

    def signature(self, organ: str = "{{ office.name }}", *, sealed: bool = True, gap: int = 3) -> Builder:
        """署名 and 成文日期 (GB/T 9704 §7.3.5); `gap` blank lines leave room for the seal.

        The seal must share its page with text: the last body paragraph (and the 附件说明/更正说明 after
        it) keep with the next paragraph, so a page break falls before them and body lines move over
        with the 署名, as the standard describes, instead of the 署名 standing alone."""
        self._keep_tail()
        self.blank(gap)
        for i in range(len(self.body) - gap, len(self.body)):
            self.body[i] = _keep_next(self.body[i])
        if sealed:
            self.p(organ, "GwSign")
            return self.p("{{ doc.date }}", "GwDate")
        self.p(organ, "GwSignU")
        return self.p("{{ doc.date }}", "GwDateU")

    def _keep_tail(self) -> None:
        for i in range(len(self.body) - 1, -1, -1):
            xml = self.body[i]
            if not xml.startswith("<w:p>"):
                return  # a table ends the text
            self.body[i] = _keep_next(xml)
            if not any(mark in xml for mark in ("{%p", 'w:val="GwAttach"', 'w:val="GwBlank"', "更正说明")):
                return  # the last real body paragraph

    def contact_note(self) -> Builder:
        """附注 under the date: contact person and telephone."""
        return self.p("（{% if x.contact %}联系人：{{ x.contact }}；{% endif %}联系电话：{{ office.phone }}）", "GwNote")

    def copy_to(self, organ: str = "{{ office.name }}") -> Builder:
        """版记 (GB/T 9704 §7.4): 抄送 when there is one; a red-header document also carries 印发机关 and
        印发日期 (the 成文日期). Letters (信函格式) print 抄送 only."""
        if not self.red:
            self.tag("{%p if doc.copy_to %}")
            self.blank()
            self.p("抄送：{{ doc.copy_to }}。", "GwCopy")
            return self.tag("{%p endif %}")
        self.blank()
        self.tag("{%p if doc.copy_to %}")
        self.p("抄送：{{ doc.copy_to }}。", "GwCopy", keep_next=True)
        self.tag("{%p endif %}")
        return self.p(f"{organ}\t{{{{ doc.date }}}}印发", "GwCopyLast")

    def enforcement_head(self, wenhao: bool = True) -> Builder:
        self.p("{{ office.name }}", "EnfOrgan")
        self.p("{{ doc.title }}", "EnfTitle")
        if wenhao:
            self.p("{{ doc.wenhao }}", "FormMetaR")
        return self

    def form_head(self, meta_left: str = "", meta_right: str = "") -> Builder:
        self.title()
        if meta_left or meta_right:
            self.p(f"{meta_left}\t{meta_right}", "FormMeta")
        return self

    # -- output ------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        doc = Document()
        install_styles(doc)
        settings = doc.settings.element
        _tune_settings(settings)
        body = doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        sect = body.find(qn("w:sectPr"))
        for xml in self.body:
            for node in el(xml):
                sect.addprevious(node)
        section = doc.sections[0]
        _page_setup(section, landscape=self.spec.type in LANDSCAPE_TYPES)
        doc.settings.odd_and_even_pages_header_footer = True
        if self.page_numbers:
            _page_number(section.footer, odd=True)
            _page_number(section.even_page_footer, odd=False)
        if self.letter:
            section.different_first_page_header_footer = True
            section._sectPr.find(qn("w:pgMar")).set(qn("w:header"), str(HEADER_DIST))
            _letter_head(section.first_page_header)
            _letter_foot(section.first_page_footer)
            _tiny(section.header)
            _tiny(section.even_page_header)
        props = doc.core_properties
        props.title = self.spec.title
        props.subject = f"{self.spec.type} {self.spec.title}"
        props.author = "casefile"
        props.keywords = f"casefile;{self.spec.type};{self.spec.layout}"
        props.comments = "由 tools/build_templates.py 生成；变量说明见 templates/README.md"
        props.last_modified_by = "casefile"
        props.revision = 1
        from datetime import datetime

        fixed = datetime(2026, 1, 1)
        props.created = fixed
        props.modified = fixed
        doc.save(str(path))
        _normalise_zip(path)


def _keep_next(xml: str) -> str:
    """The paragraph with ``w:keepNext`` and ``w:keepLines`` (once)."""
    if "<w:keepNext/>" in xml:
        return xml
    return re.sub(r"(<w:pPr>(?:<w:pStyle [^>]*/>)?)", r"\1<w:keepNext/><w:keepLines/>", xml, count=1)


def _tune_settings(settings: Any) -> None:
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        # a line ending in a manual break (a claim typed with Enter) is not spread across the line
        compat.insert(0, parse_xml(f"<w:doNotExpandShiftReturn {nsdecls('w')}/>"))
        for cs in compat.findall(qn("w:compatSetting")):
            if cs.get(qn("w:name")) == "compatibilityMode":
                cs.set(qn("w:val"), "15")
    for rs in settings.findall(qn("w:rsids")):
        settings.remove(rs)


def _page_setup(section: Any, landscape: bool = False) -> None:
    sect = section._sectPr
    for tag in ("w:pgSz", "w:pgMar", "w:docGrid", "w:cols"):
        for old in sect.findall(qn(tag)):
            sect.remove(old)
    if landscape:
        g = LANDSCAPE
        pgsz = parse_xml(f'<w:pgSz {nsdecls("w")} w:w="{g["w"]}" w:h="{g["h"]}" w:orient="landscape"/>')
        pgmar = parse_xml(
            f'<w:pgMar {nsdecls("w")} w:top="{g["top"]}" w:right="{g["right"]}" w:bottom="{g["bottom"]}" '
            f'w:left="{g["left"]}" w:header="{mm(12)}" w:footer="{mm(14)}" w:gutter="0"/>'
        )
    else:
        pgsz = parse_xml(f'<w:pgSz {nsdecls("w")} w:w="{PAGE_W}" w:h="{PAGE_H}"/>')
        pgmar = parse_xml(
            f'<w:pgMar {nsdecls("w")} w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
            f'w:left="{MARGIN_LEFT}" w:header="{mm(15)}" w:footer="{FOOTER_DIST}" w:gutter="0"/>'
        )
    cols = parse_xml(f'<w:cols {nsdecls("w")} w:space="425"/>')
    grid = parse_xml(
        f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="{LINE_PITCH}"/>'
    )
    # schema order: headerReference*, footerReference*, …, pgSz, pgMar, …, cols, …, titlePg, …, docGrid
    refs = [c for c in sect if c.tag in (qn("w:headerReference"), qn("w:footerReference"), qn("w:type"))]
    anchor = refs[-1] if refs else None
    if anchor is None:
        sect.insert(0, pgsz)
    else:
        anchor.addnext(pgsz)
    pgsz.addnext(pgmar)
    pgmar.addnext(cols)
    sect.append(grid)


def _set_paragraphs(part: Any, xml: str) -> None:
    el_part = part._element
    for child in list(el_part):
        el_part.remove(child)
    for node in el(xml):
        el_part.append(node)


def _page_number(footer: Any, *, odd: bool) -> None:
    footer.is_linked_to_previous = False
    ind = {"right": 280, "left": 0} if odd else {"left": 280, "right": 0}
    fld = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    xml = (
        f"<w:p>{ppr_xml(style='PageNo', jc='right' if odd else 'left', ind=ind)}"
        f'<w:r><w:t xml:space="preserve">— </w:t></w:r>{fld}<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
    )
    _set_paragraphs(footer, xml)


def _letter_head(header: Any) -> None:
    """信函格式 organ mark 30 mm from the top and the red double rule (thick over thin) 4 mm below it."""
    header.is_linked_to_previous = False
    ind = {"left": -LETTER_RULE_OVERHANG, "right": -LETTER_RULE_OVERHANG, "firstLine": 0}
    xml = p_xml(
        "{{ office.name }}",
        "GwMark",
        before=0,
        after=0,
        ind=ind,
        pbdr=border_xml("bottom", val="thickThinSmallGap", sz=24, color=RED, space=11),
    )
    _set_paragraphs(header, xml)


def _letter_foot(footer: Any) -> None:
    """信函格式: red double rule (thin over thick) 20 mm above the bottom edge; no page number.

    The rule is the bottom border of a paragraph that fills the footer area, so that it sits on the footer
    distance in Word and LibreOffice alike (a bottom border reads "thin over thick" in both).
    """
    footer.is_linked_to_previous = False
    ind = {"left": -LETTER_RULE_OVERHANG, "right": -LETTER_RULE_OVERHANG, "firstLine": 0}
    xml = p_xml(
        "",
        "GwBlank",
        ind=ind,
        line=20,
        before=FOOTER_AREA - 20 - 80,
        after=0,
        snap=False,
        pbdr=border_xml("bottom", val="thinThickSmallGap", sz=24, color=RED, space=0),
        rpr='<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>',
    )
    _set_paragraphs(footer, xml)


def _tiny(header: Any) -> None:
    """An empty header that takes no room (pages 2+ of a letter keep the 37 mm top margin)."""
    header.is_linked_to_previous = False
    _set_paragraphs(
        header,
        p_xml("", "GwBlank", line=20, snap=False, rpr='<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'),
    )


def _normalise_zip(path: Path) -> None:
    """Rewrite the package with fixed timestamps so that a rebuild is byte-identical."""
    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


# ----------------------------------------------------------------------------------------------
# Shared text
# ----------------------------------------------------------------------------------------------

#: 你 / 你单位 by the party's kind (``you`` of casefile.documents.context.party_dict)
YOU = "{{ applicant.you }}"
PAYER_YOU = "{{ x.payer.you }}"
CONSEQUENCES_63 = (
    "逾期仍不缴纳或者补足的，本机关将依照《中华人民共和国社会保险法》第六十三条的规定，向银行和其他金融机构"
    "查询"
    + PAYER_YOU
    + "的存款账户，并可以申请县级以上有关行政部门作出划拨社会保险费的决定；账户余额少于应当缴纳的"
    "社会保险费的，可以要求"
    + PAYER_YOU
    + "提供担保，签订延期缴费协议；未足额缴纳且未提供担保的，可以申请人民法院扣押、"
    "查封、拍卖"
    + PAYER_YOU
    + "价值相当于应当缴纳社会保险费的财产，以拍卖所得抵缴社会保险费。逾期仍不缴纳的，由有关"
    "行政部门依照第八十六条的规定处欠缴数额一倍以上三倍以下的罚款。"
)
ROMAN = "{{ '一二三四五六七八九十'[loop.index0] if loop.index0 in range(10) else loop.index }}"

# table widths (twips); every table spans the 版心 (8844)
W4 = [1700, 2722, 1700, 2722]
W4E = [2100, 3200, 1400, 2144]  # enforcement forms: an 18-character credit code on one line in 小四
W4F = [1750, 2672, 1750, 2672]  # forms with identity numbers


def payer_rows() -> list[Row]:
    """缴费人 rows on a 4-column grid (label, value, label, value)."""
    return [
        Row([L("缴费人名称"), C("{{ x.payer.name }}", span=3)], height=480),
        Row(
            [
                L("{{ x.payer.id_label }}"),
                C("{{ x.payer.id_value }}"),
                L("法定代表人（负责人）"),
                C("{{ x.payer.legal_rep }}"),
            ],
            height=480,
        ),
        Row(
            [
                L("地址"),
                C("{{ x.payer.address }}"),
                L("联系电话"),
                C("{{ x.payer.mobile or x.payer.phone }}"),
            ],
            height=480,
        ),
    ]


def seal_row(
    ncols: int, organ: str = "{{ office.name }}", height: int = 1100, note: str | None = None
) -> Row:
    """A full-width row: sealed 署名 centred over the date, the date four characters from the right (小四).

    `note` (e.g. the 附件 line) is printed flush left at the top of the same cell.
    """
    paras: list[Seg | list[Seg]] = [organ, "{{ doc.date }}"]
    styles = ["TblSign", "TblDate"]
    if note is not None:
        paras.insert(0, note)
        styles.insert(0, "TblText")
    return Row([Cell(paras, "TblSign", ncols, valign="bottom", para_styles=styles)], height=height)


def text_cell(paras: list[Seg | list[Seg]], ncols: int, style: str = "EnfText") -> Row:
    return Row([Cell(paras, style, ncols, valign="top")])


# Enforcement forms D16–D18: the 缴费人 rows and the arrears table divide the 版心 differently, so the
# table grid holds the column edges of both and each row spans the grid columns between its own edges.
# Widths keep the widest realistic value on one line in Times New Roman and in the wider DejaVu Serif
# that LibreOffice substitutes on a server without Windows fonts, allowing for the gap LibreOffice and
# Word put between Chinese characters and digits: "2024年12月", "128,254.40" (五号), an 18-character
# credit code and a telephone number (小四); a 27-character address takes two lines.
ARREARS_W = [1100, 1500, 600, 1230, 1470, 1470, 1474]  # 险种 所属期 人数 缴费基数 应缴 已缴 欠缴
PAYER_W = [2100, 3500, 1340, 1904]  # label, value, label, value
assert sum(ARREARS_W) == sum(PAYER_W) == sum(W4E)


def _edges(widths: Sequence[int]) -> list[int]:
    return list(itertools.accumulate(widths))


ENF_EDGES = sorted(set(_edges(ARREARS_W)) | set(_edges(PAYER_W)))
ENF_W = [b - a for a, b in itertools.pairwise([0, *ENF_EDGES])]
ENF_N = len(ENF_W)


def enf_spans(widths: Sequence[int]) -> list[int]:
    """Grid spans of cells of the given widths side by side on the enforcement grid."""
    out, start = [], 0
    for edge in _edges(widths):
        end = ENF_EDGES.index(edge) + 1
        out.append(end - start)
        start = end
    return out


A_SPAN = enf_spans(ARREARS_W)
P_SPAN = enf_spans(PAYER_W)


def arrears_rows() -> list[Row]:
    heads = ("险种", "所属期", "人数", "缴费基数", "应缴金额", "已缴金额", "欠缴金额")
    fields = ("insurance_type", "period", "headcount", "base", "due", "paid", "owed")
    return [
        Row([C(h, "TblSmallHead", n) for h, n in zip(heads, A_SPAN, strict=True)]),
        tag_row("{%tr for a in x.arrears %}", ENF_N),
        Row([C(f"{{{{ a.{f} }}}}", "TblSmall", n) for f, n in zip(fields, A_SPAN, strict=True)]),
        tag_row("{%tr endfor %}", ENF_N),
    ]


def arrears_total_rows() -> list[Row]:
    """合计 under 应缴/已缴/欠缴 and the owed total in words."""
    return [
        Row(
            [
                C("合计", "TblSmallHead", sum(A_SPAN[:4])),
                C("{{ x.total_due }}", "TblSmall", A_SPAN[4]),
                C("{{ x.total_paid }}", "TblSmall", A_SPAN[5]),
                C("{{ x.total_owed }}", "TblSmall", A_SPAN[6]),
            ]
        ),
        Row([L("欠缴金额合计（大写）", span=sum(A_SPAN[:2])), C("{{ x.total_owed_upper }}", span=sum(A_SPAN[2:]))]),
    ]


def enf_payer_rows() -> list[Row]:
    """缴费人 rows of the enforcement grid: label, value, label, value."""
    label1, value1, label2, value2 = P_SPAN
    return [
        Row([L("缴费人名称", span=label1), C("{{ x.payer.name }}", span=ENF_N - label1)], height=380),
        Row(
            [
                L("{{ x.payer.id_label }}", span=label1),
                C("{{ x.payer.id_value }}", span=value1),
                L("法定代表人", span=label2),
                C("{{ x.payer.legal_rep }}", span=value2),
            ],
            height=380,
        ),
        Row(
            [
                L("地址", span=label1),
                C("{{ x.payer.address }}", span=value1),
                L("联系电话", span=label2),
                C("{{ x.payer.mobile or x.payer.phone }}", span=value2),
            ],
            height=380,
        ),
    ]


# ----------------------------------------------------------------------------------------------
# The templates
# ----------------------------------------------------------------------------------------------


def d01(b: Builder) -> None:
    b.form_head("登记编号：{{ case.number }}", "登记日期：{{ case.received_date }}")
    rows = [
        Row(
            [
                L("来访（来电）时间"),
                C("{{ case.received_at }}"),
                L("受理渠道"),
                C("{{ case.channel }}{% if case.channel_ref %}（工单号：{{ case.channel_ref }}）{% endif %}"),
            ]
        ),
        Row([C("缴费人（反映人）基本情况", "TblHead", 4)]),
        Row([L("名称（姓名）"), C("{{ applicant.name }}"), L("类型"), C("{{ applicant.kind_label }}")]),
        Row(
            [
                L("{{ applicant.id_label }}"),
                C("{{ applicant.id_value }}"),
                L("法定代表人（经办人）"),
                C("{{ applicant.legal_rep }}"),
            ]
        ),
        Row([L("地址"), C("{{ applicant.address }}", span=3)]),
        Row([L("联系方式"), C("手机：{{ applicant.mobile }}　固定电话：{{ applicant.phone }}", span=3)]),
        Row([L("代表人员"), C("{{ applicant.represents }}", span=3)]),
        Row([C("对方当事人", "TblHead", 4)]),
        Row(
            [
                L("名称（姓名）"),
                C("{{ counterparty.name }}"),
                L("{{ counterparty.id_label or '证件号码' }}"),
                C("{{ counterparty.id_value }}"),
            ]
        ),
        Row([L("地址"), C("{{ counterparty.address }}", span=3)]),
        Row(
            [L("联系方式"), C("手机：{{ counterparty.mobile }}　固定电话：{{ counterparty.phone }}", span=3)]
        ),
        Row([C("争议事项", "TblHead", 4)]),
        Row(
            [
                L("事项所在辖区"),
                C("{{ case.jurisdiction }}（行政区划代码：{{ case.jurisdiction_code }}）", span=3),
            ]
        ),
        Row([L("争议类别"), C("{{ case.categories }}"), L("险种"), C("{{ case.insurance_types }}")]),
        Row([L("所属期"), C("{{ case.periods }}", span=3)]),
        Row(
            [
                L("涉及金额"),
                C(
                    "{% if case.amounts %}{% for m in case.amounts %}{{ m.name }}{{ m.amount }}元；{% endfor %}"
                    "合计{{ case.total_amount }}元（大写：{{ case.total_amount_upper }}）"
                    "{% else %}反映人未提出具体金额{% endif %}",
                    span=3,
                ),
            ]
        ),
        Row(
            [L("反映主要事项（诉求及事实）"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")],
            height=1500,
        ),
        Row([L("提交材料"), C("{{ case.attachments|join('；') }}", span=3)]),
        Row([L("初步分类"), C("{{ case.case_class }}"), L("风险等级"), C("{{ case.risk }}")]),
        Row(
            [
                L("受理部门"),
                C("{{ case.intake_dept }}"),
                L("首问责任人（签名）"),
                C("{{ case.first_handler }}"),
            ],
            height=560,
        ),
        Row([L("缴费人确认（签名）"), C("", span=3)], height=640),
    ]
    b.table(W4F, rows)
    b.corrects()


def d02(b: Builder) -> None:
    b.red_head()
    b.title()
    b.recipient()
    b.p(
        YOU + "于{{ case.received_at }}通过{{ case.channel }}反映的社会保险费征缴争议事项，本机关已登记受理，"
        "案件编号为{{ case.number }}。现将有关事项告知如下："
    )
    b.h1("一、受理事项")
    b.p("{{ case.claim }}")
    b.h1("二、办理方式和期限")
    b.p(
        "本事项由{{ case.intake_dept }}受理{% if x.handling %}，按照{{ x.handling }}方式办理{% else %}，"
        "经审核分类后确定办理方式{% endif %}"
        "{% if case.lead_dept %}，主办部门为{{ case.lead_dept }}{% endif %}"
        "{% if case.co_depts %}，协办部门为{{ case.co_depts }}{% endif %}。"
        "{% if deadline %}本机关将于{{ deadline }}前将办理结果书面告知" + YOU + "；{% endif %}"
        "情况复杂需要延长办理期限的，将书面告知延期理由。"
    )
    b.h1("三、查询方式")
    b.p(YOU + "可以凭案件编号拨打{{ office.phone }}或者到{{ office.address }}查询办理进度。")
    b.p("特此告知。")
    b.attachments()
    b.corrects()
    b.signature()
    b.contact_note()
    b.copy_to()


def d03(b: Builder) -> None:
    b.red_head()
    b.title()
    b.recipient()
    b.p(
        YOU + "于{{ case.received_at }}通过{{ case.channel }}反映的事项（登记编号：{{ case.number }}）："
        "{{ case.claim }}"
    )
    b.p("经审查，{{ x.reason }}")
    b.p(
        "根据《中华人民共和国社会保险法》第八十二条、《信访工作条例》第二十三条、第三十一条的规定，本机关对该事项"
        "不予受理。请" + YOU + "向{{ x.competent_body }}反映"
        "{% if x.competent_contact %}（地址及联系电话：{{ x.competent_contact }}）{% endif %}。"
    )
    b.tag("{%p if x.transfer %}")
    b.p("{{ x.transfer }}")
    b.tag("{%p endif %}")
    b.tag("{%p if remedy %}")
    b.p(YOU + "可以依照下列法定途径和期限主张权利：")
    b.loop("r", "remedy", "{{ r }}")
    b.tag("{%p endif %}")
    b.p("特此告知。")
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()


def d04(b: Builder) -> None:
    letter_head(b)
    b.p(
        "{{ case.received_date }}，本机关受理了{{ applicant.name }}反映的社会保险费征缴争议事项"
        "（案件编号：{{ case.number }}）。主要情况如下：{{ case.claim }}"
    )
    b.p("该事项涉及你单位职责。根据社会保险费征缴争议联合处置工作机制，现就以下问题征求你单位意见：")
    b.numbered("q", "x.questions", "{{ q }}")
    b.p("请{% if deadline %}于{{ deadline }}前{% else %}在收到本函后五个工作日内{% endif %}将书面意见（加盖单位印章）送本机关。")
    b.p("{% if x.contact %}联系人：{{ x.contact }}；{% endif %}联系电话：{{ office.phone }}。")
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()


def d05(b: Builder) -> None:
    b.form_head("来函文号：{{ x.request_wenhao }}", "案件编号：{{ case.number }}")
    rows = [
        Row([L("回复部门"), C("{{ x.dept }}"), L("回复日期"), C("{{ doc.date }}")], height=560),
        Row([L("缴费人"), C("{{ applicant.name }}"), L("争议类别"), C("{{ case.categories }}")], height=560),
        Row([L("争议事项"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")], height=1200),
        Row([L("查明的事实"), Cell(["{{ x.facts }}"], "TblText", 3, valign="top")], height=1800),
        Row([L("意见"), Cell(["{{ x.opinion }}"], "TblText", 3, valign="top")], height=1800),
        Row([L("政策法律依据"), Cell(["{{ x.basis }}"], "TblText", 3, valign="top")], height=1200),
        Row([L("是否由本部门直接办理"), Cell(["{{ x.will_act }}"], "TblText", 3)], height=700),
        Row(
            [L("经办人（签名）"), C("{{ x.handler }}"), L("部门负责人（签名）"), C("{{ x.head }}")],
            height=700,
        ),
        seal_row(4, "{{ x.dept }}", height=1500),
    ]
    b.table(W4, rows)
    b.corrects()


def d06(b: Builder) -> None:
    b.form_head("编号：{{ doc.wenhao }}", "报告日期：{{ doc.date }}")
    rows = [
        Row(
            [L("案件编号"), C("{{ case.number }}"), L("受理日期"), C("{{ case.received_date }}")], height=520
        ),
        Row(
            [L("缴费人"), C("{{ applicant.name }}"), L("对方当事人"), C("{{ counterparty.name }}")],
            height=520,
        ),
        Row([L("争议类别"), C("{{ case.categories }}"), L("风险等级"), C("{{ case.risk }}")], height=520),
        Row([L("反映事项"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")], height=1400),
        Row([L("属于重大疑难事项的理由"), Cell(["{{ x.reason }}"], "TblText", 3, valign="top")], height=1600),
        Row(
            [
                L("拟参与处理部门"),
                C(
                    "主办：{{ case.lead_dept }}{% if case.co_depts %}；协办：{{ case.co_depts }}{% endif %}",
                    span=3,
                ),
            ],
            height=700,
        ),
        Row(
            [L("受理部门"), C("{{ case.intake_dept }}"), L("经办人"), C("{{ case.first_handler }}")],
            height=520,
        ),
        Row(
            [
                L("{{ x.office_label }}意见"),
                Cell(
                    ["{{ x.office_opinion }}", "", "负责人（签名）：　　　　　　　　年　　月　　日"],
                    "TblText",
                    3,
                    valign="top",
                ),
            ],
            height=1700,
        ),
        Row(
            [
                L("{{ x.leader_label }}审批意见"),
                Cell(
                    ["{{ x.leader_opinion }}", "", "{{ x.leader_label }}（签名）：{{ x.leader }}　　　　　　年　　月　　日"],
                    "TblText",
                    3,
                    valign="top",
                ),
            ],
            height=1900,
        ),
    ]
    b.table(W4, rows)
    b.corrects()


def d07(b: Builder) -> None:
    b.form_head("编号：{{ doc.wenhao }}", "报送日期：{{ doc.date }}")
    b.p("报送单位：{{ case.intake_dept }}\t接收单位：{{ doc.recipient }}", "FormMeta")
    rows = [
        Row(
            [L("案件编号"), C("{{ case.number }}"), L("受理日期"), C("{{ case.received_date }}")], height=520
        ),
        Row([L("缴费人"), C("{{ applicant.name }}"), L("联系电话"), C("{{ applicant.mobile }}")], height=520),
        Row(
            [L("事项所在辖区"), C("{{ case.jurisdiction }}"), L("争议类别"), C("{{ case.categories }}")],
            height=520,
        ),
        Row([L("反映事项"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")], height=1400),
        Row([L("职责不清的原因"), Cell(["{{ x.reason }}"], "TblText", 3, valign="top")], height=1200),
        Row([L("建议承办部门"), C("{{ x.suggested_dept }}", span=3)], height=520),
        Row(
            [
                L("受理部门意见"),
                Cell(
                    ["{{ x.opinion }}", "", "（受理部门印章）", "{{ doc.date }}"], "TblText", 3, valign="top"
                ),
            ],
            height=1800,
        ),
        Row([L("12345工单号"), C("{{ x.ticket_no }}"), L("承办反馈期限"), C("{{ deadline }}")], height=520),
        Row([L("承办部门"), C(""), L("反馈日期"), C("")], height=520),
        Row([L("承办反馈情况"), Cell([""], "TblText", 3)], height=1600),
    ]
    b.table(W4, rows)
    b.corrects()


def d08(b: Builder) -> None:
    b.form_head("案件编号：{{ case.number }}", "转办日期：{{ doc.date }}")
    rows = [
        Row([L("承办部门"), C("{{ doc.recipient }}"), L("办理期限"), C("{{ deadline }}")], height=520),
        Row([L("缴费人"), C("{{ applicant.name }}"), L("联系电话"), C("{{ applicant.mobile }}")], height=520),
        Row([L("对方当事人"), C("{{ counterparty.name }}", span=3)], height=520),
        Row(
            [L("争议类别"), C("{{ case.categories }}"), L("险种"), C("{{ case.insurance_types }}")],
            height=520,
        ),
        Row(
            [L("所属期"), C("{{ case.periods }}"), L("事项所在辖区"), C("{{ case.jurisdiction }}")],
            height=520,
        ),
        Row([L("反映事项"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")], height=1600),
        Row([L("办理要求"), Cell(["{{ x.requirements }}"], "TblText", 3, valign="top")], height=1400),
        Row(
            [L("转办部门"), C("{{ case.intake_dept }}"), L("经办人"), C("{{ case.first_handler }}")],
            height=520,
        ),
        Row([L("签收人（签名）"), C(""), L("签收时间"), C("")], height=600),
        Row([L("办理结果"), Cell([""], "TblText", 3)], height=1600),
    ]
    b.table(W4, rows)
    b.corrects()


def d09(b: Builder) -> None:
    letter_head(b)
    b.p(
        "{{ case.received_date }}，本机关受理了{{ applicant.name }}反映的社会保险费征缴争议事项"
        "（案件编号：{{ case.number }}），主要内容为：{{ case.claim }}"
    )
    b.p(
        "经审核，该事项属于{{ x.dept }}职责范围。本机关已于{{ x.reported_date }}按照规定报送办理"
        "{% if x.urged_dates %}，并于{{ x.urged_dates }}催办{% endif %}，{{ x.dept }}至今未予办理。"
        "具体情况如下：{{ x.refusal }}"
    )
    b.p(
        "根据社会保险费征缴争议联合处置工作机制关于“无正当理由且拒不处理属于本职能部门的社会保险费征缴争议，"
        "由受理部门将案件线索移交给纪委监委处理”的规定，现将该案件线索移交你委，请依规依纪依法处理。"
    )
    b.p("证据材料：")
    b.loop("e", "x.evidence", "{{ loop.index }}. {{ e }}")
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()


def d32(b: Builder) -> None:
    letter_head(b)
    b.p(
        "{{ case.received_date }}，本机关受理了{{ applicant.name }}反映的社会保险费征缴争议事项"
        "（案件编号：{{ case.number }}），主要内容为：{{ case.claim }}"
    )
    b.p(
        "该事项职责不清，本机关已于{{ x.reported_date }}填写报送单报送办理，并转由你单位承办。"
        "截至{{ x.urge_date }}，尚未收到你单位的办理结果。现第{{ x.ordinal }}次催办：{{ x.text }}"
    )
    b.p(
        "请按照社会保险费征缴争议联合处置工作机制的规定，在规定时限内办理并将结果反馈缴费人和本机关。"
        "无正当理由拒不处理的，本机关将按规定将案件线索移交纪委监委处理。"
    )
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()


def letter_head(b: Builder) -> None:
    """信函格式 body start: 文号 flush right 7/8 of a 3号 character under the double rule, title two lines lower."""
    b.p("{{ doc.wenhao }}", "GwWenhaoR")
    b.blank(2)
    b.title()
    b.recipient()


def d10(b: Builder) -> None:
    b.red_head("{{ x.convener }}")
    b.title("关于召开{{ x.meeting_name }}的通知")
    b.recipient()
    b.p(
        "为研究处理{{ applicant.name }}反映的社会保险费征缴争议事项（案件编号：{{ case.number }}），"
        "定于{{ x.meeting_time }}召开{{ x.meeting_name }}。现将有关事项通知如下："
    )
    b.h1("一、会议时间和地点")
    b.p("时间：{{ x.meeting_time }}")
    b.p("地点：{{ x.meeting_place }}")
    b.h1("二、会议主持")
    b.p("{{ x.host }}")
    b.h1("三、会议议题")
    b.numbered("t", "x.topics", "{{ t }}")
    b.h1("四、参会单位和人员")
    b.numbered("m", "x.participants", "{{ m }}")
    b.h1("五、有关要求")
    b.h2("（一）携带材料")
    b.tag("{%p if x.materials %}")
    b.p("请参会单位携带以下材料：")
    b.numbered("m", "x.materials", "{{ m }}")
    b.tag("{%p else %}")
    b.p("请参会单位携带与本事项有关的政策依据和处理意见。")
    b.tag("{%p endif %}")
    b.h2("（二）出席要求")
    b.p("请参会人员准时出席。因故不能参加的，请提前向会议召集单位请假并委托熟悉情况的人员参会。")
    b.p("{% if x.contact %}联系人：{{ x.contact }}；{% endif %}联系电话：{{ office.phone }}。")
    b.attachments()
    b.corrects()
    b.signature("{{ x.convener }}")
    b.copy_to("{{ x.convener }}")


def d11(b: Builder) -> None:
    b.red = True
    b.p("{{ x.meeting_name }}纪要", "GwMark")
    b.p("{{ doc.wenhao }}", "GwWenhao", before=LINE_PITCH)
    b.blank()
    red = border_xml("bottom", sz=12, color=RED)
    b.table(
        [TEXT_W - 3000, 3000],
        [
            Row(
                [
                    Cell(["{{ x.convener }}"], "MinHead", valign="bottom", borders=red),
                    Cell(["{{ doc.date }}"], "MinHeadR", valign="bottom", borders=red),
                ]
            )
        ],
        borders=False,
        cell_margin=0,
    )
    b.blank()
    b.p(
        "{{ x.meeting_time }}，{{ x.host }}在{{ x.meeting_place }}主持召开{{ x.meeting_name }}，研究"
        "{{ applicant.name }}反映的社会保险费征缴争议事项（案件编号：{{ case.number }}）。现将会议主要情况和"
        "议定事项纪要如下："
    )
    b.h1("一、会议议题")
    b.numbered("t", "x.topics", "{{ t }}")
    b.h1("二、研究情况")
    b.tag("{%p for m in x.matters %}")
    b.p("（" + ROMAN + "）{{ m.subject }}", "GwH2")
    b.p("1.政策依据：{{ m.basis }}")
    b.p("2.处理意见：{{ m.opinion }}")
    b.p("3.舆情风险分析预估：{{ m.opinion_risk }}")
    b.p("4.复议、诉讼风险分析预估：{{ m.review_risk }}")
    b.tag("{%p endfor %}")
    b.h1("三、议定事项")
    b.loop(
        "d", "x.decisions", "{{ loop.index }}. {{ d.text }}（责任单位：{{ d.unit }}；完成时限：{{ d.due }}）"
    )
    b.blank()
    b.p([("出席：", "LabelHei"), "{{ x.present }}"], "GwAttend")
    b.tag("{%p if x.attending %}")
    b.p([("列席：", "LabelHei"), "{{ x.attending }}"], "GwAttend")
    b.tag("{%p endif %}")
    b.tag("{%p if x.absent %}")
    b.p([("请假：", "LabelHei"), "{{ x.absent }}"], "GwAttend")
    b.tag("{%p endif %}")
    b.attachments()
    b.corrects()
    b.copy_to("{{ x.convener }}")


def d12(b: Builder) -> None:
    b.red_head()
    b.title()
    b.recipient()
    b.p(
        YOU + "于{{ case.received_at }}通过{{ case.channel }}反映的社会保险费征缴争议事项"
        "（案件编号：{{ case.number }}）"
        "{% if counterparty.name %}，对方当事人为{{ counterparty.name }}{% endif %}，"
        "本机关已依法受理并会同有关部门调查处理。现将处理意见告知如下："
    )
    b.h1("一、反映事项")
    b.p("{{ case.claim }}")
    b.h1("二、调查核实情况")
    b.p("{{ x.findings }}")
    b.h1("三、处理意见及依据")
    b.p("{{ x.opinion }}")
    b.tag("{%p if x.basis %}")
    b.p("依据：")
    b.numbered("a", "x.basis", "{{ a }}")
    b.tag("{%p endif %}")
    b.h1("四、当事人应当履行的事项")
    b.p("{{ x.obligations }}")
    b.tag("{%p if deadline %}")
    b.p("以上事项请于{{ deadline }}前履行完毕。")
    b.tag("{%p endif %}")
    b.h1("五、救济途径")
    b.loop("r", "remedy", "{{ r }}")
    b.p("特此告知。")
    b.attachments()
    b.corrects()
    b.signature()
    b.contact_note()
    b.copy_to()


def d13(b: Builder) -> None:
    b.red_head()
    b.title()
    b.recipient()
    b.p(
        YOU
        + "反映的社会保险费征缴争议事项（案件编号：{{ case.number }}），本机关已于{{ case.received_date }}"
        "受理，原定办理期限为{{ x.old_deadline }}。因{{ x.reason }}，经本机关批准，办理期限延长至"
        "{{ deadline }}。"
    )
    b.p(
        "根据《信访工作条例》第三十四条的规定，现将延期理由告知"
        + YOU
        + "。本机关将在延长的期限内办结并书面告知处理"
        "结果。"
    )
    b.p("特此告知。")
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()


def d14(b: Builder) -> None:
    b.form_head("案件编号：{{ case.number }}", "回访时间：{{ x.visit_date }}")
    rows = [
        Row([L("回访方式"), C("{{ x.method }}"), L("回访人"), C("{{ x.visitor }}")], height=520),
        Row([L("受访人"), C("{{ x.respondent }}"), L("联系电话"), C("{{ applicant.mobile }}")], height=520),
        Row([L("缴费人"), C("{{ applicant.name }}"), L("争议类别"), C("{{ case.categories }}")], height=520),
        Row([L("反映事项"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")], height=1200),
        Row([L("回访情况"), Cell(["{{ x.content }}"], "TblText", 3, valign="top")], height=2000),
        Row(
            [
                L("满意度"),
                C("{{ x.satisfaction }}（满意／基本满意／不满意）"),
                L("是否有异议"),
                C("{{ x.objection }}"),
            ],
            height=520,
        ),
        Row([C("异议的后续救济（有异议时填写）", "TblHead", 4)]),
        Row([L("救济途径"), C("{{ x.remedy_kind }}"), L("受理机关"), C("{{ x.remedy_body }}")], height=520),
        Row([L("提出日期"), C("{{ x.remedy_date }}"), L("进展情况"), C("{{ x.remedy_status }}")], height=520),
        Row([L("意见建议"), Cell(["{{ x.suggestions }}"], "TblText", 3, valign="top")], height=1400),
        Row([L("回访人（签名）"), C(""), L("日期"), C("{{ doc.date }}")], height=640),
    ]
    b.table(W4, rows)
    b.corrects()


def party_block(b: Builder, label: str, who: str) -> None:
    """当事人基本情况 for agreements: name, identity number, address, representative, telephone."""
    b.p([(f"{label}：", "LabelHei"), f"{{{{ {who}.name }}}}"], "GwRecipient")
    b.tag(f"{{%p if {who}.id_value %}}")
    b.p(f"{{{{ {who}.id_label }}}}：{{{{ {who}.id_value }}}}", "GwParty")
    b.tag("{%p endif %}")
    b.tag(f"{{%p if {who}.address %}}")
    b.p(f"住所（地址）：{{{{ {who}.address }}}}", "GwParty")
    b.tag("{%p endif %}")
    b.p(
        f"{{% if {who}.legal_rep %}}法定代表人（负责人）：{{{{ {who}.legal_rep }}}}；{{% endif %}}"
        f"联系电话：{{{{ {who}.mobile or {who}.phone }}}}",
        "GwParty",
    )


def sign_table(left: list[Seg | list[Seg]], right: list[Seg | list[Seg]], height: int = 1800) -> str:
    """The signature block of an agreement: two borderless columns, one per party, in 3号."""
    widths = [TEXT_W // 2, TEXT_W - TEXT_W // 2]
    return table_xml(
        widths,
        [Row([Cell(left, "GwSignCol", valign="top"), Cell(right, "GwSignCol", valign="top")], height=height)],
        borders=False,
        cell_margin=0,
    )


def d15(b: Builder) -> None:
    b.title()
    b.p("案件编号：{{ case.number }}", "FormMetaR")
    b.blank()
    party_block(b, "甲方", "applicant")
    b.tag("{%p if counterparty.name %}")
    party_block(b, "乙方", "counterparty")
    b.tag("{%p endif %}")
    b.p([("调解组织：", "LabelHei"), "{{ x.mediation_org }}　调解员：{{ x.mediator }}"], "GwRecipient")
    b.blank()
    b.h1("一、纠纷的主要事实")
    b.p("{{ x.facts }}")
    b.h1("二、争议事项")
    b.p("{{ x.dispute }}")
    b.h1("三、各方责任")
    b.p("{{ x.responsibility }}")
    b.h1("四、协议内容")
    b.p("经调解，双方自愿达成如下协议：")
    b.loop("t", "x.terms", "{{ loop.index }}. {{ t }}")
    b.h1("五、履行方式和期限")
    b.p("{{ x.performance }}")
    b.h1("六、其他事项")
    b.p(
        "1. 依法应当缴纳的社会保险费不得减免（《中华人民共和国社会保险法》第六十条、《社会保险费征缴暂行条例》"
        "第十二条）。本协议不减少、不免除任何一方依法应当缴纳的社会保险费及滞纳金，用人单位不得将滞纳金转由职工"
        "个人负担。"
    )
    b.p(
        "2. 本协议自各方当事人签名、盖章或者按指印，调解员签名并加盖调解组织印章之日起生效。经人民调解委员会调解"
        "达成的，双方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。"
    )
    b.p("3. 本协议一式三份，双方当事人各执一份，调解组织留存一份。")
    b.blank()
    b.body.append(
        sign_table(
            ["甲方（签名、盖章或按指印）：", "", "", "年　　月　　日"],
            ["乙方（签名、盖章或按指印）：", "", "", "年　　月　　日"],
        )
    )
    b.body.append(
        sign_table(
            ["调解员（签名）：{{ x.mediator }}", "", "", "{{ doc.date }}"],
            ["调解组织（印章）：", "{{ x.mediation_org }}", "", "{{ doc.date }}"],
        )
    )
    b.corrects()


def enforcement_tail(b: Builder, rows: list[Row], ncols: int, *, contact: bool = True) -> list[Row]:
    note = (
        "联系人：{{ x.contact }}　联系电话：{{ office.phone }}　地址：{{ office.address }}"
        if contact
        else None
    )
    rows.append(seal_row(ncols, note=note))
    return rows


def d16(b: Builder) -> None:
    b.enforcement_head()
    rows = enf_payer_rows()
    rows.append(
        text_cell(
            [
                "{{ x.payer.name }}：",
                "经查，{{ x.facts }}根据{{ x.duty_basis }}的规定，用人单位应当自行申报、"
                "按时足额缴纳社会保险费。现将" + PAYER_YOU + "欠缴社会保险费情况通知如下（单位：元）：",
            ],
            ENF_N,
        )
    )
    rows += arrears_rows()
    rows += arrears_total_rows()
    rows.append(
        text_cell(
            [
                "请" + PAYER_YOU + "于{{ deadline }}前足额缴纳上述社会保险费。",
                "逾期仍未缴纳的，本机关将依照《中华人民共和国社会保险法》第六十三条、第八十六条的规定责令"
                + PAYER_YOU
                + "限期缴纳或者补足，并自欠缴之日起按日加收万分之五的滞纳金；逾期仍不缴纳的，由有关行政部门处欠缴数额"
                "一倍以上三倍以下的罚款，本机关并可以依法查询存款账户、申请划拨社会保险费、要求提供担保或者申请人民法院"
                "扣押、查封、拍卖财产。",
            ],
            ENF_N,
        )
    )
    enforcement_tail(b, rows, ENF_N)
    b.table(ENF_W, rows, cell_margin=60)
    b.corrects()


def d17(b: Builder) -> None:
    b.enforcement_head()
    rows = enf_payer_rows()
    rows.append(
        text_cell(
            [
                "{{ x.payer.name }}：",
                "经查，{{ x.facts }}" + PAYER_YOU + "未按时足额缴纳社会保险费，欠缴明细如下（单位：元）：",
            ],
            ENF_N,
        )
    )
    rows += arrears_rows()
    rows += arrears_total_rows()
    rows.append(
        text_cell(
            [
                "根据《中华人民共和国社会保险法》第六十三条第一款、第八十六条的规定，现责令"
                + PAYER_YOU
                + "于{{ deadline }}前"
                "缴纳或者补足上述社会保险费，并自{{ x.late_fee_start }}起按日加收万分之五的滞纳金"
                "{% if doc.attachments %}（计算明细见附件）{% endif %}。",
                CONSEQUENCES_63,
            ],
            ENF_N,
        )
    )
    rows.append(
        Row([Cell([[("救济途径：", "LabelHei"), "{% for r in remedy %}{{ r }}{% endfor %}"]], "EnfText", ENF_N)])
    )
    rows.append(
        seal_row(
            ENF_N,
            note="{% if doc.attachments %}附件：{{ doc.attachments|join('；') }}　{% endif %}"
            "联系人：{{ x.contact }}　联系电话：{{ office.phone }}",
        )
    )
    b.table(ENF_W, rows, cell_margin=60)
    b.corrects()


def d18(b: Builder) -> None:
    b.enforcement_head()
    rows = enf_payer_rows()
    rows.append(
        text_cell(
            [
                "{{ x.payer.name }}：",
                "本机关已向"
                + PAYER_YOU
                + "送达《社会保险费责令限期缴纳通知书》{% if x.order_wenhao %}（{{ x.order_wenhao }}）{% endif %}，"
                + PAYER_YOU
                + "逾期仍未缴纳。经查：{{ x.facts }}",
                "{% if x.evidence %}上述事实有以下证据证明：{{ x.evidence|join('；') }}。{% endif %}欠缴明细如下（单位：元）：",
            ],
            ENF_N,
        )
    )
    rows += arrears_rows()
    rows.append(Row([C("合计", "TblSmallHead", sum(A_SPAN[:6])), C("{{ x.total_owed }}", "TblSmall", A_SPAN[6])]))
    rows.append(
        text_cell(
            [
                "根据《中华人民共和国社会保险法》第六十三条、第八十六条的规定，本机关决定：",
                "一、征收" + PAYER_YOU + "欠缴的社会保险费{{ x.total_owed }}元（大写：{{ x.total_owed_upper }}）；",
                "二、加收滞纳金{{ x.late_fee_total }}元（大写：{{ x.late_fee_total_upper }}，计至{{ x.late_fee_until }}"
                "{% if doc.attachments %}，计算明细见附件{% endif %}），此后至实际缴纳之日止的滞纳金依法另行计算；",
                "以上合计{{ x.grand_total }}元（大写：{{ x.grand_total_upper }}）。",
                "请"
                + PAYER_YOU
                + "于{{ deadline }}前{{ x.pay_method }}。逾期不履行本决定的，本机关将依照《中华人民"
                "共和国行政强制法》第五十三条、第五十四条的规定，催告后申请{{ office.court }}强制执行。",
            ],
            ENF_N,
        )
    )
    rows.append(
        Row([Cell([[("救济途径：", "LabelHei"), "{% for r in remedy %}{{ r }}{% endfor %}"]], "EnfText", ENF_N)])
    )
    rows.append(seal_row(ENF_N, note="{% if doc.attachments %}附件：{{ doc.attachments|join('；') }}{% endif %}"))
    b.table(ENF_W, rows, cell_margin=60)
    b.corrects()


# 滞纳金计算明细表 in 小五. Nine values a line do not fit the 156 mm 版心 on one line each in DejaVu
# Serif (what LibreOffice uses for Times New Roman on a server), so 起算日 and 截止日 share a column, one
# above the other, and 险种 takes two characters a line ("基本/养老") in the two lines that gives every
# row; every other value keeps to one line: "2024年12月15日", "1,108,254.40", "0.05%". Ledger-style 2 pt
# cell margins.
D19_W = [480, 1280, 1234, 1760, 1760, 480, 700, 1150]  # 险种 所属期 本金 届满日 起算/截止 天数 费率 滞纳金
D19_MARGIN = 40


def d19(b: Builder) -> None:
    b.enforcement_head(wenhao=False)
    b.p("缴费人：{{ x.payer.name }}", "FormMeta")
    b.p("{{ x.payer.id_label }}：{{ x.payer.id_value }}", "FormMeta")
    b.p("所附文书：{{ x.for_doc }}\t单位：元", "FormMeta")
    rows = [
        Row(
            [
                C("险种", "TblTinyHead"),
                C("所属期", "TblTinyHead"),
                C("欠缴本金", "TblTinyHead"),
                C("缴费期限届满日", "TblTinyHead"),
                Cell(["起算日", "截止日"], "TblTinyHead"),
                C("天数", "TblTinyHead"),
                C("日费率", "TblTinyHead"),
                C("滞纳金", "TblTinyHead"),
            ],
            header=True,
        ),
        tag_row("{%tr for f in x.fee_lines %}", 8),
        Row(
            [
                C("{{ f.insurance_type }}", "TblTiny"),
                C("{{ f.period }}", "TblTiny"),
                C("{{ f.principal }}", "TblTiny"),
                C("{{ f.due_date }}", "TblTiny"),
                Cell(["{{ f.start }}", "{{ f.end }}"], "TblTiny"),
                C("{{ f.days }}", "TblTiny"),
                C("{{ f.rate }}", "TblTiny"),
                C("{{ f.fee }}", "TblTiny"),
            ],
            height=560,
        ),
        tag_row("{%tr endfor %}", 8),
        Row(
            [
                C("合计", "TblTinyHead", 2),
                C("{{ x.principal_total }}", "TblTiny"),
                C("", "TblTiny", 4),
                C("{{ x.late_fee_total }}", "TblTiny"),
            ],
            height=400,
        ),
        Row(
            [C("滞纳金合计（大写）", "TblTinyHead", 3), C("{{ x.late_fee_total_upper }}", "TblSmallLeft", 5)],
            height=400,
        ),
        Row(
            [
                Cell(
                    [
                        "说明：1. 依照《中华人民共和国社会保险法》第八十六条，自欠缴之日（缴费期限届满次日）起按日加收万分之五的"
                        "滞纳金；2. 天数＝截止日－起算日＋1；3. 每行滞纳金四舍五入至分，合计为各行之和；4. 滞纳金单独列示，"
                        "不计入欠缴本金，不重复计算。"
                    ],
                    "TblSmallLeft",
                    8,
                )
            ]
        ),
    ]
    b.table(D19_W, rows, cell_margin=D19_MARGIN)
    b.blank()
    b.p("经办人：{{ x.handler }}　　　复核人：{{ x.reviewer }}\t{{ doc.date }}", "FormMeta")
    b.corrects()


def d20(b: Builder) -> None:
    b.enforcement_head()
    rows = payer_rows()
    rows.append(
        text_cell(
            [
                "{{ x.payer.name }}：",
                "本机关于{{ x.decision_date }}向"
                + PAYER_YOU
                + "送达了《社会保险费征收决定书》{% if x.decision_wenhao %}（{{ x.decision_wenhao }}）{% endif %}，"
                + PAYER_YOU
                + "在决定规定的期限（{{ x.decision_pay_by }}）届满后仍未履行缴纳义务。根据《中华人民共和国行政强制法》"
                "第三十五条、第五十四条的规定，现依法"
                "催告" + PAYER_YOU + "履行下列义务：",
            ],
            4,
        )
    )
    rows += [
        Row([C("项目", "TblHead"), C("金额（元）", "TblHead"), C("大写", "TblHead", 2)]),
        Row([L("社会保险费"), L("{{ x.total_owed }}"), C("{{ x.total_owed_upper }}", span=2)]),
        Row([L("滞纳金"), L("{{ x.late_fee_total }}"), C("{{ x.late_fee_total_upper }}", span=2)]),
        Row([L("合计"), L("{{ x.grand_total }}"), C("{{ x.grand_total_upper }}", span=2)]),
        Row([L("履行期限"), C("{{ deadline }}前"), L("履行（给付）方式"), C("{{ x.pay_method }}")]),
    ]
    rows.append(
        text_cell(
            [
                "{% if x.late_fee_note %}{{ x.late_fee_note }}{% endif %}"
                "依照《中华人民共和国行政强制法》第三十六条的规定，"
                + PAYER_YOU
                + "收到本催告书后有权进行陈述和申辩。"
                "陈述、申辩可以自收到本催告书之日起三日内以书面或者口头形式向本机关提出；本机关将充分听取"
                + PAYER_YOU
                + "的意见，对提出的事实、理由和证据进行记录、复核。",
                "逾期仍不履行的，本机关将依照《中华人民共和国行政强制法》第五十三条、第五十四条的规定，申请"
                "{{ office.court }}强制执行。",
            ],
            4,
        )
    )
    rows.append(
        Row([Cell([[("救济途径：", "LabelHei"), "{% for r in remedy %}{{ r }}{% endfor %}"]], "EnfText", 4)])
    )
    rows.append(seal_row(4, note="联系电话：{{ office.phone }}　地址：{{ office.address }}"))
    b.table(W4E, rows, cell_margin=60)
    b.corrects()


def d21(b: Builder) -> None:
    b.enforcement_head()
    rows = [
        Row([L("申请人"), C("{{ office.name }}"), L("地址"), C("{{ office.address }}")], height=460),
        Row([L("负责人"), C("{{ x.head }}"), L("联系电话"), C("{{ office.phone }}")], height=460),
        Row([L("被申请人"), C("{{ x.payer.name }}", span=3)], height=460),
        Row(
            [
                L("{{ x.payer.id_label }}"),
                C("{{ x.payer.id_value }}"),
                L("法定代表人"),
                C("{{ x.payer.legal_rep }}"),
            ],
            height=460,
        ),
        Row([L("住所"), C("{{ x.payer.address }}", span=3)], height=460),
        Row(
            [
                L("申请执行的行政决定"),
                C(
                    "《社会保险费征收决定书》{% if x.decision_wenhao %}（{{ x.decision_wenhao }}）{% endif %}，于{{ x.decision_date }}送达被申请人",
                    span=3,
                ),
            ]
        ),
        Row(
            [
                L("申请执行标的"),
                C(
                    "社会保险费{{ x.total_owed }}元、滞纳金{{ x.late_fee_total }}元，合计{{ x.grand_total }}元"
                    "（大写：{{ x.grand_total_upper }}）",
                    span=3,
                ),
            ]
        ),
        Row([L("事实和理由"), Cell(["{{ x.facts }}"], "TblText", 3, valign="top")], height=1000),
        Row([L("法律依据"), Cell(["{{ x.basis }}"], "TblText", 3, valign="top")]),
        Row([L("当事人的意见"), Cell(["{{ x.party_views }}"], "TblText", 3, valign="top")]),
        Row(
            [
                L("催告情况"),
                C(
                    "本机关于{{ x.demand_date }}向被申请人送达《催告书》{% if x.demand_wenhao %}（{{ x.demand_wenhao }}）{% endif %}，"
                    "催告期限届满后被申请人仍未履行。",
                    span=3,
                ),
            ]
        ),
    ]
    rows.append(
        text_cell(
            [
                "{{ doc.recipient }}：",
                "被申请人在法定期限内不申请行政复议或者提起行政诉讼，又不履行上述行政决定，经催告仍未履行。根据《中华人民"
                "共和国行政强制法》第五十三条、第五十四条、第五十五条的规定，特申请你院强制执行。",
                "{% if doc.attachments %}附件：{{ doc.attachments|join('；') }}{% endif %}",
            ],
            4,
        )
    )
    rows.append(
        Row(
            [
                Cell(["", "负责人（签名）：{{ x.head }}"], "TblText", 2, valign="bottom"),
                Cell(["{{ office.name }}", "{{ doc.date }}"], "TblLabel", 2, valign="bottom"),
            ],
            height=1500,
        )
    )
    b.table(W4E, rows, cell_margin=60)
    b.corrects()


def d22(b: Builder) -> None:
    b.enforcement_head(wenhao=False)
    w = [2200, 3294, 3350]
    time_line = "年　　月　　日　　时"
    rows = [
        Row([C("送达文书名称", "TblHead", 2), C("文号", "TblHead")], height=480),
        tag_row("{%tr for i in x.served %}", 3),
        Row([C("{{ i.title }}", span=2), C("{{ i.wenhao }}", "TblLabel")], height=480),
        tag_row("{%tr endfor %}", 3),
        Row([L("受送达人"), C("{{ doc.recipient }}", span=2)], height=560),
        Row([L("送达地点"), C("{{ x.place }}", span=2)], height=560),
        Row([L("送达方式"), C("{{ x.method }}", span=2)], height=560),
        Row([L("受送达人签名或盖章"), Cell([time_line], "TblDate", 2, valign="bottom")], height=1000),
        Row([L("代收人签名及代收理由"), Cell([time_line], "TblDate", 2, valign="bottom")], height=1000),
        Row([L("受送达人拒收理由"), Cell([time_line], "TblDate", 2, valign="bottom")], height=1000),
        Row([L("见证人签名或盖章"), Cell([time_line], "TblDate", 2, valign="bottom")], height=800),
        Row(
            [L("送达人签名"), Cell(["{{ x.server }}", time_line], "TblDate", 2, valign="bottom")], height=800
        ),
        Row(
            [L("填发机关"), Cell(["{{ office.name }}", "{{ doc.date }}"], "TblLabel", 2, valign="bottom")],
            height=1300,
        ),
        Row([L("备注"), C("{{ x.note }}", span=2)], height=600),
    ]
    b.table(w, rows)
    b.p(
        "说明：受送达人拒绝签收的，送达人应当在本回证上注明拒收理由和日期，由送达人、见证人签名或者盖章，"
        "将文书留在受送达人处，即视为送达。",
        "FormMeta",
    )
    b.corrects()


def d23(b: Builder) -> None:
    b.title()
    b.p("协议编号：{{ doc.wenhao }}", "FormMetaR")
    b.blank()
    b.p([("甲方（征收机关）：", "LabelHei"), "{{ office.name }}"], "GwRecipient")
    b.p("地址：{{ office.address }}；联系电话：{{ office.phone }}", "GwParty")
    b.p([("乙方（缴费人）：", "LabelHei"), "{{ x.payer.name }}"], "GwRecipient")
    b.tag("{%p if x.payer.id_value %}")
    b.p("{{ x.payer.id_label }}：{{ x.payer.id_value }}", "GwParty")
    b.tag("{%p endif %}")
    b.tag("{%p if x.payer.address or x.payer.legal_rep %}")
    b.p("{% if x.payer.address %}住所（地址）：{{ x.payer.address }}{% endif %}"
        "{% if x.payer.address and x.payer.legal_rep %}；{% endif %}"
        "{% if x.payer.legal_rep %}法定代表人：{{ x.payer.legal_rep }}{% endif %}", "GwParty")
    b.tag("{%p endif %}")
    b.blank()
    b.p(
        "乙方欠缴社会保险费{{ x.total_owed }}元（大写：{{ x.total_owed_upper }}），滞纳金{{ x.late_fee_total }}元。"
        "甲方已向乙方送达《社会保险费责令限期缴纳通知书》{% if x.order_wenhao %}（{{ x.order_wenhao }}）{% endif %}。因乙方账户余额少于应当缴纳的社会"
        "保险费，根据《中华人民共和国社会保险法》第六十三条第二款的规定，乙方提供担保，甲乙双方签订本延期缴费协议："
    )
    b.p(
        [
            ("第一条", "LabelHei"),
            "　乙方按照下列计划缴纳欠缴的社会保险费，并于{{ deadline }}前缴清全部欠费及滞纳金：",
        ]
    )
    rows = [
        Row([C(h, "TblHead") for h in ("期次", "缴纳期限", "金额（元）", "说明")], header=True),
        tag_row("{%tr for s in x.schedule %}", 4),
        Row(
            [
                C("{{ loop.index }}", "TblLabel"),
                C("{{ s.due }}", "TblLabel"),
                C("{{ s.amount }}", "TblLabel"),
                C("{{ s.note }}"),
            ]
        ),
        tag_row("{%tr endfor %}", 4),
    ]
    b.table([1000, 2600, 2000, 3244], rows)
    b.p([("第二条", "LabelHei"), "　担保：{{ x.guarantee }}"])
    b.p(
        [
            ("第三条", "LabelHei"),
            "　延期缴纳期间，滞纳金依法继续计算。本协议不减少、不免除乙方依法应当缴纳的社会"
            "保险费及滞纳金（《中华人民共和国社会保险法》第六十条、《社会保险费征缴暂行条例》第十二条）。",
        ]
    )
    b.p(
        [
            ("第四条", "LabelHei"),
            "　乙方未按本协议按期足额缴纳任何一期的，甲方可以依法要求担保人履行担保责任，"
            "申请人民法院扣押、查封、拍卖乙方价值相当于应当缴纳社会保险费的财产，并依法采取其他措施。",
        ]
    )
    b.p(
        [
            ("第五条", "LabelHei"),
            "　本协议自双方签字（盖章）之日起生效。本协议一式三份，甲乙双方各执一份，一份归入案卷。",
        ]
    )
    b.blank()
    b.body.append(
        sign_table(
            ["甲方（印章）：{{ office.name }}", "负责人（签名）：", "", "{{ doc.date }}"],
            ["乙方（印章）：{{ x.payer.name }}", "法定代表人（签名）：", "", "年　　月　　日"],
        )
    )
    b.body.append(sign_table(["担保人（签名或盖章）：", "", "年　　月　　日"], ["", "", ""], height=1200))
    b.corrects()


def d24(b: Builder) -> None:
    letter_head(b)
    b.p("{{ x.payer.name }}{% if x.payer.id_value %}（{{ x.payer.id_label }}：{{ x.payer.id_value }}）{% endif %}"
        "{{ x.facts }}")
    b.p(
        "本机关已于{{ x.order_date }}向其送达《社会保险费责令限期缴纳通知书》{% if x.order_wenhao %}（{{ x.order_wenhao }}）{% endif %}，责令其于"
        "{{ x.pay_by }}前缴纳。期限届满后，该缴费人仍未缴纳社会保险费{{ x.total_owed }}元（大写："
        "{{ x.total_owed_upper }}）。{{ x.proof }}"
    )
    b.p(
        "根据《中华人民共和国社会保险法》第八十六条“用人单位未按时足额缴纳社会保险费的，由社会保险费征收机构责令"
        "限期缴纳或者补足，并自欠缴之日起，按日加收万分之五的滞纳金；逾期仍不缴纳的，由有关行政部门处欠缴数额一倍"
        "以上三倍以下的罚款”的规定，现将该线索移送你单位，请依法处理，并将处理结果函告本机关。"
    )
    b.p("{% if x.contact %}联系人：{{ x.contact }}；{% endif %}联系电话：{{ office.phone }}。")
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()


def d25(b: Builder) -> None:
    b.blank(1)
    b.p([("全宗名称：", "LabelHei"), "{{ x.fonds_name }}"], "GwRecipient")
    b.p([("类目名称：", "LabelHei"), "{{ x.category }}"], "GwRecipient")
    b.blank(2)
    b.p("案卷题名", "GwSubtitle")
    b.blank()
    b.p("{{ x.file_title }}", "CoverBig")
    b.blank(2)
    rows = [
        Row([L("案件编号"), C("{{ case.number }}"), L("争议类别"), C("{{ case.categories }}")], height=500),
        Row(
            [L("受理日期"), C("{{ case.received_date }}"), L("办结日期"), C("{{ x.closed_date }}")],
            height=500,
        ),
        Row([L("承办部门"), C("{{ case.lead_dept }}"), L("立卷人"), C("{{ x.filer }}")], height=500),
        Row([L("时间"), C("{{ x.date_range }}", span=3)], height=500),
        Row([L("保管期限"), C("{{ x.retention }}"), L("全宗号"), C("{{ x.fonds }}")], height=500),
        Row([L("本卷件数"), C("{{ x.item_count }}件"), L("本卷页数"), C("{{ x.page_count }}页")], height=500),
        Row([L("归档号"), C("{{ x.archive_no }}", span=3)], height=500),
        Row([L("档号"), C("{{ x.dang_hao }}", span=3)], height=500),
    ]
    b.table(W4F, rows, outer=12)


def d26(b: Builder) -> None:
    b.form_head("档号：{{ x.dang_hao }}", "案件编号：{{ case.number }}")
    w = [600, 1750, 1300, 2694, 1150, 650, 700]
    rows = [
        Row(
            [C(h, "TblSmallHead") for h in ("序号", "文号", "责任者", "题名", "日期", "页号", "备注")],
            header=True,
            height=520,
        ),
        tag_row("{%tr for e in x.entries %}", 7),
        Row(
            [
                C("{{ e.seq }}", "TblSmall"),
                C("{{ e.wenhao }}", "TblSmall"),
                C("{{ e.author }}", "TblSmall"),
                C("{{ e.title }}", "TblSmallLeft"),
                C("{{ e.date }}", "TblSmall"),
                C("{{ e.pages }}", "TblSmall"),
                C("{{ e.note }}", "TblSmall"),
            ],
            height=520,
        ),
        tag_row("{%tr endfor %}", 7),
    ]
    b.table(w, rows)


def d27(b: Builder) -> None:
    b.form_head("档号：{{ x.dang_hao }}", "案件编号：{{ case.number }}")
    rows = [
        Row([C("本卷情况说明", "TblHead")], height=520),
        Row(
            [
                Cell(
                    ["本卷共{{ x.item_count }}件，{{ x.page_count }}页。", "{{ x.note }}"],
                    "TblIndent",
                    valign="top",
                )
            ],
            height=7600,
        ),
        Row(
            [
                Cell(
                    [
                        "立卷人：{{ x.filer }}",
                        "检查人：{{ x.checker }}",
                        "立卷时间：{{ x.filed_date }}",
                        "检查时间：{{ x.checked_date }}",
                    ],
                    "TblText",
                    valign="center",
                    borders="",
                )
            ],
            height=2000,
        ),
    ]
    # the signature lines sit in the lower right of the last cell (GB/T 9705 卷内备考表)
    rows[-1].cells[0].style = "TblSign"
    b.table([TEXT_W], rows)


def d28(b: Builder) -> None:
    b.form_head("全宗名称：{{ x.fonds_name }}", "年度：{{ x.year }}　保管期限：{{ x.retention }}")
    w = [650, 3150, 1900, 1700, 3006, 1150, 650, 650, 1900]  # the landscape 版心: 225 mm = 12756 twips; 档号 on one line
    rows = [
        Row(
            [
                C(h, "TblSmallHead")
                for h in ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")
            ],
            header=True,
            height=520,
        ),
        tag_row("{%tr for e in x.entries %}", 9),
        Row(
            [
                C("{{ e.seq }}", "TblSmall"),
                C("{{ e.dang_hao }}", "TblSmall"),
                C("{{ e.wenhao }}", "TblSmall"),
                C("{{ e.author }}", "TblSmall"),
                C("{{ e.title }}", "TblSmallLeft"),
                C("{{ e.date }}", "TblSmall"),
                C("{{ e.secret }}", "TblSmall"),
                C("{{ e.pages }}", "TblSmall"),
                C("{{ e.note }}", "TblSmall"),
            ],
            height=520,
        ),
        tag_row("{%tr endfor %}", 9),
    ]
    b.table(w, rows)


def d29(b: Builder) -> None:
    b.red_head("社会保险费征缴争议典型案例", number="{{ office.name }}　{{ x.case_no }}")
    b.title("{{ x.case_title }}")
    b.blank()
    b.p(
        [
            ("【类别】", "LabelHei"),
            "{{ case.categories }}　",
            ("【险种】", "LabelHei"),
            "{{ case.insurance_types }}　",
            ("【风险等级】", "LabelHei"),
            "{{ case.risk }}",
        ]
    )
    b.p([("【关键词】", "LabelHei"), "{{ x.keywords }}"])
    b.h1("一、案情简介")
    b.loop("t", "x.summary", "{{ t }}")
    b.h1("二、争议焦点")
    b.numbered("t", "x.issues", "{{ t }}")
    b.h1("三、处理结果")
    b.loop("t", "x.result", "{{ t }}")
    b.h1("四、法律依据")
    b.numbered("a", "x.basis", "{{ a }}")
    b.h1("五、经验启示")
    b.loop("t", "x.lessons", "{{ t }}")
    b.blank()
    b.p(
        "（本案例已脱敏{% if x.reviewer %}，脱敏审核人：{{ x.reviewer }}{% endif %}"
        "{% if x.approver %}；发布审批人：{{ x.approver }}{% endif %}"
        "{% if x.approved_date %}；审批日期：{{ x.approved_date }}{% endif %}。）",
        "GwNote",
    )


BUILDERS: dict[str, Callable[[Builder], None]] = {
    "D01": d01,
    "D02": d02,
    "D03": d03,
    "D04": d04,
    "D05": d05,
    "D06": d06,
    "D07": d07,
    "D08": d08,
    "D09": d09,
    "D32": d32,
    "D10": d10,
    "D11": d11,
    "D12": d12,
    "D13": d13,
    "D14": d14,
    "D15": d15,
    "D16": d16,
    "D17": d17,
    "D18": d18,
    "D19": d19,
    "D20": d20,
    "D21": d21,
    "D22": d22,
    "D23": d23,
    "D24": d24,
    "D25": d25,
    "D26": d26,
    "D27": d27,
    "D28": d28,
    "D29": d29,
}
NO_PAGE_NUMBERS = {"D25", "D27"}  # 案卷封面 and 卷内备考表 carry no page number (GB/T 9705)


def build_one(doc_type: str, out_dir: Path) -> Path:
    spec = DOC_TYPES[doc_type]
    b = Builder(spec, letter=spec.layout == "letter", page_numbers=doc_type not in NO_PAGE_NUMBERS)
    BUILDERS[doc_type](b)
    path = out_dir / f"{doc_type}.docx"
    b.save(path)
    return path


# ----------------------------------------------------------------------------------------------
# Sample context (for --preview and the self-check)
# ----------------------------------------------------------------------------------------------

PAYER = {
    "kind_label": "单位",
    "name": "奈曼旗某建材有限公司",
    "id_label": "统一社会信用代码",
    "id_value": "91150525MA0N123456",
    "address": "奈曼旗大沁他拉镇工业园区8号",
    "mobile": "13904751234",
    "phone": "0475-4229876",
    "legal_rep": "李某",
    "represents": "",
}
ARREARS = [
    {
        "insurance_type": "基本养老保险",
        "period": "2025年1月",
        "headcount": "12",
        "base": "48,000.00",
        "due": "12,480.00",
        "paid": "0.00",
        "owed": "12,480.00",
    },
    {
        "insurance_type": "失业保险",
        "period": "2025年1月",
        "headcount": "12",
        "base": "48,000.00",
        "due": "480.00",
        "paid": "0.00",
        "owed": "480.00",
    },
    {
        "insurance_type": "工伤保险",
        "period": "2025年1月",
        "headcount": "12",
        "base": "48,000.00",
        "due": "384.00",
        "paid": "0.00",
        "owed": "384.00",
    },
    {
        "insurance_type": "基本医疗保险",
        "period": "2025年1月",
        "headcount": "12",
        "base": "48,000.00",
        "due": "4,320.00",
        "paid": "2,000.00",
        "owed": "2,320.00",
    },
]
FEE_LINES = [
    {
        "insurance_type": "基本养老保险",
        "period": "2025年1月",
        "principal": "12,480.00",
        "due_date": "2025年2月15日",
        "start": "2025年2月16日",
        "end": "2025年5月20日",
        "days": "94",
        "rate": "0.05%",
        "fee": "586.56",
    },
    {
        "insurance_type": "失业保险",
        "period": "2025年1月",
        "principal": "480.00",
        "due_date": "2025年2月15日",
        "start": "2025年2月16日",
        "end": "2025年5月20日",
        "days": "94",
        "rate": "0.05%",
        "fee": "22.56",
    },
    {
        "insurance_type": "工伤保险",
        "period": "2025年1月",
        "principal": "384.00",
        "due_date": "2025年2月15日",
        "start": "2025年2月16日",
        "end": "2025年5月20日",
        "days": "94",
        "rate": "0.05%",
        "fee": "18.05",
    },
    {
        "insurance_type": "基本医疗保险",
        "period": "2025年1月",
        "principal": "2,320.00",
        "due_date": "2025年2月15日",
        "start": "2025年2月16日",
        "end": "2025年5月20日",
        "days": "94",
        "rate": "0.05%",
        "fee": "109.04",
    },
]
CONTACT = "王某"
TOTALS = {
    "total_due": "17,664.00",
    "total_paid": "2,000.00",
    "total_owed": "15,664.00",
    "total_owed_upper": "壹万伍仟陆佰陆拾肆元整",
}
LATE = {
    "late_fee_total": "736.21",
    "late_fee_total_upper": "柒佰叁拾陆元贰角壹分",
    "grand_total": "16,400.21",
    "grand_total_upper": "壹万陆仟肆佰元贰角壹分",
}

SAMPLE_X: dict[str, dict[str, Any]] = {
    "D01": {},
    "D02": {"handling": "联合办理", "contact": CONTACT},
    "D03": {
        "reason": "你反映的工伤保险待遇支付争议属于社会保险经办机构的职责，依法应当通过社会保险经办机构处理或者"
        "申请行政复议、提起行政诉讼解决，不属于本机关职责范围。",
        "competent_body": "奈曼旗社会保险事业服务中心",
        "competent_contact": "奈曼旗大沁他拉镇民主路2号，0475-4211111",
        "transfer": "本机关已于2026年4月9日将你提交的材料书面移交奈曼旗社会保险事业服务中心。",
    },
    "D04": {
        "questions": [
            "张某与该公司2023年3月至2025年6月期间是否存在劳动关系；",
            "该公司是否已为张某办理社会保险登记，参保险种及起止时间；",
            "对欠缴的社会保险费，贵局是否可以出具核定意见。",
        ],
        "contact": CONTACT,
    },
    "D05": {
        "dept": "奈曼旗人力资源和社会保障局",
        "request_wenhao": "奈税社函〔2026〕7号",
        "facts": "经核查劳动保障监察档案，张某于2023年3月1日入职该公司，2025年6月30日离职，双方签订书面劳动合同。",
        "opinion": "双方劳动关系成立。该公司应为张某补办2023年3月至2025年6月的基本养老、失业、工伤保险登记并补缴费款。",
        "basis": "《中华人民共和国社会保险法》第五十八条、第六十条；《社会保险费征缴暂行条例》第十条。",
        "will_act": "是。本局将于5个工作日内向该公司送达责令改正通知。",
        "handler": "赵某",
        "head": "孙某",
    },
    "D06": {
        "reason": "涉及职工12人，欠缴金额较大，已有集体上访苗头，涉及税务、人社、医保三部门职责交叉。",
        "office_opinion": "建议按专案办理，由旗税务局牵头，人社、医保、司法等部门参与会商。",
        "leader_opinion": "",
        "leader": "",
        "office_label": "领导小组办公室",
        "leader_label": "组长",
    },
    "D07": {
        "reason": "反映事项涉及企业改制期间职工身份认定，现行规定未明确承办部门。",
        "suggested_dept": "奈曼旗人力资源和社会保障局",
        "opinion": "请旗政府办按照12345热线运行机制转交承办部门办理。",
        "ticket_no": "",
    },
    "D08": {
        "requirements": "请于办理期限内核实该公司参保登记情况，依职责作出处理，并将书面意见反馈受理部门。"
    },
    "D32": {
        "reported_date": "2026年3月2日",
        "urge_date": "2026年3月16日",
        "ordinal": "一",
        "text": "请于2026年3月20日前办理并反馈。",
    },
    "D09": {
        "dept": "某职能部门",
        "reported_date": "2026年3月2日",
        "urged_dates": "2026年3月16日、2026年3月30日",
        "refusal": "该部门以“非本部门职责”为由拒绝办理，但未提出相应依据。",
        "evidence": ["职责不清事项报送单（奈税社送〔2026〕2号）", "催办记录2份", "12345工单流转记录"],
    },
    "D10": {
        "convener": "奈曼旗社会保险费征缴争议联合处置领导小组办公室",
        "meeting_name": "社会保险费征缴争议会商会议",
        "meeting_time": "2026年5月12日上午9时",
        "meeting_place": "旗税务局三楼会议室",
        "host": "领导小组办公室主任",
        "topics": ["研究某建材公司欠缴职工社会保险费争议的处理意见", "研究职工劳动关系确认及补缴核定事项"],
        "participants": [
            "旗人社局分管负责同志及劳动监察业务人员",
            "旗医保局分管负责同志",
            "旗司法局公职律师",
        ],
        "materials": ["本部门书面意见", "相关政策依据"],
        "contact": CONTACT,
    },
    "D11": {
        "convener": "奈曼旗社会保险费征缴争议联合处置领导小组办公室",
        "meeting_name": "社会保险费征缴争议会商会议",
        "meeting_time": "2026年5月12日",
        "meeting_place": "旗税务局三楼会议室",
        "host": "领导小组办公室主任王某",
        "present": "旗税务局王某、旗人社局赵某、旗医保局钱某、旗司法局孙某",
        "attending": "大沁他拉镇政府周某",
        "absent": "旗信访局吴某",
        "topics": ["某建材公司欠缴职工社会保险费争议的处理", "职工劳动关系确认及补缴核定"],
        "matters": [
            {
                "subject": "欠缴社会保险费争议",
                "basis": "《中华人民共和国社会保险法》第六十条、第六十三条、第八十六条",
                "opinion": "由旗人社局出具劳动关系确认意见，旗税务局依法责令限期缴纳。",
                "opinion_risk": "涉及职工12人，存在集体上访可能，风险较高。",
                "review_risk": "事实清楚、程序合法的，复议诉讼风险较低。",
            }
        ],
        "decisions": [
            {"text": "出具劳动关系确认书面意见", "unit": "旗人社局", "due": "2026年5月19日"},
            {"text": "下达责令限期缴纳通知书", "unit": "旗税务局", "due": "2026年5月22日"},
        ],
    },
    "D12": {
        "findings": "经旗人社局核实，张某与奈曼旗某建材有限公司自2023年3月至2025年6月存在劳动关系，该公司未为其"
        "足额缴纳社会保险费。",
        "opinion": "由该公司于限期内补缴张某2023年3月至2025年6月的基本养老、失业、工伤保险费，旗税务局依法征收。",
        "basis": [
            "《中华人民共和国社会保险法》第五十八条、第六十条、第六十三条",
            "《社会保险费征缴暂行条例》第十条",
        ],
        "obligations": "奈曼旗某建材有限公司应当按照核定金额补缴社会保险费；张某应当配合提供身份信息。",
        "contact": CONTACT,
    },
    "D13": {
        "reason": "该事项需要人社、医保两部门联合核实劳动关系和缴费基数",
        "old_deadline": "2026年5月20日",
        "approver": "旗税务局局长",
    },
    "D14": {
        "visit_date": "2026年6月3日",
        "method": "电话",
        "visitor": "王某",
        "respondent": "张某",
        "content": "缴费人表示已收到处理意见告知书，该公司已补缴费款。",
        "satisfaction": "满意",
        "objection": "否",
        "remedy_kind": "",
        "remedy_body": "",
        "remedy_date": "",
        "remedy_status": "",
        "suggestions": "希望加强对企业参保的日常检查。",
    },
    "D15": {
        "facts": "张某于2023年3月入职该公司，公司未为其缴纳社会保险费，张某离职后要求补缴并赔偿损失。",
        "dispute": "社会保险费补缴及张某医疗费损失的赔偿",
        "responsibility": "该公司未依法为张某缴纳社会保险费，应承担补缴责任。",
        "terms": [
            "乙方于2026年6月30日前到旗税务局补缴张某2023年3月至2025年6月的社会保险费；",
            "乙方于2026年6月15日前一次性支付甲方医疗费损失3,000元。",
        ],
        "performance": "乙方通过银行转账方式支付，逾期未履行的，甲方可以依法申请仲裁或者提起诉讼。",
        "mediator": "刘某",
        "mediation_org": "奈曼旗社保争议人民调解委员会",
    },
    "D16": {
        "payer": PAYER,
        "facts": "你单位2025年1月应缴社会保险费未按时足额缴纳。",
        "arrears": ARREARS,
        **TOTALS,
        "contact": CONTACT,
    },
    "D17": {
        "payer": PAYER,
        "facts": "你单位2025年1月应缴社会保险费未按时足额缴纳，经本机关通知后仍未缴纳。",
        "arrears": ARREARS,
        **TOTALS,
        "late_fee_start": "2025年2月16日",
        "contact": CONTACT,
    },
    "D18": {
        "payer": PAYER,
        "order_wenhao": "奈税社限缴〔2026〕12号",
        "facts": "你单位2025年1月应缴社会保险费15,664.00元，经责令限期缴纳，期限届满仍未缴纳。",
        "evidence": ["社会保险费申报及缴费记录", "责令限期缴纳通知书及送达回证", "旗人社局劳动关系确认意见"],
        "arrears": ARREARS,
        "total_owed": TOTALS["total_owed"],
        "total_owed_upper": TOTALS["total_owed_upper"],
        "late_fee_until": "2025年5月20日",
        **LATE,
        "pay_method": "电子税务局或者办税服务厅",
    },
    "D19": {
        "payer": PAYER,
        "for_doc": "社会保险费征收决定书（奈税社征决〔2026〕3号）",
        "fee_lines": FEE_LINES,
        "principal_total": "15,664.00",
        "late_fee_total": "736.21",
        "late_fee_total_upper": "柒佰叁拾陆元贰角壹分",
        "handler": "王某",
        "reviewer": "赵某",
    },
    "D20": {
        "payer": PAYER,
        "decision_wenhao": "奈税社征决〔2026〕3号",
        "decision_date": "2026年6月2日",
        "total_owed": TOTALS["total_owed"],
        "total_owed_upper": TOTALS["total_owed_upper"],
        **LATE,
        "pay_method": "通过电子税务局或者到办税服务厅缴纳",
    },
    "D21": {
        "payer": PAYER,
        "decision_wenhao": "奈税社征决〔2026〕3号",
        "decision_date": "2026年6月2日",
        "facts": "被申请人2025年1月应缴社会保险费15,664.00元，经责令限期缴纳、作出征收决定并催告，仍未缴纳。",
        "basis": "《中华人民共和国社会保险法》第六十三条、第八十六条；《中华人民共和国行政强制法》第五十三条至第五十五条。",
        "party_views": "被申请人未在规定期限内提出陈述、申辩意见。",
        "demand_wenhao": "奈税社催〔2026〕2号",
        "demand_date": "2026年8月10日",
        "total_owed": TOTALS["total_owed"],
        "late_fee_total": LATE["late_fee_total"],
        "grand_total": LATE["grand_total"],
        "grand_total_upper": LATE["grand_total_upper"],
        "head": "张某某",
    },
    "D22": {
        "served": [
            {"title": "社会保险费责令限期缴纳通知书", "wenhao": "奈税社限缴〔2026〕12号"},
            {"title": "滞纳金计算明细表", "wenhao": ""},
        ],
        "place": "奈曼旗大沁他拉镇工业园区8号",
        "method": "直接送达",
        "server": "王某、赵某",
        "note": "",
    },
    "D23": {
        "payer": PAYER,
        "order_wenhao": "奈税社限缴〔2026〕12号",
        "total_owed": TOTALS["total_owed"],
        "total_owed_upper": TOTALS["total_owed_upper"],
        "late_fee_total": LATE["late_fee_total"],
        "schedule": [
            {"due": "2026年7月31日", "amount": "6,000.00", "note": ""},
            {"due": "2026年8月31日", "amount": "6,000.00", "note": ""},
            {"due": "2026年9月30日", "amount": "4,400.21", "note": "含滞纳金"},
        ],
        "guarantee": "由奈曼旗某商贸有限公司提供连带责任保证，保证期间至2026年12月31日。",
    },
    "D24": {
        "payer": PAYER,
        "facts": "2025年1月应缴社会保险费15,664.00元未按时足额缴纳。",
        "order_wenhao": "奈税社限缴〔2026〕12号",
        "order_date": "2026年5月25日",
        "pay_by": "2026年6月10日",
        "total_owed": TOTALS["total_owed"],
        "total_owed_upper": TOTALS["total_owed_upper"],
        "proof": "有社会保险费缴费记录查询结果和送达回证为证。",
        "contact": CONTACT,
    },
    "D25": {
        "fonds_name": "国家税务总局奈曼旗税务局",
        "fonds": "J001",
        "category": "社会保险费征缴争议处置",
        "file_title": "关于张某反映奈曼旗某建材有限公司欠缴社会保险费争议的处理案卷",
        "date_range": "2026年4月8日至2026年6月20日",
        "retention": "定期30年",
        "item_count": "14",
        "page_count": "63",
        "archive_no": "2026-012",
        "dang_hao": "J001-WS·2026-D30-SBZY-0012",
        "closed_date": "2026年6月20日",
        "filer": "档案员",
    },
    "D26": {
        "dang_hao": "J001-WS·2026-D30-SBZY-0012",
        "entries": [
            {
                "seq": str(i + 1),
                "wenhao": w,
                "author": "奈曼旗税务局",
                "title": t,
                "date": d,
                "pages": p,
                "note": "",
            }
            for i, (w, t, d, p) in enumerate(
                [
                    ("奈税社告〔2026〕5号", "处理意见告知书", "20260602", "1"),
                    ("", "送达回证", "20260603", "3"),
                    ("", "争议事项受理登记表", "20260408", "4"),
                    ("奈税社受〔2026〕12号", "受理告知书", "20260408", "6"),
                ]
            )
        ],
    },
    "D27": {
        "dang_hao": "J001-WS·2026-D30-SBZY-0012",
        "item_count": "14",
        "page_count": "63",
        "note": "本卷文件齐全，无缺损、修改、补充或者移出的情况。",
        "filer": "档案员",
        "checker": "复核员",
        "filed_date": "2026年6月25日",
        "checked_date": "2026年6月26日",
    },
    "D28": {
        "fonds_name": "国家税务总局奈曼旗税务局",
        "year": "2026",
        "retention": "定期30年",
        "entries": [
            {
                "seq": "1",
                "dang_hao": "J001-WS·2026-D30-SBZY-0012",
                "wenhao": "奈税社告〔2026〕5号",
                "author": "奈曼旗税务局",
                "title": "关于张某反映欠缴社会保险费争议的处理案卷",
                "date": "20260620",
                "secret": "",
                "pages": "63",
                "note": "",
            },
            {
                "seq": "2",
                "dang_hao": "J001-WS·2026-D30-SBZY-0013",
                "wenhao": "奈税社告〔2026〕6号",
                "author": "奈曼旗税务局",
                "title": "关于某公司职工反映社会保险费缴费基数争议的处理案卷",
                "date": "20260628",
                "secret": "",
                "pages": "41",
                "note": "",
            },
        ],
    },
    "D29": {
        "case_title": "某建材公司欠缴职工社会保险费争议联合处置案",
        "case_no": "DX-2026-003",
        "summary": ["职工张某反映某公司在其任职期间未为其缴纳社会保险费。受理部门登记后，会同人社、医保部门会商，"
                    "确认劳动关系后依法责令该公司限期缴纳。"],
        "issues": ["劳动关系是否成立。", "欠缴费款的核定与征收主体。"],
        "result": ["该公司在责令期限内补缴社会保险费及滞纳金，职工表示满意。"],
        "basis": ["《中华人民共和国社会保险法》第五十八条、第六十条、第六十三条、第八十六条"],
        "lessons": ["联合会商可以快速确认劳动关系，避免职工“多头跑”。"],
        "keywords": "劳动关系、欠缴、联合会商",
        "reviewer": "赵某",
        "approver": "孙某",
        "approved_date": "2026年7月",
    },
}


def _wenhao(doc_type: str) -> str:
    daizi = {
        "D02": "奈税社受",
        "D03": "奈税社转",
        "D04": "奈税社函",
        "D06": "奈税社报",
        "D07": "奈税社送",
        "D09": "奈税社移",
        "D10": "奈税社会",
        "D11": "奈税社纪",
        "D12": "奈税社告",
        "D13": "奈税社延",
        "D16": "奈税社征通",
        "D17": "奈税社限缴",
        "D18": "奈税社征决",
        "D20": "奈税社催",
        "D21": "奈税社执申",
        "D23": "奈税社协",
        "D24": "奈税社罚移",
    }
    return f"{daizi.get(doc_type, '奈税社')}〔2026〕12号"


RECIPIENTS = {
    "D32": "奈曼旗人力资源和社会保障局",
    "D04": "奈曼旗人力资源和社会保障局",
    "D07": "奈曼旗人民政府办公室",
    "D08": "奈曼旗人力资源和社会保障局",
    "D09": "中共奈曼旗纪律检查委员会、奈曼旗监察委员会",
    "D10": "旗人社局、旗医保局、旗司法局",
    "D16": "奈曼旗某建材有限公司",
    "D17": "奈曼旗某建材有限公司",
    "D18": "奈曼旗某建材有限公司",
    "D20": "奈曼旗某建材有限公司",
    "D21": "奈曼旗人民法院",
    "D22": "奈曼旗某建材有限公司",
    "D24": "奈曼旗人力资源和社会保障局",
}
TAX_REMEDY = [
    "如对本通知（决定）不服，可以自收到之日起六十日内依法向国家税务总局通辽市税务局申请行政复议，或者自收到之日起"
    "六个月内依法向奈曼旗人民法院提起行政诉讼。",
]
PETITION_REMEDY = [
    "对本处理意见不服的，可以自收到本意见之日起三十日内向奈曼旗人民政府请求复查。",
    "对用人单位与职工之间的劳动争议，可以依法申请调解，或者自知道或者应当知道其权利被侵害之日起一年内向奈曼旗劳动人事"
    "争议仲裁委员会申请仲裁。",
]


def sample_context(doc_type: str) -> dict[str, Any]:
    spec = DOC_TYPES[doc_type]
    party_a = {
        "kind_label": "个人",
        "name": "张某",
        "id_label": "身份证号码",
        "id_value": "150525199001011234",
        "address": "奈曼旗大沁他拉镇民主路12号",
        "mobile": "13812345678",
        "phone": "",
        "legal_rep": "",
        "represents": "本人及同厂职工11人",
    }
    ctx: dict[str, Any] = {
        "office": {
            "name": "国家税务总局奈曼旗税务局",
            "short": "奈曼旗税务局",
            "address": "奈曼旗大沁他拉镇税务路1号",
            "phone": "0475-4221234",
            "superior_tax": "国家税务总局通辽市税务局",
            "county_gov": "奈曼旗人民政府",
            "court": "奈曼旗人民法院",
            "arbitration": "奈曼旗劳动人事争议仲裁委员会",
            "leading_group_office": "奈曼旗社会保险费征缴争议联合处置领导小组办公室",
        },
        "doc": {
            "type": doc_type,
            "title": spec.title,
            "wenhao": _wenhao(doc_type) if spec.numbered else "",
            "date": "2026年5月8日",
            "recipient": RECIPIENTS.get(doc_type, "张某"),
            "copy_to": "奈曼旗人力资源和社会保障局" if doc_type in ("D10", "D12") else "",
            "corrects": "",
            "attachments": (
                ["滞纳金计算明细表"]
                if doc_type in ("D17", "D18")
                else ["张某提交的劳动合同复印件", "工资发放记录"]
                if doc_type in ("D04", "D12")
                else []
            ),
        },
        "case": {
            "id": "SBZY-2026-0012",
            "number": "奈税社争〔2026〕12号",
            "received_at": "2026年4月8日 9时40分",
            "received_date": "2026年4月8日",
            "channel": "来访",
            "channel_ref": "",
            "first_handler": "王某",
            "intake_dept": "旗税务局",
            "coordinator_dept": "旗税务局",
            "lead_dept": "旗人社局",
            "co_depts": "旗税务局、旗医保局",
            "jurisdiction": "奈曼旗大沁他拉镇",
            "jurisdiction_code": "150525",
            "categories": "欠缴社会保险费",
            "category_codes": "C03",
            "insurance_types": "基本养老保险、失业保险、工伤保险",
            "periods": "2023年3月至2025年6月",
            "claim": "张某反映其于2023年3月至2025年6月在奈曼旗某建材有限公司工作，该公司未为其缴纳社会保险费，"
            "要求依法补缴。",
            "attachments": ["身份证复印件", "劳动合同复印件", "工资发放记录"],
            "case_class": "一般",
            "risk": "中",
            "route": "一般/中风险",
            "state": "处理中",
            "amounts": [{"name": "欠缴社会保险费", "amount": "15,664.00", "upper": "壹万伍仟陆佰陆拾肆元整"}],
            "total_amount": "15,664.00",
            "total_amount_upper": "壹万伍仟陆佰陆拾肆元整",
        },
        "applicant": party_a,
        "counterparty": PAYER,
        "deadline": "2026年9月30日" if doc_type == "D23" else "2026年5月22日",
        "remedy": (
            TAX_REMEDY if doc_type in ("D17", "D18", "D20") else PETITION_REMEDY if spec.remedy else []
        ),
        "x": SAMPLE_X[doc_type],
    }
    return ctx


def blank_context(value: Any) -> Any:
    """The minimal context: every string empty, every list empty (dicts keep their keys)."""
    if isinstance(value, dict):
        return {k: blank_context(v) for k, v in value.items()}
    if isinstance(value, list):
        return []
    return ""


# ----------------------------------------------------------------------------------------------
# templates/README.md (the x.* tables are generated from DOC_TYPES so that they never drift)
# ----------------------------------------------------------------------------------------------

LAYOUT_NAMES = {
    "gongwen": "公文（红头、发文字号、红色分隔线）",
    "letter": "信函格式（函）",
    "minutes": "纪要格式",
    "form": "表格",
    "enforcement": "执法文书（单页表格）",
    "agreement": "协议",
}

README_HEAD = """# 文书模板说明

本目录存放 29 种法定文书模板 `D01.docx` … `D29.docx`（docxtpl 模板，Jinja 语法）。模板由
`tools/build_templates.py` 生成，请勿直接修改本目录下的文件；本单位的个性化修改请按下文“覆盖模板”办理。

## 版式

全部模板按 GB/T 9704-2012《党政机关公文格式》设置：A4 纸，天头 37 mm、订口 28 mm、下白边 35 mm、
翻口 26 mm；每页 22 行、每行 28 字（文档网格“指定行和字符网格”，行距固定值 28.95 磅）；标题 2 号方正小标宋简体，
正文 3 号仿宋_GB2312，一级标题黑体、二级标题楷体_GB2312；页码 4 号宋体“— 1 —”，单页居右、双页居左。
字体只写名称、不嵌入文件，打印或转 PDF 的电脑须安装上述字体。

## 在 Word / WPS 中修改模板

1. 把要修改的模板（例如 `D17.docx`）复制到本工作区的 `templates/` 文件夹，保持文件名不变。
2. 用 Word 或 WPS 打开复制件修改文字和版式。**请修改样式，不要直接设置格式**：在“样式”窗格中右击
   “正文”“公文标题”“一级标题”“二级标题”“署名”“成文日期”“表格文字”“执法文书正文”等样式，选择“修改”。
   这样全文统一变化，也不会破坏文档网格。
3. 双花括号 `{{ … }}` 是填充位置，`{%p … %}`、`{%tr … %}` 所在的整段或整行是循环、条件标记，
   修改时请整体保留：
   - 标记必须使用半角花括号 `{ }`、半角百分号和直引号（`'`），不要输入全角“｛｝”或弯引号“‘’”；
     关闭“自动更正—直引号替换为弯引号”后再编辑。
   - 一个 `{{ … }}` 要一次输入完，不要在中间改字体或字号（否则 Word 会把它拆成几段，系统无法识别）。
     发现拆开时，选中整个标记，清除格式后重新输入。
   - `{%p for … %}` 与 `{%p endfor %}`、`{%p if … %}` 与 `{%p endif %}` 必须各占一段、成对出现；
     表格中的 `{%tr for … %}`、`{%tr endfor %}` 各占一行，夹在中间的那一行按每条数据重复。
4. 保存为 .docx（不要另存为 .doc 或 .wps）。

## 覆盖模板

工作区 `templates/` 文件夹中与本目录同名的文件（如 `D17.docx`）优先于系统自带模板使用；删除该文件即恢复默认。
生成的文书会记录所用模板的 SHA-256，事后可以核对是用哪一版模板生成的。
模板中使用了未定义的名称（例如拼错的变量）时，生成会报错而不会输出空白，请对照下表改正。

## 可用的名称

所有模板都可以使用下列名称（值均为已格式化的文字）：

| 名称 | 含义 |
|---|---|
| `office.name` / `short` / `address` / `phone` | 本机关全称、简称、地址、电话 |
| `office.superior_tax` / `county_gov` / `court` / `arbitration` / `leading_group_office` | 上一级税务机关、本级人民政府、基层人民法院、劳动人事争议仲裁委员会、领导小组办公室 |
| `doc.type` / `title` / `wenhao` / `date` | 文书类型（D17）、文书名称、文号、成文日期（2026年5月8日） |
| `doc.recipient` / `copy_to` / `corrects` / `attachments` | 主送（受送达人）、抄送、更正说明、附件名称列表 |
| `case.id` / `number` / `received_at` / `received_date` | 案件ID、案件编号、受理时间、受理日期 |
| `case.channel` / `channel_ref` / `first_handler` / `intake_dept` | 受理渠道、工单号、首问责任人、受理部门 |
| `case.coordinator_dept` / `lead_dept` / `co_depts` | 统筹部门、主办部门、协办部门 |
| `case.jurisdiction` / `jurisdiction_code` | 事项所在辖区及行政区划代码 |
| `case.categories` / `category_codes` / `insurance_types` / `periods` | 争议类别、类别代码、险种、所属期 |
| `case.claim` / `attachments` | 反映主要事项（诉求及事实）、提交材料列表 |
| `case.case_class` / `risk` / `route` / `state` | 分类、风险等级、办理路径、状态 |
| `case.amounts`（列表：`name` `amount` `upper`）/ `total_amount` / `total_amount_upper` | 争议金额明细及合计（小写、大写） |
| `applicant.*`、`counterparty.*` | 缴费人（反映人）与对方当事人：`kind_label` `name` `id_label` `id_value` `address` `mobile` `phone` `legal_rep` `represents`（无对方当事人时各项为空） |
| `deadline` | 本文书涉及的期限（答复期限、缴纳期限等），可能为空 |
| `remedy` | 救济途径语句列表，按 `{%p for r in remedy %}` 逐句输出 |

各文书另有专用名称 `x.…`，见下表（“列表”须用循环输出）。

"""


def readme_text() -> str:
    lines = [README_HEAD]
    lines.append("| 文书 | 名称 | 版式 | 文号 | 救济途径 | 用印 | 送达回证 |")
    lines.append("|---|---|---|---|---|---|---|")
    yes = {True: "有", False: "—"}
    for t in TEMPLATE_TYPES:
        d = DOC_TYPES[t]
        lines.append(
            f"| {t} | {d.title} | {LAYOUT_NAMES[d.layout]} | {yes[d.numbered]} | {yes[d.remedy]} | "
            f"{yes[d.sealed]} | {yes[d.to_party]} |"
        )
    lines.append("")
    for t in TEMPLATE_TYPES:
        d = DOC_TYPES[t]
        lines.append(f"### {t} {d.title}")
        lines.append("")
        if not d.x_fields:
            lines.append("只使用通用名称。")
        for name, desc in d.x_fields.items():
            lines.append(f"- `x.{name}`：{desc}")
        lines.append("")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------

FULLWIDTH_IN_TAG = re.compile(r"[｛｝％“”‘’]")
X_NAME = re.compile(r"\bx\.([A-Za-z_]\w*)")


def document_texts(path: Path) -> list[str]:
    """Run texts of all paragraphs (body, headers, footers) as the template engine sees them."""
    texts: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if (
                name.startswith("word/")
                and name.endswith(".xml")
                and (name == "word/document.xml" or "header" in name or "footer" in name)
            ):
                root = etree.fromstring(z.read(name))
                for p in root.iter(f"{{{W_NS}}}p"):
                    texts.append("".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t")))
    return texts


def check_template(path: Path, spec: DocSpec) -> list[str]:
    problems: list[str] = []
    from docx.shared import Mm

    d = Document(str(path))
    land = spec.type in LANDSCAPE_TYPES
    for s in d.sections:
        w, h = (297, 210) if land else (210, 297)
        if abs((s.page_width or 0) - Mm(w)) > Mm(0.5) or abs((s.page_height or 0) - Mm(h)) > Mm(0.5):
            problems.append("page is not A4" + (" landscape" if land else ""))
        margins = (("top_margin", 26), ("bottom_margin", 28), ("left_margin", 37), ("right_margin", 35)) if land else (
            ("top_margin", 37),
            ("bottom_margin", 35),
            ("left_margin", 28),
            ("right_margin", 26),
        )
        for name, want in margins:
            if abs(getattr(s, name) - Mm(want)) > Mm(0.1):
                problems.append(f"{name} is not {want} mm")
        grid = s._sectPr.find(qn("w:docGrid"))
        if grid is None or grid.get(qn("w:type")) != "lines" or grid.get(qn("w:linePitch")) != str(LINE_PITCH):
            problems.append(f"no line grid of {LINE_PITCH} twips (22 lines a page)")
    # every tag sits in one run; no full-width braces or curly quotes inside tags
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    root = etree.fromstring(xml.encode("utf-8"))
    for t in root.iter(f"{{{W_NS}}}t"):
        text = t.text or ""
        for m in TAG_RE.finditer(text):
            if FULLWIDTH_IN_TAG.search(m.group(0)):
                problems.append(f"full-width character inside tag {m.group(0)!r}")
        stripped = TAG_RE.sub("", text)
        if "{{" in stripped or "}}" in stripped or "{%" in stripped or "%}" in stripped:
            problems.append(f"tag split across runs: {text!r}")
    if "｛" in xml or "｝" in xml:
        problems.append("full-width brace in document")
    # x.* names used == x_fields
    used = set()
    for text in document_texts(path):
        for m in TAG_RE.finditer(text):
            used |= set(X_NAME.findall(m.group(0)))
    declared = set(spec.x_fields)
    if used - declared:
        problems.append(f"x fields used but not declared: {sorted(used - declared)}")
    if declared - used:
        problems.append(f"x fields declared but not used: {sorted(declared - used)}")
    if spec.remedy and not any("remedy" in t for t in document_texts(path)):
        problems.append("DocSpec.remedy is set but the template has no remedy block")
    return problems


def render(path: Path, ctx: dict[str, Any], out: Path) -> None:
    import jinja2
    from docxtpl import DocxTemplate

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    tpl = DocxTemplate(str(path))
    tpl.render(ctx, jinja_env=env)
    tpl.save(str(out))


def preview(paths: list[Path], out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    rendered: list[Path] = []
    failures = 0
    for path in paths:
        doc_type = path.stem
        ctx = sample_context(doc_type)
        if set(ctx["x"]) != set(DOC_TYPES[doc_type].x_fields):
            print(f"{doc_type}: sample x fields differ from DocSpec.x_fields", file=sys.stderr)
            failures += 1
        out = out_dir / f"{doc_type}.docx"
        try:
            render(path, ctx, out)
            with tempfile.TemporaryDirectory() as tmp:
                render(path, blank_context(ctx), Path(tmp) / "min.docx")
                Document(str(Path(tmp) / "min.docx"))
        except Exception as exc:  # report every template, then fail
            print(f"{doc_type}: render failed: {exc!r}", file=sys.stderr)
            failures += 1
            continue
        rendered.append(out)
    if find_soffice() is None or not rendered:
        print("soffice not found: rendered .docx only", file=sys.stderr)
        return failures
    # the conversion the application uses (faces from casefile/data/fonts.conf, PDF/A-2b)
    convert_many(rendered, out_dir, timeout=600)
    for old in out_dir.glob("D[0-9][0-9]-*.png"):
        old.unlink()
    for out in rendered:
        pdf = out.with_suffix(".pdf")
        pages = _pdf_pages(pdf)
        spec = DOC_TYPES[out.stem]
        note = ""
        if spec.layout == "enforcement" and pages != 1:
            note = "  <-- enforcement form is not one page"
            failures += 1
        print(f"{out.stem} {spec.layout:<11} {pages} page(s){note}")
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(out_dir / out.stem)], check=True)
    return failures


def _pdf_pages(pdf: Path) -> int:
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(pdf)).pages)
    except Exception:
        return -1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--out", type=Path, default=TEMPLATES, help="where to write D01.docx … (default: templates/)"
    )
    ap.add_argument(
        "--preview", type=Path, metavar="OUTDIR", help="render with sample data and convert to PDF/PNG"
    )
    ap.add_argument("--only", nargs="*", metavar="DXX", help="build only these types")
    args = ap.parse_args(argv)
    types = args.only or TEMPLATE_TYPES
    args.out.mkdir(parents=True, exist_ok=True)
    paths = [build_one(t, args.out) for t in types]
    if args.out == TEMPLATES and not args.only:
        (TEMPLATES / "README.md").write_text(readme_text(), encoding="utf-8")
    problems = 0
    for path in paths:
        for msg in check_template(path, DOC_TYPES[path.stem]):
            print(f"{path.stem}: {msg}", file=sys.stderr)
            problems += 1
    print(f"built {len(paths)} templates in {args.out}")
    if args.preview:
        problems += preview(paths, args.preview)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
