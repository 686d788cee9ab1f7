"""The isolated parse/OCR process: ``python -m casefile.evidence.worker``.

Every file is opened here, never in the watcher: a parser that crashes, hangs, or allocates
without bound takes down only this process. The parent (:func:`parse_isolated`) sends one JSON
request on stdin (the password travels there, never on the command line), enforces a wall-clock
timeout by killing the whole process group (tesseract included), and maps every way of dying to a
stable reason code. The child caps its own address space (``RLIMIT_AS``), core dumps, recursion and
image pixels before it imports a parser.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MEMORY_ERROR_EXIT = 86  # the child ran out of its address-space cap and could not even report it
PROTOCOL_ERROR_EXIT = 87


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
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CASEFILE_FAULT", None)  # fault points are for the watcher, not its children
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        proc = subprocess.Popen(
            [python or sys.executable, "-m", "casefile.evidence.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, start_new_session=True,
        )
    except OSError as exc:
        return WorkerResult(False, "parser-crash", f"无法启动解析进程：{exc.strerror}", seconds=0.0)
    payload = json.dumps(asdict(req), ensure_ascii=False).encode("utf-8")
    try:
        out, err = proc.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        return WorkerResult(False, "timeout", f"超过 {timeout:.0f} 秒未完成", seconds=time.monotonic() - started)
    finally:
        _kill_group(proc)  # stray grandchildren (tesseract) never outlive their file
    seconds = time.monotonic() - started
    rc = proc.returncode
    if rc == MEMORY_ERROR_EXIT:
        return WorkerResult(False, "memory-limit", f"超过 {req.memory_limit_mb} MB 内存上限", seconds=seconds)
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
    except Exception as exc:  # any other parser failure is a damaged file, never a dead watcher
        return {"ok": False, "code": "corrupt", "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}
    return {"ok": True, "result": analysis.as_json()}


def main() -> int:
    try:
        raw = json.loads(sys.stdin.buffer.read().decode("utf-8"))
        req = WorkerRequest(**raw)
    except (ValueError, TypeError) as exc:
        sys.stderr.write(f"bad request: {exc}\n")
        return PROTOCOL_ERROR_EXIT
    _limit_resources(req.memory_limit_mb)
    _quiet()
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
