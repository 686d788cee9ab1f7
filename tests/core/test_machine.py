"""The transition table is the whole machine: every code of the procedure is in it, and nothing
else in the package sets a case's state or enforcement step."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from casefile import machine
from casefile.errors import TransitionRefused
from casefile.models.enums import EnforcementStep, State

SRC = Path(machine.__file__).resolve().parent


def test_table_holds_t1_to_t25_and_the_enforcement_ladder() -> None:
    codes = set(machine.TRANSITIONS)
    assert {f"T{i}" for i in range(1, 26)} <= codes
    assert {s.value for s in EnforcementStep} <= codes
    assert "reopen" in codes
    t1 = machine.TRANSITIONS["T1"]
    assert not t1.sources and t1.target is State.INTAKE
    assert machine.TRANSITIONS["T24"].target is State.ARCHIVED
    assert machine.TRANSITIONS["T25"].command == ""  # the calendar does it (OVERDUE), nobody runs it


def test_every_command_named_in_the_table_exists() -> None:
    from casefile.cli.main import COMMANDS

    for t in machine.TRANSITIONS.values():
        if t.command:
            assert t.command.split()[0] in COMMANDS, t.code


def _assignments(tree: ast.AST) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = [t for tgt in node.targets for t in (tgt.elts if isinstance(tgt, ast.Tuple) else [tgt])]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            if isinstance(t, ast.Attribute) and t.attr in ("state", "step"):
                out.append((node.lineno, t.attr))
    return out


def test_no_state_is_set_by_hand_outside_the_machine() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "machine.py":
            continue
        for line, attr in _assignments(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{path.relative_to(SRC)}:{line} sets .{attr}")
    assert offenders == []


class _Case:
    def __init__(self, state: State) -> None:
        self.id, self.state, self.previous_state = "X-1", state, None
        self.number, self.profile = "偏税社争〔2026〕1号", "naiman"
        self.enforcement = self.referral = self.mediation = None


def test_apply_checks_the_table_and_names_the_allowed_steps() -> None:
    c = _Case(State.CLOSED)
    with pytest.raises(TransitionRefused) as exc:
        machine.apply(c, "T17")  # type: ignore[arg-type]
    assert "可进行的操作" in exc.value.message and "reopen" in exc.value.message and "立卷归档" in exc.value.message
    machine.apply(c, "reopen", State.FOLLOW_UP)  # type: ignore[arg-type]
    assert (c.state, c.previous_state) == (State.FOLLOW_UP, State.CLOSED)
    mediating = _Case(State.MEDIATION)
    mediating.mediation = object()  # type: ignore[assignment]
    with pytest.raises(ValueError):
        machine.apply(mediating, "T14", State.CLOSED)  # type: ignore[arg-type]
    machine.apply(mediating, "T14", State.SPECIAL)  # type: ignore[arg-type]
    assert mediating.state is State.SPECIAL


def test_a_guard_on_the_record_comes_from_the_table() -> None:
    c = _Case(State.MEDIATION)  # no mediation record: T13/T14 are not allowed
    assert not machine.allows(c, "T13")  # type: ignore[arg-type]
    with pytest.raises(TransitionRefused):
        machine.require(c, "T13")  # type: ignore[arg-type]
