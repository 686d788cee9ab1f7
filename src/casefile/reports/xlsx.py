"""Spreadsheet conventions shared by the report tables and the register: bold Chinese header row,
frozen, with an autofilter; column widths from the content (a CJK character counts double);
numbers stay numbers (counts as integers, money as ``#,##0.00``, shares as ``0.00"%"``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["MONEY", "PERCENT", "add_sheet", "display_width", "new_workbook", "save_workbook"]

MONEY = "#,##0.00"
PERCENT = '0.00"%"'
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60
MIN_WIDTH = 6


def display_width(value: Any) -> float:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, Decimal | float):
        return len(f"{value:,.2f}")
    text = str(value)
    return max(sum(2 if ord(ch) >= 0x2E80 else 1 for ch in line) for line in text.split("\n"))


def new_workbook() -> Workbook:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    return wb


def add_sheet(wb: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
              formats: dict[int, str] | None = None, filter_: bool = True, max_width: int = MAX_WIDTH) -> Worksheet:
    """One table per sheet. ``formats`` maps a 0-based column to a number format."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=title[:31])
    ws.append(list(header))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin", color="A6A6A6")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin)
    widths = [display_width(h) for h in header]
    fmt = formats or {}
    for row in rows:
        values = [_cell(v) for v in row]
        ws.append(values)
        for j, v in enumerate(values):
            widths[j] = max(widths[j], display_width(v))
    for j in range(len(header)):
        column = get_column_letter(j + 1)
        if j in fmt:
            for cell in ws[column][1:]:
                cell.number_format = fmt[j]
        for cell in ws[column][1:]:
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME
            elif isinstance(cell.value, date):
                cell.number_format = DATE
        ws.column_dimensions[column].width = min(max(widths[j] + 2, MIN_WIDTH), max_width)
    ws.freeze_panes = "A2"
    if filter_ and header:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
    return ws


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; values are local (Asia/Shanghai)
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def save_workbook(wb: Workbook, path: Path, *, stamp: date, title: str = "", author: str = "") -> None:
    """Write atomically. The document properties carry ``stamp`` (the report's "today"): openpyxl's
    own ``save`` would stamp the system clock, which nothing below the CLI may read."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    from casefile.store import atomic_write

    moment = datetime(stamp.year, stamp.month, stamp.day)
    props = wb.properties
    props.created = props.modified = moment
    props.creator = props.lastModifiedBy = author or "casefile"
    props.title = title or None
    buf = io.BytesIO()
    ExcelWriter(wb, ZipFile(buf, "w", ZIP_DEFLATED, allowZip64=True)).save()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buf.getvalue())
