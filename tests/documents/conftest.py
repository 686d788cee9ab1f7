"""Fixtures of the document tests (builders live in docfixtures.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from docfixtures import NOW

from casefile.config import Workspace
from casefile.models.case import Case
from casefile.store import Dossier


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads a real workspace or a user's LibreOffice override."""
    monkeypatch.delenv("CASEFILE_HOME", raising=False)
    monkeypatch.delenv("CASEFILE_NOW", raising=False)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    from casefile.workspace import init_workspace

    return init_workspace(tmp_path / "ws", "pianguan")


@pytest.fixture
def store_case(ws: Workspace) -> Callable[[Case], Dossier]:
    def _store(case: Case) -> Dossier:
        return Dossier.create(ws, case, "测试员", NOW, "case_registered", {"number": case.number})

    return _store


