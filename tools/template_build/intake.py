"""Templates of intake and routing: D01–D09 and D32 (受理, 转办, 联办, 报送, 移送, 催办)."""

from __future__ import annotations

from .blocks import W4, W4F, YOU, letter_head, seal_row
from .builder import Builder
from .ooxml import C, Cell, L, Row


def d01(b: Builder) -> None:
    b.form_head("登记编号：{{ case.number }}", "登记日期：{{ case.received_date }}")
    rows = [
        Row(
            [
                L("来访（来电）时间"),
                C("{{ case.received_at }}"),
                L("受理渠道"),
                C("{{ case.channel }}{% if case.channel_ref %}（工单号：{{ case.channel_ref }}）{% endif %}"),
            ]
        ),
        Row([C("缴费人（反映人）基本情况", "TblHead", 4)]),
        Row([L("名称（姓名）"), C("{{ applicant.name }}"), L("类型"), C("{{ applicant.kind_label }}")]),
        Row(
            [
                L("{{ applicant.id_label }}"),
                C("{{ applicant.id_value }}"),
                L("法定代表人（经办人）"),
                C("{{ applicant.legal_rep }}"),
            ]
        ),
        Row([L("地址"), C("{{ applicant.address }}", span=3)]),
        Row([L("联系方式"), C("手机：{{ applicant.mobile }}　固定电话：{{ applicant.phone }}", span=3)]),
        Row([L("代表人员"), C("{{ applicant.represents }}", span=3)]),
        Row([C("对方当事人", "TblHead", 4)]),
        Row(
            [
                L("名称（姓名）"),
                C("{{ counterparty.name }}"),
                L("{{ counterparty.id_label or '证件号码' }}"),
                C("{{ counterparty.id_value }}"),
            ]
        ),
        Row([L("地址"), C("{{ counterparty.address }}", span=3)]),
        Row(
            [L("联系方式"), C("手机：{{ counterparty.mobile }}　固定电话：{{ counterparty.phone }}", span=3)]
        ),
        Row([C("争议事项", "TblHead", 4)]),
        Row(
            [
                L("事项所在辖区"),
                C("{{ case.jurisdiction }}（行政区划代码：{{ case.jurisdiction_code }}）", span=3),
            ]
        ),
        Row([L("争议类别"), C("{{ case.categories }}"), L("险种"), C("{{ case.insurance_types }}")]),
        Row([L("所属期"), C("{{ case.periods }}", span=3)]),
        Row(
            [
                L("涉及金额"),
                C(
                    "{% if case.amounts %}{% for m in case.amounts %}{{ m.name }}{{ m.amount }}元；{% endfor %}"
                    "合计{{ case.total_amount }}元（大写：{{ case.total_amount_upper }}）"
                    "{% else %}反映人未提出具体金额{% endif %}",
                    span=3,
                ),
            ]
        ),
        Row(
            [L("反映主要事项（诉求及事实）"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")],
            height=1500,
        ),
        Row([L("提交材料"), C("{{ case.attachments|join('；') }}", span=3)]),
        Row([L("初步分类"), C("{{ case.case_class }}"), L("风险等级"), C("{{ case.risk }}")]),
        Row(
            [
                L("受理部门"),
                C("{{ case.intake_dept }}"),
                L("首问责任人（签名）"),
                C("{{ case.first_handler }}"),
            ],
            height=560,
        ),
        Row([L("缴费人确认（签名）"), C("", span=3)], height=640),
    ]
    b.table(W4F, rows)
    b.corrects()


def d02(b: Builder) -> None:
    b.red_head()
    b.title()
    b.recipient()
    b.p(
        YOU + "于{{ case.received_at }}通过{{ case.channel }}反映的社会保险费征缴争议事项，本机关已登记受理，"
        "案件编号为{{ case.number }}。现将有关事项告知如下："
    )
    b.h1("一、受理事项")
    b.p("{{ case.claim }}")
    b.h1("二、办理方式和期限")
    b.p(
        "本事项由{{ case.intake_dept }}受理{% if x.handling %}，按照{{ x.handling }}方式办理{% else %}，"
        "经审核分类后确定办理方式{% endif %}"
        "{% if case.lead_dept %}，主办部门为{{ case.lead_dept }}{% endif %}"
        "{% if case.co_depts %}，协办部门为{{ case.co_depts }}{% endif %}。"
        "{% if deadline %}本机关将于{{ deadline }}前将办理结果书面告知" + YOU + "；{% endif %}"
        "情况复杂需要延长办理期限的，将书面告知延期理由。"
    )
    b.h1("三、查询方式")
    b.p(YOU + "可以凭案件编号拨打{{ office.phone }}或者到{{ office.address }}查询办理进度。")
    b.p("特此告知。")
    b.attachments()
    b.corrects()
    b.signature()
    b.contact_note()
    b.copy_to()


def d03(b: Builder) -> None:
    b.red_head()
    b.title()
    b.recipient()
    b.p(
        YOU + "于{{ case.received_at }}通过{{ case.channel }}反映的事项（登记编号：{{ case.number }}）："
        "{{ case.claim }}"
    )
    b.p("经审查，{{ x.reason }}")
    b.p(
        "根据《中华人民共和国社会保险法》第八十二条、《信访工作条例》第二十三条、第三十一条的规定，本机关对该事项"
        "不予受理。请" + YOU + "向{{ x.competent_body }}反映"
        "{% if x.competent_contact %}（地址及联系电话：{{ x.competent_contact }}）{% endif %}。"
    )
    b.tag("{%p if x.transfer %}")
    b.p("{{ x.transfer }}")
    b.tag("{%p endif %}")
    b.tag("{%p if remedy %}")
    b.p(YOU + "可以依照下列法定途径和期限主张权利：")
    b.loop("r", "remedy", "{{ r }}")
    b.tag("{%p endif %}")
    b.p("特此告知。")
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()


def d04(b: Builder) -> None:
    letter_head(b)
    b.p(
        "{{ case.received_date }}，本机关受理了{{ applicant.name }}反映的社会保险费征缴争议事项"
        "（案件编号：{{ case.number }}）。主要情况如下：{{ case.claim }}"
    )
    b.p("该事项涉及你单位职责。根据社会保险费征缴争议联合处置工作机制，现就以下问题征求你单位意见：")
    b.numbered("q", "x.questions", "{{ q }}")
    b.p("请{% if deadline %}于{{ deadline }}前{% else %}在收到本函后五个工作日内{% endif %}将书面意见（加盖单位印章）送本机关。")
    b.p("{% if x.contact %}联系人：{{ x.contact }}；{% endif %}联系电话：{{ office.phone }}。")
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()


def d05(b: Builder) -> None:
    b.form_head("来函文号：{{ x.request_wenhao }}", "案件编号：{{ case.number }}")
    rows = [
        Row([L("回复部门"), C("{{ x.dept }}"), L("回复日期"), C("{{ doc.date }}")], height=560),
        Row([L("缴费人"), C("{{ applicant.name }}"), L("争议类别"), C("{{ case.categories }}")], height=560),
        Row([L("争议事项"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")], height=1200),
        Row([L("查明的事实"), Cell(["{{ x.facts }}"], "TblText", 3, valign="top")], height=1800),
        Row([L("意见"), Cell(["{{ x.opinion }}"], "TblText", 3, valign="top")], height=1800),
        Row([L("政策法律依据"), Cell(["{{ x.basis }}"], "TblText", 3, valign="top")], height=1200),
        Row([L("是否由本部门直接办理"), Cell(["{{ x.will_act }}"], "TblText", 3)], height=700),
        Row(
            [L("经办人（签名）"), C("{{ x.handler }}"), L("部门负责人（签名）"), C("{{ x.head }}")],
            height=700,
        ),
        seal_row(4, "{{ x.dept }}", height=1500),
    ]
    b.table(W4, rows)
    b.corrects()


def d06(b: Builder) -> None:
    b.form_head("编号：{{ doc.wenhao }}", "报告日期：{{ doc.date }}")
    rows = [
        Row(
            [L("案件编号"), C("{{ case.number }}"), L("受理日期"), C("{{ case.received_date }}")], height=520
        ),
        Row(
            [L("缴费人"), C("{{ applicant.name }}"), L("对方当事人"), C("{{ counterparty.name }}")],
            height=520,
        ),
        Row([L("争议类别"), C("{{ case.categories }}"), L("风险等级"), C("{{ case.risk }}")], height=520),
        Row([L("反映事项"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")], height=1400),
        Row([L("属于重大疑难事项的理由"), Cell(["{{ x.reason }}"], "TblText", 3, valign="top")], height=1600),
        Row(
            [
                L("拟参与处理部门"),
                C(
                    "主办：{{ case.lead_dept }}{% if case.co_depts %}；协办：{{ case.co_depts }}{% endif %}",
                    span=3,
                ),
            ],
            height=700,
        ),
        Row(
            [L("受理部门"), C("{{ case.intake_dept }}"), L("经办人"), C("{{ case.first_handler }}")],
            height=520,
        ),
        Row(
            [
                L("{{ x.office_label }}意见"),
                Cell(
                    ["{{ x.office_opinion }}", "", "负责人（签名）：　　　　　　　　年　　月　　日"],
                    "TblText",
                    3,
                    valign="top",
                ),
            ],
            height=1700,
        ),
        Row(
            [
                L("{{ x.leader_label }}审批意见"),
                Cell(
                    ["{{ x.leader_opinion }}", "", "{{ x.leader_label }}（签名）：{{ x.leader }}　　　　　　年　　月　　日"],
                    "TblText",
                    3,
                    valign="top",
                ),
            ],
            height=1900,
        ),
    ]
    b.table(W4, rows)
    b.corrects()


def d07(b: Builder) -> None:
    b.form_head("编号：{{ doc.wenhao }}", "报送日期：{{ doc.date }}")
    b.p("报送单位：{{ case.intake_dept }}\t接收单位：{{ doc.recipient }}", "FormMeta")
    rows = [
        Row(
            [L("案件编号"), C("{{ case.number }}"), L("受理日期"), C("{{ case.received_date }}")], height=520
        ),
        Row([L("缴费人"), C("{{ applicant.name }}"), L("联系电话"), C("{{ applicant.mobile }}")], height=520),
        Row(
            [L("事项所在辖区"), C("{{ case.jurisdiction }}"), L("争议类别"), C("{{ case.categories }}")],
            height=520,
        ),
        Row([L("反映事项"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")], height=1400),
        Row([L("职责不清的原因"), Cell(["{{ x.reason }}"], "TblText", 3, valign="top")], height=1200),
        Row([L("建议承办部门"), C("{{ x.suggested_dept }}", span=3)], height=520),
        Row(
            [
                L("受理部门意见"),
                Cell(
                    ["{{ x.opinion }}", "", "（受理部门印章）", "{{ doc.date }}"], "TblText", 3, valign="top"
                ),
            ],
            height=1800,
        ),
        Row([L("12345工单号"), C("{{ x.ticket_no }}"), L("承办反馈期限"), C("{{ deadline }}")], height=520),
        Row([L("承办部门"), C(""), L("反馈日期"), C("")], height=520),
        Row([L("承办反馈情况"), Cell([""], "TblText", 3)], height=1600),
    ]
    b.table(W4, rows)
    b.corrects()


def d08(b: Builder) -> None:
    b.form_head("案件编号：{{ case.number }}", "转办日期：{{ doc.date }}")
    rows = [
        Row([L("承办部门"), C("{{ doc.recipient }}"), L("办理期限"), C("{{ deadline }}")], height=520),
        Row([L("缴费人"), C("{{ applicant.name }}"), L("联系电话"), C("{{ applicant.mobile }}")], height=520),
        Row([L("对方当事人"), C("{{ counterparty.name }}", span=3)], height=520),
        Row(
            [L("争议类别"), C("{{ case.categories }}"), L("险种"), C("{{ case.insurance_types }}")],
            height=520,
        ),
        Row(
            [L("所属期"), C("{{ case.periods }}"), L("事项所在辖区"), C("{{ case.jurisdiction }}")],
            height=520,
        ),
        Row([L("反映事项"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")], height=1600),
        Row([L("办理要求"), Cell(["{{ x.requirements }}"], "TblText", 3, valign="top")], height=1400),
        Row(
            [L("转办部门"), C("{{ case.intake_dept }}"), L("经办人"), C("{{ case.first_handler }}")],
            height=520,
        ),
        Row([L("签收人（签名）"), C(""), L("签收时间"), C("")], height=600),
        Row([L("办理结果"), Cell([""], "TblText", 3)], height=1600),
    ]
    b.table(W4, rows)
    b.corrects()


def d09(b: Builder) -> None:
    letter_head(b)
    b.p(
        "{{ case.received_date }}，本机关受理了{{ applicant.name }}反映的社会保险费征缴争议事项"
        "（案件编号：{{ case.number }}），主要内容为：{{ case.claim }}"
    )
    b.p(
        "经审核，该事项属于{{ x.dept }}职责范围。本机关已于{{ x.reported_date }}按照规定报送办理"
        "{% if x.urged_dates %}，并于{{ x.urged_dates }}催办{% endif %}，{{ x.dept }}至今未予办理。"
        "具体情况如下：{{ x.refusal }}"
    )
    b.p(
        "根据社会保险费征缴争议联合处置工作机制关于“无正当理由且拒不处理属于本职能部门的社会保险费征缴争议，"
        "由受理部门将案件线索移交给纪委监委处理”的规定，现将该案件线索移交你委，请依规依纪依法处理。"
    )
    b.tag("{%p if x.evidence %}")
    b.p("证据材料：")
    b.loop("e", "x.evidence", "{{ loop.index }}. {{ e }}")
    b.tag("{%p endif %}")
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()


def d32(b: Builder) -> None:
    letter_head(b)
    b.p(
        "{{ case.received_date }}，本机关受理了{{ applicant.name }}反映的社会保险费征缴争议事项"
        "（案件编号：{{ case.number }}），主要内容为：{{ case.claim }}"
    )
    b.p(
        "该事项职责不清，本机关已于{{ x.reported_date }}填写报送单报送办理，并转由你单位承办。"
        "截至{{ x.urge_date }}，尚未收到你单位的办理结果。现第{{ x.ordinal }}次催办：{{ x.text }}"
    )
    b.p(
        "请按照社会保险费征缴争议联合处置工作机制的规定，在规定时限内办理并将结果反馈缴费人和本机关。"
        "无正当理由拒不处理的，本机关将按规定将案件线索移交纪委监委处理。"
    )
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()
