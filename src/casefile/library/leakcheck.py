"""The leak check: every identifier number or real name left in a text that is to be published."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from casefile.library.deidentify import _CASE_ID_RE, _LONG_DIGITS_RE, _MOBILE_RE, _USCC_RE


@dataclass(frozen=True)
class LeakFinding:
    kind: str  # id_number | uscc | mobile | digits | name | case_id
    text: str
    line: int
    column: int

    @property
    def label(self) -> str:
        return LEAK_LABELS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return f"第{self.line}行第{self.column}列：{self.label}“{self.text}”"


LEAK_LABELS = {"id_number": "身份证号码", "uscc": "统一社会信用代码", "mobile": "手机号码", "digits": "11位以上数字",
               "name": "当事人真实姓名/名称", "case_id": "案件ID"}
_LEAK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id_number", re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")),
    ("uscc", _USCC_RE),
    ("mobile", _MOBILE_RE),
    ("digits", _LONG_DIGITS_RE),
    ("case_id", _CASE_ID_RE),
)


def leak_check(text: str, real_names: Iterable[str] = ()) -> list[LeakFinding]:
    """Every hit of an identifier pattern or a real name, in reading order (one finding per place)."""
    import unicodedata

    norm = unicodedata.normalize("NFKC", text)  # full-width digits are digits too
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, str, str]] = []
    for kind, pattern in _LEAK_PATTERNS:
        for m in pattern.finditer(norm):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append((m.start(), kind, m.group(0)))
    for name in real_names:
        name = unicodedata.normalize("NFKC", name.strip())
        if len(name) < 2:
            continue
        start = norm.find(name)
        while start != -1:
            hits.append((start, "name", name))
            start = norm.find(name, start + len(name))
    out = []
    for pos, kind, found in sorted(hits):
        line = norm.count("\n", 0, pos) + 1
        col = pos - (norm.rfind("\n", 0, pos) + 1) + 1
        out.append(LeakFinding(kind, found, line, col))
    return out

