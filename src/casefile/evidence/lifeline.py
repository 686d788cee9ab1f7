"""Processes that must not outlive the one that started them (stdlib only).

A parse worker left behind by a killed watcher keeps burning CPU on a hostile file, and the next
watcher starts another one on the same file. On Linux the kernel can kill a process when its
parent goes (``prctl(PR_SET_PDEATHSIG)``); elsewhere (and as a second line) every worker also
carries its own CPU and wall-clock limit (:func:`limit_time`), so it ends even if nobody is left to
kill it.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
PARENT_VAR = "CASEFILE_WORKER_PARENT"  # the pid a worker must be the child of


def die_with_parent(expected_parent: int | None = None) -> bool:
    """Ask the kernel to SIGKILL this process when its parent ends; if the parent already ended
    (we were adopted before asking), end now. False where the platform cannot do it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if expected_parent is None:
        with contextlib.suppress(ValueError):
            expected_parent = int(os.environ.get(PARENT_VAR, "") or 0) or None
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)  # the parent died between fork and prctl
    return True


def limit_time(seconds: float) -> None:
    """CPU limit (SIGXCPU, then SIGKILL 5 s later) and a wall-clock alarm (SIGALRM), both fatal by
    default: the worker ends on its own even with no parent left to enforce the timeout. The CPU
    limit is inherited by what it starts (tesseract)."""
    if seconds <= 0:
        return
    import resource

    limit = max(1, math.ceil(seconds))
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        new_hard = limit + 5 if hard == resource.RLIM_INFINITY else min(hard, limit + 5)
        resource.setrlimit(resource.RLIMIT_CPU, (min(limit, new_hard), new_hard))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(limit + 2)
