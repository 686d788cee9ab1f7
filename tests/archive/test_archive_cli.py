"""The archive commands in a real subprocess: wiring, Chinese messages, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from archive.helpers import Archived, closed_direct_case, writable
from testkit import env_for


def run(ws: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casefile.cli.main", *args], env=env_for(ws, **env),
                          capture_output=True, text=True, timeout=300)


def test_archive_verify_and_refusals(ws, fake_soffice: Path) -> None:  # type: ignore[no-untyped-def]
    from archive.helpers import new_case

    soffice = {"CASEFILE_SOFFICE": str(fake_soffice)}
    open_id = new_case(ws)
    p = run(ws.root, "archive", open_id, **soffice)
    assert p.returncode == 1 and "不能归档" in p.stderr and "尚未办结" in p.stderr and "Traceback" not in p.stderr
    cid = closed_direct_case(ws, evidence=False)
    p = run(ws.root, "archive", cid, **soffice)
    assert p.returncode == 0, p.stderr
    assert "已归档，档号 J001-WS·2026-D10-SBZY-0001" in p.stdout
    p = run(ws.root, "archive", cid, **soffice)
    assert p.returncode == 1 and "不能重复归档" in p.stderr
    p = run(ws.root, "verify", cid)
    assert p.returncode == 0 and "四性" not in p.stderr and "通过" in p.stdout, p.stdout + p.stderr
    p = run(ws.root, "verify", "--all", "--quick", "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["ok"] is True
    p = run(ws.root, "verify")
    assert p.returncode == 2 and "--all" in p.stderr
    p = run(ws.root, "show", cid)
    assert p.returncode == 0 and "已归档" in p.stdout
    p = run(ws.root, "fsck")
    assert p.returncode == 0, p.stdout + p.stderr


def test_verify_reports_tampering_with_exit_1(archived: Archived) -> None:
    target = next(p for p in (archived.bag / "data" / "documents").iterdir() if p.suffix == ".json")
    with writable(target):
        target.write_bytes(target.read_bytes().replace(b"{", b"[", 1))
    p = run(archived.ws.root, "verify", archived.case_id)
    assert p.returncode == 1
    assert "未通过" in p.stdout and "[真实性]" in p.stdout and target.name in p.stdout and "内容已被改动" in p.stdout
    p = run(archived.ws.root, "verify", "--all", "--json")
    data = json.loads(p.stdout)
    assert p.returncode == 1 and data["cases"][0]["findings"][0]["code"] == "changed"


def test_reopen_transfer_and_purge_commands(archived: Archived, tmp_path: Path) -> None:
    root = archived.ws.root
    p = run(root, "transfer", "--year", "2026", str(tmp_path / "dest"))
    assert p.returncode == 0 and "目的地校验通过" in p.stdout, p.stdout + p.stderr
    p = run(root, "purge", archived.case_id, "--request", "--reason", "期满", CASEFILE_USER="甲")
    assert p.returncode == 1 and "届满前不得销毁" in p.stderr
    p = run(root, "purge", archived.case_id, CASEFILE_USER="甲")
    assert p.returncode == 2
    # destruction runs on the real clock: a pinned clock in 2037 does not make the bag expire
    later = {"CASEFILE_NOW": "2037-03-01T09:00:00+08:00"}
    p = run(root, "purge", archived.case_id, "--request", "--reason", "期满", CASEFILE_USER="甲", **later)
    assert p.returncode == 1 and "届满前不得销毁" in p.stderr, p.stdout + p.stderr
    p = run(root, "reopen", archived.case_id, "--reason", "补充调查")
    assert p.returncode == 0 and "保持不变" in p.stdout, p.stdout + p.stderr
    # the two-person rule itself, with the library taking the (real) time as a parameter
    from datetime import datetime

    from casefile.archive.lifecycle import purge_approve, purge_request
    from casefile.identity import find_staff

    def who(name: str):  # type: ignore[no-untyped-def]
        entry = find_staff(archived.ws, name)
        assert entry is not None
        return entry.actor()

    t = datetime.fromisoformat("2037-03-01T09:00:00+08:00")
    assert purge_request(archived.ws, archived.case_id, by=who("甲"), reason="期满", now=t).stage == "requested"
    import dataclasses

    import pytest

    from casefile.errors import ArchiveProblem
    from casefile.identity import NotEntitled

    with pytest.raises(NotEntitled):
        purge_approve(archived.ws, archived.case_id, by=who("王晓梅"), now=t)  # an officer may not approve
    same_as_requester = dataclasses.replace(who("甲"), roles=frozenset({"head"}))
    with pytest.raises(ArchiveProblem, match="同一人"):
        purge_approve(archived.ws, archived.case_id, by=same_as_requester, now=t)
    assert purge_approve(archived.ws, archived.case_id, by=who("乙"), now=t).stage == "purged"
    p = run(root, "archive", "--void", "2026-0009", "--reason", "x")
    assert p.returncode == 1 and "尚未分配" in p.stderr
