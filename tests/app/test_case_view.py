"""The case page is built from the stored record without the pydantic model (fast ``show``); it must
show exactly what the model says. The oracle below reads every value from the model."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from casefile import views
from casefile.models.case import Case
from casefile.models.enums import FLAG_LABELS, Flag, State
from casefile.privacy import mask_text
from casefile.store import Dossier
from factories import T0, to_state


def _model_view(case: Case, today: date, reveal: bool) -> dict[str, Any]:
    """The view as it was computed from the model before the record-based views."""
    text = (lambda s: s) if reveal else mask_text
    flags = [f.value for f in case.flags]
    if case.is_open and case.overdue(today) and "OVERDUE" not in flags:
        flags.append("OVERDUE")
    return {
        "id": case.id, "number": case.number, "state": case.state.value, "state_label": case.state.label,
        "flags": flags, "flag_labels": [FLAG_LABELS[Flag(f)] for f in flags], "profile": case.profile,
        "channel": case.channel.value, "channel_ref": case.channel_ref, "received_at": case.received_at.isoformat(),
        "first_handler": case.first_handler, "intake_dept": case.intake_dept, "lead_dept": case.lead_dept,
        "co_depts": list(case.co_depts), "jurisdiction": case.jurisdiction.model_dump(),
        "applicant": views.party_view(case.applicant, reveal),
        "counterparty": views.party_view(case.counterparty, reveal), "payer_group": case.payer_group.value,
        "categories": [c.value for c in case.categories], "category_labels": [c.label for c in case.categories],
        "insurance_types": [i.value for i in case.insurance_types], "periods": case.periods,
        "amounts": {k: str(v) for k, v in case.amounts.items()}, "claim": text(case.claim),
        "class": case.case_class.value if case.case_class else None, "risk": case.risk.value if case.risk else None,
        "decision": text(case.decision.text) if case.decision else None,
        "enforcement": {
            "step": case.enforcement.step.value, "label": case.enforcement.step.label,
            "step_text": case.enforcement.step.text, "respondent": case.enforcement.respondent, "total_owed": str(case.enforcement.total_owed),
            "pay_by": case.enforcement.pay_by.isoformat() if case.enforcement.pay_by else None,
            "collected": str(case.enforcement.collected),
        } if case.enforcement else None,
        "deadlines": [
            {"step": d.step, "label": d.label, "dept": d.dept, "start": d.start.isoformat(), "due": d.due.isoformat(),
             "done_at": d.done_at.isoformat() if d.done_at else None,
             "overdue": d.done_at is None and d.due < today and case.is_open, "explanation": d.explanation}
            for d in case.deadlines],
        "documents": [
            {"doc_id": d.doc_id, "type": d.doc_type, "title": d.title, "wenhao": d.wenhao, "file": d.file,
             "pdf": d.pdf, "sha256": d.sha256, "issued_at": d.issued_at.isoformat(), "recipient": d.recipient,
             "superseded_by": d.superseded_by, "corrects": d.corrects} for d in case.documents],
        "evidence": [
            {"ev_id": e.ev_id, "original_name": e.original_name, "file": e.file, "sha256": e.sha256, "size": e.size,
             "pages": e.pages, "slot": e.slot, "text_status": e.text_status, "source": e.source,
             "received_at": e.received_at.isoformat()} for e in case.evidence],
        "archive": case.archive.model_dump(mode="json") if case.archive else None,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None, "version": case.version,
    }


@pytest.mark.parametrize("target", [State.ENFORCEMENT, State.CLOSED, State.REMEDY, State.SPECIAL])
@pytest.mark.parametrize("reveal", [False, True])
def test_record_view_equals_model_view(ws: Any, target: State, reveal: bool) -> None:
    cid = to_state(ws, target)
    d = Dossier(ws, cid)
    record = json.loads(d.read_raw())
    for today in (T0.date(), T0.date() + timedelta(days=90)):
        assert views.case_view(record, today, reveal=reveal) == _model_view(d.load(), today, reveal)


def test_show_does_not_build_models(ws: Any) -> None:
    """``casefile show`` reads the stored record: no pydantic, no settings model, no workflow (the
    start-up budget of bench/bench_cli.py: show within 2× a bare ``import click``)."""
    import os
    import subprocess
    import sys

    from testkit import NOW

    cid = to_state(ws, State.JOINT)
    env = {**os.environ, "CASEFILE_HOME": str(ws.root), "CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": "测试员"}
    subprocess.run([sys.executable, "-m", "casefile.cli.main", "list"], capture_output=True, timeout=120, env=env)
    code = (f"import sys\nfrom casefile.cli.main import main\nsys.argv = ['casefile', 'show', {cid!r}]\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print(sorted(m for m in ('pydantic', 'casefile.models.case', 'casefile.settings', 'casefile.workflow',"
            " 'whoosh', 'tantivy') if m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().splitlines()[-1] == "[]", out.stderr
