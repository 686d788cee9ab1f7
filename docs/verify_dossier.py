#!/usr/bin/env python3
"""Verify casefile dossiers and archival bags without casefile (Python 3.9+, standard library only).

    python3 verify_dossier.py WORKSPACE            every dossier, bag, preservation log and sequence
    python3 verify_dossier.py archive/2026/SBZY-140932-2026-0001 ...   single case folders

What it checks is what docs/format.md specifies: the journal's canonical lines, ``seq``, the
``prev`` chain from GENESIS and each line's ``check``; ``case_sha256`` of the last line against
``case.json``; for a bag, ``bagit.txt``, Payload-Oxum, every payload and tag manifest in SHA-256
and SM3 (from OpenSSL through hashlib where it has SM3, else computed here in pure Python, slowly;
``--pure-sm3`` forces the pure-Python one, ``--no-sm3`` skips SM3), files missing from or
not listed in a manifest, paths that would leave the bag, and the digests the final ``archived``
journal line and ``bag-info.txt`` record. Prints one line per problem; exit status 1 if there is any.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
from pathlib import Path

GENESIS = "0" * 64
ALGORITHMS = ("sha256", "sm3")


# -- SM3 (GB/T 32905-2016) ---------------------------------------------------------------------------
def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_TJ = [_rotl(0x79CC4519 if j < 16 else 0x7A879D8A, j) for j in range(64)]


class SM3:
    """hashlib-style SM3: update(), hexdigest()."""

    def __init__(self) -> None:
        self._v = list(_IV)
        self._buf = b""
        self._len = 0

    def update(self, data: bytes) -> None:
        self._len += len(data)
        buf = self._buf + data
        whole = len(buf) - len(buf) % 64
        for i in range(0, whole, 64):
            self._compress(buf[i:i + 64])
        self._buf = buf[whole:]

    def _compress(self, block: bytes) -> None:
        w = list(struct.unpack(">16I", block))
        for j in range(16, 68):
            x = w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)
            w.append(x ^ _rotl(x, 15) ^ _rotl(x, 23) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
        a, b, c, d, e, f, g, h = self._v
        for j in range(64):
            a12 = _rotl(a, 12)
            ss1 = _rotl((a12 + e + _TJ[j]) & 0xFFFFFFFF, 7)
            ss2 = ss1 ^ a12
            if j < 16:
                ff, gg = a ^ b ^ c, e ^ f ^ g
            else:
                ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & g)
            tt1 = (ff + d + ss2 + (w[j] ^ w[j + 4])) & 0xFFFFFFFF
            tt2 = (gg + h + ss1 + w[j]) & 0xFFFFFFFF
            d, c, b, a = c, _rotl(b, 9), a, tt1
            h, g, f, e = g, _rotl(f, 19), e, tt2 ^ _rotl(tt2, 9) ^ _rotl(tt2, 17)
        self._v = [x ^ y for x, y in zip(self._v, (a, b, c, d, e, f, g, h))]  # noqa: B905 (runs on 3.9)

    def hexdigest(self) -> str:
        saved = (list(self._v), self._buf, self._len)
        tail = self._buf + b"\x80" + b"\x00" * ((55 - self._len) % 64) + struct.pack(">Q", self._len * 8)
        for i in range(0, len(tail), 64):
            self._compress(tail[i:i + 64])
        out = "".join(f"{x:08x}" for x in self._v)
        self._v, self._buf, self._len = saved
        return out


PURE_SM3 = False  # --pure-sm3: use the SM3 above even where OpenSSL has one (to test it)


def new_hash(alg: str):  # type: ignore[no-untyped-def]
    if alg == "sm3" and PURE_SM3:
        return SM3()
    if alg == "sm3":
        try:
            return hashlib.new("sm3")  # OpenSSL, where it is built in: much faster
        except ValueError:
            return SM3()
    return hashlib.new(alg)


def file_digests(path: Path, algorithms: tuple[str, ...]) -> dict[str, str]:
    hashers = {a: new_hash(a) for a in algorithms}
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            for h in hashers.values():
                h.update(chunk)
    return {a: h.hexdigest() for a, h in hashers.items()}


# -- journals and logs -----------------------------------------------------------------------------------
def canonical(obj: dict) -> bytes:  # type: ignore[type-arg]
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def check_chain(path: Path, problems: list[str], *, has_seq: bool = True) -> list[dict]:  # type: ignore[type-arg]
    """A hash-chained JSON-lines file (journal or preservation log): every line's problems."""
    out: list[dict] = []  # type: ignore[type-arg]
    data = path.read_bytes()
    if not data:
        problems.append(f"{path}: empty")
        return out
    if not data.endswith(b"\n"):
        problems.append(f"{path}: the last line is not terminated (an interrupted write)")
    prev = GENESIS
    for i, raw in enumerate(data.rstrip(b"\n").split(b"\n"), start=1):
        where = f"{path}:{i}"
        try:
            obj = json.loads(raw)
        except ValueError:
            problems.append(f"{where}: not JSON")
            prev = hashlib.sha256(raw).hexdigest()
            continue
        if canonical(obj) != raw:
            problems.append(f"{where}: not in canonical form")
        if "check" in obj:
            body = {k: v for k, v in obj.items() if k != "check"}
            if obj["check"] != hashlib.sha256(canonical(body)).hexdigest()[:16]:
                problems.append(f"{where}: check does not match the line (edited)")
        if obj.get("prev") != prev:
            problems.append(f"{where}: prev does not match the previous line (edited, removed, inserted or moved)")
        if has_seq and obj.get("seq") != i:
            problems.append(f"{where}: seq is {obj.get('seq')!r}, expected {i}")
        out.append(obj)
        prev = hashlib.sha256(raw).hexdigest()
    return out


def check_dossier(folder: Path, problems: list[str]) -> list[dict]:  # type: ignore[type-arg]
    journal, record = folder / "journal.jsonl", folder / "case.json"
    if not journal.is_file():
        problems.append(f"{folder}: journal.jsonl is missing")
        return []
    entries = check_chain(journal, problems)
    if not record.is_file():
        problems.append(f"{folder}: case.json is missing")
        return entries
    raw = record.read_bytes()
    if entries and entries[-1].get("case_sha256") != hashlib.sha256(raw).hexdigest():
        problems.append(f"{folder}/case.json: differs from the case_sha256 of the last journal line")
    case = json.loads(raw)
    if case.get("id") != folder.name:
        problems.append(f"{folder}/case.json: id {case.get('id')!r} is not the folder name")
    # the files the record registers with a digest: issued documents (.docx) and evidence originals
    for item in [*case.get("documents", []), *case.get("evidence", [])]:
        rel, want = item.get("file"), item.get("sha256")
        if not rel or not want or dangerous(rel):
            continue
        target = folder / rel
        if not target.is_file():
            problems.append(f"{folder}/{rel}: registered in case.json but missing")
        elif file_digests(target, ("sha256",))["sha256"] != want:
            problems.append(f"{folder}/{rel}: sha256 differs from case.json")
    return entries


# -- bags ------------------------------------------------------------------------------------------------
def dangerous(rel: str) -> bool:
    parts = rel.split("/")
    return (not rel or rel.startswith(("/", "~")) or "\\" in rel or "\x00" in rel
            or any(p in ("", ".", "..") for p in parts) or (len(rel) > 1 and rel[1] == ":"))


def read_manifest(path: Path, problems: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, line in enumerate(path.read_bytes().decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, _, rel = line.partition("  ")
        if len(digest) != 64 or not rel:
            problems.append(f"{path}:{i}: malformed line")
        elif dangerous(rel):
            problems.append(f"{path}:{i}: path {rel!r} would leave the bag")
        else:
            out[rel] = digest.lower()
    return out


def check_bag(root: Path, entries: list[dict], problems: list[str], algorithms: tuple[str, ...]) -> None:  # type: ignore[type-arg]
    if not (root / "bagit.txt").is_file():
        problems.append(f"{root}: bagit.txt is missing")
        return
    info: dict[str, str] = {}
    for line in (root / "bag-info.txt").read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition(":")
        if sep and not line[:1].isspace():
            info.setdefault(key.strip(), value.strip())
    payload = sorted(p.relative_to(root).as_posix() for p in (root / "data").rglob("*") if p.is_file() or p.is_symlink())
    oxum = f"{sum((root / p).lstat().st_size for p in payload)}.{len(payload)}"
    if info.get("Payload-Oxum") != oxum:
        problems.append(f"{root}/bag-info.txt: Payload-Oxum {info.get('Payload-Oxum')} but the payload is {oxum}")
    for kind in ("manifest", "tagmanifest"):
        for alg in ALGORITHMS:
            path = root / f"{kind}-{alg}.txt"
            if not path.is_file():
                problems.append(f"{path}: missing")
                continue
            listed = read_manifest(path, problems)
            if kind == "manifest":
                for rel in sorted(set(payload) - set(listed)):
                    problems.append(f"{root}/{rel}: not listed in {path.name}")
            if alg not in algorithms:
                continue
            for rel, want in sorted(listed.items()):
                target = root / rel
                if not target.is_file() or target.is_symlink():
                    problems.append(f"{root}/{rel}: listed in {path.name} but missing")
                elif file_digests(target, (alg,))[alg] != want:
                    problems.append(f"{root}/{rel}: {alg} differs from {path.name}")
    if entries:
        last = entries[-1]
        if last.get("type") != "archived":
            problems.append(f"{root}/journal.jsonl: the last line is not the archiving event")
        line = (root / "journal.jsonl").read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]
        recorded = info.get("Journal-Archived-Event-SHA256")
        if recorded and recorded != hashlib.sha256(line).hexdigest():
            problems.append(f"{root}/bag-info.txt: Journal-Archived-Event-SHA256 differs from the last journal line")
        for alg, key in (("sha256", "manifest_sha256"), ("sm3", "manifest_sm3")):
            want = last.get("payload", {}).get(key)
            mpath = root / f"manifest-{alg}.txt"
            if want and alg in algorithms and mpath.is_file() and file_digests(mpath, (alg,))[alg] != want:
                problems.append(f"{mpath}: differs from the {key} the archiving event recorded")


# -- a workspace -------------------------------------------------------------------------------------------
def check_folder(folder: Path, problems: list[str], algorithms: tuple[str, ...]) -> None:
    entries = check_dossier(folder, problems)
    if (folder / "bagit.txt").exists() or (folder / "data").is_dir():
        check_bag(folder, entries, problems, algorithms)


def check_workspace(root: Path, problems: list[str], algorithms: tuple[str, ...]) -> tuple[int, int]:
    archive = root / "archive"
    dossiers = bags = 0
    for year in sorted(p for p in archive.iterdir() if p.is_dir() and p.name.isdigit()):
        for folder in sorted(p for p in year.iterdir() if p.is_dir() and not p.name.startswith(".")):
            check_folder(folder, problems, algorithms)
            dossiers += 1
            bags += (folder / "bagit.txt").exists()
    for log in sorted((archive / "_preservation").glob("*.jsonl")):
        check_chain(log, problems)
    for seq in sorted((archive / "_seq").glob("*.jsonl")):
        values = []
        for i, raw in enumerate(seq.read_bytes().split(b"\n"), start=1):
            if raw.strip():
                try:
                    values.append(int(json.loads(raw)["value"]))
                except (ValueError, KeyError, TypeError):
                    problems.append(f"{seq}:{i}: not a sequence entry")
        if values != sorted(set(values)):
            problems.append(f"{seq}: values are not strictly increasing (a number was handed out twice)")
    return dossiers, bags


def main(argv: list[str]) -> int:
    global PURE_SM3
    PURE_SM3 = "--pure-sm3" in argv
    algorithms = tuple(a for a in ALGORITHMS if not (a == "sm3" and "--no-sm3" in argv))
    paths = [Path(a) for a in argv if not a.startswith("--")]
    if not paths:
        print(__doc__)
        return 2
    problems: list[str] = []
    for path in paths:
        if (path / "archive").is_dir():
            dossiers, bags = check_workspace(path, problems, algorithms)
            print(f"{path}: {dossiers} dossiers, {bags} of them archival bags")
        elif path.is_dir():
            check_folder(path, problems, algorithms)
        else:
            problems.append(f"{path}: not a folder")
    for p in problems:
        print(p)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    sys.exit(main(sys.argv[1:]))
