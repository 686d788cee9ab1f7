"""The 月度综合分析报告 (D30) as .docx in the GB/T 9704 layout (GB/T 9704-2012; docs/domain.md §7), built with python-docx.

A4; margins 37 (top) / 35 (bottom) / 28 (left) / 26 (right) mm; title 2号小标宋 (22 pt); body 3号
仿宋_GB2312 (16 pt, exact 28.95 pt lines = 22 lines per page), first-line indent two characters;
"一、" headings 黑体, "（一）" 楷体; page numbers ``— 1 —`` in 4号宋体, odd pages right and even pages
left, one character in. Fonts are named (``w:eastAsia``), never embedded.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.reports.narrative import DEFINITIONS, ORDINALS, fmt_pct
from casefile.rules.dates import date_cn
from casefile.rules.money import percent_report

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from casefile.reports.charts import ChartSet
    from casefile.reports.stats import Change, MonthlyReport

__all__ = ["FONTS", "DocxResult", "write_report_docx"]

FONTS = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "h1": "黑体", "h2": "楷体_GB2312", "page": "宋体"}
LATIN = "Times New Roman"
BODY_PT = 16.0
LINE_PT = 28.95
TABLE_PT = 10.5  # 五号
IMAGE_WIDTH_MM = 150
TEXT_WIDTH_MM = 156  # 版心 width
MAX_RISK_ROWS = 30


@dataclass
class DocxResult:
    path: Path
    charts: int
    tables: int
    warnings: list[str] = field(default_factory=list)


def _width(text: str) -> float:
    """Width in full-width characters (half-width digits and Latin count half)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


class _Writer:
    def __init__(self, report: MonthlyReport) -> None:
        from docx import Document

        self.r = report
        self.doc: DocxDocument = Document()
        self.tables = 0
        self._setup()

    # -- page, styles, footer
    def _setup(self) -> None:
        from docx.shared import Mm, Pt

        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
        sec.left_margin, sec.right_margin = Mm(28), Mm(26)
        sec.header_distance = Mm(15)
        sec.footer_distance = Mm(21)  # the number's top edge sits about 7 mm under the text block
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        self._fonts(normal.element.get_or_add_rPr(), FONTS["body"])
        pf = normal.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._page_number(sec.footer.paragraphs[0], odd=True)
        self._page_number(sec.even_page_footer.paragraphs[0], odd=False)
        props = self.doc.core_properties
        props.title = self.r.title
        props.author = props.last_modified_by = self.r.issuer
        props.subject = "月度综合分析报告（D30）"
        stamp = datetime(self.r.today.year, self.r.today.month, self.r.today.day)
        props.created = props.modified = stamp
        props.revision = 1

    @staticmethod
    def _fonts(rpr: Any, east: str, latin: str = LATIN) -> None:
        from docx.oxml.ns import qn

        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east), ("w:cs", latin)):
            fonts.set(qn(attr), value)

    def _run(self, p: Paragraph, text: str, east: str = FONTS["body"], size: float = BODY_PT, bold: bool = False,
             latin: str = LATIN) -> Any:
        from docx.shared import Pt

        run = p.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold or None
        self._fonts(run._r.get_or_add_rPr(), east, latin)
        return run

    def _page_number(self, p: Paragraph, *, odd: bool) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
        indent = Pt(14)
        if odd:
            p.paragraph_format.right_indent = indent
        else:
            p.paragraph_format.left_indent = indent
        self._run(p, "— ", FONTS["page"], 14, latin=FONTS["page"])
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            run = self._run(p, "", FONTS["page"], 14, latin=FONTS["page"])
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._r.append(fld)
            elif text == " PAGE ":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                run.text = text or ""
        self._run(p, " —", FONTS["page"], 14, latin=FONTS["page"])

    # -- blocks
    def para(self, text: str = "", *, indent: bool = True, align: str = "justify") -> Paragraph:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        pf = p.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PT)
        if indent:
            pf.first_line_indent = Pt(BODY_PT * 2)
        p.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                       "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if text:
            self._body_text(p, text)
        return p

    def _body_text(self, p: Paragraph, text: str) -> None:
        # "（一）" items: the ordinal in 楷体 (second-level heading face), the text in 仿宋.
        if text.startswith("（") and "）" in text[:5]:
            head, _, rest = text.partition("）")
            self._run(p, head + "）", FONTS["h2"])
            self._run(p, rest)
        else:
            self._run(p, text)

    def masthead(self) -> None:
        """版头 as the office's reports carry it: the issuing office in red 小标宋, the period under it, a red
        rule across the 版心 (GB/T 9704 §7.2)."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls
        from docx.shared import Pt, RGBColor

        p = self.para(indent=False, align="center")
        p.paragraph_format.line_spacing = Pt(40)
        p.paragraph_format.space_before = Pt(40)
        self._run(p, self.r.issuer, FONTS["title"], 26).font.color.rgb = RGBColor(0xFF, 0, 0)
        self.para(indent=False)
        q = self.para(indent=False, align="center")
        self._run(q, f"{self.r.month.label}综合分析")
        q._p.get_or_add_pPr().insert(0, parse_xml(  # pBdr precedes spacing, ind and jc in pPr
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="12" w:space="11" w:color="FF0000"/></w:pBdr>'))
        self.para(indent=False)

    def title(self) -> None:
        from docx.shared import Pt

        lines = [f"{self.r.month.label}社会保险费征缴争议", "综合分析报告"]
        for line in lines:
            p = self.para(indent=False, align="center")
            p.paragraph_format.line_spacing = Pt(35)
            self._run(p, line, FONTS["title"], 22)
        self.para(indent=False)

    def heading(self, text: str) -> None:
        p = self.para()
        self._run(p, text, FONTS["h1"])

    def picture(self, png: bytes) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Mm

        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact spacing would clip the image
        p.add_run().add_picture(io.BytesIO(png), width=Mm(IMAGE_WIDTH_MM))

    def table(self, caption: str, header: list[str], rows: list[list[str]], widths_mm: list[float] | None = None,
              *, left: tuple[int, ...] = (0,)) -> Table:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Pt

        self.tables += 1
        cap = self.para(indent=False, align="center")
        self._run(cap, f"表{self.tables}  {caption}", FONTS["h1"], TABLE_PT + 2)
        t = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        t.style = self.doc.styles["Table Grid"]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, (row, values) in enumerate(zip(t.rows, [header, *rows], strict=True)):
            for j, (cell, value) in enumerate(zip(row.cells, values, strict=True)):  # t.cell() is O(n) per call
                p = cell.paragraphs[0]
                p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(2)
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT if i and j in left else WD_ALIGN_PARAGRAPH.CENTER
                self._run(p, value, FONTS["h1"] if i == 0 else FONTS["body"], TABLE_PT)
        self._widths(t, widths_mm or [TEXT_WIDTH_MM / len(header)] * len(header))
        self.para(indent=False)
        return t

    @staticmethod
    def _widths(t: Table, widths_mm: list[float]) -> None:
        """Fixed column widths scaled to the text block (Word and LibreOffice both honour the grid)."""
        from docx.oxml.ns import qn
        from docx.shared import Mm

        scale = TEXT_WIDTH_MM / sum(widths_mm)
        widths = [Mm(w * scale) for w in widths_mm]
        t.autofit = False
        grid = t._tbl.tblGrid
        for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(int(width.twips)))
        for row in t.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width

    def signature(self) -> None:
        from docx.shared import Pt

        self.para(indent=False)
        issuer, when = self.r.issuer, date_cn(self.r.today)
        ls, ld = _width(issuer), _width(when)
        date_ri = max(2.0, ls - ld)
        sig_ri = date_ri + ld + 2 - ls
        for text, right in ((issuer, sig_ri), (when, date_ri)):
            p = self.para(indent=False, align="right")
            p.paragraph_format.right_indent = Pt(BODY_PT * right)
            self._run(p, text)

    def save(self, path: Path) -> None:
        from casefile.store import atomic_write

        buf = io.BytesIO()
        self.doc.save(buf)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, buf.getvalue())


def _change_cell(c: Change, unit: str = "") -> str:
    """A change as a report's table writes it: ``持平``, ``增加2件（增长100%）``, ``减少1件``, and for a rate
    the difference in percentage points, ``上升12.5个百分点`` (never ``+0.00``)."""
    if c.delta is None:
        return "—"
    if c.delta == 0:
        return "持平"
    grow = c.delta > 0
    amount = c.delta if grow else -c.delta
    if unit == "个百分点":
        return f"{'上升' if grow else '下降'}{percent_report(Decimal(amount)).removesuffix('%')}个百分点"
    text = f"{'增加' if grow else '减少'}{amount}{unit}"
    if c.pct is not None:
        text += f"（{'增长' if grow else '下降'}{fmt_pct(abs(c.pct))}）"
    return text


def _num(value: Any) -> str:
    return "—" if value is None else str(value)


def write_report_docx(report: MonthlyReport, path: Path, *, charts: ChartSet | None = None) -> DocxResult:
    """Write the D30 report. ``charts`` defaults to :func:`casefile.reports.charts.render_charts`."""
    from casefile.reports.charts import render_charts

    chart_set = charts if charts is not None else render_charts(report)
    w = _Writer(report)
    r = report
    if r.issuer:
        w.masthead()
    w.title()
    w.para(f"{r.addressee}：", indent=False)
    intro = (f"根据社会保险费征缴争议联合处置机制“按月综合分析”的要求，现将{r.month.label}社会保险费征缴争议"
             f"受理、调查处理、跟踪回访及风险预警情况报告如下：")
    if not r.complete:
        intro = intro.replace("报告如下", f"（统计截至{date_cn(r.as_of)}）报告如下")
    w.para(intro)
    images = 0
    for heading, paragraphs in r.sections:
        w.heading(heading)
        for text in paragraphs:
            if text:
                w.para(text)
        key = heading.split("、", 1)[1]
        if key == "总体情况":
            _summary_table(w, r)
            w.picture(chart_set.get("trend").png)
            images += 1
        elif key == "争议事项分析":
            w.picture(chart_set.get("category").png)
            images += 1
            _category_table(w, r)
        elif key == "调查处理情况":
            w.picture(chart_set.get("on_time").png)
            images += 1
            _timeliness_table(w, r)
        elif key == "风险预警情况" and r.risks:
            _risk_table(w, r)
    w.heading(f"{ORDINALS[len(r.sections)]}、统计口径说明")
    for i, text in enumerate(DEFINITIONS, start=1):
        w.para(f"{i}.{text}")
    w.para()
    w.para("附件：1.月度统计表（另附电子表格）", indent=True)
    w.signature()
    w.save(path)
    return DocxResult(path=path, charts=images, tables=w.tables, warnings=list(chart_set.warnings))


def _summary_table(w: _Writer, r: MonthlyReport) -> None:
    f, p, y = r.figures, r.previous, r.last_year
    rows = []
    for label, attr, unit in (("新受理（件）", "new", "件"), ("办结（件）", "closed", "件"), ("月末在办（件）", "open_end", "件"),
                              ("超期在办（件）", "overdue_end", "件"), ("按时办结率", "on_time_rate", "个百分点"),
                              ("回访满意率", "satisfaction_rate", "个百分点")):
        pct = attr.endswith("rate")
        show = (lambda v: fmt_pct(v)) if pct else _num
        rows.append([label, show(getattr(f, attr)), show(getattr(p, attr)), _change_cell(r.change(attr), unit),
                     show(getattr(y, attr)), _change_cell(r.change(attr, "last_year"), unit)])
    w.table("主要指标与上月、去年同月对比", ["指标", "本月", "上月", "环比", "去年同月", "同比"], rows,
            [26, 16, 16, 36, 22, 36])


def _category_table(w: _Writer, r: MonthlyReport) -> None:
    b = r.breakdowns["category"]
    rows = [[s.label, str(s.count), fmt_pct(s.share)] for s in b.rows]
    if not rows:
        rows = [["本月无新受理案件", "0", "—"]]
    rows.append(["新受理案件合计", str(b.base), fmt_pct(Decimal(100)) if b.base else "—"])
    w.table("争议事项分布", ["争议事项", "件数", "占新受理案件比例"], rows, [80, 30, 44])


def _timeliness_table(w: _Writer, r: MonthlyReport) -> None:
    rows = [[t.label, str(t.due), str(t.on_time), str(t.late), fmt_pct(t.rate), str(t.done), _num(t.mean_days),
             _num(t.median_days)] for t in [*r.timeliness_by_dept, r.timeliness_overall] if t.due or t.done]
    if not rows:
        rows = [["本月无到期或完成的办理环节", "0", "0", "0", "—", "0", "—", "—"]]
    w.table("各部门办理时效", ["部门", "到期环节", "按期", "未按期", "按时办结率", "完成环节", "平均天数", "中位天数"],
            rows, [34, 16, 14, 16, 22, 16, 18, 18])


def _risk_table(w: _Writer, r: MonthlyReport) -> None:
    shown = r.risks[:MAX_RISK_ROWS]  # most severe first
    rows = [[str(i), x.number, x.label, x.severity.label, x.message] for i, x in enumerate(shown, start=1)]
    if len(r.risks) > len(shown):
        w.para(f"以下列出最需关注的{len(shown)}条预警，全部{len(r.risks)}条见统计表“风险预警”工作表。")
    w.table("风险预警明细", ["序号", "案件编号", "预警类型", "等级", "说明"], rows, [12, 34, 18, 12, 80], left=(4,))
