"""Fixtures for the administration service tests (helpers in ``admin_world``)."""

from __future__ import annotations

import pytest
from admin_world import FAST, UAI, World, populate, session

from educonnect_adapters.memory import MemoryStore
from educonnect_core.permissions import Actor
from educonnect_core.service import AdministrationService, Session
from educonnect_core.testing import FixedClock, SeededRandom


@pytest.fixture
def world(educonnect_clock: FixedClock) -> World:
    store = MemoryStore()
    populate(store, educonnect_clock.now())
    random = SeededRandom(42)
    service = AdministrationService(store, educonnect_clock, random, scrypt=FAST)
    return World(store, educonnect_clock, random, service)


@pytest.fixture
def chef() -> Session:
    """The chef d'établissement on the administrative network."""
    return session(Actor.chef_etablissement("ce-0001", UAI))


@pytest.fixture
def idp() -> Session:
    return session(Actor.identity_provider())
