"""File-system primitives shared by the store and the fast read paths: durable atomic writes, named
locks, the atomic directory exchange (renameat2), read-only marking and the read-only-medium test.

Stdlib only (no pydantic, no models; filelock only where ``fcntl`` is missing, i.e. on Windows): ``list``, ``due`` and ``search`` use these
without paying for the models that :mod:`casefile.store` loads. Errors a user can meet (a full or
read-only disk, a busy lock) are :class:`casefile.errors.CasefileError` subclasses.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from casefile import faults
from casefile.errors import LockTimeout, StorageError

LOCK_TIMEOUT = 60.0
LOCKS_DIR = "locks"  # below the workspace's state folder (.casefile/)


# -- errors ----------------------------------------------------------------------------------------
def storage_error(exc: OSError, what: Path) -> StorageError:
    """The sentence for a failed write: full disk, read-only medium, permissions, anything else."""
    if exc.errno == errno.ENOSPC:
        msg = f"磁盘空间不足，无法写入 {what.name}；原有记录未受影响，请清理空间后重试。"
    elif exc.errno == errno.EROFS:
        msg = f"{what.parent} 所在磁盘为只读，无法写入；原有记录未受影响。"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        msg = f"没有写入 {what} 的权限；原有记录未受影响。"
    else:
        msg = f"写入 {what} 失败（{exc.strerror}）；原有记录未受影响。"
    return StorageError(msg)


# -- durable writes --------------------------------------------------------------------------------
def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Temp file in the same folder, fsync, rename, fsync the folder."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            faults.point("atomic.before_fsync")
            os.fsync(fd)
        finally:
            os.close(fd)
        faults.point("atomic.before_rename")
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise storage_error(exc, path) from None


# -- locks -----------------------------------------------------------------------------------------
try:
    import fcntl
except ImportError:  # Windows: filelock's native locks instead
    fcntl = None  # type: ignore[assignment]

_LOCK_POLL = 0.05  # seconds between tries while another process holds a lock


@contextlib.contextmanager
def locked(state_dir: Path, name: str, timeout: float = LOCK_TIMEOUT, *, busy: str | None = None) -> Iterator[None]:
    """Hold the lock ``<state_dir>/locks/<name>.lock``; ``busy`` is the sentence when it stays taken.

    An exclusive ``flock`` on the lock file (the file stays in place, so every waiter locks the same
    inode), as filelock does on POSIX, without loading filelock: reads take a lock on every call.
    Not reentrant: a second ``locked`` of the same name in one process waits like any other."""
    lock_dir = state_dir / LOCKS_DIR
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, lock_dir) from None
    path = lock_dir / f"{name}.lock"
    busy_error = LockTimeout(busy or f"“{name}”正被另一个操作占用，请稍后重试。")
    if fcntl is None:
        with _filelock(path, timeout, busy_error):
            yield
        return
    flags = os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        try:
            fd = os.open(path, os.O_RDWR | flags, 0o644)
        except PermissionError:  # a lock file another account made: a read-only descriptor locks as well
            fd = os.open(path, os.O_RDONLY | flags, 0o644)
    except OSError as exc:  # the lock file cannot be created: a read-only or full disk
        raise storage_error(exc, path) from None
    try:
        deadline = time.monotonic() + timeout if timeout >= 0 else float("inf")  # negative: wait as long as it takes
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise busy_error from None
                time.sleep(min(_LOCK_POLL, left))
            except OSError as exc:
                raise storage_error(exc, path) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _filelock(path: Path, timeout: float, busy_error: LockTimeout) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise busy_error from None
    except OSError as exc:
        raise storage_error(exc, path) from None
    try:
        yield
    finally:
        lock.release()


# -- the atomic exchange of two directories ----------------------------------------------------------
AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the system
    or the file system cannot, so the caller falls back to renames it can recover from."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


# -- read-only marking -------------------------------------------------------------------------------
def make_readonly(root: Path) -> None:
    """Clear every write bit below and on ``root`` (a sealed archive folder); links are left alone."""
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in (*filenames, *dirnames):
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, stat.S_IMODE(os.lstat(p).st_mode) & ~0o222)
    os.chmod(root, stat.S_IMODE(os.lstat(root).st_mode) & ~0o222)


def make_writable(root: Path) -> None:
    """Undo :func:`make_readonly` for the owner (before deleting a folder)."""
    if not root.exists():
        return
    os.chmod(root, stat.S_IMODE(os.lstat(root).st_mode) | 0o700)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, stat.S_IMODE(os.lstat(p).st_mode) | 0o700)
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, stat.S_IMODE(os.lstat(p).st_mode) | 0o200)


@contextlib.contextmanager
def owner_writable(path: Path) -> Iterator[None]:
    """Lift the owner's write bit on ``path`` for one change, and put the mode back."""
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    if mode & stat.S_IWUSR:
        yield
        return
    os.chmod(path, mode | stat.S_IRWXU)
    try:
        yield
    finally:
        os.chmod(path, mode)


def on_read_only_medium(path: Path) -> bool:
    """True when ``path`` lies on a file system mounted read-only (an archive volume, a snapshot)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False
