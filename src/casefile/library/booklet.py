"""The training booklet (.docx): title page, contents, one section per published write-up."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from casefile.library.writeup import SECTIONS

if TYPE_CHECKING:
    from casefile.library.writeup import WriteUp


_CN_NUM = "一二三四五六七八九十"


def _cn_index(n: int) -> str:
    if n <= 10:
        return _CN_NUM[n - 1]
    if n < 20:
        return "十" + _CN_NUM[n - 11]
    tens, ones = divmod(n, 10)
    return _CN_NUM[tens - 1] + "十" + (_CN_NUM[ones - 1] if ones else "")


def _set_font(style: Any, east_asia: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = east_asia
    if size_pt is not None:
        style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asia)


def build_booklet(writeups: Sequence[WriteUp], *, title: str, subtitle: str, month: str) -> bytes:
    """Title page, table of contents, then one section per case (Heading 1) with its parts (Heading 2)."""
    import io

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    document = docx.Document()
    _set_font(document.styles["Normal"], "仿宋", 14)
    _set_font(document.styles["Title"], "方正小标宋简体", 26, True)
    _set_font(document.styles["Heading 1"], "黑体", 16, True)
    _set_font(document.styles["Heading 2"], "楷体", 15, True)
    props = document.core_properties
    props.title = title
    props.subject = subtitle or "典型案例"
    props.keywords = "典型案例；社会保险费；征缴争议"

    for _ in range(6):
        document.add_paragraph()
    p = document.add_paragraph(title, style="Title")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if subtitle:
        sp = document.add_paragraph(f"（{subtitle}）")
        sp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in (f"共{len(writeups)}篇", month, "内部培训资料  注意保存"):
        q = document.add_paragraph(text)
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    toc = document.add_paragraph("目  录", style="Heading 1")
    toc.alignment = WD_ALIGN_PARAGRAPH.CENTER
    headings = [f"{_cn_index(i)}、{w.title}" for i, w in enumerate(writeups, 1)]
    for h in headings:
        document.add_paragraph(h).paragraph_format.space_after = Pt(2)

    for w, heading in zip(writeups, headings, strict=True):
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_paragraph(heading, style="Heading 1")
        meta = [f"案例编号：{w.id}"]
        if w.category:
            meta.append("类别：" + "、".join(_category_label(c) for c in w.category))
        if w.insurance:
            meta.append("险种：" + "、".join(w.insurance))
        if w.risk:
            meta.append(f"风险等级：{w.risk}")
        document.add_paragraph("；".join(meta))
        sections = w.sections()
        for name in SECTIONS:
            text = sections.get(name, "").strip()
            if not text:
                continue
            document.add_paragraph(name, style="Heading 2")
            for para in re.split(r"\n\s*\n|\n(?=[-*]\s|\d+\.\s)", text):
                line = re.sub(r"^[-*]\s+", "", para.strip())
                if line:
                    document.add_paragraph(line)
        extra = [k for k in sections if k not in SECTIONS]
        for name in extra:
            document.add_paragraph(name, style="Heading 2")
            document.add_paragraph(sections[name])
        sign = f"脱敏审核人：{w.reviewer}    发布审批人：{w.approver}    审批日期：{w.approved_at[:10]}"
        document.add_paragraph(sign)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _category_label(code: str) -> str:
    from casefile.models.enums import Category

    try:
        return Category.parse(code).label
    except ValueError:
        return code
