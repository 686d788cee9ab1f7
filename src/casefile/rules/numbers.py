"""Identifier numbers in free text, however they are written.

A person who wants a number to survive a pattern check writes it ``1409 3219 8512 3100 43``,
``138.3456.1234``, ``6222-0212-3456-7890``, ``138/3456/1234``, ``138—3456—1234`` or in full-width
digits ``１３８３４５６１２３４``. :func:`find_numbers` first folds full-width forms (NFKC, one
character at a time so positions stay those of the original text), then reads a *run*: digits with at
most three separator characters (spaces, ``.``, ``-``, ``/``, dashes, ``·``, ``_``) between any two
of them, and classifies the run by its digits alone:

=============  =====================================================================
kind           digits of the run
=============  =====================================================================
``id_number``  18 (the last may be X) with a valid birth date, or 15 with a valid date
``uscc``       18 characters of the credit-code alphabet (letters too), any separators
``mobile``     11 starting 13–19, optionally after +86 / 86
``digits``     any other 11 or more (bank accounts, cards, social-security numbers)
=============  =====================================================================

Runs that are dates or 所属期 ranges (``2024.01.05``, ``202401-202609``, ``2024-01-01至…``) and a
landline written as area code and number (``0350-7521234``) are not reported. Pure, stdlib only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["NumberHit", "find_numbers", "fold"]

SEPARATORS = " \t\u00a0\u3000.-/_·•‐‑‒–—―−~"
_SEP = "[" + re.escape(SEPARATORS) + "]"
# A digit run: digits with up to three separators between any two, an optional trailing X (ID check
# character), an optional +86 before it.
_RUN_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86" + _SEP + r"{0,3})?\d(?:" + _SEP + r"{0,3}\d)*(?:" + _SEP + r"{0,3}[Xx])?(?![0-9A-Za-z])"
)
# Eighteen characters of the credit-code alphabet, separators allowed between them.
_USCC_RUN_RE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Z](?:" + _SEP + r"{0,3}[0-9A-Z]){17}(?![0-9A-Za-z])")
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_ID18_RE = re.compile(r"^\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]$")
_ID15_RE = re.compile(r"^\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}$")
_GROUPS_RE = re.compile(r"[0-9Xx]+")
_LANDLINE_GROUPS_RE = re.compile(r"^0\d{2,3}$")


@dataclass(frozen=True)
class NumberHit:
    kind: str  # id_number | uscc | mobile | digits
    start: int  # in the original text
    end: int
    text: str  # as written
    value: str  # separators removed, full-width folded, upper case


def fold(text: str) -> tuple[str, list[int]]:
    """NFKC per character, and for each folded character the index of its original."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
        out.append(n)
        index.extend([i] * len(n))
    return "".join(out), index


def _is_year(g: str) -> bool:
    return len(g) == 4 and g[:2] in ("19", "20")


def _dates_only(groups: list[str]) -> bool:
    """True when the groups read as dates or periods: YYYY, YYYYMM, YYYYMMDD, or YYYY M [D]."""
    i = 0
    while i < len(groups):
        g = groups[i]
        if len(g) in (6, 8) and _is_year(g[:4]) and 1 <= int(g[4:6]) <= 12 and (len(g) == 6 or 1 <= int(g[6:]) <= 31):
            i += 1
        elif _is_year(g):
            i += 1
            if i < len(groups) and len(groups[i]) <= 2 and 1 <= int(groups[i]) <= 12:
                i += 1
                if i < len(groups) and len(groups[i]) <= 2 and 1 <= int(groups[i]) <= 31:
                    i += 1
        else:
            return False
    return True


def classify(value: str, groups: list[str] | None = None) -> str | None:
    """The kind of a separator-free run, or None when it is not an identifier."""
    if _ID18_RE.match(value) or (value.isdigit() and _ID15_RE.match(value)):
        return "id_number"
    if not value.isdigit():
        return None
    mobile = value[2:] if len(value) == 13 and value.startswith("86") else value
    if len(mobile) == 11 and mobile[0] == "1" and mobile[1] in "3456789":
        return "mobile"
    if len(value) < 11:
        return None
    if groups is not None:
        if all(g.isdigit() for g in groups) and _dates_only(groups):
            return None
        if len(groups) == 2 and _LANDLINE_GROUPS_RE.match(groups[0]) and len(groups[1]) in (7, 8):
            return None
    return "digits"


def find_numbers(text: str) -> list[NumberHit]:
    """Every identifier number in ``text`` in reading order, positions in the original text."""
    if not text:
        return []
    folded, index = fold(text)
    hits: list[NumberHit] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, a: int, b: int, value: str) -> None:
        start, end = index[a], index[b - 1] + 1
        taken.append((a, b))
        hits.append(NumberHit(kind, start, end, text[start:end], value))

    upper = folded.upper()
    pos = 0
    while (m := _USCC_RUN_RE.search(upper, pos)) is not None:
        value = re.sub(_SEP, "", m.group(0))
        if _USCC_RE.match(value) and not _ID18_RE.match(value) and not value.isdigit():
            add("uscc", m.start(), m.end(), value)
            pos = m.end()
        else:
            pos = m.start() + 1  # a rejected window must not swallow the start of a real code
    for m in _RUN_RE.finditer(folded):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        for a, b, groups in _segments(m):
            value = "".join(groups).upper()
            kind = classify(value, groups)
            if kind is None and value.startswith("86") and len(groups) > 1:
                kind = classify("".join(groups[1:]).upper(), groups[1:])  # 86 was a date part, not a prefix
            if kind is not None:
                add(kind, a, b, value)
    hits.sort(key=lambda h: h.start)
    return hits


def _segments(m: re.Match[str]) -> list[tuple[int, int, list[str]]]:
    """A run split into the pieces to classify: a group that is an identifier on its own (an 11+
    digit run) stands alone; the short groups between such groups are read together."""
    out: list[tuple[int, int, list[str]]] = []
    current: list[re.Match[str]] = []

    def flush() -> None:
        if current:
            a = current[0].start() if current[0].start() > 1 or m.group(0)[0] != "+" else 0  # keep a leading +
            out.append((m.start() + a, m.start() + current[-1].end(), [g.group(0) for g in current]))
            current.clear()

    for g in _GROUPS_RE.finditer(m.group(0)):
        if len(g.group(0)) >= 11:
            flush()
            out.append((m.start() + g.start(), m.start() + g.end(), [g.group(0)]))
        else:
            current.append(g)
    flush()
    return out
