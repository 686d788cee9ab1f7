"""救济途径: which remedy sentences a document carries (docs/domain.md §2, §5).

Chosen by who acted and what kind of act it is:

- the office's own 税务 acts (D16, D17, D18, D20): 行政复议 to the next-level tax bureau within 60
  days, or 行政诉讼 to the county court within 6 months;
- a coordinative letter (D12 处理意见告知书, D03 不予受理告知书) is not itself the act a party can
  challenge, so it lists the remedies against the *underlying* acts: 税务 (as above), 人社/医保
  (复议 to the county government), worker–employer disputes (arbitration within 1 year), and for
  a 信访 matter the 复查 request within 30 days.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from casefile.config import Office
from casefile.documents.doctypes import DOC_TYPES, OPINION_NOTICE
from casefile.errors import UsageError
from casefile.models.case import Case
from casefile.models.enums import Category, Channel, InsuranceType, PartyKind

__all__ = ["ActKind", "remedy_lines", "underlying_acts"]

ActKind = Literal["tax", "hrss", "medical", "labour", "petition"]


TAX_CATEGORIES = {Category.C03, Category.C04, Category.C06, Category.C07, Category.C09, Category.P2, Category.P3}
AGENCY_CATEGORIES = {Category.C01, Category.C02, Category.C05, Category.C08, Category.P1, Category.P4}
MEDICAL = {InsuranceType.MEDICAL, InsuranceType.RESIDENT_MEDICAL}
LEAD_AGENCY = {"SW": "tax", "RSJ": "hrss", "YBJ": "medical"}


def underlying_acts(case: Case) -> list[ActKind]:
    """The kinds of act a coordinative letter about ``case`` should name remedies against."""
    kinds: list[ActKind] = []

    def add(k: ActKind) -> None:
        if k not in kinds:
            kinds.append(k)

    lead = LEAD_AGENCY.get(case.lead_dept or "")
    if lead == "tax" or any(c in TAX_CATEGORIES for c in case.categories):
        add("tax")
    if lead in ("hrss", "medical") or any(c in AGENCY_CATEGORIES for c in case.categories):
        types = set(case.insurance_types)
        if lead == "medical" or types & MEDICAL:
            add("medical")
        if lead == "hrss" or not types or types - MEDICAL:
            add("hrss")
    parties = {case.applicant.kind, case.counterparty.kind if case.counterparty else None}
    if parties == {PartyKind.PERSON, PartyKind.UNIT}:
        add("labour")  # a worker (or worker group) against an employer: 社保法 Art 83 ¶3
    if case.channel is Channel.PETITION:
        add("petition")
    return kinds or ["tax"]


#: 行政复议法第二十条、行政诉讼法第四十六条: the period runs from when the party knew or should have known of the act
KNEW = "知道或者应当知道该行政行为"


def _review_or_sue(subject: str, body: str, court: str, since: str) -> str:
    return (f"{subject}，可以自{since}之日起六十日内依法向{body}申请行政复议，"
            f"或者自{since}之日起六个月内依法向{court}提起行政诉讼。")


def remedy_lines(doc_type: str, office: Office, case: Case, *, acts: Iterable[str] | None = None,
                 recheck_body: str | None = None) -> list[str]:
    """The sentences of the 救济途径 block, in the order they are printed.

    The registry says which kind a type takes: the office's own act (``DocType.act_noun`` names it; an
    enforceable decision, ``not_suspended``, is not suspended by the remedy: 复议法 Art 42, 诉讼法 Art 56),
    or a coordinative letter (``DocType.coordinative``) naming the remedies against the underlying acts."""
    spec = DOC_TYPES.get(doc_type)
    if spec is not None and spec.act_noun:
        noun = spec.act_noun
        lines = [_review_or_sue(f"如对{noun}不服", office.superior_tax, office.court, f"收到{noun}")]
        if spec.not_suspended:
            lines.append(f"申请行政复议或者提起行政诉讼期间，{noun}不停止执行，法律另有规定的除外。")
        return lines
    if spec is None or not spec.coordinative:
        return []
    chosen = list(acts) if acts is not None else list(underlying_acts(case))
    unknown = [a for a in chosen if a not in get_args(ActKind)]
    if unknown:
        raise UsageError(f"未知的救济对象“{'、'.join(unknown)}”，应为 {'/'.join(get_args(ActKind))}。")
    lead = ("本告知书是对所反映事项协调处理情况的告知。当事人对有关行政机关作出的行政行为不服的，可以依法通过下列途径解决："
            if doc_type == OPINION_NOTICE else
            f"{'你单位' if case.applicant.kind is PartyKind.UNIT else '你'}反映的事项可以依法通过下列途径解决：")
    lines = [lead]
    for act in chosen:
        if act == "tax":
            lines.append(_review_or_sue("对税务机关作出的社会保险费征收、缴费检查、欠费追缴、滞纳金加收等行为不服的",
                                        office.superior_tax, office.court, KNEW))
        elif act == "hrss":
            lines.append(_review_or_sue("对人力资源社会保障部门作出的社会保险登记、核定、待遇支付等行为不服的",
                                        office.county_gov, office.court, KNEW))
        elif act == "medical":
            lines.append(_review_or_sue("对医疗保障部门作出的医疗保险登记、核定、待遇支付等行为不服的",
                                        office.county_gov, office.court, KNEW))
        elif act == "labour":
            lines.append(f"职工与用人单位之间因社会保险发生的争议，可以依法申请调解，或者自知道或者应当知道其权利被侵害之日起"
                         f"一年内向{office.arbitration}申请劳动人事争议仲裁。")
        elif act == "petition" and doc_type == OPINION_NOTICE:
            body = recheck_body or office.superior_tax
            lines.append(f"本意见作为信访事项处理意见，如不服，可以自收到本意见之日起三十日内向{body}请求复查。")
    return lines
