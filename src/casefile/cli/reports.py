"""Commands for analysis and registers: report month (D30), ledger (D31/D28), risks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from casefile.cli.common import CASE_REF, AppContext, echo, emit_json, json_option, pass_app, warn


@click.group()
def report() -> None:
    """月度综合分析报告（D30）。"""


@report.command("month")
@click.argument("month", metavar="年-月")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), metavar="目录",
              help="输出目录（默认当前目录）；生成 .docx 报告和 .xlsx 统计表。")
@click.option("--no-files", is_flag=True, help="只计算并显示数据，不生成文件。")
@json_option
@pass_app
def report_month(app: AppContext, month: str, out_dir: Path | None, no_files: bool, as_json: bool) -> None:
    """生成某月（如 2026-10）的月度综合分析报告：按争议事项、争议群体、渠道、辖区、分流、部门统计，
    办理时效、回访满意度、救济与执法情况、环比同比、风险预警，附图表。"""
    from casefile.reports import monthly_report, parse_month

    m = parse_month(month)  # a malformed month is a usage error (exit 2) before the workspace is touched
    rep = monthly_report(app.ws, m, app.now.date())
    files: dict[str, str] = {}
    warnings: list[str] = []
    if not no_files:
        from casefile.reports.monthly_docx import write_report_docx
        from casefile.reports.tables import write_report_xlsx

        out = (out_dir or Path.cwd()).absolute()
        stem = f"D30_月度综合分析报告_{m.key}"
        docx = write_report_docx(rep, out / f"{stem}.docx")
        write_report_xlsx(rep, out / f"{stem}_统计表.xlsx")
        files = {"docx": str(docx.path), "xlsx": str(out / f"{stem}_统计表.xlsx")}
        warnings = docx.warnings
    for w in warnings:
        warn(w)
    if as_json:
        emit_json({**rep.as_dict(), "files": files, "warnings": warnings})
        return
    f = rep.figures
    echo(f"{rep.title}{'' if rep.complete else f'（统计截至{rep.as_of.isoformat()}）'}")
    if rep.empty:
        echo("本月没有受理、办结或在办的案件。")
    echo(f"新受理 {f.new} 件，办结 {f.closed} 件，月末在办 {f.open_end} 件（超期 {f.overdue_end} 件），"
         f"按时办结率 {_pct(f.on_time_rate)}，回访满意率 {_pct(f.satisfaction_rate)}，风险预警 {len(rep.risks)} 条。")
    for s in rep.top_issues:
        echo(f"  {s.label}：{s.count} 件，占比 {_pct(s.share)}")
    for kind, path in files.items():
        echo(f"已生成 {kind}：{path}")


def _pct(value: Any) -> str:
    return f"{value}%" if value is not None else "—"


@click.command()
@click.option("--year", type=click.IntRange(1900, 9999), metavar="年度", help="只导出该年度受理的案件（默认全部）。")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="导出 Excel 台账（含冻结表头、筛选；有归档模块时附“归档文件目录”）。")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="导出 CSV 台账（UTF-8 带 BOM，Excel 可直接打开）。")
@click.option("--catalogue", is_flag=True,
              help="另生成该年度的归档文件目录（D28，横向）的 .docx 和 PDF，须同时给出 --year。")
@click.option("--catalogue-dir", type=click.Path(file_okay=False, path_type=Path), metavar="目录",
              help="归档文件目录的保存位置（默认当前目录）。")
@json_option
@pass_app
def ledger(app: AppContext, year: int | None, xlsx_path: Path | None, csv_path: Path | None, catalogue: bool,
           catalogue_dir: Path | None, as_json: bool) -> None:
    """导出工作台账（D31）：每件案件的关键日期、状态、责任部门、期限和办理结果。

    未给出 --xlsx 或 --csv 时，在当前目录生成“工作台账_年度.xlsx”。"""
    from casefile.reports.ledger import build_ledger, write_ledger_csv, write_ledger_xlsx

    if catalogue:
        from casefile.archive.handover import write_catalogue
        from casefile.errors import UsageError

        if year is None:
            raise UsageError("生成归档文件目录须指定年度：casefile ledger --year 年度 --catalogue。")
        rep = write_catalogue(app.ws, year, catalogue_dir or Path.cwd(), app.now)
        if as_json:
            emit_json({"year": rep.year, "count": rep.count, "docx": rep.docx, "pdf": rep.pdf})
        else:
            echo(f"{year}年度归档文件目录：共 {rep.count} 卷。")
            echo(f"已生成 docx：{rep.docx}")
            echo(f"已生成 PDF：{rep.pdf}")
        if xlsx_path is None and csv_path is None:
            return

    today = app.now.date()
    book = build_ledger(app.ws, today, year=year)
    if xlsx_path is None and csv_path is None and not as_json:
        xlsx_path = Path.cwd() / f"工作台账_{year or '全部'}.xlsx"
    written: dict[str, str] = {}
    if xlsx_path is not None:
        sheets = write_ledger_xlsx(book, xlsx_path)
        written["xlsx"] = str(xlsx_path.absolute())
        if len(sheets) > 1:
            written["sheets"] = "、".join(sheets)
    if csv_path is not None:
        write_ledger_csv(book, csv_path)
        written["csv"] = str(csv_path.absolute())
    if as_json:
        emit_json({"year": year, "count": len(book.rows), "headers": book.headers, "files": written,
                   "rows": [[_plain(v) for v in row] for row in book.rows]})
        return
    echo(f"{book.title}：共 {len(book.rows)} 件。")
    for kind in ("xlsx", "csv"):
        if kind in written:
            echo(f"已导出 {kind}：{written[kind]}")
    if "sheets" in written:
        echo(f"工作表：{written['sheets']}（归档文件目录 {len(book.archive_rows)} 条）")


def _plain(value: Any) -> Any:
    from datetime import date
    from decimal import Decimal

    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@click.command()
@json_option
@pass_app
def risks(app: AppContext, as_json: bool) -> None:
    """风险预警：重复诉求、群体性、大额、即将到期与超期、舆情、涉访涉稳、滞留（阈值见 casefile.toml 的 [risk]）。"""
    from casefile.reports import current_risks

    today = app.now.date()
    items = current_risks(app.ws, today)
    if as_json:
        emit_json({"today": today.isoformat(), "count": len(items), "risks": [w.as_dict() for w in items]})
        return
    if not items:
        echo("当前没有风险预警。")
        return
    for w in items:
        echo(f"[{w.severity.label}] {w.label:<5} {w.number}（{w.case_id}）：{w.message}")
    cases = len({w.case_id for w in items})
    echo(f"共 {len(items)} 条预警，涉及 {cases} 件案件。")


@click.group()
def hotline() -> None:
    """12345/12366 热线工单：办结后的回复文本与按日导出（热线系统无接口，供复制粘贴或导入）。"""


@hotline.command("reply")
@click.argument("case_id", metavar="案件ID或编号", type=CASE_REF)
@json_option
@pass_app
def hotline_reply(app: AppContext, case_id: str, as_json: bool) -> None:
    """输出已办结热线案件的工单回复文本（工单号、办理结果、回访满意度）。"""
    from casefile.hotline import ticket_reply
    from casefile.store import Dossier

    d = Dossier(app.ws, case_id)
    with d.reading():
        case = d.load()
    reply = ticket_reply(case, app.ws.dept_name)
    if as_json:
        emit_json(dict(zip(("hotline", "ticket", "number", "received", "closed", "dept", "result", "satisfaction",
                            "text"), reply.row(), strict=True)))
        return
    echo(reply.text)


@hotline.command("export")
@click.option("--date", "day", metavar="日期", help="办结日期（YYYY-MM-DD，默认今天）。")
@click.option("--output", "--out", "-o", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="文件", help="输出文件：.csv 或 .xlsx。")
@pass_app
def hotline_export(app: AppContext, day: str | None, output: Path) -> None:
    """导出某日办结的热线工单回复（csv 或 xlsx），交热线办。"""
    from casefile.app.flow import parse_date
    from casefile.hotline import day_tickets, export

    when = parse_date(day, "--date") if day else app.now.date()
    assert when is not None
    tickets = day_tickets(app.ws, when)
    path = export(tickets, output, when)
    echo(f"已导出{when.isoformat()}办结的热线工单{len(tickets)}件：{path}")
