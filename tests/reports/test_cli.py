"""`casefile report month`, `ledger`, `risks` and the warnings in `due` / `show`: wiring, messages, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reports.dataset import TODAY

CJK = re.compile(r"[\u4e00-\u9fff]")


def run(ws: Any, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"CASEFILE_HOME": str(ws.root), "CASEFILE_NOW": TODAY.isoformat(), "CASEFILE_USER": "测试员"})
    return subprocess.run([sys.executable, "-m", "casefile.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(("month", "needle"), [("2026-13", "月份应为1至12"), ("26-10", "四位数字"), ("abc", "格式不正确")])
def test_malformed_month_exits_2(october: tuple[Any, dict[str, str]], month: str, needle: str) -> None:
    p = run(october[0], "report", "month", month)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert needle in p.stderr and "Traceback" not in p.stderr and CJK.search(p.stderr)


def test_future_month_is_refused(october: tuple[Any, dict[str, str]], tmp_path: Path) -> None:
    p = run(october[0], "report", "month", "2027-01", "--out", str(tmp_path))
    assert p.returncode == 1 and "2027年1月尚未开始" in p.stderr and "Traceback" not in p.stderr
    assert list(tmp_path.iterdir()) == []


def test_report_month_writes_docx_and_xlsx(october: tuple[Any, dict[str, str]], tmp_path: Path) -> None:
    p = run(october[0], "report", "month", "2026-10", "--out", str(tmp_path / "out"))
    assert p.returncode == 0, p.stderr
    assert "新受理 4 件，办结 3 件，月末在办 3 件（超期 1 件），按时办结率 100.00%" in p.stdout
    names = sorted(x.name for x in (tmp_path / "out").iterdir())
    assert names == ["D30_月度综合分析报告_2026-10.docx", "D30_月度综合分析报告_2026-10_统计表.xlsx"]
    assert p.stderr == ""  # the CJK font is found: no warning, no matplotlib noise


def test_report_json_and_empty_month(october: tuple[Any, dict[str, str]]) -> None:
    p = run(october[0], "report", "month", "2026-06", "--no-files", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["empty"] is True and data["figures"]["new"] == 0 and data["files"] == {}
    p = run(october[0], "report", "month", "2026-06", "--no-files")
    assert "本月没有受理、办结或在办的案件" in p.stdout


def test_risks_command(october: tuple[Any, dict[str, str]]) -> None:
    ws, ids = october
    p = run(ws, "risks", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    rules = {(r["rule"], r["case_id"]) for r in data["risks"]}
    # as of 2026-11-22: C still awaits approval; B's notice (due 11-12) has lapsed; D's direct handling too
    assert {("OVERDUE", ids["C"]), ("REPEAT", ids["C"]), ("STUCK", ids["C"]), ("MASS", ids["B"]),
            ("OVERDUE", ids["B"]), ("PUBLIC_OPINION", ids["D"]), ("OVERDUE", ids["D"])} <= rules
    assert all(set(r) >= {"rule", "label", "case_id", "message", "severity"} for r in data["risks"])
    text = run(ws, "risks").stdout
    assert "[高] 超期" in text and "共 " in text and "条预警" in text


def test_due_and_show_carry_the_warnings(october: tuple[Any, dict[str, str]]) -> None:
    ws, ids = october
    due = json.loads(run(ws, "due", "--json").stdout)
    assert due["as_of"] == TODAY.date().isoformat() and due["days"] == 7
    assert set(due) >= {"overdue", "today", "soon", "counts", "risks"} and isinstance(due["today"], list)
    assert due["counts"]["overdue"] == len(due["overdue"]) > 0
    assert all(it["days_left"] < 0 for it in due["overdue"])
    assert any(r["case_id"] == ids["C"] and r["label"] == "重复诉求" for r in due["risks"])
    show = json.loads(run(ws, "show", ids["C"], "--json").stdout)
    assert {r["rule"] for r in show["risks"]} >= {"OVERDUE", "REPEAT", "LARGE_AMOUNT", "STUCK"}
    assert "风险预警：" in run(ws, "show", ids["C"]).stdout
    closed = json.loads(run(ws, "show", ids["A"], "--json").stdout)
    assert closed["risks"] == []


def test_ledger_command(october: tuple[Any, dict[str, str]], tmp_path: Path) -> None:
    ws, ids = october
    x, c = tmp_path / "台账.xlsx", tmp_path / "台账.csv"
    p = run(ws, "ledger", "--xlsx", str(x), "--csv", str(c))
    assert p.returncode == 0, p.stderr
    assert x.is_file() and c.read_bytes().startswith(b"\xef\xbb\xbf") and "共 7 件" in p.stdout
    data = json.loads(run(ws, "ledger", "--year", "2025", "--json").stdout)
    assert data["count"] == 1 and data["rows"][0][2] == ids["G"] and data["headers"][1] == "案件编号"
