"""The isolated parse/OCR process: ``python -m casefile.evidence.worker``.

Every file is opened in a process of its own, never in the watcher: a parser that crashes, hangs
or allocates without bound takes down only that process. The parent sends one JSON request (the
password travels there, never on the command line), enforces a wall-clock timeout by killing the
file's whole process group (tesseract included), and maps every way of dying to a stable reason
code. The child caps its own address space (``RLIMIT_AS``), core dumps, recursion and image pixels
before it touches the file.

Two ways to run it, same isolation per file:

- one-shot (:func:`parse_isolated`): ``python -m casefile.evidence.worker`` parses one file and exits;
- served (:class:`WorkerPool`): ``python -m casefile.evidence.worker --serve`` imports the parsers
  once and then *forks a fresh child for every file*. The server itself never reads a file; it
  only forks and reports the child's pid and exit status. Starting Python and importing pypdf,
  pdfium and Pillow costs about 0.5 s, which would otherwise dominate a burst of small scans.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import queue
import select
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MEMORY_ERROR_EXIT = 86  # the child ran out of its address-space cap and could not even report it
PROTOCOL_ERROR_EXIT = 87
STORAGE_ERROR_EXIT = 88  # the disk under the work folder is full or read-only: the file is not to blame
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})
STORAGE_DETAIL = "临时目录所在磁盘已满或只读"
TIME_SIGNALS = frozenset({signal.SIGXCPU, signal.SIGALRM})  # the worker's own time limit (lifeline.limit_time)
RESULT_FILE = ".worker-result.json"
PRELOAD = ("casefile.faults", "pypdf", "pypdfium2", "PIL.Image", "PIL.ImageOps", "zxingcpp", "img2pdf", "docx", "openpyxl",
           "msoffcrypto", "olefile", "casefile.evidence.extract", "casefile.evidence.ocr",
           "casefile.evidence.coversheet", "casefile.evidence.textcheck", "pypdf.filters", "encodings.gb2312",
           "encodings.gbk", "encodings.big5", "encodings.utf_16_be")


@dataclass
class WorkerRequest:
    path: str
    name: str  # the original file name (its extension is only a hint)
    out_dir: str  # where the worker may write derived files (cover-stripped PDF, archive PDF)
    password: str | None = None
    ocr: bool = True
    ocr_dpi: int = 300
    max_pixels: int = 120_000_000
    max_ocr_pages: int = 50
    memory_limit_mb: int = 1536
    budget_seconds: float = 120.0  # OCR stops in time for the parent's timeout
    detect_cover: bool = True
    hard_seconds: float = 0.0  # the worker's own CPU and wall-clock limit (0: none); the parent's timeout


@dataclass
class WorkerResult:
    ok: bool
    code: str = ""  # reason code when not ok (see codes.Reason), or "wrong-password"
    detail: str = ""
    data: dict[str, Any] | None = None
    seconds: float = 0.0


# == parent side ===================================================================================
def parse_isolated(req: WorkerRequest, *, timeout: float, python: str | None = None) -> WorkerResult:
    """Run the worker on one file; never raises for anything the file does."""
    started = time.monotonic()
    env = _child_env()
    try:
        proc = subprocess.Popen(
            [python or sys.executable, "-m", "casefile.evidence.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, start_new_session=True,
        )
    except OSError as exc:
        return WorkerResult(False, "parser-crash", f"无法启动解析进程：{exc.strerror}", seconds=0.0)
    payload = json.dumps(asdict(req)).encode("ascii")  # ASCII escapes carry non-UTF-8 file names (surrogates)
    try:
        out, err = proc.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        return WorkerResult(False, "timeout", f"超过 {timeout:g} 秒未完成", seconds=time.monotonic() - started)
    finally:
        _kill_group(proc)  # stray grandchildren (tesseract) never outlive their file
    seconds = time.monotonic() - started
    rc = proc.returncode
    if rc is not None and rc < 0 and -rc in TIME_SIGNALS:
        return WorkerResult(False, "timeout", f"超过 {timeout:g} 秒未完成（解析进程自身的时限）", seconds=seconds)
    if rc == MEMORY_ERROR_EXIT:
        return WorkerResult(False, "memory-limit", f"超过 {req.memory_limit_mb} MB 内存上限", seconds=seconds)
    if rc == STORAGE_ERROR_EXIT:
        return WorkerResult(False, "storage", STORAGE_DETAIL, seconds=seconds)
    if rc is not None and rc < 0:
        name = _signal_name(-rc)
        return WorkerResult(False, "parser-crash", f"解析进程被信号 {name} 终止（可能超出 {req.memory_limit_mb} MB 内存上限）",
                            seconds=seconds)
    try:
        msg = json.loads(out.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {rc}"]
        return WorkerResult(False, "parser-crash", f"解析进程异常退出：{tail[0][:200]}", seconds=seconds)
    if not msg.get("ok"):
        return WorkerResult(False, str(msg.get("code", "corrupt")), str(msg.get("detail", "")), seconds=seconds)
    return WorkerResult(True, data=msg.get("result"), seconds=seconds)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        os.killpg(proc.pid, signal.SIGKILL)


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return str(num)


WORKER_FAULT_VAR = "CASEFILE_WORKER_FAULT"  # CASEFILE_FAULT for the parse process (tests: a parser that dies)


def _child_env() -> dict[str, str]:
    from casefile.evidence.lifeline import PARENT_VAR

    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONDONTWRITEBYTECODE": "1", PARENT_VAR: str(os.getpid())}
    env.pop("CASEFILE_FAULT", None)  # the watcher's fault points are not the parser's
    if env.get(WORKER_FAULT_VAR):
        env["CASEFILE_FAULT"] = env[WORKER_FAULT_VAR]
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _result_from_exit(req: WorkerRequest, status: dict[str, Any], seconds: float) -> WorkerResult:
    """Read the child's result file, or explain how it died."""
    sig = int(status.get("signal") or 0)
    code = int(status.get("exit") or 0)
    if sig in TIME_SIGNALS:
        return WorkerResult(False, "timeout", f"超过 {req.hard_seconds:g} 秒未完成（解析进程自身的时限）", seconds=seconds)
    if sig:
        return WorkerResult(False, "parser-crash",
                            f"解析进程被信号 {_signal_name(sig)} 终止（可能超出 {req.memory_limit_mb} MB 内存上限）", seconds=seconds)
    if code == MEMORY_ERROR_EXIT:
        return WorkerResult(False, "memory-limit", f"超过 {req.memory_limit_mb} MB 内存上限", seconds=seconds)
    if code == STORAGE_ERROR_EXIT:
        return WorkerResult(False, "storage", STORAGE_DETAIL, seconds=seconds)
    try:
        msg = json.loads((Path(req.out_dir) / RESULT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return WorkerResult(False, "parser-crash", f"解析进程异常退出（退出码 {code}）", seconds=seconds)
    if not msg.get("ok"):
        return WorkerResult(False, str(msg.get("code", "corrupt")), str(msg.get("detail", "")), seconds=seconds)
    return WorkerResult(True, data=msg.get("result"), seconds=seconds)


class _Server:
    """One ``--serve`` process and its line protocol (request → ``pid`` line → ``exit`` line)."""

    def __init__(self, python: str | None) -> None:
        self.proc = subprocess.Popen(
            [python or sys.executable, "-m", "casefile.evidence.worker", "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_child_env(),
            start_new_session=True,
        )
        self._buf = b""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, req: WorkerRequest) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(asdict(req)).encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def read_line(self, timeout: float) -> dict[str, Any] | None:
        """The next message, or None on timeout. Raises EOFError if the server is gone."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise EOFError
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        msg: dict[str, Any] = json.loads(line)
        return msg

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)
            self.proc.wait()


class WorkerPool:
    """Up to ``size`` fork servers, shared by threads; each file still gets a process of its own."""

    def __init__(self, size: int = 1, *, python: str | None = None) -> None:
        self.python = python
        self._idle: queue.SimpleQueue[_Server | None] = queue.SimpleQueue()
        for _ in range(max(1, size)):
            self._idle.put(None)  # started on first use
        self._all: list[_Server] = []
        self._closed = False

    def warm(self) -> None:
        """Start every server now (they import in the background), so the first file does not wait."""
        servers = []
        while True:
            try:
                servers.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for server in servers:
            if server is None or not server.alive():
                server = _Server(self.python)
                self._all.append(server)
            self._idle.put(server)

    def parse(self, req: WorkerRequest, *, timeout: float) -> WorkerResult:
        server = self._idle.get()
        try:
            if server is None or not server.alive():
                server = _Server(self.python)
                self._all.append(server)
            return self._run(server, req, timeout)
        except (EOFError, OSError, ValueError):
            # the server itself failed (not the file's child): start afresh, parse one-shot this time
            if server is not None:
                with contextlib.suppress(Exception):
                    server.close()
            server = None
            return parse_isolated(req, timeout=timeout, python=self.python)
        finally:
            self._idle.put(server)

    def _run(self, server: _Server, req: WorkerRequest, timeout: float) -> WorkerResult:
        with contextlib.suppress(OSError):
            (Path(req.out_dir) / RESULT_FILE).unlink()
        server.send(req)
        hello = server.read_line(120.0)  # a fresh server is still importing: not the file's time
        if hello is None or "pid" not in hello:
            raise EOFError
        pid = int(hello["pid"])
        forked = time.monotonic()
        status = server.read_line(timeout)  # the file's wall-clock budget starts with its process
        if status is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            server.read_line(30.0)  # the server reaps the child and reports it
            return WorkerResult(False, "timeout", f"超过 {timeout:g} 秒未完成", seconds=time.monotonic() - forked)
        return _result_from_exit(req, status, time.monotonic() - forked)

    def close(self) -> None:
        self._closed = True
        for server in self._all:
            with contextlib.suppress(Exception):
                server.close()
        self._all.clear()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# == child side ======================================================================================
def _limit_resources(memory_mb: int) -> None:
    import resource

    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.setrecursionlimit(5000)


def _quiet() -> None:
    import logging
    import warnings

    logging.disable(logging.CRITICAL)  # pypdf and img2pdf log every oddity of a damaged file
    warnings.simplefilter("ignore")


def handle(req: WorkerRequest) -> dict[str, Any]:
    from casefile.evidence.extract import Limits, Rejected, WrongPassword, analyse

    limits = Limits(ocr=req.ocr, ocr_dpi=req.ocr_dpi, max_pixels=req.max_pixels, max_ocr_pages=req.max_ocr_pages,
                    deadline=time.monotonic() + req.budget_seconds)
    try:
        analysis = analyse(Path(req.path), req.name, Path(req.out_dir), password=req.password, limits=limits,
                           detect_cover=req.detect_cover)
    except Rejected as exc:
        return {"ok": False, "code": exc.code, "detail": exc.detail}
    except WrongPassword:
        return {"ok": False, "code": "wrong-password", "detail": "密码不正确"}
    except MemoryError:
        return {"ok": False, "code": "memory-limit", "detail": f"超过 {req.memory_limit_mb} MB 内存上限"}
    except RecursionError:
        return {"ok": False, "code": "corrupt", "detail": "对象嵌套过深（RecursionError）"}
    except OSError as exc:
        if exc.errno in STORAGE_ERRNOS:  # writing the extracted text or the archive PDF failed
            return {"ok": False, "code": "storage", "detail": f"{STORAGE_DETAIL}（{exc.strerror}）"}
        return {"ok": False, "code": "corrupt", "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}
    except Exception as exc:  # any other parser failure is a damaged file, never a dead watcher
        return {"ok": False, "code": "corrupt", "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}
    return {"ok": True, "result": analysis.as_json()}


def serve() -> int:
    """Fork server: import the parsers once, then one forked child per request, one at a time."""
    import importlib

    from casefile.evidence.lifeline import die_with_parent

    die_with_parent()  # a killed watcher takes its servers (and through them their children) along
    _quiet()
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    stdin = sys.stdin.buffer
    out = sys.stdout
    for line in stdin:
        if not line.strip():
            continue
        try:
            req = WorkerRequest(**json.loads(line.decode("utf-8")))
        except (ValueError, TypeError):
            out.write(json.dumps({"error": "bad request"}) + "\n")
            out.flush()
            continue
        me = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: one file, then gone
            _child(req, me)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            out.write(json.dumps({"signal": os.WTERMSIG(status)}) + "\n")
        else:
            out.write(json.dumps({"exit": os.WEXITSTATUS(status)}) + "\n")
        out.flush()
    return 0


def _child(req: WorkerRequest, server: int) -> None:
    code = 0
    try:
        from casefile.evidence.lifeline import die_with_parent, limit_time

        die_with_parent(server)
        limit_time(req.hard_seconds)
        os.setsid()  # its own process group: a timeout kills it together with its tesseract
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        _limit_resources(req.memory_limit_mb)
        from casefile import faults

        faults.point("worker.parse")
        reply = handle(req)
        target = Path(req.out_dir) / RESULT_FILE
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(reply, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)
    except MemoryError:
        code = MEMORY_ERROR_EXIT
    except OSError as exc:
        code = STORAGE_ERROR_EXIT if exc.errno in STORAGE_ERRNOS else PROTOCOL_ERROR_EXIT
    except BaseException:
        code = PROTOCOL_ERROR_EXIT
    os._exit(code)


def main() -> int:
    if "--serve" in sys.argv[1:]:
        return serve()
    try:
        raw = json.loads(sys.stdin.buffer.read().decode("utf-8"))
        req = WorkerRequest(**raw)
    except (ValueError, TypeError) as exc:
        sys.stderr.write(f"bad request: {exc}\n")
        return PROTOCOL_ERROR_EXIT
    from casefile.evidence.lifeline import die_with_parent, limit_time

    die_with_parent()
    limit_time(req.hard_seconds)
    _limit_resources(req.memory_limit_mb)
    _quiet()
    from casefile import faults

    faults.point("worker.parse")
    try:
        reply = handle(req)
        data = json.dumps(reply, ensure_ascii=False)
    except MemoryError:
        os._exit(MEMORY_ERROR_EXIT)
    sys.stdout.write(data)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
