"""Crash consistency: kill -9 the real `casefile watch` anywhere; on restart every file is filed
exactly once and none is lost."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from casefile.config import Workspace
from casefile.store import Dossier, sha256_bytes, sha256_file
from evidence.evfixtures import cli, env_for, fast_settings, load_case, make_case, text_pdf

pytestmark = pytest.mark.slow


def new_workspace(root: Path) -> tuple[Workspace, str]:
    from testkit import init_test_workspace as init_workspace

    ws = fast_settings(init_workspace(root, "pianguan"), max_ocr_pages=0, stability_seconds=0.1)
    return ws, make_case(ws)


def drop_burst(ws: Workspace, case_id: str, n: int, dups: int) -> tuple[set[str], int, int]:
    """n unique files (case folder and name prefix), ``dups`` extra copies, two bad files.
    Returns (unique SHA-256s, duplicate copies, bad files)."""
    folder = ws.inbox_dir / case_id
    folder.mkdir(parents=True, exist_ok=True)
    base = text_pdf(1, "批量扫描")
    shas: set[str] = set()
    datas = []
    for i in range(n):
        data = base + f"\n% {i}\n".encode()
        datas.append(data)
        shas.add(sha256_bytes(data))
        target = folder / f"扫描 {i:03d}.pdf" if i % 3 else ws.inbox_dir / f"{case_id}_扫描{i:03d}.pdf"
        target.write_bytes(data)
    for j in range(dups):
        (folder / f"重复 {j}.pdf").write_bytes(datas[j * 7 % n])
    (folder / "坏.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "空.pdf").write_bytes(b"")
    return shas, dups, 2


def assert_exactly_once(ws: Workspace, case_id: str, shas: set[str], dups: int, bad: int) -> None:
    leftovers = [p for p in ws.inbox_dir.rglob("*")
                 if p.is_file() and p.parent.name not in ("_failed", "_unmatched") and p.name != "说明.txt"]
    assert leftovers == [], leftovers  # nothing lost in the inbox
    case = load_case(ws, case_id)
    filed = [e.sha256 for e in case.evidence]
    assert sorted(filed) == sorted(shas)  # every file exactly once
    assert sum(len(e.duplicates) for e in case.evidence) == dups
    failed = sorted(p.name for p in (ws.inbox_dir / "_failed").iterdir())
    assert len([n for n in failed if not n.endswith(".reason.txt")]) == bad
    assert len([n for n in failed if n.endswith(".reason.txt")]) == bad
    d = Dossier(ws, case_id)
    on_disk = {p.name for p in (d.path / "evidence").iterdir()}
    recorded = {Path(e.file).name for e in case.evidence} | {Path(e.text_file).name for e in case.evidence if e.text_file}
    assert on_disk == recorded  # no orphan copies from rolled-back transactions
    for e in case.evidence:
        assert sha256_file(d.safe_path(e.file)) == e.sha256
    from casefile.workspace import fsck

    report = fsck(ws)
    assert [f for f in report.findings if f.case_id == case_id] == []


def test_kill_9_mid_burst_then_restart(tmp_path: Path) -> None:
    ws, case_id = new_workspace(tmp_path / "ws")
    shas, dups, bad = drop_burst(ws, case_id, 90, 6)
    journal = Dossier(ws, case_id).journal_path
    before = journal.read_bytes().count(b"\n")
    proc = subprocess.Popen([sys.executable, "-m", "casefile.cli.main", "watch", "--interval", "0.5"],
                            env=env_for(ws.root), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while journal.read_bytes().count(b"\n") < before + 25 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.02)
        assert journal.read_bytes().count(b"\n") >= before + 25, "the watcher did not get going"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    remaining = [p for p in (ws.inbox_dir / case_id).iterdir() if p.is_file()]
    assert remaining, "killed mid-burst: some files must still be waiting"
    p = cli(ws.root, "watch", "--once")
    assert p.returncode == 0, p.stderr
    assert_exactly_once(ws, case_id, shas, dups, bad)


FAULT_POINTS = [
    "copy.before_fsync@3",  # during the copy into evidence/: rolled back, file stays in the inbox
    "tx.before_journal_fsync@4",  # commit line written, not yet durable
    "tx.before_rename@2",  # committed in the journal, case.json not yet replaced: rolled forward
    "tx.before_intent_removal@5",  # committed; the source is still in the inbox: a leftover, not a duplicate
    "evidence.after_commit@2",
    "evidence.before_set_aside",  # a bad file about to be moved to _failed/
]


def _run_fault(root: Path, point: str) -> tuple[Path, str, int, set[str], int, int]:
    ws, case_id = new_workspace(root)
    shas, dups, bad = drop_burst(ws, case_id, 8, 2)
    first = cli(ws.root, "watch", "--once", env={"CASEFILE_FAULT": point})
    second = cli(ws.root, "watch", "--once")
    assert second.returncode == 0, second.stderr
    return ws.root, case_id, first.returncode, shas, dups, bad


def test_fault_points_leave_every_file_filed_exactly_once(tmp_path: Path) -> None:
    from casefile.config import find_workspace

    with ThreadPoolExecutor(2) as ex:
        runs = list(ex.map(lambda pt: (pt, _run_fault(tmp_path / pt.replace("@", "_"), pt)), FAULT_POINTS))
    for point, (root, case_id, rc, shas, dups, bad) in runs:
        assert rc == -signal.SIGKILL, f"{point} was never reached"
        assert_exactly_once(find_workspace(root), case_id, shas, dups, bad)
