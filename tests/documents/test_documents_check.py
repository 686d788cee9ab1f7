"""`templates check`: shipped templates pass; planted mistakes are found and located."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from casefile.config import Workspace
from casefile.documents.check import check_template_bytes, check_templates
from casefile.documents.engine import find_template, list_templates, shipped_templates_dir
from documents.docfixtures import TEMPLATE_TYPES


def test_every_shipped_template_passes() -> None:
    report = check_templates(None)
    assert [t.doc_type for t in report.checked] == TEMPLATE_TYPES
    assert report.findings == [], "\n".join(map(str, report.findings))
    assert report.ok


def _override(ws: Workspace, doc_type: str, paragraphs: list[str]) -> tuple[Path, int]:
    """Copy the shipped template into the workspace and append paragraphs; returns the file and
    the number (as Word counts body paragraphs) of the first appended one."""
    shipped = shipped_templates_dir() / f"{doc_type}.docx"
    d = docx.Document(str(shipped))
    first = len(d.paragraphs) + 1
    for text in paragraphs:
        d.add_paragraph(text)
    ws.templates_dir.mkdir(exist_ok=True)
    target = ws.templates_dir / shipped.name
    d.save(str(target))
    return target, first


def test_workspace_override_wins(ws: Workspace) -> None:
    path, _ = _override(ws, "D02", ["本机关补充说明。"])
    tf = find_template(ws, "D02")
    assert tf.origin == "workspace" and tf.path == path
    assert find_template(ws, "D03").origin == "shipped"


def test_planted_mistakes_are_found_and_located(ws: Workspace) -> None:
    _, n = _override(ws, "D02", [
        "备注：{{ x.colour }}",                       # not in the contract
        "编号：｛｛ case.number ｝｝",                  # IME full-width braces
        "附件：{{ doc.attachments|join(“、”) }}",      # curly quotes inside a tag
        "受理：{{ case.nonsense_field }}",            # unknown case field
        "期限：{{ deadline }",                        # unclosed
    ])
    report = check_templates(ws, doc_types=["D02"])
    assert not report.ok
    by_code = {}
    for f in report.findings:
        by_code.setdefault(f.code, f)
    assert f"第{n}段" in by_code["unknown-field"].where and "x.colour" in by_code["unknown-field"].message
    assert "备注" in by_code["unknown-field"].where  # the excerpt of the paragraph
    assert f"第{n + 1}段" in by_code["fullwidth-brace"].where
    assert f"第{n + 2}段" in by_code["curly-quote"].where
    assert any(f.code == "unknown-field" and f"第{n + 3}段" in f.where and "case.nonsense_field" in f.message
               for f in report.findings)
    assert f"第{n + 4}段" in by_code["unclosed-tag"].where
    assert all(f.template == "D02.docx（工作区）" for f in report.findings)


def test_syntax_error_is_found_and_located(ws: Workspace) -> None:
    _, n = _override(ws, "D12", ["正文", "{% if case.claim %}多余的条件", "{{ case.number | }}"])
    report = check_templates(ws, doc_types=["D12"])
    syntax = [f for f in report.findings if f.code == "syntax"]
    assert syntax and any(f"第{n + 2}段" in f.where for f in syntax)


def test_unbalanced_block_is_found(ws: Workspace) -> None:
    _override(ws, "D13", ["{% if case.claim %}没有结束的条件"])
    report = check_templates(ws, doc_types=["D13"])
    assert [f.code for f in report.findings] == ["syntax"]
    assert "D13" in report.findings[0].message


def test_loop_variables_are_checked_against_their_rows(ws: Workspace) -> None:
    _, n = _override(ws, "D17", ["{% for a in x.arrears %}{{ a.owed }}{{ a.colour }}{% endfor %}"])
    report = check_templates(ws, doc_types=["D17"])
    assert [f.code for f in report.findings] == ["unknown-field"]
    assert "a.colour" in report.findings[0].message and f"第{n}段" in report.findings[0].where


def test_string_literals_may_hold_chinese_punctuation(ws: Workspace) -> None:
    _override(ws, "D02", ["{{ doc.attachments|join('；') }}{{ case.claim or '（无）' }}"])
    assert check_templates(ws, doc_types=["D02"]).findings == []


def test_wrong_page_setup_is_reported(ws: Workspace) -> None:
    from docx.shared import Mm

    shipped = shipped_templates_dir() / "D08.docx"
    d = docx.Document(str(shipped))
    d.sections[0].top_margin = Mm(20)
    ws.templates_dir.mkdir(exist_ok=True)
    d.save(str(ws.templates_dir / "D08.docx"))
    report = check_templates(ws, doc_types=["D08"])
    assert [f.code for f in report.findings] == ["page-setup"]
    assert "37" in report.findings[0].message


def test_orphan_and_broken_files(ws: Workspace) -> None:
    ws.templates_dir.mkdir(exist_ok=True)
    (ws.templates_dir / "D99-新文书.docx").write_bytes(b"")
    (ws.templates_dir / "D05.docx").write_bytes(b"PK-broken")
    effective, orphans = list_templates(ws)
    assert [o.name for o in orphans] == ["D99-新文书.docx"]
    report = check_templates(ws)
    codes = {(f.template, f.code) for f in report.findings}
    assert ("D99-新文书.docx（工作区）", "orphan") in codes
    assert ("D05.docx（工作区）", "not-docx") in codes
    assert effective["D05"].origin == "workspace"


def test_render_problem_found_by_trial_render() -> None:
    d = docx.Document(str(shipped_templates_dir() / "D01.docx"))
    d.add_paragraph("{{ case.claim.nonexistent_method() }}")
    buf = io.BytesIO()
    d.save(buf)
    findings = check_template_bytes(buf.getvalue(), "D01.docx", "D01")
    assert [f.code for f in findings] == ["render"]


@pytest.mark.parametrize("doc_type", ["D04", "D17"])
def test_checker_reads_headers_and_footers(ws: Workspace, doc_type: str) -> None:
    d = docx.Document(str(shipped_templates_dir() / f"{doc_type}.docx"))
    d.sections[0].footer.add_paragraph("{{ office.fax }}")
    ws.templates_dir.mkdir(exist_ok=True)
    d.save(str(ws.templates_dir / f"{doc_type}.docx"))
    report = check_templates(ws, doc_types=[doc_type])
    assert any(f.code == "unknown-field" and "页脚" in f.where and "office.fax" in f.message for f in report.findings)


def test_unprinted_field_and_missing_remedy_are_warnings() -> None:
    """What the template builder used to check on its own: every declared field printed, a 救济途径 block
    where the type needs one, a 22-line grid. In an office's own template these are warnings."""
    d = docx.Document(str(shipped_templates_dir() / "D03.docx"))
    paras = d.paragraphs
    start = next(i for i, p in enumerate(paras) if p.text == "{%p if remedy %}")
    depth, end = 0, start
    for end in range(start, len(paras)):  # the endif matching it (the block nests {%p if loop.last %})
        text = paras[end].text
        depth += text.startswith(("{%p if", "{%p for")) - text.startswith(("{%p endif", "{%p endfor"))
        if depth == 0:
            break
    for p in [*paras[start:end + 1], *(p for p in paras if p.text.startswith("经审查，{{ x.reason"))]:
        p._element.getparent().remove(p._element)
    d.sections[0]._sectPr.remove(d.sections[0]._sectPr.find(docx.oxml.ns.qn("w:docGrid")))
    buf = io.BytesIO()
    d.save(buf)
    findings = check_template_bytes(buf.getvalue(), "D03.docx", "D03")
    assert sorted((f.code, f.severity) for f in findings) == [
        ("grid", "warning"), ("no-remedy", "warning"), ("unused-field", "warning")]
    assert "x.reason" in next(f.message for f in findings if f.code == "unused-field")
