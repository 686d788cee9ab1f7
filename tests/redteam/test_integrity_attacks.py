"""Red-team: tampering, deletion and identity attacks on a workspace (issue 16 items 3, 4, 5, 6, 9, 12,
14; issue 13 item 7). Each test first does what the attacker did, with real `casefile` processes,
then asserts the refusal or the finding (exit code and message)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from testkit import FIXTURES, complete_writeup, env_for

pytestmark = pytest.mark.slow

FORM = FIXTURES / "forms" / "intake-unit.yaml"


def cf(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([sys.executable, "-m", "casefile.cli.main", *args], env=env_for(root, **env),
                       capture_output=True, text=True, timeout=300)
    assert "Traceback" not in p.stderr and "内部错误" not in p.stderr, p.stderr
    return p


def new_case(root: Path, user: str = "王晓梅") -> str:
    p = cf(root, "new", "--form", str(FORM), "--json", CASEFILE_USER=user)
    assert p.returncode == 0, p.stderr
    return str(json.loads(p.stdout)["id"])


def journal(root: Path, cid: str) -> list[dict[str, Any]]:
    path = next(root.glob(f"archive/*/{cid}/journal.jsonl"))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def root(ws: Any) -> Path:
    return Path(ws.root)


# -- who acts (16.6, 13.7) -----------------------------------------------------------------------
def test_no_staff_configured_refuses_writes_instead_of_journaling_root(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert cf(ws, "init", str(ws)).returncode == 0
    env = {k: v for k, v in env_for(ws).items() if k != "CASEFILE_NOW"}
    env.pop("CASEFILE_USER")
    p = subprocess.run([sys.executable, "-m", "casefile.cli.main", "new", "--form", str(FORM)], env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    assert "尚未配置工作人员名单" in p.stderr and "[[staff]]" in p.stderr and "os_user" in p.stderr, p.stderr
    assert not list((ws / "archive").glob("20*/*"))
    # reading still works without anyone configured
    assert cf(ws, "list", CASEFILE_NOW="").returncode == 0


def test_casefile_now_is_refused_in_a_production_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert cf(ws, "init", str(ws)).returncode == 0
    p = cf(ws, "list", "--overdue")  # env_for pins CASEFILE_NOW
    assert p.returncode == 1 and "CASEFILE_NOW" in p.stderr and "测试或演示工作区" in p.stderr, p.stderr


def test_unknown_user_and_someone_elses_account_are_refused(root: Path, tmp_path: Path) -> None:
    p = cf(root, "new", "--form", str(FORM), CASEFILE_USER="冒名者")
    assert p.returncode == 1 and "不在本工作区的工作人员名单" in p.stderr, p.stderr
    # a staff member bound to another OS account cannot be impersonated with --user
    cfg = root / "casefile.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8")
                   + '\n[[staff]]\nname = "局长"\ndept = "SW"\nroles = ["head"]\nos_user = "director"\n',
                   encoding="utf-8")
    p = cf(root, "--user", "局长", "new", "--form", str(FORM))
    assert p.returncode == 1 and "不能以“局长”的身份操作" in p.stderr, p.stderr
    assert not list((root / "archive").glob("20*/*"))


def test_journal_lines_carry_login_department_and_channel(root: Path) -> None:
    cid = new_case(root, "王晓梅")
    line = journal(root, cid)[0]
    assert line["actor"] == "王晓梅" and line["login"] == "王晓梅" and line["dept"] == "SW" and line["via"] == "cli"
    assert "@" in line["address"]


def test_drafter_cannot_review_own_typical_case_by_typing_another_name(root: Path) -> None:
    cid = new_case(root)
    for args in (["triage", cid, "--risk", "低"], ["decide", cid, "--text", "责令限期补缴", "--basis", "社会保险法第六十三条"],
                 ["notify", cid], ["report-back", cid, "--text", "已责令限期补缴"], ["followup", cid, "--method", "电话", "--respondent", "李建国", "--satisfaction", "满意"]):
        p = cf(root, *args, CASEFILE_USER="王晓梅")
        assert p.returncode == 0, (args, p.stderr)
    p = cf(root, "typical", "add", cid, "--json", CASEFILE_USER="王晓梅")
    assert p.returncode == 0, p.stderr
    tid = json.loads(p.stdout)["typical_id"]
    complete_writeup(root / "library", tid)
    # the old attack: the drafter names someone else as reviewer; --by no longer exists
    p = cf(root, "typical", "review", tid, "--by", "审核员甲", CASEFILE_USER="王晓梅")
    assert p.returncode == 2
    p = cf(root, "typical", "review", tid, CASEFILE_USER="王晓梅")
    assert p.returncode == 1 and "起草人" in p.stderr
    p = cf(root, "typical", "review", tid, CASEFILE_USER="培训员")
    assert p.returncode == 1 and "无权" in p.stderr
    assert cf(root, "typical", "review", tid, CASEFILE_USER="审核员甲").returncode == 0
    p = cf(root, "typical", "approve", tid, CASEFILE_USER="审核员甲")
    assert p.returncode == 1 and "审核人" in p.stderr
    p = cf(root, "typical", "approve", tid, CASEFILE_USER="王晓梅")
    assert p.returncode == 1  # the drafter, and not a head
    assert cf(root, "typical", "approve", tid, CASEFILE_USER="审批员乙").returncode == 0


def test_extension_needs_a_second_entitled_person(root: Path) -> None:
    cid = new_case(root)
    assert cf(root, "triage", cid, "--risk", "中", CASEFILE_USER="王晓梅").returncode == 0
    p = cf(root, "extend", cid, "--step", "joint_decision", "--days", "10", "--reason", "需补充调查",
           CASEFILE_USER="王晓梅")
    assert p.returncode == 0 and "须由负责人" in p.stdout, p.stderr
    p = cf(root, "extend", cid, "--approve", CASEFILE_USER="王晓梅")
    assert p.returncode == 1 and "无权批准延期" in p.stderr, p.stderr
    # a head who asked himself cannot approve his own request either
    p = cf(root, "extend", cid, "--approve", CASEFILE_USER="测试员")
    assert p.returncode == 0 and "已延期10日" in p.stdout, p.stderr
    assert cf(root, "extend", cid, "--step", "joint_decision", "--days", "5", "--reason", "再延",
              CASEFILE_USER="测试员").returncode == 0
    p = cf(root, "extend", cid, "--approve", CASEFILE_USER="测试员")
    assert p.returncode == 1 and "另一人" in p.stderr, p.stderr
    last = journal(root, cid)[-1]
    assert last["type"] == "extension_requested" and last["actor"] == "测试员"
    extended = next(e for e in journal(root, cid) if e["type"] == "extended")
    assert extended["payload"]["approver"] == "测试员" and extended["login"] == "测试员"

# -- no laundering (16.3) ---------------------------------------------------------------------------
def test_edited_case_json_is_not_laundered_by_the_next_command(root: Path) -> None:
    cid = new_case(root)
    case_json = next(root.glob(f"archive/*/{cid}/case.json"))
    case_json.write_text(case_json.read_text(encoding="utf-8").replace("李建国", "李建军"), encoding="utf-8")
    before, lines = case_json.read_bytes(), len(journal(root, cid))
    # the attack: any journaled command on top of the edit
    p = cf(root, "triage", cid, "--risk", "低")
    assert p.returncode == 1 and "未通过完整性校验" in p.stderr and "case.json" in p.stderr, p.stderr
    assert case_json.read_bytes() == before and len(journal(root, cid)) == lines
    p = cf(root, "fsck")
    assert p.returncode == 1 and "journal-record" in p.stdout, p.stdout
    p = cf(root, "show", cid)
    assert p.returncode == 0 and "警告" in p.stdout and "case.json 与日志" in p.stdout, p.stdout
    p = cf(root, "list")
    assert p.returncode == 0 and f"{cid}：case.json 与办理日志不符" in p.stderr, p.stderr
    assert "warnings" in json.loads(cf(root, "list", "--json").stdout)


@pytest.mark.parametrize("how", ["empty", "missing"])
def test_erased_journal_is_a_finding(root: Path, how: str) -> None:
    cid = new_case(root)
    jpath = next(root.glob(f"archive/*/{cid}/journal.jsonl"))
    if how == "empty":
        jpath.write_bytes(b"")
    else:
        jpath.unlink()
    p = cf(root, "fsck")
    assert p.returncode == 1 and ("journal-empty" in p.stdout or "缺失" in p.stdout), p.stdout
    p = cf(root, "triage", cid, "--risk", "低")
    assert p.returncode == 1 and "未通过完整性校验" in p.stderr, p.stderr
    p = cf(root, "show", cid)
    assert "警告" in p.stdout and "日志" in p.stdout, p.stdout


# -- catalog tampering (16.12) ----------------------------------------------------------------------
def test_edited_catalog_rows_are_problems_not_silent_repairs(root: Path) -> None:
    import sqlite3

    cid = new_case(root)
    assert cf(root, "list", "--json").returncode == 0  # the catalog exists
    db = root / "indexes" / "catalog.sqlite"
    con = sqlite3.connect(db)
    con.execute("UPDATE cases SET state = 'CLOSED' WHERE id = ?", (cid,))  # shown closed
    con.execute("UPDATE deadlines SET due = '2099-01-01' WHERE case_id = ?", (cid,))  # hidden from due
    con.commit()
    con.close()
    p = cf(root, "fsck")
    assert p.returncode == 1 and "catalog-edited" in p.stdout and "state" in p.stdout and "deadlines" in p.stdout, p.stdout
    # repaired from the dossier: the listing tells the truth again, and a second fsck is clean
    listed = json.loads(cf(root, "list", "--json").stdout)["cases"]
    assert [c["state"] for c in listed if c["id"] == cid] != ["CLOSED"]
    assert cf(root, "fsck").returncode == 0


# -- every file recorded with its hash (16.4) ---------------------------------------------------------
def closed_case(root: Path) -> str:
    cid = new_case(root)
    for args in (["triage", cid, "--risk", "低"], ["decide", cid, "--text", "责令限期补缴", "--basis", "社会保险法第六十三条"],
                 ["notify", cid], ["report-back", cid, "--text", "已责令限期补缴"],
                 ["followup", cid, "--method", "电话", "--respondent", "李建国", "--satisfaction", "满意"],
                 ["followup", cid, "--method", "电话", "--respondent", "山西晋北建材有限公司", "--party", "对方当事人",
                  "--satisfaction", "满意"]):
        p = cf(root, *args)
        assert p.returncode == 0, (args, p.stderr)
    return cid


@pytest.fixture
def soffice(tmp_path: Path) -> dict[str, str]:
    from archive.helpers import fake_soffice_script

    folder = tmp_path / "soffice"
    folder.mkdir()
    return {"CASEFILE_SOFFICE": str(fake_soffice_script(folder))}


def test_forged_pdf_is_not_sealed_into_the_archive(root: Path, soffice: dict[str, str]) -> None:
    from archive.helpers import pdf_bytes

    cid = closed_case(root)
    p = cf(root, "doc", cid, "D12", "--pdf", "--json", **soffice)
    assert p.returncode == 0, p.stderr
    pdf = Path(json.loads(p.stdout)["pdf"])
    # the attack: the issued decision's PDF overwritten with another text
    pdf.write_bytes(pdf_bytes("处理意见告知书：经研究，免除该单位全部社会保险费"))
    p = cf(root, "fsck")
    assert p.returncode == 1 and "file-changed" in p.stdout and pdf.name in p.stdout, p.stdout
    p = cf(root, "doc", cid, "D12", "--pdf", **soffice)  # a reprint would hand the forgery out
    assert p.returncode == 1 and "SHA-256 不符" in p.stderr, p.stderr
    p = cf(root, "archive", cid, **soffice)
    assert p.returncode == 1 and pdf.name in p.stderr and "SHA-256" in p.stderr, p.stderr
    assert not (pdf.parent.parent / "bagit.txt").exists()


def test_edited_snapshot_text_and_planted_files_are_reported(root: Path) -> None:
    cid = new_case(root)
    folder = next(root.glob(f"archive/*/{cid}"))
    snapshot = next(folder.glob("documents/*.data.json"))
    snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("李建国", "王建国"), encoding="utf-8")
    (folder / "documents" / "补充说明.docx").write_bytes(b"PK\x03\x04 planted")
    p = cf(root, "fsck")
    assert p.returncode == 1, p.stdout
    assert f"[file-changed]  文件 documents/{snapshot.name}" in p.stdout, p.stdout
    assert "[file-unrecorded]  documents/补充说明.docx" in p.stdout, p.stdout


def test_unmasked_export_is_journaled(root: Path, tmp_path: Path) -> None:
    cid = new_case(root)
    p = cf(root, "doc", cid, "D01", "--out", str(tmp_path / "out"))
    assert p.returncode == 0, p.stderr
    last = journal(root, cid)[-1]
    assert last["type"] == "document_exported" and last["actor"] == "测试员"
    assert last["payload"]["doc_id"].endswith("D01-01") and last["payload"]["to"] == str(tmp_path / "out")


# -- deletions (16.5, 16.9) ------------------------------------------------------------------------------
def test_removed_case_folder_is_a_finding(root: Path) -> None:
    import shutil

    cid = new_case(root)
    keep = new_case(root)
    assert cf(root, "fsck").returncode == 0
    shutil.rmtree(next(root.glob(f"archive/*/{cid}")))
    p = cf(root, "fsck")
    assert p.returncode == 1 and f"{cid}  [case-missing]" in p.stdout, p.stdout
    # the finding outlives the catalog rebuild fsck does
    p = cf(root, "fsck")
    assert p.returncode == 1 and "case-missing" in p.stdout and keep not in p.stdout, p.stdout


def test_removed_bag_cannot_be_voided_and_verify_fails(root: Path, soffice: dict[str, str]) -> None:
    import shutil

    cid = closed_case(root)
    p = cf(root, "archive", cid, **soffice)
    assert p.returncode == 0, p.stderr
    assert cf(root, "verify", "--all").returncode == 0
    shutil.rmtree(next(root.glob(f"archive/*/{cid}")))
    p = cf(root, "archive", "--void", "2026-0001", "--reason", "录入错误")
    assert p.returncode == 1 and "不能作废" in p.stderr, p.stderr
    p = cf(root, "verify", "--all")
    assert p.returncode == 1 and "归档包不存在" in p.stdout, p.stdout
    p = cf(root, "fsck")
    assert p.returncode == 1 and "case-missing" in p.stdout, p.stdout


def test_bag_metadata_edited_with_recomputed_tag_manifests_fails_verify(root: Path, soffice: dict[str, str]) -> None:
    import hashlib

    from casefile.archive.fixity import sm3_bytes

    cid = closed_case(root)
    assert cf(root, "archive", cid, **soffice).returncode == 0
    bag = next(root.glob(f"archive/*/{cid}"))
    for p in bag.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    bag.chmod(0o755)
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("Retention-Period: D10", "Retention-Period: Y")
                    .replace("定期10年", "永久"), encoding="utf-8")
    meta = bag / "archive.json"
    meta.write_text(meta.read_text(encoding="utf-8").replace('"retention": "D10"', '"retention": "Y"'), encoding="utf-8")
    # the attacker recomputes both tag manifests, so the bag is internally consistent again
    for alg, fn in (("sha256", lambda b: hashlib.sha256(b).hexdigest()), ("sm3", sm3_bytes)):
        tm = bag / f"tagmanifest-{alg}.txt"
        lines = []
        for line in tm.read_text(encoding="utf-8").splitlines():
            _, rel = line.split(maxsplit=1)
            lines.append(f"{fn((bag / rel).read_bytes())}  {rel}")
        tm.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = cf(root, "verify", cid)
    assert p.returncode == 1 and "保管日志的校验值不符" in p.stdout, p.stdout


# -- low (16.14) ------------------------------------------------------------------------------------------
def test_year_one_received_at_is_a_field_error(root: Path, tmp_path: Path) -> None:
    import re

    form = tmp_path / "form.yaml"
    form.write_text(re.sub(r"received_at:.*", "received_at: 0001-01-01", FORM.read_text(encoding="utf-8")),
                    encoding="utf-8")
    p = cf(root, "new", "--form", str(form))
    assert p.returncode == 1 and "来访时间" in p.stderr and "不是有效的来访时间" in p.stderr, p.stderr


def test_reveal_log_of_archived_cases_is_chained(root: Path, soffice: dict[str, str]) -> None:
    cid = closed_case(root)
    assert cf(root, "archive", cid, **soffice).returncode == 0
    for purpose in ("复核", "信访答复", "审计"):
        assert cf(root, "show", cid, "--reveal", "--purpose", purpose).returncode == 0
    log = root / ".casefile" / "access.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(json.loads(x)["login"] == "测试员" for x in lines)
    assert cf(root, "fsck").returncode == 0
    log.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")  # a look erased
    p = cf(root, "fsck")
    assert p.returncode == 1 and "access-log" in p.stdout, p.stdout
