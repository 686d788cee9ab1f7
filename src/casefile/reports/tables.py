"""The monthly report's underlying tables as .xlsx: one sheet per table, the same figures as the .docx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.models.enums import ENFORCEMENT_LABELS, EnforcementStep
from casefile.reports.xlsx import MONEY, PERCENT, Formatted, add_sheet, new_workbook, save_workbook

if TYPE_CHECKING:
    from casefile.reports.stats import Breakdown, MonthlyReport, PeriodFigures, Timeliness

__all__ = ["SHEETS", "write_report_xlsx"]

SHEETS = ["总体情况", "争议事项", "争议群体", "受理渠道", "辖区", "事项类别", "风险等级", "主办部门", "时效-部门",
          "时效-环节", "回访满意度", "救济情况", "征缴执法", "月度趋势", "风险预警", "统计口径"]


def _period_row(label: str, p: PeriodFigures) -> list[Any]:
    return [label, p.month, p.as_of, p.new, p.closed, p.redirected, p.open_start, p.open_end, p.overdue_end,
            p.on_time_rate, p.satisfaction_rate]


def _breakdown_rows(b: Breakdown) -> list[list[Any]]:
    rows: list[list[Any]] = [[s.key, s.label, s.count, s.share] for s in b.rows]
    rows.append(["合计", "新受理案件", b.base, None])
    return rows


def _timeliness_rows(items: list[Timeliness]) -> list[list[Any]]:
    return [[t.key, t.label, t.due, t.on_time, t.late, t.rate, t.done, t.mean_days, t.median_days] for t in items]


def write_report_xlsx(report: MonthlyReport, path: Path) -> list[str]:
    """Write the tables; returns the sheet names."""
    from casefile.reports.narrative import DEFINITIONS

    r = report
    wb = new_workbook()
    add_sheet(wb, "总体情况", ["期间", "月份", "统计截至", "新受理", "办结", "其中告知另行办理", "月初在办", "月末在办",
                           "超期在办", "按时办结率(%)", "回访满意率(%)"],
              [_period_row("本月", r.figures), _period_row("上月", r.previous), _period_row("去年同月", r.last_year)],
              formats={9: PERCENT, 10: PERCENT}, filter_=False)
    names = {"category": "争议事项", "group": "争议群体", "channel": "受理渠道", "jurisdiction": "辖区",
             "route": "事项类别", "risk": "风险等级", "lead_dept": "主办部门"}
    for key, sheet in names.items():
        b = r.breakdowns[key]
        add_sheet(wb, sheet, ["代码", b.title.removeprefix("按"), "件数", "占比(%)"], _breakdown_rows(b),
                  formats={3: PERCENT})
    head = ["代码", "名称", "当月到期环节", "按期完成", "未按期", "环节按期完成率(%)", "当月完成环节", "平均办理天数", "中位办理天数"]
    add_sheet(wb, "时效-部门", head, _timeliness_rows([*r.timeliness_by_dept, r.timeliness_overall]),
              formats={5: PERCENT, 7: "0.0", 8: "0.0"})
    add_sheet(wb, "时效-环节", head, _timeliness_rows([*r.timeliness_by_step, r.timeliness_overall]),
              formats={5: PERCENT, 7: "0.0", 8: "0.0"})
    s = r.satisfaction
    add_sheet(wb, "回访满意度", ["项目", "人次", "说明"],
              [*[[k, v, ""] for k, v in s.counts.items()], ["合计", s.total, ""], ["提出异议", s.objections, ""],
               ["满意率(%)", s.rate, "（满意＋基本满意）÷回访人次"]], filter_=False)
    rem = r.remedies
    add_sheet(wb, "救济情况", ["类别", "项目", "件数"],
              [*[["当月申请", k, v] for k, v in rem.filed.items()],
               *[["当月有结果", k, v] for k, v in rem.concluded.items()],
               ["月末仍在救济程序中", "", rem.pending_end]])
    e = r.enforcement
    order = {x.value: x for x in EnforcementStep}
    add_sheet(wb, "征缴执法", ["项目", "说明", "数值"],
              [["新转入征缴执法（件）", "", e.started],
               *[["执法环节（件次）", f"{k} {ENFORCEMENT_LABELS[order[k]] if k in order else k}", v]
                 for k, v in e.steps.items()],
               ["执行完毕（件）", "", e.completed],
               *[["执行结果（件）", k, v] for k, v in e.outcomes.items()],
               ["欠缴本金（元）", "执行完毕案件", Formatted(e.principal, MONEY)],
               ["实际缴纳（元）", "执行完毕案件", Formatted(e.collected, MONEY)],
               ["滞纳金（元）", "执行完毕案件，计算额", Formatted(e.late_fees, MONEY)],
               ["月末仍在执法程序中（件）", "", e.in_progress_end]])
    add_sheet(wb, "月度趋势", ["月份", "新受理", "办结"], [[p.month, p.new, p.closed] for p in r.trend])
    add_sheet(wb, "风险预警", ["序号", "规则", "预警类型", "等级", "案件编号", "案件ID", "说明"],
              [[i, w.rule, w.label, w.severity.label, w.number, w.case_id, w.message]
               for i, w in enumerate(r.risks, start=1)], max_width=80)
    add_sheet(wb, "统计口径", ["序号", "说明"], [[i, t] for i, t in enumerate(DEFINITIONS, start=1)], filter_=False,
              max_width=100)
    save_workbook(wb, path, stamp=r.today, title=r.title, author=r.issuer)
    return list(wb.sheetnames)
