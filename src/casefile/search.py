"""Full-text search over cases, issued documents, evidence texts, typical cases and statutes.

The index in ``indexes/search/`` is derived data: ``rebuild`` makes it from the dossiers, the
library and the shipped statutes, and a damaged, incompatible or stale index is rebuilt on its own
before a query is answered. ``notify_change`` (called by ``app``/``workflow`` after every dossier
commit) only appends the case id to ``pending.jsonl``, so writing commands never pay for loading
the search engine and the segmenter; the queue is applied before the next query or ``index`` command.

Public API (all return report objects; nothing prints):

- :func:`notify_change` — queue a case for re-indexing (cheap, never raises).
- :func:`search` — one page of hits with snippets, facet counts, masked personal data.
- :func:`similar` — cases and typical cases like a given case (more-like-this).
- :func:`rebuild` — a fresh index from scratch, segmenting in a process pool.
- :func:`update` — apply queued changes now; :func:`status` — what the index holds.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.identity import ActorLike

if TYPE_CHECKING:
    from casefile.config import Workspace
    from casefile.search_engines.analysis import Segmenter
    from casefile.search_engines.base import Engine, Filter
    from casefile.search_engines.query import BuiltQuery
    from casefile.search_engines.searcher import Hit, Page

SCHEMA_VERSION = 1
PENDING_FILE = "pending.jsonl"
META_FILE = "CURRENT.json"
LOCK_NAME = "search-index"
QUERY_LOCK_TIMEOUT = 3.0  # a query does not wait long for a writer; it answers from the last commit

Progress = Callable[[int, int], None]


# -- paths and the change queue (no heavy imports below this line until the engine is needed) -------
@contextlib.contextmanager
def _locked(ws: Workspace, timeout: float = 60.0) -> Iterator[None]:
    """The index lock (``store.locked(ws, LOCK_NAME)``, through casefile.fsio: no models loaded)."""
    from casefile.fsio import locked

    with locked(ws.state_dir, LOCK_NAME, timeout, busy="检索索引正被另一个操作更新，请稍后重试。"):
        yield


def index_root(ws: Workspace) -> Path:
    return ws.indexes_dir / "search"


def _append_pending(ws: Workspace, entry: dict[str, str]) -> bool:
    root = index_root(ws)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / PENDING_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)  # one short O_APPEND write: lines of concurrent writers never interleave
        finally:
            os.close(fd)
    except OSError:
        return False
    return True


def notify_change(ws: Workspace, case_id: str) -> bool:
    """Queue ``case_id`` for re-indexing. Cheap (no search imports) and never raises.

    Returns False if the queue could not be written; ``casefile index rebuild`` then repairs the index.
    """
    return _append_pending(ws, {"case": case_id})


def engine_name(ws: Workspace) -> str:
    """``[search] engine`` from the raw TOML (validated when the workspace was found), so a query
    does not pay for building the pydantic settings."""
    section = ws.raw.get("search") or {}
    return str(section.get("engine", "whoosh")) if isinstance(section, dict) else "whoosh"


# -- reports ---------------------------------------------------------------------------------------
@dataclass
class SearchReport:
    query: str
    engine: str
    total: int
    page: int
    per_page: int
    results: list[Hit]
    facets: dict[str, dict[str, int]]
    notices: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # more-like-this: the words that were used

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query, "engine": self.engine, "total": self.total, "page": self.page,
            "per_page": self.per_page, "results": [h.to_json() for h in self.results], "facets": self.facets,
            "notices": self.notices,
        }


@dataclass
class RebuildReport:
    engine: str
    segmenter: str
    documents: int
    by_kind: dict[str, int]
    units: int
    workers: int
    seconds: float
    problems: list[str] = field(default_factory=list)
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"engine": self.engine, "segmenter": self.segmenter, "documents": self.documents,
                "by_kind": self.by_kind, "units": self.units, "workers": self.workers,
                "seconds": round(self.seconds, 2), "problems": self.problems, "reason": self.reason}


@dataclass
class UpdateReport:
    cases: list[str] = field(default_factory=list)
    library_changed: bool = False
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    rebuilt: RebuildReport | None = None


@dataclass
class IndexStatus:
    exists: bool
    engine: str
    configured_engine: str
    documents: int
    by_kind: dict[str, int]
    pending: int
    path: str
    problem: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"exists": self.exists, "engine": self.engine, "configured_engine": self.configured_engine,
                "documents": self.documents, "by_kind": self.by_kind, "pending": self.pending, "path": self.path,
                "problem": self.problem}


# -- the index directory ---------------------------------------------------------------------------
def _engine_class(name: str) -> type[Engine]:
    if name == "tantivy":
        from casefile.search_engines.tantivy_engine import TantivyEngine

        return TantivyEngine
    from casefile.search_engines.whoosh_engine import WhooshEngine

    return WhooshEngine


def _read_meta(ws: Workspace) -> dict[str, Any] | None:
    try:
        meta = json.loads((index_root(ws) / META_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _write_meta(ws: Workspace, meta: dict[str, Any]) -> None:
    from casefile.fsio import atomic_write

    atomic_write(index_root(ws) / META_FILE, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))


def _laws_fingerprint() -> str:
    import hashlib

    from casefile.search_engines.sources import laws_dir

    h = hashlib.sha256()
    for p in sorted(laws_dir().iterdir()):
        h.update(f"{p.name}:{p.stat().st_size}\n".encode())
    return h.hexdigest()[:16]


def _library_state(ws: Workspace) -> dict[str, list[int]]:
    from casefile.search_engines.sources import typical_files

    state: dict[str, list[int]] = {}
    for p in typical_files(ws):
        with contextlib.suppress(OSError):
            st = p.stat()
            state[p.name] = [st.st_mtime_ns, st.st_size]
    return state


def _stale_reason(ws: Workspace, meta: dict[str, Any] | None) -> str:
    from casefile.search_engines.analysis import dictionary_fingerprint

    if meta is None:
        return "检索索引不存在"
    if meta.get("schema") != SCHEMA_VERSION:
        return "检索索引的格式来自其他版本"
    if meta.get("engine") != engine_name(ws):
        return f"检索引擎已由 {meta.get('engine')} 改为 {engine_name(ws)}"
    if meta.get("analysis") != dictionary_fingerprint():
        return "分词词典或分析规则已更新"
    if meta.get("laws") != _laws_fingerprint():
        return "随包发布的法规数据已更新"
    if not (index_root(ws) / str(meta.get("dir", ""))).is_dir():
        return "检索索引目录缺失"
    return ""


def _claim_pending(ws: Workspace) -> list[Path]:
    """Move the queue aside (atomically) and return every claimed file, older leftovers included."""
    root = index_root(ws)
    pending = root / PENDING_FILE
    if pending.exists():
        with contextlib.suppress(OSError):
            os.replace(pending, root / f"pending-{uuid.uuid4().hex[:12]}.claimed")
    return sorted(root.glob("pending-*.claimed")) if root.is_dir() else []


def _read_claimed(files: Sequence[Path]) -> list[str]:
    cases: list[str] = []
    for path in files:
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        for line in raw.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a torn last line of a crashed writer
            if isinstance(entry, dict) and isinstance(entry.get("case"), str):
                cases.append(entry["case"])
    return list(dict.fromkeys(cases))


def _pending_count(ws: Workspace) -> int:
    root = index_root(ws)
    files = [root / PENDING_FILE, *sorted(root.glob("pending-*.claimed"))] if root.is_dir() else []
    return len(_read_claimed([f for f in files if f.exists()]))


def _remove_old_dirs(ws: Workspace, keep: str) -> None:
    import shutil

    root = index_root(ws)
    for p in root.glob("idx-*"):
        if p.is_dir() and p.name != keep:
            shutil.rmtree(p, ignore_errors=True)


def _disk_problem(exc: BaseException) -> bool:
    """A full or read-only disk, however the engine reports it (whoosh: OSError; tantivy: ValueError
    carrying the OS error's text)."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
        return True
    text = str(exc)
    return any(s in text for s in ("No space left", "Read-only file system", "Disk quota", "os error 28", "os error 30",
                                   "io::Error"))  # tantivy: "A worker thread encountered an error (io::Error …)"


# -- rebuild ---------------------------------------------------------------------------------------
def rebuild(
    ws: Workspace,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    reason: str = "",
) -> RebuildReport:
    """Build a new index from the statutes, the library and every dossier, then switch to it.

    Segmentation runs in a pool of ``workers`` processes (default: one per CPU); the old index keeps
    answering queries until the new one is complete.
    """
    with _locked(ws):
        return _rebuild_locked(ws, progress=progress, workers=workers, reason=reason)


def _rebuild_locked(ws: Workspace, *, progress: Progress | None, workers: int | None, reason: str) -> RebuildReport:
    import multiprocessing

    from casefile.library.writeup import search_doc
    from casefile.search_engines.analysis import dictionary_fingerprint, segmenter
    from casefile.search_engines.sources import Prepared, init_worker, iter_units, prepare

    started = time.perf_counter()
    root = index_root(ws)
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # the index holds case text: case data, readable by its owner only
        os.chmod(root, 0o700)
    claimed = _claim_pending(ws)
    library = _library_state(ws)
    units = list(iter_units(ws))
    n_workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    if len(units) < 4 * n_workers:
        n_workers = 1
    name = engine_name(ws)
    engine_cls = _engine_class(name)
    new_dir = f"idx-{uuid.uuid4().hex[:12]}"
    by_kind: dict[str, int] = {}
    problems: list[str] = []
    total = 0

    def consume(engine: Engine, results: Iterator[Prepared]) -> None:
        nonlocal total
        done = 0
        with engine.writer() as w:
            for prepared in results:
                for d in prepared.docs:
                    w.add(d)
                    by_kind[d.doc.kind] = by_kind.get(d.doc.kind, 0) + 1
                    total += 1
                problems.extend(prepared.problems)
                done += 1
                if progress is not None:
                    progress(done, len(units))

    engine: Engine | None = None
    try:
        if n_workers > 1:
            # the pool starts before this process opens the new index (tantivy starts threads)
            pool_ctx = multiprocessing.get_context(pool_start_method())
            with pool_ctx.Pool(n_workers, initializer=init_worker, initargs=(ws, engine_cls, search_doc)) as pool:
                engine = engine_cls.create(root / new_dir)
                consume(engine, pool.imap(prepare, units, chunksize=4))
        else:
            init_worker(ws, engine_cls, search_doc)
            engine = engine_cls.create(root / new_dir)
            consume(engine, (prepare(u) for u in units))
        engine.close()  # the last segment is written here: a full disk shows here too
    except BaseException as exc:
        if engine is not None:
            with contextlib.suppress(Exception):
                engine.close()
        import shutil

        shutil.rmtree(root / new_dir, ignore_errors=True)
        if _disk_problem(exc):
            from casefile.errors import StorageError

            raise StorageError("写入检索索引失败（磁盘空间不足、只读或读写出错），索引未能重建；原有索引保持不变，"
                               "请清理空间后重试 casefile index rebuild。") from None
        raise
    _write_query_dictionary(root)
    _write_meta(ws, {
        "schema": SCHEMA_VERSION, "engine": name, "dir": new_dir, "analysis": dictionary_fingerprint(),
        "laws": _laws_fingerprint(), "segmenter": segmenter().name, "documents": total, "library": library,
    })
    for path in claimed:
        with contextlib.suppress(OSError):
            path.unlink()
    _remove_old_dirs(ws, new_dir)
    return RebuildReport(name, segmenter().name, total, dict(sorted(by_kind.items())), len(units), n_workers,
                         time.perf_counter() - started, problems, reason)


def pool_start_method() -> str:
    """How the segmenting pool starts its processes.

    ``fork`` is cheapest (no re-import), but only safe while this process has one thread: forking a
    threaded process (the web server's request threads, its watcher and its warm-up thread) copies
    locks other threads hold at that instant, and a child that inherits one held waits forever, so
    the rebuild and with it the index lock never end. Threaded processes use ``forkserver`` (a clean
    single-threaded server forks the workers), or ``spawn`` where that is not available.
    """
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _write_query_dictionary(root: Path) -> None:
    """The dictionary snapshot that lets a query segment without loading jieba-rs's full dictionary
    (see :mod:`casefile.search_engines.segdict`); without it queries just load the full one."""
    from casefile.search_engines.segdict import write_snapshot

    with contextlib.suppress(ImportError, OSError, sqlite3.Error, ValueError):
        write_snapshot(root)


def _query_segmenter(ws: Workspace) -> Segmenter | None:
    from casefile.search_engines.segdict import query_segmenter

    return query_segmenter(index_root(ws))


# -- sessions: open, repair, catch up ------------------------------------------------------------------
class _Session:
    def __init__(self, ws: Workspace, engine: Engine, notices: list[str]) -> None:
        self.ws = ws
        self.engine = engine
        self.notices = notices


@contextlib.contextmanager
def _session(ws: Workspace, *, catch_up: bool = True, progress: Progress | None = None) -> Iterator[_Session]:
    """An open, current engine. Missing, damaged, stale or incompatible indexes are rebuilt first."""
    notices: list[str] = []
    engine = _open_or_rebuild(ws, notices, progress)
    try:
        if catch_up:
            engine = _catch_up(ws, engine, notices, progress)
        yield _Session(ws, engine, notices)
    finally:
        engine.close()


def _open_or_rebuild(ws: Workspace, notices: list[str], progress: Progress | None) -> Engine:
    from casefile.search_engines.base import EngineError

    meta = _read_meta(ws)
    reason = _stale_reason(ws, meta)
    if not reason and meta is not None:
        try:
            return _engine_class(str(meta["engine"])).open(index_root(ws) / str(meta["dir"]))
        except EngineError as exc:
            reason = f"检索索引已损坏或被锁定（{exc}）"
    from casefile.fsio import on_read_only_medium

    if on_read_only_medium(index_root(ws) if index_root(ws).exists() else ws.root):
        from casefile.errors import StorageError

        why = reason or "检索索引无法打开"
        hint = "（tantivy 引擎需要在索引目录中建立锁文件，只读介质上无法打开；whoosh 引擎可以）" \
            if engine_name(ws) == "tantivy" and index_root(ws).exists() else ""
        raise StorageError(f"工作区位于只读介质上，{why}，无法在此重建{hint}；请在可写的副本上检索。")
    with _locked(ws):
        meta = _read_meta(ws)  # another process may have rebuilt it while we waited
        if not _stale_reason(ws, meta) and meta is not None:
            try:
                return _engine_class(str(meta["engine"])).open(index_root(ws) / str(meta["dir"]))
            except EngineError:
                pass
        report = _rebuild_locked(ws, progress=progress, workers=None, reason=reason)
    if reason != "检索索引不存在":
        notices.append(f"{reason}，已自动重建（{report.documents}条）。")
    return _open_current(ws)


def _catch_up(ws: Workspace, engine: Engine, notices: list[str], progress: Progress | None) -> Engine:
    """Apply queued case changes and edits of the library before answering.

    If the engine refuses to write (its files are locked by a process outside casefile's lock, or
    damaged in a way only writing reveals), the index is rebuilt in a fresh directory instead.
    """
    from casefile.errors import LockTimeout

    root = index_root(ws)
    meta = _read_meta(ws) or {}
    library = _library_state(ws)
    has_pending = (root / PENDING_FILE).exists() or any(root.glob("pending-*.claimed"))
    if not has_pending and library == meta.get("library"):
        return engine
    from casefile.fsio import on_read_only_medium

    if on_read_only_medium(root):
        notices.append("工作区位于只读介质上，检索索引无法更新，本次结果可能不含最新变更。")
        return engine
    try:
        with _locked(ws, timeout=QUERY_LOCK_TIMEOUT):
            try:
                _apply_changes(ws, engine, library, UpdateReport())
            except Exception as exc:  # engines raise many kinds on locked or damaged files
                engine.close()
                reason = f"检索索引无法更新（{type(exc).__name__}）"
                report = _rebuild_locked(ws, progress=progress, workers=None, reason=reason)
                notices.append(f"{reason}，已自动重建（{report.documents}条）。")
                engine = _open_current(ws)
    except LockTimeout:
        notices.append("检索索引正在由另一个操作更新，本次结果可能不含最新变更。")
    return engine


def _open_current(ws: Workspace) -> Engine:
    meta = _read_meta(ws)
    assert meta is not None
    return _engine_class(str(meta["engine"])).open(index_root(ws) / str(meta["dir"]))


def _apply_changes(ws: Workspace, engine: Engine, library: dict[str, list[int]], report: UpdateReport) -> None:
    from casefile.library.writeup import search_doc
    from casefile.search_engines.sources import init_worker, prepare, typical_files

    meta = _read_meta(ws) or {}
    claimed = _claim_pending(ws)
    cases = _read_claimed(claimed)
    library_changed = library != meta.get("library")
    if not cases and not library_changed:
        return
    init_worker(ws, type(engine), search_doc)
    with engine.writer() as w:
        for case_id in cases:
            prepared = prepare(("case", case_id))
            report.problems.extend(prepared.problems)
            w.delete("case_id", case_id)
            for d in prepared.docs:
                w.add(d)
        if library_changed:
            w.delete("kind", "typical")
            for path in typical_files(ws):
                prepared = prepare(("typical", path.name))
                report.problems.extend(prepared.problems)
                for d in prepared.docs:
                    w.add(d)
    meta["library"] = library
    _write_meta(ws, meta)
    for path in claimed:
        with contextlib.suppress(OSError):
            path.unlink()
    report.cases.extend(cases)
    report.library_changed = library_changed


def update(ws: Workspace) -> UpdateReport:
    """Apply queued changes now (``casefile index update``); rebuilds first if the index is unusable."""
    report = UpdateReport()
    notices: list[str] = []
    engine = _open_or_rebuild(ws, notices, None)
    _write_query_dictionary(index_root(ws))  # an index built before snapshots existed gains one here
    try:
        with _locked(ws):
            try:
                _apply_changes(ws, engine, _library_state(ws), report)
            except Exception as exc:  # locked by a stranger or damaged: start afresh
                engine.close()
                report.rebuilt = _rebuild_locked(ws, progress=None, workers=None,
                                                 reason=f"检索索引无法更新（{type(exc).__name__}）")
                notices.append(f"{report.rebuilt.reason}，已重建。")
                engine = _open_current(ws)
    finally:
        engine.close()
    report.notices = notices
    return report


def status(ws: Workspace) -> IndexStatus:
    from casefile.search_engines.base import EngineError

    meta = _read_meta(ws)
    configured = engine_name(ws)
    path = str(index_root(ws))
    if meta is None:
        return IndexStatus(False, "", configured, 0, {}, _pending_count(ws), path, "检索索引不存在")
    try:
        engine = _engine_class(str(meta["engine"])).open(index_root(ws) / str(meta["dir"]))
    except (EngineError, KeyError) as exc:
        return IndexStatus(False, str(meta.get("engine", "")), configured, 0, {}, _pending_count(ws), path,
                           f"检索索引无法打开：{exc}")
    try:
        from casefile.search_engines.base import KINDS, MatchAll

        counts = engine.search(MatchAll(), [], 0, ["kind"]).facets.get("kind", {})
        by_kind = {k: counts[k] for k in KINDS if k in counts}
        return IndexStatus(True, engine.name, configured, engine.doc_count(), by_kind, _pending_count(ws), path,
                           _stale_reason(ws, meta))
    finally:
        engine.close()


# -- filters -----------------------------------------------------------------------------------------
FILTER_LABELS = {"kind": "类型", "category": "类别", "year": "年份", "outcome": "结果", "dept": "部门",
                 "region": "辖区", "risk": "风险", "status": "状态", "case_id": "案件"}
OUTCOMES = ("办理中", "已形成处理意见", "调解成功", "调解不成", "执行完毕", "告知另行办理", "办结")
_KIND_ALIASES = {"法规": "law", "法律": "law", "案件": "case", "典型案例": "typical", "典型": "typical",
                 "文书": "document", "证据": "evidence"}
_RISK_ALIASES = {"low": "低", "medium": "中", "high": "高", "低风险": "低", "中风险": "中", "高风险": "高"}


def _normalise_filter(ws: Workspace, name: str, value: str) -> list[str]:
    """The indexed values a user's filter value stands for; ValueError (Chinese) if it is not valid."""
    from casefile.search_engines.base import KINDS

    v = value.strip()
    if name == "kind":
        k = _KIND_ALIASES.get(v, v.lower())
        if k not in KINDS:
            raise ValueError(f"类型应为 {'、'.join(KINDS)}（或 法规、案件、典型案例、文书、证据）")
        return [k]
    if name == "category":
        from casefile.models.enums import Category

        return [Category.parse(v).short]
    if name == "year":
        lo, sep, hi = v.partition("..")
        try:
            a, b = int(lo), int(hi) if sep else int(lo)
        except ValueError:
            raise ValueError("年份应为四位数字，或 2024..2026 这样的范围") from None
        if not (1900 <= a <= b <= 2100):
            raise ValueError("年份应在1900–2100之间，范围的起点不能晚于终点")
        return [str(y) for y in range(a, b + 1)]
    if name == "risk":
        r = _RISK_ALIASES.get(v.lower(), v)
        if r not in ("低", "中", "高"):
            raise ValueError("风险等级应为 低、中、高")
        return [r]
    if name == "dept":
        return [ws.settings.dept(v).code]
    if name == "outcome":
        if v not in OUTCOMES:
            raise ValueError(f"结果应为 {'、'.join(OUTCOMES)}")
        return [v]
    if name == "region":
        if v.isdigit() and len(v) == 6:
            names = [p.name for p in ws.settings.jurisdictions if p.code == v]
            if not names:
                raise ValueError(f"行政区划代码 {v} 不在本单位的辖区列表中")
            from casefile.search_engines.sources import region_values

            return sorted({x for n in names for x in region_values(n)})
        return [v]
    return [v]


def build_filters(
    ws: Workspace, field_terms: Sequence[tuple[str, str, bool]], options: Mapping[str, Sequence[str]] | None
) -> list[Filter]:
    """Merge ``--kind``-style options with ``kind:law`` terms; every bad value is reported at once."""
    from casefile.errors import Finding, InvalidFilters
    from casefile.search_engines.base import Filter

    wanted: dict[tuple[str, bool], list[str]] = {}
    problems: list[Finding] = []
    items = [(n, v, neg) for n, v, neg in field_terms]
    for name, values in (options or {}).items():
        items.extend((name, v, False) for v in values if v not in (None, ""))
    for name, value, negate in items:
        try:
            wanted.setdefault((name, negate), []).extend(_normalise_filter(ws, name, value))
        except ValueError as exc:
            problems.append(Finding("", f"{FILTER_LABELS.get(name, name)}“{value}”无效：{exc}", code=name))
    if problems:
        raise InvalidFilters(problems, subject="检索条件")
    return [Filter(name, tuple(dict.fromkeys(values)), negate) for (name, negate), values in wanted.items()]


# -- queries ------------------------------------------------------------------------------------------
def _run_page(ws: Workspace, built: BuiltQuery, filters: list[Filter], *, page: int, per_page: int,
              reveal: bool, facets: bool, progress: Progress | None,
              visible: Callable[[Sequence[str]], set[str]] | None = None) -> tuple[Page, str, list[str]]:
    """Run on the current index; a read error from a damaged index triggers one rebuild and retry."""
    from casefile.errors import SearchError
    from casefile.privacy import mask_text
    from casefile.search_engines import searcher

    mask = None if reveal else mask_text
    for attempt in (1, 2):
        with _session(ws, progress=progress) as sess:
            try:
                result = searcher.run(sess.engine, built, filters, page=page, per_page=per_page, facets=facets,
                                      mask=mask, visible=visible)
                return result, sess.engine.name, sess.notices
            except Exception as exc:
                if attempt == 2:
                    raise SearchError(f"检索失败（{type(exc).__name__}），请运行 casefile index rebuild 后重试。") from exc
                damage = f"读取检索索引时出错（{type(exc).__name__}）"
        rebuild(ws, progress=progress, reason=damage)
    raise AssertionError("unreachable")


def search(
    ws: Workspace,
    query: str,
    *,
    filters: Mapping[str, Sequence[str]] | None = None,
    page: int = 1,
    per_page: int = 10,
    reveal: bool = False,
    facets: bool = True,
    progress: Progress | None = None,
    actor: ActorLike = "",
    now: datetime | None = None,
    purpose: str = "办案需要",
    visible: Callable[[Sequence[str]], set[str]] | None = None,
) -> SearchReport:
    """Search everything. ``query`` uses the syntax of :mod:`casefile.search_engines.query`;
    ``filters`` maps a field (kind, category, year, outcome, dept, region, risk, status) to values.

    Personal identifiers in titles and snippets are masked unless ``reveal``; revealing is recorded
    (who, when, why) for every case on the page, like ``casefile show --reveal``, so it needs
    ``actor`` and ``now``. ``visible`` limits hits, counts and facets to the cases a reader may see
    (see :func:`casefile.search_engines.searcher.run`).
    """
    from casefile.errors import UsageError
    from casefile.search_engines.query import build, parse

    if page < 1 or per_page < 1 or per_page > 200:
        raise UsageError("页码应从1开始，每页条数应在1–200之间。")
    if reveal and (not actor or now is None):
        raise UsageError("显示完整个人信息需要记录操作人和时间。")
    parsed = parse(query)
    flt = build_filters(ws, [(f.field, f.value, f.negate) for f in parsed.fields], filters)
    built = build(parsed, _query_segmenter(ws))
    if not built.has_text and not flt:
        raise UsageError("请输入检索词，或至少给出一个筛选条件（如 --kind law）。")
    result, engine, notices = _run_page(ws, built, flt, page=page, per_page=per_page, reveal=reveal,
                                        facets=facets, progress=progress, visible=visible)
    if reveal and now is not None:
        _record_reveals(ws, [h.case_id for h in result.hits], actor, now, f"{purpose}（检索：{query}）")
    if result.relaxed:
        notices.append("没有同时符合全部检索词的结果，以下为符合部分检索词的结果。")
    if result.total and (page - 1) * per_page >= result.total:
        notices.append(f"共{result.total}条，只有{result.pages}页。")
    return SearchReport(query, engine, result.total, page, per_page, result.hits, result.facets, notices)


def _record_reveals(ws: Workspace, case_ids: Sequence[str], actor: ActorLike, now: datetime, purpose: str) -> None:
    from casefile.store import Dossier

    for case_id in dict.fromkeys(c for c in case_ids if c):
        dossier = Dossier(ws, case_id)
        if dossier.exists():
            dossier.record_read(actor, now, "revealed", purpose=purpose)


def similar(
    ws: Workspace,
    case_id: str,
    *,
    kinds: Sequence[str] = ("case", "typical"),
    limit: int = 10,
    reveal: bool = False,
    actor: ActorLike = "",
    now: datetime | None = None,
    purpose: str = "办案需要",
    visible: Callable[[Sequence[str]], set[str]] | None = None,
) -> SearchReport:
    """Cases (and typical cases, statutes … by ``kinds``) that resemble ``case_id`` (more-like-this).
    ``reveal`` is recorded as in :func:`search`; ``visible`` restricts hits as there."""
    from casefile.errors import UsageError
    from casefile.privacy import mask_text
    from casefile.search_engines import searcher
    from casefile.search_engines.base import Filter
    from casefile.search_engines.query import BuiltQuery
    from casefile.search_engines.sources import case_docs
    from casefile.store import Dossier

    dossier = Dossier(ws, case_id)
    case = dossier.load()
    if limit < 1 or limit > 200:
        raise UsageError("条数应在1–200之间。")
    if reveal and (not actor or now is None):
        raise UsageError("显示完整个人信息需要记录操作人和时间。")
    flt = build_filters(ws, [], {"kind": list(kinds)})
    flt.append(Filter("case_id", (case.id,), negate=True))
    docs, _ = case_docs(case, dossier.path, ws.settings)
    texts = [d.title + "\n" + d.body for d in docs if d.kind == "case"]
    with _session(ws) as sess:
        query, terms = searcher.similar_query(sess.engine, texts)
        if query is None:
            return SearchReport(case.id, sess.engine.name, 0, 1, limit, [], {}, [*sess.notices, "该案件没有可用于比对的特征词。"])
        built = BuiltQuery(query, tuple(terms), True)
        page = searcher.run(sess.engine, built, flt, page=1, per_page=limit, facets=True,
                            mask=None if reveal else mask_text, visible=visible)
        # the feature terms come from the case record itself: an ID number or a credit code can be one
        report = SearchReport(case.id, sess.engine.name, page.total, 1, limit, page.hits, page.facets,
                              sess.notices, terms if reveal else [mask_text(t) for t in terms])
    if reveal and now is not None:
        _record_reveals(ws, [h.case_id for h in report.results], actor, now, f"{purpose}（相似案件：{case.id}）")
    return report
