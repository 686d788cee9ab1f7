"""CLI wiring of `evidence add|unlock|list`, `watch`, `coversheet`: output, exit codes, Chinese errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from casefile.config import Workspace
from evidence.evfixtures import (
    NOW,
    cli,
    docx_with_merged_table,
    encrypt_ooxml,
    load_case,
    rasterise,
    text_pdf,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], ws: Workspace,
        *args: str) -> tuple[int, str, str]:
    """The CLI in process (fast): same entry point, same error rendering."""
    from casefile.cli.main import main

    monkeypatch.setenv("CASEFILE_HOME", str(ws.root))
    monkeypatch.setenv("CASEFILE_NOW", NOW.isoformat())
    monkeypatch.setenv("CASEFILE_USER", "测试员")
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return int(exc.value.code or 0), out, err


def test_add_list_show(ews: Workspace, case_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "调解 记录.pdf"
    good.write_bytes(text_pdf(1, "调解记录"))
    code, out, _ = run(monkeypatch, capsys, ews, "evidence", "add", case_id, str(good), "--slot", "调解材料")
    assert code == 0 and "E001" in out and "调解材料" in out
    assert good.exists()
    bad = tmp_path / "坏.pdf"
    bad.write_bytes(b"nothing")
    code, out, err = run(monkeypatch, capsys, ews, "evidence", "add", case_id, str(bad), str(good))
    assert code == 1 and "未归档" in out and "内容与扩展名不符" in out and "重复" in out and CJK.search(err)
    code, out, _ = run(monkeypatch, capsys, ews, "evidence", "list", case_id, "--json")
    rows = json.loads(out)
    assert code == 0 and rows[0]["ev_id"] == "E001" and len(rows[0]["sha256"]) == 64 and rows[0]["slot"] == "调解材料"
    code, out, _ = run(monkeypatch, capsys, ews, "evidence", "list", case_id)
    assert "E001" in out and "已提取文字" in out and "重复提交1次" in out
    code, out, _ = run(monkeypatch, capsys, ews, "show", case_id, "--json")
    view = json.loads(out)
    assert view["evidence"][0]["sha256"] == rows[0]["sha256"]
    assert any(t["type"] == "evidence_duplicate" for t in view["timeline"])


def test_errors_are_one_chinese_sentence(ews: Workspace, case_id: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.pdf"
    f.write_bytes(text_pdf(1))
    for args in (("evidence", "add", "SBZY-140932-2026-0999", str(f)), ("evidence", "add", "not-a-case", str(f)),
                 ("evidence", "unlock", case_id, "E009", "--password", "x"), ("evidence", "list", "SBZY-140932-2026-0999"),
                 ("coversheet", "SBZY-140932-2026-0999")):
        code, _out, err = run(monkeypatch, capsys, ews, *args)
        assert code == 1 and err.startswith("错误：") and CJK.search(err), (args, err)
    code, _out, err = run(monkeypatch, capsys, ews, "evidence", "add", case_id)
    assert code == 2  # the command line itself is wrong


def test_unlock_with_a_hidden_prompt(ews: Workspace, case_id: str, tmp_path: Path) -> None:
    enc = tmp_path / "加密.docx"
    enc.write_bytes(encrypt_ooxml(docx_with_merged_table(), "s3cret"))
    p = cli(ews.root, "evidence", "add", case_id, str(enc))
    assert p.returncode == 0 and "需要密码" in p.stdout, p.stderr
    import subprocess
    import sys

    from evidence.evfixtures import env_for

    wrong = subprocess.run([sys.executable, "-m", "casefile.cli.main", "evidence", "unlock", case_id, "E001"],
                           input="nope\n", env=env_for(ews.root), capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 1 and "密码不正确" in wrong.stderr and "nope" not in wrong.stdout + wrong.stderr
    right = subprocess.run([sys.executable, "-m", "casefile.cli.main", "evidence", "unlock", case_id, "E001"],
                           input="s3cret\n", env=env_for(ews.root), capture_output=True, text=True, timeout=120)
    assert right.returncode == 0 and "已解锁证据 E001" in right.stdout, right.stderr
    for f in ews.root.rglob("*"):  # the password is stored nowhere, not even in the journal or a log
        if f.is_file():
            data = f.read_bytes()
            assert b"s3cret" not in data and b"nope" not in data, f
    assert load_case(ews, case_id).evidence[0].text_status == "text"


def test_coversheet_and_watch_once(ews: Workspace, case_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from casefile.evidence.coversheet import decode_cover
    from evidence.evfixtures import scan_like

    out_pdf = tmp_path / "封面.pdf"
    code, out, _ = run(monkeypatch, capsys, ews, "coversheet", case_id.lower(), "--slot", "银行流水", "--out", str(out_pdf))
    assert code == 0 and "已生成封面页" in out
    page = rasterise(out_pdf.read_bytes(), 150)[0]
    cover = decode_cover(page)
    assert cover is not None and (cover.case_id, cover.slot) == (case_id, "银行流水")
    (ews.inbox_dir / "scan.pdf").write_bytes(scan_like([page, *rasterise(text_pdf(1), 150)]))
    (ews.inbox_dir / "random.pdf").write_bytes(text_pdf(1, tag="random"))
    code, out, _ = run(monkeypatch, capsys, ews, "watch", "--once", "--json")
    report = json.loads(out)
    assert code == 0 and report["counts"] == {"filed": 1, "unmatched": 1}, report
    assert {r["outcome"] for r in report["results"]} == {"filed", "unmatched"}
    code, out, _ = run(monkeypatch, capsys, ews, "watch", "--once")
    assert code == 0 and "没有待处理的文件" in out


def test_one_watcher_per_workspace(ews: Workspace, case_id: str, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from casefile.evidence.watcher import LOCK_NAME
    from casefile.store import locked

    with locked(ews, LOCK_NAME):
        p = cli(ews.root, "watch", "--once")
    assert p.returncode == 1 and "另一个 casefile watch" in p.stderr
