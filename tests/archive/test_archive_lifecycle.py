"""After sealing: reopening as a new version, destruction after retention, the catalogue, transfer."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from archive.helpers import ACTOR, ARCHIVED_AT, Archived, closed_direct_case, step, writable
from casefile.archive import (
    archive_case,
    archive_catalogue,
    check_archive,
    purge_approve,
    purge_request,
    reopen_archived,
    transfer,
    verify,
)
from casefile.archive.preservation import read_log
from casefile.errors import ArchiveProblem, MissingData
from casefile.models.enums import State
from casefile.store import Dossier


def digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


# -- reopening -----------------------------------------------------------------------------------------------
def test_reopen_starts_a_new_version_and_leaves_the_bag_alone(archived: Archived) -> None:
    import bagit

    from casefile import workflow as wf

    before = digests(archived.bag)
    at = ARCHIVED_AT + timedelta(days=3)
    with pytest.raises(MissingData):
        reopen_archived(archived.ws, archived.case_id, " ", at, ACTOR)
    res = reopen_archived(archived.ws, archived.case_id, "当事人提交新证据", at, ACTOR)
    assert res.case_id != archived.case_id and res.archived_id == archived.case_id
    assert archived.case_id in res.message and res.dang_hao in res.message
    assert digests(archived.bag) == before
    bagit.Bag(str(archived.bag)).validate()
    assert check_archive(archived.bag).ok
    new = Dossier(archived.ws, res.case_id).load()
    old = Dossier(archived.ws, archived.case_id).load()
    assert new.state is State.FOLLOW_UP and new.reopened_from == archived.case_id and new.archive is None
    assert [d.doc_id for d in new.documents] == [d.doc_id for d in old.documents if d.doc_type not in ("D25", "D26", "D27")]
    nd = Dossier(archived.ws, res.case_id)
    for d in new.documents:
        assert not d.file.startswith("data/")
        assert hashlib.sha256(nd.safe_path(d.file).read_bytes()).hexdigest() == d.sha256
    entries, _ = nd.journal()
    assert entries[0].payload["reopened_from"] == archived.case_id
    assert entries[0].payload["dang_hao"] == archived.dang_hao
    events, _ = read_log(archived.ws, 2026)
    assert events[-1].type == "reopened" and events[-1].data["new_case"] == res.case_id
    # the new version goes on, closes and is archived as version 2, naming the first
    step(archived.ws, res.case_id, at + timedelta(days=1),
         lambda s: wf.followup(s, method="上门", respondent="李建国", satisfaction="满意"))
    r2 = archive_case(archived.ws, res.case_id, at + timedelta(days=2), ACTOR)
    a2 = Dossier(archived.ws, res.case_id).load().archive
    assert a2 is not None and a2.previous == archived.dang_hao and a2.version == 2 and r2.jian_hao == 2
    assert verify(archived.ws, all_cases=True, now=at, actor=ACTOR).ok


# -- destruction ----------------------------------------------------------------------------------------------
def test_purge_only_after_retention_by_two_people(archived: Archived) -> None:
    early = datetime.fromisoformat("2036-12-31T10:00:00+08:00")
    with pytest.raises(ArchiveProblem, match="2036年12月31日届满"):
        purge_request(archived.ws, archived.case_id, by="甲", reason="保管期满", now=early)
    late = datetime.fromisoformat("2037-01-02T10:00:00+08:00")
    with pytest.raises(ArchiveProblem, match="没有待批准的销毁申请"):
        purge_approve(archived.ws, archived.case_id, by="乙", now=late)
    with pytest.raises(MissingData):
        purge_request(archived.ws, archived.case_id, by="甲", reason="", now=late)
    purge_request(archived.ws, archived.case_id, by="甲", reason="保管期满，经鉴定无保存价值", now=late)
    with pytest.raises(ArchiveProblem, match="已有待批准"):
        purge_request(archived.ws, archived.case_id, by="丙", reason="重复", now=late)
    with pytest.raises(ArchiveProblem, match="不能是同一人"):
        purge_approve(archived.ws, archived.case_id, by="甲", now=late)
    assert Dossier(archived.ws, archived.case_id).path.exists()
    res = purge_approve(archived.ws, archived.case_id, by="乙", now=late)
    assert res.stage == "purged" and "甲" in res.message and "乙" in res.message
    assert not Dossier(archived.ws, archived.case_id).path.exists()
    events, problems = read_log(archived.ws, 2026)
    assert not problems
    assert [e.type for e in events][-3:] == ["purge_requested", "purge_approved", "purged"]
    assert (events[-3].actor, events[-2].actor) == ("甲", "乙")
    assert events[-1].data["jian_hao"] == 1 and events[-1].data["tagmanifest_sha256"]
    # the destroyed number is accounted for, and asking for the case says what happened
    report = verify(archived.ws, [archived.case_id], now=late, actor=ACTOR)
    assert report.ok and "已于2037-01-02经批准销毁" in report.notes[0]


def test_permanent_files_are_never_destroyed(ws, fake_soffice) -> None:  # type: ignore[no-untyped-def]
    from casefile.archive.rules import DangHao

    cid = closed_direct_case(ws, evidence=False)
    d = Dossier(ws, cid)
    # a 专案 would be 永久; simplest here: a typical case
    from casefile.models.records import TypicalInfo

    with d.transaction(ACTOR, ARCHIVED_AT) as tx:
        tx.case.typical = TypicalInfo(selected=True)
        tx.event("typical_drafted")
    res = archive_case(ws, cid, ARCHIVED_AT, ACTOR)
    assert DangHao.parse(res.dang_hao).retention.value == "Y" and res.retention_reasons == ["入选典型案例"]
    with pytest.raises(ArchiveProblem, match="永久保管"):
        purge_request(ws, cid, by="甲", reason="x", now=datetime.fromisoformat("2200-01-01T00:00:00+08:00"))


# -- catalogue and transfer ------------------------------------------------------------------------------------
def test_catalogue_has_one_row_per_archived_case(archived: Archived) -> None:
    from casefile.archive.handover import CATALOGUE_COLUMNS, catalogue_entries

    other = closed_direct_case(archived.ws, evidence=False)
    closed_direct_case(archived.ws, evidence=False)  # closed, not archived: not in the catalogue
    archive_case(archived.ws, other, ARCHIVED_AT, ACTOR)
    rows = archive_catalogue(archived.ws, 2026)
    assert [r["档号"] for r in rows] == ["J001-WS·2026-D10-SBZY-0001", "J001-WS·2026-D10-SBZY-0002"]
    assert list(rows[0]) == list(CATALOGUE_COLUMNS)
    assert [r["序号"] for r in rows] == [1, 2]
    assert rows[0]["日期"] == "20261108" and rows[0]["页数"] > 0 and rows[0]["文号"].startswith("偏税社告")
    assert rows[0]["责任者"] == archived.ws.settings.office.name and "李建国" in rows[0]["题名"]
    assert archive_catalogue(archived.ws, 2025) == []
    entries = catalogue_entries(rows)
    assert entries[0]["dang_hao"] == rows[0]["档号"] and entries[0]["pages"] == str(rows[0]["页数"])
    # D28 renders from them
    from casefile.documents.context import build_context

    case = Dossier(archived.ws, archived.case_id).load()
    ctx = build_context(archived.ws, case, "D28", now=ARCHIVED_AT, extra={"entries": entries})
    assert len(ctx.data["x"]["entries"]) == 2


def test_transfer_copies_and_verifies_at_the_destination(archived: Archived, tmp_path: Path) -> None:
    import bagit

    dest = tmp_path / "移交"
    report = transfer(archived.ws, 2026, dest, now=ARCHIVED_AT, actor=ACTOR)
    assert report.ok, report.as_dict()
    target = dest / "2026" / archived.dang_hao
    assert [i.status for i in report.items] == ["copied"] and report.items[0].target == target
    bagit.Bag(str(target)).validate()
    assert digests(target) == digests(archived.bag)
    assert report.listing is not None and report.listing.is_file()
    # again: already there and verified; damaged there: named
    again = transfer(archived.ws, 2026, dest, now=ARCHIVED_AT, actor=ACTOR)
    assert again.ok and [i.status for i in again.items] == ["present"]
    victim = next(p for p in (target / "data" / "documents").iterdir() if p.suffix == ".json")
    with writable(victim):
        victim.write_bytes(victim.read_bytes().replace(b"{", b"[", 1))
    third = transfer(archived.ws, 2026, dest, now=ARCHIVED_AT, actor=ACTOR)
    assert not third.ok
    assert [f.code for f in third.items[0].check.findings] == ["changed"]  # type: ignore[union-attr]
    with pytest.raises(ArchiveProblem, match="没有已归档"):
        transfer(archived.ws, 2025, dest, now=ARCHIVED_AT, actor=ACTOR)
    events, _ = read_log(archived.ws, 2026)
    assert [e.type for e in events].count("transferred") == 3


def test_archiving_is_refused_while_the_years_numbers_have_a_gap(archived: Archived) -> None:
    from casefile.archive import ArchiveRefused
    from casefile.archive.build import remove_tree
    from casefile.archive.checks import sequence_findings
    from casefile.archive.lifecycle import void_number
    from casefile.store import Sequence

    second = closed_direct_case(archived.ws, evidence=False)
    third = closed_direct_case(archived.ws, evidence=False)
    archive_case(archived.ws, second, ARCHIVED_AT, ACTOR)
    # a number taken and never used (a run that died before sealing): a gap until it is voided
    with Sequence(archived.ws, "jianhao-2026").allocate("中断的归档", ARCHIVED_AT):
        pass
    with pytest.raises(ArchiveRefused, match="缺少 0003") as err:
        archive_case(archived.ws, third, ARCHIVED_AT, ACTOR)
    assert "--void" in err.value.message
    assert Dossier(archived.ws, third).load().state is State.CLOSED
    with pytest.raises(ArchiveProblem, match="尚未分配"):
        void_number(archived.ws, 2026, 9, reason="x", now=ARCHIVED_AT, actor=ACTOR)
    with pytest.raises(ArchiveProblem, match="不能作废"):
        void_number(archived.ws, 2026, 2, reason="x", now=ARCHIVED_AT, actor=ACTOR)
    void_number(archived.ws, 2026, 3, reason="归档中断", now=ARCHIVED_AT, actor=ACTOR)
    # a bag lost outside casefile is not a gap a --void may explain: it stays a finding
    remove_tree(archived.bag)
    with pytest.raises(ArchiveProblem, match="不能作废"):
        void_number(archived.ws, 2026, 1, reason="案卷遗失", now=ARCHIVED_AT, actor=ACTOR)
    assert archive_case(archived.ws, third, ARCHIVED_AT, ACTOR).jian_hao == 4
    assert [f.code for f in sequence_findings(archived.ws, 2026)] == ["bag-missing"]
