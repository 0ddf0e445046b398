"""PostgreSQL for the storage tests: a reachable server, a fresh schema per test.

Without a reachable server the PostgreSQL tests are skipped with the reason,
unless ``EDUCONNECT_REQUIRE_POSTGRES=1`` (CI), when they fail. The server is
``EDUCONNECT_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``).
Schemas are named ``educonnect_test_<run>_<n>`` and dropped after each test.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from educonnect_adapters.memory import MemoryStore
from educonnect_adapters.sqlite import SqliteStore
from educonnect_core.storage import Store

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
RUN = f"educonnect_test_{os.getpid()}_{secrets.token_hex(3)}"
_COUNTER = itertools.count(1)


def _server_url() -> str:
    return os.environ.get("EDUCONNECT_POSTGRES_URL", DEFAULT_URL)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The server URL, or a skip (a failure in CI) when it cannot be reached."""
    url = _server_url()
    required = os.environ.get("EDUCONNECT_REQUIRE_POSTGRES") == "1"
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        reason = f"PostgreSQL not reachable at {url}: {exc}".strip()
        if required:
            pytest.fail(f"{reason} (EDUCONNECT_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    return url


def drop_schema(server: str, schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A store URL on a fresh schema, dropped after the test."""
    schema = f"{RUN}_{next(_COUNTER)}"
    separator = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{separator}schema={schema}"
    drop_schema(postgres_server, schema)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store of each backend."""
    store: Store
    if request.param == "memory":
        store = MemoryStore()
    elif request.param == "sqlite":
        store = SqliteStore(tmp_path / "store.db")
    else:
        from educonnect_adapters.postgres import PostgresStore

        store = PostgresStore(request.getfixturevalue("postgres_url"))
    yield store
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def durable_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh store that outlives its process (SQLite, PostgreSQL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
