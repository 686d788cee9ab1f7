"""Fixtures of the search tests (helpers live in helpers.py, shared with tests/library)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def search_ws(tmp_path: Path) -> Any:
    from testkit import init_test_workspace as init_workspace

    return init_workspace(tmp_path / "ws", "pianguan")
