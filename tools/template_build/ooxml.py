"""Raw OOXML helpers: run and paragraph properties, paragraphs and tables (children in schema order)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree

from .geometry import TAG_RE, TNR, chars


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
