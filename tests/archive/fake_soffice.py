"""A stand-in for LibreOffice in tests that do not test LibreOffice itself.

Takes the command line casefile.documents.pdf gives soffice (``… --convert-to pdf --outdir DIR
FILE…``) and writes ``DIR/<stem>.pdf`` for each file: the document's text on A4 pages with an
embedded CJK font, so page counts, bookmarks and text extraction behave as with real PDFs.
``FAKE_SOFFICE_FAIL=<substring>`` makes it produce nothing for matching files (a failed conversion).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def convert(src: Path, out_dir: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from casefile.archive.pdfpack import cjk_font
    from casefile.documents.engine import docx_text

    if src.suffix.lower() == ".docx":
        text = docx_text(src.read_bytes())
    else:
        text = src.read_bytes().decode("utf-8", "replace")
    lines = [ln[i:i + 36] for ln in (text.splitlines() or [""]) for i in range(0, max(len(ln), 1), 36)]
    font = cjk_font("")
    c = canvas.Canvas(str(out_dir / f"{src.stem}.pdf"), pagesize=A4)
    c.setFont(font, 11)
    y = 800.0
    for line in [src.stem, *lines]:
        if y < 60:
            c.showPage()
            c.setFont(font, 11)
            y = 800.0
        c.drawString(60, y, line)
        y -= 16
    c.showPage()
    c.save()


def main(argv: list[str]) -> int:
    out_dir = Path(argv[argv.index("--outdir") + 1])
    files = [Path(a) for a in argv[argv.index("--outdir") + 2:]]
    fail = os.environ.get("FAKE_SOFFICE_FAIL", "")
    rc = 0
    for f in files:
        if fail and fail in f.name:
            sys.stderr.write(f"Error: source file could not be loaded: {f.name}\n")
            rc = 1
            continue
        convert(f, out_dir)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
