"""The faces casefile's PDFs are set in, and the check that they are on the machine.

The templates name the fonts GB/T 9704 prescribes (仿宋_GB2312 for the body, 方正小标宋简体 for titles and
the 发文机关标志, 黑体 and 楷体_GB2312 for headings, 宋体 for page numbers); Word and WPS desks have them. On
the server LibreOffice runs with ``FONTCONFIG_FILE`` pointing at ``casefile/data/fonts.conf``, which sets
each name in a free face of the same style (Debian packages, see scripts/system-deps.sh):

==============  ==========================  =====================================================
official name   face                        why
==============  ==========================  =====================================================
仿宋_GB2312      FandolFang Regular          the only free GB 2312 仿宋 in Debian
方正小标宋简体    Noto Serif CJK SC Bold       a heavy 宋 (FandolSong Bold declares a regular weight,
                                            so LibreOffice would pick FandolSong Regular instead)
黑体             FandolHei Regular           SimHei's style, GB glyph forms
楷体_GB2312      FandolKai Regular           a GB-style 楷
宋体             FandolSong Regular
Times New Roman Liberation Serif            same metrics
==============  ==========================  =====================================================

Debian ships Noto CJK as collections (.ttc); LibreOffice's PDF names the subset after the collection's
first face (``NotoSerifCJKjp-Bold``) but sets the Simplified Chinese glyph forms of the face fontconfig
chose (checked on 直/骨/角, whose Japanese forms differ).

:func:`require_faces` asks fontconfig (``fc-match``, with that configuration) which face each name
resolves to and refuses, in one Chinese sentence naming the missing face and how to install it, when one
would fall back to something else — a silently substituted sans face is what a clerk sends back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from casefile.errors import ExternalToolError

__all__ = ["FACES", "Face", "FontMissing", "fontconfig_file", "pdf_font_names", "require_faces", "soffice_env"]

FONTCONFIG_VAR = "CASEFILE_FONTCONFIG"  # another fonts.conf (an office with licensed fonts)


class FontMissing(ExternalToolError):
    code = "font-missing"


@dataclass(frozen=True)
class Face:
    name: str  # the name the .docx uses
    family: str  # the fontconfig family it must resolve to
    ps_prefix: str  # how the face is named in a PDF's font list (pdffonts), after the subset tag
    role: str  # what it sets, for messages
    package: str  # what installs it


FACES: tuple[Face, ...] = (
    Face("仿宋_GB2312", "FandolFang", "FandolFang", "正文", "scripts/system-deps.sh（Fandol 字体）"),
    Face("方正小标宋简体", "Noto Serif CJK SC", "NotoSerifCJK", "标题和发文机关标志", "fonts-noto-cjk"),
    Face("黑体", "FandolHei", "FandolHei", "一级标题", "scripts/system-deps.sh（Fandol 字体）"),
    Face("楷体_GB2312", "FandolKai", "FandolKai", "二级标题", "scripts/system-deps.sh（Fandol 字体）"),
    Face("宋体", "FandolSong", "FandolSong", "页码", "scripts/system-deps.sh（Fandol 字体）"),
    Face("Times New Roman", "Liberation Serif", "LiberationSerif", "数字和西文", "fonts-liberation2"),
)


def fontconfig_file() -> Path:
    """The fonts.conf LibreOffice is run with (``CASEFILE_FONTCONFIG`` overrides the shipped one)."""
    explicit = os.environ.get(FONTCONFIG_VAR)
    if explicit:
        return Path(explicit)
    return Path(__file__).resolve().parents[1] / "data" / "fonts.conf"


def soffice_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a LibreOffice process: ``base`` (default os.environ) with FONTCONFIG_FILE set."""
    env = dict(os.environ if base is None else base)
    env["FONTCONFIG_FILE"] = str(fontconfig_file())
    return env


def require_faces() -> None:
    """Raise FontMissing unless every official name resolves to its face. Checked once per process
    when it passes (installing fonts while casefile runs is rare; a failure is checked again)."""
    problems = _missing(str(fontconfig_file()))
    if problems:
        _missing.cache_clear()
        raise FontMissing(problems[0])


@lru_cache(maxsize=4)
def _missing(conf: str) -> tuple[str, ...]:
    if not Path(conf).is_file():
        return (f"找不到字体配置文件 {conf}，无法按公文字体生成 PDF。请检查环境变量 {FONTCONFIG_VAR} 或重新安装 casefile。",)
    exe = shutil.which("fc-match")
    if exe is None:
        return ("未找到 fc-match（fontconfig），无法确认公文字体已安装。请运行 scripts/system-deps.sh 安装 fontconfig 和公文字体。",)
    env = soffice_env()
    env["FONTCONFIG_FILE"] = conf
    out: list[str] = []
    for face in FACES:
        try:
            proc = subprocess.run([exe, "-f", "%{family}", face.name], capture_output=True, env=env, timeout=30,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return (f"fc-match 无法运行（{exc}），无法确认公文字体已安装。",)
        families = [f.strip() for f in proc.stdout.decode("utf-8", "replace").split(",")]
        if face.family not in families:
            got = families[0] if families and families[0] else "无"
            out.append(
                f"缺少公文字体：{face.name}（{face.role}）应使用 {face.family}，本机只能找到 {got}，"
                f"生成的 PDF 会用错字体，已停止转换。请安装 {face.package} 后重试。"
            )
    return tuple(out)


def pdf_font_names(pdf: Path) -> list[str]:
    """The base font names a PDF uses (subset tags removed), through pypdf; empty if unreadable."""
    from pypdf import PdfReader

    names: set[str] = set()
    try:
        reader = PdfReader(str(pdf), strict=False)
        for page in reader.pages:
            res = page.get("/Resources")
            fonts = res.get_object().get("/Font") if res is not None else None
            if fonts is None:
                continue
            for ref in fonts.get_object().values():
                base = str(ref.get_object().get("/BaseFont", ""))
                names.add(base.lstrip("/").split("+", 1)[-1])
    except Exception:  # a damaged file has no font list to report
        return []
    return sorted(names)
