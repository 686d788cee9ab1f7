"""Test isolation: no test ever touches a real workspace, the real clock or the user's settings."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CASEFILE_HOME", "CASEFILE_NOW", "CASEFILE_USER", "CASEFILE_DEBUG", "CASEFILE_FAULT"):
        monkeypatch.delenv(var, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    from casefile.workspace import init_workspace

    return init_workspace(tmp_path / "ws", "pianguan")


@pytest.fixture
def naiman_ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    from casefile.workspace import init_workspace

    return init_workspace(tmp_path / "ws-naiman", "naiman")


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus 不存在（只在带共享语料的检出中运行）")
    return CORPUS


def env_for(workspace: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"CASEFILE_HOME": str(workspace), "CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": "测试员"})
    env.update(extra)
    return env
