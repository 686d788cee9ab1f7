"""四性检测: each kind of damage is named exactly, and verification never touches the bag."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from archive.helpers import ACTOR, ARCHIVED_AT, Archived, writable
from casefile.archive import verify
from casefile.archive.findings import (
    BadPath,
    BrokenChain,
    Changed,
    Finding,
    Missing,
    Renamed,
    Unexpected,
    Unusable,
    Writable,
)


def run(a: Archived, quick: bool = False) -> list[Finding]:
    report = verify(a.ws, [a.case_id], quick=quick, now=ARCHIVED_AT, actor=ACTOR)
    return report.findings


def a_file(a: Archived, suffix: str = ".data.json") -> Path:
    return next(p for p in sorted((a.bag / "data" / "documents").iterdir()) if p.name.endswith(suffix))


def test_intact_bag_passes_and_the_result_is_logged(archived: Archived) -> None:
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in archived.bag.rglob("*") if p.is_file()}
    report = verify(archived.ws, [archived.case_id], now=ARCHIVED_AT, actor=ACTOR)
    assert report.ok, [f.message for f in report.findings]
    assert report.checks[0].hashed_bytes > 0
    assert verify(archived.ws, all_cases=True, quick=True, now=ARCHIVED_AT, actor=ACTOR).ok
    from casefile.archive.preservation import read_log

    events, problems = read_log(archived.ws, 2026)
    assert not problems
    assert [(e.type, e.data.get("mode"), e.data.get("ok")) for e in events][-2:] == [("verified", "full", True),
                                                                                     ("verified", "quick", True)]
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in archived.bag.rglob("*") if p.is_file()}
    assert after == before  # the bag itself is never written


def test_one_tampered_byte(archived: Archived) -> None:
    target = a_file(archived)
    with writable(target):
        data = bytearray(target.read_bytes())
        data[10] ^= 0x01
        target.write_bytes(bytes(data))
    rel = target.relative_to(archived.bag).as_posix()
    findings = run(archived)
    assert findings == [Changed(rel, case_id=archived.case_id, algorithms=("sha256", "sm3"))]
    assert "内容已被改动" in findings[0].message
    assert run(archived, quick=True) == []  # same size: only the full check re-hashes


def test_a_size_change_shows_in_the_quick_check(archived: Archived) -> None:
    target = a_file(archived)
    with writable(target):
        target.write_bytes(target.read_bytes() + b" ")
    rel = target.relative_to(archived.bag).as_posix()
    assert run(archived, quick=True) == [Changed(rel, case_id=archived.case_id, by_size=True)]
    assert run(archived) == [Changed(rel, case_id=archived.case_id, algorithms=("sha256", "sm3"))]


def test_deleted_file(archived: Archived) -> None:
    target = a_file(archived, ".docx")
    with writable(target.parent):
        target.unlink()
    rel = target.relative_to(archived.bag).as_posix()
    expected = [Missing(rel, case_id=archived.case_id)]
    assert run(archived) == expected
    assert run(archived, quick=True) == expected


def test_extra_file(archived: Archived) -> None:
    folder = archived.bag / "data" / "evidence"
    with writable(folder):
        (folder / "补充.pdf").write_bytes(b"%PDF-1.4 extra")
        os.chmod(folder / "补充.pdf", 0o444)
    assert run(archived) == [Unexpected("data/evidence/补充.pdf", case_id=archived.case_id)]


def test_extra_file_at_the_top(archived: Archived) -> None:
    with writable(archived.bag):
        (archived.bag / "notes.txt").write_text("x", encoding="utf-8")
        os.chmod(archived.bag / "notes.txt", 0o444)
    assert run(archived) == [Unexpected("notes.txt", case_id=archived.case_id)]


def test_renamed_file(archived: Archived) -> None:
    target = a_file(archived, ".docx")
    new = target.with_name("改名.docx")
    with writable(target.parent):
        target.rename(new)
    old_rel, new_rel = (p.relative_to(archived.bag).as_posix() for p in (target, new))
    assert run(archived) == [Renamed(old_rel, case_id=archived.case_id, new_path=new_rel)]
    assert "改名为" in run(archived, quick=True)[0].message


def test_dotdot_in_a_manifest_is_refused_and_never_read(archived: Archived) -> None:
    import bagit

    manifest = archived.bag / "manifest-sha256.txt"
    with writable(manifest), manifest.open("a", encoding="utf-8") as f:
        f.write(f"{'0' * 64}  data/../../../../etc/passwd\n")
    findings = run(archived)
    bad = [f for f in findings if isinstance(f, BadPath)]
    assert len(bad) == 1 and bad[0].path == "data/../../../../etc/passwd"
    assert "归档包以外" in bad[0].message
    assert any(isinstance(f, Changed) and f.path == "manifest-sha256.txt" for f in findings)
    with pytest.raises(bagit.BagError, match="unsafe"):
        bagit.Bag(str(archived.bag))


def test_edited_journal_breaks_the_chain(archived: Archived) -> None:
    journal = archived.bag / "journal.jsonl"
    lines = journal.read_bytes().split(b"\n")
    obj = json.loads(lines[1])
    obj["actor"] = "张三"
    lines[1] = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    with writable(journal):
        journal.write_bytes(b"\n".join(lines))
    findings = run(archived)
    assert {type(f) for f in findings} == {Changed, BrokenChain}
    assert any(isinstance(f, BrokenChain) and f.line == 3 for f in findings)


def test_writable_file_is_a_security_finding(archived: Archived) -> None:
    target = a_file(archived)
    os.chmod(target, 0o644)
    rel = target.relative_to(archived.bag).as_posix()
    assert run(archived) == [Writable(rel, case_id=archived.case_id)]


def test_damaged_pdf(archived: Archived) -> None:
    target = a_file(archived, ".pdf")
    size = target.stat().st_size
    with writable(target):
        target.write_bytes(b"\0" * size)  # same size, so the quick check cannot see it
    rel = target.relative_to(archived.bag).as_posix()
    assert run(archived) == [Changed(rel, case_id=archived.case_id, algorithms=("sha256", "sm3"))]
    assert run(archived, quick=True) == []


def test_usability_names_pdfs_that_do_not_open_or_have_no_text(tmp_path: Path) -> None:
    from archive.helpers import pdf_bytes
    from casefile.archive.checks import _usability

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "data" / "blank.pdf").write_bytes(pdf_bytes(""))
    (tmp_path / "data" / "ok.pdf").write_bytes(pdf_bytes("处理意见告知书"))
    meta = {"parts": [{"kind": "document", "pdf": "data/blank.pdf", "first": 0},
                      {"kind": "document", "pdf": "data/ok.pdf", "first": 0}]}
    found = _usability(tmp_path, meta, set(), ["data/broken.pdf", "data/blank.pdf", "data/ok.pdf"])
    assert [(type(f), f.path) for f in found] == [(Unusable, "data/blank.pdf"), (Unusable, "data/broken.pdf")]
    assert "无法打开" in found[1].message and "没有可提取的中文文字" in found[0].message


def test_sequence_gap_is_named(archived: Archived) -> None:
    from casefile.archive.findings import SequenceGap
    from casefile.store import Sequence

    seq = Sequence(archived.ws, "jianhao-2026")
    with seq.allocate("丢失的案卷", ARCHIVED_AT):
        pass  # number 2 handed out, no case holds it
    with seq.allocate("丢失的案卷", ARCHIVED_AT):
        pass
    report = verify(archived.ws, all_cases=True, now=ARCHIVED_AT, actor=ACTOR)
    assert report.year_findings == [SequenceGap("jianhao-2026", year=2026, numbers=(2, 3))]
    assert "0002、0003" in report.year_findings[0].message
    from casefile.archive.lifecycle import void_number

    void_number(archived.ws, 2026, 2, reason="登记错误", now=ARCHIVED_AT, actor=ACTOR)
    void_number(archived.ws, 2026, 3, reason="登记错误", now=ARCHIVED_AT, actor=ACTOR)
    assert verify(archived.ws, all_cases=True, now=ARCHIVED_AT, actor=ACTOR).ok


def test_unarchived_and_unknown_cases_are_reported(archived: Archived) -> None:
    from archive.helpers import new_case
    from casefile.archive.findings import NotArchived

    open_id = new_case(archived.ws)
    report = verify(archived.ws, [open_id, "SBZY-140932-2026-0999"], now=ARCHIVED_AT, actor=ACTOR)
    assert [type(f) for f in report.findings] == [NotArchived, NotArchived]
    assert "尚未归档" in report.findings[0].message


def test_an_edited_last_line_of_the_preservation_log_shows(archived: Archived) -> None:
    from casefile.archive.preservation import log_path, read_log

    assert verify(archived.ws, [archived.case_id], now=ARCHIVED_AT, actor=ACTOR).ok
    path = log_path(archived.ws, 2026)
    lines = path.read_bytes().rstrip(b"\n").split(b"\n")
    assert b'"ok":true' in lines[-1]
    lines[-1] = lines[-1].replace(b'"ok":true', b'"ok":false')  # nothing after it chains to this line
    path.write_bytes(b"\n".join(lines) + b"\n")
    _, problems = read_log(archived.ws, 2026)
    assert problems == [f"第{len(lines)}行的内容与其校验值不符（记录被修改）"]
