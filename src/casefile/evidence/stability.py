"""When is a file in the drop folder complete?

A scanner or a network copy writes a file over seconds; taking it early files half a PDF. A file
is *stable* when its size, mtime and inode have not changed for ``delay`` seconds of our own
(monotonic) clock: the writer's clock and a copied-in mtime do not matter. Each (path, signature)
is handed out once, so a file is never queued twice; a file that changes afterwards is a new file.

Pure bookkeeping: no I/O, no threads. The watcher feeds it ``os.stat`` results; the tests feed it
numbers and a fake clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Signature:
    size: int
    mtime_ns: int
    inode: int = 0
    device: int = 0


@dataclass
class _Entry:
    signature: Signature
    since: float  # our clock when this signature was first seen
    handed_out: bool = False


class FileStabilityTracker:
    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        if delay < 0:
            raise ValueError("delay must be >= 0")
        self.delay = delay
        self._clock = clock
        self._entries: dict[Path, _Entry] = {}

    def observe(self, path: Path, signature: Signature) -> None:
        """Record what a scan saw. A changed signature restarts the wait (and re-arms the file)."""
        entry = self._entries.get(path)
        if entry is None or entry.signature != signature:
            self._entries[path] = _Entry(signature, self._clock())

    def sync(self, present: Iterable[Path]) -> None:
        """Forget files a full scan no longer saw (filed, moved away, deleted)."""
        keep = set(present)
        for path in [p for p in self._entries if p not in keep]:
            del self._entries[path]

    def forget(self, path: Path) -> None:
        self._entries.pop(path, None)

    def retry(self, path: Path, after: float | None = None) -> None:
        """Hand the file out again once it has been stable for another ``after`` seconds (default:
        the delay), e.g. after a transient failure (case locked, disk full)."""
        entry = self._entries.get(path)
        if entry is not None:
            wait = self.delay if after is None else after
            entry.handed_out = False
            entry.since = self._clock() + wait - self.delay

    def ready(self) -> list[Path]:
        """Files stable for the delay and not handed out yet; each is handed out exactly once."""
        now = self._clock()
        out = []
        for path, entry in self._entries.items():
            if not entry.handed_out and now - entry.since >= self.delay:
                entry.handed_out = True
                out.append(path)
        out.sort()
        return out

    def pending(self) -> list[Path]:
        """Files seen but not yet stable (still being written, or not waited for long enough)."""
        return sorted(p for p, e in self._entries.items() if not e.handed_out)

    def next_due(self) -> float | None:
        """Seconds until the earliest pending file could become ready (None: nothing pending)."""
        now = self._clock()
        waits = [max(0.0, e.since + self.delay - now) for e in self._entries.values() if not e.handed_out]
        return min(waits) if waits else None

    def __len__(self) -> int:
        return len(self._entries)
