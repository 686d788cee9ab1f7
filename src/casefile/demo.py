"""A demo workspace: ~30 realistic cases walked through the real procedure over twelve months.

Every case is registered and moved with the same library calls the CLI uses, each step at its own
simulated time, so deadlines, overdue items, documents, journals and monthly figures are genuine.
The data are synthetic (valid check digits, invented names); nothing comes from real people.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from casefile import workflow
from casefile.app.flow import parse_instalments
from casefile.config import Workspace
from casefile.errors import CasefileError
from casefile.models.enums import State
from casefile.rules.ids import USCC_ALPHABET, id_check_char, uscc_check_char
from casefile.store import Dossier
from casefile.workspace import init_workspace

ACTORS = ["王晓梅", "张磊", "刘芳", "赵建军", "陈静"]
# The demo's staff, all on the OS account that builds the demo (pick one with --user or CASEFILE_USER).
DEMO_STAFF: list[dict[str, object]] = [
    {"name": "王晓梅", "dept": "SW", "roles": ["officer", "head"]},
    {"name": "张磊", "dept": "SW", "roles": ["officer"]},
    {"name": "刘芳", "dept": "SW", "roles": ["officer", "archivist"]},
    {"name": "赵建军", "dept": "RSJ", "roles": ["liaison", "archivist"]},
    {"name": "陈静", "dept": "SW", "roles": ["officer", "reader"]},
]
COMPANIES = [
    ("山西晋北建材有限公司", "赵志刚", "偏关县工业园区3号"),
    ("偏关县鑫达运输有限公司", "孙立平", "偏关县新关镇西关街18号"),
    ("偏关县黄河湾农业开发有限公司", "马玉兰", "偏关县天峰坪镇黄河路2号"),
    ("忻州市华瑞物业服务有限公司偏关分公司", "周海涛", "偏关县新关镇文化路9号"),
    ("偏关县万家寨煤炭运销有限公司", "郭振华", "偏关县万家寨镇煤运路1号"),
    ("偏关县老营古堡旅游开发有限公司", "韩晓东", "偏关县老营镇古堡街6号"),
    ("偏关县顺通建筑安装工程有限公司", "杨建平", "偏关县新关镇南环路22号"),
    ("偏关县惠民超市连锁有限公司", "李秀英", "偏关县新关镇东大街30号"),
]
PEOPLE = ["李建国", "王秀兰", "张红梅", "刘志强", "陈国庆", "杨丽娟", "赵永刚", "黄美玲", "周建华", "吴桂芝",
          "郑海燕", "孙国栋", "马俊峰", "朱晓燕", "胡志明", "郭丽华", "何建新", "高翠萍"]
PLACES = ["偏关县新关镇", "偏关县天峰坪镇", "偏关县老营镇", "偏关县万家寨镇", "偏关县水泉乡", "偏关县尚峪乡"]
CHANNELS = ["窗口来访", "12345热线", "12366热线", "信访", "网格员", "线上", "部门移送", "书信传真", "舆情监测"]

CLAIMS: dict[str, list[str]] = {
    "C06_LATE_FEE": [
        "反映人称{co}{period}社会保险费因银行代扣失败未能按期扣缴，税务部门加收滞纳金{amt}元，认为非本单位原因，要求减免滞纳金。",
        "对{period}养老保险费加收的滞纳金有异议，称已于缴费期限内提交缴费申请，系系统故障导致逾期。",
    ],
    "C03_BASE_DECL": [
        "反映{co}长期按最低缴费基数为职工申报社会保险费，实际工资约为申报基数的两倍，要求按实际工资补缴。",
        "职工反映{co}{period}缴费基数申报明显低于实际工资，要求核实缴费基数并补缴差额。",
    ],
    "C09_COLLECT_AUDIT_ARREARS": [
        "反映{co}自{period}起拖欠职工社会保险费，经催缴仍未缴纳，欠费金额约{amt}元，要求依法追缴。",
        "{co}对税务部门开展的社会保险费缴费检查结论有异议，认为部分人员系劳务关系，不应缴纳社会保险费。",
    ],
    "C07_REFUND": [
        "反映人{period}重复缴纳城乡居民医疗保险费{amt}元，申请退费已逾两个月未到账。",
        "{co}申请退还多缴的失业保险费{amt}元，对退费流程和复核时限有异议。",
    ],
    "C01_REG_TRANSFER": [
        "反映人从外省调入后养老保险关系转移接续受阻，转入地称缴费记录不完整，要求协调办理。",
    ],
    "C02_REG_INFO_SYNC": [
        "{co}已在人社部门办理参保登记，但税务征收系统未同步登记信息，导致无法申报缴费。",
    ],
    "C04_AMOUNT": [
        "反映人对{period}灵活就业人员养老保险缴费金额有异议，认为核定金额高于本人选择的缴费档次。",
    ],
    "C05_SPECIAL_ASSESS": [
        "对医保部门核定的特殊缴费（补缴）应征金额{amt}元有异议，认为计算年限有误。",
    ],
    "C08_BENEFIT": [
        "反映人退休后养老金待遇核定时视同缴费年限未予认定，要求重新核定。",
    ],
    "P1_NOT_ENROLLED": [
        "职工反映{co}入职两年未为其办理社会保险登记和缴费，要求单位补办参保并补缴。",
    ],
    "C10_OTHER": [
        "反映人称社会保险费缴费凭证打印内容与实际缴费不符，影响贷款办理，要求更正。",
    ],
}


@dataclass
class Plan:
    """How far one demo case goes, and its shape."""

    scenario: str
    category: str
    unit_applicant: bool
    channel: str
    age_days: int


def _uscc(rng: random.Random, region: str = "140932") -> str:
    body = "91" + region + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_char(body)


def _id_number(rng: random.Random, region: str = "140932") -> str:
    born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 14000))
    body = f"{region}{born:%Y%m%d}{rng.randint(10, 99)}{rng.randint(0, 9)}"
    return body + id_check_char(body)


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


SCENARIOS = [
    # (scenario, category, unit applicant?, channel) — the mix shown to a newcomer
    ("enforced_full", "C09_COLLECT_AUDIT_ARREARS", False, "12345热线"),
    ("enforced_paid", "C09_COLLECT_AUDIT_ARREARS", False, "网格员"),
    ("enforcement_open", "P1_NOT_ENROLLED", False, "信访"),
    ("direct_closed", "C06_LATE_FEE", True, "窗口来访"),
    ("direct_closed", "C07_REFUND", False, "12366热线"),
    ("direct_closed", "C04_AMOUNT", False, "线上"),
    ("direct_closed", "C06_LATE_FEE", True, "12366热线"),
    ("joint_closed", "C03_BASE_DECL", False, "12345热线"),
    ("joint_closed", "C07_REFUND", True, "部门移送"),
    ("joint_closed", "C02_REG_INFO_SYNC", True, "窗口来访"),
    ("special_closed", "C03_BASE_DECL", False, "舆情监测"),
    ("remedy_closed", "C09_COLLECT_AUDIT_ARREARS", True, "窗口来访"),
    ("remedy_open", "C05_SPECIAL_ASSESS", False, "书信传真"),
    ("mediated", "P1_NOT_ENROLLED", False, "网格员"),
    ("redirected", "C08_BENEFIT", False, "窗口来访"),
    ("direct_closed", "C01_REG_TRANSFER", False, "12345热线"),
    ("joint_closed", "C06_LATE_FEE", True, "12366热线"),
    ("direct_closed", "C10_OTHER", False, "线上"),
    ("joint_open_overdue", "C03_BASE_DECL", False, "12345热线"),
    ("joint_waiting", "C07_REFUND", False, "12366热线"),
    ("special_requested", "C09_COLLECT_AUDIT_ARREARS", False, "信访"),
    ("triage_overdue", "C06_LATE_FEE", True, "窗口来访"),
    ("triage_new", "C04_AMOUNT", False, "12345热线"),
    ("notified", "C06_LATE_FEE", True, "窗口来访"),
    ("decided", "C03_BASE_DECL", False, "部门移送"),
    ("direct_open", "C07_REFUND", False, "线上"),
    ("direct_closed", "C06_LATE_FEE", True, "12345热线"),
    ("joint_closed", "C09_COLLECT_AUDIT_ARREARS", True, "网格员"),
    ("direct_closed", "C07_REFUND", False, "12366热线"),
    ("direct_closed", "C03_BASE_DECL", False, "窗口来访"),
]


def _opinion(st: workflow.Step, *, dept: str, text: str) -> str:
    return workflow.record_opinion(st, dept, text, basis="《中华人民共和国社会保险法》第六十三条", will_act=dept == "SW",
                                   facts="经核查本部门业务系统记录，反映人所述参保缴费情况属实。")


def _respondent(party: Any) -> str:
    """Who answers a follow-up call: a person themself, a unit through its legal representative."""
    if party is None:
        return ""
    return str(party.legal_rep or party.name) if party.kind.value == "unit" or party.legal_rep else str(party.name)


class DemoBuilder:
    def __init__(self, ws: Workspace, now: datetime, rng: random.Random) -> None:
        self.ws, self.now, self.rng = ws, now, rng
        self.made: dict[str, list[str]] = {}
        self.extended = False  # one joint case asks for more time (D13), the first that can

    def staff(self, name: str) -> Any:
        """The configured staff member ``name`` as an Actor: two-person steps check roles and people."""
        from casefile.identity import find_staff

        entry = find_staff(self.ws, name)
        assert entry is not None, name
        return entry.actor()

    def extend(self, cid: str, at: datetime) -> bool:
        """延期办理 as two people do it: an officer asks (request_extension), the head grants it
        (approve_extension), which issues the 延期办理告知书 (D13)."""
        if not self.act_as(cid, at, "张磊", lambda st: workflow.request_extension(
                st, step="joint_decision", days=10,
                reason="人社部门需调取用人单位近三年工资台账并比对银行代发记录，联办综合处理意见须延期形成")):
            return False
        self.extended = self.act_as(cid, at + timedelta(hours=2), "王晓梅", workflow.approve_extension)
        return self.extended

    def act_as(self, case_id: str, at: datetime, who: str, action: Callable[[workflow.Step], str]) -> bool:
        if at > self.now:
            return False
        workflow.run(self.ws, case_id, at, self.staff(who), action)
        return True

    # -- helpers ------------------------------------------------------------------------------------
    def act(self, case_id: str, at: datetime, action: Callable[[workflow.Step], str]) -> bool:
        """Run one step at its simulated time; steps that would lie in the future are not taken."""
        if at > self.now:
            return False
        workflow.run(self.ws, case_id, at, self.rng.choice(ACTORS), action)
        return True

    def form(self, category: str, unit: bool, channel: str, received: datetime, repeat_of: dict[str, Any] | None) -> dict[str, Any]:
        rng = self.rng
        company, rep, address = rng.choice(COMPANIES)
        period_start = (received - timedelta(days=rng.randint(90, 700))).strftime("%Y%m")
        period_end = (received - timedelta(days=40)).strftime("%Y%m")
        amt = Decimal(rng.randint(800, 180000)) + Decimal(rng.randint(0, 99)) / 100
        claim = rng.choice(CLAIMS[category]).format(co=company, period=f"{period_start[:4]}年{int(period_start[4:])}月",
                                                    amt=f"{amt:,}")
        place = rng.choice(PLACES)
        if unit:
            applicant: dict[str, Any] = {"kind": "unit", "name": company, "credit_code": _uscc(rng),
                                         "legal_rep": rep, "address": address, "mobile": _mobile(rng)}
            counterparty = None
        else:
            name = rng.choice(PEOPLE)
            applicant = {"kind": "person", "name": name, "id_number": _id_number(rng), "mobile": _mobile(rng),
                         "address": f"{place}{rng.choice(['东', '西', '南', '北'])}街{rng.randint(1, 99)}号"}
            if rng.random() < 0.3:
                applicant["represents"] = f"{company}职工{rng.randint(3, 40)}人"
            counterparty = {"kind": "unit", "name": company, "credit_code": _uscc(rng), "legal_rep": rep,
                            "address": address}
        if repeat_of is not None:
            applicant = repeat_of
        data: dict[str, Any] = {
            "channel": channel, "received_at": received.isoformat(), "first_handler": rng.choice(ACTORS),
            "intake_dept": "县税务局", "jurisdiction": {"name": place, "code": "140932"},
            "applicant": applicant, "categories": [category],
            "insurance_types": rng.sample(["基本养老", "基本医疗", "失业", "工伤"], k=rng.randint(1, 2)),
            "periods": [f"{period_start}-{period_end}"], "amounts": {"disputed": str(amt)}, "claim": claim,
        }
        if channel in ("12345热线", "12366热线"):
            data["channel_ref"] = f"GD{received:%Y%m%d}-{rng.randint(1, 9999):04d}"
        if counterparty:
            data["counterparty"] = counterparty
        return data

    # -- one case ---------------------------------------------------------------------------------
    def make(self, scenario: str, category: str, unit: bool, channel: str, received: datetime,
             repeat_of: dict[str, Any] | None = None) -> str:
        rng = self.rng
        data = self.form(category, unit, channel, received, repeat_of)
        if scenario == "redirected":
            res = workflow.register(self.ws, data, received, data["first_handler"],
                                    redirect={"to": f"{self.ws.settings.dept_name('RSJ')}（待遇核定属人社部门职责）",
                                              "reason": "养老金待遇核定属社会保险经办机构职责，不属本机制受理范围"})
            return res.case_id
        res = workflow.register(self.ws, data, received, data["first_handler"])
        cid = res.case_id
        t = received + timedelta(hours=rng.randint(2, 20))
        if scenario == "triage_new":
            return cid
        if scenario == "triage_overdue":
            return cid
        risk = {"direct": "低", "joint": "中", "special": "高", "enforced": "低", "enforcement": "低", "remedy": "低",
                "mediated": "中", "notified": "低", "decided": "中"}.get(scenario.split("_")[0], "低")
        if not self.act(cid, t, lambda st: workflow.triage(
                st, risk=risk, note="涉及职工人数多、已有网络帖文，需多部门会商研判。" if risk == "高" else None)):
            return cid
        t += timedelta(days=rng.randint(1, 3))
        if risk == "中":
            if scenario == "joint_open_overdue":
                return cid
            case_depts = workflow.Dossier(self.ws, cid).load().co_depts
            answered = case_depts if scenario != "joint_waiting" else case_depts[:-1]
            if scenario == "joint_closed" and not self.extended:
                if not self.extend(cid, t):
                    return cid
                t += timedelta(days=rng.randint(6, 9))  # the opinions come in within the extended time
            for dept in answered:
                t += timedelta(days=rng.randint(1, 3))
                text = f"经核查，{self.ws.settings.dept_name(dept)}意见：反映情况基本属实，建议依法处理。"
                if not self.act(cid, t, partial(_opinion, dept=dept, text=text)):
                    return cid
            if scenario == "joint_waiting":
                return cid
            if scenario == "mediated":
                if not self.act(cid, t + timedelta(days=1), lambda st: workflow.mediate_start(st, "刘芳", "社保争议多元调解中心")):
                    return cid
                t += timedelta(days=rng.randint(3, 8))
                if not self.act(cid, t, lambda st: workflow.mediate_agree(st, [
                        "用人单位于签订本协议之日起三十日内为申请人补办社会保险登记，并依法足额补缴应缴社会保险费",
                        "用人单位一次性支付申请人因未参保造成的医疗费用损失人民币八千元"],
                        "用人单位于2个月内履行完毕")):
                    return cid
            else:
                t += timedelta(days=rng.randint(2, 6))
                if not self.act(cid, t, lambda st: workflow.decide(
                        st, text="经联办部门会商，认定反映情况属实，由县税务局依法责令用人单位限期补缴，人社部门同步核定缴费基数。",
                        findings="经人社、税务部门联合调查，用人单位申报缴费基数低于职工实际工资。",
                        basis=["《中华人民共和国社会保险法》第六十条", "《中华人民共和国社会保险法》第六十三条"])):
                    return cid
        elif risk == "高":
            if scenario == "special_requested":
                return cid
            t += timedelta(days=2)
            meet_at = (t + timedelta(days=3)).replace(hour=9, minute=30)
            if not self.act(cid, t, lambda st: workflow.schedule_meeting(
                    st, at=meet_at, place="县综治中心第一会议室", host="常务副县长 刘建新",
                    topics=["研究职工群体反映缴费基数申报不实问题", "研判舆情风险与信访稳定风险"], approved_by="刘建新",
                    kind="联席")):
                return cid
            if not self.act(cid, meet_at + timedelta(hours=3), lambda st: workflow.record_meeting(
                    st, attendees=["刘建新（常务副县长）", "县税务局 张磊", "县人社局 王敏", "县医保局 李军", "县信访局 赵刚"],
                    observers=["新关镇 马俊"], absent=["县司法局 孙莉（公务）"],
                    summary="职工17人反映用人单位长期按最低基数申报，网络已有相关帖文。",
                    opinion="由县税务局牵头开展缴费检查，人社部门核定缴费基数，责令用人单位限期补缴；网信办做好舆情引导。",
                    items=[], policy_basis="《中华人民共和国社会保险法》第六十条、第六十三条",
                    public_opinion_risk="已有网络帖文，若处置不及时存在舆情扩散风险。",
                    litigation_risk="用人单位可能对补缴决定申请复议，需确保事实清楚、程序合法。")):
                return cid
            t = meet_at + timedelta(days=2)
        else:
            if scenario == "direct_open":
                return cid
            t += timedelta(days=rng.randint(1, 4))
            if not self.act(cid, t, lambda st: workflow.decide(
                    st, text="经核查，反映情况属实，已依法予以处理，并向当事人说明政策依据。",
                    findings="经调取征收系统缴费记录核实。", basis=["《中华人民共和国社会保险法》第八十六条"])):
                return cid
        if scenario == "decided":
            return cid
        if scenario.startswith("enforce"):
            t += timedelta(days=1)
            if not self.act(cid, t, lambda st: workflow.notify(st)):
                return cid
            return self._enforce(cid, t, scenario)
        t += timedelta(days=rng.randint(1, 3))
        if not self.act(cid, t, lambda st: workflow.notify(st)):
            return cid
        if scenario == "notified":
            return cid
        t += timedelta(days=rng.randint(3, 9))
        if scenario.startswith("remedy"):
            if not self.act(cid, t, lambda st: workflow.followup(
                    st, method="电话", respondent=_respondent(st.case.applicant), satisfaction="不满意", objection=True,
                    remedy="复议",
                    body=self.ws.settings.office.superior_tax)):
                return cid
            if scenario == "remedy_open":
                return cid
            t += timedelta(days=rng.randint(40, 60))
            self.act(cid, t, lambda st: workflow.remedy(st, outcome="复议机关维持原处理决定"))
            return cid
        sat = rng.choice(["满意", "满意", "满意", "基本满意"])
        method = rng.choice(["电话", "网络", "上门"])
        self.act(cid, t, lambda st: workflow.followup(st, method=method, respondent=_respondent(st.case.applicant),
                                                       satisfaction=sat, party="申请人"))
        # 争议双方: the other party is followed up too before the case closes
        if Dossier(self.ws, cid).load().state is State.FOLLOW_UP:
            self.act(cid, t, lambda st: workflow.followup(
                st, method=method, respondent=_respondent(st.case.counterparty), satisfaction="满意",
                party="对方当事人"))
        return cid

    def _enforce(self, cid: str, t: datetime, scenario: str) -> str:
        rng = self.rng
        base = (t - timedelta(days=400)).replace(day=1)
        arrears = []
        for i in range(4):
            month = (base + timedelta(days=31 * i)).strftime("%Y%m")
            for ins, due in (("基本养老", Decimal("4680.00")), ("失业", Decimal("175.50"))):
                arrears.append(workflow.ArrearsLine(insurance_type=ins, period=month, due=due + i * 10,
                                                    paid=Decimal("0.00"), headcount=18, base=Decimal("3900.00")))
        t += timedelta(days=1)
        if not self.act(cid, t, lambda st: workflow.enforce_start(st, arrears)):
            return cid
        steps = ["E2", "E3"] if scenario != "enforced_full" else ["E2", "E3", "E_FINE", "E5", "E6", "E7"]
        if scenario == "enforcement_open":
            steps = ["E2"]
        total = sum((a.owed for a in arrears), Decimal("0.00"))
        first = (total / 2).quantize(Decimal("0.01"))
        if scenario == "enforced_paid":
            steps.append("E4")  # the employer cannot pay at once: a 延期缴费协议 with two instalments
        gaps = {"E2": 25, "E3": 25, "E4": 6, "E_FINE": 1, "E5": 190, "E6": 12, "E7": 9}
        for step in steps:
            t += timedelta(days=gaps[step])
            note = "法院裁定准予强制执行" if step == "E7" else None
            more: dict[str, Any] = {"head": "赵振华", "party_views": "被申请人在催告期间未提出陈述、申辩。"} \
                if step == "E6" else {}
            if step == "E4":
                more = {"schedule": parse_instalments([f"{(t + timedelta(days=20)).date()},{first},首期",
                                                       f"{(t + timedelta(days=50)).date()},{total - first},末期"]),
                        "guarantee": "由用人单位法定代表人提供连带责任保证，以单位名下运输车辆两台作抵押担保"}
            if not self.act(cid, t, partial(workflow.enforce_step, step=step, note=note, **more)):
                return cid
        if scenario == "enforcement_open":
            return cid
        if scenario == "enforced_paid":  # paid by the agreed instalments
            t += timedelta(days=19)
            if not self.act(cid, t, lambda st: workflow.enforce_paid(st, t.date(), principal=first)):
                return cid
            t += timedelta(days=30)
            if not self.act(cid, t, lambda st: workflow.enforce_paid(st, t.date(), principal=total - first)):
                return cid
        else:
            t += timedelta(days=rng.randint(5, 15))
            if not self.act(cid, t, lambda st: workflow.enforce_paid(st, t.date(), principal=total)):
                return cid
        t += timedelta(days=rng.randint(1, 5))
        if not self.act(cid, t, lambda st: workflow.enforce_paid(
                st, t.date(), late_fee=workflow.outstanding(st, t.date())[1], outcome="社会保险费和滞纳金已缴清")):
            return cid
        self.act(cid, t + timedelta(days=1), lambda st: workflow.close(st))
        return cid


def build_demo(directory: Path, *, now: datetime, count: int = 30, force: bool = False,
               quick: bool = False) -> Iterator[str]:
    """Build the demo workspace; yields progress lines for the CLI to print."""
    if directory.exists() and any(directory.iterdir()):
        if not force:
            raise CasefileError(f"目录 {directory} 已存在且不为空；如需重建演示工作区请加 --force。")
        shutil.rmtree(directory)
    from casefile.identity import os_login

    me = os_login()
    ws = init_workspace(directory, "pianguan", purpose="demo", staff=[{**s, "os_user": me} for s in DEMO_STAFF])
    yield f"演示工作区：{ws.root}（{ws.settings.office.name}）"
    yield (f"工作人员：{'、'.join(str(s['name']) for s in DEMO_STAFF)}（均可由本机账号 {me} 代表；"
           f"写入命令前请设置 CASEFILE_USER=姓名 或用 --user 姓名）")
    rng = random.Random(20261122)
    builder = DemoBuilder(ws, now, rng)
    plans = [SCENARIOS[i % len(SCENARIOS)] for i in range(count)]
    # Oldest first: the full enforcement ladder needs most of the year.
    ages = sorted((rng.randint(20, 330) for _ in plans), reverse=True)
    order = {"enforced_full": 345, "enforced_paid": 300, "triage_overdue": 6, "triage_new": 0,
             "joint_open_overdue": 30, "joint_waiting": 9, "special_requested": 4, "notified": 8, "decided": 5,
             "direct_open": 3, "remedy_open": 40, "enforcement_open": 25}
    repeat_person: dict[str, Any] | None = None
    ids: list[str] = []
    for (scenario, category, unit, channel), age in zip(plans, ages, strict=True):
        age = order.get(scenario, age)
        received = (now - timedelta(days=age)).replace(hour=9 + rng.randint(0, 7), minute=rng.choice([0, 15, 30, 45]),
                                                       second=0, microsecond=0)
        while received.weekday() >= 5:
            received -= timedelta(days=1)
        repeat = repeat_person if scenario in ("direct_closed", "triage_new") and repeat_person and rng.random() < 0.4 else None
        cid = builder.make(scenario, category, unit, channel, received, repeat)
        ids.append(cid)
        if repeat_person is None and not unit:
            repeat_person = workflow.Dossier(ws, cid).load().applicant.model_dump(mode="json", exclude_none=True)
    states: dict[str, int] = {}
    for cid in ids:
        s = workflow.Dossier(ws, cid).load().state
        states[s.label] = states.get(s.label, 0) + 1
    yield f"已生成 {len(ids)} 件案件：" + "，".join(f"{k}{v}件" for k, v in states.items())
    yield from _extras(ws, now, ids, quick)
    from casefile.demo_extras import naiman_example

    yield naiman_example(ws.root / "naiman", now - timedelta(days=2), me)
    yield f"完成。可以试试：casefile -w {ws.root} list；casefile -w {ws.root} due；casefile -w {ws.root} show {ids[0]}"


def _extras(ws: Workspace, now: datetime, ids: list[str], quick: bool) -> Iterator[str]:
    """Evidence scans, archiving, typical cases, the search index and last month's report."""
    from casefile.demo_extras import run_extras

    closed = [cid for cid in ids if workflow.Dossier(ws, cid).load().state is State.CLOSED]
    yield from run_extras(ws, now, ids, closed, quick)
