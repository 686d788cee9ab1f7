"""Start-up and scale benchmarks for the casefile CLI (issue: foundation).

    .venv/bin/python bench/bench_cli.py [--cases 100000] [--runs 20]

Prints two tables:
1. start-up: wall time of `casefile --help` and `casefile show ID` against `python -c "import click"`
   (goal: --help ≤ 1.5× the bare click import);
2. scale: `casefile list --overdue` and `casefile due` p50/p95 over a workspace with N generated cases
   (goal p95 ≤ 200 ms at 100,000), beside a baseline that reads and parses every case.json.
The generated cases are written without fsync (bench only) and indexed with `casefile catalog rebuild`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASEFILE = [str(ROOT / ".venv" / "bin" / "casefile")] if (ROOT / ".venv" / "bin" / "casefile").exists() else ["casefile"]


def timed(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out.append(time.perf_counter() - t)
    return out


def timed_side_by_side(cmds: list[list[str]], env: dict[str, str], runs: int) -> list[list[float]]:
    """Each command once per round, in turn: on a shared machine whose speed drifts over minutes, the
    ratio of two commands is only fair when they are timed side by side, not one series after another."""
    out: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for times, cmd in zip(out, cmds, strict=True):
            times.extend(timed(cmd, env, 1))
    return out


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "建国志强秀英丽娟海军红梅晓东春燕玉兰文华永刚桂芳明亮淑珍国庆小平金凤俊杰雪梅伟利"
TRADES = ["建材", "煤业", "物流", "商贸", "农牧", "餐饮", "建筑工程", "机械", "物业服务", "运输", "食品", "纺织"]


def party_plan(n: int, seed: int = 20261122) -> list[tuple[int, int]]:
    """(applicant, employer) numbers for n cases, as an office sees them: most applicants come once,
    about one case in twenty is from a repeat complainant (3–10 cases each); most employers appear once
    or twice, a few are named in a mass complaint of up to a few dozen cases."""
    import random

    rnd = random.Random(seed)
    repeaters = max(1, n // 130)
    big = max(1, n // 2000)
    plan = []
    for i in range(n):
        r = rnd.random()
        applicant = 1_000_000 + rnd.randrange(repeaters) if r < 0.05 else i
        r = rnd.random()
        if r < 0.03:
            employer = 1_000_000 + rnd.randrange(big)  # mass complaints: ~30 cases each
        elif r < 0.40:
            employer = 2_000_000 + rnd.randrange(max(1, n // 8))  # employers named 2–5 times
        else:
            employer = i
        plan.append((applicant, employer))
    return plan


def person(k: int) -> dict[str, str]:
    from casefile.rules.ids import id_check_char

    born = f"{1960 + k % 40}{1 + k % 12:02d}{1 + k % 28:02d}"
    first17 = f"140932{born}{k % 1000:03d}"
    name = SURNAMES[k % len(SURNAMES)] + GIVEN[2 * (k // 7 % (len(GIVEN) // 2)):][:2]
    return {"name": name, "id_number": first17 + id_check_char(first17), "mobile": f"13{k % 10_000_000_00:09d}"}


def employer(k: int) -> dict[str, str]:
    from casefile.rules.ids import uscc_check_char

    first17 = f"91140932MA{k % 10_000_000:07d}"
    return {"name": f"偏关县{SURNAMES[k % len(SURNAMES)]}{k % 9973}号{TRADES[k % len(TRADES)]}有限公司",
            "credit_code": first17 + uscc_check_char(first17)}


def generate(ws: Path, n: int, now: datetime) -> str:
    """Write n valid dossiers quickly (no fsync): case.json + a one-line journal. The parties vary as
    in a real office (party_plan), so the repeat-complainant and mass-complaint counts read a few index
    entries each, not the whole table."""
    sys.path.insert(0, str(ROOT / "src"))
    import yaml

    from casefile.config import find_workspace
    from casefile.models.case import Case
    from casefile.models.records import Deadline
    from casefile.store import GENESIS, case_bytes, encode_entry, sha256_bytes
    from casefile.workflow import parse_form

    settings = find_workspace(str(ws)).settings
    form = parse_form(yaml.safe_load((ROOT / "tests/fixtures/forms/intake-unit.yaml").read_text(encoding="utf-8")),
                      settings, now.date())
    states = ["TRIAGE", "JOINT", "DIRECT", "NOTIFIED", "CLOSED", "ENFORCEMENT", "FOLLOW_UP", "SPECIAL"]
    first_id = ""
    plan = party_plan(n)
    for i in range(1, n + 1):
        who, where = plan[i - 1]
        applicant = form.applicant.model_copy(update=person(who))
        counterparty = form.counterparty.model_copy(update=employer(where)) if form.counterparty else None
        year = 2026 if i % 3 else 2025
        cid = f"SBZY-140932-{year}-{i:06d}"
        first_id = first_id or cid
        received = now - timedelta(days=i % 360, hours=i % 7)
        due = (received + timedelta(days=5 + i % 40)).date()
        case = Case(id=cid, number=f"偏税社争〔{year}〕{i}号", year=year, seq=i, profile="pianguan",
                    state=states[i % len(states)], channel=form.channel, received_at=received,
                    first_handler="王晓梅", intake_dept="SW", coordinator_dept="SW", lead_dept="SW",
                    jurisdiction=form.jurisdiction, applicant=applicant, counterparty=counterparty,
                    payer_group="个人", categories=form.categories, claim=form.claim,
                    deadlines=[Deadline(step="direct", label="直接办理", start=received.date(), n=5, unit="working_days",
                                        base_due=due, due=due)])
        d = ws / "archive" / str(year) / cid
        (d / "documents").mkdir(parents=True)
        (d / "evidence").mkdir()
        body = case_bytes(case)
        (d / "case.json").write_bytes(body)
        entry = {"seq": 1, "time": received.isoformat(), "actor": "bench", "type": "created", "payload": {},
                 "prev": GENESIS, "case_sha256": sha256_bytes(body), "tx": f"{i:012d}"}
        (d / "journal.jsonl").write_bytes(encode_entry(entry) + b"\n")
    return first_id


def scan_baseline(ws: Path, today: str) -> tuple[float, int]:
    t = time.perf_counter()
    hits = 0
    for p in (ws / "archive").glob("*/*/case.json"):
        data = json.loads(p.read_bytes())
        if any(d["done_at"] is None and d["due"] < today for d in data["deadlines"]):
            hits += 1
    return time.perf_counter() - t, hits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--keep", metavar="DIR", help="build the workspace in DIR and keep it (reused when it exists)")
    args = ap.parse_args()
    now = datetime.fromisoformat("2026-11-22T10:00:00+08:00")
    # Byte-code as an installed wheel has it (an editable install where PYTHONDONTWRITEBYTECODE is set
    # would recompile every module on every call and time that instead).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True, stdout=subprocess.DEVNULL)
    env = {**os.environ, "CASEFILE_NOW": now.isoformat(), "CASEFILE_USER": "bench"}
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(args.keep) if args.keep else Path(tmp) / "ws"
        reuse = (ws / "casefile.toml").exists()
        if not reuse:
            from casefile.identity import os_login
            from casefile.workspace import init_workspace

            # a test workspace (CASEFILE_NOW pins its clock) with the bench operator as staff
            init_workspace(ws, "pianguan", purpose="test", staff=[{"name": "bench", "dept": "SW", "roles": ["officer", "head", "archivist"], "os_user": os_login()}])
        env["CASEFILE_HOME"] = str(ws)
        gen_s = rebuild_s = 0.0
        if reuse:
            first = min(p.name for p in (ws / "archive" / "2026").iterdir())
        else:
            t = time.perf_counter()
            first = generate(ws, args.cases, now)
            gen_s = time.perf_counter() - t
            t = time.perf_counter()
            subprocess.run([*CASEFILE, "catalog", "rebuild"], env=env, check=True, stdout=subprocess.DEVNULL)
            rebuild_s = time.perf_counter() - t
        check = subprocess.run([*CASEFILE, "show", first], env=env, capture_output=True, text=True)
        if check.returncode != 0:  # a refusal would be timed as a (fast) success otherwise
            sys.exit(f"casefile show failed: {check.stderr.strip()}")
        click_import, help_, show = timed_side_by_side(
            [[sys.executable, "-c", "import click"], [*CASEFILE, "--help"], [*CASEFILE, "show", first]], env, args.runs)
        overdue = timed([*CASEFILE, "list", "--overdue", "--limit", "50"], env, args.runs)
        due = timed([*CASEFILE, "due"], env, args.runs)
        base_s, hits = scan_baseline(ws, now.date().isoformat())
        print("\n启动时间（秒；三条命令逐轮交替计时）")
        print(f"{'命令':<28}{'p50':>8}{'p95':>8}{'倍数(对 import click)':>22}")
        ref = statistics.median(click_import)
        for name, vals in (("python -c 'import click'", click_import), ("casefile --help", help_),
                           ("casefile show ID", show)):
            print(f"{name:<28}{statistics.median(vals):>8.3f}{pct(vals, 95):>8.3f}{statistics.median(vals) / ref:>22.2f}")
        print(f"\n规模：{args.cases} 件（生成 {gen_s:.1f}s，catalog rebuild {rebuild_s:.1f}s）")
        print(f"{'操作':<32}{'p50':>8}{'p95':>8}")
        for name, vals in (("casefile list --overdue", overdue), ("casefile due", due)):
            print(f"{name:<32}{statistics.median(vals):>8.3f}{pct(vals, 95):>8.3f}")
        print(f"{'基线：逐个读取 case.json 扫描':<32}{base_s:>8.3f}{base_s:>8.3f}   （超期 {hits} 件）")
        print(f"目录相对全量扫描的加速比（p95）：{base_s / pct(overdue, 95):.1f}×（list --overdue），"
              f"{base_s / pct(due, 95):.1f}×（due）")


if __name__ == "__main__":
    main()
