"""Issuance: numbering without gaps or duplicates, frozen documents, reprint, correction."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import docx
import pytest

from casefile.config import Workspace
from casefile.documents.engine import docx_text, find_template
from casefile.documents.issue import issue_document, produce_document
from casefile.errors import MissingData, TemplateProblem, UsageError
from casefile.models.case import Case
from casefile.models.enums import Flag
from casefile.rules.dates import date_cn
from casefile.rules.wenhao import validate_wenhao
from casefile.store import Dossier, Sequence, sha256_bytes
from documents.docfixtures import CASE_ID, NOW, full_case, minimal_case, pythonpath_env, squash


def issue(ws: Workspace, case_id: str, doc_type: str, **kw: object) -> object:
    with Dossier(ws, case_id).transaction("王晓梅", NOW) as tx:
        return issue_document(tx, ws, doc_type, **kw)  # type: ignore[arg-type]


def test_issue_records_files_hashes_and_event(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    dossier = store_case(full_case())
    with dossier.transaction("王晓梅", NOW) as tx:
        rec = issue_document(tx, ws, "D17")
    assert rec.doc_id == f"{CASE_ID}-D17-02"  # the fixture case already holds D17-01
    assert rec.wenhao == "偏税社限缴〔2026〕1号" and rec.serial == 1 and validate_wenhao(rec.wenhao)
    assert rec.file == f"documents/{rec.doc_id}-D17.docx"
    assert rec.data_file == f"documents/{rec.doc_id}-D17.data.json"
    data = dossier.safe_path(rec.file).read_bytes()
    assert sha256_bytes(data) == rec.sha256
    assert rec.template_sha256 == sha256_bytes(find_template(ws, "D17").read_bytes())
    snap = json.loads(dossier.safe_path(rec.data_file).read_bytes())
    assert snap["context"]["doc"]["wenhao"] == rec.wenhao
    assert snap["template"]["sha256"] == rec.template_sha256
    assert "偏税社限缴〔2026〕1号" in docx_text(data)
    case = dossier.load()
    assert case.document(rec.doc_id) == rec
    entries, problems = dossier.journal()
    assert not problems
    assert entries[-1].type == "document_issued" and entries[-1].payload["doc_id"] == rec.doc_id
    assert rec.recipient == "山西晋北建材有限公司"


def test_unnumbered_documents_still_get_an_id(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    dossier = store_case(full_case())
    with dossier.transaction("王晓梅", NOW) as tx:
        rec = issue_document(tx, ws, "D19")
    assert rec.doc_id == f"{CASE_ID}-D19-01" and rec.wenhao is None and rec.serial is None


def test_serials_count_per_type_and_year(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    store_case(full_case())
    a = issue(ws, CASE_ID, "D17")
    b = issue(ws, CASE_ID, "D17")
    c = issue(ws, CASE_ID, "D18")
    assert [x.serial for x in (a, b, c)] == [1, 2, 1]  # type: ignore[attr-defined]


def test_failed_render_leaves_no_gap_and_no_file(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    dossier = store_case(full_case())
    before = dossier.case_path.read_bytes()
    # A workspace override that compiles but fails at render time (an undefined field).
    d = docx.Document(str(Path(__file__).parents[2] / "templates" / "D17.docx"))
    d.add_paragraph("{{ x.not_a_field }}")
    ws.templates_dir.mkdir(exist_ok=True)
    override = ws.templates_dir / "D17.docx"
    d.save(str(override))
    with pytest.raises(TemplateProblem, match="not_a_field"):
        issue(ws, CASE_ID, "D17")
    assert Sequence(ws, "doc-D17-2026").last() == 0
    assert dossier.case_path.read_bytes() == before
    assert not list((dossier.path / "documents").glob("*D17-02*"))
    override.unlink()
    rec = issue(ws, CASE_ID, "D17")
    assert rec.serial == 1  # type: ignore[attr-defined]


def test_missing_data_takes_no_number(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    store_case(minimal_case("D01"))
    with pytest.raises(MissingData, match="欠费明细"):
        issue(ws, CASE_ID, "D17")
    assert Sequence(ws, "doc-D17-2026").last() == 0


CHILD = r"""
import sys, time
from datetime import datetime
from pathlib import Path
from casefile.clock import TZ
from casefile.config import find_workspace
from casefile.documents.issue import issue_document
from casefile.store import Dossier
root, case_id, start, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
ws = find_workspace(root)
while time.time() < start:
    time.sleep(0.005)
for _ in range(n):
    with Dossier(ws, case_id).transaction("并发测试", datetime(2026, 5, 8, 10, 0, tzinfo=TZ)) as tx:
        rec = issue_document(tx, ws, "D17")
    print(rec.serial, flush=True)
"""


def test_two_processes_never_share_a_number(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    second = full_case().model_copy(update={"id": "SBZY-140932-2026-0002", "seq": 2})
    store_case(full_case())
    store_case(second)
    start = time.time() + 1.5
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(ws.root), cid, str(start), "6"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=pythonpath_env())
             for cid in (CASE_ID, "SBZY-140932-2026-0002")]
    serials: list[int] = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
        serials += [int(x) for x in out.split()]
    assert sorted(serials) == list(range(1, 13))
    logged = [int(e["value"]) for e in Sequence(ws, "doc-D17-2026").entries()]
    assert sorted(logged) == list(range(1, 13))
    wenhaos = [d.wenhao for cid in (CASE_ID, "SBZY-140932-2026-0002")
               for d in Dossier(ws, cid).load().documents if d.issued_by == "并发测试"]
    assert len(wenhaos) == 12 and len(set(wenhaos)) == 12


def test_reprint_returns_the_same_file(ws: Workspace, store_case: Callable[[Case], Dossier], tmp_path: Path) -> None:
    store_case(minimal_case("D12"))
    first = produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW)
    again = produce_document(ws, CASE_ID, "D12", actor="李四", now=NOW + timedelta(days=3), out_dir=tmp_path / "out")
    assert not first.reprint and again.reprint
    assert again.record == first.record and again.docx == first.docx
    assert (tmp_path / "out" / first.docx.name).read_bytes() == first.docx.read_bytes()
    assert Sequence(ws, "doc-D12-2026").last() == 1


def test_reprint_refuses_a_tampered_file(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    from casefile.errors import CorruptRecord

    store_case(minimal_case("D12"))
    first = produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW)
    first.docx.write_bytes(first.docx.read_bytes() + b"x")
    with pytest.raises(CorruptRecord, match="校验值"):
        produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW)


def test_correction_is_a_new_number_referencing_the_old(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    dossier = store_case(minimal_case("D12"))
    old = produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW).record
    new = produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW, correct=old.doc_id, reason="处理意见有笔误").record
    assert new.doc_id == f"{CASE_ID}-D12-02" and new.serial == 2 and new.corrects == old.doc_id
    case = dossier.load()
    assert case.document(old.doc_id).superseded_by == new.doc_id  # type: ignore[union-attr]
    assert case.documents_of("D12") == [new]
    text = docx_text(dossier.safe_path(new.file).read_bytes())
    assert f"更正{old.wenhao}" in text and "处理意见有笔误" in text
    again = produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW)
    assert again.reprint and again.record.doc_id == new.doc_id
    with pytest.raises(UsageError, match="已被"):
        produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW, correct=old.doc_id, reason="再改")
    with pytest.raises(UsageError, match="理由"):
        produce_document(ws, CASE_ID, "D12", actor="王晓梅", now=NOW, correct=new.doc_id)


def test_letters_to_different_departments_are_different_documents(
        ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    store_case(minimal_case("D01"))
    a = produce_document(ws, CASE_ID, "D04", actor="王晓梅", now=NOW, extra={"dept": "RSJ"})
    b = produce_document(ws, CASE_ID, "D04", actor="王晓梅", now=NOW, extra={"dept": "医保局"})
    c = produce_document(ws, CASE_ID, "D04", actor="王晓梅", now=NOW, extra={"dept": "人社局"})
    assert not a.reprint and not b.reprint and c.reprint
    assert (a.record.recipient, b.record.recipient) == ("县人社局", "县医保局")
    assert c.record.doc_id == a.record.doc_id


def test_review_flag_is_set_on_the_case(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    case = full_case()
    assert case.enforcement is not None
    for line in case.enforcement.arrears:
        line.period = "201901"
    dossier = store_case(case)
    issue(ws, CASE_ID, "D19")
    assert Flag.LATE_FEE_GE_PRINCIPAL in dossier.load().flags


def test_unknown_type_and_missing_daizi(ws: Workspace, store_case: Callable[[Case], Dossier]) -> None:
    from casefile.errors import ConfigError

    store_case(full_case())
    with pytest.raises(UsageError, match="未知的文书类型"):
        issue(ws, CASE_ID, "D99")
    ws.settings.daizi.pop("D17")
    with pytest.raises(ConfigError, match=r"\[daizi\]"):
        issue(ws, CASE_ID, "D17")


def test_remedy_blocks_follow_the_agency(ws: Workspace) -> None:
    from casefile.documents.remedy import remedy_lines, underlying_acts
    from casefile.models.enums import Category, Channel, InsuranceType

    office = ws.settings.office
    d18 = remedy_lines("D18", office, full_case())
    assert "国家税务总局忻州市税务局" in d18[0] and "六十日" in d18[0] and "偏关县人民法院" in d18[0] and "六个月" in d18[0]
    benefit = minimal_case("D12").model_copy(update={
        "categories": [Category.C08], "insurance_types": [InsuranceType.MEDICAL], "lead_dept": "YBJ",
        "channel": Channel.PETITION})
    assert underlying_acts(benefit) == ["medical", "petition"]
    d12 = remedy_lines("D12", office, benefit)
    assert any("偏关县人民政府" in line and "医疗保障部门" in line for line in d12)
    assert any("三十日" in line and "复查" in line for line in d12)
    assert underlying_acts(full_case()) == ["tax", "labour"]
    assert any("一年内" in line and "偏关县劳动人事争议仲裁委员会" in line for line in remedy_lines("D12", office, full_case()))
    assert remedy_lines("D19", office, full_case()) == []


# -- documents the workflow issues print what the step records ------------------------------------------
WF_T0 = datetime.fromisoformat("2026-10-12T09:00:00+08:00")  # a Monday


def _issued_text(ws: Workspace, case_id: str, doc_id: str) -> str:
    dossier = Dossier(ws, case_id)
    record = dossier.load().document(doc_id)
    assert record is not None
    return squash(docx_text(dossier.safe_path(record.file).read_bytes()))


@pytest.fixture
def no_projection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deadline not yet on record prints as 2099年1月1日, so a document must print the one the step opened."""
    from casefile.documents.context import _Builder

    monkeypatch.setattr(_Builder, "projected_due", lambda self, step: date(2099, 1, 1))


@pytest.mark.usefixtures("no_projection")
def test_receipt_and_letters_print_the_deadlines_the_step_opened(ws: Workspace) -> None:
    from casefile import workflow as wf
    from factories import form

    new = wf.register(ws, form("intake-unit", received_at=WF_T0.isoformat()), WF_T0, "王晓梅")
    case = Dossier(ws, new.case_id).load()
    ceiling = case.deadline("hard_ceiling")
    assert ceiling is not None
    receipt = _issued_text(ws, case.id, case.documents_of("D02")[0].doc_id)
    assert f"本机关将于{date_cn(ceiling.due)}前将办理结果书面告知" in receipt and "2099" not in receipt

    wf.run(ws, case.id, WF_T0, "王晓梅", lambda st: wf.triage(st, risk="中"))
    case = Dossier(ws, case.id).load()
    assert case.opinions and len(case.documents_of("D04")) == len(case.opinions)
    for op in case.opinions:
        assert op.request_doc is not None
        letter = _issued_text(ws, case.id, op.request_doc)
        assert f"请于{date_cn(op.due)}前将书面意见" in letter and "2099" not in letter

    other = wf.register(ws, form("intake-unit", received_at=WF_T0.isoformat()), WF_T0, "王晓梅").case_id
    wf.run(ws, other, WF_T0, "王晓梅", lambda st: wf.triage(st, risk="低", lead="RSJ"))
    case = Dossier(ws, other).load()
    direct = case.deadline("direct")
    assert direct is not None
    assert date_cn(direct.due) in _issued_text(ws, other, case.documents_of("D08")[0].doc_id)


def test_followup_sheet_prints_the_remedy_it_records(ws: Workspace) -> None:
    from casefile import workflow as wf
    from factories import form

    cid = wf.register(ws, form("intake-unit", received_at=WF_T0.isoformat()), WF_T0, "王晓梅").case_id

    def run(days: int, action: Callable[[wf.Step], str]) -> None:
        wf.run(ws, cid, WF_T0 + timedelta(days=days), "王晓梅", action)

    run(0, lambda st: wf.triage(st, risk="中"))
    for dept in Dossier(ws, cid).load().co_depts:
        run(2, lambda st, d=dept: wf.record_opinion(st, d, "同意", facts="情况属实"))  # type: ignore[misc]
    run(3, lambda st: wf.decide(st, text="责令限期补缴", basis=["社会保险法第六十三条"]))
    run(4, wf.notify)
    with pytest.raises(MissingData, match="--body"):
        run(8, lambda st: wf.followup(st, method="电话", respondent="李建国", satisfaction="不满意", objection=True,
                                      remedy="复议"))
    assert not Dossier(ws, cid).load().documents_of("D14")  # refused before anything was issued
    run(8, lambda st: wf.followup(st, method="电话", respondent="李建国", satisfaction="不满意", objection=True,
                                  remedy="复议", body="国家税务总局忻州市税务局"))
    case = Dossier(ws, cid).load()
    sheet = _issued_text(ws, cid, case.documents_of("D14")[0].doc_id)
    assert "救济途径复议" in sheet and "受理机关国家税务总局忻州市税务局" in sheet
    assert f"提出日期{date_cn((WF_T0 + timedelta(days=8)).date())}" in sheet
    assert case.followups[-1].doc_id == case.documents_of("D14")[0].doc_id
