"""Every file of ../shared/corpus (PDFs, Word files, images, statutes, tables, an archive — 234 real
files nobody here wrote, malformed and hostile ones included) dropped at once into one case's drop
folder and run through the real watcher: no traceback, each file filed or quarantined exactly once
with its reason, nothing written outside the workspace, fsck clean afterwards.
(tests/evidence/test_evidence_corpus.py checks what becomes of each PDF and Word file.)"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reliability.harness import FORMS, Subject, check_workspace
from testkit import corpus_or_skip

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def test_the_whole_corpus_through_the_watcher(fast_dir: Path) -> None:
    corpus = corpus_or_skip()
    s = Subject(fast_dir / "ws")
    assert s.cli("new", "--form", str(FORMS / "intake-unit.yaml")).rc == 0
    (cid,) = s.case_ids()
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    assert len(files) > 200
    from casefile.store import sha256_file

    seen: set[str] = set()
    for p in files:
        rel = "_".join(p.relative_to(corpus).parts)
        sha = sha256_file(p)
        if sha in seen:
            continue
        seen.add(sha)
        s.drop(cid, f"{cid}/{rel}", p.read_bytes())
    run = s.cli("watch", "--once", "--json", timeout=1200)
    assert run.rc == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr and "内部错误" not in run.stdout + run.stderr, run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert report["left_pending"] == []
    outcomes = {r["outcome"] for r in report["results"]}
    assert outcomes <= {"filed", "quarantined", "duplicate"}, outcomes
    assert len(report["results"]) == len(seen)
    for r in report["results"]:
        assert r["message"] and any("\u4e00" <= c <= "\u9fff" for c in r["message"]), r
    # a quarantined file is where it belongs (with its reason), not lost: no longer expected in the case
    quarantined = {r["name"] for r in report["results"] if r["outcome"] == "quarantined"}
    from casefile.store import sha256_bytes

    failed = {p.name for p in (s.ws.inbox_dir / "_failed").iterdir() if not p.name.endswith(".reason.txt")}
    assert len(failed) == len(quarantined)
    for name in failed:
        assert (s.ws.inbox_dir / "_failed" / f"{name}.reason.txt").is_file(), name
        s.drops.pop(sha256_bytes((s.ws.inbox_dir / "_failed" / name).read_bytes()), None)
    assert check_workspace(s) == []
    assert sorted(os.listdir(fast_dir)) == ["ws"]
