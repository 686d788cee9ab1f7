"""The derived SQLite catalog in ``indexes/catalog.sqlite``: fast listing, filtering, deadlines, statistics.

It holds nothing that is not in the dossiers: deleting it loses nothing, ``rebuild`` recreates it.
Personal identifiers are stored only as salted-free SHA-256 digests (enough to match repeat
complainants, useless to read).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.errors import CasefileError, CorruptRecord, StorageError

if TYPE_CHECKING:  # the read path (list, due, reports) must not pay for pydantic models
    from casefile.config import Workspace
    from casefile.models.case import Case

SCHEMA_VERSION = "11"  # 6: involved departments; 7: free text and names stored masked; 8: reopened_from;
# 9: per-department rows carry what the web pages count and sort by (kind, state, received_at; dept_due),
# party indexes cover the case id; 10: case_depts by case (each refresh of a case deletes its rows)
# 11: a department's counts kept by triggers (dept_counts, dept_due_counts)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS cases (
  id TEXT PRIMARY KEY, number TEXT, year INTEGER, seq INTEGER, profile TEXT, state TEXT,
  case_class TEXT, risk TEXT, channel TEXT, channel_ref TEXT, jurisdiction TEXT, jurisdiction_code TEXT,
  intake_dept TEXT, coordinator_dept TEXT, lead_dept TEXT, co_depts TEXT, first_handler TEXT,
  payer_group TEXT, applicant_kind TEXT, applicant_name TEXT, applicant_key TEXT,
  counterparty_name TEXT, counterparty_key TEXT, represents_count INTEGER,
  received_at TEXT, received_date TEXT, registered_at TEXT, decided_at TEXT, closed_at TEXT, closed_date TEXT,
  archived_at TEXT, updated_at TEXT, amount_total TEXT, enforcement_step TEXT, collected TEXT,
  late_fee_total TEXT, enforcement_outcome TEXT, satisfaction TEXT, decision_outcome TEXT,
  flags TEXT, categories TEXT, insurance_types TEXT, next_due TEXT, dang_hao TEXT, retention TEXT,
  documents INTEGER, evidence INTEGER, text TEXT, version INTEGER, case_sha256 TEXT,
  close_reason TEXT, enforcement_started_at TEXT, enforcement_paid_on TEXT, enforcement_owed TEXT,
  reopened_from TEXT
);
CREATE INDEX IF NOT EXISTS cases_state ON cases(state);
CREATE INDEX IF NOT EXISTS cases_received ON cases(received_date);
CREATE INDEX IF NOT EXISTS cases_reopened_from ON cases(reopened_from);
CREATE INDEX IF NOT EXISTS cases_received_at ON cases(received_at);
CREATE INDEX IF NOT EXISTS cases_closed ON cases(closed_date);
CREATE INDEX IF NOT EXISTS cases_next_due ON cases(next_due);
-- with the id, so the risk rules' counts stay inside the index under one_row_per_case (which tests ids)
CREATE INDEX IF NOT EXISTS cases_applicant ON cases(applicant_key, received_date, id);
CREATE INDEX IF NOT EXISTS cases_counterparty ON cases(counterparty_key, received_date, applicant_key, id);
CREATE TABLE IF NOT EXISTS case_categories (case_id TEXT, category TEXT, PRIMARY KEY (case_id, category));
CREATE INDEX IF NOT EXISTS case_categories_cat ON case_categories(category);
CREATE TABLE IF NOT EXISTS deadlines (
  case_id TEXT, step TEXT, label TEXT, dept TEXT, start TEXT, base_due TEXT, due TEXT, done_at TEXT,
  extended_days INTEGER,
  live INTEGER,  -- 1 while the deadline is open and its case is open: what the 台账 lists
  received_at TEXT  -- the case's, so the 台账's order (due date, then oldest case) is one index
);
CREATE INDEX IF NOT EXISTS deadlines_case ON deadlines(case_id);
CREATE INDEX IF NOT EXISTS deadlines_open ON deadlines(done_at, due);
CREATE INDEX IF NOT EXISTS deadlines_due ON deadlines(due);
CREATE INDEX IF NOT EXISTS deadlines_live ON deadlines(live, due, received_at);
-- One row per involved department (access.involvement): what a department sees. Its kind (lead|partner),
-- the case's state and receipt time are copied in, so a department's counts and pages are index ranges.
CREATE TABLE IF NOT EXISTS case_depts (case_id TEXT, dept TEXT, active INTEGER, kind TEXT, state TEXT,
  received_at TEXT, PRIMARY KEY (dept, case_id));
CREATE INDEX IF NOT EXISTS case_depts_state ON case_depts(dept, state);
CREATE INDEX IF NOT EXISTS case_depts_received ON case_depts(dept, received_at);
CREATE INDEX IF NOT EXISTS case_depts_active ON case_depts(dept, active, kind);
CREATE INDEX IF NOT EXISTS case_depts_case ON case_depts(case_id);
-- The live deadlines (deadlines.live = 1) once per involved department (viewer): a department's 台账.
CREATE TABLE IF NOT EXISTS dept_due (viewer TEXT, case_id TEXT, step TEXT, label TEXT, dept TEXT, due TEXT,
  received_at TEXT);
CREATE INDEX IF NOT EXISTS dept_due_viewer ON dept_due(viewer, due, received_at);
CREATE INDEX IF NOT EXISTS dept_due_case ON dept_due(case_id);
-- A department's counts (工作台, 台账, the case list), kept by triggers as its rows above come and go, in
-- the same transaction: a count reads a few rows (one per state, or per due date) instead of one row per
-- case, which at 100,000 cases is the difference between milliseconds and tens of them.
CREATE TABLE IF NOT EXISTS dept_counts (dept TEXT, state TEXT, active INTEGER, n INTEGER);
CREATE INDEX IF NOT EXISTS dept_counts_dept ON dept_counts(dept, state, active);
CREATE TRIGGER IF NOT EXISTS case_depts_counted AFTER INSERT ON case_depts BEGIN
  UPDATE dept_counts SET n = n + 1 WHERE dept IS NEW.dept AND state IS NEW.state AND active IS NEW.active;
  INSERT INTO dept_counts SELECT NEW.dept, NEW.state, NEW.active, 1 WHERE NOT EXISTS
    (SELECT 1 FROM dept_counts WHERE dept IS NEW.dept AND state IS NEW.state AND active IS NEW.active);
END;
CREATE TRIGGER IF NOT EXISTS case_depts_uncounted AFTER DELETE ON case_depts BEGIN
  UPDATE dept_counts SET n = n - 1 WHERE dept IS OLD.dept AND state IS OLD.state AND active IS OLD.active;
END;
CREATE TABLE IF NOT EXISTS dept_due_counts (viewer TEXT, due TEXT, n INTEGER);
CREATE INDEX IF NOT EXISTS dept_due_counts_viewer ON dept_due_counts(viewer, due);
CREATE TRIGGER IF NOT EXISTS dept_due_counted AFTER INSERT ON dept_due BEGIN
  UPDATE dept_due_counts SET n = n + 1 WHERE viewer IS NEW.viewer AND due IS NEW.due;
  INSERT INTO dept_due_counts SELECT NEW.viewer, NEW.due, 1 WHERE NOT EXISTS
    (SELECT 1 FROM dept_due_counts WHERE viewer IS NEW.viewer AND due IS NEW.due);
END;
CREATE TRIGGER IF NOT EXISTS dept_due_uncounted AFTER DELETE ON dept_due BEGIN
  UPDATE dept_due_counts SET n = n - 1 WHERE viewer IS OLD.viewer AND due IS OLD.due;
END;
CREATE TABLE IF NOT EXISTS followups (case_id TEXT, at TEXT, satisfaction TEXT, objection INTEGER, remedy TEXT);
CREATE INDEX IF NOT EXISTS followups_case ON followups(case_id);
CREATE INDEX IF NOT EXISTS followups_at ON followups(at);
CREATE TABLE IF NOT EXISTS remedies (case_id TEXT, kind TEXT, filed_at TEXT, status TEXT, outcome TEXT, closed_at TEXT);
CREATE INDEX IF NOT EXISTS remedies_case ON remedies(case_id);
CREATE TABLE IF NOT EXISTS state_changes (case_id TEXT, at TEXT, from_state TEXT, to_state TEXT);
CREATE INDEX IF NOT EXISTS state_changes_case ON state_changes(case_id);
CREATE TABLE IF NOT EXISTS enforcement_events (case_id TEXT, step TEXT, at TEXT);
CREATE INDEX IF NOT EXISTS enforcement_events_case ON enforcement_events(case_id);
CREATE INDEX IF NOT EXISTS enforcement_events_at ON enforcement_events(at);
"""

CHILD_TABLES = ("case_categories", "deadlines", "followups", "remedies", "state_changes", "enforcement_events",
                "case_depts", "dept_due")
COUNT_TABLES = ("dept_counts", "dept_due_counts")  # kept by triggers on case_depts and dept_due


def catalog_path(ws: Workspace) -> Path:
    return ws.indexes_dir / "catalog.sqlite"


def person_key(value: str | None) -> str | None:
    return hashlib.sha256(value.encode()).hexdigest()[:24] if value else None


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA busy_timeout = 30000")
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    return con


def _read_only(path: Path) -> sqlite3.Connection:
    """The catalog on a read-only medium: opened immutable (no -shm or -wal file can be made there)."""
    from casefile.errors import StorageError

    if not path.exists():
        raise StorageError("工作区位于只读介质上，且没有案件目录（indexes/catalog.sqlite），无法列出案件；"
                           "请在可写的副本上运行 casefile catalog rebuild。")
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, isolation_level=None)
    con.row_factory = sqlite3.Row
    try:
        row = con.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None or row[0] != SCHEMA_VERSION:
        con.close()
        raise StorageError("工作区位于只读介质上，其案件目录已损坏或是旧版本，无法在此重建；"
                           "请在可写的副本上运行 casefile catalog rebuild。")
    return con


@contextlib.contextmanager
def connect(ws: Workspace) -> Iterator[sqlite3.Connection]:
    """Open the catalog, creating or rebuilding it when it is missing, outdated or corrupt.

    On a read-only medium (an archive volume) it is opened read-only as it is; writing through
    such a connection fails, as every write to that medium does."""
    path = catalog_path(ws)
    from casefile.fsio import on_read_only_medium

    if on_read_only_medium(path.parent if path.parent.exists() else ws.root):
        con = _read_only(path)
        try:
            yield con
        finally:
            con.close()
        return
    fresh = not path.exists()
    try:
        con = _connect(path)
        try:
            row = con.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            row = None
        if row is None or row[0] != SCHEMA_VERSION:
            if row is not None:
                # An older layout: its tables lack today's columns, so they are recreated, not refilled.
                for table in ("cases", *CHILD_TABLES, *COUNT_TABLES):
                    con.execute(f"DROP TABLE IF EXISTS {table}")
            con.executescript(SCHEMA)
            fresh = True
    except sqlite3.DatabaseError as exc:
        if _disk_problem(exc):  # a full or read-only disk is no reason to throw the catalog away
            raise StorageError(f"案件目录无法打开（{exc}）：磁盘已满或为只读，请清理空间后重试。") from None
        _discard(path)
        con = _connect(path)
        con.executescript(SCHEMA)
        fresh = True
    try:
        if fresh:
            _fill(ws, con)
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def one_row_per_case(con: sqlite3.Connection) -> Iterator[None]:
    """While open, ``cases`` on this connection lists each case once: an archived version that a reopened
    case continues is left out (the new version stands for it), so warnings never pair a case with its own
    earlier version. A temporary view shadows the table on this connection only and is dropped after.
    Without any reopened case there is nothing to leave out, and the table is used as it is (the view
    would make every count check each row's id)."""
    if con.execute("SELECT 1 FROM main.cases WHERE reopened_from IS NOT NULL LIMIT 1").fetchone() is None:
        yield
        return
    con.execute("CREATE TEMP VIEW IF NOT EXISTS cases AS SELECT * FROM main.cases WHERE id NOT IN "
                "(SELECT reopened_from FROM main.cases WHERE reopened_from IS NOT NULL)")
    try:
        yield
    finally:
        con.execute("DROP VIEW IF EXISTS temp.cases")


def _disk_problem(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return any(s in text for s in ("disk is full", "disk i/o error", "readonly database", "unable to open database"))


def _discard(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def dept_resolver(ws: Workspace) -> Callable[[str], str | None]:
    """Department name, alias or code → code, from the raw casefile.toml (no pydantic on this path)."""
    from casefile.tables import find_department

    departments = ws.raw.get("departments", [])

    def code_of(text: str) -> str | None:
        d = find_department(departments, text)
        return str(d["code"]) if d is not None else None

    return code_of


def _rows(case: Case, case_sha: str, to_code: Callable[[str], str | None] | None = None
          ) -> tuple[dict[str, Any], dict[str, list[tuple[Any, ...]]]]:
    last_follow = case.followups[-1] if case.followups else None
    open_due = [d.due for d in case.deadlines if d.done_at is None]
    from casefile.privacy import mask_text

    # The catalog is a derived store outside the dossiers: its text holds no whole ID, mobile or
    # account number (search by number goes through the index, which stays with the case data).
    text = mask_text(" ".join(x for x in [case.claim, case.applicant.name,
                                         case.counterparty.name if case.counterparty else "",
                                         case.decision.text if case.decision else "", case.number] if x))
    outcome = None
    if case.decision is not None:
        outcome = "调解成功" if case.decision.agreed else case.decision.source
    main = {
        "id": case.id, "number": case.number, "year": case.year, "seq": case.seq, "profile": case.profile,
        "state": case.state.value, "case_class": case.case_class.value if case.case_class else None,
        "risk": case.risk.value if case.risk else None, "channel": case.channel.value, "channel_ref": case.channel_ref,
        "jurisdiction": case.jurisdiction.name, "jurisdiction_code": case.jurisdiction.code,
        "intake_dept": case.intake_dept, "coordinator_dept": case.coordinator_dept, "lead_dept": case.lead_dept,
        "co_depts": json.dumps(case.co_depts, ensure_ascii=False), "first_handler": case.first_handler,
        "payer_group": case.payer_group.value, "applicant_kind": case.applicant.kind.value,
        "applicant_name": mask_text(case.applicant.name),
        "applicant_key": person_key(case.applicant.id_value or case.applicant.name),
        "counterparty_name": mask_text(case.counterparty.name) if case.counterparty else None,
        "counterparty_key": person_key(case.counterparty.id_value or case.counterparty.name) if case.counterparty else None,
        "represents_count": case.applicant.represents_count,
        "received_at": case.received_at.isoformat(), "received_date": case.received_at.date().isoformat(),
        "reopened_from": case.reopened_from,
        "registered_at": case.registered_at.isoformat() if case.registered_at else None,
        "decided_at": case.decision.decided_at.isoformat() if case.decision else None,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "closed_date": case.closed_at.date().isoformat() if case.closed_at else None,
        "archived_at": case.archive.archived_at.isoformat() if case.archive else None,
        "updated_at": case.updated_at.isoformat() if case.updated_at else None,
        "amount_total": str(case.total_amount),
        "enforcement_step": case.enforcement.step.value if case.enforcement else None,
        "collected": str(case.enforcement.collected) if case.enforcement else None,
        "late_fee_total": str(case.enforcement.late_fee_total) if case.enforcement and case.enforcement.late_fee_total is not None else None,
        "enforcement_outcome": case.enforcement.outcome if case.enforcement else None,
        "satisfaction": last_follow.satisfaction.value if last_follow else None,
        "decision_outcome": outcome,
        "flags": json.dumps([f.value for f in case.flags]),
        "categories": json.dumps([c.value for c in case.categories]),
        "insurance_types": json.dumps([i.value for i in case.insurance_types], ensure_ascii=False),
        "next_due": min(open_due).isoformat() if open_due and case.is_open else None,
        "dang_hao": case.archive.dang_hao if case.archive else None,
        "retention": case.archive.retention.value if case.archive else None,
        "documents": len(case.documents), "evidence": len(case.evidence), "text": text,
        "version": case.version, "case_sha256": case_sha,
        "close_reason": case.close_reason,
        "enforcement_started_at": case.enforcement.started_at.isoformat() if case.enforcement else None,
        "enforcement_paid_on": case.enforcement.paid_on.isoformat()
        if case.enforcement and case.enforcement.paid_on else None,
        "enforcement_owed": str(case.enforcement.total_owed) if case.enforcement else None,
    }
    from casefile.access import involvement  # writing rows only: reads do not load the access rules

    involved = list(involvement(case, to_code or (lambda t: t or None)).values())
    children: dict[str, list[tuple[Any, ...]]] = {
        "case_categories": [(case.id, c.value) for c in dict.fromkeys(case.categories)],
        "deadlines": [
            (case.id, d.step, d.label, d.dept, d.start.isoformat(), d.base_due.isoformat(), d.due.isoformat(),
             d.done_at.isoformat() if d.done_at else None, d.extended_days,
             int(d.done_at is None and case.is_open), case.received_at.isoformat())
            for d in case.deadlines
        ],
        "followups": [
            (case.id, f.at.isoformat(), f.satisfaction.value, int(f.objection), f.remedy.value if f.remedy else None)
            for f in case.followups
        ],
        "remedies": [
            (case.id, r.kind.value, r.filed_at.isoformat(), r.status, r.outcome,
             r.closed_at.isoformat() if r.closed_at else None)
            for r in case.remedies
        ],
        "state_changes": [],
        "enforcement_events": [
            (case.id, ev.step.value, ev.at.isoformat()) for ev in (case.enforcement.history if case.enforcement else [])
        ],
        "case_depts": [(case.id, i.dept, int(i.active), i.kind, case.state.value, case.received_at.isoformat())
                       for i in involved],
        "dept_due": [(i.dept, case.id, d.step, d.label, d.dept, d.due.isoformat(), case.received_at.isoformat())
                     for i in involved for d in case.deadlines if d.done_at is None and case.is_open],
    }
    return main, children


def _write(con: sqlite3.Connection, case: Case, case_sha: str, transitions: Sequence[tuple[str, str, str]] = (),
           to_code: Callable[[str], str | None] | None = None) -> None:
    main, children = _rows(case, case_sha, to_code)
    children["state_changes"] = [(case.id, at, a, b) for at, a, b in transitions]
    cols = ", ".join(main)
    marks = ", ".join("?" for _ in main)
    con.execute(f"INSERT OR REPLACE INTO cases ({cols}) VALUES ({marks})", list(main.values()))
    for table, rows in children.items():
        con.execute(f"DELETE FROM {table} WHERE case_id = ?", (case.id,))
        if rows:
            marks = ", ".join("?" for _ in rows[0])
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def transitions_of(journal_entries: Sequence[Any]) -> list[tuple[str, str, str]]:
    out = []
    for e in journal_entries:
        p = e.payload
        for ev in [p, *p.get("events", [])]:
            if "from" in ev and "to" in ev:
                out.append((e.time, str(ev["from"]), str(ev["to"])))
    return out


def upsert(ws: Workspace, case: Case) -> None:
    """Refresh one case's rows; called after every committed change."""
    from casefile.store import Dossier, case_bytes, sha256_bytes

    d = Dossier(ws, case.id)
    entries, _ = d.journal()
    with connect(ws) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            _write(con, case, sha256_bytes(case_bytes(case)), transitions_of(entries), dept_resolver(ws))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise



def remove(ws: Workspace, case_id: str) -> None:
    """Forget a case (after its approved destruction); the dossier is the record, so this only
    keeps listings, deadlines and statistics from showing a case that no longer exists."""
    with connect(ws) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            for table in CHILD_TABLES:
                con.execute(f"DELETE FROM {table} WHERE case_id = ?", (case_id,))
            con.execute("DELETE FROM cases WHERE id = ?", (case_id,))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


@dataclass
class RebuildReport:
    cases: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _fill(ws: Workspace, con: sqlite3.Connection, progress: Callable[[str], None] | None = None) -> RebuildReport:
    from casefile.store import iter_dossiers, sha256_file

    report = RebuildReport()
    to_code = dept_resolver(ws)
    con.execute("BEGIN IMMEDIATE")
    try:
        for table in ("cases", *CHILD_TABLES, *COUNT_TABLES):
            con.execute(f"DELETE FROM {table}")
        for d in iter_dossiers(ws):
            try:
                case = d.load()
                entries, _ = d.journal()
            except CasefileError as exc:
                report.skipped.append((d.case_id, exc.message))
                continue
            _write(con, case, sha256_file(d.case_path), transitions_of(entries), to_code)
            report.cases += 1
            if progress:
                progress(d.case_id)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return report


def rebuild(ws: Workspace, progress: Callable[[str], None] | None = None) -> RebuildReport:
    path = catalog_path(ws)
    _discard(path)
    con = _connect(path)
    try:
        con.executescript(SCHEMA)
        return _fill(ws, con, progress)
    finally:
        con.close()


# -- queries -----------------------------------------------------------------------------------
@dataclass
class CaseFilter:
    states: Sequence[str] = ()
    category: str | None = None
    risk: str | None = None
    dept: str | None = None
    year: int | None = None
    text: str | None = None
    overdue_on: date | None = None
    flag: str | None = None
    limit: int | None = None
    offset: int = 0
    visible_to: str | None = None  # a department code: only cases it is or was involved in
    received_month: str | None = None  # YYYY-MM


OVERDUE_SORT_AT = 5000  # overdue cases up to which `list --overdue` sorts them instead of walking by date


def _where(f: CaseFilter, *, visibility: bool = True) -> tuple[list[str], list[Any]]:
    """The filter's conditions on ``cases c``; ``visibility`` False leaves ``visible_to`` to a caller
    that reads the department's own rows (``case_depts v``)."""
    where: list[str] = []
    args: list[Any] = []
    if f.states:
        where.append(f"c.state IN ({', '.join('?' for _ in f.states)})")
        args.extend(f.states)
    if f.category:
        where.append("c.id IN (SELECT case_id FROM case_categories WHERE category = ?)")
        args.append(f.category)
    if f.risk:
        where.append("c.risk = ?")
        args.append(f.risk)
    if f.dept:
        where.append("(c.lead_dept = ? OR c.intake_dept = ? OR c.coordinator_dept = ? OR c.co_depts LIKE ?)")
        args.extend([f.dept, f.dept, f.dept, f'%"{f.dept}"%'])
    if f.year:
        where.append("c.year = ?")
        args.append(f.year)
    if f.text:
        where.append("c.text LIKE ?")
        args.append(f"%{f.text}%")
    if f.flag:
        where.append("c.flags LIKE ?")
        args.append(f'%"{f.flag}"%')
    if f.visible_to and visibility:
        where.append("c.id IN (SELECT case_id FROM case_depts WHERE dept = ?)")
        args.append(f.visible_to)
    if f.received_month:
        where.append("c.received_date >= ? AND c.received_date < ?")
        y, m = (int(x) for x in f.received_month.split("-"))
        args.extend([f"{y:04d}-{m:02d}-01", f"{y + m // 12:04d}-{m % 12 + 1:02d}-01"])
    if f.overdue_on:
        where.append("c.next_due IS NOT NULL AND c.next_due < ?")
        args.append(f.overdue_on.isoformat())
    return where, args


def list_cases(ws: Workspace, f: CaseFilter) -> list[sqlite3.Row]:
    """Cases matching ``f``, newest first, one page (``limit``/``offset``).

    With ``visible_to`` the department's own rows (``case_depts``, by receipt time) lead, so a page of
    a department involved in 100,000 cases reads a page of rows, not all of them."""
    with connect(ws) as con:
        few_overdue = False
        if f.overdue_on:
            # Which index answers fastest depends on how many cases are overdue, which SQLite cannot know:
            # few → take them by due date and sort; many → walk the newest first and stop at the limit.
            n = con.execute("SELECT COUNT(*) FROM cases WHERE next_due < ?", (f.overdue_on.isoformat(),)).fetchone()[0]
            few_overdue = n <= OVERDUE_SORT_AT
        if f.visible_to and not few_overdue:
            where, args = _where(f, visibility=False)
            sql = ("SELECT c.* FROM case_depts v INDEXED BY case_depts_received JOIN cases c ON c.id = v.case_id "
                   "WHERE " + " AND ".join(["v.dept = ?", *where]) + " ORDER BY v.received_at DESC")
            args = [f.visible_to, *args]
        else:
            where, args = _where(f)
            sql = "SELECT c.* FROM cases c"
            if f.overdue_on:
                sql += " INDEXED BY cases_next_due" if few_overdue else " INDEXED BY cases_received_at"
            if where:
                sql += " WHERE " + " AND ".join(where)
            sql += " ORDER BY c.received_at DESC"
        if f.limit:
            sql += f" LIMIT {int(f.limit)}"
            if f.offset:
                sql += f" OFFSET {int(f.offset)}"
        return con.execute(sql, args).fetchall()


def count_cases(ws: Workspace, f: CaseFilter) -> int:
    """How many cases :func:`list_cases` would list without its limit. A department's count by state
    alone is read from its own rows (one index range); other filters join the cases."""
    with connect(ws) as con:
        if f.visible_to:
            where, args = _where(replace(f, states=()), visibility=False)
            if not where:  # the department's cases, by state at most: its counts
                sql, args = "SELECT TOTAL(n) FROM dept_counts WHERE dept = ?", [f.visible_to]
                if f.states:
                    sql += f" AND state IN ({', '.join('?' for _ in f.states)})"
                    args.extend(f.states)
                return int(con.execute(sql, args).fetchone()[0])
            sql = "SELECT COUNT(*) FROM case_depts v"
            if where:
                sql += " JOIN cases c ON c.id = v.case_id"
            conds = ["v.dept = ?", *where]
            args = [f.visible_to, *args]
            if f.states:
                conds.append(f"v.state IN ({', '.join('?' for _ in f.states)})")
                args.extend(f.states)
            return int(con.execute(sql + " WHERE " + " AND ".join(conds), args).fetchone()[0])
        where, args = _where(f)
        sql = "SELECT COUNT(*) FROM cases c" + (" WHERE " + " AND ".join(where) if where else "")
        return int(con.execute(sql, args).fetchone()[0])


def dept_state_counts(con: sqlite3.Connection, dept: str) -> dict[str, int]:
    """State → number of cases the department is or was involved in (its 工作台)."""
    rows = con.execute("SELECT state, SUM(n) FROM dept_counts WHERE dept = ? GROUP BY state HAVING SUM(n) > 0",
                       (dept,)).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def dept_active_count(con: sqlite3.Connection, dept: str) -> int:
    """Open cases in which the department may still act."""
    return int(con.execute("SELECT TOTAL(n) FROM dept_counts WHERE dept = ? AND active = 1", (dept,)).fetchone()[0])


def partner_inbox(con: sqlite3.Connection, dept: str, limit: int = 50) -> list[sqlite3.Row]:
    """Open cases where the department owes something as a co-handler (not as the lead office):
    a written opinion, a meeting, an agreed item, a referral; soonest deadline first."""
    from casefile.access import PARTNER

    return con.execute(
        "SELECT c.id, c.number, c.state, c.applicant_name, c.lead_dept, c.next_due FROM case_depts d "
        "JOIN cases c ON c.id = d.case_id WHERE d.dept = ? AND d.active = 1 AND d.kind = ? "
        f"ORDER BY c.next_due LIMIT {int(limit)}", (dept, PARTNER)).fetchall()


# ``live`` is set when the rows are written (open deadline of an open case), so the 台账 reads one
# index range instead of joining every open deadline to its case; a department's 台账 reads its own
# copy of those rows (``dept_due``), so its counts and first page are ranges of one index too.
_OPEN_DEADLINES = "FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE d.live = 1"
_DEPT_DEADLINES = "FROM dept_due d JOIN cases c ON c.id = d.case_id WHERE d.viewer = ?"


def open_deadlines(con: sqlite3.Connection, until: date | None = None, *, since: date | None = None,
                   limit: int | None = None, dept: str | None = None) -> list[sqlite3.Row]:
    """Open deadlines of open cases, most urgent first (``since`` ≤ due ≤ ``until``); with ``dept``
    only those of cases that department is involved in."""
    cols = "d.case_id, d.step, d.label, d.dept, d.due, d.received_at"
    sql = f"SELECT {cols}, c.number, c.state, c.lead_dept, c.first_handler, c.applicant_name, c.risk, c.flags "
    args: list[Any] = []
    if dept is not None:
        sql += _DEPT_DEADLINES
        args.append(dept)
    else:
        sql += _OPEN_DEADLINES
    if until is not None:
        sql += " AND d.due <= ?"
        args.append(until.isoformat())
    if since is not None:
        sql += " AND d.due >= ?"
        args.append(since.isoformat())
    sql += " ORDER BY d.due, d.received_at"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return con.execute(sql, args).fetchall()


def count_open_deadlines(con: sqlite3.Connection, since: date | None, until: date | None,
                         dept: str | None = None) -> int:
    sql = "SELECT COUNT(*) FROM deadlines d WHERE d.live = 1"
    args: list[Any] = []
    if dept is not None:
        sql = "SELECT TOTAL(n) FROM dept_due_counts d WHERE d.viewer = ?"
        args.append(dept)
    if since is not None:
        sql += " AND d.due >= ?"
        args.append(since.isoformat())
    if until is not None:
        sql += " AND d.due <= ?"
        args.append(until.isoformat())
    return int(con.execute(sql, args).fetchone()[0])


def row_differences(con: sqlite3.Connection, case: Case, case_sha: str,
                    transitions: Sequence[tuple[str, str, str]]) -> list[str]:
    """The columns and tables where the catalog's rows of an up-to-date case (same case_sha256) differ
    from what the dossier says. A killed process leaves a row stale (older case_sha256), never different
    at the same case_sha256: a difference here is an edit of the catalog itself."""
    main, children = _rows(case, case_sha)
    children["state_changes"] = [(case.id, at, a, b) for at, a, b in transitions]
    row = con.execute("SELECT * FROM cases WHERE id = ?", (case.id,)).fetchone()
    if row is None or row["case_sha256"] != case_sha:
        return []  # missing or stale: check_agreement reports and repairs those
    diffs = [k for k, v in main.items() if row[k] != v]
    for table, rows in children.items():
        stored = con.execute(f"SELECT * FROM {table} WHERE case_id = ?", (case.id,)).fetchall()
        if sorted(repr(tuple(r)) for r in stored) != sorted(repr(tuple(r)) for r in rows):
            diffs.append(table)
    return diffs


def open_for_check(ws: Workspace) -> sqlite3.Connection | None:
    """A connection for comparing rows (fsck), or None when there is no usable catalog."""
    path = catalog_path(ws)
    if not path.exists():
        return None
    from casefile.fsio import on_read_only_medium

    try:
        con = _read_only(path) if on_read_only_medium(path.parent) else _connect(path)
        row = con.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    except (sqlite3.DatabaseError, CasefileError):
        return None
    if row is None or row[0] != SCHEMA_VERSION:
        con.close()
        return None
    return con


def check_agreement(ws: Workspace) -> list[str]:
    """Findings where the catalog disagrees with the dossiers (for fsck)."""
    from casefile.store import iter_dossiers, sha256_file

    findings: list[str] = []
    on_disk: dict[str, str] = {}
    for d in iter_dossiers(ws):
        if d.case_path.exists():
            on_disk[d.case_id] = sha256_file(d.case_path)
    path = catalog_path(ws)
    if not path.exists():
        return ["案件目录（catalog.sqlite）不存在，将在下次使用时自动重建"]
    from casefile.fsio import on_read_only_medium

    try:
        con = _read_only(path) if on_read_only_medium(path.parent) else _connect(path)
        rows = {r["id"]: r["case_sha256"] for r in con.execute("SELECT id, case_sha256 FROM cases")}
        con.close()
    except sqlite3.DatabaseError as exc:
        if _disk_problem(exc):
            raise StorageError(f"案件目录无法打开（{exc}）：磁盘已满或为只读，未能核对。") from None
        raise CorruptRecord(f"案件目录已损坏（{exc}），请运行 casefile catalog rebuild。") from None
    for cid, sha in on_disk.items():
        if cid not in rows:
            findings.append(f"{cid}：案件目录中缺少此案件")
        elif rows[cid] != sha:
            findings.append(f"{cid}：案件目录中的记录已过期")
    for cid in rows.keys() - on_disk.keys():
        findings.append(f"{cid}：案件目录中有记录，但案卷不存在")
    return findings
