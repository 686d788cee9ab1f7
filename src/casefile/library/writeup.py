"""The write-up file: ``library/TC-YYYY-NNNN.md``, Markdown with YAML front matter, and its stages.

A reviewer and an approver sign the SHA-256 of the content (:meth:`WriteUp.content_sha256`); an edit
after a sign-off sends the text back to draft (:attr:`WriteUp.effective_status`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.errors import CasefileError, CorruptRecord, UsageError

if TYPE_CHECKING:
    from casefile.config import Workspace


STAGES = ("draft", "reviewed", "approved", "published")
STAGE_LABELS = {"draft": "草稿", "reviewed": "已审核", "approved": "已批准", "published": "已发布"}
SECTIONS = ("案情简介", "争议焦点", "处理结果", "法律依据", "经验启示", "关键词")
TYPICAL_ID_RE = re.compile(r"^TC-(\d{4})-(\d{4,6})$")
MAP_DIR = "typical"  # also the annex of an archived case (casefile.archive.annex.TYPICAL_DIR)


class TypicalNotFound(CasefileError):
    code = "typical-not-found"


class TypicalRefused(CasefileError):
    code = "typical-refused"


@dataclass
class WriteUp:
    id: str
    title: str
    body: str
    category: list[str] = field(default_factory=list)
    insurance: list[str] = field(default_factory=list)
    risk: str = ""
    year: int | None = None
    outcome: str = ""
    keywords: list[str] = field(default_factory=list)
    status: str = "draft"
    source_case: str = ""
    drafted_by: str = ""
    drafted_at: str = ""
    reviewer: str = ""
    reviewed_at: str = ""
    reviewed_sha256: str = ""
    approver: str = ""
    approved_at: str = ""
    approved_sha256: str = ""
    published_at: str = ""
    returned_by: str = ""  # who last sent the text back to its drafter (退回修改), and what to change
    returned_note: str = ""

    # source_case is read from files written before 2026-12 but never written: the library must not
    # name the source case (it is found through the typical-YYYY sequence and the map file).
    META_KEYS = ("id", "title", "category", "insurance", "risk", "year", "outcome", "keywords", "status",
                 "drafted_by", "drafted_at", "reviewer", "reviewed_at", "reviewed_sha256",
                 "approver", "approved_at", "approved_sha256", "published_at", "returned_by", "returned_note")

    def clear_signoffs(self) -> None:
        """Back to an unsigned draft: a changed or returned text needs its review and approval again."""
        self.status = "draft"
        self.reviewer = self.reviewed_at = self.reviewed_sha256 = ""
        self.approver = self.approved_at = self.approved_sha256 = self.published_at = ""

    def content_sha256(self) -> str:
        """What a reviewer and an approver sign: title, category, keywords and the text."""
        payload = json.dumps({"title": self.title, "category": self.category, "keywords": self.keywords,
                              "body": self.body.strip()}, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @property
    def effective_status(self) -> str:
        """The stage the text really is at: an edit after a sign-off sends it back to draft."""
        sha = self.content_sha256()
        if self.status in ("approved", "published") and self.approved_sha256 == sha:
            return self.status
        if self.status in ("reviewed", "approved", "published") and self.reviewed_sha256 == sha:
            return "reviewed"
        return "draft"

    def sections(self) -> dict[str, str]:
        out: dict[str, str] = {}
        current: str | None = None
        lines: list[str] = []
        for line in self.body.splitlines():
            m = re.match(r"^##\s+(.+?)\s*$", line)
            if m:
                if current is not None:
                    out[current] = "\n".join(lines).strip()
                current, lines = m.group(1), []
            elif current is not None:
                lines.append(line)
        if current is not None:
            out[current] = "\n".join(lines).strip()
        return out

    def full_text(self) -> str:
        """Everything the leak check reads: title, keywords, outcome, risk and the text (not the
        sign-off fields, which name staff by design)."""
        return "\n".join([self.title, "、".join(self.keywords), self.outcome, self.risk, self.body])

    def meta(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.META_KEYS}


def read_writeup(path: Path) -> WriteUp:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TypicalNotFound(f"找不到典型案例文件 {path.name}。") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CorruptRecord(f"典型案例文件 {path.name} 无法读取（{exc}）。") from None
    if not text.startswith("---"):
        raise CorruptRecord(f"典型案例文件 {path.name} 缺少开头的 YAML 信息块（--- … ---）。")
    parts = text.split("\n---", 2)
    if len(parts) < 2:
        raise CorruptRecord(f"典型案例文件 {path.name} 的 YAML 信息块没有以 --- 结束。")
    head = parts[0][3:]
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    if len(parts) == 3:
        body = body + "\n---" + parts[2]
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise CorruptRecord(f"典型案例文件 {path.name} 的 YAML 信息块有误：{exc}") from None
    if not isinstance(meta, dict):
        raise CorruptRecord(f"典型案例文件 {path.name} 的 YAML 信息块应为“键: 值”。")
    w = WriteUp(id=str(meta.get("id") or path.stem), title=str(meta.get("title") or ""), body=body.lstrip("\n"))
    for key in (*WriteUp.META_KEYS, "source_case"):
        if key in ("id", "title") or key not in meta or meta[key] is None:
            continue
        value = meta[key]
        if key in ("category", "insurance", "keywords"):
            value = [str(x) for x in value] if isinstance(value, list) else [s for s in re.split(r"[,，、\s]+", str(value)) if s]
        elif key == "year":
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = None
        else:
            value = value.isoformat() if isinstance(value, date | datetime) else str(value)
        setattr(w, key, value)
    if not w.title:
        m = re.search(r"^#\s+(.+)$", w.body, flags=re.MULTILINE)
        w.title = m.group(1).strip() if m else w.id
    return w


def dump_writeup(w: WriteUp) -> bytes:
    import yaml

    head = yaml.safe_dump(w.meta(), allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    return f"---\n{head}---\n{w.body.rstrip()}\n".encode()


def writeup_path(ws: Workspace, typical_id: str) -> Path:
    tid = typical_id.strip().upper()
    if not TYPICAL_ID_RE.match(tid):
        raise UsageError(f"典型案例编号“{typical_id}”格式不正确，应形如 TC-2026-0001。")
    return ws.library_dir / f"{tid}.md"


def load(ws: Workspace, typical_id: str) -> WriteUp:
    return read_writeup(writeup_path(ws, typical_id))


def save(ws: Workspace, w: WriteUp) -> Path:
    from casefile.store import atomic_write

    path = writeup_path(ws, w.id)
    ws.library_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(path, dump_writeup(w))
    return path



def list_writeups(ws: Workspace) -> list[WriteUp]:
    out = []
    if ws.library_dir.is_dir():
        for path in sorted(ws.library_dir.glob("TC-*.md")):
            try:
                out.append(read_writeup(path))
            except CasefileError:
                continue
    return out



def search_doc(path: Path) -> Any:
    """The search-index document (:class:`casefile.search_engines.base.SearchDoc`) of a write-up file."""
    from casefile.search_engines.base import SearchDoc

    w = read_writeup(path)
    body = re.sub(r"^#+\s*", "", w.body, flags=re.MULTILINE)
    return SearchDoc(
        id=f"typical:{w.id}", kind="typical", title=w.title, body=body, category=tuple(w.category),
        year=w.year, outcome=w.outcome, risk=w.risk, status=STAGE_LABELS.get(w.status, w.status),
        ref=path.name,
    )
