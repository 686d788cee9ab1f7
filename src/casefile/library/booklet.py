"""The training booklet (典型案例汇编, .docx) laid out as a publication of the office.

A4 with the GB/T 9704 margins (天头 37 mm, 订口 28 mm, 版心 156 × 225 mm) and its faces and grid: body
3号仿宋_GB2312 on 22 lines of 28 characters, titles 方正小标宋简体, level-1 headings 黑体, level-2 楷体_GB2312
(the same names as the statutory templates, so LibreOffice sets them through casefile/data/fonts.conf and
Word/WPS with the real fonts). A cover (title, subtitle, publisher, Chinese date), a table of contents
whose page numbers are PAGEREF fields to a bookmark on each case's title (LibreOffice computes them when it
lays the booklet out, Word/WPS update them on opening), then one section per case starting on a new page: its title, a 楷体 line with number/category/insurance/risk,
the write-up's sections as headings with their paragraphs (the Markdown marks are structure, never
printed), and the sign-off with Chinese dates. Page numbers "— n —" at the foot, none on the cover.

The publisher line is ``[typical] publisher`` of casefile.toml, a generic name by default: the office's
own name holds its county, which the write-ups replace by 某县, so it would let a reader locate the parties.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from casefile.library.writeup import SECTIONS

if TYPE_CHECKING:
    from casefile.library.writeup import WriteUp

_CN_NUM = "一二三四五六七八九十"
FS, HT, KT, XBS, TNR = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "Times New Roman"
LINE = 579  # twips: 22 lines in the 225 mm 版心
CHAR = 316  # twips: one of 28 characters across the 156 mm 版心


def _cn_index(n: int) -> str:
    if n <= 10:
        return _CN_NUM[n - 1]
    if n < 20:
        return "十" + _CN_NUM[n - 11]
    tens, ones = divmod(n, 10)
    return _CN_NUM[tens - 1] + "十" + (_CN_NUM[ones - 1] if ones else "")


def _iso_cn(value: str) -> str:
    """``2026-05-08…`` → ``2026年5月8日``; anything else unchanged."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value or "")
    if not m:
        return value
    d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return f"{d.year}年{d.month}月{d.day}日"


def _paragraphs(text: str) -> list[str]:
    """A section's Markdown as paragraphs: blank lines and list items split, emphasis marks dropped."""
    out: list[str] = []
    buf: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        item = re.match(r"^(?:[-*+]|(\d+)[.、)）])\s*(.+)$", line)
        if not line or item:
            if buf:
                out.append("".join(buf))
                buf = []
            if item:
                out.append((f"{item.group(1)}." if item.group(1) else "") + item.group(2))
            continue
        buf.append(line)
    if buf:
        out.append("".join(buf))
    return [re.sub(r"[*_`]{1,2}", "", p).strip() for p in out if p.strip()]


# -- the document ----------------------------------------------------------------------------------------
def _styles(document: Any) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    styles = document.styles.element
    for old in styles.findall(qn("w:docDefaults")):
        styles.remove(old)
    styles.insert(0, parse_xml(
        f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
        f'<w:rFonts w:ascii="{TNR}" w:hAnsi="{TNR}" w:eastAsia="{FS}" w:cs="{TNR}"/><w:color w:val="000000"/>'
        '<w:spacing w:val="-5"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>'
        f'<w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
        '<w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>'))

    def define(sid: str, name: str, ppr: str, rpr: str) -> None:
        for s in styles.findall(qn("w:style")):
            if s.get(qn("w:styleId")) == sid:
                styles.remove(s)
        styles.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{sid}">'
            f'<w:name w:val="{name}"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'))

    def fonts(face: str) -> str:
        return f'<w:rFonts w:ascii="{TNR}" w:hAnsi="{TNR}" w:eastAsia="{face}" w:cs="{TNR}"/>'

    define("Normal", "Normal", f'<w:ind w:firstLineChars="200" w:firstLine="{2 * CHAR}"/>', fonts(FS))
    define("BkCover", "汇编封面标题", '<w:spacing w:line="900" w:lineRule="exact"/><w:jc w:val="center"/>',
           fonts(XBS) + '<w:sz w:val="52"/><w:szCs w:val="52"/>')
    define("BkCoverSub", "汇编封面", '<w:jc w:val="center"/>', fonts(KT))
    define("BkTitle", "案例标题", '<w:keepNext/><w:spacing w:line="700" w:lineRule="exact"/><w:jc w:val="center"/>'
           '<w:outlineLvl w:val="0"/>', fonts(XBS) + '<w:sz w:val="44"/><w:szCs w:val="44"/>')
    define("BkToc", "目录标题", '<w:spacing w:line="700" w:lineRule="exact"/><w:jc w:val="center"/>',
           fonts(XBS) + '<w:sz w:val="44"/><w:szCs w:val="44"/>')
    define("BkTocItem", "目录条目", f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{28 * CHAR}"/></w:tabs>'
           f'<w:ind w:left="{2 * CHAR}" w:right="0" w:hanging="{2 * CHAR}"/><w:jc w:val="left"/>', fonts(FS))
    define("BkMeta", "案例信息", '<w:jc w:val="center"/>', fonts(KT))
    define("BkH1", "一级标题", f'<w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="{2 * CHAR}"/>'
           '<w:outlineLvl w:val="1"/>', fonts(HT))
    define("BkSign", "审批信息", '<w:jc w:val="right"/>', fonts(KT))


def _section_setup(document: Any) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Mm

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    section.different_first_page_header_footer = True  # no page number on the cover
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    sect.append(parse_xml(f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="{LINE}"/>'))
    footer = section.footer.paragraphs[0]
    footer._p.append(parse_xml(
        f'<w:pPr {nsdecls("w")}><w:jc w:val="center"/><w:ind w:firstLine="0" w:firstLineChars="0"/></w:pPr>'))
    for xml in ('<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r>',
                '<w:fldSimple w:instr="PAGE"><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>',
                '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r>'):
        footer._p.append(parse_xml(xml.replace("<w:r>", f'<w:r {nsdecls("w")}>', 1)
                                   .replace("<w:fldSimple ", f'<w:fldSimple {nsdecls("w")} ', 1)))


def build_booklet(writeups: Sequence[WriteUp], *, title: str, subtitle: str, month: str,
                  publisher: str = "") -> bytes:
    """Cover, table of contents, then one section per published write-up (see the module docstring)."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    _styles(document)
    _section_setup(document)
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    # Word and WPS fill the contents page's page numbers in when the booklet is opened (the schema puts
    # w:updateFields right before w:hdrShapeDefaults / w:footnotePr / w:endnotePr / w:compat)
    settings = document.settings.element
    update = parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>')
    later = [c for c in settings if c.tag.rsplit("}", 1)[-1] in ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat",
                                                                   "docVars", "rsids", "mathPr")]
    if later:
        later[0].addprevious(update)
    else:
        settings.append(update)
    props = document.core_properties
    props.title = title
    props.subject = subtitle or "典型案例"
    props.keywords = "典型案例；社会保险费；征缴争议"
    props.author = publisher or "典型案例编写组"  # not python-docx's default
    body = document.element.body
    for p in list(body):
        if p.tag.endswith("}p"):
            body.remove(p)

    style_names = {s.style_id: s.name for s in document.styles}

    def para(text: str = "", style: str = "Normal") -> Any:
        return document.add_paragraph(text, style=style_names[style])

    def page_break() -> None:
        para("").add_run().add_break(WD_BREAK.PAGE)

    for _ in range(5):
        para()
    para(title, "BkCover")
    if subtitle:
        para(f"（{subtitle}）", "BkCoverSub")
    for _ in range(8):
        para()
    para(f"共{len(writeups)}篇", "BkCoverSub")
    if publisher:
        para(publisher, "BkCoverSub")
    para(month, "BkCoverSub")
    para("内部培训资料　注意保存", "BkCoverSub")
    page_break()

    para("目　　录", "BkToc")
    para()
    headings = [f"{_cn_index(i)}、{w.title}" for i, w in enumerate(writeups, 1)]
    pages = _estimated_pages(writeups, headings)
    for i, (h, page) in enumerate(zip(headings, pages, strict=True), 1):
        item = para(h, "BkTocItem")
        _page_ref(item, f"_Case{i}", page)

    for i, (w, heading) in enumerate(zip(writeups, headings, strict=True), 1):
        page_break()
        _bookmark(para(heading, "BkTitle"), i, f"_Case{i}")
        meta = [f"案例编号：{w.id}"]
        if w.category:
            meta.append("类别：" + "、".join(_category_label(c) for c in w.category))
        if w.insurance:
            meta.append("险种：" + "、".join(w.insurance))
        if w.risk:
            meta.append(f"风险等级：{w.risk}")
        for line in _meta_lines(meta):
            para(line, "BkMeta")
        para()
        sections = w.sections()
        names = [n for n in SECTIONS if sections.get(n, "").strip()] + [n for n in sections if n not in SECTIONS]
        numbered = [n for n in names if n != "关键词"]
        for i, name in enumerate(numbered, 1):
            para(f"{_cn_index(i)}、{name}", "BkH1")
            for text in _paragraphs(sections[name]):
                para(text)
        if sections.get("关键词", "").strip():
            para("关键词：" + "、".join(_paragraphs(sections["关键词"])))
        para()
        para(f"脱敏审核人：{w.reviewer}　发布审批人：{w.approver}", "BkSign")
        if w.approved_at:
            para(f"审批日期：{_iso_cn(w.approved_at)}", "BkSign")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _meta_lines(items: Sequence[str], width: int = 26) -> list[str]:
    """The case's number, category, insurance and risk on as few centred lines as fit, an item never
    broken across two lines (``险种：工伤、基\n本医疗`` reads badly)."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 1 + len(item) <= width:
            lines[-1] += "　" + item
        else:
            lines.append(item)
    return lines


def _bookmark(paragraph: Any, n: int, name: str) -> None:
    """A bookmark around the whole paragraph (the contents page refers to its page)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    p = paragraph._p
    ppr = p.pPr
    start = parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{n}" w:name="{name}"/>')
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{n}"/>'))


def _page_ref(paragraph: Any, name: str, page: int) -> None:
    """A tab (dot leader to the right margin) and a PAGEREF field to the bookmark ``name``: LibreOffice
    fills it in when it lays the booklet out (the PDF), Word and WPS when they update fields on opening
    (``w:updateFields``); ``page`` is the value shown before that."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    w = nsdecls("w")
    for xml in (f'<w:r {w}><w:tab/></w:r>',
                f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r {w}><w:instrText xml:space="preserve"> PAGEREF {name} \\h </w:instrText></w:r>',
                f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r {w}><w:t>{page}</w:t></w:r>',
                f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml))


def _estimated_pages(writeups: Sequence[WriteUp], headings: Sequence[str]) -> list[int]:
    """Where each case should start, counted in lines of 28 characters (22 a page), for the contents page
    as it reads before the fields are updated; the cover is page 1, the contents page 2."""
    out: list[int] = []
    page = 3
    for w, heading in zip(writeups, headings, strict=True):
        out.append(page)
        lines = 2 * -(-len(heading) // 20) + 2 + 3  # title (小标宋, 2 lines a line), meta, blank, sign-off
        for name, text in w.sections().items():
            lines += 1 + sum(-(-(len(p) + 2) // 28) for p in _paragraphs(text)) if name != "关键词" else 1
        page += -(-lines // 22)
    return out


def _category_label(code: str) -> str:
    from casefile.models.enums import Category

    try:
        return Category.parse(code).label
    except ValueError:
        return code
