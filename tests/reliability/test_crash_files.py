"""Crash harness, file paths: intake, evidence add, the watcher, the direct procedure, archiving,
reopening, index updates — each killed with SIGKILL at fault points and random delays."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reliability.harness import run_harness

pytestmark = pytest.mark.slow


def test_files_survive_kills(kills: int, fast_dir: Path, soffice_stub: Path,
                             record_property: Callable[[str, object], None]) -> None:
    report = run_harness(["files"], (kills + 1) // 2, seed=kills, base=fast_dir, soffice=soffice_stub)
    record_property("reliability", report.summary())
    print(report.summary())
    assert not report.problems, "\n".join(report.problems)
    assert report.kills >= (kills + 1) // 2
    assert {"intake", "evidence-add", "watch", "transition", "archive", "reopen"} <= set(report.by_path)
