"""Document commands: ``doc CASE TYPE`` (issue or reprint), ``doc batch``, ``templates check``."""

from __future__ import annotations

import sys
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


def _parse_sets(values: tuple[str, ...]) -> dict[str, Any]:
    """``--set KEY=VALUE`` (repeatable; a repeated key collects a list)."""
    out: dict[str, Any] = {}
    for item in values:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter(f"“{item}”应为 键=值 的形式。", param_hint="--set")
        if key in out:
            prev = out[key]
            out[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[key] = value
    return out


class DocGroup(click.Group):
    """``doc CASE TYPE`` issues one document; ``doc batch …`` is a subcommand.

    click cannot mix a group's own arguments with subcommands, so anything that is not a known
    subcommand is routed to the hidden ``issue`` command with all its arguments.
    """

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] in self.commands and args[0] != "issue":
            return super().resolve_command(ctx, args)
        return "issue", self.commands["issue"], args

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "案件ID 文书类型 [选项]")
        formatter.write_usage(ctx.command_path, "batch 文书类型 --from 文件 [选项]")


@click.group(cls=DocGroup, invoke_without_command=False,
             context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
def doc() -> None:
    """生成或重印文书；批量生成（doc batch）。

    \b
    casefile doc SBZY-140932-2026-0001 D17            出具（已出具的则原样重印）
    casefile doc SBZY-140932-2026-0001 D17 --pdf --out 打印
    casefile doc SBZY-140932-2026-0001 D17 --correct SBZY-140932-2026-0001-D17-01 --reason 金额有误
    casefile doc batch D17 --from 欠费名单.xlsx --out 批量输出

    已出具的文书不再改动：再次出具同类文书返回原文件；需要改正时用 --correct 另行出具新文号的更正文书，原文书标记为已被更正。

    \b
    出具单份文书的选项（详见 casefile doc 案件ID 文书类型 --help）：
      --pdf                 同时生成 PDF（需要 LibreOffice）
      --out 目录            把文书（及 PDF）复制到此目录
      --correct 文书ID      出具更正文书；--reason 理由 必填
      --recipient 名称      主送/受送达人
      --set 键=值           文书字段或参数（如 dept=人社局），可多次给出
      --json                以 JSON 输出
    """


class _IssueCommand(click.Command):
    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        parent = ctx.parent.command_path if ctx.parent else "casefile doc"
        formatter.write_usage(parent, "案件ID 文书类型 [选项]")


@doc.command("issue", cls=_IssueCommand, hidden=True)
@click.argument("case_id", metavar=CASE_METAVAR, type=CASE_REF)
@click.argument("doc_type", metavar="文书类型")
@click.option("--pdf", is_flag=True, help="同时生成 PDF（需要 LibreOffice）。")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), metavar="目录",
              help="把文书（及 PDF）复制到此目录。")
@click.option("--correct", metavar="文书ID", help="出具更正文书，替代已出具的这份文书。")
@click.option("--reason", metavar="理由", help="更正理由（与 --correct 同用，必填）。")
@click.option("--recipient", metavar="名称", help="主送/受送达人（默认按文书类型确定）。")
@click.option("--set", "sets", multiple=True, metavar="键=值",
              help="文书字段或参数，如 --set dept=人社局、--set x.questions=…（可多次给出）。")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="PDF 转换的超时秒数。")
@json_option
@pass_app
def issue(app: AppContext, case_id: str, doc_type: str, pdf: bool, out_dir: Path | None, correct: str | None,
          reason: str | None, recipient: str | None, sets: tuple[str, ...], timeout: float, as_json: bool) -> None:
    """出具一份文书，或重印已出具的文书。"""
    from casefile.documents.issue import produce_document

    extra = {k.removeprefix("x."): v for k, v in _parse_sets(sets).items()}
    result = produce_document(app.ws, case_id, doc_type.upper(), actor=app.actor, now=app.now, extra=extra or None,
                              recipient=recipient, correct=correct, reason=reason, pdf=pdf, out_dir=out_dir,
                              pdf_timeout=timeout)
    r = result.record
    if as_json:
        emit_json({"doc_id": r.doc_id, "type": r.doc_type, "title": r.title, "wenhao": r.wenhao,
                   "reprint": result.reprint, "file": str(result.docx),
                   "pdf": str(result.pdf) if result.pdf else None, "copies": [str(p) for p in result.copies],
                   "sha256": r.sha256, "corrects": r.corrects, "warnings": result.warnings})
        return
    verb = "重印" if result.reprint else ("已出具更正文书" if r.corrects else "已出具")
    echo(f"{verb}：{r.doc_id}  {r.title}{'  ' + r.wenhao if r.wenhao else ''}")
    if r.corrects:
        echo(f"  更正：{r.corrects}（原文书已标记为被更正）")
    echo(f"  文件：{result.docx}")
    if result.pdf:
        echo(f"  PDF：{result.pdf}")
    for p in result.copies:
        echo(f"  已复制到：{p}")
    for w in result.warnings:
        warn(w)


@doc.command("batch")
@click.argument("doc_type", metavar="文书类型")
@click.option("--from", "source", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              metavar="文件", help="名单（.xlsx 或 .csv，第一行为表头：缴费人名称、统一社会信用代码、险种、所属期、应缴、已缴、限缴日期（不填则按该文书的法定期限自今日起算）……）。")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), metavar="目录",
              default=Path("批量文书"), show_default=True, help="输出目录。")
@json_option
@pass_app
def batch(app: AppContext, doc_type: str, source: Path, out_dir: Path, as_json: bool) -> None:
    """按名单批量生成同类文书（每个缴费人一份；同一缴费人的多行合并为一份）。

    某一行有误（列数不对、证件号校验位错误、金额无法识别等）只影响该缴费人的文书，其余照常生成。
    名单中写明“案件ID”的行出具到该案卷；其余为独立文书，同样按文号顺序编号。
    """
    from casefile.documents.batch import plan_batch

    job = plan_batch(app.ws, doc_type.upper(), source, out_dir=out_dir, actor=app.actor, now=app.now)
    if as_json:
        for _ in job.run():
            pass
    else:
        with click.progressbar(job.run(), length=job.total, label=f"生成{job.spec.title}",
                               show_pos=True, file=sys.stderr) as bar:
            for _ in bar:
                pass
    report = job.report
    if as_json:
        emit_json({"doc_type": report.doc_type, "ok": len(report.ok), "failed": len(report.failed),
                   "manifest": str(report.manifest) if report.manifest else None,
                   "documents": [{"rows": o.rows, "payer": o.payer, "status": o.status, "doc_id": o.doc_id,
                                  "wenhao": o.wenhao, "file": str(o.file) if o.file else None,
                                  "message": o.message} for o in report.outcomes]})
    else:
        echo(f"完成：成功 {len(report.ok)} 份，失败 {len(report.failed)} 份；输出目录 {report.out_dir}")
        if report.skipped_columns:
            warn(f"未识别的列已忽略：{'、'.join(report.skipped_columns)}")
        for o in report.failed:
            echo(f"  失败（第{'、'.join(map(str, o.rows))}行，{o.payer}）：{o.message}")
        if report.manifest:
            echo(f"清单：{report.manifest}")
    if report.failed:
        raise click.exceptions.Exit(1)


@click.group()
def templates() -> None:
    """文书模板：检查（templates check）。"""


@templates.command("check")
@click.argument("doc_types", nargs=-1, metavar="[文书类型…]")
@click.option("--rendered", is_flag=True,
              help="另用完整、最简、繁忙三组示例数据生成 PDF，逐页检查悬空标点、空括号、重复词、英文和代码、"
                   "落款单独成页、字体和每行28字。")
@json_option
@pass_app
def check(app: AppContext, doc_types: tuple[str, ...], as_json: bool, rendered: bool) -> None:
    """检查内置模板和工作区 templates/ 中的覆盖模板：能否打开、语法、字段是否在约定之内、
    标签中的全角符号和中文引号、页面设置（A4，GB/T 9704 页边距），并试渲染。"""
    from casefile.documents.check import check_templates
    from casefile.errors import WorkspaceNotFound

    try:
        ws = app.ws
    except WorkspaceNotFound:
        ws = None  # outside a workspace the shipped templates can still be checked
    report = check_templates(ws, doc_types=[t.upper() for t in doc_types] or None)
    if as_json:
        emit_json({"ok": report.ok, "checked": [t.label for t in report.checked],
                   "findings": [{"template": f.template, "code": f.code, "where": f.where, "message": f.message,
                                 "severity": f.severity} for f in report.findings]})
    else:
        for tf in report.checked:
            mine = report.of(tf.label)
            mark = "✗" if any(f.severity == "error" for f in mine) else ("!" if mine else "✓")
            echo(f"{mark} {tf.label}")
            for f in mine:
                where = f"{f.where}：" if f.where else ""
                echo(f"    {'错误' if f.severity == 'error' else '提示'}（{f.code}）{where}{f.message}")
        for f in report.findings:
            if f.template not in {t.label for t in report.checked}:
                echo(f"{'✗' if f.severity == 'error' else '!'} {f.template}：{f.message}")
        errors = len(report.errors)
        echo(f"共检查 {len(report.checked)} 个模板：{'全部通过' if report.ok else f'{errors} 处错误'}。")
    if rendered:
        _check_rendered(ws, [tf.doc_type for tf in report.checked if not report.of(tf.label)], as_json)
    if not report.ok:
        raise click.exceptions.Exit(1)


def _check_rendered(ws: Any, doc_types: list[str], as_json: bool) -> None:
    import tempfile
    from pathlib import Path

    from casefile.documents.rendercheck import check_rendered

    with tempfile.TemporaryDirectory(prefix="casefile-rendercheck-") as tmp:
        report = check_rendered(ws, doc_types, Path(tmp))
    if as_json:
        emit_json({"ok": report.ok, "rendered": [f"{t}-{v}" for t, v in report.checked],
                   "findings": [{"type": f.doc_type, "variant": f.variant, "page": f.page, "code": f.code,
                                 "message": f.message} for f in report.findings]})
    else:
        for f in report.findings:
            echo(f"✗ {f}")
        echo(f"生成并逐页检查 {len(report.checked)} 份 PDF：{'全部通过' if report.ok else f'{len(report.findings)} 处问题'}。")
    if not report.ok:
        raise click.exceptions.Exit(1)
