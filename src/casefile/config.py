"""Finding a workspace and its folders. The settings themselves live in :mod:`casefile.settings`
and are loaded on first use, so read-only commands start fast."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.errors import ConfigError, WorkspaceNotFound

if TYPE_CHECKING:
    from casefile.settings import (
        Settings,
    )

CONFIG_NAME = "casefile.toml"
HOME_VAR = "CASEFILE_HOME"

_LAZY = {"DEFAULT_LIMITS", "MAX_EXTENSION_DAYS", "ArchiveCfg", "Department", "EvidenceCfg", "LateFeeCfg", "Limit",
         "Office", "Place", "RiskCfg", "RoutingCfg", "SearchCfg", "Settings", "load_settings", "parse_settings"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from casefile import settings

        return getattr(settings, name)
    raise AttributeError(name)


# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Workspace:
    """Where everything of one office lives. The only place that knows the top-level folder names.

    ``settings`` (validated with pydantic) is built on first use. Read-only commands that only need
    names use :meth:`dept_name` on the raw TOML, so ``list`` and ``due`` do not pay for pydantic;
    :func:`find_workspace` still guarantees the file was validated (a fingerprint of the last
    successful validation is kept in ``.casefile/``)."""

    root: Path
    preloaded: Settings | None = field(default=None, repr=False, compare=False)

    @cached_property
    def settings(self) -> Settings:
        return self.preloaded or _load(self.config_path)

    @cached_property
    def raw(self) -> dict[str, Any]:
        return tomllib.loads(self.config_path.read_text(encoding="utf-8"))

    def dept_name(self, code: str) -> str:
        """The name of a department given by code (or name, alias); the text itself if none matches."""
        from casefile.tables import field_of, find_department

        d = find_department(self.raw.get("departments", []), code)
        return str(field_of(d, "name") or code) if d is not None else code

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    @property
    def inbox_dir(self) -> Path:
        return self.root / "inbox"

    @property
    def indexes_dir(self) -> Path:
        return self.root / "indexes"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def library_dir(self) -> Path:
        return self.root / "library"

    @property
    def state_dir(self) -> Path:
        return self.root / ".casefile"

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    def ensure_valid(self) -> None:
        """Validate casefile.toml unless this exact file (size, mtime) was validated before."""
        marker = self.state_dir / "config-validated"
        try:
            st = self.config_path.stat()
        except OSError as exc:
            raise ConfigError(f"无法读取配置文件 {self.config_path}：{exc.strerror}。") from None
        fingerprint = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
        try:
            if marker.read_text(encoding="ascii") == fingerprint:
                return
        except (OSError, UnicodeDecodeError):
            pass
        _ = self.settings  # raises ConfigError naming file, key path and problem
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            tmp = marker.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(fingerprint, encoding="ascii")
            os.replace(tmp, marker)
        except OSError:
            pass  # a read-only workspace simply validates every time


def _load(path: Path) -> Settings:
    from casefile.settings import load_settings

    return load_settings(path)


def find_workspace(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Workspace:
    """--workspace DIR, then CASEFILE_HOME, then the current directory."""
    candidates: list[tuple[Path, str]] = []
    if explicit:
        candidates.append((Path(explicit), "--workspace"))
    elif os.environ.get(HOME_VAR):
        candidates.append((Path(os.environ[HOME_VAR]), HOME_VAR))
    else:
        candidates.append((cwd or Path.cwd(), "当前目录"))
    root, how = candidates[0]
    cfg = root / CONFIG_NAME
    if not cfg.is_file():
        raise WorkspaceNotFound(
            f"{how}指向的 {root} 不是 casefile 工作区（缺少 {CONFIG_NAME}），请先运行 casefile init 或用 --workspace 指定。"
        )
    ws = Workspace(root.resolve())
    ws.ensure_valid()
    return ws
