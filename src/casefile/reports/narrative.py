"""The report's prose, written from the figures (no number is typed by hand).

:func:`write_sections` returns ``[(heading, [paragraph, ...]), ...]`` in the order of the D30 report;
the .docx prints them, a web page can show them as they are.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

from casefile.models.enums import CATEGORY_LABELS, ENFORCEMENT_LABELS, Category, EnforcementStep, Flag
from casefile.rules.dates import date_cn

if TYPE_CHECKING:
    from casefile.reports.stats import Breakdown, Change, MonthlyReport, Share

__all__ = ["DEFINITIONS", "ORDINALS", "fmt_money", "fmt_pct", "write_sections"]

DEFINITIONS = [
    "新受理指当月登记受理的案件；办结指当月办结的案件（含告知另行办理）。重新办理的案件另起新版本的，"
    "只在首次受理的月份计为新受理一次，办结也只计最新版本一次。",
    "在办指截至统计日已受理、尚未办结的案件；超期在办指其中有办理环节已过期限仍未完成的案件。",
    "按时办结率＝当月办结的案件中在办理时限内（含经批准的延期）书面反馈处理结果的件数÷当月办结的件数（告知另行办理不计入）。",
    "环节按期完成率＝当月到期的办理环节中按期完成的数量÷当月到期的办理环节数（缴费人缴款期限、法定等待期不计入）。",
    "办理天数＝环节完成日期－环节起算日期（自然日），按当月完成的环节统计。",
    "分类统计以当月新受理案件为基数；一案涉及多类争议事项的分别计入，占比合计可能超过100%。",
    "满意率＝（满意＋基本满意）÷当月回访人次。",
]

ORDINALS = "一二三四五六七八九十"


def fmt_pct(value: Decimal | None) -> str:
    """``12.5%``, ``200%`` (no trailing zeros, as a report writes it); ``—`` when there is no base."""
    from casefile.rules.money import percent_report

    return percent_report(value) if value is not None else "—"


def fmt_money(value: Decimal) -> str:
    """``10万元``, ``18.68万元``, ``3,456.78元``."""
    from casefile.rules.money import money_report

    return money_report(value)


def fmt_days(value: Decimal | None) -> str:
    return f"{value}天" if value is not None else "—"


def _change(c: Change, word: str, unit: str = "件") -> str:
    if c.previous is None or c.delta is None:
        return ""
    if c.delta == 0:
        return f"{word}持平"
    grow = c.delta > 0
    amount = c.delta if grow else -c.delta
    text = f"{word}{'增加' if grow else '减少'}{amount}{unit}"
    if c.pct is not None:
        pct = c.pct if grow else -c.pct
        text += f"（{'增长' if grow else '下降'}{fmt_pct(pct)}）"
    elif c.previous == 0:
        text += f"（{'上月' if word == '环比' else '去年同月'}为0{unit}）"
    return text


def _list(rows: list[Share], limit: int = 6, unit: str = "件", *, categories: bool = False) -> str:
    name = (lambda r: f"{_category_name(r)}类") if categories else (lambda r: r.label)
    shown = [f"{name(r)}{r.count}{unit}（{fmt_pct(r.share)}）" for r in rows[:limit]]
    rest = rows[limit:]
    if rest:
        shown.append(f"其他{sum(r.count for r in rest)}{unit}")
    return "、".join(shown)


def _category_name(share: Share) -> str:
    try:
        return CATEGORY_LABELS[Category(share.key)]
    except ValueError:
        return share.label


def _nonzero(b: Breakdown) -> list[Share]:
    return [r for r in b.rows if r.count]


def write_sections(r: MonthlyReport) -> list[tuple[str, list[str]]]:
    sections = [
        ("总体情况", _overview(r)),
        ("争议事项分析", _issues(r)),
        ("争议群体、受理渠道与辖区分布", _groups(r)),
        ("调查处理情况", _handling(r)),
        ("跟踪回访与救济情况", _followup(r)),
        ("征缴执法情况", _enforcement(r)),
        ("风险预警情况", _risks(r)),
        ("工作建议", _advice(r)),
    ]
    return [(f"{ORDINALS[i]}、{h}", ps) for i, (h, ps) in enumerate(sections)]


def _period(r: MonthlyReport) -> str:
    return r.month.label if r.complete else f"{r.month.label}（截至{date_cn(r.as_of)}）"


def _overview(r: MonthlyReport) -> list[str]:
    f = r.figures
    mom, yoy = _change(r.change("new"), "环比"), _change(r.change("new", "last_year"), "同比")
    trend = "，".join(x for x in (mom, yoy) if x)
    if r.empty:
        return [f"{_period(r)}，未受理社会保险费征缴争议案件，无办结、在办、回访、救济及征缴执法事项。"
                f"上月受理{r.previous.new}件，去年同月受理{r.last_year.new}件。"]
    head = f"{_period(r)}，共受理社会保险费征缴争议案件{f.new}件" + (f"，{trend}" if trend else "") + "。"
    closed = f"办结{f.closed}件" + (f"（其中告知另行办理{f.redirected}件）" if f.redirected else "")
    closed += "，" + _change(r.change("closed"), "环比") if r.change("closed").delta is not None else ""
    body = (f"{closed}；上月结转在办{f.open_start}件，月末在办{f.open_end}件，其中超期在办{f.overdue_end}件"
            + (f"（上月末{r.previous.overdue_end}件）" if r.previous.overdue_end != f.overdue_end else "") + "。")
    t = r.timeliness_overall
    timely = ""
    if f.closed_assessed:
        timely = (f"本月办结的{f.closed_assessed}件案件中，{f.closed_on_time}件在办理时限内办结，按时办结率"
                  f"{fmt_pct(f.on_time_rate)}"
                  + (f"（上月{fmt_pct(r.previous.on_time_rate)}）" if r.previous.on_time_rate is not None else "")
                  + "。")
    if t.due:
        timely += f"本月到期的办理环节{t.due}个，按期完成{t.on_time}个，环节按期完成率{fmt_pct(t.rate)}。"
    else:
        timely += "本月无到期的办理环节。"
    if t.done:
        timely += f"本月完成办理环节{t.done}个，平均办理{fmt_days(t.mean_days)}，中位数{fmt_days(t.median_days)}。"
    return [head + body, timely]


def _issues(r: MonthlyReport) -> list[str]:
    if not r.figures.new:
        return ["本月无新受理案件，无争议事项分布。"]
    top = r.top_issues
    lead = "，".join(f"{_category_name(s)}类{s.count}件，占比{fmt_pct(s.share)}" for s in top)
    first = top[0]
    text = (f"从争议事项看，{lead}。其中{_category_name(first)}类争议最为集中，"
            f"是本月反映的主要问题。")
    rest = _nonzero(r.breakdowns["category"])[len(top):]
    if rest:
        text += "其余为" + _list(rest, 8, categories=True) + "。"
    return [text, r.breakdowns["category"].note]


def _groups(r: MonthlyReport) -> list[str]:
    if not r.figures.new:
        return ["本月无新受理案件。"]
    out = []
    for name, what in (("group", "争议群体"), ("channel", "受理渠道"), ("jurisdiction", "事项所在辖区")):
        rows = _nonzero(r.breakdowns[name])
        if rows:
            out.append(f"从{what}看，{_list(rows)}。")
    return out


def _handling(r: MonthlyReport) -> list[str]:
    out = []
    if r.figures.new:
        route = _nonzero(r.breakdowns["route"])
        risk = _nonzero(r.breakdowns["risk"])
        lead = _nonzero(r.breakdowns["lead_dept"])
        out.append(f"本月新受理案件按事项类别分流：{_list(route)}；按风险等级：{_list(risk)}。")
        if lead:
            out.append(f"按主办部门看，{_list(lead)}。")
    depts = [t for t in r.timeliness_by_dept if t.due]
    if depts:
        parts = [f"{t.label}到期{t.due}个、按期{t.on_time}个（{fmt_pct(t.rate)}）" for t in depts]
        text = "分部门看办理时效：" + "；".join(parts) + "。"
        late = [t for t in depts if t.late]
        if late:
            worst = min(late, key=lambda t: (t.rate or Decimal(0), -t.late))
            text += f"环节按期完成率最低的是{worst.label}（{fmt_pct(worst.rate)}），有{worst.late}个环节未按期完成。"
        else:
            text += "各部门均按期完成到期环节。"
        out.append(text)
    steps = [t for t in r.timeliness_by_step if t.done]
    if steps:
        slow = max(steps, key=lambda t: (t.mean_days or Decimal(0), t.done))
        parts = [f"{t.label}{t.done}个、平均{fmt_days(t.mean_days)}" for t in steps]
        out.append("分环节看，本月完成" + "；".join(parts) + f"。平均用时最长的环节是“{slow.label}”。")
    if not out:
        out.append("本月无调查处理事项。")
    return out


def _followup(r: MonthlyReport) -> list[str]:
    s, rem = r.satisfaction, r.remedies
    if s.total:
        counts = "、".join(f"{k}{v}人次" for k, v in s.counts.items() if v)
        text = f"本月跟踪回访{s.total}人次，其中{counts}，满意率{fmt_pct(s.rate)}"
        text += f"；回访中提出异议{s.objections}人次。" if s.objections else "；回访中未有当事人提出异议。"
    else:
        text = "本月未开展跟踪回访。"
    filed = [f"{k}{v}件" for k, v in rem.filed.items() if v]
    if filed or rem.concluded or rem.pending_end:
        text2 = (f"本月当事人申请{'、'.join(filed)}" if filed else "本月无当事人新申请调解、复议、仲裁或诉讼")
        if rem.concluded:
            text2 += "；救济程序有结果的" + "、".join(f"{k}{v}件" for k, v in rem.concluded.items())
        text2 += f"；截至{date_cn(r.as_of)}，仍在救济程序中的{rem.pending_end}件。"
    else:
        text2 = "本月无当事人申请调解、复议、仲裁或诉讼。"
    return [text, text2]


def _enforcement(r: MonthlyReport) -> list[str]:
    e = r.enforcement
    if not (e.started or e.steps or e.completed or e.in_progress_end):
        return ["本月无征缴执法事项。"]
    order = {s.value: s for s in EnforcementStep}
    steps = "、".join(f"{ENFORCEMENT_LABELS[order[k]] if k in order else k}{v}件次" for k, v in e.steps.items()
                      if k != EnforcementStep.E_DONE.value)
    parts = [f"新转入征缴执法{e.started}件"] if e.started else []
    if steps:
        parts.append(f"各执法环节办理{steps}")
    text = f"本月{'，'.join(parts)}。" if parts else ""
    if e.completed:
        outcomes = "、".join(f"{k}{v}件" for k, v in e.outcomes.items())
        text += (f"执行完毕{e.completed}件（{outcomes}），涉及欠缴本金{fmt_money(e.principal)}，"
                 f"实际缴纳入库{fmt_money(e.collected)}，计算滞纳金{fmt_money(e.late_fees)}。")
    else:
        text += "本月无执行完毕的案件。"
    text += f"截至{date_cn(r.as_of)}，仍在征缴执法程序中的{e.in_progress_end}件。"
    return [text]


def _risks(r: MonthlyReport) -> list[str]:
    if not r.risks:
        return [f"截至{date_cn(r.as_of)}，在办案件未触发风险预警。"]
    from casefile.reports.risks import RULES

    counts = r.risk_counts()
    cases = len({w.case_id for w in r.risks})
    parts = "、".join(f"{RULES[k][0]}{counts[k]}条" for k in RULES if counts.get(k))
    high = sum(1 for w in r.risks if w.severity.value == "high")
    return [f"截至{date_cn(r.as_of)}，在办案件触发风险预警{len(r.risks)}条，涉及{cases}件案件，"
            f"其中高风险预警{high}条。按类型分：{parts}。预警明细见附表。"]


def _advice(r: MonthlyReport) -> list[str]:
    f = r.figures
    counts = Counter(w.rule for w in r.risks)
    out: list[str] = []
    if r.top_issues and r.top_issues[0].share is not None and r.top_issues[0].share >= 30:
        s = r.top_issues[0]
        out.append(f"针对{_category_name(s)}类争议集中（占比{fmt_pct(s.share)}）的情况，建议主办部门梳理共性问题，"
                   "加强政策宣传和靶向辅导，从源头减少同类争议。")
    mom = r.change("new")
    if mom.pct is not None and mom.pct >= 20:
        out.append(f"本月受理量环比增长{fmt_pct(mom.pct)}，建议联席会议办公室分析增长原因，提前做好研判应对。")
    if f.overdue_end:
        out.append(f"对超期在办的{f.overdue_end}件案件，建议联席会议办公室逐件督办，明确办结时限，确需延期的依规办理延期手续。")
    low = [t.label for t in r.timeliness_by_dept if t.rate is not None and t.rate < 90]
    if low:
        out.append(f"{'、'.join(low)}环节按期完成率低于90%，建议分析超期原因，压实办理责任。")
    unhappy = r.satisfaction.counts.get("不满意", 0)
    if unhappy or r.satisfaction.objections:
        out.append(f"对回访中表示不满意的{unhappy}人次及提出异议的{r.satisfaction.objections}人次，建议受理部门再次回访，"
                   "做好释法说理，引导当事人通过法定途径解决。")
    sensitive = counts[Flag.MASS.value] + counts[Flag.PUBLIC_OPINION.value] + counts[Flag.STABILITY.value]
    if sensitive:
        out.append(f"对群体性、舆情、涉访涉稳风险预警{sensitive}条，建议提请联席会议研判，会同网信办、信访局、"
                   "公安局做好舆情引导和疏导稳控。")
    if counts[Flag.REPEAT.value]:
        out.append(f"对重复诉求预警{counts[Flag.REPEAT.value]}条，建议建立重点诉求人台账，统一处理口径，防止反复。")
    if counts[Flag.STUCK.value]:
        out.append(f"对滞留超过规定天数的{counts[Flag.STUCK.value]}件案件，建议责任部门说明原因并推动流转。")
    if counts[Flag.LARGE_AMOUNT.value]:
        out.append(f"对大额争议预警{counts[Flag.LARGE_AMOUNT.value]}条，建议司法局做好法律审核，防范复议诉讼风险。")
    if not out:
        out.append("本月各项工作运行平稳，建议继续做好政策宣传和矛盾纠纷排查，及时发现苗头性问题。")
    return [f"（{ORDINALS[i]}）{text}" for i, text in enumerate(out)]
