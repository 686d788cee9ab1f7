"""What two tables of casefile.toml mean, read the same way from the raw TOML (the fast read paths)
and by the validated settings (:mod:`casefile.settings`): the department lookup and the risk
thresholds with their defaults. Pydantic-free; below both :mod:`casefile.config` and
:mod:`casefile.settings`, so neither copies the other."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


def field_of(d: Any, key: str) -> Any:
    return d.get(key) if isinstance(d, dict) else getattr(d, key, None)


def find_department(departments: Iterable[Any], text: str) -> Any | None:
    """The department named by ``text`` (its code, name, full name or an alias; full-width letters and brackets
    folded): a ``[[departments]]`` table of the raw TOML or a :class:`casefile.settings.Department`,
    whichever ``departments`` holds. :meth:`Settings.dept` and :meth:`Workspace.dept_name` both use it."""
    from casefile.rules.text import nfkc

    t = text.strip()
    items = list(departments)
    for d in items:
        if t and t in (field_of(d, "code"), field_of(d, "name"), field_of(d, "full_name") or None,
                       *(field_of(d, "aliases") or ())):
            return d
    n = nfkc(t).upper()
    for d in items:
        keys = (field_of(d, "code"), field_of(d, "name"), field_of(d, "full_name"), *(field_of(d, "aliases") or ()))
        if n in {nfkc(str(k)).upper() for k in keys if k}:
            return d
    return None


#: calendar days a case may stay in one state before it is reported as stuck (滞留); docs/domain.md §6
DEFAULT_STUCK_DAYS: dict[str, int] = {
    "INTAKE": 1, "REGISTERED": 1, "TRIAGE": 3, "DIRECT": 10, "JOINT": 25, "SPECIAL_REQ": 7, "SPECIAL": 35,
    "REFERRED": 10, "MEDIATION": 20, "DECIDED": 10, "NOTIFIED": 20, "FOLLOW_UP": 20, "REMEDY": 180,
    "ENFORCEMENT": 300,
}


@dataclass(frozen=True)
class Thresholds:
    """The ``[risk]`` settings: these defaults are the only ones (``casefile.settings.RiskCfg``
    validates the same table with them); read from the raw TOML so ``due`` and ``show`` need no pydantic."""

    repeat_min_cases: int = 2
    repeat_months: int = 12
    mass_min_complainants: int = 3
    mass_min_workers: int = 10
    large_amount: Decimal = Decimal("100000.00")
    due_soon_days: int = 2
    stuck_days: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_STUCK_DAYS))

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any] | None) -> Thresholds:
        r = dict(raw or {})
        base = cls()
        try:
            amount = Decimal(str(r.get("large_amount", base.large_amount)))
        except InvalidOperation:
            amount = base.large_amount
        stuck = {**DEFAULT_STUCK_DAYS, **{str(k): int(v) for k, v in dict(r.get("stuck_days", {})).items()}}
        return cls(
            repeat_min_cases=int(r.get("repeat_min_cases", base.repeat_min_cases)),
            repeat_months=int(r.get("repeat_months", base.repeat_months)),
            mass_min_complainants=int(r.get("mass_min_complainants", base.mass_min_complainants)),
            mass_min_workers=int(r.get("mass_min_workers", base.mass_min_workers)),
            large_amount=amount,
            due_soon_days=int(r.get("due_soon_days", base.due_soon_days)),
            stuck_days=stuck,
        )

    @classmethod
    def of(cls, ws: Any) -> Thresholds:
        """From a :class:`casefile.config.Workspace`'s raw TOML."""
        return cls.from_raw(ws.raw.get("risk"))
