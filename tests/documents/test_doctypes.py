"""The document-type registry (casefile.documents.doctypes) and the per-type context builders agree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from casefile.documents.context import ATTACHMENTS, DEADLINES, FILLS, RECIPIENTS, TARGETS
from casefile.documents.doctypes import DOC_TYPES, OPTION_HELP, FieldSpec, types_where
from casefile.machine import TRANSITIONS
from casefile.models.enums import EnforcementStep

SRC = Path(__file__).resolve().parents[2] / "src" / "casefile"


def test_every_type_with_fields_has_its_builder_and_no_builder_is_stray() -> None:
    assert sorted(FILLS) == sorted(t for t, d in DOC_TYPES.items() if d.fields)


def test_every_declared_recipient_is_built_and_nothing_else() -> None:
    assert sorted(RECIPIENTS) == sorted(t for t, d in DOC_TYPES.items() if d.recipient)


def test_a_computed_deadline_says_what_it_means() -> None:
    undeclared = [t for t in DEADLINES if not DOC_TYPES[t].deadline]
    assert undeclared == []
    for t in (*ATTACHMENTS, *TARGETS):
        assert t in DOC_TYPES


def test_fields_are_typed() -> None:
    for t, d in DOC_TYPES.items():
        names = [f.name for f in d.fields]
        assert len(names) == len(set(names)), t
        for f in d.fields:
            assert isinstance(f, FieldSpec) and f.kind in ("str", "list", "rows", "dict"), (t, f)
            assert re.fullmatch(r"[a-z_][a-z0-9_]*", f.name), (t, f.name)
            assert f.help or f.kind == "rows", (t, f.name)  # the template author is told what goes there
            assert (f.kind in ("rows", "dict")) == bool(f.keys), (t, f.name)
            assert len(f.keys) == len(f.labels) and all(f.labels), (t, f.name)
        for key in d.options:
            assert key in OPTION_HELP, (t, key)


def test_properties_are_consistent() -> None:
    for t, d in DOC_TYPES.items():
        assert d.type == t
        assert not d.act_noun or t in types_where(stage="enforcement"), t
        assert not d.not_suspended or d.act_noun, t
        assert not d.needs_proof or d.to_party, t
        assert d.volume in ("正卷", "副卷", ""), t
    produced = {s for d in DOC_TYPES.values() for s in d.enforcement_steps}
    assert produced <= {s.value for s in EnforcementStep}
    assert {s for d in DOC_TYPES.values() for s in d.transitions} <= set(TRANSITIONS)


def test_no_type_table_outside_the_registry() -> None:
    """A set or mapping of two or more type codes is a property of those types: it belongs in the registry."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "doctypes.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Set | ast.Dict | ast.Tuple) or (
                isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("frozenset", "set")
            ):
                codes = [c.value for c in ast.walk(node)
                         if isinstance(c, ast.Constant) and isinstance(c.value, str) and re.fullmatch(r"D\d\d", c.value)]
                if len(codes) >= 2 and not set(codes) <= {"D10", "D30"}:  # D10/D30 also name retention periods
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []
