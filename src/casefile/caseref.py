"""A case found by the number people quote: the case id (SBZY-140932-2026-0003), the 案件编号 printed
on every document (偏税社争〔2026〕3号, the brackets typed as [] or () or 【】, full-width or not), or
the 工单号 of the 12345/12366 ticket it came in on.

Every front end resolves what a person typed with :func:`resolve_case` before it opens a dossier.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from casefile.errors import CaseNotFound, InvalidCaseId
from casefile.rules.text import nfkc

if TYPE_CHECKING:
    from casefile.config import Workspace

_CASE_ID = re.compile(r"^[A-Z]{2,8}-\d{6}-\d{4}-\d{4,6}$")
# 代字 + 〔year〕 + serial + 号; NFKC has already turned （）［］ into ()[]
_NUMBER = re.compile(r"^(?P<daizi>[^\s\[\](){}〔〕【】]{1,12})\s*[\[(〔【{]\s*(?P<year>\d{4})\s*[\])〕】}]\s*"
                     r"(?P<seq>\d{1,6})\s*号?$")
_BARE_NUMBER = re.compile(r"^(?P<daizi>[^\s\d]{1,12}?)\s*(?P<year>(?:19|20)\d{2})\s*[-—年]?\s*(?P<seq>\d{1,6})\s*号$")


def resolve_case(ws: Workspace, text: str) -> str:
    """The case id for what a person typed. Raises :class:`InvalidCaseId` (what was typed fits none of
    the three forms) or :class:`CaseNotFound` (it fits, but no such case is on file)."""
    raw = text.strip()
    t = nfkc(raw).strip()
    if _CASE_ID.match(t.upper()):
        return t.upper()
    m = _NUMBER.match(t) or _BARE_NUMBER.match(t)
    if m:
        return _by_number(ws, raw, m.group("daizi"), int(m.group("year")), int(m.group("seq")))
    found = _by_ticket(ws, t)
    if found:
        return found
    raise InvalidCaseId(
        f"“{_shown(raw)}”不是已登记的案件ID、案件编号或工单号：案件ID形如 SBZY-140932-2026-0001，"
        f"案件编号形如 {ws.settings.office.case_daizi}〔2026〕3号（括号也可打成 [] 或 ()），"
        f"工单号为热线工单上的编号；可用 casefile list 查找。")


def _by_number(ws: Workspace, raw: str, daizi: str, year: int, seq: int) -> str:
    from casefile import catalog
    from casefile.rules.wenhao import format_wenhao

    own = ws.settings.office.case_daizi
    if nfkc(daizi) != nfkc(own):
        raise InvalidCaseId(f"“{_shown(raw)}”的代字“{daizi}”不是本单位的案件编号代字“{own}”"
                            f"（受理回执、告知书等文书的文号不是案件编号），请填写文书上“案件编号”一栏的编号。")
    number = format_wenhao(own, year, seq)
    with catalog.connect(ws) as con:
        rows = con.execute("SELECT id FROM cases WHERE number = ? ORDER BY id", (number,)).fetchall()
    if rows:
        return str(rows[-1][0])
    raise CaseNotFound(f"没有案件编号为 {number} 的案件，请核对编号，或用 casefile list 查找。")


def _by_ticket(ws: Workspace, ref: str) -> str | None:
    from casefile import catalog

    if not ref or len(ref) > 64:
        return None
    with catalog.connect(ws) as con:
        rows = con.execute("SELECT id, number FROM cases WHERE upper(channel_ref) = upper(?) ORDER BY id",
                           (ref,)).fetchall()
    if not rows:
        return None
    if len(rows) > 1:
        listed = "、".join(f"{r[1]}（{r[0]}）" for r in rows)
        raise InvalidCaseId(f"工单号 {ref} 对应多件案件：{listed}；请改用案件编号指明其中一件。")
    return str(rows[0][0])


def _shown(text: str) -> str:
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shown if len(shown) <= 60 else shown[:57] + "…"
