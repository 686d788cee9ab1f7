"""The CLI in a real subprocess: exit codes, Chinese one-sentence errors, no tracebacks, help for every command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click

from casefile.cli.main import COMMANDS, cli
from testkit import FIXTURES, configure_test_workspace, env_for

CJK = re.compile(r"[\u4e00-\u9fff]")


def run(ws: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casefile.cli.main", *args], env=env_for(ws, **env),
                          capture_output=True, text=True, timeout=300)


def assert_clean_failure(p: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert p.returncode == code, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    assert CJK.search(p.stderr), p.stderr
    for n in needles:
        assert n in p.stderr, (n, p.stderr)


def test_every_command_has_chinese_help() -> None:
    ctx = click.Context(cli)
    seen = 0
    for name in COMMANDS:
        cmd = cli.get_command(ctx, name)
        assert cmd is not None, name
        commands = [cmd, *getattr(cmd, "commands", {}).values()]
        for c in commands:
            assert c.help and CJK.search(c.help), f"{name} {c.name} 缺少中文帮助"
            for p in c.params:
                if isinstance(p, click.Option) and not p.hidden:
                    assert p.help and CJK.search(p.help), f"{name} {c.name} {p.opts} 缺少中文帮助"
            seen += 1
    assert seen >= len(COMMANDS)


def test_help_does_not_import_heavy_libraries(tmp_path: Path) -> None:
    code = ("import sys; from casefile.cli.main import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pydantic', 'docx', 'docxtpl', 'pypdf', 'whoosh', 'jieba', 'openpyxl', 'matplotlib') "
            "if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env_for(tmp_path)).stdout
    assert "HEAVY []" in out, out


def test_init_and_bad_inputs(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    p = subprocess.run([sys.executable, "-m", "casefile.cli.main", "init", str(ws)], capture_output=True, text=True,
                       env=env_for(tmp_path))
    assert p.returncode == 0 and "已在" in p.stdout
    configure_test_workspace(ws)
    # malformed command lines: exit 2, Chinese
    assert_clean_failure(run(ws, "list", "--no-such-option"), 2, "没有选项")
    assert_clean_failure(run(ws, "triage"), 2, "缺少参数")
    # a value the workspace does not know (state, category, department): refused, exit 1 (test_bad_names)
    assert_clean_failure(run(ws, "list", "--state", "NOPE"), 1, "NOPE")
    # bad case ids: refused, exit 1
    assert_clean_failure(run(ws, "show", "../../etc"), 1, "不是已登记的案件ID、案件编号或工单号")
    assert_clean_failure(run(ws, "show", "SBZY-140932-2026-9999"), 1, "找不到案件")
    # a form with bad check digits and a missing field: every finding, nothing written
    bad = tmp_path / "bad.yaml"
    text = (FIXTURES / "forms" / "intake-unit.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("140932198512310043", "140932198512310044").replace("claim: >-", "claim_x: >-"),
                   encoding="utf-8")
    assert_clean_failure(run(ws, "new", "--form", str(bad)), 1, "校验位", "claim")
    assert not list((ws / "archive").glob("20*/*"))
    # not a form at all
    junk = tmp_path / "junk.yaml"
    junk.write_text("{{{ not yaml", encoding="utf-8")
    assert_clean_failure(run(ws, "new", "--form", str(junk)), 1, "格式不正确")
    # no workspace
    assert_clean_failure(run(tmp_path / "nowhere", "list"), 1, "casefile init")


def test_broken_config_is_reported(tmp_path: Path) -> None:
    from testkit import init_test_workspace as init_workspace

    ws = init_workspace(tmp_path / "ws")
    cfg = ws.config_path
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('fonds = "J001"', "fonds = 12"), encoding="utf-8")
    assert_clean_failure(run(ws.root, "list"), 1, "casefile.toml", "office.fonds")


def test_empty_workspace_lists_nothing_and_catalog_is_recreated(tmp_path: Path) -> None:
    from testkit import init_test_workspace as init_workspace

    ws = init_workspace(tmp_path / "ws")
    p = run(ws.root, "list", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {"cases": [], "count": 0}
