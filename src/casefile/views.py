"""Read-side views of a case: one dict with stable keys, used by `show`, `--json` and reports.

Personal identifiers are masked unless ``reveal`` is set (docs/domain.md §9, internal display).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from casefile.machine import derive_flags
from casefile.models.enums import (
    CATEGORY_LABELS,
    ENFORCEMENT_LABELS,
    FLAG_LABELS,
    STATE_LABELS,
    Category,
    Flag,
    State,
)
from casefile.models.enums import EnforcementStep as Step
from casefile.privacy import escape_controls, mask_bank, mask_id_number, mask_mobile, mask_text, mask_uscc

if TYPE_CHECKING:
    from casefile.models.case import Case
    from casefile.models.party import Party
    from casefile.store import JournalEntry

# The views read the record as it is stored (case.json, the model's JSON form), so showing a case
# never builds the pydantic model (most of ``casefile show``'s start-up otherwise). A model passed in
# is turned into that form first; tests check both give the same view.
Record = Mapping[str, Any]


def record_of(case: Any) -> Record:
    """The stored (JSON) form of a case or party given as a model or already as a mapping."""
    if isinstance(case, Mapping):
        return case
    return json.loads(case.model_dump_json())  # type: ignore[no-any-return]


def party_view(p: Party | Record | None, reveal: bool) -> dict[str, Any] | None:
    if p is None:
        return None
    d = {k: v for k, v in record_of(p).items() if v is not None}
    for key in ("name", "legal_rep", "address"):  # typed by people: a line break or U+202E must not spoof a line
        if isinstance(d.get(key), str):
            d[key] = escape_controls(d[key])
    if not reveal:
        for key, mask in (("id_number", mask_id_number), ("credit_code", mask_uscc), ("mobile", mask_mobile),
                          ("bank_account", mask_bank)):
            if d.get(key):
                d[key] = mask(d[key])
    return d


def derived_flags(case: Case | Record, today: date, due_soon_days: int | None = None) -> list[str]:
    r = record_of(case)
    return derive_flags(list(r.get("flags") or []), r["state"],
                        [d["due"] for d in r.get("deadlines") or [] if d.get("done_at") is None], today, due_soon_days)


def _money(value: Any) -> str:
    return str(Decimal(str(value)))


def _enforcement(e: Record | None) -> dict[str, Any] | None:
    if not e:
        return None
    owed = sum((Decimal(str(a["due"])) - Decimal(str(a.get("paid") or "0.00")) for a in e.get("arrears") or []),
               Decimal("0.00"))
    step = Step(e["step"])
    return {"step": e["step"], "label": ENFORCEMENT_LABELS[step], "step_text": step.text, "respondent": e.get("respondent"),
            "total_owed": str(owed), "pay_by": e.get("pay_by"), "collected": _money(e.get("collected") or "0.00")}


def case_view(case: Case | Record, today: date, *, reveal: bool = False,
              dept_name: Callable[[str], str] | None = None, due_soon_days: int | None = None) -> dict[str, Any]:
    """The case as shown (masked unless ``reveal``). ``case`` is the model or the stored record
    (``json.loads`` of case.json). ``dept_name`` turns department codes into names and
    ``due_soon_days`` adds DUE_SOON; both come from casefile.toml (``Workspace.dept_name``, the
    ``[risk]`` table), read without pydantic."""
    r = record_of(case)
    dept = dept_name or (lambda c: c)
    text = (lambda s: s) if reveal else mask_text

    def name(s: str | None) -> str | None:  # file names: masked, and never spoofing a line
        return escape_controls(text(s)) if s else s

    flags = derived_flags(r, today, due_soon_days)
    state = State(r["state"])
    is_open = state not in (State.REDIRECTED, State.CLOSED, State.ARCHIVED)
    decision = r.get("decision")
    return {
        "id": r["id"],
        "number": r["number"],
        "state": state.value,
        "state_label": STATE_LABELS[state],
        "flags": flags,
        "flag_labels": [FLAG_LABELS[Flag(f)] for f in flags],
        "profile": r.get("profile"),
        "channel": r["channel"],
        "channel_ref": r.get("channel_ref"),
        "received_at": r["received_at"],
        "first_handler": r["first_handler"],
        "intake_dept": dept(r["intake_dept"]),
        "lead_dept": dept(r["lead_dept"]) if r.get("lead_dept") else None,
        "co_depts": [dept(c) for c in r.get("co_depts") or []],
        "jurisdiction": dict(r["jurisdiction"]),
        "applicant": party_view(r["applicant"], reveal),
        "counterparty": party_view(r.get("counterparty"), reveal),
        "payer_group": r.get("payer_group"),
        "categories": list(r.get("categories") or []),
        "category_labels": [CATEGORY_LABELS[Category(c)] for c in r.get("categories") or []],
        "insurance_types": list(r.get("insurance_types") or []),
        "periods": list(r.get("periods") or []),
        "amounts": {k: _money(v) for k, v in (r.get("amounts") or {}).items()},
        "claim": text(r["claim"]),
        "class": r.get("case_class"),
        "risk": r.get("risk"),
        "decision": text(decision["text"]) if decision else None,
        "enforcement": _enforcement(r.get("enforcement")),
        "deadlines": [
            {"step": d["step"], "label": d["label"], "dept": dept(d["dept"]) if d.get("dept") else None,
             "start": d["start"], "due": d["due"], "done_at": d.get("done_at"),
             "overdue": d.get("done_at") is None and date.fromisoformat(d["due"]) < today and is_open,
             "explanation": list(d.get("explanation") or [])}
            for d in r.get("deadlines") or []
        ],
        "documents": [
            {"doc_id": d["doc_id"], "type": d["doc_type"], "title": d["title"], "wenhao": d.get("wenhao"),
             "file": d["file"], "pdf": d.get("pdf"), "sha256": d["sha256"], "issued_at": d["issued_at"],
             "recipient": d.get("recipient"), "superseded_by": d.get("superseded_by"), "corrects": d.get("corrects")}
            for d in r.get("documents") or []
        ],
        "evidence": [
            {"ev_id": e["ev_id"], "original_name": name(e["original_name"]), "file": name(e["file"]),
             "sha256": e["sha256"], "size": e["size"], "pages": e.get("pages"), "slot": name(e.get("slot")),
             "text_status": e["text_status"], "source": name(e["source"]), "received_at": e["received_at"]}
            for e in r.get("evidence") or []
        ],
        "archive": r.get("archive"),
        "closed_at": r.get("closed_at"),
        "version": r.get("version"),
    }


def timeline(entries: list[JournalEntry]) -> list[dict[str, Any]]:
    out = []
    for e in entries:
        p = e.payload
        what = p.get("label") or EVENT_LABELS.get(e.type, e.type)
        if e.type == "enforcement":
            what = f"执法：{p.get('label', p.get('step'))}"
        out.append({"seq": e.seq, "time": e.time, "actor": e.actor, "type": e.type, "what": what,
                    "from": p.get("from"), "to": p.get("to"), "from_label": _state_label(p.get("from")),
                    "to_label": _state_label(p.get("to")), "documents": p.get("documents", [])})
    return out


def _state_label(code: object) -> str | None:
    """A state code of the journal as a person reads it (codes the table no longer knows stay as they are)."""
    from casefile.models.enums import State

    if not isinstance(code, str) or not code:
        return None
    try:
        return State(code).label
    except ValueError:
        return code


EVENT_LABELS = {
    "web_action": "网页端操作",
    "document_downloaded": "下载文书",
    "evidence_downloaded": "下载证据",
    "referral_acknowledged": "确认收到转办单",
    "agreed_item_progress": "议定事项办理进展",
    "created": "接待登记（首问）",
    "transition": "状态变更",
    "document_issued": "出具文书",
    "opinion_received": "收到部门书面意见",
    "opinion_lapsed": "部门逾期未复",
    "meeting_scheduled": "发出会议通知",
    "meeting_held": "召开会议",
    "decision_recorded": "记录处理意见",
    "remedy_filed": "登记救济申请",
    "remedy_status": "救济进展",
    "extended": "延期",
    "reopened": "重新办理",
    "revealed": "查看完整个人信息",
    "evidence_filed": "证据归档",
    "archived": "立卷归档",
    "registered_late": "补办受理登记",
}
