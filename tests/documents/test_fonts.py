"""A machine without the document faces: conversion stops with one Chinese sentence instead of
silently setting the body in a sans face."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casefile.documents import fonts
from casefile.documents.fonts import FontMissing, require_faces

pytestmark = pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig (fc-match) is not installed")

SANS_ONLY = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/wqy</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def test_the_shipped_mapping_finds_every_face() -> None:
    require_faces()  # the set-up script installed them


def test_a_missing_face_stops_the_conversion_with_a_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not Path("/usr/share/fonts/truetype/wqy").is_dir():
        pytest.skip("fonts-wqy-zenhei is not installed")
    conf = tmp_path / "fonts.conf"
    conf.write_text(SANS_ONLY.format(cache=tmp_path / "cache"), encoding="utf-8")
    monkeypatch.setenv(fonts.FONTCONFIG_VAR, str(conf))
    with pytest.raises(FontMissing) as err:
        require_faces()
    msg = err.value.message
    assert msg.startswith("缺少公文字体：仿宋_GB2312（正文）应使用 FandolFang，本机只能找到 WenQuanYi")
    assert "已停止转换" in msg and "scripts/system-deps.sh" in msg
    from casefile.documents.office import find_soffice
    from casefile.documents.pdf import convert_many

    if find_soffice() is None:
        return  # the conversion would stop earlier, for the missing LibreOffice
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"not converted")
    with pytest.raises(FontMissing):
        convert_many([docx], tmp_path / "pdf")
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_missing_configuration_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.FONTCONFIG_VAR, str(tmp_path / "none.conf"))
    with pytest.raises(FontMissing, match="找不到字体配置文件"):
        require_faces()
