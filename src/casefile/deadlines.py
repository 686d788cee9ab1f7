"""Time limits of the procedure: open, close, extend and explain deadlines (docs/domain.md §6)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from casefile.config import MAX_EXTENSION_DAYS, Settings
from casefile.errors import CasefileError
from casefile.models.case import Case
from casefile.models.records import Deadline
from casefile.rules.calendar import HolidayCalendar, period_end
from casefile.rules.dates import date_cn


@lru_cache(maxsize=8)
def calendar_for(override_file: Path | None) -> HolidayCalendar:
    return HolidayCalendar(override_file=override_file if override_file and override_file.exists() else None)


def compute_due(settings: Settings, step: str, start: date, cal: HolidayCalendar) -> tuple[date, list[str]]:
    limit = settings.limit(step)
    if limit.n == 0:
        return start, [f"{limit.label}：当日办理（{date_cn(start)}）"]
    result = period_end(start, limit.n, limit.unit, limit.rule, cal=cal)
    unit = {"working_days": "个工作日", "calendar_days": "日", "months": "个月"}[limit.unit]
    head = f"{limit.label}：自{date_cn(start)}起{limit.n}{unit}，至{date_cn(result.due)}"
    return result.due, [head, *result.explanation, *result.warnings]


def open_deadline(case: Case, settings: Settings, cal: HolidayCalendar, step: str, start: date,
                  *, dept: str | None = None, label: str | None = None) -> Deadline:
    due, why = compute_due(settings, step, start, cal)
    limit = settings.limit(step)
    d = Deadline(step=step, label=label or limit.label, start=start, n=limit.n, unit=limit.unit, rule=limit.rule,
                 base_due=due, due=due, dept=dept, explanation=why)
    case.deadlines.append(d)
    return d


def close_deadlines(case: Case, today: date, *steps: str, dept: str | None = None) -> None:
    for d in case.deadlines:
        if d.done_at is None and d.step in steps and (dept is None or d.dept == dept):
            d.done_at = today


def find_open(case: Case, text: str) -> Deadline:
    """An open deadline of ``case`` by its step code (hard_ceiling) or its Chinese name as ``show``
    prints it (办理总时限), with or without the department in brackets."""
    import unicodedata

    t = unicodedata.normalize("NFKC", text).strip()
    open_ = [d for d in case.deadlines if d.done_at is None]
    for d in reversed(open_):
        if t in (d.step, d.label) or t.lower() == d.step.lower():
            return d
    names = "、".join(dict.fromkeys(d.label for d in open_)) or "无"
    raise CasefileError(f"时限：案件 {case.id} 没有进行中的“{text.strip()}”时限，请填写进行中的时限名称之一：{names}。")


def extend(case: Case, step: str, days: int, reason: str, *, cal: HolidayCalendar | None = None) -> Deadline:
    """Extend by ``days``; a new due date that falls on a rest day moves to the next working day."""
    d = find_open(case, step)
    if days <= 0:
        raise CasefileError("延期天数应为正整数。")
    if d.extended_days + days > MAX_EXTENSION_DAYS:
        raise CasefileError(
            f"延期合计不得超过{MAX_EXTENSION_DAYS}日（信访工作条例第34条），此前已延期{d.extended_days}日。"
        )
    d.extended_days += days
    d.due = d.base_due + timedelta(days=d.extended_days + d.paused_days)
    line = f"经批准延期{days}日（{reason}），期限至{date_cn(d.due)}"
    if cal is not None and not cal.is_workday(d.due):
        moved = cal.first_workday_from(d.due)
        line += f"；该日为{cal.rest_day_label(d.due) or '休息日'}，顺延至{date_cn(moved)}"
        d.due = moved
    d.explanation.append(line)
    return d


def pause(case: Case, step: str, start: date, end: date, reason: str) -> Deadline:
    d = case.deadline(step)
    if d is None or d.done_at is not None:
        raise CasefileError(f"案件 {case.id} 没有进行中的“{step}”时限，无法中止计算。")
    days = (end - start).days
    d.paused_days += days
    d.due = d.base_due + timedelta(days=d.extended_days + d.paused_days)
    d.explanation.append(f"{date_cn(start)}至{date_cn(end)}中止计算{days}日（{reason}），期限至{date_cn(d.due)}")
    return d
