"""Test isolation: no test ever touches a real workspace, the real clock or the user's settings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import casefile.app  # noqa: F401  (as every front end does: derived data follows each commit)
from testkit import CORPUS, FIXTURES, NOW, SHARED, corpus_or_skip, env_for, have

__all__ = ["CORPUS", "FIXTURES", "NOW", "SHARED", "corpus_or_skip", "env_for", "have"]


# What the quick lane (``scripts/test.sh --quick`` = ``-m "not slow"``) leaves out besides tests marked
# slow by hand: every run of LibreOffice, tesseract or the shared corpus, and the reliability harness.
SLOW_MARKERS = ("soffice", "ocr", "corpus")
SLOW_DIRS = ("reliability",)
# single tests that take minutes: a watcher under a burst of files, scanner round trips, whole archives
SLOW_TESTS = ("test_watcher_survives_a_burst_and_files_each_once", "test_cover_sheet_round_trip_through_a_scanner",
              "test_a_real_archived_workspace_verifies", "test_archive_verify_and_refusals")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        try:
            top = Path(str(item.fspath)).relative_to(here).parts[0]
        except ValueError:
            top = ""
        if (top in SLOW_DIRS or item.originalname in SLOW_TESTS  # type: ignore[attr-defined]
                or any(item.get_closest_marker(m) for m in SLOW_MARKERS)):
            item.add_marker(pytest.mark.slow)


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
    from testkit import init_test_workspace as init_workspace

    return init_workspace(tmp_path / "ws", "pianguan")


@pytest.fixture
def naiman_ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    from testkit import init_test_workspace as init_workspace

    return init_workspace(tmp_path / "ws-naiman", "naiman")
