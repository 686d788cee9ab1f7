"""``casefile watch``: the drop folder → dossiers, continuously or once.

Three ways to notice a file, because each alone loses some: a full scan at start-up (files that
arrived while nothing was running), watchdog events (fast), and a periodic rescan (events get lost
on network shares and when the kernel queue overflows). All three only *observe*; what is taken is
decided by :class:`~casefile.evidence.stability.FileStabilityTracker` (size, mtime and inode
unchanged for ``stability_seconds``), which also makes sure no file is queued twice. Files are
processed by a small thread pool, each in its own worker subprocess, so a bad file can neither
crash nor stall the watcher. One watcher per workspace (a lock).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from casefile.config import Workspace
from casefile.errors import CasefileError, LockTimeout
from casefile.evidence import inbox as inbox_layout
from casefile.evidence.codes import Outcome
from casefile.evidence.pipeline import STAGING_DIR, Ingest, IngestResult
from casefile.evidence.stability import FileStabilityTracker, Signature
from casefile.evidence.worker import WorkerPool
from casefile.identity import ActorLike

LOG_FILE = "evidence-log.jsonl"
LOG_ROTATE_BYTES = 10 * 1024 * 1024
MIN_SCAN_GAP = 0.2  # seconds between two event-triggered scans, however many events arrive
LOCK_NAME = "evidence-watch"
MAX_KEPT_RESULTS = 10_000


class WatcherBusy(CasefileError):
    code = "watcher-busy"


@dataclass
class WatchReport:
    results: list[IngestResult] = field(default_factory=list)
    left_pending: list[str] = field(default_factory=list)  # still being written when --once gave up
    warnings: list[str] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)  # leftovers of a killed run removed at start

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.outcome.value] = out.get(r.outcome.value, 0) + 1
        return out


class Watcher:
    def __init__(self, ws: Workspace, *, actor: ActorLike, clock: Callable[[], datetime],
                 on_result: Callable[[IngestResult], None] | None = None, rescan_seconds: float | None = None,
                 stability_seconds: float | None = None, workers: int | None = None, use_events: bool = True,
                 python: str | None = None) -> None:
        cfg = ws.settings.evidence
        self.ws = ws
        self.inbox = ws.inbox_dir
        self.rescan = rescan_seconds if rescan_seconds is not None else cfg.rescan_seconds
        self.tracker = FileStabilityTracker(cfg.stability_seconds if stability_seconds is None else stability_seconds)
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))
        self.use_events = use_events
        self.python = python
        self.ingest = Ingest(ws, actor, clock, python=python)
        self.on_result = on_result
        self.report = WatchReport()
        self._wake = threading.Event()
        self._fs_dirty = threading.Event()
        self._done: queue.SimpleQueue[tuple[Path, IngestResult]] = queue.SimpleQueue()
        self._inflight: dict[Path, str | None] = {}  # path → its case (from the path), while processing
        self._ready: list[Path] = []  # stable, waiting for a free thread
        self._retries: dict[Path, int] = {}
        self._seen: dict[Path, Signature] = {}  # what the last scan saw (the file taken must be that one)
        self._last_scan = 0.0
        self._retry_transient = True

    # -- public ----------------------------------------------------------------------------------
    def run_once(self, *, max_wait: float | None = None) -> WatchReport:
        """Process what is in the inbox now and return (``casefile watch --once``). Files still
        being written are waited for up to ``max_wait`` seconds, then left for the next run."""
        limit = max_wait if max_wait is not None else max(10 * self.tracker.delay, 10.0)
        self._retry_transient = False  # a cron run reports transient failures; the next run retries
        with self._exclusive(), self._parsers(), ThreadPoolExecutor(self.workers, thread_name_prefix="evidence") as pool:
            self._prepare()
            self._loop(pool, threading.Event(), once_limit=limit)
        self._collect()
        return self.report

    def run_forever(self, stop: threading.Event) -> WatchReport:
        """Watch until ``stop`` is set; in-flight files are finished before returning."""
        with self._exclusive(), self._parsers(warm=True), ThreadPoolExecutor(self.workers, thread_name_prefix="evidence") as pool:
            self._prepare()
            observer = self._start_observer() if self.use_events else None
            try:
                self._loop(pool, stop, once_limit=None)
            finally:
                if observer is not None:
                    with contextlib.suppress(Exception):
                        observer.stop()
                        observer.join(timeout=5)
        self._collect()
        return self.report

    def _loop(self, pool: ThreadPoolExecutor, stop: threading.Event, *, once_limit: float | None) -> None:
        started = time.monotonic()
        last_full = 0.0
        scan_now = True  # the start-up scan: files that arrived while nothing was running
        while not stop.is_set():
            now = time.monotonic()
            if once_limit is None and now - last_full >= self.rescan:
                scan_now = True  # the periodic rescan: events get lost on network shares
            if scan_now:
                self._scan()
                scan_now = False
                if now - last_full >= self.rescan:
                    last_full = now
            self._collect()
            self._dispatch(pool)
            due = self.tracker.next_due()
            if once_limit is not None:
                if due is None and not self._ready and not self._inflight:
                    return
                if due is not None and not self._inflight and not self._ready and now - started > once_limit:
                    from casefile.privacy import display_name

                    self.report.left_pending = [display_name(inbox_layout.relative(self.inbox, p))
                                                for p in self.tracker.pending()]
                    return
            wait = self.rescan - (time.monotonic() - last_full) if once_limit is None else 1.0
            if due is not None:
                wait = min(wait, due + 0.01)
            self._wake.wait(max(0.01, wait))
            self._wake.clear()
            if self._fs_dirty.is_set():
                self._fs_dirty.clear()
                gap = MIN_SCAN_GAP - (time.monotonic() - self._last_scan)
                if gap > 0:  # an event storm (our own moves included) gets one scan per gap
                    time.sleep(gap)
                scan_now = True
            due = self.tracker.next_due()
            if due is not None and due <= 0:
                scan_now = True

    def wake(self) -> None:
        self._wake.set()

    # -- internals -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _exclusive(self) -> Any:
        from casefile.store import locked

        try:
            with locked(self.ws, LOCK_NAME, timeout=0.5):
                yield
        except LockTimeout:
            raise WatcherBusy("另一个 casefile watch 正在处理本工作区的收件目录；同一时间只能运行一个。") from None

    @contextlib.contextmanager
    def _parsers(self, *, warm: bool = False) -> Any:
        """Fork servers for the worker threads (closed after the last file is done); a long-running
        watcher starts them at once, so the first file does not wait for their imports."""
        pool = WorkerPool(self.workers, python=self.python)
        if warm:
            pool.warm()
        self.ingest.pool = pool
        try:
            yield
        finally:
            self.ingest.pool = None
            pool.close()

    def _prepare(self) -> None:
        from casefile.privacy import escape_controls

        try:
            self.inbox.mkdir(parents=True, exist_ok=True)
            for moved in inbox_layout.ensure_quarantine_dirs(self.inbox):
                self.report.warnings.append(
                    f"收件目录中的隔离目录名被占用（符号链接、文件或他人的目录），已改名为 {escape_controls(moved)} 并重建隔离目录。")
        except OSError as exc:
            self.report.warnings.append(f"收件目录不可写（{exc.strerror}）：文件可以归档，但无法从收件目录移走。")
        # our own reason-file temps from a killed run (only a watcher writes there, and we hold its lock)
        self.report.cleaned.extend(inbox_layout.remove_stale_temps(self.inbox))
        self._clean_staging()

    def _clean_staging(self) -> None:
        """Leftovers of a killed run (a concurrent `evidence add` keeps its fresh folder)."""
        import shutil

        root = self.ws.state_dir / STAGING_DIR
        if not root.is_dir() or root.is_symlink():
            return  # a link is replaced (never followed) when the next file needs the folder
        horizon = time.time() - 2 * self.ws.settings.evidence.parse_timeout_seconds - 60
        for child in root.iterdir():
            with contextlib.suppress(OSError):
                if child.stat().st_mtime < horizon:
                    shutil.rmtree(child, ignore_errors=True)

    def _start_observer(self) -> Any:
        try:
            from watchdog.events import FileSystemEvent, FileSystemEventHandler
            from watchdog.observers import Observer

            wake, dirty = self._wake, self._fs_dirty

            class _Wake(FileSystemEventHandler):
                def on_any_event(self, event: FileSystemEvent) -> None:
                    dirty.set()
                    wake.set()

            observer = Observer()
            observer.schedule(_Wake(), str(self.inbox), recursive=True)
            observer.daemon = True
            observer.start()
            return observer
        except Exception as exc:  # inotify limits, unsupported file systems: the rescan still works
            self.report.warnings.append(f"无法监听文件系统事件（{exc}），改为每 {self.rescan:g} 秒扫描一次。")
            return None

    def _scan(self) -> None:
        self._last_scan = time.monotonic()
        entries = list(inbox_layout.scan(self.inbox))
        self._seen = {e.path: e.signature for e in entries}
        self.tracker.sync(e.path for e in entries)
        for e in entries:
            self.tracker.observe(e.path, e.signature)
        for path in self.tracker.ready():
            if path not in self._inflight and path not in self._ready:
                self._ready.append(path)

    def _dispatch(self, pool: ThreadPoolExecutor) -> None:
        """Start ready files, oldest name first, while threads are free (the list stays ours, so a
        file that is retried later does not jump the queue)."""
        while self._ready and len(self._inflight) < self.workers:
            path = self._ready.pop(0)
            self._inflight[path] = None
            fut = pool.submit(self._process, path)
            fut.add_done_callback(lambda _f: self._wake.set())

    def _process(self, path: Path) -> IngestResult:
        try:
            result = self.ingest.inbox_file(path, self._seen.get(path))
        except Exception as exc:  # a bug must not stop the watcher: report, count, retry later
            detail = f"内部错误（{type(exc).__name__}: {exc}）"
            with contextlib.suppress(Exception):
                self.ingest.note_failure(path, detail)  # the third time, the file is quarantined
            result = IngestResult(Outcome.RETRY, inbox_layout.relative(self.inbox, path), detail=detail)
        self._done.put((path, result))
        return result

    def _collect(self) -> None:
        while True:
            try:
                path, result = self._done.get_nowait()
            except queue.Empty:
                break
            self._inflight.pop(path, None)
            if result.outcome is Outcome.RETRY and self._retry_transient:
                n = self._retries.get(path, 0) + 1
                self._retries[path] = n
                self.tracker.retry(path, after=min(self.tracker.delay + 2.0 ** n, 600.0))
            else:
                self._retries.pop(path, None)
            self.report.results.append(result)
            if len(self.report.results) > MAX_KEPT_RESULTS:  # a watcher runs for months: the log keeps the rest
                del self.report.results[: len(self.report.results) - MAX_KEPT_RESULTS]
            self._log(result)
            if self.on_result is not None:
                try:
                    self.on_result(result)
                except Exception as exc:  # a closed terminal must not stop the filing
                    self.report.warnings.append(f"无法输出处理结果（{type(exc).__name__}）")

    def _log(self, result: IngestResult) -> None:
        """An operator's trail of what happened to every file (derived; safe to delete)."""
        path = self.ws.state_dir / LOG_FILE
        with contextlib.suppress(OSError):
            if path.exists() and path.stat().st_size > LOG_ROTATE_BYTES:
                os.replace(path, path.with_suffix(".jsonl.1"))
            line = json.dumps({"at": self.ingest.clock().isoformat(timespec="seconds"), **result.as_json()},
                              ensure_ascii=False)
            with path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")


def watch_once(ws: Workspace, *, actor: ActorLike, clock: Callable[[], datetime],
               on_result: Callable[[IngestResult], None] | None = None, max_wait: float | None = None) -> WatchReport:
    return Watcher(ws, actor=actor, clock=clock, on_result=on_result, use_events=False).run_once(max_wait=max_wait)
