from __future__ import annotations

import tomllib
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casefile.errors import ConfigError
from casefile.rules.calendar import (
    HolidayCalendar,
    add_working_days,
    default_calendar,
    is_workday,
    period_end,
    working_days_between,
)

# A year no chinesecalendar release will cover soon, so the fallback tests stay stable.
UNCOVERED_YEAR = 2098

OVERRIDE_TOML = """
# illustrative schedule for a far-future year
[2099]
holidays = ["2099-01-01", "2099-10-01..2099-10-07", 2099-12-25]
workdays = ["2099-10-10"]  # a Saturday worked as 调休
"""


def test_package_knows_the_2025_national_day_schedule() -> None:
    # Guard for the assertions below: they are about real dates, as published in the package.
    assert not any(chinese_calendar.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert chinese_calendar.is_workday(date(2025, 9, 28))  # Sunday, 调休
    assert chinese_calendar.is_workday(date(2025, 10, 11))  # Saturday, 调休
    assert not chinese_calendar.is_workday(date(2026, 2, 16))  # 2026 Spring Festival
    assert chinese_calendar.is_workday(date(2026, 2, 14))  # Saturday, 调休


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),
        (date(2025, 10, 9), True),
        (date(2025, 9, 28), True),  # Sunday worked
        (date(2025, 10, 11), True),  # Saturday worked
        (date(2025, 10, 12), False),
        (date(2025, 9, 27), False),  # an ordinary Saturday
        (date(2026, 1, 1), False),
        (date(2026, 2, 28), True),  # Saturday worked after the 2026 Spring Festival
        (date(2026, 3, 2), True),
    ],
)
def test_is_workday_real_holidays(day: date, expected: bool) -> None:
    assert is_workday(day) is expected


def test_add_working_days_skips_national_day_and_counts_make_up_days() -> None:
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 10)
    assert add_working_days(date(2025, 10, 9), 2) == date(2025, 10, 11)
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)


def test_working_days_between_counts_the_end_but_not_the_start() -> None:
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 10)) == 5
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 1)) == 0
    assert working_days_between(date(2025, 10, 10), date(2025, 9, 26)) == -5


def test_add_working_days_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="负数"):
        add_working_days(date(2025, 1, 1), -1)


@settings(max_examples=150, database=None, deadline=None)
@given(
    st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 9, 30)), st.integers(min_value=1, max_value=60)
)
def test_add_working_days_properties(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert is_workday(end)
    assert end > start
    assert working_days_between(start, end) == n
    # Nothing earlier would do: the day before the result leaves one working day short.
    assert working_days_between(start, end - timedelta(days=1)) == n - 1


# --- period_end ---------------------------------------------------------------------------------


def test_civil_period_ending_on_national_day_moves_to_first_workday() -> None:
    result = period_end(date(2025, 9, 1), 30, "calendar_days", "civil")
    assert result.due == date(2025, 10, 9)
    assert any("起算30日" in line and "2025年10月1日" in line for line in result.explanation)
    assert "届满日2025年10月1日为法定节假日（国庆节），顺延至2025年10月9日" in result.explanation
    assert result.warnings == []


def test_civil_period_ending_on_a_weekend_moves_to_monday() -> None:
    result = period_end(date(2026, 3, 1), 6, "calendar_days", "civil")
    assert result.due == date(2026, 3, 9)
    assert any("休息日" in line for line in result.explanation)


def test_civil_period_ending_on_a_make_up_saturday_does_not_move() -> None:
    result = period_end(date(2025, 10, 1), 10, "calendar_days", "civil")
    assert result.due == date(2025, 10, 11)
    assert not any("顺延" in line for line in result.explanation)


def test_review_five_days_are_working_days() -> None:
    result = period_end(date(2025, 9, 26), 5, "calendar_days", "review")
    assert result.due == date(2025, 10, 10)
    assert any("第八十八条" in line and "“五日”指工作日" in line for line in result.explanation)


def test_review_other_limits_count_as_civil() -> None:
    assert period_end(date(2025, 9, 1), 30, "calendar_days", "review").due == date(2025, 10, 9)
    sixty = period_end(date(2026, 3, 2), 60, "calendar_days", "review")
    assert sixty.due == date(2026, 5, 6)  # 2026-05-01..05 is Labour Day
    assert any("劳动节" in line for line in sixty.explanation)


@pytest.mark.parametrize("rule", ["civil", "tax", "review"])
def test_working_day_unit_ignores_holiday_shift_rules(rule: str) -> None:
    result = period_end(date(2025, 9, 30), 1, "working_days", rule)  # type: ignore[arg-type]
    assert result.due == date(2025, 10, 9)
    assert any("1个工作日" in line for line in result.explanation)


def test_tax_three_or_more_holidays_inside_extend_the_period() -> None:
    # 15 days from 2025-09-30: nominal 10-15; the 8-day National Day break adds 8 days.
    result = period_end(date(2025, 9, 30), 15, "calendar_days", "tax")
    assert result.due == date(2025, 10, 23)
    assert any("连续8日" in line and "顺延8日" in line for line in result.explanation)
    # The civil rule gives no extension for the same period.
    assert period_end(date(2025, 9, 30), 15, "calendar_days", "civil").due == date(2025, 10, 15)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # 2024 申报期 as published by the tax administration.
        (date(2024, 3, 31), 15, date(2024, 4, 18)),  # 清明 4月4—6日 inside → +3
        (date(2024, 1, 31), 15, date(2024, 2, 23)),  # 春节 2月10—17日 covers the last day → +8
        (date(2024, 8, 31), 15, date(2024, 9, 18)),  # 中秋 9月15—17日: only the last day inside
        (date(2024, 9, 30), 10, date(2024, 10, 17)),  # 国庆 10月1—7日 in a 10-day period
    ],
)
def test_tax_periods_against_published_schedules(start: date, n: int, due: date) -> None:
    assert period_end(start, n, "calendar_days", "tax").due == due


def test_tax_two_day_weekend_does_not_extend() -> None:
    result = period_end(date(2026, 3, 1), 10, "calendar_days", "tax")
    assert result.due == date(2026, 3, 11)
    assert not any("顺延" in line for line in result.explanation)


def test_tax_last_day_off_moves_to_next_workday() -> None:
    result = period_end(date(2026, 3, 1), 6, "calendar_days", "tax")
    assert result.due == date(2026, 3, 9)
    assert any("以休假日期满的次日2026年3月9日为期限的最后一日" in line for line in result.explanation)


def test_months_take_the_same_day_or_the_month_end() -> None:
    plain = period_end(date(2026, 3, 16), 6, "months", "civil")
    assert plain.due == date(2026, 9, 16)
    clamped = period_end(date(2025, 10, 31), 1, "months", "civil")
    assert clamped.due == date(2025, 12, 1)  # 2025-11-30 is a Sunday → Monday
    assert any("无对应日" in line and "2025年11月30日" in line for line in clamped.explanation)
    assert any("顺延至2025年12月1日" in line for line in clamped.explanation)
    # 2026-02-28 is a Saturday worked after the Spring Festival, so no shift.
    assert period_end(date(2025, 8, 31), 6, "months", "tax").due == date(2026, 2, 28)


def test_period_end_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="正整数"):
        period_end(date(2026, 1, 1), 0, "calendar_days", "civil")
    with pytest.raises(ValueError, match="单位"):
        period_end(date(2026, 1, 1), 5, "weeks", "civil")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="规则"):
        period_end(date(2026, 1, 1), 5, "calendar_days", "criminal")  # type: ignore[arg-type]


# --- coverage and overrides ----------------------------------------------------------------------


def test_coverage_warning_for_an_unknown_year() -> None:
    cal = default_calendar()
    assert cal.coverage_warning(2025) is None
    assert cal.coverage_warning(2026) is None
    warning = cal.coverage_warning(UNCOVERED_YEAR)
    assert warning == f"{UNCOVERED_YEAR}年节假日安排未收录，按双休日计算，请在 holidays.toml 中补充"
    # Fallback: weekends only.
    assert is_workday(date(UNCOVERED_YEAR, 1, 1)) is (date(UNCOVERED_YEAR, 1, 1).weekday() < 5)


def test_period_end_reports_uncovered_years() -> None:
    result = period_end(date(UNCOVERED_YEAR - 1, 12, 20), 30, "calendar_days", "civil")
    assert f"{UNCOVERED_YEAR}年节假日安排未收录，按双休日计算，请在 holidays.toml 中补充" in result.warnings


def test_override_file_adds_a_year(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(OVERRIDE_TOML, encoding="utf-8")
    cal = HolidayCalendar(override_file=path)
    assert cal.coverage_warning(2099) is None
    assert cal.coverage_warning(UNCOVERED_YEAR) is not None
    assert not cal.is_workday(date(2099, 1, 1))
    assert all(not cal.is_workday(date(2099, 10, d)) for d in range(1, 8))
    assert not cal.is_workday(date(2099, 12, 25))  # bare TOML date
    assert date(2099, 10, 10).weekday() == 5 and cal.is_workday(date(2099, 10, 10))
    assert cal.add_working_days(date(2099, 9, 30), 1) == date(2099, 10, 8)
    result = period_end(date(2099, 9, 1), 30, "calendar_days", "civil", cal=cal)
    assert result.due == date(2099, 10, 8)
    assert result.warnings == []
    assert "届满日2099年10月1日为法定节假日，顺延至2099年10月8日" in result.explanation


def test_mapping_overrides_beat_file_and_package(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(OVERRIDE_TOML, encoding="utf-8")
    cal = HolidayCalendar(
        overrides={date(2025, 10, 9): False, date(2099, 10, 1): True},
        override_file=path,
    )
    assert not cal.is_workday(date(2025, 10, 9))
    assert cal.is_workday(date(2099, 10, 1))
    assert cal.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 10)
    assert cal.rest_day_label(date(2025, 10, 9)) == "节假日（本地调整）"
    # The default calendar is untouched.
    assert is_workday(date(2025, 10, 9))


def test_override_file_can_correct_a_package_year(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text('[2025]\nworkdays = ["2025-10-08"]\n', encoding="utf-8")
    cal = HolidayCalendar(override_file=path)
    assert cal.is_workday(date(2025, 10, 8))
    assert not cal.is_workday(date(2025, 10, 7))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[2099]\nholiday = []\n", "未知字段"),
        ('[2099]\nholidays = ["2098-01-01"]\n', "不属于"),
        ('[2099]\nholidays = ["2099-13-01"]\n', "无法识别"),
        ('[2099]\nholidays = ["2099-10-07..2099-10-01"]\n', "起止颠倒"),
        ('[2099]\nholidays = ["2099-10-01"]\nworkdays = ["2099-10-01"]\n', "同时列为"),
        ('[2099]\nholidays = "2099-10-01"\n', "日期列表"),
        ('[twenty]\nholidays = ["2099-10-01"]\n', "年份表"),
        ("[2099\n", "TOML"),
    ],
)
def test_bad_override_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        HolidayCalendar(override_file=path)


def test_missing_override_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="无法读取"):
        HolidayCalendar(override_file=tmp_path / "absent.toml")


def test_packaged_holidays_file_is_valid_and_invents_nothing() -> None:
    text = resources.files("casefile").joinpath("data/holidays.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    # Every year present must be a real published schedule; none is shipped yet.
    assert data == {}
    assert HolidayCalendar(include_packaged=False).is_workday(date(2025, 10, 9))


def test_rest_day_labels() -> None:
    cal = default_calendar()
    assert cal.rest_day_label(date(2025, 10, 9)) is None
    assert cal.rest_day_label(date(2025, 10, 1)) == "法定节假日（国庆节）"
    assert cal.rest_day_label(date(2026, 2, 17)) == "法定节假日（春节）"
    assert cal.rest_day_label(date(2026, 3, 7)) == "休息日"


def test_covered_years_read_without_importing_the_package_agree_with_the_package() -> None:
    # show and due read the package's span from its data file's text; the package's own rule
    # (it refuses any year outside its holidays table) must give the same span.
    from casefile.rules.calendar import imported_package_years, package_years

    first, last = package_years()
    assert (first, last) == imported_package_years()
    assert first <= 2025 <= last
    for year in (first, last):
        chinese_calendar.is_workday(date(year, 6, 1))  # inside: answered
    for year in (first - 1, last + 1):
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(date(year, 6, 1))
    assert HolidayCalendar().covers(last) and not HolidayCalendar().covers(last + 1)
