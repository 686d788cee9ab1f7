"""``casefile serve`` and ``casefile user add|passwd|disable|list|roles``. Django is imported only here."""

from __future__ import annotations

import click

from casefile.cli.common import AppContext, echo, emit_json, json_option, pass_app

ROLE_HELP = "角色（逗号分隔）：officer 承办人、liaison 协办联络员、head 负责人、archivist 档案员、reader 查询/培训、admin 管理员。"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址", help="监听地址（内网访问时用本机内网地址）。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), metavar="端口", help="监听端口。")
@click.option("--no-watch", is_flag=True, help="不随服务运行收件目录监视（另有 casefile watch 在运行时）。")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), metavar="数量", help="处理请求的线程数。")
@pass_app
def serve(app: AppContext, host: str, port: int, no_watch: bool, threads: int) -> None:
    """启动网页端（各部门在浏览器中办理案件），收件目录监视在同一进程中随之运行。

    \b
    账号先用 casefile user add 创建（第一个管理员也在这里创建）。
    收件目录监视若出错停止，会自动重新启动，网页不受影响；服务停止时监视随之停止，
    收件目录中未处理的文件在下次启动时继续处理。
    """
    from casefile.web.server import serve as run

    ws = app.ws
    run(ws, host=host, port=port, watcher=ws.settings.web.watcher and not no_watch, threads=threads, say=echo)


@click.group()
def user() -> None:
    """网页端账号：新建、重置密码、停用、列表、角色。"""


def _setup(app: AppContext) -> None:
    from casefile.web.config import configure

    configure(app.ws)


def _password(password: str | None) -> str:
    if password:
        return password
    return str(click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码"))


def _show(row: object, as_json: bool) -> None:
    from casefile.web.accounts import AccountRow
    from casefile.web.roles import labels

    assert isinstance(row, AccountRow)
    if as_json:
        emit_json(row.as_dict())
    else:
        state = "启用" if row.active else "停用"
        echo(f"{row.login}  {row.name}  {row.dept_name}  {labels(row.roles)}  {state}")


@user.command("add")
@click.argument("login", metavar="登录名")
@click.option("--name", required=True, metavar="姓名", help="姓名（记入办理日志；不同账号不能同名）。")
@click.option("--dept", required=True, metavar="部门", help="所属部门（casefile.toml 中的部门名称或代码）。")
@click.option("--roles", required=True, metavar="角色", help=ROLE_HELP)
@click.option("--password", metavar="密码", help="初始密码；不给出时提示输入（不回显）。首次登录须修改。")
@click.option("--keep-password", is_flag=True, help="首次登录不要求修改密码（演示与测试用）。")
@json_option
@pass_app
def user_add(app: AppContext, login: str, name: str, dept: str, roles: str, password: str | None,
             keep_password: bool, as_json: bool) -> None:
    """新建账号。"""
    from casefile.web import accounts

    _setup(app)
    row = accounts.add(app.ws, login, name, dept, roles, _password(password), must_change=not keep_password)
    _show(row, as_json)


@user.command("passwd")
@click.argument("login", metavar="登录名")
@click.option("--password", metavar="密码", help="新密码；不给出时提示输入（不回显）。")
@click.option("--keep-password", is_flag=True, help="下次登录不要求修改密码。")
@json_option
@pass_app
def user_passwd(app: AppContext, login: str, password: str | None, keep_password: bool, as_json: bool) -> None:
    """重置密码（同时解除锁定、重新启用）；下次登录须修改密码。"""
    from casefile.web import accounts

    _setup(app)
    _show(accounts.passwd(app.ws, login, _password(password), must_change=not keep_password), as_json)


@user.command("disable")
@click.argument("login", metavar="登录名")
@json_option
@pass_app
def user_disable(app: AppContext, login: str, as_json: bool) -> None:
    """停用账号并立即结束其登录会话（记录保留）。"""
    from casefile.web import accounts

    _setup(app)
    _show(accounts.disable(app.ws, login), as_json)


@user.command("roles")
@click.argument("login", metavar="登录名")
@click.argument("roles", metavar="角色")
@click.option("--dept", metavar="部门", help="同时调整所属部门。")
@json_option
@pass_app
def user_roles(app: AppContext, login: str, roles: str, dept: str | None, as_json: bool) -> None:
    """设置账号的角色（整体替换），如：casefile user roles wangfang officer,head。"""
    from casefile.web import accounts

    _setup(app)
    _show(accounts.set_roles(app.ws, login, roles, dept), as_json)


@user.command("list")
@json_option
@pass_app
def user_list(app: AppContext, as_json: bool) -> None:
    """列出全部账号。"""
    from casefile.web import accounts

    _setup(app)
    rows = accounts.list_accounts(app.ws)
    if as_json:
        emit_json([r.as_dict() for r in rows])
        return
    if not rows:
        echo("还没有账号。用 casefile user add 登录名 --name 姓名 --dept 部门 --roles admin 创建第一个管理员。")
    for r in rows:
        _show(r, False)


@user.command("demo")
@pass_app
def user_demo(app: AppContext) -> None:
    """为演示工作区创建演示账号（税务局每种角色一个、各协办部门联络员各一个），并打印登录名与密码。"""
    from casefile.web.demo import DEMO_PASSWORD, create_demo_accounts

    if (app.ws.raw.get("workspace") or {}).get("purpose") not in ("demo", "test"):
        from casefile.errors import UsageError

        raise UsageError("演示账号只能在演示工作区（casefile demo 生成）中创建；正式工作区请用 casefile user add。")
    _setup(app)
    rows = create_demo_accounts(app.ws)
    echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for login, name, dept, roles in rows:
        echo(f"  {login:<12} {name}  {dept}  {roles}")
