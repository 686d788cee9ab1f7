"""The monthly figures against values worked out by hand from the data set in dataset.py."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from casefile.reports import FutureMonth, monthly_report
from casefile.reports.stats import percent
from reports.dataset import TODAY

D = Decimal


@pytest.fixture(scope="module")
def report(october: tuple[Any, dict[str, str]]) -> Any:
    ws, _ = october
    return monthly_report(ws, "2026-10", TODAY.date())


def test_counts_and_comparisons(report: Any) -> None:
    f = report.figures
    assert report.as_of == date(2026, 10, 31) and report.complete
    # received in October: A, B, C, D; closed in October: A 10-20, E 10-21, F 10-28
    assert (f.new, f.closed, f.redirected) == (4, 3, 0)
    # open on 10-01: E, F (G closed in 2025); open on 10-31: B, C, D; overdue: C (专案报批 due 10-22, never given)
    assert (f.open_start, f.open_end, f.overdue_end) == (2, 3, 1)
    p = report.previous  # September: E, F received; E's notice due 09-21 was met on 09-16
    assert (p.month, p.new, p.closed, p.open_start, p.open_end, p.overdue_end) == ("2026-09", 2, 0, 0, 2, 0)
    # September limits: E register, triage, opinion, joint decision, notify; F register, triage, direct — all met
    assert p.step_on_time_rate == D("100.00") and p.satisfaction_rate is None
    assert p.on_time_rate is None and p.closed_assessed == 0  # nothing closed in September
    y = report.last_year  # October 2025: G received and closed, one follow-up, satisfied
    assert (y.month, y.new, y.closed, y.open_end, y.satisfaction_rate) == ("2025-10", 1, 1, 0, D("100.00"))
    mom, yoy = report.change("new"), report.change("new", "last_year")
    assert (mom.delta, mom.pct) == (2, D("100.00"))  # 4 vs 2
    assert (yoy.delta, yoy.pct) == (3, D("300.00"))  # 4 vs 1
    closed = report.change("closed")
    assert (closed.delta, closed.pct) == (3, None)  # September closed nothing: no relative change


def test_breakdowns_of_new_cases(report: Any) -> None:
    def rows(name: str) -> list[tuple[str, int, Decimal | None]]:
        return [(s.key, s.count, s.share) for s in report.breakdowns[name].rows]

    # A C06; B C03+C09; C C07; D C07 → 5 category entries over 4 cases
    assert rows("category") == [("C07_REFUND", 2, D("50.00")), ("C03_BASE_DECL", 1, D("25.00")),
                                ("C06_LATE_FEE", 1, D("25.00")), ("C09_COLLECT_AUDIT_ARREARS", 1, D("25.00"))]
    assert [(s.key, s.share) for s in report.top_issues] == [("C07_REFUND", D("50.00")), ("C03_BASE_DECL", D("25.00")),
                                                             ("C06_LATE_FEE", D("25.00"))]
    assert rows("group") == [("个人", 2, D("50.00")), ("单位", 1, D("25.00")), ("灵活就业", 1, D("25.00"))]
    assert rows("channel") == [("窗口来访", 1, D("25.00")), ("12345热线", 1, D("25.00")), ("信访", 1, D("25.00")),
                               ("舆情监测", 1, D("25.00"))]
    assert rows("jurisdiction") == [("偏关县新关镇", 2, D("50.00")), ("偏关县天峰坪镇", 1, D("25.00")),
                                    ("偏关县老营镇", 1, D("25.00"))]
    assert rows("route") == [("本单位", 2, D("50.00")), ("一般", 1, D("25.00")), ("重大疑难", 1, D("25.00"))]
    assert rows("risk") == [("低", 2, D("50.00")), ("中", 1, D("25.00")), ("高", 1, D("25.00"))]
    assert rows("lead_dept") == [("SW", 3, D("75.00")), ("YBJ", 1, D("25.00"))]
    assert report.breakdowns["lead_dept"].rows[0].label == "县税务局"


def test_timeliness(report: Any) -> None:
    # Limits due in October (✓ met by the due date, ✗ not):
    #   税务 (receiving/coordinating): A register ✓ triage ✓ direct ✓ follow-up ✓; B register ✓ triage ✓;
    #        C register ✓ triage ✗ (due 10-15, done 10-19) 专案报批 ✗ (due 10-22, open); D register ✓ triage ✓;
    #        F follow-up ✓ (due 10-14, done 10-10)                                  → 12 due, 10 met
    #   人社: B opinion ✗ (due 10-20, given 10-22)                                   → 1 due, 0 met
    # Steps completed in October and their days (done − start):
    #   税务: 0,0 (A reg, triage) 2 (A direct) 2 (A 办理总时限) 6 (A follow-up) 0,0 (B) 0,5 (C) 0,0 (D)
    #         17 (F follow-up 09-23→10-10) 18 (F 救济核查 10-10→10-28)              → 13 steps, 50 days
    #   人社: 9 (B opinion 10-13→10-22)
    by = {t.key: t for t in report.timeliness_by_dept}
    sw, rsj = by["SW"], by["RSJ"]
    assert (sw.due, sw.on_time, sw.late, sw.rate) == (12, 10, 2, D("83.33"))
    assert (sw.done, sw.mean_days, sw.median_days) == (13, D("3.8"), D("0.0"))  # 50/13 = 3.85; median of 7 zeros first
    assert (rsj.due, rsj.on_time, rsj.rate, rsj.done, rsj.mean_days) == (1, 0, D("0.00"), 1, D("9.0"))
    assert set(by) == {"SW", "RSJ"}  # B's decision (11-05) and D's direct handling (due 11-02) are outside October
    o = report.timeliness_overall
    assert (o.due, o.on_time, o.rate, o.done, o.mean_days) == (13, 10, D("76.92"), 14, D("4.2"))
    assert o.median_days == D("1.0")  # 14 values: seven 0s, then 2 → (0 + 2) / 2
    assert report.figures.step_on_time_rate == D("76.92")
    # 按时办结率 is over cases: A, E, F closed in October, each served its result within 办理总时限
    f = report.figures
    assert (f.closed_assessed, f.closed_on_time, f.on_time_rate) == (3, 3, D("100.00"))
    steps = {t.key: (t.due, t.on_time, t.done, t.mean_days, t.median_days) for t in report.timeliness_by_step}
    assert steps["register"] == (4, 4, 4, D("0.0"), D("0.0"))
    assert steps["triage"] == (4, 3, 4, D("1.3"), D("0.0"))  # 5/4 = 1.25 → 1.3 (half up)
    assert steps["direct"] == (1, 1, 1, D("2.0"), D("2.0"))
    assert steps["opinion"] == (1, 0, 1, D("9.0"), D("9.0"))
    assert steps["special_approval"] == (1, 0, 0, None, None)
    assert steps["followup"] == (2, 2, 2, D("11.5"), D("11.5"))  # 6 and 17
    assert steps["hard_ceiling"] == (0, 0, 1, D("2.0"), D("2.0"))
    assert steps["remedy_check"] == (0, 0, 1, D("18.0"), D("18.0"))
    assert "e1_pay" not in steps and "e2_pay" not in steps  # the payer's pay-by dates are not office limits


def test_followup_remedies_enforcement_trend(report: Any) -> None:
    s = report.satisfaction  # A 满意 (10-20), F 不满意 with an objection (10-10)
    assert (s.total, s.counts, s.rate, s.objections) == (2, {"满意": 1, "基本满意": 0, "不满意": 1}, D("50.00"), 1)
    r = report.remedies  # F: 复议 filed 10-10, concluded 10-28
    assert r.filed["复议"] == 1 and r.filed_total == 1
    assert r.concluded == {"复议：维持原处理意见": 1} and r.pending_end == 0
    e = report.enforcement  # E: E1 09-16 (September), E2 10-09, paid 10-20: 10,000.00 + 35 days × 0.05% = 175.00
    assert (e.started, e.steps, e.completed, e.outcomes) == (0, {"E2": 1, "E_DONE": 1}, 1, {"足额缴纳": 1})
    assert (e.principal, e.collected, e.late_fees, e.in_progress_end) == (D("10000.00"), D("10175.00"),
                                                                         D("175.00"), 0)
    assert [p.month for p in report.trend] == [f"2025-{m:02d}" for m in (11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)]
    assert [(p.new, p.closed) for p in report.trend][-2:] == [(2, 0), (4, 3)]
    assert sum(p.new for p in report.trend) == 6  # G (2025-10) is outside the 12 months


def test_risks_at_month_end(report: Any, october: tuple[Any, dict[str, str]]) -> None:
    _, ids = october
    got = [(w.rule, w.case_id) for w in report.risks]
    assert got == [
        ("OVERDUE", ids["C"]), ("MASS", ids["B"]), ("PUBLIC_OPINION", ids["D"]),  # high
        ("REPEAT", ids["C"]), ("LARGE_AMOUNT", ids["C"]), ("STUCK", ids["C"]),  # medium
        ("DUE_SOON", ids["D"]),  # low: 直接办理 due 11-02, two days after 10-31
    ]
    msg = {w.rule: w.message for w in report.risks}
    assert "已超期9天" in msg["OVERDUE"]
    assert "12天" in msg["STUCK"] and "专案报批" in msg["STUCK"]
    assert "代表17名职工" in msg["MASS"]
    assert "剩2天" in msg["DUE_SOON"] and "县医保局" in msg["DUE_SOON"]


def test_narrative_is_written_from_the_figures(report: Any) -> None:
    text = "\n".join(p for _, ps in report.sections for p in ps)
    assert next(h for h, _ in report.sections) == "一、总体情况"
    for needle in ("共受理社会保险费征缴争议案件4件，环比增加2件（增长100%），同比增加3件（增长300%）",
                   "办结3件", "月末在办3件，其中超期在办1件", "按时办结率100%", "环节按期完成率76.92%",
                   "退(抵)费类2件，占比50%", "缴费基数申报类1件，占比25%", "满意率50%",
                   "实际缴纳入库1.02万元", "计算滞纳金175.00元", "触发风险预警7条，涉及3件案件",
                   "环节按期完成率最低的是县人社局（0%）"):
        assert needle in text, needle


def test_as_dict_is_json(report: Any) -> None:
    data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert data["month"] == "2026-10" and data["figures"]["new"] == 4
    assert data["enforcement"]["collected"] == "10175.00"
    assert data["risks"][0]["rule"] == "OVERDUE" and data["sections"][0]["heading"] == "一、总体情况"


def test_percent_rounds_half_up_and_never_divides_by_zero() -> None:
    assert percent(694, 1034) == D("67.12")  # the seed's 发票类 example, rounded half up
    assert percent(1, 8) == D("12.50") and percent(1, 3) == D("33.33") and percent(2, 3) == D("66.67")
    assert percent(0, 0) is None and percent(3, 0) is None


def test_empty_month_says_so(october: tuple[Any, dict[str, str]]) -> None:
    ws, _ = october
    rep = monthly_report(ws, "2026-06", TODAY.date())
    assert rep.empty
    f = rep.figures
    assert (f.new, f.closed, f.open_end, f.on_time_rate, f.satisfaction_rate) == (0, 0, 0, None, None)
    assert rep.top_issues == [] and rep.risks == [] and rep.timeliness_overall.rate is None
    assert all(b.rows == [] for b in rep.breakdowns.values())
    assert "未受理社会保险费征缴争议案件" in rep.sections[0][1][0]


def test_running_month_counts_up_to_today(october: tuple[Any, dict[str, str]]) -> None:
    ws, _ = october
    rep = monthly_report(ws, "2026-11", TODAY.date())
    assert not rep.complete and rep.as_of == date(2026, 11, 22)
    assert rep.figures.new == 0 and rep.figures.closed == 0
    # Limits due 11-01…11-22: B joint decision (11-03, met 11-05 ✗), B notify (11-12, open ✗), D direct
    # (11-02, open ✗), 立卷归档 of A (11-19 ✗) and E (11-20 ✗); 办理总时限 of E (11-06) and F (11-20) were met
    # in September ✓. F's 立卷归档 (11-27) is not due yet. Completed in November: B joint decision, 23 days.
    t = rep.timeliness_overall
    assert (t.due, t.on_time, t.rate, t.done, t.mean_days) == (7, 2, D("28.57"), 1, D("23.0"))
    assert "截至2026年11月22日" in rep.sections[0][1][0]


def test_future_month_is_refused(october: tuple[Any, dict[str, str]]) -> None:
    ws, _ = october
    with pytest.raises(FutureMonth) as err:
        monthly_report(ws, "2026-12", TODAY.date())
    assert err.value.exit_code == 1 and "尚未开始" in err.value.message


def test_missing_optional_data(ws: Any, now: datetime) -> None:
    """A case never triaged: no class, no risk, no lead department, no follow-up, no amounts."""
    from reports.dataset import register

    register(ws, "2026-11-03 09:00", periods=["202609"], categories=["C10"], amounts={},
             applicant={"kind": "person", "name": "周建华"}, counterparty=None)
    rep = monthly_report(ws, "2026-11", now.date())
    assert rep.figures.new == 1
    assert [(s.key, s.label) for s in rep.breakdowns["risk"].rows] == [("未填写", "未定级")]
    assert [(s.key, s.label) for s in rep.breakdowns["route"].rows] == [("未填写", "未分类")]
    assert [(s.key, s.label) for s in rep.breakdowns["lead_dept"].rows] == [("未填写", "未确定")]
    assert rep.satisfaction.total == 0 and rep.satisfaction.rate is None
    from casefile.reports.monthly_docx import write_report_docx

    out = write_report_docx(rep, Path(ws.root) / "out" / "r.docx")
    assert out.path.is_file()
