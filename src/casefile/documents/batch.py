"""Many documents of one type from a spreadsheet (e.g. 1,000 责令限期缴纳通知书 for a list of arrears).

Rows are read from .xlsx or .csv, checked one by one (a bad row — wrong number of cells, a
统一社会信用代码 or 身份证号 whose check digit fails, an unreadable amount — fails only its own
document), grouped into documents by payer (one row per 险种 × 所属期, as collection systems export
them) and rendered with the template prepared once. A document whose row names a case ID is issued
into that dossier like any other; the others are standalone outputs in the output folder, still
numbered from the office's 文号 sequence and each with its data snapshot.

The library yields one outcome per document; the CLI turns that into a progress bar.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from casefile.clock import local_date
from casefile.config import Workspace
from casefile.documents.context import build_context, x_shapes
from casefile.documents.doctypes import types_where
from casefile.documents.engine import find_template, load_template
from casefile.documents.issue import daizi, doc_relpath, issue_document, snapshot_bytes, spec_of
from casefile.errors import CasefileError, Finding, StorageError, UsageError, ValidationFailed
from casefile.identity import ActorLike, actor_name
from casefile.models.case import Case
from casefile.models.enums import Category, Channel, InsuranceType, PartyKind, PayerGroup, State
from casefile.models.party import Party
from casefile.models.records import ArrearsLine, Enforcement, Jurisdiction
from casefile.rules.dates import period_year_month
from casefile.rules.ids import validate_id_number, validate_uscc
from casefile.rules.money import parse_amount
from casefile.rules.wenhao import format_wenhao
from casefile.store import Dossier, Sequence, atomic_write, dumps, fsync_dir, sha256_bytes

__all__ = ["BatchJob", "BatchOutcome", "BatchReport", "plan_batch", "read_rows"]

#: canonical column -> accepted headers (Chinese as people write them, and the English key)
COLUMNS: dict[str, tuple[str, ...]] = {
    "case_id": ("案件ID", "案件id"),
    "name": ("缴费人名称", "缴费人", "单位名称", "名称", "姓名"),
    "kind": ("类型", "缴费人类型"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "id_number": ("身份证号", "身份证号码", "证件号码"),
    "address": ("地址", "住所"),
    "legal_rep": ("法定代表人", "负责人"),
    "mobile": ("手机", "手机号码"),
    "phone": ("电话", "联系电话", "固定电话"),
    "recipient": ("受送达人", "主送"),
    "insurance_type": ("险种",),
    "period": ("所属期",),
    "headcount": ("人数",),
    "base": ("缴费基数",),
    "due": ("应缴", "应缴金额"),
    "paid": ("已缴", "已缴金额"),
    "pay_by": ("限缴日期", "缴款期限", "限期", "期限"),
}
#: the types addressed to a 缴费人 (x.payer), whose rows may carry arrears
ENFORCEMENT_TYPES = types_where(stage="enforcement")
ARREARS_COLUMNS = ("insurance_type", "period", "due")
LABELS = {k: v[0] for k, v in COLUMNS.items()}


# -- reading ---------------------------------------------------------------------------------------------
@dataclass
class SourceRow:
    line: int  # row number as the spreadsheet shows it (header = 1)
    values: dict[str, Any]
    problem: str | None = None


def _cell(v: Any) -> Any:
    if isinstance(v, float):
        # Excel keeps amounts as doubles; two decimals survive a round trip, more do not.
        text = f"{v:.2f}"
        if abs(float(text) - v) > 1e-9:
            return repr(v)
        return text[:-3] if text.endswith(".00") and float(v).is_integer() else text
    if isinstance(v, datetime):
        return v.date()
    if v is None:
        return ""
    return v if isinstance(v, date) else str(v).strip()


def read_rows(path: Path) -> tuple[list[str], list[SourceRow]]:
    """(canonical column per header cell, rows). Raises UsageError for an unreadable file."""
    suffix = path.suffix.lower()
    raw: list[tuple[int, list[Any]]] = []
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise UsageError(f"无法读取 Excel 文件 {path.name}：{exc}。") from None
        try:
            ws = wb.worksheets[0]
            for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_cell(v) for v in row]
                while cells and cells[-1] == "":
                    cells.pop()
                raw.append((i, cells))
        finally:
            wb.close()
    elif suffix in (".csv", ".txt"):
        data = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):  # exports from older office software are GBK
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UsageError(f"{path.name} 不是 UTF-8 或 GBK 编码的 CSV 文件。")
        for i, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            cells = [c.strip() for c in row]
            while cells and cells[-1] == "":
                cells.pop()
            raw.append((i, cells))
    else:
        raise UsageError(f"批量数据应为 .xlsx 或 .csv 文件：{path.name}。")
    raw = [(i, cells) for i, cells in raw if any(c != "" for c in cells)]
    if not raw:
        raise UsageError(f"{path.name} 中没有数据。")
    _, header = raw[0]
    columns = [_canonical(str(h)) for h in header]
    rows: list[SourceRow] = []
    for line, cells in raw[1:]:
        if len(cells) > len(columns):
            rows.append(SourceRow(line, {}, f"第{line}行有{len(cells)}列，多于表头的{len(columns)}列"))
            continue
        rows.append(SourceRow(line, {c: v for c, v in zip(columns, cells, strict=False) if c}))
    return columns, rows


def _canonical(header: str) -> str:
    h = re.sub(r"[\s（(].*$", "", header.strip()) if not header.strip().startswith("x.") else header.strip()
    if h.startswith("x."):
        return h
    for key, names in COLUMNS.items():
        if h == key or h in names:
            return key
    return f"?{header.strip()}"


# -- outcomes ----------------------------------------------------------------------------------------------
@dataclass
class BatchOutcome:
    rows: list[int]
    payer: str
    status: Literal["ok", "failed"]
    doc_id: str | None = None
    wenhao: str | None = None
    file: Path | None = None
    message: str = ""
    case_id: str | None = None


@dataclass
class BatchReport:
    doc_type: str
    source: Path
    out_dir: Path
    outcomes: list[BatchOutcome] = field(default_factory=list)
    skipped_columns: list[str] = field(default_factory=list)
    manifest: Path | None = None

    @property
    def ok(self) -> list[BatchOutcome]:
        return [o for o in self.outcomes if o.status == "ok"]

    @property
    def failed(self) -> list[BatchOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


@dataclass
class _Group:
    key: str
    rows: list[SourceRow]


class BatchJob:
    """A planned batch: ``total`` documents; iterate :meth:`run` to produce them."""

    def __init__(self, ws: Workspace, doc_type: str, source: Path, groups: list[_Group], out_dir: Path,
                 actor: ActorLike, now: datetime, skipped: list[str]) -> None:
        self.ws = ws
        self.spec = spec_of(doc_type)
        self.groups = groups
        self.out_dir = out_dir
        self.actor = actor
        self.now = now
        self.report = BatchReport(self.spec.type, source, out_dir, skipped_columns=skipped)
        self.template = find_template(ws, self.spec.type)
        self.prepared = load_template(self.template)  # once for the whole batch
        self.shapes = x_shapes(self.spec.type)

    @property
    def total(self) -> int:
        return len(self.groups)

    def run(self) -> Iterator[BatchOutcome]:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        try:
            for group in self.groups:
                outcome = self._one(group)
                self.report.outcomes.append(outcome)
                yield outcome
        finally:
            self.report.manifest = self._write_manifest()
            _flush(self.out_dir)

    # -- one document --------------------------------------------------------------------------------
    def _one(self, group: _Group) -> BatchOutcome:
        rows = [r.line for r in group.rows]
        first = group.rows[0].values
        payer = str(first.get("name") or group.key)
        try:
            bad = [r.problem for r in group.rows if r.problem]
            if bad:
                raise ValidationFailed([Finding("", b) for b in bad], subject=f"“{payer}”的数据")
            extra = self._extra(group)
            case_id = str(first.get("case_id") or "")
            if case_id:
                return self._into_dossier(case_id, group, extra, rows, payer)
            case = self._standalone_case(group)
            recipient = str(first.get("recipient") or "") or None
            return self._standalone(case, extra, recipient, rows, payer)
        except CasefileError as exc:
            return BatchOutcome(rows, payer, "failed", message=exc.message)

    def _extra(self, group: _Group) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        values = group.rows[0].values
        for col, value in values.items():
            if col.startswith("x.") and value != "":
                name = col[2:]
                shape = self.shapes.get(name)
                if shape is None:
                    raise UsageError(f"列“{col}”不是{self.spec.type}的字段（可用：{'、'.join(self.shapes)}）")
                if shape.kind == "list":
                    extra[name] = [p.strip() for p in re.split(r"[；;\n]", str(value)) if p.strip()]
                elif shape.kind == "str":
                    extra[name] = value
                else:
                    raise UsageError(f"列“{col}”是表格型字段，不能从单元格填写")
        if values.get("pay_by"):
            extra["deadline"] = _date(values["pay_by"], group.rows[0].line)
        return extra

    def _into_dossier(self, case_id: str, group: _Group, extra: dict[str, Any], rows: list[int],
                      payer: str) -> BatchOutcome:
        dossier = Dossier(self.ws, case_id)
        recipient = str(group.rows[0].values.get("recipient") or "") or None
        with dossier.transaction(self.actor, self.now) as tx:
            record = issue_document(tx, self.ws, self.spec.type, extra=extra or None, recipient=recipient)
        src = dossier.safe_path(record.file)
        target = self.out_dir / src.name
        atomic_write(target, src.read_bytes())
        return BatchOutcome(rows, payer, "ok", record.doc_id, record.wenhao, target, case_id=case_id)

    def _standalone(self, case: Case, extra: dict[str, Any], recipient: str | None, rows: list[int],
                    payer: str) -> BatchOutcome:
        spec, ws, now = self.spec, self.ws, self.now
        ctx = build_context(ws, case, spec.type, now=now, actor=self.actor, extra=extra or None,
                            recipient=recipient)
        year = local_date(now).year
        code = daizi(ws, spec.type) if spec.numbered else ""
        office = ws.settings.office
        purpose = f"批量 {self.report.source.name} 第{'、'.join(map(str, rows))}行 {payer}"
        with Sequence(ws, f"doc-{spec.type}-{year}").allocate(purpose, now) as serial:
            doc_id = f"{office.case_prefix}-{office.region_code}-{year}-{spec.type}-{serial:05d}"
            wenhao = format_wenhao(code, year, serial) if spec.numbered else None
            ctx.data["doc"]["wenhao"] = wenhao or ""
            docx = self.prepared.render(ctx.data)
            snap = snapshot_bytes(doc_id, spec, self.template, self.prepared, ctx, now, actor_name(self.actor),
                                  batch_rows=rows, sha256=sha256_bytes(docx))
            name = doc_relpath(doc_id, spec.type).split("/", 1)[1]
            target = self.out_dir / name
            _write(target.with_name(name.replace(".docx", ".data.json")), snap)
            _write(target, docx)
        return BatchOutcome(rows, payer, "ok", doc_id, wenhao, target)

    def _standalone_case(self, group: _Group) -> Case:
        """A transient case carrying one payer and its arrears; never stored."""
        v = group.rows[0].values
        line = group.rows[0].line
        settings = self.ws.settings
        party = _party(v, line)
        for r in group.rows[1:]:
            for col in ("credit_code", "id_number", "address", "legal_rep"):
                if r.values.get(col) and v.get(col) and r.values[col] != v[col]:
                    raise UsageError(f"第{r.line}行的{LABELS[col]}与第{line}行不一致")
        arrears = [_arrears(r) for r in group.rows] if self.spec.type in ENFORCEMENT_TYPES else []
        office = settings.office
        intake = next((d.code for d in settings.departments if d.code == "SW"), settings.departments[0].code)
        unit = party.kind is PartyKind.UNIT
        enforcement = Enforcement(started_at=self.now, respondent=party.name, arrears=arrears,
                                  pay_by=self._default_pay_by()) if arrears else None
        return Case(
            id="", number="", year=local_date(self.now).year, seq=0, profile=settings.profile,
            state=State.ENFORCEMENT, channel=Channel.TRANSFER, received_at=self.now, first_handler=actor_name(self.actor),
            intake_dept=intake, coordinator_dept=intake,
            jurisdiction=Jurisdiction(name=office.short, code=office.region_code), applicant=party,
            payer_group=PayerGroup.UNIT if unit else PayerGroup.PERSON, categories=[Category.C09],
            claim="批量出具", insurance_types=[],
            enforcement=enforcement,
        )

    def _default_pay_by(self) -> date | None:
        """A list without a 限缴日期 column gets the period the issuing step itself sets from today (the
        通知书's, the 责令限期缴纳's and the 征收决定's fifteen days), never a blank ``于前``."""
        from casefile.deadlines import calendar_for, compute_due

        steps = [s for s in self.spec.enforcement_steps if s in ("E1", "E2", "E3")]  # the orders that set one
        if not steps:
            return None  # e.g. D24 repeats the 责令's own date: the list must give it
        step = f"{steps[0].lower()}_pay"
        return compute_due(self.ws.settings, step, local_date(self.now), calendar_for(self.ws.root / "holidays.toml"))[0]

    def _write_manifest(self) -> Path:
        stamp = self.now.strftime("%Y%m%d%H%M%S")
        path = self.out_dir / f"batch-{self.spec.type}-{stamp}.json"
        atomic_write(path, dumps({
            "doc_type": self.spec.type,
            "source": str(self.report.source),
            "at": self.now.isoformat(),
            "by": actor_name(self.actor),
            "documents": [
                {"rows": o.rows, "payer": o.payer, "status": o.status, "doc_id": o.doc_id, "wenhao": o.wenhao,
                 "file": o.file.name if o.file else None, "case_id": o.case_id, "message": o.message}
                for o in self.report.outcomes
            ],
        }))
        return path


def _write(path: Path, data: bytes) -> None:
    """Temp file and rename, without an fsync per file: the numbers are already durable in the
    sequence log, and :func:`_flush` makes the whole folder durable once at the end (an fsync per
    file would cost more than rendering the document)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StorageError(f"无法写入 {path}（{exc.strerror}）。") from None


def _flush(folder: Path) -> None:
    if hasattr(os, "sync"):
        os.sync()
    with contextlib.suppress(OSError):
        fsync_dir(folder)


def _date(value: Any, line: int) -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise UsageError(f"第{line}行的日期“{text}”不正确（应如 2026-05-08）")


def _party(v: dict[str, Any], line: int) -> Party:
    name = str(v.get("name") or "")
    if not name:
        raise UsageError(f"第{line}行缺少{LABELS['name']}")
    credit, idn = str(v.get("credit_code") or ""), str(v.get("id_number") or "")
    try:
        if credit:
            credit = validate_uscc(credit)
        if idn:
            idn = validate_id_number(idn)
    except ValueError as exc:
        raise UsageError(f"第{line}行：{exc}") from None
    kind_text = str(v.get("kind") or "")
    kind = PartyKind.PERSON if kind_text in ("个人", "person") or (idn and not credit) else PartyKind.UNIT
    try:
        return Party(kind=kind, name=name, credit_code=credit or None, id_number=idn or None,
                     address=str(v.get("address") or "") or None, legal_rep=str(v.get("legal_rep") or "") or None,
                     mobile=str(v.get("mobile") or "") or None, phone=str(v.get("phone") or "") or None)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        from pydantic import ValidationError

        from casefile.models.validation import findings_from

        if isinstance(exc, ValidationError):
            raise UsageError(f"第{line}行：" + "；".join(str(f) for f in findings_from(exc))) from None
        raise


def _arrears(row: SourceRow) -> ArrearsLine:
    v, line = row.values, row.line
    missing = [LABELS[c] for c in ARREARS_COLUMNS if not v.get(c)]
    if missing:
        raise UsageError(f"第{line}行缺少{'、'.join(missing)}")
    try:
        ins = InsuranceType.parse(str(v["insurance_type"])).value
        period = re.sub(r"\D", "", str(v["period"]))
        period_year_month(period)
        due = parse_amount(str(v["due"]))
        paid = parse_amount(str(v["paid"])) if v.get("paid") else Decimal("0.00")
        head = int(str(v["headcount"])) if v.get("headcount") else None
        base = parse_amount(str(v["base"])) if v.get("base") else None
    except ValueError as exc:
        raise UsageError(f"第{line}行：{exc}") from None
    if paid > due:
        raise UsageError(f"第{line}行：已缴金额大于应缴金额")
    return ArrearsLine(insurance_type=ins, period=period, headcount=head, base=base, due=due, paid=paid)


def plan_batch(ws: Workspace, doc_type: str, source: Path, *, out_dir: Path, actor: ActorLike, now: datetime) -> BatchJob:
    """Read and group the rows; refuse the whole file only if its header is unusable."""
    spec = spec_of(doc_type)
    columns, rows = read_rows(source)
    known = [c for c in columns if c and not c.startswith("?")]
    skipped = [c[1:] for c in columns if c.startswith("?")]
    findings: list[Finding] = []
    if "name" not in known and "case_id" not in known:
        findings.append(Finding("表头", f"缺少“{LABELS['name']}”列（或“{LABELS['case_id']}”列）"))
    if spec.type in ENFORCEMENT_TYPES and "case_id" not in known:
        for c in ARREARS_COLUMNS:
            if c not in known:
                findings.append(Finding("表头", f"缺少“{LABELS[c]}”列"))
        if "credit_code" not in known and "id_number" not in known:
            findings.append(Finding("表头", f"缺少“{LABELS['credit_code']}”或“{LABELS['id_number']}”列"))
    if findings:
        raise ValidationFailed(findings, subject=f"{source.name} 的表头")
    groups: dict[str, _Group] = {}
    for row in rows:
        v = row.values
        key = str(v.get("case_id") or v.get("credit_code") or v.get("id_number") or v.get("name") or f"#{row.line}")
        key = key.upper() if not v.get("case_id") and (v.get("credit_code") or v.get("id_number")) else key
        groups.setdefault(key, _Group(key, [])).rows.append(row)
    return BatchJob(ws, spec.type, source, list(groups.values()), out_dir, actor, now, skipped)
