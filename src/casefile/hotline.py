"""Closing a 12345/12366 ticket: the hotline systems have no interface here, so at 办结 the officer gets
the reply text to paste into the ticket (工单号, result, satisfaction), and a day's closed tickets can
be exported as .csv or .xlsx for the hotline office.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from casefile.errors import CasefileError
from casefile.models.enums import Channel

if TYPE_CHECKING:
    from casefile.config import Workspace
    from casefile.models.case import Case

HOTLINES = (Channel.HOTLINE_12345, Channel.HOTLINE_12366)
COLUMNS = ("热线", "工单号", "案件编号", "受理时间", "办结时间", "承办单位", "办理结果", "回访满意度", "回复内容")


@dataclass(frozen=True)
class TicketReply:
    hotline: str
    ticket: str
    number: str
    received: str
    closed: str
    dept: str
    result: str
    satisfaction: str

    @property
    def text(self) -> str:
        """What is pasted into the ticket's reply field."""
        return (f"工单号：{self.ticket}\n"
                f"办理单位：{self.dept}（案件编号 {self.number}）\n"
                f"办理结果：{self.result}\n"
                f"回访满意度：{self.satisfaction}\n"
                f"办结时间：{self.closed}")

    def row(self) -> list[str]:
        return [self.hotline, self.ticket, self.number, self.received, self.closed, self.dept, self.result,
                self.satisfaction, self.text]


def is_hotline(case: Case) -> bool:
    return case.channel in HOTLINES


def ticket_reply(case: Case, dept_name: object = None) -> TicketReply:
    """The reply for the ticket a closed hotline case came in on. Refused for other channels and for
    cases not closed yet (the hotline wants the result, not a promise)."""
    from casefile.privacy import mask_text

    if not is_hotline(case):
        raise CasefileError(f"热线工单：案件 {case.number} 的受理渠道是{case.channel.value}，不是12345或12366热线，没有工单需要回复。")
    if not case.channel_ref:
        raise CasefileError(f"热线工单：案件 {case.number} 没有登记工单号，请先在受理登记中补录工单号。")
    if case.closed_at is None:
        raise CasefileError(f"热线工单：案件 {case.number} 尚未办结（当前“{case.state.label}”），办结后再回复工单。")
    name = dept_name if callable(dept_name) else (lambda c: c)
    result = (case.decision.text if case.decision else "") or case.close_reason or "已办结"
    if case.enforcement and case.enforcement.outcome:
        result = f"{result}；执行情况：{case.enforcement.outcome}"
    satisfaction = case.followups[-1].satisfaction.value if case.followups else "未回访"
    return TicketReply(
        hotline=case.channel.value.removesuffix("热线"), ticket=case.channel_ref, number=case.number,
        received=case.received_at.strftime("%Y-%m-%d %H:%M"), closed=case.closed_at.strftime("%Y-%m-%d %H:%M"),
        dept=str(name(case.lead_dept or case.intake_dept)), result=mask_text(result), satisfaction=satisfaction,
    )


def day_tickets(ws: Workspace, day: date) -> list[TicketReply]:
    """The hotline tickets whose cases were closed on ``day``, in the order they were closed."""
    from casefile import catalog
    from casefile.store import Dossier

    with catalog.connect(ws) as con:
        ids = [r[0] for r in con.execute(
            "SELECT id FROM cases WHERE closed_date = ? AND channel IN (?, ?) ORDER BY closed_at, id",
            (day.isoformat(), *(h.value for h in HOTLINES)))]
    out = []
    for cid in ids:
        d = Dossier(ws, cid)
        with d.reading():
            case = d.load()
        if case.channel_ref and case.closed_at is not None:
            out.append(ticket_reply(case, ws.dept_name))
    return out


def export(tickets: list[TicketReply], path: Path, day: date) -> Path:
    """Write the tickets as .csv (UTF-8 with BOM, opens in Excel/WPS) or .xlsx, by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from casefile.store import atomic_write

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(COLUMNS)
        for t in tickets:
            w.writerow(t.row())
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, ("\ufeff" + buf.getvalue()).encode("utf-8"))
        return path
    if suffix == ".xlsx":
        from casefile.reports.xlsx import add_sheet, new_workbook, save_workbook

        wb = new_workbook()
        add_sheet(wb, f"热线工单{day:%m%d}", list(COLUMNS), [t.row() for t in tickets])
        path.parent.mkdir(parents=True, exist_ok=True)
        save_workbook(wb, path, stamp=day, title=f"{day.isoformat()} 热线工单办结回复")
        return path
    raise CasefileError(f"导出文件：“{path.name}”的扩展名应为 .csv 或 .xlsx，请改用其中之一。")
