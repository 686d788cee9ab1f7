"""Web benchmark: 20 concurrent logged-in clients against ``casefile serve`` (waitress) on loopback.

    .venv/bin/python bench/bench_web.py [--cases 2000] [--clients 20] [--rounds 10] [--think 0] [--keep DIR]

Builds a workspace of N generated cases with varied parties (plus five real cases walked to joint
handling, whose pages are viewed and documents downloaded, each client on one of them), rebuilds the
catalog and the tantivy index, starts the server, logs every client in, then each client requests 工作台, 台账, the case list, a case page, a search and a
document download in turn, beside a static file served by the same server (the floor). Prints
p50/p95 per page, errors, requests per second and the server's peak memory (VmHWM).

``--think S``: each client pauses a random 0–2·S seconds (mean S) between its requests, as a person
reading a page does. With the default 0 the 20 clients ask back to back, which measures the server
saturated: every request then waits for the ones ahead of it, on a machine with 2 cores.

The default size is modest because the machine is shared (2 cores for eight engineers); the issue's
target is 100,000 cases (--cases 100000).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench"), str(ROOT / "tests")]
NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")
PASSWORD = "Load#Test2026"


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))] if s else float("nan")


REAL_CASES = 5  # downloads and case pages spread over these, as views spread over an office's cases


def build(root: Path, n: int) -> list[tuple[str, str]]:
    from bench_cli import generate

    from casefile import catalog, search, workflow
    from casefile.config import find_workspace
    from casefile.web import accounts
    from casefile.web.config import configure
    from casefile.workspace import init_workspace
    from web.webkit import intake_form

    init_workspace(root, "pianguan", purpose="test")
    generate(root, n, NOW)
    ws = find_workspace(root)
    ids = []
    for _ in range(REAL_CASES):
        res = workflow.register(ws, intake_form(), NOW, "张磊")
        workflow.run(ws, res.case_id, NOW, "张磊", lambda st: workflow.triage(st, risk="中", co=("RSJ",)))
        ids.append(res.case_id)
    catalog.rebuild(ws)
    search.rebuild(ws)
    configure(ws)
    accounts.add(ws, "bench", "压测员", "SW", "officer", PASSWORD, must_change=False)
    from casefile.store import Dossier

    return [(cid, Dossier(ws, cid).load().documents[0].doc_id) for cid in ids]


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def reconnect(self) -> None:
        """After a timeout the connection is in an unknown state: a new one, same session cookies."""
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        for h, v in r.getheaders():
            if h.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return r.status, data

    def login(self) -> None:
        self.request("GET", "/login/")
        token = self.cookies["csrftoken"]
        status, _ = self.request("POST", "/login/", urlencode(
            {"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": token}))
        if status != 302:
            raise RuntimeError(f"login failed: {status}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--think", type=float, default=0.0, metavar="S", help="mean pause between a client's requests")
    ap.add_argument("--keep", metavar="DIR")
    args = ap.parse_args()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-web-"))
    root = tmp / "ws"
    t0 = time.perf_counter()
    marker = tmp / "bench-web.ids"
    if marker.exists():
        words = marker.read_text().split()
        real = list(zip(words[::2], words[1::2], strict=True))
    else:
        shutil.rmtree(root, ignore_errors=True)
        real = build(root, args.cases)
        marker.write_text(" ".join(f"{cid} {doc}" for cid, doc in real))
    print(f"workspace: {args.cases} generated cases + {len(real)} real, built in {time.perf_counter() - t0:.0f} s ({root})")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CASEFILE_NOW": NOW.isoformat(), "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([sys.executable, "-m", "casefile.cli.main", "-w", str(root), "serve", "--port", str(port),
                               "--threads", "8"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        def pages_of(k: int) -> dict[str, str]:
            case_id, doc = real[k % len(real)]
            return {
                "static file (floor)": "/static/web/app.css",
                "工作台": "/",
                "台账": "/due/",
                "案件列表": "/cases/?page=3",
                "案件页": f"/cases/{case_id}/",
                "检索": "/search/?" + urlencode({"q": "滞纳金 银行代扣"}),
                "文书下载": f"/cases/{case_id}/doc/{doc}.docx",
            }

        pages = pages_of(0)
        clients = [Client(port) for _ in range(args.clients)]
        for c in clients:
            c.login()
        times: dict[str, list[float]] = {k: [] for k in pages}
        errors: dict[str, int] = dict.fromkeys(pages, 0)
        lock = threading.Lock()
        start = threading.Barrier(len(clients))

        def work(k: int, c: Client) -> None:
            pace = random.Random(k)
            mine = pages_of(k)
            start.wait()
            for _ in range(args.rounds):
                for name, path in mine.items():
                    if args.think:
                        time.sleep(pace.uniform(0, 2 * args.think))
                    t = time.perf_counter()
                    try:
                        status, _ = c.request("GET", path)
                    except (OSError, http.client.HTTPException):
                        status = 0
                        c.reconnect()
                    dt = time.perf_counter() - t
                    with lock:
                        times[name].append(dt)
                        if status != 200:
                            errors[name] += 1

        threads = [threading.Thread(target=work, args=(k, c)) for k, c in enumerate(clients)]
        wall = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - wall
        status = Path(f"/proc/{server.pid}/status").read_text()
        hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
        total = sum(len(v) for v in times.values())
        print(f"{args.clients} clients (think {args.think:g} s) × {args.rounds} rounds × {len(pages)} pages = "
              f"{total} requests in {wall:.1f} s "
              f"({total / wall:.1f} req/s); server peak memory {hwm:.0f} MB")
        print(f"{'page':<22}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}{'errors':>8}")
        for name in pages:
            v = times[name]
            print(f"{name:<22}{pct(v, 50) * 1000:>10.1f}{pct(v, 95) * 1000:>10.1f}"
                  f"{statistics.mean(v) * 1000:>10.1f}{errors[name]:>8}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
