"""The figures of the monthly analysis (综合分析, D30; docs/domain.md §3), computed from the catalog.

One function, :func:`monthly_report`, returns one :class:`MonthlyReport`; the CLI, the .docx, the
.xlsx and any later web page all read that object. Everything is SQL over the derived catalog
(``indexes/catalog.sqlite``); no dossier is opened. Time is a parameter: ``today`` decides whether
the month is complete (figures as of its last day) or still running (figures as of today).

Definitions (printed in the report so a reader can check them):

* 新受理 = cases received in the month; 办结 = cases closed in the month (including 告知另行办理).
* 在办 = cases received by, and not closed on, the cut-off day; 超期在办 = those of them with an office
  time limit that lapsed before the cut-off day and was not met by it.
* A case reopened as a new version (after archiving) is one case: it counts as received once, in
  the month of its first receipt (the later versions carry the same 来访时间 and are not new), and
  as closed once, when its newest version closes.
* 按时办结率 = of the cases closed in the month (告知另行办理 aside), the share whose handling limit
  (办理总时限, or the 信访 limit; extensions granted included) was met: the written result served by
  it, or the case closed by it where no result was served.
* 环节按期完成率 = of the office time limits falling due in the month, the share met by their due date
  (limits due on the cut-off day of a running month are not counted yet). The payer's pay-by dates
  and statutory waiting periods are not office limits.
* 办理天数 = completion date − start date of each step completed in the month (calendar days).
* Breakdowns are over the month's new cases; a case in several categories counts in each, so
  category shares may add up to more than 100%.
* 满意率 = (满意 + 基本满意) ÷ follow-ups made in the month.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from typing import TYPE_CHECKING, Any

from casefile.models.enums import (
    CATEGORY_LABELS,
    CaseClass,
    Category,
    Channel,
    EnforcementStep,
    PayerGroup,
    RemedyKind,
    Risk,
    Satisfaction,
)
from casefile.reports.period import Month, parse_month
from casefile.reports.risks import (
    NOT_OFFICE_STEPS,
    OPEN_AT_SQL,
    PARTY_DEPT,
    RiskWarning,
    Thresholds,
    risks_as_of,
    tune,
)

if TYPE_CHECKING:
    from casefile.config import Workspace

__all__ = [
    "Breakdown", "Change", "EnforcementFigures", "MonthlyReport", "PeriodFigures", "RemedyFigures",
    "SatisfactionFigures", "Share", "Timeliness", "TrendPoint", "monthly_report", "percent",
]

HUNDRED = Decimal(100)
UNSET = "未填写"


def percent(part: int, whole: int) -> Decimal | None:
    """``part / whole`` in per cent, 2 decimals, half up (694/1034 → 67.12); ``None`` when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _one_decimal(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _money(text: Any) -> Decimal:
    try:
        return Decimal(str(text)).quantize(Decimal("0.01")) if text not in (None, "") else Decimal("0.00")
    except InvalidOperation:
        return Decimal("0.00")


# -- result objects ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Share:
    key: str
    label: str
    count: int
    share: Decimal | None  # per cent of the breakdown's base


@dataclass(frozen=True)
class Breakdown:
    name: str  # stable key: category, group, channel, jurisdiction, route, risk, lead_dept
    title: str  # 按争议事项
    base: int  # what the shares are of (the month's new cases)
    rows: list[Share]
    note: str = ""

    def top(self, n: int) -> list[Share]:
        return [r for r in self.rows if r.count > 0][:n]


@dataclass(frozen=True)
class Change:
    current: int | Decimal | None
    previous: int | Decimal | None
    delta: int | Decimal | None
    pct: Decimal | None  # relative change in per cent; None when previous is 0 or missing


@dataclass(frozen=True)
class PeriodFigures:
    month: str
    as_of: date
    new: int
    closed: int
    redirected: int
    open_start: int
    open_end: int
    overdue_end: int
    on_time_rate: Decimal | None  # cases closed within their handling limit ÷ cases closed
    satisfaction_rate: Decimal | None
    closed_assessed: int = 0
    closed_on_time: int = 0
    step_on_time_rate: Decimal | None = None  # office limits met ÷ office limits due in the month


@dataclass(frozen=True)
class Timeliness:
    key: str
    label: str
    due: int  # limits falling due in the month (assessed)
    on_time: int
    late: int  # met late or still unmet
    rate: Decimal | None
    done: int  # steps completed in the month
    mean_days: Decimal | None
    median_days: Decimal | None


@dataclass(frozen=True)
class SatisfactionFigures:
    total: int
    counts: dict[str, int]
    rate: Decimal | None
    objections: int


@dataclass(frozen=True)
class RemedyFigures:
    filed: dict[str, int]
    concluded: dict[str, int]  # outcome -> count
    pending_end: int

    @property
    def filed_total(self) -> int:
        return sum(self.filed.values())

    @property
    def concluded_total(self) -> int:
        return sum(self.concluded.values())


@dataclass(frozen=True)
class EnforcementFigures:
    started: int
    steps: dict[str, int]  # step code -> times entered in the month
    completed: int
    outcomes: dict[str, int]
    principal: Decimal  # arrears of the cases completed in the month
    collected: Decimal
    late_fees: Decimal
    in_progress_end: int


@dataclass(frozen=True)
class TrendPoint:
    month: str
    label: str
    new: int
    closed: int


@dataclass
class MonthlyReport:
    """Every figure of the 月度综合分析报告 for one month. Money is ``Decimal``, shares are per cent."""

    office: str
    issuer: str  # 署名: the leading group's (joint meeting's) office
    addressee: str  # 主送
    month: Month
    as_of: date
    today: date
    complete: bool
    figures: PeriodFigures
    previous: PeriodFigures
    last_year: PeriodFigures
    breakdowns: dict[str, Breakdown]
    top_issues: list[Share]
    timeliness_overall: Timeliness
    timeliness_by_dept: list[Timeliness]
    timeliness_by_step: list[Timeliness]
    satisfaction: SatisfactionFigures
    remedies: RemedyFigures
    enforcement: EnforcementFigures
    trend: list[TrendPoint]
    risks: list[RiskWarning]
    thresholds: Thresholds
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # narrative, filled last

    @property
    def empty(self) -> bool:
        """Nothing happened in the month and nothing was pending: the report says so."""
        f = self.figures
        return not (f.new or f.closed or f.open_end or self.satisfaction.total or self.remedies.filed_total
                    or self.enforcement.steps or self.timeliness_overall.due)

    @property
    def title(self) -> str:
        return f"{self.month.label}社会保险费征缴争议综合分析报告"

    def change(self, attr: str, against: str = "previous") -> Change:
        cur = getattr(self.figures, attr)
        prev = getattr(getattr(self, against), attr)
        if cur is None or prev is None:
            return Change(cur, prev, None, None)
        delta = cur - prev
        pct = percent(int(delta), int(prev)) if isinstance(prev, int) and not isinstance(prev, bool) else None
        return Change(cur, prev, delta, pct)

    def risk_counts(self) -> dict[str, int]:
        return dict(Counter(w.rule for w in self.risks))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (Decimal → str, dates → ISO); stable keys for scripts and a web page."""
        out = _plain({k: getattr(self, k) for k in self.__dataclass_fields__ if k not in ("month", "risks")})
        out["month"] = self.month.key
        out["month_label"] = self.month.label
        out["title"] = self.title
        out["empty"] = self.empty
        out["risks"] = [w.as_dict() for w in self.risks]
        out["sections"] = [{"heading": h, "paragraphs": ps} for h, ps in self.sections]
        return out


def _plain(obj: Any) -> Any:
    if isinstance(obj, Month):
        return obj.key
    if is_dataclass(obj) and not isinstance(obj, type):
        return {k: _plain(v) for k, v in asdict(obj).items()}
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return obj.value
    return obj


# -- computing ----------------------------------------------------------------------------------------
class _Figures:
    """Queries for one cut-off; all dates are ISO strings compared as text (the catalog stores them so)."""

    def __init__(self, con: sqlite3.Connection, month: Month, as_of: date, complete: bool) -> None:
        self.con = con
        self.month = month
        self.as_of = as_of
        self.complete = complete
        # Timestamps (ISO text, local time) are compared as ``start <= at < after`` so their indexes apply.
        self.p = {"start": month.start.isoformat(), "as_of": as_of.isoformat(),
                  "after": (as_of + timedelta(days=1)).isoformat()}

    def scalar(self, sql: str, **extra: Any) -> int:
        return int(self.con.execute(sql, {**self.p, **extra}).fetchone()[0] or 0)

    def period(self, on_time: tuple[int, int] | None = None) -> PeriodFigures:
        """The headline counts; ``on_time`` = (limits assessed, met) when already counted, else SQL counts them."""
        overdue = self.scalar(
            f"SELECT COUNT(*) FROM cases c WHERE {OPEN_AT_SQL} AND EXISTS (SELECT 1 FROM deadlines d "
            f"WHERE d.case_id = c.id AND {_office_deadline('d')} AND d.due < :as_of "
            "AND (d.done_at IS NULL OR d.done_at > :as_of))"
        )
        sat = self.satisfaction()
        due, met = on_time if on_time is not None else self.on_time()
        assessed, in_time = self.closed_in_time()
        return PeriodFigures(
            month=self.month.key, as_of=self.as_of,
            new=self.scalar(f"SELECT COUNT(*) FROM cases WHERE received_date BETWEEN :start AND :as_of AND {FIRST}"),
            closed=self.scalar(f"SELECT COUNT(*) FROM cases c WHERE closed_date BETWEEN :start AND :as_of AND {NEWEST}"),
            redirected=self.scalar(
                "SELECT COUNT(*) FROM cases WHERE closed_date BETWEEN :start AND :as_of AND state = 'REDIRECTED'"),
            open_start=self.scalar(
                "SELECT COUNT(*) FROM cases c WHERE (c.closed_date IS NULL OR c.closed_date >= :start) "
                "AND +c.received_date < :start AND c.state != 'REDIRECTED'"),
            open_end=self.scalar(f"SELECT COUNT(*) FROM cases c WHERE {OPEN_AT_SQL}"),
            overdue_end=overdue,
            on_time_rate=percent(in_time, assessed),
            satisfaction_rate=sat.rate,
            closed_assessed=assessed, closed_on_time=in_time,
            step_on_time_rate=percent(met, due),
        )

    def closed_in_time(self) -> tuple[int, int]:
        """(cases closed in the month with a handling limit, those closed by it)."""
        row = self.con.execute(
            # the handling limit ends when the written result is served (notify closes it); a case closed
            # without that step is measured by its closing date
            "SELECT COUNT(*), COALESCE(SUM(COALESCE(lim.done, c.closed_date) <= lim.due), 0) FROM cases c JOIN "
            "(SELECT case_id, MAX(due) AS due, MAX(done_at) AS done FROM deadlines "
            " WHERE step IN ('hard_ceiling', 'petition_handling') GROUP BY case_id) lim ON lim.case_id = c.id "
            f"WHERE c.closed_date BETWEEN :start AND :as_of AND c.state != 'REDIRECTED' AND {NEWEST}",
            self.p).fetchone()
        return int(row[0]), int(row[1])

    # -- breakdowns of the month's new cases
    def breakdown(self, name: str, title: str, column: str, labels: Mapping[str, str], order: Iterable[str],
                  base: int, note: str = "") -> Breakdown:
        if name == "category":
            sql = ("SELECT k.category AS key, COUNT(*) AS n FROM case_categories k JOIN cases c ON c.id = k.case_id "
                   f"WHERE c.received_date BETWEEN :start AND :as_of AND {FIRST_C} GROUP BY k.category")
        else:
            sql = (f"SELECT {column} AS key, COUNT(*) AS n FROM cases WHERE received_date BETWEEN :start AND :as_of "
                   f"AND {FIRST} GROUP BY {column}")
        counts = {(r["key"] if r["key"] not in (None, "") else UNSET): int(r["n"])
                  for r in self.con.execute(sql, self.p)}
        rank = {k: i for i, k in enumerate(order)}
        keys = sorted(counts, key=lambda k: (-counts[k], rank.get(k, len(rank)), k))
        rows = [Share(k, labels.get(k, k), counts[k], percent(counts[k], base)) for k in keys]
        return Breakdown(name, title, base, rows, note)

    # -- time limits
    def deadline_rows(self) -> list[sqlite3.Row]:
        return self.con.execute(
            f"SELECT d.step, d.label, {RESPONSIBLE_DEPT} AS dept, d.start, d.due, "
            "d.done_at FROM deadlines d JOIN cases c ON c.id = d.case_id "
            f"WHERE {_office_deadline('d')} AND (d.due BETWEEN :start AND :as_of OR d.done_at BETWEEN :start AND :as_of)",
            self.p,
        ).fetchall()

    def on_time(self) -> tuple[int, int]:
        """(limits assessed, limits met) in SQL, for the comparison months (same rules as :meth:`timeliness`)."""
        row = self.con.execute(
            "SELECT COUNT(*), COALESCE(SUM(d.done_at IS NOT NULL AND d.done_at <= :as_of AND d.done_at <= d.due), 0) "
            f"FROM deadlines d WHERE {_office_deadline('d')} AND d.due BETWEEN :start AND :as_of "
            "AND NOT (:running AND (d.done_at IS NULL OR d.done_at > :as_of) AND d.due >= :as_of)",
            {**self.p, "running": int(not self.complete)},
        ).fetchone()
        return int(row[0]), int(row[1])

    def timeliness(self, groupings: Mapping[str, Callable[[sqlite3.Row], str]],
                   rows: list[sqlite3.Row] | None = None) -> dict[str, dict[str, Timeliness]]:
        """One pass over the month's limits, counted under each grouping (e.g. by department, by step)."""
        start, as_of = self.p["start"], self.p["as_of"]
        due_n: dict[str, Counter[str]] = {g: Counter() for g in groupings}
        on_time: dict[str, Counter[str]] = {g: Counter() for g in groupings}
        days: dict[str, dict[str, list[int]]] = {g: defaultdict(list) for g in groupings}
        for r in rows if rows is not None else self.deadline_rows():
            done = r["done_at"] if r["done_at"] and r["done_at"] <= as_of else None
            assessed = start <= r["due"] <= as_of and not (done is None and r["due"] >= as_of and not self.complete)
            met = assessed and done is not None and done <= r["due"]
            took = (date.fromisoformat(done) - date.fromisoformat(r["start"])).days \
                if done is not None and done >= start else None
            for g, key in groupings.items():
                k = key(r)
                if assessed:
                    due_n[g][k] += 1
                    on_time[g][k] += met
                if took is not None:
                    days[g][k].append(took)
        out: dict[str, dict[str, Timeliness]] = {}
        for g in groupings:
            out[g] = {}
            for k in sorted(set(due_n[g]) | set(days[g])):
                d = days[g].get(k, [])
                n, ok = due_n[g][k], on_time[g][k]
                out[g][k] = Timeliness(
                    key=k, label=k, due=n, on_time=ok, late=n - ok, rate=percent(ok, n), done=len(d),
                    mean_days=_one_decimal(statistics.fmean(d)) if d else None,
                    median_days=_one_decimal(float(statistics.median(d))) if d else None,
                )
        return out

    # -- follow-ups, remedies, enforcement
    def satisfaction(self) -> SatisfactionFigures:
        rows = self.con.execute(
            "SELECT satisfaction, COUNT(*) AS n, SUM(objection) AS obj FROM followups "
            "WHERE at >= :start AND at < :after GROUP BY satisfaction", self.p,
        ).fetchall()
        counts = {s.value: 0 for s in Satisfaction}
        objections = 0
        for r in rows:
            counts[r["satisfaction"]] = int(r["n"])
            objections += int(r["obj"] or 0)
        total = sum(counts.values())
        good = counts.get(Satisfaction.SATISFIED.value, 0) + counts.get(Satisfaction.BASIC.value, 0)
        return SatisfactionFigures(total=total, counts=counts, rate=percent(good, total), objections=objections)

    def remedies(self) -> RemedyFigures:
        filed = {k.value: 0 for k in RemedyKind}
        for r in self.con.execute("SELECT kind, COUNT(*) AS n FROM remedies WHERE filed_at BETWEEN :start AND :as_of "
                                  "GROUP BY kind", self.p):
            filed[r["kind"]] = int(r["n"])
        concluded: dict[str, int] = {}
        for r in self.con.execute(
            "SELECT kind, COALESCE(NULLIF(outcome, ''), '未登记结果') AS outcome, COUNT(*) AS n FROM remedies "
            "WHERE closed_at BETWEEN :start AND :as_of GROUP BY kind, outcome ORDER BY n DESC, kind", self.p,
        ):
            concluded[f"{r['kind']}：{r['outcome']}"] = int(r["n"])
        pending = self.scalar("SELECT COUNT(*) FROM remedies WHERE filed_at <= :as_of "
                              "AND (closed_at IS NULL OR closed_at > :as_of)")
        return RemedyFigures(filed=filed, concluded=concluded, pending_end=pending)

    def enforcement(self) -> EnforcementFigures:
        """From the enforcement events (E1 opens a case's enforcement, E_DONE records payment or execution)."""
        steps: dict[str, int] = {}
        for r in self.con.execute(
            "SELECT step, COUNT(*) AS n FROM enforcement_events WHERE at >= :start AND at < :after GROUP BY step", self.p,
        ):
            steps[r["step"]] = int(r["n"])
        order = {s.value: i for i, s in enumerate(EnforcementStep)}
        steps = dict(sorted(steps.items(), key=lambda kv: order.get(kv[0], 99)))
        done = self.con.execute(
            "SELECT c.enforcement_outcome, c.enforcement_owed, c.collected, c.late_fee_total FROM enforcement_events e "
            "JOIN cases c ON c.id = e.case_id WHERE e.step = 'E_DONE' AND e.at >= :start AND e.at < :after", self.p,
        ).fetchall()
        outcomes = Counter((r["enforcement_outcome"] or "未登记结果") for r in done)
        return EnforcementFigures(
            started=steps.get(EnforcementStep.E1.value, 0),
            steps=steps, completed=len(done), outcomes=dict(outcomes.most_common()),
            principal=sum((_money(r["enforcement_owed"]) for r in done), Decimal("0.00")),
            collected=sum((_money(r["collected"]) for r in done), Decimal("0.00")),
            late_fees=sum((_money(r["late_fee_total"]) for r in done), Decimal("0.00")),
            in_progress_end=self.scalar(
                "SELECT COUNT(DISTINCT e.case_id) FROM enforcement_events e JOIN cases c ON c.id = e.case_id "
                "WHERE e.step = 'E1' AND e.at < :after AND (c.closed_date IS NULL OR c.closed_date > :as_of) "
                "AND NOT EXISTS (SELECT 1 FROM enforcement_events x WHERE x.case_id = e.case_id "
                "AND x.step = 'E_DONE' AND x.at < :after AND x.at >= e.at)"),
        )

    def trend(self, months: int = 12) -> list[TrendPoint]:
        first = self.month.shift(-(months - 1))
        p = {"first": first.start.isoformat(), "as_of": self.p["as_of"]}
        new = {r[0]: int(r[1]) for r in self.con.execute(
            "SELECT substr(received_date, 1, 7), COUNT(*) FROM cases WHERE received_date BETWEEN :first AND :as_of "
            f"AND {FIRST} GROUP BY 1", p)}
        closed = {r[0]: int(r[1]) for r in self.con.execute(
            "SELECT substr(closed_date, 1, 7), COUNT(*) FROM cases c WHERE closed_date BETWEEN :first AND :as_of "
            f"AND {NEWEST} GROUP BY 1", p)}
        points = []
        for i in range(months):
            m = first.shift(i)
            label = m.short_label if i and m.month != 1 else m.label
            points.append(TrendPoint(m.key, label, new.get(m.key, 0), closed.get(m.key, 0)))
        return points


# Who answers for a step: its own department; registering and triage fall to the receiving department
# (首问负责); every other procedural step to the coordinating department (受理/牵头部门, 综治中心).
RESPONSIBLE_DEPT = ("CASE WHEN d.dept IS NOT NULL THEN d.dept WHEN d.step IN ('register', 'triage') THEN c.intake_dept "
                    "ELSE COALESCE(c.coordinator_dept, c.intake_dept) END")


# a reopened case's later versions are not new cases; its earlier (superseded) versions are not closures
FIRST = "reopened_from IS NULL"
FIRST_C = "c.reopened_from IS NULL"
NEWEST = "NOT EXISTS (SELECT 1 FROM cases v WHERE v.reopened_from = c.id)"


# a department's report to the 综治中心 is on the 台账 but is not a step of handling the case
NOT_HANDLING_STEPS = ("center_report",)


def _office_deadline(alias: str) -> str:
    steps = ", ".join(f"'{s}'" for s in (*NOT_OFFICE_STEPS, *NOT_HANDLING_STEPS))
    return f"{alias}.step NOT IN ({steps}) AND COALESCE({alias}.dept, '') != '{PARTY_DEPT}'"


def _cut(month: Month, today: date) -> tuple[date, bool]:
    as_of = month.as_of(today)
    return as_of, as_of == month.end


def monthly_report(ws: Workspace, month: Month | str, today: date, *, trend_months: int = 12) -> MonthlyReport:
    """All figures of the monthly analysis for ``month`` as known on ``today``.

    Raises :class:`~casefile.errors.UsageError` for a malformed month and
    :class:`~casefile.reports.period.FutureMonth` for a month that has not begun.
    """
    from casefile import catalog

    m = parse_month(month) if isinstance(month, str) else month
    as_of, complete = _cut(m, today)
    settings = ws.settings
    dept = settings.dept_name
    with catalog.connect(ws) as con:
        tune(con)
        q = _Figures(con, m, as_of, complete)
        rows = q.deadline_rows()
        grouped = q.timeliness({"all": lambda r: "all", "dept": lambda r: r["dept"] or UNSET,
                                "step": lambda r: r["step"]}, rows)
        overall = grouped["all"].get("all") or Timeliness("all", "合计", 0, 0, 0, None, 0, None, None)
        figures = q.period((overall.due, overall.on_time))
        prev_m, ly_m = m.previous(), m.same_month_last_year()
        previous = _Figures(con, prev_m, prev_m.end, True).period()
        last_year = _Figures(con, ly_m, ly_m.end, True).period()
        base = figures.new
        cat_labels = {c.value: f"{c.short} {CATEGORY_LABELS[c]}" for c in Category}
        class_labels = {c.value: c.value for c in CaseClass} | {UNSET: "未分类"}
        risk_labels = {r.value: f"{r.value}风险" for r in Risk} | {UNSET: "未定级"}
        depts = [d.code for d in settings.departments]
        dept_labels = {d.code: d.name for d in settings.departments} | {UNSET: "未确定"}
        places = [p.name for p in settings.jurisdictions]
        breakdowns = {
            b.name: b for b in (
                q.breakdown("category", "按争议事项", "", cat_labels, [c.value for c in Category], base,
                            "一案涉及多类争议事项的，分别计入各类，占比合计可能超过100%。"),
                q.breakdown("group", "按争议群体", "payer_group", {}, [g.value for g in PayerGroup], base),
                q.breakdown("channel", "按受理渠道", "channel", {}, [c.value for c in Channel], base),
                q.breakdown("jurisdiction", "按事项所在辖区", "jurisdiction", {}, places, base),
                q.breakdown("route", "按事项类别（分流）", "case_class", class_labels, [c.value for c in CaseClass], base),
                q.breakdown("risk", "按风险等级", "risk", risk_labels, [r.value for r in Risk], base),
                q.breakdown("lead_dept", "按主办部门", "lead_dept", dept_labels, depts, base),
            )
        }
        by_dept = [replace(t, label=dept_labels.get(t.key) or dept(t.key)) for t in grouped["dept"].values()]
        by_step = [replace(t, label=_step_label(settings, t.key)) for t in grouped["step"].values()]
        rank = {code: i for i, code in enumerate(depts)}
        by_dept.sort(key=lambda t: (rank.get(t.key, len(rank)), t.key))
        step_rank = {s: i for i, s in enumerate(_step_order())}
        by_step.sort(key=lambda t: (step_rank.get(t.key, len(step_rank)), t.key))
        thresholds = Thresholds.of(ws)
        report = MonthlyReport(
            office=settings.office.name,
            issuer=settings.office.leading_group_office or settings.office.name,
            addressee="联席会议各成员单位" if settings.profile == "pianguan" else "领导小组各成员单位",
            month=m, as_of=as_of, today=today, complete=complete,
            figures=figures, previous=previous, last_year=last_year,
            breakdowns=breakdowns, top_issues=breakdowns["category"].top(3),
            timeliness_overall=replace(overall, label="合计"),
            timeliness_by_dept=by_dept, timeliness_by_step=by_step,
            satisfaction=q.satisfaction(), remedies=q.remedies(), enforcement=q.enforcement(),
            trend=q.trend(trend_months),
            risks=risks_as_of(con, thresholds, as_of, dept_name=dept),
            thresholds=thresholds,
        )
    from casefile.reports.narrative import write_sections

    report.sections = write_sections(report)
    return report


def _step_order() -> list[str]:
    from casefile.settings import DEFAULT_LIMITS

    return list(DEFAULT_LIMITS)


def _step_label(settings: Any, step: str) -> str:
    try:
        return str(settings.limit(step).label)
    except KeyError:
        return step
