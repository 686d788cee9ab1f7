"""The deadline register (``casefile due``) and ``list --overdue`` read the catalog's derived columns:
these tests pin them to what the dossiers say, on the October data set."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from casefile import catalog
from casefile.models.enums import OPEN_STATES
from casefile.reports.due import due_register
from casefile.store import iter_dossiers
from reports.dataset import TODAY


def test_register_lists_exactly_the_open_deadlines_of_open_cases(october: tuple[Any, dict[str, str]]) -> None:
    ws, _ = october
    today = TODAY.date()
    report = due_register(ws, today, days=14, limit=None)
    listed = sorted((it.case_id, it.step, it.due) for g in report.groups.values() for it in g.items)
    expected = []
    for d in iter_dossiers(ws):
        case = d.load()
        if case.state in OPEN_STATES:
            expected += [(case.id, dl.step, dl.due) for dl in case.deadlines
                         if dl.done_at is None and dl.due <= date.fromordinal(today.toordinal() + 14)]
    assert listed == sorted(expected) and listed
    for key, group in report.groups.items():
        assert group.count == len(group.items)
        assert [(it.due, it.case_id) for it in group.items] == sorted((it.due, it.case_id) for it in group.items)
        assert all((it.days_left < 0) == (key == "overdue") for it in group.items)
        assert all(it.days_left == (it.due - today).days for it in group.items)


def test_counts_do_not_depend_on_the_listing_limit(october: tuple[Any, dict[str, str]]) -> None:
    ws, _ = october
    full = due_register(ws, TODAY.date(), days=30, limit=None)
    short = due_register(ws, TODAY.date(), days=30, limit=1)
    assert {k: g.count for k, g in short.groups.items()} == {k: g.count for k, g in full.groups.items()}
    assert all(len(g.items) <= 1 for g in short.groups.values())
    assert short.as_json()["as_of"] == TODAY.date().isoformat()


def test_closing_a_case_takes_its_deadlines_off_the_register(october: tuple[Any, dict[str, str]]) -> None:
    ws, ids = october
    with catalog.connect(ws) as con:
        live = {r[0] for r in con.execute("SELECT DISTINCT case_id FROM deadlines WHERE live = 1")}
        states = dict(con.execute("SELECT id, state FROM cases").fetchall())
    assert live and all(states[cid] in {s.value for s in OPEN_STATES} for cid in live)
    assert ids["A"] not in live and ids["G"] not in live  # closed in October / 2025


@pytest.mark.parametrize("sort_at", [0, 10**9])
def test_list_overdue_gives_the_same_rows_whichever_index_answers(october: tuple[Any, dict[str, str]], sort_at: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ws, _ = october
    monkeypatch.setattr(catalog, "OVERDUE_SORT_AT", sort_at)
    rows = catalog.list_cases(ws, catalog.CaseFilter(overdue_on=TODAY.date()))
    with catalog.connect(ws) as con:
        con.row_factory = sqlite3.Row
        plain = con.execute("SELECT id FROM cases WHERE next_due < ? ORDER BY received_at DESC",
                            (TODAY.date().isoformat(),)).fetchall()
    assert [r["id"] for r in rows] == [r["id"] for r in plain] and rows


def test_due_and_list_do_not_load_pydantic(october: tuple[Any, dict[str, str]]) -> None:
    """The read path stays light: no pydantic models, no search engine (the 100k benchmark's budget)."""
    import os
    import subprocess
    import sys

    ws, _ = october
    code = ("import sys\nfrom casefile.cli.main import main\n"
            "for argv in (['casefile', 'due'], ['casefile', 'list', '--overdue']):\n"
            "    sys.argv = argv\n    try:\n        main()\n    except SystemExit as exc:\n"
            "        assert not exc.code, exc.code\n"
            "print(sorted(m for m in ('pydantic', 'casefile.store', 'whoosh', 'tantivy') if m in sys.modules),"
            " file=sys.stderr)")
    env = {**os.environ, "CASEFILE_HOME": str(ws.root), "CASEFILE_NOW": TODAY.isoformat(), "CASEFILE_USER": "测试"}
    # the first command after casefile.toml changed validates it with pydantic (once) and records that
    subprocess.run([sys.executable, "-m", "casefile.cli.main", "list"], capture_output=True, timeout=120, env=env)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().splitlines()[-1] == "[]", out.stderr


def test_department_rows_agree_with_the_plain_joins(october: tuple[Any, dict[str, str]]) -> None:
    """A department's counts, 台账, inbox and case pages read its own catalog rows (case_depts with the
    case's state and receipt time, dept_due): they must say what the joins over the cases say."""
    ws, _ = october
    today = TODAY.date()
    with catalog.connect(ws) as con:
        depts = [r[0] for r in con.execute("SELECT DISTINCT dept FROM case_depts ORDER BY dept")]
        assert {"SW", "RSJ"} <= set(depts)
        for dept in depts:
            joined = dict(con.execute("SELECT c.state, COUNT(*) FROM cases c JOIN case_depts d ON d.case_id = c.id "
                                      "WHERE d.dept = ? GROUP BY c.state", (dept,)).fetchall())
            assert catalog.dept_state_counts(con, dept) == joined
            lead = con.execute("SELECT id FROM cases WHERE ? IN (lead_dept, intake_dept, coordinator_dept)",
                               (dept,)).fetchall()
            inbox = [r["id"] for r in catalog.partner_inbox(con, dept)]
            assert not {r[0] for r in lead} & set(inbox)
            assert set(inbox) == {r[0] for r in con.execute(
                "SELECT case_id FROM case_depts WHERE dept = ? AND active = 1 AND kind = 'partner'", (dept,))}
            for since, until in ((None, today), (today, date.fromordinal(today.toordinal() + 30))):
                plain = con.execute(
                    "SELECT d.case_id, d.step, d.due FROM deadlines d WHERE d.live = 1 AND d.due <= ? "
                    "AND (? IS NULL OR d.due >= ?) AND d.case_id IN (SELECT case_id FROM case_depts WHERE dept = ?) "
                    "ORDER BY d.due, d.received_at",
                    (until.isoformat(), since and since.isoformat(), since and since.isoformat(), dept)).fetchall()
                rows = catalog.open_deadlines(con, until, since=since, dept=dept)
                assert [tuple(r)[:3] for r in plain] == [(r["case_id"], r["step"], r["due"]) for r in rows]
                assert catalog.count_open_deadlines(con, since, until, dept) == len(plain)
    rsj = [r[0] for r in catalog.list_cases(ws, catalog.CaseFilter(visible_to="RSJ"))]
    assert rsj and catalog.count_cases(ws, catalog.CaseFilter(visible_to="RSJ")) == len(rsj)
    for f in (catalog.CaseFilter(visible_to="SW"), catalog.CaseFilter(visible_to="SW", states=["CLOSED"]),
              catalog.CaseFilter(visible_to="SW", risk="中"), catalog.CaseFilter(visible_to="RSJ", states=["JOINT"])):
        listed = [r["id"] for r in catalog.list_cases(ws, f)]
        everyone = [r["id"] for r in catalog.list_cases(ws, replace(f, visible_to=None))]
        with catalog.connect(ws) as con:
            mine = {r[0] for r in con.execute("SELECT case_id FROM case_depts WHERE dept = ?", (f.visible_to,))}
        assert listed == [i for i in everyone if i in mine]
        assert catalog.count_cases(ws, f) == len(listed)
        paged = catalog.list_cases(ws, replace(f, limit=2, offset=1))
        assert [r["id"] for r in paged] == listed[1:3]


def test_department_counts_follow_every_write(ws: Any) -> None:
    """The per-department counts the triggers keep (dept_counts, dept_due_counts) say what counting the
    rows says after each kind of write: cases walked through states (each step refreshes the case's
    rows), a case forgotten (catalog.remove), a catalog rebuilt, an older catalog layout upgraded."""
    from casefile.models.enums import State
    from factories import to_state

    def assert_counts_true() -> None:
        with catalog.connect(ws) as con:
            depts = [r[0] for r in con.execute("SELECT DISTINCT dept FROM case_depts UNION SELECT dept FROM dept_counts")]
            for dept in depts:
                plain = dict(con.execute("SELECT state, COUNT(*) FROM case_depts WHERE dept = ? GROUP BY state",
                                         (dept,)).fetchall())
                assert catalog.dept_state_counts(con, dept) == plain
                assert catalog.dept_active_count(con, dept) == con.execute(
                    "SELECT COUNT(*) FROM case_depts WHERE dept = ? AND active = 1", (dept,)).fetchone()[0]
                for since, until in ((None, None), (None, date(2026, 11, 25)), (date(2026, 11, 25), date(2027, 1, 1))):
                    assert catalog.count_open_deadlines(con, since, until, dept) == con.execute(
                        "SELECT COUNT(*) FROM dept_due WHERE viewer = ? AND (? IS NULL OR due >= ?) AND (? IS NULL OR due <= ?)",
                        (dept, since and since.isoformat(), since and since.isoformat(), until and until.isoformat(),
                         until and until.isoformat())).fetchone()[0]
        for dept in depts:
            for states in ((), ("JOINT",), ("CLOSED", "TRIAGE")):
                f = catalog.CaseFilter(visible_to=dept, states=states)
                assert catalog.count_cases(ws, f) == len(catalog.list_cases(ws, f))

    ids = [to_state(ws, s) for s in (State.TRIAGE, State.DIRECT, State.JOINT, State.JOINT, State.CLOSED)]
    with catalog.connect(ws) as con:
        assert con.execute("SELECT COUNT(*) FROM dept_counts WHERE n > 0").fetchone()[0] >= 3
        assert con.execute("SELECT TOTAL(n) FROM dept_due_counts").fetchone()[0] > 0
    assert_counts_true()
    catalog.remove(ws, ids[2])
    assert_counts_true()
    catalog.rebuild(ws)
    assert_counts_true()
    with catalog.connect(ws) as con:  # an older layout is recreated, counts and all
        con.execute("UPDATE meta SET value = '10' WHERE key = 'schema'")
    assert_counts_true()
