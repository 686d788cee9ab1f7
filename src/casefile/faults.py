"""Fault points for the crash-consistency harness.

``CASEFILE_FAULT=NAME`` makes the process SIGKILL itself the first time it reaches the point NAME
(``NAME@N``: the N-th time). Production code only pays a dictionary lookup.
"""

from __future__ import annotations

import os
import signal

FAULT_VAR = "CASEFILE_FAULT"
_spec = os.environ.get(FAULT_VAR, "")
_name, _, _nth = _spec.partition("@")
_remaining = int(_nth) if _nth.isdigit() else 1


def point(name: str) -> None:
    global _remaining
    if not _name or name != _name:
        return
    _remaining -= 1
    if _remaining <= 0:
        os.kill(os.getpid(), signal.SIGKILL)
