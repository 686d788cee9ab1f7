"""One LibreOffice kept running for a batch of conversions (issuing a batch, archiving a case).

Starting ``soffice`` costs about two seconds; converting one document in a running one a tenth of that.
:func:`warm_office` starts a worker (``unoworker.py`` under a Python that has Debian's ``uno``) that
starts LibreOffice with a UNO listener; while the ``with`` block runs, every
:func:`casefile.documents.pdf.convert_many` in this thread goes through it. A worker that dies (LibreOffice
crashed, was killed, hangs past the timeout) is killed with its LibreOffice and started again for the
next document; the document in hand is retried once. Where no Python with ``uno`` is found, or the
worker cannot start, ``warm_office`` yields None and conversions start their own LibreOffice as before:
the output is the same, only slower.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from casefile.documents.fonts import soffice_env
from casefile.errors import ExternalToolError

SOFFICE_VAR = "CASEFILE_SOFFICE"


def find_soffice() -> str | None:
    """``CASEFILE_SOFFICE``, else ``soffice`` or ``libreoffice`` on PATH."""
    explicit = os.environ.get(SOFFICE_VAR)
    if explicit:
        return explicit if Path(explicit).is_file() else shutil.which(explicit)
    return shutil.which("soffice") or shutil.which("libreoffice")

__all__ = ["UNO_PYTHON_VAR", "WarmOffice", "current_office", "uno_python", "warm_office"]

UNO_PYTHON_VAR = "CASEFILE_UNO_PYTHON"
_WORKER = Path(__file__).with_name("unoworker.py")
_current: ContextVar[WarmOffice | None] = ContextVar("casefile_warm_office", default=None)


@lru_cache(maxsize=2)
def _probe(candidate: str) -> bool:
    try:
        return subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def uno_python() -> str | None:
    """``CASEFILE_UNO_PYTHON``, else the system python3 if it can import ``uno``; None if none can."""
    explicit = os.environ.get(UNO_PYTHON_VAR)
    for candidate in ([explicit] if explicit else ["/usr/bin/python3", "/usr/local/bin/python3"]):
        if candidate and Path(candidate).is_file() and _probe(candidate):
            return candidate
    return None


def current_office() -> WarmOffice | None:
    return _current.get()


class WarmOffice:
    """A running worker + LibreOffice. Not thread-safe: one conversion at a time."""

    def __init__(self, soffice: str, python: str, scratch: Path) -> None:
        self.soffice, self.python, self.scratch = soffice, python, scratch
        self.proc: subprocess.Popen[bytes] | None = None
        self.office_pid = 0
        self.profile: Path | None = None
        self.starts = 0
        self.converted = 0

    # -- life cycle -------------------------------------------------------------------------------
    def start(self, timeout: float = 90.0) -> None:
        self.stop()
        self.profile = Path(tempfile.mkdtemp(prefix="casefile-lo-warm-", dir=self.scratch))
        pipe = f"casefile-{uuid.uuid4().hex[:12]}"
        env = soffice_env()
        env["HOME"] = str(self.profile)
        self.proc = subprocess.Popen(
            [self.python, str(_WORKER), self.soffice, self.profile.as_uri(), pipe],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            start_new_session=True,
        )
        self.starts += 1
        ready = self._read(timeout)
        if not ready or not ready.get("ready"):
            self.stop()
            raise ExternalToolError("常驻 LibreOffice 未能启动。")
        self.office_pid = int(str(ready.get("pid", 0)))

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            with contextlib.suppress(OSError, ValueError):
                proc.stdin.close()  # type: ignore[union-attr]  # the worker closes LibreOffice on EOF
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=15)
            for pid in (proc.pid, self.office_pid):
                if pid:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
            if proc.stdout is not None:
                proc.stdout.close()
        self.office_pid = 0
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None

    def _read(self, timeout: float) -> dict[str, object] | None:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        if not line:
            return None
        try:
            answer = json.loads(line)
        except ValueError:
            return None
        return answer if isinstance(answer, dict) else None

    # -- work ---------------------------------------------------------------------------------------
    def convert(self, src: Path, out: Path, timeout: float) -> None:
        """Write ``out`` (a PDF/A-2b) from ``src``; one retry in a fresh LibreOffice if the first dies."""
        error = ""
        for _attempt in range(2):
            if self.proc is None or self.proc.poll() is not None:
                self.start()
            assert self.proc is not None and self.proc.stdin is not None
            try:
                self.proc.stdin.write(json.dumps({"src": str(src), "out": str(out)}).encode() + b"\n")
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError):
                self.stop()
                continue
            answer = self._read(timeout)
            if answer is None:  # hung or died: kill both, start afresh for the retry
                self.stop()
                error = f"超过{timeout:g}秒未完成或 LibreOffice 意外退出"
                continue
            if answer.get("ok"):
                self.converted += 1
                return
            error = str(answer.get("error", ""))
            if answer.get("dead"):
                self.stop()
                continue
            break
        raise ExternalToolError(f"LibreOffice 未能把 {src.name} 转换为 PDF（{error}）。")


@contextlib.contextmanager
def warm_office(scratch: Path | None = None) -> Iterator[WarmOffice | None]:
    """Keep one LibreOffice warm for the conversions in the block; yields None where that is not possible
    (then each conversion starts its own). Nested blocks share the outer one."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    exe, python = find_soffice(), uno_python()
    if exe is None or python is None:
        yield None
        return
    base = scratch if scratch is not None else Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    office = WarmOffice(exe, python, base)
    try:
        office.start()
    except ExternalToolError:
        office.stop()
        yield None
        return
    token = _current.set(office)
    try:
        yield office
    finally:
        _current.reset(token)
        office.stop()
