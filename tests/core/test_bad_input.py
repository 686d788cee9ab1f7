"""Every mistake a person can make at the keyboard gets one Chinese sentence that names the field, says
what is wrong and what to do; exit code 1; nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from casefile.models.enums import State
from casefile.store import Dossier, read_journal
from factories import form, to_state
from testkit import env_for


def cf(ws: Any, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casefile.cli.main", *args], env=env_for(ws.root),
                          capture_output=True, text=True, timeout=300)


def one_sentence(p: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误：") and lines[0].endswith("。"), p.stderr
    assert "Traceback" not in p.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def cases_on_disk(ws: Any) -> int:
    return sum(1 for p in (ws.archive_dir).glob("*/SBZY-*") if p.is_dir())


def journal_len(ws: Any, cid: str) -> int:
    return len(read_journal(Dossier(ws, cid).journal_path)[0])


def write_form(tmp: Path, data: dict[str, Any]) -> str:
    path = tmp / "form.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("change", "needles"), [
    ({"applicant": {"kind": "个人", "name": "李建国", "id_number": "140932198512310044"}}, ("身份证号", "校验位", "请核对")),
    ({"applicant": {"kind": "个人", "name": "李建国", "id_number": "１４０９３２１９８５１２３１００４４"}},
     ("身份证号", "校验位", "全角字符按半角处理")),
    ({"amounts": {"claimed_arrears": "８６，４０．００"}}, ("金额", "86,40.00", "千位分隔符", "全角字符按半角处理")),
    ({"intake_dept": "县人设局"}, ("受理部门", "是不是“县人社局”")),
    ({"categories": ["滞纳金"]}, ("争议类别", "是不是“滞纳金加收”")),
    ({"jurisdiction": {"name": "偏关县新关真", "code": "140932"}}, ("事项所在辖区", "是不是“偏关县新关镇”", "outside")),
])
def test_bad_intake_forms(ws, tmp_path, change, needles) -> None:  # type: ignore[no-untyped-def]
    data = form("intake-minimal")
    data.update(change)
    one_sentence(cf(ws, "new", "--form", write_form(tmp_path, data)), *needles)
    assert cases_on_disk(ws) == 0


def test_full_width_input_that_is_right_is_accepted(ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = form("intake-minimal", amounts={"claimed_arrears": "８６，４００．００"}, categories=["滞纳金加收"])
    data["applicant"] = {"kind": "个人", "name": "李建国", "id_number": "１４０９３２１９８５１２３１００４３"}
    p = cf(ws, "new", "--form", write_form(tmp_path, data))
    assert p.returncode == 0, p.stderr


def test_bad_options_on_a_case(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.TRIAGE)
    before = journal_len(ws, cid)
    one_sentence(cf(ws, "triage", cid, "--risk", "中", "--co", "人设局"), "部门", "是不是“县人社局”")
    one_sentence(cf(ws, "notify", cid), "当前状态为“审核分类/风险初判”", "可进行的操作")  # a step out of order
    one_sentence(cf(ws, "list", "--category", "滞纳金"), "争议类别", "是不是“滞纳金加收”")
    one_sentence(cf(ws, "flag", cid, "--raise", "超期", "--reason", "x"), "标记", "自动判断")
    assert journal_len(ws, cid) == before


def test_actions_on_a_closed_case(ws) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.CLOSED)
    before = journal_len(ws, cid)
    number = Dossier(ws, cid).load().number
    one_sentence(cf(ws, "triage", number, "--risk", "低"), "当前状态为“办结”", "reopen")
    one_sentence(cf(ws, "mediate", "start", number, "--mediator", "张某"), "当前状态为“办结”")
    assert journal_len(ws, cid) == before
