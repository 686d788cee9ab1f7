"""Page geometry, fonts and grid of GB/T 9704 (every measure in twips)."""

from __future__ import annotations

import re


def mm(v: float) -> int:
    """Millimetres → twips."""
    return round(v * 1440 / 25.4)


PAGE_W, PAGE_H = mm(210), mm(297)  # A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = mm(37), mm(35), mm(28), mm(26)
#: landscape registers (D28): the portrait page turned a quarter to the left as it lies in a bound volume,
#: so the 订口 (28 mm) is at the bottom and the 天头 (37 mm) at the left
LANDSCAPE = {"w": PAGE_H, "h": PAGE_W, "top": mm(26), "bottom": mm(28), "left": mm(37), "right": mm(35)}
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 版心 width 156 mm = 8844 twips
LINE_PITCH = 579  # 28.95 pt: 22 lines in the 225 mm 版心
CONDENSE = -5  # 1/20 pt: 16 pt characters at 15.75 pt, 28 to the 156 mm 版心
CHAR = TEXT_W / 28  # one grid character (≈ 315.9 twips)
HEADER_DIST = mm(30)  # 信函格式: organ name 30 mm from the top of the page
FOOTER_DIST = mm(20)  # footer bottom 20 mm above the page edge (信函 double rule; page numbers)
FOOTER_AREA = MARGIN_BOTTOM - FOOTER_DIST  # 15 mm between the 版心 and the footer distance
# The page-number paragraph fills the whole footer area (7 mm before, a 14 pt line, the rest after), so
# Word (which anchors footers at the bottom) and LibreOffice (which fills them from the top) agree.
PAGE_NO_BEFORE = mm(7)
PAGE_NO_AFTER = FOOTER_AREA - PAGE_NO_BEFORE - 14 * 20
LETTER_RULE_OVERHANG = mm(7)  # 170 mm rules on a 156 mm 版心

RED = "FF0000"
FS, HT, KT, XBS, ST, TNR = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体", "Times New Roman"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TAG_RE = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})")


def chars(n: float) -> int:
    """n grid characters → twips."""
    return round(n * CHAR)
