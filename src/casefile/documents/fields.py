"""The document catalogue D01–D31 as pure data (DOMAIN.md §3).

``DOC_TYPES[type]`` says how a document is laid out, whether it takes a 文号, a 救济途径 block,
a seal, and whether it goes to a party (then a 送达回证 D22 accompanies it).

``x_fields`` lists the document-specific names a template may use as ``{{ x.NAME }}``
(everything else comes from the common context: office, doc, case, applicant, counterparty,
deadline, remedy — see docs/architecture.md "Template context"). Values are display-ready
strings; a description that starts with "列表" is a list (of strings, or of dicts whose keys
are given in the description); "字典" is a dict of strings. An empty string means "not known yet"
and the template leaves a blank to fill in by hand.

Conventions shared by the enforcement documents (D16–D24):
- ``x.payer`` is the 缴费人 the act is addressed to (the party named in ``case.enforcement``;
  either the applicant or the counterparty). Keys are those of ``applicant``.
- ``x.arrears`` rows: insurance_type 险种, period 所属期, headcount 人数, base 缴费基数,
  due 应缴, paid 已缴, owed 欠缴 (amounts formatted "12,345.67").
- Amounts in 大写 carry the suffix ``_upper`` (e.g. "壹万贰仟叁佰肆拾伍元陆角柒分").

``deadline`` means, per type: D02 expected completion date; D04 reply due; D07 承办反馈期限;
D08 办理期限; D12 the date by which the parties must act; D13 the new (extended) deadline;
D16/D17 pay-by date (限期); D18 pay-by date; D20 履行期限; D23 the final instalment date.
Other types do not use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocSpec:
    type: str  # "D17"
    title: str  # 社会保险费责令限期缴纳通知书
    layout: str  # gongwen | letter | minutes | form | enforcement | agreement | report | register
    numbered: bool  # takes a 文号 (代字 key = type, casefile.toml [daizi])
    remedy: bool  # carries a 救济途径 block (iterates ``remedy``)
    sealed: bool  # sealed 署名/成文日期 rule of GB/T 9704 §7.3.5.1 (else the unsealed rule)
    to_party: bool  # goes to a party; a 送达回证 (D22) accompanies it
    x_fields: dict[str, str] = field(default_factory=dict)  # x.NAME -> Chinese description


_PAYER = "缴费人（字典，键同 applicant：kind_label/name/id_label/id_value/address/mobile/phone/legal_rep/represents）"
_ARREARS = "列表，欠费明细，每项含 insurance_type 险种/period 所属期/headcount 人数/base 缴费基数/due 应缴/paid 已缴/owed 欠缴"
_CONTACT = "联系人姓名（电话取 office.phone）"

DOC_TYPES: dict[str, DocSpec] = {
    d.type: d
    for d in (
        DocSpec("D01", "争议事项受理登记表", "form", False, False, False, False, {}),
        DocSpec(
            "D02", "受理告知书", "gongwen", True, False, True, True,
            {
                "handling": "办理方式（直接办理/联合办理/专案办理/报送办理）",
                "contact": _CONTACT,
            },
        ),
        DocSpec(
            "D03", "不予受理告知书", "gongwen", True, True, True, True,
            {
                "reason": "不予受理的理由及依据",
                "competent_body": "有权处理的机关或法定途径受理机构名称",
                "competent_contact": "该机关的地址及联系电话",
                "transfer": "已书面移交的情况说明（可为空；为空则不印该段）",
            },
        ),
        DocSpec(
            "D04", "联办意见征求函", "letter", True, False, True, False,
            {
                "questions": "列表，请对方部门答复的具体问题（字符串）",
                "contact": _CONTACT,
            },
        ),
        DocSpec(
            "D05", "部门书面意见回复单", "form", False, False, True, False,
            {
                "dept": "回复部门",
                "request_wenhao": "来函（征求意见函）文号",
                "facts": "查明的事实",
                "opinion": "意见",
                "basis": "政策法律依据",
                "will_act": "是否由本部门直接办理及说明",
                "handler": "经办人（可为空，手签）",
                "head": "部门负责人（可为空，手签）",
            },
        ),
        DocSpec(
            "D06", "重大疑难事项报告单", "form", True, False, False, False,
            {
                "reason": "属于重大疑难事项的理由",
                "office_opinion": "领导小组办公室意见",
                "leader_opinion": "组长审批意见（可为空，手签）",
                "leader": "组长（可为空，手签）",
            },
        ),
        DocSpec(
            "D07", "职责不清事项报送单", "form", True, False, True, False,
            {
                "reason": "职责不清的原因",
                "suggested_dept": "建议承办部门",
                "opinion": "受理部门意见",
                "ticket_no": "12345工单号（回填；可为空）",
            },
        ),
        DocSpec(
            "D08", "转办单", "form", False, False, False, False,
            {"requirements": "办理要求"},
        ),
        DocSpec(
            "D09", "案件线索移交函", "letter", True, False, True, False,
            {
                "dept": "拒不办理的部门",
                "reported_date": "报送日期",
                "urged_dates": "催办日期（多次以、分隔）",
                "refusal": "拒不办理的情况及其理由",
                "evidence": "列表，证据材料（字符串）",
            },
        ),
        DocSpec(
            "D10", "会商会议通知", "gongwen", True, False, True, False,
            {
                "convener": "召集单位（署名，如领导小组办公室）",
                "meeting_name": "会议名称",
                "meeting_time": "会议时间",
                "meeting_place": "会议地点",
                "host": "主持人",
                "topics": "列表，会议议题（字符串）",
                "participants": "列表，参会单位及人员（字符串）",
                "materials": "列表，需携带的材料（字符串）",
                "contact": _CONTACT,
            },
        ),
        DocSpec(
            "D11", "会议纪要", "minutes", True, False, False, False,
            {
                "convener": "印发单位（如领导小组办公室）",
                "meeting_name": "会议名称（红色标志为“会议名称+纪要”）",
                "meeting_time": "会议时间",
                "meeting_place": "会议地点",
                "host": "主持人",
                "present": "出席人员（单位及姓名，以、分隔）",
                "attending": "列席人员（可为空）",
                "absent": "请假人员（可为空）",
                "topics": "列表，议题（字符串）",
                "matters": "列表，逐项研究情况，每项含 subject 事由/basis 政策依据/opinion 处理意见/"
                "opinion_risk 舆情风险分析预估/review_risk 复议诉讼风险分析预估",
                "decisions": "列表，议定事项，每项含 text 事项/unit 责任单位/due 完成时限",
            },
        ),
        DocSpec(
            "D12", "处理意见告知书", "gongwen", True, True, True, True,
            {
                "findings": "调查核实情况",
                "opinion": "处理意见",
                "basis": "列表，政策法律依据（字符串，每条一款）",
                "obligations": "各方应当履行的事项",
                "contact": _CONTACT,
            },
        ),
        DocSpec(
            "D13", "延期办理告知书", "gongwen", True, False, True, True,
            {
                "reason": "延期理由",
                "old_deadline": "原办理期限",
                "approver": "批准人",
            },
        ),
        DocSpec(
            "D14", "回访记录表", "form", False, False, False, False,
            {
                "visit_date": "回访时间",
                "method": "回访方式（电话/网络/上门）",
                "visitor": "回访人",
                "respondent": "受访人",
                "content": "回访情况",
                "satisfaction": "满意度（满意/基本满意/不满意）",
                "objection": "是否有异议（是/否）",
                "remedy_kind": "已选择的救济途径（调解/复议/仲裁/诉讼/复查；可为空）",
                "remedy_body": "受理机关（可为空）",
                "remedy_date": "提出日期（可为空）",
                "remedy_status": "进展情况（可为空）",
                "suggestions": "意见建议",
            },
        ),
        DocSpec(
            "D15", "调解协议书", "agreement", False, False, True, False,
            {
                "facts": "纠纷主要事实",
                "dispute": "争议事项",
                "responsibility": "各方责任",
                "terms": "列表，协议条款（字符串）",
                "performance": "履行方式和期限",
                "mediator": "调解员",
                "mediation_org": "调解组织",
            },
        ),
        DocSpec(
            "D16", "社会保险费征缴事项通知书", "enforcement", True, False, True, True,
            {
                "payer": _PAYER,
                "facts": "事实（欠缴情况概述）",
                "arrears": _ARREARS,
                "total_due": "应缴合计",
                "total_paid": "已缴合计",
                "total_owed": "欠缴合计（小写）",
                "total_owed_upper": "欠缴合计（大写）",
                "contact": _CONTACT,
            },
        ),
        DocSpec(
            "D17", "社会保险费责令限期缴纳通知书", "enforcement", True, True, True, True,
            {
                "payer": _PAYER,
                "facts": "违法事实",
                "arrears": _ARREARS,
                "total_due": "应缴合计",
                "total_paid": "已缴合计",
                "total_owed": "欠缴合计（小写）",
                "total_owed_upper": "欠缴合计（大写）",
                "late_fee_start": "滞纳金起算日",
                "contact": _CONTACT,
            },
        ),
        DocSpec(
            "D18", "社会保险费征收决定书", "enforcement", True, True, True, True,
            {
                "payer": _PAYER,
                "order_wenhao": "责令限期缴纳通知书文号",
                "facts": "查明的事实",
                "evidence": "列表，证据（字符串）",
                "arrears": _ARREARS,
                "total_owed": "应补缴社会保险费（小写）",
                "total_owed_upper": "应补缴社会保险费（大写）",
                "late_fee_until": "滞纳金计算截止日",
                "late_fee_total": "滞纳金（小写）",
                "late_fee_total_upper": "滞纳金（大写）",
                "grand_total": "合计（小写）",
                "grand_total_upper": "合计（大写）",
                "pay_method": "缴纳方式",
            },
        ),
        DocSpec(
            "D19", "滞纳金计算明细表", "enforcement", False, False, False, False,
            {
                "payer": _PAYER,
                "for_doc": "所附文书名称及文号",
                "fee_lines": "列表，每项含 insurance_type 险种/period 所属期/principal 欠缴本金/due_date 缴费期限届满日/"
                "start 起算日/end 截止日/days 天数/rate 日费率/fee 滞纳金",
                "principal_total": "欠缴本金合计",
                "late_fee_total": "滞纳金合计（小写）",
                "late_fee_total_upper": "滞纳金合计（大写）",
                "handler": "经办人",
                "reviewer": "复核人",
            },
        ),
        DocSpec(
            "D20", "催告书", "enforcement", True, True, True, True,
            {
                "payer": _PAYER,
                "decision_wenhao": "征收决定书文号",
                "decision_date": "征收决定书送达日期",
                "total_owed": "社会保险费（小写）",
                "total_owed_upper": "社会保险费（大写）",
                "late_fee_total": "滞纳金（小写）",
                "late_fee_total_upper": "滞纳金（大写）",
                "grand_total": "合计（小写）",
                "grand_total_upper": "合计（大写）",
                "pay_method": "履行方式（给付方式）",
            },
        ),
        DocSpec(
            "D21", "强制执行申请书", "enforcement", True, False, True, False,
            {
                "payer": _PAYER,
                "decision_wenhao": "征收决定书文号",
                "decision_date": "征收决定书送达日期",
                "facts": "决定认定的事实和理由",
                "basis": "决定的法律依据",
                "party_views": "当事人的意见（陈述申辩情况）",
                "demand_wenhao": "催告书文号",
                "demand_date": "催告书送达日期",
                "total_owed": "申请执行的社会保险费（小写）",
                "late_fee_total": "申请执行的滞纳金（小写）",
                "grand_total": "申请执行标的合计（小写）",
                "grand_total_upper": "申请执行标的合计（大写）",
                "head": "机关负责人（可为空，手签）",
            },
        ),
        DocSpec(
            "D22", "送达回证", "enforcement", False, False, True, False,
            {
                "served": "列表，送达文书，每项含 title 文书名称/wenhao 文号",
                "place": "送达地点",
                "method": "送达方式（直接/留置/委托/邮寄/公告/电子）",
                "server": "送达人",
                "note": "备注（可为空）",
            },
        ),
        DocSpec(
            "D23", "延期缴费协议", "agreement", True, False, True, False,
            {
                "payer": _PAYER,
                "order_wenhao": "责令限期缴纳通知书文号",
                "total_owed": "欠缴社会保险费（小写）",
                "total_owed_upper": "欠缴社会保险费（大写）",
                "late_fee_total": "滞纳金（小写）",
                "schedule": "列表，分期计划，每项含 due 缴纳期限/amount 金额/note 说明",
                "guarantee": "担保情况（担保人、担保方式、担保财产）",
            },
        ),
        DocSpec(
            "D24", "罚款线索移送函", "letter", True, False, True, False,
            {
                "payer": _PAYER,
                "facts": "欠缴事实",
                "order_wenhao": "责令限期缴纳通知书文号",
                "order_date": "责令限期缴纳通知书送达日期",
                "pay_by": "责令缴纳期限届满日",
                "total_owed": "逾期仍未缴纳金额（小写）",
                "total_owed_upper": "逾期仍未缴纳金额（大写）",
                "proof": "逾期未缴纳的证明情况",
                "contact": _CONTACT,
            },
        ),
        DocSpec(
            "D25", "案卷封面", "form", False, False, False, False,
            {
                "fonds_name": "全宗名称",
                "fonds": "全宗号",
                "category": "类目名称",
                "file_title": "案卷题名",
                "date_range": "起止时间",
                "retention": "保管期限（永久/定期30年/定期10年）",
                "item_count": "件数",
                "page_count": "页数",
                "archive_no": "归档号",
                "dang_hao": "档号",
                "closed_date": "办结日期",
                "filer": "立卷人",
            },
        ),
        DocSpec(
            "D26", "卷内文件目录", "form", False, False, False, False,
            {
                "dang_hao": "档号",
                "entries": "列表，每项含 seq 序号/wenhao 文号/author 责任者/title 题名/date 日期/pages 页号/note 备注",
            },
        ),
        DocSpec(
            "D27", "卷内备考表", "form", False, False, False, False,
            {
                "dang_hao": "档号",
                "item_count": "件数",
                "page_count": "页数",
                "note": "本卷情况说明（缺损、修改、补充、移出等）",
                "filer": "立卷人",
                "checker": "检查人",
                "filed_date": "立卷时间",
                "checked_date": "检查时间",
            },
        ),
        DocSpec(
            "D28", "归档文件目录", "form", False, False, False, False,
            {
                "fonds_name": "全宗名称",
                "year": "年度",
                "retention": "保管期限",
                "entries": "列表，每项含 seq 序号/dang_hao 档号/wenhao 文号/author 责任者/title 题名/"
                "date 日期（8位）/secret 密级/pages 页数/note 备注",
            },
        ),
        DocSpec(
            "D29", "典型案例", "gongwen", False, False, False, False,
            {
                "case_title": "案例标题",
                "case_no": "案例编号",
                "summary": "案情简介（已脱敏）",
                "issues": "争议焦点",
                "result": "处理结果",
                "basis": "列表，法律依据（字符串）",
                "lessons": "经验启示",
                "keywords": "关键词（以、分隔）",
                "reviewer": "脱敏审核人",
                "approver": "发布审批人",
                "approved_date": "发布审批日期",
            },
        ),
        DocSpec("D30", "月度综合分析报告", "report", False, False, True, False, {}),
        DocSpec("D31", "工作台账", "register", False, False, False, False, {}),
    )
}
