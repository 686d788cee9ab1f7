"""Workspace commands: init, fsck, catalog rebuild, demo."""

from __future__ import annotations

from pathlib import Path

import click

from casefile.cli.common import AppContext, LabelChoice, echo, emit_json, json_option, pass_app


@click.command()
@click.argument("directory", required=False, default=".", metavar="[目录]",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--profile", type=LabelChoice({"pianguan": ("偏关", "偏关县", "偏关模式"),
                                             "naiman": ("奈曼", "奈曼旗", "奈曼模式")}),
              default="pianguan", show_default="偏关",
              help="分流模式：偏关（低/中/高风险，联席会议）或 奈曼（本单位/一般/重大疑难/职责不清，领导小组）。")
@click.option("--force", is_flag=True, help="覆盖已有的 casefile.toml。")
def init(directory: Path, profile: str, force: bool) -> None:
    """创建工作区：casefile.toml 与 archive/、inbox/、indexes/、templates/ 目录。"""
    from casefile.workspace import init_workspace

    ws = init_workspace(directory, profile, force=force)
    echo(f"已在 {ws.root} 创建工作区（{ws.settings.office.name}，{profile} 模式）。")
    echo(f"请核对 {ws.config_path.name} 中的全宗号、文号代字、部门与辖区。")


@click.command()
@click.option("--no-repair", is_flag=True, help="只检查，不恢复中断的事务。")
@json_option
@pass_app
def fsck(app: AppContext, no_repair: bool, as_json: bool) -> None:
    """检查所有案卷：格式、日志哈希链、引用文件与哈希、序号记录、案件目录一致性。"""
    from casefile.workspace import fsck as run_fsck

    report = run_fsck(app.ws, repair=not no_repair, now=app.now, actor=app.actor)
    if as_json:
        emit_json({"cases": report.cases, "ok": report.ok,
                   "findings": [{"case_id": f.case_id, "code": f.code, "message": f.message} for f in report.findings],
                   "notes": report.recovered})
    else:
        for f in report.findings:
            echo(f"{f.case_id}  [{f.code}]  {f.message}")
        for n in report.recovered:
            echo(f"说明：{n}")
        echo(f"检查了 {report.cases} 件案卷，发现 {len(report.findings)} 个问题。")
    if not report.ok:
        raise SystemExit(1)


@click.group()
def catalog() -> None:
    """案件目录（indexes/catalog.sqlite，可随时删除重建）。"""


@catalog.command("rebuild")
@pass_app
def catalog_rebuild(app: AppContext) -> None:
    """从案卷重建案件目录。"""
    from casefile import catalog as cat

    report = cat.rebuild(app.ws)
    echo(f"已重建案件目录：{report.cases} 件。")
    for cid, msg in report.skipped:
        echo(f"跳过 {cid}：{msg}")


@click.command()
@click.argument("directory", required=False, default="demo-workspace", metavar="[目录]",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--cases", "count", type=click.IntRange(min=5, max=500), default=30, show_default=True, help="案件数量。")
@click.option("--force", is_flag=True, help="目录已存在时先清空。")
@click.option("--quick", is_flag=True, help="缩短耗时步骤（只归档两件、扫描分辨率较低）。")
@pass_app
def demo(app: AppContext, directory: Path, count: int, force: bool, quick: bool) -> None:
    """生成演示工作区：覆盖各类别、渠道、分流与状态的案件，时间分布在过去十二个月。"""
    from casefile import clock
    from casefile.demo import build_demo

    # The demo workspace is marked as one, so CASEFILE_NOW pins its clock here and in later commands.
    for line in build_demo(directory, now=clock.now(), count=count, force=force, quick=quick):
        echo(line)
