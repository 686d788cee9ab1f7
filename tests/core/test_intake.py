"""Intake that never loses what was typed: each answer checked as given, full-width input, near-miss
names, out-of-list jurisdictions, the draft that survives Ctrl-C and a killed process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from click.testing import CliRunner

from casefile.cli.main import cli
from casefile.errors import FieldInvalid, ValidationFailed
from casefile.intake import Draft, assemble, check_field, choices, pending
from casefile.workflow import parse_form, register
from factories import form
from testkit import NOW, env_for

TODAY = date(2026, 11, 22)


def test_full_width_digits_are_converted_and_said_so_when_not_enough(ws) -> None:  # type: ignore[no-untyped-def]
    s = ws.settings
    ok = check_field("applicant.id_number", "１４０９３２１９８８０７１５００２４", s, TODAY)
    assert ok.value == "140932198807150024" and ok.normalised
    with pytest.raises(FieldInvalid) as exc:
        check_field("applicant.id_number", "１４０９３２１９８８０７１５００２１", s, TODAY)
    msg = exc.value.message
    assert msg.startswith("身份证号：") and "校验位" in msg and "全角" in msg and "重新填写" in msg
    assert check_field("applicant.credit_code", "９１１１０１０８ＭＡ０１ＡＢＣＤ１Ｅ", s, TODAY).value == "91110108MA01ABCD1E"


def test_amounts_with_full_width_commas_and_yuan(ws) -> None:  # type: ignore[no-untyped-def]
    s = ws.settings
    assert check_field("amounts.claimed_arrears", "８６，４００．００", s, TODAY).value == "86400.00"
    assert check_field("amounts.claimed_arrears", "2,736元", s, TODAY).value == "2736.00"
    with pytest.raises(FieldInvalid, match=r"反映欠缴金额.*全角字符按半角处理"):
        check_field("amounts.claimed_arrears", "８６，４０．００", s, TODAY)


def test_department_typo_gets_did_you_mean(ws) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldInvalid) as exc:
        check_field("intake_dept", "人设局", ws.settings, TODAY)
    assert "是不是“县人社局”" in exc.value.message
    assert check_field("intake_dept", "人社", ws.settings, TODAY).value == "县人社局"
    assert check_field("intake_dept", "2", ws.settings, TODAY).value == "县人社局"  # number in the list shown


def test_categories_by_chinese_name_number_and_code(ws) -> None:  # type: ignore[no-untyped-def]
    s = ws.settings
    labels = [c.label for c in choices("categories", s)]
    assert labels[0] == "应参未参"  # pianguan's own four first, by name
    assert check_field("categories", "应参未参、缴费金额", s, TODAY).value == ["P1_NOT_ENROLLED", "C04_AMOUNT"]
    assert check_field("categories", "其他征缴、待遇争议", s, TODAY).value == ["P4_OTHER_BENEFIT"]
    assert check_field("categories", "1，C06", s, TODAY).value == ["P1_NOT_ENROLLED", "C06_LATE_FEE"]
    with pytest.raises(FieldInvalid, match="是不是“登记信息传递”"):
        check_field("categories", "登记信息", s, TODAY)


def test_choices_are_chinese(ws) -> None:  # type: ignore[no-untyped-def]
    assert [c.label for c in choices("applicant.kind", ws.settings)] == ["单位", "个人"]
    assert check_field("applicant.kind", "个人", ws.settings, TODAY).value == "person"
    assert check_field("applicant.kind", "unit", ws.settings, TODAY).value == "unit"


def test_jurisdiction_near_miss_refused_out_of_list_registered_with_warning(ws) -> None:  # type: ignore[no-untyped-def]
    s = ws.settings
    with pytest.raises(FieldInvalid, match="是不是“偏关县新关镇”"):
        check_field("jurisdiction", "偏关县新关真", s, TODAY)
    far = check_field("jurisdiction", "河曲县文笔镇", s, TODAY)
    assert far.value == {"name": "河曲县文笔镇", "outside": True} and "首问负责" in far.warning
    forced = check_field("jurisdiction", "辖区外：偏关县新关村", s, TODAY)
    assert forced.value["outside"]
    # the form path: registered, with the warning returned and journaled
    data = form("intake-minimal", jurisdiction={"name": "河曲县文笔镇", "code": "140930"})
    result = register(ws, data, NOW, "王晓梅")
    assert result.warnings and "首问负责" in result.warnings[0]
    case = json.loads((ws.archive_dir / "2026" / result.case_id / "case.json").read_text(encoding="utf-8"))
    assert case["jurisdiction"]["outside"] is True


def test_form_file_full_width_values_and_chinese_kind(ws) -> None:  # type: ignore[no-untyped-def]
    data = form("intake-unit")
    data["applicant"]["id_number"] = "１４０９３２１９８５１２３１００４３"
    data["applicant"]["kind"] = "个人"
    data["amounts"] = {"claimed_arrears": "８６，４００．００"}
    f = parse_form(data, ws.settings, TODAY)
    assert f.applicant.id_number == "140932198512310043" and str(f.amounts["claimed_arrears"]) == "86400.00"
    data["applicant"]["id_number"] = "１４０９３２１９８５１２３１００４４"
    with pytest.raises(ValidationFailed, match=r"身份证号.*全角字符按半角处理"):
        parse_form(data, ws.settings, TODAY)


def test_every_d01_field_is_asked(ws) -> None:  # type: ignore[no-untyped-def]
    keys = [f.key for f in pending({"channel": "窗口来访", "applicant.kind": "unit", "counterparty.name": "某公司",
                                    "counterparty.kind": "unit", "categories": ["C06_LATE_FEE"]})]
    for k in ("applicant.address", "counterparty.credit_code", "insurance_types", "periods",
              "amounts.claimed_arrears", "amounts.late_fee", "claim", "attachments"):
        assert k in keys, k


def test_assemble_builds_a_valid_form(ws) -> None:  # type: ignore[no-untyped-def]
    answers = {"channel": "12345热线", "channel_ref": "GD1", "received_at": "2026-11-20T09:30+08:00",
               "first_handler": "王晓梅", "intake_dept": "县税务局",
               "jurisdiction": {"name": "偏关县新关镇", "code": "140932"}, "applicant.kind": "person",
               "applicant.name": "刘彩霞", "applicant.id_number": "140932198807150024", "payer_group": "灵活就业",
               "applicant.phone_any": {"mobile": "13935012345"}, "applicant.address": None,
               "counterparty.name": None, "categories": ["C04_AMOUNT"], "insurance_types": ["基本养老"],
               "periods": ["202503-202505"], "amounts.claimed_arrears": "2736.00", "claim": "缴费记录缺失",
               "attachments": ["银行回单"]}
    f = parse_form(assemble(answers), ws.settings, TODAY)
    assert f.payer_group and f.payer_group.value == "灵活就业" and f.applicant.mobile == "13935012345"
    assert f.attachments == ["银行回单"] and f.counterparty is None


ANSWERS = ["2", "GD20261120-0001", "2026-11-20 09:30", "", "人设局", "人社", "1", "个人", "刘彩霞",
           "１４０９３２１９８８０７１５００２４", "灵活就业", "13935012345", "偏关县新关镇南关村", "", "",
           "缴费金额", "养老", "202503-202505", "2，736", "2025年3月至5月缴费记录缺失", "银行回单、身份证复印件"]


def test_interactive_new_asks_again_on_a_mistake_and_registers(ws) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": "王晓梅"}
    res = runner.invoke(cli, ["-w", str(ws.root), "new"], input="\n".join([*ANSWERS, "y"]) + "\n", env=env)
    assert res.exit_code == 0, res.output
    assert "是不是“县人社局”" in res.output  # the typo was refused and asked again
    assert "已登记" in res.output
    assert "[Y/n]" not in res.output and "确认登记？（是/否）" in res.output
    for word in ("unit", "person", "Choice", "Error"):
        assert word not in res.output
    case_dir = next((ws.archive_dir / "2026").iterdir())
    case = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    assert case["applicant"]["address"] == "偏关县新关镇南关村"
    assert case["amounts"] == {"claimed_arrears": "2736.00"} and case["insurance_types"] == ["基本养老"]
    assert case["channel_ref"] == "GD20261120-0001" and case["payer_group"] == "灵活就业"
    assert not list((ws.state_dir / "drafts").glob("*.json"))  # the draft is gone once registered


def test_ctrl_c_keeps_the_draft_and_resume_continues(ws) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": "王晓梅"}
    first = runner.invoke(cli, ["-w", str(ws.root), "new"], input="\n".join(ANSWERS[:10]) + "\n", env=env)
    assert first.exit_code == 1 and "new --resume" in first.output  # end of input = Ctrl-D/Ctrl-C
    draft = Draft.load(ws, "王晓梅")
    assert draft is not None and draft.answers["applicant.name"] == "刘彩霞"
    assert not (ws.archive_dir / "2026").exists() or not any((ws.archive_dir / "2026").iterdir())
    rest = "\n".join([*ANSWERS[10:], "y"]) + "\n"
    second = runner.invoke(cli, ["-w", str(ws.root), "new", "--resume"], input=rest, env=env)
    assert second.exit_code == 0, second.output
    assert "刘彩霞" in second.output and "已登记" in second.output


def test_resume_without_a_draft_is_refused(ws) -> None:  # type: ignore[no-untyped-def]
    res = subprocess.run([sys.executable, "-m", "casefile.cli.main", "new", "--resume"], capture_output=True,
                         text=True, env=env_for(ws.root, CASEFILE_USER="王晓梅"), timeout=120)
    assert res.returncode == 1 and res.stderr.startswith("错误：没有可继续的受理登记草稿"), res.stderr


def test_killed_process_loses_nothing_typed(ws) -> None:  # type: ignore[no-untyped-def]
    env = env_for(ws.root, CASEFILE_NOW=NOW.isoformat(), CASEFILE_USER="王晓梅")
    p = subprocess.Popen([sys.executable, "-m", "casefile.cli.main", "new"], env=env, stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    assert p.stdin is not None
    p.stdin.write("\n".join(ANSWERS[:12]) + "\n")
    p.stdin.flush()
    path = Draft.path_for(ws, "王晓梅")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if "applicant.phone_any" in json.loads(path.read_text(encoding="utf-8"))["answers"]:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    draft = Draft.load(ws, "王晓梅")
    assert draft is not None and draft.answers["applicant.id_number"] == "140932198807150024"
    res = subprocess.run([sys.executable, "-m", "casefile.cli.main", "new", "--resume"], env=env, text=True,
                         input="\n".join([*ANSWERS[12:], "y"]) + "\n", capture_output=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "已登记" in res.stdout


def test_packaged_examples_register(ws, naiman_ws) -> None:  # type: ignore[no-untyped-def]
    import yaml

    runner = CliRunner()
    for name, w in (("unit", ws), ("minimal", ws), ("flexible", ws), ("naiman", naiman_ws)):
        out = runner.invoke(cli, ["new", "--example", name])
        assert out.exit_code == 0 and "claim:" in out.output
        parse_form(yaml.safe_load(out.output), w.settings, TODAY)
    assert "examples/" not in (runner.invoke(cli, ["new", "--help"]).output)

