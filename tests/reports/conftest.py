"""The October 2026 data set (dataset.py), built once through the real workflow and shared read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reports.dataset import build


@pytest.fixture(scope="session")
def october(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    from testkit import init_test_workspace as init_workspace

    ws = init_workspace(Path(tmp_path_factory.mktemp("october")) / "ws", "pianguan")
    return ws, build(ws)
