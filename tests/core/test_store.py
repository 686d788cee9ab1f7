"""The dossier store: atomic commits, crash recovery at every fault point, locks, hash chain, sequences."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from casefile.errors import CaseArchived, InvalidCaseId
from casefile.store import Dossier, Sequence, read_journal, sha256_file
from factories import bare_case

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime
    from casefile.config import find_workspace
    from casefile.store import Dossier
    ws = find_workspace(sys.argv[1])
    now = datetime.fromisoformat("2026-11-22T10:00:00+08:00")
    for i in range(int(sys.argv[3])):
        with Dossier(ws, sys.argv[2]).transaction("writer", now) as tx:
            tx.case.attachments.append(f"{sys.argv[4]}-{i}")
            tx.write_file(f"documents/{sys.argv[4]}-{i}.txt", b"x" * 1000)
            tx.event("decision_recorded", i=i, who=sys.argv[4])
    """
)

FAULT_POINTS = ["tx.intent", "atomic.before_fsync", "atomic.before_rename", "tx.before_next", "tx.before_journal",
                "tx.before_journal_fsync", "tx.before_rename", "tx.before_intent_removal"]


def _writer(ws_root: Path, case_id: str, n: int, tag: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    if fault:
        env["CASEFILE_FAULT"] = fault
    return subprocess.run([sys.executable, "-c", WRITER, str(ws_root), case_id, str(n), tag],
                          env=env, capture_output=True, text=True, timeout=120)


def _consistent(d: Dossier) -> int:
    """Recover, then check the dossier: chain intact, record = last commit, no orphan files. Returns #notes."""
    with d.lock():
        pass
    entries, problems = read_journal(d.journal_path)
    assert not problems, problems
    assert entries[-1].case_sha256 == sha256_file(d.case_path)
    case = d.load()
    notes = [e for e in entries if e.type == "decision_recorded"]
    assert len(case.attachments) == len(notes)
    files = sorted(p.name for p in (d.path / "documents").iterdir())
    assert files == sorted(f"{a}.txt" for a in case.attachments)
    assert not list(d.path.glob(".*"))  # no .next, intent or temp files left
    return len(notes)


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_kill_at_every_fault_point_leaves_old_or_new_state(ws, now, point: str) -> None:  # type: ignore[no-untyped-def]
    case = bare_case(ws, now)
    d = Dossier(ws, case.id)
    assert _writer(ws.root, case.id, 1, "ok").returncode == 0
    proc = _writer(ws.root, case.id, 3, "crash", fault=point)
    assert proc.returncode == -9, proc.stderr
    n = _consistent(d)
    assert n in (1, 2)  # the interrupted commit either happened entirely or not at all
    assert _writer(ws.root, case.id, 1, "after").returncode == 0
    assert _consistent(d) == n + 1


def test_two_processes_writing_one_case_lose_nothing(ws, now) -> None:  # type: ignore[no-untyped-def]
    case = bare_case(ws, now)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(ws.root), case.id, "15", tag])
             for tag in ("a", "b")]
    assert all(p.wait(timeout=180) == 0 for p in procs)
    d = Dossier(ws, case.id)
    assert _consistent(d) == 30
    assert d.load().version == 31


def test_journal_tampering_is_detected(ws, now) -> None:  # type: ignore[no-untyped-def]
    case = bare_case(ws, now)
    assert _writer(ws.root, case.id, 4, "t").returncode == 0
    path = Dossier(ws, case.id).journal_path
    original = path.read_bytes().splitlines(keepends=True)

    def problems_after(lines: list[bytes]) -> list[str]:
        path.write_bytes(b"".join(lines))
        return [p.message for p in read_journal(path)[1]]

    edited = [*original]
    edited[2] = edited[2].replace(b'"i":1', b'"i":9')
    assert any("第4行" in p for p in problems_after(edited))
    assert problems_after(original[:2] + original[3:])  # deletion
    assert problems_after([*original[:3], original[1], *original[3:]])  # insertion
    assert problems_after([original[0], original[2], original[1], *original[3:]])  # reorder
    assert not problems_after(original)


def test_a_remembered_verdict_never_hides_an_edit(ws, now) -> None:  # type: ignore[no-untyped-def]
    """read_journal remembers its last verdict per journal; an edit of one byte that keeps the size and
    the modification time is still found, and the edit undone reads clean again."""
    case = bare_case(ws, now)
    assert _writer(ws.root, case.id, 3, "t").returncode == 0
    path = Dossier(ws, case.id).journal_path
    original = path.read_bytes()
    entries, problems = read_journal(path)
    assert len(entries) == 4 and not problems
    entries.clear()  # a caller's list is its own: the remembered verdict is untouched
    assert len(read_journal(path)[0]) == 4
    stat = path.stat()
    edited = original.replace(b'"i":1', b'"i":7')
    assert len(edited) == len(original) and edited != original
    path.write_bytes(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert any("第3行" in p.message for p in read_journal(path)[1])
    path.write_bytes(original)
    assert not read_journal(path)[1]


def test_a_grown_journal_reads_as_a_fresh_parse_would(ws, now) -> None:  # type: ignore[no-untyped-def]
    """A journal that grew is verified from where the remembered verdict ends only when its earlier
    bytes are exactly the ones verified: an edit of an earlier line made together with an append, or an
    append of a forged line, is found as a parse from the first line finds it."""
    from casefile import store

    case = bare_case(ws, now)
    assert _writer(ws.root, case.id, 2, "t").returncode == 0
    path = Dossier(ws, case.id).journal_path

    def fresh() -> tuple[list[str], list[str]]:
        store._VERIFIED.clear()
        entries, problems = read_journal(path)
        return [e.sha256 for e in entries], [p.message for p in problems]

    def remembered() -> tuple[list[str], list[str]]:
        entries, problems = read_journal(path)
        return [e.sha256 for e in entries], [p.message for p in problems]

    read_journal(path)
    assert _writer(ws.root, case.id, 2, "u").returncode == 0  # grew by two lines
    assert remembered() == fresh() and not fresh()[1] and len(fresh()[0]) == 5
    read_journal(path)
    original = path.read_bytes()
    lines = original.splitlines(keepends=True)
    path.write_bytes(original.replace(b'"i":0', b'"i":5', 1) + lines[-1])  # an edit and an append
    got = remembered()
    assert got == fresh() and any("第2行" in p for p in got[1]) and any("第6行" in p for p in got[1])
    path.write_bytes(original)
    read_journal(path)
    path.write_bytes(original + b"not a line\n" + lines[1])  # forged lines after good ones
    got = remembered()
    assert got == fresh() and any("第6行不是有效" in p for p in got[1]) and any("第7行" in p for p in got[1])


def test_case_ids_are_checked(ws) -> None:  # type: ignore[no-untyped-def]
    for bad in ("../../etc", "SBZY-140932-2026-0001/../../x", "/etc/passwd", "", "SBZY-140932-2026-0001\x00",
                "sbzy-140932-2026-0001"):
        with pytest.raises(InvalidCaseId, match="格式不正确"):
            Dossier(ws, bad)


def test_sequences_never_duplicate_under_concurrency(ws, now) -> None:  # type: ignore[no-untyped-def]
    script = textwrap.dedent(
        """
        import sys
        from datetime import datetime
        from casefile.config import find_workspace
        from casefile.store import Sequence
        ws = find_workspace(sys.argv[1])
        for _ in range(25):
            with Sequence(ws, "doc-D17-2026").allocate("test", datetime.now()) as n:
                print(n)
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(ws.root)], stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    values = [int(x) for p in procs for x in p.communicate(timeout=120)[0].split()]
    assert sorted(values) == list(range(1, 76))
    # the log is written under the lock, so it lists every value once, in the order handed out
    assert [int(e["value"]) for e in Sequence(ws, "doc-D17-2026").entries()] == list(range(1, 76))


def test_torn_sequence_line_is_skipped_and_never_glued(ws, now) -> None:  # type: ignore[no-untyped-def]
    seq = Sequence(ws, "doc-D17-2026")
    for _ in range(3):
        with seq.allocate("render", now):
            pass
    with seq.path.open("ab") as f:  # a writer killed half-way through its line
        f.write(b'{"value": 4, "ti')
    assert seq.last() == 3
    with seq.allocate("render", now) as n:
        assert n == 4
    assert seq.last() == 4
    assert [int(e["value"]) for e in seq.entries()] == [1, 2, 3, 4]


def test_sequence_last_reads_long_logs(ws, now) -> None:  # type: ignore[no-untyped-def]
    seq = Sequence(ws, "case-2026")
    seq.path.parent.mkdir(parents=True, exist_ok=True)
    seq.path.write_text("".join(f'{{"value": {i}, "for": "{"x" * 300}"}}\n' for i in range(1, 2001)))
    assert seq.last() == 2000


def test_failed_block_allocates_nothing(ws, now) -> None:  # type: ignore[no-untyped-def]
    seq = Sequence(ws, "doc-D04-2026")
    with pytest.raises(RuntimeError), seq.allocate("render", now):
        raise RuntimeError("render failed")
    with seq.allocate("render", now) as n:
        assert n == 1


def test_failed_transaction_leaves_no_files(ws, now) -> None:  # type: ignore[no-untyped-def]
    case = bare_case(ws, now)
    d = Dossier(ws, case.id)
    before = d.case_path.read_bytes()
    with pytest.raises(ValueError), d.transaction("x", now) as tx:
        tx.write_file("documents/half.docx", b"partial")
        tx.event("decision_recorded")
        raise ValueError("boom")
    assert d.case_path.read_bytes() == before
    assert not (d.path / "documents" / "half.docx").exists()


def test_archived_case_refuses_writes(ws, now) -> None:  # type: ignore[no-untyped-def]
    from casefile.models.enums import State

    case = bare_case(ws, now)
    d = Dossier(ws, case.id)
    with d.transaction("x", now) as tx:
        tx.case.state = State.ARCHIVED
        tx.event("archived")
    with pytest.raises(CaseArchived, match="已归档"), d.transaction("x", now) as tx:
        tx.event("decision_recorded")


def test_corrupt_case_json_is_named(ws, now) -> None:  # type: ignore[no-untyped-def]
    from casefile.errors import CorruptRecord

    case = bare_case(ws, now)
    d = Dossier(ws, case.id)
    d.case_path.write_text(json.dumps({"id": case.id}), encoding="utf-8")
    with pytest.raises(CorruptRecord, match=r"case\.json 已损坏"):
        d.load()
