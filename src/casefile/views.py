"""Read-side views of a case: one dict with stable keys, used by `show`, `--json` and reports.

Personal identifiers are masked unless ``reveal`` is set (docs/domain.md §9, internal display).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from casefile.models.case import Case
from casefile.models.enums import FLAG_LABELS, Flag
from casefile.models.party import Party
from casefile.privacy import escape_controls, mask_bank, mask_id_number, mask_mobile, mask_text, mask_uscc
from casefile.rules.flags import derive_flags
from casefile.store import JournalEntry


def party_view(p: Party | None, reveal: bool) -> dict[str, Any] | None:
    if p is None:
        return None
    d = p.model_dump(mode="json", exclude_none=True)
    for key in ("name", "legal_rep", "address"):  # typed by people: a line break or U+202E must not spoof a line
        if isinstance(d.get(key), str):
            d[key] = escape_controls(d[key])
    if not reveal:
        if p.id_number:
            d["id_number"] = mask_id_number(p.id_number)
        if p.credit_code:
            d["credit_code"] = mask_uscc(p.credit_code)
        if p.mobile:
            d["mobile"] = mask_mobile(p.mobile)
        if p.bank_account:
            d["bank_account"] = mask_bank(p.bank_account)
    return d


def derived_flags(case: Case, today: date, due_soon_days: int | None = None) -> list[str]:
    return derive_flags([f.value for f in case.flags], case.state.value, [d.due for d in case.open_deadlines()],
                        today, due_soon_days)


def case_view(case: Case, today: date, *, reveal: bool = False, dept_name: Callable[[str], str] | None = None,
              due_soon_days: int | None = None) -> dict[str, Any]:
    """``dept_name`` turns department codes into names and ``due_soon_days`` adds DUE_SOON; both come
    from casefile.toml (``Workspace.dept_name``, the ``[risk]`` table), read without pydantic."""
    dept = dept_name or (lambda c: c)
    text = (lambda s: s) if reveal else mask_text

    def name(s: str | None) -> str | None:  # file names: masked, and never spoofing a line
        return escape_controls(text(s)) if s else s

    flags = derived_flags(case, today, due_soon_days)
    return {
        "id": case.id,
        "number": case.number,
        "state": case.state.value,
        "state_label": case.state.label,
        "flags": flags,
        "flag_labels": [FLAG_LABELS[Flag(f)] for f in flags],
        "profile": case.profile,
        "channel": case.channel.value,
        "channel_ref": case.channel_ref,
        "received_at": case.received_at.isoformat(),
        "first_handler": case.first_handler,
        "intake_dept": dept(case.intake_dept),
        "lead_dept": dept(case.lead_dept) if case.lead_dept else None,
        "co_depts": [dept(c) for c in case.co_depts],
        "jurisdiction": case.jurisdiction.model_dump(),
        "applicant": party_view(case.applicant, reveal),
        "counterparty": party_view(case.counterparty, reveal),
        "payer_group": case.payer_group.value,
        "categories": [c.value for c in case.categories],
        "category_labels": [c.label for c in case.categories],
        "insurance_types": [i.value for i in case.insurance_types],
        "periods": case.periods,
        "amounts": {k: str(v) for k, v in case.amounts.items()},
        "claim": text(case.claim),
        "class": case.case_class.value if case.case_class else None,
        "risk": case.risk.value if case.risk else None,
        "decision": text(case.decision.text) if case.decision else None,
        "enforcement": {
            "step": case.enforcement.step.value, "label": case.enforcement.step.label,
            "step_text": case.enforcement.step.text,
            "respondent": case.enforcement.respondent, "total_owed": str(case.enforcement.total_owed),
            "pay_by": case.enforcement.pay_by.isoformat() if case.enforcement.pay_by else None,
            "collected": str(case.enforcement.collected),
        } if case.enforcement else None,
        "deadlines": [
            {"step": d.step, "label": d.label, "dept": dept(d.dept) if d.dept else None, "start": d.start.isoformat(),
             "due": d.due.isoformat(), "done_at": d.done_at.isoformat() if d.done_at else None,
             "overdue": d.done_at is None and d.due < today and case.is_open, "explanation": d.explanation}
            for d in case.deadlines
        ],
        "documents": [
            {"doc_id": d.doc_id, "type": d.doc_type, "title": d.title, "wenhao": d.wenhao, "file": d.file,
             "pdf": d.pdf, "sha256": d.sha256, "issued_at": d.issued_at.isoformat(), "recipient": d.recipient,
             "superseded_by": d.superseded_by, "corrects": d.corrects}
            for d in case.documents
        ],
        "evidence": [
            {"ev_id": e.ev_id, "original_name": name(e.original_name), "file": name(e.file), "sha256": e.sha256,
             "size": e.size, "pages": e.pages, "slot": name(e.slot), "text_status": e.text_status,
             "source": name(e.source),
             "received_at": e.received_at.isoformat()}
            for e in case.evidence
        ],
        "archive": case.archive.model_dump(mode="json") if case.archive else None,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "version": case.version,
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
