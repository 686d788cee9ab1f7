"""Revising a write-up before it is signed: the drafter edits the text while it is a draft, and a
reviewer or approver may send a text back to its drafter (退回修改) with a note saying what to change.

Every revision goes through the de-identification of the source case (names the drafter typed are
replaced by the case's pseudonyms, identifier numbers removed, dates cut to the month) and then the
leak check; a text the check still finds anything in is refused, and nothing is written. Each
revision is recorded where the other library steps are (:mod:`casefile.library.recording`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from casefile.errors import FieldInvalid, PrivacyLeak
from casefile.identity import ActorLike, actor_name, require_entitled, same_person
from casefile.library.deidentify import build_mapping, deidentify_text
from casefile.library.leakcheck import LeakFinding, check_against
from casefile.library.recording import is_sealed, log_sealed, source_of
from casefile.library.writeup import STAGE_LABELS, TypicalRefused, WriteUp, load, save

if TYPE_CHECKING:
    from casefile.config import Workspace


@dataclass
class RevisionReport:
    typical_id: str
    message: str
    replaced: list[str] = field(default_factory=list)  # the fields de-identification changed


def _is(actor: ActorLike, recorded: str) -> bool:
    return bool(recorded) and (same_person(actor, recorded) or actor_name(actor) == recorded)


def leak_refusal(w: WriteUp, findings: Sequence[LeakFinding]) -> PrivacyLeak:
    shown = "；".join(str(f) for f in findings[:20])
    more = f"等{len(findings)}处" if len(findings) > 20 else f"共{len(findings)}处"
    return PrivacyLeak(f"修改后的典型案例 {w.id} 仍含可识别个人的信息（{more}），未保存：{shown}。"
                       "请改写这些内容（人名用“张某”、单位用“某公司”、地址写到县级）后再保存。")


def edit(ws: Workspace, typical_id: str, *, title: str, body: str, keywords: Sequence[str], actor: ActorLike,
         now: datetime) -> RevisionReport:
    """The drafter's new title, text and keywords for a draft, de-identified and leak-checked first."""
    w = load(ws, typical_id)
    if not _is(actor, w.drafted_by):
        raise TypicalRefused(f"典型案例 {w.id} 只能由起草人（{w.drafted_by}）修改；"
                             "审核人、审批人如需修改，请退回起草人并写明修改意见。")
    status = w.effective_status
    if status != "draft":
        raise TypicalRefused(f"典型案例 {w.id} {STAGE_LABELS[status]}，不能再修改；"
                             "如需修改，请审核人或负责人先退回修改。")
    title = title.strip()
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not title:
        raise FieldInvalid("标题", "不能为空", "请填写标题")
    if not text:
        raise FieldInvalid("正文", "不能为空", "请填写案例正文")
    if len(title) > 100:
        raise FieldInvalid("标题", "超过100字", "请精简后重新填写")
    words = [k.strip() for k in keywords if k.strip()]
    dossier, case = source_of(ws, w)
    mapping = build_mapping(case, ws.settings)
    new = dataclasses.replace(w, title=deidentify_text(title, mapping), body=deidentify_text(text, mapping) + "\n",
                              keywords=[deidentify_text(k, mapping) for k in words])
    replaced = [label for label, before, after in (("标题", title, new.title), ("正文", text, new.body.strip()),
                                                   ("关键词", words, new.keywords)) if before != after]
    findings = check_against(new.full_text(), case, ws.settings)
    if findings:
        raise leak_refusal(new, findings)
    if new.content_sha256() == w.content_sha256():
        return RevisionReport(w.id, f"典型案例 {w.id} 内容没有变化，未保存。")
    new.clear_signoffs()
    sha = new.content_sha256()
    if is_sealed(case):
        with dossier.lock():
            log_sealed(ws, case, "typical_edited", actor, now, typical_id=w.id, content_sha256=sha)
            save(ws, new)
    else:
        with dossier.transaction(actor, now) as tx:
            if tx.case.typical is not None:
                tx.case.typical = tx.case.typical.model_copy(update={"draft": new.body})
            tx.event("typical_edited", typical_id=w.id, content_sha256=sha, label=f"修改典型案例 {w.id}")
            save(ws, new)
    note = f"（已按本案脱敏对照表自动替换：{'、'.join(replaced)}）" if replaced else ""
    return RevisionReport(w.id, f"典型案例 {w.id} 已保存{note}，脱敏检查未发现问题。", replaced)


def send_back(ws: Workspace, typical_id: str, *, note: str, actor: ActorLike, now: datetime) -> RevisionReport:
    """退回修改: a reviewer (not the drafter) sends a draft, reviewed or approved text back to its drafter
    with what to change; the sign-offs are cleared and the text is a draft again."""
    w = load(ws, typical_id)
    status = w.effective_status
    if status == "published":
        raise TypicalRefused(f"典型案例 {w.id} 已发布，不能退回。")
    if _is(actor, w.drafted_by):
        raise TypicalRefused(f"起草人（{w.drafted_by}）不能退回自己的稿件，请直接修改。")
    require_entitled(actor, "typical_review")
    reason = re.sub(r"\s+", " ", note).strip()
    if not reason:
        raise FieldInvalid("修改意见", "不能为空", "请写明需要修改的内容")
    dossier, case = source_of(ws, w)
    w.clear_signoffs()
    w.returned_by, w.returned_note = actor_name(actor), reason[:500]
    if is_sealed(case):
        with dossier.lock():
            log_sealed(ws, case, "typical_returned", actor, now, typical_id=w.id, note=w.returned_note)
            save(ws, w)
    else:
        with dossier.transaction(actor, now) as tx:
            if tx.case.typical is not None:
                tx.case.typical = tx.case.typical.model_copy(update={"reviewer": None, "reviewed_at": None,
                                                                     "approver": None, "approved_at": None})
            tx.event("typical_returned", typical_id=w.id, note=w.returned_note, label=f"典型案例 {w.id} 退回修改")
            save(ws, w)
    return RevisionReport(w.id, f"典型案例 {w.id} 已退回起草人（{w.drafted_by}）修改：{w.returned_note}")
