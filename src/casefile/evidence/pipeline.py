"""Ingest: one file from the drop folder (or a manual add) into a dossier, as ordered steps.

Every step either passes the job on or ends it with an :class:`IngestResult` (stable
:class:`~casefile.evidence.codes.Outcome`)::

    route_by_path     case folder / case-id name prefix
    take              still there? the very file scanned (device, inode), a regular file, not a
                      symlink, not empty, not open for writing, not failed three times before?
                      Copied through one handle into a private staging folder while hashing:
                      every later step reads that copy, never the inbox path again
    check_case        case exists and is open; same SHA-256 already filed → duplicate (or our own
                      leftover after a crash → remove it)
    parse             isolated worker: type by magic bytes, text, garbage check, OCR, cover QR
    route_by_cover    the cover sheet names case and slot (and must agree with the path)
    check_case        again, for the case the cover named
    file              one dossier transaction: copy in (fsync), verify SHA-256 of the copy, text file,
                      archive PDF, record, journal ``evidence_filed``; source deleted after commit

The inbox is the scanner share: whoever can write there can swap folders for links while a file
waits. So the inbox is touched only through folder handles (see :mod:`casefile.evidence.inbox`),
and the source is removed at the end only while its name still holds the file that was filed.

A crash anywhere leaves the file in the inbox and the dossier old or new (the store's recovery).
On the next run the SHA-256 check finds a committed copy, and the journal's ``source_key`` says
whether that copy came from this very file (a leftover: deleted, not counted) or from another
one (a duplicate: noted). So every file ends up filed exactly once.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any

from casefile import faults
from casefile.config import Workspace
from casefile.errors import (
    CaseArchived,
    CasefileError,
    CaseNotFound,
    EvidenceRejected,
    InvalidCaseId,
    StorageError,
)
from casefile.evidence import inbox as inbox_layout
from casefile.evidence.codes import Outcome, Reason, TextStatus
from casefile.evidence.formats import Kind, extension_for
from casefile.evidence.stability import Signature
from casefile.evidence.worker import WorkerPool, WorkerRequest, WorkerResult, parse_isolated
from casefile.identity import ActorLike
from casefile.models.case import Case
from casefile.models.enums import State
from casefile.models.records import EvidenceRecord
from casefile.store import EVIDENCE_DIR, Dossier, check_case_id, sha256_file

EVENT_FILED = "evidence_filed"
EVENT_DUPLICATE = "evidence_duplicate"
EVENT_UNLOCKED = "evidence_unlocked"
STAGING_DIR = "evidence-work"
ATTEMPTS_FILE = "evidence-attempts.json"
MAX_ATTEMPTS = 3  # failures of one file (across restarts) before it is quarantined
MAX_NAME_BYTES = 150
SOURCE_COPY = "source"


# == results ======================================================================================
@dataclass
class IngestResult:
    outcome: Outcome
    name: str  # the file as the user knows it (inbox-relative path, or the path given to `add`)
    case_id: str | None = None
    ev_id: str | None = None
    reason: Reason | None = None
    detail: str = ""
    text_status: TextStatus | None = None
    moved_to: str | None = None
    slot: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    manual: bool = False  # `evidence add`: nothing retries it, the user runs it again

    @property
    def shown(self) -> str:
        from casefile.privacy import display_name

        return display_name(self.name)

    @property
    def message(self) -> str:
        from casefile.privacy import display_name

        o = self.outcome
        name = self.shown
        moved = display_name(self.moved_to) if self.moved_to else None
        if o is Outcome.FILED:
            slot = f"“{display_name(self.slot)}”" if self.slot else ""
            status = self.text_status.label if self.text_status else ""
            return f"{name} → 案件 {self.case_id} 证据 {self.ev_id}{slot}（{status}）"
        if o is Outcome.DUPLICATE:
            return f"{name} 与案件 {self.case_id} 的证据 {self.ev_id} 内容相同，已记录重复提交，未重复归档"
        if o is Outcome.ALREADY_FILED:
            return f"{name} 此前已归入案件 {self.case_id}（证据 {self.ev_id}），已从收件目录移除"
        why = f"{self.reason.text}" if self.reason else ""
        more = f"（{self.detail}）" if self.detail else ""
        if o is Outcome.UNMATCHED:
            return f"{name} 未能匹配案件：{why}{more} 已移至 {moved or '_unmatched/'}"
        if o is Outcome.QUARANTINED:
            return f"{name} 已隔离：{why}{more} 已移至 {moved or '_failed/'}"
        if o is Outcome.REJECTED:
            return f"{name} 未归档：{why}{more}"
        if o is Outcome.RETRY:
            then = "请稍后重新运行" if self.manual else "将稍后重试"
            return f"{name} 暂未处理：{self.detail}，{then}"
        if self.detail:
            return f"{name} 已跳过：{self.detail}"
        return f"{name} 已不存在，跳过"

    def as_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value, "name": self.shown, "case_id": self.case_id, "ev_id": self.ev_id,
            "reason": self.reason.code if self.reason else None, "detail": _shown(self.detail),
            "text_status": self.text_status.value if self.text_status else None,
            "moved_to": _shown(self.moved_to), "slot": _shown(self.slot),
            "warnings": self.warnings, "message": self.message, "seconds": round(self.seconds, 3),
        }


def _shown(text: str | None) -> Any:
    from casefile.privacy import display_name

    return display_name(text) if text else text


class _Done(Exception):
    def __init__(self, result: IngestResult) -> None:
        super().__init__(result.outcome.value)
        self.result = result


@dataclass
class _Job:
    path: Path
    name: str  # display name
    manual: bool
    original_name: str
    case_id: str | None = None
    slot: str | None = None
    route: str = "none"
    folder: str | None = None
    size: int = 0
    mtime_ns: int = 0
    ctime_ns: int = 0
    inode: int = 0
    sha256: str = ""
    analysis: dict[str, Any] | None = None
    content_path: Path | None = None  # what gets filed (the original, or the cover-stripped PDF)
    content_sha256: str = ""
    staging: Path | None = None
    source_copy: Path | None = None  # the private copy every step after `take` reads
    expect: tuple[int, int] | None = None  # (device, inode) the scan saw
    ident: tuple[int, int, int, int] | None = None  # (device, inode, size, mtime) of the file taken
    checked: tuple[str | None, str] | None = None  # (case, content hash) last checked against the dossier

    @property
    def source_key(self) -> str:
        """This very inbox file: same place, size, times and inode (a re-copy gets a new ctime/inode)."""
        return f"{self.name}|{self.size}|{self.mtime_ns}|{self.ctime_ns}|{self.inode}"


# == the pipeline ===================================================================================
class Ingest:
    """The ordered steps, shared by the watcher (``inbox``) and ``casefile evidence add`` (``manual``)."""

    def __init__(self, ws: Workspace, actor: ActorLike, clock: Callable[[], datetime], *, pool: WorkerPool | None = None,
                 python: str | None = None) -> None:
        self.ws = ws
        self.actor = actor
        self.clock = clock
        self.cfg = ws.settings.evidence
        self.pool = pool
        self.python = python
        self.inbox = ws.inbox_dir
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.attempts = Attempts(ws.state_dir / ATTEMPTS_FILE)
        self.truncated_patience = self.cfg.truncated_patience_seconds

    @contextlib.contextmanager
    def _case_turn(self, case_id: str) -> Iterator[None]:
        """Threads of one process take turns per case before the dossier's file lock: parsing runs
        in parallel, commits to one case queue here instead of polling the lock file."""
        with self._locks_guard:
            lock = self._locks.setdefault(case_id, threading.Lock())
        with lock:
            yield

    # -- entry points --------------------------------------------------------------------------
    def inbox_file(self, path: Path, expect: Signature | None = None) -> IngestResult:
        """One inbox file; ``expect`` is what the scan saw (another file under the name is not taken)."""
        job = _Job(path=path, name=inbox_layout.relative(self.inbox, path), manual=False,
                   original_name=inbox_layout.readable(path.name),
                   expect=(expect.device, expect.inode) if expect is not None and expect.device else None)
        return self._run(job, (self.route_by_path, self.take, self.check_case, self.parse,
                               self.route_by_cover, self.check_new_case, self.file))

    def manual_file(self, path: Path, case_id: str, slot: str | None) -> IngestResult:
        job = _Job(path=path, name=inbox_layout.readable(str(path)), manual=True,
                   original_name=inbox_layout.readable(path.name), case_id=case_id, slot=slot, route="manual")
        return self._run(job, (self.take_manual, self.check_case, self.parse, self.route_by_cover,
                               self.check_new_case, self.file))

    def note_failure(self, path: Path, detail: str) -> int:
        """An inbox file whose processing failed unexpectedly (a bug, an unforeseen name): counted
        durably, so after MAX_ATTEMPTS it is quarantined instead of being retried forever."""
        try:
            st = inbox_layout.lstat_at(self.inbox, path)
        except OSError:
            return 0
        return self.attempts.fail(_attempt_key(inbox_layout.relative(self.inbox, path), st), detail)

    def _run(self, job: _Job, steps: Sequence[Callable[[_Job], None]]) -> IngestResult:
        started = time.monotonic()
        try:
            for step in steps:
                step(job)
            raise AssertionError("the last step always ends the job")  # pragma: no cover
        except _Done as done:
            result = done.result
        except CasefileError as exc:  # lock timeout, disk full, file changed meanwhile: nothing was changed
            result = IngestResult(Outcome.RETRY, job.name, job.case_id, detail=exc.message)
        finally:
            if job.staging is not None:
                shutil.rmtree(job.staging, ignore_errors=True)
        result.seconds = time.monotonic() - started
        result.manual = job.manual
        return result

    # -- endings ---------------------------------------------------------------------------------
    def _set_aside(self, job: _Job, reason: Reason, detail: str = "") -> None:
        """Quarantine/unmatched for the inbox; a plain refusal for a manual add (the user's file stays)."""
        if job.manual:
            raise _Done(IngestResult(Outcome.REJECTED, job.name, job.case_id, reason=reason, detail=detail))
        outcome = Outcome.QUARANTINED if reason.quarantine else Outcome.UNMATCHED
        try:
            faults.point("evidence.before_set_aside")
            target = inbox_layout.set_aside(self.inbox, job.path, reason, detail, self.clock(), case_id=job.case_id,
                                            expect=job.ident[:2] if job.ident else job.expect)
        except FileNotFoundError:
            raise _Done(IngestResult(Outcome.SKIPPED, job.name)) from None
        except inbox_layout.PathChanged as exc:
            raise _Done(IngestResult(Outcome.SKIPPED, job.name, detail=exc.strerror or "")) from None
        except OSError as exc:
            raise _Done(IngestResult(
                Outcome.RETRY, job.name, job.case_id, reason=reason,
                detail=f"应移出收件目录（{reason.text}），但无法移动：{exc.strerror or exc}",
            )) from None
        if job.ident is not None:
            self.attempts.clear(_attempt_key(job.name, job.ident))
        raise _Done(IngestResult(outcome, job.name, job.case_id, reason=reason, detail=detail,
                                 moved_to=inbox_layout.relative(self.inbox, target),
                                 text_status=TextStatus.QUARANTINED if reason.quarantine else None))

    # -- steps -----------------------------------------------------------------------------------
    def route_by_path(self, job: _Job) -> None:
        route = inbox_layout.route_by_path(self.inbox, job.path)
        job.case_id, job.slot, job.route, job.folder = route.case_id, route.slot, route.how, route.folder

    def take(self, job: _Job) -> None:
        """The inbox file, through folder handles: checked, then copied once into staging."""
        faults.point("evidence.take")
        try:
            with inbox_layout.parent_dir(self.inbox, job.path) as (dfd, name):
                st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
                target = ""
                if stat.S_ISLNK(st.st_mode):
                    with contextlib.suppress(OSError):
                        target = inbox_layout.readable(os.readlink(name, dir_fd=dfd))
        except FileNotFoundError:
            raise _Done(IngestResult(Outcome.SKIPPED, job.name)) from None
        except inbox_layout.PathChanged as exc:  # a folder on the way became a link: never entered
            raise _Done(IngestResult(Outcome.SKIPPED, job.name, detail=exc.strerror or "")) from None
        except OSError as exc:
            raise _Done(IngestResult(Outcome.RETRY, job.name, detail=f"无法读取：{exc.strerror}")) from None
        if job.expect is not None and (st.st_dev, st.st_ino) != job.expect:
            raise _Done(IngestResult(Outcome.SKIPPED, job.name, detail="文件在等待处理期间被替换，将作为新文件处理"))
        job.ident = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        if stat.S_ISLNK(st.st_mode):
            # where it points, worked out as text (the link is never followed)
            where = os.path.normpath(os.path.join(os.path.dirname(job.path), target)) if target else ""
            outside = "，指向收件目录之外" if where and not where.startswith(os.path.join(str(self.inbox), "")) else ""
            self._set_aside(job, Reason.SYMLINK, f"指向 {target}{outside}" if target else "")
        if not stat.S_ISREG(st.st_mode):
            self._set_aside(job, Reason.NOT_REGULAR)
        if st.st_size == 0:
            self._set_aside(job, Reason.EMPTY)
        key = _attempt_key(job.name, st)
        failed = self.attempts.get(key)
        if failed is not None and failed[0] >= MAX_ATTEMPTS:
            self._set_aside(job, Reason.REPEATED_FAILURE, f"已失败{failed[0]}次，最后一次：{failed[1]}")
        writers = open_writers(st.st_dev, st.st_ino)
        if writers:
            raise _Done(IngestResult(Outcome.RETRY, job.name, detail=f"文件仍在写入（进程 {'、'.join(map(str, writers[:3]))}）"))
        try:
            with inbox_layout.open_file(self.inbox, job.path, (st.st_dev, st.st_ino)) as (fd, fst):
                self._copy_in(job, fd, fst)
        except FileNotFoundError:
            raise _Done(IngestResult(Outcome.SKIPPED, job.name)) from None
        except inbox_layout.PathChanged as exc:
            raise _Done(IngestResult(Outcome.SKIPPED, job.name, detail=exc.strerror or "")) from None

    def take_manual(self, job: _Job) -> None:
        """``evidence add``: the user names the file on purpose (a link is followed to its target);
        it is opened once and copied, so what is hashed is what is parsed and filed."""
        try:
            fd = os.open(job.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            if os.path.lexists(job.path):
                raise _Done(IngestResult(Outcome.REJECTED, job.name, detail="符号链接指向的文件不存在")) from None
            raise _Done(IngestResult(Outcome.SKIPPED, job.name)) from None
        except OSError as exc:
            raise _Done(IngestResult(Outcome.REJECTED, job.name, detail=f"无法读取：{exc.strerror}")) from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                self._set_aside(job, Reason.NOT_REGULAR)
            if st.st_size == 0:
                self._set_aside(job, Reason.EMPTY)
            self._copy_in(job, fd, st)
        finally:
            os.close(fd)

    def _copy_in(self, job: _Job, fd: int, st: os.stat_result) -> None:
        """Copy the open file into a fresh private staging folder, hashing on the way; a file that
        changed while being copied is left for later."""
        if not stat.S_ISREG(st.st_mode):
            self._set_aside(job, Reason.NOT_REGULAR)
        job.staging = _new_staging(self.ws)
        suffix = PurePath(job.original_name).suffix.lower()  # some parsers go by the extension (openpyxl)
        copy = job.staging / (SOURCE_COPY + (suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""))
        h = hashlib.sha256()
        try:
            out = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                while chunk := os.read(fd, 1 << 20):
                    h.update(chunk)
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(out, view):]
            finally:
                os.close(out)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                raise StorageError(f"磁盘空间不足或不可写，暂未处理（{exc.strerror}），文件保持原样") from None
            raise _Done(IngestResult(Outcome.REJECTED if job.manual else Outcome.RETRY, job.name,
                                     detail=f"无法读取：{exc.strerror}")) from None
        after = os.fstat(fd)
        if (after.st_size, after.st_mtime_ns) != (st.st_size, st.st_mtime_ns) or os.path.getsize(copy) != st.st_size:
            raise _Done(IngestResult(Outcome.REJECTED if job.manual else Outcome.RETRY, job.name,
                                     detail="读取期间文件被修改，待文件稳定后重试"))
        job.size, job.mtime_ns, job.ctime_ns, job.inode = st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino
        job.sha256 = job.content_sha256 = h.hexdigest()
        job.source_copy = job.content_path = copy

    def check_case(self, job: _Job) -> None:
        """Known case, open, and not already holding this content (a quick read of case.json; the
        transaction checks again under the lock)."""
        if job.case_id is None:
            return
        job.checked = (job.case_id, job.content_sha256)
        state, evidence = self._case_summary(job)
        if state == State.ARCHIVED.value:
            self._set_aside(job, Reason.CASE_ARCHIVED, f"案件 {job.case_id}")
        wanted = {job.sha256, job.content_sha256}
        for ev in evidence:
            if ev.get("sha256") in wanted or (ev.get("source_sha256") and ev.get("source_sha256") in wanted):
                self._duplicate(job, str(ev.get("ev_id")))

    def check_new_case(self, job: _Job) -> None:
        """check_case again only if the parse changed what is known (a cover page named the case, or
        what is filed is the cover-stripped PDF); otherwise the transaction's own re-check suffices."""
        if job.checked != (job.case_id, job.content_sha256):
            self.check_case(job)

    def _case_summary(self, job: _Job) -> tuple[str, list[dict[str, Any]]]:
        """(state, evidence entries) straight from case.json: cheaper than validating the whole record
        for every file of a burst. A file that is not plain JSON gets the full load and its error."""
        assert job.case_id is not None
        try:
            dossier = Dossier(self.ws, check_case_id(job.case_id))
            if not dossier.path.is_dir():
                raise CaseNotFound(job.case_id)
            try:
                raw = json.loads(dossier.case_path.read_bytes())
                return str(raw["state"]), list(raw.get("evidence") or [])
            except (OSError, ValueError, KeyError, TypeError):
                case = dossier.load()
                return case.state.value, [e.model_dump() for e in case.evidence]
        except (CaseNotFound, InvalidCaseId):
            self._set_aside(job, Reason.CASE_NOT_FOUND, f"案件 {job.case_id} 不存在")
            raise AssertionError from None  # pragma: no cover - _set_aside always raises

    def parse(self, job: _Job) -> None:
        if job.analysis is not None:
            return
        assert job.staging is not None and job.source_copy is not None
        result = parse_file(self.ws, job.source_copy, job.original_name, job.staging, pool=self.pool,
                            python=self.python)
        if result.code == "storage":  # the disk is full, not the file bad: leave it where it is
            raise StorageError(f"磁盘空间不足或不可写，暂未解析（{result.detail}），文件保持原样")
        if not result.ok:
            reason = _reason_for(result.code)
            if reason in (Reason.TRUNCATED, Reason.CORRUPT) and not job.manual:
                self._unless_still_arriving(job, reason, result.detail)
            self._set_aside(job, reason, result.detail)
        assert result.data is not None
        job.analysis = result.data
        content = result.data.get("content_file")
        if content:
            job.content_path = Path(content)
            job.content_sha256 = sha256_file(job.content_path)

    def _unless_still_arriving(self, job: _Job, reason: Reason, detail: str) -> None:
        """A copy that stalls looks truncated. Believe it only once the file has rested for
        ``truncated_patience`` seconds (by its mtime) and nobody holds it open for writing."""
        assert job.ident is not None
        age = time.time() - job.ident[3] / 1e9
        writers = open_writers(job.ident[0], job.ident[1])
        if writers or age < self.truncated_patience:
            why = f"进程 {'、'.join(map(str, writers[:3]))} 仍在写入" if writers else f"最后修改仅在{max(age, 0):.0f}秒前"
            raise _Done(IngestResult(Outcome.RETRY, job.name, job.case_id,
                                     detail=f"文件看来不完整（{reason.text.rstrip('。')}），但{why}，可能仍在复制，稍后再检查"))

    def route_by_cover(self, job: _Job) -> None:
        assert job.analysis is not None
        cover = job.analysis.get("cover")
        if cover:
            case_id = str(cover["case_id"])
            if job.case_id is not None and job.case_id != case_id:
                self._set_aside(job, Reason.COVER_CONFLICT, f"封面页为 {case_id}，而{_route_label(job)}为 {job.case_id}")
            if not job.analysis.get("content_file"):
                self._set_aside(job, Reason.COVER_ONLY, f"封面页指向案件 {case_id}")
            job.case_id = case_id
            if not (job.manual and job.slot):  # `evidence add --slot` is explicit; else the cover decides
                job.slot = cover.get("slot") or job.slot
            job.route = "cover" if job.route in ("none", "manual") else job.route
            return
        if job.case_id is None:
            detail = f"子目录“{job.folder}”不是案件ID" if job.folder else ""
            self._set_aside(job, Reason.NO_CASE, detail)

    def file(self, job: _Job) -> None:
        assert job.case_id is not None and job.analysis is not None and job.content_path is not None
        a = job.analysis
        status = TextStatus(a["status"])
        kind = Kind(a["kind"])
        dossier = Dossier(self.ws, job.case_id)
        now = self.clock()
        try:
            with self._case_turn(job.case_id), dossier.transaction(self.actor, now) as tx:
                existing = _find_existing(tx.case, job.sha256, job.content_sha256)
                if existing is not None and not job.manual and _is_own_leftover(dossier, job):
                    # check_case read the dossier before the lock's recovery rolled our own
                    # interrupted commit forward: this very file is already filed
                    result = IngestResult(Outcome.ALREADY_FILED, job.name, job.case_id, ev_id=existing.ev_id)
                elif existing is not None:  # filed by someone else since check_case
                    self._note_duplicate(tx, job, existing)
                    result = IngestResult(Outcome.DUPLICATE, job.name, job.case_id, ev_id=existing.ev_id)
                else:
                    record = self._add_record(tx, job, kind, status, now)
                    result = IngestResult(Outcome.FILED, job.name, job.case_id, ev_id=record.ev_id, text_status=status,
                                          slot=job.slot)
                faults.point("evidence.before_commit")
        except CaseNotFound:
            self._set_aside(job, Reason.CASE_NOT_FOUND, f"案件 {job.case_id} 不存在")
        except CaseArchived:
            self._set_aside(job, Reason.CASE_ARCHIVED, f"案件 {job.case_id}")
        if not job.manual and not self._remove_source(job):
            result.warnings.append("已归档，但无法从收件目录删除原文件（目录只读？）；下次处理时会识别为已归档")
        faults.point("evidence.after_commit")
        raise _Done(result)

    def _remove_source(self, job: _Job) -> bool:
        """Delete the inbox file last, and only while its name still holds what was filed."""
        assert job.ident is not None
        try:
            gone = inbox_layout.unlink_if_same(self.inbox, job.path, job.ident)
        except OSError:
            gone = False
        if gone:
            self.attempts.clear(_attempt_key(job.name, job.ident))
        return gone

    # -- dossier writes ------------------------------------------------------------------------------
    def _add_record(self, tx: Any, job: _Job, kind: Kind, status: TextStatus, now: datetime) -> EvidenceRecord:
        a = job.analysis
        assert a is not None and job.content_path is not None
        case: Case = tx.case
        ev_id = _next_ev_id(case)
        name = safe_name(_without_case_prefix(job.original_name, job.case_id), kind)
        rel = f"{EVIDENCE_DIR}/{ev_id}-{name}"
        faults.point("evidence.before_copy")
        target = tx.copy_file(rel, job.content_path)
        if sha256_file(target) != job.content_sha256:
            raise StorageError(f"复制到案卷后的文件 {rel} 校验失败（SHA-256 不符），已撤销，稍后重试。")
        if not job.manual:
            try:
                st = inbox_layout.lstat_at(self.inbox, job.path)
            except OSError:
                st = None
            # (the copy's own SHA-256 check above already proves what was copied is what was hashed)
            if st is None or (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != job.ident:
                raise StorageError("处理期间文件被修改，已撤销，待文件稳定后重试。")
        texts: list[str] = list(a.get("page_texts") or [])
        text = "\f".join(texts).strip("\f")
        text_rel = None
        if text.strip():
            text_rel = f"{EVIDENCE_DIR}/{ev_id}.txt"
            tx.write_file(text_rel, (text + "\n").encode("utf-8"))
        archive_rel = None
        if a.get("archive_pdf"):
            archive_rel = f"{EVIDENCE_DIR}/{ev_id}-{PurePath(name).stem}.pdf"
            tx.copy_file(archive_rel, Path(a["archive_pdf"]))
        notes = list(a.get("notes") or [])
        if job.content_path != job.source_copy:
            notes.insert(0, "已去掉封面页")
        record = EvidenceRecord(
            ev_id=ev_id, original_name=job.original_name, file=rel, sha256=job.content_sha256,
            size=target.stat().st_size, pages=a.get("pages"), received_at=now,
            source="manual" if job.manual else f"inbox/{job.name}", slot=job.slot, media_type=a.get("media_type"),
            text_status=status.value, text_file=text_rel, text_chars=sum(1 for c in text if not c.isspace()),
            archive_pdf=archive_rel, note="；".join(notes) or None,
            source_sha256=job.sha256 if job.sha256 != job.content_sha256 else None,
        )
        case.evidence.append(record)
        tx.event(EVENT_FILED, ev_id=ev_id, name=job.original_name, file=rel, sha256=record.sha256, size=record.size,
                 source=record.source, route=job.route, slot=job.slot, text_status=status.value,
                 source_key=None if job.manual else job.source_key, source_sha256=job.sha256)
        return record

    def _note_duplicate(self, tx: Any, job: _Job, existing: EvidenceRecord) -> None:
        now = tx.now
        rec = next(e for e in tx.case.evidence if e.ev_id == existing.ev_id)
        rec.duplicates.append(now)
        tx.event(EVENT_DUPLICATE, label=f"重复提交证据 {rec.ev_id}（未重复归档）", ev_id=rec.ev_id, name=job.original_name,
                 sha256=job.sha256, source="manual" if job.manual else f"inbox/{job.name}",
                 source_key=None if job.manual else job.source_key)

    def _duplicate(self, job: _Job, ev_id: str) -> None:
        assert job.case_id is not None
        dossier = Dossier(self.ws, job.case_id)
        if not job.manual and _is_own_leftover(dossier, job):
            # We filed this very file and were stopped before deleting it: finish the job.
            res = IngestResult(Outcome.ALREADY_FILED, job.name, job.case_id, ev_id=ev_id)
            if not self._remove_source(job):
                res.warnings.append("无法从收件目录删除原文件（目录只读？）")
            raise _Done(res)
        with self._case_turn(job.case_id), dossier.transaction(self.actor, self.clock()) as tx:
            existing = _find_existing(tx.case, job.sha256, job.content_sha256)
            if existing is None:  # gone meanwhile? then nothing is known about it: file it normally
                return
            self._note_duplicate(tx, job, existing)
        res = IngestResult(Outcome.DUPLICATE, job.name, job.case_id, ev_id=existing.ev_id)
        if not job.manual and not self._remove_source(job):
            res.warnings.append("无法从收件目录删除重复的原文件（目录只读？）")
        raise _Done(res)


# == helpers ========================================================================================
def _attempt_key(name: str, st: os.stat_result | tuple[int, int, int, int]) -> str:
    dev, ino, size, mtime = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) if isinstance(st, os.stat_result) else st
    return f"{name}|{dev}|{ino}|{size}|{mtime}"


class Attempts:
    """Failures per inbox file, kept on disk (``.casefile/evidence-attempts.json``) so a restart
    does not start counting again. Only the watcher writes it (one per workspace); the threads of
    one watcher share a lock."""

    MAX_KEPT = 1000

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> dict[str, list[Any]]:
        try:
            data = json.loads(self.path.read_bytes())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save(self, data: dict[str, list[Any]]) -> None:
        from casefile.store import atomic_write

        with contextlib.suppress(OSError, StorageError):
            if data:
                atomic_write(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
            elif self.path.exists():
                self.path.unlink()

    def get(self, key: str) -> tuple[int, str] | None:
        with self._lock:
            got = self._load().get(key)
        return (int(got[0]), str(got[1])) if got else None

    def fail(self, key: str, detail: str) -> int:
        with self._lock:
            data = self._load()
            n = int((data.get(key) or [0])[0]) + 1
            data[key] = [n, detail[:300]]
            if len(data) > self.MAX_KEPT:  # files long gone: forget the oldest
                for old in list(data)[: len(data) - self.MAX_KEPT]:
                    del data[old]
            self._save(data)
        return n

    def clear(self, key: str) -> None:
        with self._lock:
            data = self._load()
            if data.pop(key, None) is not None:
                self._save(data)


def open_writers(dev: int, ino: int) -> list[int]:
    """Processes (of this user: others' /proc entries are closed to us) holding the file open for
    writing: a copy in progress, however long it pauses. Empty where /proc is missing."""
    me = os.getpid()
    found: list[int] = []
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return found
    for pid in pids:
        if pid == me:
            continue
        fd_dir = f"/proc/{pid}/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                st = os.stat(f"{fd_dir}/{fd}")
            except OSError:
                continue
            if st.st_ino != ino or st.st_dev != dev:
                continue
            try:
                with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as f:
                    flags = next((int(line.split()[1], 8) for line in f if line.startswith("flags:")), 0)
            except (OSError, ValueError):
                continue
            if flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR):
                found.append(pid)
                break
    return found


def _new_staging(ws: Workspace) -> Path:
    """A fresh private folder under ``.casefile/evidence-work`` (never reached through a link)."""
    root = ws.state_dir / STAGING_DIR
    try:
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISLNK(os.lstat(root).st_mode) or not root.is_dir():
                os.unlink(root)  # a link or a file where our work folder belongs: not ours to follow
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging = root / uuid.uuid4().hex
        os.mkdir(staging, 0o700)
        if stat.S_ISLNK(os.lstat(root).st_mode):
            raise StorageError(f"临时目录 {root} 被替换为符号链接，已停止处理；请检查工作区的权限。")
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise StorageError(f"磁盘空间不足或不可写，无法创建临时目录 {root}（{exc.strerror}），文件保持原样") from None
        raise StorageError(f"无法创建临时目录 {root}：{exc.strerror}") from None
    return staging


def parse_file(ws: Workspace, path: Path, name: str, out_dir: Path, *, password: str | None = None,
               detect_cover: bool = True, pool: WorkerPool | None = None, python: str | None = None) -> WorkerResult:
    cfg = ws.settings.evidence
    timeout = cfg.parse_timeout_seconds
    req = WorkerRequest(
        path=str(path), name=name, out_dir=str(out_dir), password=password, ocr=cfg.max_ocr_pages > 0,
        ocr_dpi=cfg.ocr_dpi, max_pixels=cfg.max_pixels, max_ocr_pages=cfg.max_ocr_pages,
        memory_limit_mb=cfg.memory_limit_mb, budget_seconds=max(1.0, timeout * 0.85 - 1.0), detect_cover=detect_cover,
        hard_seconds=timeout,
    )
    if pool is not None:
        return pool.parse(req, timeout=timeout)
    return parse_isolated(req, timeout=timeout, python=python)


def _reason_for(code: str) -> Reason:
    try:
        return Reason.from_code(code)
    except ValueError:
        return Reason.CORRUPT


def _route_label(job: _Job) -> str:
    return {"folder": "所在子目录", "prefix": "文件名", "manual": "命令指定的案件"}.get(job.route, "路径")


def _find_existing(case: Case, *shas: str) -> EvidenceRecord | None:
    wanted = {s for s in shas if s}
    for ev in case.evidence:
        if ev.sha256 in wanted or (ev.source_sha256 and ev.source_sha256 in wanted):
            return ev
    return None


def _is_own_leftover(dossier: Dossier, job: _Job) -> bool:
    """Did a committed transaction already take this exact inbox file (same path, size, mtime)?"""
    entries, _problems = dossier.journal()
    for entry in reversed(entries):
        if entry.type in (EVENT_FILED, EVENT_DUPLICATE) and entry.payload.get("source_key") == job.source_key:
            return True
    return False


def _next_ev_id(case: Case) -> str:
    numbers = [int(e.ev_id[1:]) for e in case.evidence if e.ev_id[:1] == "E" and e.ev_id[1:].isdigit()]
    return f"E{max(numbers, default=0) + 1:03d}"


_FORBIDDEN = set('/\\:*?"<>|')


def safe_name(name: str, kind: Kind) -> str:
    """A file name that is safe in the dossier on any file system: NFKC, no separators, control or
    reserved characters, no leading dots, no ``..``, at most MAX_NAME_BYTES bytes, and an extension
    that matches the content (a misleading one stays visible: ``扫描.pdf.jpg``)."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join("_" if (c in _FORBIDDEN or not c.isprintable()) else c for c in text)
    while ".." in text:
        text = text.replace("..", ".")
    text = text.strip(" .") or "file"
    path = PurePath(text)
    ext = extension_for(kind, text)
    if path.suffix and path.suffix.lower() == ext:
        stem, ext = path.stem, path.suffix
    else:
        stem = text
    stem = stem.strip(" .") or "file"
    budget = MAX_NAME_BYTES - len(ext.encode("utf-8"))
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1]
    return f"{stem}{ext}"


def _without_case_prefix(name: str, case_id: str | None) -> str:
    """"SBZY-…-0003_工资条.pdf" is filed as "E001-工资条.pdf": the dossier already says which case."""
    if case_id and name.upper().startswith(case_id):
        rest = name[len(case_id):].lstrip(" _-—　")
        if PurePath(rest).stem:
            return rest
    return name


def clean_staging(ws: Workspace) -> None:
    """Remove what an interrupted run left in the staging area."""
    shutil.rmtree(ws.state_dir / STAGING_DIR, ignore_errors=True)


# == public API ======================================================================================
def ingest_inbox_file(ws: Workspace, path: Path, *, actor: ActorLike, clock: Callable[[], datetime]) -> IngestResult:
    return Ingest(ws, actor, clock).inbox_file(path)


def add_files(ws: Workspace, case_id: str, files: Sequence[Path], *, actor: ActorLike, clock: Callable[[], datetime],
              slot: str | None = None, progress: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
    """``casefile evidence add``: file by hand through the same steps. The user's files are never
    deleted or moved; a bad file is refused (REJECTED) instead of quarantined."""
    from casefile.evidence.coversheet import clean_slot

    cid = check_case_id(case_id.upper())
    case = Dossier(ws, cid).load()
    if case.state is State.ARCHIVED:
        raise CaseArchived(f"案件 {cid} 已归档，不能再添加证据；如需补充请先运行 casefile reopen {cid} --reason …。")
    results = []
    # one file: a one-shot worker; several: a fork server, so imports are paid once
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(WorkerPool(1)) if len(files) > 1 else None
        ingest = Ingest(ws, actor, clock, pool=pool)
        for f in files:
            res = ingest.manual_file(Path(f), cid, clean_slot(slot) if slot else None)
            results.append(res)
            if progress is not None:
                progress(res)
    return results


def list_evidence(ws: Workspace, case_id: str) -> list[EvidenceRecord]:
    return list(Dossier(ws, check_case_id(case_id.upper())).load().evidence)


def read_text(ws: Workspace, case_id: str, ev_id: str) -> str:
    dossier = Dossier(ws, check_case_id(case_id.upper()))
    rec = _record(dossier.load(), ev_id)
    if not rec.text_file:
        return ""
    return dossier.safe_path(rec.text_file).read_text(encoding="utf-8")


def _record(case: Case, ev_id: str) -> EvidenceRecord:
    want = ev_id.strip().upper()
    for ev in case.evidence:
        if ev.ev_id == want:
            return ev
    ids = "、".join(e.ev_id for e in case.evidence) or "（无）"
    raise EvidenceRejected(f"案件 {case.id} 中没有证据 {want}；现有证据：{ids}。", code="evidence-not-found")


def unlock(ws: Workspace, case_id: str, ev_id: str, password: str, *, actor: ActorLike, now: datetime) -> EvidenceRecord:
    """Open a ``needs-password`` evidence file with its password: extract (OCR) its text and update
    the record. The filed file itself is kept as received; the password is stored nowhere."""
    dossier = Dossier(ws, check_case_id(case_id.upper()))
    rec = _record(dossier.load(), ev_id)
    if rec.text_status != TextStatus.NEEDS_PASSWORD.value:
        raise EvidenceRejected(f"证据 {rec.ev_id} 没有加密（文字状态：{_status_label(rec.text_status)}），无需解锁。",
                               code="not-encrypted")
    staging = _new_staging(ws)
    try:
        result = parse_file(ws, dossier.safe_path(rec.file), rec.original_name, staging, password=password,
                            detect_cover=False)
        if result.code == "storage":
            raise StorageError(f"磁盘空间不足或不可写，无法解锁证据 {rec.ev_id}（{result.detail}）；请清理空间后重试。")
        if not result.ok:
            if result.code == "wrong-password":
                raise EvidenceRejected(f"密码不正确，无法打开证据 {rec.ev_id}（{_shown(rec.original_name)}）。", code="wrong-password")
            reason = _reason_for(result.code)
            raise EvidenceRejected(f"无法打开证据 {rec.ev_id}：{reason.text}（{result.detail}）", code=reason.code)
        data = result.data or {}
        status = TextStatus(data["status"])
        if status is TextStatus.NEEDS_PASSWORD:
            raise EvidenceRejected(f"密码不正确，无法打开证据 {rec.ev_id}（{_shown(rec.original_name)}）。", code="wrong-password")
        text = "\f".join(data.get("page_texts") or []).strip("\f")
        with dossier.transaction(actor, now) as tx:
            target = next(e for e in tx.case.evidence if e.ev_id == rec.ev_id)
            text_rel = None
            if text.strip():
                text_rel = f"{EVIDENCE_DIR}/{target.ev_id}.txt"
                if dossier.safe_path(text_rel).exists():  # never let a rollback remove an older file
                    text_rel = f"{EVIDENCE_DIR}/{target.ev_id}-{uuid.uuid4().hex[:6]}.txt"
                tx.write_file(text_rel, (text + "\n").encode("utf-8"))
            target.text_status = status.value
            target.text_file = text_rel
            target.text_chars = sum(1 for c in text if not c.isspace())
            target.pages = data.get("pages") if data.get("pages") is not None else target.pages
            notes = ["已用密码解锁", *(data.get("notes") or [])]
            target.note = "；".join(notes)
            tx.event(EVENT_UNLOCKED, label=f"证据 {target.ev_id} 已解锁并提取文字", ev_id=target.ev_id,
                     text_status=status.value, text_chars=target.text_chars)
            updated = target.model_copy()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return updated


def _status_label(value: str) -> str:
    try:
        return TextStatus(value).label
    except ValueError:
        return value
