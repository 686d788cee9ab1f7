from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from casefile.rules.latefee import (
    REVIEW_WARNING,
    ArrearsItem,
    LateFeeSettings,
    RatePeriod,
    compute_late_fees,
    compute_line,
    payment_deadline,
)
from casefile.rules.money import rmb_upper

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "vectors.json"


def load_late_fee_vectors() -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    vectors: list[dict[str, Any]] = data["late_fee"]
    return vectors


LATE_FEE_VECTORS = load_late_fee_vectors()
D = Decimal
SPLIT_2011 = LateFeeSettings(
    rate_periods=(
        RatePeriod(None, date(2011, 6, 30), D("0.002")),
        RatePeriod(date(2011, 7, 1), None, D("0.0005")),
    )
)


def test_fixture_has_both_late_fee_vectors() -> None:
    assert len(LATE_FEE_VECTORS) == 2


@pytest.mark.parametrize("vector", LATE_FEE_VECTORS, ids=lambda v: v["fee"])
def test_compute_line_vectors(vector: dict[str, Any]) -> None:
    start, end = date.fromisoformat(vector["start"]), date.fromisoformat(vector["end"])
    assert (end - start).days + 1 == vector["days"]
    fee = compute_line(D(vector["principal"]), start, end, D(vector["rate_per_day"]))
    assert fee == D(vector["fee"])
    assert str(fee) == vector["fee"]
    assert rmb_upper(fee) == vector["fee_upper"]


def test_compute_line_rounds_half_up_and_has_no_fee_without_days() -> None:
    # 1.00 × 0.0005 × 10 = 0.005 → 0.01 (ROUND_HALF_UP, not banker's rounding)
    assert compute_line(D("1.00"), date(2025, 1, 1), date(2025, 1, 10), D("0.0005")) == D("0.01")
    assert compute_line(D("1000.00"), date(2025, 1, 2), date(2025, 1, 1), D("0.0005")) == D("0.00")
    assert compute_line(D("1000.00"), date(2025, 1, 1), date(2025, 1, 1), D("0.0005")) == D("0.50")


@pytest.mark.parametrize(
    ("period", "rule", "deadline"),
    [
        ("202501", "15th_next_month", date(2025, 2, 15)),
        ("202412", "15th_next_month", date(2025, 1, 15)),
        ("202501", "end_of_next_month", date(2025, 2, 28)),
        ("202401", "end_of_next_month", date(2024, 2, 29)),
        ("202412", "end_of_next_month", date(2025, 1, 31)),
        ("202402", "end_of_month", date(2024, 2, 29)),
        ("202504", "end_of_month", date(2025, 4, 30)),
    ],
)
def test_payment_deadline(period: str, rule: Any, deadline: date) -> None:
    assert payment_deadline(period, LateFeeSettings(payment_deadline_rule=rule)) == deadline


def test_payment_deadline_defaults_to_15th_of_next_month() -> None:
    assert payment_deadline("202506") == date(2025, 7, 15)


@pytest.mark.parametrize("bad", ["2025-01", "202513", "202500", "25001", ""])
def test_payment_deadline_rejects_bad_periods(bad: str) -> None:
    with pytest.raises(ValueError, match="所属期"):
        payment_deadline(bad)


def test_worked_example_through_compute_late_fees() -> None:
    result = compute_late_fees([ArrearsItem("基本养老", "202501", D("12345.67"))], date(2025, 5, 20))
    (line,) = result.lines
    assert line.deadline == date(2025, 2, 15)
    assert (line.start, line.end, line.days) == (date(2025, 2, 16), date(2025, 5, 20), 94)
    assert line.rate == D("0.0005")
    assert line.fee == D("580.25")
    assert result.total_principal == D("12345.67")
    assert result.total_fee == D("580.25")
    assert result.total_fee_upper == "伍佰捌拾元零贰角伍分"
    assert not result.capped
    assert not result.review_required
    assert result.warnings == []


def test_total_is_the_sum_of_rounded_lines() -> None:
    items = [ArrearsItem("基本养老", "202501", D("1.00")), ArrearsItem("失业", "202501", D("1.00"))]
    # Each line: 1.00 × 0.0005 × 10 = 0.005 → 0.01; the unrounded sum would give 0.01, not 0.02.
    result = compute_late_fees(items, date(2025, 2, 25))
    assert [line.fee for line in result.lines] == [D("0.01"), D("0.01")]
    assert result.total_fee == D("0.02")
    assert result.total_principal == D("2.00")


def test_start_rule_first_of_second_month() -> None:
    settings = LateFeeSettings(start_rule="first_of_second_month")
    result = compute_late_fees(
        [ArrearsItem("基本医疗", "202411", D("10000.00"))], date(2025, 1, 30), settings
    )
    (line,) = result.lines
    assert line.deadline == date(2024, 12, 15)
    assert (line.start, line.days) == (date(2025, 1, 1), 30)
    assert line.fee == D("150.00")


def test_no_fee_when_paid_before_the_fee_starts() -> None:
    result = compute_late_fees([ArrearsItem("工伤", "202501", D("500.00"))], date(2025, 2, 15))
    (line,) = result.lines
    assert line.days == 0
    assert line.fee == D("0.00")
    assert result.total_fee == D("0.00")
    assert result.total_fee_upper == "零元整"
    assert result.total_principal == D("500.00")


def test_rate_split_across_2011_07_01() -> None:
    result = compute_late_fees(
        [ArrearsItem("基本养老", "201105", D("1000.00"))], date(2011, 7, 10), SPLIT_2011
    )
    first, second = result.lines
    assert (first.start, first.end, first.days, first.rate) == (
        date(2011, 6, 16),
        date(2011, 6, 30),
        15,
        D("0.002"),
    )
    assert first.fee == D("30.00")
    assert (second.start, second.end, second.days, second.rate) == (
        date(2011, 7, 1),
        date(2011, 7, 10),
        10,
        D("0.0005"),
    )
    assert second.fee == D("5.00")
    assert all(line.principal == D("1000.00") for line in result.lines)
    assert result.total_principal == D("1000.00")  # not doubled by the split
    assert result.total_fee == D("35.00")
    assert result.warnings == []


def test_lower_of_mode_charges_pre_2011_days_at_the_lower_rate() -> None:
    settings = LateFeeSettings(rate_periods=SPLIT_2011.rate_periods, pre2011_mode="lower_of")
    result = compute_late_fees([ArrearsItem("基本养老", "201105", D("1000.00"))], date(2011, 7, 10), settings)
    (line,) = result.lines  # same rate on both sides, so one line
    assert (line.start, line.end, line.days, line.rate) == (
        date(2011, 6, 16),
        date(2011, 7, 10),
        25,
        D("0.0005"),
    )
    assert line.fee == D("12.50")


def test_pre_2011_arrears_without_a_rate_split_warn() -> None:
    result = compute_late_fees([ArrearsItem("基本养老", "201001", D("100.00"))], date(2010, 3, 1))
    assert any("2011年7月1日" in w for w in result.warnings)


def test_fee_reaching_principal_requires_review_without_cap() -> None:
    # 100.00 × 0.0005 × 2000 days = 100.00: equal to the principal counts.
    start = date(2020, 2, 16)
    result = compute_late_fees([ArrearsItem("基本养老", "202001", D("100.00"))], start + timedelta(days=1999))
    (line,) = result.lines
    assert line.days == 2000
    assert line.fee == D("100.00")
    assert result.review_required
    assert REVIEW_WARNING in result.warnings
    assert not result.capped


def test_fee_below_principal_needs_no_review() -> None:
    start = date(2020, 2, 16)
    result = compute_late_fees([ArrearsItem("基本养老", "202001", D("100.00"))], start + timedelta(days=1998))
    assert result.total_fee == D("99.95")
    assert not result.review_required
    assert REVIEW_WARNING not in result.warnings


def test_cap_mode_principal_caps_and_still_flags_review() -> None:
    items = [ArrearsItem("基本养老", "201501", D("1000.00")), ArrearsItem("失业", "202501", D("1000.00"))]
    paid = date(2025, 3, 17)
    uncapped = compute_late_fees(items, paid)
    capped = compute_late_fees(items, paid, LateFeeSettings(cap_mode="principal"))

    assert uncapped.lines[0].fee > D("1000.00")
    assert uncapped.review_required and not uncapped.capped
    assert capped.lines[0].fee == D("1000.00")
    assert capped.lines[1].fee == uncapped.lines[1].fee == D("15.00")
    assert capped.total_fee == D("1015.00")
    assert capped.capped and capped.review_required
    assert REVIEW_WARNING in capped.warnings
    assert any("封顶" in w and "基本养老201501" in w for w in capped.warnings)
    assert capped.total_fee_upper == "壹仟零壹拾伍元整"


def test_cap_applies_to_the_item_across_split_lines() -> None:
    # 2010-06 arrears at 2‰ then 0.05%: the item is capped as a whole, later days cut first.
    settings = LateFeeSettings(rate_periods=SPLIT_2011.rate_periods, cap_mode="principal")
    result = compute_late_fees([ArrearsItem("基本养老", "201006", D("100.00"))], date(2014, 1, 1), settings)
    first, second = result.lines
    assert (first.days, first.rate, first.fee) == (350, D("0.002"), D("70.00"))  # 2010-07-16..2011-06-30
    assert second.days == 916  # 2011-07-01..2014-01-01, uncapped 45.80
    assert second.fee == D("30.00")
    assert result.total_fee == D("100.00")
    assert result.capped


def test_rate_periods_must_cover_the_fee_window() -> None:
    settings = LateFeeSettings(rate_periods=(RatePeriod(date(2011, 7, 1), None, D("0.0005")),))
    with pytest.raises(ValueError, match="未覆盖"):
        compute_late_fees([ArrearsItem("基本养老", "201001", D("100.00"))], date(2012, 1, 1), settings)


def test_settings_reject_gaps_overlaps_and_unknown_choices() -> None:
    with pytest.raises(ValueError, match="首尾相接"):
        LateFeeSettings(
            rate_periods=(
                RatePeriod(None, date(2011, 6, 29), D("0.002")),
                RatePeriod(date(2011, 7, 1), None, D("0.0005")),
            )
        )
    with pytest.raises(ValueError, match="首尾相接"):
        LateFeeSettings(
            rate_periods=(RatePeriod(None, None, D("0.002")), RatePeriod(None, None, D("0.0005")))
        )
    with pytest.raises(ValueError, match="cap_mode"):
        LateFeeSettings(cap_mode="half")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Decimal"):
        RatePeriod(None, None, 0.0005)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="负数"):
        RatePeriod(None, None, D("-0.0005"))


def test_arrears_item_validates_and_normalises() -> None:
    item = ArrearsItem("基本养老", "202501", D("12"))
    assert str(item.principal) == "12.00"
    with pytest.raises(ValueError, match="金额"):
        ArrearsItem("基本养老", "202501", D("-1"))
    with pytest.raises(ValueError, match="所属期"):
        ArrearsItem("基本养老", "2025-01", D("1"))
    with pytest.raises(ValueError, match="险种"):
        ArrearsItem(" ", "202501", D("1"))
