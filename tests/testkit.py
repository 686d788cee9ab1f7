"""Helpers shared by the test packages (imported as ``testkit``; conftest modules are not importable
by name once several directories have their own)."""

from __future__ import annotations

import io
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")


def _os_login() -> str:
    from casefile.identity import os_login

    return os_login()


# Every test workspace is a "test" workspace (CASEFILE_NOW works there) with these staff, all bound to
# the OS account running the tests; CASEFILE_USER picks one of them.
TEST_STAFF: list[dict[str, object]] = [
    {"name": "测试员", "dept": "SW", "roles": ["officer", "head", "archivist", "admin"]},
    {"name": "王晓梅", "dept": "SW", "roles": ["officer"]},
    {"name": "测试", "dept": "SW", "roles": ["officer"]},
    {"name": "甲", "dept": "SW", "roles": ["officer", "archivist"]},
    {"name": "乙", "dept": "SW", "roles": ["head"]},
    {"name": "审核员甲", "dept": "SW", "roles": ["archivist"]},
    {"name": "审批员乙", "dept": "SW", "roles": ["head"]},
    {"name": "赵磊", "dept": "RSJ", "roles": ["liaison"]},
    {"name": "培训员", "dept": "SW", "roles": ["reader"]},
]


def test_staff(*extra: dict[str, object]) -> list[dict[str, object]]:
    me = _os_login()
    return [{**s, "os_user": me} for s in (*TEST_STAFF, *extra)]


def init_test_workspace(root: Path, profile: str = "pianguan", *, force: bool = False,
                        extra_staff: tuple[dict[str, object], ...] = ()):  # type: ignore[no-untyped-def]
    """``init_workspace`` for tests: marked as a test workspace, with :data:`TEST_STAFF` configured."""
    from casefile.workspace import init_workspace

    return init_workspace(root, profile, force=force, purpose="test", staff=test_staff(*extra_staff))


def configure_test_workspace(root: Path, *extra_staff: dict[str, object]) -> None:
    """Mark a workspace made by ``casefile init`` as a test workspace and give it the test staff."""
    from casefile.workspace import staff_toml

    cfg = root / "casefile.toml"
    text = cfg.read_text(encoding="utf-8")
    text += '\n[workspace]\npurpose = "test"\n' + staff_toml(test_staff(*extra_staff))
    cfg.write_text(text, encoding="utf-8")


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus 不存在（只在带共享语料的检出中运行）")
    return CORPUS


def env_for(workspace: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"CASEFILE_HOME": str(workspace), "CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": "测试员"})
    env.update(extra)
    return env


def text_pdf(pages: int = 1, text: str = "工资条 社会保险费征缴争议", *, tag: str = "") -> bytes:
    """A text PDF (reportlab, built-in CID font STSong-Light). ``tag`` makes the bytes unique."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    for i in range(pages):
        c.setFont("STSong-Light", 14)
        c.drawString(72, 760, f"第{i + 1}页 {text} {tag}")
        for line in range(20):
            c.drawString(72, 720 - 24 * line, f"{text}：第{line + 1}行，单位：偏关县鑫达运输有限公司。")
        c.showPage()
    c.save()
    return buf.getvalue()


LESSONS = "办理此类争议应先核对原始凭证，再向当事人逐项说明依据。"


def complete_writeup(library_dir: Path, typical_id: str, lessons: str = LESSONS) -> None:
    """What a trainer writes before a draft can be approved: the 经验启示 the draft leaves to them, and
    the statute where the case record cites none."""
    import re

    path = library_dir / f"{typical_id}.md"
    text = path.read_text(encoding="utf-8").replace("（待培训人员补充）", lessons)
    text = re.sub(r"（待补充：[^）]*）", "《中华人民共和国社会保险法》第六十三条", text)
    path.write_text(text, encoding="utf-8")
