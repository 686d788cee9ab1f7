"""Account management for ``casefile user …`` (the shell is where the first administrator is made)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casefile.errors import CasefileError, UnknownDepartment, UsageError

if TYPE_CHECKING:
    from casefile.config import Workspace


class AccountError(CasefileError):
    code = "account"


@dataclass
class AccountRow:
    login: str
    name: str
    dept: str
    dept_name: str
    roles: list[str]
    active: bool
    last_login: str

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _dept(ws: Workspace, text: str) -> str:
    from casefile.catalog import dept_resolver

    code = dept_resolver(ws)(text)
    if code is None:
        names = "、".join(str(d.get("name")) for d in ws.raw.get("departments", []))
        raise UnknownDepartment(f"--dept 的值“{text}”不是 casefile.toml 中的部门，可选：{names}。")
    return code


def _roles(text: str) -> list[str]:
    from casefile.web.roles import parse_roles

    try:
        roles = parse_roles(text)
    except ValueError as exc:
        raise UsageError(f"--roles：{exc}。") from None
    if not roles:
        raise UsageError("--roles 至少给出一个角色，如 officer 或 承办人。")
    return roles


def _get(login: str) -> Any:
    from casefile.web.models import Account

    user = Account.objects.filter(username=login).first()
    if user is None:
        raise AccountError(f"没有登录名为“{login}”的账号，可用 casefile user list 查看。")
    return user


def _policy(password: str, user: Any) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise UsageError("密码不符合要求：" + "；".join(m.rstrip("。") for m in exc.messages) + "。") from None


def add(ws: Workspace, login: str, name: str, dept: str, roles: str, password: str, *, must_change: bool = True) -> AccountRow:
    from casefile.web.models import Account

    login = login.strip()
    if not login or not login.replace("_", "").replace(".", "").replace("-", "").isalnum() or len(login) > 64:
        raise UsageError(f"登录名“{login}”无效：只能用字母、数字、点、横线和下划线。")
    if Account.objects.filter(username=login).exists():
        raise AccountError(f"登录名“{login}”已存在。")
    if Account.objects.filter(display_name=name.strip()).exists():
        # journals and the two-person rules name people: two accounts must never share a name
        raise AccountError(f"已有姓名为“{name}”的账号；同名的两人请在姓名后加以区分（如 王芳（医保））。")
    user = Account(username=login, display_name=name.strip(), dept=_dept(ws, dept), roles=",".join(_roles(roles)),
                   must_change_password=must_change)
    _policy(password, user)
    user.set_password(password)
    user.save()
    return row(ws, user)


def passwd(ws: Workspace, login: str, password: str, *, must_change: bool = True) -> AccountRow:
    from axes.utils import reset

    user = _get(login)
    _policy(password, user)
    user.set_password(password)
    user.must_change_password = must_change
    user.is_active = True
    user.save()
    reset(username=login)  # a reset password also lifts a lockout
    return row(ws, user)


def disable(ws: Workspace, login: str) -> AccountRow:
    from django.contrib.sessions.models import Session

    user = _get(login)
    user.is_active = False
    user.save()
    for s in Session.objects.all():  # end its open sessions now, not at their timeout
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk):
            s.delete()
    return row(ws, user)


def set_roles(ws: Workspace, login: str, roles: str, dept: str | None = None) -> AccountRow:
    user = _get(login)
    user.roles = ",".join(_roles(roles))
    if dept:
        user.dept = _dept(ws, dept)
    user.save()
    return row(ws, user)


def list_accounts(ws: Workspace) -> list[AccountRow]:
    from casefile.web.models import Account

    return [row(ws, u) for u in Account.objects.order_by("dept", "username")]


def row(ws: Workspace, u: Any) -> AccountRow:
    return AccountRow(u.username, u.display_name, u.dept, ws.dept_name(u.dept), sorted(u.role_set), u.is_active,
                      u.last_login.isoformat(timespec="minutes") if u.last_login else "")
