"""Case builders for the document tests: a fully populated case and, per document type, the least a
case can hold and still yield that document."""

from __future__ import annotations

import io
import os
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from casefile.clock import TZ
from casefile.documents.doctypes import DOC_TYPES
from casefile.models.case import Case
from casefile.models.enums import (
    CaseClass,
    Category,
    Channel,
    EnforcementStep,
    InsuranceType,
    PartyKind,
    PayerGroup,
    RemedyKind,
    Retention,
    Risk,
    Satisfaction,
    State,
)
from casefile.models.party import Party
from casefile.models.records import (
    AgreedItem,
    ArchiveInfo,
    ArrearsLine,
    Deadline,
    Decision,
    DocumentRecord,
    Enforcement,
    EnforcementEvent,
    EvidenceRecord,
    Extension,
    FollowUp,
    Jurisdiction,
    Mediation,
    Meeting,
    Opinion,
    Referral,
    Remedy,
    Service,
    TypicalInfo,
    Urge,
)

NOW = datetime(2026, 5, 8, 10, 30, tzinfo=TZ)
CASE_ID = "SBZY-140932-2026-0001"
TEMPLATE_TYPES = [t for t, s in DOC_TYPES.items() if s.templated]
HOSTILE = "<&\"'{{ x }}{% if %}{_{ y }_}𠮷䶮〇"


#: a typical-case write-up as the library stores it (Markdown sections, one of them a list)
TYPICAL_DRAFT = """# 某建材公司少报缴费基数争议联合处置案

## 案情简介

某公司按最低缴费基数为17名职工申报养老保险和失业保险，职工反映实际工资约为申报基数的两倍。

受理部门登记后，会同人社部门核实工资发放记录。

## 争议焦点

1. 缴费基数应按实际工资还是按申报数核定。
2. 欠缴费款的核定与征收主体。

## 处理结果

该公司在责令期限内补缴社会保险费及滞纳金。

## 法律依据

- 《中华人民共和国社会保险法》第六十条、第六十三条

## 经验启示

工资发放记录是核定缴费基数的**关键证据**。

## 关键词

缴费基数、联合处置
"""


def _deadline(step: str, label: str, start: date, due: date, dept: str | None = None) -> Deadline:
    return Deadline(step=step, label=label, start=start, n=5, unit="working_days", base_due=due, due=due, dept=dept)


def _doc(doc_id: str, doc_type: str, wenhao: str | None, recipient: str) -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id, doc_type=doc_type, title=DOC_TYPES[doc_type].title, wenhao=wenhao, serial=1, year=2026,
        file=f"documents/{doc_id}-{doc_type}.docx", sha256="0" * 64, template_sha256="0" * 64,
        data_file=f"documents/{doc_id}-{doc_type}.data.json", issued_at=datetime(2026, 2, 1, 9, tzinfo=TZ),
        issued_by="王晓梅", recipient=recipient,
    )


def applicant() -> Party:
    return Party(kind=PartyKind.PERSON, name="李建国", id_number="140932198512310043", mobile="13834561234",
                 address="偏关县新关镇东大街12号", represents="山西晋北建材有限公司职工17人")


def employer() -> Party:
    return Party(kind=PartyKind.UNIT, name="山西晋北建材有限公司", credit_code="91150525MA0Q12345U",
                 legal_rep="赵志刚", address="偏关县工业园区3号", phone="0350-7521111", mobile="13900001111")


def base_case(**changes: Any) -> Case:
    """The fields every case has (受理登记) and nothing more."""
    data: dict[str, Any] = dict(
        id=CASE_ID, number="偏税社争〔2026〕1号", year=2026, seq=1, profile="pianguan", state=State.REGISTERED,
        channel=Channel.WINDOW, received_at=datetime(2026, 1, 5, 9, 40, tzinfo=TZ), first_handler="王晓梅",
        intake_dept="SW", coordinator_dept="SW", jurisdiction=Jurisdiction(name="偏关县新关镇", code="140932"),
        applicant=Party(kind=PartyKind.PERSON, name="张三", id_number="140932199001010019"),
        payer_group=PayerGroup.PERSON, categories=[Category.C10], claim="反映社会保险费缴纳问题。",
    )
    data.update(changes)
    return Case(**data)


def arrears_lines() -> list[ArrearsLine]:
    return [
        ArrearsLine(insurance_type="基本养老", period="202501", headcount=17, base=Decimal("4000.00"),
                    due=Decimal("12345.67"), paid=Decimal("0.00")),
        ArrearsLine(insurance_type="失业", period="202501", headcount=17, base=Decimal("4000.00"),
                    due=Decimal("10000.00"), paid=Decimal("0.00")),
        ArrearsLine(insurance_type="基本养老", period="202502", headcount=17, base=Decimal("4000.00"),
                    due=Decimal("12345.67"), paid=Decimal("2345.67")),
    ]


def full_case() -> Case:
    """A case with every record a document can draw on."""
    d0 = date(2026, 1, 5)
    case = base_case(
        state=State.ENFORCEMENT, channel=Channel.HOTLINE_12345, channel_ref="GD20260105-0417",
        applicant=applicant(), counterparty=employer(), payer_group=PayerGroup.UNIT,
        categories=[Category.C03, Category.C09], insurance_types=[InsuranceType.PENSION, InsuranceType.UNEMPLOYMENT],
        periods=["202401-202509"], amounts={"claimed_arrears": Decimal("86400.00"), "late_fee": Decimal("1680.32")},
        claim="反映人称山西晋北建材有限公司自2024年1月起按最低缴费基数为17名职工申报养老保险和失业保险，\n实际工资约为申报基数的两倍，要求补缴。",
        attachments=["工资条照片（2026年7-9月）", "劳动合同复印件"], case_class=CaseClass.GENERAL, risk=Risk.MEDIUM,
        lead_dept="SW", co_depts=["RSJ", "YBJ"], triage_note="涉及17名职工，劳动关系需人社部门确认",
        deadlines=[
            _deadline("joint_decision", "联办事项形成处理意见", d0, date(2026, 1, 26)),
            _deadline("opinion", "县人社局书面意见", d0, date(2026, 1, 12), dept="RSJ"),
            _deadline("referral_reply", "承办部门反馈", d0, date(2026, 1, 12)),
            _deadline("direct", "直接办理", d0, date(2026, 1, 12)),
            _deadline("hard_ceiling", "办理总时限", d0, date(2026, 3, 6)),
        ],
        redirect={"to": "偏关县劳动人事争议仲裁委员会", "reason": "该事项属于劳动争议，应通过仲裁途径解决。",
                  "contact": "偏关县新关镇府前街5号，0350-7520000", "transfer": "本机关已于当日将有关材料书面移交该机构。"},
        special_approval={"approved_by": "刘组长", "reason": "涉及群体性诉求", "office_opinion": "建议成立专案"},
        opinions=[Opinion(dept="RSJ", requested_at=d0, due=date(2026, 1, 12), request_doc=f"{CASE_ID}-D04-01",
                          received_at=date(2026, 1, 10), text="经核实，17名职工与该公司存在劳动关系。",
                          basis="《社会保险法》第五十八条", will_act=False, handler="孙经办")],
        meetings=[Meeting(title="会商会议（偏税社争〔2026〕1号）", scheduled_at=datetime(2026, 1, 15, 9, 0, tzinfo=TZ),
                          place="县税务局三楼会议室", host="刘组长", topics=["研究补缴方案", "舆情应对"],
                          participants=["县人社局", "县医保局"], materials="欠费明细表",
                          held_at=datetime(2026, 1, 15, 9, 5, tzinfo=TZ), attendees=["县税务局王某", "县人社局孙某"],
                          observers=["县司法局周某"], absent=["县医保局钱某"], summary="企业少报缴费基数属实。",
                          policy_basis="《社会保险法》第六十条", opinion="责令企业限期补缴。",
                          public_opinion_risk="较低", litigation_risk="企业可能申请复议",
                          items=[AgreedItem(text="责令限期补缴", unit="县税务局", due=date(2026, 2, 15))])],
        referral=Referral(sent_at=datetime(2026, 1, 6, 10, tzinfo=TZ), to="县政府办", reason="职责交叉",
                          suggested_dept="RSJ", hotline_ref="12345-0001", reply_due=date(2026, 1, 13),
                          handling_dept="RSJ", refusals=[{"dept": "RSJ", "reason": "称不属本部门职责",
                                                          "at": "2026-01-14T10:00:00+08:00",
                                                          "urged_at": "2026-01-12",
                                                          "evidence": ["职责不清事项报送单", "催办记录"]}],
                          urges=[Urge(on=date(2026, 1, 12), dept="RSJ", text="电话催办，要求三日内反馈",
                                      recorded_at=datetime(2026, 1, 12, 16, tzinfo=TZ))]),
        mediation=Mediation(started_at=datetime(2026, 1, 20, 9, tzinfo=TZ), mediator="周调解",
                            organisation="偏关县人民调解委员会", agreed=True,
                            terms=["公司于2026年3月31日前为17名职工补办参保登记", "公司按实际工资申报缴费基数"],
                            performance="分两期履行"),
        decision=Decision(text="责令山西晋北建材有限公司按实际工资补缴社会保险费。", findings="申报基数低于实际工资属实。",
                          basis=["《中华人民共和国社会保险法》第六十条", "《中华人民共和国社会保险法》第六十三条"],
                          obligations="公司应于2026年2月28日前补缴。", decided_at=datetime(2026, 1, 25, 16, tzinfo=TZ)),
        followups=[FollowUp(at=datetime(2026, 2, 10, 15, tzinfo=TZ), method="电话", by="王晓梅", respondent="李建国",
                            satisfaction=Satisfaction.BASIC, objection=True, remedy=RemedyKind.REVIEW,
                            suggestions="希望加快进度")],
        remedies=[Remedy(kind=RemedyKind.REVIEW, body="国家税务总局忻州市税务局", filed_at=date(2026, 2, 12))],
        extensions=[Extension(step="hard_ceiling", days=15, reason="需等待劳动关系认定结果", approver="刘局长",
                              at=datetime(2026, 2, 20, 9, tzinfo=TZ))],
        evidence=[EvidenceRecord(ev_id="E01", original_name="IMG_20260106_0930.pdf", slot="工资发放记录", pages=3,
                                 file="evidence/E01.pdf",
                                 sha256="0" * 64, size=1, received_at=datetime(2026, 1, 6, tzinfo=TZ), source="收件",
                                 text_status="ok")],
        enforcement=Enforcement(
            step=EnforcementStep.E5, started_at=datetime(2026, 3, 1, 9, tzinfo=TZ), respondent="山西晋北建材有限公司",
            arrears=arrears_lines(), pay_by=date(2026, 5, 23),
            history=[EnforcementEvent(step=EnforcementStep.E2, at=datetime(2026, 3, 20, tzinfo=TZ),
                                      pay_by=date(2026, 4, 4))],
            decided_principal=sum((a.owed for a in arrears_lines()), Decimal("0.00")),
            decided_late_fee=Decimal("1234.56"), decided_fee_until=date(2026, 4, 9),
            decision_pay_by=date(2026, 4, 24), head="赵振华", party_views="当事人未在期限内提出陈述、申辩。",
            schedule=[{"due": "2026-06-30", "amount": "10,000.00", "note": "第一期"}],
            guarantee="由晋北建材集团提供连带责任保证",
        ),
        documents=[
            _doc(f"{CASE_ID}-D04-01", "D04", "偏税社函〔2026〕3号", "县人社局"),
            _doc(f"{CASE_ID}-D17-01", "D17", "偏税社限缴〔2026〕7号", "山西晋北建材有限公司"),
            _doc(f"{CASE_ID}-D18-01", "D18", "偏税社征决〔2026〕2号", "山西晋北建材有限公司"),
            _doc(f"{CASE_ID}-D20-01", "D20", "偏税社催〔2026〕1号", "山西晋北建材有限公司"),
        ],
        services=[Service(doc_id=f"{CASE_ID}-D17-01", recipient="山西晋北建材有限公司", served_at=date(2026, 3, 21)),
                  Service(doc_id=f"{CASE_ID}-D18-01", recipient="山西晋北建材有限公司", served_at=date(2026, 4, 10),
                          place="公司办公室"),
                  Service(doc_id=f"{CASE_ID}-D20-01", recipient="山西晋北建材有限公司", served_at=date(2026, 4, 28))],
        archive=ArchiveInfo(dang_hao="J001-SBZY·2026-Y-0001", fonds="J001", year=2026, retention=Retention.PERMANENT,
                            jian_hao=1, archived_at=datetime(2026, 4, 30, tzinfo=TZ), filer="档案员", checker="复核员",
                            bag="bag", pages=36),
        typical=TypicalInfo(selected=True, draft=TYPICAL_DRAFT, reviewer="审核员",
                            approver="批准人", approved_at=datetime(2026, 5, 1, tzinfo=TZ), published_id="DX-2026-01"),
        closed_at=datetime(2026, 4, 29, tzinfo=TZ),
    )
    return case


def minimal_case(doc_type: str) -> Case:
    """The least a case can hold and still produce ``doc_type``."""
    d0 = date(2026, 1, 5)
    one_line = [ArrearsLine(insurance_type="基本养老", period="202503", due=Decimal("1000.00"))]
    enforcement = Enforcement(started_at=datetime(2026, 3, 1, tzinfo=TZ), respondent="张三", arrears=one_line)
    needs: dict[str, dict[str, Any]] = {
        "D03": {"redirect": {"to": "县仲裁委", "reason": "属于劳动争议"}},
        "D05": {"opinions": [Opinion(dept="RSJ", requested_at=d0, due=d0, text="同意")]},
        "D06": {"triage_note": "涉及职工人数众多，存在舆情风险"},
        "D07": {"referral": Referral(sent_at=datetime(2026, 1, 6, tzinfo=TZ), to="县政府办", reason="职责不清")},
        "D08": {"lead_dept": "RSJ"},
        "D32": {"referral": Referral(sent_at=datetime(2026, 1, 6, tzinfo=TZ), to="县政府办", reason="职责不清",
                                     urges=[Urge(on=date(2026, 1, 12), text="请尽快办理",
                                                 recorded_at=datetime(2026, 1, 12, tzinfo=TZ))])},
        "D09": {"referral": Referral(sent_at=datetime(2026, 1, 6, tzinfo=TZ), to="县政府办", reason="职责不清",
                                     refusals=[{"dept": "RSJ", "reason": "不予办理", "evidence": ["报送单"]}])},
        "D10": {"meetings": [Meeting(title="会商会议", scheduled_at=datetime(2026, 1, 15, 9, tzinfo=TZ), place="会议室",
                                     host="县税务局副局长刘某")]},
        "D11": {"meetings": [Meeting(title="会商会议", scheduled_at=datetime(2026, 1, 15, 9, tzinfo=TZ), place="会议室",
                                     host="县税务局副局长刘某", held_at=datetime(2026, 1, 15, 9, tzinfo=TZ))]},
        "D12": {"decision": Decision(text="维持原核定。", decided_at=datetime(2026, 1, 25, tzinfo=TZ))},
        "D13": {"extensions": [Extension(step="hard_ceiling", days=10, reason="需补充材料", approver="局长",
                                         at=datetime(2026, 2, 1, tzinfo=TZ))],
                "deadlines": [_deadline("hard_ceiling", "办理总时限", d0, date(2026, 3, 16))]},
        "D14": {"followups": [FollowUp(at=datetime(2026, 2, 10, tzinfo=TZ), method="电话", by="王晓梅", respondent="张三",
                                       satisfaction=Satisfaction.SATISFIED)]},
        "D15": {"mediation": Mediation(started_at=datetime(2026, 1, 20, tzinfo=TZ), mediator="周调解", terms=["按期补缴"])},
        "D22": {"documents": [_doc(f"{CASE_ID}-D12-01", "D12", "偏税社告〔2026〕1号", "张三")]},
        "D25": {"archive": ArchiveInfo(dang_hao="J001-SBZY·2026-Y-0001", fonds="J001", year=2026,
                                       retention=Retention.D30, jian_hao=1, archived_at=datetime(2026, 4, 30, tzinfo=TZ),
                                       filer="档案员", checker="复核员", bag="bag")},
        "D29": {"typical": TypicalInfo(draft=TYPICAL_DRAFT)},
    }
    for t in ("D26", "D27", "D28"):
        needs[t] = needs["D25"]
    # what the real steps record before issuing: E1/E2 a pay-by date, E3 also the decision's own
    ordered = enforcement.model_copy(update={"pay_by": date(2026, 3, 16)})
    for t in ("D16", "D17", "D19", "D24"):
        needs[t] = {"enforcement": ordered}
    needs["D18"] = {"enforcement": ordered.model_copy(update={"decision_pay_by": date(2026, 3, 16)})}
    decided = enforcement.model_copy(update={
        "decided_principal": Decimal("1000.00"), "decided_late_fee": Decimal("0.00"),
        "decided_fee_until": date(2026, 4, 9), "decision_pay_by": date(2026, 4, 24)})
    needs["D20"] = {"enforcement": decided.model_copy(update={"pay_by": date(2026, 5, 8)}),  # E5 sets its own
                    "documents": [_doc(f"{CASE_ID}-D18-01", "D18", "偏税社征决〔2026〕2号", "张三")]}
    needs["D21"] = {"enforcement": decided.model_copy(update={"head": "局长", "party_views": "未提出陈述申辩。"})}
    needs["D23"] = {"enforcement": enforcement.model_copy(update={
        "schedule": [{"due": "2026-06-30", "amount": "1,000.00", "note": ""}], "guarantee": "保证人张四"})}
    return base_case(**needs.get(doc_type, {}))


#: extra the workflow passes per type (what a real call looks like)
WORKFLOW_EXTRA: dict[str, dict[str, Any]] = {
    "D04": {"dept": "RSJ"},
    "D05": {"dept": "RSJ"},
    "D08": {"dept": "RSJ"},
    "D09": {"dept": "RSJ", "reason": "称不属本部门职责"},
    "D13": {"step": "hard_ceiling", "days": 15, "reason": "需等待劳动关系认定结果"},
    "D22": {"service_of": f"{CASE_ID}-D17-01", "recipient": "山西晋北建材有限公司", "method": "直接送达",
            "place": "公司办公室", "served_at": "2026-03-21"},
    "D23": {"schedule": [{"due": "2026年6月30日", "amount": "10,000.00", "note": "第一期"},
                         {"due": "2026年7月31日", "amount": "22,345.67", "note": "第二期"}],
            "guarantee": "由晋北建材集团提供连带责任保证"},
}
MINIMAL_EXTRA: dict[str, dict[str, Any]] = {"D04": {"dept": "RSJ"},
                                             "D22": {"service_of": f"{CASE_ID}-D12-01", "place": "偏关县新关镇"}}


def pythonpath_env() -> dict[str, str]:
    """Environment for a child Python that imports this same casefile."""
    import casefile

    src = str(Path(casefile.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return env


def open_docx(data: bytes) -> Any:
    import docx

    return docx.Document(io.BytesIO(data))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


#: a ``{{ a.b.c }}`` tag that prints one field
TAG_RE = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)+)\s*\}\}")


def lookup(ctx: dict[str, Any], path: str) -> Any:
    """``lookup(ctx, "x.payer.name")``; None where the path does not exist."""
    node: Any = ctx
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def busy_case() -> Case:
    """``full_case`` with the data that fills a page: eight arrears lines of four insurance types over two
    months (D17, and eight itemised late-fee rows in D19), long names and addresses, three categories."""
    lines = [
        ArrearsLine(insurance_type=kind, period=period, headcount=117, base=Decimal("6850.00"), due=due,
                    paid=paid)
        for period in ("202411", "202412")
        for kind, due, paid in (("基本养老", Decimal("128254.40"), Decimal("20000.00")),
                                ("基本医疗", Decimal("72148.35"), Decimal("0.00")),
                                ("失业", Decimal("8015.96"), Decimal("0.00")),
                                ("工伤", Decimal("4008.00"), Decimal("1002.00")))
    ]
    case = full_case()
    assert case.enforcement is not None and case.counterparty is not None
    case.counterparty.name = case.enforcement.respondent = "山西晋北建材集团股份有限公司偏关分公司"
    case.counterparty.address = "山西省忻州市偏关县新关镇工业园区建材路3号综合办公楼二层"
    case.enforcement.arrears = lines
    case.applicant.name = "山西晋北建材集团股份有限公司偏关分公司职工李建国等17人"
    case.categories = [Category.C03, Category.C09, Category.C06]
    return case
