"""Text as people type and read it: full-width input, display width in a terminal, near-miss names.

Pure functions, stdlib only (the read path imports this module without pydantic).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence


def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation (１２３, ＡＢＣ, ，) as their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def has_fullwidth(text: str) -> bool:
    """True when NFKC would change a character of ``text`` (a full-width form was typed)."""
    return any(unicodedata.normalize("NFKC", ch) != ch for ch in text)


def fullwidth_note(raw: object) -> str:
    """The clause added to a refusal when full-width characters were typed and converting them did not help."""
    if isinstance(raw, str) and has_fullwidth(raw):
        return "（已将全角字符按半角处理，仍不正确）"
    return ""


def char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a CJK (wide or full-width) character takes two."""
    return sum(char_width(ch) for ch in text)


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, with … when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, *, right: bool = False) -> str:
    gap = max(0, width - display_width(text))
    return " " * gap + text if right else text + " " * gap


def table(rows: Sequence[Sequence[str]], *, header: Sequence[str] | None = None, sep: str = "  ",
          right: Iterable[int] = ()) -> list[str]:
    """Lines of a terminal table whose columns line up by display width (the last column is not padded)."""
    all_rows = [list(header)] if header else []
    all_rows += [list(r) for r in rows]
    if not all_rows:
        return []
    cols = max(len(r) for r in all_rows)
    widths = [max((display_width(r[i]) for r in all_rows if i < len(r)), default=0) for i in range(cols)]
    right_cols = set(right)
    lines = []
    for r in all_rows:
        cells = []
        for i, cell in enumerate(r):
            last = i == len(r) - 1
            cells.append(cell if last and i not in right_cols else pad(cell, widths[i], right=i in right_cols))
        lines.append(sep.join(cells).rstrip())
    return lines


def _key(text: str) -> str:
    return nfkc(text).strip().lower()


def did_you_mean(word: str, candidates: Iterable[str], *, n: int = 3, cutoff: float = 0.5) -> list[str]:
    """The candidates closest to ``word`` (one character wrong, one missing, a prefix dropped, …).

    Short Chinese names differ by one character in a third of their length, so the cut-off is lower
    than difflib's default; a candidate that contains the word (or the word it) always counts.
    """
    w = _key(word)
    if not w:
        return []
    cands = list(dict.fromkeys(candidates))
    keyed = {_key(c): c for c in cands}
    import difflib  # only when a name was not found

    found = [keyed[k] for k in difflib.get_close_matches(w, list(keyed), n=n, cutoff=cutoff)]
    for k, c in keyed.items():
        if len(w) >= 2 and (w in k or (len(k) >= 2 and k in w)) and c not in found:
            found.append(c)
    return found[:n]
