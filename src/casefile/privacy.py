"""Masking of personal identifiers for internal display (docs/domain.md §9, internal display).

Pure functions, no I/O. ``mask_text`` finds identifiers in free text; the specific maskers take one
value that is already known to be of that kind (a field of a party record).

=================  ====================  =============================
identifier         example               masked
=================  ====================  =============================
居民身份证号码      140932198512310043    ``140932********0043``
统一社会信用代码    91150525MA0Q12345U    ``9115************5U``
手机号码            13834561234           ``138****1234``
银行账号            6222021234567890123   ``***************0123``
=================  ====================  =============================

Full-width digits count as digits (``re`` matches them with ``\\d``) and are masked in place.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["display_name", "escape_controls", "mask_bank", "mask_id_number", "mask_mobile", "mask_text", "mask_uscc"]

_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
# An 18-character token that is either a resident ID (17 digits + check) or a credit code.
_TOKEN18_RE = re.compile(_EDGE_L + r"[0-9A-Za-z]{18}" + _EDGE_R)
_ID_RE = re.compile(r"^\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]$")
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.IGNORECASE)
# Mobile numbers, also written 138-3456-1234, 138 3456 1234 or with +86.
_MOBILE_RE = re.compile(r"(?<![\d+])(?:\+?86[\s\-]?)?(\d{3})[\s\-]?(\d{4})[\s\-]?(\d{4})(?!\d)")
# Long digit runs (bank cards, accounts, 15-digit old IDs), also grouped by spaces or hyphens.
_LONG_DIGITS_RE = re.compile(r"(?<!\d)\d(?:[\s\-]?\d){11,}(?!\d)")


def mask_id_number(value: str) -> str:
    """First 6 and last 4 characters: ``140932********0043``."""
    v = value.strip()
    if len(v) < 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_uscc(value: str) -> str:
    """First 4 and last 2 characters: ``9115************5U``."""
    v = value.strip()
    if len(v) < 6:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 6) + v[-2:]


def mask_mobile(value: str) -> str:
    """First 3 and last 4 digits: ``138****1234`` (separators and a +86 prefix are dropped)."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) != 11:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_bank(value: str) -> str:
    """Last 4 digits only: ``***************0123``."""
    digits = re.sub(r"[\s\-]", "", value)
    if len(digits) <= 4:
        return "****"
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask_token18(match: re.Match[str]) -> str:
    token = match.group(0)
    if _ID_RE.match(token):
        return mask_id_number(token)
    if _USCC_RE.match(token):
        return mask_uscc(token)
    if token.isdigit():
        return mask_bank(token)
    return token


def _mask_mobile_match(match: re.Match[str]) -> str:
    head = match.group(1)
    if unicodedata.digit(head[0]) == 1 and unicodedata.digit(head[1]) >= 3:  # also full-width digits
        return head + "****" + match.group(3)
    return match.group(0)


# Digit groups that are not personal data although they are long: the tail of an identifier with a
# letter prefix (case ids such as ``SBZY-140932-2026-000123``, evidence ids), a 所属期 range
# (``202401-202610``) and runs of dates or years (``2026.01.01-2026.12.31``). Only groups joined by
# separators qualify; an unbroken run is always masked.
_LETTER_PREFIX_RE = re.compile(r"[A-Za-z]{2,}-$")
_PERIOD_RANGE_RE = re.compile(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])-(?:19|20)\d{2}(?:0[1-9]|1[0-2])$")
# Separators people (and OCR) put inside a number: spaces, dots, slashes, hyphens and dashes, in
# ASCII and full width. A number split by them is still the same number.
_SEP = r"[\s.\-/_·・．／－—–―‐‑‒]"
_SEP_RE = re.compile(_SEP)
_RUN_RE = re.compile(r"(?<![\d+])\+?\d(?:" + _SEP + r"?\d){10,}(?:" + _SEP + r"?[Xx])?(?![0-9A-Za-z])")


def _ascii_digits(chars: str) -> str:
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c.upper() for c in chars)


def _is_date_run(groups: list[str]) -> bool:
    """Every group a year, a 所属期 (YYYYMM), a date (YYYYMMDD) or a year followed by month and day."""
    if len(groups) < 2:
        return False
    i = 0
    while i < len(groups):
        g = groups[i]
        if len(g) == 4 and g[:2] in ("19", "20"):
            i += 1
            for limit in (12, 31):  # an optional month, then an optional day
                if i < len(groups) and 1 <= len(groups[i]) <= 2 and 1 <= int(groups[i]) <= limit:
                    i += 1
                else:
                    break
        elif len(g) in (6, 8) and g[:2] in ("19", "20") and 1 <= int(g[4:6]) <= 12 and (len(g) == 6 or 1 <= int(g[6:]) <= 31):
            i += 1
        else:
            return False
    return True


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    body = run.lstrip("+")
    seps = set(_SEP_RE.findall(body))
    chars = [c for c in body if c.isdigit() or c in "Xx"]
    digits = _ascii_digits("".join(chars))
    if seps:
        groups = [_ascii_digits(g) for g in _SEP_RE.split(body) if g]
        if seps <= {"-"} and (_PERIOD_RANGE_RE.match(body)
                              or _LETTER_PREFIX_RE.search(match.string[max(0, match.start() - 12):match.start()])):
            return run
        if all(g.isdigit() for g in groups) and _is_date_run(groups):
            return run
    if len(digits) == 18 and _ID_RE.match(digits):
        return mask_id_number(digits)
    if len(digits) == 13 and digits.startswith("86") and digits[2] == "1" and digits[3] in "3456789":
        chars, digits = chars[2:], digits[2:]
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "".join(chars[:3]) + "****" + "".join(chars[-4:])  # full-width digits stay full width
    if not digits.isdigit():  # a run ending in X that is not an ID number: mask the digits before it
        return mask_bank(digits[:-1]) + run[-1]
    if len(digits) >= 12:
        return mask_bank(digits)
    return run  # 11 digits that are not a mobile number: a landline with its area code


def mask_text(text: str) -> str:
    """Mask every ID number, credit code, mobile number and long account number in free text, also
    when spaces, dots, slashes or dashes are written inside it."""
    if not text:
        return text
    text = _TOKEN18_RE.sub(_mask_token18, text)
    text = _RUN_RE.sub(_mask_run, text)
    return _MOBILE_RE.sub(_mask_mobile_match, text)


# Characters that change how a line reads without being seen: line breaks and other controls move
# text to a new line or erase it; bidi overrides and isolates (U+202E) show ``exe.txt`` for
# ``txt.exe``; zero-width characters make two names look alike.
_INVISIBLE = frozenset("\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                       "\u2066\u2067\u2068\u2069\u2028\u2029\ufeff")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """A name as it can be shown safely on one line: control, line-break, bidi and zero-width
    characters written as escapes (``\\n``, ``\\u202e``); everything else unchanged."""
    if not text or (text.isprintable() and not any(c in _INVISIBLE for c in text)):
        return text
    out = []
    for c in text:
        if c in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[c])
        elif c in _INVISIBLE or (not c.isprintable() and c not in " \u3000"):
            code = ord(c)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(c)
    return "".join(out)


def display_name(text: str) -> str:
    """A file or person name for ordinary output: identifiers masked, invisible characters escaped."""
    return escape_controls(mask_text(text))
