"""The fakes and the pytest plugin shipped in ``educonnect_core.testing``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from educonnect_core.ports import Clock, RandomSource
from educonnect_core.testing import FixedClock, SeededRandom


def test_fixed_clock() -> None:
    start = dt.datetime(2026, 1, 12, 15, 0, tzinfo=ZoneInfo("Europe/Paris"))
    clock = FixedClock(start)
    assert isinstance(clock, Clock)
    assert clock.now() == start
    clock.advance(dt.timedelta(hours=2))
    assert clock.now() == start + dt.timedelta(hours=2)
    clock.set(start)
    assert clock.now() == start


def test_fixed_clock_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        FixedClock(dt.datetime(2026, 1, 12, 15, 0))


def test_seeded_random_is_deterministic() -> None:
    a, b = SeededRandom(7), SeededRandom(7)
    assert isinstance(a, RandomSource)
    assert a.token_bytes(16) == b.token_bytes(16)
    assert [a.choice("abc") for _ in range(20)] == [b.choice("abc") for _ in range(20)]
    assert SeededRandom(8).token_bytes(16) != SeededRandom(7).token_bytes(16)


def test_pytest_plugin_fixtures(
    educonnect_clock: FixedClock, educonnect_random: SeededRandom
) -> None:
    assert educonnect_clock.now().tzinfo is not None
    assert len(educonnect_random.token_bytes(4)) == 4
