"""The document commands end to end in a subprocess: wiring, messages, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import docx

from casefile.config import Workspace
from casefile.documents.engine import shipped_templates_dir
from casefile.models.case import Case
from casefile.rules.ids import uscc_check_char
from casefile.store import Dossier
from documents.docfixtures import CASE_ID, full_case, minimal_case, pythonpath_env


def run(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in pythonpath_env().items() if not k.startswith("CASEFILE_")}
    env.update({"CASEFILE_HOME": str(ws.root), "CASEFILE_NOW": "2026-05-08T10:30:00+08:00", "CASEFILE_USER": "测试员"})
    return subprocess.run([sys.executable, "-m", "casefile.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def test_doc_issues_then_reprints(ws: Workspace, store_case: Callable[[Case], Dossier], tmp_path: Path) -> None:
    store_case(minimal_case("D12"))
    first = run(ws, "doc", CASE_ID, "D12", "--out", str(tmp_path / "out"))
    assert first.returncode == 0, first.stderr
    assert "已出具" in first.stdout and "偏税社告〔2026〕1号" in first.stdout
    assert (tmp_path / "out" / f"{CASE_ID}-D12-01-D12.docx").is_file()
    again = run(ws, "doc", CASE_ID, "d12", "--json")
    assert again.returncode == 0, again.stderr
    data = json.loads(again.stdout)
    assert data["reprint"] is True and data["doc_id"] == f"{CASE_ID}-D12-01"


def test_doc_correction(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    store_case(minimal_case("D12"))
    assert run(ws, "doc", CASE_ID, "D12").returncode == 0
    p = run(ws, "doc", CASE_ID, "D12", "--correct", f"{CASE_ID}-D12-01", "--reason", "笔误")
    assert p.returncode == 0, p.stderr
    assert "更正" in p.stdout and f"{CASE_ID}-D12-02" in p.stdout and "偏税社告〔2026〕2号" in p.stdout


def test_doc_errors_are_one_chinese_sentence(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    store_case(minimal_case("D01"))
    p = run(ws, "doc", CASE_ID, "D17")
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert "错误：" in p.stderr and "欠费明细" in p.stderr
    p = run(ws, "doc", CASE_ID, "D77")
    assert p.returncode == 2 and "未知的文书类型" in p.stderr
    p = run(ws, "doc", CASE_ID, "D04", "--set", "dept=人社局", "--set", "colour=red")
    assert p.returncode == 2 and "colour" in p.stderr


def test_doc_set_passes_extra(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    store_case(full_case())
    p = run(ws, "doc", CASE_ID, "D04", "--set", "dept=医保局", "--set", "x.questions=缴费基数如何核定？",
            "--set", "x.questions=是否存在劳动关系？", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["reprint"] is False


def test_templates_check_passes_and_fails(ws: Workspace) -> None:
    ok = run(ws, "templates", "check")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "全部通过" in ok.stdout and "✓ D17.docx" in ok.stdout
    d = docx.Document(str(shipped_templates_dir() / "D02.docx"))
    d.add_paragraph("联系人：｛｛ x.contact ｝｝")
    ws.templates_dir.mkdir(exist_ok=True)
    d.save(str(ws.templates_dir / "D02.docx"))
    bad = run(ws, "templates", "check", "D02")
    assert bad.returncode == 1
    assert "✗ D02.docx（工作区）" in bad.stdout and "全角花括号" in bad.stdout and "联系人" in bad.stdout


def test_doc_batch_reports_each_row(ws: Workspace, tmp_path: Path) -> None:
    first17 = "91140932MA0000001"
    src = tmp_path / "list.csv"
    src.write_text("缴费人名称,统一社会信用代码,险种,所属期,应缴金额\n"
                   f"甲公司,{first17}{uscc_check_char(first17)},基本养老,202501,100\n"
                   f"乙公司,{first17}0,基本养老,202501,100\n", encoding="utf-8")
    p = run(ws, "doc", "batch", "D17", "--from", str(src), "--out", str(tmp_path / "out"))
    assert p.returncode == 1
    assert "成功 1 份，失败 1 份" in p.stdout and "第3行" in p.stdout and "校验位" in p.stdout
    assert len(list((tmp_path / "out").glob("*-D17.docx"))) == 1


def test_a_document_issued_on_demand_is_searchable_and_catalogued(ws: Workspace,
                                                                  store_case: Callable[[Case], Dossier]) -> None:
    store_case(minimal_case("D12"))
    assert run(ws, "doc", CASE_ID, "D12").returncode == 0
    found = run(ws, "search", "偏税社告〔2026〕1号", "--kind", "document", "--json")
    assert found.returncode == 0, found.stderr
    assert any(r["id"].startswith(f"{CASE_ID}-D12") or CASE_ID in r["id"] for r in json.loads(found.stdout)["results"])
    listed = run(ws, "list", "--json")
    assert listed.returncode == 0 and CASE_ID in listed.stdout
