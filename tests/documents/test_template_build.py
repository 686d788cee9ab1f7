"""The shipped templates are exactly what tools/template_build writes today.

A template edited by hand (or a builder change whose templates were not rebuilt) fails here; the fix is
``python tools/build_templates.py`` and committing its output. The build is deterministic (fixed document
properties and zip timestamps), so the comparison is byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

from casefile.documents.engine import shipped_templates_dir
from documents.docfixtures import TEMPLATE_TYPES

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from template_build.build import BUILDERS, build_one, check_built  # noqa: E402
from template_build.build import TEMPLATE_TYPES as BUILT_TYPES  # noqa: E402
from template_build.readme import readme_text  # noqa: E402


def test_the_builder_covers_every_template_type() -> None:
    assert sorted(BUILDERS) == sorted(BUILT_TYPES) == sorted(TEMPLATE_TYPES)


def test_shipped_templates_equal_a_fresh_build(tmp_path: Path) -> None:
    shipped = shipped_templates_dir()
    differ = []
    for t in BUILT_TYPES:
        fresh = build_one(t, tmp_path)
        assert check_built(fresh) == [], t
        if fresh.read_bytes() != (shipped / f"{t}.docx").read_bytes():
            differ.append(t)
    assert differ == [], f"rebuild with `python tools/build_templates.py` and commit: {differ}"
    assert sorted(p.stem for p in shipped.glob("*.docx")) == sorted(BUILT_TYPES)


def test_a_rebuild_is_byte_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    assert build_one("D17", a).read_bytes() == build_one("D17", b).read_bytes()


def test_shipped_readme_is_generated() -> None:
    assert (shipped_templates_dir() / "README.md").read_text(encoding="utf-8") == readme_text()


def test_preview_samples_fit_the_registry(tmp_path: Path) -> None:
    """``--preview`` renders every template with the builder's sample data: each sample carries exactly the
    type's fields and renders under strict undefined names, with full and with blank values."""
    from template_build.preview import render
    from template_build.sample import blank_context, sample_context

    from casefile.documents.doctypes import DOC_TYPES

    shipped = shipped_templates_dir()
    for t in BUILT_TYPES:
        ctx = sample_context(t)
        assert set(ctx["x"]) == {f.name for f in DOC_TYPES[t].fields}, t
        render(shipped / f"{t}.docx", ctx, tmp_path / f"{t}.docx")
        render(shipped / f"{t}.docx", blank_context(ctx), tmp_path / f"{t}-min.docx")
