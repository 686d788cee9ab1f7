"""Templates of archiving and reporting: D25–D29 (案卷封面, 卷内目录, 备考表, 登记簿, 典型案例)."""

from __future__ import annotations

from .blocks import W4F
from .builder import Builder
from .geometry import TEXT_W
from .ooxml import C, Cell, L, Row, tag_row


def d25(b: Builder) -> None:
    b.blank(1)
    b.p([("全宗名称：", "LabelHei"), "{{ x.fonds_name }}"], "GwRecipient")
    b.p([("类目名称：", "LabelHei"), "{{ x.category }}"], "GwRecipient")
    b.blank(2)
    b.p("案卷题名", "GwSubtitle")
    b.blank()
    b.p("{{ x.file_title }}", "CoverBig")
    b.blank(2)
    rows = [
        Row([L("案件编号"), C("{{ case.number }}"), L("争议类别"), C("{{ case.categories }}")], height=500),
        Row(
            [L("受理日期"), C("{{ case.received_date }}"), L("办结日期"), C("{{ x.closed_date }}")],
            height=500,
        ),
        Row([L("承办部门"), C("{{ case.lead_dept }}"), L("立卷人"), C("{{ x.filer }}")], height=500),
        Row([L("时间"), C("{{ x.date_range }}", span=3)], height=500),
        Row([L("保管期限"), C("{{ x.retention }}"), L("全宗号"), C("{{ x.fonds }}")], height=500),
        Row([L("本卷件数"), C("{{ x.item_count }}件"), L("本卷页数"), C("{{ x.page_count }}页")], height=500),
        Row([L("归档号"), C("{{ x.archive_no }}", span=3)], height=500),
        Row([L("档号"), C("{{ x.dang_hao }}", span=3)], height=500),
    ]
    b.table(W4F, rows, outer=12)


def d26(b: Builder) -> None:
    b.form_head("档号：{{ x.dang_hao }}", "案件编号：{{ case.number }}")
    w = [600, 1750, 1300, 2694, 1150, 650, 700]
    rows = [
        Row(
            [C(h, "TblSmallHead") for h in ("序号", "文号", "责任者", "题名", "日期", "页号", "备注")],
            header=True,
            height=520,
        ),
        tag_row("{%tr for e in x.entries %}", 7),
        Row(
            [
                C("{{ e.seq }}", "TblSmall"),
                C("{{ e.wenhao }}", "TblSmall"),
                C("{{ e.author }}", "TblSmall"),
                C("{{ e.title }}", "TblSmallLeft"),
                C("{{ e.date }}", "TblSmall"),
                C("{{ e.pages }}", "TblSmall"),
                C("{{ e.note }}", "TblSmall"),
            ],
            height=520,
        ),
        tag_row("{%tr endfor %}", 7),
    ]
    b.table(w, rows)


def d27(b: Builder) -> None:
    b.form_head("档号：{{ x.dang_hao }}", "案件编号：{{ case.number }}")
    rows = [
        Row([C("本卷情况说明", "TblHead")], height=520),
        Row(
            [
                Cell(
                    ["本卷共{{ x.item_count }}件，{{ x.page_count }}页。", "{{ x.note }}"],
                    "TblIndent",
                    valign="top",
                )
            ],
            height=7600,
        ),
        Row(
            [
                Cell(
                    [
                        "立卷人：{{ x.filer }}",
                        "检查人：{{ x.checker }}",
                        "立卷时间：{{ x.filed_date }}",
                        "检查时间：{{ x.checked_date }}",
                    ],
                    "TblText",
                    valign="center",
                    borders="",
                )
            ],
            height=2000,
        ),
    ]
    # the signature lines sit in the lower right of the last cell (GB/T 9705 卷内备考表)
    rows[-1].cells[0].style = "TblSign"
    b.table([TEXT_W], rows)


def d28(b: Builder) -> None:
    b.form_head("全宗名称：{{ x.fonds_name }}", "年度：{{ x.year }}　保管期限：{{ x.retention }}")
    w = [650, 3150, 1900, 1700, 3006, 1150, 650, 650, 1900]  # the landscape 版心: 225 mm = 12756 twips; 档号 on one line
    rows = [
        Row(
            [
                C(h, "TblSmallHead")
                for h in ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")
            ],
            header=True,
            height=520,
        ),
        tag_row("{%tr for e in x.entries %}", 9),
        Row(
            [
                C("{{ e.seq }}", "TblSmall"),
                C("{{ e.dang_hao }}", "TblSmall"),
                C("{{ e.wenhao }}", "TblSmall"),
                C("{{ e.author }}", "TblSmall"),
                C("{{ e.title }}", "TblSmallLeft"),
                C("{{ e.date }}", "TblSmall"),
                C("{{ e.secret }}", "TblSmall"),
                C("{{ e.pages }}", "TblSmall"),
                C("{{ e.note }}", "TblSmall"),
            ],
            height=520,
        ),
        tag_row("{%tr endfor %}", 9),
    ]
    b.table(w, rows)


def d29(b: Builder) -> None:
    b.red_head("社会保险费征缴争议典型案例", number="{{ office.name }}　{{ x.case_no }}")
    b.title("{{ x.case_title }}")
    b.blank()
    # one label a line: a label is never broken across two lines
    b.p([("【类别】", "LabelHei"), "{{ case.categories }}"])
    b.p([("【险种】", "LabelHei"), "{{ case.insurance_types }}"])
    b.tag("{%p if case.risk %}")
    b.p([("【风险等级】", "LabelHei"), "{{ case.risk }}"])
    b.tag("{%p endif %}")
    b.p([("【关键词】", "LabelHei"), "{{ x.keywords }}"])
    b.h1("一、案情简介")
    b.loop("t", "x.summary", "{{ t }}")
    b.h1("二、争议焦点")
    b.numbered("t", "x.issues", "{{ t }}")
    b.h1("三、处理结果")
    b.loop("t", "x.result", "{{ t }}")
    b.h1("四、法律依据")
    b.numbered("a", "x.basis", "{{ a }}")
    b.h1("五、经验启示")
    b.loop("t", "x.lessons", "{{ t }}")
    b.blank()
    b.p(
        "（本案例已脱敏{% if x.reviewer %}，脱敏审核人：{{ x.reviewer }}{% endif %}"
        "{% if x.approver %}；发布审批人：{{ x.approver }}{% endif %}"
        "{% if x.approved_date %}；审批日期：{{ x.approved_date }}{% endif %}。）",
        "GwNote",
    )
