"""Is extracted text real text? Normalisation and the garbage checks that decide when to OCR.

Real PDFs yield text that is present but wrong (see the corpus README): Latin-1 mojibake of GBK
bytes, the wrong script altogether (Hangul, Kannada, Lao, combining marks, fake CJK Ext-A), glyph
names, or plausible but wrong Chinese. An "is it empty?" test passes all of them, so each page's
text is scored here and a page that fails goes to OCR.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CJK_SPACE_RE = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]) +(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")
_GLYPH_NAME_RE = re.compile(r"/(?:[gG]\d{1,5}|[A-Za-z]?uni[0-9A-Fa-f]{4}|cid\d+|[gG]lyph\d+)")
_TOKEN_RE = re.compile(r"\S+")


def normalise(text: str, *, join_cjk: bool = False) -> str:
    """NFKC (Kangxi radicals U+2F00–2FDF → unified ideographs, full-width ASCII → ASCII), no control
    characters, tidy line ends. ``join_cjk`` removes the spaces OCR puts between Chinese characters."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if join_cjk:
        text = _CJK_SPACE_RE.sub("", text)
    lines = [ln.rstrip() for ln in text.split("\n")]
    return "\n".join(lines).strip("\n")


# -- character classes ------------------------------------------------------------------------------
def _is_cjk_ideograph(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x3FFFF
            or 0xF900 <= cp <= 0xFAFF)


def _is_suspicious(ch: str, cp: int) -> bool:
    """Scripts a Chinese office document essentially never contains, but broken CMaps produce."""
    if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:  # Hangul
        return True
    if 0x0900 <= cp <= 0x0DFF or 0x0E00 <= cp <= 0x0FFF or 0x0780 <= cp <= 0x07BF:  # Indic, Thai/Lao, Tibetan, Thaana
        return True
    if 0x1000 <= cp <= 0x109F or 0x1780 <= cp <= 0x18AF or 0x1400 <= cp <= 0x167F:  # Myanmar, Khmer, Mongolian, UCAS
        return True
    if 0xE000 <= cp <= 0xF8FF or cp == 0xFFFD or 0x2E80 <= cp <= 0x2EFF or 0x2FF0 <= cp <= 0x2FFF:  # PUA, U+FFFD, radicals
        return True
    if 0x02B0 <= cp <= 0x02FF:  # spacing modifier letters ("˖" for "：")
        return True
    return unicodedata.category(ch) in ("Mn", "Me", "Cf", "Co", "Cn")


@lru_cache(maxsize=65536)
def _is_common_hanzi(ch: str) -> bool:
    """In GB2312 (simplified, 6,763 characters) or Big5 (traditional, 13,060): the characters that make
    up virtually all real Chinese text. A wrong CMap picks ideographs at random, mostly outside both."""
    for codec in ("gb2312", "big5"):
        try:
            ch.encode(codec)
            return True
        except UnicodeEncodeError:
            pass
    return False


@dataclass(frozen=True)
class Quality:
    ok: bool
    reason: str = ""  # stable code: empty, mojibake, wrong-script, rare-hanzi, glyph-names, repetition, symbols
    detail: str = ""

    @property
    def label(self) -> str:
        return _QUALITY_LABELS.get(self.reason, self.reason)


_QUALITY_LABELS = {
    "empty": "无文字层",
    "mojibake": "文字为GBK编码被误读的乱码",
    "wrong-script": "文字为错误文种（乱码）",
    "rare-hanzi": "文字为罕用汉字组成的乱码",
    "glyph-names": "文字为字形名而非内容",
    "repetition": "文字为大量重复字符",
    "symbols": "文字几乎全是符号",
}


def assess(text: str) -> Quality:
    """Score one page of (already normalised) text."""
    chars = [c for c in text if not c.isspace()]
    n = len(chars)
    if n == 0:
        return Quality(False, "empty")
    high_latin1 = sum(1 for c in chars if 0x80 <= ord(c) <= 0xFF)
    if high_latin1 >= 4 and high_latin1 / n > 0.3:
        return Quality(False, "mojibake", f"{high_latin1}/{n}")
    glyph_names = _GLYPH_NAME_RE.findall(text)
    if glyph_names and sum(map(len, glyph_names)) / n > 0.3:
        return Quality(False, "glyph-names", " ".join(glyph_names[:3]))
    suspicious = 0
    cjk = 0
    rare = 0
    wordish = 0
    for c in chars:
        cp = ord(c)
        if _is_cjk_ideograph(cp):
            cjk += 1
            wordish += 1
            if not _is_common_hanzi(c):
                rare += 1
        elif _is_suspicious(c, cp):
            suspicious += 1
        elif c.isalnum():
            wordish += 1
    if suspicious / n > 0.15:
        return Quality(False, "wrong-script", f"{suspicious}/{n}")
    if cjk >= 2 and rare / cjk > 0.3:
        return Quality(False, "rare-hanzi", f"{rare}/{cjk}")
    if n >= 200:
        top, count = Counter(chars).most_common(1)[0]
        if count / n > 0.6:
            return Quality(False, "repetition", f"{top!r}×{count}")
    if n >= 4 and wordish / n < 0.3:
        return Quality(False, "symbols", f"{wordish}/{n}")
    return Quality(True)


# -- GBK mojibake repair ----------------------------------------------------------------------------
def repair_gbk_mojibake(text: str) -> str | None:
    """Undo "GBK bytes read as Latin-1" ("¹ØÓÚºì¾ü" → "关于红军"), token by token. Returns None when
    the text does not decode to real Chinese, so a wrong repair is never kept."""
    changed = False

    def fix(m: re.Match[str]) -> str:
        nonlocal changed
        token = m.group(0)
        if not any(0x80 <= ord(c) <= 0xFF for c in token):
            return token
        for enc in ("latin-1", "cp1252"):
            try:
                raw = token.encode(enc)
            except UnicodeEncodeError:
                continue
            try:
                decoded = raw.decode("gbk")
            except UnicodeDecodeError:
                continue
            changed = True
            return decoded
        return token

    repaired = _TOKEN_RE.sub(fix, text)
    if not changed:
        return None
    repaired = normalise(_GLYPH_NAME_RE.sub("", repaired), join_cjk=True)
    q = assess(repaired)
    return repaired if q.ok else None
