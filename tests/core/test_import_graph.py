"""Dependencies point one way, counting imports inside functions: no cycle among casefile's modules
(nor among its subpackages, the way docs/architecture.md draws them), and nothing below the front
ends imports casefile.cli or casefile.web. The picture: docs/import-graph.svg
(``tools/import_graph.py --dot docs/import-graph.dot --svg docs/import-graph.svg``)."""

from __future__ import annotations

import functools
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import import_graph as ig  # noqa: E402


@functools.cache
def graph() -> dict[str, dict[str, list[str]]]:
    return ig.graph()


@functools.cache
def imports() -> dict[Path, list[tuple[str, int]]]:
    """Every casefile module each source file imports, parsed once for the tests below."""
    return {path: list(ig.imports_of(path)) for path in sorted(ig.PKG.rglob("*.py"))}


def test_no_cycle_between_subpackages_and_modules() -> None:
    assert ig.cycles(graph()) == []
    modules: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path, targets in imports().items():
        if "migrations" in path.parts:
            continue
        me = ig.module_name(path)
        modules[me]
        for target, line in targets:
            if target != me and not me.startswith(f"{target}."):  # a package's own __init__
                modules[me][target].append(str(line))
    assert ig.cycles(modules) == []


def test_nothing_below_imports_the_front_ends() -> None:
    assert ig.upward(graph()) == []


def test_function_local_imports_are_counted() -> None:
    g = graph()
    # workflow issues documents through a function-local import (Step.issue)
    assert "casefile.documents" in g["casefile.workflow"]
    assert any(":" in w for w in g["casefile.workflow"]["casefile.documents"])


def test_every_imported_casefile_module_exists() -> None:
    """An import inside a function runs only when that function does: a module that was moved or removed
    (documents.fields became documents.doctypes) must not linger in a rarely taken branch."""
    missing = []
    for path, targets in imports().items():
        for target, line in targets:
            if target != "casefile" and not ig._exists(target):
                missing.append(f"{ig.module_name(path)}:{line} imports {target}")
    assert missing == []
