"""The web 受理登记 form checks each field with ``casefile.intake.check_field``: the htmx check on change
shows the very sentence the interactive ``casefile new`` prints, and a submit lists every problem at
once, each beside its field, with the form kept filled and nothing registered."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.html import escape

from casefile.errors import FieldInvalid
from casefile.intake import check_field
from testkit import NOW

GOOD = {"channel": "窗口来访", "received_at": "2026-11-22T09:30", "jurisdiction": "偏关县老营镇|140932",
        "applicant_kind": "person", "applicant_name": "赵某某二", "applicant_id": "140932198503120029",
        "applicant_mobile": "13900003333", "categories": ["C06_LATE_FEE"], "claim": "对滞纳金有异议。"}


def _cli_sentence(ws: Any, key: str, raw: str, answers: dict[str, Any] | None = None) -> str:
    with pytest.raises(FieldInvalid) as exc:
        check_field(key, raw, ws.settings, NOW.date(), answers or {})
    return exc.value.message


def _check(client: Any, field: str, **values: Any) -> str:
    r = client.post("/cases/new/check/", {**GOOD, **values, "field": field}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    return r.content.decode()


@pytest.mark.parametrize(("field", "value", "key", "answers", "extra"), [
    ("applicant_id", "140932198503120028", "applicant.id_number", {"applicant.kind": "person"}, {}),
    ("applicant_id", "91110108MA01ABCD1X", "applicant.credit_code", {"applicant.kind": "unit"},
     {"applicant_kind": "unit"}),
    ("applicant_mobile", "1390000", "applicant.phone_any", {}, {}),
    ("received_at", "2030-01-01T09:00", "received_at", {}, {}),
    ("channel_ref", "GD 2026#11", "channel_ref", {"channel": "12345热线"}, {"channel": "12345热线"}),
    ("periods", "2026-13", "periods", {}, {}),
    ("applicant_name", "", "applicant.name", {}, {}),
])
def test_each_field_on_change_says_what_the_terminal_says(ws: Any, as_user: Any, field: str, value: str, key: str,
                                                          answers: dict[str, Any], extra: dict[str, Any]) -> None:
    c = as_user("zhanglei")
    sentence = _cli_sentence(ws, key, value, {"applicant.kind": "person", **answers})
    body = _check(c, field, **{field: value, **extra})
    assert "field-err" in body and escape(sentence) in body, (sentence, body)


def test_a_hotline_case_needs_its_ticket_number_and_a_good_field_gets_a_tick(as_user: Any) -> None:
    c = as_user("zhanglei")
    assert "工单号：不能为空" in _check(c, "channel_ref", channel="12345热线", channel_ref="")
    assert "field-err" not in _check(c, "channel_ref", channel="窗口来访", channel_ref="")  # optional at the window
    assert "field-ok" in _check(c, "applicant_id")
    assert "field-ok" in _check(c, "applicant_mobile")
    assert "field-ok" in _check(c, "categories")
    assert "争议类别：不能为空" in _check(c, "categories", categories=[])
    assert "涉及金额第1行" in _check(c, "amounts", amounts="欠缴社会保险费 4680")
    assert "field-ok" in _check(c, "amounts", amounts="欠缴社会保险费: 4680.00")
    assert c.post("/cases/new/check/", {"field": "nonsense"}).status_code == 400


def test_submit_lists_every_field_problem_beside_its_field_and_keeps_the_form(ws: Any, as_user: Any) -> None:
    from casefile import catalog

    c = as_user("zhanglei")
    before = catalog.count_cases(ws, catalog.CaseFilter())
    bad = {**GOOD, "applicant_id": "140932198503120028", "applicant_mobile": "1390000", "claim": "诉求内容保留在表单中"}
    r = c.post("/cases/new/", bad)
    body = r.content.decode()
    assert r.status_code == 400
    assert "受理登记表有2处错误" in body
    id_sentence = escape(_cli_sentence(ws, "applicant.id_number", "140932198503120028"))
    phone_sentence = escape(_cli_sentence(ws, "applicant.phone_any", "1390000"))
    # beside the field (its check slot) and in the list at the top
    assert f'id="chk-applicant_id" aria-live="polite"><span class="field-err">{id_sentence}' in body
    assert f'id="chk-applicant_mobile" aria-live="polite"><span class="field-err">{phone_sentence}' in body
    assert "诉求内容保留在表单中" in body and 'value="140932198503120028"' in body
    assert catalog.count_cases(ws, catalog.CaseFilter()) == before
    # corrected, it registers
    once = c.get("/cases/new/").content.decode().split('name="once" value="')[1].split('"')[0]
    r = c.post("/cases/new/", {**GOOD, "once": once})
    assert r.status_code == 302 and r["Location"].startswith("/cases/")
    assert catalog.count_cases(ws, catalog.CaseFilter()) == before + 1


def test_a_place_outside_the_list_is_a_warning_not_an_error(as_user: Any) -> None:
    c = as_user("zhanglei")
    body = _check(c, "jurisdiction", jurisdiction="忻州市某县|")
    assert "field-warn" in body and "不在本单位的辖区列表中" in body


@pytest.mark.parametrize("login", ["chenjing", "lirs", "sunli", "admin"])
def test_only_an_officer_may_use_the_field_check(as_user: Any, login: str) -> None:
    c = as_user(login)
    assert c.post("/cases/new/check/", {**GOOD, "field": "applicant_id"}).status_code == 403
