"""Tamper evidence, the whole matrix: editing, inserting, deleting or reordering any journal line
(first, middle, last) of an open dossier is named by ``casefile fsck``; of a sealed one by
``casefile verify``; and one changed byte in *any* file of an archive bag is named by
``casefile verify``. (tests/core/test_store.py and tests/archive/test_archive_verify.py check single
cases of these at the library level.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from reliability.harness import ACTOR, NOW

pytestmark = pytest.mark.slow

T0 = NOW - timedelta(days=20)


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"CASEFILE_HOME": str(root), "CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": ACTOR})
    return env


def _cf(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casefile.cli.main", *argv], env=_env(root), capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory, soffice_stub: Path) -> Iterator[tuple[Path, str, str]]:
    """A workspace with an archived case (with evidence) and an open case with a long journal."""
    from archive.helpers import closed_direct_case, new_case, step
    from casefile import workflow as wf
    from casefile.archive import archive_case
    from testkit import init_test_workspace as init_workspace

    root = tmp_path_factory.mktemp("tamper") / "ws"
    ws = init_workspace(root, "pianguan")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEFILE_SOFFICE", str(soffice_stub))
        archived = closed_direct_case(ws, at=T0)
        archive_case(ws, archived, T0 + timedelta(days=10), "档案员")
        open_id = new_case(ws, T0)
        step(ws, open_id, T0 + timedelta(hours=3), lambda s: wf.triage(s, risk="低"))
        step(ws, open_id, T0 + timedelta(days=1), lambda s: wf.decide(s, text="责令限期补缴", basis=["社会保险法第六十三条"]))
        step(ws, open_id, T0 + timedelta(days=2), lambda s: wf.notify(s))
    yield root, archived, open_id


@pytest.fixture
def ws_copy(sealed: tuple[Path, str, str], tmp_path: Path) -> tuple[Path, str, str]:
    src, archived, open_id = sealed
    dst = tmp_path / "ws"
    shutil.copytree(src, dst, symlinks=True)
    return dst, archived, open_id


def _dossier(root: Path, cid: str) -> Path:
    return root / "archive" / cid.split("-")[2] / cid


# -- the journal ---------------------------------------------------------------------------------------------
def _edit(lines: list[bytes], i: int) -> list[bytes]:
    obj = json.loads(lines[i])
    obj["actor"] = "张三"
    out = [*lines]
    out[i] = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return out


def _delete(lines: list[bytes], i: int) -> list[bytes]:
    return lines[:i] + lines[i + 1:]


def _insert(lines: list[bytes], i: int) -> list[bytes]:
    return [*lines[: i + 1], lines[i], *lines[i + 1:]]


def _reorder(lines: list[bytes], i: int) -> list[bytes]:
    j = i + 1 if i + 1 < len(lines) else i - 1
    out = [*lines]
    out[i], out[j] = out[j], out[i]
    return out


TAMPERS = {"edit": _edit, "delete": _delete, "insert": _insert, "reorder": _reorder}


@pytest.mark.parametrize("how", sorted(TAMPERS))
def test_any_journal_change_of_an_open_case_is_named_by_fsck(ws_copy: tuple[Path, str, str], how: str) -> None:
    root, _, cid = ws_copy
    journal = _dossier(root, cid) / "journal.jsonl"
    original = journal.read_bytes().splitlines()
    assert len(original) >= 4
    for i in (0, len(original) // 2, len(original) - 1):
        journal.write_bytes(b"\n".join(TAMPERS[how](original, i)) + b"\n")
        p = _cf(root, "fsck", "--no-repair", "--json")
        assert p.returncode == 1, (how, i, p.stdout)
        report = json.loads(p.stdout)
        mine = [f for f in report["findings"] if f["case_id"] == cid]
        assert mine, (how, i, report)
        assert {f["code"] for f in mine} & {"journal-chain", "journal-record"}, (how, i, mine)
        if how != "delete" or i != len(original) - 1:  # a cut-off last line leaves a valid but short chain
            assert any(f"第{k}行" in f["message"] for f in mine for k in range(1, len(original) + 2)), mine
        assert "Traceback" not in p.stderr
    journal.write_bytes(b"\n".join(original) + b"\n")
    assert _cf(root, "fsck", "--no-repair").returncode == 0


def test_an_edited_record_is_named_by_fsck(ws_copy: tuple[Path, str, str]) -> None:
    root, _, cid = ws_copy
    path = _dossier(root, cid) / "case.json"
    path.write_bytes(path.read_bytes().replace("责令限期补缴".encode(), "不予处理".encode()))
    p = _cf(root, "fsck", "--no-repair")
    assert p.returncode == 1 and cid in p.stdout and "journal-record" in p.stdout, p.stdout


@pytest.mark.parametrize("how", sorted(TAMPERS))
def test_any_journal_change_of_a_sealed_case_is_named_by_verify(ws_copy: tuple[Path, str, str], how: str) -> None:
    from archive.helpers import writable

    root, cid, _ = ws_copy
    journal = _dossier(root, cid) / "journal.jsonl"
    original = journal.read_bytes().splitlines()
    for i in (0, len(original) // 2, len(original) - 1):
        with writable(journal):
            journal.write_bytes(b"\n".join(TAMPERS[how](original, i)) + b"\n")
        p = _cf(root, "verify", cid, "--json")
        assert p.returncode == 1, (how, i, p.stdout)
        assert "journal.jsonl" in p.stdout, (how, i, p.stdout)
    with writable(journal):
        journal.write_bytes(b"\n".join(original) + b"\n")
    assert _cf(root, "verify", cid).returncode == 0


# -- every byte of the bag -----------------------------------------------------------------------------------
def test_one_changed_byte_in_any_file_of_the_bag_is_named(ws_copy: tuple[Path, str, str]) -> None:
    from archive.helpers import writable
    from casefile.archive import verify
    from casefile.config import find_workspace

    root, cid, _ = ws_copy
    ws = find_workspace(root)
    bag = _dossier(root, cid)
    files = sorted(p for p in bag.rglob("*") if p.is_file())
    assert len(files) > 15 and any(p.suffix == ".pdf" for p in files)
    missed = []
    for path in files:
        rel = path.relative_to(bag).as_posix()
        data = path.read_bytes()
        for offset in (0, len(data) // 2, len(data) - 1):
            changed = bytearray(data)
            # one bit: with 0x20 a hex digit of a tag manifest only changes case, which means the same
            changed[offset] ^= 0x01
            with writable(path):
                path.write_bytes(bytes(changed))
            report = verify(ws, [cid], now=NOW, actor=ACTOR)
            named = {f.path for f in report.findings} | {getattr(f, "new_path", "") for f in report.findings}
            # a manifest is itself listed nowhere: a change in one of its paths shows as that path missing
            manifest = rel.startswith(("manifest-", "tagmanifest-"))
            if report.ok or not (manifest or rel in named or any(rel in f.message for f in report.findings)):
                missed.append(f"{rel}@{offset}: {[f.message for f in report.findings]}")
        with writable(path):
            path.write_bytes(data)
    assert missed == []
    assert verify(ws, [cid], now=NOW, actor=ACTOR).ok


def test_verify_cli_names_the_changed_file(ws_copy: tuple[Path, str, str]) -> None:
    from archive.helpers import writable

    root, cid, _ = ws_copy
    bag = _dossier(root, cid)
    target = next(p for p in sorted((bag / "data").rglob("*.docx")))
    data = bytearray(target.read_bytes())
    data[100] ^= 1
    with writable(target):
        target.write_bytes(bytes(data))
    p = _cf(root, "verify", "--all")
    assert p.returncode == 1
    assert target.relative_to(bag).as_posix() in p.stdout and "已被改动" in p.stdout, p.stdout
