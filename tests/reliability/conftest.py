"""Reliability suite: the ``--kills`` option, fast scratch space, the converter stand-in, a summary.

``pytest tests/reliability --kills 1000`` runs the long crash campaign; without the option the CI
size is used (``DEFAULT_KILLS``, split between the crash files). When the whole suite runs, this
conftest is loaded late, after the command line was parsed: ``--kills`` is then only understood
when given together with ``tests/reliability`` on the command line; the environment variable
``RELIABILITY_KILLS`` works either way.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

DEFAULT_KILLS = 100  # CI: ≥ 100 kills in total, half in each crash file
KILLS_VAR = "RELIABILITY_KILLS"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("reliability", "crash-consistency harness")
    with contextlib.suppress(ValueError):  # already registered (this conftest imported twice)
        group.addoption("--kills", action="store", type=int, default=None, metavar="N",
                        help=f"SIGKILLs for the crash harness in total (default {DEFAULT_KILLS}; env {KILLS_VAR})")


def total_kills(config: pytest.Config) -> int:
    value = config.getoption("--kills", default=None)
    if value is None:
        value = int(os.environ.get(KILLS_VAR) or DEFAULT_KILLS)
    return max(1, int(value))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The crash files run as long as their share of kills needs (the suite's 300 s is for one test)."""
    budget = max(300, total_kills(config) // 2 * 6 + 180)
    for item in items:
        if item.path.name.startswith("test_crash_"):
            item.add_marker(pytest.mark.timeout(budget))


@pytest.fixture(scope="session")
def kills(request: pytest.FixtureRequest) -> int:
    return total_kills(request.config)


@pytest.fixture
def fast_dir(tmp_path: Path) -> Iterator[Path]:
    """Scratch space on tmpfs when there is one (see harness.fast_tmp_root), else tmp_path."""
    from reliability.harness import fast_tmp_root, rmtree

    root = fast_tmp_root()
    if root is None:
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="casefile-reliability-", dir=root))
    try:
        yield path
    finally:
        rmtree(path)


@pytest.fixture(scope="session")
def soffice_stub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from archive.helpers import fake_soffice_script

    return fake_soffice_script(tmp_path_factory.mktemp("fake-soffice"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = []
    for rep in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        for name, value in getattr(rep, "user_properties", []):
            if name == "reliability":
                lines.append(f"{rep.nodeid.split('::')[-1]}: {value}")
    if lines:
        terminalreporter.section("可靠性（crash harness）")
        for line in lines:
            terminalreporter.write_line(line)
