"""Where each library step is recorded.

An open or closed case records a step in its own journal (a dossier transaction). An archived case is a
sealed bag whose record and journal are never written again: its pseudonym table goes to the annex beside
the bag (:mod:`casefile.archive.annex`) and each step to the preservation log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile import events
from casefile.identity import ActorLike, actor_name
from casefile.library.writeup import MAP_DIR, TYPICAL_ID_RE, TypicalRefused, WriteUp, save

if TYPE_CHECKING:
    from casefile.config import Workspace
    from casefile.models.case import Case


def is_sealed(case: Case) -> bool:
    from casefile.models.enums import State

    return case.state is State.ARCHIVED and case.archive is not None


def log_sealed(ws: Workspace, case: Case, type_: str, actor: ActorLike, now: datetime, **data: Any) -> None:
    """One step on an archived case, recorded in the preservation log (its journal is sealed)."""
    from casefile.archive import preservation

    a = case.archive
    assert a is not None
    preservation.append(ws, a.year, type_, now=now, actor=actor, case_id=case.id, dang_hao=a.dang_hao, **data)
    events.committed(ws, case.id)  # the preservation log is a sealed case's journal


def draft_sealed(ws: Workspace, dossier: Any, case: Case, writeup: Callable[[str], WriteUp],
                  map_bytes: Callable[[str], bytes], actor: ActorLike, now: datetime) -> tuple[str, Path, str]:
    """Draft for an archived case: the map into the annex beside the bag, the step into the
    preservation log; nothing the bag's manifests cover is touched."""
    from casefile.archive import annex
    from casefile.store import Sequence, sha256_bytes

    with dossier.lock(), Sequence(ws, f"typical-{now.year}").allocate(case.id, now) as n:
        tid = f"TC-{now.year}-{n:04d}"
        w = writeup(tid)
        data = map_bytes(tid)
        map_rel = annex.write_map(dossier.path, f"{tid}.map.json", data)
        try:
            log_sealed(ws, case, annex.DRAFTED_EVENT, actor, now, typical_id=tid, map_file=map_rel,
                        map_sha256=sha256_bytes(data), content_sha256=w.content_sha256(), drafted_by=actor_name(actor))
        except BaseException:
            annex.remove_map(dossier.path, map_rel)
            raise
        path = save(ws, w)
    return tid, path, map_rel


def source_of(ws: Workspace, w: WriteUp) -> tuple[Any, Case]:
    """The dossier and record of the case a write-up was drafted from.

    The library does not name it: the ``typical-YYYY`` sequence log (in the archive, beside the
    dossiers) says which case took the number, and that case's folder holds the map file."""
    from casefile.store import Dossier, InvalidCaseId, Sequence

    m = TYPICAL_ID_RE.match(w.id)
    candidates: list[str] = [w.source_case] if w.source_case else []
    if m:
        value = int(m.group(2))
        candidates += [str(e.get("for")) for e in Sequence(ws, f"typical-{m.group(1)}").entries()
                       if e.get("value") == value]
    for case_id in candidates:
        try:
            dossier = Dossier(ws, case_id)
        except InvalidCaseId:
            continue
        if (dossier.path / MAP_DIR / f"{w.id}.map.json").is_file():
            return dossier, dossier.load()
    raise TypicalRefused(f"找不到典型案例 {w.id} 的来源案件（案卷中没有 {MAP_DIR}/{w.id}.map.json），"
                         "无法核对当事人信息；请运行 casefile fsck 检查案卷。")


def drafted_from(folder: Path) -> list[str]:
    """Typical-case ids drafted from the case in ``folder`` (its map files)."""
    maps = folder / MAP_DIR
    if not maps.is_dir():
        return []
    return sorted(p.name.removesuffix(".map.json") for p in maps.glob("TC-*.map.json"))
