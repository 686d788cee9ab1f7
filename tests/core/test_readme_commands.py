"""The README uses only commands that work as printed: every `casefile …` line in its code blocks names
a real command and only options that command has (`export --out` once slipped through)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click

from casefile.cli.main import cli

README = Path(__file__).resolve().parents[2] / "README.md"


def command_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```(?:bash|sh)?\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line.startswith("casefile "):
                lines.append(line)
    return lines


def resolve(args: list[str]) -> tuple[click.Command, list[str]]:
    ctx = click.Context(cli)
    cmd: click.Command = cli
    rest = list(args)
    while isinstance(cmd, click.Group):
        while rest and rest[0].startswith("-"):  # root options: -w 目录, --user 姓名
            rest = rest[2:]
        if not rest or rest[0] not in cmd.list_commands(ctx):
            break
        sub = cmd.get_command(ctx, rest[0])
        assert sub is not None, rest[0]
        cmd, rest = sub, rest[1:]
    if cmd.name == "doc" and isinstance(cmd, click.Group):  # `doc 案件 D17 …` goes to the hidden issue command
        issue = cmd.get_command(ctx, "issue")
        assert issue is not None
        cmd = issue
    return cmd, rest


def test_every_readme_command_exists_with_its_options() -> None:
    lines = command_lines()
    assert len(lines) >= 20
    for line in lines:
        for part in line.split("&&"):
            args = shlex.split(part.split("|")[0].split(">")[0])[1:]
            cmd, rest = resolve(args)
            known = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
            for token in rest:
                if token.startswith("--"):
                    assert token.split("=")[0] in known, f"README: “{line}” — {cmd.name} 没有选项 {token}"
