"""Handing a year's files over (移交): the 归档文件目录 (D28) and copying the bags to a destination,
verified there."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from casefile.archive import preservation
from casefile.archive.build import make_readonly, remove_tree
from casefile.archive.checks import (
    ArchiveCheck,
    archived_dossiers,
    check_archive,
    load_meta,
    sequence_findings,
)
from casefile.archive.findings import Finding, Inconsistent
from casefile.clock import local_date
from casefile.config import Workspace
from casefile.documents.doctypes import RESULT_DOCUMENTS
from casefile.errors import ArchiveProblem, CasefileError, StorageError
from casefile.identity import ActorLike, actor_name
from casefile.models.case import Case
from casefile.rules.dates import date8
from casefile.store import fsync_dir, sha256_file

#: the columns of the 归档文件目录 (DA/T 22-2015), and the x-field name of each in the D28 template
CATALOGUE_COLUMNS: dict[str, str] = {
    "序号": "seq", "档号": "dang_hao", "文号": "wenhao", "责任者": "author", "题名": "title",
    "日期": "date", "密级": "secret", "页数": "pages", "备注": "note",
}


def _file_title(case: Case) -> str:
    cats = "、".join(c.label for c in case.categories)
    return f"{case.applicant.name}反映{cats}争议处置案卷"


def archive_catalogue(ws: Workspace, year: int) -> list[dict[str, Any]]:
    """One row per archived case of ``year`` (年度 of its 档号), in 件号 order, with the D28 columns:
    序号, 档号, 文号, 责任者, 题名, 日期 (YYYYMMDD, 办结日期), 密级, 页数 (int), 备注."""
    rows: list[dict[str, Any]] = []
    office = ws.settings.office.name
    secret = ws.settings.archive.secret
    for i, (_, case) in enumerate(archived_dossiers(ws, year), start=1):
        a = case.archive
        assert a is not None
        result = next((d for t in RESULT_DOCUMENTS for d in reversed(case.documents)
                       if d.doc_type == t and d.superseded_by is None and d.wenhao), None)
        notes = [a.retention.label]
        if a.previous:
            notes.append(f"续{a.previous}")
        if case.reopened_from:
            notes.append(f"原案件{case.reopened_from}")
        day = local_date(case.closed_at or a.archived_at)
        rows.append({"序号": i, "档号": a.dang_hao, "文号": result.wenhao if result else "", "责任者": office,
                     "题名": _file_title(case), "日期": date8(day), "密级": secret, "页数": a.pages or 0,
                     "备注": "；".join(notes)})
    return rows


def catalogue_entries(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The catalogue rows as ``x.entries`` of the D28 template (all strings)."""
    return [{CATALOGUE_COLUMNS[k]: str(v) for k, v in row.items() if k in CATALOGUE_COLUMNS} for row in rows]


# -- transfer -------------------------------------------------------------------------------------------------
@dataclass
class TransferItem:
    case_id: str
    dang_hao: str
    target: Path
    status: str  # copied / present / refused
    check: ArchiveCheck | None = None
    source_findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("copied", "present") and self.check is not None and self.check.ok

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "dang_hao": self.dang_hao, "target": str(self.target),
                "status": self.status, "ok": self.ok,
                "findings": [f.as_dict() for f in (self.check.findings if self.check else [])],
                "source_findings": [f.as_dict() for f in self.source_findings]}


@dataclass
class TransferReport:
    year: int
    destination: Path
    items: list[TransferItem] = field(default_factory=list)
    year_findings: list[Finding] = field(default_factory=list)
    listing: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.items) and not self.year_findings

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "destination": str(self.destination), "ok": self.ok,
                "items": [i.as_dict() for i in self.items],
                "year_findings": [f.as_dict() for f in self.year_findings],
                "listing": str(self.listing) if self.listing else None, "warnings": self.warnings}


def _copy_bag(src: Path, dst: Path) -> None:
    """Copy into a hidden folder beside the target, fsync, then rename into place. The bag only: the
    annex beside it (the typical cases' real-name maps, see :mod:`.annex`) stays with the dossier."""
    from casefile.archive.annex import ANNEX_DIRS

    tmp = dst.with_name(f".{dst.name}.partial-{uuid.uuid4().hex[:8]}")
    try:
        tmp.mkdir(parents=True)
        for dirpath, dirnames, filenames in os.walk(src):
            rel = Path(dirpath).relative_to(src)
            if rel == Path("."):
                dirnames[:] = [d for d in dirnames if d not in ANNEX_DIRS]
            for d in dirnames:
                (tmp / rel / d).mkdir()
            for name in filenames:
                with (Path(dirpath) / name).open("rb") as fi, (tmp / rel / name).open("xb") as fo:
                    shutil.copyfileobj(fi, fo, 1 << 20)
                    fo.flush()
                    os.fsync(fo.fileno())
        for dirpath, _, _ in os.walk(tmp, topdown=False):
            fsync_dir(Path(dirpath))
        make_readonly(tmp)
        os.rename(tmp, dst)
        fsync_dir(dst.parent)
    except BaseException:
        remove_tree(tmp)
        raise


def transfer(ws: Workspace, year: int, destination: Path, *, now: datetime, actor: ActorLike,
             progress: Callable[[str], None] | None = None) -> TransferReport:
    """Copy every archived bag of ``year`` to ``destination/<year>/<档号>/`` and verify each there.

    A bag that fails its quick check at the source is not handed over; a bag already at the
    destination is verified and kept only if it is the same bag.
    """
    say = progress or (lambda _m: None)
    cases = archived_dossiers(ws, year)
    if not cases:
        raise ArchiveProblem(f"{year}年度没有已归档的案卷可以移交。")
    root = destination / str(year)
    report = TransferReport(year, destination)
    report.year_findings = sequence_findings(ws, year)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"无法在 {destination} 建立移交目录（{exc.strerror}）。") from None
    workers = ws.settings.archive.verify_workers
    for dossier, case in cases:
        a = case.archive
        assert a is not None
        target = root / a.dang_hao
        item = TransferItem(case.id, a.dang_hao, target, "refused")
        report.items.append(item)
        say(f"移交 {a.dang_hao}…")
        src_check = check_archive(dossier.path, quick=True, workers=workers)
        if not src_check.ok:
            item.source_findings = [f.located(case.id) for f in src_check.findings]
            continue
        source_tag = sha256_file(dossier.path / "tagmanifest-sha256.txt")
        if target.exists():
            same = (target / "tagmanifest-sha256.txt").is_file() and \
                sha256_file(target / "tagmanifest-sha256.txt") == source_tag
            item.status = "present"
            item.check = check_archive(target, workers=workers)
            if not same:
                item.check.findings.append(Inconsistent(case_id=case.id, detail=f"目的地已有同档号的 {target.name}，但内容与本单位的归档包不同"))
            continue
        try:
            _copy_bag(dossier.path, target)
        except OSError as exc:
            raise StorageError(f"复制 {a.dang_hao} 到 {target} 失败（{exc.strerror}）；目的地没有留下不完整的目录。") from None
        item.status = "copied"
        item.check = check_archive(target, workers=workers)
        item.check.findings = [f.located(case.id) for f in item.check.findings]
    listing = {
        "format": "casefile-transfer/1", "year": year, "fonds": ws.settings.office.fonds,
        "from": ws.settings.office.name, "time": now.isoformat(), "by": actor_name(actor),
        "catalogue": archive_catalogue(ws, year), "bags": [i.as_dict() for i in report.items],
        "ok": report.ok,
    }
    name = f"移交清单-{year}-{now.strftime('%Y%m%d%H%M%S')}.json"
    try:
        path = root / name
        with path.open("xb") as fo:
            fo.write(json.dumps(listing, ensure_ascii=False, indent=1).encode("utf-8"))
            fo.flush()
            os.fsync(fo.fileno())
        report.listing = path
    except OSError as exc:
        report.warnings.append(f"移交清单未能写入目的地（{exc.strerror}）")
    with contextlib.suppress(CasefileError):
        preservation.append(ws, year, "transferred", now=now, actor=actor, destination=str(destination),
                            ok=report.ok, bags=[{"case": i.case_id, "dang_hao": i.dang_hao, "status": i.status,
                                                  "ok": i.ok} for i in report.items])
    _ = load_meta
    return report


# -- 归档文件目录 (D28) as a document --------------------------------------------------------------------------
@dataclass
class CatalogueReport:
    year: int
    count: int
    docx: str
    pdf: str


def write_catalogue(ws: Workspace, year: int, out_dir: Path, now: datetime, *, pdf: bool = True) -> CatalogueReport:
    """The year's 归档文件目录 (D28) in landscape as ``归档文件目录_<year>.docx`` (and ``.pdf``) in ``out_dir``,
    one row per archived case in 件号 order; refuses a year with no archived case."""
    from casefile.documents.context import OFFICE_FIELDS, sample_context
    from casefile.documents.doctypes import DOC_TYPES, FILE_REGISTER
    from casefile.documents.engine import find_template, load_template
    from casefile.rules.dates import date_cn
    from casefile.store import atomic_write

    rows = archive_catalogue(ws, year)
    if not rows:
        raise ArchiveProblem(f"{year}年度没有已归档的案卷，无法生成归档文件目录；请检查 --year。", code="no-archives")
    office = ws.settings.office
    ctx = sample_context(FILE_REGISTER, filled=False)
    ctx["office"] = {k: str(getattr(office, k, "") or "") for k in OFFICE_FIELDS}
    ctx["doc"].update({"type": FILE_REGISTER, "title": DOC_TYPES[FILE_REGISTER].title, "date": date_cn(local_date(now))})
    retentions = list(dict.fromkeys(str(r["备注"]).split("；")[0] for r in rows))
    ctx["x"] = {"fonds_name": getattr(office, "fonds_name", "") or office.name, "year": str(year),
                "retention": "、".join(retentions), "entries": catalogue_entries(rows)}
    data = load_template(find_template(ws, FILE_REGISTER)).render(ctx)
    out_dir.mkdir(parents=True, exist_ok=True)
    docx = out_dir / f"归档文件目录_{year}.docx"
    atomic_write(docx, data)
    made = ""
    if pdf:
        from casefile.documents.pdf import convert_to_pdf

        made = str(convert_to_pdf(docx, out_dir))
    return CatalogueReport(year, len(rows), str(docx), made)
