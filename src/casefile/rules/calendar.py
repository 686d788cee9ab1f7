"""Chinese working days and the counting of legal periods (docs/domain.md §6).

Which days are working days comes from four layers; for any one date the later layer wins:

1. the ``chinesecalendar`` package (the 国务院办公厅 annual notices it has transcribed);
2. the packaged ``casefile/data/holidays.toml``;
3. an ``override_file`` given by the workspace;
4. an ``overrides`` mapping (date → True for a working day, False for a day off).

An override file is TOML with one table per year::

    # Illustrative dates only, not a real schedule.
    [2099]
    holidays = ["2099-01-01", "2099-10-01..2099-10-07"]  # 放假 days; "a..b" is an inclusive range
    workdays = ["2099-09-27"]                            # 调休 make-up working days

Dates may be strings or bare TOML dates. A year that has a table counts as covered. A year that
neither the package nor a file covers falls back to "Saturday and Sunday off", and
:meth:`HolidayCalendar.coverage_warning` says so, so a document never relies on a silent guess.

Period rules for :func:`period_end`:

* ``civil`` (民事诉讼法 Art 85; 民法典 Art 201–202): the start day is not counted; a last day that
  falls on a holiday or rest day moves to the first working day after it.
* ``review`` (行政复议法 Art 88): "三日、五日、七日、十日" are working days; other limits as civil.
* ``tax`` (税收征管法实施细则 Art 108–109): the n-th day itself is inside the period ("含本数");
  a run of three or more days off inside the period extends it by that many days; a last day off
  moves to the next working day. The tax bureau's published 申报期 calendar is an administrative
  notice and may differ; where one exists it prevails over this computation.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from casefile.errors import ConfigError
from casefile.rules.dates import date_cn

__all__ = [
    "HolidayCalendar",
    "PeriodResult",
    "add_working_days",
    "coverage_gaps",
    "default_calendar",
    "is_workday",
    "period_end",
    "working_days_between",
]

Unit = Literal["calendar_days", "working_days", "months"]
Rule = Literal["civil", "tax", "review"]

ONE_DAY = timedelta(days=1)
# No real schedule has a year of consecutive days off; hitting this means a broken override.
_MAX_DAYS_OFF_IN_A_ROW = 366
# 行政复议法 Art 88 names these limits in Chinese numerals; the explanation quotes them that way.
_REVIEW_WORKING_DAY_LIMITS = {3: "三", 5: "五", 7: "七", 10: "十"}

_HOLIDAY_NAMES_CN = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _cc() -> ModuleType:
    """The ``chinesecalendar`` package, imported when a day is looked up (not to say which years it covers)."""
    import chinese_calendar

    return chinese_calendar


@cache
def package_years() -> tuple[int, int]:
    """First and last year the ``chinesecalendar`` package has schedules for (it refuses any other).

    Read from the text of its data module, the span of its ``holidays`` table, without importing the
    package: ``show`` and ``due`` only need to know which years are covered, and the import costs more
    than the rest of such a read. If that text is not laid out as expected, the package is imported
    and asked; tests/rules/test_rules_calendar.py checks that both give the same span."""
    spec = importlib.util.find_spec("chinese_calendar")
    try:
        assert spec is not None and spec.origin is not None
        text = Path(spec.origin).with_name("constants.py").read_text(encoding="utf-8")
        table = text.split("\nholidays = {", 1)[1].split("\n}", 1)[0]
        years = [int(y) for y in re.findall(r"date\(year=(\d{4}),", table)]
        if years:
            return min(years), max(years)
    except (AssertionError, OSError, IndexError, ValueError):
        pass
    return imported_package_years()


def imported_package_years() -> tuple[int, int]:
    """:func:`package_years` from the imported package (its own rule: the span of ``holidays``)."""
    keys = _cc().holidays.keys()
    return min(keys).year, max(keys).year


def _package_covers(year: int) -> bool:
    first, last = package_years()
    return first <= year <= last


def _parse_day(value: object, year: int, source: str) -> Iterator[date]:
    """One entry of a holidays/workdays list: a date, "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD"."""
    if isinstance(value, date):
        first = last = value
    elif isinstance(value, str):
        left, sep, right = value.partition("..")
        try:
            first = date.fromisoformat(left.strip())
            last = date.fromisoformat(right.strip()) if sep else first
        except ValueError as exc:
            raise ConfigError(
                f"节假日配置 {source} 中 [{year}] 的日期“{value}”无法识别（应为 YYYY-MM-DD）"
            ) from exc
    else:
        raise ConfigError(f"节假日配置 {source} 中 [{year}] 的日期“{value!r}”无法识别（应为 YYYY-MM-DD）")
    if first > last:
        raise ConfigError(f"节假日配置 {source} 中 [{year}] 的日期区间“{value}”起止颠倒")
    if first.year != year or last.year != year:
        raise ConfigError(f"节假日配置 {source} 中日期“{value}”不属于 [{year}] 年")
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _parse_override_toml(text: str, source: str) -> tuple[dict[date, bool], set[int]]:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"节假日配置 {source} 不是有效的 TOML：{exc}") from exc
    days: dict[date, bool] = {}
    years: set[int] = set()
    for key, table in data.items():
        if not (key.isdigit() and len(key) == 4) or not isinstance(table, dict):
            raise ConfigError(f"节假日配置 {source} 中“{key}”不是年份表（应如 [2027]）")
        year = int(key)
        unknown = set(table) - {"holidays", "workdays"}
        if unknown:
            raise ConfigError(
                f"节假日配置 {source} 中 [{year}] 有未知字段：{'、'.join(sorted(unknown))}（只允许 holidays、workdays）"
            )
        year_days: dict[date, bool] = {}
        for list_key, is_work in (("holidays", False), ("workdays", True)):
            entries = table.get(list_key, [])
            if not isinstance(entries, list):
                raise ConfigError(f"节假日配置 {source} 中 [{year}] 的 {list_key} 应为日期列表")
            for entry in entries:
                for day in _parse_day(entry, year, source):
                    if year_days.get(day, is_work) != is_work:
                        raise ConfigError(f"节假日配置 {source} 中 {day} 同时列为放假日和调休上班日")
                    year_days[day] = is_work
        days.update(year_days)
        years.add(year)
    return days, years


def _packaged_override_text() -> str | None:
    path = Path(__file__).resolve().parents[1] / "data" / "holidays.toml"
    if path.is_file():  # an installed package is a folder (importlib.resources would cost more than the read)
        return path.read_text(encoding="utf-8")
    from importlib import resources

    resource = resources.files("casefile").joinpath("data/holidays.toml")
    return resource.read_text(encoding="utf-8") if resource.is_file() else None


class HolidayCalendar:
    """Working days in mainland China, with local overrides (see the module docstring)."""

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        override_file: Path | None = None,
        *,
        include_packaged: bool = True,
    ) -> None:
        self._file_days: dict[date, bool] = {}
        self._file_years: set[int] = set()
        if include_packaged:
            packaged = _packaged_override_text()
            if packaged is not None:
                self._add_file_layer(packaged, "casefile/data/holidays.toml")
        if override_file is not None:
            try:
                text = Path(override_file).read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"无法读取节假日配置 {override_file}：{exc.strerror or exc}") from exc
            self._add_file_layer(text, str(override_file))
        self._overrides: dict[date, bool] = dict(overrides or {})

    def _add_file_layer(self, text: str, source: str) -> None:
        days, years = _parse_override_toml(text, source)
        self._file_days.update(days)
        self._file_years |= years

    # -- days ---------------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        if d in self._overrides:
            return self._overrides[d]
        if d in self._file_days:
            return self._file_days[d]
        if _package_covers(d.year):
            return bool(_cc().is_workday(d))
        return d.weekday() < 5

    def rest_day_label(self, d: date) -> str | None:
        """None for a working day, else what kind of day off it is, for explanations."""
        if self.is_workday(d):
            return None
        if d in self._overrides:
            return "节假日（本地调整）"
        if d in self._file_days:
            return "法定节假日"
        if _package_covers(d.year):
            _, name = _cc().get_holiday_detail(d)
            if name:
                return f"法定节假日（{_HOLIDAY_NAMES_CN.get(name, name)}）"
        return "休息日"

    def covers(self, year: int) -> bool:
        return _package_covers(year) or year in self._file_years

    def coverage_warning(self, year: int) -> str | None:
        if self.covers(year):
            return None
        return f"{year}年节假日安排未收录，按双休日计算，请在 holidays.toml 中补充"

    # -- arithmetic ---------------------------------------------------------------------------

    def first_workday_from(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        day = d
        for _ in range(_MAX_DAYS_OFF_IN_A_ROW):
            if self.is_workday(day):
                return day
            day += ONE_DAY
        raise ConfigError(f"自{date_cn(d)}起连续一年以上没有工作日，请检查节假日配置")

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself is not counted; n=0 gives start)."""
        if n < 0:
            raise ValueError(f"工作日天数不能为负数：{n}")
        day = start
        for _ in range(n):
            day = self.first_workday_from(day + ONE_DAY)
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]: ``a`` not counted, ``b`` counted; negative when b < a.

        The inverse of :meth:`add_working_days`: ``working_days_between(s, add_working_days(s, n)) == n``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        return sum(1 for offset in range(1, (b - a).days + 1) if self.is_workday(a + timedelta(days=offset)))

    def rest_runs(self, first: date, last: date) -> list[tuple[date, date]]:
        """Maximal runs of consecutive days off that start inside [first, last].

        A run may continue past ``last``; its end is where the days off really end.
        """
        runs: list[tuple[date, date]] = []
        day = first
        while day <= last:
            if self.is_workday(day):
                day += ONE_DAY
                continue
            run_end = self.first_workday_from(day) - ONE_DAY
            runs.append((day, run_end))
            day = run_end + ONE_DAY
        return runs


def coverage_gaps(years: Iterator[int] | set[int] | list[int], override_file: Path | None = None) -> list[str]:
    """One sentence per year in ``years`` whose holiday schedule is on file nowhere (deadlines in it
    are counted with weekends only), for ``show``, ``due`` and the pages that list deadlines."""
    cal = _calendar_with(override_file if override_file is not None and override_file.exists() else None)
    return [w for y in sorted(set(years)) if (w := cal.coverage_warning(y))]


@lru_cache(maxsize=4)
def _calendar_with(override_file: Path | None) -> HolidayCalendar:
    return HolidayCalendar(override_file=override_file)


@lru_cache(maxsize=1)
def default_calendar() -> HolidayCalendar:
    """The package data plus the packaged holidays.toml; built once per process."""
    return HolidayCalendar()


def is_workday(d: date, cal: HolidayCalendar | None = None) -> bool:
    return (cal or default_calendar()).is_workday(d)


def add_working_days(start: date, n: int, cal: HolidayCalendar | None = None) -> date:
    """The n-th working day after ``start``; ``start`` itself is never counted."""
    return (cal or default_calendar()).add_working_days(start, n)


def working_days_between(a: date, b: date, cal: HolidayCalendar | None = None) -> int:
    """Working days in (a, b]; see :meth:`HolidayCalendar.working_days_between`."""
    return (cal or default_calendar()).working_days_between(a, b)


# --- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodResult:
    """When a period ends, and the Chinese lines that explain why (for the 期限 record)."""

    due: date
    explanation: list[str]
    warnings: list[str] = field(default_factory=list)


def _add_months(start: date, n: int) -> tuple[date, bool]:
    """Same day number n months later, clamped to the month end; True when clamped."""
    index = start.year * 12 + start.month - 1 + n
    year, month = index // 12, index % 12 + 1
    import calendar as stdlib_calendar  # only for month periods: show and due do not load it

    last_day = stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day)), start.day > last_day


def _shift_off_rest_day(cal: HolidayCalendar, last: date, lines: list[str], basis: str) -> date:
    label = cal.rest_day_label(last)
    if label is None:
        return last
    due = cal.first_workday_from(last)
    lines.append(f"届满日{date_cn(last)}为{label}，{basis}顺延至{date_cn(due)}")
    return due


def _working_days_period(cal: HolidayCalendar, start: date, n: int, lines: list[str]) -> date:
    due = cal.add_working_days(start, n)
    days_off = (due - start).days - n
    lines.append(
        f"自{date_cn(start)}次日起算{n}个工作日（起算日、节假日和休息日不计入，其间{days_off}日不计入），"
        f"至{date_cn(due)}届满"
    )
    return due


def _civil_days(cal: HolidayCalendar, start: date, n: int, lines: list[str]) -> date:
    nominal = start + timedelta(days=n)
    lines.append(f"自{date_cn(start + ONE_DAY)}（起算日次日）起算{n}日，至{date_cn(nominal)}届满")
    return _shift_off_rest_day(cal, nominal, lines, "")


def _tax_days(cal: HolidayCalendar, start: date, n: int, lines: list[str]) -> date:
    first, nominal = start + ONE_DAY, start + timedelta(days=n)
    lines.append(f"期限含本数：自{date_cn(first)}（起算日次日）起第{n}日为{date_cn(nominal)}")
    extension = 0
    for run_start, run_end in cal.rest_runs(first, nominal):
        inside = (min(run_end, nominal) - run_start).days + 1
        if inside < 3:
            continue
        # Art 109 extends by the holiday's days, including those after the nominal last day: the
        # published 申报期 for 2024 moved 2月15日 to 2月23日 for the 8-day break of 2月10—17日.
        length = (run_end - run_start).days + 1
        extension += length
        lines.append(
            f"期限内有连续{length}日休假日（{date_cn(run_start)}至{date_cn(run_end)}），"
            f"按休假日天数顺延{length}日"
        )
    last = nominal + timedelta(days=extension)
    if extension:
        lines.append(f"顺延后期限最后一日为{date_cn(last)}")
    label = cal.rest_day_label(last)
    if label is None:
        return last
    due = cal.first_workday_from(last)
    lines.append(f"期限最后一日{date_cn(last)}为{label}，以休假日期满的次日{date_cn(due)}为期限的最后一日")
    return due


def period_end(
    start: date,
    n: int,
    unit: Unit,
    rule: Rule,
    *,
    cal: HolidayCalendar | None = None,
) -> PeriodResult:
    """The last day of a period of ``n`` units that starts running on ``start`` (e.g. 送达日).

    ``unit="working_days"`` counts working days and needs no holiday shift; ``"months"`` takes the
    same day number n months later (month end when there is none) and then shifts off a day off as
    in civil procedure. See the module docstring for the three rules.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"期间长度应为正整数：{n!r}")
    if unit not in ("calendar_days", "working_days", "months"):
        raise ValueError(f"期间单位不正确：{unit!r}（可选：calendar_days、working_days、months）")
    if rule not in ("civil", "tax", "review"):
        raise ValueError(f"期间计算规则不正确：{rule!r}（可选：civil、tax、review）")
    cal = cal or default_calendar()
    lines: list[str] = []

    if unit == "months":
        lines.append(
            "依《民法典》第二百零二条：按月计算期间的，到期月的对应日为期间的最后一日，没有对应日的，月末日为期间的最后一日"
        )
        last, clamped = _add_months(start, n)
        if clamped:
            lines.append(f"自{date_cn(start)}起算{n}个月，到期月无对应日，以月末{date_cn(last)}为届满日")
        else:
            lines.append(f"自{date_cn(start)}起算{n}个月，至{date_cn(last)}届满")
        due = _shift_off_rest_day(cal, last, lines, "依《民事诉讼法》第八十五条")
    elif unit == "working_days":
        due = _working_days_period(cal, start, n, lines)
    elif rule == "review" and n in _REVIEW_WORKING_DAY_LIMITS:
        lines.append(
            f"依《行政复议法》第八十八条：期间中的“{_REVIEW_WORKING_DAY_LIMITS[n]}日”指工作日，不含法定休假日"
        )
        due = _working_days_period(cal, start, n, lines)
    elif rule == "tax":
        lines.append("依《税收征收管理法实施细则》第一百零八条、第一百零九条计算")
        due = _tax_days(cal, start, n, lines)
    else:
        basis = "依《行政复议法》第八十八条适用《民事诉讼法》的规定；" if rule == "review" else "依"
        lines.append(f"{basis}《民事诉讼法》第八十五条：期间开始的日不计算在期间内")
        due = _civil_days(cal, start, n, lines)

    warnings = [w for y in range(start.year, due.year + 1) if (w := cal.coverage_warning(y))]
    return PeriodResult(due=due, explanation=lines, warnings=warnings)
