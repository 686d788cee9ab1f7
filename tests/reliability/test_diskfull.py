"""Disk full and read-only: a small tmpfs holds the workspace (and the temp directory). It is filled
so that each write command runs out of space at the start or part-way through; every command then
fails with a Chinese sentence (exit code 1, no traceback) and leaves the dossiers, the sequence logs
and the inbox exactly as they were. The same volume remounted read-only, and a read-only inbox.

Needs root to mount tmpfs; skipped, saying so, where that is not permitted."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from reliability.harness import ACTOR, FORMS, NOW, Subject, check_workspace, evidence_pdf

pytestmark = pytest.mark.slow

SIZE = "24m"


def _mount(target: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``mount OPTIONS… TARGET``; with ``--bind`` the target is mounted on itself."""
    extra = [str(target)] if "--bind" in options else []
    return subprocess.run(["mount", *options, *extra, str(target)], capture_output=True, text=True)


@pytest.fixture
def volume(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "vol"
    target.mkdir()
    if os.geteuid() != 0:
        pytest.skip("挂载 tmpfs 需要 root 权限：本机以普通用户运行，跳过磁盘写满/只读测试")
    p = _mount(target, "-t", "tmpfs", "-o", f"size={SIZE},mode=0755", "tmpfs")
    if p.returncode != 0:
        pytest.skip(f"无法挂载 tmpfs（{p.stderr.strip() or p.returncode}）：容器不允许挂载，跳过磁盘写满/只读测试")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def _snapshot(root: Path) -> dict[str, str]:
    """What must not change: every file of the dossiers, the preservation log, the inbox. The number
    logs are append-only and compared by :func:`_same_or_voided`."""
    out = {}
    for top in ("archive", "inbox", "library"):
        for p in sorted((root / top).rglob("*")):
            if p.parent.name == "_seq":
                out[p.relative_to(root).as_posix()] = "seq"
            elif p.is_file():
                out[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
            elif p.is_dir():
                out[p.relative_to(root).as_posix() + "/"] = "dir"
    return out


def _seq_logs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "archive" / "_seq").glob("*.jsonl"))}


def _same_or_voided(s: Subject, before: dict[str, bytes]) -> None:
    """A failed command may have recorded the number it took (a void, never reused): the logs only
    grow (that no dossier holds an appended number is checked once there is room again)."""
    after = _seq_logs(s.root)
    assert set(before) <= set(after)
    for name, data in after.items():
        assert data.startswith(before.get(name, b"")), name


def _fill(volume: Path, leave: int) -> Path:
    """Fill the volume, then give back ``leave`` bytes."""
    filler = volume / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for size in (1 << 20, 1 << 12):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def _prepare(volume: Path) -> tuple[Subject, dict[str, str], Path]:
    s = Subject(volume / "ws", engine="tantivy")
    s.env["TMPDIR"] = str(volume / "tmp")  # one disk for everything, as on a small office PC
    (volume / "tmp").mkdir()
    ids = _cases(s, "初始")
    assert s.cli("index", "rebuild").rc == 0
    big = volume.parent / "证据照片.png"  # outside the small volume: only the copy needs space
    from PIL import Image

    Image.frombytes("RGB", (400, 300), os.urandom(400 * 300 * 3)).save(big, "PNG")  # ~360 KB, incompressible
    return s, ids, big


def _cases(s: Subject, tag: str) -> dict[str, str]:
    """Fresh targets for one round of commands: a case to triage, a joint case, a closed case, and a
    scan waiting in the inbox."""
    from casefile import workflow
    from factories import form

    ids = {}
    ids["triage"] = workflow.register(s.ws, form("intake-unit"), NOW, ACTOR).case_id
    ids["joint"] = workflow.register(s.ws, form("intake-unit"), NOW, ACTOR).case_id
    workflow.run(s.ws, ids["joint"], NOW, ACTOR, lambda st: workflow.triage(st, risk="中"))
    ids["closed"] = workflow.register(s.ws, form("intake-unit"), NOW, ACTOR).case_id
    for fn in (lambda st: workflow.triage(st, risk="低"), lambda st: workflow.decide(st, text="责令限期补缴"),
               lambda st: workflow.notify(st),
               lambda st: workflow.followup(st, method="电话", respondent="李建国", satisfaction="满意"),
               lambda st: workflow.followup(st, method="电话", respondent="赵志刚", satisfaction="满意",
                                            party="对方当事人")):
        workflow.run(s.ws, ids["closed"], NOW, ACTOR, fn)
    s.drop(ids["triage"], f"{ids['triage']}/扫描{tag}.pdf", evidence_pdf(f"收件目录中的扫描件 {tag}"))
    return ids


def _commands(ids: dict[str, str], big: Path) -> list[list[str]]:
    return [
        ["new", "--form", str(FORMS / "intake-unit.yaml")],
        ["triage", ids["triage"], "--risk", "低"],
        ["doc", ids["joint"], "D04", "--set", "dept=财政局"],
        ["opinion", ids["joint"], "--dept", "人社局", "--text", "同意", "--facts", "用人单位未足额缴纳社会保险费"],
        ["evidence", "add", ids["triage"], str(big)],
        ["watch", "--once"],
        ["archive", ids["closed"]],
        ["index", "rebuild"],
    ]


def test_disk_full_at_every_stage(volume: Path, soffice_stub: Path) -> None:
    s, ids, big = _prepare(volume)
    s.env["CASEFILE_SOFFICE"] = str(soffice_stub)
    failures = 0
    for leave in (24 * 1024, 400 * 1024):  # out of room right away for most writes; part-way for the big ones
        ids = _cases(s, str(leave))
        filler = _fill(volume, leave)
        for argv in _commands(ids, big):
            before = _snapshot(s.root)
            logs = _seq_logs(s.root)
            run = s.cli(*argv)
            said = run.stderr + run.stdout
            if "内部错误" in said:  # show where
                s.env["CASEFILE_DEBUG"] = "1"
                said = s.cli(*argv).stderr
            assert "Traceback" not in said and "内部错误" not in said, (leave, argv, said[-3000:])
            if argv[:2] == ["watch", "--once"]:
                # the watcher reports per file: what fitted is filed, the rest waits in the inbox (checked
                # below, once there is room again); a good file is never quarantined for want of space
                assert run.rc == 0, (leave, said[-800:])
                assert "已隔离" not in run.stdout, (leave, run.stdout[-800:])
                failures += "暂未处理" in run.stdout
                continue
            if run.rc == 0:  # enough room for this one: then it must be whole
                filler.unlink()
                assert check_workspace(s) == [], (leave, argv)
                _fill(volume, leave)
                continue
            failures += 1
            assert run.rc == 1, (leave, argv, run.rc, said[-800:])
            # one sentence on stderr; `evidence add` reports per file on stdout and sums up on stderr
            message = run.stdout if argv[0] == "evidence" else run.stderr
            last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
            assert last.startswith("错误：") or argv[0] == "evidence", (leave, argv, said[-800:])
            assert "空间" in message or "磁盘" in message, (leave, argv, said[-800:])
            assert _snapshot(s.root) == before, (leave, argv, run.stderr)
            _same_or_voided(s, logs)
        filler.unlink()
        assert check_workspace(s) == [], leave
    assert failures >= 8
    # with room again, everything works
    ids = _cases(s, "之后")
    for argv in _commands(ids, big):
        run = s.cli(*argv)
        assert run.rc == 0 or "已归档" in run.stderr or "已出具" in run.stdout, (argv, run.stderr[-800:])
    assert check_workspace(s) == []
    assert s.cli("verify", "--all").rc == 0


def test_read_only_workspace(volume: Path) -> None:
    s, ids, big = _prepare(volume)
    before = _snapshot(s.root)
    p = _mount(volume, "-o", "remount,ro")
    assert p.returncode == 0, p.stderr
    try:
        for argv in _commands(ids, big):
            run = s.cli(*argv)
            said = run.stderr + run.stdout
            if "内部错误" in said:  # show where
                s.env["CASEFILE_DEBUG"] = "1"
                said = s.cli(*argv).stderr
            assert "Traceback" not in said and "内部错误" not in said, (argv, said[-3000:])
            if argv[:2] == ["watch", "--once"]:
                assert "暂未处理" in run.stdout or run.rc == 1, (argv, said[-800:])
            elif argv[0] == "evidence":  # per file on stdout, summed up on stderr
                assert run.rc == 1 and "未归档" in run.stderr and ("只读" in run.stdout or "Read-only" in run.stdout), said
            else:
                assert run.rc == 1 and "错误：" in run.stderr, (argv, run.rc, said[-800:])
                assert "只读" in run.stderr or "权限" in run.stderr, (argv, run.stderr)
        # reading works on a read-only medium (an archive volume): no lock files, the catalog opened
        # read-only, fsck checking without repairing
        for argv in (["show", ids["joint"]], ["evidence", "list", ids["triage"]], ["verify", "--all"], ["list"],
                     ["due"], ["search", "滞纳金"], ["risks"], ["fsck"], ["fsck", "--no-repair"]):
            run = s.cli(*argv)
            said = run.stderr + run.stdout
            assert "Traceback" not in said and "内部错误" not in said, (argv, said[-800:])
            if argv[0] == "search":  # tantivy cannot open an index it may not lock: refused, saying why
                assert run.rc == 0 or (run.rc == 1 and "只读介质" in run.stderr and "tantivy" in run.stderr), said
            else:
                assert run.rc == 0, (argv, run.rc, said[-800:])
        assert ids["joint"] in s.cli("list").stdout and "只读介质" in s.cli("fsck").stdout
        assert _snapshot(s.root) == before
    finally:
        _mount(volume, "-o", "remount,rw")
    assert check_workspace(s) == []


def test_read_only_inbox(volume: Path) -> None:
    """Filed, but the source cannot be removed: nothing is filed twice when the inbox is writable again."""
    s, ids, _ = _prepare(volume)
    inbox = s.ws.inbox_dir
    for i in range(3):
        s.drop(ids["triage"], f"{ids['triage']}/更多{i}.pdf", evidence_pdf(f"只读收件 {i}"))
    s.drop_bad(f"{ids['triage']}/坏.pdf", b"%PDF-1.4 broken")
    assert _mount(inbox, "--bind").returncode == 0
    try:
        assert _mount(inbox, "-o", "remount,bind,ro").returncode == 0
        run = s.cli("watch", "--once")
        said = run.stderr + run.stdout
        assert "Traceback" not in said and "内部错误" not in said, said[-1500:]
        assert run.rc == 0, said[-800:]
        assert "无法" in said, said[-800:]  # the user is told the files stayed behind
    finally:
        subprocess.run(["umount", "-l", str(inbox)], capture_output=True)
    run = s.cli("watch", "--once")
    assert run.rc == 0, run.stderr[-800:]
    assert s.inbox_waiting() == []
    assert check_workspace(s) == []
