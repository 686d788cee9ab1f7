"""Each risk rule fires on the case it describes and stays silent on the cases next to the line.

The unit under test is the SQL over the catalog, so these tests write catalog rows directly.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from casefile import catalog
from casefile.config import find_workspace
from casefile.reports import RiskWarning, Thresholds, case_risks, current_risks

TODAY = date(2026, 11, 22)


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


class Rows:
    """Catalog rows for hand-made cases. Defaults describe a quiet case: open, recent, nothing special."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.n = 0
        with catalog.connect(ws):
            pass  # creates the catalog (empty: there are no dossiers)

    def case(self, *, received: int = -2, state: str = "DIRECT", since: int | None = None, closed: int | None = None,
             channel: str = "窗口来访", flags: tuple[str, ...] = (), amount: str = "0.00", owed: str | None = None,
             represents: int | None = None, applicant: str | None = None, counterparty: str | None = None,
             deadlines: tuple[tuple[str, int, int | None, str | None], ...] = ()) -> str:
        self.n += 1
        cid = f"SBZY-140932-2026-{self.n:04d}"
        row = {
            "id": cid, "number": f"偏税社争〔2026〕{self.n}号", "year": 2026, "seq": self.n, "state": state,
            "channel": channel, "jurisdiction": "偏关县新关镇", "intake_dept": "SW", "coordinator_dept": "SW",
            "lead_dept": "SW", "co_depts": "[]", "first_handler": "王晓梅", "payer_group": "个人",
            "applicant_name": f"反映人{self.n}", "applicant_key": applicant or f"key-{self.n}",
            "counterparty_key": counterparty, "represents_count": represents,
            "received_at": f"{day(received)}T09:00:00+08:00", "received_date": day(received),
            "closed_at": f"{day(closed)}T09:00:00+08:00" if closed is not None else None,
            "closed_date": day(closed) if closed is not None else None,
            "amount_total": amount, "enforcement_owed": owed, "flags": json.dumps(list(flags)), "categories": "[]",
            "insurance_types": "[]",
        }
        changes = [(cid, f"{day(received if since is None else since)}T10:00:00+08:00", "TRIAGE", state)]
        with catalog.connect(self.ws) as con:
            con.execute(f"INSERT INTO cases ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                        list(row.values()))
            con.executemany("INSERT INTO state_changes VALUES (?, ?, ?, ?)", changes)
            for step, due, done, dept in deadlines:
                live = int(done is None and state not in ("CLOSED", "ARCHIVED", "REDIRECTED"))
                con.execute("INSERT INTO deadlines VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                            (cid, step, f"{step}期限", dept, day(received), day(due), day(due),
                             day(done) if done is not None else None, live, row["received_at"]))
        return cid


def fired(warnings: list[RiskWarning], rule: str) -> set[str]:
    return {w.case_id for w in warnings if w.rule == rule}


@pytest.fixture
def rows(ws: Any) -> Rows:
    return Rows(ws)


def test_overdue_and_due_soon(rows: Rows) -> None:
    late = rows.case(deadlines=(("direct", -3, None, "SW"),))
    met_late = rows.case(deadlines=(("direct", -3, -1, "SW"),))  # done (late): history, not a warning
    payer = rows.case(deadlines=(("e2_pay", -5, None, "当事人"), ("e5_wait", -5, None, None)))
    closed = rows.case(closed=-1, state="CLOSED", deadlines=(("archive", -3, None, None),))
    today = rows.case(deadlines=(("notify", 0, None, None),))
    soon = rows.case(deadlines=(("opinion", 2, None, "RSJ"),))
    later = rows.case(deadlines=(("opinion", 3, None, "RSJ"),))
    got = current_risks(rows.ws, TODAY)
    assert fired(got, "OVERDUE") == {late}
    assert fired(got, "DUE_SOON") == {today, soon}
    by = {(w.rule, w.case_id): w for w in got}
    assert by["OVERDUE", late].severity.value == "high" and "已超期3天" in by["OVERDUE", late].message
    assert by["DUE_SOON", today].severity.value == "medium" and "今天到期" in by["DUE_SOON", today].message
    assert by["DUE_SOON", soon].severity.value == "low" and "县人社局" in by["DUE_SOON", soon].message
    assert not {met_late, payer, closed, later} & {w.case_id for w in got}


def test_repeat_complainant_counts_either_side_within_the_window(rows: Rows) -> None:
    old = rows.case(applicant="P", received=-400, closed=-380, state="CLOSED")
    rows.case(applicant="P", received=-100, closed=-80, state="CLOSED")
    again = rows.case(applicant="P")  # 2 cases of P within 12 months (first, again) → repeat
    alone = rows.case(applicant="Q")  # Q once within 12 months …
    rows.case(applicant="Q", received=-500, closed=-450, state="CLOSED")  # … and once long ago
    unit_then = rows.case(applicant="U", counterparty="X")  # U complains …
    rows.case(applicant="W", counterparty="U", closed=-1, state="CLOSED")  # … and was complained about
    got = current_risks(rows.ws, TODAY)
    assert fired(got, "REPEAT") == {again, unit_then}
    msg = next(w.message for w in got if w.rule == "REPEAT" and w.case_id == again)
    assert "近12个月内涉及2件案件" in msg and "偏税社争〔2026〕2号" in msg
    assert old not in fired(got, "REPEAT") and alone not in fired(got, "REPEAT")


def test_repeat_thresholds_are_configurable(ws: Any) -> None:
    rows = Rows(ws)
    rows.case(applicant="P", received=-30, closed=-20, state="CLOSED")
    again = rows.case(applicant="P")
    assert fired(current_risks(ws, TODAY), "REPEAT") == {again}
    text = ws.config_path.read_text(encoding="utf-8").replace("repeat_min_cases = 2", "repeat_min_cases = 3")
    ws.config_path.write_text(text, encoding="utf-8")
    fresh = find_workspace(ws.root)
    assert Thresholds.of(fresh).repeat_min_cases == 3
    assert fired(current_risks(fresh, TODAY), "REPEAT") == set()


def test_mass_dispute(rows: Rows) -> None:
    many = rows.case(represents=10)
    few = rows.case(represents=9)
    flagged = rows.case(flags=("MASS",))
    against = [rows.case(applicant=f"W{i}", counterparty="EMP") for i in range(3)]
    two = [rows.case(applicant=f"V{i}", counterparty="EMP2") for i in range(2)]
    same = [rows.case(applicant="S", counterparty="EMP3") for _ in range(3)]  # one person, three times
    got = current_risks(rows.ws, TODAY)
    assert fired(got, "MASS") == {many, flagged, *against}
    assert not {few, *two, *same} & fired(got, "MASS")
    assert fired(got, "REPEAT") >= set(same)  # the same person three times is a repeat, not a mass dispute
    msg = next(w.message for w in got if w.rule == "MASS" and w.case_id == against[0])
    assert "3名反映人反映同一单位" in msg


def test_large_amount(rows: Rows) -> None:
    at = rows.case(amount="100000.00")
    below = rows.case(amount="99999.99")
    owed = rows.case(amount="0.00", owed="150000.00")
    got = current_risks(rows.ws, TODAY)
    assert fired(got, "LARGE_AMOUNT") == {at, owed}
    assert below not in fired(got, "LARGE_AMOUNT")
    assert "欠缴金额15万元" in next(w.message for w in got if w.case_id == owed)


def test_public_opinion_and_stability(rows: Rows) -> None:
    channel = rows.case(channel="舆情监测")
    flag = rows.case(flags=("PUBLIC_OPINION",))
    stable = rows.case(flags=("STABILITY",))
    plain = rows.case(channel="12345热线")
    got = current_risks(rows.ws, TODAY)
    assert fired(got, "PUBLIC_OPINION") == {channel, flag}
    assert fired(got, "STABILITY") == {stable}
    assert plain not in {w.case_id for w in got}


def test_stuck_in_state(ws: Any) -> None:
    rows = Rows(ws)
    stuck = rows.case(received=-40, state="JOINT", since=-26)  # JOINT limit 25 days
    fine = rows.case(received=-40, state="JOINT", since=-25)
    triage = rows.case(received=-5, state="TRIAGE", since=-4)  # TRIAGE limit 3 days
    got = current_risks(ws, TODAY)
    assert fired(got, "STUCK") == {stuck, triage}
    assert fine not in fired(got, "STUCK")
    assert "“联办/联合会商”状态已26天，超过25天" in next(w.message for w in got if w.case_id == stuck)
    text = ws.config_path.read_text(encoding="utf-8").replace("\nJOINT = 25\n", "\nJOINT = 30\n")
    ws.config_path.write_text(text, encoding="utf-8")
    fresh = find_workspace(ws.root)
    assert fresh.settings.risk.stuck_days["JOINT"] == 30 and fresh.settings.risk.stuck_days["TRIAGE"] == 3
    assert fired(current_risks(fresh, TODAY), "STUCK") == {triage}


def test_unknown_state_in_stuck_days_is_a_config_error(ws: Any) -> None:
    from casefile.errors import ConfigError

    text = ws.config_path.read_text(encoding="utf-8").replace("\nJOINT = 25\n", "\nJOINT = 25\nJOINTED = 30\n")
    ws.config_path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="JOINTED"):
        find_workspace(ws.root)


def test_messages_are_masked(rows: Rows) -> None:
    cid = rows.case(deadlines=(("direct", -1, None, None),))
    with catalog.connect(rows.ws) as con:
        con.execute("UPDATE deadlines SET label = '回电13834561234核实' WHERE case_id = ?", (cid,))
    (w,) = current_risks(rows.ws, TODAY)
    assert "138****1234" in w.message and "13834561234" not in w.message


def test_case_risks_one_case_and_closed_cases(rows: Rows) -> None:
    a = rows.case(channel="舆情监测")
    b = rows.case(channel="舆情监测", closed=-1, state="CLOSED")
    rows.case(represents=50)
    assert [(w.rule, w.case_id) for w in case_risks(rows.ws, a, TODAY)] == [("PUBLIC_OPINION", a)]
    assert case_risks(rows.ws, b, TODAY) == []
    d = case_risks(rows.ws, a, TODAY)[0].as_dict()
    assert set(d) == {"rule", "label", "case_id", "number", "message", "severity", "severity_label"}
    assert d["label"] == "舆情" and d["severity_label"] == "高"


def test_risks_as_of_a_past_day_use_the_state_then(rows: Rows) -> None:
    """A case closed yesterday was open (and overdue) a week ago."""
    cid = rows.case(received=-30, closed=-1, state="CLOSED", deadlines=(("direct", -20, -1, "SW"),))
    assert current_risks(rows.ws, TODAY) == []
    week_ago = TODAY - timedelta(days=7)
    assert fired(current_risks(rows.ws, week_ago), "OVERDUE") == {cid}


@pytest.mark.parametrize("raw", [
    {},
    {"repeat_min_cases": 4, "repeat_months": 6, "mass_min_complainants": 5, "mass_min_workers": 30,
     "large_amount": "50000.00", "due_soon_days": 3, "stuck_days": {"JOINT": 40}},
])
def test_thresholds_read_without_pydantic_agree_with_settings(raw: dict[str, Any]) -> None:
    from casefile.settings import RiskCfg

    cfg = RiskCfg.model_validate(raw)
    th = Thresholds.from_raw(raw)
    for name in RiskCfg.model_fields:
        assert getattr(th, name) == getattr(cfg, name), name
    assert isinstance(th.large_amount, Decimal)


@pytest.mark.parametrize("bulk_at", [0, 10_000])
def test_bulk_and_per_party_lookups_agree(rows: Rows, monkeypatch: pytest.MonkeyPatch, bulk_at: int) -> None:
    """Many open cases load every party at once; a few ask per party. Both must say the same."""
    from casefile.reports.risks import _PartyStats

    for i in range(7):  # one busy employer: seven complainants, one of them three times
        rows.case(applicant="S" if i < 3 else f"W{i}", counterparty="EMP")
    rows.case(applicant="P", received=-30, closed=-20, state="CLOSED")
    rows.case(applicant="P")
    rows.case(applicant="Q", counterparty="P")
    expected = [w.as_dict() for w in current_risks(rows.ws, TODAY)]
    monkeypatch.setattr(_PartyStats, "BULK_AT", bulk_at)
    assert [w.as_dict() for w in current_risks(rows.ws, TODAY)] == expected
    assert {w["rule"] for w in expected} >= {"REPEAT", "MASS"}
    long_msg = next(w["message"] for w in expected if w["rule"] == "MASS")
    assert "等" in long_msg  # more than five other cases: the list is cut and counted
