"""Red team: someone who can write to the scanner share (the inbox), attacking the real watcher.

Each test first sets up the attack of issue 16 as it was reported, against a real ``casefile watch``
process on a real folder (or the real watcher object where a bug has to be simulated), then asserts
what must hold now: nothing outside the workspace read, written or deleted; every file ends once,
with a reason; no raw identifier or control character in any output. The exact moment of a swap
is reached with ``CASEFILE_PAUSE`` (the process stops at a named point until the test lets it go).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from casefile.config import Workspace
from casefile.evidence.codes import Outcome, Reason
from casefile.evidence.inbox import FAILED_DIR, REASON_SUFFIX, UNMATCHED_DIR, read_reason
from casefile.store import Dossier, sha256_bytes
from evidence.evfixtures import NOW, env_for, fast_settings, intake_form, load_case, text_pdf

ID = "140932198512310043"
ID_SPACED = "1409 3219 8512 3100 43"


# == helpers =========================================================================================
def new_ws(root: Path, **settings: object) -> tuple[Workspace, str]:
    from casefile import workflow
    from testkit import init_test_workspace

    ws = fast_settings(init_test_workspace(root / "ws", "pianguan"), max_ocr_pages=0, **settings)
    form = intake_form()
    form["claim"] = f"{form.get('claim', '')} 联系电话 138.3456.1234，身份证 {ID_SPACED}。"
    return ws, workflow.register(ws, form, NOW, "测试员").case_id


def casefile(ws: Workspace, *args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casefile.cli.main", *args], env=env_for(ws.root, **env),
                          capture_output=True, text=True, timeout=timeout)


def wait_for(cond: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"等待超时：{what}")


class LiveWatcher:
    """``casefile watch`` running in its own session, stopped with SIGTERM like Ctrl+C."""

    def __init__(self, ws: Workspace, **env: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "casefile.cli.main", "watch", "--interval", "0.3"],
            env=env_for(ws.root, **env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        self.out = ""
        self.err = ""

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.out, self.err = self.proc.communicate(timeout=120)
        return self.proc.returncode


@contextlib.contextmanager
def watching(ws: Workspace, **env: str) -> Iterator[LiveWatcher]:
    w = LiveWatcher(ws, **env)
    try:
        yield w
    finally:
        rc = w.stop()
        assert "Traceback" not in w.err, w.err
        assert rc == 0, (rc, w.err)


def paused(flag: Path) -> Callable[[], bool]:
    return lambda: flag.exists() and flag.read_text() != ""


def reasons(ws: Workspace, folder: str) -> dict[str, str]:
    """Name of every set-aside file → its reason code."""
    out = {}
    for p in sorted((ws.inbox_dir / folder).iterdir()):
        if p.name.endswith(REASON_SUFFIX):
            out[p.name[: -len(REASON_SUFFIX)]] = read_reason(p)[0]
    return out


def evidence_shas(ws: Workspace, case_id: str) -> list[str]:
    return [e.sha256 for e in load_case(ws, case_id).evidence]


def log_lines(ws: Workspace) -> list[dict[str, object]]:
    path = ws.state_dir / "evidence-log.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def dossier_clean(ws: Workspace, case_id: str) -> None:
    """No intent file, no temp, and no file in evidence/ that the record does not name."""
    d = Dossier(ws, case_id)
    case = load_case(ws, case_id)
    named = {e.file for e in case.evidence} | {e.text_file for e in case.evidence if e.text_file} \
        | {e.archive_pdf for e in case.evidence if e.archive_pdf}
    on_disk = {p.relative_to(d.path).as_posix() for p in (d.path / "evidence").glob("*")} if (d.path / "evidence").is_dir() else set()
    assert on_disk == named, on_disk ^ named
    leftovers = [p.name for p in d.path.iterdir() if (p.name.startswith(".") and "intent" in p.name) or p.name.endswith(".tmp")]
    assert leftovers == []
    r = casefile(ws, "fsck")
    assert r.returncode == 0, r.stdout + r.stderr


# == 16.1: paths that change under the watcher ========================================================
def test_case_folder_swapped_for_a_link_while_the_file_waits(tmp_path: Path) -> None:
    """The attack: a case folder with a queued file becomes a link to a folder outside the workspace
    whose file has the same name. Before the fix the outside file was filed and deleted."""
    ws, case_id = new_ws(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = text_pdf(1, tag="outside-secret")
    (outside / "扫描.pdf").write_bytes(secret)
    folder = ws.inbox_dir / case_id
    folder.mkdir()
    inside = text_pdf(1, tag="inside")
    (folder / "扫描.pdf").write_bytes(inside)
    flag = tmp_path / "paused"
    with watching(ws, CASEFILE_PAUSE=f"evidence.take@{flag}"):
        wait_for(paused(flag), what="watcher reaches the file")
        folder.rename(ws.inbox_dir / "挪走的目录")
        folder.symlink_to(outside, target_is_directory=True)
        flag.unlink()
        wait_for(lambda: case_id in reasons(ws, FAILED_DIR) and "扫描.pdf" in reasons(ws, UNMATCHED_DIR),
                 what="link quarantined, moved file set aside")
    assert (outside / "扫描.pdf").read_bytes() == secret  # never deleted, never filed
    assert sha256_bytes(secret) not in evidence_shas(ws, case_id)
    assert reasons(ws, FAILED_DIR)[case_id] == Reason.SYMLINK.code
    assert (ws.inbox_dir / FAILED_DIR / case_id).is_symlink()  # the link itself, not its target
    assert sorted(p.name for p in outside.iterdir()) == ["扫描.pdf"]
    skipped = [e for e in log_lines(ws) if e["outcome"] == Outcome.SKIPPED.value]
    assert skipped and "符号链接" in str(skipped[0]["detail"]), skipped
    dossier_clean(ws, case_id)


def test_file_swapped_for_a_link_after_the_scan(tmp_path: Path) -> None:
    ws, case_id = new_ws(tmp_path)
    secret = text_pdf(1, tag="secret")
    (tmp_path / "secret.pdf").write_bytes(secret)
    (ws.inbox_dir / case_id).mkdir()
    target = ws.inbox_dir / case_id / "扫描.pdf"
    target.write_bytes(text_pdf(1, tag="harmless"))
    flag = tmp_path / "paused"
    with watching(ws, CASEFILE_PAUSE=f"evidence.take@{flag}"):
        wait_for(paused(flag))
        target.unlink()
        target.symlink_to(tmp_path / "secret.pdf")
        flag.unlink()
        wait_for(lambda: any(n.endswith("扫描.pdf") for n in reasons(ws, FAILED_DIR)), what="link quarantined")
    assert (tmp_path / "secret.pdf").read_bytes() == secret
    assert evidence_shas(ws, case_id) == []
    assert set(reasons(ws, FAILED_DIR).values()) == {Reason.SYMLINK.code}


def test_folder_swapped_between_filing_and_removing_the_source(tmp_path: Path) -> None:
    """After the commit the source is removed: a folder swapped for a link at that moment must not
    make the watcher delete the same-named file it now points to."""
    ws, case_id = new_ws(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    keep = text_pdf(1, tag="keep-me")
    (outside / "扫描.pdf").write_bytes(keep)
    folder = ws.inbox_dir / case_id
    folder.mkdir()
    inside = text_pdf(1, tag="inside-2")
    (folder / "扫描.pdf").write_bytes(inside)
    flag = tmp_path / "paused"
    with watching(ws, CASEFILE_PAUSE=f"evidence.before_commit@{flag}"):
        wait_for(paused(flag))
        folder.rename(ws.inbox_dir / "挪走的目录")
        folder.symlink_to(outside, target_is_directory=True)
        flag.unlink()
        wait_for(lambda: any(e["outcome"] == "filed" for e in log_lines(ws)), what="filed")
        wait_for(lambda: case_id in reasons(ws, FAILED_DIR), what="link quarantined")
    assert (outside / "扫描.pdf").read_bytes() == keep
    assert evidence_shas(ws, case_id) == [sha256_bytes(inside)]
    filed = next(e for e in log_lines(ws) if e["outcome"] == "filed")
    assert "无法从收件目录删除原文件" in str(filed["warnings"])  # said, not done
    # the moved original is recognised as already filed on its next pass, not filed twice
    r = casefile(ws, "watch", "--once", "--json")
    assert r.returncode == 0, r.stderr
    assert evidence_shas(ws, case_id) == [sha256_bytes(inside)]


# == 16.2: quarantine folders replaced by links ======================================================
def test_failed_folder_replaced_by_a_link_receives_nothing(tmp_path: Path) -> None:
    ws, _case_id = new_ws(tmp_path)
    ssh = tmp_path / "home" / ".ssh"
    ssh.mkdir(parents=True)
    failed = ws.inbox_dir / FAILED_DIR
    failed.rmdir()
    failed.symlink_to(ssh, target_is_directory=True)
    (ws.inbox_dir / "authorized_keys").write_bytes(b"ssh-ed25519 AAAAC3Nza attacker@evil\n")
    r = casefile(ws, "watch", "--once")
    assert r.returncode == 0, r.stderr
    assert list(ssh.iterdir()) == []  # nothing written through the link
    assert failed.is_dir() and not failed.is_symlink() and failed.stat().st_uid == os.geteuid()
    got = reasons(ws, FAILED_DIR)
    assert got.get("authorized_keys") == Reason.UNSUPPORTED_TYPE.code
    impostor = [n for n in got if n.startswith(f"{FAILED_DIR}（被替换的符号链接）")]
    assert impostor and got[impostor[0]] == Reason.SYMLINK.code  # the link itself, quarantined
    assert "隔离目录名被占用" in r.stderr


def test_failed_folder_swapped_while_a_file_is_set_aside(tmp_path: Path) -> None:
    ws, case_id = new_ws(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ws.inbox_dir / case_id).mkdir()
    (ws.inbox_dir / case_id / "坏.pdf").write_bytes(b"%PDF-1.4 broken")
    flag = tmp_path / "paused"
    with watching(ws, CASEFILE_PAUSE=f"evidence.before_set_aside@{flag}"):
        wait_for(paused(flag))
        failed = ws.inbox_dir / FAILED_DIR
        failed.rename(ws.inbox_dir / "旧隔离")
        failed.symlink_to(elsewhere, target_is_directory=True)
        flag.unlink()
        wait_for(lambda: (ws.inbox_dir / FAILED_DIR).is_dir() and not (ws.inbox_dir / FAILED_DIR).is_symlink()
                 and any(n.endswith("坏.pdf") for n in reasons(ws, FAILED_DIR)), what="quarantined for real")
    assert list(elsewhere.iterdir()) == []


# == 16.10: names that are not UTF-8 ==================================================================
def test_gbk_named_folder_and_file_are_handled_once(tmp_path: Path) -> None:
    ws, case_id = new_ws(tmp_path)
    case_dir = os.fsencode(ws.inbox_dir / case_id)
    slot = case_dir + b"/" + "工资条".encode("gbk")
    os.makedirs(slot)
    first = text_pdf(1, tag="gbk-1")
    second = text_pdf(1, tag="gbk-2")
    with open(slot + b"/" + "扫描一.pdf".encode("gbk"), "wb") as f:
        f.write(first)
    with open(case_dir + b"/\xff\xfe\xfd.pdf", "wb") as f:  # neither UTF-8 nor GBK
        f.write(second)
    r = casefile(ws, "watch", "--once", "--json")
    assert r.returncode == 0, r.stderr
    assert "内部错误" not in r.stdout + r.stderr
    results = json.loads(r.stdout)["results"]
    assert sorted(x["outcome"] for x in results) == ["filed", "filed"], results
    case = load_case(ws, case_id)
    assert sorted(e.sha256 for e in case.evidence) == sorted([sha256_bytes(first), sha256_bytes(second)])
    assert {e.slot for e in case.evidence} == {"工资条", None}
    dossier_clean(ws, case_id)
    again = casefile(ws, "watch", "--once")
    assert again.returncode == 0 and "没有待处理的文件" in again.stdout, again.stdout


# == 16.11: parse workers ==============================================================================
def _our_workers(ws: Workspace) -> list[int]:
    """Processes running casefile.evidence.worker for this workspace."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            env = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if b"casefile.evidence.worker" in cmd and f"CASEFILE_HOME={ws.root}".encode() in env:
            found.append(int(pid))
    return found


def test_parse_workers_die_with_a_killed_watcher(tmp_path: Path) -> None:
    ws, case_id = new_ws(tmp_path)
    (ws.inbox_dir / case_id).mkdir()
    (ws.inbox_dir / case_id / "扫描.pdf").write_bytes(text_pdf(1, tag="hang"))
    flag = tmp_path / "paused"
    w = LiveWatcher(ws, CASEFILE_PAUSE=f"worker.parse@{flag}")
    try:
        wait_for(paused(flag), what="a worker is parsing")
        child = int(flag.read_text())
        assert _our_workers(ws) and Path(f"/proc/{child}").exists()
        os.kill(w.proc.pid, signal.SIGKILL)
        w.proc.wait(timeout=30)
        wait_for(lambda: not _our_workers(ws) and not Path(f"/proc/{child}").exists(), timeout=10,
                 what="workers gone with their watcher")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(w.proc.pid, signal.SIGKILL)
        w.proc.communicate(timeout=30)
        for pid in _our_workers(ws):  # only if the assertion above failed
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    # the next watcher files it (the interrupted parse is not held against the file)
    r = casefile(ws, "watch", "--once")
    assert r.returncode == 0, r.stderr
    assert len(evidence_shas(ws, case_id)) == 1


def test_a_worker_ends_at_its_own_time_limit_without_a_parent(tmp_path: Path) -> None:
    from dataclasses import asdict

    from casefile.evidence.worker import WorkerRequest

    src = tmp_path / "x.pdf"
    src.write_bytes(text_pdf(1))
    flag = tmp_path / "paused"
    req = WorkerRequest(path=str(src), name="x.pdf", out_dir=str(tmp_path), hard_seconds=1.0, ocr=False)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "casefile.evidence.worker"], input=json.dumps(asdict(req)),
                          env={**os.environ, "CASEFILE_PAUSE": f"worker.parse@{flag}", "PYTHONPATH": os.pathsep.join(sys.path)},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGALRM  # nobody killed it: its own alarm did
    assert time.monotonic() - started < 20


def test_a_file_that_keeps_failing_is_quarantined_after_three_tries(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug hit by one file (simulated: the case check raises) is retried, counted on disk across
    restarts of the real watcher, and the file is quarantined with the error instead of looping."""
    from casefile.evidence.pipeline import Ingest
    from casefile.evidence.watcher import Watcher

    ws, case_id = new_ws(tmp_path)
    (ws.inbox_dir / case_id).mkdir()
    (ws.inbox_dir / case_id / "扫描.pdf").write_bytes(text_pdf(1, tag="bug"))

    def broken(self: Ingest, job: object) -> None:
        raise RuntimeError("模拟的程序错误")

    monkeypatch.setattr(Ingest, "check_case", broken)
    outcomes = []
    for _restart in range(4):
        report = Watcher(ws, actor="测试员", clock=lambda: NOW, use_events=False).run_once()
        outcomes.append([(r.outcome.value, r.reason.code if r.reason else None) for r in report.results])
    assert outcomes[:3] == [[("retry", None)]] * 3, outcomes
    assert outcomes[3] == [("quarantined", Reason.REPEATED_FAILURE.code)], outcomes
    got = reasons(ws, FAILED_DIR)
    assert got == {f"{case_id}_扫描.pdf": Reason.REPEATED_FAILURE.code}
    text = (ws.inbox_dir / FAILED_DIR / f"{case_id}_扫描.pdf{REASON_SUFFIX}").read_text(encoding="utf-8")
    assert "已失败3次" in text and "模拟的程序错误" in text


# == 16.13: stalled copies =============================================================================
def _stalled_copy(path: Path, data: bytes, *, keep_open: bool, stall: float) -> None:
    half = len(data) // 2
    if keep_open:
        with path.open("wb") as f:
            f.write(data[:half])
            f.flush()
            time.sleep(stall)
            f.write(data[half:])
    else:
        path.write_bytes(data[:half])
        time.sleep(stall)
        with path.open("ab") as f:
            f.write(data[half:])


@pytest.mark.slow  # waits out the watcher's patience period twice
@pytest.mark.parametrize("keep_open", [True, False], ids=["writer-open", "writer-reopens"])
def test_a_copy_that_stalls_is_not_quarantined_as_truncated(tmp_path: Path, keep_open: bool) -> None:
    ws, case_id = new_ws(tmp_path, truncated_patience_seconds=30.0)
    (ws.inbox_dir / case_id).mkdir()
    data = text_pdf(4, tag="slow copy")
    with watching(ws):
        time.sleep(1.0)
        _stalled_copy(ws.inbox_dir / case_id / "慢速复制.pdf", data, keep_open=keep_open, stall=5.0)
        wait_for(lambda: sha256_bytes(data) in evidence_shas(ws, case_id), timeout=90, what="filed after the stall")
    assert reasons(ws, FAILED_DIR) == {}
    waits = [e for e in log_lines(ws) if e["outcome"] == "retry"]
    assert waits, "the half file was seen and waited for"
    assert all(e["reason"] is None for e in waits)


def test_a_file_that_is_final_and_broken_is_still_quarantined(tmp_path: Path) -> None:
    ws, case_id = new_ws(tmp_path, truncated_patience_seconds=30.0)
    (ws.inbox_dir / case_id).mkdir()
    data = text_pdf(4, tag="broken")
    half = ws.inbox_dir / case_id / "残缺.pdf"
    half.write_bytes(data[: len(data) // 2])
    fresh = casefile(ws, "watch", "--once", "--json")
    assert fresh.returncode == 0
    assert [r["outcome"] for r in json.loads(fresh.stdout)["results"]] == ["retry"]  # too fresh to judge
    old = time.time() - 3600
    os.utime(half, (old, old))  # an hour at rest, nobody writing
    r = casefile(ws, "watch", "--once", "--json")
    assert r.returncode == 0
    assert reasons(ws, FAILED_DIR) == {f"{case_id}_残缺.pdf": Reason.TRUNCATED.code}


# == 15.5: the watcher cleans its own leftovers ========================================================
def test_watcher_removes_its_stale_reason_temps_at_start(tmp_path: Path) -> None:
    ws, _case_id = new_ws(tmp_path)
    failed = ws.inbox_dir / FAILED_DIR
    stale = failed / ".坏.pdf.reason.txt.0123abcd.tmp"
    stale.write_text("reason: corrupt\n", encoding="utf-8")
    other = failed / "留着.pdf"
    other.write_bytes(b"x")  # a quarantined file someone left: not ours to remove
    r = casefile(ws, "watch", "--once")
    assert r.returncode == 0, r.stderr
    assert not stale.exists() and other.exists()


# == 16.8 and 16.14: what the outputs show =============================================================
RTL = "\u202e"


def test_names_are_masked_and_escaped_in_every_output(tmp_path: Path) -> None:
    ws, case_id = new_ws(tmp_path)
    folder = ws.inbox_dir / case_id
    folder.mkdir()
    names = {f"身份证{ID}.pdf": text_pdf(1, tag="a"), f"李四 {ID_SPACED}.pdf": text_pdf(1, tag="b"),
             f"发票{RTL}fdp.exe.pdf": text_pdf(1, tag="c"), "第一行\n第二行.pdf": text_pdf(1, tag="d")}
    for name, data in names.items():
        (folder / name).write_bytes(data)
    outputs = {}
    r = casefile(ws, "watch", "--once")
    assert r.returncode == 0, r.stderr
    outputs["watch"] = r.stdout + r.stderr
    assert len(evidence_shas(ws, case_id)) == 4
    for label, args in {"evidence list": ("evidence", "list", case_id), "evidence list --json": ("evidence", "list", case_id, "--json"),
                        "show": ("show", case_id), "show --json": ("show", case_id, "--json"),
                        "list": ("list",), "index update": ("index", "update"),
                        "search": ("search", "工资条", "--kind", "evidence", "--per-page", "50")}.items():
        r = casefile(ws, *args)
        assert r.returncode == 0, (label, r.stderr)
        outputs[label] = r.stdout + r.stderr
    outputs["evidence log"] = (ws.state_dir / "evidence-log.jsonl").read_text(encoding="utf-8")
    for label, text in outputs.items():
        assert ID not in text and ID_SPACED not in text, label
        assert "3100 43" not in text and "138.3456.1234" not in text, label
        assert RTL not in text, label
        assert not any(line.startswith("第二行") for line in text.splitlines()), (label, text)
    assert "140932********0043" in outputs["evidence list"] and "140932********0043" in outputs["search"]
    assert "\\u202e" in outputs["evidence list"] and "第一行\\n第二行" in outputs["show"]
    # the catalog (a derived store outside the dossiers) holds masked text only
    catalog = (ws.indexes_dir / "catalog.sqlite").read_bytes()
    for raw in (ID_SPACED, "138.3456.1234"):
        assert raw.encode() not in catalog


# == 16.14: a template that never ends =================================================================
def _looping_template(ws: Workspace, doc_type: str) -> None:
    from casefile.documents.engine import find_template

    shipped = find_template(None, doc_type).path
    target = ws.templates_dir / shipped.name
    target.parent.mkdir(parents=True, exist_ok=True)
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}"
    with zipfile.ZipFile(shipped) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                at = text.index("<w:t", text.index("<w:body>"))
                at = text.index(">", at) + 1
                data = (text[:at] + loop + text[at:]).encode("utf-8")
            dst.writestr(item, data)


def test_a_template_with_endless_loops_is_stopped_and_the_case_stays_usable(tmp_path: Path) -> None:
    ws, case_id = new_ws(tmp_path)
    _looping_template(ws, "D04")
    before = Dossier(ws, case_id).case_path.read_bytes()
    started = time.monotonic()
    r = casefile(ws, "doc", case_id, "D04", "--set", "dept=财政局", timeout=120, CASEFILE_RENDER_SECONDS="2")
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "渲染超过" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert time.monotonic() - started < 60
    assert Dossier(ws, case_id).case_path.read_bytes() == before  # nothing half-written
    shown = casefile(ws, "show", case_id, timeout=60)  # the case lock was released
    assert shown.returncode == 0, shown.stderr
