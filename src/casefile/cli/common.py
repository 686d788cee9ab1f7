"""What every command shares: the application context, output helpers, option decorators."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, update_wrapper
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from casefile.config import Workspace
    from casefile.identity import Actor

USER_VAR = "CASEFILE_USER"
DEBUG_VAR = "CASEFILE_DEBUG"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    """Built once by the root group and passed down to every command."""

    workspace_arg: str | None = None
    user_arg: str | None = None
    _now: datetime | None = field(default=None, repr=False)

    @cached_property
    def ws(self) -> Workspace:
        from casefile.config import find_workspace

        return find_workspace(self.workspace_arg)

    @cached_property
    def actor(self) -> Actor:
        """The staff member running this command (from the OS account and --user/CASEFILE_USER);
        refuses, saying how to configure one, when there is none."""
        from casefile.identity import resolve_cli_actor

        return resolve_cli_actor(self.ws, self.user_arg)

    @property
    def now(self) -> datetime:
        if self._now is None:
            from casefile import clock

            self._now = clock.now(pinned_ok=self.clock_may_be_pinned())
        return self._now

    def clock(self) -> datetime:
        """The clock for long-running commands (the watcher), under the same rule as :attr:`now`."""
        from casefile import clock

        return clock.now(pinned_ok=self.clock_may_be_pinned())

    def clock_may_be_pinned(self) -> bool:
        """CASEFILE_NOW is honoured only in a workspace marked as a test or demo workspace; in any
        other it is refused, so nobody dates a destruction or a deadline into the future."""
        from casefile import clock

        if not os.environ.get(clock.NOW_VAR):
            return False
        if clock.pinning_allowed(self.ws.raw):
            return True
        from casefile.errors import ConfigError

        raise ConfigError(
            f"环境变量 {clock.NOW_VAR} 只在测试或演示工作区（casefile.toml 中 [workspace] purpose = \"test\" 或 "
            f"\"demo\"）中生效；本工作区按系统时间办理，请取消该环境变量后重试。"
        )


class CaseRef(click.ParamType):
    """A case as people quote it: case id, 案件编号 (偏税社争〔2026〕3号, brackets as [] or ()) or 工单号."""

    name = "案件ID/案件编号/工单号"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from casefile.caseref import resolve_case

        app = ctx.find_object(AppContext) if ctx is not None else None
        if app is None:
            return str(value)
        return resolve_case(app.ws, str(value))


CASE_REF = CaseRef()


class LabelChoice(click.ParamType):
    """A choice shown and accepted by its Chinese name; the stored code is accepted too."""

    name = "选项"

    def __init__(self, pairs: dict[str, tuple[str, ...]]) -> None:
        # code -> (label shown, other words accepted)
        self.pairs = pairs

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        return "[" + "|".join(words[0] for words in self.pairs.values()) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        import unicodedata

        t = unicodedata.normalize("NFKC", str(value)).strip()
        for code, words in self.pairs.items():
            if t.lower() == code.lower() or t in words:
                return code
        names = "、".join(words[0] for words in self.pairs.values())
        self.fail(f"“{value}”不是可选的值，请填写：{names}", param, ctx)
CASE_METAVAR = "案件ID或编号"


def pass_app(f: F) -> F:
    @click.pass_context
    def wrapper(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(f, ctx.find_object(AppContext), *args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（键名稳定，供脚本使用）。")(f)


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def echo(text: str = "", **kwargs: Any) -> None:
    click.echo(text, **kwargs)


def warn(text: str) -> None:
    click.echo(f"注意：{text}", err=True)


def path_arg(value: str | None) -> Path | None:
    return Path(value) if value else None


def is_tty() -> bool:
    return sys.stdout.isatty()
