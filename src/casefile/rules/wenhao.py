"""发文字号 (文号): ``{机关代字}〔{YYYY}〕{n}号`` (docs/domain.md §7, GB/T 9704 §7.2.5).

The year is written in full inside 六角括号 〔〕, the serial restarts each year, has no leading zeros
and no "第". The 代字 may contain "×", which templates print where an agency's abbreviation is not
configured yet (``×税社争〔2026〕12号``); the character class of docs/domain.md §7 is otherwise kept as is.
"""

from __future__ import annotations

import re

__all__ = ["WENHAO_RE", "cite_wenhao", "format_wenhao", "generalise_wenhao", "validate_wenhao"]

_DAIZI = r"[\u4e00-\u9fa5A-Za-z×]{1,12}"
WENHAO_RE = re.compile(rf"^(?P<daizi>{_DAIZI})〔(?P<year>(?:19|20)\d{{2}})〕(?P<serial>[1-9]\d*)号$")
_DAIZI_RE = re.compile(rf"^{_DAIZI}$")

# Organ-type characters that say what kind of body issued a document but not which one; a
# de-identified 文号 keeps them so a reader still sees "a tax document" or "a government document".
_GENERIC_ORGAN_MARKS = ("人社", "医保", "税", "政")


def format_wenhao(daizi: str, year: int, serial: int) -> str:
    """``format_wenhao("×税社争", 2026, 12)`` → ``"×税社争〔2026〕12号"``."""
    if not isinstance(daizi, str) or not _DAIZI_RE.match(daizi):
        raise ValueError(f"机关代字不正确：{daizi!r}（应为1至12个汉字或字母）")
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2099:
        raise ValueError(f"文号年份不正确：{year!r}（应为四位年份）")
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 1:
        raise ValueError(f"文号序号不正确：{serial!r}（应为正整数）")
    return f"{daizi}〔{year}〕{serial}号"


def validate_wenhao(text: str) -> bool:
    """True for ``奈政字〔2024〕123号``; False for ``[2026]``, ``(2026)``, ``【2026】``, ``〔26〕``, ``001号``."""
    return isinstance(text, str) and WENHAO_RE.match(text) is not None


def _checked(w: str) -> re.Match[str]:
    match = WENHAO_RE.match(w.strip()) if isinstance(w, str) else None
    if match is None:
        raise ValueError(f"文号格式不正确：{w!r}（应如“偏政办发〔2024〕21号”）")
    return match


def cite_wenhao(w: str) -> str:
    """A 文号 cited inside another document goes in full-width round brackets: ``（偏政办发〔2024〕21号）``."""
    return f"（{_checked(w).group(0)}）"


def generalise_wenhao(w: str) -> str:
    """De-identified form for publication (docs/domain.md §9): ``偏税社争〔2026〕12号`` → ``×税×〔2026〕×号``.

    The year stays (it dates the case without naming anyone); the agency abbreviation and the
    serial, which together point at one county's one document, become "×".
    """
    match = _checked(w)
    daizi = match.group("daizi")
    mark = next((m for m in _GENERIC_ORGAN_MARKS if m in daizi), None)
    generic = f"×{mark}×" if mark else "×"
    return f"{generic}〔{match.group('year')}〕×号"
