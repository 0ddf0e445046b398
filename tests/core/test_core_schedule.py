"""The next-morning rule: a SIECLE fix on day D takes effect on D+1 at the refresh hour."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from educonnect_core.schedule import RefreshSchedule

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def paris(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("fixed_at", "effective"),
    [
        (paris(2026, 1, 12, 15, 0), paris(2026, 1, 13, 6, 0)),
        (paris(2026, 1, 12, 0, 5), paris(2026, 1, 13, 6, 0)),  # even before 06:00: next day
        (paris(2026, 1, 12, 23, 59), paris(2026, 1, 13, 6, 0)),
        (paris(2025, 12, 31, 18, 0), paris(2026, 1, 1, 6, 0)),
        (paris(2024, 2, 28, 10, 0), paris(2024, 2, 29, 6, 0)),
    ],
)
def test_next_morning(fixed_at: dt.datetime, effective: dt.datetime) -> None:
    assert RefreshSchedule().effective_from(fixed_at) == effective


def test_day_is_the_local_day_not_utc() -> None:
    # 23:30 UTC on 11 January is 00:30 on 12 January in Paris
    fixed_at = dt.datetime(2026, 1, 11, 23, 30, tzinfo=UTC)
    assert RefreshSchedule().effective_from(fixed_at) == paris(2026, 1, 13, 6, 0)


def test_spring_forward() -> None:
    # clocks go from 02:00 to 03:00 on Sunday 29 March 2026
    effective = RefreshSchedule().effective_from(paris(2026, 3, 28, 16, 0))
    assert effective == paris(2026, 3, 29, 6, 0)
    assert effective.utcoffset() == dt.timedelta(hours=2)
    assert effective.astimezone(UTC) == dt.datetime(2026, 3, 29, 4, 0, tzinfo=UTC)


def test_fall_back() -> None:
    # clocks go from 03:00 back to 02:00 on Sunday 25 October 2026
    effective = RefreshSchedule().effective_from(paris(2026, 10, 24, 16, 0))
    assert effective.utcoffset() == dt.timedelta(hours=1)
    assert effective.astimezone(UTC) == dt.datetime(2026, 10, 25, 5, 0, tzinfo=UTC)


def test_fix_during_the_repeated_hour() -> None:
    first = dt.datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=0)
    second = dt.datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=1)
    for fixed_at in (first, second):
        assert RefreshSchedule().effective_from(fixed_at) == paris(2026, 10, 26, 6, 0)


def test_hour_is_a_setting() -> None:
    schedule = RefreshSchedule(hour=4, minute=30)
    assert schedule.effective_from(paris(2026, 1, 12, 15, 0)) == paris(2026, 1, 13, 4, 30)


def test_other_timezone() -> None:
    schedule = RefreshSchedule(timezone="America/Cayenne")
    fixed_at = dt.datetime(2026, 1, 12, 23, 0, tzinfo=ZoneInfo("America/Cayenne"))
    effective = schedule.effective_from(fixed_at)
    assert effective == dt.datetime(2026, 1, 13, 6, 0, tzinfo=ZoneInfo("America/Cayenne"))


def test_bad_settings_and_naive_time_are_refused() -> None:
    with pytest.raises(ValueError, match="hour"):
        RefreshSchedule(hour=24)
    with pytest.raises(ValueError, match="minute"):
        RefreshSchedule(minute=60)
    with pytest.raises(ValueError, match="aware"):
        RefreshSchedule().effective_from(dt.datetime(2026, 1, 12, 15, 0))


@given(st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2035, 12, 31), timezones=st.just(PARIS)))
def test_always_later_and_the_next_local_day(fixed_at: dt.datetime) -> None:
    effective = RefreshSchedule().effective_from(fixed_at)
    assert effective > fixed_at
    assert effective.date() == fixed_at.date() + dt.timedelta(days=1)
    assert (effective.hour, effective.minute) == (6, 0)
    assert effective - fixed_at <= dt.timedelta(hours=31)
