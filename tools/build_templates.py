"""Build the statutory document templates (templates/D01.docx …); the builder is the tools/template_build package.

Usage::

    python tools/build_templates.py                 # write templates/D01.docx … D32.docx and check them
    python tools/build_templates.py --preview OUT   # also render each with sample data → OUT/*.docx, *.pdf, *.png
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tools")]

from template_build.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
