"""Fixtures of the document tests (``ws`` comes from tests/conftest.py; builders live in docfixtures.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casefile.config import Workspace
from casefile.models.case import Case
from casefile.store import Dossier
from documents.docfixtures import NOW


@pytest.fixture
def store_case(ws: Workspace) -> Callable[[Case], Dossier]:
    def _store(case: Case) -> Dossier:
        return Dossier.create(ws, case, "测试员", NOW, "created", {"number": case.number})

    return _store
