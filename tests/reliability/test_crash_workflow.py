"""Crash harness, workflow paths: intake, transitions (joint procedure, referral, enforcement,
close), document issue, redirect, index update and rebuild — killed with SIGKILL at fault points
and random delays."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reliability.harness import run_harness

pytestmark = pytest.mark.slow


def test_workflow_survives_kills(kills: int, fast_dir: Path, soffice_stub: Path,
                                 record_property: Callable[[str, object], None]) -> None:
    report = run_harness(["workflow", "referral"], kills // 2, seed=kills + 1, base=fast_dir, soffice=soffice_stub)
    record_property("reliability", report.summary())
    print(report.summary())
    assert not report.problems, "\n".join(report.problems)
    assert report.kills >= kills // 2
    assert {"intake", "transition", "document"} <= set(report.by_path)
