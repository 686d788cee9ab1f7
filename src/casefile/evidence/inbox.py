"""The drop folder's layout: what is a candidate, which case its place names, where rejects go.

::

    inbox/
      SBZY-140932-2026-0003/            a case folder: everything in it belongs to that case
        工资条/扫描001.pdf               …a sub-folder names the evidence slot
      SBZY-140932-2026-0003_工资条.pdf   a name starting with the case id
      scan0001.pdf                      anything else: page 1 must carry a cover-sheet QR code
      _unmatched/  x.pdf + x.pdf.reason.txt    no case could be determined
      _failed/     y.pdf + y.pdf.reason.txt    quarantine: unreadable, hostile, refused

Whoever can write to the scanner share can change the folder while the watcher works in it, so no
path below the inbox is ever resolved by name more than one component at a time: every folder is
opened with ``O_NOFOLLOW | O_DIRECTORY`` relative to its parent's handle, and files are opened,
stat-ed, renamed and removed relative to those handles (``dir_fd``). A folder swapped for a symbolic
link is therefore never entered, and a file is acted on only while it is the very file (device and
inode) that was scanned. The two quarantine folders are created by the watcher and used only while
they are real folders owned by the workspace's user.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from casefile.evidence.codes import Reason
from casefile.evidence.stability import Signature

UNMATCHED_DIR = "_unmatched"
FAILED_DIR = "_failed"
QUARANTINE_DIRS = (FAILED_DIR, UNMATCHED_DIR)
REASON_SUFFIX = ".reason.txt"
ROOT_README = frozenset({"说明.txt"})  # written by `casefile init`
MAX_TARGET_BYTES = 200  # a quarantined name plus ".reason.txt" and a temp prefix stay under NAME_MAX (255)

TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".!ut", ".swp",
                 ".opdownload", ".sb-")
CLUTTER_FILES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store", ".directory", "icon\r"})
CLUTTER_DIRS = frozenset({"@eadir", ".appledouble", "$recycle.bin", "#recycle", ".trashes", ".spotlight-v100",
                          ".fseventsd", ".snapshot", "lost+found", "system volume information"})
# the temp name of a reason file being written (same shape as store.atomic_write's temps)
OWN_TEMP_RE = re.compile(r"^\..+\.[0-9a-f]{8}\.tmp$")

_CASE_ID = r"[A-Za-z]{2,8}-\d{6}-\d{4}-\d{4,6}"
CASE_DIR_RE = re.compile(rf"^{_CASE_ID}$")
CASE_PREFIX_RE = re.compile(rf"^({_CASE_ID})(?![0-9])")

_O_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_O_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # NONBLOCK: a FIFO must not hang us
PATH_CHANGED_ERRNOS = frozenset({errno.ELOOP, errno.ENOTDIR, errno.EMLINK})


class PathChanged(OSError):
    """A folder on the way to a file is no longer a real folder (swapped for a symbolic link or a
    file), or the name now holds another file than the one scanned."""


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
    return name.startswith(".") or name.lower() in CLUTTER_DIRS or name in QUARANTINE_DIRS


@dataclass(frozen=True)
class Entry:
    path: Path
    signature: Signature
    is_symlink: bool
    is_regular: bool


# == handles ========================================================================================
def open_root(inbox: Path) -> int:
    """The inbox itself is the configured path (it may be a mount point or a link an administrator
    made); everything below it is opened relative to this handle without following links."""
    return os.open(inbox, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


def _open_sub(parent_fd: int, name: str) -> int:
    try:
        return os.open(name, _O_DIR, dir_fd=parent_fd)
    except OSError as exc:
        if exc.errno in PATH_CHANGED_ERRNOS:
            raise PathChanged(exc.errno, f"“{readable(name)}”不是目录（可能已被替换为符号链接）") from None
        raise


def parts_of(inbox: Path, path: Path) -> tuple[str, ...]:
    parts = path.relative_to(inbox).parts
    if not parts or any(p in ("", ".", "..") for p in parts):
        raise PathChanged(errno.EINVAL, "路径不在收件目录内")
    return parts


@contextlib.contextmanager
def parent_dir(inbox: Path, path: Path) -> Iterator[tuple[int, str]]:
    """(handle of the folder holding ``path``, the file's own name); every folder on the way is
    opened with O_NOFOLLOW relative to the one before, starting at the inbox."""
    parts = parts_of(inbox, path)
    fds: list[int] = []
    try:
        fds.append(open_root(inbox))
        for name in parts[:-1]:
            fds.append(_open_sub(fds[-1], name))
        yield fds[-1], parts[-1]
    finally:
        for fd in reversed(fds):
            os.close(fd)


def lstat_at(inbox: Path, path: Path) -> os.stat_result:
    with parent_dir(inbox, path) as (dfd, name):
        return os.stat(name, dir_fd=dfd, follow_symlinks=False)


@contextlib.contextmanager
def open_file(inbox: Path, path: Path, expect: tuple[int, int] | None = None) -> Iterator[tuple[int, os.stat_result]]:
    """An open handle on the inbox file (never through a link) and its ``fstat``; ``expect`` =
    (device, inode) the scan saw: another file under the same name is refused (PathChanged)."""
    with parent_dir(inbox, path) as (dfd, name):
        try:
            fd = os.open(name, _O_FILE, dir_fd=dfd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise PathChanged(exc.errno, "文件已被替换为符号链接") from None
            raise
    try:
        st = os.fstat(fd)
        if expect is not None and (st.st_dev, st.st_ino) != expect:
            raise PathChanged(errno.ESTALE, "文件在等待处理期间被替换")
        yield fd, st
    finally:
        os.close(fd)


def unlink_if_same(inbox: Path, path: Path, ident: tuple[int, ...]) -> bool:
    """Remove the inbox file only while the name still holds the file we filed: ``ident`` =
    (device, inode[, size, mtime_ns]). True when it is gone (removed now, or already)."""
    try:
        with parent_dir(inbox, path) as (dfd, name):
            st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
            if (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)[: len(ident)] != ident:
                return False  # a new file with the same name: it is processed on its own
            os.unlink(name, dir_fd=dfd)
            with contextlib.suppress(OSError):
                os.fsync(dfd)
            return True
    except FileNotFoundError:
        return True
    except PathChanged:
        return False


# == scanning =======================================================================================
def scan(inbox: Path) -> Iterator[Entry]:
    """Every candidate under the inbox (symlinks included, never followed: they are refused)."""
    try:
        root = open_root(inbox)
    except OSError:
        return
    stack: list[tuple[int, tuple[str, ...]]] = [(root, ())]
    try:
        while stack:
            fd, parts = stack.pop()
            try:
                with os.scandir(fd) as it:
                    names = [de.name for de in it]
            except OSError:
                os.close(fd)
                continue
            try:
                for name in names:
                    try:
                        st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                    except OSError:
                        continue  # vanished between listing and stat
                    if stat.S_ISDIR(st.st_mode):
                        if ignored_dir(name) or len(parts) >= 8:
                            continue
                        try:
                            sub = _open_sub(fd, name)
                        except OSError:
                            continue  # swapped meanwhile: the next scan sees what it is now
                        sst = os.fstat(sub)
                        if (sst.st_dev, sst.st_ino) != (st.st_dev, st.st_ino):
                            os.close(sub)
                            continue
                        stack.append((sub, (*parts, name)))
                        continue
                    if ignored_file(name) or (not parts and name in ROOT_README):
                        continue
                    yield Entry(inbox.joinpath(*parts, name),
                                Signature(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev),
                                stat.S_ISLNK(st.st_mode), stat.S_ISREG(st.st_mode))
            finally:
                os.close(fd)
    finally:
        for fd, _parts in stack:
            with contextlib.suppress(OSError):
                os.close(fd)


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
        slot = readable(parts[1]) if len(parts) >= 3 else None
        return PathRoute(parts[0].upper(), slot, "folder")
    m = CASE_PREFIX_RE.match(path.name)
    folder = readable(parts[0]) if len(parts) >= 2 else None
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


def is_undecodable(name: str) -> bool:
    try:
        name.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def quarantine_name(name: str) -> str:
    """The name a set-aside file gets: readable text, no control or bidi characters (they would
    spoof a listing), short enough for a reason file beside it."""
    text = "".join("_" if (not c.isprintable() or c in "/\\") else c for c in readable(name)).strip() or "file"
    if text.startswith("."):
        text = "_" + text[1:]  # hidden names are ignored by the scan and by people
    while len(text.encode("utf-8")) > MAX_TARGET_BYTES:
        stem, dot, ext = text.rpartition(".")
        text = f"{stem[:-1]}.{ext}" if dot and 0 < len(ext) <= 8 and stem else text[:-1]
    return text


# == quarantine folders =============================================================================
def _evict(root_fd: int, name: str, why: str) -> str:
    """Rename whatever squats a quarantine folder's name (a link, a file, a folder of another user)
    to a visible name, so the next scan treats it like any other dropped thing."""
    new = f"{name}（{why}）{uuid.uuid4().hex[:6]}"
    os.rename(name, new, src_dir_fd=root_fd, dst_dir_fd=root_fd)
    return new


def quarantine_dir(root_fd: int, name: str, evicted: list[str] | None = None) -> int:
    """A handle on ``inbox/<name>`` that is a real folder owned by us; anything else under that name
    is renamed away first (and reported through ``evicted``)."""
    for _ in range(5):
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o775, dir_fd=root_fd)
        try:
            fd = os.open(name, _O_DIR, dir_fd=root_fd)
        except OSError as exc:
            if exc.errno not in PATH_CHANGED_ERRNOS:
                raise
            try:
                link = stat.S_ISLNK(os.stat(name, dir_fd=root_fd, follow_symlinks=False).st_mode)
            except FileNotFoundError:
                continue
            moved = _evict(root_fd, name, "被替换的符号链接" if link else "被替换的文件")
            if evicted is not None:
                evicted.append(moved)
            continue
        if os.fstat(fd).st_uid != os.geteuid():
            os.close(fd)
            moved = _evict(root_fd, name, "他人创建的目录")
            if evicted is not None:
                evicted.append(moved)
            continue
        return fd
    raise PathChanged(errno.EAGAIN, f"隔离目录 {name} 被反复替换")


def ensure_quarantine_dirs(inbox: Path) -> list[str]:
    """Create (or repair) both quarantine folders; the names of impostors renamed away."""
    evicted: list[str] = []
    root = open_root(inbox)
    try:
        for name in QUARANTINE_DIRS:
            os.close(quarantine_dir(root, name, evicted))
    finally:
        os.close(root)
    return evicted


def remove_stale_temps(inbox: Path) -> list[str]:
    """Reason-file temps a killed watcher left in the quarantine folders (inbox-relative names).
    Safe whenever no watcher runs: only a watcher writes there. The file a temp describes is still
    in the inbox (it is moved only after its reason file is in place) and is set aside again."""
    removed: list[str] = []
    try:
        root = open_root(inbox)
    except OSError:
        return removed
    try:
        for folder in QUARANTINE_DIRS:
            try:
                fd = os.open(folder, _O_DIR, dir_fd=root)
            except OSError:
                continue  # missing, or not a real folder: never followed
            try:
                with os.scandir(fd) as it:
                    names = [de.name for de in it if OWN_TEMP_RE.match(de.name)]
                for name in names:
                    with contextlib.suppress(OSError):
                        if stat.S_ISREG(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                            os.unlink(name, dir_fd=fd)
                            removed.append(f"{folder}/{escape_name(readable(name))}")
            finally:
                os.close(fd)
    finally:
        os.close(root)
    return removed


def _free(dir_fd: int, name: str) -> bool:
    for cand in (name, name + REASON_SUFFIX):
        try:
            os.stat(cand, dir_fd=dir_fd, follow_symlinks=False)
            return False
        except FileNotFoundError:
            continue
    return True


def _unique(dir_fd: int, name: str) -> str:
    if _free(dir_fd, name):
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    for i in range(2, 10_000):
        cand = f"{stem} ({i}).{ext}" if ext else f"{stem} ({i})"
        if _free(dir_fd, cand):
            return cand
    raise FileExistsError(name)


def write_at(dir_fd: int, name: str, data: bytes) -> None:
    """Atomic write of a new file in the folder behind ``dir_fd`` (temp, fsync, rename)."""
    from casefile import faults

    tmp = f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=dir_fd)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            faults.point("atomic.before_fsync")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise


def set_aside(inbox: Path, path: Path, reason: Reason, detail: str, now: datetime, *, case_id: str | None = None,
              expect: tuple[int, int] | None = None) -> Path:
    """Move a file (or a symlink itself, never its target) to _failed/ or _unmatched/ with a reason
    file beside it. The reason file is written first, so a file there always has its reason.
    ``expect`` = (device, inode): only that file is moved (PathChanged otherwise).
    Raises OSError when the inbox is not writable, FileNotFoundError when the file is gone."""
    folder = FAILED_DIR if reason.quarantine else UNMATCHED_DIR
    rel = relative(inbox, path)
    with parent_dir(inbox, path) as (dfd, name):
        st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
        if expect is not None and (st.st_dev, st.st_ino) != expect:
            raise PathChanged(errno.ESTALE, "文件在等待处理期间被替换")
        root = open_root(inbox)
        try:
            qfd = quarantine_dir(root, folder)
        finally:
            os.close(root)
        try:
            shown = readable(name)
            prefix = f"{case_id}_" if case_id and len(parts_of(inbox, path)) > 1 and not shown.upper().startswith(case_id) else ""
            target = _unique(qfd, quarantine_name(f"{prefix}{shown}"))
            lines = [
                f"reason: {reason.code}",
                f"原因：{reason.text}",
                *([f"详情：{escape_name(detail)}"] if detail else []),
                *([f"案件：{case_id}"] if case_id else []),
                f"原路径：inbox/{escape_name(rel)}",
                f"时间：{now.isoformat(timespec='seconds')}",
                "处理：" + ("确认文件无误后可重新放入收件目录；损坏的文件请重新扫描或向提交人索取。" if reason.quarantine
                         else "请把文件放入 inbox/<案件ID>/ 子目录，或将文件名改为以案件ID开头，再放回收件目录。"),
            ]
            write_at(qfd, target + REASON_SUFFIX, ("\n".join(lines) + "\n").encode("utf-8"))
            os.rename(name, target, src_dir_fd=dfd, dst_dir_fd=qfd)
            with contextlib.suppress(OSError):
                os.fsync(qfd)
                os.fsync(dfd)
        finally:
            os.close(qfd)
    return inbox / folder / target


def escape_name(name: str) -> str:
    from casefile.privacy import escape_controls

    return escape_controls(name)


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
