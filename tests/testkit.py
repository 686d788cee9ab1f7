"""Helpers shared by the test packages (imported as ``testkit``; conftest modules are not importable
by name once several directories have their own)."""

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
