"""A case is found by the number people quote: case id, 案件编号 (any bracket, full-width) or 工单号."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from casefile.caseref import resolve_case
from casefile.cli.main import cli
from casefile.errors import CaseNotFound, InvalidCaseId
from casefile.workflow import register
from factories import form
from testkit import NOW


@pytest.fixture
def three(ws):  # type: ignore[no-untyped-def]
    ids = []
    for i in range(3):
        ids.append(register(ws, form("intake-unit", channel_ref=f"GD2026110{i}-0417"), NOW, "王晓梅").case_id)
    return ids


@pytest.mark.parametrize("typed", ["偏税社争〔2026〕2号", "偏税社争[2026]2号", "偏税社争(2026)2号", "偏税社争（2026）2号",
                                   "偏税社争［２０２６］２号", "偏税社争【2026】2号", "偏税社争2026-2号", " 偏税社争〔2026〕2 号 ",
                                   "GD20261101-0417", "gd20261101-0417", "ＧＤ２０２６１１０１－０４１７",
                                   "SBZY-140932-2026-0002", "sbzy-140932-2026-0002"])
def test_every_quoted_form_finds_the_case(ws, three, typed) -> None:  # type: ignore[no-untyped-def]
    assert resolve_case(ws, typed) == three[1]


def test_wrong_numbers_are_refused_with_what_to_do(ws, three) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CaseNotFound, match=r"偏税社争〔2026〕9号"):
        resolve_case(ws, "偏税社争[2026]9号")
    with pytest.raises(InvalidCaseId, match="不是案件编号"):
        resolve_case(ws, "偏税社受〔2026〕1号")  # the receipt's 文号, not the case number
    with pytest.raises(InvalidCaseId, match="案件编号形如 偏税社争〔2026〕3号"):
        resolve_case(ws, "张三的案子")


def test_one_ticket_on_two_cases_asks_for_the_number(ws) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        register(ws, form("intake-unit", channel_ref="GD-SAME"), NOW, "王晓梅")
    with pytest.raises(InvalidCaseId, match="对应多件案件"):
        resolve_case(ws, "GD-SAME")


def test_commands_take_the_case_number(ws, three) -> None:  # type: ignore[no-untyped-def]
    env = {"CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": "王晓梅"}
    runner = CliRunner()
    shown = runner.invoke(cli, ["-w", str(ws.root), "show", "偏税社争[2026]3号"], env=env)
    assert shown.exit_code == 0 and three[2] in shown.output
    done = runner.invoke(cli, ["-w", str(ws.root), "triage", "偏税社争(2026)1号", "--risk", "低"], env=env)
    assert done.exit_code == 0, done.output
    listed = runner.invoke(cli, ["-w", str(ws.root), "show", "GD20261100-0417", "--json"], env=env)
    assert '"state": "DIRECT"' in listed.output
