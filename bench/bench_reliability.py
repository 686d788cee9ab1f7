"""Crash-harness throughput (issue: prove it survives).

    .venv/bin/python bench/bench_reliability.py [--kills 100] [--seed 1] [--disk] [--plans files,workflow,referral]

Runs the crash-consistency harness of tests/reliability (real `casefile` processes killed with
SIGKILL at fault points and random delays, every invariant checked after the restarts) and prints
one table: kills, operations, processes, seconds and kills per minute for each group of write
paths, beside two baselines measured in the same run:

* the ceiling: how many bare `casefile` processes (`casefile --version`, `casefile list`) start per
  minute — no harness can kill faster than processes start;
* the price of a check: one full `check_workspace` (fsck with repair, chains, sequences, files,
  the evidence ledger, 四性检测 of archived cases) on the workspaces the run produced.

Workspaces live on tmpfs when /dev/shm exists (SIGKILL keeps the page cache, so fsync is not what is
tested); ``--disk`` runs the same harness a second time on the disk for comparison. The last line
says how long ``pytest tests/reliability --kills 1000`` needs at the measured rate.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]


def process_rate(argv: list[str], root: Path, runs: int) -> float:
    """Processes per minute for a command that does nothing the harness would kill."""
    from reliability.harness import Subject

    ws = root / "ws-baseline"
    s = Subject.attach(ws) if ws.exists() else Subject(ws, engine="tantivy")
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        p = s.start(argv)
        p.communicate(timeout=120)
        times.append(time.perf_counter() - t)
    return 60 / statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=100, help="kills per group of write paths")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plans", default="files;workflow,referral",
                    help="groups of plans, ';' between groups, ',' within (default: files;workflow,referral)")
    ap.add_argument("--disk", action="store_true", help="also run on the disk (fsync for real) for comparison")
    args = ap.parse_args()

    from archive.helpers import fake_soffice_script
    from reliability.harness import Report, Subject, check_workspace, fast_tmp_root, rmtree, run_harness

    groups = [g.split(",") for g in args.plans.split(";") if g]
    places: list[tuple[str, Path | None]] = [("tmpfs" if fast_tmp_root() else "磁盘", fast_tmp_root())]
    if args.disk and fast_tmp_root() is not None:
        places.append(("磁盘", None))
    scratch = Path(tempfile.mkdtemp(prefix="casefile-bench-rel-"))
    soffice = fake_soffice_script(scratch)
    rows: list[tuple[str, str, Report]] = []
    ceiling: dict[str, tuple[float, float]] = {}
    check_s: dict[str, float] = {}
    try:
        for label, where in places:
            base = Path(tempfile.mkdtemp(prefix="casefile-bench-rel-", dir=where))
            try:
                ceiling[label] = (process_rate(["--version"], base, 15), process_rate(["list"], base, 15))
                total = Report()
                for g in groups:
                    print(f"[{label}] {'+'.join(g)}：{args.kills} 次 kill …", file=sys.stderr, flush=True)
                    rep = run_harness(g, args.kills, seed=args.seed, base=base / "+".join(g), soffice=soffice)
                    rows.append((label, "+".join(g), rep))
                    total.merge(rep)
                    if rep.problems:
                        print("不一致：\n  " + "\n  ".join(rep.problems), file=sys.stderr)
                rows.append((label, "合计", total))
                # the price of one full check, on the biggest workspace this run made
                ws_dirs = sorted(base.glob("*/ws-*"), key=lambda p: sum(1 for _ in p.rglob("*")))
                if ws_dirs:
                    t = time.perf_counter()
                    check_workspace(Subject.attach(ws_dirs[-1]))
                    check_s[label] = time.perf_counter() - t
            finally:
                rmtree(base)
    finally:
        rmtree(scratch)

    print("\n崩溃一致性测试的吞吐量（每次 kill 之后按比例立即或在下次重启后检查全部不变量）")
    print(f"{'位置':<8}{'写入路径组':<22}{'kill':>6}{'操作':>6}{'进程':>6}{'检查':>6}{'秒':>8}{'次/分钟':>9}{'不一致':>7}")
    for label, name, r in rows:
        print(f"{label:<8}{name:<22}{r.kills:>6}{r.ops:>6}{r.runs:>6}{r.checks:>6}{r.seconds:>8.0f}"
              f"{r.kills_per_minute:>9.1f}{len(r.problems):>7}")
    print("\n基线（同一次运行中测得）")
    for label, (version, listing) in ceiling.items():
        print(f"  {label}：空进程 casefile --version {version:6.0f} 个/分钟；casefile list {listing:6.0f} 个/分钟"
              f"（kill 速率的上限）")
    for label, secs in check_s.items():
        print(f"  {label}：一次完整检查（fsck 修复、哈希链、序号、文件、证据账、四性检测）{secs:.2f} 秒")
    total_rows = [r for _, name, r in rows if name == "合计"]
    if total_rows and total_rows[0].kills_per_minute:
        rate = total_rows[0].kills_per_minute
        print(f"\n按 {rate:.0f} 次/分钟：pytest tests/reliability --kills 1000（两个文件各 500 次，-n 2 并行）约需 "
              f"{1000 / rate / 2:.0f} 分钟；单核顺序约 {1000 / rate:.0f} 分钟。")
    hits = {p: n for _, _, r in rows for p, n in r.by_point.items()}
    if hits:
        print("故障点覆盖：" + "，".join(f"{p} {n}" for p, n in sorted(hits.items())))
    return 0 if all(not r.problems for _, _, r in rows) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
