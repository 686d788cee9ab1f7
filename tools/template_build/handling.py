"""Templates of handling: D10–D15 (会商, 纪要, 处理意见, 延期, 调解)."""

from __future__ import annotations

from .blocks import ROMAN, W4, YOU, party_block, sign_table
from .builder import Builder
from .geometry import LINE_PITCH, RED, TEXT_W
from .ooxml import C, Cell, L, Row, border_xml


def d10(b: Builder) -> None:
    b.red_head("{{ x.convener }}")
    b.title("关于召开{{ x.meeting_name }}的通知")
    b.recipient()
    b.p(
        "为研究处理{{ applicant.name }}反映的社会保险费征缴争议事项（案件编号：{{ case.number }}），"
        "定于{{ x.meeting_time }}召开{{ x.meeting_name }}。现将有关事项通知如下："
    )
    b.h1("一、会议时间和地点")
    b.p("时间：{{ x.meeting_time }}")
    b.p("地点：{{ x.meeting_place }}")
    b.h1("二、会议主持")
    b.p("{{ x.host }}")
    b.h1("三、会议议题")
    b.numbered("t", "x.topics", "{{ t }}")
    b.h1("四、参会单位和人员")
    b.numbered("m", "x.participants", "{{ m }}")
    b.h1("五、有关要求")
    b.h2("（一）携带材料")
    b.tag("{%p if x.materials %}")
    b.p("请参会单位携带以下材料：")
    b.numbered("m", "x.materials", "{{ m }}")
    b.tag("{%p else %}")
    b.p("请参会单位携带与本事项有关的政策依据和处理意见。")
    b.tag("{%p endif %}")
    b.h2("（二）出席要求")
    b.p("请参会人员准时出席。因故不能参加的，请提前向会议召集单位请假并委托熟悉情况的人员参会。")
    b.p("{% if x.contact %}联系人：{{ x.contact }}；{% endif %}联系电话：{{ office.phone }}。")
    b.attachments()
    b.corrects()
    b.signature("{{ x.convener }}")
    b.copy_to("{{ x.convener }}")


def d11(b: Builder) -> None:
    b.red = True
    b.p("{{ x.meeting_name }}纪要", "GwMark")
    b.p("{{ doc.wenhao }}", "GwWenhao", before=LINE_PITCH)
    b.blank()
    red = border_xml("bottom", sz=12, color=RED)
    b.table(
        [TEXT_W - 3000, 3000],
        [
            Row(
                [
                    Cell(["{{ x.convener }}"], "MinHead", valign="bottom", borders=red),
                    Cell(["{{ doc.date }}"], "MinHeadR", valign="bottom", borders=red),
                ]
            )
        ],
        borders=False,
        cell_margin=0,
    )
    b.blank()
    b.p(
        "{{ x.meeting_time }}，{{ x.host }}在{{ x.meeting_place }}主持召开{{ x.meeting_name }}，研究"
        "{{ applicant.name }}反映的社会保险费征缴争议事项（案件编号：{{ case.number }}）。现将会议主要情况和"
        "议定事项纪要如下："
    )
    b.h1("一、会议议题")
    b.numbered("t", "x.topics", "{{ t }}")
    b.h1("二、研究情况")
    b.tag("{%p for m in x.matters %}")
    b.p("（" + ROMAN + "）{{ m.subject }}", "GwH2")
    b.p("1.政策依据：{{ m.basis }}")
    b.p("2.处理意见：{{ m.opinion }}")
    b.p("3.舆情风险分析预估：{{ m.opinion_risk }}")
    b.p("4.复议、诉讼风险分析预估：{{ m.review_risk }}")
    b.tag("{%p endfor %}")
    b.h1("三、议定事项")
    b.loop(
        "d", "x.decisions", "{{ loop.index }}. {{ d.text }}（责任单位：{{ d.unit }}；完成时限：{{ d.due }}）"
    )
    b.blank()
    b.p([("出席：", "LabelHei"), "{{ x.present }}"], "GwAttend")
    b.tag("{%p if x.attending %}")
    b.p([("列席：", "LabelHei"), "{{ x.attending }}"], "GwAttend")
    b.tag("{%p endif %}")
    b.tag("{%p if x.absent %}")
    b.p([("请假：", "LabelHei"), "{{ x.absent }}"], "GwAttend")
    b.tag("{%p endif %}")
    b.attachments()
    b.corrects()
    b.copy_to("{{ x.convener }}")


def d12(b: Builder) -> None:
    b.red_head()
    b.title()
    b.recipient()
    b.p(
        YOU + "于{{ case.received_at }}通过{{ case.channel }}反映的社会保险费征缴争议事项"
        "（案件编号：{{ case.number }}）"
        "{% if counterparty.name %}，对方当事人为{{ counterparty.name }}{% endif %}，"
        "本机关已依法受理并会同有关部门调查处理。现将处理意见告知如下："
    )
    b.h1("一、反映事项")
    b.p("{{ case.claim }}")
    b.h1("二、调查核实情况")
    b.p("{{ x.findings }}")
    b.h1("三、处理意见及依据")
    b.p("{{ x.opinion }}")
    b.tag("{%p if x.basis %}")
    b.p("依据：")
    b.numbered("a", "x.basis", "{{ a }}")
    b.tag("{%p endif %}")
    b.h1("四、当事人应当履行的事项")
    b.p("{{ x.obligations }}")
    b.tag("{%p if deadline %}")
    b.p("以上事项请于{{ deadline }}前履行完毕。")
    b.tag("{%p endif %}")
    b.h1("五、救济途径")
    b.loop("r", "remedy", "{{ r }}")
    b.p("特此告知。")
    b.attachments()
    b.corrects()
    b.signature()
    b.contact_note()
    b.copy_to()


def d13(b: Builder) -> None:
    b.red_head()
    b.title()
    b.recipient()
    b.p(
        YOU
        + "反映的社会保险费征缴争议事项（案件编号：{{ case.number }}），本机关已于{{ case.received_date }}"
        "受理，原定办理期限为{{ x.old_deadline }}。因{{ x.reason }}，经本机关批准，办理期限延长至"
        "{{ deadline }}。"
    )
    b.p(
        "根据《信访工作条例》第三十四条的规定，现将延期理由告知"
        + YOU
        + "。本机关将在延长的期限内办结并书面告知处理"
        "结果。"
    )
    b.p("特此告知。")
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()


def d14(b: Builder) -> None:
    b.form_head("案件编号：{{ case.number }}", "回访时间：{{ x.visit_date }}")
    rows = [
        Row([L("回访方式"), C("{{ x.method }}"), L("回访人"), C("{{ x.visitor }}")], height=520),
        Row([L("受访人"), C("{{ x.respondent }}"), L("联系电话"), C("{{ applicant.mobile }}")], height=520),
        Row([L("缴费人"), C("{{ applicant.name }}"), L("争议类别"), C("{{ case.categories }}")], height=520),
        Row([L("反映事项"), Cell(["{{ case.claim }}"], "TblText", 3, valign="top")], height=1200),
        Row([L("回访情况"), Cell(["{{ x.content }}"], "TblText", 3, valign="top")], height=2000),
        Row(
            [
                L("满意度"),
                C("{{ x.satisfaction }}（满意／基本满意／不满意）"),
                L("是否有异议"),
                C("{{ x.objection }}"),
            ],
            height=520,
        ),
        Row([C("异议的后续救济（有异议时填写）", "TblHead", 4)]),
        Row([L("救济途径"), C("{{ x.remedy_kind }}"), L("受理机关"), C("{{ x.remedy_body }}")], height=520),
        Row([L("提出日期"), C("{{ x.remedy_date }}"), L("进展情况"), C("{{ x.remedy_status }}")], height=520),
        Row([L("意见建议"), Cell(["{{ x.suggestions }}"], "TblText", 3, valign="top")], height=1400),
        Row([L("回访人（签名）"), C(""), L("日期"), C("{{ doc.date }}")], height=640),
    ]
    b.table(W4, rows)
    b.corrects()


def d15(b: Builder) -> None:
    b.title()
    b.p("案件编号：{{ case.number }}", "FormMetaR")
    b.blank()
    party_block(b, "甲方", "applicant")
    b.tag("{%p if counterparty.name %}")
    party_block(b, "乙方", "counterparty")
    b.tag("{%p endif %}")
    b.p([("调解组织：", "LabelHei"), "{{ x.mediation_org }}　调解员：{{ x.mediator }}"], "GwRecipient")
    b.blank()
    b.h1("一、纠纷的主要事实")
    b.p("{{ x.facts }}")
    b.h1("二、争议事项")
    b.p("{{ x.dispute }}")
    b.h1("三、各方责任")
    b.p("{{ x.responsibility }}")
    b.h1("四、协议内容")
    b.p("经调解，双方自愿达成如下协议：")
    b.loop("t", "x.terms", "{{ loop.index }}. {{ t }}")
    b.h1("五、履行方式和期限")
    b.p("{{ x.performance }}")
    b.h1("六、其他事项")
    b.p(
        "1. 依法应当缴纳的社会保险费不得减免（《中华人民共和国社会保险法》第六十条、《社会保险费征缴暂行条例》"
        "第十二条）。本协议不减少、不免除任何一方依法应当缴纳的社会保险费及滞纳金，用人单位不得将滞纳金转由职工"
        "个人负担。"
    )
    b.p(
        "2. 本协议自各方当事人签名、盖章或者按指印，调解员签名并加盖调解组织印章之日起生效。经人民调解委员会调解"
        "达成的，双方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。"
    )
    b.p("3. 本协议一式三份，双方当事人各执一份，调解组织留存一份。")
    b.blank()
    b.body.append(
        sign_table(
            ["甲方（签名、盖章或按指印）：", "", "", "年　　月　　日"],
            ["乙方（签名、盖章或按指印）：", "", "", "年　　月　　日"],
        )
    )
    b.body.append(
        sign_table(
            ["调解员（签名）：{{ x.mediator }}", "", "", "{{ doc.date }}"],
            ["调解组织（印章）：", "{{ x.mediation_org }}", "", "{{ doc.date }}"],
        )
    )
    b.corrects()
