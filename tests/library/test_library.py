"""The typical-case library: de-identification, the leak check, two-person sign-off, export."""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from casefile import library
from casefile.errors import PrivacyLeak
from casefile.store import Dossier
from search.helpers import NOW, make_case
from testkit import LESSONS, complete_writeup


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    from testkit import init_test_workspace as init_workspace

    return init_workspace(tmp_path / "ws", "pianguan")


def unit_case(ws: Any, seq: int = 1, **kw: Any) -> Any:
    defaults: dict[str, Any] = {
        "applicant": {"kind": "person", "name": "李建国", "id_number": "140932198512310043", "mobile": "13834561234",
                      "address": "偏关县新关镇东大街12号", "represents": "山西晋北建材有限公司职工17人"},
        "counterparty": {"kind": "unit", "name": "山西晋北建材有限公司", "credit_code": "91150525MA0Q12345U",
                         "legal_rep": "李志刚", "address": "偏关县工业园区3号"},
        "claim": ("李建国称山西晋北建材有限公司（法定代表人李志刚）自2024年1月起按最低缴费基数申报，"
                  "晋北建材拒绝补缴。2026年11月3日9时40分来访，联系电话13834561234，"
                  "身份证号140932198512310043，已收到偏税社告〔2026〕7号告知书。"),
        "categories": ("C03",),
        "decision": "责令晋北建材公司按实际工资补缴社会保险费86400.00元。",
        "basis": ("《社会保险法》第八十六条",),
    }
    defaults.update(kw)
    return make_case(ws, seq, **defaults)


# -- pure parts -------------------------------------------------------------------------------------
def test_surnames_companies_and_industries() -> None:
    assert library.surname_of("欧阳娜娜") == "欧阳"
    assert library.surname_of("李建国") == "李"
    assert library.surname_of("阿卜杜拉·买买提") == "阿"
    assert library.company_core("山西晋北建材有限公司") == "晋北建材"
    assert library.industry_of("偏关县恒通运输有限公司") == "运输"
    assert library.industry_of("某某有限公司") == ""


def test_mapping_same_surname_gets_jia_yi_and_companies_letters(ws: Any) -> None:
    case = unit_case(ws)
    m = library.build_mapping(case, ws.settings)
    assert m.persons == {"李建国": "李某甲", "李志刚": "李某乙"}
    assert m.companies["山西晋北建材有限公司"] == "某建材公司"
    assert m.companies["晋北建材"] == "某建材公司"
    assert m.officials == {"王晓梅": "受理人员"}
    assert m.places["偏关县新关镇"] == "某县某镇"
    assert "140932198512310043" in m.removed and "偏关县新关镇东大街12号" in m.removed


def test_deidentify_text_rules() -> None:
    m = library.Mapping(persons={"张三": "张某"}, companies={"某某建材有限公司": "某建材公司"}, places={"偏关县": "某县"})
    text = ("张三（身份证140932198512310043，手机138 3456 1234）于2026年11月3日上午9时40分向偏关县税务局反映，"
            "某某建材有限公司账号6222 0212 3456 7890，文号偏税社争〔2026〕12号，案号（2025）晋0932行初12号，"
            "2026-10-05缴纳，住东大街12号。")
    out = library.deidentify_text(text, m)
    for gone in ("张三", "140932198512310043", "138 3456 1234", "6222", "偏关县", "3日", "9时", "12号，", "10-05",
                 "东大街12号"):
        assert gone not in out, (gone, out)
    for kept in ("张某", "某建材公司", "2026年11月", "×税×〔2026〕×号", "（2025）×号", "2026年10月", "某县税务局"):
        assert kept in out, (kept, out)
    assert library.leak_check(out, ["张三"]) == []


def test_leak_check_finds_every_kind_with_positions() -> None:
    text = "第一行\n李建国 140932198512310043 91150525MA0Q12345U\n13834561234 12345678901234 SBZY-140932-2026-0001"
    findings = library.leak_check(text, ["李建国"])
    assert [f.kind for f in findings] == ["name", "id_number", "uscc", "mobile", "digits", "case_id"]
    assert (findings[0].line, findings[0].column) == (2, 1)
    assert "身份证号码" in str(findings[1])


def test_leak_check_is_not_fooled_by_full_width_digits() -> None:
    assert [f.kind for f in library.leak_check("电话１３８３４５６１２３４")] == ["mobile"]


def test_leak_check_leaves_ordinary_numbers_alone() -> None:
    assert library.leak_check("涉及金额86400.00元，2024年1月至2026年9月，12345热线，0350-7521234") == []


# -- the workflow ------------------------------------------------------------------------------------
def test_draft_keeps_the_map_in_the_dossier_only(ws: Any) -> None:
    case = unit_case(ws)
    report = library.draft(ws, case.id, "王晓梅", NOW)
    assert report.typical_id == "TC-2026-0001" and report.findings == []
    text = Path(report.path).read_text(encoding="utf-8")
    for real in ("李建国", "李志刚", "晋北建材", "140932198512310043", "13834561234", "91150525MA0Q12345U",
                 "偏关县", "东大街", "偏税社告〔2026〕7号", "11月3日", "王晓梅"):
        body = text.split("---", 2)[2]
        assert real not in body, real
    assert "## 案情简介" in text and "## 经验启示" in text and "## 关键词" in text
    assert "职工李某甲等17人" in text and "某建材公司" in text and "86400.00元" in text
    d = Dossier(ws, case.id)
    mapping = json.loads((d.path / report.map_file).read_text(encoding="utf-8"))
    assert mapping["persons"]["李建国"] == "李某甲"
    assert not list(ws.library_dir.glob("*.json"))
    assert "李建国" not in "".join(p.read_text(encoding="utf-8") for p in ws.library_dir.glob("*.md"))
    entries, problems = d.journal()
    assert problems == [] and entries[-1].type == "typical_drafted"
    assert d.load().typical.selected is True  # type: ignore[union-attr]
    with pytest.raises(library.TypicalRefused):
        library.draft(ws, case.id, "王晓梅", NOW)


def sign_off(ws: Any, tid: str) -> None:
    complete_writeup(ws.library_dir, tid)
    library.review(ws, tid, "审核员甲", "审核员甲", NOW + timedelta(hours=1))
    library.approve(ws, tid, "审批员乙", "审批员乙", NOW + timedelta(hours=2))


def test_review_approve_publish_need_two_other_people(ws: Any) -> None:
    case = unit_case(ws)
    tid = library.draft(ws, case.id, "王晓梅", NOW).typical_id
    with pytest.raises(library.TypicalRefused, match="起草人"):
        library.review(ws, tid, "王晓梅", "王晓梅", NOW)
    with pytest.raises(library.TypicalRefused, match="尚未通过脱敏审核"):
        library.approve(ws, tid, "审批员乙", "审批员乙", NOW)
    library.review(ws, tid, "审核员甲", "审核员甲", NOW)
    with pytest.raises(library.TypicalRefused, match="同一人"):
        library.approve(ws, tid, "审核员甲", "审核员甲", NOW)
    with pytest.raises(library.TypicalRefused):
        library.publish(ws, tid, "王晓梅", NOW)
    complete_writeup(ws.library_dir, tid)
    library.review(ws, tid, "审核员甲", "审核员甲", NOW)
    library.approve(ws, tid, "审批员乙", "审批员乙", NOW)
    report = library.publish(ws, tid, "王晓梅", NOW)
    assert report.status == "published"
    entries, _ = Dossier(ws, case.id).journal()
    events = [(e.type, e.payload.get("reviewer") or e.payload.get("approver")) for e in entries]
    assert ("typical_reviewed", "审核员甲") in events and ("typical_approved", "审批员乙") in events
    assert events[-1][0] == "typical_published"
    info = Dossier(ws, case.id).load().typical
    assert info is not None and info.reviewer == "审核员甲" and info.approver == "审批员乙" and info.published_id == tid


def test_edit_after_approval_needs_a_new_review(ws: Any) -> None:
    case = unit_case(ws)
    tid = library.draft(ws, case.id, "王晓梅", NOW).typical_id
    sign_off(ws, tid)
    path = ws.library_dir / f"{tid}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(LESSONS, "加强缴费基数核查。"), encoding="utf-8")
    assert library.load(ws, tid).effective_status == "draft"
    with pytest.raises(library.TypicalRefused, match="重新审核"):
        library.publish(ws, tid, "王晓梅", NOW)
    sign_off(ws, tid)
    assert library.publish(ws, tid, "王晓梅", NOW).status == "published"


def test_a_draft_missing_a_section_is_not_approved(ws: Any) -> None:
    """Every section the 典型案例 (D29) prints must be written before approval, not only before issuing:
    the refusal names each section still empty or holding the draft's （待…） placeholder."""
    case = unit_case(ws, decision="")
    tid = library.draft(ws, case.id, "王晓梅", NOW).typical_id
    path = ws.library_dir / f"{tid}.md"
    text = path.read_text(encoding="utf-8")
    assert "（待培训人员补充）" in text and "## 处理结果\n\n（待补充）" in text
    w = library.load(ws, tid)
    w.body = w.body.split("## 关键词")[0] + "## 关键词\n"
    path.write_bytes(library.dump_writeup(w))
    library.review(ws, tid, "审核员甲", "审核员甲", NOW)  # the de-identification can be confirmed meanwhile
    with pytest.raises(library.TypicalRefused) as err:
        library.approve(ws, tid, "审批员乙", "审批员乙", NOW)
    assert str(err.value) == (f"典型案例 {tid} 缺少必备部分“处理结果”、“法律依据”、“经验启示”、“关键词”（空白或仍是“待补充”），"
                              f"不能批准发布；请在 library/{tid}.md 中补写后重新审核。")
    assert library.load(ws, tid).status == "reviewed"
    assert [e.type for e in Dossier(ws, case.id).journal()[0]][-1] == "typical_reviewed"
    w = library.load(ws, tid)
    w.body = (w.body.replace("（待补充）", "责令用人单位按实际工资补缴。", 1).replace("（待培训人员补充）", LESSONS)
              + "\n缴费基数、补缴\n")
    w.body = re.sub(r"（待补充：[^）]*）", "《中华人民共和国社会保险法》第六十三条", w.body)
    path.write_bytes(library.dump_writeup(w))
    sign_off(ws, tid)
    assert library.load(ws, tid).effective_status == "approved"


def test_leak_blocks_review_and_publication(ws: Any) -> None:
    case = unit_case(ws)
    tid = library.draft(ws, case.id, "王晓梅", NOW).typical_id
    path = ws.library_dir / f"{tid}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("（待培训人员补充）", "李建国的手机是13834561234。"),
                    encoding="utf-8")
    with pytest.raises(PrivacyLeak) as err:
        library.review(ws, tid, "审核员甲", "审核员甲", NOW)
    assert "当事人真实姓名" in str(err.value) and "手机号码" in str(err.value)
    assert [f.kind for f in library.check(ws, tid)] == ["name", "mobile"]


def test_export_booklet(ws: Any, tmp_path: Path) -> None:
    import docx

    a = unit_case(ws, 1)
    b = unit_case(ws, 2, categories=("C06",), claim="单位对滞纳金起算日有异议。", decision="滞纳金依法不予减免。")
    tid_a = library.draft(ws, a.id, "王晓梅", NOW).typical_id
    tid_b = library.draft(ws, b.id, "王晓梅", NOW).typical_id
    sign_off(ws, tid_a)
    library.publish(ws, tid_a, "王晓梅", NOW)
    with pytest.raises(library.TypicalRefused):
        library.export(ws, tmp_path / "none.docx", NOW, categories=["C06"])
    sign_off(ws, tid_b)
    library.publish(ws, tid_b, "王晓梅", NOW)
    report = library.export(ws, tmp_path / "汇编.docx", NOW, topic="缴费基数")
    assert report.cases == [tid_a]
    report = library.export(ws, tmp_path / "汇编.docx", NOW)
    assert report.cases == [tid_a, tid_b]
    d = docx.Document(report.path)
    texts = [p.text for p in d.paragraphs]
    assert "社会保险费征缴争议典型案例汇编" in texts and "目　　录" in texts
    # the cover names a generic publisher: the office's name would give away the county the write-ups hide
    assert "典型案例编写组" in texts and not [t for t in texts if ws.settings.office.name in t or "偏关" in t]
    headings = [p.text for p in d.paragraphs if p.style.name == "案例标题"]
    assert headings[0].startswith("一、") and headings[1].startswith("二、")
    assert texts.index(headings[0]) > texts.index("目　　录")
    toc = [p.text.split("\t") for p in d.paragraphs if p.style.name == "目录条目"]
    assert [t[0] for t in toc] == headings and all(len(t) == 2 and t[1].isdigit() for t in toc)
    assert "一、案情简介" in [p.text for p in d.paragraphs if p.style.name == "一级标题"]
    meta = [p.text for p in d.paragraphs if p.style.name == "案例信息"]
    assert meta and all(len(m) <= 26 for m in meta)  # an item is never broken across lines
    assert not [t for t in texts if t.startswith(("#", "- ", "* "))]  # structure, not Markdown marks
    section = d.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, not US Letter
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    full = "\n".join(texts)
    assert "李建国" not in full and "140932198512310043" not in full
    assert "脱敏审核人：审核员甲" in full
    assert [s.status for s in library.summaries(ws)] == ["published", "published"]


@pytest.mark.soffice
@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice (soffice) is not installed")
def test_booklet_contents_page_numbers_match_the_pages(ws: Any, tmp_path: Path) -> None:
    """The contents page gives each case the page it starts on, as printed: each case's title is the first
    line of the page its entry names, and that page's footer carries the same number."""
    from casefile.documents.pdf import convert_many
    from casefile.documents.rendercheck import pdf_pages

    long_facts = "经调取征收系统缴费记录、工资发放记录和银行流水，逐月核对缴费基数与实际工资的差额。" * 12
    tids = []
    for seq, cat in ((1, "C03"), (2, "C06"), (3, "C07")):
        case = unit_case(ws, seq, categories=(cat,), claim=f"单位反映事项第{seq}件。" + long_facts * seq)
        tid = library.draft(ws, case.id, "王晓梅", NOW).typical_id
        sign_off(ws, tid)
        library.publish(ws, tid, "王晓梅", NOW)
        tids.append(tid)
    report = library.export(ws, tmp_path / "汇编.docx", NOW)
    pdf = convert_many([Path(report.path)], tmp_path / "pdf")[0]
    pages = pdf_pages(pdf)
    contents = next(i for i, page in enumerate(pages) if re.search(r"^\s*目\s*录\s*$", page, re.M))
    entries = re.findall(r"^\s*([一二三四五六七八九十]+、\S+?)\.{3,}\s*(\d+)\s*$", pages[contents], re.M)
    assert len(entries) == 3, pages[contents]
    starts = [int(n) for _, n in entries]
    assert starts[0] == 3 and starts[0] < starts[1] < starts[2]  # the cover is page 1, the contents page 2
    for heading, number in entries:
        page = pages[int(number) - 1]
        first = next(ln.strip() for ln in page.splitlines() if ln.strip())
        assert first.replace(" ", "").startswith(heading.replace(" ", "")[:8]), (number, first)
        assert re.search(rf"—\s*{number}\s*—", page), (number, page[-80:])


def test_cli_typical_flow(ws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                          tmp_path: Path) -> None:
    from casefile.cli.main import main

    case = unit_case(ws)
    monkeypatch.setenv("CASEFILE_HOME", str(ws.root))
    monkeypatch.setenv("CASEFILE_NOW", NOW.isoformat())

    def run(user: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("CASEFILE_USER", user)
        with pytest.raises(SystemExit) as exc:
            main(list(args))
        out = capsys.readouterr()
        return int(exc.value.code or 0), out.out, out.err

    code, out, _ = run("王晓梅", "typical", "add", case.id)
    assert code == 0 and "TC-2026-0001" in out
    code, _, err = run("王晓梅", "typical", "review", "TC-2026-0001")
    assert code == 1 and "起草人" in err
    code, _, err = run("培训员", "typical", "review", "TC-2026-0001")
    assert code == 1 and "无权" in err  # a reader may not review
    assert run("审核员甲", "typical", "review", "TC-2026-0001")[0] == 0
    code, _, err = run("审核员甲", "typical", "approve", "TC-2026-0001")
    assert code == 1 and "审核人" in err
    code, _, err = run("甲", "typical", "approve", "TC-2026-0001")
    assert code == 1 and "无权" in err  # an archivist may not approve publication
    code, _, err = run("审批员乙", "typical", "approve", "TC-2026-0001")
    assert code == 1 and "缺少必备部分“经验启示”" in err and "Traceback" not in err
    complete_writeup(ws.library_dir, "TC-2026-0001")
    assert run("审核员甲", "typical", "review", "TC-2026-0001")[0] == 0
    assert run("审批员乙", "typical", "approve", "TC-2026-0001")[0] == 0
    assert run("乙", "typical", "publish", "TC-2026-0001")[0] == 0
    code, out, _ = run("乙", "typical", "list", "--json")
    assert json.loads(out)[0]["status"] == "published"
    code, out, _ = run("乙", "typical", "export", "--output", str(tmp_path / "b.docx"))
    assert code == 0 and (tmp_path / "b.docx").exists()
    code, _, err = run("乙", "typical", "review", "bad-id")
    assert code == 2 and "TC-2026-0001" in err
