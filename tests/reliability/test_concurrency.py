"""Concurrency: eight processes issue commands at once — on the same case and on different cases —
while the watcher files a burst into two of those cases. Nothing is lost, no number (case id, case
number, 文号) is handed out twice, and every command that reported success has its line in the
journal."""

from __future__ import annotations

import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reliability.harness import ACTOR, FORMS, NOW, Run, Subject, check_workspace, evidence_pdf

pytestmark = pytest.mark.slow

WENHAO = re.compile(r"偏税社函〔2026〕\d+号")


def test_eight_processes_and_the_watcher(fast_dir: Path) -> None:
    from casefile import workflow
    from casefile.store import Dossier, Sequence, sha256_bytes, sha256_file
    from factories import form

    s = Subject(fast_dir / "ws", engine="tantivy")
    ids = [workflow.register(s.ws, form("intake-unit"), NOW, ACTOR).case_id for _ in range(4)]
    a, b, c, d = ids
    for cid in (a, d):
        workflow.run(s.ws, cid, NOW, ACTOR, lambda st: workflow.triage(st, risk="中"))
    case_a = Dossier(s.ws, a).load()
    taken = {case_a.lead_dept, *case_a.co_depts}
    free = [dept.name for dept in s.ws.settings.departments if dept.code not in taken][:7]
    assert len(free) == 7
    d04_before = len([x for x in case_a.documents if x.doc_type == "D04"])

    # the burst: 24 scans into a and b, a duplicate copy, a bad file
    datas = [evidence_pdf(f"并发 {i}") for i in range(24)]
    for i, data in enumerate(datas):
        cid = a if i % 2 else b
        s.drop(cid, f"{cid}/扫描{i:02d}.pdf" if i % 3 else f"{cid}_工资{i:02d}.pdf", data)
    s.drop(b, f"{b}/重复.pdf", datas[0])
    s.drop_bad(f"{a}/坏.pdf", b"%PDF-1.4 broken")
    added = []
    for i in range(3):
        p = fast_dir / f"手工{i}.pdf"
        p.write_bytes(evidence_pdf(f"手工 {i}"))
        added.append(p)
    f = str(FORMS / "intake-unit.yaml")
    workers: list[list[list[str]]] = [
        [["new", "--form", f]] * 3,
        [["new", "--form", f]] * 3,
        [["new", "--form", f]] * 3,
        [["doc", a, "D04", "--set", f"dept={x}"] for x in free[:3]],  # the same case, concurrently
        [["doc", a, "D04", "--set", f"dept={x}"] for x in free[3:6]],
        [["evidence", "add", a, str(p)] for p in added],  # the same case the watcher files into
        [["triage", c, "--risk", "低"], ["decide", c, "--text", "责令限期补缴", "--basis", "社会保险法第六十三条"],
         ["notify", c]],
        [["doc", d, "D04", "--set", f"dept={free[6]}"], ["opinion", d, "--dept", case_a.co_depts[0], "--text", "同意",
          "--facts", "用人单位未足额缴纳社会保险费"],
         ["list", "--json"]],
    ]
    watcher = s.start(["watch", "--interval", "0.3"])
    time.sleep(0.5)

    def work(cmds: list[list[str]]) -> list[Run]:
        return [s.cli(*cmd) for cmd in cmds]

    try:
        with ThreadPoolExecutor(len(workers)) as pool:
            results = [r for batch in pool.map(work, workers) for r in batch]
        deadline = time.monotonic() + 120
        while s.inbox_waiting() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        watcher.send_signal(signal.SIGTERM)
        _, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err.decode("utf-8", "replace")[-1500:]
    for r in results:
        assert r.rc == 0, (r.argv, r.stderr[-800:])
        assert "Traceback" not in r.stderr
    assert s.inbox_waiting() == []

    # nothing lost, nothing twice, every invariant of a workspace at rest
    for p in added:
        s.added[sha256_file(p)] += 1
        s.owner[sha256_file(p)] = a
    assert check_workspace(s) == []
    # case ids and numbers
    all_ids = s.case_ids()
    assert len(all_ids) == 4 + 9
    numbers = [Dossier(s.ws, x).load().number for x in all_ids]
    assert len(set(numbers)) == len(numbers)
    logged = [int(e["value"]) for e in Sequence(s.ws, "case-2026").entries()]
    assert sorted(logged) == list(range(1, 14))
    new_ids = {m.group(0) for r in results if r.argv[0] == "new" for m in re.finditer(r"SBZY-\d{6}-2026-\d{4}", r.stdout)}
    assert len(new_ids) == 9 and new_ids <= all_ids
    # 文号: each doc command printed a number, each number is in the journal once, none is shared
    printed = [WENHAO.search(r.stdout).group(0) for r in results if r.argv[0] == "doc"]  # type: ignore[union-attr]
    assert len(printed) == 7 and len(set(printed)) == 7
    issued = [p.get("wenhao") for x in all_ids for t, p in s.journal_types(x) if t == "document_issued" and p.get("wenhao")]
    assert len(issued) == len(set(issued))
    assert set(printed) <= set(issued)
    case_a = Dossier(s.ws, a).load()
    assert len([x for x in case_a.documents if x.doc_type == "D04"]) == d04_before + 6
    # every event in the journal: the transitions of c, the opinion on d, each filed and added file
    assert s.has_event(c, "transition", transition="T5") == 1
    assert s.has_event(c, "decision_recorded") == 1
    assert s.has_event(c, "transition", transition="T17") == 1
    assert any(o.text == "同意" for o in Dossier(s.ws, d).load().opinions)
    filed = {p.get("sha256") for x in (a, b) for t, p in s.journal_types(x) if t == "evidence_filed"}
    assert {sha256_bytes(x) for x in datas} | {sha256_file(p) for p in added} <= filed
    dup = [p for t, p in s.journal_types(b) if t == "evidence_duplicate"]
    assert len(dup) == 1
