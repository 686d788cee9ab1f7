"""Which departments are involved in a case, and whether each may still act on it. Pure: no I/O.

A department sees a case while it is involved (lead office, co-handler, referral target, meeting
participant, unit of an agreed item) and afterwards keeps read-only access. It may act only while the
case is open and its own part is open. The web front end checks every page, download and search hit
against :func:`involvement`; the catalog keeps the involved codes so lists filter in SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casefile.models.case import Case

#: the lead office's own codes (intake, coordinating, leading department)
LEAD = "lead"
#: a co-handling department: written opinion, meeting, agreed items, referral
PARTNER = "partner"


@dataclass(frozen=True)
class Involvement:
    dept: str
    kind: str  # LEAD | PARTNER
    active: bool  # may still act (its part is open and the case is open)
    reasons: tuple[str, ...]


def involvement(case: Case, to_code: Callable[[str], str | None]) -> dict[str, Involvement]:
    """Every involved department code → its involvement. ``to_code`` maps a name/alias/code to a
    department code (None when unknown)."""
    found: dict[str, tuple[str, bool, list[str]]] = {}
    open_ = case.is_open

    def add(text: str | None, kind: str, active: bool, reason: str) -> None:
        code = to_code(text) if text else None
        if not code:
            return
        k, a, reasons = found.get(code, (kind, False, []))
        if kind == LEAD:
            k = LEAD
        found[code] = (k, a or (active and open_), [*reasons, reason])

    for code in (case.intake_dept, case.coordinator_dept, case.lead_dept):
        add(code, LEAD, True, "主办/受理")
    for code in case.co_depts:
        # a co-handler acts through its open parts below (opinion, meeting, agreed item); being named
        # a co-handler alone lets it read the case
        add(code, PARTNER, False, "协办")
    for op in case.opinions:
        add(op.dept, PARTNER, op.received_at is None and not op.lapsed, "书面意见")
    if case.referral is not None:
        r = case.referral
        pending = r.replied_at is None
        for target in (r.suggested_dept, r.handling_dept):
            add(target, PARTNER, pending, "报送办理")
    for m in case.meetings:
        for p in m.participants:
            add(p, PARTNER, m.held_at is None, "会商")
        for item in m.items:
            add(item.unit, PARTNER, True, "议定事项")
    return {c: Involvement(c, k, a, tuple(dict.fromkeys(r))) for c, (k, a, r) in found.items()}


def involved_codes(case: Case, to_code: Callable[[str], str | None]) -> list[str]:
    return sorted(involvement(case, to_code))
