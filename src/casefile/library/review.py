"""Review (脱敏审核), approval (发布审批) and publication of a write-up.

A reviewer who is not the drafter and an approver who is not the reviewer sign the exact text
(its content SHA-256); the leak check runs again at review and at publication.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from casefile.errors import PrivacyLeak, UsageError
from casefile.identity import ActorLike, actor_name, require_entitled, same_person
from casefile.library.leakcheck import LeakFinding, check_against
from casefile.library.recording import is_sealed, log_sealed, source_of
from casefile.library.writeup import STAGE_LABELS, TypicalRefused, WriteUp, load, save

if TYPE_CHECKING:
    from casefile.config import Workspace


@dataclass
class StepReport:
    typical_id: str
    status: str
    by: str
    message: str
    findings: list[LeakFinding] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"typical_id": self.typical_id, "status": self.status, "by": self.by, "message": self.message,
                "findings": [str(f) for f in self.findings]}


def check(ws: Workspace, typical_id: str) -> list[LeakFinding]:
    """The leak check of one write-up against the real names of its case."""
    w = load(ws, typical_id)
    _, case = source_of(ws, w)
    return check_against(w.full_text(), case, ws.settings)


def _refuse_leaks(w: WriteUp, findings: Sequence[LeakFinding], action: str) -> None:
    if findings:
        shown = "；".join(str(f) for f in findings[:20])
        more = f"等{len(findings)}处" if len(findings) > 20 else f"共{len(findings)}处"
        raise PrivacyLeak(f"典型案例 {w.id} 仍含可识别个人的信息（{more}），不能{action}：{shown}。"
                          f"请修改 library/{w.id}.md 后重试。")


def missing_sections(w: WriteUp) -> list[str]:
    """The sections every published 典型案例 (D29) prints that this write-up leaves empty or holding
    only a ``（待…）`` placeholder."""
    from casefile.documents.context import D29_SECTIONS, writeup_sections

    _, parts = writeup_sections(w.body)
    return [name for name in D29_SECTIONS.values() if not parts.get(name)]


def _refuse_incomplete(w: WriteUp) -> None:
    missing = missing_sections(w)
    if missing:
        names = "、".join(f"“{m}”" for m in missing)
        raise TypicalRefused(f"典型案例 {w.id} 缺少必备部分{names}（空白或仍是“待补充”），不能批准发布；"
                             f"请在 library/{w.id}.md 中补写后重新审核。")


def review(ws: Workspace, typical_id: str, reviewer: ActorLike, actor: ActorLike, now: datetime) -> StepReport:
    """脱敏审核: a second person (not the drafter) confirms the de-identification of this exact text.
    From a front end ``reviewer`` is the person acting (an :class:`~casefile.identity.Actor`, whose
    role is checked); staff names are unique, so a recorded name identifies the person."""
    w = load(ws, typical_id)
    by = _person(actor_name(reviewer), "审核人")
    if w.effective_status == "published":
        raise TypicalRefused(f"典型案例 {w.id} 已发布，不需要再审核。")
    if same_person(reviewer, w.drafted_by) or by == w.drafted_by:
        raise TypicalRefused(f"审核人不能是起草人（{w.drafted_by}），请由另一人审核。")
    require_entitled(reviewer, "typical_review")
    dossier, case = source_of(ws, w)
    findings = check_against(w.full_text(), case, ws.settings)
    _refuse_leaks(w, findings, "通过脱敏审核")
    sha = w.content_sha256()
    w.status, w.reviewer, w.reviewed_at, w.reviewed_sha256 = "reviewed", by, now.isoformat(), sha
    w.returned_by = w.returned_note = ""  # the revision asked for is done
    w.approver = w.approved_at = w.approved_sha256 = w.published_at = ""
    if is_sealed(case):
        with dossier.lock():
            log_sealed(ws, case, "typical_reviewed", actor, now, typical_id=w.id, reviewer=by, content_sha256=sha)
            save(ws, w)
    else:
        with dossier.transaction(actor, now) as tx:
            info = tx.case.typical or _typical_info()
            tx.case.typical = info.model_copy(update={"selected": True, "reviewer": by, "reviewed_at": now,
                                                      "approver": None, "approved_at": None})
            tx.event("typical_reviewed", typical_id=w.id, reviewer=by, content_sha256=sha,
                     label=f"典型案例 {w.id} 脱敏审核")
            save(ws, w)
    return StepReport(w.id, "reviewed", by, f"典型案例 {w.id} 已由 {by} 完成脱敏审核，待发布审批。")


def approve(ws: Workspace, typical_id: str, approver: ActorLike, actor: ActorLike, now: datetime) -> StepReport:
    """发布审批: a person other than the reviewer (and the drafter) approves the reviewed text."""
    w = load(ws, typical_id)
    by = _person(actor_name(approver), "审批人")
    status = w.effective_status
    if status == "draft":
        hint = "审核后内容又被修改，请重新审核" if w.status != "draft" else "请先审核"
        raise TypicalRefused(f"典型案例 {w.id} 尚未通过脱敏审核（{hint}：由审核人运行 casefile typical review {w.id}）。")
    if status in ("approved", "published"):
        raise TypicalRefused(f"典型案例 {w.id} 已于 {w.approved_at[:10]} 由 {w.approver} 批准。")
    if same_person(approver, w.reviewer) or by == w.reviewer:
        raise TypicalRefused(f"审批人不能与审核人（{w.reviewer}）是同一人。")
    if same_person(approver, w.drafted_by) or by == w.drafted_by:
        raise TypicalRefused(f"审批人不能是起草人（{w.drafted_by}），请由另一人审批。")
    require_entitled(approver, "typical_approve")
    _refuse_incomplete(w)
    dossier, case = source_of(ws, w)
    _refuse_leaks(w, check_against(w.full_text(), case, ws.settings), "批准发布")
    sha = w.content_sha256()
    w.status, w.approver, w.approved_at, w.approved_sha256 = "approved", by, now.isoformat(), sha
    if is_sealed(case):
        with dossier.lock():
            log_sealed(ws, case, "typical_approved", actor, now, typical_id=w.id, approver=by, content_sha256=sha)
            save(ws, w)
    else:
        with dossier.transaction(actor, now) as tx:
            info = tx.case.typical or _typical_info()
            tx.case.typical = info.model_copy(update={"approver": by, "approved_at": now, "draft": w.body})
            tx.event("typical_approved", typical_id=w.id, approver=by, content_sha256=sha,
                     label=f"典型案例 {w.id} 发布审批")
            save(ws, w)
    return StepReport(w.id, "approved", by, f"典型案例 {w.id} 已由 {by} 批准，可以发布。")


def publish(ws: Workspace, typical_id: str, actor: ActorLike, now: datetime) -> StepReport:
    """Publish an approved write-up, after a final leak check of the approved text."""
    require_entitled(actor, "typical_publish")
    w = load(ws, typical_id)
    status = w.effective_status
    if status == "published":
        raise TypicalRefused(f"典型案例 {w.id} 已于 {w.published_at[:10]} 发布。")
    if status != "approved":
        if w.status in ("approved", "reviewed"):
            raise TypicalRefused(f"典型案例 {w.id} 在{STAGE_LABELS.get(w.status, w.status)}后内容被修改，"
                                 "需要重新审核和审批后才能发布。")
        raise TypicalRefused(f"典型案例 {w.id} 尚未经审核和审批（当前：{STAGE_LABELS[status]}），不能发布。")
    dossier, case = source_of(ws, w)
    findings = check_against(w.full_text(), case, ws.settings)
    _refuse_leaks(w, findings, "发布")
    sha = w.content_sha256()
    w.status, w.published_at = "published", now.isoformat()
    if is_sealed(case):
        with dossier.lock():
            log_sealed(ws, case, "typical_published", actor, now, typical_id=w.id, content_sha256=sha)
            save(ws, w)
    else:
        with dossier.transaction(actor, now) as tx:
            info = tx.case.typical or _typical_info()
            tx.case.typical = info.model_copy(update={"published_id": w.id, "draft": w.body})
            tx.event("typical_published", typical_id=w.id, content_sha256=sha, label=f"发布典型案例 {w.id}")
            save(ws, w)
    return StepReport(w.id, "published", actor_name(actor), f"典型案例 {w.id} 已发布。")


def _typical_info() -> Any:
    from casefile.models.records import TypicalInfo

    return TypicalInfo(selected=True)


def _person(name: str, what: str) -> str:
    n = (name or "").strip()
    if not n:
        raise UsageError(f"请用 --by 给出{what}姓名。")
    return n

