"""Text and table rows shared by several templates (缴费人 rows, arrears grid, 用印 rows)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from .builder import Builder
from .geometry import TEXT_W
from .ooxml import C, Cell, L, Row, Seg, table_xml, tag_row

#: 你 / 你单位 by the party's kind (``you`` of casefile.documents.context.party_dict)
YOU = "{{ applicant.you }}"
PAYER_YOU = "{{ x.payer.you }}"
CONSEQUENCES_63 = (
    "逾期仍不缴纳或者补足的，本机关将依照《中华人民共和国社会保险法》第六十三条的规定，向银行和其他金融机构"
    "查询"
    + PAYER_YOU
    + "的存款账户，并可以申请县级以上有关行政部门作出划拨社会保险费的决定；账户余额少于应当缴纳的"
    "社会保险费的，可以要求"
    + PAYER_YOU
    + "提供担保，签订延期缴费协议；未足额缴纳且未提供担保的，可以申请人民法院扣押、"
    "查封、拍卖"
    + PAYER_YOU
    + "价值相当于应当缴纳社会保险费的财产，以拍卖所得抵缴社会保险费。逾期仍不缴纳的，由有关"
    "行政部门依照第八十六条的规定处欠缴数额一倍以上三倍以下的罚款。"
)
ROMAN = "{{ '一二三四五六七八九十'[loop.index0] if loop.index0 in range(10) else loop.index }}"

# table widths (twips); every table spans the 版心 (8844)
W4 = [1700, 2722, 1700, 2722]
W4E = [2100, 3200, 1400, 2144]  # enforcement forms: an 18-character credit code on one line in 小四
W4F = [1750, 2672, 1750, 2672]  # forms with identity numbers


def payer_rows() -> list[Row]:
    """缴费人 rows on a 4-column grid (label, value, label, value)."""
    return [
        Row([L("缴费人名称"), C("{{ x.payer.name }}", span=3)], height=480),
        Row(
            [
                L("{{ x.payer.id_label }}"),
                C("{{ x.payer.id_value }}"),
                L("法定代表人（负责人）"),
                C("{{ x.payer.legal_rep }}"),
            ],
            height=480,
        ),
        Row(
            [
                L("地址"),
                C("{{ x.payer.address }}"),
                L("联系电话"),
                C("{{ x.payer.mobile or x.payer.phone }}"),
            ],
            height=480,
        ),
    ]


def seal_row(
    ncols: int, organ: str = "{{ office.name }}", height: int = 1100, note: str | None = None
) -> Row:
    """A full-width row: sealed 署名 centred over the date, the date four characters from the right (小四).

    `note` (e.g. the 附件 line) is printed flush left at the top of the same cell.
    """
    paras: list[Seg | list[Seg]] = [organ, "{{ doc.date }}"]
    styles = ["TblSign", "TblDate"]
    if note is not None:
        paras.insert(0, note)
        styles.insert(0, "TblText")
    return Row([Cell(paras, "TblSign", ncols, valign="bottom", para_styles=styles)], height=height)


def text_cell(paras: list[Seg | list[Seg]], ncols: int, style: str = "EnfText") -> Row:
    return Row([Cell(paras, style, ncols, valign="top")])


# Enforcement forms D16–D18: the 缴费人 rows and the arrears table divide the 版心 differently, so the
# table grid holds the column edges of both and each row spans the grid columns between its own edges.
# Widths keep the widest realistic value on one line in Times New Roman and in the wider DejaVu Serif
# that LibreOffice substitutes on a server without Windows fonts, allowing for the gap LibreOffice and
# Word put between Chinese characters and digits: "2024年12月", "128,254.40" (五号), an 18-character
# credit code and a telephone number (小四); a 27-character address takes two lines.
ARREARS_W = [1100, 1500, 600, 1230, 1470, 1470, 1474]  # 险种 所属期 人数 缴费基数 应缴 已缴 欠缴
PAYER_W = [2100, 3500, 1340, 1904]  # label, value, label, value
assert sum(ARREARS_W) == sum(PAYER_W) == sum(W4E)


def _edges(widths: Sequence[int]) -> list[int]:
    return list(itertools.accumulate(widths))


ENF_EDGES = sorted(set(_edges(ARREARS_W)) | set(_edges(PAYER_W)))
ENF_W = [b - a for a, b in itertools.pairwise([0, *ENF_EDGES])]
ENF_N = len(ENF_W)


def enf_spans(widths: Sequence[int]) -> list[int]:
    """Grid spans of cells of the given widths side by side on the enforcement grid."""
    out, start = [], 0
    for edge in _edges(widths):
        end = ENF_EDGES.index(edge) + 1
        out.append(end - start)
        start = end
    return out


A_SPAN = enf_spans(ARREARS_W)
P_SPAN = enf_spans(PAYER_W)


def arrears_rows() -> list[Row]:
    heads = ("险种", "所属期", "人数", "缴费基数", "应缴金额", "已缴金额", "欠缴金额")
    fields = ("insurance_type", "period", "headcount", "base", "due", "paid", "owed")
    return [
        Row([C(h, "TblSmallHead", n) for h, n in zip(heads, A_SPAN, strict=True)]),
        tag_row("{%tr for a in x.arrears %}", ENF_N),
        Row([C(f"{{{{ a.{f} }}}}", "TblSmall", n) for f, n in zip(fields, A_SPAN, strict=True)]),
        tag_row("{%tr endfor %}", ENF_N),
    ]


def arrears_total_rows() -> list[Row]:
    """合计 under 应缴/已缴/欠缴 and the owed total in words."""
    return [
        Row(
            [
                C("合计", "TblSmallHead", sum(A_SPAN[:4])),
                C("{{ x.total_due }}", "TblSmall", A_SPAN[4]),
                C("{{ x.total_paid }}", "TblSmall", A_SPAN[5]),
                C("{{ x.total_owed }}", "TblSmall", A_SPAN[6]),
            ]
        ),
        Row([L("欠缴金额合计（大写）", span=sum(A_SPAN[:2])), C("{{ x.total_owed_upper }}", span=sum(A_SPAN[2:]))]),
    ]


def enf_payer_rows() -> list[Row]:
    """缴费人 rows of the enforcement grid: label, value, label, value."""
    label1, value1, label2, value2 = P_SPAN
    return [
        Row([L("缴费人名称", span=label1), C("{{ x.payer.name }}", span=ENF_N - label1)], height=380),
        Row(
            [
                L("{{ x.payer.id_label }}", span=label1),
                C("{{ x.payer.id_value }}", span=value1),
                L("法定代表人", span=label2),
                C("{{ x.payer.legal_rep }}", span=value2),
            ],
            height=380,
        ),
        Row(
            [
                L("地址", span=label1),
                C("{{ x.payer.address }}", span=value1),
                L("联系电话", span=label2),
                C("{{ x.payer.mobile or x.payer.phone }}", span=value2),
            ],
            height=380,
        ),
    ]


def letter_head(b: Builder) -> None:
    """信函格式 body start: 文号 flush right 7/8 of a 3号 character under the double rule, title two lines lower."""
    b.p("{{ doc.wenhao }}", "GwWenhaoR")
    b.blank(2)
    b.title()
    b.recipient()


def party_block(b: Builder, label: str, who: str) -> None:
    """当事人基本情况 for agreements: name, identity number, address, representative, telephone."""
    b.p([(f"{label}：", "LabelHei"), f"{{{{ {who}.name }}}}"], "GwRecipient")
    b.tag(f"{{%p if {who}.id_value %}}")
    b.p(f"{{{{ {who}.id_label }}}}：{{{{ {who}.id_value }}}}", "GwParty")
    b.tag("{%p endif %}")
    b.tag(f"{{%p if {who}.address %}}")
    b.p(f"住所（地址）：{{{{ {who}.address }}}}", "GwParty")
    b.tag("{%p endif %}")
    b.p(
        f"{{% if {who}.legal_rep %}}法定代表人（负责人）：{{{{ {who}.legal_rep }}}}；{{% endif %}}"
        f"联系电话：{{{{ {who}.mobile or {who}.phone }}}}",
        "GwParty",
    )


def sign_table(left: list[Seg | list[Seg]], right: list[Seg | list[Seg]], height: int = 1800) -> str:
    """The signature block of an agreement: two borderless columns, one per party, in 3号."""
    widths = [TEXT_W // 2, TEXT_W - TEXT_W // 2]
    return table_xml(
        widths,
        [Row([Cell(left, "GwSignCol", valign="top"), Cell(right, "GwSignCol", valign="top")], height=height)],
        borders=False,
        cell_margin=0,
    )


def enforcement_tail(b: Builder, rows: list[Row], ncols: int, *, contact: bool = True) -> list[Row]:
    note = (
        "联系人：{{ x.contact }}　联系电话：{{ office.phone }}　地址：{{ office.address }}"
        if contact
        else None
    )
    rows.append(seal_row(ncols, note=note))
    return rows
