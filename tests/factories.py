"""Build intake forms and cases for tests through the real workflow."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

FORMS = Path(__file__).resolve().parent / "fixtures" / "forms"


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


# -- cases along real paths -------------------------------------------------------------------------
ACTOR = "王晓梅"
T0 = datetime.fromisoformat("2026-10-12T09:00:00+08:00")  # a Monday after National Day


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def step(ws: Any, cid: str, when: datetime, fn: Any) -> Any:
    """Run one workflow action on a case, as the CLI does."""
    from casefile import workflow as wf

    return wf.run(ws, cid, when, ACTOR, fn)


def new_case(ws: Any, when: datetime = T0, name: str = "intake-unit", **changes: Any) -> str:
    """Register a case from a fixture form; it ends in TRIAGE."""
    from casefile import workflow as wf

    return wf.register(ws, form(name, received_at=when.isoformat(), **changes), when, ACTOR).case_id


def to_state(ws: Any, target: Any) -> str:
    """Walk a fresh case along a real path (pianguan profile) to the state ``target``."""
    from casefile import workflow as wf
    from casefile.models.enums import State
    from casefile.store import Dossier

    cid = new_case(ws, T0)
    if target is State.TRIAGE:
        return cid
    if target is State.DIRECT:
        step(ws, cid, at(0.2), lambda s: wf.triage(s, risk="低"))
        return cid
    if target in (State.SPECIAL_REQ, State.SPECIAL):
        step(ws, cid, at(0.2), lambda s: wf.triage(s, risk="高"))
        if target is State.SPECIAL:
            step(ws, cid, at(1), lambda s: wf.schedule_meeting(s, at=at(3), place="会议室", host="刘县长",
                                                               topics=["议题"], approved_by="刘县长"))
        return cid
    step(ws, cid, at(0.2), lambda s: wf.triage(s, risk="中"))
    if target is State.JOINT:
        return cid
    if target is State.MEDIATION:
        step(ws, cid, at(1), lambda s: wf.mediate_start(s, "刘芳"))
        return cid
    for dept in Dossier(ws, cid).load().co_depts:
        step(ws, cid, at(2), lambda s, d=dept: wf.record_opinion(s, d, "同意", facts="情况属实"))
    step(ws, cid, at(3), lambda s: wf.decide(s, text="责令限期补缴", basis=["社会保险法第六十三条"]))
    if target is State.DECIDED:
        return cid
    if target is State.ENFORCEMENT:
        step(ws, cid, at(4), lambda s: wf.enforce_start(s, wf.parse_arrears(["基本养老,202501,4680.00,0"])))
        return cid
    step(ws, cid, at(4), lambda s: wf.notify(s))
    if target is State.NOTIFIED:
        return cid
    if target is State.REMEDY:
        step(ws, cid, at(8), lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="不满意",
                                                   objection=True, remedy="复议", body="忻州市税务局"))
        return cid
    step(ws, cid, at(8), lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    step(ws, cid, at(8), lambda s: wf.followup(s, method="电话", respondent="赵志刚", satisfaction="满意"))
    assert target is State.CLOSED
    return cid
