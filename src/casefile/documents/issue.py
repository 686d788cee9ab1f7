"""Issuing documents inside a dossier transaction: render, number, store, freeze.

Order matters. Everything that can fail for a reason in the data or the template (context,
template preparation, the 代字) is settled before the 文号 is taken; the number is allocated
under its sequence lock and recorded only once the render and the writes succeeded, so a failed
render leaves no gap and two processes never share a number (case lock, then sequence lock).

An issued document is frozen: the .docx, the data snapshot it was rendered from and both
SHA-256 sums are recorded; asking for it again returns the same file, and a change is a new
numbered document that names the one it corrects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from casefile.clock import local_date
from casefile.config import Workspace
from casefile.documents.context import DocContext, build_context
from casefile.documents.doctypes import DOC_TYPES, DocType
from casefile.documents.engine import PreparedTemplate, TemplateFile, find_template, load_template
from casefile.errors import ConfigError, CorruptRecord, UnknownDepartment, UsageError
from casefile.identity import ActorLike, actor_name
from casefile.models.case import Case
from casefile.models.records import DocumentRecord
from casefile.rules.wenhao import format_wenhao
from casefile.store import (
    Dossier,
    Sequence,
    Transaction,
    atomic_write,
    dumps,
    scratch_dir,
    sha256_bytes,
    sha256_file,
)

__all__ = ["DocOutcome", "attach_pdf", "doc_relpath", "issue_document", "next_doc_id", "produce_document",
           "spec_of"]

DOCS_DIR = "documents"


def spec_of(doc_type: str) -> DocType:
    spec = DOC_TYPES.get(doc_type.upper()) if isinstance(doc_type, str) else None
    if spec is None:
        raise UsageError(f"未知的文书类型“{doc_type}”，应为 {min(DOC_TYPES)}–{max(DOC_TYPES)}（如 D17）。")
    return spec


def doc_relpath(doc_id: str, doc_type: str, ext: str = "docx") -> str:
    return f"{DOCS_DIR}/{doc_id}-{doc_type}.{ext}"


def next_doc_id(case: Case, doc_type: str) -> str:
    """``<case-id>-D17-01``: per case and type, counting corrected ones too (never reused)."""
    n = sum(1 for d in case.documents if d.doc_type == doc_type) + 1
    return f"{case.id}-{doc_type}-{n:02d}"


def daizi(ws: Workspace, doc_type: str) -> str:
    value = ws.settings.daizi_for(doc_type)
    try:
        format_wenhao(value, 2000, 1)
    except ValueError:
        raise ConfigError(
            f"{doc_type}的文号代字“{value}”不可用（应为1至12个汉字或字母）；请在 casefile.toml 的 [daizi] 中设置 {doc_type}。"
        ) from None
    return value


def snapshot_bytes(doc_id: str, spec: DocType, tf: TemplateFile, prepared: PreparedTemplate, ctx: DocContext,
                   now: datetime, actor: ActorLike, **more: Any) -> bytes:
    return dumps({
        "doc_id": doc_id,
        "doc_type": spec.type,
        "title": spec.title,
        "wenhao": ctx.data["doc"]["wenhao"],
        "template": {"name": tf.name, "origin": tf.origin, "sha256": prepared.sha256},
        "issued_at": now.isoformat(),
        "issued_by": actor_name(actor),
        "warnings": ctx.warnings,
        **more,
        "context": ctx.data,
    })


def issue_document(
    tx: Transaction,
    ws: Workspace,
    doc_type: str,
    *,
    extra: Mapping[str, Any] | None = None,
    recipient: str | None = None,
    corrects: str | None = None,
    reason: str | None = None,
) -> DocumentRecord:
    """Render ``doc_type`` for ``tx.case``, give it its 文号, store it and record it.

    ``corrects`` names the doc_id of an issued document of the same type that this one replaces
    (``reason`` is then required); the old record gets ``superseded_by``.
    """
    return _issue(tx, ws, doc_type, extra=extra, recipient=recipient, corrects=corrects, reason=reason)[0]


def _issue(
    tx: Transaction,
    ws: Workspace,
    doc_type: str,
    *,
    extra: Mapping[str, Any] | None,
    recipient: str | None,
    corrects: str | None,
    reason: str | None,
) -> tuple[DocumentRecord, DocContext]:
    spec = spec_of(doc_type)
    doc_type = spec.type
    case = tx.case
    old: DocumentRecord | None = None
    corrects_text = ""
    if corrects:
        old = case.document(corrects)
        if old is None:
            raise UsageError(f"案件 {case.id} 中没有文书 {corrects}。")
        if old.doc_type != doc_type:
            raise UsageError(f"{corrects} 是{old.title}（{old.doc_type}），不能以{doc_type}更正。")
        if old.superseded_by:
            raise UsageError(f"{corrects} 已被 {old.superseded_by} 更正，请更正最新的文书。")
        if not reason or not reason.strip():
            raise UsageError("更正文书须写明更正理由（--reason）。")
        corrects_text = f"本文书更正{old.wenhao or old.doc_id}（更正理由：{reason.strip()}），原文书同时作废。"
    elif reason:
        raise UsageError("--reason 只用于更正文书（与 --correct 一起使用）。")

    tf = find_template(ws, doc_type)
    prepared = load_template(tf)
    doc_id = next_doc_id(case, doc_type)
    ctx = build_context(ws, case, doc_type, now=tx.now, actor=tx.actor, extra=extra, recipient=recipient,
                        corrects=corrects_text)
    year = local_date(tx.now).year
    more = {"corrects": corrects, "reason": reason} if corrects else {}

    def store(wenhao: str | None, serial: int | None) -> DocumentRecord:
        ctx.data["doc"]["wenhao"] = wenhao or ""
        docx = prepared.render(ctx.data)
        snap = snapshot_bytes(doc_id, spec, tf, prepared, ctx, tx.now, tx.actor, **more)
        rel, data_rel = doc_relpath(doc_id, doc_type), doc_relpath(doc_id, doc_type, "data.json")
        tx.write_file(data_rel, snap)
        tx.write_file(rel, docx)
        return DocumentRecord(
            doc_id=doc_id, doc_type=doc_type, title=spec.title, wenhao=wenhao, serial=serial, year=year, file=rel,
            sha256=sha256_bytes(docx), template_sha256=prepared.sha256, data_file=data_rel, issued_at=tx.now,
            issued_by=tx.actor, recipient=ctx.recipient or None, corrects=corrects,
        )

    if spec.numbered:
        code = daizi(ws, doc_type)
        with Sequence(ws, f"doc-{doc_type}-{year}").allocate(doc_id, tx.now) as serial:
            record = store(format_wenhao(code, year, serial), serial)
    else:
        record = store(None, None)

    for flag in ctx.flags:
        if flag not in case.flags:
            case.flags.append(flag)
    if old is not None:
        old.superseded_by = doc_id
    case.documents.append(record)
    tx.event("document_issued", doc_id=doc_id, doc_type=doc_type, title=spec.title, wenhao=record.wenhao,
             sha256=record.sha256, template_sha256=record.template_sha256, corrects=corrects, reason=reason,
             warnings=ctx.warnings or None)
    return record, ctx


# -- on demand (the `casefile doc` command) -----------------------------------------------------------------
@dataclass
class DocOutcome:
    record: DocumentRecord
    reprint: bool
    docx: Path
    pdf: Path | None = None
    copies: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _existing(ws: Workspace, case: Case, doc_type: str, extra: Mapping[str, Any] | None,
              recipient: str | None) -> DocumentRecord | None:
    """The issued document a request means, if any. Letters to one department each (D04, D05,
    D08, D24) are told apart by their recipient."""
    docs = case.documents_of(doc_type)
    wanted = recipient
    if wanted is None and extra and extra.get("dept"):
        try:
            wanted = ws.settings.dept(str(extra["dept"])).name
        except UnknownDepartment as exc:
            raise UsageError(exc.message) from None
    if wanted is not None:
        docs = [d for d in docs if d.recipient == wanted]
    return docs[-1] if docs else None


def verified_file(dossier: Dossier, record: DocumentRecord) -> Path:
    path = dossier.safe_path(record.file)
    if not path.is_file():
        raise CorruptRecord(f"文书 {record.doc_id} 的文件 {record.file} 缺失，请运行 casefile fsck。")
    if sha256_file(path) != record.sha256:
        raise CorruptRecord(f"文书 {record.doc_id} 的文件与出具时的校验值不符（可能被改动），请运行 casefile fsck。")
    return path


def produce_document(
    ws: Workspace,
    case_id: str,
    doc_type: str,
    *,
    actor: ActorLike,
    now: datetime,
    extra: Mapping[str, Any] | None = None,
    recipient: str | None = None,
    correct: str | None = None,
    reason: str | None = None,
    pdf: bool = False,
    out_dir: Path | None = None,
    pdf_timeout: float = 120.0,
) -> DocOutcome:
    """Issue ``doc_type`` for a case, or return the frozen one already issued (reprint)."""
    spec = spec_of(doc_type)
    dossier = Dossier(ws, case_id)
    case = dossier.load()
    record = None if correct else _existing(ws, case, spec.type, extra, recipient)
    outcome_warnings: list[str] = []
    if record is not None:
        reprint = True
        if extra:
            outcome_warnings.append(f"{record.doc_id} 已出具，按原件重印，本次给出的参数未使用；如需改动请用 --correct。")
    else:
        reprint = False
        with dossier.transaction(actor, now) as tx:
            record, ctx = _issue(tx, ws, spec.type, extra=extra, recipient=recipient, corrects=correct,
                                 reason=reason)
        outcome_warnings.extend(ctx.warnings)
    docx = verified_file(dossier, record)
    pdf_path = attach_pdf(ws, case_id, record.doc_id, actor=actor, now=now, timeout=pdf_timeout) if pdf else None
    copies: list[Path] = []
    if out_dir is not None:
        for src in (docx, pdf_path):
            if src is not None:
                copies.append(_copy_out(src, out_dir))
        _record_export(ws, dossier, record, out_dir, copies, actor, now)
    return DocOutcome(record, reprint, docx, pdf_path, copies, outcome_warnings)


def _record_export(ws: Workspace, dossier: Dossier, record: DocumentRecord, out_dir: Path, copies: list[Path],
                   actor: ActorLike, now: datetime) -> None:
    """An issued document carries the parties' unmasked data: a copy leaving the dossier is recorded,
    in the case's journal, or for a sealed case in the workspace's access log."""
    from casefile.models.enums import State
    from casefile.store import record_access

    payload = {"doc_id": record.doc_id, "to": str(out_dir.absolute()), "files": [p.name for p in copies]}
    if dossier.load().state is State.ARCHIVED:
        record_access(ws, dossier.case_id, actor, now, "document_exported", **payload)
        return
    with dossier.transaction(actor, now) as tx:
        tx.event("document_exported", **payload, label=f"导出文书 {record.doc_id}")


def _copy_out(src: Path, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / src.name
    atomic_write(target, src.read_bytes())
    return target


def attach_pdf(ws: Workspace, case_id: str, doc_id: str, *, actor: ActorLike, now: datetime,
               timeout: float = 120.0) -> Path:
    """The PDF of an issued document, converted once and kept beside the .docx.

    LibreOffice runs outside the dossier lock (it takes seconds); the result is filed in a short
    transaction of its own.
    """
    from casefile.documents.pdf import convert_to_pdf

    dossier = Dossier(ws, case_id)
    record = dossier.load().document(doc_id)
    if record is None:
        raise UsageError(f"案件 {case_id} 中没有文书 {doc_id}。")
    if record.pdf and dossier.safe_path(record.pdf).is_file():
        path = dossier.safe_path(record.pdf)
        want = dossier.recorded_files().get(record.pdf)
        if want is not None and sha256_file(path) != want:
            from casefile.errors import TamperDetected

            raise TamperDetected(f"文书 {doc_id} 的 PDF（{record.pdf}）与生成时记录的 SHA-256 不符（已被改动），"
                                 f"不能再使用；请运行 casefile fsck 核查，并由管理员处理。")
        return path
    docx = verified_file(dossier, record)
    with scratch_dir(ws, "pdf") as tmp:  # in the workspace: a kill leaves no copy in /tmp
        made = convert_to_pdf(docx, tmp / "out", timeout)
        rel = re.sub(r"\.docx$", ".pdf", record.file)
        with dossier.transaction(actor, now) as tx:
            rec = tx.case.document(doc_id)
            assert rec is not None
            if rec.pdf is None:
                tx.copy_file(rel, made)
                rec.pdf = rel
                tx.event("document_pdf", doc_id=doc_id, file=rel, sha256=sha256_file(made))
    return dossier.safe_path(rel)
