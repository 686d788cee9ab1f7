"""A small, fixed set of cases built through the real workflow, with explicit times.

Report month: October 2026 (today 2026-11-22). Every figure asserted in ``test_stats.py`` is worked out
by hand from the table below; the comments there show the arithmetic.

====  ==========  ==========================================================================================
case  received    path (dates 2026 unless noted)
====  ==========  ==========================================================================================
A     10-12       unit 鑫达运输, C06, 窗口来访, 新关镇; triage 低 10-12 (lead 税务); decide 10-13; notify 10-14;
                  follow-up 10-20 满意 → closed 10-20
B     10-13       person 李建国 representing 17 workers (→ MASS), C03+C09, 12345热线, 新关镇, ¥86,400;
                  triage 中 10-13 co 人社 (coordinator → 综治中心); 人社 opinion 10-22 (due 10-20, late);
                  decide 11-05 (after the month)
C     10-14       person 王秀兰, C07, 信访, 天峰坪镇, ¥120,000 (→ LARGE); triage 高 10-19 (due 10-15, late)
                  → 专案报批, approval due 10-22 never given (→ overdue, stuck); same person as F (→ REPEAT)
D     10-26       person 张红梅 灵活就业, C07, 舆情监测 (→ PUBLIC_OPINION), 老营镇; triage 低 10-26 lead 医保;
                  direct handling due 11-02 (→ due soon on 10-31)
E     09-07       worker 刘志强 v. 顺通建筑, C09, 网格员, 万家寨镇; triage 中 co 人社; opinion 09-09; decide 09-15;
                  enforcement E1 09-16, E2 10-09, paid 10-20 ¥10,175.00 (principal 10,000.00 for 202608,
                  late fee 35 days × 0.05% = 175.00); closed 10-21
F     09-21       person 王秀兰 (same ID as C), C06, 12366热线, 新关镇; triage 低 09-21; decide 09-22; notify 09-23;
                  follow-up 10-10 不满意, 复议 filed 10-10; outcome 维持原处理意见 10-28 → closed 10-28
G     2025-10-15  person 赵永刚, C04, 窗口来访, 新关镇; triage 低; decide; notify 10-16; follow-up 10-20 满意 → closed
====  ==========  ==========================================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from casefile import workflow as wf
from factories import form

ACTOR = "王晓梅"
TODAY = datetime.fromisoformat("2026-11-22T10:00:00+08:00")


def t(text: str) -> datetime:
    """``"10-12 09:00"`` (2026) or ``"2025-10-15 09:00"`` → aware datetime."""
    if len(text.split(" ")[0]) == 5:
        text = f"2026-{text}"
    return datetime.fromisoformat(text.replace(" ", "T") + ":00+08:00")


def step(ws: Any, cid: str, when: str, fn: Callable[[wf.Step], str]) -> None:
    wf.run(ws, cid, t(when), ACTOR, fn)


def register(ws: Any, when: str, **changes: Any) -> str:
    data = form("intake-unit", received_at=t(when).isoformat(), channel_ref=None, attachments=[], **changes)
    for key, value in list(data.items()):
        if value is None:
            del data[key]
    return wf.register(ws, data, t(when), ACTOR).case_id


def person(name: str, id_number: str | None = None, **extra: Any) -> dict[str, Any]:
    p: dict[str, Any] = {"kind": "person", "name": name, **extra}
    if id_number:
        p["id_number"] = id_number
    return p


def unit(name: str, code: str) -> dict[str, Any]:
    return {"kind": "unit", "name": name, "credit_code": code, "legal_rep": "赵志刚", "address": "偏关县新关镇"}


PLACE = {n: {"name": f"偏关县{n}", "code": "140932"} for n in ("新关镇", "天峰坪镇", "老营镇", "万家寨镇")}
WANG = "150525199003071233"  # 王秀兰: complainant in F and C


def build(ws: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    common = {"periods": ["202608"], "insurance_types": ["基本养老"], "amounts": {}}

    # G — October 2025, same month last year
    g = register(ws, "2025-10-15 09:00", channel="窗口来访", jurisdiction=PLACE["新关镇"],
                 applicant=person("赵永刚"), counterparty=None, categories=["C04"], claim="对缴费金额有异议。",
                 periods=["202508"], insurance_types=["基本养老"], amounts={})
    step(ws, g, "2025-10-15 10:00", lambda s: wf.triage(s, risk="低"))
    step(ws, g, "2025-10-16 09:00", lambda s: wf.decide(s, text="经核实，缴费金额无误。"))
    step(ws, g, "2025-10-16 10:00", lambda s: wf.notify(s))
    step(ws, g, "2025-10-20 10:00", lambda s: wf.followup(s, method="电话", respondent="赵永刚", satisfaction="满意"))
    ids["G"] = g

    # E — September, enforcement completed in October
    e = register(ws, "09-07 09:00", channel="网格员", jurisdiction=PLACE["万家寨镇"],
                 applicant=person("刘志强", "440524188001010014"),
                 counterparty=unit("偏关县顺通建筑安装工程有限公司", "52140932MJ00000009"),
                 categories=["C09"], claim="单位拖欠2026年8月养老保险费。", **common)
    step(ws, e, "09-07 10:00", lambda s: wf.triage(s, risk="中", co=["县人社局"]))
    step(ws, e, "09-09 10:00", lambda s: wf.record_opinion(s, "RSJ", "确认劳动关系，欠缴属实。", facts="劳动合同与工资发放记录一致"))
    step(ws, e, "09-15 10:00", lambda s: wf.decide(s, text="责令限期补缴。", basis=["社会保险法第六十三条"]))
    step(ws, e, "09-16 10:00", lambda s: wf.enforce_start(s, wf.parse_arrears(["基本养老,202608,10000.00,0"])))
    step(ws, e, "10-09 10:00", lambda s: wf.enforce_step(s, "E2"))
    step(ws, e, "10-20 10:00", lambda s: wf.enforce_paid(s, t("10-20 10:00").date(), Decimal("10175.00")))
    step(ws, e, "10-21 10:00", lambda s: wf.close(s))
    ids["E"] = e

    # F — September, follow-up with objection in October, 复议 concluded in October
    f = register(ws, "09-21 09:00", channel="12366热线", jurisdiction=PLACE["新关镇"], applicant=person("王秀兰", WANG),
                 counterparty=None, categories=["C06"], claim="对滞纳金加收有异议。", **common)
    step(ws, f, "09-21 10:00", lambda s: wf.triage(s, risk="低"))
    step(ws, f, "09-22 10:00", lambda s: wf.decide(s, text="滞纳金加收符合规定。"))
    step(ws, f, "09-23 10:00", lambda s: wf.notify(s))
    step(ws, f, "10-10 10:00", lambda s: wf.followup(s, method="电话", respondent="王秀兰", satisfaction="不满意",
                                                     objection=True, remedy="复议", body="国家税务总局忻州市税务局"))
    step(ws, f, "10-28 10:00", lambda s: wf.remedy(s, outcome="维持原处理意见"))
    ids["F"] = f

    # A — October, closed in October
    a = register(ws, "10-12 09:00", channel="窗口来访", jurisdiction=PLACE["新关镇"],
                 applicant=unit("偏关县鑫达运输有限公司", "91110108MA01ABCD1E"), counterparty=None,
                 categories=["C06"], claim="银行代扣失败产生滞纳金，要求核实。", **common)
    step(ws, a, "10-12 10:00", lambda s: wf.triage(s, risk="低"))
    step(ws, a, "10-13 10:00", lambda s: wf.decide(s, text="滞纳金加收符合规定。"))
    step(ws, a, "10-14 10:00", lambda s: wf.notify(s))
    step(ws, a, "10-20 10:00", lambda s: wf.followup(s, method="电话", respondent="孙立平", satisfaction="满意"))
    ids["A"] = a

    # B — October, joint handling, still open at the month end (the fixture form as it is: 17 workers)
    b = register(ws, "10-13 09:00", periods=["202401-202609"])
    step(ws, b, "10-13 10:00", lambda s: wf.triage(s, risk="中", co=["县人社局"]))
    step(ws, b, "10-22 10:00", lambda s: wf.record_opinion(s, "RSJ", "建议按实际工资核定缴费基数。",
                                                                     facts="申报基数低于实际工资"))
    step(ws, b, "11-05 10:00", lambda s: wf.decide(s, text="责令单位按实际工资补缴。"))
    ids["B"] = b

    # C — October, special case never approved
    c = register(ws, "10-14 09:00", channel="信访", jurisdiction=PLACE["天峰坪镇"], applicant=person("王秀兰", WANG),
                 counterparty=None, categories=["C07"], claim="申请退还多缴的社会保险费。",
                 periods=["202608"], insurance_types=["基本养老"], amounts={"refund": "120000.00"})
    step(ws, c, "10-19 10:00", lambda s: wf.triage(s, risk="高"))
    ids["C"] = c

    # D — October, public-opinion channel, direct handling by 医保 due 11-02
    d = register(ws, "10-26 09:00", channel="舆情监测", jurisdiction=PLACE["老营镇"],
                 applicant=person("张红梅", "11010519491231002X"), counterparty=None, payer_group="灵活就业",
                 categories=["C07"], claim="网络反映退费迟迟未到账。", periods=["202608"],
                 insurance_types=["基本医疗"], amounts={})
    step(ws, d, "10-26 10:00", lambda s: wf.triage(s, risk="低", lead="县医保局"))
    ids["D"] = d
    return ids
