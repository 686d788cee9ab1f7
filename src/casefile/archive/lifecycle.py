"""After sealing: reopening (a new version, the bag untouched), destruction after the retention
period (requested by one person, approved by another), and voiding a 件号 that has no file."""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casefile import machine
from casefile.archive import preservation
from casefile.archive.build import make_readonly, recover, remove_tree
from casefile.archive.checks import year_numbers
from casefile.archive.requirements import flat_events
from casefile.archive.rules import purge_allowed_from, retention_ends
from casefile.clock import local_date
from casefile.config import Workspace
from casefile.documents.doctypes import VOLUME_FORMS
from casefile.errors import ArchiveProblem, CasefileError, MissingData
from casefile.identity import ActorLike, actor_name, require_entitled, same_person
from casefile.models.case import Case
from casefile.models.enums import Retention, State
from casefile.models.records import ArchiveInfo
from casefile.rules.dates import date_cn
from casefile.store import Dossier, Sequence, fsync_dir, locked, sha256_file

log = logging.getLogger(__name__)

DATA_PREFIX = "data/"


def _archived(ws: Workspace, case_id: str, now: datetime, actor: ActorLike) -> tuple[Dossier, Case, ArchiveInfo]:
    dossier = Dossier(ws, case_id)
    with dossier.lock():
        recover(ws, dossier, now=now, actor=actor)
    case = dossier.load()
    if case.state is not State.ARCHIVED or case.archive is None:
        raise ArchiveProblem(f"案件 {case.id} 尚未归档（当前状态：{case.state.label}）。")
    return dossier, case, case.archive


# -- reopening ----------------------------------------------------------------------------------------------
@dataclass
class ReopenResult:
    case_id: str  # the new version
    archived_id: str
    dang_hao: str
    state: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.case_id, "reopened_from": self.archived_id, "dang_hao": self.dang_hao,
                "state": self.state, "message": self.message}


def _strip(rel: str | None) -> str | None:
    return rel[len(DATA_PREFIX):] if rel and rel.startswith(DATA_PREFIX) else rel


def reopen_archived(ws: Workspace, case_id: str, reason: str, now: datetime, actor: ActorLike) -> ReopenResult:
    """Continue an archived case as a new case (new id) that names the archived one; the bag,
    its record and its journal stay exactly as sealed."""
    if not reason or not reason.strip():
        raise MissingData("请用 --reason 写明重新办理的理由。")
    dossier, old, a = _archived(ws, case_id, now, actor)
    entries, _ = dossier.journal()
    closed_from = State.FOLLOW_UP
    for _, p in flat_events(entries):
        if p.get("to") in (State.CLOSED.value, State.REDIRECTED.value) and p.get("from"):
            with contextlib.suppress(ValueError):
                closed_from = State(str(p["from"]))
    files: dict[str, bytes] = {}
    new = old.model_copy(deep=True)
    # documents and evidence come along (copies: the sealed files stay read-only and untouched);
    # the cover, index and 备考表 belong to the sealed version only
    new.documents = [d for d in new.documents if d.doc_type not in VOLUME_FORMS]
    for d in new.documents:
        d.file, d.data_file, d.pdf = _strip(d.file) or d.file, _strip(d.data_file) or d.data_file, _strip(d.pdf)
    for e in new.evidence:
        e.file, e.archive_pdf, e.text_file = _strip(e.file) or e.file, _strip(e.archive_pdf), _strip(e.text_file)
    for rel in {*(x for d in new.documents for x in (d.file, d.data_file, d.pdf) if x),
                *(x for e in new.evidence for x in (e.file, e.archive_pdf, e.text_file) if x)}:
        files[rel] = (dossier.path / DATA_PREFIX / rel).read_bytes()
    year = local_date(now).year
    settings = ws.settings
    from casefile.rules.wenhao import format_wenhao

    with Sequence(ws, f"case-{year}").allocate(f"重新办理 {old.id}", now) as seq:
        new_id = f"{settings.office.case_prefix}-{settings.office.region_code}-{year}-{seq:04d}"
        new.id, new.year, new.seq = new_id, year, seq
        new.number = format_wenhao(settings.office.case_daizi, year, seq)
        machine.apply(new, "reopen", closed_from)
        new.closed_at, new.close_reason, new.archive = None, None, None
        new.reopened_from = old.id
        new.note = "\n".join(x for x in (old.note, f"重新办理（原案件 {old.id}，档号 {a.dang_hao}）：{reason.strip()}") if x)
        Dossier.create(ws, new, actor, now, "created", {
            "transition": "reopen", "from": State.ARCHIVED.value, "to": closed_from.value, "reason": reason.strip(),
            "reopened_from": old.id, "dang_hao": a.dang_hao, "archived_journal_sha256": entries[-1].sha256 if entries else "",
            "tagmanifest_sha256": sha256_file(dossier.path / "tagmanifest-sha256.txt"),
        }, files=files)
    preservation.append(ws, a.year, "reopened", now=now, actor=actor, case_id=old.id, dang_hao=a.dang_hao,
                        new_case=new_id, reason=reason.strip())
    return ReopenResult(new_id, old.id, a.dang_hao, closed_from.value,
                        f"已归档案件 {old.id}（档号 {a.dang_hao}）保持不变；已另立新版本 {new_id}（{new.number}），"
                        f"回到“{closed_from.label}”继续办理，办结后可再次归档。")


# -- destruction -----------------------------------------------------------------------------------------------
@dataclass
class PurgeResult:
    case_id: str
    dang_hao: str
    stage: str  # requested / purged
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.case_id, "dang_hao": self.dang_hao, "stage": self.stage, "message": self.message,
                **self.details}


def _eligible(a: ArchiveInfo, now: datetime) -> None:
    if a.retention is Retention.PERMANENT:
        raise ArchiveProblem(f"档号 {a.dang_hao} 为永久保管，不得销毁。")
    start = purge_allowed_from(a.year, a.retention)
    assert start is not None
    if local_date(now) < start:
        end = retention_ends(a.year, a.retention)
        assert end is not None
        raise ArchiveProblem(
            f"档号 {a.dang_hao} 的保管期限为{a.retention.label}，至{date_cn(end)}届满，届满前不得销毁"
            f"（{date_cn(start)}起方可申请）。")


def _pending_request(ws: Workspace, year: int, case_id: str) -> preservation.PreservationEvent | None:
    events, _ = preservation.read_log(ws, year)
    pending: preservation.PreservationEvent | None = None
    for ev in events:
        if ev.case_id != case_id:
            continue
        if ev.type == "purge_requested":
            pending = ev
        elif ev.type in ("purge_approved", "purge_withdrawn", "purged"):
            pending = None
    return pending


def purge_request(ws: Workspace, case_id: str, *, by: ActorLike, reason: str, now: datetime) -> PurgeResult:
    """One person asks for the destruction of an expired bag. ``now`` must be the real time (the CLI
    passes the system clock whatever CASEFILE_NOW says)."""
    name = actor_name(by).strip()
    if not name:
        raise MissingData("无法确定销毁申请人，请配置操作人（casefile.toml 的 [[staff]]）。")
    require_entitled(by, "destroy_request")
    if not reason.strip():
        raise MissingData("请用 --reason 写明销毁理由（如：保管期满，经鉴定无继续保存价值）。")
    dossier, case, a = _archived(ws, case_id, now, by)
    _eligible(a, now)
    with locked(ws, f"case-{case.id}"):
        if _pending_request(ws, a.year, case.id):
            raise ArchiveProblem(f"档号 {a.dang_hao} 已有待批准的销毁申请。")
        preservation.append(ws, a.year, "purge_requested", now=now, actor=by, case_id=case.id,
                            dang_hao=a.dang_hao, reason=reason.strip(), jian_hao=a.jian_hao,
                            retention=a.retention.value,
                            tagmanifest_sha256=sha256_file(dossier.path / "tagmanifest-sha256.txt"))
    return PurgeResult(case.id, a.dang_hao, "requested",
                       f"已登记档号 {a.dang_hao} 的销毁申请（申请人 {name}），须由另一人批准后方可销毁。")


def purge_approve(ws: Workspace, case_id: str, *, by: ActorLike, now: datetime) -> PurgeResult:
    """A second, entitled person approves; the bag is destroyed. ``now`` is the real time."""
    name = actor_name(by).strip()
    if not name:
        raise MissingData("无法确定销毁批准人，请配置操作人（casefile.toml 的 [[staff]]）。")
    require_entitled(by, "destroy_approve")
    dossier, case, a = _archived(ws, case_id, now, by)
    _eligible(a, now)
    with dossier.lock():
        req = _pending_request(ws, a.year, case.id)
        if req is None:
            raise ArchiveProblem(f"档号 {a.dang_hao} 没有待批准的销毁申请，请先用 casefile purge {case.id} --request 申请。")
        # the same account (login), or the same name (staff names are unique), is the same person
        if same_person(by, req.login) or req.actor == name:
            raise ArchiveProblem(f"销毁申请人（{req.actor}）与批准人不能是同一人，须由另一位负责人批准。")
        manifest = sha256_file(dossier.path / "tagmanifest-sha256.txt")
        meta = {"jian_hao": a.jian_hao, "retention": a.retention.value, "requested_by": req.actor,
                "requested_at": req.time, "reason": req.data.get("reason", ""), "tagmanifest_sha256": manifest,
                "payload_oxum": a.payload_oxum, "case_number": case.number}
        preservation.append(ws, a.year, "purge_approved", now=now, actor=by, case_id=case.id,
                            dang_hao=a.dang_hao, **meta)
        # Out of sight in one rename, then recorded, then deleted: a crash leaves a hidden folder
        # that purge_leftovers() removes, never a half-deleted file under the case id.
        doomed = dossier.path.with_name(f".{case.id}.purging-{uuid.uuid4().hex[:8]}")
        os.rename(dossier.path, doomed)
        fsync_dir(doomed.parent)
        preservation.append(ws, a.year, "purged", now=now, actor=by, case_id=case.id, dang_hao=a.dang_hao,
                            **meta)
        remove_tree(doomed)
    _catalog_forget(ws, case.id)
    return PurgeResult(case.id, a.dang_hao, "purged",
                       f"档号 {a.dang_hao}（案件 {case.id}）已销毁：申请人 {req.actor}，批准人 {name}；"
                       f"销毁记录见保管日志 archive/_preservation/{a.year}.jsonl。",
                       {"requested_by": req.actor, "approved_by": name})


def pending_purges(ws: Workspace, years: Iterable[int]) -> list[preservation.PreservationEvent]:
    """The destruction requests of these years that no one has approved or withdrawn yet."""
    out: list[preservation.PreservationEvent] = []
    for year in sorted(set(years)):
        events, _ = preservation.read_log(ws, year)
        pending: dict[str, preservation.PreservationEvent] = {}
        for ev in events:
            if ev.type == "purge_requested":
                pending[ev.case_id] = ev
            elif ev.type in ("purge_approved", "purge_withdrawn", "purged"):
                pending.pop(ev.case_id, None)
        out.extend(pending.values())
    return out


def purge_leftovers(ws: Workspace) -> list[str]:
    """Remove folders of approved destructions that a crash left behind."""
    removed: list[str] = []
    if not ws.archive_dir.is_dir():
        return removed
    for year_dir in ws.archive_dir.iterdir():
        if year_dir.is_dir() and year_dir.name.isdigit():
            for p in year_dir.iterdir():
                if p.name.startswith(".") and ".purging-" in p.name:
                    remove_tree(p)
                    removed.append(p.name)
    return removed


def _catalog_forget(ws: Workspace, case_id: str) -> None:
    from casefile import catalog

    try:
        catalog.remove(ws, case_id)
    except Exception as exc:  # derived data: fsck reports the disagreement and `catalog rebuild` fixes it
        log.warning("目录库未能删除案件 %s（%s），请运行 casefile catalog rebuild。", case_id, exc)


# -- voiding a 件号 ---------------------------------------------------------------------------------------------
def void_number(ws: Workspace, year: int, number: int, *, reason: str, now: datetime, actor: ActorLike) -> str:
    """Record why an allocated 件号 has no file (so the year's numbering stays explained)."""
    if not reason.strip():
        raise MissingData("请用 --reason 写明件号作废的原因。")
    with locked(ws, f"seq-jianhao-{year}"):
        nums = year_numbers(ws, year)
        if number < 1 or number > nums.allocated:
            raise ArchiveProblem(f"{year}年度的件号只分配到 {nums.allocated:04d}，{number:04d} 尚未分配。")
        if number in nums.used:
            raise ArchiveProblem(f"件号 {number:04d} 属于已归档案卷 {'、'.join(nums.used[number])}，不能作废。")
        if number in nums.accounted:
            raise ArchiveProblem(f"件号 {number:04d} {nums.accounted[number]}。")
        if number in nums.archived:
            cid, dh = nums.archived[number]
            raise ArchiveProblem(f"件号 {number:04d} 已用于案卷 {cid}（档号 {dh}，保管日志记载其归档），不能作废；"
                                 f"该归档包如已不在，应按案卷丢失上报并从备份恢复，casefile verify --all 会一直报告此问题。")
        preservation.append(ws, year, "voided", now=now, actor=actor, jian_hao=number, reason=reason.strip())
    return f"{year}年度件号 {number:04d} 已登记作废（{reason.strip()}）。"


__all__ = [
    "CasefileError",
    "PurgeResult",
    "ReopenResult",
    "make_readonly",
    "purge_approve",
    "purge_leftovers",
    "purge_request",
    "reopen_archived",
    "void_number",
]
