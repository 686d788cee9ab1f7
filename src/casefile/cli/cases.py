"""Commands that register and read cases: new, list, show, due."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from casefile.cli.common import (
    CASE_METAVAR,
    CASE_REF,
    AppContext,
    echo,
    emit_json,
    json_option,
    pass_app,
    warn,
)

EXAMPLES = ("unit", "minimal", "flexible", "naiman")


@click.command()
@click.option("--form", "form_path", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="受理登记表（YAML 或 JSON）；格式见 casefile new --example unit 输出的示例。未给出时逐项提问。")
@click.option("--resume", is_flag=True, help="继续上次中断（Ctrl+C、关闭窗口）的逐项登记，已填内容不必重填。")
@click.option("--example", type=click.Choice(EXAMPLES), metavar="名称",
              help="输出一份示例受理登记表后退出：unit（职工群体反映基数）、minimal（最少字段）、"
                   "flexible（灵活就业）、naiman（奈曼旗报送事项）。")
@click.option("--redirect", "redirect_reason", metavar="理由", help="不予受理，并写明理由（T2）。")
@click.option("--to", "redirect_to", metavar="机关", help="与 --redirect 同用：有权处理的机关。")
@json_option
@pass_app
def new(app: AppContext, form_path: Path | None, resume: bool, example: str | None, redirect_reason: str | None,
        redirect_to: str | None, as_json: bool) -> None:
    """受理登记一件争议（一站受理、首问负责）。

    不带 --form 时逐项提问：每项填完立即检查，填错会说明原因并重问；已填内容随时保存为草稿，
    中断后用 casefile new --resume 继续。全角数字、字母和逗号自动按半角处理。
    """
    if example:
        from importlib.resources import files

        click.echo(files("casefile.data.examples").joinpath(f"intake-{example}.yaml").read_text(encoding="utf-8"),
                   nl=False)
        return
    from casefile import workflow
    from casefile.errors import UsageError

    if form_path and resume:
        raise UsageError("--form 与 --resume 不能同时使用：表单文件直接登记，--resume 继续逐项填写的草稿。")
    draft = None
    if form_path:
        data = workflow.load_form(form_path)
    else:
        data, draft = _interactive(app, resume)
    redirect = None
    if redirect_reason:
        redirect = {"to": redirect_to or "", "reason": redirect_reason}
    result = workflow.register(app.ws, data, app.now, app.actor, redirect=redirect)
    if draft is not None:
        draft.discard()
    if as_json:
        emit_json(result.as_dict())
        return
    for w in result.warnings:
        warn(w)
    echo(f"已登记：{result.case_id}  {result.number}")
    echo(result.message)
    for d in result.documents:
        echo(f"  文书 {d['type']} {d['title']} {d['wenhao'] or ''}  {d['file']}")


def _interactive(app: AppContext, resume: bool) -> tuple[dict[str, Any], Any]:
    """Interactive intake: field by field in the order of the paper form, each answer checked at once
    and asked again when wrong; every accepted answer saved to the draft before the next question."""
    from casefile.errors import CasefileError, FieldInvalid
    from casefile.intake import Draft, assemble, check_field, choices, default, pending, summary

    ws, s, today, actor = app.ws, app.ws.settings, app.now.date(), str(app.actor)
    draft = Draft.load(ws, actor)
    if resume and draft is None:
        raise CasefileError("没有可继续的受理登记草稿：请直接运行 casefile new 逐项填写。")
    if draft is not None and not resume:
        echo(f"有一份 {draft.started_at[:16].replace('T', ' ')} 开始、已填 {len(draft.answers)} 项的受理登记草稿。")
        if not _yes("继续填写这份草稿？（否则丢弃并重新开始）"):
            draft.discard()
            draft = None
    if draft is None:
        draft = Draft.start(ws, actor, app.now)
        echo("逐项填写受理登记表（填错会提示并重问；随时可按 Ctrl+C 中断，之后用 casefile new --resume 继续）。")
    else:
        echo("继续填写草稿，已填：")
        for label, value in summary(draft.answers, s):
            echo(f"  {label}：{value}")
    try:
        while True:
            todo = pending(draft.answers)
            if not todo:
                break
            spec = todo[0]
            opts = choices(spec.key, s)
            if opts and spec.key not in ("channel", "applicant.kind", "counterparty.kind", "payer_group"):
                echo(f"{spec.label}可选：")
                for line in _numbered([o.label for o in opts]):
                    echo("  " + line)
            label = spec.label
            if spec.key in ("channel", "applicant.kind", "counterparty.kind", "payer_group"):
                label += "（" + "/".join(o.label for o in opts) + "）"
            elif spec.hint:
                label += f"（{spec.hint}）"
            dflt = default(spec.key, s, app.now, actor)
            raw = click.prompt(label, default=dflt if dflt is not None else "", show_default=dflt is not None)
            try:
                checked = check_field(spec.key, raw, s, today, draft.answers)
            except FieldInvalid as exc:
                echo(f"  ✗ {exc.message}")
                continue
            if checked.normalised:
                echo("  （已将全角字符按半角处理）")
            if checked.warning:
                warn(checked.warning)
            draft.answer(spec.key, checked)
        echo("请核对：")
        for label, value in summary(draft.answers, s):
            echo(f"  {label}：{value}")
        if not _yes("确认登记？"):
            echo("未登记。草稿已保存，可用 casefile new --resume 继续。")
            raise click.exceptions.Exit(1)
    except click.Abort:
        echo("", err=True)
        echo(f"已中断。已填的 {len(draft.answers)} 项已保存为草稿，用 casefile new --resume 继续。", err=True)
        raise click.exceptions.Exit(1) from None
    return assemble(draft.answers), draft


def _yes(question: str, default: bool = True) -> bool:
    """A yes/no question answered in Chinese (是/否; y/n accepted too), asked again on anything else."""
    yes, no = ("是", "对", "确认", "y", "yes"), ("否", "不", "取消", "n", "no")
    while True:
        answer = click.prompt(f"{question}（是/否）", default="是" if default else "否").strip().lower()
        if answer in yes:
            return True
        if answer in no:
            return False
        echo("  ✗ 请回答“是”或“否”。")


def _numbered(labels: list[str]) -> list[str]:
    from casefile.rules.text import table

    cells = [f"{i}. {label}" for i, label in enumerate(labels, 1)]
    per_row = 4 if max(len(c) for c in cells) <= 10 else 2
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    return table(rows, sep="   ")


@click.command("list")
@click.option("--state", "states", multiple=True, metavar="状态", help="按状态筛选（如 联办、调解中、征缴执法，可多次给出）。")
@click.option("--category", metavar="类别", help="按争议类别筛选（如 C06）。")
@click.option("--risk", type=click.Choice(["低", "中", "高"]), help="按风险等级筛选。")
@click.option("--dept", metavar="部门", help="按受理/主办/协办部门筛选。")
@click.option("--overdue", is_flag=True, help="只列出已超期的案件。")
@click.option("--year", type=int, metavar="年度", help="按受理年度筛选。")
@click.option("--text", metavar="文字", help="在诉求、当事人名称、处理意见中查找。")
@click.option("--flag", metavar="标记", help="按标记筛选（如 群体性、重复诉求、舆情）。")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="最多列出 N 件。")
@json_option
@pass_app
def list_cases(app: AppContext, states: tuple[str, ...], category: str | None, risk: str | None, dept: str | None,
               overdue: bool, year: int | None, text: str | None, flag: str | None, limit: int | None,
               as_json: bool) -> None:
    """列出案件（读取案件目录，不逐一打开案卷）。"""
    from casefile.app.cases import CaseQuery, list_cases

    q = CaseQuery(states=states, category=category, risk=risk, dept=dept, overdue=overdue, year=year, text=text,
                  flag=flag, limit=limit)
    # a screenful unless --limit or --json asks for more
    listing = list_cases(app.ws, q, app.now.date(), screenful=None if as_json else 100)
    items, more = listing.items, listing.more
    for w in listing.warnings:
        warn(w)
    if as_json:
        emit_json(listing.as_json())
        return
    if not items:
        echo("没有符合条件的案件。")
        return
    from casefile.models.enums import CATEGORY_LABELS, STATE_LABELS, Category, Flag
    from casefile.models.enums import State as St
    from casefile.rules.text import clip, table

    rows = []
    for it in items:
        marks = "".join(f"[{Flag(f).label}]" for f in it["flags"])
        cats = "、".join(CATEGORY_LABELS[Category(c)] for c in it["categories"])
        rows.append([it["id"], it["number"], STATE_LABELS[St(it["state"])], clip(cats, 16), clip(it["applicant"], 24),
                     it["next_due"] or "—", marks])
    for line in table(rows, header=["案件ID", "案件编号", "状态", "争议类别", "缴费人/反映人", "期限", "标记"]):
        echo(line)
    echo(f"共列出 {len(items)} 件{'（还有更多，用 --limit N 显示更多）' if more else ''}。")


@click.command()
@click.argument("case_id", metavar=CASE_METAVAR, type=CASE_REF)
@click.option("--reveal", is_flag=True, help="显示完整的身份证号、手机号、账号（查看行为记入日志）。")
@click.option("--purpose", default="办案需要", show_default=True, metavar="用途", help="与 --reveal 同用：查看用途。")
@json_option
@pass_app
def show(app: AppContext, case_id: str, reveal: bool, purpose: str, as_json: bool) -> None:
    """查看案件记录与办理时间线。"""
    from casefile.app.cases import case_page

    view = case_page(app.ws, case_id, app.now, app.actor, reveal=reveal, purpose=purpose)
    if as_json:
        emit_json(view)
        return
    _print_case(view)


def _print_case(v: dict[str, Any]) -> None:
    a = v["applicant"]
    echo(f"{v['number']}（{v['id']}）  状态：{v['state_label']}  {' '.join('[' + f + ']' for f in v['flag_labels'])}")
    echo(f"受理：{v['received_at'][:16].replace('T', ' ')}  渠道：{v['channel']}{' ' + v['channel_ref'] if v['channel_ref'] else ''}"
         f"  首问责任人：{v['first_handler']}  受理部门：{v['intake_dept']}")
    outside = "，辖区外" if v["jurisdiction"].get("outside") else ""
    echo(f"辖区：{v['jurisdiction']['name']}（{v['jurisdiction']['code']}{outside}）  类别：{'、'.join(v['category_labels'])}"
         f"  分类：{v['class'] or '—'}  风险：{v['risk'] or '—'}")
    ident = a.get("credit_code") or a.get("id_number") or ""
    echo(f"缴费人/反映人：{a['name']} {ident} {a.get('mobile', '')}")
    if v["counterparty"]:
        c = v["counterparty"]
        echo(f"对方当事人：{c['name']} {c.get('credit_code') or c.get('id_number') or ''}")
    if v["lead_dept"]:
        echo(f"主办：{v['lead_dept']}  协办：{'、'.join(v['co_depts']) or '—'}")
    echo(f"反映主要事项：{v['claim']}")
    if v["decision"]:
        echo(f"处理意见：{v['decision']}")
    if v["enforcement"]:
        e = v["enforcement"]
        echo(f"征缴执法：{e['step_text']}  欠缴 ¥{e['total_owed']}  缴款期限 {e['pay_by'] or '—'}")
    open_d = [d for d in v["deadlines"] if not d["done_at"]]
    if open_d:
        echo("进行中的期限：")
        for d in open_d:
            echo(f"  {d['label']}{'（' + d['dept'] + '）' if d['dept'] else ''}：{d['due']}{'  已超期' if d['overdue'] else ''}")
    for w in v.get("calendar_warnings", []):
        echo(f"注意：{w}。")
    if v["risks"]:
        echo("风险预警：")
        for r in v["risks"]:
            echo(f"  {r.get('label', '')}：{r.get('message', '')}")
    if v["documents"]:
        echo("文书：")
        for d in v["documents"]:
            echo(f"  {d['type']} {d['title']} {d['wenhao'] or ''}{'（已更正）' if d['superseded_by'] else ''}")
    if v["evidence"]:
        echo("证据：")
        for e in v["evidence"]:
            echo(f"  {e['ev_id']} {e['original_name']}（{e['text_status']}，{e['pages'] or '?'}页）")
    echo("时间线：")
    for t in v["timeline"]:
        arrow = f"（{t['from_label']}→{t['to_label']}）" if t["from"] and t["from"] != t["to"] else ""
        echo(f"  {t['time'][:16].replace('T', ' ')}  {t['actor']}  {t['what']}{arrow}")
    for p in v["journal_problems"]:
        echo(f"警告：{p}")


@click.command()
@click.option("--days", type=click.IntRange(min=0), default=7, show_default=True, metavar="天数",
              help="列出今后多少天内到期的事项。")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, metavar="N",
              help="每组最多显示 N 条（总数照常统计）。")
@click.option("--all", "show_all", is_flag=True, help="显示全部事项。")
@json_option
@pass_app
def due(app: AppContext, days: int, limit: int, show_all: bool, as_json: bool) -> None:
    """台账：已超期、今日到期、今后 N 天到期的事项，按紧迫程度排序。"""
    from casefile.reports.due import due_register

    report = due_register(app.ws, app.now.date(), days=days, limit=None if show_all else limit)
    groups, risks = report.groups, report.risks
    from datetime import timedelta

    from casefile.rules.calendar import coverage_gaps
    from casefile.rules.text import table

    today = app.now.date()
    years = {today.year, (today + timedelta(days=days)).year} | {it.due.year for g in groups.values() for it in g.items}
    gaps = coverage_gaps(years, app.ws.root / "holidays.toml")
    if as_json:
        emit_json({**report.as_json(), "calendar_warnings": gaps})
        return
    for w in gaps:
        echo(f"注意：{w}。")
    titles = {"overdue": "已超期", "today": "今日到期", "soon": f"{days}日内到期"}
    for key, g in groups.items():
        echo(f"{titles[key]}（{g.count}）")
        rows = []
        for it in g.items:
            lag = f"超期{-it.days_left}天" if it.days_left < 0 else ("今天" if it.days_left == 0 else f"剩{it.days_left}天")
            rows.append([it.due.isoformat(), lag, it.number, f"{it.label}{'（' + it.dept + '）' if it.dept else ''}",
                         f"责任：{it.owner}"])
        for line in table(rows):
            echo("  " + line)
        if g.count > len(g.items):
            echo(f"  ……另有 {g.count - len(g.items)} 条，加 --all 显示全部")
    if risks:
        echo(f"以上案件的风险预警（{len(risks)}）")
        for r in risks[: None if show_all else limit]:
            echo(f"  {r.get('case_id', '')}  {r.get('label', '')}：{r.get('message', '')}")
        if not show_all and len(risks) > limit:
            echo(f"  ……另有 {len(risks) - limit} 条，加 --all 显示全部")
    echo("全部在办案件的风险预警：casefile risks")

