"""The report's tables (.xlsx) and the register (D31 .xlsx/.csv) round-trip with openpyxl and csv."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from casefile.reports import monthly_report
from casefile.reports.ledger import HEADERS, build_ledger, write_ledger_csv, write_ledger_xlsx
from casefile.reports.tables import SHEETS, write_report_xlsx
from reports.dataset import TODAY


def test_report_tables_round_trip(october: tuple[Any, dict[str, str]], tmp_path: Path) -> None:
    ws, _ = october
    rep = monthly_report(ws, "2026-10", TODAY.date())
    path = tmp_path / "t.xlsx"
    assert write_report_xlsx(rep, path) == SHEETS
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    rows = list(wb["总体情况"].iter_rows(values_only=True))
    assert rows[0][:6] == ("期间", "月份", "统计截至", "新受理", "办结", "其中告知另行办理")
    assert rows[1][:5] == ("本月", "2026-10", datetime(2026, 10, 31), 4, 3)
    assert rows[1][9] == pytest.approx(100.0) and rows[2][0] == "上月" and rows[3][3] == 1
    cats = list(wb["争议事项"].iter_rows(values_only=True))
    assert cats[1] == ("C07_REFUND", "C07 退(抵)费", 2, pytest.approx(50.0))
    assert cats[-1][:3] == ("合计", "新受理案件", 4)
    enf = {r[0]: r[2] for r in wb["征缴执法"].iter_rows(min_row=2, values_only=True) if r[0] and "元" in r[0]}
    assert enf["实际缴纳（元）"] == pytest.approx(10175.00) and enf["滞纳金（元）"] == pytest.approx(175.00)
    risks = list(wb["风险预警"].iter_rows(values_only=True))
    assert len(risks) == 1 + 7 and risks[1][1:4] == ("OVERDUE", "超期", "高")
    assert wb["时效-部门"].freeze_panes == "A2"
    assert wb.properties.created == datetime(2026, 11, 22)  # the report's "today", not the clock


def test_ledger_xlsx_and_csv(october: tuple[Any, dict[str, str]], tmp_path: Path) -> None:
    ws, ids = october
    ledger = build_ledger(ws, TODAY.date())
    assert len(ledger.rows) == 7 and ledger.headers == HEADERS
    xlsx, csv_path = tmp_path / "l.xlsx", tmp_path / "l.csv"
    sheets = write_ledger_xlsx(ledger, xlsx)
    assert sheets[0] == "工作台账"
    if ledger.archive_available:  # casefile.archive is present: D28 sheet, empty (nothing archived here)
        assert sheets == ["工作台账", "归档文件目录"] and ledger.archive_rows == []
    write_ledger_csv(ledger, csv_path)

    wb = load_workbook(xlsx)
    sheet = wb["工作台账"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:AI{1 + 7}"
    header = [c.value for c in sheet[1]]
    assert header == HEADERS and header[1] == "案件编号"
    assert sheet.column_dimensions["B"].width >= 18  # 偏税社争〔2026〕1号 fits
    rows = {r[2]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    c = dict(zip(HEADERS, rows[ids["C"]], strict=True))
    assert c["受理时间"] == datetime(2026, 10, 14, 9, 0) and c["当前状态"] == "专案报批"
    assert c["当前办理事项"] == "专案报批" and c["办理期限"] == datetime(2026, 10, 22)
    assert c["期限状态"] == "超期31天" and c["争议金额（元）"] == pytest.approx(120000)
    assert c["风险等级"] == "高风险" and c["缴费人/反映人"] == "王秀兰"
    e = dict(zip(HEADERS, rows[ids["E"]], strict=True))
    assert e["办理结果"] == "执行完毕：足额缴纳" and e["实际缴纳（元）"] == pytest.approx(10175)
    assert e["征缴执法环节"] == "E_DONE 执行完毕"
    f = dict(zip(HEADERS, rows[ids["F"]], strict=True))
    assert f["救济途径及结果"] == "复议（维持原处理意见）" and f["回访满意度"] == "不满意"

    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == HEADERS and len(table) == 8
    by_id = {r[2]: dict(zip(HEADERS, r, strict=True)) for r in table[1:]}
    assert by_id[ids["C"]]["受理时间"] == "2026-10-14 09:00" and by_id[ids["C"]]["争议金额（元）"] == "120000.00"


def test_ledger_year_filter(october: tuple[Any, dict[str, str]]) -> None:
    ws, ids = october
    assert [r[2] for r in build_ledger(ws, TODAY.date(), year=2025).rows] == [ids["G"]]
    assert len(build_ledger(ws, TODAY.date(), year=2026).rows) == 6
    assert build_ledger(ws, TODAY.date(), year=2024).rows == []


def test_archive_catalogue_sheet_lists_the_archived_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The register's second sheet 归档文件目录 comes from the real archive: a case archived through
    ``archive_case`` appears there with the row ``archive_catalogue`` gives, a closed case that is not
    archived does not, and a year without archived cases gives the sheet with its headers only."""
    from archive.helpers import ARCHIVED_AT, closed_direct_case, fake_soffice_script
    from casefile.archive import archive_case
    from casefile.archive.handover import CATALOGUE_COLUMNS, archive_catalogue
    from testkit import init_test_workspace

    monkeypatch.setenv("CASEFILE_SOFFICE", str(fake_soffice_script(tmp_path)))
    ws = init_test_workspace(tmp_path / "ws", "pianguan")
    archived = closed_direct_case(ws, evidence=False)
    closed_direct_case(ws, evidence=False)  # closed, not archived: not in the catalogue
    dang_hao = archive_case(ws, archived, ARCHIVED_AT, "档案员").dang_hao
    ledger = build_ledger(ws, ARCHIVED_AT.date(), year=2026)
    assert ledger.archive_available and ledger.archive_headers == list(CATALOGUE_COLUMNS)
    expected = archive_catalogue(ws, 2026)
    assert [r["档号"] for r in expected] == [dang_hao]
    assert ledger.archive_rows == [list(r.values()) for r in expected]
    path = tmp_path / "l.xlsx"
    assert write_ledger_xlsx(ledger, path) == ["工作台账", "归档文件目录"]
    sheet = load_workbook(path)["归档文件目录"]
    assert [c.value for c in sheet[1]] == ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
    assert sheet["B2"].value == dang_hao and sheet["D2"].value == ws.settings.office.name
    assert str(sheet["C2"].value).startswith("偏税社告") and sheet.max_row == 2 and sheet.freeze_panes == "A2"
    # the register of a year with nothing archived still has the sheet, with its headers only
    empty = build_ledger(ws, ARCHIVED_AT.date(), year=2025)
    assert empty.archive_rows == [] and empty.archive_headers == list(CATALOGUE_COLUMNS)


def test_csv_values_are_plain_text() -> None:
    from casefile.reports.ledger import _csv_value

    assert _csv_value(Decimal("5")) == "5.00" and _csv_value(None) == "" and _csv_value(date(2026, 1, 2)) == "2026-01-02"
