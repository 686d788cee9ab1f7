"""The dossier on disk: the only module that knows the layout of a case folder.

A case lives in ``archive/<year>/<case-id>/`` with ``case.json`` (current record), ``journal.jsonl``
(append-only, hash-chained), ``documents/`` and ``evidence/``. Every change is a transaction made
under the dossier's lock; its commit record is one journal line. The protocol (intent file, new files,
``.case.json.next``, journal line, rename) lets :meth:`Dossier.recover` roll an interrupted
transaction forward or back, so a kill -9 at any instant leaves the old state or the new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile import events, faults
from casefile.config import Workspace
from casefile.errors import (
    CaseArchived,
    CaseNotFound,
    CorruptRecord,
    InvalidCaseId,
    TamperDetected,
)
from casefile.fsio import LOCK_TIMEOUT as LOCK_TIMEOUT
from casefile.fsio import atomic_write as atomic_write
from casefile.fsio import fsync_dir as fsync_dir
from casefile.fsio import locked as fsio_locked
from casefile.fsio import on_read_only_medium, storage_error
from casefile.identity import Actor, ActorLike, actor_name
from casefile.layout import ACCESS_LOG as ACCESS_LOG
from casefile.layout import ARCHIVE_META as ARCHIVE_META
from casefile.layout import CASE_FILE as CASE_FILE
from casefile.layout import CASE_ID_RE as CASE_ID_RE
from casefile.layout import DOCUMENTS_DIR as DOCUMENTS_DIR
from casefile.layout import EVIDENCE_DIR as EVIDENCE_DIR
from casefile.layout import GENESIS as GENESIS
from casefile.layout import INTENT_FILE as INTENT_FILE
from casefile.layout import JOURNAL_FILE as JOURNAL_FILE
from casefile.layout import NEXT_FILE as NEXT_FILE
from casefile.layout import PRESERVATION_DIR as PRESERVATION_DIR
from casefile.layout import SEQ_DIR as SEQ_DIR
from casefile.layout import case_folder
from casefile.models.enums import State

if TYPE_CHECKING:  # the models (pydantic) load only when a record is parsed: reads of raw records stay fast
    from casefile.models.case import Case



# -- low-level durable writes: casefile.fsio (shared with the read paths, which must not load models) --
_storage_error = storage_error


def _rmtree(path: Path, ignore_errors: bool = True) -> None:
    import shutil  # only writers remove folders: a read does not load it

    shutil.rmtree(path, ignore_errors=ignore_errors)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1, default=str).encode("utf-8")


def case_bytes(case: Case) -> bytes:
    return case.model_dump_json(indent=1).encode("utf-8")


# -- scratch space --------------------------------------------------------------------------------
SCRATCH_DIR = "work"


@contextlib.contextmanager
def scratch_dir(ws: Workspace, purpose: str) -> Iterator[Path]:
    """A scratch folder inside the workspace (``.casefile/work/<purpose>-<pid>-<hex>``), removed
    afterwards. Converted copies of a case's documents are personal data: a process killed while
    using one must not leave them in the system temp folder, where nothing would ever clean up;
    here :func:`clean_scratch` (run by ``fsck`` and before archiving) removes what dead processes left."""
    root = ws.state_dir / SCRATCH_DIR
    try:
        root.mkdir(parents=True, exist_ok=True)
        import tempfile

        path = Path(tempfile.mkdtemp(prefix=f"{purpose}-{os.getpid()}-", dir=root))
    except OSError as exc:
        raise _storage_error(exc, root) from None
    try:
        yield path
    finally:
        _rmtree(path, ignore_errors=True)


def clean_scratch(ws: Workspace) -> list[str]:
    """Remove scratch folders whose process is gone; returns their names."""
    root = ws.state_dir / SCRATCH_DIR
    removed: list[str] = []
    if not root.is_dir():
        return removed
    for p in root.iterdir():
        m = re.match(r"^.+-(\d+)-[^-]+$", p.name)
        if not m:
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # still running
        except ProcessLookupError:
            pass
        except (PermissionError, OverflowError):
            continue
        _rmtree(p, ignore_errors=True)
        removed.append(p.name)
    return removed


# -- locks ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def locked(ws: Workspace, name: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    with fsio_locked(ws.state_dir, name, timeout):
        yield


# -- case ids --------------------------------------------------------------------------------
def check_case_id(case_id: str) -> str:
    cid = case_id.strip()
    if not CASE_ID_RE.match(cid):
        raise InvalidCaseId(
            f"案件ID“{_printable(cid)}”格式不正确，应形如 SBZY-140932-2026-0001（字母-6位区划-年份-序号）。"
        )
    return cid


def _printable(text: str) -> str:
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shown if len(shown) <= 60 else shown[:57] + "…"


# -- journal ----------------------------------------------------------------------------------
@dataclass
class JournalEntry:
    seq: int
    time: str
    actor: str
    type: str
    payload: dict[str, Any]
    prev: str
    case_sha256: str
    tx: str
    raw: bytes = b""
    files: dict[str, str] = field(default_factory=dict)  # files this transaction wrote: path -> SHA-256

    @property
    def sha256(self) -> str:
        return sha256_bytes(self.raw)


@dataclass
class ChainProblem:
    line: int
    message: str


def encode_entry(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


CHECK_KEY = "check"


def line_check(obj: dict[str, Any]) -> str:
    return sha256_bytes(encode_entry({k: v for k, v in obj.items() if k != CHECK_KEY}))[:16]


def seal_entry(entry: dict[str, Any]) -> bytes:
    """A journal line carrying a checksum of itself. The chain covers each line through the next
    line's ``prev``; the last line has no next line, so without this an edit of it went unnoticed."""
    return encode_entry({**entry, CHECK_KEY: line_check(entry)})


# The last verdicts of read_journal in this process, keyed by the path and the SHA-256 of the whole file
# as read: a web server reads one journal several times a request (the page, the check before a
# write, the catalog refresh after it), and a long journal costs milliseconds a line. Any change to any
# byte changes the digest, so a cached verdict is exactly the one a fresh parse would give. A journal
# that grew by whole lines (its earlier bytes hashing to the remembered digest) is verified from where
# the remembered verdict ends: a line's verdict depends only on the lines before it.
@dataclass(frozen=True)
class _Verdict:
    digest: bytes  # SHA-256 of the bytes verified
    size: int
    lines: int  # lines read (valid or not)
    prev: str  # what the next line's ``prev`` must be
    entries: list[JournalEntry]
    problems: list[ChainProblem]


_VERIFIED: dict[str, _Verdict] = {}
_VERIFIED_MAX = 32
_VERIFIED_LOCK = threading.Lock()


def read_journal(path: Path) -> tuple[list[JournalEntry], list[ChainProblem]]:
    """Parse and verify the hash chain; report every broken link instead of stopping at the first."""
    if not path.exists():
        return [], [ChainProblem(0, "日志文件缺失")]
    data = path.read_bytes()
    key, digest = str(path), hashlib.sha256(data).digest()
    hit = _VERIFIED.get(key)
    if hit is not None and hit.digest == digest:
        return list(hit.entries), list(hit.problems)
    if (hit is not None and 0 < hit.size < len(data) and data[hit.size - 1:hit.size] == b"\n"
            and hashlib.sha256(data[:hit.size]).digest() == hit.digest):
        verdict = _verify_journal(data, digest, hit)
    else:
        verdict = _verify_journal(data, digest)
    with _VERIFIED_LOCK:  # the web server's threads share the cache
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.pop(next(iter(_VERIFIED)), None)
        _VERIFIED[key] = verdict
    return list(verdict.entries), list(verdict.problems)


def _verify_journal(data: bytes, digest: bytes, before: _Verdict | None = None) -> _Verdict:
    """The verdict on ``data``; with ``before``, the verdict on its first ``before.size`` bytes, which
    are then not read again."""
    entries: list[JournalEntry] = list(before.entries) if before else []
    problems: list[ChainProblem] = list(before.problems) if before else []
    lines = data[before.size if before else 0:].split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    prev = before.prev if before else GENESIS
    i = before.lines if before else 0
    for raw in lines:
        i += 1
        try:
            obj = json.loads(raw)
            entry = JournalEntry(
                seq=int(obj["seq"]), time=str(obj["time"]), actor=str(obj["actor"]), type=str(obj["type"]),
                payload=dict(obj.get("payload") or {}), prev=str(obj["prev"]),
                case_sha256=str(obj.get("case_sha256", "")), tx=str(obj.get("tx", "")), raw=raw,
                files={str(k): str(v) for k, v in dict(obj.get("files") or {}).items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            problems.append(ChainProblem(i, f"第{i}行不是有效的日志记录"))
            prev = sha256_bytes(raw)
            continue
        if CHECK_KEY in obj and obj[CHECK_KEY] != line_check(obj):  # lines written before the check have none
            problems.append(ChainProblem(i, f"第{i}行的内容与其校验值不符（记录被修改）"))
        if entry.prev != prev:
            problems.append(ChainProblem(i, f"第{i}行的前序哈希与第{i - 1}行不符（记录被修改、删除、插入或调换）"))
        if entry.seq != i:
            problems.append(ChainProblem(i, f"第{i}行的序号为{entry.seq}，应为{i}"))
        entries.append(entry)
        prev = entry.sha256
    return _Verdict(digest, len(data), i, prev, entries, problems)


# -- the dossier -------------------------------------------------------------------------------
@dataclass
class Transaction:
    dossier: Dossier
    case: Case
    actor: str  # the name, as records and documents show it
    now: datetime
    identity: Actor | None = None  # login, department, channel and address, when a front end knows them
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    new_files: list[str] = field(default_factory=list)
    tx_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    cleanups: list[Path] = field(default_factory=list)
    file_hashes: dict[str, str] = field(default_factory=dict)  # recorded in the journal line

    def event(self, type_: str, **payload: Any) -> None:
        """Record what happened; ``type_`` must be an :class:`~casefile.models.events.EventType`."""
        from casefile.models.events import event_type  # writes only: a read does not load the event table

        self.events.append((str(event_type(type_)), payload))

    def write_file(self, relpath: str, data: bytes, *, mode: int = 0o644) -> Path:
        """Write a new file of this transaction (removed again if the transaction does not commit)."""
        target = self.dossier.safe_path(relpath)
        if relpath not in self.new_files:
            self.new_files.append(relpath)
            self.dossier._write_intent(self)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data, mode=mode)
        self.file_hashes[relpath] = sha256_bytes(data)
        return target

    def copy_file(self, relpath: str, source: Path) -> Path:
        """Copy a (possibly large) file in, fsynced, as a new file of this transaction."""
        target = self.dossier.safe_path(relpath)
        if relpath not in self.new_files:
            self.new_files.append(relpath)
            self.dossier._write_intent(self)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
        digest = hashlib.sha256()
        try:
            with source.open("rb") as src, tmp.open("wb") as dst:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    digest.update(chunk)
                    dst.write(chunk)
                dst.flush()
                faults.point("copy.before_fsync")
                os.fsync(dst.fileno())
            os.replace(tmp, target)
            fsync_dir(target.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise _storage_error(exc, target) from None
        self.file_hashes[relpath] = digest.hexdigest()
        return target

    def after_commit_delete(self, path: Path) -> None:
        """Remove a file only after the commit (the inbox source of filed evidence)."""
        self.cleanups.append(path)


class Dossier:
    def __init__(self, ws: Workspace, case_id: str) -> None:
        self.ws = ws
        self.case_id = check_case_id(case_id)
        self.path = case_folder(ws.archive_dir, self.case_id)

    # paths
    @property
    def case_path(self) -> Path:
        return self.path / CASE_FILE

    @property
    def journal_path(self) -> Path:
        return self.path / JOURNAL_FILE

    def safe_path(self, relpath: str) -> Path:
        p = (self.path / relpath).resolve()
        if not p.is_relative_to(self.path.resolve()) or relpath.startswith("/") or ".." in Path(relpath).parts:
            raise InvalidCaseId(f"路径“{_printable(relpath)}”越出了案卷目录。")
        return p

    def exists(self) -> bool:
        return self.case_path.is_file()

    def discard_if_untouched(self) -> bool:
        """Take back a dossier that holds nothing but its creation (one journal line, no documents,
        no evidence): for the step right after :meth:`create` failing (a full disk while issuing the
        first documents). Renamed aside first, like a half-built one, so fsck finishes a killed removal."""
        with self.lock():
            entries, problems = self.journal()
            if problems or len(entries) != 1:
                return False
            if any(p.is_file() for sub in (DOCUMENTS_DIR, EVIDENCE_DIR) for p in (self.path / sub).rglob("*")):
                return False
            aside = self.path.with_name(f".{self.case_id}.{uuid.uuid4().hex[:6]}.new")
            try:
                os.rename(self.path, aside)
                fsync_dir(self.path.parent)
            except OSError:
                return False
        _rmtree(aside, ignore_errors=True)
        events.committed(self.ws, self.case_id)
        return True

    # reading
    def load(self) -> Case:
        from pydantic import ValidationError

        from casefile.models.case import Case

        raw = self.read_raw()
        try:
            return Case.model_validate_json(raw)
        except ValidationError as exc:
            raise CorruptRecord(
                f"案件 {self.case_id} 的 case.json 已损坏（{exc.error_count()}处不符合格式），请运行 casefile fsck。"
            ) from None

    def read_raw(self) -> bytes:
        """The bytes of case.json, for readers that display a record without building the model."""
        if not self.path.is_dir():
            raise CaseNotFound(f"找不到案件 {self.case_id}。")
        try:
            raw = self.case_path.read_bytes()
        except FileNotFoundError:
            raise CorruptRecord(f"案件 {self.case_id} 缺少 case.json，请运行 casefile fsck。") from None
        return raw

    def journal(self) -> tuple[list[JournalEntry], list[ChainProblem]]:
        return read_journal(self.journal_path)

    def integrity_problems(self) -> list[str]:
        """Why this dossier cannot be trusted as it is: its journal missing, empty or broken, or
        case.json not the record the journal's last line names (changed outside casefile)."""
        entries, chain = self.journal()
        if not self.journal_path.exists():
            return ["日志文件 journal.jsonl 缺失（案件的全部办理记录不见了）"]
        out = [f"日志{p.message}" for p in chain]
        if not entries and not chain:
            out.append("日志 journal.jsonl 为空（案件的全部办理记录被清除）")
        if entries:
            try:
                actual = sha256_file(self.case_path)
            except FileNotFoundError:
                out.append("case.json 缺失")
            except OSError as exc:
                out.append(f"case.json 无法读取（{exc.strerror}）")
            else:
                if actual != entries[-1].case_sha256:
                    out.append(f"case.json 与日志第{len(entries)}行记录的哈希不符（记录在 casefile 之外被改动）")
        return out

    def recorded_files(self, entries: list[JournalEntry] | None = None) -> dict[str, str]:
        """Every file a committed transaction wrote, with the SHA-256 it was written with (the last
        write of a path wins)."""
        out: dict[str, str] = {}
        for e in entries if entries is not None else self.journal()[0]:
            out.update(e.files)
        return out

    def verify_before_write(self) -> None:
        """Refuse to build on a dossier that fails :meth:`integrity_problems`: a transaction on top of
        an edited case.json would record the edit as if casefile had made it."""
        problems = self.integrity_problems()
        if problems:
            raise TamperDetected(
                f"案件 {self.case_id} 未通过完整性校验（{'；'.join(problems[:3])}），为免在被改动的记录上继续办理，"
                f"本操作已拒绝；请运行 casefile fsck 查看，并由管理员从备份核实、恢复后再办理。"
            )

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        with locked(self.ws, f"case-{self.case_id}"):
            self.recover()
            yield

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """What a consistent read needs: the lock, except on a read-only medium, where nothing can be
        writing and no lock file can be made."""
        if on_read_only_medium(self.ws.root):
            yield
            return
        with self.lock():
            yield

    def record_read(self, actor: ActorLike, now: datetime, type_: str = "revealed", **payload: Any) -> None:
        """Who read what and why (a reveal of personal data, a download): a journal line, or for an
        archived case, whose journal is sealed, a line in the workspace's access log."""
        if self.load().state is State.ARCHIVED:
            record_access(self.ws, self.case_id, actor, now, type_, **payload)
            return
        with self.transaction(actor, now) as tx:
            tx.event(type_, **payload)

    # recovery
    def recover(self) -> list[str]:
        """Finish or undo an interrupted transaction. Call under the lock."""
        actions: list[str] = []
        if not self.path.is_dir():
            return actions
        jpath = self.journal_path
        if jpath.exists():
            data = jpath.read_bytes()
            if data and not data.endswith(b"\n"):
                cut = data.rfind(b"\n") + 1
                with jpath.open("r+b") as f:
                    f.truncate(cut)
                    os.fsync(f.fileno())
                actions.append("截去未完成的日志行")
        intent_path = self.path / INTENT_FILE
        next_path = self.path / NEXT_FILE
        intent: dict[str, Any] | None = None
        if intent_path.exists():
            try:
                intent = json.loads(intent_path.read_bytes())
            except ValueError:
                intent = None
        last = self._last_entry()
        committed = bool(intent and last and last.tx == intent.get("tx"))
        if next_path.exists():
            nxt = next_path.read_bytes()
            if last and last.case_sha256 == sha256_bytes(nxt) and (intent is None or committed):
                os.replace(next_path, self.case_path)
                fsync_dir(self.path)
                actions.append("完成已提交的记录更新")
            else:
                next_path.unlink()
                actions.append("撤销未提交的记录更新")
        if intent is not None:
            if not committed:
                for rel in intent.get("files", []):
                    with contextlib.suppress(OSError, InvalidCaseId):
                        self.safe_path(rel).unlink()
                actions.append(f"删除未提交事务写入的{len(intent.get('files', []))}个文件")
            intent_path.unlink()
            fsync_dir(self.path)
        elif intent_path.exists():
            intent_path.unlink()
        for tmp in self.path.rglob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()
        return actions

    def _last_entry(self) -> JournalEntry | None:
        if not self.journal_path.exists():
            return None
        data = self.journal_path.read_bytes().rstrip(b"\n")
        if not data:
            return None
        raw = data.rsplit(b"\n", 1)[-1]
        try:
            obj = json.loads(raw)
        except ValueError:
            return None
        return JournalEntry(
            seq=int(obj.get("seq", 0)), time=str(obj.get("time")), actor=str(obj.get("actor")),
            type=str(obj.get("type")), payload=obj.get("payload") or {}, prev=str(obj.get("prev")),
            case_sha256=str(obj.get("case_sha256", "")), tx=str(obj.get("tx", "")), raw=raw,
        )

    def _write_intent(self, tx: Transaction) -> None:
        faults.point("tx.intent")
        atomic_write(self.path / INTENT_FILE, dumps({"tx": tx.tx_id, "files": tx.new_files}))

    # writing
    @contextlib.contextmanager
    def transaction(self, actor: ActorLike, now: datetime, *, allow_archived: bool = False) -> Iterator[Transaction]:
        """Yield a mutable copy of the case; commit it (one journal line) if the block succeeds, then
        tell the commit hooks (:mod:`casefile.events`) once the lock is released."""
        done: frozenset[str] | None = None
        with self.lock():
            case = self.load()
            self.verify_before_write()
            if case.state is State.ARCHIVED and not allow_archived:
                raise CaseArchived(
                    f"案件 {case.id} 已归档，不能再修改；如需补充请使用 casefile reopen {case.id} --reason …。"
                )
            tx = Transaction(self, case.model_copy(deep=True), actor_name(actor), now,
                             actor if isinstance(actor, Actor) else None)
            try:
                yield tx
            except BaseException:
                self._rollback(tx)
                raise
            if tx.events:
                self._commit(tx)
                done = frozenset(t for t, _ in tx.events)
            elif tx.new_files:
                self._rollback(tx)
            for p in tx.cleanups:
                with contextlib.suppress(OSError):
                    p.unlink()
        if done is not None:
            events.committed(self.ws, self.case_id, done)

    def _rollback(self, tx: Transaction) -> None:
        for rel in tx.new_files:
            with contextlib.suppress(OSError, InvalidCaseId):
                self.safe_path(rel).unlink()
        with contextlib.suppress(OSError):
            (self.path / INTENT_FILE).unlink()

    def _commit(self, tx: Transaction) -> None:
        case = tx.case
        case.version += 1
        case.updated_at = tx.now
        body = case_bytes(case)
        faults.point("tx.before_next")
        atomic_write(self.path / NEXT_FILE, body)
        self._append(tx, sha256_bytes(body))
        faults.point("tx.before_rename")
        try:
            os.replace(self.path / NEXT_FILE, self.case_path)
            fsync_dir(self.path)
        except OSError as exc:
            raise _storage_error(exc, self.case_path) from None
        faults.point("tx.before_intent_removal")
        with contextlib.suppress(OSError):
            (self.path / INTENT_FILE).unlink()

    def _append(self, tx: Transaction, case_sha: str) -> None:
        last = self._last_entry()
        # The line is named after what the user did (a transition, a decision), not after the documents
        # that step produced, which ride along in "events".
        primary = next((i for i, (t, _) in enumerate(tx.events) if t != "document_issued"), 0)
        type_, payload = tx.events[primary]
        others = [e for i, e in enumerate(tx.events) if i != primary]
        if others:
            payload = {**payload, "events": [{"type": t, **p} for t, p in others]}
        entry = {
            "seq": (last.seq + 1) if last else 1,
            "time": tx.now.isoformat(),
            "actor": tx.actor,
            **(tx.identity.journal_fields() if tx.identity else {}),
            "type": type_,
            "payload": payload,
            "prev": last.sha256 if last else GENESIS,
            "case_sha256": case_sha,
            "tx": tx.tx_id,
        }
        if tx.file_hashes:
            entry["files"] = dict(sorted(tx.file_hashes.items()))
        line = seal_entry(entry) + b"\n"
        faults.point("tx.before_journal")
        try:
            with self.journal_path.open("ab") as f:
                f.write(line)
                f.flush()
                faults.point("tx.before_journal_fsync")
                os.fsync(f.fileno())
        except OSError as exc:
            raise _storage_error(exc, self.journal_path) from None

    # creation
    @classmethod
    def create(cls, ws: Workspace, case: Case, actor: ActorLike, now: datetime, event_type_: str,
               payload: dict[str, Any], files: dict[str, bytes] | None = None) -> Dossier:
        """Build the dossier in a hidden folder and rename it into place (atomic)."""
        from casefile.models.events import event_type

        event_type(event_type_)  # an unknown type is refused before anything is written
        d = cls(ws, case.id)
        if d.path.exists():
            raise CorruptRecord(f"案件目录 {d.path} 已存在，序号可能被重复分配，请运行 casefile fsck。")
        tmp = d.path.with_name(f".{case.id}.{uuid.uuid4().hex[:6]}.new")
        try:
            (tmp / DOCUMENTS_DIR).mkdir(parents=True)
            (tmp / EVIDENCE_DIR).mkdir()
            for rel, data in (files or {}).items():
                target = tmp / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(target, data)
            case.version = 1
            case.updated_at = now
            body = case_bytes(case)
            atomic_write(tmp / CASE_FILE, body)
            entry = {
                "seq": 1, "time": now.isoformat(), "actor": actor_name(actor),
                **(actor.journal_fields() if isinstance(actor, Actor) else {}), "type": str(event_type_), "payload": payload,
                "prev": GENESIS, "case_sha256": sha256_bytes(body), "tx": uuid.uuid4().hex[:12],
            }
            if files:
                entry["files"] = {rel: sha256_bytes(data) for rel, data in sorted(files.items())}
            atomic_write(tmp / JOURNAL_FILE, seal_entry(entry) + b"\n")
            faults.point("create.before_rename")
            os.rename(tmp, d.path)
            fsync_dir(d.path.parent)
        except OSError as exc:
            _rmtree(tmp, ignore_errors=True)
            raise _storage_error(exc, d.path) from None
        except BaseException:
            _rmtree(tmp, ignore_errors=True)
            raise
        events.committed(ws, case.id)
        return d


def iter_dossiers(ws: Workspace) -> Iterator[Dossier]:
    if not ws.archive_dir.is_dir():
        return
    for year_dir in sorted(ws.archive_dir.iterdir()):
        if not (year_dir.is_dir() and year_dir.name.isdigit()):
            continue
        for case_dir in sorted(year_dir.iterdir()):
            if case_dir.is_dir() and CASE_ID_RE.match(case_dir.name):
                yield Dossier(ws, case_dir.name)


# -- the access log of sealed cases -----------------------------------------------------------------


def record_access(ws: Workspace, case_id: str, actor: ActorLike, now: datetime, type_: str, **payload: Any) -> None:
    """Who read an archived (sealed, immutable) case's personal data, or exported its documents: one
    hash-chained, self-checked line in ``.casefile/access.jsonl``, fsynced under a lock (an open case
    records the same in its own journal)."""
    path = ws.state_dir / ACCESS_LOG
    with locked(ws, "access-log"):
        prev, seq = GENESIS, 0
        try:
            data = path.read_bytes().rstrip(b"\n")
        except FileNotFoundError:
            data = b""
        if data:
            tail = data.rsplit(b"\n", 1)[-1]
            prev = sha256_bytes(tail)
            try:
                seq = int(json.loads(tail)["seq"])
            except (ValueError, KeyError, TypeError):
                seq = data.count(b"\n") + 1
        who = actor.journal_fields() if isinstance(actor, Actor) else {}
        entry = {"seq": seq + 1, "time": now.isoformat(), "actor": actor_name(actor), **who, "case": case_id,
                 "type": type_, **payload, "prev": prev}
        line = seal_entry(entry) + b"\n"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("ab") as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            raise _storage_error(exc, path) from None


def access_log_problems(ws: Workspace) -> list[str]:
    """Broken links of the access log: an edited, deleted, inserted or reordered line."""
    path = ws.state_dir / ACCESS_LOG
    if not path.exists():
        return []
    problems: list[str] = []
    prev = GENESIS
    for i, raw in enumerate(path.read_bytes().splitlines(), start=1):
        try:
            obj = json.loads(raw)
        except ValueError:
            problems.append(f"第{i}行不是有效的记录")
            prev = sha256_bytes(raw)
            continue
        if "prev" not in obj:  # written before the log was chained
            prev = sha256_bytes(raw)
            continue
        if obj.get(CHECK_KEY) != line_check(obj):
            problems.append(f"第{i}行的内容与其校验值不符（记录被修改）")
        if obj["prev"] != prev:
            problems.append(f"第{i}行的前序哈希不符（记录被修改、删除、插入或调换）")
        prev = sha256_bytes(raw)
    return problems


# -- sequences ---------------------------------------------------------------------------------
class Sequence:
    """A never-reused counter. Its log is the record: every value ever handed out, with its purpose."""

    def __init__(self, ws: Workspace, name: str) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
            raise ValueError(name)
        self.ws = ws
        self.name = name
        self.path = ws.archive_dir / SEQ_DIR / f"{name}.jsonl"

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out = []
        for raw in self.path.read_bytes().split(b"\n"):
            if raw.strip():
                with contextlib.suppress(ValueError):
                    out.append(json.loads(raw))
        return out

    def last(self) -> int:
        """The highest value handed out. Values only grow, so the log's tail suffices: read backwards
        until a complete entry (a torn last line, left by a kill mid-append, is skipped)."""
        if not self.path.exists():
            return 0
        with self.path.open("rb") as f:
            size = f.seek(0, os.SEEK_END)
            block = 4096
            while True:
                start = max(0, size - block)
                f.seek(start)
                lines = f.read(size - start).split(b"\n")
                if start > 0:
                    lines = lines[1:]  # the first piece may be the end of a longer line
                for raw in reversed(lines):
                    try:
                        entry = json.loads(raw)
                        return int(entry["value"])
                    except (ValueError, KeyError, TypeError):
                        continue
                if start == 0:
                    return 0
                block *= 4

    def _log(self, value: int, purpose: str, now: datetime) -> None:
        """Append one fsynced entry; call under the sequence lock."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = encode_entry({"value": value, "time": now.isoformat(), "for": purpose}) + b"\n"
        try:
            with self.path.open("ab+") as f:
                if f.seek(0, os.SEEK_END) > 0:
                    f.seek(-1, os.SEEK_END)
                    if f.read(1) != b"\n":  # a torn line from a killed writer: never glue onto it
                        line = b"\n" + line
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            raise _storage_error(exc, self.path) from None

    @contextlib.contextmanager
    def allocate(self, purpose: str, now: datetime) -> Iterator[int]:
        """Yield the next value under the sequence lock; it is recorded only if the block succeeds,
        so a failed render leaves no gap."""
        with locked(self.ws, f"seq-{self.name}"):
            value = self.last() + 1
            yield value
            faults.point("seq.before_log")
            self._log(value, purpose, now)
            faults.point("seq.after_log")

    def record_used(self, value: int, purpose: str, now: datetime) -> bool:
        """Record a value a dossier already holds but the log lacks (the process that took it was
        killed between creating the dossier and logging the number). Only the next value can be
        recorded this way; returns False if the value is not the next one."""
        with locked(self.ws, f"seq-{self.name}"):
            if value != self.last() + 1:
                return False
            self._log(value, purpose, now)
            return True
