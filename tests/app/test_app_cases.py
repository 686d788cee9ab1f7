"""The application layer's case list and case page: one OVERDUE rule, filters checked in one pass."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from casefile import workflow as wf
from casefile.app.cases import CaseQuery, case_page, list_cases
from casefile.errors import CasefileError, InvalidFilters
from casefile.machine import derive_flags
from factories import form

T0 = datetime.fromisoformat("2026-10-12T09:00:00+08:00")
ACTOR = "王晓梅"


def _new(ws: Any) -> str:
    return wf.register(ws, form("intake-unit", received_at=T0.isoformat()), T0, ACTOR).case_id


def test_overdue_rule_ignores_closed_cases() -> None:
    today = T0.date()
    past = today - timedelta(days=1)
    assert derive_flags([], "TRIAGE", [past], today) == ["OVERDUE"]
    assert derive_flags([], "CLOSED", [past], today) == []
    assert derive_flags(["MASS"], "JOINT", [today.isoformat()], today, due_soon_days=2) == ["MASS", "DUE_SOON"]


def test_list_and_page_agree_on_overdue(ws: Any) -> None:
    cid = _new(ws)
    later = T0 + timedelta(days=30)
    items = list_cases(ws, CaseQuery(overdue=True), later.date()).items
    assert [i["id"] for i in items] == [cid]
    assert "OVERDUE" in items[0]["flags"]
    page = case_page(ws, cid, later)
    assert "OVERDUE" in page["flags"]
    assert page["timeline"] and page["timeline"][0]["type"] == "created"
    # closed or not, list and page derive flags by the same rule on the same day
    assert list_cases(ws, CaseQuery(), later.date()).items[0]["flags"] == [
        f for f in page["flags"] if f != "DUE_SOON"]


def test_one_bad_filter_is_a_usage_error_naming_the_option(ws: Any) -> None:
    with pytest.raises(InvalidFilters, match=r"^--dept：未知的部门“不存在”.*。$"):
        list_cases(ws, CaseQuery(dept="不存在"), T0.date())


def test_every_bad_filter_reported_at_once(ws: Any) -> None:
    with pytest.raises(InvalidFilters) as exc:
        list_cases(ws, CaseQuery(states=("NOPE",), category="C99", dept="不存在", flag="X"), T0.date())
    assert [f.field for f in exc.value.findings] == ["--state", "--category", "--flag", "--dept"]
    assert isinstance(exc.value, CasefileError)


def test_department_by_name_or_code(ws: Any) -> None:
    cid = _new(ws)
    by_code = list_cases(ws, CaseQuery(dept="SW"), T0.date()).items
    by_name = list_cases(ws, CaseQuery(dept=ws.dept_name("SW")), T0.date()).items
    assert [i["id"] for i in by_code] == [i["id"] for i in by_name] == [cid]
