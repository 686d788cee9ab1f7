"""立卷归档 (T24): a closed case becomes a sealed BagIt bag in its own folder.

The case folder itself becomes the bag: the payload (documents, their PDFs, evidence, the cover,
index and 备考表, the merged archival PDF) under ``data/``; ``case.json``, ``journal.jsonl`` and
``archive.json`` beside the manifests as tag files. Paths in the record are rewritten to their
place under ``data/``, so ``casefile show`` and ``fsck`` keep working.

Crash and disk-full safety: everything is built in a hidden sibling folder (documents and evidence
hard-linked, so the live dossier is never touched), checked, and swapped with the live folder in
one atomic ``renameat2(RENAME_EXCHANGE)``. That swap is the commit: before it the case is CLOSED
and unchanged, after it the case is ARCHIVED and complete. What is left to do afterwards (remove
the old folder, make everything read-only, record the 件号 and the preservation event) is
idempotent and finished by :func:`recover` if the process dies in between.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from casefile import __version__, events, faults
from casefile.archive import preservation
from casefile.archive.arrange import FU, ZHENG, Item, arrange
from casefile.archive.bag import (
    BAG_INFO,
    BAGIT_TXT,
    DATA,
    format_bag_info,
    oxum,
    payload_files,
    writable_entries,
    write_file,
    write_manifests,
    write_tagmanifests,
)
from casefile.archive.checks import (
    CASE_TAG,
    JOURNAL_TAG,
    META_TAG,
    check_archive,
    sequence_findings,
    year_numbers,
)
from casefile.archive.fixity import hash_files, safe_member_name, sm3_bytes
from casefile.archive.pdfpack import CJK_RE, Part, merge, page_count, pdf_text, placeholder_page, qpdf_check
from casefile.archive.requirements import Completeness, flat_events, required_documents
from casefile.archive.rules import (
    DangHao,
    RetentionDecision,
    archive_year,
    case_traits,
    decide_retention,
    transitions_in,
)
from casefile.clock import local_date
from casefile.config import Workspace
from casefile.documents.doctypes import (
    DOC_TYPES,
    SERVICE_PROOF,
    VOLUME_CONTENTS,
    VOLUME_COVER,
    VOLUME_FORMS,
    VOLUME_NOTES,
)
from casefile.errors import ArchiveProblem, CasefileError, ExternalToolError, StorageError
from casefile.fsio import exchange, make_readonly, make_writable
from casefile.identity import Actor, ActorLike, actor_name
from casefile.machine import allowed_steps, allows
from casefile.machine import apply as apply_transition
from casefile.models.case import Case
from casefile.models.enums import Retention, State
from casefile.models.records import ArchiveInfo, DocumentRecord
from casefile.models.schema import SCHEMA_FILE, shipped_schema
from casefile.rules.dates import date8, date_cn
from casefile.store import (
    CASE_FILE,
    DOCUMENTS_DIR,
    EVIDENCE_DIR,
    GENESIS,
    JOURNAL_FILE,
    Dossier,
    JournalEntry,
    Sequence,
    case_bytes,
    clean_scratch,
    encode_entry,
    fsync_dir,
    scratch_dir,
    sha256_bytes,
    sha256_file,
)

OFFICE_SUFFIXES = frozenset({".doc", ".docx", ".odt", ".rtf", ".wps", ".xls", ".xlsx", ".ods", ".et", ".ppt",
                             ".pptx", ".odp", ".txt", ".csv"})
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".heic"})
STAGING = "archiving"


class ArchiveRefused(ArchiveProblem):
    """The case cannot be archived yet; ``problems`` lists every reason (Chinese, one per item)."""

    code = "archive-refused"

    def __init__(self, case_id: str, problems: list[str]) -> None:
        self.problems = problems
        numbered = "；".join(f"{i}. {p}" for i, p in enumerate(problems, start=1))
        super().__init__(f"案件 {case_id} 不能归档（{len(problems)}个问题）：{numbered}。案件未作任何改动。")


@dataclass
class ArchiveResult:
    case_id: str
    dang_hao: str
    retention: str
    retention_label: str
    retention_reasons: list[str]
    jian_hao: int
    items: int
    pages: int
    merged_pages: int
    merged_pdf: str
    bag: Path
    payload_oxum: str
    message: str
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.case_id, "state": State.ARCHIVED.value, "dang_hao": self.dang_hao,
                "retention": self.retention, "retention_label": self.retention_label,
                "retention_reasons": self.retention_reasons, "jian_hao": self.jian_hao, "items": self.items,
                "pages": self.pages, "merged_pages": self.merged_pages, "merged_pdf": self.merged_pdf,
                "bag": str(self.bag), "payload_oxum": self.payload_oxum, "message": self.message,
                "warnings": self.warnings}


# -- preflight ----------------------------------------------------------------------------------------------
@dataclass
class Preflight:
    entries: list[JournalEntry]
    completeness: Completeness
    transitions: set[str]


def preflight(ws: Workspace, dossier: Dossier, case: Case) -> Preflight:
    """Everything that must hold before anything is built; every problem at once."""
    problems: list[str] = []
    if not allows(case, "T24"):
        nxt = "、".join(allowed_steps(case))
        problems.append(f"案件当前状态为“{case.state.label}”，尚未办结，办结后方可归档"
                        + (f"（可进行的操作：{nxt}）" if nxt else ""))
    entries, _ = dossier.journal()
    problems.extend(f"案卷未通过完整性校验：{p}（请先运行 casefile fsck）" for p in dossier.integrity_problems())
    recorded = dossier.recorded_files(entries)  # every file with the SHA-256 it was written with
    events = [p for _, p in flat_events(entries)]
    comp = required_documents(case, entries, ws.settings.dept_name)
    for r in comp.missing:
        problems.append(f"缺少{r.label}")
    for d in case.documents:
        for rel, sha in ((d.file, d.sha256), (d.data_file, None), (d.pdf, None)):
            if rel:
                problems.extend(_file_problem(dossier, rel, recorded.get(rel, sha), f"文书 {d.doc_id}（{d.title}）"))
    for e in case.evidence:
        problems.extend(_file_problem(dossier, e.file, recorded.get(e.file, e.sha256),
                                      f"证据 {e.ev_id}（{e.original_name}）", e.size))
        for rel in (e.archive_pdf, e.text_file):
            if rel:
                problems.extend(_file_problem(dossier, rel, recorded.get(rel), f"证据 {e.ev_id} 的附属文件"))
    named = {r for d in case.documents for r in (d.file, d.data_file, d.pdf) if r}
    named |= {r for e in case.evidence for r in (e.file, e.archive_pdf, e.text_file) if r}
    for entry in sorted(dossier.path.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            problems.append(f"案卷目录中有隐藏文件 {entry.name}，请核实后移走")
        elif entry.name == DATA:
            problems.append("案卷目录中已有 data/ 目录（可能是未完成的归档），请先运行 casefile fsck")
        elif entry.is_symlink():
            problems.append(f"案卷目录中的 {entry.name} 是符号链接，不能归档")
    for sub in (dossier.path / DOCUMENTS_DIR, dossier.path / EVIDENCE_DIR):
        if sub.is_dir():
            for p in sub.rglob("*"):
                rel = p.relative_to(dossier.path).as_posix()
                if p.name.startswith(".") or p.is_symlink():
                    problems.append(f"案卷目录中有隐藏文件或链接 {rel}，请核实后移走")
                elif p.is_file() and rel not in recorded and rel not in named:
                    problems.append(f"案卷目录中的 {rel} 不是 casefile 写入的文件（日志与记录中都没有它），请核实后移走")
    if problems:
        raise ArchiveRefused(case.id, problems)
    return Preflight(entries, comp, transitions_in(events))


def _file_problem(dossier: Dossier, rel: str, sha: str | None, what: str, size: int | None = None) -> list[str]:
    try:
        path = dossier.safe_path(rel)
    except CasefileError:
        return [f"{what}的路径 {rel} 越出案卷目录"]
    if not path.is_file():
        return [f"{what}的文件 {rel} 缺失"]
    if size is not None and path.stat().st_size != size:
        return [f"{what}的文件 {rel} 大小与登记时不同（已被改动）"]
    if sha is not None and sha256_file(path) != sha:
        return [f"{what}的文件 {rel} 与登记时的 SHA-256 不符（已被改动）"]
    return []


# -- conversion (outside the case lock: LibreOffice takes seconds) -------------------------------------------------
@dataclass
class Converted:
    documents: dict[str, Path] = field(default_factory=dict)  # doc_id -> pdf
    evidence: dict[str, Path] = field(default_factory=dict)  # ev_id -> pdf


def _evidence_pdf_rel(e: Any) -> str | None:
    """The PDF of a piece of evidence as it goes into the file, if it has one already."""
    if e.file.lower().endswith(".pdf") or (e.media_type or "") == "application/pdf":
        return str(e.file)
    return str(e.archive_pdf) if e.archive_pdf else None


def convert_parts(ws: Workspace, dossier: Dossier, case: Case, work: Path,
                  say: Callable[[str], None]) -> Converted:
    from casefile.documents.pdf import convert_many

    out = Converted()
    timeout = ws.settings.archive.convert_timeout
    recorded = dossier.recorded_files()
    # A PDF is reused only if its SHA-256 was recorded when casefile made it (and preflight found it
    # unchanged); any other is made again from the .docx, whose hash the document record holds.
    todo = [d for d in case.documents if not d.pdf or d.pdf not in recorded]
    try:
        if todo:
            say(f"转换{len(todo)}份文书为 PDF…")
            made = convert_many([dossier.safe_path(d.file) for d in todo], work / "documents", timeout)
            out.documents = {d.doc_id: p for d, p in zip(todo, made, strict=True)}
        office = [e for e in case.evidence
                  if _evidence_pdf_rel(e) is None and Path(e.file).suffix.lower() in OFFICE_SUFFIXES]
        if office:
            say(f"转换{len(office)}份证据为 PDF…")
            src = work / "evidence-src"
            src.mkdir(parents=True, exist_ok=True)
            copies = []
            for e in office:
                c = src / f"{e.ev_id}{Path(e.file).suffix.lower()}"
                shutil.copyfile(dossier.safe_path(e.file), c)
                copies.append(c)
            made = convert_many(copies, work / "evidence", timeout)
            out.evidence = {e.ev_id: p for e, p in zip(office, made, strict=True)}
        for e in case.evidence:
            if _evidence_pdf_rel(e) is None and Path(e.file).suffix.lower() in IMAGE_SUFFIXES:
                made_img = _image_pdf(dossier.safe_path(e.file), work / "evidence" / f"{e.ev_id}.pdf")
                if made_img is not None:
                    out.evidence[e.ev_id] = made_img
    except ExternalToolError as exc:
        raise ArchiveProblem(f"{exc.message}归档未完成，案件仍为“{case.state.label}”状态，未作任何改动。",
                             code="archive-convert") from None
    except StorageError as exc:  # a full disk, not LibreOffice's fault
        raise StorageError(f"{exc.message.rstrip('。')}；归档未完成，案件仍为“{case.state.label}”状态，未作任何改动。") from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise _disk_error(exc, case) from None
        raise ArchiveProblem(f"准备 PDF 时出错（{exc.strerror}）；案件未作任何改动。") from None
    return out


def _image_pdf(src: Path, out: Path) -> Path | None:
    """A lossless PDF of an image (img2pdf), else Pillow's; None if neither can read it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        import img2pdf

        out.write_bytes(img2pdf.convert(str(src)))
        return out
    except Exception:  # img2pdf refuses alpha channels and some encodings; Pillow handles those
        pass
    try:
        from PIL import Image

        with Image.open(src) as im:
            im.convert("RGB").save(out, "PDF", resolution=150.0)
        return out
    except Exception:  # not an image Pillow can read: a placeholder page stands in for it
        return None


# -- the atomic swap -------------------------------------------------------------------------------------------------
def swap_in(staging: Path, target: Path) -> None:
    """Make ``staging`` the case folder; afterwards ``staging`` holds the previous folder."""
    if not exchange(staging, target):
        # Two renames; a crash between them leaves no folder under the case id, and recover()
        # renames the complete staging folder into place.
        aside = staging.with_name(staging.name + "-prev")
        os.rename(target, aside)
        os.rename(staging, target)
        os.rename(aside, staging)
    fsync_dir(target.parent)


def remove_tree(root: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        make_writable(root)
    shutil.rmtree(root, ignore_errors=True)


def _is_archived_folder(path: Path) -> bool:
    try:
        case = Case.model_validate_json((path / CASE_FILE).read_bytes())
    except (OSError, ValueError):
        return False
    return case.state is State.ARCHIVED and (path / "bagit.txt").is_file()


# -- recovery -----------------------------------------------------------------------------------------------------------
@dataclass
class Recovery:
    actions: list[str] = field(default_factory=list)


def staging_folders(dossier: Dossier) -> list[Path]:
    parent = dossier.path.parent
    if not parent.is_dir():
        return []
    prefix = f".{dossier.case_id}.{STAGING}-"
    return sorted(p for p in parent.iterdir() if p.name.startswith(prefix))


def recover(ws: Workspace, dossier: Dossier, *, now: datetime, actor: ActorLike) -> Recovery:
    """Finish or undo an interrupted archiving run. Call under the case lock."""
    rec = Recovery()
    leftovers = staging_folders(dossier)
    target = dossier.path
    if not target.exists():
        complete = [p for p in leftovers if _is_archived_folder(p)]
        if complete:
            os.rename(complete[0], target)
            fsync_dir(target.parent)
            leftovers.remove(complete[0])
            rec.actions.append("把已完成的归档包移入案卷目录")
    if target.exists() and _is_archived_folder(target):
        for p in leftovers:
            remove_tree(p)
            rec.actions.append(f"删除归档前的旧目录 {p.name}")
        if writable_entries(target):
            make_readonly(target)
            rec.actions.append("把归档包设为只读")
        case = dossier.load()
        assert case.archive is not None
        rec.actions.extend(_settle_records(ws, case, now=now, actor=actor, recovered=True))
    else:
        for p in leftovers:
            remove_tree(p)
            rec.actions.append(f"删除未完成的归档临时目录 {p.name}")
    return rec


def _settle_records(ws: Workspace, case: Case, *, now: datetime, actor: ActorLike, recovered: bool) -> list[str]:
    """The 件号 allocation record and the preservation event of an archived case, if missing."""
    a = case.archive
    assert a is not None
    actions: list[str] = []
    seq = Sequence(ws, f"jianhao-{a.year}")
    if a.jian_hao not in {int(e["value"]) for e in seq.entries()} and a.jian_hao == seq.last() + 1:
        with seq.allocate(f"{case.id} 立卷归档（补记）", now) as value:
            if value != a.jian_hao:  # pragma: no cover - guarded above, under the sequence lock
                raise ArchiveProblem("件号补记失败，请运行 casefile verify --all 检查。")
        actions.append(f"补记件号 {a.jian_hao:04d} 的分配记录")
    events, _ = preservation.read_log(ws, a.year)
    if not any(ev.type == "archived" and ev.dang_hao == a.dang_hao for ev in events):
        bag = Dossier(ws, case.id).path
        # the tag manifests cover bag-info.txt, archive.json, case.json and the journal: anchoring them
        # here means a tag file changed with recomputed manifests no longer verifies
        anchors = {f"{n.removesuffix('.txt').replace('-', '_')}_file_sha256": sha256_file(bag / n)
                   for n in ("tagmanifest-sha256.txt", "tagmanifest-sm3.txt") if (bag / n).is_file()}
        preservation.append(ws, a.year, "archived", now=now, actor=actor, case_id=case.id, dang_hao=a.dang_hao,
                            jian_hao=a.jian_hao, retention=a.retention.value, payload_oxum=a.payload_oxum,
                            manifest_sha256=a.manifest_sha256, recovered=recovered, **anchors)
        if recovered:
            actions.append("补记归档保管事件")
    return actions


# -- building --------------------------------------------------------------------------------------------------------
def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        _copy(src, dst)


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    with src.open("rb") as fi, dst.open("xb") as fo:
        shutil.copyfileobj(fi, fo, 1 << 20)
        fo.flush()
        os.fsync(fo.fileno())


def _x(doc_type: str, values: dict[str, Any]) -> dict[str, Any]:
    """Only the x fields the document type defines (a few have two historical names)."""
    fields = DOC_TYPES[doc_type].field_specs
    return {k: v for k, v in values.items() if k in fields}


@dataclass
class _Staged:
    case: Case
    mapping: dict[str, str]  # old relative path -> new relative path
    parts: list[Part]
    items: list[Item]
    merged_rel: str
    merged_pages: int
    body_pages: int
    qpdf: str
    archive_docs: list[DocumentRecord]
    notes: list[str]


def _title_of(ws: Workspace, case: Case, item: Item) -> tuple[str, str, str, str, str]:
    """(题名, 文号, 责任者, 日期, 备注) of one item of the index."""
    office = ws.settings.office.name
    if item.kind == "evidence":
        number, e = next((i, x) for i, x in enumerate(case.evidence, start=1) if x.ev_id == item.ref)
        author = e.source if CJK_RE.search(e.source or "") else "当事人提交"
        # by the officer's name for it, as the decision lists it (the file name stays in the bag's manifest)
        title = f"证据材料：{e.display_name(number)}" + (f"（{e.pages}页）" if e.pages else "")
        return title, "", author, date8(local_date(e.received_at)), e.note or ""
    d = case.document(item.ref)
    assert d is not None
    title = d.title + (f"（{d.recipient}）" if d.recipient and d.doc_type != SERVICE_PROOF else "")
    if d.doc_type == SERVICE_PROOF:
        served = next((s for s in case.services if s.proof_doc == d.doc_id), None)
        of = case.document(served.doc_id) if served else None
        title = f"送达回证（{of.title if of else ''}，受送达人{d.recipient or (served.recipient if served else '')}）"
    author = office
    spec = DOC_TYPES.get(d.doc_type)
    if spec is not None and spec.author == "department":
        op = next((o for o in case.opinions if o.doc_id == d.doc_id), None)
        author = ws.settings.dept_name(op.dept) if op else office
    elif spec is not None and spec.author == "mediator" and case.mediation:
        author = case.mediation.organisation or "调解组织"
    notes = []
    if d.superseded_by:
        new = case.document(d.superseded_by)
        notes.append(f"已被{(new.wenhao or new.doc_id) if new else d.superseded_by}更正")
    if d.corrects:
        old = case.document(d.corrects)
        notes.append(f"更正{(old.wenhao or old.doc_id) if old else d.corrects}")
    return title, d.wenhao or "", author, date8(local_date(d.issued_at)), "；".join(notes)


def _build(ws: Workspace, dossier: Dossier, case: Case, pre: Preflight, conv: Converted, staging: Path,
           dh: DangHao, decision: RetentionDecision, now: datetime, actor: ActorLike, filer: str, checker: str,
           work: Path, say: Callable[[str], None]) -> _Staged:
    from casefile.documents.context import build_context
    from casefile.documents.engine import find_template, load_template
    from casefile.documents.issue import doc_relpath, next_doc_id, snapshot_bytes, spec_of
    from casefile.documents.pdf import convert_many

    acfg = ws.settings.archive
    office = ws.settings.office
    staging.mkdir()
    (staging / DATA).mkdir()
    # 1. the dossier's files, hard-linked under data/ (names made safe for both manifest formats)
    mapping: dict[str, str] = {}
    recorded = dossier.recorded_files(pre.entries)
    for entry in sorted(dossier.path.iterdir(), key=lambda p: p.name):
        if entry.name in (CASE_FILE, JOURNAL_FILE) or entry.name.startswith("."):
            continue
        files = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
        for src in files:
            rel = src.relative_to(dossier.path).as_posix()
            new = f"{DATA}/" + "/".join(safe_member_name(part) for part in rel.split("/"))
            if new in mapping.values():
                new = f"{new}.{len(mapping)}"
            mapping[rel] = new
            _link_or_copy(src, staging / new)
            if rel in recorded and sha256_file(staging / new) != recorded[rel]:
                # checked again under the lock, on what is being sealed (preflight ran before the lock)
                raise ArchiveProblem(f"案卷文件 {rel} 与写入时记录的 SHA-256 不符（已被改动），不能归档；"
                                     f"请运行 casefile fsck 核查。案件未作任何改动。")
    staged = case.model_copy(deep=True)

    def moved(rel: str | None) -> str | None:
        if rel is None:
            return None
        if rel not in mapping:
            raise ArchiveProblem(f"案件记录引用的文件 {rel} 不在案卷目录中；案件未作任何改动。")
        return mapping[rel]

    for d in staged.documents:
        d.file, d.data_file, d.pdf = moved(d.file) or d.file, moved(d.data_file) or d.data_file, moved(d.pdf)
    for e in staged.evidence:
        e.file, e.archive_pdf, e.text_file = moved(e.file) or e.file, moved(e.archive_pdf), moved(e.text_file)

    # 2. the converted PDFs
    taken = set(mapping.values())

    def place(src: Path, rel: str) -> str:
        while rel in taken:
            rel = rel[:-4] + "-1.pdf"
        taken.add(rel)
        _copy(src, staging / rel)
        return rel

    for d in staged.documents:
        if d.doc_id in conv.documents:
            d.pdf = place(conv.documents[d.doc_id], d.file.rsplit(".", 1)[0] + ".pdf")
    for e in staged.evidence:
        if e.ev_id in conv.evidence:
            e.archive_pdf = place(conv.evidence[e.ev_id], f"{DATA}/evidence/{safe_member_name(e.ev_id)}.archive.pdf")

    # 3. arrangement and page counts
    say("编排卷内文件…")
    items = arrange(staged, acfg.order)
    notes: list[str] = []
    body: list[Part] = []
    for it in items:
        title = _title_of(ws, staged, it)[0]
        if it.kind == "document":
            doc = staged.document(it.ref)
            assert doc is not None and doc.pdf is not None
            body.append(Part(it.ref, title, pdf=staging / doc.pdf, section=it.section))
            doc.pages = page_count(staging / doc.pdf)
        else:
            ev = next(x for x in staged.evidence if x.ev_id == it.ref)
            ev_pdf = _evidence_pdf_rel(ev)
            if ev_pdf is not None:
                body.append(Part(it.ref, title, pdf=staging / ev_pdf, section=it.section))
            else:
                lines = [f"证据编号：{ev.ev_id}", f"原文件名：{ev.original_name}", f"类型：{ev.media_type or '未知'}",
                         f"大小：{ev.size} 字节", f"SHA-256：{ev.sha256}", f"原件位置：{ev.file}",
                         "该证据不是版式文件，无法并入合并PDF；原件随案卷一并保存。"]
                body.append(Part(it.ref, title, data=placeholder_page(title, lines, acfg.stamp_font), section=it.section))
                notes.append(f"证据{ev.original_name}为非版式文件，合并PDF中以说明页代替，原件随卷保存")
    page = 0
    pages_of: dict[str, tuple[int, int]] = {}
    for part in body:
        n = page_count(part.pdf) if part.pdf is not None else 1
        pages_of[part.key] = (page + 1, page + n)
        page += n
    body_pages = page
    n_items = len(items)
    zheng_n = sum(1 for it in items if it.section == ZHENG)

    # 4. the archive record, then the cover (D25), index (D26) and 备考表 (D27)
    previous, version = _previous_version(ws, case)
    staged.archive = ArchiveInfo(
        dang_hao=str(dh), fonds=dh.fonds, year=dh.year, retention=dh.retention, jian_hao=dh.number,
        archived_at=now, filer=filer, checker=checker, version=version, bag=_bag_rel(ws, dossier),
        pages=body_pages, items=n_items, journal_sha256=pre.entries[-1].sha256 if pre.entries else GENESIS,
        previous=previous, reopened_from=case.reopened_from,
    )
    entries_rows = []
    for i, it in enumerate(items, start=1):
        title, wenhao, author, day, note = _title_of(ws, staged, it)
        first, last = pages_of[it.ref]
        pages = f"{first}-{last}" if i == n_items and last > first else str(first)
        if it.section == FU and (i == 1 or items[i - 2].section != FU):
            note = "；".join(x for x in ("副卷", note) if x)
        entries_rows.append({"seq": str(i), "wenhao": wenhao, "author": author, "title": title, "date": day,
                             "pages": pages, "note": note})
    lapsed = [ws.settings.dept_name(o.dept) for o in staged.opinions if o.lapsed]
    if lapsed:
        notes.append(f"{'、'.join(lapsed)}逾期未回复书面意见（已记录在案）")
    corrected = [d for d in staged.documents if d.superseded_by]
    if corrected:
        notes.append(f"{len(corrected)}份文书经更正，原件与更正件均已归档")
    if case.reopened_from:
        notes.append(f"本卷为案件 {case.reopened_from}（档号 {previous or '见原卷'}）重新办理后的续卷")
    note_text = (f"其中正卷{zheng_n}件、副卷{n_items - zheng_n}件；另有案卷封面、卷内文件目录和本表。"
                 f"保管期限{decision.explanation}。归档前已按办理路径核对应有文书，全部齐全；"
                 f"文件以 SHA-256 和 SM3 校验值登记。" + "".join(f"{n}。" for n in notes))
    common = {"item_count": str(n_items), "items": str(n_items), "page_count": str(body_pages),
              "pages": str(body_pages), "filer": filer, "dang_hao": str(dh)}
    extras = {
        VOLUME_COVER: _x(VOLUME_COVER, {**common, "category": acfg.category, "retention": dh.retention.label,
                          "archive_no": f"{dh.number:04d}", "fonds": dh.fonds}),
        VOLUME_CONTENTS: _x(VOLUME_CONTENTS, {"dang_hao": str(dh), "entries": entries_rows}),
        VOLUME_NOTES: _x(VOLUME_NOTES, {**common, "note": note_text, "checker": checker, "filed_date": date_cn(local_date(now)),
                          "checked_date": date_cn(local_date(now))}),
    }
    say("生成案卷封面、卷内文件目录和卷内备考表…")
    archive_docs: list[DocumentRecord] = []
    rendered: list[tuple[DocumentRecord, Path]] = []
    for doc_type in VOLUME_FORMS:
        spec = spec_of(doc_type)
        tf = find_template(ws, doc_type)
        prepared = load_template(tf)
        doc_id = next_doc_id(staged, doc_type)
        ctx = build_context(ws, staged, doc_type, now=now, actor=actor, extra=extras[doc_type])
        docx = prepared.render(ctx.data)
        rel = f"{DATA}/{doc_relpath(doc_id, doc_type)}"
        data_rel = f"{DATA}/{doc_relpath(doc_id, doc_type, 'data.json')}"
        write_file(staging / data_rel, snapshot_bytes(doc_id, spec, tf, prepared, ctx, now, actor_name(actor)))
        write_file(staging / rel, docx)
        src = work / "archive-src" / f"{doc_id}-{doc_type}.docx"
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_bytes(docx)
        rec = DocumentRecord(doc_id=doc_id, doc_type=doc_type, title=spec.title, wenhao=None, serial=None,
                             year=local_date(now).year, file=rel, sha256=sha256_bytes(docx),
                             template_sha256=prepared.sha256, data_file=data_rel, issued_at=now, issued_by=actor_name(actor),
                             recipient=None)
        archive_docs.append(rec)
        rendered.append((rec, src))
    try:
        made = convert_many([src for _, src in rendered], work / "archive-pdf", acfg.convert_timeout)
    except ExternalToolError as exc:
        raise ArchiveProblem(f"{exc.message}归档未完成，案件仍为“{case.state.label}”状态，未作任何改动。",
                             code="archive-convert") from None
    for (rec, _), pdf in zip(rendered, made, strict=True):
        rec.pdf = place(pdf, rec.file.rsplit(".", 1)[0] + ".pdf")
        rec.pages = page_count(staging / rec.pdf)
    staged.documents.extend(archive_docs)

    # 5. the merged archival PDF
    say("合并归档PDF并加盖档号…")
    cover, index, note_doc = archive_docs
    parts = [Part(cover.doc_id, "案卷封面", pdf=staging / str(cover.pdf), number=False),
             Part(index.doc_id, "卷内文件目录", pdf=staging / str(index.pdf), number=False),
             *body,
             Part(note_doc.doc_id, "卷内备考表", pdf=staging / str(note_doc.pdf), number=False)]
    merged_rel = f"{DATA}/{safe_member_name(str(dh))}.pdf"
    file_title = str(build_context(ws, staged, VOLUME_COVER, now=now, actor=actor, extra=extras[VOLUME_COVER]).data["x"]
                     .get("file_title", "")) or f"{case.number} 案卷"
    result = merge(parts, staging / merged_rel, dang_hao=str(dh), title=file_title, author=office.name,
                   font_file=acfg.stamp_font)
    if result.body_pages != body_pages:
        raise ArchiveProblem(f"合并PDF的卷内页数（{result.body_pages}）与各文件页数之和（{body_pages}）不符；案件未作任何改动。")
    passed, qmsg = qpdf_check(staging / merged_rel)
    if not passed:
        raise ArchiveProblem(f"合并生成的归档PDF未通过结构检查（{qmsg}）；案件未作任何改动。")
    _, texts = pdf_text(staging / merged_rel, [0])
    if not CJK_RE.search(texts.get(0, "")):
        raise ArchiveProblem("合并生成的归档PDF中提取不到中文文字（字体未嵌入或转换有误）；案件未作任何改动。")
    return _Staged(staged, mapping, parts, items, merged_rel, result.pages, body_pages, qmsg, archive_docs, notes)


def _previous_version(ws: Workspace, case: Case) -> tuple[str | None, int]:
    """(档号 of the archived version this case continues, this version's number)."""
    if not case.reopened_from:
        return None, 1
    try:
        prev = Dossier(ws, case.reopened_from).load().archive
    except CasefileError:
        prev = None
    return (prev.dang_hao, prev.version + 1) if prev else (None, 2)


def _bag_rel(ws: Workspace, dossier: Dossier) -> str:
    try:
        return dossier.path.relative_to(ws.root).as_posix()
    except ValueError:
        return str(dossier.path)


def _seal(ws: Workspace, dossier: Dossier, case: Case, pre: Preflight, st: _Staged, staging: Path,
          dh: DangHao, decision: RetentionDecision, now: datetime, actor: ActorLike) -> tuple[str, str]:
    """Manifests, record, journal, bag-info, tag manifests. Returns (Payload-Oxum, journal line sha)."""
    workers = ws.settings.archive.verify_workers
    files, odd = payload_files(staging)
    if odd:
        raise ArchiveProblem(f"归档目录中出现了非普通文件：{'、'.join(odd)}；案件未作任何改动。")
    digests_raw = hash_files(staging, files, workers=workers)
    digests: dict[str, dict[str, str]] = {}
    for rel, d in digests_raw.items():
        if isinstance(d, OSError):
            raise d
        digests[rel] = d
    # what was hashed into the manifest must be what the record registered
    changed = [d.file for d in st.case.documents if d.doc_type not in VOLUME_FORMS
               and digests[d.file]["sha256"] != d.sha256]
    changed += [e.file for e in st.case.evidence if digests[e.file]["sha256"] != e.sha256]
    if changed:
        raise ArchiveProblem(f"文件在归档过程中被改动：{'、'.join(changed)}；案件未作任何改动，请核实后重试。")
    manifests = write_manifests(staging, digests)
    payload_oxum = oxum(staging, files)
    staged = st.case
    a = staged.archive
    assert a is not None
    a.payload_oxum = payload_oxum
    a.manifest_sha256 = sha256_bytes(manifests["sha256"])
    apply_transition(staged, "T24")
    for dl in staged.deadlines:
        if dl.step == "archive" and dl.done_at is None:
            dl.done_at = local_date(now)
    staged.version = case.version + 1
    staged.updated_at = now
    body = case_bytes(staged)
    merged_sha = digests[st.merged_rel]["sha256"]
    last = pre.entries[-1] if pre.entries else None
    payload: dict[str, Any] = {
        "transition": "T24", "label": "立卷归档", "from": case.state.value, "to": State.ARCHIVED.value,
        "dang_hao": str(dh), "jian_hao": dh.number, "year": dh.year, "retention": dh.retention.value,
        "retention_reasons": list(decision.reasons), "items": a.items, "pages": a.pages,
        "merged_pdf": {"file": st.merged_rel, "pages": st.merged_pages, "sha256": merged_sha},
        "payload_oxum": payload_oxum, "manifest_sha256": sha256_bytes(manifests["sha256"]),
        "manifest_sm3": sm3_bytes(manifests["sm3"]), "filer": a.filer, "checker": a.checker,
        "documents": [d.doc_id for d in st.archive_docs],
        "events": [{"type": "document_issued", "doc_id": d.doc_id, "doc_type": d.doc_type, "title": d.title,
                    "wenhao": None, "sha256": d.sha256, "template_sha256": d.template_sha256}
                   for d in st.archive_docs],
    }
    who = actor.journal_fields() if isinstance(actor, Actor) else {}
    entry = {"seq": (last.seq + 1) if last else 1, "time": now.isoformat(), "actor": actor_name(actor), **who,
             "type": "archived",
             "payload": payload, "prev": last.sha256 if last else GENESIS, "case_sha256": sha256_bytes(body),
             "tx": uuid.uuid4().hex[:12]}
    line = encode_entry(entry)
    journal = dossier.journal_path.read_bytes()
    if journal and not journal.endswith(b"\n"):
        journal += b"\n"
    write_file(staging / CASE_TAG, body)
    write_file(staging / JOURNAL_TAG, journal + line + b"\n")
    sizes = {rel: (staging / rel).stat().st_size for rel in files}
    parts_meta = []
    for p in st.parts:
        kind = "evidence" if any(e.ev_id == p.key for e in staged.evidence) else "document"
        if p.key in {d.doc_id for d in st.archive_docs}:
            kind = "cover" if p.key == st.archive_docs[0].doc_id else "archive"
        parts_meta.append({"key": p.key, "title": p.title, "kind": kind, "section": p.section,
                           "pdf": p.pdf.relative_to(staging).as_posix() if p.pdf else None,
                           "generated": p.data is not None, "first": p.first, "pages": p.pages,
                           "page_no": p.body_first})
    meta = {
        "format": "casefile-archive/1", "dang_hao": str(dh), "case_id": case.id, "case_number": case.number,
        "fonds": dh.fonds, "year": dh.year, "retention": dh.retention.value,
        "retention_label": dh.retention.label, "retention_reasons": list(decision.reasons), "jian_hao": dh.number,
        "order": ws.settings.archive.order, "items": a.items, "pages": a.pages,
        "merged": {"file": st.merged_rel, "pages": st.merged_pages, "sha256": merged_sha, "qpdf": st.qpdf},
        "parts": parts_meta,
        "requirements": [{"step": r.step, "doc_type": r.doc_type, "detail": r.detail, "doc_id": r.satisfied_by,
                          "lapse": r.lapse} for r in pre.completeness.requirements],
        "renamed_on_archiving": {old: new for old, new in st.mapping.items() if new != f"{DATA}/{old}"},
        "sizes": sizes, "archived_at": now.isoformat(), "archived_by": actor_name(actor), "software": f"casefile {__version__}",
    }
    write_file(staging / META_TAG, json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    office = ws.settings.office
    info = [
        ("Source-Organization", office.name), ("Organization-Address", office.address),
        ("Contact-Phone", office.phone), ("External-Identifier", str(dh)),
        ("External-Description", f"{case.number} {staged.applicant.name} 社会保险费征缴争议处置案卷"),
        ("Bag-Group-Identifier", f"{dh.fonds}-{dh.class_code}·{dh.year}"), ("Bag-Count", "1 of 1"),
        ("Bagging-Date", local_date(now).isoformat()), ("Payload-Oxum", payload_oxum),
        ("Bag-Size", _human(int(payload_oxum.split(".")[0]))),
        ("Internal-Sender-Identifier", case.id), ("Internal-Sender-Description", f"案件编号 {case.number}"),
        ("Archival-Code", str(dh)), ("Fonds", dh.fonds), ("Fonds-Name", office.fonds_name or office.name),
        ("Archive-Year", str(dh.year)), ("Retention-Period", dh.retention.value),
        ("Retention-Label", dh.retention.label), ("Item-Number", f"{dh.number:04d}"),
        ("Case-Id", case.id), ("Case-Number", case.number),
        ("Received-Date", local_date(case.received_at).isoformat()),
        ("Closed-Date", local_date(case.closed_at).isoformat() if case.closed_at else ""),
        ("Archived-Date", local_date(now).isoformat()),
        ("Document-Count", str(len(staged.documents))), ("Evidence-Count", str(len(staged.evidence))),
        ("Item-Count", str(a.items)), ("Page-Count", str(a.pages)), ("Merged-PDF", st.merged_rel),
        ("Merged-PDF-Pages", str(st.merged_pages)), ("Filer", a.filer), ("Checker", a.checker),
        ("Journal-Entries", str(entry["seq"])), ("Journal-Archived-Event-SHA256", sha256_bytes(line)),
        ("Archive-Version", str(a.version)),
    ]
    if a.previous:
        info.append(("Previous-Archival-Code", a.previous))
    if case.reopened_from:
        info.append(("Reopened-From", case.reopened_from))
    info.append(("Bag-Software-Agent", f"casefile {__version__}"))
    write_file(staging / "bagit.txt", BAGIT_TXT)
    write_file(staging / BAG_INFO, format_bag_info(info))
    # the schema case.json follows, so the bag explains its record without this program (docs/format.md)
    write_file(staging / SCHEMA_FILE, shipped_schema())
    write_tagmanifests(staging, workers=workers)
    for dirpath, _, _ in os.walk(staging, topdown=False):
        fsync_dir(Path(dirpath))
    return payload_oxum, sha256_bytes(line)


def _human(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover


# -- the operation ---------------------------------------------------------------------------------------------------
def archive_case(ws: Workspace, case_id: str, now: datetime, actor: ActorLike, *, filer: str | None = None,
                 checker: str | None = None, progress: Callable[[str], None] | None = None) -> ArchiveResult:
    """立卷归档 one closed case (T24). Refuses, listing every reason, unless the case is complete."""
    say = progress or (lambda _m: None)
    dossier = Dossier(ws, case_id)
    if not dossier.path.exists() and not staging_folders(dossier):
        dossier.load()  # raises CaseNotFound
    with dossier.lock():
        rec = recover(ws, dossier, now=now, actor=actor)
    case = dossier.load()
    if case.state is State.ARCHIVED:
        a = case.archive
        assert a is not None
        if rec.actions:
            return _result(ws, dossier, case, f"已完成上次中断的归档收尾（{'；'.join(rec.actions)}）。", [])
        raise ArchiveProblem(
            f"案件 {case.id} 已于{date_cn(local_date(a.archived_at))}归档（档号 {a.dang_hao}），不能重复归档；"
            f"如需补充办理请用 casefile reopen {case.id} --reason …。", code="already-archived")
    acfg = ws.settings.archive
    filer = (filer or acfg.filer or actor_name(actor)).strip()
    checker = (checker or acfg.checker or "").strip()
    pre = preflight(ws, dossier, case)
    decision = decide_retention(case_traits(case, pre.transitions),
                                [(r.when, r.retention) for r in acfg.retention_rules], acfg.default_retention)
    year = archive_year(case, now, acfg.year_basis)
    # a missing bag is reported by verify and fsck until it is restored; it does not stop other cases
    gaps = [f for f in sequence_findings(ws, year) if f.code in ("gap", "duplicate-number")]
    if gaps:
        raise ArchiveRefused(case.id, [f"{g.message}；请找回缺失的案卷，或用 casefile archive --void 年度-件号 --reason … 登记作废"
                                       if g.code == "gap" else g.message for g in gaps])
    warnings: list[str] = []
    clean_scratch(ws)
    from casefile.documents.office import warm_office

    with (scratch_dir(ws, f"archive-{case.id}") as work,  # in the workspace: a kill leaves no copies in /tmp
          warm_office(work)):  # one LibreOffice for the documents, the evidence and the D25–D27 of this run
        conv = convert_parts(ws, dossier, case, work, say)
        with dossier.lock():
            current = dossier.load()
            if current.version != case.version or current.state is not case.state:
                raise ArchiveProblem(f"案件 {case.id} 在准备归档期间被修改，请重新运行 casefile archive {case.id}。")
            used = set(year_numbers(ws, year).used)
            staging = dossier.path.with_name(f".{case.id}.{STAGING}-{uuid.uuid4().hex[:8]}")
            seq = Sequence(ws, f"jianhao-{year}")
            swapped = False
            dh: DangHao | None = None
            try:
                while not swapped:
                    try:
                        with seq.allocate(f"{case.id} 立卷归档", now) as number:
                            if number in used:
                                continue  # archived by a run that died before recording the number
                            dh = DangHao(ws.settings.office.fonds, year, Retention(decision.retention),
                                         ws.settings.office.org_code, number, acfg.class_code)
                            staged = _build(ws, dossier, case, pre, conv, staging, dh, decision, now, actor,
                                            filer, checker, work, say)
                            _seal(ws, dossier, case, pre, staged, staging, dh, decision, now, actor)
                            say("四性检测…")
                            check = check_archive(staging, quick=True, usability=True, expect_readonly=False,
                                                  workers=acfg.verify_workers)
                            if check.findings:
                                raise ArchiveProblem("归档包未通过四性检测：" + "；".join(x.message for x in check.findings)
                                                     + "。案件未作任何改动。")
                            faults.point("archive.before_swap")
                            swap_in(staging, dossier.path)
                            swapped = True
                            faults.point("archive.after_swap")
                    except CasefileError:
                        if swapped:
                            warnings.append("件号分配记录未能写入，下次归档或校验时会自动补记")
                            break
                        raise
                    except OSError as exc:
                        if swapped:
                            warnings.append(f"件号分配记录未能写入（{exc.strerror}），下次归档时会自动补记")
                            break
                        raise _disk_error(exc, case) from None
            finally:
                if not swapped:
                    remove_tree(staging)
            # committed: the rest is idempotent (recover() finishes it after a crash)
            faults.point("archive.before_cleanup")
            remove_tree(staging)
            make_readonly(dossier.path)
            fsync_dir(dossier.path.parent)
            archived = dossier.load()
            try:
                _settle_records(ws, archived, now=now, actor=actor, recovered=False)
            except CasefileError as exc:
                warnings.append(exc.message)
    events.committed(ws, case.id)  # the swap was this protocol's commit
    assert dh is not None
    return _result(ws, dossier, archived,
                   f"案件 {case.id} 已归档，档号 {dh}，保管期限{decision.explanation}。", warnings)


def _disk_error(exc: OSError, case: Case) -> CasefileError:
    if exc.errno == errno.ENOSPC:
        return StorageError(f"磁盘空间不足，归档未完成；案件 {case.id} 仍为“{case.state.label}”状态，未作任何改动，"
                            "请清理空间后重试。")
    return StorageError(f"写入归档文件失败（{exc.strerror}）；案件 {case.id} 未作任何改动。")


def _result(ws: Workspace, dossier: Dossier, case: Case, message: str, warnings: list[str]) -> ArchiveResult:
    a = case.archive
    assert a is not None
    meta = json.loads((dossier.path / META_TAG).read_bytes()) if (dossier.path / META_TAG).is_file() else {}
    merged = meta.get("merged", {})
    return ArchiveResult(
        case_id=case.id, dang_hao=a.dang_hao, retention=a.retention.value, retention_label=a.retention.label,
        retention_reasons=list(meta.get("retention_reasons", [])), jian_hao=a.jian_hao, items=a.items or 0,
        pages=a.pages or 0, merged_pages=int(merged.get("pages", 0)), merged_pdf=str(merged.get("file", "")),
        bag=dossier.path, payload_oxum=a.payload_oxum or "", message=message, warnings=warnings,
    )


__all__ = ["ArchiveRefused", "ArchiveResult", "archive_case", "make_readonly", "make_writable", "preflight",
           "recover", "remove_tree"]
