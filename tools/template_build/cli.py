"""``python tools/build_templates.py``: build, check, and optionally preview the templates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import TEMPLATE_TYPES, TEMPLATES, build_one, check_built
from .readme import readme_text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate the statutory document templates templates/D01.docx …")
    ap.add_argument(
        "--out", type=Path, default=TEMPLATES, help="where to write D01.docx … (default: templates/)"
    )
    ap.add_argument(
        "--preview", type=Path, metavar="OUTDIR", help="render with sample data and convert to PDF/PNG"
    )
    ap.add_argument("--only", nargs="*", metavar="DXX", help="build only these types")
    args = ap.parse_args(argv)
    types = args.only or TEMPLATE_TYPES
    args.out.mkdir(parents=True, exist_ok=True)
    paths = [build_one(t, args.out) for t in types]
    if args.out == TEMPLATES and not args.only:
        (TEMPLATES / "README.md").write_text(readme_text(), encoding="utf-8")
    problems = 0
    for path in paths:
        for finding in check_built(path):
            print(f"{path.stem}: [{finding.severity} {finding.code}] {finding}", file=sys.stderr)
            problems += 1
    print(f"built {len(paths)} templates in {args.out}")
    if args.preview:
        from .preview import preview

        problems += preview(paths, args.preview)
    return 1 if problems else 0
