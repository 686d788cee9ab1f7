"""Fixtures of the evidence tests (builders live in evfixtures.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from casefile.config import Workspace
from casefile.evidence.pipeline import Ingest
from casefile.evidence.watcher import Watcher, WatchReport
from casefile.evidence.worker import WorkerPool
from evidence.evfixtures import NOW, fast_settings, make_case


@pytest.fixture
def ews(tmp_path: Path) -> Workspace:
    """A workspace with evidence settings fit for tests (0.1 s stability, quick OCR)."""
    from testkit import init_test_workspace as init_workspace

    return fast_settings(init_workspace(tmp_path / "ws", "pianguan"))


@pytest.fixture
def case_id(ews: Workspace) -> str:
    return make_case(ews)


@pytest.fixture(scope="module")
def pool() -> WorkerPool:
    with WorkerPool(2) as p:
        yield p


@pytest.fixture
def ingest(ews: Workspace, pool: WorkerPool) -> Ingest:
    return Ingest(ews, "测试员", lambda: NOW, pool=pool)


@pytest.fixture
def drop(ews: Workspace) -> Callable[[str, bytes], Path]:
    """Put bytes into the inbox at a relative path."""

    def _drop(rel: str, data: bytes) -> Path:
        path = ews.inbox_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return _drop


@pytest.fixture
def watch_once(ews: Workspace) -> Callable[..., WatchReport]:
    def _run(**kwargs: object) -> WatchReport:
        return Watcher(ews, actor="测试员", clock=lambda: NOW, use_events=False, **kwargs).run_once()  # type: ignore[arg-type]

    return _run
