"""The reporting month: parsed from the command line, checked against "today", shifted for comparisons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from casefile.errors import CasefileError, UsageError
from casefile.rules.dates import minus_months as minus_months  # lives with the other date rules

__all__ = ["FutureMonth", "Month", "minus_months", "parse_month"]

_MONTH_RE = re.compile(r"^(\d+)\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?$")


class FutureMonth(CasefileError):
    """A report for a month that has not begun yet (exit 1: the request is refused, not malformed)."""

    code = "future-month"


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} out of range")

    @classmethod
    def of(cls, d: date) -> Month:
        return cls(d.year, d.month)

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return self.shift(1).start - timedelta(days=1)

    @property
    def key(self) -> str:
        """``2026-10``: file names, JSON, spreadsheet columns."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``2026年10月`` as documents print it."""
        return f"{self.year}年{self.month}月"

    @property
    def short_label(self) -> str:
        """``10月``, or ``2025年10月`` when the year matters (chart axes)."""
        return f"{self.month}月"

    def shift(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def previous(self) -> Month:
        return self.shift(-1)

    def same_month_last_year(self) -> Month:
        return Month(self.year - 1, self.month)

    def as_of(self, today: date) -> date:
        """The last day whose events this month's figures include: the month end, or today while
        the month is still running. A month that has not begun is refused."""
        if self.start > today:
            raise FutureMonth(
                f"{self.label}尚未开始（今天是{today.year}年{today.month}月{today.day}日），不能生成该月的分析报告；"
                f"请指定{today.year}年{today.month}月或更早的月份。"
            )
        return min(self.end, today)

    def __str__(self) -> str:
        return self.key


def parse_month(text: str) -> Month:
    """``2026-10`` (also ``202610``, ``2026/10``, ``2026年10月``) → :class:`Month`.

    A malformed value is a command-line error (:class:`UsageError`, exit 2) whose message says
    what was wrong and shows the expected form.
    """
    raw = text.strip() if isinstance(text, str) else ""
    example = "应为“年-月”，如 2026-10"
    compact = re.fullmatch(r"(\d{4})(\d{2})", raw)
    m = compact or _MONTH_RE.match(raw)
    if m is None:
        raise UsageError(f"月份“{text}”格式不正确，{example}。")
    year_text, month_text = m.group(1), m.group(2)
    if len(year_text) != 4:
        raise UsageError(f"月份“{text}”中的年份应为四位数字，{example}。")
    year, month = int(year_text), int(month_text)
    if not 1 <= month <= 12:
        raise UsageError(f"月份“{text}”不存在：月份应为1至12，{example}。")
    if year < 1900:
        raise UsageError(f"月份“{text}”中的年份不正确，{example}。")
    return Month(year, month)


