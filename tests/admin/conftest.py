"""Fixtures for the administration service tests (helpers in ``admin_world``)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from educonnect_adapters.memory import MemoryStore
from educonnect_core.permissions import Actor
from educonnect_core.plugins import Plugins
from educonnect_core.service import AdministrationService, Session
from educonnect_core.storage import Store
from educonnect_core.testing import FixedClock, SeededRandom

from .admin_world import FAST, UAI, World, populate, session

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server (``EDUCONNECT_POSTGRES_URL``), or a skip when unreachable
    (a failure when ``EDUCONNECT_REQUIRE_POSTGRES=1``)."""
    url = os.environ.get("EDUCONNECT_POSTGRES_URL", POSTGRES_URL)
    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = f"PostgreSQL not reachable at {url}: {exc}".strip()
        if os.environ.get("EDUCONNECT_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return url


def _open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store of the backend named by ``request.param``, opened through the
    installed plugins as a caller would."""
    if request.param == "memory":
        yield MemoryStore()
        return
    plugins = Plugins.installed()
    if request.param == "sqlite":
        store = plugins.open_store(f"sqlite:///{tmp_path / 'admin.db'}")
        yield store
        store.close()
        return
    server: str = request.getfixturevalue("postgres_server")
    schema = f"educonnect_admin_{os.getpid()}_{secrets.token_hex(4)}"
    store = plugins.open_store(f"{server}{'&' if '?' in server else '?'}schema={schema}")
    yield store
    store.close()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from _open_store(request, tmp_path)


@pytest.fixture
def world(any_store: Store, educonnect_clock: FixedClock) -> World:
    """The invented school in a fresh store of each backend."""
    populate(any_store, educonnect_clock.now())
    random = SeededRandom(42)
    service = AdministrationService(any_store, educonnect_clock, random, scrypt=FAST)
    return World(any_store, educonnect_clock, random, service)


@pytest.fixture
def chef() -> Session:
    """The chef d'établissement on the administrative network."""
    return session(Actor.chef_etablissement("ce-0001", UAI))


@pytest.fixture
def idp() -> Session:
    return session(Actor.identity_provider())
