"""BagIt (RFC 8493) with SHA-256 and SM3 manifests: writing the tag files and checking a bag.

The payload manifests and tag manifests exist for both algorithms. ``bagit-python`` only knows the
algorithms ``hashlib`` guarantees, so it validates the SHA-256 pair and treats the SM3 files as
ordinary tag files (listed, with their digests, in ``tagmanifest-sha256.txt``); casefile checks both.
The check collects every finding, does the cheap count/size work (Payload-Oxum) before any
re-hash, and never opens a path from a manifest that would leave the bag.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from casefile.archive.findings import (
    BadPath,
    Changed,
    Finding,
    Inconsistent,
    Malformed,
    Missing,
    OxumMismatch,
    Renamed,
    Unexpected,
    Writable,
)
from casefile.archive.fixity import ALGORITHMS, Manifest, format_manifest, hash_files, parse_manifest

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
BAG_INFO = "bag-info.txt"
DATA = "data"


def manifest_name(alg: str) -> str:
    return f"manifest-{alg}.txt"


def tagmanifest_name(alg: str) -> str:
    return f"tagmanifest-{alg}.txt"


# -- walking ---------------------------------------------------------------------------------------------
def payload_files(root: Path) -> tuple[list[str], list[str]]:
    """(regular files under data/, symlinks and other non-regular entries) as bag-relative paths."""
    files: list[str] = []
    odd: list[str] = []
    base = root / DATA
    for dirpath, dirnames, filenames in os.walk(base):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        for name in list(dirnames):
            if os.path.islink(os.path.join(dirpath, name)):
                odd.append(f"{rel_dir}/{name}")
                dirnames.remove(name)
        for name in filenames:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            (files if stat.S_ISREG(st.st_mode) else odd).append(f"{rel_dir}/{name}")
    return sorted(files), sorted(odd)


def oxum(root: Path, files: Iterable[str]) -> str:
    total = n = 0
    for rel in files:
        total += (root / rel).stat().st_size
        n += 1
    return f"{total}.{n}"


# -- bag-info ----------------------------------------------------------------------------------------------
def format_bag_info(items: Sequence[tuple[str, str]]) -> bytes:
    lines = []
    for key, value in items:
        clean = " ".join(str(value).split())
        lines.append(f"{key}: {clean}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def parse_bag_info(data: bytes) -> dict[str, str]:
    """Labels to values (first occurrence wins; continuation lines are joined)."""
    out: dict[str, str] = {}
    key: str | None = None
    for raw in data.decode("utf-8").splitlines():
        if not raw.strip():
            continue
        if raw[0] in " \t" and key is not None:
            out[key] = f"{out[key]} {raw.strip()}"
            continue
        k, sep, v = raw.partition(":")
        if not sep:
            continue
        key = k.strip()
        out.setdefault(key, v.strip())
    return out


# -- writing -------------------------------------------------------------------------------------------------
def write_file(path: Path, data: bytes) -> None:
    """A new file in a folder being built (no rename needed: the folder is renamed when complete)."""
    with path.open("xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def write_manifests(root: Path, digests: dict[str, dict[str, str]], algorithms: Sequence[str] = ALGORITHMS,
                    ) -> dict[str, bytes]:
    written: dict[str, bytes] = {}
    for alg in algorithms:
        body = format_manifest({rel: d[alg] for rel, d in digests.items()})
        write_file(root / manifest_name(alg), body)
        written[alg] = body
    return written


def tag_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()
                  if p.is_file() and not p.is_symlink() and not p.name.startswith("tagmanifest-"))


def write_tagmanifests(root: Path, algorithms: Sequence[str] = ALGORITHMS, workers: int = 0) -> None:
    names = tag_files(root)
    digests = hash_files(root, names, algorithms, workers=workers)
    clean: dict[str, dict[str, str]] = {}
    for rel, d in digests.items():
        if isinstance(d, OSError):
            raise d
        clean[rel] = d
    for alg in algorithms:
        write_file(root / tagmanifest_name(alg), format_manifest({rel: d[alg] for rel, d in clean.items()}))


# -- checking ---------------------------------------------------------------------------------------------------
@dataclass
class BagCheck:
    root: Path
    findings: list[Finding] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)
    payload: list[str] = field(default_factory=list)  # files under data/ on disk
    listed: set[str] = field(default_factory=set)  # files the payload manifests name
    payload_bytes: int = 0
    hashed_bytes: int = 0
    hash_seconds: float = 0.0
    tag_digests: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings


def _read_manifest(root: Path, name: str, alg: str, check: BagCheck) -> Manifest | None:
    path = root / name
    if not path.is_file():
        check.findings.append(Malformed(name, detail="缺少该清单文件"))
        return None
    m = parse_manifest(path.read_bytes(), alg)
    for p in m.problems:
        if p.kind == "dangerous":
            check.findings.append(BadPath(p.text, manifest=name))
        elif p.kind == "duplicate":
            check.findings.append(Malformed(name, detail=f"第{p.line}行重复列出 {p.text}"))
        else:
            check.findings.append(Malformed(name, detail=f"第{p.line}行格式不正确" if p.line else "不是 UTF-8 文本"))
    return m


def check_bag(root: Path, *, quick: bool = False, expect_readonly: bool = True, workers: int = 0,
              known_tags: Iterable[str] = (), sizes: dict[str, int] | None = None,
              algorithms: Sequence[str] = ALGORITHMS,
              on_file: Callable[[str, int], None] | None = None) -> BagCheck:
    """Check one bag: structure, manifests (every algorithm), names, Payload-Oxum, sizes, then (unless
    ``quick``) every digest; and, if ``expect_readonly``, that nothing in it is writable.

    ``sizes`` (bag-relative path → bytes, from the archive's own metadata) lets the quick check name
    a file whose size changed.
    """
    check = BagCheck(root)
    f = check.findings
    bagit = root / "bagit.txt"
    if not bagit.is_file():
        f.append(Malformed("bagit.txt", detail="缺少 bagit.txt，不是 BagIt 归档包"))
        return check
    head = bagit.read_bytes()
    if b"BagIt-Version:" not in head or b"UTF-8" not in head:
        f.append(Malformed("bagit.txt", detail="内容不符合 BagIt 规范"))
    if not (root / DATA).is_dir():
        f.append(Missing(f"{DATA}/"))
    info_path = root / BAG_INFO
    if info_path.is_file():
        try:
            check.info = parse_bag_info(info_path.read_bytes())
        except UnicodeDecodeError:
            f.append(Malformed(BAG_INFO, detail="不是 UTF-8 文本"))
    else:
        f.append(Missing(BAG_INFO))

    payload_m = {a: _read_manifest(root, manifest_name(a), a, check) for a in algorithms}
    tag_m = {a: _read_manifest(root, tagmanifest_name(a), a, check) for a in algorithms}
    present = [m for m in payload_m.values() if m is not None]
    listed: set[str] = set().union(*(m.entries for m in present)) if present else set()
    for m in present:
        absent = sorted(listed - set(m.entries))
        if absent:
            f.append(Inconsistent(manifest_name(m.algorithm),
                                  detail=f"{manifest_name(m.algorithm)} 未列出 {'、'.join(absent[:5])}"
                                  + ("等" if len(absent) > 5 else "")))
    outside = sorted(p for p in listed if not p.startswith(f"{DATA}/"))
    for rel in outside:
        f.append(Malformed(rel, detail="载荷清单中的文件不在 data/ 目录下"))
    listed -= set(outside)
    check.listed = set(listed)

    on_disk, odd = payload_files(root) if (root / DATA).is_dir() else ([], [])
    check.payload = on_disk
    disk = set(on_disk)
    for rel in odd:
        f.append(Unexpected(rel))
    missing = sorted(listed - disk)
    unexpected = sorted(disk - listed)

    # A file missing under one name and present, same content, under another was renamed.
    renamed: list[tuple[str, str]] = []
    if missing and unexpected:
        by_digest: dict[str, str] = {}
        ref = next((m for m in present if m.algorithm == "sha256"), present[0] if present else None)
        if ref is not None:
            for rel in missing:
                by_digest.setdefault(ref.entries[rel], rel)
            got = hash_files(root, unexpected, (ref.algorithm,), workers=workers)
            for rel in unexpected:
                d = got.get(rel)
                if isinstance(d, dict) and d[ref.algorithm] in by_digest:
                    old = by_digest.pop(d[ref.algorithm])
                    renamed.append((old, rel))
    for old, new in renamed:
        missing.remove(old)
        unexpected.remove(new)
        f.append(Renamed(old, new_path=new))
    f.extend(Missing(rel) for rel in missing)
    f.extend(Unexpected(rel) for rel in unexpected)

    # Top level: only the tag files (known ones and those the tag manifests list), and data/.
    tag_listed: set[str] = set()
    for m in (m for m in tag_m.values() if m is not None):
        tag_listed |= set(m.entries)
    allowed = {"bagit.txt", BAG_INFO, *map(manifest_name, algorithms), *map(tagmanifest_name, algorithms),
               *known_tags} | tag_listed
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name == DATA and entry.is_dir() and not entry.is_symlink():
            continue
        if entry.is_symlink() or not entry.is_file():
            f.append(Unexpected(entry.name + ("/" if entry.is_dir() else "")))
        elif entry.name not in allowed:
            f.append(Unexpected(entry.name))
    tag_missing = sorted(t for t in tag_listed if not (root / t).is_file())
    f.extend(Missing(t) for t in tag_missing)

    # Counts and sizes before any hashing.
    sizes_now = {rel: (root / rel).stat().st_size for rel in on_disk}
    check.payload_bytes = sum(sizes_now.values())
    actual_oxum = f"{check.payload_bytes}.{len(on_disk)}"
    size_changed: list[str] = []
    if sizes is not None:
        size_changed = sorted(rel for rel in listed & disk if rel in sizes and sizes[rel] != sizes_now[rel])

    # Tag files are small: always hashed in full.
    tag_targets = sorted(t for t in tag_listed if (root / t).is_file())
    t0 = time.perf_counter()
    tag_got = hash_files(root, tag_targets, algorithms, workers=workers)
    for rel in tag_targets:
        d = tag_got[rel]
        if isinstance(d, OSError):
            f.append(Malformed(rel, detail=f"无法读取（{d.strerror}）"))
            continue
        check.tag_digests[rel] = d
        bad = tuple(a for a in algorithms if tag_m[a] is not None and rel in tag_m[a].entries  # type: ignore[union-attr]
                    and tag_m[a].entries[rel] != d[a])  # type: ignore[union-attr]
        if bad:
            f.append(Changed(rel, algorithms=bad))

    changed_payload = 0
    if quick:
        for rel in size_changed:
            f.append(Changed(rel, by_size=True))
            changed_payload += 1
    else:
        targets = sorted(listed & disk)
        got = hash_files(root, targets, algorithms, workers=workers, on_file=on_file)
        for rel in targets:
            d = got[rel]
            if isinstance(d, OSError):
                f.append(Malformed(rel, detail=f"无法读取（{d.strerror}）"))
                continue
            bad = tuple(a for a in algorithms if payload_m[a] is not None and rel in payload_m[a].entries  # type: ignore[union-attr]
                        and payload_m[a].entries[rel] != d[a])  # type: ignore[union-attr]
            if bad:
                f.append(Changed(rel, algorithms=bad))
                changed_payload += 1
        check.hashed_bytes = sum(sizes_now[r] for r in targets)
    check.hash_seconds = time.perf_counter() - t0

    recorded = check.info.get("Payload-Oxum")
    if recorded is None:
        if info_path.is_file():
            f.append(Malformed(BAG_INFO, detail="缺少 Payload-Oxum"))
    elif recorded != actual_oxum and not (missing or unexpected or renamed or odd or changed_payload):
        f.append(OxumMismatch(BAG_INFO, expected=recorded, actual=actual_oxum))

    if expect_readonly:
        f.extend(writable_entries(root))
    return check


def writable_entries(root: Path) -> list[Writable]:
    out: list[Writable] = []
    if os.lstat(root).st_mode & 0o222:
        out.append(Writable(""))
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                continue
            if st.st_mode & 0o222:
                out.append(Writable(Path(full).relative_to(root).as_posix() + ("/" if stat.S_ISDIR(st.st_mode) else "")))
    return out
