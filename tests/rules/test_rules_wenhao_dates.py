from __future__ import annotations

from datetime import date

import pytest

from casefile.rules.dates import date8, date_cn, month_cn, parse_period, period_year_month
from casefile.rules.wenhao import WENHAO_RE, cite_wenhao, format_wenhao, generalise_wenhao, validate_wenhao

TODAY = date(2026, 11, 22)

# --- 文号 -------------------------------------------------------------------------------------


def test_format_wenhao() -> None:
    assert format_wenhao("×税社争", 2026, 12) == "×税社争〔2026〕12号"
    assert format_wenhao("偏政办发", 2024, 21) == "偏政办发〔2024〕21号"
    assert format_wenhao("奈政字", 2024, 1) == "奈政字〔2024〕1号"


@pytest.mark.parametrize(
    ("daizi", "year", "serial", "message"),
    [
        ("", 2026, 1, "代字"),
        ("偏政办发2", 2026, 1, "代字"),
        ("偏政办发", 26, 1, "年份"),
        ("偏政办发", 2026, 0, "序号"),
        ("偏政办发", 2026, -3, "序号"),
    ],
)
def test_format_wenhao_rejects(daizi: str, year: int, serial: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        format_wenhao(daizi, year, serial)


@pytest.mark.parametrize(
    "text", ["奈政字〔2024〕123号", "偏政办发〔2024〕21号", "税总社保发〔2024〕13号", "×税函〔2026〕3号"]
)
def test_validate_wenhao_accepts_seed_examples(text: str) -> None:
    assert validate_wenhao(text)
    assert WENHAO_RE.match(text)


@pytest.mark.parametrize(
    "text",
    [
        "偏政办发[2026]21号",
        "偏政办发(2026)21号",
        "偏政办发（2026）21号",
        "偏政办发【2026】21号",
        "偏政办发〔26〕21号",
        "偏政办发〔2026〕001号",
        "偏政办发〔2026〕第21号",
        "偏政办发〔2026〕0号",
        "偏政办发〔2026〕21",
        "〔2026〕21号",
        "偏政办发〔1826〕21号",
        "",
    ],
)
def test_validate_wenhao_rejects(text: str) -> None:
    assert not validate_wenhao(text)


def test_cite_wenhao_uses_full_width_round_brackets() -> None:
    assert cite_wenhao("偏政办发〔2024〕21号") == "（偏政办发〔2024〕21号）"
    with pytest.raises(ValueError, match="文号格式"):
        cite_wenhao("偏政办发[2024]21号")


@pytest.mark.parametrize(
    ("text", "general"),
    [
        ("偏税社争〔2026〕12号", "×税×〔2026〕×号"),
        ("×税函〔2026〕3号", "×税×〔2026〕×号"),
        ("奈政字〔2024〕123号", "×政×〔2024〕×号"),
        ("奈人社发〔2025〕7号", "×人社×〔2025〕×号"),
        ("ABC〔2025〕7号", "×〔2025〕×号"),
    ],
)
def test_generalise_wenhao_keeps_only_the_year_and_organ_kind(text: str, general: str) -> None:
    assert generalise_wenhao(text) == general


def test_generalise_wenhao_rejects_non_wenhao() -> None:
    with pytest.raises(ValueError, match="文号格式"):
        generalise_wenhao("not a wenhao")


# --- dates ------------------------------------------------------------------------------------


def test_date_formats_have_no_leading_zeros_except_date8() -> None:
    assert date_cn(date(2026, 5, 8)) == "2026年5月8日"
    assert date_cn(date(2026, 12, 25)) == "2026年12月25日"
    assert date8(date(2026, 5, 8)) == "20260508"
    assert month_cn(date(2026, 5, 8)) == "2026年5月"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("202401", ("202401", "202401")),
        ("2024-01", ("202401", "202401")),
        (" 202401 ", ("202401", "202401")),
        ("202401-202609", ("202401", "202609")),
        ("202401–202609", ("202401", "202609")),
        ("2024-01–2026-09", ("202401", "202609")),
        ("202401-202401", ("202401", "202401")),
        ("202611", ("202611", "202611")),  # the current month is allowed
    ],
)
def test_parse_period_accepts(text: str, expected: tuple[str, str]) -> None:
    assert parse_period(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("202413", "月份"),
        ("202400", "月份"),
        ("202609-202401", "起止颠倒"),
        ("202612", "不能晚于当前月份"),
        ("202401-202612", "不能晚于当前月份"),
        ("2024/01", "格式"),
        ("24-01", "格式"),
        ("abc", "格式"),
        ("", "格式"),
    ],
)
def test_parse_period_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_period(text, today=TODAY)


def test_period_year_month() -> None:
    assert period_year_month("202401") == (2024, 1)
    with pytest.raises(ValueError, match="所属期"):
        period_year_month("2024-01")
