"""Time as a parameter.

Nothing below the CLI asks the system clock; the CLI calls :func:`now` once per command and passes
the value down. ``CASEFILE_NOW`` (ISO 8601) pins the clock for demos, tests and reproducible runs;
the CLI honours it only in a workspace marked as a test or demo workspace (``[workspace] purpose``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

# China Standard Time (Asia/Shanghai) is UTC+8 the whole year and has had no daylight saving since
# 1991, so for every time a case carries it is this fixed offset; a fixed offset also spares every
# command loading the tz database at start-up (zoneinfo, sysconfig: a seventh of a bare click import).
TZ = timezone(timedelta(hours=8), "CST")
NOW_VAR = "CASEFILE_NOW"


PINNABLE = ("test", "demo")


def pinning_allowed(raw_config: Mapping[str, Any]) -> bool:
    """Whether a workspace (its raw casefile.toml) may run on a pinned clock."""
    section = raw_config.get("workspace")
    return isinstance(section, Mapping) and section.get("purpose") in PINNABLE


def now(*, pinned_ok: bool = True) -> datetime:
    pinned = os.environ.get(NOW_VAR) if pinned_ok else None
    if pinned:
        try:
            value = datetime.fromisoformat(pinned)
        except ValueError:
            from casefile.errors import ConfigError

            raise ConfigError(f"环境变量 {NOW_VAR} 的值“{pinned[:40]}”不是 ISO 8601 时间（如 2026-11-22T10:00:00+08:00）。") from None
        return value if value.tzinfo else value.replace(tzinfo=TZ)
    return system_now()


def system_now() -> datetime:
    """The real clock, whatever CASEFILE_NOW says (destruction is never dated by a variable)."""
    return datetime.now(TZ)


def to_local(value: datetime) -> datetime:
    return value.astimezone(TZ) if value.tzinfo else value.replace(tzinfo=TZ)


def local_date(value: datetime) -> date:
    return to_local(value).date()
