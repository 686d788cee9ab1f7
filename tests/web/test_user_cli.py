"""``casefile user …`` from the shell (a separate process: one workspace per process), and that
``casefile --help`` does not pay for Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from testkit import env_for

CLI = [sys.executable, "-m", "casefile.cli.main"]


def run(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**env_for(ws), "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([*CLI, "-w", str(ws), *args], env=env, capture_output=True, text=True, timeout=120)


def test_user_commands_manage_accounts(tmp_path: Path) -> None:
    from casefile.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", "pianguan").root
    r = run(ws, "user", "list")
    assert r.returncode == 0 and "第一个管理员" in r.stdout
    r = run(ws, "user", "add", "wangfang", "--name", "王芳", "--dept", "医保局", "--roles", "协办联络员", "--password", "short")
    assert r.returncode == 2 and "密码至少10位" in r.stderr and "Traceback" not in r.stderr
    r = run(ws, "user", "add", "wangfang", "--name", "王芳", "--dept", "国土局", "--roles", "liaison", "--password", "Good#Pass2026")
    assert r.returncode != 0 and "--dept" in r.stderr and "Traceback" not in r.stderr
    r = run(ws, "user", "add", "wangfang", "--name", "王芳", "--dept", "医保局", "--roles", "协办联络员", "--password", "Good#Pass2026")
    assert r.returncode == 0 and "县医保局" in r.stdout and "协办联络员" in r.stdout
    r = run(ws, "user", "add", "wangfang2", "--name", "王芳", "--dept", "SW", "--roles", "officer", "--password", "Good#Pass2026")
    assert r.returncode == 1 and "同名" in r.stderr
    assert run(ws, "user", "roles", "wangfang", "liaison,reader").returncode == 0
    assert run(ws, "user", "passwd", "wangfang", "--password", "Other#Pass2026").returncode == 0
    assert run(ws, "user", "disable", "wangfang").returncode == 0
    rows = json.loads(run(ws, "user", "list", "--json").stdout)
    assert rows == [{"login": "wangfang", "name": "王芳", "dept": "YBJ", "dept_name": "县医保局",
                     "roles": ["liaison", "reader"], "active": False, "last_login": ""}]
    assert (ws / ".casefile" / "web.sqlite3").is_file()


def test_help_does_not_import_django(tmp_path: Path) -> None:
    code = ("import sys; from casefile.cli.main import main\n"
            "try:\n    main(['user', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('django', 'waitress', 'axes', 'whitenoise') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert r.stdout.strip().endswith("[]"), r.stdout + r.stderr
