"""Red team, issue 16 item 7: a typical case that tries to publish real people.

The attack as it was reported: a case put through draft, review, approval, publication and export
kept third-party names, a short company name, another company's full name, a village address, and
an ID number, mobiles and a bank account written with spaces, dots and dashes inside them; the leak
check passed and the library's .md named the source case. Here the same material goes in twice:
in the case record (the draft must replace all of it) and typed into the write-up by a trainer
after drafting (review, approval and publication must refuse, naming each finding).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from casefile import library
from casefile.errors import PrivacyLeak
from casefile.rules.numbers import find_numbers
from search.helpers import NOW, make_case
from testkit import complete_writeup

ID_SPACED = "1409 3219 8512 3100 43"  # 140932198512310043
MOBILE_DOTS = "138.3456.1234"
MOBILE_DASHES = "139-1234-5678"
MOBILE_EMDASH = "137—2222—3333"
MOBILE_FULLWIDTH = "１３６１１１１２２２２"
BANK_SLASHES = "6222/0212/3456/7890/123"
BANK_SPACES = "6217 0000 1111 2222 333"

CLAIM = (
    "职工张建军、刘小红、赵铁柱反映，宏远煤业拖欠2024年1月至2026年9月的社会保险费；住李家沟村5组的王二毛可以作证。"
    "该公司会计孙丽称，工资一直由太原华晋商贸有限公司代发。张建军住偏关县新关镇张家庄村3组，"
    f"身份证号{ID_SPACED}，手机{MOBILE_DOTS}、{MOBILE_DASHES}，工资卡账号{BANK_SLASHES}。"
)
REAL = ["张建军", "刘小红", "赵铁柱", "王二毛", "孙丽", "马德胜", "宏远煤业", "宏远", "华晋商贸", "华晋",
        "张家庄", "3组", "李家沟", "5组", ID_SPACED, MOBILE_DOTS, MOBILE_DASHES, BANK_SLASHES, "3456", "0212"]


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    from casefile.workspace import init_workspace

    return init_workspace(tmp_path / "ws", "pianguan")


def attack_case(ws: Any) -> Any:
    return make_case(
        ws, 7, claim=CLAIM, categories=("C03",),
        applicant={"kind": "person", "name": "张建军", "id_number": "140932198512310043", "mobile": "13834561234",
                   "address": "偏关县新关镇张家庄村3组", "represents": "山西宏远煤业有限公司职工3人"},
        counterparty={"kind": "unit", "name": "山西宏远煤业有限公司", "credit_code": "91140932MA0K12345K",
                      "legal_rep": "马德胜"},
        decision="责令宏远煤业按职工实际工资补缴社会保险费；华晋商贸代发工资的银行流水已调取。",
    )


def body_of(ws: Any, tid: str) -> str:
    return (ws.library_dir / f"{tid}.md").read_text(encoding="utf-8")


def test_separated_numbers_are_found_as_what_they_are() -> None:
    text = (f"身份证{ID_SPACED}，手机{MOBILE_DOTS}、{MOBILE_DASHES}、{MOBILE_EMDASH}、{MOBILE_FULLWIDTH}，"
            f"账号{BANK_SLASHES}、{BANK_SPACES}，信用代码9114 0932 MA0K 1234 5U，所属期202401-202609，"
            "2026.10.05缴纳，金额86400.00元，电话0350-7521234")
    kinds = [(h.kind, h.text) for h in find_numbers(text)]
    assert kinds == [("id_number", ID_SPACED), ("mobile", MOBILE_DOTS), ("mobile", MOBILE_DASHES),
                     ("mobile", MOBILE_EMDASH), ("mobile", MOBILE_FULLWIDTH), ("digits", BANK_SLASHES),
                     ("digits", BANK_SPACES), ("uscc", "9114 0932 MA0K 1234 5U")]


def test_draft_replaces_everyone_the_record_names(ws: Any) -> None:
    case = attack_case(ws)
    report = library.draft(ws, case.id, "王晓梅", NOW)
    text = body_of(ws, report.typical_id)
    for real in REAL:
        assert real not in text, (real, text)
    assert report.findings == [], [str(f) for f in report.findings]
    mapping = library.build_mapping(case, ws.settings)
    assert mapping.persons["王二毛"].startswith("王某") and mapping.persons["孙丽"] == "孙某"
    assert mapping.companies["宏远煤业"] == mapping.companies["山西宏远煤业有限公司"]
    assert mapping.companies["太原华晋商贸有限公司"] != mapping.companies["山西宏远煤业有限公司"]
    assert "住某村的王某" in text and "煤业公司" in text
    assert any("另提到" in w for w in report.warnings)


def test_the_library_never_names_the_source_case(ws: Any) -> None:
    case = attack_case(ws)
    tid = library.draft(ws, case.id, "王晓梅", NOW).typical_id
    sign_off_and_publish(ws, tid)
    from casefile.library.writeup import search_doc as typical_doc

    indexed = json.dumps(dataclasses.asdict(typical_doc(ws.library_dir / f"{tid}.md")), ensure_ascii=False, default=str)
    for where in (body_of(ws, tid), indexed):
        assert case.id not in where and case.number not in where and "source_case" not in where
    # the link lives in the archive only: the typical sequence and the map in the dossier
    assert library.check(ws, tid) == []


def sign_off_and_publish(ws: Any, tid: str) -> None:
    complete_writeup(ws.library_dir, tid)
    library.review(ws, tid, "审核员甲", "审核员甲", NOW + timedelta(hours=1))
    library.approve(ws, tid, "审批员乙", "审批员乙", NOW + timedelta(hours=2))
    library.publish(ws, tid, "审批员乙", NOW + timedelta(hours=3))


TYPED_IN = (
    "据职工张建军、王二毛和孙丽回忆，宏远煤业（即宏远公司）与太原华晋商贸有限公司、大同恒泰运输有限公司"
    "长期混用账户。职工张建军住偏关县新关镇张家庄村3组，职工周大勇住王家峪村2组。"
    f"身份证{ID_SPACED}，手机{MOBILE_DOTS}、{MOBILE_EMDASH}、{MOBILE_FULLWIDTH}，账户{BANK_SPACES}。"
)


def test_a_trainer_cannot_type_real_data_past_review_approval_or_publication(ws: Any) -> None:
    case = attack_case(ws)
    tid = library.draft(ws, case.id, "王晓梅", NOW).typical_id
    path = ws.library_dir / f"{tid}.md"
    path.write_text(body_of(ws, tid).replace("（待培训人员补充）", TYPED_IN), encoding="utf-8")
    with pytest.raises(PrivacyLeak) as err:
        library.review(ws, tid, "审核员甲", "审核员甲", NOW)
    findings = library.check(ws, tid)
    found = {(f.kind, f.text) for f in findings}
    for name in ("张建军", "王二毛", "孙丽", "宏远煤业", "宏远公司", "太原华晋商贸有限公司"):
        assert ("name", name) in found, (name, found)
    assert ("company", "大同恒泰运输有限公司") in found
    assert ("person", "周大勇") in found
    assert ("identifier", "偏关县新关镇张家庄村3组") in found  # the applicant's address from the record
    assert ("address", "王家峪村2组") in found
    assert {("id_number", ID_SPACED), ("mobile", MOBILE_DOTS), ("mobile", MOBILE_EMDASH),
            ("mobile", MOBILE_FULLWIDTH), ("digits", BANK_SPACES)} <= found
    assert "周大勇" in str(err.value)

    # reviewed and approved clean, then edited: publication re-checks and refuses
    path.write_text(body_of(ws, tid).replace(TYPED_IN, "加强缴费基数核查。"), encoding="utf-8")
    complete_writeup(ws.library_dir, tid)
    library.review(ws, tid, "审核员甲", "审核员甲", NOW + timedelta(hours=1))
    library.approve(ws, tid, "审批员乙", "审批员乙", NOW + timedelta(hours=2))
    w = library.load(ws, tid)
    w.body = w.body.replace("加强缴费基数核查。", f"联系职工周大勇，手机{MOBILE_DOTS}。")
    w.approved_sha256 = w.content_sha256()  # a forged sign-off: the text itself still must pass
    w.reviewed_sha256 = w.content_sha256()
    path.write_bytes(library.dump_writeup(w))
    with pytest.raises(PrivacyLeak, match="周大勇"):
        library.publish(ws, tid, "审批员乙", NOW + timedelta(hours=3))
    assert library.load(ws, tid).status == "approved"


def test_export_leaves_out_a_published_case_edited_to_leak(ws: Any, tmp_path: Path) -> None:
    case = attack_case(ws)
    tid = library.draft(ws, case.id, "王晓梅", NOW).typical_id
    sign_off_and_publish(ws, tid)
    path = ws.library_dir / f"{tid}.md"
    w = library.load(ws, tid)
    w.body += f"\n\n孙丽的账户{BANK_SLASHES}。\n"
    w.approved_sha256 = w.reviewed_sha256 = w.content_sha256()
    path.write_bytes(library.dump_writeup(w))
    with pytest.raises(library.TypicalRefused, match="未通过泄露检查"):
        library.export(ws, tmp_path / "booklet.docx", NOW)
    assert not (tmp_path / "booklet.docx").exists()


def test_cli_check_exits_1_and_lists_each_finding(ws: Any, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from casefile.cli.main import main

    case = attack_case(ws)
    tid = library.draft(ws, case.id, "王晓梅", NOW).typical_id
    path = ws.library_dir / f"{tid}.md"
    path.write_text(body_of(ws, tid).replace("（待培训人员补充）", TYPED_IN), encoding="utf-8")
    monkeypatch.setenv("CASEFILE_HOME", str(ws.root))
    monkeypatch.setenv("CASEFILE_NOW", NOW.isoformat())
    with pytest.raises(SystemExit) as exc:
        main(["typical", "check", tid, "--json"])
    out = capsys.readouterr()
    assert exc.value.code == 1
    report = json.loads(out.out)
    assert report["ok"] is False and any("周大勇" in f for f in report["findings"])
    assert any("身份证号码" in f for f in report["findings"])


def test_a_branch_its_parent_and_a_cut_short_mention_are_one_company(ws: Any) -> None:
    """One company however the record names it: the branch, its parent's full name, and a mention
    the segmenter cut short all get the same pseudonym, and no generic word becomes a name."""
    case = make_case(
        ws, 8, categories=("C03",),
        applicant={"kind": "person", "name": "何建新", "mobile": "13834561234"},
        counterparty={"kind": "unit", "name": "忻州市华瑞物业服务有限公司偏关分公司"},
        claim="职工反映忻州市华瑞物业服务有限公司偏关分公司少报缴费基数，总公司忻州市华瑞物业服务有限公司未答复。"
              "另，偏关县惠民超市连锁有限公司的职工也反映，惠民超市连锁有限公司同样如此。",
    )
    m = library.build_mapping(case, ws.settings)
    branch = m.companies["忻州市华瑞物业服务有限公司偏关分公司"]
    assert m.companies["忻州市华瑞物业服务有限公司"] == m.companies["华瑞公司"] == branch
    assert m.companies["惠民超市连锁有限公司"] == m.companies["偏关县惠民超市连锁有限公司"] != branch
    assert not [k for k in m.companies if k.startswith("市") or k in ("连锁", "连锁有限公司")], m.companies
    text = library.deidentify_text(case.claim, m)
    assert "华瑞" not in text and "惠民" not in text and "忻州" not in text, text
