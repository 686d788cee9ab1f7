"""docs/format.md is the specification of what casefile writes: these tests keep it true.

The shipped JSON Schema of case.json equals a fresh generation from the model; the event-type table
equals the EventType enum; every event the code writes uses a documented type and only documented
payload keys; the preservation-log table names every type the code appends; unknown types are refused.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "format.md"
SRC = ROOT / "src" / "casefile"
# keys any event may carry (docs/format.md §4.3)
COMMON_KEYS = {"label", "via", "login", "dept", "address", "events"}


def spec_event_table() -> dict[str, set[str]]:
    text = SPEC.read_text(encoding="utf-8")
    block = text.split("<!-- event-types -->", 1)[1].split("<!-- /event-types -->", 1)[0]
    table: dict[str, set[str]] = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            table[cells[0].strip("`")] = set(re.findall(r"`([a-z_0-9]+)`", cells[2]))
    return table


def spec_preservation_types() -> set[str]:
    text = SPEC.read_text(encoding="utf-8")
    block = text.split("### 6.1", 1)[1].split("### 6.2", 1)[0]
    return {t for line in block.splitlines() if line.startswith("| `")
            for t in re.findall(r"`([a-z_]+)`", line.split("|")[1])}


def _calls(method: str) -> list[tuple[Path, int, str | None, set[str] | None]]:
    """(file, line, first argument if a literal/constant, keyword names or None if **spread) of calls."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = {n.targets[0].id: n.value.value for n in ast.walk(tree)
                  if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                  and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method):
                continue
            args = node.args[2:] if method == "append" else node.args
            if method == "append" and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "preservation"):
                continue
            if not args:
                continue
            first = args[0]
            name = first.value if isinstance(first, ast.Constant) else consts.get(getattr(first, "id", ""))
            keys: set[str] | None = set()
            for kw in node.keywords:
                if kw.arg is not None:
                    keys.add(kw.arg)  # type: ignore[union-attr]
                elif isinstance(kw.value, ast.Dict):
                    keys |= {k.value for k in kw.value.keys if isinstance(k, ast.Constant)}  # type: ignore[union-attr]
                else:
                    keys = None
                    break
            out.append((path.relative_to(ROOT), node.lineno, name, keys))
    return out


def test_the_shipped_schema_is_a_fresh_generation() -> None:
    from casefile.models.schema import schema_bytes, shipped_schema

    assert shipped_schema() == schema_bytes(), "case.json's model changed: run python -m casefile.models.schema"


def test_the_event_table_is_the_enum() -> None:
    from casefile.models.events import EventType

    assert set(spec_event_table()) == {t.value for t in EventType}


def test_every_event_the_code_writes_is_documented_with_its_keys() -> None:
    table = spec_event_table()
    calls = _calls("event")
    assert len(calls) > 20
    for path, line, name, keys in calls:
        if name is None:
            continue  # a type chosen at run time (the web's read log): checked by the enum at run time
        assert name in table, f"{path}:{line}: event type {name!r} is not in docs/format.md"
        if keys is not None:
            extra = keys - table[name] - COMMON_KEYS
            assert not extra, f"{path}:{line}: {name} payload keys {sorted(extra)} are not in docs/format.md"


def test_every_transition_payload_key_is_documented() -> None:
    """Step.move(code, **payload) writes a ``transition`` event with those keys."""
    documented = spec_event_table()["transition"]
    for path, line, _code, keys in _calls("move"):
        extra = (keys or set()) - documented - COMMON_KEYS - {"to"}  # ``to`` is the target state argument
        assert not extra, f"{path}:{line}: transition payload keys {sorted(extra)} are not in docs/format.md"


def test_every_preservation_event_is_documented() -> None:
    documented = spec_preservation_types()
    used = {name for _, _, name, _ in _calls("append") if name}
    assert used and used <= documented, sorted(used - documented)


def test_unknown_event_types_are_refused(tmp_path: Path) -> None:
    from casefile.store import Dossier
    from casefile.workspace import init_workspace
    from search.helpers import NOW, make_case

    ws = init_workspace(tmp_path / "ws", "pianguan")
    case = make_case(ws, 1)
    d = Dossier(ws, case.id)
    before = d.journal_path.read_bytes()
    with pytest.raises(ValueError, match=r"docs/format\.md"), d.transaction("测试员", NOW) as tx:
        tx.event("note_added")
    assert d.journal_path.read_bytes() == before
    case.id = "SBZY-140932-2026-0002"
    with pytest.raises(ValueError, match="unknown journal event type"):
        Dossier.create(ws, case, "测试员", NOW, "registered", {})
    assert not Dossier(ws, case.id).path.exists()



def test_nothing_cites_a_file_outside_the_repository() -> None:
    """Docstrings cite docs/domain.md, docs/format.md or the statute, not the specification the
    project was started from (it is not in the repository)."""
    outside = re.compile("DOMAIN" + r"(?:\.md| §)|\[rec\]|seed 00\d")
    hits = []
    for folder in ("src", "tests", "tools", "bench", "scripts", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".toml", ".md", ".sh", ".html", ".txt") or not path.is_file():
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                if outside.search(line):
                    hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    assert not hits, "\n".join(hits)
