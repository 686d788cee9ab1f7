"""Search benchmark: index throughput and query latency for the shipped whoosh configuration, the
tantivy engine and the baseline (jieba's stock ChineseAnalyzer on whoosh), plus the wall time of
``casefile search`` in a fresh process.

    python bench/bench_search.py                      # 10k and 100k documents (long: whoosh at 100k takes minutes)
    python bench/bench_search.py --docs 2000          # quick run
    python bench/bench_search.py --docs 10000 --engines tantivy --cli-runs 0

Documents are synthetic case records (about 250 characters each) built from sentences of the shipped
statutes and case templates, deterministic for a given ``--seed``. Shipped engines are timed through
the whole production path: analysis in a process pool (both cores), engine writes, then queries with
filters, facets, snippets and masking. Goals: tantivy p95 ≤ 50 ms at 100k; ``casefile search`` in a
fresh process p95 ≤ 400 ms at 10k.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from casefile.search_engines.base import Engine, Filter, SearchDoc

QUERIES = [
    "滞纳金", "社会保险费", "缴费基数", "应参未参", "退费", "滞纳金 减免", "缴费基数 补缴", "社会保险 强制执行",
    '"责令限期缴纳"', "2025年滞纳金", "12345", "䶮", "滯納金", "养老保险关系转移", "特殊缴费 核定",
    "用人单位未按时足额缴纳社会保险费", "行政复议 六十日", "劳动关系 确认", "医疗保险费 重复缴纳", "信访",
]
FILTERS: list[dict[str, tuple[str, ...]]] = [{}, {"kind": ("case",)}, {"category": ("C06",)}, {"year": ("2025",)},
                                             {"risk": ("高",)}]

TEMPLATES = [
    ("C06", "{company}申请减免社会保险费滞纳金", "{who}反映{company}未按时缴纳{year}年{m}月的社会保险费，被按日加收万分之五的滞纳金，申请减免。"),
    ("C03", "{company}职工反映缴费基数申报过低", "职工{name}等{n}人反映{company}按最低缴费基数申报养老保险，实际工资约为申报基数的两倍，要求补缴。"),
    ("C07", "{name}申请退还重复缴纳的医疗保险费", "{name}反映{year}年重复缴纳城乡居民医疗保险费，申请退费，对退费流程有异议。"),
    ("C01", "{name}养老保险关系转移接续争议", "{name}从外省调入，基本养老保险关系转移接续未办结，缴费年限无法合并计算。"),
    ("C09", "{company}拖欠社会保险费强制执行案", "税务机关对{company}开展缴费检查，发现少缴社会保险费{amount}元，下达责令限期缴纳通知书后仍未缴纳。"),
    ("P1", "{company}应参未参争议", "{name}等{n}名工人反映{company}未办理社会保险登记，属于应参未参，要求补办参保登记并补缴。"),
    ("C10", "12345热线转办：{name}反映缴费App故障", "12345热线转来工单，{name}反映使用社保缴费App缴费失败。"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ["建国", "秀英", "志强", "丽华", "海燕", "国庆", "春梅", "德明", "红霞", "永刚", "玉兰", "晓东", "䶮", "𠮷祥"]
COMPANIES = ["晋北建材有限公司", "万家寨煤业有限责任公司", "顺达物流有限公司", "黄河餐饮管理有限公司", "老营建筑工程有限公司",
             "天峰坪纺织有限公司", "南堡子商贸有限公司", "恒通运输有限公司", "鑫源化工有限公司", "关河物业服务有限公司"]
PLACES = ["偏关县新关镇", "偏关县天峰坪镇", "偏关县老营镇", "偏关县万家寨镇", "偏关县水泉乡", "偏关县尚峪乡"]


def statute_sentences() -> list[str]:
    from casefile.search_engines.sources import law_catalogue, law_docs

    out = []
    for info in law_catalogue():
        for d in law_docs(info):
            out.extend(s + "。" for s in d.body.split("。") if 10 <= len(s) <= 80)
    return out


def make_docs(n: int, seed: int) -> list[SearchDoc]:
    rng = random.Random(seed)
    sentences = statute_sentences()
    docs = []
    for i in range(n):
        cat, title_t, body_t = rng.choice(TEMPLATES)
        year = rng.choice((2023, 2024, 2025, 2026))
        values = {"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "company": rng.choice(COMPANIES), "year": year,
                  "m": rng.randint(1, 12), "n": rng.randint(3, 40), "amount": f"{rng.randint(10, 900)}00.00"}
        values["who"] = f"{values['company']}财务负责人{values['name']}"
        body = body_t.format(**values) + "".join(rng.sample(sentences, 3))
        if rng.random() < 0.05:
            from casefile.search_engines.analysis import _t2s

            inverse = {v: chr(k) for k, v in _t2s().chars.items()}
            body = "".join(inverse.get(ch, ch) for ch in body)  # some records arrive in Traditional characters
        docs.append(SearchDoc(
            id=f"case:BENCH-{i:06d}", kind="case", title=title_t.format(**values), body=body, case_id=f"BENCH-{i:06d}",
            category=(cat,), year=year, outcome=rng.choice(["办理中", "调解成功", "已形成处理意见", "办结"]),
            dept=(rng.choice(["SW", "RSJ", "YBJ"]),), region=(rng.choice(PLACES), "偏关县"), risk=rng.choice("低中高"),
        ))
    return docs


# -- indexing ----------------------------------------------------------------------------------------
_ENGINE: type[Engine] | None = None


def _init(engine: type[Engine]) -> None:
    global _ENGINE
    from casefile.search_engines.analysis import segmenter

    _ENGINE = engine
    segmenter()


def _prepare(doc: SearchDoc):  # type: ignore[no-untyped-def]
    from casefile.search_engines.sources import index_doc

    assert _ENGINE is not None
    return _ENGINE.precompute(index_doc(doc))


def build_shipped(engine_cls: type[Engine], path: Path, docs: Sequence[SearchDoc], workers: int) -> float:
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init, initargs=(engine_cls,)) as pool:
        engine = engine_cls.create(path)
        with engine.writer() as w:
            for d in pool.imap(_prepare, docs, chunksize=64):
                w.add(d)
        engine.close()
    return time.perf_counter() - started


def build_baseline(path: Path, docs: Sequence[SearchDoc]) -> float:
    from casefile.search_engines.baseline import BaselineIndex

    started = time.perf_counter()
    BaselineIndex.create(path).add_many(docs)
    return time.perf_counter() - started


# -- querying ----------------------------------------------------------------------------------------
CPU_CLOCK = False  # --cpu: time queries by process CPU time (a busy shared machine inflates wall time)

def query_plan(n: int, seed: int) -> list[tuple[str, dict[str, tuple[str, ...]]]]:
    rng = random.Random(seed + 1)
    return [(rng.choice(QUERIES), rng.choice(FILTERS)) for _ in range(n)]


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def time_shipped(engine_cls: type[Engine], path: Path, plan: Sequence[tuple[str, dict[str, tuple[str, ...]]]]) -> list[float]:
    from casefile.privacy import mask_text
    from casefile.search_engines import searcher
    from casefile.search_engines.query import build, parse

    engine = engine_cls.open(path)
    for text, flt in plan[:5]:  # warm-up
        searcher.run(engine, build(parse(text)), [Filter(k, v) for k, v in flt.items()], mask=mask_text)
    out = []
    for text, flt in plan:
        t = time.process_time() if CPU_CLOCK else time.perf_counter()
        searcher.run(engine, build(parse(text)), [Filter(k, v) for k, v in flt.items()], mask=mask_text)
        out.append(((time.process_time() if CPU_CLOCK else time.perf_counter()) - t) * 1000)
    engine.close()
    return out


def time_baseline(path: Path, plan: Sequence[tuple[str, dict[str, tuple[str, ...]]]]) -> list[float]:
    from casefile.search_engines.baseline import BaselineIndex

    ix = BaselineIndex.open(path)
    out = []
    for text, flt in plan:
        t = time.process_time() if CPU_CLOCK else time.perf_counter()
        ix.search(text, [Filter(k, v) for k, v in flt.items()], 10)
        out.append(((time.process_time() if CPU_CLOCK else time.perf_counter()) - t) * 1000)
    return out


# -- casefile search in a fresh process -------------------------------------------------------------------
def install_index(root: Path, engine_name: str, index_path: Path, n_docs: int) -> Path:
    """A workspace whose search index is the benchmark index (as ``index rebuild`` would leave it)."""
    from casefile import search
    from casefile.search_engines.analysis import dictionary_fingerprint, segmenter
    from casefile.workspace import init_workspace

    ws_root = root / f"ws-{engine_name}"
    from casefile.identity import os_login

    ws = init_workspace(ws_root, "pianguan", purpose="test", staff=[{"name": "bench", "dept": "SW", "roles": ["officer", "head", "archivist"], "os_user": os_login()}])
    cfg = ws.config_path
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('engine = "whoosh"', f'engine = "{engine_name}"'),
                   encoding="utf-8")
    target = search.index_root(ws) / "idx-bench"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(index_path, target)
    meta = {"schema": search.SCHEMA_VERSION, "engine": engine_name, "dir": "idx-bench",
            "analysis": dictionary_fingerprint(), "laws": search._laws_fingerprint(), "segmenter": segmenter().name,
            "documents": n_docs, "library": {}}
    search._write_query_dictionary(search.index_root(ws))
    (search.index_root(ws) / search.META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return ws_root


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def time_cli(ws_root: Path, runs: int, seed: int) -> tuple[list[float], list[float]]:
    """Wall time and CPU time (user + system) of ``casefile search`` in a fresh process, in ms.

    On a busy machine the CPU time is the better estimate of the wall time on an idle one."""
    rng = random.Random(seed + 2)
    # Byte-code as an installed wheel has it (see bench_cli.py).
    import casefile

    package = str(Path(casefile.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True, stdout=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"CASEFILE_HOME": str(ws_root), "CASEFILE_USER": "bench"})
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(runs + 2):
        text = rng.choice(QUERIES)
        t, c = time.perf_counter(), _children_cpu()
        p = subprocess.run([sys.executable, "-m", "casefile.cli.main", "search", text, "--json"], env=env,
                           capture_output=True, text=True, timeout=120)
        elapsed, used = (time.perf_counter() - t) * 1000, (_children_cpu() - c) * 1000
        if p.returncode != 0:
            raise SystemExit(f"casefile search failed: {p.stderr}")
        if i >= 2:  # the first runs fill the OS page cache
            wall.append(elapsed)
            cpu.append(used)
    return wall, cpu


def time_reference(runs: int) -> list[float]:
    """Wall time of a bare ``python -c "import click"`` (ms): how fast this machine starts Python now."""
    out: list[float] = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import click"], check=True)
        out.append((time.perf_counter() - t) * 1000)
    return out


# -- the run -----------------------------------------------------------------------------------------
def fmt(values: Sequence[float]) -> str:
    return f"p50 {statistics.median(values):7.1f} ms  p95 {percentile(values, 95):7.1f} ms"


def run(sizes: Sequence[int], engines: Sequence[str], n_queries: int, cli_runs: int, workers: int, seed: int,
        workdir: Path) -> Iterator[str]:
    from casefile.search_engines.analysis import segmenter
    from casefile.search_engines.tantivy_engine import TantivyEngine
    from casefile.search_engines.whoosh_engine import WhooshEngine

    classes: dict[str, type[Engine]] = {"whoosh": WhooshEngine, "tantivy": TantivyEngine}
    yield (f"segmenter: {segmenter().name}; workers: {workers}; CPUs: {os.cpu_count()}; queries per size: {n_queries}; "
           f"query clock: {'process CPU' if CPU_CLOCK else 'wall'}; load average at start: {os.getloadavg()[0]:.1f}")
    for n in sizes:
        docs = make_docs(n, seed)
        chars = sum(len(d.title) + len(d.body) for d in docs)
        plan = query_plan(n_queries, seed)
        yield f"\n== {n} documents ({chars / n:.0f} characters each on average)"
        for name in engines:
            path = workdir / f"{name}-{n}"
            shutil.rmtree(path, ignore_errors=True)
            if name == "baseline":
                secs = build_baseline(path, docs)
                times = time_baseline(path, plan)
                note = "(parse + search only; no facets or snippets)"
            else:
                secs = build_shipped(classes[name], path, docs, workers)
                times = time_shipped(classes[name], path, plan)
                note = "(filters, facets, snippets, masking)"
            yield f"{name:9} index {secs:7.1f} s  {n / secs:7.0f} docs/s   query {fmt(times)} {note}"
            if cli_runs and name in classes and n <= 20000:
                ws_root = install_index(workdir, name, path, n)
                wall, cpu = time_cli(ws_root, cli_runs, seed)
                yield f"{'':9} casefile search, fresh process: wall {fmt(wall)}; CPU {fmt(cpu)}"
                ref = time_reference(cli_runs)
                yield (f"{'':9} reference, python -c 'import click' in the same run: wall {fmt(ref)} "
                       f"(search p50 = {statistics.median(wall) / statistics.median(ref):.1f}× that)")
            if name != "baseline" or n == sizes[-1]:
                shutil.rmtree(path, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, action="append", help="document count (repeatable; default 10000 and 100000)")
    ap.add_argument("--engines", default="baseline,whoosh,tantivy", help="comma-separated: baseline,whoosh,tantivy")
    ap.add_argument("--queries", type=int, default=200, help="timed queries per size and engine")
    ap.add_argument("--cli-runs", type=int, default=20, help="fresh-process `casefile search` runs (sizes ≤ 20k)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="analysis processes")
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--workdir", type=Path, help="where indexes are built (default: a temporary directory)")
    ap.add_argument("--cpu", action="store_true", help="time queries by CPU time instead of wall time")
    args = ap.parse_args(argv)
    global CPU_CLOCK
    CPU_CLOCK = args.cpu
    sizes = args.docs or [10_000, 100_000]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - {"baseline", "whoosh", "tantivy"}
    if unknown:
        ap.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for line in run(sizes, engines, args.queries, args.cli_runs, args.workers, args.seed, Path(tmp)):
            print(line, flush=True)


if __name__ == "__main__":
    main()
