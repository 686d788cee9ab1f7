"""A time limit for pure-Python work in the current thread (stdlib only).

Rendering a workspace template runs code its author wrote (a sandboxed Jinja template), and nested
loops can keep it busy for hours while the case lock is held. A timer thread raises
:class:`TimeLimitExceeded` inside the working thread (``PyThreadState_SetAsyncExc``), which Python
delivers between two bytecodes: any thread, no signals, the lock released on the way out like for
any other error. Time spent inside one long C call is not interrupted until it returns.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
from collections.abc import Iterator


class TimeLimitExceeded(Exception):
    """The work took longer than its limit (raised in the working thread)."""


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimitExceeded in this thread if the block is still running after ``seconds``."""
    if seconds <= 0:
        yield
        return
    tid = threading.get_ident()
    guard = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with guard:
            if not state["done"]:
                state["fired"] = True
                _set_async_exc(tid, TimeLimitExceeded)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with guard:
            state["done"] = True
        timer.cancel()
        if state["fired"]:
            _set_async_exc(tid, None)  # not delivered yet: take it back, and say so ourselves
            raise TimeLimitExceeded
