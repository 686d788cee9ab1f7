"""Builders for the evidence tests: cases, PDFs, images, Office files, scanner-like rasters.

Everything is generated here (reportlab, Pillow, python-docx, openpyxl, a tiny CFB writer), so the
core tests need nothing from ../shared.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from casefile.config import Workspace
from testkit import NOW as NOW
from testkit import env_for as env_for
from testkit import text_pdf as text_pdf  # shared with the reliability harness

INTAKE = Path(__file__).resolve().parents[1] / "fixtures" / "forms" / "intake-unit.yaml"
SHARED_INTAKE = Path(__file__).resolve().parents[3] / "shared" / "domain" / "examples" / "intake-minimal.yaml"
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


# -- workspaces and cases ---------------------------------------------------------------------------
def fast_settings(ws: Workspace, **changes: Any) -> Workspace:
    """Write evidence settings into casefile.toml (so subprocesses see them too) and reload."""
    from casefile.config import find_workspace

    values = {"stability_seconds": 0.1, "rescan_seconds": 1.0, "parse_timeout_seconds": 60.0,
              "truncated_patience_seconds": 0.0,
              "max_ocr_pages": 2, "ocr_dpi": 150, **changes}
    text = ws.config_path.read_text(encoding="utf-8")
    head, _, rest = text.partition("[evidence]")
    tail = ""
    if rest:
        lines = rest.splitlines(keepends=True)
        for i, line in enumerate(lines[1:], start=1):
            if line.startswith("["):
                tail = "".join(lines[i:])
                break
    body = "[evidence]\n" + "".join(f"{k} = {v!r}\n" for k, v in values.items())
    ws.config_path.write_text(head + body + ("\n" + tail if tail else ""), encoding="utf-8")
    return find_workspace(ws.root)


def intake_form() -> dict[str, Any]:
    source = INTAKE if INTAKE.is_file() else SHARED_INTAKE
    data: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    return data


def make_case(ws: Workspace, now: datetime = NOW) -> str:
    """A registered case through the real workflow (falls back to a bare dossier if the document
    engine is unavailable in this checkout)."""
    from casefile import workflow

    return workflow.register(ws, intake_form(), now, "测试员").case_id


def bare_case(ws: Workspace, now: datetime = NOW, seq: int | None = None) -> str:
    from casefile.models.case import Case
    from casefile.models.enums import State
    from casefile.store import Dossier, iter_dossiers

    f = workflow_form(ws, now)
    seq = seq or (len(list(iter_dossiers(ws))) + 1)
    case = Case(id=f"SBZY-140932-2026-{seq:04d}", number=f"偏税社争〔2026〕{seq}号", year=2026, seq=seq,
                profile="pianguan", state=State.TRIAGE, channel=f.channel, received_at=f.received_at,
                first_handler=f.first_handler, intake_dept="SW", coordinator_dept="SW", jurisdiction=f.jurisdiction,
                applicant=f.applicant, counterparty=f.counterparty, payer_group="个人", categories=f.categories,
                claim=f.claim)
    Dossier.create(ws, case, "测试员", now, "created", {"to": "TRIAGE"})
    return case.id


def workflow_form(ws: Workspace, now: datetime) -> Any:
    from casefile.workflow import parse_form

    return parse_form(intake_form(), ws.settings, now.date())


def load_case(ws: Workspace, case_id: str) -> Any:
    from casefile.store import Dossier

    return Dossier(ws, case_id).load()


# -- documents -----------------------------------------------------------------------------------------


def text_image(text: str = "我是中国人", *, size: tuple[int, int] = (900, 240), font_px: int = 96) -> Any:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(CJK_FONT), font_px) if CJK_FONT.is_file() else ImageFont.load_default()
    draw.text((40, (size[1] - font_px) // 2), text, fill="black", font=font)
    return img


def image_bytes(img: Any, fmt: str, **kwargs: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def scan_like(page_images: list[Any], *, rotate: float = 1.2, noise: float = 12.0, seed: int = 7) -> bytes:
    """What a scanner makes of printed pages: slight rotation, noise, grey, one image per page (img2pdf)."""
    import img2pdf
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    out = []
    for img in page_images:
        g = img.convert("L").rotate(rotate, resample=Image.BICUBIC, expand=True, fillcolor=255)
        a = np.asarray(g).astype(np.int16) + rng.normal(0, noise, (g.height, g.width))
        g = Image.fromarray(np.clip(a, 0, 255).astype("uint8")).filter(ImageFilter.GaussianBlur(0.5))
        out.append(image_bytes(g, "JPEG", quality=85))
    layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)))
    data = img2pdf.convert(out, layout_fun=layout)
    assert data is not None
    return data


def rasterise(pdf: bytes, dpi: int = 200) -> list[Any]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def docx_with_merged_table(tag: str = "") -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(f"劳动合同（节选）{tag}")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "用人单位基本情况登记"
    t.cell(1, 0).text = "单位名称"
    t.cell(1, 1).merge(t.cell(2, 1)).text = "偏关县鑫达运输有限公司"
    t.cell(1, 2).text = "甲"
    t.cell(2, 0).text = "法定代表人"
    t.cell(2, 2).text = "乙"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "缴费明细"
    ws.append(["月份", "缴费基数", "应缴金额"])
    ws.append(["2025-07", 4200, 672])
    ws.append(["2025-08", 4200, 672])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def encrypt_ooxml(data: bytes, password: str) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal Compound File (OLE2, v3, 512-byte sectors) with top-level streams of >= 4096 bytes,
    enough for a Word 97 .doc as the sniffers see it."""
    sector = 512
    end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    data_sectors: list[tuple[int, int]] = []  # (start, count)
    nxt = 2
    for name in names:
        body = streams[name].ljust(4096, b"\0")
        streams[name] = body
        count = (len(body) + sector - 1) // sector
        data_sectors.append((nxt, count))
        nxt += count
    fat = [fatsect, end]
    for start, count in data_sectors:
        fat += [start + i + 1 for i in range(count - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = bytearray(512)
    header[0:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 0x1000, end, 0, end)
    struct.pack_into("<I", header, 72, 0)
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, free)

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        e = bytearray(128)
        e[0:len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), kind, 1)
        struct.pack_into("<III", e, 68, nostream, right, child)
        struct.pack_into("<IQ", e, 116, start, size)
        return bytes(e)

    entries = [entry("Root Entry", 5, 1, nostream, end, 0)]
    for i, name in enumerate(names):
        start, _count = data_sectors[i]
        right = i + 2 if i + 1 < len(names) else nostream
        entries.append(entry(name, 2, nostream, right, start, len(streams[name])))
    directory = b"".join(entries).ljust(sector * ((len(entries) + 3) // 4), b"\0")
    assert len(directory) == sector, "keep it to one directory sector"
    body = b"".join(streams[n] for n in names)
    return bytes(header) + struct.pack("<128I", *fat) + directory + body


def word97_doc() -> bytes:
    fib = struct.pack("<HH", 0xA5EC, 0x00C1).ljust(4096, b"\0")
    return cfb({"WordDocument": fib})


# -- subprocess helpers ----------------------------------------------------------------------------------
def by_name(results: list[Any]) -> dict[str, Any]:
    return {r.name: r for r in results}


def cli(ws_root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casefile.cli.main", *args], env=env_for(ws_root, **(env or {})),
                          capture_output=True, text=True, timeout=timeout)


def journal_types(ws: Workspace, case_id: str) -> list[str]:
    from casefile.store import Dossier

    entries, problems = Dossier(ws, case_id).journal()
    assert not problems, problems
    return [e.type for e in entries]


def read_json(text: str) -> Any:
    return json.loads(text)


def read_text(ws: Workspace, case_id: str, ev_id: str) -> str:
    from casefile.evidence.pipeline import read_text as _read

    return _read(ws, case_id, ev_id)
