"""Archive commands: archive (立卷归档), verify (四性检测), transfer (移交), purge (销毁)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    from casefile.archive.checks import ArchiveCheck
    from casefile.archive.findings import Finding


def _progress() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None
    return lambda msg: click.echo(f"… {msg}", err=True)


@click.command()
@click.argument("case_ids", nargs=-1, metavar=f"[{CASE_METAVAR}]...", type=CASE_REF)
@click.option("--filer", metavar="姓名", help="立卷人；默认 casefile.toml [archive] filer，再退而使用操作人。")
@click.option("--checker", metavar="姓名", help="检查人；默认 casefile.toml [archive] checker。")
@click.option("--void", "void", metavar="年度-件号",
              help="登记一个已分配但没有案卷的件号作废（如 2026-0007），须同时给出 --reason。")
@click.option("--reason", metavar="理由", help="件号作废的理由（与 --void 一起使用）。")
@json_option
@pass_app
def archive(app: AppContext, case_ids: tuple[str, ...], filer: str | None, checker: str | None,
            void: str | None, reason: str | None, as_json: bool) -> None:
    """立卷归档：检查应有文书是否齐全，编制档号，生成案卷封面、卷内文件目录、卷内备考表、
    加盖档号的合并PDF，并把案卷封装为只读的 BagIt 归档包（SHA-256 与 SM3 校验）。

    \b
    归档后案件不能再修改；如需补充办理，用 casefile reopen 另立新版本。
    """
    from casefile.errors import CasefileError, UsageError

    if void:
        from casefile.archive.lifecycle import void_number

        m = re.fullmatch(r"(\d{4})[-:](\d{1,4})", void.strip())
        if not m:
            raise UsageError(f"--void 的值“{void}”应形如 2026-0007（年度-件号）。")
        if case_ids:
            raise UsageError("--void 不能与案件ID同时使用。")
        msg = void_number(app.ws, int(m[1]), int(m[2]), reason=reason or "", now=app.now, actor=app.actor)
        if as_json:
            emit_json({"message": msg})
        else:
            echo(msg)
        return
    if not case_ids:
        raise UsageError("请给出要归档的案件ID（可以多个）。")
    from casefile.archive.build import ArchiveRefused, archive_case

    results: list[dict[str, Any]] = []
    failed = 0
    for cid in case_ids:
        try:
            res = archive_case(app.ws, cid, app.now, app.actor, filer=filer, checker=checker, progress=_progress())
        except CasefileError as exc:
            if len(case_ids) == 1 and not as_json:
                raise
            failed += 1
            entry: dict[str, Any] = {"id": cid, "ok": False, "code": exc.code, "message": exc.message}
            if isinstance(exc, ArchiveRefused):
                entry["problems"] = exc.problems
            results.append(entry)
            if not as_json:
                echo(f"错误：{exc.message}", err=True)
            continue
        results.append({"ok": True, **res.as_dict()})
        if not as_json:
            echo(res.message)
            echo(f"  件数 {res.items}，页数 {res.pages}（合并PDF共 {res.merged_pages} 页）")
            echo(f"  归档包 {res.bag}")
            echo(f"  合并PDF {res.bag / res.merged_pdf}")
            for w in res.warnings:
                warn(w)
    if as_json:
        emit_json(results if len(results) > 1 else results[0])
    if failed:
        raise SystemExit(1)


def _render_check(c: ArchiveCheck) -> None:
    head = f"{c.case_id}（档号 {c.dang_hao}）" if c.dang_hao else c.case_id
    if c.ok:
        echo(f"通过  {head}：真实性、完整性、可用性、安全性检测均通过")
        return
    echo(f"未通过  {head}：发现 {len(c.findings)} 个问题")
    for prop, items in c.by_property().items():
        for f in items:
            echo(f"  [{prop.value}] {f.message}")


def _render_findings(title: str, findings: list[Finding]) -> None:
    if findings:
        echo(title)
        for f in findings:
            echo(f"  [{f.prop.value}] {f.message}")


@click.command()
@click.argument("case_ids", nargs=-1, metavar=f"[{CASE_METAVAR}]...", type=CASE_REF)
@click.option("--all", "all_cases", is_flag=True, help="校验工作区中全部已归档的案卷。")
@click.option("--quick", is_flag=True,
              help="快速检测：只核对文件名单、数量与大小（Payload-Oxum）和清单文件，不重新计算全部校验值。")
@json_option
@pass_app
def verify(app: AppContext, case_ids: tuple[str, ...], all_cases: bool, quick: bool, as_json: bool) -> None:
    """四性检测：真实性（SHA-256 与 SM3 校验、日志哈希链）、完整性（数量、件号连续、应有文书）、
    可用性（PDF 能打开且有文字）、安全性（只读、无多余文件）。

    \b
    每次检测的结果记入保管日志 archive/_preservation/<年度>.jsonl；发现任何问题时退出码为 1。
    """
    from casefile.archive.checks import verify as run_verify
    from casefile.errors import UsageError

    if not case_ids and not all_cases:
        raise UsageError("请给出要校验的案件ID，或用 --all 校验全部归档案卷。")
    report = run_verify(app.ws, case_ids, all_cases=all_cases, quick=quick, now=app.now, actor=app.actor,
                        progress=_progress())
    if as_json:
        emit_json(report.as_dict())
    else:
        for c in report.checks:
            _render_check(c)
        _render_findings("年度件号与保管日志：", report.year_findings)
        for n in report.notes:
            echo(f"说明：{n}")
        for w in report.warnings:
            warn(w)
        mb = report.hashed_bytes / 1e6
        mode = "快速检测" if quick else "完整检测"
        echo(f"{mode}了 {len(report.checks)} 件归档案卷（重新校验 {mb:.1f} MB，用时 {report.seconds:.1f} 秒），"
             f"发现 {len(report.findings)} 个问题。")
    if not report.ok:
        raise SystemExit(1)


@click.command()
@click.option("--year", type=int, required=True, metavar="年度", help="移交哪一年度（档号中的年度）的归档案卷。")
@click.argument("dest", metavar="目的目录", type=click.Path(file_okay=False, path_type=Path))
@json_option
@pass_app
def transfer(app: AppContext, year: int, dest: Path, as_json: bool) -> None:
    """把一个年度的归档包复制到目的目录（<目的目录>/<年度>/<档号>/），在目的地逐件完整校验，
    并写出移交清单。"""
    from casefile.archive.handover import transfer as run_transfer

    report = run_transfer(app.ws, year, dest, now=app.now, actor=app.actor, progress=_progress())
    if as_json:
        emit_json(report.as_dict())
    else:
        for item in report.items:
            status = {"copied": "已复制", "present": "目的地已有", "refused": "未移交"}[item.status]
            verdict = "目的地校验通过" if item.ok else "有问题"
            echo(f"{status}  {item.dang_hao}（{item.case_id}）：{verdict}")
            for f in item.source_findings:
                echo(f"  [源] [{f.prop.value}] {f.message}")
            if item.check is not None:
                for f in item.check.findings:
                    echo(f"  [目的地] [{f.prop.value}] {f.message}")
        _render_findings("年度件号与保管日志：", report.year_findings)
        for w in report.warnings:
            warn(w)
        if report.listing:
            echo(f"移交清单：{report.listing}")
        good = sum(1 for i in report.items if i.ok)
        echo(f"{year}年度共 {len(report.items)} 件，{good} 件在目的地校验通过。")
    if not report.ok:
        raise SystemExit(1)


@click.command()
@click.argument("case_id", metavar=CASE_METAVAR, type=CASE_REF)
@click.option("--request", "mode", flag_value="request", help="申请销毁（须给出 --reason；档案员或负责人）。")
@click.option("--approve", "mode", flag_value="approve", help="批准销毁（负责人，须与申请人不同）。")
@click.option("--reason", metavar="理由", help="销毁理由（申请时必填）。")
@json_option
@pass_app
def purge(app: AppContext, case_id: str, mode: str | None, reason: str | None, as_json: bool) -> None:
    """销毁保管期满的归档案卷：一人申请（--request），另一人批准（--approve）后删除。

    \b
    申请人、批准人就是运行命令的操作人（--user / CASEFILE_USER，须在 [[staff]] 中）。
    定期10年、30年的案卷自年度终了起算，期满后方可申请；永久保管的不得销毁。
    是否期满按系统时间判断（CASEFILE_NOW 对销毁不起作用）。申请与批准都记入保管日志。
    """
    from casefile import clock
    from casefile.archive.lifecycle import purge_approve, purge_request
    from casefile.errors import UsageError

    if mode is None:
        raise UsageError("请用 --request 申请销毁，或用 --approve 批准销毁。")
    actor = app.actor
    real_now = clock.system_now()
    if mode == "request":
        res = purge_request(app.ws, case_id, by=actor, reason=reason or "", now=real_now)
    else:
        if reason:
            raise UsageError("--reason 只用于申请；批准时不需要。")
        res = purge_approve(app.ws, case_id, by=actor, now=real_now)
    if as_json:
        emit_json(res.as_dict())
    else:
        echo(res.message)
