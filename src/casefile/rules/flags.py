"""Flags derived from the calendar rather than stored: OVERDUE (T25) and DUE_SOON.

One rule for every reader (``show``, ``list``, the web pages, reports): a case is overdue when it is
open and one of its open deadlines lies before today. Works on plain values (state codes and ISO
dates or ``date`` objects), so the catalog's rows and a case model ask the same question.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from casefile.models.enums import OPEN_STATES, Flag

OVERDUE = Flag.OVERDUE.value
DUE_SOON = Flag.DUE_SOON.value
_OPEN = frozenset(s.value for s in OPEN_STATES)


def is_open_state(state: str) -> bool:
    return str(state) in _OPEN


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def derive_flags(stored: Sequence[str], state: str, open_dues: Iterable[date | str], today: date,
                 due_soon_days: int | None = None) -> list[str]:
    """The stored flags plus OVERDUE and (when ``due_soon_days`` is given) DUE_SOON.

    ``open_dues`` are the due dates of the deadlines not yet done; a closed case is never overdue."""
    flags = [str(f) for f in stored]
    if not is_open_state(state):
        return flags
    dues = [_as_date(d) for d in open_dues]
    if any(d < today for d in dues) and OVERDUE not in flags:
        flags.append(OVERDUE)
    if due_soon_days is not None and DUE_SOON not in flags and any(0 <= (d - today).days <= due_soon_days for d in dues):
        flags.append(DUE_SOON)
    return flags
