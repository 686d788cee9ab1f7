"""Case lists and the case page: what ``casefile list`` / ``show`` and the web's case pages show."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from casefile.errors import UnknownDepartment
from casefile.identity import ActorLike

if TYPE_CHECKING:
    from casefile.config import Workspace

RISKS = ("低", "中", "高")


@dataclass(frozen=True)
class CaseQuery:
    """The filters of a case list as a user gives them (codes, names or labels); see :func:`list_cases`."""

    states: Sequence[str] = ()
    category: str | None = None
    risk: str | None = None
    dept: str | None = None
    overdue: bool = False
    year: int | None = None
    text: str | None = None
    flag: str | None = None
    limit: int | None = None


@dataclass
class CaseListing:
    """One page of a case list. ``more`` says that the limit cut the list short."""

    items: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False
    warnings: list[str] = field(default_factory=list)  # listed cases whose dossier fails its own journal

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cases": self.items, "count": len(self.items)}
        if self.warnings:
            out["warnings"] = self.warnings
        return out


def catalog_filter(ws: Workspace, q: CaseQuery, today: date) -> Any:
    """Check every filter and turn it into the catalog's codes; every problem is reported at once."""
    from casefile import catalog
    from casefile.errors import Finding, InvalidFilters
    from casefile.models.enums import Category, Flag, State

    problems: list[Finding] = []
    states: list[str] = []
    for s in q.states:
        try:
            states.append(State.parse(s).value)
        except ValueError as exc:
            problems.append(Finding("--state", str(exc)))
    cat = None
    if q.category:
        try:
            cat = Category.parse(q.category).value
        except ValueError as exc:
            problems.append(Finding("--category", str(exc)))
    if q.risk and q.risk not in RISKS:
        problems.append(Finding("--risk", f"“{q.risk}”不是风险等级，应为：{'、'.join(RISKS)}"))
    flag = None
    if q.flag:
        try:
            flag = Flag.parse(q.flag).value
        except ValueError as exc:
            problems.append(Finding("--flag", str(exc)))
    dept_code = None
    if q.dept:
        try:  # the settings' lookup (codes, names, aliases, full-width input, near misses)
            dept_code = ws.settings.dept(q.dept).code
        except UnknownDepartment as exc:
            problems.append(Finding("--dept", str(exc)))
    if problems:
        raise InvalidFilters(problems)
    return catalog.CaseFilter(states=tuple(states), category=cat, risk=q.risk, dept=dept_code, year=q.year,
                              text=q.text, flag=flag, limit=q.limit, overdue_on=today if q.overdue else None)


def list_cases(ws: Workspace, q: CaseQuery, today: date, *, screenful: int | None = 100) -> CaseListing:
    """Cases matching ``q``, newest first, from the catalog (no dossier is opened).

    Without ``q.limit`` at most ``screenful`` are returned (``None``: all) and ``more`` tells that
    there are others. Flags include OVERDUE by the same rule as the case page."""
    from casefile import catalog
    from casefile.machine import derive_flags
    from casefile.privacy import display_name

    shown = q.limit or screenful
    f = catalog_filter(ws, q, today)
    f.limit = shown + 1 if shown else None
    rows = catalog.list_cases(ws, f)
    more = shown is not None and len(rows) > shown
    rows = rows[:shown] if shown is not None else rows
    items = []
    for r in rows:
        # next_due is the earliest open deadline (the catalog keeps it only for open cases)
        flags = derive_flags(json.loads(r["flags"]), r["state"], [r["next_due"]] if r["next_due"] else [], today)
        items.append({"id": r["id"], "number": r["number"], "state": r["state"],
                      "categories": json.loads(r["categories"]), "risk": r["risk"],
                      "applicant": display_name(r["applicant_name"] or ""), "received_at": r["received_at"],
                      "next_due": r["next_due"], "flags": flags, "lead_dept": r["lead_dept"]})
    warnings = [w for r in rows[:CHECKED_ROWS] if (w := _row_integrity(ws, r["id"], r["case_sha256"]))]
    return CaseListing(items, more, warnings)


CHECKED_ROWS = 200  # a listing checks this many of its rows against their dossiers (two small reads each)


def _row_integrity(ws: Workspace, case_id: str, catalog_sha: str | None) -> str | None:
    """Why a listed case cannot be trusted, if it cannot: its case.json differs from what its journal's
    last line records, the journal is empty or gone, or the catalog row is not that record. Reads two
    files and no model, so ``list`` stays quick and free of pydantic."""
    import hashlib

    from casefile.layout import CASE_FILE, JOURNAL_FILE, case_folder

    folder = case_folder(ws.archive_dir, case_id)
    try:
        actual = hashlib.sha256((folder / CASE_FILE).read_bytes()).hexdigest()
    except OSError:
        return f"{case_id}：案卷或其 case.json 不存在（案件目录中仍有记录），请运行 casefile fsck"
    try:
        tail = (folder / JOURNAL_FILE).read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]
        journaled = str(json.loads(tail).get("case_sha256", "")) if tail else ""
    except (OSError, ValueError, AttributeError):
        journaled = ""
    if not journaled:
        return f"{case_id}：办理日志缺失或为空，记录无从核对，请运行 casefile fsck"
    if actual != journaled:
        return f"{case_id}：case.json 与办理日志不符（记录在 casefile 之外被改动），列表中的信息不可信，请运行 casefile fsck"
    if catalog_sha and catalog_sha != actual:
        return f"{case_id}：案件目录中的记录与案卷不一致，请运行 casefile fsck"
    return None


def case_page(ws: Workspace, case_id: str, now: datetime, actor: ActorLike = "", *, reveal: bool = False,
              purpose: str = "办案需要") -> dict[str, Any]:
    """Everything the case page shows: the record (masked unless ``reveal``), timeline, journal
    problems and the case's risk warnings. Revealing is recorded (who, when, why) before reading."""
    from casefile import views
    from casefile.reports.risks import Thresholds, case_risks
    from casefile.store import Dossier

    d = Dossier(ws, case_id)
    if reveal:  # recorded (who, when, why) before anything is shown
        d.record_read(actor, now, "revealed", purpose=purpose)
    with d.reading():
        record = _parse(d.case_id, d.read_raw())
        entries, _ = d.journal()
        problems = d.integrity_problems()  # shown as warnings: a read never hides tampering
    today = now.date()
    view = views.case_view(record, today, reveal=reveal, dept_name=ws.dept_name,
                           due_soon_days=Thresholds.of(ws).due_soon_days)
    view["timeline"] = views.timeline(entries)
    view["journal_problems"] = problems
    view["risks"] = [r.as_dict() for r in case_risks(ws, case_id, today)]
    from casefile.rules.calendar import coverage_gaps

    years = {today.year} | {y for dl in record.get("deadlines") or [] if dl.get("done_at") is None
                            for y in range(int(dl["start"][:4]), int(dl["due"][:4]) + 1)}
    view["calendar_warnings"] = coverage_gaps(years, ws.root / "holidays.toml")
    return view


def _parse(case_id: str, raw: bytes) -> dict[str, Any]:
    """The stored record for display. Not validated here (that costs the models' start-up): a file
    that is not even JSON, or lacks what the page shows, is reported like a model error would be."""
    from casefile.errors import CorruptRecord

    try:
        record = json.loads(raw)
        if not isinstance(record, dict) or not {"id", "state", "number", "applicant"} <= record.keys():
            raise ValueError
    except ValueError:
        raise CorruptRecord(f"案件 {case_id} 的 case.json 已损坏，请运行 casefile fsck。") from None
    return record
