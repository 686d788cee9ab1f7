"""Sample data for ``--preview``: a realistic context per type (the checker uses casefile's own samples)."""

from __future__ import annotations

from typing import Any

from casefile.documents.doctypes import DOC_TYPES

PAYER = {
    "kind_label": "单位",
    "name": "奈曼旗某建材有限公司",
    "id_label": "统一社会信用代码",
    "id_value": "91150525MA0N123456",
    "address": "奈曼旗大沁他拉镇工业园区8号",
    "mobile": "13904751234",
    "phone": "0475-4229876",
    "legal_rep": "李某",
    "represents": "",
    "you": "你单位",
}
ARREARS = [
    {
        "insurance_type": "基本养老保险",
        "period": "2025年1月",
        "headcount": "12",
        "base": "48,000.00",
        "due": "12,480.00",
        "paid": "0.00",
        "owed": "12,480.00",
    },
    {
        "insurance_type": "失业保险",
        "period": "2025年1月",
        "headcount": "12",
        "base": "48,000.00",
        "due": "480.00",
        "paid": "0.00",
        "owed": "480.00",
    },
    {
        "insurance_type": "工伤保险",
        "period": "2025年1月",
        "headcount": "12",
        "base": "48,000.00",
        "due": "384.00",
        "paid": "0.00",
        "owed": "384.00",
    },
    {
        "insurance_type": "基本医疗保险",
        "period": "2025年1月",
        "headcount": "12",
        "base": "48,000.00",
        "due": "4,320.00",
        "paid": "2,000.00",
        "owed": "2,320.00",
    },
]
FEE_LINES = [
    {
        "insurance_type": "基本养老保险",
        "period": "2025年1月",
        "principal": "12,480.00",
        "due_date": "2025年2月15日",
        "start": "2025年2月16日",
        "end": "2025年5月20日",
        "days": "94",
        "rate": "0.05%",
        "fee": "586.56",
    },
    {
        "insurance_type": "失业保险",
        "period": "2025年1月",
        "principal": "480.00",
        "due_date": "2025年2月15日",
        "start": "2025年2月16日",
        "end": "2025年5月20日",
        "days": "94",
        "rate": "0.05%",
        "fee": "22.56",
    },
    {
        "insurance_type": "工伤保险",
        "period": "2025年1月",
        "principal": "384.00",
        "due_date": "2025年2月15日",
        "start": "2025年2月16日",
        "end": "2025年5月20日",
        "days": "94",
        "rate": "0.05%",
        "fee": "18.05",
    },
    {
        "insurance_type": "基本医疗保险",
        "period": "2025年1月",
        "principal": "2,320.00",
        "due_date": "2025年2月15日",
        "start": "2025年2月16日",
        "end": "2025年5月20日",
        "days": "94",
        "rate": "0.05%",
        "fee": "109.04",
    },
]
CONTACT = "王某"
TOTALS = {
    "total_due": "17,664.00",
    "total_paid": "2,000.00",
    "total_owed": "15,664.00",
    "total_owed_upper": "壹万伍仟陆佰陆拾肆元整",
}
LATE = {
    "late_fee_total": "736.21",
    "late_fee_total_upper": "柒佰叁拾陆元贰角壹分",
    "grand_total": "16,400.21",
    "grand_total_upper": "壹万陆仟肆佰元贰角壹分",
}

SAMPLE_X: dict[str, dict[str, Any]] = {
    "D01": {},
    "D02": {"handling": "联合办理", "contact": CONTACT},
    "D03": {
        "reason": "你反映的工伤保险待遇支付争议属于社会保险经办机构的职责，依法应当通过社会保险经办机构处理或者"
        "申请行政复议、提起行政诉讼解决，不属于本机关职责范围。",
        "competent_body": "奈曼旗社会保险事业服务中心",
        "competent_contact": "奈曼旗大沁他拉镇民主路2号，0475-4211111",
        "transfer": "本机关已于2026年4月9日将你提交的材料书面移交奈曼旗社会保险事业服务中心。",
    },
    "D04": {
        "questions": [
            "张某与该公司2023年3月至2025年6月期间是否存在劳动关系；",
            "该公司是否已为张某办理社会保险登记，参保险种及起止时间；",
            "对欠缴的社会保险费，贵局是否可以出具核定意见。",
        ],
        "contact": CONTACT,
    },
    "D05": {
        "dept": "奈曼旗人力资源和社会保障局",
        "request_wenhao": "奈税社函〔2026〕7号",
        "facts": "经核查劳动保障监察档案，张某于2023年3月1日入职该公司，2025年6月30日离职，双方签订书面劳动合同。",
        "opinion": "双方劳动关系成立。该公司应为张某补办2023年3月至2025年6月的基本养老、失业、工伤保险登记并补缴费款。",
        "basis": "《中华人民共和国社会保险法》第五十八条、第六十条；《社会保险费征缴暂行条例》第十条。",
        "will_act": "是。本局将于5个工作日内向该公司送达责令改正通知。",
        "handler": "赵某",
        "head": "孙某",
    },
    "D06": {
        "reason": "涉及职工12人，欠缴金额较大，已有集体上访苗头，涉及税务、人社、医保三部门职责交叉。",
        "office_opinion": "建议按专案办理，由旗税务局牵头，人社、医保、司法等部门参与会商。",
        "leader_opinion": "",
        "leader": "",
        "office_label": "领导小组办公室",
        "leader_label": "组长",
    },
    "D07": {
        "reason": "反映事项涉及企业改制期间职工身份认定，现行规定未明确承办部门。",
        "suggested_dept": "奈曼旗人力资源和社会保障局",
        "opinion": "请旗政府办按照12345热线运行机制转交承办部门办理。",
        "ticket_no": "",
    },
    "D08": {
        "requirements": "请于办理期限内核实该公司参保登记情况，依职责作出处理，并将书面意见反馈受理部门。"
    },
    "D32": {
        "reported_date": "2026年3月2日",
        "urge_date": "2026年3月16日",
        "ordinal": "一",
        "text": "请于2026年3月20日前办理并反馈。",
    },
    "D09": {
        "dept": "某职能部门",
        "reported_date": "2026年3月2日",
        "urged_dates": "2026年3月16日、2026年3月30日",
        "refusal": "该部门以“非本部门职责”为由拒绝办理，但未提出相应依据。",
        "evidence": ["职责不清事项报送单（奈税社送〔2026〕2号）", "催办记录2份", "12345工单流转记录"],
    },
    "D10": {
        "convener": "奈曼旗社会保险费征缴争议联合处置领导小组办公室",
        "meeting_name": "社会保险费征缴争议会商会议",
        "meeting_time": "2026年5月12日上午9时",
        "meeting_place": "旗税务局三楼会议室",
        "host": "领导小组办公室主任",
        "topics": ["研究某建材公司欠缴职工社会保险费争议的处理意见", "研究职工劳动关系确认及补缴核定事项"],
        "participants": [
            "旗人社局分管负责同志及劳动监察业务人员",
            "旗医保局分管负责同志",
            "旗司法局公职律师",
        ],
        "materials": ["本部门书面意见", "相关政策依据"],
        "contact": CONTACT,
    },
    "D11": {
        "convener": "奈曼旗社会保险费征缴争议联合处置领导小组办公室",
        "meeting_name": "社会保险费征缴争议会商会议",
        "meeting_time": "2026年5月12日",
        "meeting_place": "旗税务局三楼会议室",
        "host": "领导小组办公室主任王某",
        "present": "旗税务局王某、旗人社局赵某、旗医保局钱某、旗司法局孙某",
        "attending": "大沁他拉镇政府周某",
        "absent": "旗信访局吴某",
        "topics": ["某建材公司欠缴职工社会保险费争议的处理", "职工劳动关系确认及补缴核定"],
        "matters": [
            {
                "subject": "欠缴社会保险费争议",
                "basis": "《中华人民共和国社会保险法》第六十条、第六十三条、第八十六条",
                "opinion": "由旗人社局出具劳动关系确认意见，旗税务局依法责令限期缴纳。",
                "opinion_risk": "涉及职工12人，存在集体上访可能，风险较高。",
                "review_risk": "事实清楚、程序合法的，复议诉讼风险较低。",
            }
        ],
        "decisions": [
            {"text": "出具劳动关系确认书面意见", "unit": "旗人社局", "due": "2026年5月19日"},
            {"text": "下达责令限期缴纳通知书", "unit": "旗税务局", "due": "2026年5月22日"},
        ],
    },
    "D12": {
        "findings": "经旗人社局核实，张某与奈曼旗某建材有限公司自2023年3月至2025年6月存在劳动关系，该公司未为其"
        "足额缴纳社会保险费。",
        "opinion": "由该公司于限期内补缴张某2023年3月至2025年6月的基本养老、失业、工伤保险费，旗税务局依法征收。",
        "basis": [
            "《中华人民共和国社会保险法》第五十八条、第六十条、第六十三条",
            "《社会保险费征缴暂行条例》第十条",
        ],
        "obligations": "奈曼旗某建材有限公司应当按照核定金额补缴社会保险费；张某应当配合提供身份信息。",
        "contact": CONTACT,
    },
    "D13": {
        "reason": "该事项需要人社、医保两部门联合核实劳动关系和缴费基数",
        "old_deadline": "2026年5月20日",
    },
    "D14": {
        "visit_date": "2026年6月3日",
        "method": "电话",
        "visitor": "王某",
        "respondent": "张某",
        "content": "缴费人表示已收到处理意见告知书，该公司已补缴费款。",
        "satisfaction": "满意",
        "objection": "否",
        "remedy_kind": "",
        "remedy_body": "",
        "remedy_date": "",
        "remedy_status": "",
        "suggestions": "希望加强对企业参保的日常检查。",
    },
    "D15": {
        "facts": "张某于2023年3月入职该公司，公司未为其缴纳社会保险费，张某离职后要求补缴并赔偿损失。",
        "dispute": "社会保险费补缴及张某医疗费损失的赔偿",
        "responsibility": "该公司未依法为张某缴纳社会保险费，应承担补缴责任。",
        "terms": [
            "乙方于2026年6月30日前到旗税务局补缴张某2023年3月至2025年6月的社会保险费；",
            "乙方于2026年6月15日前一次性支付甲方医疗费损失3,000元。",
        ],
        "performance": "乙方通过银行转账方式支付，逾期未履行的，甲方可以依法申请仲裁或者提起诉讼。",
        "mediator": "刘某",
        "mediation_org": "奈曼旗社保争议人民调解委员会",
    },
    "D16": {
        "payer": PAYER,
        "facts": "你单位2025年1月应缴社会保险费未按时足额缴纳。",
        "duty_basis": "《中华人民共和国社会保险法》第十条、第四十四条、第五十三条、第六十条",
        "arrears": ARREARS,
        **TOTALS,
        "contact": CONTACT,
    },
    "D17": {
        "payer": PAYER,
        "facts": "你单位2025年1月应缴社会保险费未按时足额缴纳，经本机关通知后仍未缴纳。",
        "arrears": ARREARS,
        **TOTALS,
        "late_fee_start": "2025年2月16日",
        "contact": CONTACT,
    },
    "D18": {
        "payer": PAYER,
        "order_wenhao": "奈税社限缴〔2026〕12号",
        "facts": "你单位2025年1月应缴社会保险费15,664.00元，经责令限期缴纳，期限届满仍未缴纳。",
        "evidence": ["社会保险费申报及缴费记录", "责令限期缴纳通知书及送达回证", "旗人社局劳动关系确认意见"],
        "arrears": ARREARS,
        "total_owed": TOTALS["total_owed"],
        "total_owed_upper": TOTALS["total_owed_upper"],
        "late_fee_until": "2025年5月20日",
        **LATE,
        "pay_method": "电子税务局或者办税服务厅",
    },
    "D19": {
        "payer": PAYER,
        "for_doc": "社会保险费征收决定书（奈税社征决〔2026〕3号）",
        "fee_lines": FEE_LINES,
        "principal_total": "15,664.00",
        "late_fee_total": "736.21",
        "late_fee_total_upper": "柒佰叁拾陆元贰角壹分",
        "handler": "王某",
        "reviewer": "赵某",
    },
    "D20": {
        "payer": PAYER,
        "decision_wenhao": "奈税社征决〔2026〕3号",
        "decision_date": "2026年6月2日",
        "decision_pay_by": "2026年6月17日",
        "late_fee_note": "征收决定作出后继续加收的滞纳金另行计算，不计入本次催告金额。",
        "total_owed": TOTALS["total_owed"],
        "total_owed_upper": TOTALS["total_owed_upper"],
        **LATE,
        "pay_method": "通过电子税务局或者到办税服务厅缴纳",
    },
    "D21": {
        "payer": PAYER,
        "decision_wenhao": "奈税社征决〔2026〕3号",
        "decision_date": "2026年6月2日",
        "facts": "被申请人2025年1月应缴社会保险费15,664.00元，经责令限期缴纳、作出征收决定并催告，仍未缴纳。",
        "basis": "《中华人民共和国社会保险法》第六十三条、第八十六条；《中华人民共和国行政强制法》第五十三条至第五十五条。",
        "party_views": "被申请人未在规定期限内提出陈述、申辩意见。",
        "demand_wenhao": "奈税社催〔2026〕2号",
        "demand_date": "2026年8月10日",
        "total_owed": TOTALS["total_owed"],
        "late_fee_total": LATE["late_fee_total"],
        "grand_total": LATE["grand_total"],
        "grand_total_upper": LATE["grand_total_upper"],
        "head": "张某某",
    },
    "D22": {
        "served": [
            {"title": "社会保险费责令限期缴纳通知书", "wenhao": "奈税社限缴〔2026〕12号"},
            {"title": "滞纳金计算明细表", "wenhao": ""},
        ],
        "place": "奈曼旗大沁他拉镇工业园区8号",
        "method": "直接送达",
        "server": "王某、赵某",
        "note": "",
    },
    "D23": {
        "payer": PAYER,
        "order_wenhao": "奈税社限缴〔2026〕12号",
        "total_owed": TOTALS["total_owed"],
        "total_owed_upper": TOTALS["total_owed_upper"],
        "late_fee_total": LATE["late_fee_total"],
        "schedule": [
            {"due": "2026年7月31日", "amount": "6,000.00", "note": ""},
            {"due": "2026年8月31日", "amount": "6,000.00", "note": ""},
            {"due": "2026年9月30日", "amount": "4,400.21", "note": "含滞纳金"},
        ],
        "guarantee": "由奈曼旗某商贸有限公司提供连带责任保证，保证期间至2026年12月31日。",
    },
    "D24": {
        "payer": PAYER,
        "facts": "2025年1月应缴社会保险费15,664.00元未按时足额缴纳。",
        "order_wenhao": "奈税社限缴〔2026〕12号",
        "order_date": "2026年5月25日",
        "pay_by": "2026年6月10日",
        "total_owed": TOTALS["total_owed"],
        "total_owed_upper": TOTALS["total_owed_upper"],
        "proof": "有社会保险费缴费记录查询结果和送达回证为证。",
        "contact": CONTACT,
    },
    "D25": {
        "fonds_name": "国家税务总局奈曼旗税务局",
        "fonds": "J001",
        "category": "社会保险费征缴争议处置",
        "file_title": "关于张某反映奈曼旗某建材有限公司欠缴社会保险费争议的处理案卷",
        "date_range": "2026年4月8日至2026年6月20日",
        "retention": "定期30年",
        "item_count": "14",
        "page_count": "63",
        "archive_no": "2026-012",
        "dang_hao": "J001-WS·2026-D30-SBZY-0012",
        "closed_date": "2026年6月20日",
        "filer": "档案员",
    },
    "D26": {
        "dang_hao": "J001-WS·2026-D30-SBZY-0012",
        "entries": [
            {
                "seq": str(i + 1),
                "wenhao": w,
                "author": "奈曼旗税务局",
                "title": t,
                "date": d,
                "pages": p,
                "note": "",
            }
            for i, (w, t, d, p) in enumerate(
                [
                    ("奈税社告〔2026〕5号", "处理意见告知书", "20260602", "1"),
                    ("", "送达回证", "20260603", "3"),
                    ("", "争议事项受理登记表", "20260408", "4"),
                    ("奈税社受〔2026〕12号", "受理告知书", "20260408", "6"),
                ]
            )
        ],
    },
    "D27": {
        "dang_hao": "J001-WS·2026-D30-SBZY-0012",
        "item_count": "14",
        "page_count": "63",
        "note": "本卷文件齐全，无缺损、修改、补充或者移出的情况。",
        "filer": "档案员",
        "checker": "复核员",
        "filed_date": "2026年6月25日",
        "checked_date": "2026年6月26日",
    },
    "D28": {
        "fonds_name": "国家税务总局奈曼旗税务局",
        "year": "2026",
        "retention": "定期30年",
        "entries": [
            {
                "seq": "1",
                "dang_hao": "J001-WS·2026-D30-SBZY-0012",
                "wenhao": "奈税社告〔2026〕5号",
                "author": "奈曼旗税务局",
                "title": "关于张某反映欠缴社会保险费争议的处理案卷",
                "date": "20260620",
                "secret": "",
                "pages": "63",
                "note": "",
            },
            {
                "seq": "2",
                "dang_hao": "J001-WS·2026-D30-SBZY-0013",
                "wenhao": "奈税社告〔2026〕6号",
                "author": "奈曼旗税务局",
                "title": "关于某公司职工反映社会保险费缴费基数争议的处理案卷",
                "date": "20260628",
                "secret": "",
                "pages": "41",
                "note": "",
            },
        ],
    },
    "D29": {
        "case_title": "某建材公司欠缴职工社会保险费争议联合处置案",
        "case_no": "DX-2026-003",
        "summary": ["职工张某反映某公司在其任职期间未为其缴纳社会保险费。受理部门登记后，会同人社、医保部门会商，"
                    "确认劳动关系后依法责令该公司限期缴纳。"],
        "issues": ["劳动关系是否成立。", "欠缴费款的核定与征收主体。"],
        "result": ["该公司在责令期限内补缴社会保险费及滞纳金，职工表示满意。"],
        "basis": ["《中华人民共和国社会保险法》第五十八条、第六十条、第六十三条、第八十六条"],
        "lessons": ["联合会商可以快速确认劳动关系，避免职工“多头跑”。"],
        "keywords": "劳动关系、欠缴、联合会商",
        "reviewer": "赵某",
        "approver": "孙某",
        "approved_date": "2026年7月",
    },
}


def _wenhao(doc_type: str) -> str:
    daizi = {
        "D02": "奈税社受",
        "D03": "奈税社转",
        "D04": "奈税社函",
        "D06": "奈税社报",
        "D07": "奈税社送",
        "D09": "奈税社移",
        "D10": "奈税社会",
        "D11": "奈税社纪",
        "D12": "奈税社告",
        "D13": "奈税社延",
        "D16": "奈税社征通",
        "D17": "奈税社限缴",
        "D18": "奈税社征决",
        "D20": "奈税社催",
        "D21": "奈税社执申",
        "D23": "奈税社协",
        "D24": "奈税社罚移",
    }
    return f"{daizi.get(doc_type, '奈税社')}〔2026〕12号"


RECIPIENTS = {
    "D32": "奈曼旗人力资源和社会保障局",
    "D04": "奈曼旗人力资源和社会保障局",
    "D07": "奈曼旗人民政府办公室",
    "D08": "奈曼旗人力资源和社会保障局",
    "D09": "中共奈曼旗纪律检查委员会、奈曼旗监察委员会",
    "D10": "旗人社局、旗医保局、旗司法局",
    "D16": "奈曼旗某建材有限公司",
    "D17": "奈曼旗某建材有限公司",
    "D18": "奈曼旗某建材有限公司",
    "D20": "奈曼旗某建材有限公司",
    "D21": "奈曼旗人民法院",
    "D22": "奈曼旗某建材有限公司",
    "D24": "奈曼旗人力资源和社会保障局",
}
TAX_REMEDY = [
    "如对本通知（决定）不服，可以自收到之日起六十日内依法向国家税务总局通辽市税务局申请行政复议，或者自收到之日起"
    "六个月内依法向奈曼旗人民法院提起行政诉讼。",
]
PETITION_REMEDY = [
    "对本处理意见不服的，可以自收到本意见之日起三十日内向奈曼旗人民政府请求复查。",
    "对用人单位与职工之间的劳动争议，可以依法申请调解，或者自知道或者应当知道其权利被侵害之日起一年内向奈曼旗劳动人事"
    "争议仲裁委员会申请仲裁。",
]


def sample_context(doc_type: str) -> dict[str, Any]:
    spec = DOC_TYPES[doc_type]
    party_a = {
        "kind_label": "个人",
        "name": "张某",
        "id_label": "身份证号码",
        "id_value": "150525199001011234",
        "address": "奈曼旗大沁他拉镇民主路12号",
        "mobile": "13812345678",
        "phone": "",
        "legal_rep": "",
        "represents": "本人及同厂职工11人",
        "you": "你",
    }
    ctx: dict[str, Any] = {
        "office": {
            "name": "国家税务总局奈曼旗税务局",
            "short": "奈曼旗税务局",
            "address": "奈曼旗大沁他拉镇税务路1号",
            "phone": "0475-4221234",
            "superior_tax": "国家税务总局通辽市税务局",
            "county_gov": "奈曼旗人民政府",
            "court": "奈曼旗人民法院",
            "arbitration": "奈曼旗劳动人事争议仲裁委员会",
            "leading_group_office": "奈曼旗社会保险费征缴争议联合处置领导小组办公室",
        },
        "doc": {
            "type": doc_type,
            "title": spec.title,
            "wenhao": _wenhao(doc_type) if spec.numbered else "",
            "date": "2026年5月8日",
            "recipient": RECIPIENTS.get(doc_type, "张某"),
            "copy_to": "奈曼旗人力资源和社会保障局" if doc_type in ("D10", "D12") else "",
            "corrects": "",
            "attachments": (
                ["滞纳金计算明细表"]
                if doc_type in ("D17", "D18")
                else ["张某提交的劳动合同复印件", "工资发放记录"]
                if doc_type in ("D04", "D12")
                else []
            ),
        },
        "case": {
            "id": "SBZY-2026-0012",
            "number": "奈税社争〔2026〕12号",
            "received_at": "2026年4月8日 9时40分",
            "received_date": "2026年4月8日",
            "channel": "来访",
            "channel_ref": "",
            "first_handler": "王某",
            "intake_dept": "旗税务局",
            "coordinator_dept": "旗税务局",
            "lead_dept": "旗人社局",
            "co_depts": "旗税务局、旗医保局",
            "jurisdiction": "奈曼旗大沁他拉镇",
            "jurisdiction_code": "150525",
            "categories": "欠缴社会保险费",
            "category_codes": "C03",
            "insurance_types": "基本养老保险、失业保险、工伤保险",
            "periods": "2023年3月至2025年6月",
            "claim": "张某反映其于2023年3月至2025年6月在奈曼旗某建材有限公司工作，该公司未为其缴纳社会保险费，"
            "要求依法补缴。",
            "attachments": ["身份证复印件", "劳动合同复印件", "工资发放记录"],
            "case_class": "一般",
            "risk": "中",
            "route": "一般/中风险",
            "state": "处理中",
            "amounts": [{"name": "欠缴社会保险费", "amount": "15,664.00", "upper": "壹万伍仟陆佰陆拾肆元整"}],
            "total_amount": "15,664.00",
            "total_amount_upper": "壹万伍仟陆佰陆拾肆元整",
        },
        "applicant": party_a,
        "counterparty": PAYER,
        "deadline": "2026年9月30日" if doc_type == "D23" else "2026年5月22日",
        "remedy": (
            TAX_REMEDY if doc_type in ("D17", "D18", "D20") else PETITION_REMEDY if spec.remedy else []
        ),
        "x": SAMPLE_X[doc_type],
    }
    return ctx


def blank_context(value: Any) -> Any:
    """The minimal context: every string empty, every list empty (dicts keep their keys)."""
    if isinstance(value, dict):
        return {k: blank_context(v) for k, v in value.items()}
    if isinstance(value, list):
        return []
    return ""
