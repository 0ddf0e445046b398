"""Fixtures for the administration service tests (helpers in ``admin_world``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from admin_world import FAST, UAI, World, populate, session

from educonnect_adapters.memory import MemoryStore
from educonnect_core.permissions import Actor
from educonnect_core.plugins import Plugins
from educonnect_core.service import AdministrationService, Session
from educonnect_core.storage import Store
from educonnect_core.testing import FixedClock, SeededRandom


@pytest.fixture(params=["memory", "sqlite"])
def world(
    request: pytest.FixtureRequest, educonnect_clock: FixedClock, tmp_path: Path
) -> Iterator[World]:
    """The invented school in a memory store, then in a real SQLite file."""
    if request.param == "memory":
        store: Store = MemoryStore()
    else:
        plugins = Plugins.installed()
        if "sqlite" not in plugins.store_schemes():
            pytest.skip("no SQLite storage plugin installed")
        store = plugins.open_store(f"sqlite:///{tmp_path / 'admin.db'}")
    populate(store, educonnect_clock.now())
    random = SeededRandom(42)
    service = AdministrationService(store, educonnect_clock, random, scrypt=FAST)
    yield World(store, educonnect_clock, random, service)
    store.close()


@pytest.fixture
def chef() -> Session:
    """The chef d'établissement on the administrative network."""
    return session(Actor.chef_etablissement("ce-0001", UAI))


@pytest.fixture
def idp() -> Session:
    return session(Actor.identity_provider())
