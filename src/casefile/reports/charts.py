"""The report's charts (matplotlib, Agg, no pyplot state): category distribution, 12-month trend,
on-time rate per department. Each is PNG bytes for the .docx.

Chinese labels need a CJK font. The WenQuanYi fonts that ``scripts/system-deps.sh`` installs are
found through matplotlib's font list or at their Debian path; if none is present the charts are
still drawn (the labels may show as boxes) and :class:`ChartSet` carries a warning for the CLI.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.rules.money import percent_report

if TYPE_CHECKING:
    from casefile.reports.stats import MonthlyReport

__all__ = ["CJK_FAMILIES", "Chart", "ChartSet", "cjk_font", "render_charts"]

CJK_FAMILIES = ("WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
                "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")
CJK_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
NO_FONT_WARNING = ("未找到中文字体（如 fonts-wqy-zenhei），图表中的中文可能显示为方框；"
                   "请运行 scripts/system-deps.sh 或安装 fonts-wqy-zenhei 后重新生成。")
DPI = 200
BAR = "#2f5597"
BAR2 = "#c55a11"
GRID = "#d9d9d9"


@dataclass(frozen=True)
class Chart:
    key: str  # category | trend | on_time
    title: str
    png: bytes


@dataclass
class ChartSet:
    charts: list[Chart] = field(default_factory=list)
    font: str | None = None
    warnings: list[str] = field(default_factory=list)

    def get(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed CJK font, registering a known file if matplotlib lacks it."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    for path in CJK_PATHS:
        if Path(path).is_file():
            try:
                font_manager.fontManager.addfont(path)
                return str(font_manager.FontProperties(fname=path).get_name())
            except (OSError, RuntimeError, ValueError):
                continue
    return None


@contextmanager
def _style(font: str | None) -> Iterator[None]:
    import logging

    import matplotlib

    rc: dict[str, Any] = {"axes.unicode_minus": False, "font.size": 10, "axes.spines.top": False,
                          "axes.spines.right": False}
    if font:
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
    with matplotlib.rc_context(rc), warnings.catch_warnings():  # type: ignore[arg-type]
        # Without a CJK font matplotlib warns once per missing glyph; the ChartSet already says so.
        warnings.filterwarnings("ignore", message=r".*Glyph .* missing from font", category=UserWarning)
        warnings.filterwarnings("ignore", message=r".*findfont.*", category=UserWarning)
        # WenQuanYi Zen Hei has only a medium (500) weight; matplotlib logs each substitution.
        log = logging.getLogger("matplotlib.font_manager")
        level = log.level
        log.setLevel(logging.ERROR)
        try:
            yield
        finally:
            log.setLevel(level)


def _figure(width_cm: float = 15.0, height_cm: float = 8.0) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _empty(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=12, color="#595959")
    ax.set_xticks([])
    ax.set_yticks([])


def _category(report: MonthlyReport) -> bytes:
    rows = [r for r in report.breakdowns["category"].rows if r.count]
    fig = _figure(15, max(6.0, 1.0 + 0.75 * len(rows)))
    ax = fig.add_subplot()
    if not rows:
        _empty(ax, "本月无新受理案件")
    else:
        rows = list(reversed(rows))
        labels = [r.label for r in rows]
        counts = [r.count for r in rows]
        bars = ax.barh(labels, counts, color=BAR, height=0.6)
        for bar, r in zip(bars, rows, strict=True):
            share = f"{r.count}件 {percent_report(r.share)}" if r.share is not None else f"{r.count}件"
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {share}", va="center", fontsize=9)
        ax.set_xlim(0, max(counts) * 1.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel("件数")
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
    ax.set_title(f"图2  {report.month.label}争议事项分布", fontsize=11)
    return _png(fig)


def _trend(report: MonthlyReport) -> bytes:
    fig = _figure(15, 7.5)
    ax = fig.add_subplot()
    labels = [p.label for p in report.trend]
    x = list(range(len(labels)))
    new = [p.new for p in report.trend]
    closed = [p.closed for p in report.trend]
    ax.bar([i - 0.2 for i in x], new, width=0.4, color=BAR, label="新受理")
    ax.bar([i + 0.2 for i in x], closed, width=0.4, color=BAR2, label="办结")
    ax.set_xticks(x, labels, rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, max([*new, *closed, 1]) * 1.2)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("件数")
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(frameon=False, fontsize=9, loc="upper left")
    ax.set_title(f"图1  近{len(labels)}个月受理与办结趋势", fontsize=11)
    return _png(fig)


def _on_time(report: MonthlyReport) -> bytes:
    rows = [t for t in report.timeliness_by_dept if t.due]
    fig = _figure(15, 7.5)
    ax = fig.add_subplot()
    if not rows:
        _empty(ax, "本月无到期的办理环节")
    else:
        labels = [t.label for t in rows]
        rates = [float(t.rate or 0) for t in rows]
        colors = [BAR if r >= 90 else BAR2 for r in rates]
        bars = ax.bar(labels, rates, color=colors, width=0.55)
        for bar, t in zip(bars, rows, strict=True):
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{percent_report(t.rate) if t.rate is not None else '—'}\n({t.on_time}/{t.due})",
                    ha="center", va="bottom", fontsize=8)
        ax.axhline(90, color="#7f7f7f", linewidth=0.8, linestyle="--")
        ax.set_ylim(0, 119)
        ax.set_yticks([0, 20, 40, 60, 80, 100])
        ax.set_ylabel("按时办结率（%）")
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
    ax.set_title(f"图3  {report.month.label}各部门按时办结率", fontsize=11)
    return _png(fig)


def render_charts(report: MonthlyReport, *, font: str | bool | None = True) -> ChartSet:
    """Draw the three charts. ``font=True`` finds a CJK font; a string names one; ``None``/``False`` uses none."""
    family = cjk_font() if font is True else (font or None)
    out = ChartSet(font=family)
    if family is None:
        out.warnings.append(NO_FONT_WARNING)
    with _style(family):
        out.charts = [
            Chart("category", "争议事项分布", _category(report)),
            Chart("trend", "受理与办结趋势", _trend(report)),
            Chart("on_time", "各部门按时办结率", _on_time(report)),
        ]
    return out
