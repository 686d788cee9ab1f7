"""``--preview``: render each template with sample data, convert with the application's LibreOffice set-up,
count pages and draw PNGs to look at."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from docx import Document

from casefile.documents.doctypes import DOC_TYPES
from casefile.documents.pdf import convert_many, find_soffice

from .sample import blank_context, sample_context


def render(path: Path, ctx: dict[str, Any], out: Path) -> None:
    import jinja2
    from docxtpl import DocxTemplate

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    tpl = DocxTemplate(str(path))
    tpl.render(ctx, jinja_env=env)
    tpl.save(str(out))


def preview(paths: list[Path], out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    rendered: list[Path] = []
    failures = 0
    for path in paths:
        doc_type = path.stem
        ctx = sample_context(doc_type)
        if set(ctx["x"]) != set(DOC_TYPES[doc_type].x_fields):
            print(f"{doc_type}: sample x fields differ from DocType.x_fields", file=sys.stderr)
            failures += 1
        out = out_dir / f"{doc_type}.docx"
        try:
            render(path, ctx, out)
            with tempfile.TemporaryDirectory() as tmp:
                render(path, blank_context(ctx), Path(tmp) / "min.docx")
                Document(str(Path(tmp) / "min.docx"))
        except Exception as exc:  # report every template, then fail
            print(f"{doc_type}: render failed: {exc!r}", file=sys.stderr)
            failures += 1
            continue
        rendered.append(out)
    if find_soffice() is None or not rendered:
        print("soffice not found: rendered .docx only", file=sys.stderr)
        return failures
    # the conversion the application uses (faces from casefile/data/fonts.conf, PDF/A-2b)
    convert_many(rendered, out_dir, timeout=600)
    for old in out_dir.glob("D[0-9][0-9]-*.png"):
        old.unlink()
    for out in rendered:
        pdf = out.with_suffix(".pdf")
        pages = _pdf_pages(pdf)
        spec = DOC_TYPES[out.stem]
        note = ""
        if spec.layout == "enforcement" and pages != 1:
            note = "  <-- enforcement form is not one page"
            failures += 1
        print(f"{out.stem} {spec.layout:<11} {pages} page(s){note}")
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(out_dir / out.stem)], check=True)
    return failures


def _pdf_pages(pdf: Path) -> int:
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(pdf)).pages)
    except Exception:
        return -1
