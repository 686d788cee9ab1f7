"""The D30 .docx: it opens, carries the three charts as images, prints the figures, follows GB/T 9704."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from casefile.reports import monthly_report
from casefile.reports.monthly_docx import write_report_docx
from reports.dataset import TODAY

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def written(october: tuple[Any, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    ws, _ = october
    rep = monthly_report(ws, "2026-10", TODAY.date())
    out = write_report_docx(rep, tmp_path_factory.mktemp("docx") / "D30.docx")
    return rep, out


def all_text(doc: Any) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts.extend(c.text for row in t.rows for c in row.cells)
    return "\n".join(parts)


def east_asia(run: Any) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_opens_with_three_charts_as_images(written: tuple[Any, Any]) -> None:
    _, out = written
    assert out.charts == 3 and out.tables == 4 and out.warnings == []
    doc = Document(str(out.path))
    assert len(doc.inline_shapes) == 3
    images = [r.target_part.blob for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) == 3 and all(b.startswith(PNG) for b in images)
    assert all(s.width <= Mm(156) for s in doc.inline_shapes)


def test_figures_are_in_the_text(written: tuple[Any, Any]) -> None:
    rep, out = written
    text = all_text(Document(str(out.path)))
    for needle in ("2026年10月社会保险费征缴争议", "综合分析报告", "联席会议各成员单位：",
                   "共受理社会保险费征缴争议案件4件", "退(抵)费类2件，占比50%", "按时办结率100%", "环节按期完成率76.92%",
                   "满意率50%", "1.02万元", "表1  主要指标与上月、去年同月对比", "83.33%", "偏税社争〔2026〕5号",
                   "统计口径说明", rep.issuer, "2026年11月22日"):
        assert needle in text, needle


def test_official_layout(written: tuple[Any, Any]) -> None:
    rep, out = written
    doc = Document(str(out.path))
    sec = doc.sections[0]
    mm = [round(v.mm) for v in (sec.page_width, sec.page_height, sec.top_margin, sec.bottom_margin, sec.left_margin,
                                sec.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]  # A4; 天头 37, bottom 35, 订口 28, right 26 (stored in twips)
    masthead = next(p for p in doc.paragraphs if p.text)  # 版头: the issuing office in red 小标宋
    assert masthead.runs[0].font.color.rgb == RGBColor(0xFF, 0, 0) and east_asia(masthead.runs[0]) == "方正小标宋简体"
    assert masthead.text == rep.issuer
    title = next(p for p in doc.paragraphs if p.text.endswith("社会保险费征缴争议"))
    assert title.runs[0].font.size == Pt(22) and east_asia(title.runs[0]) == "方正小标宋简体"
    body = next(p for p in doc.paragraphs if p.text.startswith("2026年10月，共受理"))
    assert body.runs[0].font.size == Pt(16) and east_asia(body.runs[0]) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent == Pt(32)
    heading = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    assert east_asia(heading.runs[0]) == "黑体"
    advice = next(p for p in doc.paragraphs if p.text.startswith("（一）"))
    assert east_asia(advice.runs[0]) == "楷体_GB2312" and east_asia(advice.runs[1]) == "仿宋_GB2312"
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((sec.footer, "right"), (sec.even_page_footer, "left")):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in xml and " —" in xml
        assert str(footer.paragraphs[0].alignment).lower().startswith(align)


def test_empty_month_report(october: tuple[Any, dict[str, str]], tmp_path: Path) -> None:
    ws, _ = october
    rep = monthly_report(ws, "2026-06", TODAY.date())
    out = write_report_docx(rep, tmp_path / "empty.docx")
    doc = Document(str(out.path))
    assert "未受理社会保险费征缴争议案件" in all_text(doc)
    assert len(doc.inline_shapes) == 3  # the charts say there is nothing to show, they do not disappear


def test_without_a_cjk_font_it_warns_instead_of_failing(october: tuple[Any, dict[str, str]], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from casefile.reports import charts

    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    ws, _ = october
    rep = monthly_report(ws, "2026-10", TODAY.date())
    out = write_report_docx(rep, tmp_path / "nofont.docx")
    assert out.charts == 3 and len(out.warnings) == 1 and "未找到中文字体" in out.warnings[0]


def test_a_cjk_font_is_found_here() -> None:
    from casefile.reports.charts import cjk_font

    if not Path("/usr/share/fonts/truetype/wqy").is_dir():
        pytest.skip("fonts-wqy-zenhei 未安装（scripts/system-deps.sh 会安装）")
    assert cjk_font() is not None


def test_changes_are_written_as_a_report_writes_them(written: tuple[Any, Any]) -> None:
    """Counts change by 件 and per cent, rates by 个百分点; no change is 持平, never ``0.00个百分点`` or ``+2``."""
    from decimal import Decimal

    from casefile.reports.monthly_docx import _change_cell
    from casefile.reports.stats import Change

    assert _change_cell(Change(Decimal("80.00"), Decimal("80.00"), Decimal("0.00"), None), "个百分点") == "持平"
    assert _change_cell(Change(Decimal("87.50"), Decimal("75.00"), Decimal("12.50"), None), "个百分点") == "上升12.5个百分点"
    assert _change_cell(Change(Decimal("50.00"), Decimal("100.00"), Decimal("-50.00"), None), "个百分点") == "下降50个百分点"
    assert _change_cell(Change(4, 2, 2, Decimal("100.00")), "件") == "增加2件（增长100%）"
    assert _change_cell(Change(1, 3, -2, Decimal("-66.67")), "件") == "减少2件（下降66.67%）"
    assert _change_cell(Change(3, 0, 3, None), "件") == "增加3件"
    assert _change_cell(Change(0, 0, 0, None), "件") == "持平"
    assert _change_cell(Change(None, 3, None, None), "件") == "—"
    _, out = written
    doc = Document(str(out.path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    summary = [c.text for row in doc.tables[0].rows[1:] for c in row.cells[3::2]]
    assert summary and all(s == "—" or s == "持平" or s.startswith(("增加", "减少", "上升", "下降")) for s in summary), summary
    import re

    for text in cells:
        assert not re.search(r"\d+\.\d*0%|\d\.00个百分点|^\+", text), text  # 100.00%, 0.00个百分点, +2
