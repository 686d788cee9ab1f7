"""Write the templates: one builder function per document type, the writer, and the check after writing.

The check is casefile's own (``casefile.documents.check``, the one behind ``casefile templates check``),
run strictly: a shipped template may carry neither an error nor a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from casefile.documents.check import TemplateFinding, check_template_bytes
from casefile.documents.doctypes import DOC_TYPES

from . import archive, enforcement, handling, intake
from .builder import Builder

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
#: every type made from a .docx template, in number order
TEMPLATE_TYPES = sorted(t for t, d in DOC_TYPES.items() if d.templated)

BUILDERS: dict[str, Callable[[Builder], None]] = {
    "D01": intake.d01,
    "D02": intake.d02,
    "D03": intake.d03,
    "D04": intake.d04,
    "D05": intake.d05,
    "D06": intake.d06,
    "D07": intake.d07,
    "D08": intake.d08,
    "D09": intake.d09,
    "D32": intake.d32,
    "D10": handling.d10,
    "D11": handling.d11,
    "D12": handling.d12,
    "D13": handling.d13,
    "D14": handling.d14,
    "D15": handling.d15,
    "D16": enforcement.d16,
    "D17": enforcement.d17,
    "D18": enforcement.d18,
    "D19": enforcement.d19,
    "D20": enforcement.d20,
    "D21": enforcement.d21,
    "D22": enforcement.d22,
    "D23": enforcement.d23,
    "D24": enforcement.d24,
    "D25": archive.d25,
    "D26": archive.d26,
    "D27": archive.d27,
    "D28": archive.d28,
    "D29": archive.d29,
}


def build_one(doc_type: str, out_dir: Path) -> Path:
    spec = DOC_TYPES[doc_type]
    b = Builder(spec, letter=spec.layout == "letter", page_numbers=spec.page_numbers)
    BUILDERS[doc_type](b)
    path = out_dir / f"{doc_type}.docx"
    b.save(path)
    return path


def check_built(path: Path) -> list[TemplateFinding]:
    """Every finding of casefile's template check, warnings included, for one freshly built template."""
    return check_template_bytes(path.read_bytes(), path.name, path.stem)
