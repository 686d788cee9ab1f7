"""Chinese everywhere a person looks: labels in timelines, refusals and choices, labels accepted as
input, the missing holiday year in show and due, terminal tables aligned by display width."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from click.testing import CliRunner, Result

from casefile import workflow as wf
from casefile.cli.main import cli
from casefile.errors import TransitionRefused
from casefile.models.enums import EnforcementStep, Flag, State
from casefile.rules.text import display_width, table
from factories import form
from testkit import NOW

ENGLISH_CODES = re.compile(r"\b(INTAKE|REGISTERED|TRIAGE|DIRECT|JOINT|SPECIAL_REQ|SPECIAL|REFERRED|MEDIATION|DECIDED|"
                           r"NOTIFIED|FOLLOW_UP|REMEDY|ENFORCEMENT|CLOSED|ARCHIVED|E_DONE|unit|person|id_number|"
                           r"applicant|hard_ceiling|joint_decision)\b")


def cli_run(ws: Any, *args: str, now: datetime = NOW) -> Result:
    return CliRunner().invoke(cli, ["-w", str(ws.root), *args],
                              env={"CASEFILE_NOW": now.isoformat(), "CASEFILE_USER": "王晓梅"})


def test_labels_parse_back_to_codes() -> None:
    assert State.parse("联办") is State.JOINT and State.parse("联办/联合会商") is State.JOINT
    assert State.parse("joint") is State.JOINT
    assert Flag.parse("群体性") is Flag.MASS and Flag.parse("MASS") is Flag.MASS
    assert EnforcementStep.parse("催告") is EnforcementStep.E5 and EnforcementStep.parse("e_fine") is EnforcementStep.E_FINE
    assert EnforcementStep.E_DONE.text == "执行完毕" and EnforcementStep.E2.text == "责令限期缴纳（E2）"


def test_table_aligns_by_display_width() -> None:
    lines = table([["偏税社争〔2026〕1号", "联办/联合会商", "x"], ["A-1", "调解中", "y"]], header=["编号", "状态", "标记"])
    cols = [display_width(line[: line.index(last)]) for line, last in zip(lines, ["标记", "x", "y"], strict=True)]
    assert len(set(cols)) == 1, lines


def test_list_show_and_timeline_speak_chinese(ws) -> None:  # type: ignore[no-untyped-def]
    for i in range(2):
        wf.register(ws, form("intake-unit", channel_ref=f"GD-{i}"), NOW, "王晓梅")
    cid = wf.register(ws, form("intake-minimal"), NOW, "王晓梅").case_id
    wf.run(ws, cid, NOW, "王晓梅", lambda st: wf.triage(st, risk="中", co=["人社局"]))
    listed = cli_run(ws, "list")
    assert listed.exit_code == 0, listed.output
    rows = [line for line in listed.output.splitlines() if line.startswith("SBZY-")]
    # the column after the applicant's name (期限) starts at the same display column on every row
    starts = {display_width(r[: r.index("2026-", 30)]) for r in rows}
    assert len(starts) == 1, listed.output
    assert not ENGLISH_CODES.search(listed.output)
    by_state = cli_run(ws, "list", "--state", "联办")
    assert by_state.exit_code == 0 and by_state.output.count("SBZY-") == 1
    assert cli_run(ws, "list", "--flag", "群体性").output.count("SBZY-") == 2
    shown = cli_run(ws, "show", cid)
    assert shown.exit_code == 0 and "联办（审核分类/风险初判→联办/联合会商）" in shown.output
    assert not ENGLISH_CODES.search(shown.output), shown.output


def test_refusals_offer_only_the_profiles_steps(ws, naiman_ws) -> None:  # type: ignore[no-untyped-def]
    pid = wf.register(ws, form("intake-minimal"), NOW, "王晓梅").case_id
    try:
        wf.run(ws, pid, NOW, "王晓梅", lambda st: wf.decide(st, text="x"))
    except TransitionRefused as exc:
        assert "refer send" not in exc.message and "报送" not in exc.message and "TRIAGE" not in exc.message
        assert "审核分类/风险初判" in exc.message
    else:
        raise AssertionError("decide in TRIAGE must be refused")
    data = form("intake-minimal", intake_dept="旗税务局", jurisdiction={"name": "奈曼旗大沁他拉镇", "code": "150525"})
    nid = wf.register(naiman_ws, data, NOW, "包海荣").case_id
    try:
        wf.run(naiman_ws, nid, NOW, "包海荣", lambda st: wf.decide(st, text="x"))
    except TransitionRefused as exc:
        assert "refer send（职责不清，报送办理）" in exc.message
    else:
        raise AssertionError("decide in TRIAGE must be refused")


def test_options_take_chinese_labels(ws) -> None:  # type: ignore[no-untyped-def]
    cid = wf.register(ws, form("intake-minimal"), NOW, "王晓梅").case_id
    res = cli_run(ws, "extend", cid, "--step", "办理总时限", "--days", "5", "--reason", "材料待补")
    assert res.exit_code == 0 and "“办理总时限”延期5日" in res.output, res.output
    bad = cli_run(ws, "extend", cid, "--step", "hard_ceilin", "--days", "5", "--reason", "x")
    assert bad.exit_code != 0 and "办理总时限" in str(bad.exception or bad.output)
    wf.run(ws, cid, NOW, "王晓梅", lambda st: wf.triage(st, risk="低"))
    wf.run(ws, cid, NOW, "王晓梅", lambda st: wf.mediate_start(st, "张调解员"))
    done = cli_run(ws, "mediate", "fail", cid, "--next", "调查核实")
    assert done.exit_code == 0, done.output
    help_text = cli_run(ws, "mediate", "fail", "--help").output
    assert "joint" not in help_text and "调查核实" in help_text
    assert "[偏关|奈曼]" in CliRunner().invoke(cli, ["init", "--help"]).output


def test_missing_holiday_year_shown_in_show_and_due(ws) -> None:  # type: ignore[no-untyped-def]
    late = datetime.fromisoformat("2026-12-28T10:00:00+08:00")
    data = form("intake-minimal", received_at=late.isoformat())
    cid = wf.register(ws, data, late, "王晓梅").case_id
    for args in (("show", cid), ("due",)):
        out = cli_run(ws, *args, now=late).output
        assert "2027年节假日安排未收录" in out, (args, out)
