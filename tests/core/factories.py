"""Build intake forms and cases for tests through the real workflow."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms"


def form(name: str = "intake-unit", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FORMS / f"{name}.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data.update(changes)
    return data


def later(now: datetime, days: float) -> datetime:
    return now + timedelta(days=days)


def bare_case(ws: Any, now: datetime, seq: int = 1) -> Any:
    """A registered case written straight to disk (no documents): for store-level tests."""
    from casefile.models.case import Case
    from casefile.models.enums import State
    from casefile.store import Dossier
    from casefile.workflow import parse_form

    f = parse_form(form("intake-unit"), ws.settings, now.date())
    case = Case(id=f"SBZY-140932-2026-{seq:04d}", number=f"偏税社争〔2026〕{seq}号", year=2026, seq=seq,
                profile="pianguan", state=State.TRIAGE, channel=f.channel, received_at=f.received_at,
                first_handler=f.first_handler, intake_dept="SW", coordinator_dept="SW", jurisdiction=f.jurisdiction,
                applicant=f.applicant, counterparty=f.counterparty, payer_group="个人", categories=f.categories,
                claim=f.claim)
    Dossier.create(ws, case, "测试员", now, "created", {"to": "TRIAGE"})
    return case
