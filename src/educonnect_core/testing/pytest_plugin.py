"""pytest plugin (entry point ``pytest11``): fixtures an integrator needs."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from educonnect_core.plugins import Plugins
from educonnect_core.ports import ExportReader
from educonnect_core.storage import Store

from .fakes import FixedClock, SeededRandom

# the contract suite's asserts get pytest's detailed messages
pytest.register_assert_rewrite("educonnect_core.testing.storage_contract")


@pytest.fixture
def educonnect_clock() -> FixedClock:
    """A clock fixed at 12 January 2026, 15:00 Europe/Paris."""
    return FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=ZoneInfo("Europe/Paris")))


@pytest.fixture
def educonnect_random() -> SeededRandom:
    """Seeded randomness, for deterministic tests."""
    return SeededRandom(1234)


@pytest.fixture
def educonnect_store_url(tmp_path: Path) -> str:
    """The store URL for a test: ``EDUCONNECT_STORE_URL`` if set, else a fresh SQLite
    file in the test's temporary folder. ``{tmp}`` in the variable is replaced by
    that folder (``sqlite:///{tmp}/store.db``)."""
    url = os.environ.get("EDUCONNECT_STORE_URL")
    if url:
        return url.replace("{tmp}", str(tmp_path))
    return f"sqlite:///{tmp_path / 'educonnect.db'}"


@pytest.fixture
def educonnect_store(educonnect_store_url: str) -> Iterator[Store]:
    """An open store from :func:`educonnect_store_url`, through the installed plugins;
    closed after the test."""
    store = Plugins.installed().open_store(educonnect_store_url)
    yield store
    store.close()


@pytest.fixture
def educonnect_synthetic_export() -> ExportReader:
    """A small export of invented people (60 students and their responsables)."""
    from .storage_contract import SyntheticExport

    return SyntheticExport(60)
