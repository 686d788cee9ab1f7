"""The rendered-document check: its rules on known-bad text, and every code rendered, converted and read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casefile.config import Workspace
from casefile.documents.context import build_context
from casefile.documents.engine import find_template, load_template
from casefile.documents.office import warm_office
from casefile.documents.pdf import convert_many, find_soffice
from casefile.documents.rendercheck import RenderFinding, check_pages, check_pdf, check_rendered
from documents.docfixtures import (
    MINIMAL_EXTRA,
    NOW,
    TEMPLATE_TYPES,
    WORKFLOW_EXTRA,
    busy_case,
    full_case,
    minimal_case,
)

needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
FACES = ["FandolFang-Regular", "NotoSerifCJKjp-Bold-VKana", "LiberationSerif"]
LINE28 = "本机关依法受理了你单位提出的申请现将有关事项告知如下请你单位"[:28]


def codes(pages: list[str], layout: str = "gongwen", fonts: list[str] | None = FACES) -> list[str]:
    return sorted({f.code for f in check_pages(pages, doc_type="D02", variant="t", layout=layout, fonts=fonts)})


def test_clean_text_passes() -> None:
    page = f"受理告知书\n张三：\n{LINE28}\n{LINE28}\n特此告知。\n国家税务总局偏关县税务局\n2026年5月8日\n— 1 —"
    assert codes([page]) == []


@pytest.mark.parametrize(("text", "code"), [
    ("上述事实有以下证据证明：。欠缴明细如下", "dangling"),
    ("本事项由县税务局受理，按照方式办理。", "dangling"),
    ("（地址及联系电话：）", "dangling"),
    ("请于前缴清。", "dangling"),
    ("合计元（大写：零元整）", "dangling"),
    ("送达《通知书》（）", "empty"),
    ("通过通过银行缴纳缴纳", "doubled"),
    ("争议金额disputed159,874.51元", "ascii"),
    ("类别：C03，优先级P1", "ascii"),
    ("受访人：None", "ascii"),
    ("你（单位）于2026年5月8日反映", "you"),
])
def test_each_rule_catches_what_the_clerk_found(text: str, code: str) -> None:
    assert code in codes([text])


def test_numbers_wenhao_ids_and_urls_are_not_english() -> None:
    text = ("偏税社告〔2026〕9号，统一社会信用代码91140932MA0K3L2X1Y，\n身份证号14093219900101001X，"
            "\n详见https://www.example.gov.cn/notice，金额159,874.51元")
    assert "ascii" not in codes([text])


def test_seal_alone_on_a_page_and_with_text() -> None:
    body = "\n".join([LINE28] * 20)
    alone = [body, "国家税务总局偏关县税务局\n2026年5月8日\n— 2 —"]
    assert "seal-alone" in codes(alone)
    shared = [body, f"{LINE28}\n特此告知。\n国家税务总局偏关县税务局\n2026年5月8日\n— 2 —"]
    assert "seal-alone" not in codes(shared)
    # a long organ name wraps the 署名 to several lines, all set far in: still alone
    sign = "\n".join(" " * 14 + part for part in ("国家税务总局偏关县税务局社会", "保险费征缴争议联合处置工作机", "制办公室"))
    assert "seal-alone" in codes([body, f"{sign}\n{' ' * 17}2026年5月8日\n— 2 —"])
    assert "seal-alone" not in codes([body, f"  {LINE28}\n特此告知。\n{sign}\n{' ' * 17}2026年5月8日\n— 2 —"])


def test_grid_wants_28_characters_a_full_line() -> None:
    assert "grid" in codes(["\n".join([LINE28[:27]] * 5)])  # 27 a line: the grid is wrong
    assert "grid" in codes([LINE28 + "多出两个"])
    assert "grid" not in codes(["\n".join([LINE28] * 5)])
    assert "grid" not in codes(["\n".join([LINE28[:27]] * 5)], layout="enforcement")  # forms are 小四


def test_fonts_must_be_the_document_faces() -> None:
    assert "font" in codes(["特此告知。"], fonts=["WenQuanYiZenHei", "FandolFang-Regular"])
    assert "font" in codes(["特此告知。"], fonts=["NotoSerifCJKjp-Bold-VKana"])  # no 仿宋 body
    assert "font" not in codes(["特此告知。"], fonts=FACES)


def test_finding_reads_as_a_sentence() -> None:
    f = RenderFinding("D18", "busy", 2, "dangling", "标签后没有内容：“证明：。”")
    assert str(f) == "D18（busy）第2页：标签后没有内容：“证明：。”"


# -- real renders ------------------------------------------------------------------------------------------
def _render_cases(ws: Workspace, doc_types: list[str], out: Path) -> list[tuple[str, str, Path]]:
    made = []
    for t in doc_types:
        tpl = load_template(find_template(ws, t))
        for variant, case, extra in (("full", full_case(), WORKFLOW_EXTRA.get(t)),
                                     ("minimal", minimal_case(t), MINIMAL_EXTRA.get(t)),
                                     ("busy", busy_case(), WORKFLOW_EXTRA.get(t))):
            ctx = build_context(ws, case, t, now=NOW, actor="王晓梅", extra=extra, wenhao="偏税社测〔2026〕9号")
            path = out / f"{t}-{variant}.docx"
            path.write_bytes(tpl.render(ctx.data))
            made.append((t, variant, path))
    return made


def _check_cases(ws: Workspace, doc_types: list[str], tmp_path: Path) -> list[RenderFinding]:
    found: list[RenderFinding] = []
    made = _render_cases(ws, doc_types, tmp_path)
    with warm_office(tmp_path):
        for t, variant, path in made:
            pdf = convert_many([path], tmp_path / "pdf")[0]
            found += check_pdf(pdf, doc_type=t, variant=variant)
    return found


#: the codes a clerk sent back first (letters, decisions, the enforcement ladder)
CORE = ["D02", "D04", "D12", "D18", "D20"]


def _unexpected(found: list[RenderFinding]) -> list[RenderFinding]:
    """Every finding counts: the fixtures hold what the real steps record, nothing is tolerated."""
    return list(found)


@pytest.mark.soffice
@needs_soffice
def test_core_codes_pass_for_full_minimal_and_busy_cases(ws: Workspace, tmp_path: Path) -> None:
    found = _unexpected(_check_cases(ws, CORE, tmp_path))
    assert not found, "\n".join(map(str, found))


LONG_ORGAN = "国家税务总局偏关县税务局社会保险费征缴争议联合处置工作机制办公室暨县社会保险费征缴争议多元调解中心联合工作组"[:60]


def _long_tail(doc_type: str, attachments: int) -> dict[str, object]:
    from casefile.documents.rendercheck import sample_contexts

    ctx = sample_contexts(doc_type)["full"]
    ctx["office"]["name"] = LONG_ORGAN
    ctx["doc"]["attachments"] = [f"第{i}份附件材料的名称较长需要占满一行的内容" for i in range(1, attachments + 1)]
    return ctx


@pytest.mark.soffice
@needs_soffice
def test_a_tail_longer_than_a_page_breaks_gracefully(tmp_path: Path) -> None:
    """A 60-character 署名 and a long attachment list: the tail keeps together only while it fits. The
    pages before the 署名 are full (a long list breaks between its items instead of the whole tail
    moving to a new page), the 署名 shares its page with the last items, and a letter's 抄送 stays with
    its 成文日期."""
    from casefile.documents.rendercheck import pdf_pages

    made = []
    for doc_type, n in (("D12", 30), ("D12", 8), ("D04", 30)):
        path = tmp_path / f"{doc_type}-{n}.docx"
        path.write_bytes(load_template(find_template(None, doc_type)).render(_long_tail(doc_type, n)))
        made.append((doc_type, n, path))
    with warm_office(tmp_path):
        pdfs = [(t, n, convert_many([p], tmp_path / "pdf")[0]) for t, n, p in made]
    for doc_type, n, pdf in pdfs:
        assert check_pdf(pdf, doc_type=doc_type, variant=f"long{n}") == []
        pages = pdf_pages(pdf)
        lines = [[ln for ln in page.splitlines() if ln.strip() and not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln)]
                 for page in pages]
        last = "\n".join(lines[-1])
        assert f"{n}.第 {n} 份附件" in last and "联合工作组" in last  # the last item with the 署名
        assert "抄送：" in last and len(lines[-1]) > 2
        if doc_type == "D12":  # every page between the first (版头) and the last is full
            assert all(len(page) >= 20 for page in lines[1:-1]), [len(page) for page in lines]


@pytest.mark.slow
@pytest.mark.soffice
@needs_soffice
def test_every_code_passes_for_full_minimal_and_busy_cases(ws: Workspace, tmp_path: Path) -> None:
    found = _unexpected(_check_cases(ws, [t for t in TEMPLATE_TYPES if t not in CORE], tmp_path))
    assert not found, "\n".join(map(str, found))


@pytest.mark.slow
@pytest.mark.soffice
@needs_soffice
def test_templates_check_rendered_passes_on_the_shipped_templates(tmp_path: Path) -> None:
    report = check_rendered(None, TEMPLATE_TYPES, tmp_path)
    assert len(report.checked) == 3 * len(TEMPLATE_TYPES)
    assert not report.findings, "\n".join(map(str, report.findings))
