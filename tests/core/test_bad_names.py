"""Every command that takes a department, a category or a state, given one that does not exist, and
commands run by a user who is not on the staff list: one Chinese sentence naming the value, exit 1,
no traceback, nothing written.

The table below must name every such option: a new option with metavar 部门/类别/状态 fails
``test_every_name_option_is_covered`` until it is added here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from casefile import workflow as wf
from casefile.cli.main import COMMANDS, cli, main
from factories import T0, at, new_case, step
from testkit import FIXTURES, NOW

FORM = FIXTURES / "forms" / "intake-unit.yaml"

CJK = re.compile(r"[\u4e00-\u9fff]")
BAD_DEPT, BAD_CAT, BAD_STATE, BAD_USER = "不存在的局", "C99", "NOPE", "不存在的人"
NAME_METAVARS = {"部门", "类别", "状态"}

# (command words, option) -> arguments; {triage}/{joint}/{referred} are case ids in those states
CASES: dict[tuple[str, str], list[str]] = {
    ("list", "--state"): ["list", "--state", BAD_STATE],
    ("list", "--category"): ["list", "--category", BAD_CAT],
    ("list", "--dept"): ["list", "--dept", BAD_DEPT],
    ("triage", "--lead"): ["triage", "{triage}", "--class", "一般", "--lead", BAD_DEPT],
    ("triage", "--co"): ["triage", "{triage}", "--class", "一般", "--co", BAD_DEPT],
    ("triage", "--suggest"): ["triage", "{triage}", "--class", "职责不清", "--suggest", BAD_DEPT],
    ("refer send", "--suggest"): ["refer", "send", "{triage}", "--reason", "职责不清", "--suggest", BAD_DEPT],
    ("refer reply", "--dept"): ["refer", "reply", "{referred}", "--dept", BAD_DEPT, "--text", "已办理"],
    ("refer urge", "--dept"): ["refer", "urge", "{referred}", "--on", "2026-10-14", "--text", "电话催办",
                               "--dept", BAD_DEPT],
    ("report-back", "--dept"): ["report-back", "{pg_notified}", "--text", "已办理并告知当事人", "--dept", BAD_DEPT],
    ("refer refuse", "--dept"): ["refer", "refuse", "{referred}", "--dept", BAD_DEPT, "--reason", "拒不处理"],
    ("opinion", "--dept"): ["opinion", "{joint}", "--dept", BAD_DEPT, "--text", "同意"],
    ("meeting schedule", "--participant"): ["meeting", "schedule", "{joint}", "--at", "2026-10-20T09:30",
                                            "--place", "会议室", "--host", "刘县长", "--topic", "议题",
                                            "--participant", BAD_DEPT],
    ("enforce step", "--dept"): ["enforce", "step", "{joint}", "E_FINE", "--dept", BAD_DEPT],
    ("search", "--category"): ["search", "滞纳金", "--category", BAD_CAT],
    ("search", "--dept"): ["search", "滞纳金", "--dept", BAD_DEPT],
    ("typical export", "--category"): ["typical", "export", "--category", BAD_CAT],
    ("user add", "--dept"): ["user", "add", "zhangsan", "--name", "张三", "--dept", BAD_DEPT, "--roles", "officer",
                             "--password", "Casefile-2026-pass"],
    ("user roles", "--dept"): ["user", "roles", "lisi", "officer", "--dept", BAD_DEPT],
}


def _name_options() -> set[tuple[str, str]]:
    found = set()
    ctx = click.Context(cli)
    for name in COMMANDS:
        cmd = cli.get_command(ctx, name)
        assert cmd is not None
        subs = getattr(cmd, "commands", None)
        for path, c in ([(f"{name} {s}", sc) for s, sc in subs.items()] if subs else [(name, cmd)]):
            for p in c.params:
                if isinstance(p, click.Option) and p.metavar in NAME_METAVARS:
                    found.add((path, p.opts[0]))
    return found


def test_every_name_option_is_covered() -> None:
    assert _name_options() == set(CASES)


@pytest.fixture(scope="module")
def naiman(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    from testkit import init_test_workspace

    ws = init_test_workspace(tmp_path_factory.mktemp("bad") / "ws", "naiman")
    ids = {"triage": new_case(ws, T0), "joint": new_case(ws, T0), "referred": new_case(ws, T0)}
    step(ws, ids["joint"], at(0.2), lambda s: wf.triage(s, case_class="一般"))
    step(ws, ids["referred"], at(0.2), lambda s: wf.triage(s, case_class="职责不清"))
    # a pianguan workspace for the steps only that profile has (report-back after a direct handling)
    pg = init_test_workspace(ws.root.parent / "ws-pianguan", "pianguan")
    direct = new_case(pg, T0)
    step(pg, direct, at(0.2), lambda s: wf.triage(s, risk="低"))
    step(pg, direct, at(1), lambda s: wf.decide(s, text="已核实，依法办理"))
    step(pg, direct, at(2), lambda s: wf.notify(s))
    ids["pg_notified"] = direct
    ids["pg_root"] = str(pg.root)
    # an account whose department the test then gets wrong (the user commands set up Django, once per
    # process: they run as a real CLI process, like every `casefile user` call)
    done = _cli(ws.root, ["user", "add", "lisi", "--name", "李四", "--dept", "SW", "--roles", "officer",
                          "--password", "Casefile-2026-pass"])
    assert done.returncode == 0, done.stderr
    return ws, ids


def _cli(root: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    from testkit import env_for

    return subprocess.run([sys.executable, "-m", "casefile.cli.main", *args], env=env_for(root), capture_output=True,
                          text=True, timeout=300)


def _versions(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((root / "archive").rglob("case.json"))}


@pytest.mark.parametrize("key", sorted(CASES), ids=" ".join)
def test_bad_name_is_one_chinese_sentence_and_exit_1(key: tuple[str, str], naiman: Any, capsys: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ws, ids = naiman
    root = Path(ids["pg_root"]) if any("{pg_" in a for a in CASES[key]) else ws.root
    monkeypatch.setenv("CASEFILE_HOME", str(root))
    monkeypatch.setenv("CASEFILE_NOW", NOW.isoformat())
    monkeypatch.setenv("CASEFILE_USER", "测试员")
    args = [a.format(**ids) for a in CASES[key]]
    before = _versions(root)
    if args[0] == "user":
        p = _cli(root, args)
        code, out, err = p.returncode, p.stdout, p.stderr
    else:
        with pytest.raises(SystemExit) as exc:
            main(args)
        out, err = capsys.readouterr()
        code = exc.value.code
    assert code == 1, (args, out, err)
    assert "Traceback" not in out + err and "内部错误" not in err, err
    bad = next(a for a in args if a in (BAD_DEPT, BAD_CAT, BAD_STATE))
    line = err.strip()
    assert line.startswith("错误：") and bad in line and CJK.search(line) and line.endswith("。"), line
    assert len(line.splitlines()) == 1, line
    assert _versions(root) == before  # nothing written


# commands that act (or may reveal, like show) ask who is acting; pure listings (list, due) do not
@pytest.mark.parametrize("args", [["show", "{joint}"], ["triage", "{triage}", "--class", "一般"],
                                  ["opinion", "{joint}", "--dept", "县人社局", "--text", "同意"],
                                  ["enforce", "step", "{joint}", "E2"], ["new", "--form", str(FORM)]],
                         ids=lambda a: a[0])
def test_unknown_user_is_one_chinese_sentence_and_exit_1(args: list[str], naiman: Any, capsys: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ws, ids = naiman
    monkeypatch.setenv("CASEFILE_HOME", str(ws.root))
    monkeypatch.setenv("CASEFILE_NOW", NOW.isoformat())
    before = _versions(ws.root)
    with pytest.raises(SystemExit) as exc:
        main(["--user", BAD_USER, *(a.format(**ids) for a in args)])
    out, err = capsys.readouterr()
    line = err.strip()
    assert exc.value.code == 1, (args, out, err)
    assert "Traceback" not in out + err and "内部错误" not in err, err
    assert line.startswith("错误：") and BAD_USER in line and line.endswith("。"), line
    assert _versions(ws.root) == before
