"""Case model validation: check digits, dates, every bad field at once, in Chinese."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from casefile.errors import ValidationFailed
from casefile.models.enums import Category, Channel, PartyKind
from casefile.models.party import Party
from casefile.workflow import parse_form
from factories import form

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "vectors.json").read_text(encoding="utf-8"))
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize("vec", VECTORS["uscc"], ids=lambda v: v["code"] or "empty")
def test_unit_credit_code_vectors(vec: dict[str, object]) -> None:
    if vec["valid"]:
        p = Party(kind=PartyKind.UNIT, name="某公司", credit_code=str(vec["code"]))
        assert p.credit_code == vec["code"]
    else:
        with pytest.raises(ValueError):
            Party(kind=PartyKind.UNIT, name="某公司", credit_code=str(vec["code"]) or "X")


@pytest.mark.parametrize("vec", VECTORS["id_card"], ids=lambda v: v["number"])
def test_person_id_vectors(vec: dict[str, object]) -> None:
    if vec["valid"]:
        p = Party(kind=PartyKind.PERSON, name="张三", id_number=str(vec["number"]))
        assert p.id_number == str(vec["number"]).upper()
    else:
        with pytest.raises(ValueError):
            Party(kind=PartyKind.PERSON, name="张三", id_number=str(vec["number"]))


def test_both_example_forms_parse(ws) -> None:  # type: ignore[no-untyped-def]
    unit = parse_form(form("intake-unit"), ws.settings, TODAY)
    assert unit.channel is Channel.HOTLINE_12345
    assert unit.categories == [Category.C03, Category.C09]
    assert unit.applicant.represents_count == 17
    assert str(unit.amounts["claimed_arrears"]) == "86400.00"
    minimal = parse_form(form("intake-minimal"), ws.settings, TODAY)
    assert minimal.categories == [Category.C06]


def test_every_bad_field_is_reported_at_once_in_chinese(ws) -> None:  # type: ignore[no-untyped-def]
    bad = form("intake-unit")
    bad["applicant"]["id_number"] = "140932198512310044"  # wrong check character
    bad["applicant"]["mobile"] = "12345"
    bad["counterparty"]["credit_code"] = "91150525MA0Q12345X"
    bad["categories"] = ["C99"]
    bad["intake_dept"] = "外星局"
    bad["jurisdiction"] = {"name": "偏关县新关真", "code": "140932"}  # a typo of a listed place
    bad["received_at"] = "2026-02-30T09:00:00+08:00"
    del bad["claim"]
    with pytest.raises(ValidationFailed) as exc:
        parse_form(bad, ws.settings, TODAY)
    msg = exc.value.message
    fields = [f.field for f in exc.value.findings]
    assert len(exc.value.findings) >= 8, fields
    for needle in ("身份证号", "校验位", "手机号码", "统一社会信用代码", "争议类别", "C99", "受理部门", "外星局",
                   "是不是“偏关县新关镇”", "来访时间", "反映主要事项", "必填"):
        assert needle in msg, needle


def test_birth_date_in_future_and_impossible_dates(ws) -> None:  # type: ignore[no-untyped-def]
    bad = form("intake-unit")
    bad["applicant"]["id_number"] = "150525199002301233"  # 30 February
    with pytest.raises(ValidationFailed, match="出生日期不是有效日期"):
        parse_form(bad, ws.settings, TODAY)


def test_period_in_future_rejected(ws) -> None:  # type: ignore[no-untyped-def]
    bad = form("intake-unit", periods=["202401-202712"])
    with pytest.raises(ValidationFailed, match="所属期"):
        parse_form(bad, ws.settings, TODAY)


def test_form_that_is_not_a_mapping(ws) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed, match="键值对"):
        parse_form(["not", "a", "form"], ws.settings, TODAY)


def test_unknown_field_named(ws) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed, match="colour"):
        parse_form(form("intake-minimal", colour="red"), ws.settings, TODAY)


def test_mobile_normalised_and_lowercase_x_accepted() -> None:
    p = Party(kind=PartyKind.PERSON, name="李四", mobile="+86 138-3456-1234", id_number="11010519491231002x")
    assert p.mobile == "13834561234"
    assert p.id_number == "11010519491231002X"
