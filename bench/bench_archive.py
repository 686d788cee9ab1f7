"""Archive benchmarks (issue: archiving closed cases).

    .venv/bin/python bench/bench_archive.py [--big-mb 256] [--runs 3] [--fake-soffice]

Prints two tables:
1. archive time per case for a typical dossier (20 documents, 10 evidence PDFs), with the phases
   (LibreOffice conversion, arrangement, cover/index/备考表, merge + stamp, checks, seal);
2. verification throughput (MB/s): ``casefile verify`` (full: SHA-256 + SM3 of every file, tag
   files, journal, PDFs) and the bare fixity pass, against ``sha256sum`` over the same files in the
   same run (goal ≥ 0.8× sha256sum). Caches are warm for every contender (each run is repeated and
   the best time kept).
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

ACTOR = "王晓梅"
T0 = datetime.fromisoformat("2026-11-03T09:40:00+08:00")


def evidence_pdf(i: int, mb: float) -> bytes:
    """A scan-like PDF: one noisy JPEG page of about ``mb`` megabytes (incompressible, like a scan)."""
    import img2pdf
    from PIL import Image

    side = int((mb * 1e6 / 3) ** 0.5 * 1.6)
    img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95)
    _ = i
    return bytes(img2pdf.convert(buf.getvalue()))


def typical_case(ws: object, evidence_mb: float) -> str:
    """A joint case with every co-handler's reply, extensions and evidence: 20 documents, 10 PDFs."""
    from archive.helpers import add_evidence, new_case, step
    from casefile import workflow as wf
    from casefile.store import Dossier

    cid = new_case(ws, T0)
    for i in range(10):
        add_evidence(ws, cid, f"证据{i + 1:02d}.pdf", evidence_pdf(i, evidence_mb), "application/pdf",
                     T0 + timedelta(minutes=i))
    step(ws, cid, T0 + timedelta(hours=3), lambda s: wf.triage(s, risk="中"))
    for dept in Dossier(ws, cid).load().co_depts:
        step(ws, cid, T0 + timedelta(days=2), lambda s, d=dept: wf.record_opinion(s, d, "同意"))
    n = len(Dossier(ws, cid).load().documents)
    for k in range(max(0, 20 - n - 4)):
        step(ws, cid, T0 + timedelta(days=3, hours=k),
             lambda s: wf.extend(s, step="joint_decision", days=5, reason="需补充调查", approver="李局长"))
    step(ws, cid, T0 + timedelta(days=20), lambda s: wf.decide(s, text="责令限期补缴", basis=["社会保险法第六十三条"]))
    step(ws, cid, T0 + timedelta(days=21), lambda s: wf.notify(s))
    step(ws, cid, T0 + timedelta(days=24),
         lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    return cid


def big_case(ws: object, mb: int) -> str:
    """A closed case carrying one large non-page file (a video), to measure fixity on bulk data."""
    from archive.helpers import closed_direct_case

    cid = closed_direct_case(ws, evidence=False)
    blob = os.urandom(1 << 20) * mb  # a repeated megabyte: hashing cost does not depend on content
    add_evidence_closed(ws, cid, "现场录像.mp4", blob, "video/mp4")
    return cid


def add_evidence_closed(ws: object, cid: str, name: str, data: bytes, media_type: str) -> None:
    from casefile.models.records import EvidenceRecord
    from casefile.store import Dossier, sha256_bytes

    with Dossier(ws, cid).transaction(ACTOR, T0 + timedelta(days=6)) as tx:  # type: ignore[arg-type]
        rel = f"evidence/EV900-{name}"
        tx.write_file(rel, data)
        tx.case.evidence.append(EvidenceRecord(ev_id="EV900", original_name=name, file=rel, sha256=sha256_bytes(data),
                                               size=len(data), received_at=T0, source="当事人提交",
                                               media_type=media_type, text_status="none"))
        tx.event("evidence_filed", ev_id="EV900")


def best(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--big-mb", type=int, default=256, help="size of the extra large-file case (MB)")
    ap.add_argument("--evidence-mb", type=float, default=1.5, help="size of each evidence PDF (MB)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--fake-soffice", action="store_true", help="use the test stand-in instead of LibreOffice")
    args = ap.parse_args()

    from archive.helpers import fake_soffice_script
    from casefile.archive import archive_case, verify
    from casefile.archive.bag import check_bag
    from casefile.archive.checks import KNOWN_TAGS
    from casefile.documents.pdf import find_soffice
    from casefile.store import Dossier
    from casefile.workspace import init_workspace

    tmp = Path(tempfile.mkdtemp(prefix="casefile-bench-archive-"))
    try:
        if args.fake_soffice or find_soffice() is None:
            os.environ["CASEFILE_SOFFICE"] = str(fake_soffice_script(tmp))
            converter = "测试替身（无 LibreOffice）"
        else:
            converter = f"LibreOffice（{find_soffice()}）"
        ws = init_workspace(tmp / "ws", "pianguan")
        cid = typical_case(ws, args.evidence_mb)
        case = Dossier(ws, cid).load()
        n_docs, n_ev = len(case.documents), len(case.evidence)
        marks: list[tuple[float, str]] = []
        t0 = time.perf_counter()
        res = archive_case(ws, cid, T0 + timedelta(days=30), "档案员",
                           progress=lambda m: marks.append((time.perf_counter() - t0, m)))
        total = time.perf_counter() - t0
        marks.append((total, "完成"))
        print(f"\n1. 归档一件典型案卷（{n_docs}份文书，{n_ev}份证据PDF，PDF转换：{converter}）")
        print(f"   档号 {res.dang_hao}，{res.items}件，卷内{res.pages}页，合并PDF {res.merged_pages}页")
        print(f"   {'阶段':<34}{'秒':>8}")
        for (t_a, m), (t_b, _) in itertools.pairwise(marks):
            print(f"   {m:<34}{t_b - t_a:>8.2f}")
        print(f"   {'合计':<34}{total:>8.2f}")

        big = big_case(ws, args.big_mb)
        archive_case(ws, big, T0 + timedelta(days=30), "档案员")
        bags = [Dossier(ws, cid).path, Dossier(ws, big).path]
        files = [p for b in bags for p in sorted(b.rglob("*")) if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        mb = size / 1e6
        now = T0 + timedelta(days=31)
        for p in files:  # warm the page cache for everybody
            p.read_bytes()
        t_sum = best(lambda: subprocess.run(["sha256sum", *map(str, files)], stdout=subprocess.DEVNULL, check=True),
                     args.runs) if shutil.which("sha256sum") else float("nan")
        t_verify = best(lambda: verify(ws, all_cases=True, now=now, actor="bench"), args.runs)
        t_fix = best(lambda: [check_bag(b, known_tags=KNOWN_TAGS) for b in bags], args.runs)
        t_fix256 = best(lambda: [check_bag(b, known_tags=KNOWN_TAGS, algorithms=("sha256", "sm3")[:1]) for b in bags],
                        args.runs)
        t_quick = best(lambda: verify(ws, all_cases=True, quick=True, now=now, actor="bench"), args.runs)
        print(f"\n2. 校验吞吐量（{len(files)}个文件，{mb:.1f} MB，{os.cpu_count()}个CPU，取{args.runs}次最好成绩）")
        print(f"   {'方法':<44}{'秒':>8}{'MB/s':>10}{'相对 sha256sum':>16}")

        def row(name: str, t: float) -> None:
            print(f"   {name:<44}{t:>8.2f}{mb / t:>10.0f}{t_sum / t:>15.2f}×")

        row("sha256sum（基准）", t_sum)
        row("casefile verify --all（SHA-256+SM3，全部检查）", t_verify)
        row("归档包校验值部分（SHA-256+SM3）", t_fix)
        row("归档包校验值部分（仅 SHA-256）", t_fix256)
        row("casefile verify --all --quick（数量与大小）", t_quick)
        goal = t_sum / t_verify
        print(f"\n   目标：verify ≥ 0.8× sha256sum；实测 {goal:.2f}×，{'达到' if goal >= 0.8 else '未达到'}。")
    finally:
        for dirpath, dirnames, filenames in os.walk(tmp):
            for name in dirnames + filenames:
                p = os.path.join(dirpath, name)
                if not os.path.islink(p):
                    os.chmod(p, 0o700)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
