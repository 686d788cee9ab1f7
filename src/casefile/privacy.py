"""Masking of personal identifiers in ordinary output (DOMAIN.md §7.3, internal column)."""

from __future__ import annotations

import re

ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
USCC_RE = re.compile(r"(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY]{2}\d{2})(\d{4}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Z])")
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
BANK_RE = re.compile(r"(?<!\d)(\d{8,26})(\d{4})(?!\d)")


def mask_id_number(v: str) -> str:
    return v[:6] + "*" * 8 + v[-4:] if len(v) == 18 else "*" * len(v)


def mask_uscc(v: str) -> str:
    return v[:4] + "*" * 12 + v[-2:] if len(v) == 18 else "*" * len(v)


def mask_mobile(v: str) -> str:
    return v[:3] + "****" + v[-4:] if len(v) == 11 else "*" * len(v)


def mask_bank(v: str) -> str:
    return "*" * (len(v) - 4) + v[-4:] if len(v) > 4 else "****"


def mask_text(text: str) -> str:
    """Mask every ID number, credit code, mobile and bank account found in free text."""
    text = ID_RE.sub(lambda m: m.group(1) + "*" * 8 + m.group(3)[-4:], text)
    text = USCC_RE.sub(lambda m: m.group(1) + "*" * 12 + m.group(2)[-2:], text)
    text = MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return BANK_RE.sub(lambda m: "*" * len(m.group(1)) + m.group(2), text)
