"""Drafting: compose the de-identified write-up of a case and file it with its pseudonym table."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from casefile.identity import ActorLike, actor_name, require_entitled
from casefile.library.deidentify import Mapping, build_mapping, deidentify_text
from casefile.library.leakcheck import LeakFinding, leak_check
from casefile.library.recording import draft_sealed, drafted_from, is_sealed
from casefile.library.writeup import MAP_DIR, TypicalRefused, WriteUp, save

if TYPE_CHECKING:
    from casefile.config import Workspace
    from casefile.models.case import Case
    from casefile.settings import Settings


FOCUS = {
    "C01": "社会保险登记和关系转移是否依法办理，责任在哪一方。",
    "C02": "社会保险登记信息是否及时、准确地在部门间传递。",
    "C03": "用人单位申报的缴费基数是否与职工实际工资相符，应否按实际工资补缴社会保险费。",
    "C04": "应缴社会保险费金额的计算是否正确。",
    "C05": "人社、医保部门核定的特殊缴费应征金额是否有依据。",
    "C06": "滞纳金的起算时间、计算方法是否正确，能否减免。",
    "C07": "退（抵）费的条件、流程和金额是否符合规定。",
    "C08": "社会保险待遇的核定和支付是否正确。",
    "C09": "征缴、缴费检查和欠费追缴的程序与依据是否合法。",
    "C10": "征缴过程中其他争议事项的处理。",
    "P1": "用人单位是否应为职工参保（应参未参），如何补办登记和补缴。",
    "P2": "已申报未按时缴纳的社会保险费如何追缴，滞纳金如何计算。",
    "P3": "已缴纳但申报的缴费基数与实际不符时如何处理。",
    "P4": "征缴、待遇享受等方面其他争议的处理。",
}


@dataclass
class DraftReport:
    typical_id: str
    case_id: str
    path: str
    map_file: str
    findings: list[LeakFinding]
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"typical_id": self.typical_id, "case_id": self.case_id, "path": self.path, "map_file": self.map_file,
                "findings": [str(f) for f in self.findings], "warnings": self.warnings}


def _period_cn(period: str) -> str:
    """202401-202609 → 2024年1月至2026年9月 (a run of digits would look like an account number)."""
    m = re.fullmatch(r"(\d{4})(\d{2})(?:\s*[-–—~～至]\s*(\d{4})(\d{2}))?", period.strip())
    if not m:
        return period
    first = f"{m.group(1)}年{int(m.group(2))}月"
    return first if m.group(3) is None else f"{first}至{m.group(3)}年{int(m.group(4))}月"


def _month(d: datetime | date | None) -> str:
    from casefile.rules.dates import month_cn

    return month_cn(d) if d is not None else ""


def compose(case: Case, mapping: Mapping, settings: Settings | None = None) -> tuple[str, str, list[str]]:
    """(title, Markdown body, keywords) of the de-identified write-up."""
    from casefile.models.enums import PartyKind

    def d(text: str | None) -> str:
        return deidentify_text(text or "", mapping).strip()

    dn = settings.dept_name if settings is not None else (lambda c: c)
    applicant = d(case.applicant.name)
    if case.applicant.represents:
        count = case.applicant.represents_count
        applicant = f"职工{applicant}等{count}人" if count else f"{applicant}（代表{d(case.applicant.represents)}）"
    unit = next((p for p in (case.counterparty, case.applicant) if p is not None and p.kind is PartyKind.UNIT), None)
    subject = d(unit.name) if unit is not None else d(case.applicant.name)
    labels = [c.label for c in case.categories]
    title = f"{subject}{labels[0] if labels else ''}争议案"
    facts = [f"{_month(case.received_at)}，{applicant}通过{case.channel.value}反映：{d(case.claim)}"]
    extra = []
    if case.insurance_types:
        extra.append(f"涉及险种：{'、'.join(i.value for i in case.insurance_types)}")
    if case.periods:
        extra.append(f"所属期：{'、'.join(_period_cn(p) for p in case.periods)}")
    if case.amounts:
        extra.append(f"涉及金额：{case.total_amount:,}元")
    if extra:
        facts.append("；".join(extra) + "。")
    focus = [FOCUS.get(c.short, c.label) for c in case.categories]
    if case.decision is not None and case.decision.findings:
        focus.append(f"经调查：{d(case.decision.findings)}")
    result: list[str] = []
    lead = dn(case.lead_dept) if case.lead_dept else dn(case.coordinator_dept)
    if case.route and case.route != "未分类":
        result.append(f"本案按“{case.route}”办理，由{d(lead)}主办。")
    if case.decision is not None:
        result.append(f"{_month(case.decision.decided_at)}，{d(case.decision.source)}形成处理意见：{d(case.decision.text)}")
        if case.decision.obligations:
            result.append(d(case.decision.obligations))
    if case.mediation is not None and case.mediation.terms:
        result.append("调解协议：" + "；".join(d(t) for t in case.mediation.terms))
    if case.enforcement is not None and case.enforcement.outcome:
        result.append(f"征缴执法：{d(case.enforcement.outcome)}")
    if case.close_reason:
        result.append(f"办结情况：{d(case.close_reason)}")
    basis = [f"- {d(b)}" for b in case.decision.basis] if case.decision is not None else []
    keywords = list(dict.fromkeys([*labels, *(i.value for i in case.insurance_types), case.channel.value]))
    body = "\n".join([
        f"# {title}", "",
        "## 案情简介", "", "\n\n".join(facts), "",
        "## 争议焦点", "", "\n".join(f"{i}. {f}" for i, f in enumerate(focus, 1)), "",
        "## 处理结果", "", "\n\n".join(result) or "（待补充）", "",
        "## 法律依据", "", "\n".join(basis) or "（待补充：可用 casefile search --kind law 检索相关条文）", "",
        "## 经验启示", "", "（待培训人员补充）", "",
        "## 关键词", "", "、".join(keywords), "",
    ])
    return title, body, keywords


def _narrative_note(case: Case, mapping: Mapping) -> list[str]:
    """Tell the trainer who else the record names (they are pseudonymised like the parties)."""
    parties = {p.name for p in (case.applicant, case.counterparty) if p is not None}
    parties |= {x for p in (case.applicant, case.counterparty) if p is not None for x in (p.legal_rep, p.agent) if x}
    others = [real for real in mapping.persons if real not in parties]
    party_labels = {mapping.companies.get(p) for p in parties}
    units = {pseudo for pseudo in mapping.companies.values() if pseudo not in party_labels}
    out = []
    if others:
        out.append(f"案件记录中另提到{len(others)}人，已一并化名（对照表只在案卷中），请核对正文")
    if units:
        out.append(f"案件记录中另提到{len(units)}家单位，已一并化名，请核对正文")
    return out


def draft(ws: Workspace, case_id: str, actor: ActorLike, now: datetime) -> DraftReport:
    """Write the de-identified draft of ``case_id`` to the library; keep the pseudonym table in the dossier."""
    from casefile.models.records import TypicalInfo
    from casefile.store import Dossier, Sequence

    require_entitled(actor, "typical_draft")
    dossier = Dossier(ws, case_id)
    case = dossier.load()
    existing = next(iter(drafted_from(dossier.path)), "")
    if (case.typical is not None and case.typical.draft) or (is_sealed(case) and existing):
        raise TypicalRefused(f"案件 {case.id} 已有典型案例稿{('（' + existing + '）') if existing else ''}，"
                             "请直接修改 library/ 下的文件。")
    mapping = build_mapping(case, ws.settings)
    title, body, keywords = compose(case, mapping, ws.settings)
    warnings = _narrative_note(case, mapping)
    findings = leak_check(body, mapping.real_names(), mapping.removed)
    year = now.year

    def writeup(tid: str) -> WriteUp:
        return WriteUp(
            id=tid, title=title, body=body, category=[c.short for c in case.categories],
            insurance=[i.value for i in case.insurance_types], risk=case.risk.value if case.risk else "",
            year=case.year, outcome=_outcome(case), keywords=keywords, status="draft",
            drafted_by=actor_name(actor), drafted_at=now.isoformat(),
        )

    def map_bytes(tid: str) -> bytes:
        return json.dumps({"typical_id": tid, **mapping.to_json()}, ensure_ascii=False, indent=1).encode("utf-8")

    if is_sealed(case):
        tid, path, map_rel = draft_sealed(ws, dossier, case, writeup, map_bytes, actor, now)
    else:
        with dossier.transaction(actor, now) as tx, Sequence(ws, f"typical-{year}").allocate(case.id, now) as n:
            tid = f"TC-{year}-{n:04d}"
            map_rel = f"{MAP_DIR}/{tid}.map.json"
            tx.write_file(map_rel, map_bytes(tid), mode=0o600)
            path = save(ws, writeup(tid))
            tx.case.typical = TypicalInfo(selected=True, draft=body)
            tx.event("typical_drafted", typical_id=tid, map_file=map_rel, label=f"起草典型案例 {tid}")
    return DraftReport(tid, case.id, str(path), map_rel, findings, warnings)


def _outcome(case: Case) -> str:
    return case.outcome
