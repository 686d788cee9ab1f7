"""The annex: files kept in an archived case folder beside its sealed bag, outside it.

An archived case folder is a BagIt bag that is never written again (``case.json`` and
``journal.jsonl`` are tag files covered by the tag manifests). The typical-case library must still
keep the real ↔ pseudonym table of a write-up with the case and nowhere else, so for an archived
case it goes into a tag directory the bag does not list::

    archive/<年>/<案件ID>/typical/<TC-编号>.map.json      (0600, the owner only)

RFC 8493 (§2.2.4) lets a bag carry further tag directories, and bagit-python's validation ignores
tag files no tag manifest lists, so the bag stays valid. What fixes such a file is the preservation
log instead: the ``typical_drafted`` event records its name and SHA-256. ``casefile verify``
accepts nothing else here: only regular files named like a map, readable by the owner alone, each
known to the log with the same digest.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from casefile.archive.findings import Changed, Finding, Property, Unexpected, Writable
from casefile.config import Workspace
from casefile.errors import StorageError
from casefile.fsio import owner_writable
from casefile.store import atomic_write, fsync_dir, sha256_file

TYPICAL_DIR = "typical"
ANNEX_DIRS = (TYPICAL_DIR,)
MAP_NAME_RE = re.compile(r"^TC-\d{4}-\d{4,6}\.map\.json$")
DRAFTED_EVENT = "typical_drafted"


@dataclass(frozen=True)
class Exposed(Finding):
    """An annex file (a real ↔ pseudonym table) that other users can read or change."""

    code: ClassVar[str] = "exposed"
    prop: ClassVar[Property] = Property.SECURE
    mode: int = 0

    @property
    def message(self) -> str:
        return f"{self.path} 的权限为 {self.mode:04o}，同组或其他用户可以访问（应只允许本人读写，0600）"


@dataclass(frozen=True)
class Unrecorded(Finding):
    """An annex file the preservation log does not know: not written by casefile, or renamed."""

    code: ClassVar[str] = "unrecorded"

    @property
    def message(self) -> str:
        return f"{self.path} 在保管日志中没有登记（不是由起草典型案例生成的，或被改名）"


# -- writing ----------------------------------------------------------------------------------------------
def write_map(root: Path, name: str, data: bytes) -> str:
    """Write ``typical/<name>`` (0600, atomically) in the archived folder ``root``; return its
    folder-relative path. The caller holds the dossier's lock."""
    if not MAP_NAME_RE.match(name):
        raise ValueError(name)
    folder = root / TYPICAL_DIR
    rel = f"{TYPICAL_DIR}/{name}"
    try:
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise StorageError(f"案卷目录 {root.name} 中的 {TYPICAL_DIR} 不是普通目录，无法保存脱敏对照表；请核实后移走。")
        if not folder.is_dir():
            # The bag's root is read-only; it is writable only while the annex folder is made.
            with owner_writable(root):
                folder.mkdir(mode=0o700)
                fsync_dir(root)
        with owner_writable(folder):
            atomic_write(folder / name, data, mode=0o600)
    except OSError as exc:
        raise StorageError(f"无法在已归档案卷 {root.name} 中保存脱敏对照表 {rel}（{exc.strerror}）。") from None
    return rel


def remove_map(root: Path, rel: str) -> None:
    """Best effort: take back a map whose write-up was not recorded."""
    with contextlib.suppress(OSError), owner_writable(root / TYPICAL_DIR):
        (root / rel).unlink()


# -- checking -------------------------------------------------------------------------------------------------
def is_annex(root: Path, name: str) -> bool:
    p = root / name
    return name in ANNEX_DIRS and p.is_dir() and not p.is_symlink()


def without_annex(root: Path, findings: Iterable[Finding]) -> list[Finding]:
    """The bag check's findings minus its complaints about the annex folders themselves (an
    unlisted top-level folder, writable files in it): :func:`annex_findings` checks those."""
    present = [d for d in ANNEX_DIRS if is_annex(root, d)]
    out: list[Finding] = []
    for f in findings:
        top = f.path.split("/", 1)[0]
        if top in present and (isinstance(f, Writable) or (isinstance(f, Unexpected) and f.path == f"{top}/")):
            continue
        out.append(f)
    return out


def map_files(root: Path) -> list[str]:
    """Folder-relative paths of the well-named regular files in ``typical/``."""
    folder = root / TYPICAL_DIR
    if not is_annex(root, TYPICAL_DIR):
        return []
    return sorted(f"{TYPICAL_DIR}/{p.name}" for p in folder.iterdir()
                  if MAP_NAME_RE.match(p.name) and stat.S_ISREG(os.lstat(p).st_mode))


def annex_findings(root: Path) -> list[Finding]:
    """Everything wrong in the annex folders of one case folder (needs nothing but the folder)."""
    out: list[Finding] = []
    for name in ANNEX_DIRS:
        if not is_annex(root, name):
            continue  # absent, or a file/link in its place: the bag check has reported it as unexpected
        folder = root / name
        mode = stat.S_IMODE(os.lstat(folder).st_mode)
        if mode & 0o022:
            out.append(Exposed(f"{name}/", mode=mode))
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            rel = f"{name}/{entry.name}"
            st = os.lstat(entry)
            if not stat.S_ISREG(st.st_mode):
                out.append(Unexpected(rel + ("/" if stat.S_ISDIR(st.st_mode) else "")))
            elif not MAP_NAME_RE.match(entry.name):
                out.append(Unexpected(rel))
            elif stat.S_IMODE(st.st_mode) & 0o077:
                out.append(Exposed(rel, mode=stat.S_IMODE(st.st_mode)))
    return out


def recorded_maps(ws: Workspace, year: int, case_id: str) -> dict[str, str]:
    """Map file → SHA-256 as the preservation log last recorded it for this case."""
    from casefile.archive import preservation

    events, _ = preservation.read_log(ws, year)
    out: dict[str, str] = {}
    for ev in events:
        if ev.type == DRAFTED_EVENT and ev.case_id == case_id:
            rel, sha = ev.data.get("map_file"), ev.data.get("map_sha256")
            if isinstance(rel, str) and isinstance(sha, str):
                out[rel] = sha
    return out


def unrecorded_findings(ws: Workspace, year: int, case_id: str, root: Path) -> list[Finding]:
    """Map files the preservation log does not know, or knows with another digest."""
    known = recorded_maps(ws, year, case_id)
    out: list[Finding] = []
    for rel in map_files(root):
        if rel not in known:
            out.append(Unrecorded(rel))
            continue
        try:
            sha = sha256_file(root / rel)
        except OSError:
            continue  # unreadable: annex_findings or the permissions say why
        if sha != known[rel]:
            out.append(Changed(rel, algorithms=("sha256",)))
    return out
