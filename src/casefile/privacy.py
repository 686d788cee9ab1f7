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

__all__ = ["mask_bank", "mask_id_number", "mask_mobile", "mask_text", "mask_uscc"]

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
# letter prefix (case ids such as ``SBZY-140932-2026-000123``, evidence ids) and a 所属期 range
# (``202401-202610``). Only groups joined by hyphens qualify; an unbroken run is always masked.
_LETTER_PREFIX_RE = re.compile(r"[A-Za-z]{2,}-$")
_PERIOD_RANGE_RE = re.compile(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])-(?:19|20)\d{2}(?:0[1-9]|1[0-2])$")


def _mask_long_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    if "-" in run and (_PERIOD_RANGE_RE.match(run) or _LETTER_PREFIX_RE.search(match.string[max(0, match.start() - 12):match.start()])):
        return run
    return mask_bank(run)


def mask_text(text: str) -> str:
    """Mask every ID number, credit code, mobile number and long account number in free text."""
    if not text:
        return text
    text = _TOKEN18_RE.sub(_mask_token18, text)
    text = _MOBILE_RE.sub(_mask_mobile_match, text)
    return _LONG_DIGITS_RE.sub(_mask_long_digits, text)
