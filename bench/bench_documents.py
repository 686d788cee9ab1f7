"""Benchmark of the document engine against plain docxtpl, in one run on one machine.

    .venv/bin/python bench/bench_documents.py [--docs 1000] [--repeat 20]

1. Per document, for every template: casefile (build the context from a Case, prepare the template
   from scratch, strict render, zip) and casefile with the template already prepared, against a
   bare ``DocxTemplate(path).render(context); save()`` of the same context. Goal: casefile ≤ 1.25×.
2. A batch of N 责令限期缴纳通知书 (D17) from a CSV (parse, check digits, group, 文号 from the
   sequence, context, render, write .docx + data snapshot) against a docxtpl loop that only renders
   and saves precomputed contexts. Each side runs in its own process so peak RSS is its own.
   Goal: ≥ 3× the docs/second.
3. ``--pdf``: a 20-document dossier (D01–D20 of the full case) converted to PDF by one warm LibreOffice
   (casefile.documents.office, start-up included) against a cold ``soffice --convert-to`` per document,
   in the same run; the text of every pair of PDFs must be identical. Goal: ≥ 5× the docs/second.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "documents")]


def _workspace(where: Path) -> Any:
    from casefile.workspace import init_workspace

    return init_workspace(where / "ws", "pianguan")


def per_document(repeat: int) -> list[tuple[str, float, float, float]]:
    from docfixtures import NOW, TEMPLATE_TYPES, WORKFLOW_EXTRA, full_case
    from docxtpl import DocxTemplate

    from casefile.documents.context import build_context
    from casefile.documents.engine import find_template, load_template, make_env, prepare

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ws = _workspace(Path(tmp))
        case = full_case()
        for t in TEMPLATE_TYPES:
            tf = find_template(ws, t)
            data = tf.read_bytes()
            extra = WORKFLOW_EXTRA.get(t)
            ctx = build_context(ws, case, t, now=NOW, actor="bench", extra=extra).data

            def cold() -> None:
                c = build_context(ws, case, t, now=NOW, actor="bench", extra=extra).data  # noqa: B023
                prepare(data, tf.name).render(c)  # noqa: B023

            def warm() -> None:
                c = build_context(ws, case, t, now=NOW, actor="bench", extra=extra).data  # noqa: B023
                load_template(tf).render(c)  # noqa: B023

            def plain() -> None:
                tpl = DocxTemplate(io.BytesIO(data))  # noqa: B023
                tpl.render(ctx, jinja_env=make_env(), autoescape=True)  # noqa: B023
                tpl.save(io.BytesIO())

            timings = {}
            for name, fn in (("plain", plain), ("cold", cold), ("warm", warm)):
                fn()
                samples = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    fn()
                    samples.append(time.perf_counter() - start)
                timings[name] = statistics.median(samples)
            rows.append((t, timings["plain"], timings["cold"], timings["warm"]))
    return rows


def make_csv(path: Path, n: int) -> None:
    from casefile.rules.ids import uscc_check_char

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["缴费人名称", "统一社会信用代码", "地址", "法定代表人", "险种", "所属期", "人数", "缴费基数",
                    "应缴金额", "已缴金额", "限缴日期"])
        for i in range(n):
            first17 = f"91140932MA{i:07d}"
            code = first17 + uscc_check_char(first17)
            for ins, due in (("基本养老", "12800.00"), ("失业", "320.00")):
                w.writerow([f"偏关县测试{i}号建材有限公司", code, f"偏关县新关镇工业路{i}号", "张某某", ins,
                            "202501", "16", "4000.00", due, "0", "2026-06-30"])


def batch_casefile(n: int) -> dict[str, float]:
    from docfixtures import NOW

    from casefile.documents.batch import plan_batch

    with tempfile.TemporaryDirectory() as tmp:
        ws = _workspace(Path(tmp))
        src = Path(tmp) / "arrears.csv"
        make_csv(src, n)
        start = time.perf_counter()
        job = plan_batch(ws, "D17", src, out_dir=Path(tmp) / "out", actor="bench", now=NOW)
        for _ in job.run():
            pass
        elapsed = time.perf_counter() - start
        assert len(job.report.ok) == n, job.report.failed[:3]
    return {"docs": n, "seconds": elapsed}


def batch_docxtpl(n: int) -> dict[str, float]:
    """The loop a script would write: render precomputed contexts with docxtpl and save."""
    from docfixtures import NOW
    from docxtpl import DocxTemplate

    from casefile.documents.batch import plan_batch
    from casefile.documents.context import build_context
    from casefile.documents.engine import find_template, make_env

    with tempfile.TemporaryDirectory() as tmp:
        ws = _workspace(Path(tmp))
        src = Path(tmp) / "arrears.csv"
        make_csv(src, n)
        job = plan_batch(ws, "D17", src, out_dir=Path(tmp) / "unused", actor="bench", now=NOW)
        contexts = [build_context(ws, job._standalone_case(g), "D17", now=NOW, actor="bench").data for g in job.groups]
        path = Path(tmp) / "D17.docx"  # a private copy: the same bytes for the whole loop
        path.write_bytes(find_template(ws, "D17").read_bytes())
        out = Path(tmp) / "out"
        out.mkdir()
        start = time.perf_counter()
        for i, ctx in enumerate(contexts):
            tpl = DocxTemplate(str(path))
            tpl.render(ctx, jinja_env=make_env(), autoescape=True)
            tpl.save(str(out / f"{i:05d}.docx"))
        elapsed = time.perf_counter() - start
    return {"docs": n, "seconds": elapsed}


def pdf_dossier(n: int = 20) -> dict[str, Any]:
    import subprocess as sp

    from docfixtures import NOW, TEMPLATE_TYPES, WORKFLOW_EXTRA, full_case

    from casefile.documents.context import build_context
    from casefile.documents.engine import find_template, load_template
    from casefile.documents.office import warm_office
    from casefile.documents.pdf import convert_many

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = _workspace(root)
        case = full_case()
        docs = []
        for t in TEMPLATE_TYPES[:n]:
            ctx = build_context(ws, case, t, now=NOW, actor="bench", extra=WORKFLOW_EXTRA.get(t)).data
            path = root / f"{t}.docx"
            path.write_bytes(load_template(find_template(ws, t)).render(ctx))
            docs.append(path)
        start = time.perf_counter()
        cold = [convert_many([d], root / "cold")[0] for d in docs]  # one soffice start per document
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        with warm_office(root) as office:
            if office is None:
                raise SystemExit("no Python with uno (python3-uno): the warm path cannot run here")
            ready_s = time.perf_counter() - start
            warm = [convert_many([d], root / "warm")[0] for d in docs]
        warm_s = time.perf_counter() - start

        def text(p: Path) -> str:
            return sp.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, text=True, check=True).stdout

        differ = [c.stem for c, w in zip(cold, warm, strict=True) if text(c) != text(w)]
    return {"docs": len(docs), "cold_s": cold_s, "warm_s": warm_s, "ready_s": ready_s, "differ": differ}


def _child(mode: str, n: int) -> None:
    result = batch_casefile(n) if mode == "casefile" else batch_docxtpl(n)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _run_child(mode: str, n: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--docs", str(n)], check=True,
                         capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--child", choices=["casefile", "docxtpl"])
    parser.add_argument("--pdf", action="store_true", help="only part 3: warm against cold PDF conversion")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.docs)
        return
    if args.pdf:
        r = pdf_dossier()
        cold_rate, warm_rate = r["docs"] / r["cold_s"], r["docs"] / r["warm_s"]
        print(f"3. {r['docs']} 份文书转 PDF（PDF/A-2b，公文字体）")
        print(f"冷启动（每份一次 soffice --convert-to）：{r['cold_s']:.1f} 秒，{cold_rate:.2f} 份/秒")
        print(f"常驻 LibreOffice（含启动 {r['ready_s']:.1f} 秒）：{r['warm_s']:.1f} 秒，{warm_rate:.2f} 份/秒")
        print(f"速度倍数 {warm_rate / cold_rate:.2f}×（目标 ≥ 5×）；文字不同的文书：{'、'.join(r['differ']) or '无'}")
        return

    print("1. 单份文书（中位数，毫秒）：casefile = 由案件生成上下文 + 从头准备模板 + 严格渲染；已准备 = 模板已缓存")
    print(f"{'文书':<6}{'docxtpl':>10}{'casefile':>10}{'比值':>8}{'已准备':>10}{'比值':>8}")
    rows = per_document(args.repeat)
    for t, plain, cold, warm in rows:
        print(f"{t:<6}{plain * 1000:>10.2f}{cold * 1000:>10.2f}{cold / plain:>8.2f}{warm * 1000:>10.2f}{warm / plain:>8.2f}")
    worst = max(cold / plain for _, plain, cold, _ in rows)
    print(f"最差比值（从头准备）{worst:.2f}（目标 ≤ 1.25）\n")

    print(f"2. 批量 {args.docs} 份 D17（各自独立进程）")
    cf = _run_child("casefile", args.docs)
    dt = _run_child("docxtpl", args.docs)
    print(f"{'':<18}{'份/秒':>10}{'耗时(秒)':>10}{'峰值内存(MB)':>14}")
    for name, r in (("casefile batch", cf), ("docxtpl 循环", dt)):
        print(f"{name:<18}{r['docs'] / r['seconds']:>10.1f}{r['seconds']:>10.2f}{r['peak_rss_mb']:>14.1f}")
    print(f"速度倍数 {(cf['docs'] / cf['seconds']) / (dt['docs'] / dt['seconds']):.2f}×（目标 ≥ 3×）")


if __name__ == "__main__":
    main()
