"""The month argument: accepted forms, malformed input (exit 2), months not begun (refused, exit 1)."""

from __future__ import annotations

from datetime import date

import pytest

from casefile.errors import UsageError
from casefile.reports import FutureMonth, Month, parse_month
from casefile.reports.period import minus_months


@pytest.mark.parametrize("text", ["2026-10", "202610", "2026/10", "2026年10月", " 2026-10 ", "2026-1"])
def test_accepted_forms(text: str) -> None:
    assert parse_month(text) == (Month(2026, 1) if text == "2026-1" else Month(2026, 10))


@pytest.mark.parametrize(("text", "needle"), [
    ("2026-13", "月份应为1至12"), ("2026-00", "月份应为1至12"), ("26-10", "四位数字"), ("abc", "格式不正确"),
    ("", "格式不正确"), ("2026-10-01", "格式不正确"), ("0999-10", "年份不正确"),
    ("2026-010", "格式不正确"), ("20261", "格式不正确"),
])
def test_malformed_month_is_a_usage_error(text: str, needle: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_month(text)
    assert err.value.exit_code == 2
    assert needle in err.value.message and "2026-10" in err.value.message


def test_month_arithmetic() -> None:
    m = Month(2026, 1)
    assert (m.start, m.end) == (date(2026, 1, 1), date(2026, 1, 31))
    assert m.previous() == Month(2025, 12) and m.same_month_last_year() == Month(2025, 1)
    assert m.shift(13) == Month(2027, 2) and Month(2024, 2).end == date(2024, 2, 29)
    assert (m.key, m.label) == ("2026-01", "2026年1月")
    assert minus_months(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert minus_months(date(2026, 10, 31), 12) == date(2025, 10, 31)


def test_as_of_and_future_months() -> None:
    today = date(2026, 11, 22)
    assert Month(2026, 10).as_of(today) == date(2026, 10, 31)
    assert Month(2026, 11).as_of(today) == today
    assert Month(2026, 11).as_of(date(2026, 11, 1)) == date(2026, 11, 1)
    with pytest.raises(FutureMonth) as err:
        Month(2026, 12).as_of(today)
    assert err.value.exit_code == 1 and "2026年12月尚未开始" in err.value.message


def test_minus_months_agrees_with_the_month_calendar() -> None:
    """The look-back the risk rules use (kept with the date rules, so ``show`` does not load the
    report calendar) is the same day of Month.shift, clamped to that month's last day."""
    from datetime import timedelta

    d = date(2023, 1, 1)
    while d < date(2029, 1, 1):
        for months in (0, 1, 2, 6, 11, 12, 13, 25):
            target = Month.of(d).shift(-months)
            assert minus_months(d, months) == min(target.start + timedelta(days=d.day - 1), target.end)
        d += timedelta(days=1)
