"""Fault points for the crash-consistency harness.

``CASEFILE_FAULT=NAME`` makes the process SIGKILL itself the first time it reaches the point NAME
(``NAME@N``: the N-th time). ``CASEFILE_PAUSE=NAME@FLAGFILE`` makes it stop there instead, the first
time: it writes its pid to FLAGFILE and waits (at most 120 s) until the test removes the file, so a
test can change the world at an exact moment (the red-team tests swap folders for links there).
Production code only pays a string comparison.
"""

from __future__ import annotations

import os

FAULT_VAR = "CASEFILE_FAULT"
PAUSE_VAR = "CASEFILE_PAUSE"
_pause_name, _, _pause_flag = os.environ.get(PAUSE_VAR, "").partition("@")
_spec = os.environ.get(FAULT_VAR, "")
_name, _, _nth = _spec.partition("@")
_remaining = int(_nth) if _nth.isdigit() else 1


def point(name: str) -> None:
    global _remaining, _pause_name
    if _pause_name and name == _pause_name and _pause_flag:
        _pause_name = ""
        _pause()
    if not _name or name != _name:
        return
    _remaining -= 1
    if _remaining <= 0:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _pause() -> None:
    import time

    with open(_pause_flag, "w", encoding="ascii") as f:
        f.write(str(os.getpid()))
    deadline = time.monotonic() + 120
    while os.path.exists(_pause_flag) and time.monotonic() < deadline:
        time.sleep(0.02)
