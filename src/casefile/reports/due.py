"""The deadline register (台账) behind ``casefile due``: what is overdue, due today and due soon.

Everything comes from the catalog through one connection: the open deadlines of open cases are one
index range (``deadlines_live``), so the register stays instant on an archive of 100,000 cases. Risk
warnings are evaluated for the listed cases only; ``casefile risks`` evaluates every open case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casefile.config import Workspace

@dataclass(frozen=True)
class DueItem:
    case_id: str
    number: str
    step: str
    label: str
    dept: str | None  # display name of the department that owes the step, if not the lead
    due: date
    state: str
    owner: str  # lead department, else the first handler
    days_left: int

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "number": self.number, "step": self.step, "label": self.label,
                "dept": self.dept, "due": self.due.isoformat(), "state": self.state, "owner": self.owner,
                "days_left": self.days_left}


@dataclass
class DueGroup:
    count: int  # all matching deadlines, also those beyond the listed ones
    items: list[DueItem] = field(default_factory=list)


@dataclass
class DueReport:
    today: date
    days: int
    groups: dict[str, DueGroup]
    risks: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"as_of": self.today.isoformat(), "days": self.days,
                **{k: [it.as_dict() for it in g.items] for k, g in self.groups.items()},
                "counts": {k: g.count for k, g in self.groups.items()}, "risks": self.risks}


def due_register(ws: Workspace, today: date, *, days: int = 7, limit: int | None = 50,
                 dept: str | None = None) -> DueReport:
    """Deadlines overdue, due today and due within ``days`` days (at most ``limit`` listed per group);
    with ``dept`` only the cases that department is involved in (its 工作台 in the browser)."""
    from casefile import catalog
    from casefile.reports.risks import case_risks_many

    yesterday, horizon = today - timedelta(days=1), today + timedelta(days=days)
    spans = {"overdue": (None, yesterday), "today": (today, today), "soon": (today + timedelta(days=1), horizon)}
    groups: dict[str, DueGroup] = {}
    with catalog.connect(ws) as con:
        for key, (since, until) in spans.items():
            items = [_item(ws, r, today) for r in catalog.open_deadlines(con, until, since=since, limit=limit, dept=dept)]
            listed_all = limit is None or len(items) < limit
            groups[key] = DueGroup(len(items) if listed_all else catalog.count_open_deadlines(con, since, until, dept), items)
        listed = list(dict.fromkeys(it.case_id for g in groups.values() for it in g.items))
        risks = [r.as_dict() for r in case_risks_many(ws, listed, today, con)] if listed else []
    return DueReport(today, days, groups, risks)


def _item(ws: Workspace, r: Any, today: date) -> DueItem:
    due = date.fromisoformat(r["due"])
    return DueItem(case_id=r["case_id"], number=r["number"], step=r["step"], label=r["label"],
                   dept=ws.dept_name(r["dept"]) if r["dept"] else None, due=due, state=r["state"],
                   owner=ws.dept_name(r["lead_dept"]) if r["lead_dept"] else r["first_handler"],
                   days_left=(due - today).days)
