"""Templates of enforcement (D16–D24): one-page forms with the 缴费人 and arrears tables."""

from __future__ import annotations

from .blocks import (
    A_SPAN,
    CONSEQUENCES_63,
    ENF_N,
    ENF_W,
    PAYER_YOU,
    W4E,
    arrears_rows,
    arrears_total_rows,
    enf_payer_rows,
    enforcement_tail,
    letter_head,
    payer_rows,
    seal_row,
    sign_table,
    text_cell,
)
from .builder import Builder
from .ooxml import C, Cell, L, Row, tag_row


def d16(b: Builder) -> None:
    b.enforcement_head()
    rows = enf_payer_rows()
    rows.append(
        text_cell(
            [
                "{{ x.payer.name }}：",
                "经查，{{ x.facts }}根据{{ x.duty_basis }}的规定，用人单位应当自行申报、"
                "按时足额缴纳社会保险费。现将" + PAYER_YOU + "欠缴社会保险费情况通知如下（单位：元）：",
            ],
            ENF_N,
        )
    )
    rows += arrears_rows()
    rows += arrears_total_rows()
    rows.append(
        text_cell(
            [
                "请" + PAYER_YOU + "于{{ deadline }}前足额缴纳上述社会保险费。",
                "逾期仍未缴纳的，本机关将依照《中华人民共和国社会保险法》第六十三条、第八十六条的规定责令"
                + PAYER_YOU
                + "限期缴纳或者补足，并自欠缴之日起按日加收万分之五的滞纳金；逾期仍不缴纳的，由有关行政部门处欠缴数额"
                "一倍以上三倍以下的罚款，本机关并可以依法查询存款账户、申请划拨社会保险费、要求提供担保或者申请人民法院"
                "扣押、查封、拍卖财产。",
            ],
            ENF_N,
        )
    )
    enforcement_tail(b, rows, ENF_N)
    b.table(ENF_W, rows, cell_margin=60)
    b.corrects()


def d17(b: Builder) -> None:
    b.enforcement_head()
    rows = enf_payer_rows()
    rows.append(
        text_cell(
            [
                "{{ x.payer.name }}：",
                "经查，{{ x.facts }}" + PAYER_YOU + "未按时足额缴纳社会保险费，欠缴明细如下（单位：元）：",
            ],
            ENF_N,
        )
    )
    rows += arrears_rows()
    rows += arrears_total_rows()
    rows.append(
        text_cell(
            [
                "根据《中华人民共和国社会保险法》第六十三条第一款、第八十六条的规定，现责令"
                + PAYER_YOU
                + "于{{ deadline }}前"
                "缴纳或者补足上述社会保险费，并自{{ x.late_fee_start }}起按日加收万分之五的滞纳金"
                "{% if doc.attachments %}（计算明细见附件）{% endif %}。",
                CONSEQUENCES_63,
            ],
            ENF_N,
        )
    )
    rows.append(
        Row([Cell([[("救济途径：", "LabelHei"), "{% for r in remedy %}{{ r }}{% endfor %}"]], "EnfText", ENF_N)])
    )
    rows.append(
        seal_row(
            ENF_N,
            note="{% if doc.attachments %}附件：{{ doc.attachments|join('；') }}　{% endif %}"
            "联系人：{{ x.contact }}　联系电话：{{ office.phone }}",
        )
    )
    b.table(ENF_W, rows, cell_margin=60)
    b.corrects()


def d18(b: Builder) -> None:
    b.enforcement_head()
    rows = enf_payer_rows()
    rows.append(
        text_cell(
            [
                "{{ x.payer.name }}：",
                "本机关已向"
                + PAYER_YOU
                + "送达《社会保险费责令限期缴纳通知书》{% if x.order_wenhao %}（{{ x.order_wenhao }}）{% endif %}，"
                + PAYER_YOU
                + "逾期仍未缴纳。经查：{{ x.facts }}",
                "{% if x.evidence %}上述事实有以下证据证明：{{ x.evidence|join('；') }}。{% endif %}欠缴明细如下（单位：元）：",
            ],
            ENF_N,
        )
    )
    rows += arrears_rows()
    rows.append(Row([C("合计", "TblSmallHead", sum(A_SPAN[:6])), C("{{ x.total_owed }}", "TblSmall", A_SPAN[6])]))
    rows.append(
        text_cell(
            [
                "根据《中华人民共和国社会保险法》第六十三条、第八十六条的规定，本机关决定：",
                "一、征收" + PAYER_YOU + "欠缴的社会保险费{{ x.total_owed }}元（大写：{{ x.total_owed_upper }}）；",
                "二、加收滞纳金{{ x.late_fee_total }}元（大写：{{ x.late_fee_total_upper }}，计至{{ x.late_fee_until }}"
                "{% if doc.attachments %}，计算明细见附件{% endif %}），此后至实际缴纳之日止的滞纳金依法另行计算；",
                "以上合计{{ x.grand_total }}元（大写：{{ x.grand_total_upper }}）。",
                "请"
                + PAYER_YOU
                + "于{{ deadline }}前{{ x.pay_method }}。逾期不履行本决定的，本机关将依照《中华人民"
                "共和国行政强制法》第五十三条、第五十四条的规定，催告后申请{{ office.court }}强制执行。",
            ],
            ENF_N,
        )
    )
    rows.append(
        Row([Cell([[("救济途径：", "LabelHei"), "{% for r in remedy %}{{ r }}{% endfor %}"]], "EnfText", ENF_N)])
    )
    rows.append(seal_row(ENF_N, note="{% if doc.attachments %}附件：{{ doc.attachments|join('；') }}{% endif %}"))
    b.table(ENF_W, rows, cell_margin=60)
    b.corrects()


# 滞纳金计算明细表 in 小五. Nine values a line do not fit the 156 mm 版心 on one line each in DejaVu
# Serif (what LibreOffice uses for Times New Roman on a server), so 起算日 and 截止日 share a column, one
# above the other, and 险种 takes two characters a line ("基本/养老") in the two lines that gives every
# row; every other value keeps to one line: "2024年12月15日", "1,108,254.40", "0.05%". Ledger-style 2 pt
# cell margins.
D19_W = [480, 1280, 1234, 1760, 1760, 480, 700, 1150]  # 险种 所属期 本金 届满日 起算/截止 天数 费率 滞纳金
D19_MARGIN = 40


def d19(b: Builder) -> None:
    b.enforcement_head(wenhao=False)
    b.p("缴费人：{{ x.payer.name }}", "FormMeta")
    b.p("{{ x.payer.id_label }}：{{ x.payer.id_value }}", "FormMeta")
    b.p("所附文书：{{ x.for_doc }}\t单位：元", "FormMeta")
    rows = [
        Row(
            [
                C("险种", "TblTinyHead"),
                C("所属期", "TblTinyHead"),
                C("欠缴本金", "TblTinyHead"),
                C("缴费期限届满日", "TblTinyHead"),
                Cell(["起算日", "截止日"], "TblTinyHead"),
                C("天数", "TblTinyHead"),
                C("日费率", "TblTinyHead"),
                C("滞纳金", "TblTinyHead"),
            ],
            header=True,
        ),
        tag_row("{%tr for f in x.fee_lines %}", 8),
        Row(
            [
                C("{{ f.insurance_type }}", "TblTiny"),
                C("{{ f.period }}", "TblTiny"),
                C("{{ f.principal }}", "TblTiny"),
                C("{{ f.due_date }}", "TblTiny"),
                Cell(["{{ f.start }}", "{{ f.end }}"], "TblTiny"),
                C("{{ f.days }}", "TblTiny"),
                C("{{ f.rate }}", "TblTiny"),
                C("{{ f.fee }}", "TblTiny"),
            ],
            height=560,
        ),
        tag_row("{%tr endfor %}", 8),
        Row(
            [
                C("合计", "TblTinyHead", 2),
                C("{{ x.principal_total }}", "TblTiny"),
                C("", "TblTiny", 4),
                C("{{ x.late_fee_total }}", "TblTiny"),
            ],
            height=400,
        ),
        Row(
            [C("滞纳金合计（大写）", "TblTinyHead", 3), C("{{ x.late_fee_total_upper }}", "TblSmallLeft", 5)],
            height=400,
        ),
        Row(
            [
                Cell(
                    [
                        "说明：1. 依照《中华人民共和国社会保险法》第八十六条，自欠缴之日（缴费期限届满次日）起按日加收万分之五的"
                        "滞纳金；2. 天数＝截止日－起算日＋1；3. 每行滞纳金四舍五入至分，合计为各行之和；4. 滞纳金单独列示，"
                        "不计入欠缴本金，不重复计算。"
                    ],
                    "TblSmallLeft",
                    8,
                )
            ]
        ),
    ]
    b.table(D19_W, rows, cell_margin=D19_MARGIN)
    b.blank()
    b.p("经办人：{{ x.handler }}　　　复核人：{{ x.reviewer }}\t{{ doc.date }}", "FormMeta")
    b.corrects()


def d20(b: Builder) -> None:
    b.enforcement_head()
    rows = payer_rows()
    rows.append(
        text_cell(
            [
                "{{ x.payer.name }}：",
                "本机关于{{ x.decision_date }}向"
                + PAYER_YOU
                + "送达了《社会保险费征收决定书》{% if x.decision_wenhao %}（{{ x.decision_wenhao }}）{% endif %}，"
                + PAYER_YOU
                + "在决定规定的期限（{{ x.decision_pay_by }}）届满后仍未履行缴纳义务。根据《中华人民共和国行政强制法》"
                "第三十五条、第五十四条的规定，现依法"
                "催告" + PAYER_YOU + "履行下列义务：",
            ],
            4,
        )
    )
    rows += [
        Row([C("项目", "TblHead"), C("金额（元）", "TblHead"), C("大写", "TblHead", 2)]),
        Row([L("社会保险费"), L("{{ x.total_owed }}"), C("{{ x.total_owed_upper }}", span=2)]),
        Row([L("滞纳金"), L("{{ x.late_fee_total }}"), C("{{ x.late_fee_total_upper }}", span=2)]),
        Row([L("合计"), L("{{ x.grand_total }}"), C("{{ x.grand_total_upper }}", span=2)]),
        Row([L("履行期限"), C("{{ deadline }}前"), L("履行（给付）方式"), C("{{ x.pay_method }}")]),
    ]
    rows.append(
        text_cell(
            [
                "{% if x.late_fee_note %}{{ x.late_fee_note }}{% endif %}"
                "依照《中华人民共和国行政强制法》第三十六条的规定，"
                + PAYER_YOU
                + "收到本催告书后有权进行陈述和申辩。"
                "陈述、申辩可以自收到本催告书之日起三日内以书面或者口头形式向本机关提出；本机关将充分听取"
                + PAYER_YOU
                + "的意见，对提出的事实、理由和证据进行记录、复核。",
                "逾期仍不履行的，本机关将依照《中华人民共和国行政强制法》第五十三条、第五十四条的规定，申请"
                "{{ office.court }}强制执行。",
            ],
            4,
        )
    )
    rows.append(
        Row([Cell([[("救济途径：", "LabelHei"), "{% for r in remedy %}{{ r }}{% endfor %}"]], "EnfText", 4)])
    )
    rows.append(seal_row(4, note="联系电话：{{ office.phone }}　地址：{{ office.address }}"))
    b.table(W4E, rows, cell_margin=60)
    b.corrects()


def d21(b: Builder) -> None:
    b.enforcement_head()
    rows = [
        Row([L("申请人"), C("{{ office.name }}"), L("地址"), C("{{ office.address }}")], height=460),
        Row([L("负责人"), C("{{ x.head }}"), L("联系电话"), C("{{ office.phone }}")], height=460),
        Row([L("被申请人"), C("{{ x.payer.name }}", span=3)], height=460),
        Row(
            [
                L("{{ x.payer.id_label }}"),
                C("{{ x.payer.id_value }}"),
                L("法定代表人"),
                C("{{ x.payer.legal_rep }}"),
            ],
            height=460,
        ),
        Row([L("住所"), C("{{ x.payer.address }}", span=3)], height=460),
        Row(
            [
                L("申请执行的行政决定"),
                C(
                    "《社会保险费征收决定书》{% if x.decision_wenhao %}（{{ x.decision_wenhao }}）{% endif %}，于{{ x.decision_date }}送达被申请人",
                    span=3,
                ),
            ]
        ),
        Row(
            [
                L("申请执行标的"),
                C(
                    "社会保险费{{ x.total_owed }}元、滞纳金{{ x.late_fee_total }}元，合计{{ x.grand_total }}元"
                    "（大写：{{ x.grand_total_upper }}）",
                    span=3,
                ),
            ]
        ),
        Row([L("事实和理由"), Cell(["{{ x.facts }}"], "TblText", 3, valign="top")], height=1000),
        Row([L("法律依据"), Cell(["{{ x.basis }}"], "TblText", 3, valign="top")]),
        Row([L("当事人的意见"), Cell(["{{ x.party_views }}"], "TblText", 3, valign="top")]),
        Row(
            [
                L("催告情况"),
                C(
                    "本机关于{{ x.demand_date }}向被申请人送达《催告书》{% if x.demand_wenhao %}（{{ x.demand_wenhao }}）{% endif %}，"
                    "催告期限届满后被申请人仍未履行。",
                    span=3,
                ),
            ]
        ),
    ]
    rows.append(
        text_cell(
            [
                "{{ doc.recipient }}：",
                "被申请人在法定期限内不申请行政复议或者提起行政诉讼，又不履行上述行政决定，经催告仍未履行。根据《中华人民"
                "共和国行政强制法》第五十三条、第五十四条、第五十五条的规定，特申请你院强制执行。",
                "{% if doc.attachments %}附件：{{ doc.attachments|join('；') }}{% endif %}",
            ],
            4,
        )
    )
    rows.append(
        Row(
            [
                Cell(["", "负责人（签名）：{{ x.head }}"], "TblText", 2, valign="bottom"),
                Cell(["{{ office.name }}", "{{ doc.date }}"], "TblLabel", 2, valign="bottom"),
            ],
            height=1500,
        )
    )
    b.table(W4E, rows, cell_margin=60)
    b.corrects()


def d22(b: Builder) -> None:
    b.enforcement_head(wenhao=False)
    w = [2200, 3294, 3350]
    time_line = "年　　月　　日　　时"
    rows = [
        Row([C("送达文书名称", "TblHead", 2), C("文号", "TblHead")], height=480),
        tag_row("{%tr for i in x.served %}", 3),
        Row([C("{{ i.title }}", span=2), C("{{ i.wenhao }}", "TblLabel")], height=480),
        tag_row("{%tr endfor %}", 3),
        Row([L("受送达人"), C("{{ doc.recipient }}", span=2)], height=560),
        Row([L("送达地点"), C("{{ x.place }}", span=2)], height=560),
        Row([L("送达方式"), C("{{ x.method }}", span=2)], height=560),
        Row([L("受送达人签名或盖章"), Cell([time_line], "TblDate", 2, valign="bottom")], height=1000),
        Row([L("代收人签名及代收理由"), Cell([time_line], "TblDate", 2, valign="bottom")], height=1000),
        Row([L("受送达人拒收理由"), Cell([time_line], "TblDate", 2, valign="bottom")], height=1000),
        Row([L("见证人签名或盖章"), Cell([time_line], "TblDate", 2, valign="bottom")], height=800),
        Row(
            [L("送达人签名"), Cell(["{{ x.server }}", time_line], "TblDate", 2, valign="bottom")], height=800
        ),
        Row(
            [L("填发机关"), Cell(["{{ office.name }}", "{{ doc.date }}"], "TblLabel", 2, valign="bottom")],
            height=1300,
        ),
        Row([L("备注"), C("{{ x.note }}", span=2)], height=600),
    ]
    b.table(w, rows)
    b.p(
        "说明：受送达人拒绝签收的，送达人应当在本回证上注明拒收理由和日期，由送达人、见证人签名或者盖章，"
        "将文书留在受送达人处，即视为送达。",
        "FormMeta",
    )
    b.corrects()


def d23(b: Builder) -> None:
    b.title()
    b.p("协议编号：{{ doc.wenhao }}", "FormMetaR")
    b.blank()
    b.p([("甲方（征收机关）：", "LabelHei"), "{{ office.name }}"], "GwRecipient")
    b.p("地址：{{ office.address }}；联系电话：{{ office.phone }}", "GwParty")
    b.p([("乙方（缴费人）：", "LabelHei"), "{{ x.payer.name }}"], "GwRecipient")
    b.tag("{%p if x.payer.id_value %}")
    b.p("{{ x.payer.id_label }}：{{ x.payer.id_value }}", "GwParty")
    b.tag("{%p endif %}")
    b.tag("{%p if x.payer.address or x.payer.legal_rep %}")
    b.p("{% if x.payer.address %}住所（地址）：{{ x.payer.address }}{% endif %}"
        "{% if x.payer.address and x.payer.legal_rep %}；{% endif %}"
        "{% if x.payer.legal_rep %}法定代表人：{{ x.payer.legal_rep }}{% endif %}", "GwParty")
    b.tag("{%p endif %}")
    b.blank()
    b.p(
        "乙方欠缴社会保险费{{ x.total_owed }}元（大写：{{ x.total_owed_upper }}），滞纳金{{ x.late_fee_total }}元。"
        "甲方已向乙方送达《社会保险费责令限期缴纳通知书》{% if x.order_wenhao %}（{{ x.order_wenhao }}）{% endif %}。因乙方账户余额少于应当缴纳的社会"
        "保险费，根据《中华人民共和国社会保险法》第六十三条第二款的规定，乙方提供担保，甲乙双方签订本延期缴费协议："
    )
    b.p(
        [
            ("第一条", "LabelHei"),
            "　乙方按照下列计划缴纳欠缴的社会保险费，并于{{ deadline }}前缴清全部欠费及滞纳金：",
        ]
    )
    rows = [
        Row([C(h, "TblHead") for h in ("期次", "缴纳期限", "金额（元）", "说明")], header=True),
        tag_row("{%tr for s in x.schedule %}", 4),
        Row(
            [
                C("{{ loop.index }}", "TblLabel"),
                C("{{ s.due }}", "TblLabel"),
                C("{{ s.amount }}", "TblLabel"),
                C("{{ s.note }}"),
            ]
        ),
        tag_row("{%tr endfor %}", 4),
    ]
    b.table([1000, 2600, 2000, 3244], rows)
    b.p([("第二条", "LabelHei"), "　担保：{{ x.guarantee }}"])
    b.p(
        [
            ("第三条", "LabelHei"),
            "　延期缴纳期间，滞纳金依法继续计算。本协议不减少、不免除乙方依法应当缴纳的社会"
            "保险费及滞纳金（《中华人民共和国社会保险法》第六十条、《社会保险费征缴暂行条例》第十二条）。",
        ]
    )
    b.p(
        [
            ("第四条", "LabelHei"),
            "　乙方未按本协议按期足额缴纳任何一期的，甲方可以依法要求担保人履行担保责任，"
            "申请人民法院扣押、查封、拍卖乙方价值相当于应当缴纳社会保险费的财产，并依法采取其他措施。",
        ]
    )
    b.p(
        [
            ("第五条", "LabelHei"),
            "　本协议自双方签字（盖章）之日起生效。本协议一式三份，甲乙双方各执一份，一份归入案卷。",
        ]
    )
    b.blank()
    b.body.append(
        sign_table(
            ["甲方（印章）：{{ office.name }}", "负责人（签名）：", "", "{{ doc.date }}"],
            ["乙方（印章）：{{ x.payer.name }}", "法定代表人（签名）：", "", "年　　月　　日"],
        )
    )
    b.body.append(sign_table(["担保人（签名或盖章）：", "", "年　　月　　日"], ["", "", ""], height=1200))
    b.corrects()


def d24(b: Builder) -> None:
    letter_head(b)
    b.p("{{ x.payer.name }}{% if x.payer.id_value %}（{{ x.payer.id_label }}：{{ x.payer.id_value }}）{% endif %}"
        "{{ x.facts }}")
    b.p(
        "本机关已于{{ x.order_date }}向其送达《社会保险费责令限期缴纳通知书》{% if x.order_wenhao %}（{{ x.order_wenhao }}）{% endif %}，责令其于"
        "{{ x.pay_by }}前缴纳。期限届满后，该缴费人仍未缴纳社会保险费{{ x.total_owed }}元（大写："
        "{{ x.total_owed_upper }}）。{{ x.proof }}"
    )
    b.p(
        "根据《中华人民共和国社会保险法》第八十六条“用人单位未按时足额缴纳社会保险费的，由社会保险费征收机构责令"
        "限期缴纳或者补足，并自欠缴之日起，按日加收万分之五的滞纳金；逾期仍不缴纳的，由有关行政部门处欠缴数额一倍"
        "以上三倍以下的罚款”的规定，现将该线索移送你单位，请依法处理，并将处理结果函告本机关。"
    )
    b.p("{% if x.contact %}联系人：{{ x.contact }}；{% endif %}联系电话：{{ office.phone }}。")
    b.attachments()
    b.corrects()
    b.signature()
    b.copy_to()
