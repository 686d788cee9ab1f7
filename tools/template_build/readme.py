"""templates/README.md, generated from the document-type registry so that it never drifts."""

from __future__ import annotations

from casefile.documents.doctypes import DOC_TYPES

from .build import TEMPLATE_TYPES

LAYOUT_NAMES = {
    "gongwen": "公文（红头、发文字号、红色分隔线）",
    "letter": "信函格式（函）",
    "minutes": "纪要格式",
    "form": "表格",
    "enforcement": "执法文书（单页表格）",
    "agreement": "协议",
}

README_HEAD = """# 文书模板说明

本目录存放 30 种文书模板 `D01.docx` … `D29.docx` 和 `D32.docx`（docxtpl 模板，Jinja 语法；D30 月度报告、
D31 工作台账由程序直接生成，没有模板）。模板由
`tools/build_templates.py` 生成，请勿直接修改本目录下的文件；本单位的个性化修改请按下文“覆盖模板”办理。

## 版式

全部模板按 GB/T 9704-2012《党政机关公文格式》设置：A4 纸，天头 37 mm、订口 28 mm、下白边 35 mm、
翻口 26 mm；每页 22 行、每行 28 字（文档网格“指定行和字符网格”，行距固定值 28.95 磅）；标题 2 号方正小标宋简体，
正文 3 号仿宋_GB2312，一级标题黑体、二级标题楷体_GB2312；页码 4 号宋体“— 1 —”，单页居右、双页居左。
字体只写名称、不嵌入文件，打印或转 PDF 的电脑须安装上述字体（casefile 自己转 PDF 时用 Fandol、
思源宋体粗体等同风格的免费字体代替，并全部嵌入）。

## 署名页与版记

- 印章（署名和成文日期）必须与正文同页（GB/T 9704 第 7.3.5 条）：正文最后一段（结尾是“特此告知。”之类的套语时连同前一段）、
  附件说明和更正说明设为“与下段同页”，排不下时这些正文行随署名一起移到下一页，不缩小字号。
- 只在放得下时整体不分页：附件或证据清单超过 6 项时，只有最后一项与署名同页，前面各项可以分页；
  正文最后一段可以跨页拆开。这样不会出现整块内容被推到下一页、上一页大半空白的情况。
- 红头文件的版记（抄送、印发机关和印发日期）放在一个固定于版心底部的图文框中，最后一行落在最后一页的末行（第 7.4 条）；
  信函格式的抄送不超过两行时与成文日期同页。
- 修改模板时请保留这些段落的“与下段同页”设置；`casefile templates check --rendered` 会把模板生成 PDF 逐页检查，
  印章单独成页等问题会被指出。

## 在 Word / WPS 中修改模板

1. 把要修改的模板（例如 `D17.docx`）复制到本工作区的 `templates/` 文件夹，保持文件名不变。
2. 用 Word 或 WPS 打开复制件修改文字和版式。**请修改样式，不要直接设置格式**：在“样式”窗格中右击
   “正文”“公文标题”“一级标题”“二级标题”“署名”“成文日期”“表格文字”“执法文书正文”等样式，选择“修改”。
   这样全文统一变化，也不会破坏文档网格。
3. 双花括号 `{{ … }}` 是填充位置，`{%p … %}`、`{%tr … %}` 所在的整段或整行是循环、条件标记，
   修改时请整体保留：
   - 标记必须使用半角花括号 `{ }`、半角百分号和直引号（`'`），不要输入全角“｛｝”或弯引号“‘’”；
     关闭“自动更正—直引号替换为弯引号”后再编辑。
   - 一个 `{{ … }}` 要一次输入完，不要在中间改字体或字号（否则 Word 会把它拆成几段，系统无法识别）。
     发现拆开时，选中整个标记，清除格式后重新输入。
   - `{%p for … %}` 与 `{%p endfor %}`、`{%p if … %}` 与 `{%p endif %}` 必须各占一段、成对出现；
     表格中的 `{%tr for … %}`、`{%tr endfor %}` 各占一行，夹在中间的那一行按每条数据重复。
4. 保存为 .docx（不要另存为 .doc 或 .wps）。

## 覆盖模板

工作区 `templates/` 文件夹中与本目录同名的文件（如 `D17.docx`）优先于系统自带模板使用；删除该文件即恢复默认。
生成的文书会记录所用模板的 SHA-256，事后可以核对是用哪一版模板生成的。
模板中使用了未定义的名称（例如拼错的变量）时，生成会报错而不会输出空白，请对照下表改正。

## 可用的名称

所有模板都可以使用下列名称（值均为已格式化的文字）：

| 名称 | 含义 |
|---|---|
| `office.name` / `short` / `address` / `phone` | 本机关全称、简称、地址、电话 |
| `office.superior_tax` / `county_gov` / `court` / `arbitration` / `leading_group_office` | 上一级税务机关、本级人民政府、基层人民法院、劳动人事争议仲裁委员会、领导小组办公室 |
| `doc.type` / `title` / `wenhao` / `date` | 文书类型（D17）、文书名称、文号、成文日期（2026年5月8日） |
| `doc.recipient` / `copy_to` / `corrects` / `attachments` | 主送（受送达人）、抄送、更正说明、附件名称列表 |
| `case.id` / `number` / `received_at` / `received_date` | 案件ID、案件编号、受理时间、受理日期 |
| `case.channel` / `channel_ref` / `first_handler` / `intake_dept` | 受理渠道、工单号、首问责任人、受理部门 |
| `case.coordinator_dept` / `lead_dept` / `co_depts` | 统筹部门、主办部门、协办部门 |
| `case.jurisdiction` / `jurisdiction_code` | 事项所在辖区及行政区划代码 |
| `case.categories` / `category_codes` / `insurance_types` / `periods` | 争议类别、类别代码、险种、所属期 |
| `case.claim` / `attachments` | 反映主要事项（诉求及事实）、提交材料列表 |
| `case.case_class` / `risk` / `route` / `state` | 分类、风险等级、办理路径、状态 |
| `case.amounts`（列表：`name` `amount` `upper`）/ `total_amount` / `total_amount_upper` | 争议金额明细及合计（小写、大写） |
| `applicant.*`、`counterparty.*` | 缴费人（反映人）与对方当事人：`kind_label` `name` `id_label` `id_value` `address` `mobile` `phone` `legal_rep` `represents`（无对方当事人时各项为空） |
| `deadline` | 本文书涉及的期限（答复期限、缴纳期限等），可能为空 |
| `remedy` | 救济途径语句列表，按 `{%p for r in remedy %}` 逐句输出 |

各文书另有专用名称 `x.…`，见下表（“列表”须用循环输出）。

"""


def readme_text() -> str:
    lines = [README_HEAD]
    lines.append("| 文书 | 名称 | 版式 | 文号 | 救济途径 | 用印 | 送达回证 |")
    lines.append("|---|---|---|---|---|---|---|")
    yes = {True: "有", False: "—"}
    for t in TEMPLATE_TYPES:
        d = DOC_TYPES[t]
        lines.append(
            f"| {t} | {d.title} | {LAYOUT_NAMES[d.layout]} | {yes[d.numbered]} | {yes[d.remedy]} | "
            f"{yes[d.sealed]} | {yes[d.to_party]} |"
        )
    lines.append("")
    for t in TEMPLATE_TYPES:
        d = DOC_TYPES[t]
        lines.append(f"### {t} {d.title}")
        lines.append("")
        if d.recipient:
            lines.append(f"主送（`doc.recipient`）：{d.recipient}。")
        if d.deadline:
            lines.append(f"期限（`deadline`）：{d.deadline}。")
        if d.recipient or d.deadline:
            lines.append("")
        if not d.fields:
            lines.append("只使用通用名称。")
        for f in d.fields:
            lines.append(f"- `x.{f.name}`：{f.describe()}")
        lines.append("")
    return "\n".join(lines)
