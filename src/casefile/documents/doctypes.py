"""The document-type registry: everything casefile knows about each document D01–D32, in one place.

One :class:`DocType` per document type declares

- how it looks: ``layout`` (gongwen | letter | minutes | form | enforcement | agreement | report |
  register), ``landscape``, ``page_numbers``, and the GB/T 9704 rules it follows: ``numbered`` (takes a
  文号; 代字 key = type in casefile.toml ``[daizi]``), ``sealed`` (sealed 署名/成文日期 rule of §7.3.5.1,
  else the unsealed rule), ``remedy`` (carries a 救济途径 block iterating ``remedy``);
- whom it goes to: ``recipient`` (who, in words, for the template author; the value is ``doc.recipient``)
  and ``to_party`` (goes to a party, so a 送达回证 D22 accompanies it);
- what its ``deadline`` means (empty: the type does not use it);
- its typed fields: the document-specific names a template may use as ``{{ x.NAME }}``, each a
  :class:`FieldSpec` of kind str, list (of strings), rows (list of dicts with the given keys) or dict,
  with help text in Chinese for the template author (templates/README.md is generated from it). Everything
  else comes from the common context (office, doc, case, applicant, counterparty, deadline, remedy: see
  docs/architecture.md "Template context"). Values are display-ready strings; an empty string means
  "not known yet" and the template leaves a blank to fill in by hand;
- ``options``: the keys besides its fields that a caller may pass when issuing it (their meaning is in
  :data:`OPTION_HELP`);
- its place in the procedure: ``stage``; ``transitions`` and ``enforcement_steps`` (the steps that
  produce it, so the archive knows what a closed case must hold); ``supersedes`` (a new issue replaces
  the older one when a step is redone); ``waiver_checked`` (it agrees or decides something, so no
  sentence may waive 社会保险费 or 滞纳金); ``act_noun`` and ``not_suspended`` (the office's own act: how
  its 救济途径 names it, and whether a remedy suspends it);
- its place in the volume: ``volume`` (正卷/副卷; empty: never filed in the volume), ``file_group`` (its
  group in the result-first order), ``file_title`` (its name in the archive checklist), ``needs_proof``
  (the archive needs its 送达回证) and ``author`` (its 责任者 in the volume's index).

Its context builder (the function that fills ``x``, the recipient and the deadline from a case) is
registered per type in :mod:`casefile.documents.context` (``@fills``/``@recipient_of``/``@deadline_of``),
and a test checks that the two agree. This module is pure data: it imports nothing of casefile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "COLLECTION_DECISION",
    "COLLECTION_NOTICE",
    "DEMAND",
    "DOC_TYPES",
    "EXTENSION_NOTICE",
    "FEE_TABLE",
    "FILE_REGISTER",
    "MEETING_NOTICE",
    "MINUTES",
    "OPINION_NOTICE",
    "OPINION_REPLY",
    "OPINION_REQUEST",
    "OPTION_HELP",
    "PARTY_KEYS",
    "PAYMENT_ORDER",
    "REFERRAL_FORM",
    "REFUSAL_NOTICE",
    "RESULT_DOCUMENTS",
    "SERVICE_PROOF",
    "TRANSFER_FORM",
    "TYPICAL_CASE",
    "VISIT_RECORD",
    "VOLUME_CONTENTS",
    "VOLUME_COVER",
    "VOLUME_FORMS",
    "VOLUME_NOTES",
    "DocType",
    "FieldSpec",
    "doc_type",
    "produced_by",
    "types_where",
]

Kind = Literal["str", "list", "rows", "dict"]
Layout = Literal["gongwen", "letter", "minutes", "form", "enforcement", "agreement", "report", "register"]
Stage = Literal["intake", "handling", "enforcement", "service", "archive", "report"]
ZHENG, FU = "正卷", "副卷"


@dataclass(frozen=True)
class FieldSpec:
    """One ``x.NAME`` of a type: its shape and what to put there."""

    name: str
    kind: Kind
    help: str  # Chinese, for the template author
    keys: tuple[str, ...] = ()  # rows and dict: the keys of each item
    labels: tuple[str, ...] = ()  # their Chinese names, in the same order

    def describe(self) -> str:
        """The line of templates/README.md."""
        keys = "/".join(f"{k} {label}".strip() for k, label in zip(self.keys, self.labels, strict=True))
        if self.kind == "list":
            return f"列表，{self.help}"
        if self.kind == "rows":
            return f"列表，{self.help + '，' if self.help else ''}每项含 {keys}"
        if self.kind == "dict":
            return f"{self.help}（字典，键：{keys}）"
        return self.help


def text(name: str, help: str) -> FieldSpec:
    return FieldSpec(name, "str", help)


def texts(name: str, help: str) -> FieldSpec:
    return FieldSpec(name, "list", help)


def rows(name: str, help: str, /, **keys: str) -> FieldSpec:
    return FieldSpec(name, "rows", help, tuple(keys), tuple(keys.values()))


def mapping(name: str, help: str, /, **keys: str) -> FieldSpec:
    return FieldSpec(name, "dict", help, tuple(keys), tuple(keys.values()))


#: the keys of ``applicant``, ``counterparty`` and ``x.payer``
PARTY_KEYS = {"kind_label": "类别", "name": "名称", "id_label": "证件名称", "id_value": "证件号码",
              "address": "住所", "mobile": "手机", "phone": "电话", "legal_rep": "法定代表人",
              "represents": "代表", "you": "称谓，你或你单位"}

# Fields several enforcement documents share. ``x.payer`` is the 缴费人 the act is addressed to (the party
# named in ``case.enforcement``, the applicant or the counterparty); amounts are formatted "12,345.67", and
# an amount in 大写 has the suffix ``_upper`` (e.g. "壹万贰仟叁佰肆拾伍元陆角柒分").
PAYER = mapping("payer", "缴费人，键同 applicant", **PARTY_KEYS)
ARREARS = rows("arrears", "欠费明细", insurance_type="险种", period="所属期", headcount="人数", base="缴费基数",
               due="应缴", paid="已缴", owed="欠缴")
CONTACT = text("contact", "联系人姓名（电话取 office.phone）")

#: what each option a caller may pass when issuing a document means (which types take it: ``DocType.options``)
OPTION_HELP = {
    "deadline": "本文书的期限日期（覆盖按案件推算的 deadline）",
    "attachments": "附件名称列表",
    "copy_to": "抄送单位",
    "dept": "对方部门（代码或名称）",
    "reason": "拒不办理的理由",
    "service_of": "被送达文书的 doc_id（可为列表）",
    "recipient": "受送达人",
    "served_at": "送达日期（ISO 日期）",
    "step": "延期的时限步骤",
    "days": "延期天数",
    "meeting": "会议序号（从1起；默认最近一次）",
    "followup": "回访序号（从1起；默认最近一次）",
    "urge_index": "催办序号（从1起；默认最近一次）",
    "for_doc": "所附文书的 doc_id（默认最近的征收决定书或责令限期缴纳通知书）",
    "underlying_acts": "救济途径所针对的行为：tax/hrss/medical/labour/petition 列表",
    "recheck_body": "信访事项复查机关",
}
#: options every type takes
COMMON_OPTIONS = ("deadline", "attachments", "copy_to")


@dataclass(frozen=True)
class DocType:
    type: str  # "D17"
    title: str  # 社会保险费责令限期缴纳通知书
    layout: Layout
    stage: Stage
    numbered: bool = False
    remedy: bool = False
    sealed: bool = False
    to_party: bool = False
    recipient: str = ""  # who doc.recipient is, in words ("" = no 主送)
    deadline: str = ""  # what ``deadline`` means for this type ("" = not used)
    fields: tuple[FieldSpec, ...] = ()
    options: tuple[str, ...] = ()
    landscape: bool = False
    page_numbers: bool = True
    volume: str = ZHENG  # 正卷 | 副卷 | "" (not filed in the volume: the volume's own forms, typical cases)
    file_group: str = ""  # result | register | accept | enforcement | agreement | visit (result-first order)
    file_title: str = ""  # its name in the archive checklist, when that differs from the title
    needs_proof: bool = False  # the archive needs its 送达回证
    author: str = "office"  # 责任者 in the volume's index: office | department (the replying one) | mediator
    supersedes: bool = False
    waiver_checked: bool = False
    transitions: tuple[str, ...] = ()  # the transitions (T1–T25) that produce it
    enforcement_steps: tuple[str, ...] = ()  # the enforcement steps that produce it
    act_noun: str = ""  # the office's own act: "本通知", "本决定" …
    not_suspended: bool = False  # an enforceable decision: a remedy does not suspend it

    @property
    def x_fields(self) -> dict[str, str]:
        """x.NAME → its description (templates/README.md)."""
        return {f.name: f.describe() for f in self.fields}

    @property
    def field_specs(self) -> dict[str, FieldSpec]:
        return {f.name: f for f in self.fields}

    @property
    def templated(self) -> bool:
        """Made from a .docx template (the monthly report and the ledger are built in code)."""
        return self.layout not in ("report", "register")

    @property
    def listed_title(self) -> str:
        return self.file_title or self.title

    @property
    def coordinative(self) -> bool:
        """A 救济途径 that names the remedies against other agencies' acts, not against this document."""
        return self.remedy and not self.act_noun

    def takes_option(self, key: str) -> bool:
        return key in COMMON_OPTIONS or key in self.options


# Documents that other code names by their role (what it cites, what accompanies what), not by a property.
REFUSAL_NOTICE = "D03"  # 不予受理告知书
OPINION_REQUEST, OPINION_REPLY = "D04", "D05"  # 联办意见征求函 and the department's 书面意见回复单
REFERRAL_FORM = "D07"  # 职责不清事项报送单
TRANSFER_FORM = "D08"  # 转办单
MEETING_NOTICE, MINUTES = "D10", "D11"  # 会商会议通知, 会议纪要
OPINION_NOTICE = "D12"  # 处理意见告知书
EXTENSION_NOTICE = "D13"  # 延期办理告知书
VISIT_RECORD = "D14"  # 回访记录表
COLLECTION_NOTICE = "D16"  # 社会保险费征缴事项通知书
PAYMENT_ORDER = "D17"  # 责令限期缴纳通知书: cited by the decision, the instalment agreement and the fine referral
COLLECTION_DECISION = "D18"  # 征收决定书
FEE_TABLE = "D19"  # 滞纳金计算明细表: attached to the order and the decision
DEMAND = "D20"  # 催告书
SERVICE_PROOF = "D22"  # 送达回证: accompanies every document that goes to a party
VOLUME_COVER, VOLUME_CONTENTS, VOLUME_NOTES = "D25", "D26", "D27"  # 案卷封面, 卷内文件目录, 卷内备考表
VOLUME_FORMS = (VOLUME_COVER, VOLUME_CONTENTS, VOLUME_NOTES)  # made when the volume is bound
FILE_REGISTER = "D28"  # 归档文件目录
TYPICAL_CASE = "D29"  # 典型案例
#: the documents that state how a case ended, the first found wins (the 文号 an archive register shows)
RESULT_DOCUMENTS = (OPINION_NOTICE, COLLECTION_DECISION, REFUSAL_NOTICE)

DOC_TYPES: dict[str, DocType] = {
    d.type: d
    for d in (
        DocType(
            "D01", "争议事项受理登记表", "form", "intake",
            transitions=("T3",),
            file_group="register",
        ),
        DocType(
            "D02", "受理告知书", "gongwen", "intake",
            transitions=("T3",),
            numbered=True, sealed=True, to_party=True,
            recipient="申请人",
            deadline="预计办结日期",
            file_group="accept",
            fields=(
                text("handling", "办理方式（直接办理/联合办理/专案办理/报送办理）"),
                CONTACT,
            ),
        ),
        DocType(
            "D03", "不予受理告知书", "gongwen", "intake",
            transitions=("T2",),
            numbered=True, remedy=True, sealed=True, to_party=True,
            recipient="申请人",
            file_group="accept", file_title="不予受理（转办）告知书", needs_proof=True, options=("underlying_acts",
            "recheck_body"),
            fields=(
                text("reason", "不予受理的理由及依据"),
                text("competent_body", "有权处理的机关或法定途径受理机构名称"),
                text("competent_contact", "该机关的地址及联系电话"),
                text("transfer", "已书面移交的情况说明（可为空；为空则不印该段）"),
            ),
        ),
        DocType(
            "D04", "联办意见征求函", "letter", "intake",
            transitions=("T6",),
            numbered=True, sealed=True,
            recipient="被征求意见的部门（参数 dept；只有一个协办部门时为该部门）",
            deadline="回复期限",
            volume=FU, options=("dept",),
            fields=(
                texts("questions", "请对方部门答复的具体问题（字符串）"),
                CONTACT,
            ),
        ),
        DocType(
            "D05", "部门书面意见回复单", "form", "intake",
            author="department",
            transitions=("T6",),
            sealed=True,
            recipient="协调部门",
            volume=FU, waiver_checked=True, options=("dept",),
            fields=(
                text("dept", "回复部门"),
                text("request_wenhao", "来函（征求意见函）文号"),
                text("facts", "查明的事实"),
                text("opinion", "意见"),
                text("basis", "政策法律依据"),
                text("will_act", "是否由本部门直接办理及说明"),
                text("handler", "经办人（可为空，手签）"),
                text("head", "部门负责人（可为空，手签）"),
            ),
        ),
        DocType(
            "D06", "重大疑难事项报告单", "form", "intake",
            transitions=("T7",),
            numbered=True,
            recipient="领导小组办公室",
            volume=FU, file_title="重大疑难事项报告（专案报批）单",
            fields=(
                text("reason", "属于重大疑难事项的理由"),
                text("office_opinion", "领导小组办公室意见"),
                text("leader_opinion", "组长审批意见（可为空，手签）"),
                text("leader", "组长（可为空，手签）"),
                text("office_label", "审核机构名称（奈曼：领导小组办公室；偏关：联席会议办公室）"),
                text("leader_label", "审批人称谓（奈曼：组长；偏关：总召集人）"),
            ),
        ),
        DocType(
            "D07", "职责不清事项报送单", "form", "intake",
            transitions=("T9",),
            numbered=True, sealed=True,
            recipient="报送的机关（默认旗政府办）",
            deadline="承办反馈期限",
            volume=FU, file_title="报送单",
            fields=(
                text("reason", "职责不清的原因"),
                text("suggested_dept", "建议承办部门"),
                text("opinion", "受理部门意见"),
                text("ticket_no", "12345工单号（回填；可为空）"),
            ),
        ),
        DocType(
            "D08", "转办单", "form", "intake",
            transitions=("T5",),
            recipient="牵头部门（参数 dept 可另指定）",
            deadline="办理期限",
            volume=FU, options=("dept",),
            fields=(
                text("requirements", "办理要求"),
            ),
        ),
        DocType(
            "D09", "案件线索移交函", "letter", "intake",
            transitions=("T11",),
            numbered=True, sealed=True,
            recipient="纪检监察机关",
            volume=FU, options=("dept", "reason"),
            fields=(
                text("dept", "拒不办理的部门"),
                text("reported_date", "报送日期"),
                text("urged_dates", "催办日期（多次以、分隔）"),
                text("refusal", "拒不办理的情况及其理由"),
                texts("evidence", "证据材料（字符串）"),
            ),
        ),
        DocType(
            "D32", "催办函", "letter", "intake",
            numbered=True, sealed=True,
            volume=FU, options=("urge_index",),
            fields=(
                text("reported_date", "报送日期"),
                text("urge_date", "本次催办日期（照实登记，不推算）"),
                text("ordinal", "第几次催办（一、二……）"),
                text("text", "催办内容"),
            ),
        ),
        DocType(
            "D10", "会商会议通知", "gongwen", "handling",
            transitions=("T8",),
            numbered=True, sealed=True, recipient="参会单位（x.participants，部门用全称）",
            volume=FU, file_title="会商（联席）会议通知", options=("meeting",),
            fields=(
                text("convener", "召集单位（署名，如领导小组办公室）"),
                text("meeting_name", "会议名称"),
                text("meeting_time", "会议时间"),
                text("meeting_place", "会议地点"),
                text("host", "主持人"),
                texts("topics", "会议议题（字符串）"),
                texts("participants", "参会单位及人员（字符串）"),
                texts("materials", "需携带的材料（字符串）"),
                CONTACT,
            ),
        ),
        DocType(
            "D11", "会议纪要", "minutes", "handling",
            transitions=("T16",),
            numbered=True,
            volume=FU, waiver_checked=True, options=("meeting",),
            fields=(
                text("convener", "印发单位（如领导小组办公室）"),
                text("meeting_name", "会议名称（红色标志为“会议名称+纪要”）"),
                text("meeting_time", "会议时间"),
                text("meeting_place", "会议地点"),
                text("host", "主持人"),
                text("present", "出席人员（单位及姓名，以、分隔）"),
                text("attending", "列席人员（可为空）"),
                text("absent", "请假人员（可为空）"),
                texts("topics", "议题（字符串）"),
                rows("matters", "逐项研究情况", subject="事由", basis="政策依据", opinion="处理意见",
                     opinion_risk="舆情风险分析预估", review_risk="复议诉讼风险分析预估"),
                rows("decisions", "议定事项", text="事项", unit="责任单位", due="完成时限"),
            ),
        ),
        DocType(
            "D12", "处理意见告知书", "gongwen", "handling",
            transitions=("T17",),
            numbered=True, remedy=True, sealed=True, to_party=True,
            recipient="申请人",
            deadline="当事人应当履行的日期（出具时以参数 deadline 给出）",
            file_group="result", needs_proof=True, supersedes=True, waiver_checked=True,
            options=("underlying_acts", "recheck_body"),
            fields=(
                text("findings", "调查核实情况"),
                text("opinion", "处理意见"),
                texts("basis", "政策法律依据（字符串，每条一款）"),
                text("obligations", "各方应当履行的事项"),
                CONTACT,
            ),
        ),
        DocType(
            "D13", "延期办理告知书", "gongwen", "handling",
            numbered=True, sealed=True, to_party=True,
            recipient="申请人",
            deadline="延长后的办理期限",
            options=("step", "days"),
            fields=(
                text("reason", "延期理由"),
                text("old_deadline", "原办理期限"),
            ),
        ),
        DocType(
            "D14", "回访记录表", "form", "handling",
            transitions=("T19", "T20"),
            file_group="visit", options=("followup",),
            fields=(
                text("visit_date", "回访时间"),
                text("method", "回访方式（电话/网络/上门）"),
                text("visitor", "回访人"),
                text("respondent", "受访人"),
                text("content", "回访情况"),
                text("satisfaction", "满意度（满意/基本满意/不满意）"),
                text("objection", "是否有异议（是/否）"),
                text("remedy_kind", "已选择的救济途径（调解/复议/仲裁/诉讼/复查；可为空）"),
                text("remedy_body", "受理机关（可为空）"),
                text("remedy_date", "提出日期（可为空）"),
                text("remedy_status", "进展情况（可为空）"),
                text("suggestions", "意见建议"),
            ),
        ),
        DocType(
            "D15", "调解协议书", "agreement", "handling",
            author="mediator",
            transitions=("T13",),
            sealed=True,
            file_group="agreement", supersedes=True, waiver_checked=True,
            fields=(
                text("facts", "纠纷主要事实"),
                text("dispute", "争议事项"),
                text("responsibility", "各方责任"),
                texts("terms", "协议条款（字符串）"),
                text("performance", "履行方式和期限"),
                text("mediator", "调解员"),
                text("mediation_org", "调解组织"),
            ),
        ),
        DocType(
            "D16", "社会保险费征缴事项通知书", "enforcement", "enforcement",
            numbered=True, sealed=True, to_party=True,
            recipient="缴费人（x.payer）",
            deadline="缴纳期限",
            file_group="enforcement", needs_proof=True, supersedes=True, enforcement_steps=("E1",),
            act_noun="本通知",
            fields=(
                PAYER,
                text("facts", "事实（欠缴情况概述）"),
                text("duty_basis", "缴费义务的法律依据（按险种引用社会保险法条文，如“《中华人民共和国社会保险法》第十条、第六十条”）"),
                ARREARS,
                text("total_due", "应缴合计"),
                text("total_paid", "已缴合计"),
                text("total_owed", "欠缴合计（小写）"),
                text("total_owed_upper", "欠缴合计（大写）"),
                CONTACT,
            ),
        ),
        DocType(
            "D17", "社会保险费责令限期缴纳通知书", "enforcement", "enforcement",
            numbered=True, remedy=True, sealed=True, to_party=True,
            recipient="缴费人（x.payer）",
            deadline="责令缴纳的期限",
            file_group="enforcement", needs_proof=True, supersedes=True, enforcement_steps=("E2",),
            act_noun="本通知", not_suspended=True,
            fields=(
                PAYER,
                text("facts", "违法事实"),
                ARREARS,
                text("total_due", "应缴合计"),
                text("total_paid", "已缴合计"),
                text("total_owed", "欠缴合计（小写）"),
                text("total_owed_upper", "欠缴合计（大写）"),
                text("late_fee_start", "滞纳金起算日"),
                CONTACT,
            ),
        ),
        DocType(
            "D18", "社会保险费征收决定书", "enforcement", "enforcement",
            numbered=True, remedy=True, sealed=True, to_party=True,
            recipient="缴费人（x.payer）",
            deadline="决定的缴纳期限",
            file_group="result", needs_proof=True, supersedes=True, waiver_checked=True,
            enforcement_steps=("E3",), act_noun="本决定", not_suspended=True,
            fields=(
                PAYER,
                text("order_wenhao", "责令限期缴纳通知书文号"),
                text("facts", "查明的事实"),
                texts("evidence", "证据（字符串）"),
                ARREARS,
                text("total_owed", "应补缴社会保险费（小写）"),
                text("total_owed_upper", "应补缴社会保险费（大写）"),
                text("late_fee_until", "滞纳金计算截止日"),
                text("late_fee_total", "滞纳金（小写）"),
                text("late_fee_total_upper", "滞纳金（大写）"),
                text("grand_total", "合计（小写）"),
                text("grand_total_upper", "合计（大写）"),
                text("pay_method", "缴纳方式"),
            ),
        ),
        DocType(
            "D19", "滞纳金计算明细表", "enforcement", "enforcement",
            file_group="enforcement", supersedes=True, enforcement_steps=("E2", "E3"), options=("for_doc",),
            fields=(
                PAYER,
                text("for_doc", "所附文书名称及文号"),
                rows("fee_lines", "", insurance_type="险种", period="所属期", principal="欠缴本金",
                     due_date="缴费期限届满日", start="起算日", end="截止日", days="天数", rate="日费率", fee="滞纳金"),
                text("principal_total", "欠缴本金合计"),
                text("late_fee_total", "滞纳金合计（小写）"),
                text("late_fee_total_upper", "滞纳金合计（大写）"),
                text("handler", "经办人"),
                text("reviewer", "复核人"),
            ),
        ),
        DocType(
            "D20", "催告书", "enforcement", "enforcement",
            numbered=True, remedy=True, sealed=True, to_party=True,
            recipient="缴费人（x.payer）",
            deadline="催告的履行期限",
            file_group="enforcement", needs_proof=True, supersedes=True, enforcement_steps=("E5",),
            act_noun="本催告书",
            fields=(
                PAYER,
                text("decision_wenhao", "征收决定书文号"),
                text("decision_date", "征收决定书送达日期"),
                text("decision_pay_by", "征收决定书规定的缴纳期限（已届满的那一日）"),
                text("late_fee_note", "决定作出后继续加收的滞纳金说明（可为空；不计入本次金额）"),
                text("total_owed", "社会保险费（小写）"),
                text("total_owed_upper", "社会保险费（大写）"),
                text("late_fee_total", "滞纳金（小写）"),
                text("late_fee_total_upper", "滞纳金（大写）"),
                text("grand_total", "合计（小写）"),
                text("grand_total_upper", "合计（大写）"),
                text("pay_method", "履行方式（给付方式）"),
            ),
        ),
        DocType(
            "D21", "强制执行申请书", "enforcement", "enforcement",
            numbered=True, sealed=True,
            recipient="人民法院",
            file_group="enforcement", supersedes=True, enforcement_steps=("E6",),
            fields=(
                PAYER,
                text("decision_wenhao", "征收决定书文号"),
                text("decision_date", "征收决定书送达日期"),
                text("facts", "决定认定的事实和理由"),
                text("basis", "决定的法律依据"),
                text("party_views", "当事人的意见（陈述申辩情况）"),
                text("demand_wenhao", "催告书文号"),
                text("demand_date", "催告书送达日期"),
                text("total_owed", "申请执行的社会保险费（小写）"),
                text("late_fee_total", "申请执行的滞纳金（小写）"),
                text("grand_total", "申请执行标的合计（小写）"),
                text("grand_total_upper", "申请执行标的合计（大写）"),
                text("head", "机关负责人"),
            ),
        ),
        DocType(
            "D22", "送达回证", "enforcement", "service",
            sealed=True,
            recipient="受送达人（参数 recipient）",
            options=("service_of", "recipient", "served_at"),
            fields=(
                rows("served", "送达文书", title="文书名称", wenhao="文号"),
                text("place", "送达地点"),
                text("method", "送达方式（直接/留置/委托/邮寄/公告/电子）"),
                text("server", "送达人"),
                text("note", "备注（可为空）"),
            ),
        ),
        DocType(
            "D23", "延期缴费协议", "agreement", "enforcement",
            numbered=True, sealed=True,
            recipient="缴费人（x.payer）",
            deadline="最后一期的缴纳期限",
            file_group="enforcement", supersedes=True, waiver_checked=True, enforcement_steps=("E4",),
            fields=(
                PAYER,
                text("order_wenhao", "责令限期缴纳通知书文号"),
                text("total_owed", "欠缴社会保险费（小写）"),
                text("total_owed_upper", "欠缴社会保险费（大写）"),
                text("late_fee_total", "滞纳金（小写）"),
                rows("schedule", "分期计划", due="缴纳期限", amount="金额", note="说明"),
                text("guarantee", "担保情况（担保人、担保方式、担保财产）"),
            ),
        ),
        DocType(
            "D24", "罚款线索移送函", "letter", "enforcement",
            numbered=True, sealed=True,
            recipient="作出罚款的部门（按欠费险种确定；参数 dept 可另指定）",
            volume=FU, supersedes=True, enforcement_steps=("E_FINE",), options=("dept",),
            fields=(
                PAYER,
                text("facts", "欠缴事实"),
                text("order_wenhao", "责令限期缴纳通知书文号"),
                text("order_date", "责令限期缴纳通知书送达日期"),
                text("pay_by", "责令缴纳期限届满日"),
                text("total_owed", "逾期仍未缴纳金额（小写）"),
                text("total_owed_upper", "逾期仍未缴纳金额（大写）"),
                text("proof", "逾期未缴纳的证明情况"),
                CONTACT,
            ),
        ),
        DocType(
            "D25", "案卷封面", "form", "archive",
            transitions=("T24",),
            volume="", page_numbers=False,
            fields=(
                text("fonds_name", "全宗名称"),
                text("fonds", "全宗号"),
                text("category", "类目名称"),
                text("file_title", "案卷题名"),
                text("date_range", "起止时间"),
                text("retention", "保管期限（永久/定期30年/定期10年）"),
                text("item_count", "件数"),
                text("page_count", "页数"),
                text("archive_no", "归档号"),
                text("dang_hao", "档号"),
                text("closed_date", "办结日期"),
                text("filer", "立卷人"),
            ),
        ),
        DocType(
            "D26", "卷内文件目录", "form", "archive",
            transitions=("T24",),
            volume="",
            fields=(
                text("dang_hao", "档号"),
                rows("entries", "", seq="序号", wenhao="文号", author="责任者", title="题名", date="日期", pages="页号",
                     note="备注"),
            ),
        ),
        DocType(
            "D27", "卷内备考表", "form", "archive",
            transitions=("T24",),
            volume="", page_numbers=False,
            fields=(
                text("dang_hao", "档号"),
                text("item_count", "件数"),
                text("page_count", "页数"),
                text("note", "本卷情况说明（缺损、修改、补充、移出等）"),
                text("filer", "立卷人"),
                text("checker", "检查人"),
                text("filed_date", "立卷时间"),
                text("checked_date", "检查时间"),
            ),
        ),
        DocType(
            "D28", "归档文件目录", "form", "archive",
            volume="", landscape=True,
            fields=(
                text("fonds_name", "全宗名称"),
                text("year", "年度"),
                text("retention", "保管期限"),
                rows("entries", "", seq="序号", dang_hao="档号", wenhao="文号", author="责任者", title="题名",
                     date="日期（8位）", secret="密级", pages="页数", note="备注"),
            ),
        ),
        DocType(
            "D29", "典型案例", "gongwen", "archive",
            volume="",
            fields=(
                text("case_title", "案例标题"),
                text("case_no", "案例编号"),
                texts("summary", "案情简介的段落（已脱敏）"),
                texts("issues", "争议焦点（每项一段）"),
                texts("result", "处理结果的段落"),
                texts("basis", "法律依据（字符串）"),
                texts("lessons", "经验启示的段落"),
                text("keywords", "关键词（以、分隔）"),
                text("reviewer", "脱敏审核人"),
                text("approver", "发布审批人"),
                text("approved_date", "发布审批日期"),
            ),
        ),
        DocType(
            "D30", "月度综合分析报告", "report", "report",
            sealed=True,
        ),
        DocType(
            "D31", "工作台账", "register", "report",
        ),
    )
}


def doc_type(code: str) -> DocType:
    return DOC_TYPES[code]


def produced_by(step: str) -> tuple[str, ...]:
    """The types a transition (T…) or enforcement step (E…) produces, in registry order."""
    return tuple(t for t, d in DOC_TYPES.items() if step in d.transitions or step in d.enforcement_steps)


def types_where(**props: object) -> frozenset[str]:
    """The codes of the types whose properties have these values: ``types_where(stage="archive")``."""
    return frozenset(t for t, d in DOC_TYPES.items() if all(getattr(d, k) == v for k, v in props.items()))
