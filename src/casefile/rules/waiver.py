"""Clauses that waive what the law says cannot be waived.

社会保险费 may not be reduced, waived or deferred except for the statutory grounds (社会保险法
第六十条, 社会保险费征缴暂行条例第十二条): no agreement, mediation, decision or correction may
say otherwise. The 滞纳金 of 社会保险法第八十六条 is charged by law from the day the fee fell due; an
agreement between the parties, a mediation or a coordinative decision has no power to remit it,
and an employer may not shift it onto its workers. A worker may settle what the employer owes
*them* (compensation, wages), so waivers of other things pass.

The check reads the text sentence by sentence (a sentence ends at 。！？；; or a line break), so
a waiver verb and its object anywhere in the same sentence are caught however far apart they
are, and the refusal quotes the whole sentence. A verb under a negation (不得减免, 不予免除) is a
statement of the rule, not a waiver.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from casefile.errors import WaiverRefused

__all__ = ["WaiverFinding", "find_waivers", "refuse_waivers", "sentences"]

_SPLIT = re.compile(r"(?<=[。！？；;!?])|\n+")
WAIVER_VERBS = ("免除", "减免", "免缴", "免征", "免收", "不再缴纳", "不再补缴", "不予缴纳", "无需缴纳", "无须缴纳",
                "不用缴纳", "放弃", "豁免", "核减", "少缴", "不予追缴", "不再追缴", "一笔勾销", "减半", "免交",
                "不再加收", "不予加收", "不加收", "停止加收", "不计收", "不再计收", "取消")
_VERB = re.compile("|".join(sorted(WAIVER_VERBS, key=len, reverse=True)))
_NEGATION = re.compile(r"(不得|不予|不能|不可|不应|无权|禁止|严禁|不属于|不涉及|并非|不允许|依法不)\s*$")
_CONTRIB = re.compile(r"社会保险费|社保费|保险费|养老保险|医疗保险|失业保险|工伤保险|生育保险|社会保险|单位应缴|个人应缴|"
                      r"欠缴本金|欠费本金|欠缴的?费款")
_LATE_FEE = re.compile(r"滞纳金")
_SHIFT = re.compile(r"滞纳金[^。；;]*由(职工|员工|劳动者|个人)[^。；;]*(承担|负担|缴纳)")


@dataclass(frozen=True)
class WaiverFinding:
    sentence: str
    kind: str  # "contribution" | "late_fee" | "shift"

    @property
    def reason(self) -> str:
        if self.kind == "contribution":
            return ("社会保险费依法不得减免（《中华人民共和国社会保险法》第六十条、《社会保险费征缴暂行条例》第十二条），"
                    "只能约定缴纳期限或分期（须提供担保）")
        if self.kind == "late_fee":
            return ("滞纳金依《中华人民共和国社会保险法》第八十六条自欠缴之日起依法加收，协议、调解或处理意见无权免除或减免")
        return "用人单位不得将滞纳金转由职工承担"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SPLIT.split(text) if s and s.strip()]


def _negated(sentence: str, start: int) -> bool:
    return bool(_NEGATION.search(sentence[max(0, start - 6):start]))


def find_waivers(texts: Iterable[str | None]) -> list[WaiverFinding]:
    """Every sentence of ``texts`` that waives 社会保险费 or 滞纳金 (or shifts 滞纳金 onto workers)."""
    found: list[WaiverFinding] = []
    for text in texts:
        for s in sentences(text or ""):
            if _SHIFT.search(s):
                found.append(WaiverFinding(s, "shift"))
                continue
            verbs = [m for m in _VERB.finditer(s) if not _negated(s, m.start())]
            if not verbs:
                continue
            if _CONTRIB.search(s):
                found.append(WaiverFinding(s, "contribution"))
            elif _LATE_FEE.search(s):
                found.append(WaiverFinding(s, "late_fee"))
    return found


def refuse_waivers(what: str, *texts: str | None) -> None:
    """Refuse ``what`` (an agreement, decision, correction) if a sentence of it waives 社会保险费 or
    滞纳金, quoting every such sentence."""
    found = find_waivers(texts)
    if not found:
        return
    quoted = "；".join(f"“{f.sentence}”（{f.reason}）" for f in found)
    raise WaiverRefused(f"{what}中有依法不能约定的内容：{quoted}；请删去或改写这些句子后重新提交。")
