"""The preservation log: what happened to archived files after they were sealed.

Archived bags are never written again, so verifications, transfers, destruction requests and
approvals, reopenings and voided 件号 are recorded beside them, one hash-chained JSON line per event
in ``archive/_preservation/<年度>.jsonl`` (the same chain as a case journal, so an edited or deleted
line shows).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from casefile.config import Workspace
from casefile.errors import StorageError
from casefile.identity import Actor, ActorLike, actor_name
from casefile.store import CHECK_KEY, GENESIS, PRESERVATION_DIR, line_check, locked, seal_entry, sha256_bytes

LOG_DIR = PRESERVATION_DIR


@dataclass(frozen=True)
class PreservationEvent:
    seq: int
    time: str
    actor: str
    type: str
    case_id: str
    dang_hao: str
    data: dict[str, Any]
    sha256: str
    login: str = ""  # the account that took the step (its login, or its name for older lines)


def log_path(ws: Workspace, year: int) -> Path:
    return ws.archive_dir / LOG_DIR / f"{year}.jsonl"


def read_log(ws: Workspace, year: int) -> tuple[list[PreservationEvent], list[str]]:
    """Events of a year and the problems of its chain (edited, deleted or inserted lines)."""
    path = log_path(ws, year)
    if not path.exists():
        return [], []
    events: list[PreservationEvent] = []
    problems: list[str] = []
    prev = GENESIS
    lines = path.read_bytes().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for i, raw in enumerate(lines, start=1):
        try:
            obj = json.loads(raw)
            ev = PreservationEvent(int(obj["seq"]), str(obj["time"]), str(obj["actor"]), str(obj["type"]),
                                   str(obj.get("case", "")), str(obj.get("dang_hao", "")),
                                   dict(obj.get("data") or {}), sha256_bytes(raw), str(obj.get("login") or ""))
        except (ValueError, KeyError, TypeError):
            problems.append(f"第{i}行不是有效的记录")
            prev = sha256_bytes(raw)
            continue
        if CHECK_KEY in obj and obj[CHECK_KEY] != line_check(obj):  # the last line has no successor to vouch for it
            problems.append(f"第{i}行的内容与其校验值不符（记录被修改）")
        if obj.get("prev") != prev:
            problems.append(f"第{i}行的前序哈希不符（记录被修改、删除或插入）")
        events.append(ev)
        prev = ev.sha256
    return events, problems


def append(ws: Workspace, year: int, type_: str, *, now: datetime, actor: ActorLike, case_id: str = "",
           dang_hao: str = "", **data: Any) -> PreservationEvent:
    path = log_path(ws, year)
    with locked(ws, f"preservation-{year}"):
        last_seq, prev = 0, GENESIS
        if path.exists():
            tail = path.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]
            if tail:
                prev = sha256_bytes(tail)
                try:
                    last_seq = int(json.loads(tail)["seq"])
                except (ValueError, KeyError, TypeError):
                    last_seq = sum(1 for _ in path.read_bytes().splitlines())
        who = actor.journal_fields() if isinstance(actor, Actor) else {}
        entry = {"seq": last_seq + 1, "time": now.isoformat(), "actor": actor_name(actor), **who, "type": type_,
                 "case": case_id,
                 "dang_hao": dang_hao, "data": data, "prev": prev}
        line = seal_entry(entry)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("ab") as f:
                f.write(line + b"\n")
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            raise StorageError(f"无法写入保管日志 {path.name}（{exc.strerror}）。") from None
    return PreservationEvent(last_seq + 1, now.isoformat(), actor_name(actor), type_, case_id, dang_hao, data,
                             sha256_bytes(line), str(who.get("login") or ""))


def log_years(ws: Workspace) -> list[int]:
    folder = ws.archive_dir / LOG_DIR
    if not folder.is_dir():
        return []
    return sorted(int(p.stem) for p in folder.glob("*.jsonl") if p.stem.isdigit())
