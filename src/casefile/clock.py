"""Time as a parameter.

Nothing below the CLI asks the system clock; the CLI calls :func:`now` once per command and passes
the value down. ``CASEFILE_NOW`` (ISO 8601) pins the clock for demos, tests and reproducible runs.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
NOW_VAR = "CASEFILE_NOW"


def now() -> datetime:
    pinned = os.environ.get(NOW_VAR)
    if pinned:
        value = datetime.fromisoformat(pinned)
        return value if value.tzinfo else value.replace(tzinfo=TZ)
    return datetime.now(TZ)


def to_local(value: datetime) -> datetime:
    return value.astimezone(TZ) if value.tzinfo else value.replace(tzinfo=TZ)


def local_date(value: datetime) -> date:
    return to_local(value).date()
