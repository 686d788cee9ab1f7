"""Spreadsheet conventions shared by the report tables and the register: bold Chinese header row,
frozen, with an autofilter; column widths from the content (a CJK character counts double);
numbers stay numbers (counts as integers, money as ``#,##0.00``, shares as ``0.00"%"``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = ["MONEY", "PERCENT", "Formatted", "add_sheet", "display_width", "new_workbook", "save_workbook"]

MONEY = "#,##0.00"
PERCENT = '0.00"%"'
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60
MIN_WIDTH = 6
WIDTH_SAMPLE = 2000


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


@dataclass(frozen=True)
class Formatted:
    """A value with its own number format (e.g. an amount in a column that otherwise holds counts)."""

    value: Any
    number_format: str


def new_workbook() -> Workbook:
    """A streaming (write-only) workbook: a register of 100,000 cases is written in seconds, not minutes."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def add_sheet(wb: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
              formats: dict[int, str] | None = None, filter_: bool = True, max_width: int = MAX_WIDTH) -> Any:
    """One table per sheet. ``formats`` maps a 0-based column to a number format. Column widths come
    from the header and the first rows (enough to size a register without measuring every cell)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=title[:31])
    widths = [display_width(h) for h in header]
    for row in rows[:WIDTH_SAMPLE]:
        for j, v in enumerate(row):
            widths[j] = max(widths[j], display_width(_cell(v.value if isinstance(v, Formatted) else v)))
    for j, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(j + 1)].width = min(max(w + 2, MIN_WIDTH), max_width)
    ws.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    line = Border(bottom=Side(style="thin", color="A6A6A6"))
    head = []
    for h in header:
        cell = WriteOnlyCell(ws, value=h)
        cell.font, cell.fill, cell.alignment, cell.border = bold, fill, centre, line
        head.append(cell)
    ws.append(head)
    fmt = formats or {}
    for row in rows:
        out: list[Any] = []
        for j, raw in enumerate(row):
            v, number_format = (raw.value, raw.number_format) if isinstance(raw, Formatted) else (raw, fmt.get(j))
            v = _cell(v)
            if number_format is None and isinstance(v, date):
                number_format = DATETIME if isinstance(v, datetime) else DATE
            if number_format is not None and v is not None:
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = number_format
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)
    if filter_ and header:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
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
