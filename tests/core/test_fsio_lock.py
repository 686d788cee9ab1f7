"""casefile.fsio.locked: an flock on a lock file, shared by processes and threads (no filelock loaded)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from casefile.errors import LockTimeout
from casefile.fsio import locked

HOLD = """
import sys, time
from pathlib import Path
from casefile.fsio import locked
with locked(Path(sys.argv[1]), "case-X"):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_lock_held_by_another_process_times_out_with_the_sentence_then_is_free(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        t = time.monotonic()
        with pytest.raises(LockTimeout, match="正被另一个操作占用"), locked(tmp_path, "case-X", 0.3):
            pass
        assert 0.25 <= time.monotonic() - t < 5
        with pytest.raises(LockTimeout, match="检索索引正忙"), locked(tmp_path, "case-X", 0.1, busy="检索索引正忙。"):
            pass
        with locked(tmp_path, "case-Y", 0.1):  # another name is another lock
            pass
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(10)
    with locked(tmp_path, "case-X", 1):  # released when its holder ends
        pass
    assert (tmp_path / "locks" / "case-X.lock").is_file()  # stays, so every waiter locks the same inode


def test_threads_of_one_process_exclude_each_other(tmp_path: Path) -> None:
    inside: list[int] = []
    overlaps: list[int] = []

    def work(i: int) -> None:
        for _ in range(5):
            with locked(tmp_path, "seq-case-2026", 10):
                inside.append(i)
                if len(inside) > 1:
                    overlaps.append(i)
                time.sleep(0.002)
                inside.remove(i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert not overlaps


def test_taking_a_lock_does_not_load_filelock(tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; from casefile.fsio import locked\n"
            f"with locked(Path({str(tmp_path)!r}), 'a'): pass\n"
            "print('filelock' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
