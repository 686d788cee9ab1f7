"""Who acts: the workspace's staff list and the person behind a command or a web request.

Staff are configured in casefile.toml as ``[[staff]]`` tables (``name``, ``dept``, ``roles``,
optional ``login`` and ``os_user``). The CLI maps the operating-system account that runs it to a
staff entry (:func:`resolve_cli_actor`); the web maps its login. Nothing here imports pydantic:
the CLI resolves the actor on every write command and ``find_workspace`` has already validated
casefile.toml.

Rule for the CLI: a staff entry may be acted as only from the OS accounts listed in its
``os_user``. ``--user`` / ``CASEFILE_USER`` choose among the entries the current OS account may act
as (a front-desk account shared by two officers lists both); they can never reach an entry bound to
another account, and an entry without ``os_user`` is reachable only through the web login. Two-person
rules compare ``login``s, so two entries on one shared OS account are still two people to casefile:
an office that wants the rule enforced by the operating system gives every person their own account.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from casefile.errors import CasefileError, ConfigError

if TYPE_CHECKING:
    from casefile.config import Workspace

USER_VAR = "CASEFILE_USER"

ROLES: dict[str, str] = {
    "officer": "承办人",
    "liaison": "协办联络员",
    "head": "负责人",
    "archivist": "档案员",
    "reader": "查询/培训",
    "admin": "管理员",
}

# Who may take each signed step (two-person rules besides). Keys are the steps' stable codes.
ENTITLED: dict[str, frozenset[str]] = {
    "typical_draft": frozenset({"officer", "liaison", "head", "archivist", "reader"}),
    "typical_review": frozenset({"head", "archivist", "officer"}),
    "typical_approve": frozenset({"head"}),
    "typical_publish": frozenset({"head", "archivist", "reader"}),
    "destroy_request": frozenset({"archivist", "head"}),
    "destroy_approve": frozenset({"head"}),
    "extension_approve": frozenset({"head"}),
}

STEP_LABELS: dict[str, str] = {
    "typical_draft": "起草典型案例",
    "typical_review": "典型案例脱敏审核",
    "typical_approve": "典型案例发布审批",
    "typical_publish": "发布典型案例",
    "destroy_request": "申请销毁归档案卷",
    "destroy_approve": "批准销毁归档案卷",
    "extension_approve": "批准延期办理",
}


class IdentityRefused(CasefileError):
    """No staff configured, an unknown user, an account that may not act as the person named."""

    code = "identity"


class NotEntitled(CasefileError):
    """The person lacks the role a step needs, or is the same person as the one before."""

    code = "not-entitled"


@dataclass(frozen=True)
class Actor:
    name: str
    dept: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    login: str = ""
    via: str = "cli"  # "cli" | "web"
    address: str | None = None

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """What two-person rules compare."""
        return self.login or self.name

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def journal_fields(self) -> dict[str, Any]:
        """The extra keys of a journal line written by this person."""
        return {"login": self.key, "dept": self.dept, "via": self.via, "address": self.address}

    def roles_label(self) -> str:
        return "、".join(ROLES.get(r, r) for r in sorted(self.roles)) or "无"


ActorLike = str | Actor


def actor_name(actor: ActorLike) -> str:
    return actor.name if isinstance(actor, Actor) else str(actor)


def actor_key(actor: ActorLike) -> str:
    return actor.key if isinstance(actor, Actor) else str(actor)


def same_person(a: ActorLike, b_key: str) -> bool:
    """Whether ``a`` is the person recorded as ``b_key`` (a login, or a name for records that
    predate logins)."""
    if not b_key:
        return False
    if isinstance(a, Actor):
        return b_key in (a.key, a.name)
    return a == b_key


# -- the staff list ----------------------------------------------------------------------------
@dataclass(frozen=True)
class StaffEntry:
    name: str
    dept: str
    roles: frozenset[str]
    login: str
    os_users: tuple[str, ...]

    def actor(self, *, via: str = "cli", address: str | None = None) -> Actor:
        return Actor(name=self.name, dept=self.dept, roles=self.roles, login=self.login, via=via, address=address)


def parse_staff(raw: Mapping[str, Any], departments: Iterable[Mapping[str, Any]] = ()) -> list[StaffEntry]:
    """The ``[[staff]]`` tables of a raw casefile.toml; raises :class:`ConfigError` naming the
    entry and the key that is wrong."""
    items = raw.get("staff", [])
    if not isinstance(items, list):
        raise ConfigError("配置文件的 staff 应写成若干节 [[staff]]（每位工作人员一节）。")
    dept_codes: dict[str, str] = {}
    for d in departments:
        code = str(d.get("code", ""))
        for alias in (code, str(d.get("name", "")), *[str(a) for a in d.get("aliases", []) or []]):
            if alias:
                dept_codes[alias] = code
    out: list[StaffEntry] = []
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        where = f"第{i}个 [[staff]]"
        if not isinstance(item, dict):
            raise ConfigError(f"配置文件的{where}不是表（应有 name、dept、roles）。")
        unknown = sorted(set(item) - {"name", "dept", "roles", "login", "os_user"})
        if unknown:
            raise ConfigError(f"配置文件的{where}有未知的键：{'、'.join(unknown)}（可用 name、dept、roles、login、os_user）。")
        name = str(item.get("name", "")).strip()
        if not name:
            raise ConfigError(f"配置文件的{where}缺少 name（工作人员姓名）。")
        where = f"[[staff]] “{name}”"
        dept_text = str(item.get("dept", "")).strip()
        if not dept_text:
            raise ConfigError(f"配置文件中 {where} 缺少 dept（所在部门）。")
        dept = dept_codes.get(dept_text, dept_text) if dept_codes else dept_text
        if dept_codes and dept_text not in dept_codes:
            raise ConfigError(f"配置文件中 {where} 的 dept“{dept_text}”不是 departments 中的部门，请填写部门代码或名称。")
        roles_raw = item.get("roles", [])
        if isinstance(roles_raw, str):
            roles_raw = [roles_raw]
        if not isinstance(roles_raw, list) or not roles_raw:
            raise ConfigError(f"配置文件中 {where} 缺少 roles（角色，可选：{_roles_help()}）。")
        roles: set[str] = set()
        for r in roles_raw:
            role = _role_code(str(r))
            if role is None:
                raise ConfigError(f"配置文件中 {where} 的角色“{r}”未知，可选：{_roles_help()}。")
            roles.add(role)
        login = str(item.get("login", "") or name).strip()
        os_raw = item.get("os_user", [])
        listed = [os_raw] if isinstance(os_raw, str) else [str(x) for x in os_raw]
        os_users = tuple(u.strip() for u in listed if u.strip())
        for key in {name, login}:
            if key in seen:
                raise ConfigError(f"配置文件中 {where} 的姓名或 login 与另一位工作人员重复；每人须唯一。")
            seen.add(key)
        out.append(StaffEntry(name, dept, frozenset(roles), login, os_users))
    return out


def _role_code(text: str) -> str | None:
    t = text.strip()
    if t in ROLES:
        return t
    for code, label in ROLES.items():
        if t == label or t in label.split("/"):
            return code
    return None


def _roles_help() -> str:
    return "、".join(f"{code}（{label}）" for code, label in ROLES.items())


def staff_of(ws: Workspace) -> list[StaffEntry]:
    return parse_staff(ws.raw, ws.raw.get("departments", []))


def find_staff(ws: Workspace, who: str) -> StaffEntry | None:
    """The staff entry whose name or login is ``who``."""
    w = who.strip()
    return next((s for s in staff_of(ws) if w in (s.name, s.login)), None)


def os_login() -> str:
    """The operating-system account running this process (the effective uid, not $USER, which any
    caller can set)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def _host_name() -> str:
    if hasattr(os, "uname"):  # what socket.gethostname() returns, without loading socket
        return os.uname().nodename
    import socket

    return socket.gethostname()


def _how_to_configure(os_user: str) -> str:
    return (f"请管理员在 casefile.toml 中为该工作人员添加一节 [[staff]]，写明 name（姓名）、dept（部门）、"
            f"roles（角色）和 os_user = \"{os_user}\"")


def resolve_cli_actor(ws: Workspace, user_arg: str | None = None, *, env: Mapping[str, str] | None = None,
                      os_user: str | None = None) -> Actor:
    """The staff member running this command, or :class:`IdentityRefused` saying how to set one.

    ``user_arg`` (``--user``) or ``CASEFILE_USER`` picks among the entries this OS account may act
    as; without them the account must map to exactly one entry."""
    environ = os.environ if env is None else env
    account = os_user or os_login()
    staff = staff_of(ws)
    if not staff:
        raise IdentityRefused(
            f"本工作区尚未配置工作人员名单，无法确定操作人；{_how_to_configure(account)}，然后重新运行命令。"
        )
    wanted = (user_arg or environ.get(USER_VAR) or "").strip()
    address = f"{account}@{_host_name()}"
    mine = [s for s in staff if account in s.os_users]
    if wanted:
        entry = next((s for s in staff if wanted in (s.name, s.login)), None)
        if entry is None:
            names = "、".join(s.name for s in mine) or "无"
            raise IdentityRefused(
                f"操作人“{_shown(wanted)}”不在本工作区的工作人员名单（casefile.toml 的 [[staff]]）中；"
                f"本账号 {account} 可用的姓名：{names}。请改用名单中的姓名，或{_how_to_configure(account)}。"
            )
        if account not in entry.os_users:
            bound = "、".join(entry.os_users) or "（仅限网页登录）"
            raise IdentityRefused(
                f"操作系统账号 {account} 不能以“{entry.name}”的身份操作（该工作人员绑定的账号：{bound}）；"
                f"请用自己的账号操作，或请管理员在其 [[staff]] 的 os_user 中加入 \"{account}\"。"
            )
        return entry.actor(address=address)
    if len(mine) == 1:
        return mine[0].actor(address=address)
    if not mine:
        raise IdentityRefused(
            f"操作系统账号 {account} 不在本工作区的工作人员名单中，无法确定操作人；{_how_to_configure(account)}。"
        )
    names = "、".join(s.name for s in mine)
    raise IdentityRefused(
        f"账号 {account} 可代表多位工作人员（{names}）：请用 --user 姓名 或环境变量 {USER_VAR} 指明本次操作人。"
    )


def _shown(text: str) -> str:
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shown if len(shown) <= 40 else shown[:37] + "…"


# -- two-person and role rules -----------------------------------------------------------------
def require_entitled(actor: ActorLike, step: str) -> None:
    """Refuse unless ``actor`` holds one of the roles the step needs. A bare name (library callers
    and tests that pass strings) carries no roles and is not checked: only the front ends build
    Actors, and they always do."""
    if not isinstance(actor, Actor):
        return
    allowed = ENTITLED[step]
    if not actor.has_role(*allowed):
        need = "、".join(ROLES[r] for r in sorted(allowed))
        raise NotEntitled(
            f"{actor.name}（角色：{actor.roles_label()}）无权{STEP_LABELS[step]}，须由{need}办理；"
            f"角色在 casefile.toml 的 [[staff]] roles 中配置。"
        )


def require_other_person(actor: ActorLike, earlier_key: str, earlier_name: str, step: str, earlier_role: str) -> None:
    """Refuse when ``actor`` is the person who took the earlier step of a two-person rule."""
    if same_person(actor, earlier_key) or (earlier_name and actor_name(actor) == earlier_name):
        raise NotEntitled(
            f"{STEP_LABELS[step]}须由另一人办理：{actor_name(actor)}已是本件的{earlier_role}，请由其他有权限的人员操作。"
        )
