"""Money: parsing and display of 元 amounts, and 人民币大写 (docs/domain.md §4).

Amounts are :class:`~decimal.Decimal` with two places from the moment they enter the system; a
float never gets near them, because 0.1 + 0.2 is not a sum a 通知书 may print.
"""

from __future__ import annotations

import itertools
import re
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "MAX_AMOUNT",
    "format_amount",
    "parse_amount",
    "parse_rmb_upper",
    "quantize_fen",
    "rmb_upper",
]

FEN = Decimal("0.01")
#: Exclusive upper bound shared by input validation and 大写 (12 integer digits, docs/domain.md §4).
MAX_AMOUNT = Decimal(10) ** 12

_AMOUNT_RE = re.compile(r"^(0|[1-9]\d{0,11})(\.\d{1,2})?$")
# Thousands separators are accepted only where they belong, so "1,23,4" is a typo, not 1234.
_GROUPED_RE = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_CURRENCY_SIGNS = ("¥", "￥")

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("仟", "佰", "拾", "")
_SECTION_UNITS = ("亿", "万", "")
_UPPER_PREFIX = "人民币"


def quantize_fen(value: Decimal) -> Decimal:
    """Round to 分 the way every amount on a document is rounded (ROUND_HALF_UP)."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_amount(text: str | int | Decimal) -> Decimal:
    """Read an amount in 元 typed by a person or taken from a record.

    Accepts ``"12345.67"``, ``"12,345.67"``, ``"¥12,345.67"``, ``12345`` and ``Decimal`` values with
    at most two places. Returns a Decimal with exactly two places. Raises ``ValueError`` with a
    Chinese message on anything else (negative, more than two decimals, letters, floats, NaN).
    """
    if isinstance(text, bool | float):
        # bool is an int subclass and a float has already lost the 分; neither is an amount.
        raise ValueError(f"金额格式不正确：{text!r}（请使用字符串或 Decimal，不要使用浮点数）")
    if isinstance(text, int):
        if text < 0 or text >= MAX_AMOUNT:
            raise ValueError(f"金额超出范围：{text}（应为 0 至 999,999,999,999.99 元）")
        return Decimal(text).quantize(FEN)
    if isinstance(text, Decimal):
        return _checked_decimal(text)
    if not isinstance(text, str):
        raise ValueError(f"金额格式不正确：{text!r}")
    cleaned = text.strip()
    for sign in _CURRENCY_SIGNS:
        if cleaned.startswith(sign):
            cleaned = cleaned[len(sign) :].strip()
            break
    if "," in cleaned:
        if not _GROUPED_RE.match(cleaned):
            raise ValueError(f"金额格式不正确：{text}（千位分隔符位置不对）")
        cleaned = cleaned.replace(",", "")
    if not _AMOUNT_RE.match(cleaned):
        raise ValueError(f"金额格式不正确：{text}（应为非负数，最多两位小数，如 12345.67）")
    return Decimal(cleaned).quantize(FEN)


def _checked_decimal(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError(f"金额格式不正确：{value}")
    if value < 0:
        raise ValueError(f"金额不能为负数：{value}")
    if value >= MAX_AMOUNT:
        raise ValueError(f"金额超出范围：{value}（应小于 1,000,000,000,000 元）")
    quantized = value.quantize(FEN)
    if quantized != value:
        raise ValueError(f"金额最多两位小数：{value}")
    # Decimal("-0") passes the checks above; an amount never prints as "-0.00".
    return quantized.copy_abs()


def format_amount(d: Decimal) -> str:
    """``Decimal("12345.67")`` → ``"¥12,345.67"`` (PBoC: ¥ before lower-case amounts)."""
    q = quantize_fen(Decimal(d))
    sign = "-" if q < 0 else ""
    return f"{sign}¥{abs(q):,.2f}"


# --- 人民币大写 -------------------------------------------------------------------------------


def _section_upper(value: int) -> str:
    """One 4-digit section (0 < value < 10000) with 仟佰拾, zero runs collapsed (docs/domain.md §4, step 3)."""
    out: list[str] = []
    pending_zero = False
    for digit_char, unit in zip(f"{value:04d}", _SMALL_UNITS, strict=True):
        digit = int(digit_char)
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[digit] + unit)
    return "".join(out)


def _integer_upper(yuan: int, zero_before: dict[int, bool] | None = None) -> str:
    """The 元 part (yuan > 0) by docs/domain.md §4, step 4.

    ``zero_before`` forces the 零 in front of section 1 (万) or 2 (个) on or off; parsing uses it to
    produce the variants that PBoC rule (三) allows, generation leaves it empty.
    """
    sections = (yuan // 10**8, yuan // 10**4 % 10**4, yuan % 10**4)
    out: list[str] = []
    skipped_zero_section = False
    for index, (value, unit) in enumerate(zip(sections, _SECTION_UNITS, strict=True)):
        if value == 0:
            skipped_zero_section = bool(out)
            continue
        zero = bool(out) and (skipped_zero_section or value < 1000)
        if zero_before is not None and index in zero_before:
            zero = zero_before[index]
        if zero:
            out.append("零")
        out.append(_section_upper(value) + unit)
        skipped_zero_section = False
    return "".join(out)


def _split_fen(amount: Decimal) -> tuple[int, int, int]:
    total_fen = int(amount * 100)
    return total_fen // 100, total_fen // 10 % 10, total_fen % 10


def _compose(
    yuan: int,
    jiao: int,
    fen: int,
    *,
    integer_text: str,
    zero_after_yuan: bool,
    zheng_after_jiao: bool,
) -> str:
    if jiao == 0 and fen == 0:
        return integer_text + "元整" if yuan else "零元整"
    out = integer_text + "元" if yuan else ""
    if jiao:
        if zero_after_yuan:
            out += "零"
        out += _DIGITS[jiao] + "角"
    elif yuan:
        # Rule (四): 角 is 0 and 分 is not, so 零 is obligatory after 元.
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    elif zheng_after_jiao:
        out += "整"
    return out


def _checked_upper_amount(d: Decimal | int) -> Decimal:
    if isinstance(d, bool) or not isinstance(d, Decimal | int):
        raise ValueError(f"金额格式不正确：{d!r}（请使用 Decimal）")
    value = Decimal(d)
    if not value.is_finite():
        raise ValueError(f"金额格式不正确：{d}")
    value = quantize_fen(value)
    if value < 0 or value >= MAX_AMOUNT:
        raise ValueError(f"大写金额只支持 0 至 999,999,999,999.99 元：{d}")
    return value.copy_abs()


def rmb_upper(d: Decimal | int, prefix: bool = False) -> str:
    """人民币大写 by the algorithm of docs/domain.md §4 (the first-listed PBoC form).

    ``Decimal("1680.32")`` → ``"壹仟陆佰捌拾元零叁角贰分"``. Rounds to 分 (ROUND_HALF_UP) first;
    supports 0 ≤ amount < 10¹². ``prefix=True`` prepends "人民币" with no gap.
    """
    value = _checked_upper_amount(d)
    yuan, jiao, fen = _split_fen(value)
    text = _compose(
        yuan,
        jiao,
        fen,
        integer_text=_integer_upper(yuan) if yuan else "",
        zero_after_yuan=yuan > 0 and yuan % 10 == 0,
        zheng_after_jiao=True,
    )
    return _UPPER_PREFIX + text if prefix else text


def _accepted_forms(value: Decimal) -> set[str]:
    """Every spelling of ``value`` that PBoC rules accept (canonical form included)."""
    yuan, jiao, fen = _split_fen(value)
    if yuan == 0:
        integer_texts = {""}
    else:
        # Rule (三): where the 万位 (or, by the same logic, the 亿位) is 0 and the next lower 仟位
        # is not, one 零 may be written there or none.
        digits = f"{yuan:012d}"[::-1]  # digits[i] is the 10^i digit
        optional = [
            section
            for section, boundary in ((1, 8), (2, 4))
            if digits[boundary] == "0" and digits[boundary - 1] != "0" and yuan >= 10 ** (boundary + 1)
        ]
        integer_texts = {
            _integer_upper(yuan, dict(zip(optional, choice, strict=True)))
            for choice in itertools.product((True, False), repeat=len(optional))
        }
    # Rule (三) for the 元位: "元零伍角" or "元伍角". Rule (二): 整 after 角 may be omitted.
    zero_after_yuan_choices = (True, False) if yuan > 0 and yuan % 10 == 0 and jiao else (False,)
    zheng_choices = (True, False) if jiao and not fen else (True,)
    return {
        _compose(
            yuan,
            jiao,
            fen,
            integer_text=integer_text,
            zero_after_yuan=zero_after_yuan,
            zheng_after_jiao=zheng,
        )
        for integer_text in integer_texts
        for zero_after_yuan in zero_after_yuan_choices
        for zheng in zheng_choices
    }


_DIGIT_VALUE = {c: i for i, c in enumerate(_DIGITS)}
_SMALL_UNIT_VALUE = {"拾": 10, "佰": 100, "仟": 1000}
_FRACTION_RE = re.compile(r"^零?(?:([壹贰叁肆伍陆柒捌玖])角)?零?(?:([壹贰叁肆伍陆柒捌玖])分)?整?$")


def _read_section(text: str, original: str) -> int:
    """仟佰拾 digits of one section; 零 carries no value and is checked later against the forms."""
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for char in text:
        if char == "零":
            continue
        if char in _DIGIT_VALUE:
            if digit is not None:
                raise ValueError(f"大写金额无法识别：{original}")
            digit = _DIGIT_VALUE[char]
        elif char in _SMALL_UNIT_VALUE:
            unit = _SMALL_UNIT_VALUE[char]
            if digit is None or unit >= last_unit:
                raise ValueError(f"大写金额无法识别：{original}")
            total += digit * unit
            digit, last_unit = None, unit
        else:
            raise ValueError(f"大写金额无法识别：{original}（含有非法字符“{char}”）")
    return total + (digit or 0)


def _read_integer(text: str, original: str) -> int:
    total = 0
    rest = text
    for unit_char, multiplier in (("亿", 10**8), ("万", 10**4)):
        if unit_char in rest:
            head, rest = rest.split(unit_char, 1)
            section = _read_section(head, original)
            if section == 0 or section >= 10_000:
                raise ValueError(f"大写金额无法识别：{original}")
            total += section * multiplier
    return total + _read_section(rest, original)


def parse_rmb_upper(text: str) -> Decimal:
    """Read a 大写 amount typed by a person; the inverse of :func:`rmb_upper`.

    Accepts the optional "人民币" prefix, 圆 for 元, 正 for 整, and both variants PBoC rule (三)
    allows for 零 (e.g. 壹拾万柒仟元零伍角叁分 and 壹拾万零柒仟元伍角叁分), and a missing 整 after
    角. Anything else non-standard (一二三, a missing obligatory 零, 整 after 分) raises
    ``ValueError`` naming the canonical spelling.
    """
    original = text
    cleaned = "".join(text.split())
    if cleaned.startswith(_UPPER_PREFIX):
        cleaned = cleaned[len(_UPPER_PREFIX) :]
    cleaned = cleaned.replace("圆", "元").replace("正", "整")
    if not cleaned:
        raise ValueError(f"大写金额无法识别：{original!r}")
    if "元" in cleaned:
        integer_part, fraction_part = cleaned.split("元", 1)
    else:
        integer_part, fraction_part = "", cleaned
    fraction = _FRACTION_RE.match(fraction_part)
    if fraction is None:
        raise ValueError(f"大写金额无法识别：{original}")
    jiao = _DIGIT_VALUE[fraction.group(1)] if fraction.group(1) else 0
    fen = _DIGIT_VALUE[fraction.group(2)] if fraction.group(2) else 0
    if integer_part == "零":
        integer_part = ""
    yuan = _read_integer(integer_part, original) if integer_part else 0
    if yuan >= MAX_AMOUNT:
        raise ValueError(f"大写金额超出范围：{original}")
    value = (Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100).quantize(FEN)
    if cleaned not in _accepted_forms(value):
        raise ValueError(f"大写金额写法不规范：{original}（规范写法为“{rmb_upper(value)}”）")
    return value


def money_report(value: Decimal) -> str:
    """An amount as a report writes it: ``10万元``, ``18.68万元`` from ten thousand yuan, else ``3,456.78元``
    (never ``¥``)."""
    if abs(value) >= 10000:
        wan = (value / Decimal(10000)).quantize(Decimal("0.01"))
        text = format(wan.normalize(), "f") if wan == wan.to_integral() else f"{wan}".rstrip("0").rstrip(".")
        return f"{text}万元"
    return f"{value:,.2f}元"


def percent_report(value: Decimal) -> str:
    """A percentage without trailing zeros: ``200%``, ``12.5%``."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"

