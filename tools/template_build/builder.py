"""The document builder: body blocks (版头, 主送, 署名, 版记 …), page setup, headers and footers, and the
deterministic writer (fixed properties and zip timestamps, so a rebuild is byte-identical)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from casefile.documents.doctypes import DocType

from .geometry import (
    FOOTER_AREA,
    FOOTER_DIST,
    HEADER_DIST,
    LANDSCAPE,
    LETTER_RULE_OVERHANG,
    LINE_PITCH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_H,
    PAGE_W,
    RED,
    mm,
)
from .ooxml import Row, Seg, border_xml, el, p_xml, ppr_xml, table_xml
from .styles import install_styles


class Builder:
    """Accumulates body XML for one template, then writes the .docx."""

    def __init__(self, spec: DocType, *, letter: bool = False, page_numbers: bool = True) -> None:
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
        """附件说明: one blank line under the text, "附件：1.×××", numbered only when there are several.

        A short list keeps together with the text above and the 署名 below; a long one may break
        between its items, its last item staying with the 署名 (see :meth:`signature`)."""
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

        The seal must share its page with text: the last lines of the body (and the 附件说明/更正说明 after
        it) keep with the next paragraph, so a page break falls before them and body lines move over
        with the 署名, as the standard describes, instead of the 署名 standing alone. The block only
        keeps together while it can fit on a page: the last body paragraph may split (at least two of
        its lines move), and a list of more than :data:`KEEP_ITEMS` items (attachments, evidence) keeps
        only its last item with the 署名, so a long list breaks between items instead of pushing the
        whole tail to a new page and then breaking anywhere."""
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
        """Mark the tail to keep with the next paragraph, walking back from the end: the 附件说明 (a
        list of up to :data:`KEEP_ITEMS` whole, else its last item), the 更正说明, then the last line of
        text: the last body paragraph, or the last item of a list ending the text (with the label
        ``…：`` introducing it). A closing formula (特此告知。) is not text enough for the 署名's page:
        the paragraph before it comes along too. See :meth:`signature`."""
        depth = 0
        loops: list[bool] = []  # for each open block (walking backwards), whether it is a for loop
        stop_at_label = False
        for i in range(len(self.body) - 1, -1, -1):
            xml = self.body[i]
            if not xml.startswith("<w:p>"):
                return  # a table ends the text
            tag = _block_tag(xml)
            if tag is not None:
                if tag in ("endfor", "endif"):
                    depth += 1
                    loops.append(tag == "endfor")
                elif tag in ("for", "if"):
                    depth -= 1
                    loops.pop()
                    if stop_at_label and tag == "for":
                        j = next((k for k in range(i - 1, -1, -1) if _block_tag(self.body[k]) is None), -1)
                        if j >= 0 and _text(self.body[j]).endswith("："):
                            self.body[j] = _keep_next(self.body[j])  # the label introducing the list
                        if depth == 0:
                            return
                        stop_at_label = False  # a list printed only when it has items: the text before it too
                continue
            if stop_at_label:
                continue  # another paragraph of the loop ending the text
            in_loop = bool(loops) and loops[-1]
            if 'w:val="GwAttach"' in xml and in_loop:
                self.body[i:i + 1] = _kept_item(xml, f"loop.last or loop.length <= {KEEP_ITEMS}")
                continue
            if any(m in xml for m in ('w:val="GwBlank"', 'w:val="GwAttach"', "更正说明")) or (depth and not in_loop):
                self.body[i] = _keep_next(xml)  # blank lines, 更正说明, a label inside a condition
                continue
            if in_loop:  # a list ends the text: its last item goes with the 署名
                self.body[i:i + 1] = _kept_item(xml, "loop.last")
                stop_at_label = True
                continue
            self.body[i] = _keep_next(xml, split=True)
            if not _closing(xml):
                return  # the last real body paragraph

    def contact_note(self) -> Builder:
        """附注 under the date: contact person and telephone."""
        return self.p("（{% if x.contact %}联系人：{{ x.contact }}；{% endif %}联系电话：{{ office.phone }}）", "GwNote")

    def copy_to(self, organ: str = "{{ office.name }}") -> Builder:
        """版记 (GB/T 9704 §7.4): 抄送 when there is one; a red-header document also carries 印发机关 and
        印发日期 (the 成文日期). Letters (信函格式) print 抄送 only."""
        if not self.red:
            # a letter's short 抄送 (two lines at most) follows the 成文日期 onto its page rather than standing
            # alone on the next; a longer one may not pull the date away from the 署名, so it is kept whole
            if self.body and re.search(r'w:val="Gw(Date|DateU|Note)"', self.body[-1]):
                self.body[-1] = _keep_next(self.body[-1], split=True)
            self.tag("{%p if doc.copy_to %}")
            self.body += _kept_item(p_xml("", "GwBlank"), f"doc.copy_to|length <= {COPY_KEPT}")
            self.p("抄送：{{ doc.copy_to }}。", "GwCopy", keep_lines=True)
            return self.tag("{%p endif %}")
        # the 版记 sits at the foot of the last page, its last line on the page's last line (§7.4): a
        # frame anchored to the bottom margin, which the text above does not flow into
        self.blank()
        self.tag("{%p if doc.copy_to %}")
        self.body.append(_framed(p_xml("抄送：{{ doc.copy_to }}。", "GwCopy", keep_next=True)))
        self.tag("{%p endif %}")
        self.body.append(_framed(p_xml(f"{organ}\t{{{{ doc.date }}}}印发", "GwCopyLast")))
        return self

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
        _page_setup(section, landscape=self.spec.landscape)
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


#: a list (attachments, evidence) of up to this many items keeps together with the 署名
KEEP_ITEMS = 6
#: a letter's 抄送 of up to this many characters (two lines of 版记) stays on the 成文日期's page
COPY_KEPT = 50


def _keep_next(xml: str, *, split: bool = False) -> str:
    """The paragraph with ``w:keepNext`` and ``w:keepLines`` (once); ``split``: a paragraph that may
    break across pages, with widow control so that at least its last two lines go with the next."""
    if "<w:keepNext/>" in xml:
        return xml
    props = "<w:keepNext/><w:widowControl/>" if split else "<w:keepNext/><w:keepLines/>"
    return re.sub(r"(<w:pPr>(?:<w:pStyle [^>]*/>)?)", r"\1" + props, xml, count=1)


#: the 版记's frame: the width of the 版心, centred, at the foot of the text area
_FRAME = ('<w:framePr w:w="{w}" w:wrap="notBeside" w:vAnchor="margin" w:hAnchor="margin" w:xAlign="center" '
          'w:yAlign="bottom"/>')


def _framed(xml: str) -> str:
    """The paragraph inside the bottom frame (w:framePr after pStyle/keepNext/keepLines, as the schema orders)."""
    frame = _FRAME.format(w=PAGE_W - MARGIN_LEFT - MARGIN_RIGHT)
    return re.sub(r"(<w:pPr>(?:<w:pStyle [^>]*/>)?(?:<w:keepNext/>)?(?:<w:keepLines/>)?)", r"\1" + frame, xml,
                  count=1)


def _text(xml: str) -> str:
    """The literal text of a template paragraph, Jinja tags left out."""
    text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    return re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", text).strip()


def _closing(xml: str) -> bool:
    """A closing formula (特此告知。, 此复。): not enough text for the 署名's page alone. (A contact line
    holds data of any length: pulling the paragraph before it along too could make the block longer
    than a page, which then breaks anywhere, even between the 署名 and its date.)"""
    text = _text(xml)
    return "{{" not in xml and text.startswith(("特此", "此复")) and len(text) <= 12


def _kept_item(xml: str, condition: str) -> list[str]:
    """A list item that keeps with the next paragraph when ``condition`` holds (``loop.last`` …)."""
    return [p_xml(f"{{%p if {condition} %}}", "GwBlank"), _keep_next(xml), p_xml("{%p else %}", "GwBlank"), xml,
            p_xml("{%p endif %}", "GwBlank")]


def _block_tag(xml: str) -> str | None:
    """``for``/``if``/``endfor``/``endif``/``else`` of a paragraph holding only a {%p … %} tag."""
    m = re.search(r"\{%p\s*(\w+)", xml)
    return m.group(1) if m and "<w:t" in xml and xml.count("{%p") == 1 and re.search(
        r"<w:t[^>]*>\s*\{%p[^<]*%\}\s*</w:t>", xml) else None


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
