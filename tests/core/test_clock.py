"""casefile.clock: the local zone is China Standard Time, a fixed UTC+8."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from casefile.clock import TZ, local_date, now, to_local


def test_the_fixed_offset_is_asia_shanghai_for_every_date_a_case_carries() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    t = datetime(1992, 1, 1, tzinfo=UTC)
    while t.year < 2100:  # twice a month for a century: no daylight saving, no change of offset
        assert t.astimezone(TZ).utcoffset() == t.astimezone(shanghai).utcoffset() == timedelta(hours=8)
        assert t.astimezone(TZ).replace(tzinfo=None) == t.astimezone(shanghai).replace(tzinfo=None)
        t += timedelta(days=15, hours=7)


def test_local_times_read_as_before() -> None:
    late = datetime(2026, 11, 21, 17, 30, tzinfo=UTC)  # 01:30 the next day in the county
    assert to_local(late).isoformat() == "2026-11-22T01:30:00+08:00"
    assert local_date(late).isoformat() == "2026-11-22"
    assert to_local(datetime(2026, 11, 22, 9, 0)).isoformat() == "2026-11-22T09:00:00+08:00"  # naive = local
    assert now(pinned_ok=False).utcoffset() == timedelta(hours=8)
