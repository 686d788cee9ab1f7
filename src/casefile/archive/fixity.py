"""Fixity: SHA-256 and SM3 digests, and manifests that ``sha256sum -c`` can check.

SM3 (GB/T 32905) comes from OpenSSL through :mod:`hashlib` where it is built in; otherwise from
the pure-Python ``gmssl`` package (slow, but the same digest). Files are read once and fed to every
algorithm; several files are hashed at once on threads (hashlib releases the GIL for large
updates), which is what lets verification keep pace with ``sha256sum`` although it computes two
digests.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

ALGORITHMS: tuple[str, ...] = ("sha256", "sm3")
CHUNK = 1 << 20
_HEX = {"sha256": 64, "sm3": 64}


class Hasher(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...

    def hexdigest(self) -> str: ...


class _GmsslSM3:
    """SM3 through gmssl when OpenSSL lacks it (collects the data; gmssl hashes a list of ints)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def update(self, data: bytes | memoryview, /) -> None:
        self._parts.append(bytes(data))

    def hexdigest(self) -> str:
        from gmssl import func, sm3  # type: ignore[import-untyped]

        return str(sm3.sm3_hash(func.bytes_to_list(b"".join(self._parts))))


def _has_hashlib_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


HASHLIB_SM3 = _has_hashlib_sm3()


def new_hasher(algorithm: str) -> Hasher:
    if algorithm == "sm3" and not HASHLIB_SM3:
        return _GmsslSM3()
    return hashlib.new(algorithm)


def digest_bytes(data: bytes, algorithm: str) -> str:
    h = new_hasher(algorithm)
    h.update(data)
    return h.hexdigest()


def sm3_bytes(data: bytes) -> str:
    return digest_bytes(data, "sm3")


SPLIT_ABOVE = 16 << 20


def hash_file(path: Path, algorithms: Sequence[str] = ALGORITHMS) -> dict[str, str]:
    """Every requested digest of one file.

    A large file is hashed by one thread per algorithm (each reading it; the second read comes
    from the page cache), so SM3, the slower one, does not add SHA-256's time to its own.
    """
    if len(algorithms) > 1 and HASHLIB_SM3 and path.stat().st_size > SPLIT_ABOVE:
        with ThreadPoolExecutor(max_workers=len(algorithms), thread_name_prefix="casefile-alg") as pool:
            parts = list(pool.map(lambda a: _hash_once(path, (a,)), algorithms))
        return {k: v for part in parts for k, v in part.items()}
    return _hash_once(path, algorithms)


def _hash_once(path: Path, algorithms: Sequence[str]) -> dict[str, str]:
    hashers = {a: new_hasher(a) for a in algorithms}
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with path.open("rb", buffering=0) as f:
        while True:
            n = f.readinto(buf)
            if not n:
                break
            chunk = view[:n]
            for h in hashers.values():
                h.update(chunk)
    return {a: h.hexdigest() for a, h in hashers.items()}


def workers_for(configured: int = 0) -> int:
    return configured if configured > 0 else max(1, min(8, os.cpu_count() or 1))


def hash_files(root: Path, relpaths: Iterable[str], algorithms: Sequence[str] = ALGORITHMS, *,
               workers: int = 0, on_file: Callable[[str, int], None] | None = None,
               ) -> dict[str, dict[str, str] | OSError]:
    """Digests of many files under ``root``; a file that cannot be read maps to its OSError.

    Large files first, so one big scan does not end up alone on one thread at the end.
    """
    rels = list(relpaths)
    sizes: dict[str, int] = {}
    for rel in rels:
        try:
            sizes[rel] = (root / rel).stat().st_size
        except OSError:
            sizes[rel] = 0
    order = sorted(rels, key=lambda r: -sizes[r])

    def one(rel: str) -> tuple[str, dict[str, str] | OSError]:
        try:
            result: dict[str, str] | OSError = hash_file(root / rel, algorithms)
        except OSError as exc:
            result = exc
        if on_file is not None:
            on_file(rel, sizes[rel])
        return rel, result

    n = workers_for(workers)
    if n == 1 or len(order) <= 1:
        return dict(one(r) for r in order)
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="casefile-hash") as pool:
        return dict(pool.map(one, order))


# -- manifests -------------------------------------------------------------------------------------
# Names that would need escaping in either format (BagIt percent-encodes CR, LF and %, sha256sum
# backslash-escapes \ and newlines) are never written: the archive gives such files a safe name.
UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f%\\]")


def safe_member_name(name: str) -> str:
    """A file name both ``sha256sum -c`` and a BagIt reader take literally."""
    return UNSAFE_NAME_CHARS.sub(lambda m: {"%": "％", "\\": "＼"}.get(m.group(0), "_"), name)


def path_is_dangerous(rel: str) -> bool:
    """True for a manifest path that could reach outside the bag (absolute, ``..``, ``~``, drive)."""
    if not rel or "\x00" in rel or "\\" in rel:
        return True
    if rel.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", rel):
        return True
    parts = rel.split("/")
    if any(p in ("..", "") for p in parts):
        return True
    return posixpath.normpath(rel) != rel


def format_manifest(entries: dict[str, str]) -> bytes:
    """``<hex>  <path>`` lines sorted by path: the format of ``sha256sum`` (text mode)."""
    for rel in entries:
        if UNSAFE_NAME_CHARS.search(rel) or path_is_dangerous(rel):
            raise ValueError(f"manifest path needs escaping or is unsafe: {rel!r}")
    return "".join(f"{digest}  {rel}\n" for rel, digest in sorted(entries.items())).encode("utf-8")


@dataclass
class ManifestProblem:
    line: int
    text: str
    kind: str  # "malformed" | "dangerous" | "duplicate"


@dataclass
class Manifest:
    algorithm: str
    entries: dict[str, str] = field(default_factory=dict)
    problems: list[ManifestProblem] = field(default_factory=list)


def parse_manifest(data: bytes, algorithm: str) -> Manifest:
    """Read a manifest, collecting every bad line instead of stopping (and never trusting a path
    that points outside the bag)."""
    m = Manifest(algorithm)
    want = _HEX.get(algorithm)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        m.problems.append(ManifestProblem(0, "", "malformed"))
        return m
    for i, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        digest, sep, rel = line.partition(" ")
        rel = rel[1:] if rel.startswith(("*", " ")) else rel
        if not sep or not rel or (want and len(digest) != want) or not re.fullmatch(r"[0-9a-fA-F]+", digest):
            m.problems.append(ManifestProblem(i, line, "malformed"))
            continue
        if path_is_dangerous(rel):
            m.problems.append(ManifestProblem(i, rel, "dangerous"))
            continue
        if rel in m.entries:
            m.problems.append(ManifestProblem(i, rel, "duplicate"))
            continue
        m.entries[rel] = digest.lower()
    return m
