"""The paragraph and character styles every template installs (正文, 标题, 版头, forms)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from .geometry import (
    CONDENSE,
    FS,
    HT,
    KT,
    LINE_PITCH,
    PAGE_NO_AFTER,
    PAGE_NO_BEFORE,
    RED,
    ST,
    TEXT_W,
    TNR,
    XBS,
    chars,
    mm,
)
from .ooxml import border_xml, ind_first, ind_none, ppr_xml, rpr_xml


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
