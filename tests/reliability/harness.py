"""The crash-consistency harness: real ``casefile`` processes killed with SIGKILL, then checked.

Each write path (intake, transitions, documents, evidence add, the watcher, the search index,
archiving, reopening) is driven by a *plan*: a generator of :class:`Op` s on a live workspace. Every
op is attempted until its effect is there; an attempt is killed

* at an injected fault point (``CASEFILE_FAULT=name@n``, chosen from the points a clean run of the
  same op passed, recorded by a tracing wrapper around ``casefile.faults.point``), or
* after a random delay inside the op's measured running time (the whole process group), or
* not at all (the op completes).

After a kill the workspace is either checked at once (``fsck`` repairs, then every invariant below),
or left for the next attempt to recover by itself (its dossier lock runs recovery) and checked after
that. At the end of a round the real ``casefile fsck`` and ``casefile verify --all`` must exit 0
and the search index must agree with the dossiers.

Invariants (:func:`check_workspace`): fsck clean; every journal chain intact and numbered 1..n; the
last journal line describes case.json; transitions chain (each ``from`` is the previous ``to``,
the last ``to`` is the state); no leftovers (``.case.json.next``, intent, temp files, half-built
dossiers, archiving staging folders); no file in ``documents/`` or ``evidence/`` that the record does
not name; every sequence log free of duplicates and of unrecorded gaps; no 文号 shared by two
documents, no case number by two cases; archived cases pass the full 四性检测; every file dropped in
the inbox filed exactly once (or quarantined exactly once, with its reason).

Used by tests/reliability/test_crash_*.py and bench/bench_reliability.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reliability.privacy_scan import scan_text, scan_tree
from testkit import text_pdf

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent
FORMS = TESTS / "fixtures" / "forms"
NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")
ACTOR = "测试员"

# Runs casefile with every fault point it passes appended to $RELIABILITY_TRACE (the points are
# looked up through the module at call time, so patching the module attribute sees all of them).
TRACER = (
    "import os, sys\n"
    "import casefile.faults as faults\n"
    "_log = open(os.environ['RELIABILITY_TRACE'], 'a', encoding='utf-8')\n"
    "_point = faults.point\n"
    "import time\n"
    "def point(name):\n"
    "    _log.write(f'{time.time():.4f} {name}\\n'); _log.flush(); _point(name)\n"
    "faults.point = point\n"
    "from casefile.cli.main import main\n"
    "sys.argv[0] = 'casefile'\n"
    "main()\n"
)


def fast_tmp_root() -> Path | None:
    """A tmpfs for workspaces if there is one: SIGKILL does not drop the page cache, so fsync costs
    nothing to what is being tested here and the harness runs several times faster."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return None


def rmtree(path: Path) -> None:
    """Remove a tree including read-only archive bags."""

    def retry(func: Any, p: str, _exc: Any) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(p), 0o700)
            os.chmod(p, 0o700)
            func(p)

    if path.exists():
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=retry)
        else:
            shutil.rmtree(path, onerror=retry)


# -- evidence files ------------------------------------------------------------------------------------
def evidence_pdf(tag: str, pages: int = 1) -> bytes:
    """A small text PDF with unique bytes (``testkit.text_pdf``: built-in CID font, fast to parse)."""
    return text_pdf(pages, "工资条 应发工资 5200.00 实发工资 4610.00", tag=tag)


# -- results ---------------------------------------------------------------------------------------------
@dataclass
class Run:
    argv: list[str]
    rc: int
    stdout: str
    stderr: str
    seconds: float
    killed: bool
    how: str = ""  # "fault:name@n" / "delay:0.42s" / ""


@dataclass
class Report:
    kills: int = 0
    runs: int = 0
    ops: int = 0
    checks: int = 0
    rounds: int = 0
    seconds: float = 0.0
    by_path: Counter[str] = field(default_factory=Counter)
    by_point: Counter[str] = field(default_factory=Counter)
    delay_kills: int = 0
    problems: list[str] = field(default_factory=list)

    def merge(self, other: Report) -> None:
        self.kills += other.kills
        self.runs += other.runs
        self.ops += other.ops
        self.checks += other.checks
        self.rounds += other.rounds
        self.seconds += other.seconds
        self.by_path.update(other.by_path)
        self.by_point.update(other.by_point)
        self.delay_kills += other.delay_kills
        self.problems.extend(other.problems)

    @property
    def kills_per_minute(self) -> float:
        return self.kills / self.seconds * 60 if self.seconds else 0.0

    def summary(self) -> str:
        paths = "，".join(f"{k} {v}" for k, v in sorted(self.by_path.items()))
        return (f"{self.kills} 次 SIGKILL（故障点 {self.kills - self.delay_kills}，随机延时 {self.delay_kills}），"
                f"{self.ops} 个操作，{self.runs} 次进程，{self.checks} 次检查，{self.rounds} 轮，"
                f"{self.seconds:.0f} 秒（{self.kills_per_minute:.0f} 次/分钟），不一致 {len(self.problems)} 处；"
                f"按写入路径：{paths}")


@dataclass
class Op:
    path: str  # the write path, for the report
    argv: list[str]
    done: Callable[[], bool]
    kill: bool = True  # False: run it cleanly (setup steps)


class Inconsistent(Exception):
    pass


# -- one workspace under test ----------------------------------------------------------------------------
class Subject:
    """A workspace, the environment its processes run in, and what the harness expects of it."""

    def __init__(self, root: Path, *, profile: str = "pianguan", engine: str = "whoosh", soffice: Path | None = None,
                 python: str = sys.executable) -> None:
        from casefile.config import find_workspace
        from testkit import init_test_workspace as init_workspace

        self.root = root
        init_workspace(root, profile)
        cfg = root / "casefile.toml"
        text = cfg.read_text(encoding="utf-8")
        text = re.sub(r'(?m)^engine = "\w+"', f'engine = "{engine}"', text)
        head, _, rest = text.partition("[evidence]")
        tail = rest.split("\n[", 1)[1] if "\n[" in rest else ""
        evidence = ("[evidence]\nstability_seconds = 0.1\nrescan_seconds = 1.0\nparse_timeout_seconds = 60.0\n"
                    "truncated_patience_seconds = 0.0\n"
                    "max_ocr_pages = 0\n")
        cfg.write_text(head + evidence + ("\n[" + tail if tail else ""), encoding="utf-8")
        self.ws = find_workspace(root)
        self.profile = profile
        self.python = python
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
        self.env.update({"CASEFILE_HOME": str(root), "CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": ACTOR,
                         "PYTHONDONTWRITEBYTECODE": "1"})
        if soffice is not None:
            self.env["CASEFILE_SOFFICE"] = str(soffice)
        # every file ever dropped into the inbox (sha256 -> copies, and its case), added by hand, and
        # the bad files by inbox path
        self.drops: Counter[str] = Counter()
        self.added: Counter[str] = Counter()
        self.owner: dict[str, str] = {}
        self.bad: set[str] = set()

    @classmethod
    def attach(cls, root: Path, *, soffice: Path | None = None) -> Subject:
        """An existing workspace (no expectations about its inbox)."""
        from casefile.config import find_workspace

        s = cls.__new__(cls)
        s.root, s.ws, s.profile, s.python = root, find_workspace(root), "", sys.executable
        s.env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
        s.env.update({"CASEFILE_HOME": str(root), "CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": ACTOR})
        if soffice is not None:
            s.env["CASEFILE_SOFFICE"] = str(soffice)
        s.drops, s.added, s.owner, s.bad = Counter(), Counter(), {}, set()
        return s

    # processes
    def start(self, argv: list[str], *, fault: str | None = None, trace: Path | None = None) -> subprocess.Popen[bytes]:
        env = dict(self.env)
        if fault:
            env["CASEFILE_FAULT"] = fault
        if trace is not None:
            env["RELIABILITY_TRACE"] = str(trace)
            cmd = [self.python, "-c", TRACER, *argv]
        else:
            cmd = [self.python, "-m", "casefile.cli.main", *argv]
        return subprocess.Popen(cmd, env=env, cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)

    def cli(self, *argv: str, timeout: float = 300) -> Run:
        t0 = time.monotonic()
        p = self.start(list(argv))
        out, err = p.communicate(timeout=timeout)
        return Run(list(argv), p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                   time.monotonic() - t0, False)

    # reading
    def case_ids(self) -> set[str]:
        from casefile.store import iter_dossiers

        return {d.case_id for d in iter_dossiers(self.ws)}

    def case(self, cid: str) -> Any:
        from casefile.store import Dossier

        return Dossier(self.ws, cid).load()

    def state(self, cid: str) -> str:
        """The state as recovery will leave it: the journal's last commit decides, not a case.json
        that a killed process had not yet replaced."""
        from casefile.store import Dossier

        d = Dossier(self.ws, cid)
        raw = d.case_path.read_bytes()
        nxt = d.path / ".case.json.next"
        entries, _ = d.journal()
        if nxt.exists() and entries:
            from casefile.store import sha256_bytes

            data = nxt.read_bytes()
            if sha256_bytes(data) == entries[-1].case_sha256:
                raw = data
        return str(json.loads(raw)["state"])

    def journal_types(self, cid: str) -> list[tuple[str, dict[str, Any]]]:
        from casefile.store import Dossier

        entries, _ = Dossier(self.ws, cid).journal()
        out: list[tuple[str, dict[str, Any]]] = []
        for e in entries:
            out.append((e.type, e.payload))
            for sub in e.payload.get("events") or []:
                out.append((str(sub.get("type")), sub))
        return out

    def has_event(self, cid: str, type_: str, **match: Any) -> int:
        return sum(1 for t, p in self.journal_types(cid)
                   if t == type_ and all(p.get(k) == v for k, v in match.items()))

    # the inbox
    def drop(self, cid: str, rel: str, data: bytes) -> None:
        from casefile.store import sha256_bytes

        path = self.ws.inbox_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        sha = sha256_bytes(data)
        self.drops[sha] += 1
        self.owner[sha] = cid

    def drop_bad(self, rel: str, data: bytes) -> None:
        path = self.ws.inbox_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.bad.add(rel)

    def inbox_waiting(self) -> list[Path]:
        from casefile.evidence.inbox import FAILED_DIR, ROOT_README, UNMATCHED_DIR

        out = []
        for p in self.ws.inbox_dir.rglob("*"):
            rel = p.relative_to(self.ws.inbox_dir)
            if p.is_file() and rel.parts[0] not in (FAILED_DIR, UNMATCHED_DIR) and p.name not in ROOT_README:
                out.append(p)
        return out


def _dossiers(s: Subject) -> list[Any]:
    from casefile.store import iter_dossiers

    return list(iter_dossiers(s.ws))


# -- the invariants ---------------------------------------------------------------------------------------------
def _flat(entries: list[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for e in entries:
        yield e.type, e.payload
        for sub in e.payload.get("events") or []:
            yield str(sub.get("type")), sub


def check_workspace(s: Subject, *, repair: bool = True) -> list[str]:
    """Every invariant of a workspace at rest; returns the problems found (empty: consistent)."""
    from casefile.evidence.inbox import FAILED_DIR, REASON_SUFFIX, quarantine_name
    from casefile.models.enums import State
    from casefile.store import iter_dossiers, read_journal, sha256_file
    from casefile.workspace import fsck

    ws = s.ws
    problems: list[str] = []
    report = fsck(ws, repair=repair, now=NOW, actor=ACTOR)
    problems += [f"fsck {f.case_id} [{f.code}] {f.message}" for f in report.findings]

    wenhao: dict[str, set[str]] = {}
    numbers: Counter[str] = Counter()
    filed: Counter[str] = Counter()
    duplicates: Counter[str] = Counter()
    archived = False
    for d in iter_dossiers(ws):
        cid = d.case_id
        entries, chain = read_journal(d.journal_path)
        problems += [f"{cid} 日志 {p.message}" for p in chain]
        try:
            case = d.load()
        except Exception as exc:
            problems.append(f"{cid} 无法读取：{exc}")
            continue
        if entries and entries[-1].case_sha256 != sha256_file(d.case_path):
            problems.append(f"{cid} case.json 与日志末行不符")
        numbers[case.number] += 1
        # transitions chain: from = previous to; the last to = the state
        last_to: str | None = None
        for t, p in _flat(entries):
            if "to" not in p or t not in ("created", "transition", "archived"):
                continue
            if p.get("from") and last_to and p["from"] != last_to:
                problems.append(f"{cid} 日志中的状态转换不连贯：{last_to} 之后是 {p.get('from')}→{p['to']}（{p.get('transition')}）")
            last_to = str(p["to"])
        if last_to and last_to != case.state.value:
            problems.append(f"{cid} 状态为 {case.state.value}，日志最后的转换到 {last_to}")
        # leftovers in the dossier
        for p in d.path.iterdir():
            if p.name.startswith("."):
                problems.append(f"{cid} 残留文件 {p.name}")
        if case.state is State.ARCHIVED:
            archived = True
        else:
            named = {x for doc in case.documents for x in (doc.file, doc.data_file, doc.pdf) if x}
            named |= {x for ev in case.evidence for x in (ev.file, ev.text_file, ev.archive_pdf) if x}
            for sub in ("documents", "evidence"):
                folder = d.path / sub
                if folder.is_dir():
                    for f in folder.rglob("*"):
                        rel = f.relative_to(d.path).as_posix()
                        if f.is_file() and rel not in named:
                            problems.append(f"{cid} 孤立文件 {rel}（记录中没有）")
        ids = [doc.doc_id for doc in case.documents]
        if len(ids) != len(set(ids)):
            problems.append(f"{cid} 文书编号重复：{[i for i, n in Counter(ids).items() if n > 1]}")
        evs = [ev.ev_id for ev in case.evidence]
        if len(evs) != len(set(evs)):
            problems.append(f"{cid} 证据编号重复")
        shas = Counter(ev.sha256 for ev in case.evidence)
        for sha, n in shas.items():
            if n > 1:
                problems.append(f"{cid} 同一内容归档了{n}次（{sha[:12]}）")
        if case.reopened_from is None:  # a reopened version carries copies of the sealed documents
            for doc in case.documents:
                if doc.wenhao:
                    wenhao.setdefault(doc.wenhao, set()).add(doc.doc_id)
            for ev in case.evidence:
                filed[ev.sha256] += 1
                duplicates[ev.sha256] += len(ev.duplicates)
    for w, docs in wenhao.items():
        if len(docs) > 1:
            problems.append(f"文号 {w} 被{len(docs)}份文书使用：{sorted(docs)}")
    for n, k in numbers.items():
        if k > 1:
            problems.append(f"案件编号 {n} 被{k}件案件使用")
    # leftovers beside the dossiers: half-built new dossiers, archiving staging folders
    if ws.archive_dir.is_dir():
        for year_dir in ws.archive_dir.iterdir():
            if year_dir.is_dir() and year_dir.name.isdigit():
                for p in year_dir.iterdir():
                    if p.name.startswith("."):
                        problems.append(f"残留目录 archive/{year_dir.name}/{p.name}")
    # sequences: every value recorded once, none skipped without a record
    seq_dir = ws.archive_dir / "_seq"
    if seq_dir.is_dir():
        for f in sorted(seq_dir.glob("*.jsonl")):
            values = []
            for raw in f.read_bytes().split(b"\n"):
                if raw.strip():
                    try:
                        values.append(int(json.loads(raw)["value"]))
                    except (ValueError, KeyError, TypeError):
                        problems.append(f"序号记录 {f.name} 有残缺的行 {raw[:40]!r}")
            dupes = sorted(v for v, n in Counter(values).items() if n > 1)
            if dupes:
                problems.append(f"序号 {f.stem} 重复分配：{dupes}")
            if values and set(values) != set(range(1, max(values) + 1)):
                problems.append(f"序号 {f.stem} 跳号且无记录：{sorted(set(range(1, max(values) + 1)) - set(values))}")
    # archived cases: the full 四性检测, and the 件号 sequence
    if archived:
        from casefile.archive import verify

        v = verify(ws, all_cases=True, now=NOW, actor=ACTOR)
        problems += [f"verify {f.message}" for f in v.findings]
        problems += [f"verify {f.message}" for f in v.year_findings]
    # the inbox: every dropped file filed exactly once (or still waiting), each further copy noted
    waiting = Counter(sha256_file(p) for p in s.inbox_waiting())
    for sha in set(s.drops) | set(s.added):
        cid, n, copies = s.owner.get(sha, "?"), filed.get(sha, 0), s.drops[sha] + s.added[sha]
        if n > 1:
            problems.append(f"文件 {sha[:12]}（案件 {cid}）归档了{n}次")
        elif n == 0 and not waiting[sha]:
            problems.append(f"文件 {sha[:12]}（案件 {cid}）丢失：既未归档也不在收件目录")
        elif n == 1 and not waiting[sha]:
            noted = duplicates.get(sha, 0)
            # a manual add retried after a kill that had committed notes one more duplicate: allowed
            if noted < copies - 1 or (not s.added[sha] and noted != copies - 1):
                problems.append(f"文件 {sha[:12]} 提交了{copies}份，记录的重复提交为{noted}次（应为{copies - 1}次）")
    failed = ws.inbox_dir / FAILED_DIR
    if failed.is_dir():
        names = [p.name for p in failed.iterdir() if p.is_file()]
        files = [n for n in names if not n.endswith(REASON_SUFFIX)]
        for n in files:
            if n + REASON_SUFFIX not in names:
                problems.append(f"_failed/{n} 没有原因说明")
        for n in names:
            if n.endswith(REASON_SUFFIX) and n[: -len(REASON_SUFFIX)] not in files:
                problems.append(f"_failed/{n} 是孤立的原因说明")
        for rel in s.bad:
            base = quarantine_name(Path(rel).name)  # as the watcher names it: printable, not too long
            hits = [n for n in files if n.endswith(base) or Path(n).stem.startswith(Path(base).stem)]
            still = (ws.inbox_dir / rel).exists()
            if len(hits) + still != 1:
                problems.append(f"坏文件 {rel} 应隔离一次，实为 _failed 中{len(hits)}份、收件目录中{int(still)}份")
    return problems


def check_index(s: Subject) -> list[str]:
    """The search index holds exactly what the dossiers say, case by case."""
    from casefile import search
    from casefile.search_engines.sources import case_docs
    from casefile.store import iter_dossiers

    problems: list[str] = []
    engine = search._open_current(s.ws)
    try:
        indexed: dict[str, set[str]] = {}
        for kind in ("case", "document", "evidence"):
            for doc_id in engine.ids("kind", kind):
                stored = engine.get(doc_id) or {}
                indexed.setdefault(str(stored.get("case_id", "")), set()).add(doc_id)
    finally:
        engine.close()
    expected: dict[str, set[str]] = {}
    for d in iter_dossiers(s.ws):
        docs, _ = case_docs(d.load(), d.path, s.ws.settings)
        expected[d.case_id] = {doc.id for doc in docs}
    for cid in sorted(set(expected) | set(indexed)):
        want, have = expected.get(cid, set()), indexed.get(cid, set())
        if want != have:
            problems.append(f"检索索引与案卷 {cid} 不一致：缺 {sorted(want - have)[:3]}，多 {sorted(have - want)[:3]}")
    return problems


# -- the driver ------------------------------------------------------------------------------------------------
class Harness:
    def __init__(self, rng: random.Random, *, kill_rate: float = 0.8, check_rate: float = 0.5,
                 delay_share: float = 0.35, log: Callable[[str], None] | None = None) -> None:
        self.rng = rng
        self.kill_rate = kill_rate
        self.check_rate = check_rate
        self.delay_share = delay_share
        self.traces: dict[str, list[str]] = {}
        self.windows: dict[str, tuple[float, float]] = {}
        self.report = Report()
        self.log = log or (lambda _m: None)
        self._trace_dir = Path(tempfile.mkdtemp(prefix="casefile-trace-"))

    def close(self) -> None:
        shutil.rmtree(self._trace_dir, ignore_errors=True)

    # one attempt
    def calibrate(self, s: Subject, op: Op, key: str) -> None:
        """A clean traced run on a copy of the workspace's state, put back afterwards: which fault
        points the op passes, in order, and when its writes happen (for the random delays)."""
        snap = s.root.with_name(s.root.name + ".snap")
        rmtree(snap)
        shutil.copytree(s.root, snap, symlinks=True)
        trace = self._trace_dir / f"{key}.txt"
        trace.unlink(missing_ok=True)
        t0 = time.time()
        p = s.start(op.argv, trace=trace)
        p.communicate(timeout=600)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(p.pid, signal.SIGKILL)
        total = time.time() - t0
        rmtree(s.root)
        os.rename(snap, s.root)
        points: list[tuple[float, str]] = []
        with contextlib.suppress(OSError):
            for line in trace.read_text(encoding="utf-8").splitlines():
                at, _, name = line.partition(" ")
                points.append((float(at) - t0, name))
        self.traces[key] = [n for _, n in points]
        first = points[0][0] if points else 0.3 * total
        last = points[-1][0] if points else total
        self.windows[key] = (max(0.0, first - 0.05), max(first + 0.05, last))

    def attempt(self, s: Subject, op: Op, key: str, first: bool = False) -> Run:
        if op.kill and key not in self.traces:
            self.calibrate(s, op, key)
        trace = self.traces.get(key)
        mode = "clean"
        if op.kill and (first or self.rng.random() < self.kill_rate):
            # the first attempt of every op is killed, so each write path is hit in every round
            mode = "delay" if (not trace or (not first and self.rng.random() < self.delay_share)) else "fault"
        fault = None
        delay = None
        if mode == "fault":
            assert trace
            i = self.rng.randrange(len(trace))
            name = trace[i]
            fault = f"{name}@{trace[: i + 1].count(name)}"
        elif mode == "delay":
            lo, hi = self.windows.get(key, (0.3, 1.5))
            delay = self.rng.uniform(lo, hi)
        t0 = time.monotonic()
        p = s.start(op.argv, fault=fault)
        killed_by_us = False
        try:
            p.wait(timeout=delay if delay is not None else 600)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            killed_by_us = True
        out, err = p.communicate(timeout=600)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(p.pid, signal.SIGKILL)  # children of a killed command (a converter, a parse worker)
        seconds = time.monotonic() - t0
        self.report.runs += 1
        killed = p.returncode == -signal.SIGKILL
        how = f"fault:{fault}" if fault else (f"delay:{delay:.2f}s" if delay is not None else "")
        if killed:
            self.report.kills += 1
            self.report.by_path[op.path] += 1
            if killed_by_us:
                self.report.delay_kills += 1
            else:
                self.report.by_point[str(fault).split("@")[0]] += 1
        return Run(op.argv, p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), seconds,
                   killed, how)

    def drive(self, s: Subject, op: Op, key: str, *, max_attempts: int = 30) -> None:
        """Attempt ``op`` until its effect is there; check after kills."""
        for i in range(max_attempts):
            run = self.attempt(s, op, key, first=i == 0)
            self.log(f"  {key} rc={run.rc} {run.how} {run.seconds:.2f}s")
            if run.killed:
                if self.rng.random() < self.check_rate:
                    self.check(s, f"{key} 被终止（{run.how}）后")
                if op.done():  # the killed run had committed
                    self.report.ops += 1
                    return
                continue
            if "Traceback" in run.stderr or "内部错误" in run.stderr:
                raise Inconsistent(f"{key}: {' '.join(op.argv)} 出现未处理的异常：{run.stderr[-1500:]}")
            leaks = scan_text(run.stdout + run.stderr, " ".join(op.argv))
            if leaks:
                raise Inconsistent(f"{key}: 输出中有未遮蔽的个人信息：{leaks[0]}")
            if op.done():
                self.report.ops += 1
                return
            if run.rc == 0:
                raise Inconsistent(f"{key}: {' '.join(op.argv)} 报告成功，但效果不在案卷中：{run.stdout[-500:]}")
            if run.rc not in (0, 1):
                raise Inconsistent(f"{key}: {' '.join(op.argv)} 退出码 {run.rc}：{run.stderr[-800:]}")
            # exit 1 without the effect: refused after recovery, e.g. a lock held by a dying process;
            # try again, but a refusal that repeats is a finding
            self.log(f"  {key} refused: {run.stderr.strip()[-200:]}")
            time.sleep(0.05)
        raise Inconsistent(f"{key}: {' '.join(op.argv)} 重试{max_attempts}次仍未完成")

    def check(self, s: Subject, when: str) -> None:
        self.report.checks += 1
        problems = check_workspace(s)
        if problems:
            raise Inconsistent(f"{when}：" + "；".join(problems[:12]))

    def final_check(self, s: Subject) -> None:
        """The restart proper: ``casefile fsck`` and ``casefile verify --all`` exit 0, and after
        ``casefile index update`` the (incrementally kept) search index holds what the dossiers hold."""
        self.check(s, "本轮结束时")
        for argv in (["fsck"], ["verify", "--all"], ["index", "update"]):
            run = s.cli(*argv)
            if run.rc != 0:
                raise Inconsistent(f"本轮结束时 casefile {' '.join(argv)} 退出码 {run.rc}：{run.stdout[-600:]}{run.stderr[-600:]}")
        problems = check_index(s)
        if problems:
            raise Inconsistent("本轮结束时（index update 之后）：" + "；".join(problems[:8]))
        # what the runs left outside the dossiers (logs, reason files, the library) shows no whole number
        dossiers = [d.path for d in _dossiers(s)]
        leaks, _ = scan_tree(s.root, skip=[*dossiers, s.root / "indexes"])
        if leaks:
            raise Inconsistent(f"本轮结束时，案卷以外的文件中有未遮蔽的个人信息：{leaks[0]}")

    def play(self, s: Subject, plan: Iterator[Op], name: str, *, stop_at: int | None = None) -> bool:
        """Drive the plan's ops; stop early (returns False) once ``stop_at`` kills are reached."""
        for op in plan:
            words = [a for a in op.argv[:2] if a.isascii() and a.isalpha() and a.islower()]
            self.drive(s, op, ".".join([name, *words]))
            if stop_at is not None and self.report.kills >= stop_at:
                return False
        return True


# -- plans: the write paths -----------------------------------------------------------------------------------
def _form_file(dir_: Path, name: str, **changes: Any) -> Path:
    import yaml

    data = yaml.safe_load((FORMS / "intake-unit.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    path = dir_ / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _new_case(s: Subject, form: Path, extra: tuple[str, ...] = ()) -> Iterator[Op]:
    before = s.case_ids()
    yield Op("intake", ["new", "--form", str(form), *extra], lambda: bool(s.case_ids() - before))


def new_id(s: Subject, before: set[str]) -> str:
    new = s.case_ids() - before
    if len(new) != 1:
        raise Inconsistent(f"一次受理登记产生了{len(new)}件案件：{sorted(new)}："
                           + "；".join(f"{c} {s.state(c)} {[t for t, _ in s.journal_types(c)]}" for c in sorted(new)))
    return new.pop()


def files_plan(s: Subject, work: Path, rnd: int) -> Iterator[Op]:
    """Evidence (manual add, a watcher burst), the direct procedure to CLOSED, archive, reopen, index."""
    before = s.case_ids()
    yield from _new_case(s, _form_file(work, f"files-{rnd}"))
    cid = new_id(s, before)
    # manual add: the user's file stays where it is
    src = work / f"合同-{rnd}.pdf"
    src.write_bytes(evidence_pdf(f"劳动合同 {rnd}"))
    from casefile.store import sha256_file

    sha = sha256_file(src)
    yield Op("evidence-add", ["evidence", "add", cid, str(src), "--slot", "劳动合同"],
             lambda: any(e.sha256 == sha for e in s.case(cid).evidence))
    s.added[sha] += 1
    s.owner[sha] = cid
    # a burst in the inbox: case folder, name prefix, a duplicate copy, a bad file
    datas = [evidence_pdf(f"扫描 {rnd}-{i}") for i in range(5)]
    for i, data in enumerate(datas):
        s.drop(cid, f"{cid}/扫描{i:02d}.pdf" if i % 2 else f"{cid}_工资条{i:02d}.pdf", data)
    s.drop(cid, f"{cid}/重复.pdf", datas[1])
    s.drop(cid, f"{cid}/合同副本.pdf", src.read_bytes())
    s.drop_bad(f"{cid}/坏{rnd}.pdf", b"%PDF-1.4 truncated scan")
    yield Op("watch", ["watch", "--once"], lambda: not s.inbox_waiting())
    yield Op("transition", ["triage", cid, "--risk", "低"], lambda: s.state(cid) == "DIRECT")
    yield Op("transition", ["decide", cid, "--text", "经核查，责令用人单位限期补缴。", "--basis", "社会保险法第六十三条"],
             lambda: s.has_event(cid, "decision_recorded") > 0)
    yield Op("transition", ["notify", cid], lambda: s.state(cid) == "NOTIFIED")
    yield from _follow_up_both(s, cid)
    yield Op("archive", ["archive", cid], lambda: s.state(cid) == "ARCHIVED")
    before = s.case_ids()
    yield Op("reopen", ["reopen", cid, "--reason", "当事人补充新证据"],
             lambda: any(s.case(c).reopened_from == cid for c in s.case_ids() - before))
    yield Op("index", ["index", "update"], lambda: _pending(s) == 0)


def _follow_up_both(s: Subject, cid: str) -> Iterator[Op]:
    """Both parties of the dispute are followed up; the second follow-up closes the case."""
    yield Op("transition", ["followup", cid, "--respondent", "李建国", "--party", "申请人", "--satisfaction", "满意"],
             lambda: any(f.party in (None, "applicant") for f in s.case(cid).followups))
    yield Op("transition", ["followup", cid, "--respondent", "山西晋北建材有限公司", "--party", "对方当事人",
                            "--satisfaction", "满意"],
             lambda: s.state(cid) == "CLOSED")


def _pending(s: Subject) -> int:
    from casefile import search

    root = search.index_root(s.ws)
    if not (root / search.META_FILE).exists():
        return -1
    return sum(1 for _ in root.glob("pending*"))


def workflow_plan(s: Subject, work: Path, rnd: int) -> Iterator[Op]:
    """Joint procedure with an extra document, opinions, decision, service, enforcement and close."""
    before = s.case_ids()
    yield from _new_case(s, _form_file(work, f"joint-{rnd}"))
    cid = new_id(s, before)
    yield Op("transition", ["triage", cid, "--risk", "中"], lambda: s.state(cid) == "JOINT")
    def d04() -> int:
        return sum(1 for d in s.case(cid).documents if d.doc_type == "D04")

    n_d04 = d04()
    yield Op("document", ["doc", cid, "D04", "--set", "dept=财政局"], lambda: d04() > n_d04)
    for dept in s.case(cid).co_depts:
        yield Op("transition", ["opinion", cid, "--dept", dept, "--text", "经核查，同意联办意见。",
                                "--facts", "用人单位未足额申报缴纳社会保险费。"],
                 lambda dept=dept: any(o.dept == dept and o.text for o in s.case(cid).opinions))
    yield Op("transition", ["decide", cid, "--text", "责令限期补缴。", "--basis", "社会保险法第六十三条"],
             lambda: s.state(cid) == "DECIDED")
    yield Op("transition", ["notify", cid], lambda: s.state(cid) == "NOTIFIED")
    yield Op("transition", ["enforce", "start", cid, "--arrears", "基本养老,202501,4680.00"],
             lambda: s.state(cid) == "ENFORCEMENT")
    yield Op("transition", ["enforce", "paid", cid, "--on", "2026-11-20", "--principal", "4680.00",
                            "--late-fee", "1504.62"],  # 滞纳金 on 4,680.00 from 2025-02-16 to the day paid
             lambda: s.has_event(cid, "enforcement", step="E_DONE") > 0)
    yield Op("transition", ["close", cid, "--reason", "执法完毕"], lambda: s.state(cid) == "CLOSED")
    yield Op("index", ["index", "update"], lambda: _pending(s) == 0)


def referral_plan(s: Subject, work: Path, rnd: int) -> Iterator[Op]:
    """奈曼: 职责不清 → referral, a refusal (线索移交), the reply, notice, follow-up; a redirect."""
    form = _form_file(work, f"refer-{rnd}", jurisdiction={"name": "奈曼旗八仙筒镇", "code": "150525"})
    before = s.case_ids()
    yield from _new_case(s, form)
    cid = new_id(s, before)
    yield Op("transition", ["triage", cid, "--class", "职责不清", "--note", "涉及多部门职责交叉"],
             lambda: s.state(cid) == "REFERRED")
    yield Op("transition", ["refer", "urge", cid, "--dept", "人社局", "--on", NOW.date().isoformat(),
                            "--text", "电话催办，要求三日内反馈"],
             lambda: s.case(cid).referral is not None and bool(s.case(cid).referral.urges))
    yield Op("transition", ["refer", "refuse", cid, "--dept", "人社局", "--reason", "两次催办后仍拒不处理"],
             lambda: any(d.doc_type == "D09" for d in s.case(cid).documents))
    yield Op("transition", ["refer", "reply", cid, "--dept", "医保局", "--text", "已办理", "--hotline-ref", "GD-1"],
             lambda: s.state(cid) == "DECIDED")
    yield Op("transition", ["notify", cid], lambda: s.state(cid) == "NOTIFIED")
    yield from _follow_up_both(s, cid)
    before = s.case_ids()
    yield Op("intake", ["new", "--form", str(form), "--redirect", "属劳动关系确认", "--to", "旗劳动人事争议仲裁委员会"],
             lambda: bool(s.case_ids() - before))
    rid = new_id(s, before)
    if s.state(rid) == "INTAKE":  # killed between creating the dossier and the redirect: finish it
        yield Op("transition", ["redirect", rid, "--to", "旗劳动人事争议仲裁委员会", "--reason", "属劳动关系确认"],
                 lambda: s.state(rid) == "REDIRECTED")
    yield Op("index", ["index", "rebuild"], lambda: _pending(s) == 0 and _rebuilt(s))


def _rebuilt(s: Subject) -> bool:
    from casefile import search

    meta = search._read_meta(s.ws)
    return bool(meta) and not [p for p in search.index_root(s.ws).glob("idx-*") if p.name != meta["dir"]]


PLANS: dict[str, tuple[str, str, Callable[[Subject, Path, int], Iterator[Op]]]] = {
    # name: (profile, engine, plan)
    "files": ("pianguan", "tantivy", files_plan),
    "workflow": ("pianguan", "tantivy", workflow_plan),
    "referral": ("naiman", "tantivy", referral_plan),
}


def run_harness(names: list[str], kills: int, *, seed: int, base: Path, soffice: Path | None,
                log: Callable[[str], None] | None = None, max_rounds: int = 1000) -> Report:
    """Play rounds of the named plans (in turn, each on its own workspace) until ``kills`` kills."""
    rng = random.Random(seed)
    h = Harness(rng, log=log)
    t0 = time.monotonic()
    subjects: dict[str, Subject] = {}
    work = base / "work"
    work.mkdir(parents=True, exist_ok=True)
    try:
        for name in names:
            profile, engine, _ = PLANS[name]
            subjects[name] = s = Subject(base / f"ws-{name}", profile=profile, engine=engine, soffice=soffice)
            run = s.cli("index", "rebuild")  # so that `index update` in the plans is incremental
            if run.rc != 0:
                raise Inconsistent(f"casefile index rebuild 退出码 {run.rc}：{run.stderr[-600:]}")
        rnd = 0
        say = log or (lambda _m: None)
        while h.report.kills < kills and rnd < max_rounds:
            rnd += 1
            for name in names:
                s = subjects[name]
                whole = h.play(s, PLANS[name][2](s, work, rnd), name, stop_at=kills)
                h.final_check(s)
                if not whole:
                    break
            h.report.rounds += 1
            say(f"round {rnd}: {h.report.kills} kills")
        for s in subjects.values():  # the index, rebuilt after all those kills, holds what the dossiers hold
            run = s.cli("index", "rebuild")
            if run.rc != 0:
                raise Inconsistent(f"casefile index rebuild 退出码 {run.rc}：{run.stderr[-600:]}")
            problems = check_index(s)
            if problems:
                raise Inconsistent("重建检索索引后：" + "；".join(problems[:8]))
    except Inconsistent as exc:
        h.report.problems.append(str(exc))
    finally:
        h.report.seconds = time.monotonic() - t0
        h.close()
    return h.report
