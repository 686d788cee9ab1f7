"""滞纳金 (late fees) on social-insurance arrears (社保法 Art 86; docs/domain.md §4).

One arrears item is one 所属期 × 险种 with its unpaid principal. The fee runs from the day after
the payment deadline to the payment date, both inclusive, at a daily rate; each line is rounded
ROUND_HALF_UP to 分 and the total is the sum of the rounded lines. There is no fee on fees.

What varies between provinces is a :class:`LateFeeSettings` value, never a code path: the payment
deadline, the start rule, the rate history around 2011-07-01 and whether the fee is capped at the
principal (unsettled law, docs/domain.md §4, so it is a switch plus a mandatory legal-review flag).
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal, get_args

from casefile.rules.dates import date_cn, period_year_month
from casefile.rules.money import parse_amount, quantize_fen, rmb_upper

__all__ = [
    "ArrearsItem",
    "LateFeeLine",
    "LateFeeResult",
    "LateFeeSettings",
    "RatePeriod",
    "compute_late_fees",
    "compute_line",
    "payment_deadline",
]

#: 社会保险法 in force; before it, 条例 Art 13 charged 2‰ per day.
SOCIAL_INSURANCE_LAW_IN_FORCE = date(2011, 7, 1)
STATUTORY_RATE = Decimal("0.0005")
REVIEW_WARNING = "滞纳金已达到或超过本金，需法制审核"

StartRule = Literal["day_after_deadline", "first_of_second_month"]
DeadlineRule = Literal["15th_next_month", "end_of_next_month", "end_of_month"]
CapMode = Literal["none", "principal"]
Pre2011Mode = Literal["statute", "lower_of"]


@dataclass(frozen=True)
class RatePeriod:
    """A daily rate in force from ``start`` to ``end`` (both inclusive; None = open-ended)."""

    start: date | None
    end: date | None
    rate_per_day: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.rate_per_day, Decimal) or not self.rate_per_day.is_finite():
            raise ValueError(f"滞纳金日费率必须是 Decimal：{self.rate_per_day!r}")
        if self.rate_per_day < 0:
            raise ValueError(f"滞纳金日费率不能为负数：{self.rate_per_day}")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"费率期间起止颠倒：{self.start} 至 {self.end}")

    def covers(self, d: date) -> bool:
        return (self.start is None or self.start <= d) and (self.end is None or d <= self.end)


@dataclass(frozen=True)
class LateFeeSettings:
    """Per-jurisdiction choices (docs/domain.md §4). The defaults are the national statute."""

    rate_periods: tuple[RatePeriod, ...] = (RatePeriod(None, None, STATUTORY_RATE),)
    start_rule: StartRule = "day_after_deadline"
    payment_deadline_rule: DeadlineRule = "15th_next_month"
    cap_mode: CapMode = "none"
    pre2011_mode: Pre2011Mode = "statute"

    def __post_init__(self) -> None:
        periods = self.rate_periods
        if not periods:
            raise ValueError("滞纳金费率期间不能为空")
        for earlier, later in itertools.pairwise(periods):
            # Contiguity is required so that every day of arrears has exactly one rate.
            if earlier.end is None or later.start is None or later.start != earlier.end + timedelta(days=1):
                raise ValueError(
                    "滞纳金费率期间必须按时间顺序首尾相接、互不重叠："
                    f"{earlier.start} 至 {earlier.end} 与 {later.start} 至 {later.end}"
                )
        for name, value, allowed in (
            ("start_rule", self.start_rule, get_args(StartRule)),
            ("payment_deadline_rule", self.payment_deadline_rule, get_args(DeadlineRule)),
            ("cap_mode", self.cap_mode, get_args(CapMode)),
            ("pre2011_mode", self.pre2011_mode, get_args(Pre2011Mode)),
        ):
            if value not in allowed:
                raise ValueError(f"滞纳金设置 {name} 取值不正确：{value!r}（可选：{'、'.join(allowed)}）")

    def rate_on(self, d: date) -> Decimal | None:
        return next((p.rate_per_day for p in self.rate_periods if p.covers(d)), None)


@dataclass(frozen=True)
class ArrearsItem:
    """Unpaid principal of one 险种 for one 所属期 (unit share + withheld worker share)."""

    insurance_type: str
    period: str
    principal: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.insurance_type, str) or not self.insurance_type.strip():
            raise ValueError("欠费明细缺少险种")
        period_year_month(self.period)
        object.__setattr__(self, "principal", parse_amount(self.principal))


@dataclass(frozen=True)
class LateFeeLine:
    """One row of the 滞纳金计算表. An item whose days cross a rate change has one line per rate."""

    insurance_type: str
    period: str
    principal: Decimal
    deadline: date
    start: date
    end: date
    days: int
    rate: Decimal
    fee: Decimal


@dataclass(frozen=True)
class LateFeeResult:
    lines: list[LateFeeLine]
    total_principal: Decimal
    total_fee: Decimal
    total_fee_upper: str
    capped: bool
    review_required: bool
    warnings: list[str] = field(default_factory=list)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def payment_deadline(period: str, settings: LateFeeSettings | None = None) -> date:
    """The 缴费期限届满日 of a 所属期 ``'YYYYMM'`` under the province's rule.

    Not moved off weekends or holidays: provinces publish the deadline as a date, and the late fee
    statute counts calendar days.
    """
    settings = settings or LateFeeSettings()
    year, month = period_year_month(period)
    rule = settings.payment_deadline_rule
    if rule == "end_of_month":
        return _month_end(year, month)
    next_year, next_month = _add_months(year, month, 1)
    if rule == "15th_next_month":
        return date(next_year, next_month, 15)
    return _month_end(next_year, next_month)


def _fee_start(period: str, deadline: date, settings: LateFeeSettings) -> date:
    if settings.start_rule == "first_of_second_month":
        # Some local systems: the 1st of the second month after the 所属期 (202501 → 2025-03-01).
        year, month = _add_months(*period_year_month(period), 2)
        return date(year, month, 1)
    return deadline + timedelta(days=1)


def compute_line(principal: Decimal, start: date, end: date, rate: Decimal) -> Decimal:
    """principal × rate × days, days = end − start + 1 (both inclusive), ROUND_HALF_UP to 分.

    A window with start after end has no days and no fee.
    """
    days = (end - start).days + 1
    if days <= 0:
        return Decimal("0.00")
    return quantize_fen(principal * rate * days)


@dataclass(frozen=True)
class _Segment:
    start: date
    end: date
    rate: Decimal


def _segments(start: date, end: date, settings: LateFeeSettings) -> list[_Segment]:
    """Split [start, end] at rate changes; adjacent pieces with the same rate are merged."""
    first, last = settings.rate_periods[0], settings.rate_periods[-1]
    if (first.start is not None and start < first.start) or (last.end is not None and end > last.end):
        raise ValueError(f"滞纳金费率期间未覆盖计费区间：{date_cn(start)}至{date_cn(end)}")
    law_rate = settings.rate_on(SOCIAL_INSURANCE_LAW_IN_FORCE)
    pieces: list[_Segment] = []
    for period in settings.rate_periods:
        seg_start = max(start, period.start) if period.start else start
        seg_end = min(end, period.end) if period.end else end
        if seg_start > seg_end:
            continue
        rate = period.rate_per_day
        if (
            settings.pre2011_mode == "lower_of"
            and law_rate is not None
            and seg_start < SOCIAL_INSURANCE_LAW_IN_FORCE
        ):
            # 就低原则 (docs/domain.md §4): pre-2011 days at the lower of the old rule and Art 86.
            rate = min(rate, law_rate)
        if pieces and pieces[-1].rate == rate:
            pieces[-1] = _Segment(pieces[-1].start, seg_end, rate)
        else:
            pieces.append(_Segment(seg_start, seg_end, rate))
    return pieces


def _cap(fees: list[Decimal], principal: Decimal) -> list[Decimal]:
    """Reduce the latest fees first so the item's total equals its principal (行政强制法 Art 45)."""
    capped = list(fees)
    excess = sum(capped, Decimal("0.00")) - principal
    for index in range(len(capped) - 1, -1, -1):
        if excess <= 0:
            break
        cut = min(capped[index], excess)
        capped[index] -= cut
        excess -= cut
    return capped


def compute_late_fees(
    items: Sequence[ArrearsItem], paid_on: date, settings: LateFeeSettings | None = None
) -> LateFeeResult:
    """The 滞纳金 of every arrears item, paid (or computed up to) ``paid_on`` inclusive.

    A rate change inside an item's window splits it into one line per rate. With
    ``cap_mode="principal"`` an item's fee is cut back to its principal (``capped=True``). Whenever
    an item's uncapped fee reaches its principal, ``review_required`` is set and the result warns,
    whatever the cap mode (docs/domain.md §4: the cap is unsettled law, so a lawyer looks at it).
    """
    settings = settings or LateFeeSettings()
    lines: list[LateFeeLine] = []
    warnings: list[str] = []
    at_or_over: list[str] = []
    capped_items: list[str] = []
    pre2011_single_rate = False
    total_principal = Decimal("0.00")

    for item in items:
        total_principal += item.principal
        deadline = payment_deadline(item.period, settings)
        start = _fee_start(item.period, deadline, settings)
        label = f"{item.insurance_type}{item.period}"
        if start > paid_on:
            rate = settings.rate_on(start) or Decimal("0")
            lines.append(
                LateFeeLine(
                    insurance_type=item.insurance_type,
                    period=item.period,
                    principal=item.principal,
                    deadline=deadline,
                    start=start,
                    end=paid_on,
                    days=0,
                    rate=rate,
                    fee=Decimal("0.00"),
                )
            )
            continue
        segments = _segments(start, paid_on, settings)
        if start < SOCIAL_INSURANCE_LAW_IN_FORCE and not any(
            p.start == SOCIAL_INSURANCE_LAW_IN_FORCE for p in settings.rate_periods
        ):
            pre2011_single_rate = True
        fees = [compute_line(item.principal, s.start, s.end, s.rate) for s in segments]
        uncapped_total = sum(fees, Decimal("0.00"))
        if item.principal > 0 and uncapped_total >= item.principal:
            at_or_over.append(label)
            if settings.cap_mode == "principal" and uncapped_total > item.principal:
                fees = _cap(fees, item.principal)
                capped_items.append(label)
        for segment, fee in zip(segments, fees, strict=True):
            lines.append(
                LateFeeLine(
                    insurance_type=item.insurance_type,
                    period=item.period,
                    principal=item.principal,
                    deadline=deadline,
                    start=segment.start,
                    end=segment.end,
                    days=(segment.end - segment.start).days + 1,
                    rate=segment.rate,
                    fee=fee,
                )
            )

    if at_or_over:
        warnings.append(REVIEW_WARNING)
        warnings.append(f"滞纳金达到或超过本金的明细：{'、'.join(at_or_over)}")
    if capped_items:
        warnings.append(f"已按本金封顶（滞纳金不超过本金）：{'、'.join(capped_items)}")
    if pre2011_single_rate:
        warnings.append(
            "存在2011年7月1日《社会保险法》施行前的欠费时段，当前未单独设置该时段费率，"
            "请确认是否适用原条例日2‰或就低原则"
        )
    total_fee = sum((line.fee for line in lines), Decimal("0.00"))
    return LateFeeResult(
        lines=lines,
        total_principal=total_principal,
        total_fee=total_fee,
        total_fee_upper=rmb_upper(total_fee),
        capped=bool(capped_items),
        review_required=bool(at_or_over),
        warnings=warnings,
    )
