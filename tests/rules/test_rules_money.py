from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casefile.rules.money import format_amount, parse_amount, parse_rmb_upper, rmb_upper

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "vectors.json"
SHARED = Path("/work/shared/domain/vectors.json")


def load_vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


VECTORS = load_vectors()
RMB_VECTORS = [(v["amount"], v["upper"]) for v in VECTORS["rmb_upper"]]

# Two-place amounts from 0 to 999,999,999,999.99, built from integers so no float is involved.
AMOUNTS = st.integers(min_value=0, max_value=10**14 - 1).map(lambda fen: Decimal(fen).scaleb(-2))


def test_fixture_matches_shared_vectors_when_available() -> None:
    if not SHARED.exists():
        pytest.skip("shared domain vectors not present; the fixture copy stands alone")
    assert json.loads(SHARED.read_text(encoding="utf-8")) == VECTORS


def test_fixture_has_all_twenty_rmb_vectors() -> None:
    assert len(RMB_VECTORS) == 20


@pytest.mark.parametrize(("amount", "upper"), RMB_VECTORS)
def test_rmb_upper_vectors(amount: str, upper: str) -> None:
    assert rmb_upper(Decimal(amount)) == upper
    assert rmb_upper(Decimal(amount), prefix=True) == "人民币" + upper


@pytest.mark.parametrize(("amount", "upper"), RMB_VECTORS)
def test_parse_rmb_upper_vectors(amount: str, upper: str) -> None:
    assert parse_rmb_upper(upper) == Decimal(amount)
    assert parse_rmb_upper("人民币" + upper) == Decimal(amount)


@pytest.mark.parametrize(
    ("amount", "upper"),
    [
        ("15.00", "壹拾伍元整"),
        ("10015.00", "壹万零壹拾伍元整"),
        ("100000500.00", "壹亿零伍佰元整"),
        ("1000500.00", "壹佰万零伍佰元整"),
        ("100000000.00", "壹亿元整"),
        ("1070000000.00", "壹拾亿柒仟万元整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("0.01", "壹分"),
    ],
)
def test_rmb_upper_section_rules(amount: str, upper: str) -> None:
    assert rmb_upper(Decimal(amount)) == upper


def test_rmb_upper_rounds_half_up_to_fen_first() -> None:
    assert rmb_upper(Decimal("0.005")) == "壹分"
    assert rmb_upper(Decimal("12.345")) == "壹拾贰元叁角伍分"
    assert rmb_upper(Decimal("0.004")) == "零元整"
    assert rmb_upper(10) == "壹拾元整"


@pytest.mark.parametrize(
    "bad", [Decimal("-0.01"), Decimal("1000000000000"), Decimal("NaN"), Decimal("Infinity")]
)
def test_rmb_upper_rejects_out_of_range(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="金额"):
        rmb_upper(bad)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        # PBoC rule (三): the 零 at a zero 元位 / 万位 may be written once or not at all.
        ("壹仟陆佰捌拾元叁角贰分", "1680.32"),
        ("壹拾万零柒仟元伍角叁分", "107000.53"),
        ("壹拾万柒仟元伍角叁分", "107000.53"),
        ("壹拾万零柒仟元零伍角叁分", "107000.53"),
        ("壹佰万元壹角整", "1000000.10"),
        ("壹拾亿零柒仟万元整", "1070000000.00"),
        # 整 after 角 may be omitted; 圆 and 正 are accepted variants; whitespace is ignored.
        ("壹仟肆佰零玖元伍角", "1409.50"),
        ("伍角", "0.50"),
        ("壹佰圆正", "100.00"),
        ("人民币 壹万贰仟叁佰肆拾伍圆陆角柒分", "12345.67"),
        ("零圆正", "0.00"),
    ],
)
def test_parse_rmb_upper_accepts_pboc_variants(text: str, amount: str) -> None:
    assert parse_rmb_upper(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    [
        "壹仟伍元整",  # rule (一): the 零 between digits is obligatory
        "叁佰贰拾伍元肆分",  # rule (四): 零 after 元 when 角 is 0
        "伍分整",  # never 整 after 分
        "壹拾元",  # 整 after 元 is obligatory
        "拾元整",  # PBoC writes 壹拾
        "一千元整",  # lower-case numerals are not 大写
        "壹仟零零伍元整",
        "壹万贰亿元整",
        "人民币",
        "",
        "整",
        "壹仟元整整",
    ],
)
def test_parse_rmb_upper_rejects_non_standard(text: str) -> None:
    with pytest.raises(ValueError, match="大写金额"):
        parse_rmb_upper(text)


def test_parse_rmb_upper_names_the_canonical_form() -> None:
    with pytest.raises(ValueError, match="壹仟零伍元整"):
        parse_rmb_upper("壹仟伍元整")


@settings(max_examples=400, database=None, deadline=None)
@given(AMOUNTS)
def test_rmb_upper_round_trip(amount: Decimal) -> None:
    assert parse_rmb_upper(rmb_upper(amount)) == amount
    assert parse_rmb_upper(rmb_upper(amount, prefix=True)) == amount


@settings(max_examples=200, database=None, deadline=None)
@given(AMOUNTS)
def test_format_then_parse_amount_round_trip(amount: Decimal) -> None:
    assert parse_amount(format_amount(amount)) == amount


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        ("12345.67", "12345.67"),
        ("12,345.67", "12345.67"),
        ("¥12,345.67", "12345.67"),
        ("￥ 12,345.6", "12345.60"),
        ("  0.5 ", "0.50"),
        ("0", "0.00"),
        ("1,234,567", "1234567.00"),
        ("999999999999.99", "999999999999.99"),
        (12345, "12345.00"),
        (Decimal("12.3"), "12.30"),
        (Decimal("1.500"), "1.50"),
        (Decimal("-0"), "0.00"),
    ],
)
def test_parse_amount_accepts(given_value: str | int | Decimal, expected: str) -> None:
    result = parse_amount(given_value)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "-1.00",
        "1.234",
        "12a",
        "abc",
        "",
        ".5",
        "01",
        "1,23,4",
        "12,34.5",
        "1e3",
        "NaN",
        "1000000000000",
        -1,
        10**12,
        True,
        Decimal("1.234"),
        Decimal("-5"),
        Decimal("NaN"),
        Decimal("1E+12"),
    ],
)
def test_parse_amount_rejects(bad: str | int | Decimal) -> None:
    with pytest.raises(ValueError, match="金额"):
        parse_amount(bad)


def test_parse_amount_rejects_floats_even_nan() -> None:
    with pytest.raises(ValueError, match="浮点数"):
        parse_amount(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="金额格式不正确"):
        parse_amount(float("nan"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("12345.67", "¥12,345.67"),
        ("0", "¥0.00"),
        ("1000000", "¥1,000,000.00"),
        ("0.005", "¥0.01"),
        ("-12.5", "-¥12.50"),
    ],
)
def test_format_amount(amount: str, text: str) -> None:
    assert format_amount(Decimal(amount)) == text


def test_report_figures_read_as_a_report_writes_them() -> None:
    from casefile.rules.money import money_report, percent_report

    assert money_report(Decimal("100000.00")) == "10万元"
    assert money_report(Decimal("186782.40")) == "18.68万元"
    assert money_report(Decimal("10175.00")) == "1.02万元"
    assert money_report(Decimal("3456.78")) == "3,456.78元"
    assert percent_report(Decimal("200.00")) == "200%"
    assert percent_report(Decimal("12.50")) == "12.5%"
    assert percent_report(Decimal("76.92")) == "76.92%"
