"""Rendering: every template with a full and a minimal case, strictness, hostile text, fast path."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from docx.shared import Mm

from casefile.config import Workspace
from casefile.documents.context import build_context, sample_context, x_shapes
from casefile.documents.doctypes import DOC_TYPES
from casefile.documents.engine import clean_text, docx_text, find_template, load_template, make_env, prepare
from casefile.errors import MissingData, TemplateProblem, UsageError
from casefile.models.enums import Flag
from documents.docfixtures import (
    HOSTILE,
    MINIMAL_EXTRA,
    NOW,
    TAG_RE,
    TEMPLATE_TYPES,
    WORKFLOW_EXTRA,
    base_case,
    full_case,
    lookup,
    minimal_case,
    open_docx,
)


def render(ws: Workspace, doc_type: str, case: Any, extra: dict[str, Any] | None = None) -> tuple[bytes, dict[str, Any]]:
    ctx = build_context(ws, case, doc_type, now=NOW, actor="王晓梅", extra=extra, wenhao="偏税社测〔2026〕9号")
    return load_template(find_template(ws, doc_type)).render(ctx.data), ctx.data


def template_source_text(ws: Workspace, doc_type: str) -> str:
    return docx_text(find_template(ws, doc_type).read_bytes())


def assert_values_present(ws: Workspace, doc_type: str, text: str, ctx: dict[str, Any]) -> None:
    """Every ``{{ a.b }}`` the template prints shows its value, and every row of an x table is there."""
    source = template_source_text(ws, doc_type)
    missing = []
    for path in set(TAG_RE.findall(source)):
        value = lookup(ctx, path)
        if isinstance(value, str) and value and value not in text:
            missing.append(f"{path}={value!r}")
    for name, shape in x_shapes(doc_type).items():
        if shape.kind == "rows" and f"x.{name}" in source:
            for row in ctx["x"][name]:
                missing += [f"x.{name}[].{k}={v!r}" for k, v in row.items() if v and v not in text]
    assert not missing, f"{doc_type}: values not in the document: {missing}"


@pytest.mark.parametrize("doc_type", TEMPLATE_TYPES)
def test_every_template_renders_a_full_case(ws: Workspace, doc_type: str) -> None:
    data, ctx = render(ws, doc_type, full_case(), WORKFLOW_EXTRA.get(doc_type))
    text = docx_text(data)
    assert "{{" not in text and "{%" not in text and "%}" not in text
    assert_values_present(ws, doc_type, text, ctx)
    document = open_docx(data)  # python-docx reads it back
    assert document.paragraphs


@pytest.mark.parametrize("doc_type", TEMPLATE_TYPES)
def test_every_template_renders_a_minimal_case(ws: Workspace, doc_type: str) -> None:
    data, ctx = render(ws, doc_type, minimal_case(doc_type), MINIMAL_EXTRA.get(doc_type))
    text = docx_text(data)
    assert "{{" not in text and "{%" not in text
    assert "None" not in text
    assert_values_present(ws, doc_type, text, ctx)


@pytest.mark.parametrize("doc_type", TEMPLATE_TYPES)
def test_page_is_a4_with_gbt9704_margins(ws: Workspace, doc_type: str) -> None:
    data, _ = render(ws, doc_type, full_case(), WORKFLOW_EXTRA.get(doc_type))
    for section in open_docx(data).sections:
        got = {name: getattr(section, attr) for name, attr in (
            ("width", "page_width"), ("height", "page_height"), ("top", "top_margin"),
            ("bottom", "bottom_margin"), ("left", "left_margin"), ("right", "right_margin"))}
        want = {"width": 210, "height": 297, "top": 37, "bottom": 35, "left": 28, "right": 26}
        if doc_type == "D28":  # the register in landscape: the portrait page turned as it lies in the volume
            want = {"width": 297, "height": 210, "top": 26, "bottom": 28, "left": 37, "right": 35}
        for name, mm in want.items():
            assert abs(got[name] - Mm(mm)) <= Mm(1), f"{doc_type} {name}: {got[name] / Mm(1):.1f}mm"


def test_key_values_of_the_order_to_pay(ws: Workspace) -> None:
    data, ctx = render(ws, "D17", full_case())
    text = docx_text(data)
    for expected in ("偏税社测〔2026〕9号", "山西晋北建材有限公司", "91150525MA0Q12345U", "32,345.67",
                     "叁万贰仟叁佰肆拾伍元陆角柒分", "2026年4月4日", "2025年2月16日", "国家税务总局忻州市税务局",
                     "偏关县人民法院", "六十日", "六个月", "2026年5月8日"):
        assert expected in text
    assert ctx["remedy"] and all(line.endswith("。") for line in ctx["remedy"])


def test_late_fee_table_itemises_each_line_and_totals_in_words(ws: Workspace) -> None:
    data, ctx = render(ws, "D19", full_case())
    text = docx_text(data)
    lines = ctx["x"]["fee_lines"]
    assert [(r["insurance_type"], r["period"]) for r in lines] == [
        ("基本养老", "2025年1月"), ("失业", "2025年1月"), ("基本养老", "2025年2月")]
    # 12,345.67 from 2025-02-16 to 2026-05-08: 447 days × 0.0005, ROUND_HALF_UP per line
    assert lines[0] == {"insurance_type": "基本养老", "period": "2025年1月", "principal": "12,345.67",
                        "due_date": "2025年2月15日", "start": "2025年2月16日", "end": "2026年5月8日", "days": "447",
                        "rate": "0.05%", "fee": "2,759.26"}
    assert ctx["x"]["late_fee_total"] == "7,089.26"
    assert ctx["x"]["late_fee_total_upper"] == "柒仟零捌拾玖元贰角陆分"
    assert "柒仟零捌拾玖元贰角陆分" in text and "2,759.26" in text


def test_late_fee_reaching_the_principal_raises_the_review_flag(ws: Workspace) -> None:
    case = full_case()
    assert case.enforcement is not None
    for line in case.enforcement.arrears:
        line.period = "201901"  # seven years of 0.05% a day is more than the principal
    ctx = build_context(ws, case, "D19", now=NOW)
    assert Flag.LATE_FEE_GE_PRINCIPAL in ctx.flags
    assert any("法制审核" in w for w in ctx.warnings)


def test_paid_on_is_the_end_date_of_the_late_fee(ws: Workspace) -> None:
    from datetime import date

    case = full_case()
    assert case.enforcement is not None
    case.enforcement.paid_on = date(2025, 3, 17)
    ctx = build_context(ws, case, "D19", now=NOW)
    assert {r["end"] for r in ctx.data["x"]["fee_lines"]} == {"2025年3月17日"}


def test_hostile_text_round_trips_literally(ws: Workspace) -> None:
    claim = f"{HOSTILE}\n第二行\r\n第三行\t制表\x00\x07\x0c结束" + "长" * 20000
    case = base_case(claim=claim[:20000],
                     applicant=base_case().applicant.model_copy(update={"name": HOSTILE, "address": "<w:p>&amp;"}))
    data, _ = render(ws, "D01", case)
    text = docx_text(data)
    assert HOSTILE in text
    assert "<w:p>&amp;" in text
    assert f"{HOSTILE}\n第二行\n第三行\t制表结束" in text  # NUL, BEL and FF are dropped, not printed
    assert "长" * 19000 in text
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<w:br/>" in xml  # a typed newline is a line break, not a new paragraph
    assert "𠮷" in xml and "䶮" in xml and "〇" in xml
    assert "{_{ y }_}" in text  # docxtpl's own {_{ escape is not applied to what a user typed


def test_case_text_is_never_evaluated_as_template_code(ws: Workspace) -> None:
    case = base_case(claim="{{ office.name }}{% for i in range(3) %}X{% endfor %}{{ 7*7 }}")
    data, _ = render(ws, "D01", case)
    text = docx_text(data)
    assert "{{ office.name }}{% for i in range(3) %}X{% endfor %}{{ 7*7 }}" in text
    assert "49" not in text and "XXX" not in text


def test_newline_uses_docxtpl_line_break(ws: Workspace) -> None:
    data, _ = render(ws, "D01", base_case(claim="第一行\n第二行"))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert re.search(r"第一行</w:t><w:br/><w:t[^>]*>第二行", xml)


def test_clean_text_keeps_rare_characters() -> None:
    assert clean_text("𠮷䶮〇\r\n\x00a\x1fb") == "𠮷䶮〇\nab"


def _docx_with(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_undefined_field_is_an_error_naming_template_and_paragraph() -> None:
    tpl = prepare(_docx_with(["第一段", "金额：{{ x.amount }}", "{{ x.nope }}元整"]), "测试.docx")
    with pytest.raises(TemplateProblem) as err:
        tpl.render({"x": {"amount": "1"}})
    msg = err.value.message
    assert "测试.docx" in msg and "第3段" in msg and "nope" in msg and "元整" in msg


def test_syntax_error_is_an_error_naming_the_paragraph() -> None:
    with pytest.raises(TemplateProblem) as err:
        prepare(_docx_with(["第一段", "第二段", "{{ x.amount ) }}"]), "坏.docx")
    assert "坏.docx" in err.value.message and "第3段" in err.value.message and "语法" in err.value.message


def test_error_inside_a_table_names_row_and_column() -> None:
    import docx

    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(1, 1).text = "{{ x.missing }}"
    buf = io.BytesIO()
    d.save(buf)
    with pytest.raises(TemplateProblem) as err:
        prepare(buf.getvalue(), "表.docx").render({"x": {}})
    assert "第1个表格第2行第2列" in err.value.message


def test_none_value_is_an_error_not_a_word() -> None:
    with pytest.raises(TemplateProblem, match="None"):
        prepare(_docx_with(["{{ x.a }}"]), "t.docx").render({"x": {"a": None}})


def test_templates_cannot_reach_python_internals() -> None:
    tpl = prepare(_docx_with(["{{ x.__class__.__mro__ }}"]), "t.docx")
    with pytest.raises(TemplateProblem):
        tpl.render({"x": {}})


def test_not_a_docx_is_a_template_problem() -> None:
    with pytest.raises(TemplateProblem, match=r"不是有效的 \.docx"):
        prepare(b"not a zip", "x.docx")


def test_missing_data_lists_every_missing_item(ws: Workspace) -> None:
    with pytest.raises(MissingData) as err:
        build_context(ws, base_case(), "D17", now=NOW)
    assert "欠费明细" in err.value.message
    with pytest.raises(MissingData) as err:
        build_context(ws, base_case(), "D03", now=NOW)
    assert "不予受理的理由" in err.value.message and "有权处理的机关" in err.value.message


@pytest.mark.parametrize("doc_type", ["D16", "D17", "D18", "D24"])
def test_an_order_without_its_pay_by_date_is_refused(ws: Workspace, doc_type: str) -> None:
    """The step that issues an order sets its pay-by date; without one the document would say ``请你于前缴纳``."""
    case = minimal_case(doc_type)
    assert case.enforcement is not None
    case.enforcement.pay_by = case.enforcement.decision_pay_by = None
    with pytest.raises(MissingData, match="期限"):
        build_context(ws, case, doc_type, now=NOW)


def test_evidence_is_listed_by_its_name_and_pages(ws: Workspace) -> None:
    """D18 lists the evidence by the name the officer gave it on filing, with pages, never a file name."""
    from datetime import datetime

    from casefile.documents.context import evidence_titles
    from casefile.models.records import EvidenceRecord
    from documents.docfixtures import TZ

    def ev(n: int, name: str, slot: str | None, pages: int | None) -> EvidenceRecord:
        return EvidenceRecord(ev_id=f"E{n:02d}", original_name=name, slot=slot, pages=pages, file=f"evidence/E{n:02d}",
                              sha256="0" * 64, size=1, received_at=datetime(2026, 1, 6, tzinfo=TZ), source="收件",
                              text_status="ok")

    items = [ev(1, "工资条_李建国_2026年09月.pdf", "工资条", 1), ev(2, "工资条_李建国_2026年10月.pdf", "工资条", 1),
             ev(3, "IMG_20261104_153012.jpg", "劳动合同", 1), ev(4, "scan_0001.pdf", None, 2),
             ev(5, "银行代扣回单.pdf", None, None), ev(6, "wage table.xlsx", "工资表", None)]
    assert evidence_titles(items) == ["工资条（2份，共2页）", "劳动合同（1页）", "第4份证据材料（2页）", "银行代扣回单", "工资表"]
    case = full_case()
    case.evidence = items
    _, ctx = render(ws, "D18", case, WORKFLOW_EXTRA.get("D18"))
    assert ctx["x"]["evidence"][:5] == evidence_titles(items)
    assert not [e for e in ctx["x"]["evidence"] if re.search(r"\.(pdf|jpg|xlsx)|IMG_|scan_", e)]


def test_unknown_extra_key_is_refused(ws: Workspace) -> None:
    with pytest.raises(UsageError, match="colour"):
        build_context(ws, full_case(), "D17", now=NOW, extra={"colour": "red"})


def test_extra_overrides_an_x_field(ws: Workspace) -> None:
    ctx = build_context(ws, full_case(), "D17", now=NOW, extra={"facts": "另查明的事实。", "deadline": "2026年6月1日"})
    assert ctx.data["x"]["facts"] == "另查明的事实。"
    assert ctx.data["deadline"] == "2026年6月1日"


def test_extra_of_wrong_shape_is_refused(ws: Workspace) -> None:
    with pytest.raises(UsageError):
        build_context(ws, full_case(), "D23", now=NOW, extra={"schedule": "下月缴清"})
    with pytest.raises(UsageError, match="未知的键"):
        build_context(ws, full_case(), "D23", now=NOW, extra={"schedule": [{"due": "x", "colour": "red"}]})


def test_dept_is_resolved_to_its_name(ws: Workspace) -> None:
    ctx = build_context(ws, full_case(), "D04", now=NOW, extra={"dept": "RSJ"})
    assert ctx.recipient == "县人社局"
    assert ctx.data["deadline"] == "2026年1月12日"


def test_a_department_is_addressed_by_its_full_name(ws: Workspace) -> None:
    """主送 prints a department's full name (``full_name`` in casefile.toml); the case keeps the usual
    name, by which a redone step finds the letter it replaces. A party is printed as it is."""
    data, ctx = render(ws, "D04", full_case(), {"dept": "RSJ"})
    assert ctx["doc"]["recipient"] == "偏关县人力资源和社会保障局"
    assert "偏关县人力资源和社会保障局：" in docx_text(data)
    assert build_context(ws, full_case(), "D04", now=NOW, extra={"dept": "RSJ"}).recipient == "县人社局"
    data, ctx = render(ws, "D10", full_case(), WORKFLOW_EXTRA.get("D10"))  # the meeting's units
    assert ctx["doc"]["recipient"] == "偏关县人力资源和社会保障局、偏关县医疗保障局"
    assert ctx["doc"]["recipient"] + "：" in docx_text(data)
    data, ctx = render(ws, "D12", full_case())
    assert ctx["doc"]["recipient"] == full_case().applicant.name


@pytest.mark.parametrize("doc_type", TEMPLATE_TYPES)
def test_context_matches_the_registry(ws: Workspace, doc_type: str) -> None:
    """Each x field of the registry is present with its declared shape, and none is named like a dict
    method (Jinja would print the method instead of the value)."""
    ctx = build_context(ws, full_case(), doc_type, now=NOW, extra=WORKFLOW_EXTRA.get(doc_type))
    x = ctx.data["x"]
    assert set(x) == set(DOC_TYPES[doc_type].x_fields)
    for name, shape in x_shapes(doc_type).items():
        assert not hasattr({}, name), f"x.{name} collides with dict.{name}"
        value = x[name]
        if shape.kind == "str":
            assert isinstance(value, str)
        elif shape.kind == "list":
            assert isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif shape.kind == "rows":
            assert all(set(r) == set(shape.keys) and all(isinstance(v, str) for v in r.values()) for r in value)
        else:
            assert set(value) == set(shape.keys)


@pytest.mark.parametrize("doc_type", TEMPLATE_TYPES)
def test_fast_path_text_is_identical_to_plain_docxtpl(ws: Workspace, doc_type: str) -> None:
    from docxtpl import DocxTemplate

    tf = find_template(ws, doc_type)
    for ctx in (build_context(ws, full_case(), doc_type, now=NOW, extra=WORKFLOW_EXTRA.get(doc_type)).data,
                sample_context(doc_type, filled=False)):
        fast = load_template(tf).render(ctx)
        plain = DocxTemplate(io.BytesIO(tf.read_bytes()))
        plain.render(ctx, jinja_env=make_env(), autoescape=True)
        buf = io.BytesIO()
        plain.save(buf)
        assert docx_text(fast) == docx_text(buf.getvalue())


def test_rendering_is_deterministic(ws: Workspace) -> None:
    tpl = load_template(find_template(ws, "D17"))
    ctx = build_context(ws, full_case(), "D17", now=NOW).data
    assert tpl.render(ctx) == tpl.render(ctx)


def test_errors_around_paragraph_tags_are_located() -> None:
    """docxtpl's {%p %} swallows its own paragraph; messages still name the right one."""
    paras = ["第一段", "{%p if x.a %}", "条件内：{{ x.b }}", "{%p endif %}", "{%p if x.nope.deeper %}", "{%p endif %}"]
    tpl = prepare(_docx_with(paras), "p.docx")
    with pytest.raises(TemplateProblem) as err:
        tpl.render({"x": {"a": "1"}})
    assert "第3段" in err.value.message and "条件内" in err.value.message
    with pytest.raises(TemplateProblem) as err:
        tpl.render({"x": {"a": "1", "b": "2"}})
    assert "第5段" in err.value.message and "x.nope.deeper" in err.value.message


def test_typed_reasons_print_as_whole_sentences(ws: Workspace) -> None:
    extra = {**(WORKFLOW_EXTRA.get("D09") or {}), "reason": "经两次催办，仍以不属本部门职责为由拒不办理"}
    ctx = build_context(ws, full_case(), "D09", now=NOW, extra=extra)
    assert ctx.data["x"]["refusal"] == "经两次催办，仍以不属本部门职责为由拒不办理。"
    extra["reason"] = "拒不办理（理由见附件）"
    assert build_context(ws, full_case(), "D09", now=NOW, extra=extra).data["x"]["refusal"] == "拒不办理（理由见附件）"
