"""Dates as documents print them, and 所属期 (fee periods) as people type them.

Documents follow GB/T 9704 (``2026年5月8日``, no leading zeros); archive indexes use ``YYYYMMDD``
(DA/T 22). A 所属期 is ``YYYYMM`` (docs/domain.md §10).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["date8", "date_cn", "minus_months", "month_cn", "parse_period", "period_year_month"]

_PERIOD_RE = re.compile(r"^(\d{4})-?(\d{2})(?:\s*[-–—~～至]\s*(\d{4})-?(\d{2}))?$")
_YYYYMM_RE = re.compile(r"^(\d{4})(\d{2})$")


def minus_months(d: date, months: int) -> date:
    """The same day ``months`` earlier (clamped to the month's last day): the start of a look-back window."""
    year, month0 = divmod(d.year * 12 + d.month - 1 - months, 12)
    after = date(year + (month0 + 1) // 12, (month0 + 1) % 12 + 1, 1)  # the first of the month after
    return min(date(year, month0 + 1, 1) + timedelta(days=d.day - 1), after - timedelta(days=1))


def date_cn(d: date) -> str:
    """``2026年5月8日`` (GB/T 9704 §7.3.5.4: full year, no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


def date8(d: date) -> str:
    """``20260508`` for archive indexes and file names."""
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def month_cn(d: date) -> str:
    """``2026年5月``, e.g. for the month-level dates of a de-identified 典型案例."""
    return f"{d.year}年{d.month}月"


def period_year_month(period: str) -> tuple[int, int]:
    """Split a canonical 所属期 ``"202401"`` into ``(2024, 1)``; ``ValueError`` if it is not one."""
    match = _YYYYMM_RE.match(period) if isinstance(period, str) else None
    if match is None:
        raise ValueError(f"所属期格式不正确：{period!r}（应为 YYYYMM，如 202401）")
    year, month = int(match.group(1)), int(match.group(2))
    _check_month(year, month, period)
    return year, month


def _check_month(year: int, month: int, text: str) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"所属期月份不正确：{text}（月份应为01至12）")
    if year < 1900:
        raise ValueError(f"所属期年份不正确：{text}")


def parse_period(text: str, today: date) -> tuple[str, str]:
    """Read a 所属期 or a range of them and return ``(start, end)`` as ``YYYYMM`` strings.

    Accepts ``"202401"``, ``"2024-01"``, ``"202401-202609"`` and ``"202401–202609"`` (en dash).
    A single month gives ``(p, p)``. Rejects month 00 or 13, a start after the end, and any month
    after the month of ``today`` (a 所属期 cannot lie in the future; the current month is allowed).
    """
    cleaned = text.strip() if isinstance(text, str) else ""
    match = _PERIOD_RE.match(cleaned)
    if match is None:
        raise ValueError(f"所属期格式不正确：{text!r}（应为 YYYYMM 或 YYYYMM-YYYYMM，如 202401-202609）")
    start_year, start_month = int(match.group(1)), int(match.group(2))
    _check_month(start_year, start_month, text)
    if match.group(3) is None:
        end_year, end_month = start_year, start_month
    else:
        end_year, end_month = int(match.group(3)), int(match.group(4))
        _check_month(end_year, end_month, text)
    start = f"{start_year:04d}{start_month:02d}"
    end = f"{end_year:04d}{end_month:02d}"
    if start > end:
        raise ValueError(f"所属期起止颠倒：{text}（起始月份不能晚于终止月份）")
    current = f"{today.year:04d}{today.month:02d}"
    if end > current:
        raise ValueError(f"所属期不能晚于当前月份（{month_cn(today)}）：{text}")
    return start, end
