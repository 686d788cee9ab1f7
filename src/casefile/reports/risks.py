"""Risk early warning (风险态势感知 and 频繁/重复诉求, docs/domain.md §1 flags).

Every rule is a query over the derived catalog evaluated "as of" a day, so the same rules serve
``casefile due`` / ``show`` / ``risks`` (as of today) and the monthly report (as of the month end).
Only cases open on that day are warned about; closed cases still count as history (a complainant's
earlier cases make the new one a repeat).

Messages never carry names or identifiers: they name the case number and the figures, and are
passed through :func:`casefile.privacy.mask_text` as a second line of defence.

Thresholds come from ``[risk]`` in casefile.toml, read from the raw, already validated TOML
(:class:`casefile.tables.Thresholds`, whose defaults :class:`casefile.settings.RiskCfg` uses too) so
that ``casefile due`` does not pay for pydantic.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from casefile.models.enums import FLAG_LABELS, STATE_LABELS, Flag, State
from casefile.privacy import mask_text
from casefile.rules.dates import date_cn, minus_months
from casefile.rules.money import money_report
from casefile.tables import DEFAULT_STUCK_DAYS as DEFAULT_STUCK_DAYS
from casefile.tables import Thresholds as Thresholds

if TYPE_CHECKING:
    from casefile.config import Workspace
    from casefile.models.case import Case

__all__ = ["RULES", "RiskWarning", "Severity", "Thresholds", "case_risks", "current_risks", "risks_as_of"]

# Steps that are the payer's time limits or statutory waiting periods, not the office's duty.
NOT_OFFICE_STEPS = ("e1_pay", "e2_pay", "e3_pay", "e5_wait")
PARTY_DEPT = "当事人"
OFFICE_DEADLINE_SQL = (
    f"d.step NOT IN ({', '.join(repr(s) for s in NOT_OFFICE_STEPS)}) AND COALESCE(d.dept, '') != '{PARTY_DEPT}'"
)


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return {"high": "高", "medium": "中", "low": "低"}[self.value]

    @property
    def rank(self) -> int:
        return {"high": 0, "medium": 1, "low": 2}[self.value]


# rule code -> (label, what it means); the codes are the case flags of docs/domain.md §1.
RULES: dict[str, tuple[str, str]] = {
    Flag.OVERDUE.value: (FLAG_LABELS[Flag.OVERDUE], "办理环节已超过期限"),
    Flag.MASS.value: (FLAG_LABELS[Flag.MASS], "代表多名职工，或多名反映人反映同一单位"),
    Flag.PUBLIC_OPINION.value: (FLAG_LABELS[Flag.PUBLIC_OPINION], "经舆情监测渠道受理或已标记舆情风险"),
    Flag.STABILITY.value: (FLAG_LABELS[Flag.STABILITY], "已标记涉访涉稳"),
    Flag.REPEAT.value: (FLAG_LABELS[Flag.REPEAT], "同一反映人（个人或单位）在一定期间内多次反映"),
    Flag.LARGE_AMOUNT.value: (FLAG_LABELS[Flag.LARGE_AMOUNT], "争议或欠缴金额达到大额预警线"),
    Flag.STUCK.value: (FLAG_LABELS[Flag.STUCK], "在同一办理状态停留超过规定天数"),
    Flag.DUE_SOON.value: (FLAG_LABELS[Flag.DUE_SOON], "办理环节即将到期"),
}
RULE_ORDER = {code: i for i, code in enumerate(RULES)}

OVERDUE, DUE_SOON, REPEAT, MASS = Flag.OVERDUE.value, Flag.DUE_SOON.value, Flag.REPEAT.value, Flag.MASS.value
LARGE_AMOUNT, PUBLIC_OPINION, STABILITY, STUCK = (Flag.LARGE_AMOUNT.value, Flag.PUBLIC_OPINION.value,
                                                   Flag.STABILITY.value, Flag.STUCK.value)

@dataclass(frozen=True)
class RiskWarning:
    """One warning about one case. ``as_dict`` keys are stable (CLI ``--json``, web page)."""

    rule: str
    label: str
    case_id: str
    number: str
    message: str
    severity: Severity

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "label": self.label, "case_id": self.case_id, "number": self.number,
                "message": self.message, "severity": self.severity.value, "severity_label": self.severity.label}


# -- evaluation ------------------------------------------------------------------------------------
# Cases open at the end of ``:as_of``. The unary ``+`` keeps SQLite off the received_date index (for a
# recent day that range is nearly the whole table) so it reads the few open cases through cases_closed.
OPEN_AT_SQL = ("(c.closed_date IS NULL OR c.closed_date > :as_of) AND +c.received_date <= :as_of "
               "AND c.state != 'REDIRECTED'")


def tune(con: sqlite3.Connection) -> None:
    """A report reads much of the catalog several times: a larger page cache and memory-mapped reads."""
    con.execute("PRAGMA cache_size = -65536")
    con.execute("PRAGMA mmap_size = 268435456")


@dataclass
class _Case:
    id: str
    number: str
    received_date: str
    state: str
    flags: list[str]
    channel: str
    amount: Decimal
    owed: Decimal
    represents: int
    applicant_key: str | None
    counterparty_key: str | None
    since: str | None = None


def _decimal(text: Any) -> Decimal:
    try:
        return Decimal(str(text)) if text not in (None, "") else Decimal("0")
    except InvalidOperation:
        return Decimal("0")


def _open_cases(con: sqlite3.Connection, as_of: date, case_ids: Iterable[str] | None) -> dict[str, _Case]:
    sql = (
        "SELECT c.id, c.number, c.received_date, c.state, c.flags, c.channel, c.amount_total, c.enforcement_owed, "
        "c.represents_count, c.applicant_key, c.counterparty_key, "
        "(SELECT s.to_state || '|' || s.at FROM state_changes s WHERE s.case_id = c.id AND s.from_state != s.to_state "
        " AND substr(s.at, 1, 10) <= :as_of ORDER BY s.at DESC, s.rowid DESC LIMIT 1) AS last_change "
        f"FROM cases c WHERE {OPEN_AT_SQL}"
    )
    args: dict[str, Any] = {"as_of": as_of.isoformat()}
    ids = list(case_ids) if case_ids is not None else None
    if ids is not None:
        if not ids:
            return {}
        sql += " AND c.id IN (SELECT value FROM json_each(:ids))"
        args["ids"] = json.dumps(ids)
    out: dict[str, _Case] = {}
    for r in con.execute(sql, args):
        state, since = r["state"], r["received_date"]
        if r["last_change"]:
            state, _, at = r["last_change"].partition("|")
            since = at[:10]
        out[r["id"]] = _Case(
            id=r["id"], number=r["number"] or r["id"], received_date=r["received_date"], state=state,
            flags=json.loads(r["flags"] or "[]"), channel=r["channel"] or "", amount=_decimal(r["amount_total"]),
            owed=_decimal(r["enforcement_owed"]), represents=int(r["represents_count"] or 0),
            applicant_key=r["applicant_key"], counterparty_key=r["counterparty_key"], since=since,
        )
    return out


Warn = Callable[["_Case", str, str, Severity], None]
Namer = Callable[[str], str]


class _Others:
    """“The other cases of this party” for every open case, without copying the party's whole set per
    case: with one employer in thousands of cases that copying made the rules quadratic."""

    def __init__(self, known: Mapping[str, tuple[str, str]], groups: Mapping[str, set[str]]) -> None:
        self.known, self.groups = known, groups
        self._sorted: dict[str, list[str]] = {}

    def text(self, key: str, exclude: str, limit: int = 5) -> str:
        order = self._sorted.get(key)
        if order is None:
            order = self._sorted[key] = sorted(self.groups.get(key, ()), key=lambda i: self.known[i])
        total = len(order) - (1 if exclude in self.groups.get(key, ()) else 0)
        names = [self.known[i][1] for i in order[:limit + 1] if i != exclude][:limit]
        more = f"等{total}件" if total > limit else ""
        return "、".join(names) + more


def risks_as_of(con: sqlite3.Connection, th: Thresholds, as_of: date, *, case_ids: Iterable[str] | None = None,
                dept_name: Namer | None = None) -> list[RiskWarning]:
    """Evaluate every rule for the cases open on ``as_of`` (or only ``case_ids`` among them)."""
    from casefile.catalog import one_row_per_case

    with one_row_per_case(con):  # a reopened case and its archived version are one case: no warning about itself
        return _risks_as_of(con, th, as_of, case_ids, dept_name)


def _risks_as_of(con: sqlite3.Connection, th: Thresholds, as_of: date, case_ids: Iterable[str] | None,
                 dept_name: Namer | None) -> list[RiskWarning]:
    cases = _open_cases(con, as_of, case_ids)
    if not cases:
        return []
    name: Namer = dept_name or (lambda code: code)
    found: list[RiskWarning] = []

    def warn(c: _Case, rule: str, message: str, severity: Severity) -> None:
        found.append(RiskWarning(rule=rule, label=RULES[rule][0], case_id=c.id, number=c.number,
                                 message=mask_text(message), severity=severity))

    _deadline_rules(con, th, as_of, cases, warn, name)
    _repeat_and_mass(con, th, as_of, cases, warn)
    for c in cases.values():
        big = max(c.amount, c.owed)
        if big >= th.large_amount or LARGE_AMOUNT in c.flags:
            what = "欠缴金额" if c.owed > c.amount else "争议金额"
            if big >= th.large_amount:
                text = (f"{what}{money_report(big)}，达到大额预警线{money_report(th.large_amount)}，"
                        "请加强法律审核与稳妥处置")
            else:
                text = "已标记为大额争议，请加强法律审核与稳妥处置"
            warn(c, LARGE_AMOUNT, text, Severity.MEDIUM)
        if c.channel == "舆情监测" or PUBLIC_OPINION in c.flags:
            how = "经舆情监测渠道受理" if c.channel == "舆情监测" else "已标记舆情风险"
            warn(c, PUBLIC_OPINION, f"{how}，请会同网信办做好舆情监测与应对", Severity.HIGH)
        if STABILITY in c.flags:
            warn(c, STABILITY, "已标记涉访涉稳，请会同信访、公安部门做好疏导稳控", Severity.HIGH)
        limit = th.stuck_days.get(c.state)
        if limit and c.since:
            days = (as_of - date.fromisoformat(c.since)).days
            if days > limit:
                label = STATE_LABELS[State(c.state)] if c.state in State.__members__ else c.state
                warn(c, STUCK,
                     f"自{date_cn(date.fromisoformat(c.since))}起处于“{label}”状态已{days}天，超过{limit}天，请督办推进",
                     Severity.MEDIUM)
    received = {c.id: c.received_date for c in cases.values()}
    rank = {sev: sev.rank for sev in Severity}
    found.sort(key=lambda w: (rank[w.severity], RULE_ORDER[w.rule], received[w.case_id], w.case_id))
    return found


def _deadline_rules(con: sqlite3.Connection, th: Thresholds, as_of: date, cases: dict[str, _Case], warn: Warn,
                    name: Namer) -> None:
    horizon = as_of + timedelta(days=th.due_soon_days)
    args = {"as_of": as_of.isoformat(), "horizon": horizon.isoformat()}
    only = ""
    if len(cases) <= 500:  # a few cases (show, due): look up just theirs instead of every open case's
        only = " AND c.id IN (SELECT value FROM json_each(:ids))"
        args["ids"] = json.dumps(list(cases))
    rows = con.execute(
        "SELECT d.case_id, d.step, d.label, d.dept, d.due FROM cases c JOIN deadlines d ON d.case_id = c.id "
        f"WHERE {OPEN_AT_SQL} AND {OFFICE_DEADLINE_SQL} AND (d.done_at IS NULL OR d.done_at > :as_of) "
        f"AND +d.due <= :horizon{only} ORDER BY d.due, d.rowid",  # '+': start from the open cases, not the due index
        args,
    ).fetchall()
    late: dict[str, list[sqlite3.Row]] = defaultdict(list)
    soon: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for r in rows:
        if r["case_id"] not in cases:
            continue
        (late if r["due"] < as_of.isoformat() else soon)[r["case_id"]].append(r)

    def who(r: sqlite3.Row) -> str:
        return f"（责任部门：{name(r['dept'])}）" if r["dept"] else ""

    for cid, items in late.items():
        first = items[0]
        days = (as_of - date.fromisoformat(first["due"])).days
        more = f"等{len(items)}项期限" if len(items) > 1 else ""
        warn(cases[cid], OVERDUE,
             f"“{first['label']}”{more}已于{date_cn(date.fromisoformat(first['due']))}到期，已超期{days}天{who(first)}",
             Severity.HIGH)
    for cid, items in soon.items():
        first = items[0]
        days = (date.fromisoformat(first["due"]) - as_of).days
        when = "今天到期" if days == 0 else f"将于{date_cn(date.fromisoformat(first['due']))}到期（剩{days}天）"
        more = f"等{len(items)}项期限" if len(items) > 1 else ""
        warn(cases[cid], DUE_SOON, f"“{first['label']}”{more}{when}{who(first)}",
             Severity.MEDIUM if days == 0 else Severity.LOW)


class _PartyStats:
    """How many cases in the window involve a party, how many distinct complainants an employer has,
    and the numbers of the other cases, for the messages. Built in bulk for many open cases; for a few
    (``show``, ``due``) each party is asked through the key indexes, so the cost does not grow with
    the number of cases a busy employer has."""

    BULK_AT = 500  # open cases above which all parties are loaded at once

    def __init__(self, con: sqlite3.Connection, window: dict[str, str], cases: Mapping[str, _Case]) -> None:
        self.con, self.window = con, window
        self.bulk = len(cases) > self.BULK_AT
        self.involved: dict[str, set[str]] = defaultdict(set)  # party key -> cases where it is either party
        self.against: dict[str, set[str]] = defaultdict(set)  # unit key -> cases complaining about it
        self.people: dict[str, set[str]] = defaultdict(set)  # unit key -> distinct complainants
        self.known: dict[str, tuple[str, str]] = {}  # case id -> (received_at, number)
        self._small: dict[tuple[str, str], tuple[int, int, list[tuple[str, str, str]]]] = {}
        if self.bulk:
            self._load_all(cases)
        self.by_party, self.by_unit = _Others(self.known, self.involved), _Others(self.known, self.against)

    def _load_all(self, cases: Mapping[str, _Case]) -> None:
        since = self.window["since"]
        in_window = [c for c in cases.values() if c.received_date >= since]
        keys = sorted({c.applicant_key for c in in_window if c.applicant_key})
        targets = sorted({c.counterparty_key for c in in_window if c.counterparty_key})
        if keys:
            # Only the parties of open cases are looked up (through the key indexes), not the whole window.
            for r in self.con.execute(
                "SELECT id, number, received_at, applicant_key AS a, counterparty_key AS b FROM cases WHERE applicant_key "
                "IN (SELECT value FROM json_each(:keys)) AND received_date BETWEEN :since AND :as_of UNION "
                "SELECT id, number, received_at, applicant_key, counterparty_key FROM cases WHERE counterparty_key IN "
                "(SELECT value FROM json_each(:keys)) AND received_date BETWEEN :since AND :as_of",
                {**self.window, "keys": json.dumps(keys)},
            ):
                self.known[r["id"]] = (r["received_at"], r["number"] or r["id"])
                for k in {r["a"], r["b"]}:
                    if k is not None:
                        self.involved[k].add(r["id"])
        if targets:
            for r in self.con.execute(
                "SELECT id, number, received_at, applicant_key AS a, counterparty_key AS b FROM cases WHERE "
                "counterparty_key IN (SELECT value FROM json_each(:keys)) AND received_date BETWEEN :since AND :as_of",
                {**self.window, "keys": json.dumps(targets)},
            ):
                self.known[r["id"]] = (r["received_at"], r["number"] or r["id"])
                self.against[r["b"]].add(r["id"])
                if r["a"]:
                    self.people[r["b"]].add(r["a"])

    # Every count below is a range of one covering index (``cases_applicant``: applicant_key,
    # received_date; ``cases_counterparty``: counterparty_key, received_date, applicant_key), so asking
    # about an employer in 30,000 cases costs milliseconds; the first cases come in index order
    # (received_date, then received_at within the day) and stop at the LIMIT.
    _WINDOW = "received_date BETWEEN :since AND :as_of"
    _FIRST = "SELECT id, number, received_at FROM cases WHERE {col} = :k AND " + _WINDOW + \
        " ORDER BY received_date, received_at, number LIMIT 7"

    def _first(self, cols: Sequence[str], args: dict[str, str]) -> list[tuple[str, str, str]]:
        rows: dict[str, tuple[str, str, str]] = {}
        for col in cols:
            for r in self.con.execute(self._FIRST.format(col=col), args):
                rows[r["id"]] = (r["received_at"], r["number"] or r["id"], r["id"])
        return sorted(rows.values())[:7]

    def _ask(self, kind: str, key: str) -> tuple[int, int, list[tuple[str, str, str]]]:
        """(cases, distinct complainants, first cases as (received_at, number, id)) for one party."""
        hit = self._small.get((kind, key))
        if hit is None:
            args = {**self.window, "k": key}
            count = "SELECT COUNT(*) FROM cases WHERE {col} = :k AND " + self._WINDOW
            if kind == "party":
                as_applicant = self.con.execute(count.format(col="applicant_key"), args).fetchone()[0]
                as_counterparty = self.con.execute(count.format(col="counterparty_key"), args).fetchone()[0]
                both = 0
                if as_applicant and as_counterparty:  # one party on both sides of a case: counted once
                    both = self.con.execute("SELECT COUNT(*) FROM cases WHERE applicant_key = :k AND counterparty_key"
                                            " = :k AND " + self._WINDOW, args).fetchone()[0]
                n, people = as_applicant + as_counterparty - both, 0
                first = self._first(("applicant_key", "counterparty_key"), args)
            else:
                n, people = self.con.execute("SELECT COUNT(*), COUNT(DISTINCT applicant_key) FROM cases WHERE "
                                             "counterparty_key = :k AND " + self._WINDOW, args).fetchone()
                first = self._first(("counterparty_key",), args)
            hit = self._small[(kind, key)] = (int(n), int(people or 0), first)
        return hit

    @staticmethod
    def _text(total: int, first: list[tuple[str, str, str]], exclude: str, limit: int = 5) -> str:
        others = total - (1 if any(i == exclude for _, _, i in first) else 0)
        names = [num for _, num, i in first if i != exclude][:limit]
        return "、".join(names) + (f"等{others}件" if others > limit else "")

    def party_cases(self, key: str) -> int:
        return len(self.involved.get(key, ())) if self.bulk else self._ask("party", key)[0]

    def party_others(self, key: str, exclude: str) -> str:
        return self._others("party", self.by_party, key, exclude)

    def complainants(self, unit: str) -> int:
        return len(self.people.get(unit, ())) if self.bulk else self._ask("unit", unit)[1]

    def unit_others(self, unit: str, exclude: str) -> str:
        return self._others("unit", self.by_unit, unit, exclude)

    def _others(self, kind: str, loaded: _Others, key: str, exclude: str) -> str:
        if self.bulk:
            return loaded.text(key, exclude)
        n, _, first = self._ask(kind, key)
        return self._text(n, first, exclude)


def _repeat_and_mass(con: sqlite3.Connection, th: Thresholds, as_of: date, cases: dict[str, _Case],
                     warn: Warn) -> None:

    since = minus_months(as_of, th.repeat_months).isoformat()
    stats = _PartyStats(con, {"since": since, "as_of": as_of.isoformat()}, cases)
    months = th.repeat_months
    for c in cases.values():
        who = c.applicant_key or ""
        count = stats.party_cases(who) if who and c.received_date >= since else 0
        if count >= th.repeat_min_cases:
            text = (f"同一反映人近{months}个月内涉及{count}件案件（另有{stats.party_others(who, c.id)}），"
                    "请核对前案处理情况，统一处理口径")
            warn(c, REPEAT, text, Severity.MEDIUM)
        elif REPEAT in c.flags:
            warn(c, REPEAT, "已标记为重复诉求，请核对前案处理情况，统一处理口径", Severity.MEDIUM)
        reasons: list[str] = []
        if c.represents >= th.mass_min_workers:
            reasons.append(f"反映人代表{c.represents}名职工")
        unit = c.counterparty_key or ""
        people = stats.complainants(unit) if unit and c.received_date >= since else 0
        if people >= th.mass_min_complainants:
            reasons.append(f"近{months}个月内有{people}名反映人反映同一单位（另有{stats.unit_others(unit, c.id)}）")
        if not reasons and MASS in c.flags:
            reasons.append("已标记为群体性争议")
        if reasons:
            warn(c, MASS, "；".join(reasons) + "，请报告联席会议并会同信访、公安部门防范群体性事件",
                 Severity.HIGH)


# -- public entry points -----------------------------------------------------------------------------
def current_risks(ws: Workspace, today: date) -> list[RiskWarning]:
    """Warnings for every case open today, most severe first."""
    from casefile import catalog

    with catalog.connect(ws) as con:
        tune(con)
        return risks_as_of(con, Thresholds.of(ws), today, dept_name=ws.dept_name)


def case_risks_many(ws: Workspace, case_ids: Iterable[str], today: date,
                    con: sqlite3.Connection | None = None) -> list[RiskWarning]:
    """Warnings for the given cases only (those still open), most severe first; ``con`` is an open
    catalog connection to reuse."""
    from casefile import catalog

    if con is not None:
        return risks_as_of(con, Thresholds.of(ws), today, case_ids=list(case_ids), dept_name=ws.dept_name)
    with catalog.connect(ws) as own:
        tune(own)
        return risks_as_of(own, Thresholds.of(ws), today, case_ids=list(case_ids), dept_name=ws.dept_name)


def case_risks(ws: Workspace, case: Case | str, today: date) -> list[RiskWarning]:
    """Warnings for one case (none when it is closed)."""
    from casefile import catalog

    case_id = case if isinstance(case, str) else case.id
    with catalog.connect(ws) as con:
        return risks_as_of(con, Thresholds.of(ws), today, case_ids=[case_id], dept_name=ws.dept_name)
