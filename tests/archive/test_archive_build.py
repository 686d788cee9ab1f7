"""Archiving a closed case: the bag, the merged PDF, the record; refusals; crash and disk-full safety."""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archive.helpers import ACTOR, ARCHIVED_AT, Archived, closed_direct_case, new_case, step
from casefile.archive import archive_case, check_archive
from casefile.archive.build import ArchiveRefused, staging_folders
from casefile.errors import ArchiveProblem, CaseArchived, StorageError
from casefile.models.enums import State
from casefile.store import Dossier, Sequence, read_journal


def snapshot(path: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``path`` with its mode and digest (to show nothing changed)."""
    out = {}
    for p in sorted(path.rglob("*")):
        if p.is_file():
            out[p.relative_to(path).as_posix()] = (os.lstat(p).st_mode, hashlib.sha256(p.read_bytes()).hexdigest())
    return out


# -- the bag -----------------------------------------------------------------------------------------------------
def test_archived_case_is_a_valid_bagit_bag(archived: Archived) -> None:
    import bagit

    bag = bagit.Bag(str(archived.bag))
    bag.validate()  # the independent implementation: SHA-256 manifests, completeness, Payload-Oxum
    assert bag.is_valid(fast=True)
    names = {p.name for p in archived.bag.iterdir()}
    assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sm3.txt", "tagmanifest-sha256.txt",
            "tagmanifest-sm3.txt", "case.json", "journal.jsonl", "archive.json", "case.schema.json", "data"} == names
    sm3 = (archived.bag / "manifest-sm3.txt").read_text(encoding="utf-8").splitlines()
    sha = (archived.bag / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    assert [ln.split("  ", 1)[1] for ln in sm3] == [ln.split("  ", 1)[1] for ln in sha]
    tags = (archived.bag / "tagmanifest-sha256.txt").read_text(encoding="utf-8")
    assert "manifest-sm3.txt" in tags and "journal.jsonl" in tags and "case.json" in tags
    if shutil.which("sha256sum"):
        p = subprocess.run(["sha256sum", "--quiet", "-c", "manifest-sha256.txt"], cwd=archived.bag,
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
    assert check_archive(archived.bag).ok


def test_bag_info_and_record(archived: Archived) -> None:
    from casefile.archive.bag import parse_bag_info

    info = parse_bag_info((archived.bag / "bag-info.txt").read_bytes())
    case = Dossier(archived.ws, archived.case_id).load()
    a = case.archive
    assert case.state is State.ARCHIVED and a is not None
    assert a.dang_hao == "J001-WS·2026-D10-SBZY-0001" == info["External-Identifier"] == info["Archival-Code"]
    assert info["Fonds"] == "J001" and info["Retention-Period"] == "D10" and info["Item-Number"] == "0001"
    assert info["Case-Number"] == case.number and info["Case-Id"] == case.id
    assert info["Bag-Count"] == "1 of 1"
    files = [p for p in (archived.bag / "data").rglob("*") if p.is_file()]
    assert info["Payload-Oxum"] == f"{sum(p.stat().st_size for p in files)}.{len(files)}" == a.payload_oxum
    assert info["Received-Date"] == "2026-11-03" and info["Closed-Date"] == "2026-11-08"
    assert info["Archived-Date"] == "2026-11-20"
    assert int(info["Document-Count"]) == len(case.documents) and int(info["Evidence-Count"]) == 3
    # the journal closes with the archived event (T24), whose hash the bag records
    entries, problems = read_journal(archived.bag / "journal.jsonl")
    assert not problems
    last = entries[-1]
    assert last.type == "archived" and last.payload["transition"] == "T24" and last.payload["to"] == "ARCHIVED"
    assert info["Journal-Archived-Event-SHA256"] == last.sha256
    assert last.case_sha256 == hashlib.sha256((archived.bag / "case.json").read_bytes()).hexdigest()
    # every path in the record points into data/, and the files are there
    for d in case.documents:
        assert d.file.startswith("data/documents/") and (archived.bag / d.file).is_file()
        assert d.pdf and (archived.bag / d.pdf).is_file() and d.pages
    for e in case.evidence:
        assert (archived.bag / e.file).is_file()
    assert [d.doc_type for d in case.documents][-3:] == ["D25", "D26", "D27"]
    assert not staging_folders(Dossier(archived.ws, archived.case_id))


def test_everything_is_read_only(archived: Archived) -> None:
    for p in [archived.bag, *archived.bag.rglob("*")]:
        assert os.lstat(p).st_mode & 0o222 == 0, p


def test_merged_pdf(archived: Archived) -> None:
    from pypdf import PdfReader

    meta = json.loads((archived.bag / "archive.json").read_bytes())
    merged = archived.bag / meta["merged"]["file"]
    reader = PdfReader(merged)
    parts = meta["parts"]
    # page count = sum of the parts: cover, index, every document and evidence, 备考表
    part_pages = []
    for p in parts:
        if p["pdf"]:
            part_pages.append(len(PdfReader(archived.bag / p["pdf"]).pages))
        else:
            part_pages.append(1)  # a generated placeholder page (the .mp3)
    assert len(reader.pages) == sum(part_pages) == meta["merged"]["pages"]
    assert [p["pages"] for p in parts] == part_pages
    # one bookmark per document, grouped under 正卷
    outline = reader.outline
    titles = [o.title for o in outline if not isinstance(o, list)]
    assert titles[:3] == ["案卷封面", "卷内文件目录", "正卷"] and titles[-1] == "卷内备考表"
    children = next(o for o in outline if isinstance(o, list))
    assert len(children) == len(parts) - 3
    assert any("工资条" in c.title for c in children) and any("处理意见告知书" in c.title for c in children)
    # Chinese text extractable, the 档号 on every page
    assert "争议" in reader.pages[0].extract_text()
    for page in reader.pages:
        assert archived.dang_hao in page.extract_text()
    first_body = next(p for p in parts if p["page_no"] == 1)
    assert "第 1 页" in reader.pages[first_body["first"]].extract_text()
    if shutil.which("qpdf"):
        p = subprocess.run(["qpdf", "--check", str(merged)], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
    # evidence: the PDF as filed, the image as a lossless PDF, the audio as a placeholder page
    ev_parts = [p for p in parts if p["kind"] == "evidence"]
    assert [p["pages"] for p in ev_parts] == [2, 1, 1] and ev_parts[2]["generated"]
    assert "录音.mp3" in reader.pages[ev_parts[2]["first"]].extract_text()


def test_index_page_numbers_follow_the_real_pdfs(archived: Archived) -> None:
    from casefile.documents.engine import docx_text

    case = Dossier(archived.ws, archived.case_id).load()
    d26 = next(d for d in case.documents if d.doc_type == "D26")
    text = docx_text((archived.bag / d26.file).read_bytes())
    meta = json.loads((archived.bag / "archive.json").read_bytes())
    body = [p for p in meta["parts"] if p["page_no"]]
    assert body[0]["page_no"] == 1
    for a, b in itertools.pairwise(body):
        assert b["page_no"] == a["page_no"] + a["pages"]
    assert "证据材料：工资条" in text and ".pdf" not in text and archived.dang_hao in text  # by name, not file
    d27 = next(d for d in case.documents if d.doc_type == "D27")
    note = docx_text((archived.bag / d27.file).read_bytes())
    total = sum(p["pages"] for p in body)
    assert f"{len(body)}件" in note.replace(" ", "") and f"{total}页" in note.replace(" ", "")


def test_archived_case_refuses_every_write(archived: Archived) -> None:
    from casefile import workflow as wf

    with pytest.raises(CaseArchived, match="已归档"):
        step(archived.ws, archived.case_id, ARCHIVED_AT, lambda s: wf.decide(s, text="改判"))
    with pytest.raises(CaseArchived), Dossier(archived.ws, archived.case_id).transaction(ACTOR, ARCHIVED_AT):
        pass
    with pytest.raises(ArchiveProblem, match="不能重复归档"):
        archive_case(archived.ws, archived.case_id, ARCHIVED_AT, ACTOR)


def test_numbers_run_on_per_year_and_retention_follows_the_path(ws, fake_soffice) -> None:  # type: ignore[no-untyped-def]
    from archive.helpers import closed_joint_case

    a = closed_direct_case(ws, evidence=False)
    b = closed_joint_case(ws)
    ra = archive_case(ws, a, ARCHIVED_AT, ACTOR)
    rb = archive_case(ws, b, ARCHIVED_AT, ACTOR)
    assert (ra.dang_hao, rb.dang_hao) == ("J001-WS·2026-D10-SBZY-0001", "J001-WS·2026-D30-SBZY-0002")
    assert rb.retention_reasons == ["联办"]
    assert [int(e["value"]) for e in Sequence(ws, "jianhao-2026").entries()] == [1, 2]
    case_b = Dossier(ws, b).load()
    assert case_b.archive is not None and case_b.archive.retention.value == "D30"
    # the 副卷 holds the internal papers
    meta = json.loads((Dossier(ws, b).path / "archive.json").read_bytes())
    assert {p["section"] for p in meta["parts"]} == {"", "正卷", "副卷"}


# -- refusals --------------------------------------------------------------------------------------------------------
def test_open_case_is_refused_and_untouched(ws, fake_soffice) -> None:  # type: ignore[no-untyped-def]
    from casefile import workflow as wf

    cid = new_case(ws)
    step(ws, cid, ARCHIVED_AT, lambda s: wf.triage(s, risk="低"))
    d = Dossier(ws, cid)
    before = snapshot(d.path)
    with pytest.raises(ArchiveRefused) as err:
        archive_case(ws, cid, ARCHIVED_AT, ACTOR)
    assert "尚未办结" in err.value.message
    assert "notify" in err.value.problems[0]  # and what it takes to get there
    assert snapshot(d.path) == before and not staging_folders(d)


def test_missing_or_altered_file_is_refused(ws, fake_soffice) -> None:  # type: ignore[no-untyped-def]
    cid = closed_direct_case(ws, evidence=False)
    d = Dossier(ws, cid)
    case = d.load()
    d12 = next(x for x in case.documents if x.doc_type == "D12")
    d14 = next(x for x in case.documents if x.doc_type == "D14")
    with (d.path / d12.file).open("r+b") as f:
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 1]))
    (d.path / d14.file).unlink()
    before = snapshot(d.path)
    with pytest.raises(ArchiveRefused) as err:
        archive_case(ws, cid, ARCHIVED_AT, ACTOR)
    problems = "\n".join(err.value.problems)
    assert d12.file in problems and "改动" in problems
    assert d14.file in problems and "缺失" in problems
    assert snapshot(d.path) == before


def test_failed_conversion_leaves_the_case_closed(ws, fake_soffice, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cid = closed_direct_case(ws, evidence=False)
    d = Dossier(ws, cid)
    before = snapshot(d.path)
    monkeypatch.setenv("FAKE_SOFFICE_FAIL", "D12")
    with pytest.raises(ArchiveProblem) as err:
        archive_case(ws, cid, ARCHIVED_AT, ACTOR)
    assert "D12" in err.value.message and "未作任何改动" in err.value.message
    assert d.load().state is State.CLOSED
    assert snapshot(d.path) == before and not staging_folders(d)
    assert Sequence(ws, "jianhao-2026").last() == 0
    monkeypatch.delenv("FAKE_SOFFICE_FAIL")
    # the cover is converted under the lock, after the 件号 is taken: its failure leaves no gap either
    monkeypatch.setenv("FAKE_SOFFICE_FAIL", "D26")
    with pytest.raises(ArchiveProblem):
        archive_case(ws, cid, ARCHIVED_AT, ACTOR)
    assert snapshot(d.path) == before and not staging_folders(d)
    assert Sequence(ws, "jianhao-2026").last() == 0
    monkeypatch.delenv("FAKE_SOFFICE_FAIL")
    assert archive_case(ws, cid, ARCHIVED_AT, ACTOR).jian_hao == 1


def test_disk_full_mid_way_leaves_no_partial_bag(ws, fake_soffice, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from casefile.archive import bag as bagmod

    cid = closed_direct_case(ws)
    d = Dossier(ws, cid)
    before = snapshot(d.path)
    real = bagmod.write_file
    calls = {"n": 0}

    def full(path: Path, data: bytes) -> None:
        calls["n"] += 1
        if path.name == "bag-info.txt":  # late: after every payload file and the manifests
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(bagmod, "write_file", full)
    monkeypatch.setattr("casefile.archive.build.write_file", full)
    with pytest.raises(StorageError, match="磁盘空间不足"):
        archive_case(ws, cid, ARCHIVED_AT, ACTOR)
    assert calls["n"] > 3
    assert d.load().state is State.CLOSED and snapshot(d.path) == before
    assert not staging_folders(d) and not (d.path / "bagit.txt").exists()
    assert Sequence(ws, "jianhao-2026").last() == 0


def _mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    where.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    return p.returncode == 0


def test_disk_full_on_a_small_tmpfs(tmp_path: Path, fake_soffice) -> None:  # type: ignore[no-untyped-def]
    from testkit import init_test_workspace as init_workspace

    mnt = tmp_path / "small"
    if not _mount_tmpfs(mnt, "8m"):
        pytest.skip("不能挂载 tmpfs（需要 root 权限）")
    try:
        ws = init_workspace(mnt / "ws", "pianguan")
        cid = closed_direct_case(ws)
        d = Dossier(ws, cid)
        before = snapshot(d.path)
        st = os.statvfs(mnt)
        free = st.f_bavail * st.f_frsize
        (mnt / "filler").write_bytes(b"\0" * max(free - 150_000, 0))  # leave less than the PDFs need
        with pytest.raises((StorageError, ArchiveProblem)) as err:
            archive_case(ws, cid, ARCHIVED_AT, ACTOR)
        assert "未作任何改动" in err.value.message
        assert d.load().state is State.CLOSED and snapshot(d.path) == before
        assert not staging_folders(d)
        (mnt / "filler").unlink()
        assert archive_case(ws, cid, ARCHIVED_AT, ACTOR).jian_hao == 1
        assert check_archive(d.path).ok
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


# -- kill -9 at the commit point ---------------------------------------------------------------------------------
def _archive_in_subprocess(ws: Any, cid: str, fault: str, soffice: Path) -> int:
    code = ("import sys, datetime; from casefile.config import find_workspace; from casefile.archive import archive_case;"
            f"archive_case(find_workspace({str(ws.root)!r}), {cid!r}, "
            f"datetime.datetime.fromisoformat({ARCHIVED_AT.isoformat()!r}), '档案员')")
    env = {**os.environ, "CASEFILE_FAULT": fault, "CASEFILE_SOFFICE": str(soffice)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=300).returncode


@pytest.mark.parametrize("fault", ["archive.before_swap", "archive.after_swap", "archive.before_cleanup"])
def test_crash_at_any_point_recovers(ws, fake_soffice, fault: str) -> None:  # type: ignore[no-untyped-def]
    cid = closed_direct_case(ws, evidence=False)
    d = Dossier(ws, cid)
    rc = _archive_in_subprocess(ws, cid, fault, fake_soffice)
    assert rc == -9
    case = d.load()
    if fault == "archive.before_swap":
        assert case.state is State.CLOSED and not (d.path / "bagit.txt").exists()
    else:
        assert case.state is State.ARCHIVED  # the swap is the commit point: complete or absent
        assert check_archive(d.path, expect_readonly=False).ok
    res = archive_case(ws, cid, ARCHIVED_AT, ACTOR)  # finishes the interrupted run, or archives afresh
    assert res.jian_hao == 1
    assert not staging_folders(d)
    assert check_archive(d.path).ok
    assert [int(e["value"]) for e in Sequence(ws, "jianhao-2026").entries()] == [1]
    from casefile.archive.preservation import read_log

    events, problems = read_log(ws, 2026)
    assert not problems and [e.type for e in events] == ["archived"]
    # the next case continues the numbering
    other = closed_direct_case(ws, evidence=False)
    assert archive_case(ws, other, ARCHIVED_AT, ACTOR).jian_hao == 2


def test_a_number_used_by_a_crashed_run_is_never_handed_out_again(ws, fake_soffice) -> None:  # type: ignore[no-untyped-def]
    a = closed_direct_case(ws, evidence=False)
    b = closed_direct_case(ws, evidence=False)
    assert _archive_in_subprocess(ws, a, "archive.after_swap", fake_soffice) == -9
    assert Sequence(ws, "jianhao-2026").entries() == []  # 0001 is in use but was never recorded
    rb = archive_case(ws, b, ARCHIVED_AT, ACTOR)  # another case first: it must not get 0001
    assert rb.jian_hao == 2
    assert [int(e["value"]) for e in Sequence(ws, "jianhao-2026").entries()] == [1, 2]
    archive_case(ws, a, ARCHIVED_AT, ACTOR)  # finishes a's interrupted run
    from casefile.archive import verify

    assert verify(ws, all_cases=True, now=ARCHIVED_AT, actor=ACTOR).ok


@pytest.mark.parametrize("fault", ["archive.before_swap", "archive.after_swap", "archive.before_cleanup"])
def test_fsck_finishes_an_interrupted_archiving_run(ws, fake_soffice, fault: str) -> None:  # type: ignore[no-untyped-def]
    from casefile.workspace import fsck

    cid = closed_direct_case(ws, evidence=False)
    d = Dossier(ws, cid)
    assert _archive_in_subprocess(ws, cid, fault, fake_soffice) == -9
    report = fsck(ws, now=ARCHIVED_AT, actor=ACTOR)
    assert report.ok, report.findings
    assert not staging_folders(d)
    case = d.load()
    if fault == "archive.before_swap":
        assert case.state is State.CLOSED and not (d.path / "bagit.txt").exists()
        assert any("未完成的归档临时目录" in n for n in report.recovered)
    else:
        assert case.state is State.ARCHIVED
        assert check_archive(d.path).ok
        assert [int(e["value"]) for e in Sequence(ws, "jianhao-2026").entries()] == [1]
    second = fsck(ws, now=ARCHIVED_AT, actor=ACTOR)  # idempotent: nothing left to do
    assert second.ok and not any("归档" in n for n in second.recovered)
