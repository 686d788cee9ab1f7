"""舆情/涉稳 flags raised and cleared at any step (journaled); the 12345/12366 ticket reply at 办结 and
a day's tickets exported as csv/xlsx."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from click.testing import CliRunner

from casefile import hotline
from casefile import workflow as wf
from casefile.cli.main import cli
from casefile.errors import CasefileError
from casefile.models.enums import Flag, State
from casefile.store import Dossier, read_journal
from factories import at, new_case, step, to_state


@pytest.mark.parametrize("target", [State.TRIAGE, State.MEDIATION, State.FOLLOW_UP, State.CLOSED])
def test_flags_raised_and_cleared_at_any_step(ws, target) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, target) if target is not State.FOLLOW_UP else to_state(ws, State.NOTIFIED)
    step(ws, cid, at(20), lambda s: wf.set_flag(s, "舆情", raise_=True, reason="网信办通报网络帖文"))
    step(ws, cid, at(20), lambda s: wf.set_flag(s, "涉访涉稳", raise_=True, reason="信访局研判"))
    case = Dossier(ws, cid).load()
    assert Flag.PUBLIC_OPINION in case.flags and Flag.STABILITY in case.flags
    step(ws, cid, at(21), lambda s: wf.set_flag(s, "PUBLIC_OPINION", raise_=False, reason="帖文已删除，舆情平息"))
    case = Dossier(ws, cid).load()
    assert Flag.PUBLIC_OPINION not in case.flags and Flag.STABILITY in case.flags
    entries, _ = read_journal(Dossier(ws, cid).journal_path)
    kinds = [(e.type, e.payload.get("reason")) for e in entries if e.type.startswith("flag_")]
    assert kinds == [("flag_raised", "网信办通报网络帖文"), ("flag_raised", "信访局研判"),
                     ("flag_cleared", "帖文已删除，舆情平息")]


def test_derived_flags_are_not_set_by_hand(ws) -> None:  # type: ignore[no-untyped-def]
    cid = new_case(ws)
    with pytest.raises(CasefileError, match="自动判断"):
        step(ws, cid, at(1), lambda s: wf.set_flag(s, "超期", raise_=True, reason="x"))
    with pytest.raises(CasefileError, match="没有“舆情”标记"):
        step(ws, cid, at(1), lambda s: wf.set_flag(s, "舆情", raise_=False, reason="x"))


def test_hotline_reply_at_closing_and_day_export(ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = to_state(ws, State.NOTIFIED)
    step(ws, cid, at(8), lambda s: wf.followup(s, method="电话", respondent="李建国", satisfaction="满意"))
    res = step(ws, cid, at(8), lambda s: wf.followup(s, method="电话", respondent="赵志刚", satisfaction="满意",
                                                     party="对方当事人"))  # both parties are followed up
    assert "12345热线工单回复" in res.message and "工单号：GD20261103-0417" in res.message
    case = Dossier(ws, cid).load()
    reply = hotline.ticket_reply(case, ws.dept_name)
    assert reply.satisfaction == "满意" and reply.result == "责令限期补缴" and reply.ticket == "GD20261103-0417"
    day = case.closed_at.date()  # type: ignore[union-attr]
    tickets = hotline.day_tickets(ws, day)
    assert [t.ticket for t in tickets] == ["GD20261103-0417"]
    path = hotline.export(tickets, tmp_path / "工单.csv", day)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:3] == ["热线", "工单号", "案件编号"] and rows[1][1] == "GD20261103-0417" and rows[1][7] == "满意"
    from openpyxl import load_workbook

    x = hotline.export(tickets, tmp_path / "工单.xlsx", day)
    sheet = load_workbook(x).worksheets[0]
    assert sheet["B2"].value == "GD20261103-0417"
    with pytest.raises(CasefileError, match=r"\.csv 或 \.xlsx"):
        hotline.export(tickets, tmp_path / "工单.txt", day)
    env = {"CASEFILE_NOW": at(9).isoformat(), "CASEFILE_USER": "王晓梅"}
    out = CliRunner().invoke(cli, ["-w", str(ws.root), "hotline", "reply", "GD20261103-0417"], env=env)
    assert out.exit_code == 0 and "回访满意度：满意" in out.output
    exp = CliRunner().invoke(cli, ["-w", str(ws.root), "hotline", "export", "--date", day.isoformat(),
                                   "--output", str(tmp_path / "a.xlsx")], env=env)
    assert exp.exit_code == 0 and "1件" in exp.output, exp.output


def test_reply_refused_before_closing_or_for_other_channels(ws) -> None:  # type: ignore[no-untyped-def]
    open_case = Dossier(ws, new_case(ws)).load()
    with pytest.raises(CasefileError, match="尚未办结"):
        hotline.ticket_reply(open_case)
    window = Dossier(ws, new_case(ws, name="intake-minimal")).load()
    with pytest.raises(CasefileError, match="不是12345或12366热线"):
        hotline.ticket_reply(window)
    assert hotline.day_tickets(ws, date(2026, 1, 1)) == []
