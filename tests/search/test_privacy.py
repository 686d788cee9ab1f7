"""Masking of identifiers for internal display (docs/domain.md §9)."""

from __future__ import annotations

import pytest

from casefile.privacy import mask_bank, mask_id_number, mask_mobile, mask_text, mask_uscc


def test_specific_maskers() -> None:
    assert mask_id_number("150525198001011234") == "150525********1234"
    assert mask_id_number("15052519800101123X") == "150525********123X"
    assert mask_uscc("91150525MA0Q12345U") == "9115************5U"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("+86 138-1234-5678") == "138****5678"
    assert mask_bank("6222021234567890123") == "***************0123"
    assert mask_bank("123") == "****"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号150525198001011234，", "身份证号150525********1234，"),
        ("信用代码91150525MA0Q12345U。", "信用代码9115************5U。"),
        ("电话13812345678或138-1234-5678", "电话138****5678或138****5678"),
        ("账号6222 0212 3456 7890", "账号" + "*" * 12 + "7890"),
        ("账号6222021234567890123", "账号***************0123"),
        ("全角１３８１２３４５６７８", "全角１３８****５６７８"),
        ("金额86400.00元，2026年11月3日，固话0350-7521234", "金额86400.00元，2026年11月3日，固话0350-7521234"),
        ("案件 SBZY-140932-2026-000123 已受理", "案件 SBZY-140932-2026-000123 已受理"),
        ("所属期：202401-202610", "所属期：202401-202610"),
        ("所属期：202401202610", "所属期：********2610"),  # not a range: could be an account
        ("账号6222-0212-3456-7890", "账号" + "*" * 12 + "7890"),
        ("SBZY-6222021234567890123", "SBZY-***************0123"),  # unbroken: masked whatever precedes it
        ("", ""),
    ],
)
def test_mask_text(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_masking_is_idempotent() -> None:
    once = mask_text("李建国 140932198512310043 13834561234 91150525MA0Q12345U")
    assert mask_text(once) == once
