"""Validators for identifiers (docs/domain.md §10; GB 32100, GB 11643): 统一社会信用代码, 身份证号, phone numbers."""

from __future__ import annotations

import re
from datetime import date

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
REGION_RE = re.compile(r"^\d{6}$")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    """Return the normalised code, or raise ValueError with a Chinese reason."""
    c = code.strip().upper()
    if len(c) != 18:
        raise ValueError(f"统一社会信用代码应为18位，实际为{len(c)}位")
    if not USCC_RE.match(c):
        raise ValueError("统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z，第3–8位应为数字）")
    expected = uscc_check_char(c[:17])
    if c[17] != expected:
        raise ValueError("统一社会信用代码校验位不正确，请核对是否录入有误")
    return c


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(a) * w for a, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(number: str, *, today: date | None = None) -> str:
    """GB 11643 check: 18 characters, real non-future birth date, MOD 11-2 check character."""
    n = number.strip().upper()
    if len(n) != 18:
        raise ValueError(f"身份证号应为18位，实际为{len(n)}位")
    if not ID_RE.match(n):
        raise ValueError("身份证号前17位应为数字，末位为数字或X")
    try:
        born = date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        raise ValueError("身份证号中的出生日期不是有效日期") from None
    if today is not None and born > today:
        raise ValueError("身份证号中的出生日期晚于今天")
    if n[17] != id_check_char(n[:17]):
        raise ValueError("身份证号校验位不正确，请核对是否录入有误")
    return n


def id_birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def normalise_mobile(text: str) -> str:
    """Strip spaces, hyphens and a +86/86 prefix; raise ValueError if not a mainland mobile."""
    t = re.sub(r"[\s\-]", "", text.strip())
    if t.startswith("+86"):
        t = t[3:]
    elif t.startswith("86") and len(t) == 13:
        t = t[2:]
    if not MOBILE_RE.match(t):
        raise ValueError("手机号码应为以1开头的11位数字")
    return t


def validate_landline(text: str) -> str:
    t = text.strip()
    if not LANDLINE_RE.match(t):
        raise ValueError("固定电话格式应为“区号-号码”，如 0350-1234567")
    return t


def validate_region_code(text: str) -> str:
    t = text.strip()
    if not REGION_RE.match(t):
        raise ValueError("行政区划代码应为6位数字")
    return t
