"""pytest plugin (entry point ``pytest11``): fixtures an integrator needs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from .fakes import FixedClock, SeededRandom


@pytest.fixture
def educonnect_clock() -> FixedClock:
    """A clock fixed at 12 January 2026, 15:00 Europe/Paris."""
    return FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=ZoneInfo("Europe/Paris")))


@pytest.fixture
def educonnect_random() -> SeededRandom:
    """Seeded randomness, for deterministic tests."""
    return SeededRandom(1234)
