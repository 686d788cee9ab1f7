"""Benchmark of the monthly analysis over a large catalog, against re-reading every case.json.

    .venv/bin/python bench/bench_reports.py [--cases 100000] [--baseline-cases 2000] [--month 2026-10]
                                            [--repeat 3] [--ledger] [--keep DIR]

1. Writes ``--cases`` synthetic cases straight into ``indexes/catalog.sqlite`` (cases, categories,
   deadlines, follow-ups, remedies, state changes, enforcement events; 36 months up to the month)
   — generating real dossiers for 100,000 cases would take hours and is not what is measured.
2. Times ``monthly_report()`` (all figures; goal ≤ 2 s), ``current_risks()`` (what ``casefile due``
   adds), the charts + .docx, the .xlsx tables and, with ``--ledger``, the register export.
3. Baseline: ``--baseline-cases`` real dossiers (case.json + journal, made with ``Dossier.create``
   from the same generator) and a straightforward report that loads every case.json and computes
   the same core figures in Python. Its time is measured on that smaller set and extrapolated
   linearly to ``--cases`` (stated as such in the output). Real dossiers also carry document and
   evidence records, so the real baseline would be slower still.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src")]

TZ = ZoneInfo("Asia/Shanghai")
LOAD_BEFORE = ""
CATEGORIES = ["C06_LATE_FEE", "C03_BASE_DECL", "C09_COLLECT_AUDIT_ARREARS", "C04_AMOUNT", "C07_REFUND",
              "C01_REG_TRANSFER", "C08_BENEFIT", "C02_REG_INFO_SYNC", "C05_SPECIAL_ASSESS", "C10_OTHER",
              "P1_NOT_ENROLLED", "P2_DECLARED_UNPAID", "P3_BASE_MISMATCH", "P4_OTHER_BENEFIT"]
CAT_WEIGHTS = [24, 18, 16, 9, 8, 6, 5, 3, 3, 2, 2, 2, 1, 1]
CHANNELS = ["窗口来访", "12345热线", "12366热线", "信访", "书信传真", "网格员", "线上", "部门移送", "舆情监测"]
CH_WEIGHTS = [30, 25, 15, 8, 2, 8, 8, 3, 1]
GROUPS = ["单位", "个人", "灵活就业", "城乡居民", "退休"]
GR_WEIGHTS = [35, 35, 15, 10, 5]
PLACES = ["偏关县新关镇", "偏关县天峰坪镇", "偏关县老营镇", "偏关县万家寨镇", "偏关县水泉乡", "偏关县尚峪乡",
          "偏关县南堡子乡", "偏关县陈家营乡"]
LEADS = ["SW", "RSJ", "YBJ"]
SATISFACTION = ["满意", "基本满意", "不满意"]


# -- one synthetic case, shared by the catalog rows and the real dossiers -------------------------------
@dataclass
class Spec:
    n: int
    received: datetime
    state: str
    risk: str
    case_class: str
    lead: str
    channel: str
    place: str
    group: str
    kind: str
    categories: list[str]
    applicant: str
    counterparty: str | None
    represents: int | None
    amount: Decimal
    triaged: date
    closed: datetime | None
    deadlines: list[tuple[str, str, str | None, date, date, date | None]] = field(default_factory=list)
    followup: tuple[datetime, str, bool] | None = None
    remedy: tuple[str, date, str | None, date | None] | None = None
    enforcement: tuple[datetime, list[tuple[str, datetime]], date | None, Decimal, Decimal] | None = None
    changes: list[tuple[datetime, str, str]] = field(default_factory=list)

    @property
    def case_id(self) -> str:
        return f"SBZY-140932-{self.received.year}-{self.n:06d}"


def specs(count: int, end: date, seed: int = 20261031) -> Iterator[Spec]:
    rng = random.Random(seed)
    span = 36 * 30
    applicants = max(1, int(count * 0.75))
    employers = max(1, count // 20)
    for n in range(1, count + 1):
        received = datetime.combine(end - timedelta(days=rng.randrange(span)), datetime.min.time(), TZ) \
            + timedelta(hours=rng.randint(9, 16), minutes=rng.choice([0, 15, 30, 45]))
        d0 = received.date()
        risk = rng.choices(["低", "中", "高"], [55, 35, 10])[0]
        cls = {"低": "本单位", "中": "一般", "高": "重大疑难"}[risk]
        triaged = d0 + timedelta(days=rng.choice([0, 0, 0, 1, 2, 4]))
        age = (end - d0).days
        length = rng.randint(3, 70)
        closed = None
        if age > length and rng.random() < (0.995 if age > 120 else 0.9):
            closed = received + timedelta(days=length, hours=1)
        kind = rng.choices(["unit", "person"], [35, 65])[0]
        s = Spec(
            n=n, received=received, state="CLOSED" if closed else rng.choice(["DIRECT", "JOINT", "NOTIFIED", "FOLLOW_UP"]),
            risk=risk, case_class=cls, lead=rng.choices(LEADS, [60, 25, 15])[0],
            channel=rng.choices(CHANNELS, CH_WEIGHTS)[0], place=rng.choice(PLACES),
            group="单位" if kind == "unit" else rng.choices(GROUPS[1:], GR_WEIGHTS[1:])[0], kind=kind,
            categories=list(dict.fromkeys(rng.choices(CATEGORIES, CAT_WEIGHTS, k=rng.choice([1, 1, 1, 2])))),
            applicant=f"A{rng.randrange(applicants)}", counterparty=f"U{rng.randrange(employers)}" if rng.random() < 0.4 else None,
            represents=rng.randint(10, 60) if rng.random() < 0.03 else None,
            amount=Decimal(rng.choice([0, 0, rng.randint(1, 200) * 1000])).quantize(Decimal("0.01")),
            triaged=triaged, closed=closed,
        )
        work = "direct" if risk == "低" else ("opinion" if risk == "中" else "special_decision")
        end_work = (closed.date() - timedelta(days=min(length // 2, 20))) if closed else None
        s.deadlines = [
            ("register", "登记并出具受理回执", None, d0, d0, d0),
            ("triage", "审核分类/风险初判", None, d0, d0 + timedelta(days=1), triaged),
            (work, "办理", s.lead if work == "direct" else "RSJ", triaged, triaged + timedelta(days=7),
             end_work if end_work and end_work >= triaged else (None if not closed else triaged + timedelta(days=3))),
            ("hard_ceiling", "办理总时限", None, d0, d0 + timedelta(days=60), end_work if closed else None),
        ]
        s.changes = [(received, "INTAKE", "REGISTERED"), (received, "REGISTERED", "TRIAGE"),
                     (datetime.combine(triaged, received.timetz()), "TRIAGE", "DIRECT" if risk == "低" else "JOINT")]
        if closed:
            f_at = closed - timedelta(hours=1)
            notified = end_work or triaged
            s.deadlines.append(("followup", "首次跟踪回访", None, notified, notified + timedelta(days=14), f_at.date()))
            sat = rng.choices(SATISFACTION, [70, 20, 10])[0]
            objection = sat == "不满意" and rng.random() < 0.5
            s.followup = (f_at, sat, objection)
            s.changes.append((closed, "FOLLOW_UP", "CLOSED"))
            if objection:
                filed = f_at.date()
                done = filed + timedelta(days=rng.randint(20, 90))
                s.remedy = (rng.choice(["复议", "诉讼", "仲裁", "调解"]), filed,
                            rng.choice(["维持", "撤销", "驳回", "和解"]) if done <= end else None,
                            done if done <= end else None)
            if rng.random() < 0.08:
                start = received + timedelta(days=5)
                owed = Decimal(rng.randint(5, 300) * 1000).quantize(Decimal("0.01"))
                fee = (owed * Decimal("0.0005") * rng.randint(30, 120)).quantize(Decimal("0.01"))
                paid_on = closed.date() - timedelta(days=1)
                s.enforcement = (start, [("E1", start), ("E2", start + timedelta(days=16)),
                                         ("E_DONE", datetime.combine(paid_on, start.timetz()))],
                                 paid_on, owed, fee)
        yield s


# -- catalog rows --------------------------------------------------------------------------------------
def fill_catalog(ws: Any, items: Iterator[Spec]) -> int:
    from casefile import catalog

    with catalog.connect(ws):
        pass  # schema + meta (empty workspace)
    con = sqlite3.connect(catalog.catalog_path(ws), isolation_level=None)
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute("PRAGMA synchronous = OFF")
    indexes = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")]
    for name in indexes:  # bulk load first, index after
        con.execute(f"DROP INDEX {name}")
    con.execute("BEGIN")
    cases: list[tuple[Any, ...]] = []
    cats: list[tuple[Any, ...]] = []
    dls: list[tuple[Any, ...]] = []
    fus: list[tuple[Any, ...]] = []
    rems: list[tuple[Any, ...]] = []
    chs: list[tuple[Any, ...]] = []
    evs: list[tuple[Any, ...]] = []
    count = 0
    for s in items:
        count += 1
        cid = s.case_id
        enf = s.enforcement
        cases.append((
            cid, f"偏税社争〔{s.received.year}〕{s.n}号", s.received.year, s.n, "pianguan", s.state, s.case_class, s.risk,
            s.channel, None, s.place, "140932", "SW", "SW", s.lead, "[]", "王晓梅", s.group, s.kind, f"反映人{s.n}",
            s.applicant, None, s.counterparty, s.represents, s.received.isoformat(), s.received.date().isoformat(),
            s.received.isoformat(), None, s.closed.isoformat() if s.closed else None,
            s.closed.date().isoformat() if s.closed else None, None, None, str(s.amount),
            "E_DONE" if enf else None, str(enf[3] + enf[4]) if enf else None, str(enf[4]) if enf else None,
            "足额缴纳" if enf else None, s.followup[1] if s.followup else None, None, "[]", json.dumps(s.categories),
            "[]", None, None, None, 0, 0, "", 1, "", "回访无异议" if s.closed else None,
            enf[0].isoformat() if enf else None, enf[2].isoformat() if enf and enf[2] else None, str(enf[3]) if enf else None,
        ))
        cats.extend((cid, c) for c in s.categories)
        is_open = s.state not in ("CLOSED", "ARCHIVED", "REDIRECTED")
        dls.extend((cid, step, label, dept, st.isoformat(), due.isoformat(), due.isoformat(),
                    done.isoformat() if done else None, 0, int(done is None and is_open), s.received.isoformat())
                   for step, label, dept, st, due, done in s.deadlines)
        if s.followup:
            fus.append((cid, s.followup[0].isoformat(), s.followup[1], int(s.followup[2]), None))
        if s.remedy:
            kind, filed, outcome, closed = s.remedy
            rems.append((cid, kind, filed.isoformat(), "已结束" if closed else "进行中", outcome,
                         closed.isoformat() if closed else None))
        chs.extend((cid, at.isoformat(), a, b) for at, a, b in s.changes)
        if enf:
            evs.extend((cid, step, at.isoformat()) for step, at in enf[1])
    marks = ", ".join("?" for _ in cases[0])
    con.executemany(f"INSERT INTO cases VALUES ({marks})", cases)
    con.executemany("INSERT INTO case_categories VALUES (?, ?)", cats)
    con.executemany("INSERT INTO deadlines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", dls)
    con.executemany("INSERT INTO followups VALUES (?, ?, ?, ?, ?)", fus)
    con.executemany("INSERT INTO remedies VALUES (?, ?, ?, ?, ?, ?)", rems)
    con.executemany("INSERT INTO state_changes VALUES (?, ?, ?, ?)", chs)
    con.executemany("INSERT INTO enforcement_events VALUES (?, ?, ?)", evs)
    con.execute("COMMIT")
    con.executescript(catalog.SCHEMA)  # recreates the indexes
    con.execute("ANALYZE")
    con.execute("PRAGMA journal_mode = WAL")
    con.close()
    return count


# -- real dossiers for the baseline -------------------------------------------------------------------------
def make_dossiers(ws: Any, items: Iterator[Spec]) -> int:
    from casefile.models.case import Case
    from casefile.models.records import (
        Deadline,
        Enforcement,
        EnforcementEvent,
        FollowUp,
        Jurisdiction,
        Remedy,
    )
    from casefile.store import Dossier

    count = 0
    for s in items:
        enf = None
        if s.enforcement:
            start, events, paid_on, owed, fee = s.enforcement
            enf = Enforcement(started_at=start, respondent="某公司", step="E_DONE", paid_on=paid_on,
                              collected=owed + fee, late_fee_total=fee, outcome="足额缴纳",
                              history=[EnforcementEvent(step=st, at=at) for st, at in events])
        case = Case(
            id=s.case_id, number=f"偏税社争〔{s.received.year}〕{s.n}号", year=s.received.year, seq=s.n,
            profile="pianguan", state=s.state, channel=s.channel, received_at=s.received, registered_at=s.received,
            first_handler="王晓梅", intake_dept="SW", coordinator_dept="SW", lead_dept=s.lead,
            jurisdiction=Jurisdiction(name=s.place, code="140932"),
            applicant={"kind": s.kind, "name": f"反映人{s.n}"}, payer_group=s.group, categories=s.categories,
            amounts={"claimed": s.amount} if s.amount else {}, claim="反映缴费争议事项，要求依法处理。" * 4,
            case_class=s.case_class, risk=s.risk, closed_at=s.closed, enforcement=enf,
            deadlines=[Deadline(step=st, label=label, start=start_, n=1, unit="working_days", base_due=due, due=due,
                                dept=dept, done_at=done) for st, label, dept, start_, due, done in s.deadlines],
            followups=[FollowUp(at=s.followup[0], method="电话", by="张磊", respondent="反映人",
                                satisfaction=s.followup[1], objection=s.followup[2])] if s.followup else [],
            remedies=[Remedy(kind=s.remedy[0], body="复议机关", filed_at=s.remedy[1], outcome=s.remedy[2],
                             closed_at=s.remedy[3])] if s.remedy else [],
        )
        Dossier.create(ws, case, "bench", s.received, "created", {"to": s.state})
        count += 1
    return count


def baseline_report(ws: Any, month_start: date, as_of: date) -> dict[str, Any]:
    """What a report without the catalog does: open every case.json and count in Python."""
    from casefile.store import iter_dossiers

    out: dict[str, Any] = defaultdict(Counter)
    new = closed = open_end = overdue = 0
    due_n: Counter[str] = Counter()
    on_time: Counter[str] = Counter()
    days: dict[str, list[int]] = defaultdict(list)
    sat: Counter[str] = Counter()
    for d in iter_dossiers(ws):
        c = d.load()
        rd = c.received_at.date()
        cd = c.closed_at.date() if c.closed_at else None
        if month_start <= rd <= as_of:
            new += 1
            for cat in c.categories:
                out["category"][cat.value] += 1
            out["group"][c.payer_group.value] += 1
            out["channel"][c.channel.value] += 1
            out["jurisdiction"][c.jurisdiction.name] += 1
            out["risk"][c.risk.value if c.risk else ""] += 1
            out["lead"][c.lead_dept or ""] += 1
        if cd and month_start <= cd <= as_of:
            closed += 1
        if rd <= as_of and (cd is None or cd > as_of):
            open_end += 1
            if any(x.due < as_of and (x.done_at is None or x.done_at > as_of) for x in c.deadlines):
                overdue += 1
        for x in c.deadlines:
            dept = x.dept or c.coordinator_dept
            done = x.done_at if x.done_at and x.done_at <= as_of else None
            if month_start <= x.due <= as_of:
                due_n[dept] += 1
                on_time[dept] += bool(done and done <= x.due)
            if done and done >= month_start:
                days[dept].append((done - x.start).days)
        for f in c.followups:
            if month_start <= f.at.date() <= as_of:
                sat[f.satisfaction.value] += 1
    return {"new": new, "closed": closed, "open_end": open_end, "overdue": overdue, "by": dict(out),
            "due": dict(due_n), "on_time": dict(on_time),
            "median": {k: statistics.median(v) for k, v in days.items()}, "satisfaction": dict(sat)}


# -- timing ----------------------------------------------------------------------------------------------
CPU: dict[int, float] = {}


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall-clock time of ``repeat`` runs; the CPU time of that run is kept in ``CPU[id(result)]``."""
    best, cpu, result = float("inf"), 0.0, None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        wall = time.perf_counter() - t
        if wall < best:
            best, cpu = wall, time.process_time() - c
    CPU[id(result)] = cpu
    return best, result


def cpu_of(result: Any) -> str:
    return f"CPU {CPU.get(id(result), 0.0):.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=100_000, help="cases in the catalog (default 100,000)")
    ap.add_argument("--baseline-cases", type=int, default=2_000, help="real dossiers for the baseline (default 2,000)")
    ap.add_argument("--month", default="2026-10", help="report month (default 2026-10)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N for the figures (default 3)")
    ap.add_argument("--ledger", action="store_true", help="also time the register export (.xlsx + .csv)")
    ap.add_argument("--keep", type=Path, help="build the workspaces here and keep them")
    args = ap.parse_args()
    global LOAD_BEFORE
    LOAD_BEFORE = " / ".join(f"{x:.1f}" for x in os.getloadavg())

    from casefile.reports import current_risks, monthly_report, parse_month
    from casefile.reports.charts import render_charts
    from casefile.reports.monthly_docx import write_report_docx
    from casefile.reports.tables import write_report_xlsx
    from casefile.workspace import init_workspace

    month = parse_month(args.month)
    today = month.end + timedelta(days=3)
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-reports-"))
    base.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str]] = []
    try:
        big = init_workspace(base / "catalog-ws", "pianguan", force=True)
        t_fill, n = timed(lambda: fill_catalog(big, specs(args.cases, month.end)))
        rows.append(("准备：向 catalog.sqlite 直接写入案件", f"{t_fill:8.2f} s", f"{n:,} 件（不计入比较）"))

        t_fig, rep = timed(lambda: monthly_report(big, month, today), args.repeat)
        verdict = "墙钟达标" if t_fig <= 2.0 else ("墙钟超标，CPU 达标（机器负载高）" if CPU[id(rep)] <= 2.0 else "未达标")
        rows.append(("计算月报全部数据 monthly_report()", f"{t_fig:8.2f} s",
                     f"{cpu_of(rep)}；目标 ≤ 2 s：{verdict}；新受理 {rep.figures.new:,} 件，预警 {len(rep.risks):,} 条"))
        t_risk, warnings = timed(lambda: current_risks(big, today), args.repeat)
        rows.append(("风险预警 current_risks()（casefile due 附加）", f"{t_risk:8.2f} s",
                     f"{cpu_of(warnings)}；{len(warnings):,} 条"))
        t_chart, charts = timed(lambda: render_charts(rep))
        rows.append(("三幅图表（matplotlib）", f"{t_chart:8.2f} s", f"{cpu_of(charts)}；中文字体：{charts.font or '未找到'}"))
        out = base / "out"
        t_docx, docx = timed(lambda: write_report_docx(rep, out / "D30.docx", charts=charts))
        rows.append(("写入 .docx（含图表）", f"{t_docx:8.2f} s", cpu_of(docx)))
        t_xlsx, sheets = timed(lambda: write_report_xlsx(rep, out / "D30.xlsx"))
        rows.append(("写入 .xlsx 统计表", f"{t_xlsx:8.2f} s", cpu_of(sheets)))
        total = t_fig + t_chart + t_docx + t_xlsx
        total_cpu = sum(CPU[id(x)] for x in (rep, charts, docx, sheets))
        rows.append(("合计：report month（数据＋图表＋.docx＋.xlsx）", f"{total:8.2f} s", f"CPU {total_cpu:.2f} s"))
        if args.ledger:
            from casefile.reports.ledger import build_ledger, write_ledger_csv, write_ledger_xlsx

            t_led, ledger = timed(lambda: build_ledger(big, today))
            t_lx, lx = timed(lambda: write_ledger_xlsx(ledger, out / "ledger.xlsx"))
            t_lc, _ = timed(lambda: write_ledger_csv(ledger, out / "ledger.csv"))
            rows.append(("台账：查询全部案件", f"{t_led:8.2f} s", f"{cpu_of(ledger)}；{len(ledger.rows):,} 行"))
            rows.append(("台账：写入 .xlsx（openpyxl 流式）", f"{t_lx:8.2f} s", f"{cpu_of(lx)}；.csv {t_lc:.2f} s"))

        small = init_workspace(base / "dossier-ws", "pianguan", force=True)
        t_make, m = timed(lambda: make_dossiers(small, specs(args.baseline_cases, month.end, seed=7)))
        rows.append(("准备：生成真实案卷 case.json", f"{t_make:8.2f} s", f"{m:,} 件（不计入比较）"))
        t_base, base_result = timed(lambda: baseline_report(small, month.start, month.as_of(today)))
        per_case = t_base / max(m, 1)
        extrapolated = per_case * args.cases
        cpu_extrapolated = CPU[id(base_result)] / max(m, 1) * args.cases
        rows.append((f"基线：逐个读取 case.json 统计（实测 {m:,} 件）", f"{t_base:8.2f} s",
                     f"每件 {per_case * 1000:.2f} ms；{cpu_of(base_result)}（案卷在页缓存中，冷启动更慢）"))
        rows.append((f"基线：外推至 {args.cases:,} 件（线性外推，非实测）", f"{extrapolated:8.1f} s",
                     f"CPU {cpu_extrapolated:.1f} s；按 CPU 约为 monthly_report() 的 "
                     f"{cpu_extrapolated / max(CPU[id(rep)], 1e-9):,.0f} 倍（且基线只算了部分指标、不含风险预警）"))
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)

    width = max(_w(r[0]) for r in rows)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"casefile 月度分析基准（{month.label}，catalog 案件 {args.cases:,} 件；"
          f"{os.cpu_count()} 核，开始前负载 {LOAD_BEFORE}，结束时负载 {load}）")
    print("-" * (width + 40))
    for name, value, note in rows:
        print(f"{name}{' ' * (width - _w(name))}  {value}  {note}")


def _w(text: str) -> int:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


if __name__ == "__main__":
    main()
