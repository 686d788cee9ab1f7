"""The drop folder's layout: what is a candidate, which case its place names, where rejects go.

::

    inbox/
      SBZY-140932-2026-0003/            a case folder: everything in it belongs to that case
        工资条/扫描001.pdf               …a sub-folder names the evidence slot
      SBZY-140932-2026-0003_工资条.pdf   a name starting with the case id
      scan0001.pdf                      anything else: page 1 must carry a cover-sheet QR code
      _unmatched/  x.pdf + x.pdf.reason.txt    no case could be determined
      _failed/     y.pdf + y.pdf.reason.txt    quarantine: unreadable, hostile, refused
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from casefile.evidence.codes import Reason
from casefile.evidence.stability import Signature

UNMATCHED_DIR = "_unmatched"
FAILED_DIR = "_failed"
REASON_SUFFIX = ".reason.txt"
ROOT_README = frozenset({"说明.txt"})  # written by `casefile init`

TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".!ut", ".swp",
                 ".opdownload", ".sb-")
CLUTTER_FILES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store", ".directory", "icon\r"})
CLUTTER_DIRS = frozenset({"@eadir", ".appledouble", "$recycle.bin", "#recycle", ".trashes", ".spotlight-v100",
                          ".fseventsd", ".snapshot", "lost+found", "system volume information"})

_CASE_ID = r"[A-Za-z]{2,8}-\d{6}-\d{4}-\d{4,6}"
CASE_DIR_RE = re.compile(rf"^{_CASE_ID}$")
CASE_PREFIX_RE = re.compile(rf"^({_CASE_ID})(?![0-9])")


def ignored_file(name: str) -> bool:
    """Temp/partial names, OS clutter, hidden files: never taken, never quarantined."""
    low = name.lower()
    if name.startswith("~$") or name.endswith("~"):
        return True  # Office owner files (~$报告.docx), editor backups
    if name.startswith(".") and not name.startswith(".."):
        return True  # hidden: .DS_Store, ._x (AppleDouble), .~lock.x# (LibreOffice), our own .x.tmp
    if low in CLUTTER_FILES:
        return True
    return any(low.endswith(suffix) for suffix in TEMP_SUFFIXES)


def ignored_dir(name: str) -> bool:
    return name.startswith(".") or name.lower() in CLUTTER_DIRS or name in (UNMATCHED_DIR, FAILED_DIR)


@dataclass(frozen=True)
class Entry:
    path: Path
    signature: Signature
    is_symlink: bool
    is_regular: bool


def scan(inbox: Path) -> Iterator[Entry]:
    """Every candidate under the inbox (symlinks included, never followed: they are refused)."""
    if not inbox.is_dir():
        return
    stack = [(inbox, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            it = os.scandir(folder)
        except OSError:
            continue
        with it:
            for de in it:
                try:
                    st = de.stat(follow_symlinks=False)
                except OSError:
                    continue  # vanished between listing and stat
                link = stat.S_ISLNK(st.st_mode)
                if stat.S_ISDIR(st.st_mode):
                    if not ignored_dir(de.name) and depth < 8:
                        stack.append((Path(de.path), depth + 1))
                    continue
                if ignored_file(de.name) or (depth == 0 and de.name in ROOT_README):
                    continue
                yield Entry(Path(de.path), Signature(st.st_size, st.st_mtime_ns, st.st_ino), link,
                            stat.S_ISREG(st.st_mode))


@dataclass(frozen=True)
class PathRoute:
    case_id: str | None  # from the case folder or the name prefix
    slot: str | None  # from a sub-folder of the case folder
    how: str  # "folder" | "prefix" | "none"
    folder: str | None = None  # a top folder that is not a case id (reported if nothing else matches)


def route_by_path(inbox: Path, path: Path) -> PathRoute:
    rel = path.relative_to(inbox)
    parts = rel.parts
    if len(parts) >= 2 and CASE_DIR_RE.match(parts[0]):
        slot = parts[1] if len(parts) >= 3 else None
        return PathRoute(parts[0].upper(), slot, "folder")
    m = CASE_PREFIX_RE.match(path.name)
    folder = parts[0] if len(parts) >= 2 else None
    if m:
        return PathRoute(m.group(1).upper(), None, "prefix", folder)
    return PathRoute(None, None, "none", folder)


def relative(inbox: Path, path: Path) -> str:
    try:
        return readable(path.relative_to(inbox).as_posix())
    except ValueError:
        return readable(path.name)


def readable(name: str) -> str:
    """A file name as text. Names that are not UTF-8 (a zip made on Chinese Windows, unpacked here,
    gives GBK bytes) arrive with surrogate escapes, which cannot be written to JSON or a reason file."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("gbk")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace")


def _unique(target: Path) -> Path:
    if not target.exists() and not target.is_symlink():
        return target
    stem, suffix = target.stem, target.suffix
    for i in range(2, 10_000):
        cand = target.with_name(f"{stem} ({i}){suffix}")
        if not cand.exists() and not cand.is_symlink():
            return cand
    raise FileExistsError(target)


def set_aside(inbox: Path, path: Path, reason: Reason, detail: str, now: datetime, *, case_id: str | None = None) -> Path:
    """Move a file (or a symlink itself, never its target) to _failed/ or _unmatched/ with a reason
    file beside it. The reason file is written first, so a file there always has its reason.
    Raises OSError when the inbox is not writable."""
    from casefile.store import atomic_write

    folder = inbox / (FAILED_DIR if reason.quarantine else UNMATCHED_DIR)
    folder.mkdir(exist_ok=True)
    rel = relative(inbox, path)
    prefix = f"{case_id}_" if case_id and path.parent != inbox and not path.name.upper().startswith(case_id) else ""
    target = _unique(folder / f"{prefix}{readable(path.name)}")
    lines = [
        f"reason: {reason.code}",
        f"原因：{reason.text}",
        *( [f"详情：{detail}"] if detail else [] ),
        *( [f"案件：{case_id}"] if case_id else [] ),
        f"原路径：inbox/{rel}",
        f"时间：{now.isoformat(timespec='seconds')}",
        "处理：" + ("确认文件无误后可重新放入收件目录；损坏的文件请重新扫描或向提交人索取。" if reason.quarantine
                 else "请把文件放入 inbox/<案件ID>/ 子目录，或将文件名改为以案件ID开头，再放回收件目录。"),
    ]
    from casefile.errors import StorageError

    try:
        atomic_write(target.with_name(target.name + REASON_SUFFIX), ("\n".join(lines) + "\n").encode("utf-8"))
    except StorageError as exc:
        raise OSError(exc.message) from None
    os.rename(path, target)
    with contextlib.suppress(OSError):
        from casefile.store import fsync_dir

        fsync_dir(folder)
    return target


def read_reason(path: Path) -> tuple[str, str]:
    """(code, Chinese text) from a reason file."""
    text = path.read_text(encoding="utf-8")
    code = ""
    message = ""
    for line in text.splitlines():
        if line.startswith("reason: "):
            code = line[len("reason: "):].strip()
        elif line.startswith("原因："):
            message = line[len("原因："):].strip()
    return code, message
