"""Evidence intake benchmarks (issue: scanned-evidence intake).

    .venv/bin/python bench/bench_evidence.py [--runs 20] [--burst 500] [--ocr-pages 3] [--workdir DIR]

Prints one table:
1. latency: a complete 10-page text PDF lands in the inbox of a running `casefile watch`
   (renamed in, as a scanner's upload finishes) → filed and queued for search, minus the stability
   delay; p50/p95 over --runs files (goal p95 ≤ 2 s). Also the first query that finds its text.
2. burst: --burst mixed files (text PDFs, scanned JPEG/PNG, Word, Excel, duplicates, bad files, cover
   sheets and name-prefix routing) through `casefile watch --once`: files per minute and the watcher
   process's peak memory (VmHWM).
3. OCR: pages per minute on a real scanned Chinese page (corpus mineru_small_ocr…pdf, rendered by
   pdfium at evidence.ocr_dpi), one page at a time and two in parallel.
4. CER on the five corpus images with ground truth (MANIFEST.tsv), per image and average (goal ≤ 0.10).
Sections 3–4 need ../shared/corpus and tesseract; they are skipped (and say so) otherwise.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "evidence"))
CORPUS = ROOT.parent / "shared" / "corpus"
NOW = "2026-11-22T10:00:00+08:00"
ROWS: list[tuple[str, str, str]] = []


def row(name: str, value: str, note: str = "") -> None:
    ROWS.append((name, value, note))
    print(f"  {name:<46} {value:>14}  {note}", flush=True)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def env_for(ws: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"CASEFILE_HOME": str(ws), "CASEFILE_USER": "bench"})
    return env


def workspace(root: Path, **settings: Any) -> tuple[Any, list[str]]:
    import evfixtures as fx

    from casefile.identity import os_login
    from casefile.workspace import init_workspace

    staff = [{"name": "bench", "dept": "SW", "roles": ["officer", "head", "archivist"], "os_user": os_login()}]
    ws = fx.fast_settings(init_workspace(root, "pianguan", purpose="test", staff=staff), **settings)
    return ws, [fx.make_case(ws, datetime.fromisoformat(NOW)) for _ in range(5)]


# -- 1. latency -------------------------------------------------------------------------------------------
def bench_latency(workdir: Path, runs: int, stability: float) -> None:
    import evfixtures as fx

    from casefile import search
    from casefile.store import Dossier

    ws, cases = workspace(workdir / "latency", stability_seconds=stability, rescan_seconds=30.0)
    case_id = cases[0]
    t = time.perf_counter()
    search.rebuild(ws)
    row("search index: initial rebuild", f"{time.perf_counter() - t:.1f} s", "one-off, not part of the latency")
    pdfs = [fx.text_pdf(10, "劳动合同与工资支付凭证", tag=f"zq{i:04d}kv") for i in range(runs)]
    proc = subprocess.Popen([sys.executable, "-m", "casefile.cli.main", "watch"], env=env_for(ws.root),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        proc.stdout.readline()  # "正在监视 …"
        time.sleep(2.5)  # let the fork servers finish importing
        journal = Dossier(ws, case_id).journal_path
        folder = ws.inbox_dir / case_id
        folder.mkdir(exist_ok=True)
        latencies: list[float] = []
        searchable: list[float] = []
        for i, data in enumerate(pdfs):
            staging = folder / f".upload-{i}.pdf.part"
            staging.write_bytes(data)
            lines_before = journal.read_bytes().count(b"\n")
            t0 = time.perf_counter()
            os.rename(staging, folder / f"合同 {i:03d}.pdf")  # the scanner's upload completes
            while journal.read_bytes().count(b"\n") == lines_before:
                time.sleep(0.002)
            t1 = time.perf_counter()
            latencies.append(t1 - t0 - stability)
            token = f"zq{i:04d}kv"
            while not search.search(ws, token, facets=False).total:
                time.sleep(0.01)
            searchable.append(time.perf_counter() - t1)
    finally:
        proc.terminate()
        proc.wait(60)
    row("latency 10-page PDF → filed, p50", f"{statistics.median(latencies):.3f} s",
        f"after the {stability:g} s stability delay; {runs} files")
    row("latency 10-page PDF → filed, p95", f"{pct(latencies, 95):.3f} s", "goal ≤ 2 s")
    row("then first query finding its text, p50", f"{statistics.median(searchable):.3f} s",
        "applies the search queue (search module)")
    row("then first query finding its text, p95", f"{pct(searchable, 95):.3f} s")


# -- 2. burst ----------------------------------------------------------------------------------------------
def mixed_files(ws: Any, cases: list[str], n: int) -> dict[str, bytes]:
    import evfixtures as fx
    from PIL import Image

    from casefile.evidence.coversheet import coversheet_for_case

    pdf1 = fx.text_pdf(1, "工资条")
    pdf3 = fx.text_pdf(3, "社会保险费缴费明细")
    photo = fx.text_image("我是中国人", size=(640, 180), font_px=80)
    exif = Image.Exif()
    exif[0x0112] = 3
    cover = fx.rasterise(coversheet_for_case(ws, cases[0], "银行流水", datetime.fromisoformat(NOW)), 150)[0]
    body = fx.rasterise(pdf1, 150)[0]
    files: dict[str, bytes] = {}
    for i in range(n):
        case = cases[i % len(cases)]
        k = i % 20
        tag = f"\n% {i}\n".encode()
        if k < 9:
            files[f"{case}/扫描 {i:03d}.pdf"] = pdf1 + tag
        elif k < 12:
            files[f"{case}_明细{i:03d}.pdf"] = pdf3 + tag
        elif k == 12:
            files[f"{case}/照片{i:03d}.jpg"] = fx.image_bytes(photo.rotate(180), "JPEG", exif=exif, quality=80 + i % 15)
        elif k == 13:
            img = photo.copy()
            img.putpixel((0, 0), (i % 256, 0, 0))
            files[f"{case}/截图{i:03d}.png"] = fx.image_bytes(img, "PNG")
        elif k == 14:
            files[f"{case}/合同{i:03d}.docx"] = fx.docx_with_merged_table(str(i))
        elif k == 15:
            files[f"{case}/明细{i:03d}.xlsx"] = fx.xlsx_bytes() + b""  # identical bytes: duplicates after the first
        elif k == 16:
            files[f"{case}/重复{i:03d}.pdf"] = pdf1 + f"\n% {i - 15}\n".encode()  # = scan i-15, same case
        elif k == 17:
            files[f"{case}/坏文件{i:03d}.pdf"] = b"%PDF-1.7\nbroken" + tag
        elif k == 18:
            files[f"scan{i:04d}.pdf"] = fx.scan_like([cover, body], rotate=0.7, noise=8, seed=i)
        else:
            files[f"{case}/空{i:03d}.pdf"] = b""
    return files


def vm_hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def bench_burst(workdir: Path, n: int) -> None:
    import json

    ws, cases = workspace(workdir / "burst", stability_seconds=0.5, ocr_dpi=300, max_ocr_pages=50)
    files = mixed_files(ws, cases, n)
    for rel, data in files.items():
        target = ws.inbox_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    peak = 0
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "casefile.cli.main", "watch", "--once", "--json"],
                            env=env_for(ws.root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, vm_hwm(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - t
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        row("burst", "FAILED", err.strip().splitlines()[-1] if err.strip() else "")
        return
    counts = json.loads(out)["counts"]
    row(f"burst of {n} mixed files: wall time", f"{elapsed:.1f} s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    row("burst: files per minute", f"{n / elapsed * 60:.0f}", "2 worker threads, one forked parser per file")
    row("burst: watcher peak memory (VmHWM)", f"{peak / 2**20:.0f} MB", "the watcher process itself")


# -- 3. OCR throughput ----------------------------------------------------------------------------------------
def bench_ocr(pages: int, dpi: int) -> None:
    from casefile.evidence import ocr
    from casefile.evidence.extract import _render_scale

    if not ocr.available():
        row("OCR", "skipped", ocr.unavailable_reason())
        return
    src = CORPUS / "pdf" / "scanned" / "mineru_small_ocr_chinese_scanned_8p.pdf"
    if not src.is_file():
        row("OCR", "skipped", f"{src} 不存在")
        return
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(src))
    images = []
    for i in range(min(pages, len(doc))):
        page = doc[i]
        w, h = page.get_size()
        scale = _render_scale(w, h, dpi, 120_000_000) or 1.0
        images.append(page.render(scale=scale, grayscale=True).to_pil())
    doc.close()
    t = time.perf_counter()
    chars = 0
    for img in images:
        chars += ocr.ocr_page(img, timeout=600).chars
    serial = time.perf_counter() - t
    t = time.perf_counter()
    with ThreadPoolExecutor(2) as ex:
        list(ex.map(lambda im: ocr.ocr_page(im, timeout=600), images))
    parallel = time.perf_counter() - t
    row(f"OCR scanned Chinese page ({dpi} dpi), one at a time", f"{len(images) / serial * 60:.1f} p/min",
        f"{serial / len(images):.1f} s/page, {chars // len(images)} chars/page, {images[0].width}×{images[0].height} px")
    row("OCR scanned Chinese page, two in parallel", f"{len(images) / parallel * 60:.1f} p/min", "throughput on 2 cores")


# -- 4. CER --------------------------------------------------------------------------------------------------
def cer(ref: str, hyp: str) -> float:
    r = "".join(unicodedata.normalize("NFKC", ref).split())
    h = "".join(unicodedata.normalize("NFKC", hyp).split())
    prev_row = list(range(len(h) + 1))
    for i, a in enumerate(r, 1):
        cur = [i] + [0] * len(h)
        for j, b in enumerate(h, 1):
            cur[j] = min(prev_row[j] + 1, cur[j - 1] + 1, prev_row[j - 1] + (a != b))
        prev_row = cur
    return prev_row[len(h)] / max(1, len(r))


def bench_cer() -> None:
    from PIL import Image, ImageOps

    from casefile.evidence import ocr

    manifest = CORPUS / "MANIFEST.tsv"
    if not ocr.available() or not manifest.is_file():
        row("CER", "skipped", "需要 tesseract 与 ../shared/corpus")
        return
    rates = []
    for r in csv.DictReader(manifest.open(encoding="utf-8"), delimiter="\t"):
        spec = r["password_or_ground_truth"]
        if not (r["path"].startswith("images/") and spec.startswith("ground_truth=")):
            continue
        truth = spec[len("ground_truth="):].rsplit(" (", 1)[0]
        with Image.open(CORPUS / r["path"]) as raw:
            img = ImageOps.exif_transpose(raw)
            t = time.perf_counter()
            res = ocr.ocr_photo(img)
            secs = time.perf_counter() - t
        rate = cer(truth, res.text)
        rates.append(rate)
        row(f"CER {Path(r['path']).name[:40]}", f"{rate:.3f}", f"{res.variant}, conf {res.confidence:.0f}, {secs:.1f} s")
    row("CER average (5 images)", f"{sum(rates) / len(rates):.3f}", "goal ≤ 0.10")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20, help="files for the latency measurement")
    ap.add_argument("--burst", type=int, default=500, help="files in the burst")
    ap.add_argument("--ocr-pages", type=int, default=3, help="scanned pages for the OCR throughput")
    ap.add_argument("--ocr-dpi", type=int, default=300)
    ap.add_argument("--stability", type=float, default=1.0, help="evidence.stability_seconds for the latency run")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--skip", action="append", default=[], choices=["latency", "burst", "ocr", "cer"])
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-evidence-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"casefile evidence benchmarks — {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, workdir {workdir}")
    print(f"  {'measure':<46} {'value':>14}  note")
    if "latency" not in args.skip:
        bench_latency(workdir, args.runs, args.stability)
    if "burst" not in args.skip:
        bench_burst(workdir, args.burst)
    if "ocr" not in args.skip:
        bench_ocr(args.ocr_pages, args.ocr_dpi)
    if "cer" not in args.skip:
        bench_cer()


if __name__ == "__main__":
    main()
