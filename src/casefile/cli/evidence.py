"""Evidence commands: ``evidence add|unlock|list``, ``watch``, ``coversheet``."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from casefile.evidence.pipeline import IngestResult


def _line(result: IngestResult) -> str:
    from casefile.evidence.codes import Outcome

    mark = {Outcome.FILED: "✓", Outcome.DUPLICATE: "=", Outcome.ALREADY_FILED: "=", Outcome.UNMATCHED: "?",
            Outcome.QUARANTINED: "✗", Outcome.REJECTED: "✗", Outcome.RETRY: "…", Outcome.SKIPPED: "-"}[result.outcome]
    text = f"{mark} {result.message}"
    for w in result.warnings:
        text += f"\n  注意：{w}"
    return text


@click.group()
def evidence() -> None:
    """证据材料：手工归档、解锁加密文件、查看。

    \b
    扫描件通常放入收件目录由 casefile watch 自动归档；本组命令用于手工操作。
    """


@evidence.command("add")
@click.argument("case_id", metavar=CASE_METAVAR, type=CASE_REF)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件...")
@click.option("--slot", metavar="名称", help="证据名称（如 工资条、劳动合同）。")
@json_option
@pass_app
def add(app: AppContext, case_id: str, files: tuple[Path, ...], slot: str | None, as_json: bool) -> None:
    """把文件归入案件证据（与收件目录同一流程；原文件保留不动）。"""
    from casefile.evidence.codes import Outcome
    from casefile.evidence.pipeline import add_files

    results = add_files(app.ws, case_id, [f.absolute() for f in files], actor=app.actor, clock=app.clock, slot=slot,
                        progress=None if as_json else lambda r: echo(_line(r)))
    if as_json:
        emit_json([r.as_json() for r in results])
    failed = [r for r in results if r.outcome in (Outcome.REJECTED, Outcome.RETRY)]
    if failed:
        if not as_json:
            echo(f"{len(failed)}个文件未归档。", err=True)
        raise click.exceptions.Exit(1)


@evidence.command("unlock")
@click.argument("case_id", metavar=CASE_METAVAR, type=CASE_REF)
@click.argument("ev_id", metavar="证据编号")
@click.option("--password", metavar="密码", help="打开密码；不给出时提示输入（不回显）。")
@pass_app
def unlock(app: AppContext, case_id: str, ev_id: str, password: str | None) -> None:
    """用密码打开“需要密码”的证据，提取文字（文件本身保持原样，密码不被保存）。"""
    from casefile.evidence.codes import TextStatus
    from casefile.evidence.pipeline import unlock as do_unlock

    if password is None:
        password = click.prompt("密码", hide_input=True)
    from casefile.privacy import display_name

    rec = do_unlock(app.ws, case_id, ev_id, password, actor=app.actor, now=app.now)
    echo(f"已解锁证据 {rec.ev_id}（{display_name(rec.original_name)}）：{TextStatus(rec.text_status).label}，{rec.text_chars}字。")


@evidence.command("list")
@click.argument("case_id", metavar=CASE_METAVAR, type=CASE_REF)
@json_option
@pass_app
def list_(app: AppContext, case_id: str, as_json: bool) -> None:
    """列出案件的证据材料。"""
    from casefile.evidence.codes import TextStatus
    from casefile.evidence.pipeline import list_evidence
    from casefile.privacy import display_name

    records = list_evidence(app.ws, case_id)
    if as_json:
        shown = []
        for r in records:
            d = r.model_dump(mode="json")
            for key in ("original_name", "file", "source", "slot", "text_file", "archive_pdf", "note"):
                if isinstance(d.get(key), str):
                    d[key] = display_name(d[key])
            shown.append(d)
        emit_json(shown)
        return
    if not records:
        echo("该案件还没有证据材料。")
        return
    for r in records:
        try:
            status = TextStatus(r.text_status).label
        except ValueError:
            status = r.text_status
        pages = f"{r.pages}页" if r.pages is not None else ""
        slot = f"［{display_name(r.slot)}］" if r.slot else ""
        dup = f"，重复提交{len(r.duplicates)}次" if r.duplicates else ""
        echo(f"{r.ev_id}  {slot}{display_name(r.original_name)}  {pages} {status}{dup}  {r.received_at:%Y-%m-%d %H:%M}")
        if r.note:
            echo(f"      {display_name(r.note)}")


@click.command()
@click.option("--once", is_flag=True, help="处理收件目录中现有的文件后退出（供定时任务和测试使用）。")
@click.option("--interval", type=click.FloatRange(min=0.1), metavar="秒",
              help="全量重新扫描的间隔（默认取 casefile.toml 的 evidence.rescan_seconds）。")
@json_option
@pass_app
def watch(app: AppContext, once: bool, interval: float | None, as_json: bool) -> None:
    """监视收件目录（inbox），把扫描件归入案卷。

    \b
    归属案件的三种方式：放入 inbox/<案件ID>/ 子目录；文件名以案件ID开头；
    或首页为 casefile coversheet 打印的二维码封面页。
    无法匹配的文件移入 inbox/_unmatched/，无法解析的移入 inbox/_failed/，旁边附原因说明。
    """
    from casefile.evidence.watcher import Watcher

    ws = app.ws
    watcher = Watcher(ws, actor=app.actor, clock=app.clock, rescan_seconds=interval,
                      on_result=None if as_json else lambda r: echo(_line(r)), use_events=not once)
    if once:
        report = watcher.run_once()
        if as_json:
            emit_json({"results": [r.as_json() for r in report.results], "counts": report.counts(),
                       "left_pending": report.left_pending, "warnings": report.warnings})
            return
        for w in report.warnings:
            warn(w)
        counts = report.counts()
        if report.results:
            from casefile.evidence.codes import Outcome

            parts = [f"{Outcome(k).label}{v}个" for k, v in counts.items()]
            echo("处理完毕：" + "，".join(parts) + "。")
        else:
            echo("收件目录中没有待处理的文件。")
        if report.left_pending:
            echo(f"{len(report.left_pending)}个文件仍在写入，留待下次处理：{'、'.join(report.left_pending[:5])}")
        return
    stop = threading.Event()

    def _stop(_sig: int, _frame: FrameType | None) -> None:
        stop.set()
        watcher.wake()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    echo(f"正在监视 {ws.inbox_dir}（按 Ctrl+C 停止）…")
    report = watcher.run_forever(stop)
    for w in report.warnings:
        warn(w)
    echo(f"已停止；本次共处理 {len(report.results)} 个文件。")


@click.command()
@click.argument("case_id", metavar=CASE_METAVAR, type=CASE_REF)
@click.option("--slot", metavar="名称", help="证据名称（如 工资条），印在封面上并随二维码记入证据记录。")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="输出的 PDF 文件（默认：当前目录下的 封面-<案件ID>[-名称].pdf）。")
@pass_app
def coversheet(app: AppContext, case_id: str, slot: str | None, out: Path | None) -> None:
    """打印带二维码的扫描封面页：放在材料最上面一起扫描，系统据此自动归档并去掉封面页。"""
    from casefile.evidence.coversheet import clean_slot, coversheet_for_case
    from casefile.store import atomic_write

    data = coversheet_for_case(app.ws, case_id.upper(), slot, app.now)
    if out is None:
        suffix = f"-{clean_slot(slot).replace('/', '_')}" if slot else ""
        out = Path.cwd() / f"封面-{case_id.upper()}{suffix}.pdf"
    atomic_write(out.absolute(), data)
    echo(f"已生成封面页：{out}")
    echo("请打印后放在待扫描材料的最上面，扫描件放入收件目录即可自动归档。")
