"""A scanner for personal numbers in text, files and whole workspaces.

Finds what must never appear unmasked outside a dossier: 身份证号 (18 characters whose check
character is right), mobile numbers (``1[3-9]`` + 9 digits) and bank account numbers (16–19 digits).
A number only counts when it stands alone (no ASCII letter or digit right before or after it), so a
run of digits inside a SHA-256, a UUID or a longer number is not a finding. Reads plain text, JSON,
.docx, .xlsx and .pdf (text layer); SQLite and search-index files are binary stores and are named
for what they are by the caller, not scanned here.

    from reliability.privacy_scan import scan_text, scan_tree
    leaks = scan_tree(ws_root, skip=dossier_dirs)
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
ID_RE = re.compile(_EDGE_L + r"(\d{17}[\dXx])" + _EDGE_R)
MOBILE_RE = re.compile(_EDGE_L + r"(1[3-9]\d{9})" + _EDGE_R)
ACCOUNT_RE = re.compile(_EDGE_L + r"(\d{16,19})" + _EDGE_R)
# the same numbers written with the separators people and printers use: 6222 0212 3456 7890 123
GROUPED_ACCOUNT_RE = re.compile(_EDGE_L + r"(\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)" + _EDGE_R)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# JSON values that are digests (the journal's ``prev``/``check``, a log's ``sha256``): hex strings that,
# about once in two thousand, consist of decimal digits only and then read like an account number
DIGEST_VALUE_RE = re.compile(r'("(?:prev|check|hash|digest|sha256|sm3|[a-z_]+_(?:sha256|sm3|hash))"\s*:\s*")([0-9a-f]+)(")')

TEXT_SUFFIXES = {".txt", ".md", ".json", ".jsonl", ".csv", ".toml", ".yaml", ".yml", ".log", ".xml", ".html"}


def id_check_ok(number: str) -> bool:
    body, check = number[:17], number[17].upper()
    if not body.isdigit():
        return False
    return _CHECK[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11] == check


@dataclass(frozen=True)
class Leak:
    kind: str  # 身份证号 / 手机号 / 银行账号
    value: str
    where: str
    context: str

    def __str__(self) -> str:
        return f"{self.where}：{self.kind} {self.value}（…{self.context}…）"


def scan_text(text: str, where: str = "") -> list[Leak]:
    text = DIGEST_VALUE_RE.sub(lambda m: m.group(1) + "#" * len(m.group(2)) + m.group(3), text)
    leaks: list[Leak] = []
    taken: set[tuple[int, int]] = set()

    def add(kind: str, m: re.Match[str]) -> None:
        span = m.span(1)
        if any(a <= span[0] < b for a, b in taken):
            return
        taken.add(span)
        lo, hi = max(0, span[0] - 12), min(len(text), span[1] + 12)
        leaks.append(Leak(kind, m.group(1), where, text[lo:hi].replace("\n", " ")))

    for m in ID_RE.finditer(text):
        if id_check_ok(m.group(1)):
            add("身份证号", m)
    for m in MOBILE_RE.finditer(text):
        add("手机号", m)
    for m in ACCOUNT_RE.finditer(text):
        if not (len(m.group(1)) == 18 and id_check_ok(m.group(1))):
            add("银行账号", m)
    for m in GROUPED_ACCOUNT_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if 16 <= len(digits) <= 19:
            add("银行账号", m)
    return leaks


def file_text(path: Path) -> str | None:
    """The readable text of a file, or None for formats this scanner does not read."""
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES or path.name.endswith(".reason.txt"):
            return path.read_bytes().decode("utf-8", "replace")
        if suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                parts = [n for n in z.namelist() if n.endswith(".xml")]
                xml = "\n".join(z.read(n).decode("utf-8", "replace") for n in parts)
            # element boundaries become spaces: a number split over runs still reads as one
            return re.sub(r"<[^>]+>", lambda m: "" if m.group(0).startswith(("<w:r", "</w:r", "<w:t", "</w:t")) else " ", xml)
        if suffix == ".pdf":
            import logging

            import pypdf

            logging.getLogger("pypdf").setLevel(logging.ERROR)  # a quarantined file is broken on purpose
            reader = pypdf.PdfReader(str(path))
            return "\n".join((page.extract_text() or "") for page in reader.pages)
    except Exception:  # a damaged or encrypted file: not readable text
        return None
    return None


def scan_file(path: Path, where: str | None = None) -> list[Leak]:
    text = file_text(path)
    return scan_text(text, where or str(path)) if text else []


def scan_tree(root: Path, *, skip: Iterable[Path] = (), skip_suffixes: Iterable[str] = ()) -> tuple[list[Leak], list[Path]]:
    """Scan every readable file under ``root`` except the ``skip`` folders. Returns the leaks and the
    files that were scanned (so a test can show it looked where it meant to)."""
    skipped = [p.resolve() for p in skip]
    suffixes = tuple(skip_suffixes)
    leaks: list[Leak] = []
    scanned: list[Path] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rp = path.resolve()
        if any(rp.is_relative_to(s) for s in skipped) or path.name.endswith(suffixes):
            continue
        text = file_text(path)
        if text is None:
            continue
        scanned.append(path)
        leaks.extend(scan_text(text, str(path.relative_to(root))))
    return leaks, scanned
