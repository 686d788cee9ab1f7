"""Typical cases of archived cases: the sealed bag is never written; the map goes to the annex
beside it (typical/<TC>.map.json, 0600) and each step to the preservation log."""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from archive.helpers import ARCHIVED_AT, Archived, closed_direct_case, fake_soffice_script
from casefile import library
from testkit import complete_writeup

T = ARCHIVED_AT + timedelta(days=3)
STEPS = ("typical_drafted", "typical_reviewed", "typical_approved", "typical_published")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    from casefile.archive import archive_case
    from testkit import init_test_workspace as init_workspace

    stub = fake_soffice_script(tmp_path_factory.mktemp("fake-soffice"))
    root = tmp_path_factory.mktemp("typical-archived") / "ws"
    ws = init_workspace(root, "pianguan")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEFILE_SOFFICE", str(stub))
        cid = closed_direct_case(ws)
        archive_case(ws, cid, ARCHIVED_AT, "档案员")
    return root, cid


@pytest.fixture
def archived(template: tuple[Path, str], tmp_path: Path) -> Archived:
    from casefile.config import find_workspace
    from casefile.store import Dossier

    src, cid = template
    shutil.copytree(src, tmp_path / "ws", symlinks=True)
    ws = find_workspace(tmp_path / "ws")
    case = Dossier(ws, cid).load()
    assert case.archive is not None
    return Archived(ws, cid, Dossier(ws, cid).path, case.archive.dang_hao)


def bag_state(bag: Path) -> dict[str, Any]:
    """Every byte and mode the bag's manifests cover, and the bag's own mode."""
    out: dict[str, Any] = {"": stat.S_IMODE(os.lstat(bag).st_mode)}
    for p in sorted(bag.rglob("*")):
        rel = p.relative_to(bag).as_posix()
        if rel.split("/", 1)[0] == "typical":
            continue
        out[rel] = (stat.S_IMODE(os.lstat(p).st_mode), p.read_bytes() if p.is_file() else None)
    return out


def publish_all(ws: Any, cid: str) -> str:
    report = library.draft(ws, cid, "王晓梅", T)
    assert report.findings == [], report.findings
    tid = report.typical_id
    complete_writeup(ws.library_dir, tid)
    library.review(ws, tid, "审核员甲", "审核员甲", T + timedelta(hours=1))
    library.approve(ws, tid, "审批员乙", "审批员乙", T + timedelta(hours=2))
    library.publish(ws, tid, "王晓梅", T + timedelta(hours=3))
    return tid


def verify(archived: Archived) -> Any:
    from casefile.archive import verify as run_verify

    return run_verify(archived.ws, [archived.case_id], now=T + timedelta(days=1), actor="档案员")


def test_library_steps_leave_the_sealed_bag_untouched(archived: Archived) -> None:
    import bagit

    from casefile.archive.preservation import read_log
    from casefile.store import Dossier, sha256_file

    before = bag_state(archived.bag)
    journal_before = Dossier(archived.ws, archived.case_id).journal()[0]
    tid = publish_all(archived.ws, archived.case_id)

    assert bag_state(archived.bag) == before
    assert Dossier(archived.ws, archived.case_id).journal()[0] == journal_before
    assert library.load(archived.ws, tid).effective_status == "published"
    mpath = archived.bag / "typical" / f"{tid}.map.json"
    assert stat.S_IMODE(os.lstat(mpath).st_mode) == 0o600
    assert json.loads(mpath.read_text(encoding="utf-8"))["typical_id"] == tid
    assert not list(archived.ws.library_dir.glob("*.json"))

    events, problems = read_log(archived.ws, 2026)
    assert problems == []
    mine = [e for e in events if e.type.startswith("typical_")]
    assert [e.type for e in mine] == list(STEPS)
    assert all(e.case_id == archived.case_id and e.dang_hao == archived.dang_hao and e.data["typical_id"] == tid
               for e in mine)
    assert [e.actor for e in mine] == ["王晓梅", "审核员甲", "审批员乙", "王晓梅"]
    assert mine[0].data["map_file"] == f"typical/{tid}.map.json"
    assert mine[0].data["map_sha256"] == sha256_file(mpath)
    assert mine[1].data["reviewer"] == "审核员甲" and mine[2].data["approver"] == "审批员乙"
    # the trainer completes the draft before review: review, approval and publication sign one text
    assert len({e.data["content_sha256"] for e in mine[1:]}) == 1

    report = verify(archived)
    assert report.ok, [f.message for f in report.findings]
    bagit.Bag(str(archived.bag)).validate()

    with pytest.raises(library.TypicalRefused, match="已有典型案例稿"):
        library.draft(archived.ws, archived.case_id, "王晓梅", T)


def test_verify_cli_accepts_the_annex(archived: Archived) -> None:
    import subprocess
    import sys

    from testkit import env_for

    publish_all(archived.ws, archived.case_id)
    p = subprocess.run([sys.executable, "-m", "casefile.cli.main", "verify", archived.case_id],
                       env=env_for(archived.ws.root), capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and "通过" in p.stdout, p.stdout + p.stderr


def codes(archived: Archived) -> list[tuple[str, str]]:
    return sorted((f.code, f.path) for f in verify(archived).findings)


def test_tampering_with_the_annex_is_flagged(archived: Archived) -> None:
    tid = publish_all(archived.ws, archived.case_id)
    folder = archived.bag / "typical"
    mpath = folder / f"{tid}.map.json"

    renamed = folder / "TC-2026-0099.map.json"
    mpath.rename(renamed)
    assert codes(archived) == [("unrecorded", "typical/TC-2026-0099.map.json")]
    badly = folder / "对照表.json"
    renamed.rename(badly)
    assert codes(archived) == [("unexpected", "typical/对照表.json")]
    badly.rename(mpath)
    assert codes(archived) == []

    (folder / "notes.txt").write_text("备注", encoding="utf-8")
    (folder / "sub").mkdir()
    assert codes(archived) == [("unexpected", "typical/notes.txt"), ("unexpected", "typical/sub/")]
    (folder / "notes.txt").unlink()
    (folder / "sub").rmdir()

    os.chmod(mpath, 0o644)
    assert codes(archived) == [("exposed", f"typical/{tid}.map.json")]
    os.chmod(mpath, 0o600)
    mpath.write_bytes(mpath.read_bytes().replace(b"\n", b" ", 1))
    assert codes(archived) == [("changed", f"typical/{tid}.map.json")]


def test_annex_must_be_a_folder(archived: Archived) -> None:
    from archive.helpers import writable

    with writable(archived.bag):
        (archived.bag / "typical").write_text("x", encoding="utf-8")
    assert ("unexpected", "typical") in codes(archived)
    with pytest.raises(Exception, match="不是普通目录"):
        library.draft(archived.ws, archived.case_id, "王晓梅", T)


def test_transfer_hands_over_the_bag_without_the_annex(archived: Archived, tmp_path: Path) -> None:
    from casefile.archive import transfer

    publish_all(archived.ws, archived.case_id)
    report = transfer(archived.ws, 2026, tmp_path / "dest", now=T + timedelta(days=2), actor="档案员")
    assert report.ok, [f.message for i in report.items for f in (i.check.findings if i.check else [])]
    target = report.items[0].target
    assert (target / "bagit.txt").is_file() and not (target / "typical").exists()
    assert (archived.bag / "typical").is_dir()


def test_edit_and_send_back_of_an_archived_case_go_to_the_preservation_log(archived: Archived) -> None:
    from casefile.archive.preservation import read_log

    before = bag_state(archived.bag)
    tid = library.draft(archived.ws, archived.case_id, "王晓梅", T).typical_id
    w = library.load(archived.ws, tid)
    rep = library.edit(archived.ws, tid, title=w.title, body=w.body + "\n李建国事后表示认可。", keywords=w.keywords,
                       actor="王晓梅", now=T + timedelta(hours=1))
    assert "正文" in rep.replaced and "李建国" not in library.load(archived.ws, tid).body
    with pytest.raises(library.TypicalRefused, match="只能由起草人"):
        library.edit(archived.ws, tid, title="x", body="y", keywords=[], actor="审核员甲", now=T)
    library.send_back(archived.ws, tid, note="请补充经验启示", actor="审核员甲", now=T + timedelta(hours=2))
    assert library.load(archived.ws, tid).returned_note == "请补充经验启示"
    assert bag_state(archived.bag) == before
    events, problems = read_log(archived.ws, 2026)
    assert problems == []
    assert [e.type for e in events if e.type.startswith("typical_")][-2:] == ["typical_edited", "typical_returned"]
    report = verify(archived)
    assert report.ok, [f.message for f in report.findings]
