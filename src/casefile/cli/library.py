"""The ``typical`` group: the typical-case library (draft, check, review, approve, publish, list, export)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from casefile.cli.common import (
    CASE_METAVAR,
    CASE_REF,
    AppContext,
    LabelChoice,
    echo,
    emit_json,
    json_option,
    pass_app,
    warn,
)


@click.group()
def typical() -> None:
    """典型案例库：起草脱敏稿、审核、批准、发布、导出培训汇编。

    \b
    流程：typical add 案件ID → 培训人员修改 library/TC-….md → 审核人运行 typical review ID
          → 另一位负责人运行 typical approve ID → typical publish ID → typical export。
    审核人、审批人就是运行命令的操作人（--user / CASEFILE_USER），须是 [[staff]] 中有相应角色的不同人员。
    审核、审批、发布前都做泄露检查，任何一处未处理都不能通过：身份证号、手机号、统一社会信用代码、
    11位以上数字（含用空格、点、横线、斜线分隔或全角书写的），案件记录中出现的所有人名和单位名称
    （含第三人、单位简称），其他单位全称，县级以下地址（村、组、街道门牌、小区）。
    典型案例文件不记载来源案件；来源只在档案区（编号登记簿和案卷内的对照表）中可查。
    """


@typical.command("add")
@click.argument("case_id", metavar=CASE_METAVAR, type=CASE_REF)
@json_option
@pass_app
def add(app: AppContext, case_id: str, as_json: bool) -> None:
    """为案件起草脱敏的典型案例稿（姓名、单位、证件号、地址、文号、日期均已处理）。"""
    from casefile import library

    report = library.draft(app.ws, case_id, app.actor, app.now)
    if as_json:
        emit_json(report.to_json())
        return
    echo(f"已起草典型案例 {report.typical_id}：{report.path}")
    echo(f"真实信息与化名的对照表只保存在案卷中：{report.map_file}")
    for w in report.warnings:
        warn(w)
    if report.findings:
        warn(f"脱敏稿中仍有{len(report.findings)}处可识别信息，发布前必须修改：")
        for f in report.findings:
            echo(f"  {f}")


@typical.command("check")
@click.argument("typical_id", metavar="编号")
@json_option
@pass_app
def check(app: AppContext, typical_id: str, as_json: bool) -> None:
    """只做泄露检查，列出每一处可识别个人的信息。"""
    from casefile import library
    from casefile.errors import PrivacyLeak

    findings = library.check(app.ws, typical_id)
    if as_json:
        emit_json({"typical_id": typical_id, "ok": not findings, "findings": [str(f) for f in findings]})
    elif not findings:
        echo(f"{typical_id}：未发现可识别个人的信息。")
    if findings:
        if not as_json:
            for f in findings:
                echo(f"  {f}")
        raise PrivacyLeak(f"{typical_id} 含{len(findings)}处可识别个人的信息，请修改后再审核或发布。")


def _say(report: Any, as_json: bool) -> None:
    """One step of the review/approval/publication chain: its report, as JSON or one sentence."""
    if as_json:
        emit_json(report.to_json())
    else:
        echo(report.message)


@typical.command("review")
@click.argument("typical_id", metavar="编号")
@json_option
@pass_app
def review(app: AppContext, typical_id: str, as_json: bool) -> None:
    """脱敏审核：由操作人本人（不能是起草人；承办人、档案员或负责人）核对脱敏结果，记入案卷日志。"""
    from casefile import library

    _say(library.review(app.ws, typical_id, app.actor, app.actor, app.now), as_json)


@typical.command("approve")
@click.argument("typical_id", metavar="编号")
@json_option
@pass_app
def approve(app: AppContext, typical_id: str, as_json: bool) -> None:
    """发布审批：由操作人本人（负责人，不能是审核人或起草人）批准，记入案卷日志。"""
    from casefile import library

    _say(library.approve(app.ws, typical_id, app.actor, app.actor, app.now), as_json)


@typical.command("publish")
@click.argument("typical_id", metavar="编号")
@json_option
@pass_app
def publish(app: AppContext, typical_id: str, as_json: bool) -> None:
    """发布已审批的典型案例（发布前再做一次泄露检查）。"""
    from casefile import library

    _say(library.publish(app.ws, typical_id, app.actor, app.now), as_json)


@typical.command("list")
@click.option("--status", type=LabelChoice({"draft": ("草稿",), "reviewed": ("已审核",), "approved": ("已批准",),
                                            "published": ("已发布",)}),
              help="只列出某一阶段：草稿、已审核、已批准、已发布。")
@json_option
@pass_app
def list_(app: AppContext, status: str | None, as_json: bool) -> None:
    """列出典型案例库中的案例及其审核、审批状态。"""
    from casefile import library

    items = library.summaries(app.ws, status=status)
    if as_json:
        emit_json([s.to_json() for s in items])
        return
    if not items:
        echo("典型案例库为空。用 casefile typical add 案件ID 起草。")
        return
    for s in items:
        if s.problem:
            warn(f"{s.id}：{s.problem}")
            continue
        label = library.STAGE_LABELS.get(s.status, s.status)
        who = "，".join(x for x in (f"审核 {s.reviewer}" if s.reviewer else "", f"审批 {s.approver}" if s.approver else "") if x)
        echo(f"{s.id}  [{label}] {s.title}  {'、'.join(s.category)}" + (f"  （{who}）" if who else ""))


@typical.command("export")
@click.option("--topic", metavar="主题", help="只收录标题、关键词或正文含这些词的案例（空格分隔，须全部含有）。")
@click.option("--category", "categories", multiple=True, metavar="类别", help="只收录某争议类别（如 C06，可多次给出）。")
@click.option("--format", "fmt", type=click.Choice(["docx"]), default="docx", show_default=True, help="导出格式。")
@click.option("--output", "--out", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="输出文件（默认：工作区下 library/典型案例汇编.docx）；--out 同义。")
@click.option("--title", default="社会保险费征缴争议典型案例汇编", show_default=True, metavar="标题", help="汇编标题。")
@json_option
@pass_app
def export(app: AppContext, topic: str | None, categories: tuple[str, ...], fmt: str, output: Path | None,
           title: str, as_json: bool) -> None:
    """把已发布的典型案例导出为培训汇编（封面、目录、每案一节）。"""
    from casefile import library

    target = output or (app.ws.library_dir / "典型案例汇编.docx")
    report = library.export(app.ws, target, app.now, topic=topic, categories=categories, fmt=fmt, title=title)
    if as_json:
        emit_json(report.to_json())
        return
    echo(f"已导出{len(report.cases)}篇典型案例：{report.path}")
    if report.skipped:
        warn(f"未收录（未发布或未通过检查）：{'、'.join(report.skipped)}")
