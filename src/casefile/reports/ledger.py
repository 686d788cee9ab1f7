"""The register (工作台账, D31): one row per case with its key dates, state, owner, time limits and
result, as offices keep it in Excel ("对表销号", D31; docs/domain.md §3). Exported to
.xlsx (header frozen, autofilter) and to CSV (UTF-8 with BOM, so Excel opens it as Chinese).

If the archive module provides ``archive_catalogue(ws, year)``, the workbook gets a second sheet
归档文件目录 (D28) with its rows.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.models.enums import (
    CATEGORY_LABELS,
    ENFORCEMENT_LABELS,
    FLAG_LABELS,
    STATE_LABELS,
    Category,
    EnforcementStep,
    Flag,
    State,
)
from casefile.reports.risks import OFFICE_DEADLINE_SQL

if TYPE_CHECKING:
    from casefile.config import Workspace

__all__ = ["ARCHIVE_HEADERS", "HEADERS", "Ledger", "build_ledger", "write_ledger_csv", "write_ledger_xlsx"]

LEDGER_SHEET = "工作台账"
ARCHIVE_SHEET = "归档文件目录"
HEADERS = [
    "序号", "案件编号", "案件ID", "受理时间", "受理渠道", "工单号", "首问责任人", "受理部门", "事项所在辖区",
    "缴费人/反映人", "争议群体", "对方当事人", "争议事项", "险种", "争议金额（元）", "事项类别", "风险等级",
    "主办部门", "协办部门", "当前状态", "风险标记", "当前办理事项", "办理期限", "期限状态", "超期环节数",
    "处理意见形成时间", "处理意见来源", "办结时间", "办理结果", "回访满意度", "救济途径及结果", "征缴执法环节",
    "实际缴纳（元）", "档号", "保管期限",
]
ARCHIVE_HEADERS = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
_MONEY_COLUMNS = {"争议金额（元）", "实际缴纳（元）"}
_RETENTION = {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}
_DANG_HAO_YEAR = re.compile(r"·(\d{4})-")


@dataclass
class Ledger:
    year: int | None
    today: date
    headers: list[str]
    rows: list[list[Any]]
    archive_headers: list[str] = field(default_factory=list)
    archive_rows: list[list[Any]] = field(default_factory=list)
    archive_available: bool = False

    @property
    def title(self) -> str:
        return f"{self.year}年度工作台账" if self.year else "工作台账"


def _dt(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=None, microsecond=0)


def _money(text: str | None) -> Decimal | None:
    if text in (None, ""):
        return None
    try:
        return Decimal(str(text)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _labels(text: str | None, table: Mapping[Any, str], parse: Any) -> str:
    try:
        codes = json.loads(text or "[]")
    except ValueError:
        return ""
    out = []
    for code in codes:
        try:
            out.append(table[parse(code)])
        except (KeyError, ValueError):
            out.append(str(code))
    return "、".join(out)


def build_ledger(ws: Workspace, today: date, *, year: int | None = None) -> Ledger:
    """Every case (or those received in ``year``), oldest first, from the catalog."""
    from casefile import catalog

    name = ws.dept_name
    where, args = "", dict[str, Any](today=today.isoformat())
    if year is not None:
        where = " WHERE c.year = :year"
        args["year"] = year
    rows: list[list[Any]] = []
    with catalog.connect(ws) as con:
        # Child tables are read once and grouped, rather than one sub-query per case (100,000 cases → 1 s).
        scope = f"AND case_id IN (SELECT id FROM cases c{where})" if where else ""
        next_step = {r[0]: (r[1], r[2]) for r in con.execute(
            f"SELECT d.case_id, d.label, MIN(d.due) FROM deadlines d WHERE d.done_at IS NULL AND {OFFICE_DEADLINE_SQL} "
            f"{scope} GROUP BY d.case_id", args)}  # SQLite takes label from the row holding MIN(due)
        late = {r[0]: int(r[1]) for r in con.execute(
            f"SELECT d.case_id, COUNT(*) FROM deadlines d WHERE {OFFICE_DEADLINE_SQL} {scope} "
            "AND ((d.done_at IS NULL AND d.due < :today) OR d.done_at > d.due) GROUP BY d.case_id", args)}
        remedies: dict[str, list[str]] = {}
        for r in con.execute(f"SELECT case_id, kind, COALESCE(NULLIF(outcome, ''), status) FROM remedies "
                             f"WHERE 1 {scope} ORDER BY filed_at", args):
            remedies.setdefault(r[0], []).append(f"{r[1]}（{r[2]}）")
        for i, r in enumerate(con.execute(f"SELECT c.* FROM cases c{where} ORDER BY c.received_at, c.id", args),
                              start=1):
            cid = r["id"]
            state = State(r["state"]) if r["state"] in State.__members__ else None
            open_case = state not in (State.CLOSED, State.ARCHIVED, State.REDIRECTED)
            step, due, status = "", None, ""
            if cid in next_step:
                step, due_text = next_step[cid]
                due = date.fromisoformat(due_text)
                left = (due - today).days
                status = f"超期{-left}天" if left < 0 else ("今日到期" if left == 0 else f"剩{left}天")
            elif not open_case:
                status = "已办结"
            co = "、".join(name(c) for c in json.loads(r["co_depts"] or "[]"))
            enf = ""
            if r["enforcement_step"]:
                try:
                    enf = f"{r['enforcement_step']} {ENFORCEMENT_LABELS[EnforcementStep(r['enforcement_step'])]}"
                except ValueError:
                    enf = r["enforcement_step"]
            rows.append([
                i, r["number"], cid, _dt(r["received_at"]), r["channel"], r["channel_ref"] or "",
                r["first_handler"], name(r["intake_dept"]), r["jurisdiction"], r["applicant_name"] or "",
                r["payer_group"] or "", r["counterparty_name"] or "",
                _labels(r["categories"], CATEGORY_LABELS, Category), "、".join(json.loads(r["insurance_types"] or "[]")),
                _money(r["amount_total"]), r["case_class"] or "", f"{r['risk']}风险" if r["risk"] else "",
                name(r["lead_dept"]) if r["lead_dept"] else "", co,
                STATE_LABELS[state] if state else r["state"],
                _labels(r["flags"], FLAG_LABELS, Flag), step, due, status, late.get(cid, 0),
                _dt(r["decided_at"]), r["decision_outcome"] or "", _dt(r["closed_at"]), r["close_reason"] or "",
                r["satisfaction"] or "", "；".join(remedies.get(cid, [])), enf,
                _money(r["collected"]) if r["enforcement_step"] else None, r["dang_hao"] or "",
                _RETENTION.get(r["retention"] or "", r["retention"] or ""),
            ])
        archive_years = [year] if year is not None else sorted({
            int(m.group(1)) for (dh,) in con.execute("SELECT dang_hao FROM cases WHERE dang_hao IS NOT NULL")
            if (m := _DANG_HAO_YEAR.search(dh))
        })
    ledger = Ledger(year=year, today=today, headers=list(HEADERS), rows=rows)
    _add_archive_catalogue(ws, ledger, archive_years)
    return ledger


def _add_archive_catalogue(ws: Workspace, ledger: Ledger, years: Iterable[int]) -> None:
    from casefile.archive import archive_catalogue as fn

    ledger.archive_available = True
    headers: list[str] = []
    rows: list[list[Any]] = []
    for y in years:
        h, r = _table(fn(ws, y))
        headers = headers or h
        rows.extend(r)
    ledger.archive_headers = headers or list(ARCHIVE_HEADERS)
    ledger.archive_rows = rows


def _table(result: Any) -> tuple[list[str], list[list[Any]]]:
    """Accept what ``archive_catalogue`` may return: an object with ``headers``/``columns`` and ``rows``,
    a list of mappings (keys are the headers), or a list of sequences in D28 column order."""
    headers = getattr(result, "headers", None) or getattr(result, "columns", None)
    items = getattr(result, "rows", result)
    items = list(items or [])
    if headers:
        out = [[_get(row, h, j) for j, h in enumerate(headers)] for row in items]
        return [str(h) for h in headers], out
    if items and isinstance(items[0], Mapping):
        keys = list(items[0].keys())
        return [str(k) for k in keys], [[row.get(k) for k in keys] for row in items]
    if items and hasattr(items[0], "__dataclass_fields__"):
        keys = list(items[0].__dataclass_fields__)
        return keys, [[getattr(row, k) for k in keys] for row in items]
    return list(ARCHIVE_HEADERS), [list(row) for row in items]


def _get(row: Any, key: Any, index: int) -> Any:
    if isinstance(row, Mapping):
        return row.get(key)
    if isinstance(row, Sequence) and not isinstance(row, str):
        return row[index] if index < len(row) else None
    return getattr(row, str(key), None)


def write_ledger_xlsx(ledger: Ledger, path: Path) -> list[str]:
    from casefile.reports.xlsx import MONEY, add_sheet, new_workbook, save_workbook

    wb = new_workbook()
    money = {j: MONEY for j, h in enumerate(ledger.headers) if h in _MONEY_COLUMNS}
    add_sheet(wb, LEDGER_SHEET, ledger.headers, ledger.rows, formats=money, max_width=40)
    if ledger.archive_available:
        add_sheet(wb, ARCHIVE_SHEET, ledger.archive_headers, ledger.archive_rows, max_width=60)
    save_workbook(wb, path, stamp=ledger.today, title=ledger.title)
    return list(wb.sheetnames)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def write_ledger_csv(ledger: Ledger, path: Path) -> None:
    """UTF-8 with BOM and CRLF line ends: Excel on Windows opens it with Chinese intact."""
    from casefile.store import atomic_write

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(ledger.headers)
    for row in ledger.rows:
        writer.writerow([_csv_value(v) for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buf.getvalue().encode("utf-8-sig"))
