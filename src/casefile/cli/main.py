"""Root command. Subcommands are imported only when invoked, so ``casefile --help`` stays instant."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

import casefile.app  # noqa: F401  (registers the after-commit refresh of derived data; imports nothing heavy)
from casefile.cli import i18n
from casefile.cli.common import DEBUG_VAR, USER_VAR, AppContext

i18n.install()  # before any decorator below asks click for its (now Chinese) words

# name -> (module:attribute, one-line help shown by `casefile --help` without importing the module)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("casefile.cli.workspace:init", "创建工作区（casefile.toml 与 archive/inbox/indexes/templates 目录）。"),
    "new": ("casefile.cli.cases:new", "受理登记一件争议（交互填写或 --form 表单文件）。"),
    "list": ("casefile.cli.cases:list_cases", "列出案件，可按状态、类别、风险、部门、超期等筛选。"),
    "show": ("casefile.cli.cases:show", "查看案件记录与办理时间线。"),
    "redirect": ("casefile.cli.flow:redirect", "不予受理，告知当事人另行办理（T2）。"),
    "triage": ("casefile.cli.flow:triage", "审核分类、风险初判并分流（T4–T9）。"),
    "refer": ("casefile.cli.flow:refer", "奈曼模式职责不清事项：报送、催办、承办反馈、拒不处理移交纪委监委。"),
    "opinion": ("casefile.cli.flow:opinion", "登记联办部门书面意见，或记录逾期未复。"),
    "meeting": ("casefile.cli.flow:meeting", "会商/联席会议：报批同意并通知（T8）、记录纪要（T16）。"),
    "mediate": ("casefile.cli.flow:mediate", "调解：开始、达成协议、调解不成（T12–T14）。"),
    "decide": ("casefile.cli.flow:decide", "形成处理意见（T10/T15/T16）。"),
    "notify": ("casefile.cli.flow:notify", "向争议双方书面反馈处理意见并送达（T17）。"),
    "followup": ("casefile.cli.flow:followup", "跟踪回访，记录满意度与是否申请救济（T18–T20）。"),
    "remedy": ("casefile.cli.flow:remedy", "登记救济途径进展与结果（T21）。"),
    "enforce": ("casefile.cli.flow:enforce", "征缴执法：通知、责令限期、征收决定、催告、申请强制执行（E1–E7）。"),
    "extend": ("casefile.cli.flow:extend", "延期办理（经批准，出具延期办理告知书）。"),
    "report-back": ("casefile.cli.flow:report_back", "偏关模式：低风险事项办理结果向综治中心反馈。"),
    "escalate": ("casefile.cli.flow:escalate", "偏关模式：县级无法解决的事项提请市级部门协调。"),
    "flag": ("casefile.cli.flow:flag", "设置或解除舆情、涉访涉稳等标记（任何环节，理由记入日志）。"),
    "hotline": ("casefile.cli.reports:hotline", "12345/12366热线工单：办结回复文本、按日导出（csv/xlsx）。"),
    "obligation": ("casefile.cli.flow:obligation", "当事人应当履行的事项：登记履行或受益方放弃。"),
    "close": ("casefile.cli.flow:close", "办结案件。"),
    "reopen": ("casefile.cli.flow:reopen", "重新办理已办结或已归档的案件（归档案卷不被修改，另起新版本）。"),
    "due": ("casefile.cli.cases:due", "台账：已超期、今日到期、本周到期的事项。"),
    "doc": ("casefile.cli.doc:doc", "生成或重印文书；批量生成（doc batch）。"),
    "templates": ("casefile.cli.doc:templates", "检查文书模板（templates check）。"),
    "evidence": ("casefile.cli.evidence:evidence", "证据材料：手工归档、解锁加密文件、查看。"),
    "watch": ("casefile.cli.evidence:watch", "监视收件目录，把扫描件归入案卷。"),
    "coversheet": ("casefile.cli.evidence:coversheet", "打印带二维码的扫描封面页。"),
    "search": ("casefile.cli.search:search", "全文检索案件、文书、证据、典型案例和法规。"),
    "similar": ("casefile.cli.search:similar", "查找与某案件相似的既往案件。"),
    "index": ("casefile.cli.search:index", "检索索引：重建（index rebuild）。"),
    "typical": ("casefile.cli.library:typical", "典型案例库：起草脱敏稿、审核、批准、发布、导出。"),
    "archive": ("casefile.cli.archive:archive", "立卷归档：检查完整性、编档号、生成合并PDF与BagIt包。"),
    "verify": ("casefile.cli.archive:verify", "四性检测：校验归档案卷的真实性、完整性、可用性、安全性。"),
    "transfer": ("casefile.cli.archive:transfer", "按年度移交归档案卷并在目的地校验。"),
    "purge": ("casefile.cli.archive:purge", "保管期满的归档案卷销毁（申请与批准分别由两人完成）。"),
    "ledger": ("casefile.cli.reports:ledger", "导出工作台账（D31）与归档文件目录（D28）。"),
    "report": ("casefile.cli.reports:report", "月度综合分析报告（D30）。"),
    "risks": ("casefile.cli.reports:risks", "风险预警：重复诉求、群体性、大额、即将超期、舆情、滞留。"),
    "fsck": ("casefile.cli.workspace:fsck", "检查所有案卷：格式、日志哈希链、引用文件、目录一致性。"),
    "catalog": ("casefile.cli.workspace:catalog", "案件目录（SQLite）：重建（catalog rebuild）。"),
    "demo": ("casefile.cli.workspace:demo", "生成演示工作区：约30件覆盖全流程的案件。"),
    "serve": ("casefile.cli.web:serve", "启动网页端（浏览器办案），收件目录监视随之运行。"),
    "user": ("casefile.cli.web:user", "网页端账号：新建、重置密码、停用、列表、角色。"),
}


class LazyGroup(click.Group):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target[0].split(":")
        cmd: click.Command = getattr(importlib.import_module(module_name), attr)
        _localise(cmd)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_, help_) in COMMANDS.items()]
        with formatter.section("命令"):
            formatter.write_dl(rows)


def _localise(cmd: click.Command) -> None:
    if cmd.options_metavar == "[OPTIONS]":
        cmd.options_metavar = "[选项]"
    if isinstance(cmd, click.Group):
        if cmd.subcommand_metavar in (None, "COMMAND [ARGS]...", "COMMAND1 [ARGS]... [COMMAND2 [ARGS]...]..."):
            cmd.subcommand_metavar = "命令 [参数]..."
        for sub in cmd.commands.values():
            _localise(sub)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--workspace", "-w", metavar="目录", help="工作区目录；未给出时依次使用环境变量 CASEFILE_HOME、当前目录。")
@click.option("--user", "-u", metavar="姓名",
              help=f"操作人（casefile.toml [[staff]] 中本系统账号可代表的人员）；未给出时使用环境变量 {USER_VAR}，"
                   "再退而使用本系统账号唯一对应的人员。")
@click.version_option(package_name="casefile", message="casefile %(version)s")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, user: str | None) -> None:
    """casefile：社会保险费征缴争议联合处置案卷系统。

    凡要求“案件ID”之处，也可以填文书上印的案件编号（如 偏税社争〔2026〕3号，括号可打成 [] 或 ()）
    或热线工单号。

    \b
    环境变量：
      CASEFILE_HOME   工作区目录
      CASEFILE_USER   操作人姓名（须是本系统账号可代表的 [[staff]] 人员，记入日志）
      CASEFILE_NOW    固定“当前时间”（ISO 8601，只在测试/演示工作区生效）
      CASEFILE_DEBUG  出错时显示完整的调用栈
    """
    ctx.obj = AppContext(workspace_arg=workspace, user_arg=user)


def main(argv: list[str] | None = None) -> Any:
    debug = bool(os.environ.get(DEBUG_VAR))
    # casefile uses no pydantic plugins; without this pydantic scans every installed package's entry
    # points on first model build (~0.1–0.2 s on each command that reads a case).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from casefile.errors import CasefileError

    try:
        rv = cli.main(args=argv, prog_name="casefile", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return _exit(exc.exit_code)
    except click.Abort:
        click.echo("已取消。", err=True)
        return _exit(1)
    except click.ClickException as exc:
        exc.show()
        return _exit(exc.exit_code)
    except CasefileError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(f"错误：{exc.message}", err=True)
        return _exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("已中断。", err=True)
        return _exit(130)
    except BrokenPipeError:
        return _exit(0)
    except Exception as exc:
        if debug:
            import traceback

            traceback.print_exc()
        else:
            click.echo(f"错误：内部错误（{type(exc).__name__}），操作未完成，已有记录未受影响。"
                       f"设置环境变量 {DEBUG_VAR}=1 可查看详细信息。", err=True)
        return _exit(1)
    if isinstance(rv, int) and rv:
        return _exit(rv)
    return _exit(0)


def _exit(code: int) -> Any:
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
