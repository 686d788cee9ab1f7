"""Listing the library and exporting published write-ups as a training booklet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.errors import CasefileError, Finding, InvalidFilters, UsageError
from casefile.library.booklet import build_booklet
from casefile.library.leakcheck import check_against
from casefile.library.recording import source_of
from casefile.library.writeup import STAGE_LABELS, TypicalRefused, WriteUp, list_writeups, read_writeup

if TYPE_CHECKING:
    from casefile.config import Workspace


@dataclass(frozen=True)
class Summary:
    id: str
    title: str
    status: str
    category: tuple[str, ...]
    keywords: tuple[str, ...]
    reviewer: str
    approver: str
    published_at: str
    problem: str = ""
    drafted_by: str = ""
    returned_note: str = ""  # what a reviewer asked the drafter to change (退回修改), while it is a draft

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "status": self.status, "status_label": STAGE_LABELS.get(self.status, ""),
                "category": list(self.category), "keywords": list(self.keywords), "reviewer": self.reviewer,
                "approver": self.approver, "published_at": self.published_at, "problem": self.problem}


def summaries(ws: Workspace, *, status: str | None = None) -> list[Summary]:
    out: list[Summary] = []
    if not ws.library_dir.is_dir():
        return out
    for path in sorted(ws.library_dir.glob("TC-*.md")):
        try:
            w = read_writeup(path)
        except CasefileError as exc:
            out.append(Summary(path.stem, "", "", (), (), "", "", "", str(exc)))
            continue
        st = w.effective_status
        if status and st != status:
            continue
        out.append(Summary(w.id, w.title, st, tuple(w.category), tuple(w.keywords), w.reviewer, w.approver,
                           w.published_at[:10], drafted_by=w.drafted_by,
                           returned_note=w.returned_note if st == "draft" else ""))
    return out


@dataclass
class ExportReport:
    path: str
    cases: list[str]
    skipped: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "cases": self.cases, "skipped": self.skipped}


def _matches(w: WriteUp, topic: str | None, categories: Sequence[str]) -> bool:
    if categories and not set(categories) & set(w.category):
        return False
    if topic:
        hay = " ".join([w.title, *w.keywords, w.body])
        return all(t in hay for t in topic.split())
    return True


def export(
    ws: Workspace,
    output: Path,
    now: datetime,
    *,
    topic: str | None = None,
    categories: Sequence[str] = (),
    fmt: str = "docx",
    title: str = "社会保险费征缴争议典型案例汇编",
) -> ExportReport:
    """A training booklet of the published write-ups (title page, contents, one section per case)."""
    from casefile.models.enums import Category
    from casefile.rules.dates import month_cn

    if fmt != "docx":
        raise UsageError(f"不支持的导出格式“{fmt}”，目前只支持 docx。")
    cats: list[str] = []
    for c in categories:
        try:
            cats.append(Category.parse(c).short)
        except ValueError as exc:
            raise InvalidFilters([Finding("--category", str(exc))]) from None
    chosen: list[WriteUp] = []
    skipped: list[str] = []
    for w in list_writeups(ws):
        if not _matches(w, topic, cats):
            continue
        if w.effective_status != "published":
            skipped.append(f"{w.id}（{STAGE_LABELS[w.effective_status]}）")
            continue
        try:
            _, case = source_of(ws, w)
        except CasefileError:
            skipped.append(f"{w.id}（找不到来源案件，无法做泄露检查）")
            continue
        if check_against(w.full_text(), case, ws.settings):
            skipped.append(f"{w.id}（未通过泄露检查）")
            continue
        chosen.append(w)
    if not chosen:
        raise TypicalRefused("没有符合条件的已发布典型案例可以导出" + (f"（未导出：{'、'.join(skipped)}）" if skipped else "") + "。")
    output = output.with_suffix(".docx") if output.suffix.lower() != ".docx" else output
    data = build_booklet(chosen, title=title, subtitle=topic or "", month=month_cn(now),
                         publisher=ws.settings.typical.publisher.strip())
    from casefile.store import atomic_write

    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(output, data)
    return ExportReport(str(output), [w.id for w in chosen], skipped)

