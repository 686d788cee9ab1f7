"""Shared by the web tests: one workspace and one accounts database per test process (Django's
settings are process-wide), accounts for every role, and cases in known states."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from testkit import FIXTURES, NOW

PASSWORD = "Casefile#2026"

# login, name, department, roles
ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("admin", "系统管理员", "SW", "admin"),
    ("zhanglei", "张磊", "SW", "officer"),
    ("liuyang", "刘洋", "SW", "officer"),
    ("chenjing", "陈静", "SW", "head"),
    ("zhouqiang", "周强", "SW", "head"),
    ("wumin", "吴敏", "SW", "archivist"),
    ("sunli", "孙丽", "SW", "reader"),
    ("lirs", "李红（人社）", "RSJ", "liaison"),
    ("wangyb", "王芳（医保）", "YBJ", "liaison"),
    ("zhaoyb", "赵兰（医保档案）", "YBJ", "archivist"),
]

PG_VAR = "CASEFILE_TEST_PG_URL"


def database_url() -> str | None:
    """A PostgreSQL database of its own for this test process, when the test command started one."""
    base = os.environ.get(PG_VAR)
    if not base:
        return None
    import psycopg

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"casefile_test_{worker}"
    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


@dataclass
class Site:
    ws: Any
    root: Path


def make_site(root: Path) -> Site:
    from casefile.web import accounts
    from casefile.web.config import configure
    from casefile.workspace import init_workspace

    ws = init_workspace(root, "pianguan", purpose="test")
    configure(ws, database_url=database_url(), extra_hosts=("testserver",))
    for login, name, dept, roles in ACCOUNTS:
        accounts.add(ws, login, name, dept, roles, PASSWORD, must_change=False)
    return Site(ws, root)


def intake_form(**over: Any) -> dict[str, Any]:
    data = yaml.safe_load((FIXTURES / "forms" / "intake-minimal.yaml").read_text(encoding="utf-8"))
    data["received_at"] = NOW.replace(hour=9).isoformat()
    data.update(over)
    return data


def joint_case(ws: Any, co: tuple[str, ...] = ("RSJ",)) -> str:
    """A case routed to joint handling (中风险), waiting for the co-departments' written opinions."""
    from casefile import workflow

    res = workflow.register(ws, intake_form(), NOW, "张磊")
    workflow.run(ws, res.case_id, NOW, "张磊", lambda st: workflow.triage(st, risk="中", co=co))
    return res.case_id


def closed_case(ws: Any) -> str:
    """A case handled jointly with 人社局 only and closed after both parties were followed up (医保局 and the
    other member units stay uninvolved, which the permission tests of the shared workspace rely on)."""
    from casefile import workflow as wf
    from factories import T0, at, form

    cid = wf.register(ws, form("intake-unit", received_at=T0.isoformat()), T0, "张磊").case_id
    wf.run(ws, cid, at(0.2), "张磊", lambda s: wf.triage(s, risk="中", co=("RSJ",)))
    wf.run(ws, cid, at(2), "张磊", lambda s: wf.record_opinion(s, "RSJ", "同意", facts="情况属实"))
    wf.run(ws, cid, at(3), "张磊", lambda s: wf.decide(s, text="责令限期补缴", basis=["社会保险法第六十三条"]))
    wf.run(ws, cid, at(4), "张磊", lambda s: wf.notify(s))
    for who in ("李建国", "赵志刚"):
        wf.run(ws, cid, at(8), "张磊", lambda s, w=who: wf.followup(s, method="电话", respondent=w, satisfaction="满意"))
    return cid
