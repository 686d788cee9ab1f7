"""The leak check: everything in a text to be published that could identify someone.

Hard findings come from the source case: the real names in its pseudonym table (with the short
names of its companies) and the identifiers it removed (addresses, 工单号, the case's own id and
number). Pattern findings need no case: identifier numbers however they are separated
(:mod:`casefile.rules.numbers`), case ids, and — from :mod:`casefile.library.mentions` — personal
names, company names with a legal form, and addresses below county level that are not pseudonyms.
Every finding blocks review, approval and publication; a trainer rewrites the text until none is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casefile.library import mentions
from casefile.library.deidentify import _CASE_ID_RE, build_mapping
from casefile.rules.numbers import find_numbers, fold

if TYPE_CHECKING:
    from casefile.models.case import Case
    from casefile.settings import Settings


@dataclass(frozen=True)
class LeakFinding:
    kind: str  # id_number | uscc | mobile | digits | case_id | name | identifier | person | company | address
    text: str
    line: int
    column: int

    @property
    def label(self) -> str:
        return LEAK_LABELS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return f"第{self.line}行第{self.column}列：{self.label}“{self.text}”"


LEAK_LABELS = {"id_number": "身份证号码", "uscc": "统一社会信用代码", "mobile": "手机号码", "digits": "11位以上数字",
               "name": "当事人真实姓名/名称", "case_id": "案件ID", "identifier": "来源案件的地址或编号",
               "person": "未脱敏的人名", "company": "未脱敏的单位名称", "address": "县级以下地址"}


def leak_check(text: str, real_names: Iterable[str] = (), identifiers: Iterable[str] = (), *,
               mentions_too: bool = True) -> list[LeakFinding]:
    """Every place in ``text`` that could identify someone, in reading order (one finding per place).

    ``real_names``: names from the case record (always findings); ``identifiers``: other strings
    removed from the case (addresses, reference numbers); ``mentions_too``: also report names,
    companies and addresses found by pattern, known to the case or not."""
    folded, index = fold(text)
    hits: list[tuple[int, int, str, str]] = []  # start, end (in text), kind, found

    def at(a: int, b: int) -> tuple[int, int]:
        return index[a], index[b - 1] + 1

    def free(a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y, _, _ in hits)

    for m in _CASE_ID_RE.finditer(folded):
        a, b = at(m.start(), m.end())
        hits.append((a, b, "case_id", text[a:b]))
    for h in find_numbers(text):
        if free(h.start, h.end):
            hits.append((h.start, h.end, h.kind, h.text))
    for kind, strings in (("name", real_names), ("identifier", identifiers)):
        for s in sorted({fold(x.strip())[0] for x in strings}, key=lambda x: (-len(x), x)):
            if len(s) < 2 or (kind == "identifier" and (len(s) < 4 or re.fullmatch(r"[\d\s\-]+", s))):
                continue
            start = folded.find(s)
            while start != -1:
                a, b = at(start, start + len(s))
                if free(a, b):
                    hits.append((a, b, kind, text[a:b]))
                start = folded.find(s, start + len(s))
    if mentions_too:
        found = [*mentions.persons(text), *mentions.companies(text), *mentions.addresses(text)]
        for mm in found:
            if free(mm.start, mm.end) and not mentions.is_pseudonym(mm.text):
                hits.append((mm.start, mm.end, mm.kind, mm.text))
    out = []
    for pos, _end, kind, found_text in sorted(hits):
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        out.append(LeakFinding(kind, found_text, line, col))
    return out


def check_against(text: str, case: Case, settings: Settings | None = None) -> list[LeakFinding]:
    """The leak check of a text drafted from ``case``: its names and removed identifiers included."""
    mapping = build_mapping(case, settings)
    return leak_check(text, mapping.real_names(), mapping.removed)
