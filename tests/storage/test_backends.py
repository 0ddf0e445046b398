"""Backend specifics: URLs, plugin discovery, schema versions and migrations, pragmas."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from educonnect_adapters.sqlite import SqliteStore
from educonnect_adapters.sqlite.schema import MIGRATIONS, SCHEMA_VERSION
from educonnect_adapters.sqlite.store import path_of
from educonnect_core.audit import AuditEvent, Outcome
from educonnect_core.deliveries import DeliveryRecord
from educonnect_core.errors import PluginError, StorageError
from educonnect_core.plugins import Plugins
from educonnect_core.storage import Store


def test_installed_plugins_serve_the_three_schemes(tmp_path: Path) -> None:
    plugins = Plugins.installed()
    assert {"memory", "sqlite", "postgresql"} <= set(plugins.store_schemes())
    memory = plugins.open_store("memory://")
    assert isinstance(memory, Store)
    sqlite_store = plugins.open_store(f"sqlite:///{tmp_path / 'a.db'}")
    assert isinstance(sqlite_store, SqliteStore)
    for store in (memory, sqlite_store):
        store.close()


def test_unknown_scheme_names_the_known_ones() -> None:
    with pytest.raises(PluginError, match="memory"):
        Plugins.installed().open_store("mongodb://localhost/db")


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///educonnect.db", Path("educonnect.db")),
        ("sqlite:///data/school.db", Path("data/school.db")),
        ("sqlite:////var/lib/educonnect.db", Path("/var/lib/educonnect.db")),
        ("sqlite:///with%20space.db", Path("with space.db")),
    ],
)
def test_sqlite_url_forms(url: str, path: Path) -> None:
    assert path_of(url) == path


@pytest.mark.parametrize(
    "url", ["sqlite://host/x.db", "sqlite:///", "sqlite:///:memory:", "sqlite:x.db"]
)
def test_bad_sqlite_urls_are_refused(url: str) -> None:
    with pytest.raises(StorageError, match="sqlite"):
        path_of(url)


def test_unopenable_sqlite_file_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot open"):
        SqliteStore(tmp_path / "missing-folder" / "x.db")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match=r"garbage\.db"):
        SqliteStore(garbage)


def test_sqlite_pragmas_and_schema_version(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    with store.unit_of_work() as uow:
        conn = uow.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.close()


def test_sqlite_migrates_forward_from_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    SqliteStore(path).close()  # opening again changes nothing


def test_sqlite_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="newer than this library"):
        SqliteStore(path)


@pytest.mark.parametrize("statement", ["UPDATE {} SET account_id = 'x'", "DELETE FROM {}"])
@pytest.mark.parametrize("table", ["audit", "deliveries"])
def test_sqlite_logs_are_append_only(tmp_path: Path, table: str, statement: str) -> None:
    at = dt.datetime(2026, 1, 12, tzinfo=dt.UTC)
    path = tmp_path / "s.db"
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        uow.audit.append(AuditEvent(at, "chef", "head", "otp", "notify", Outcome.ALLOWED, "E-1"))
        uow.deliveries.append(DeliveryRecord("E-1", "paper", at, True))
        uow.commit()
    store.close()
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(statement.format(table))
    conn.close()


def test_closed_store_refuses_work(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    store.close()
    with pytest.raises(StorageError, match="closed"):
        store.unit_of_work()


# ----------------------------------------------------------------------------- PostgreSQL


def test_postgres_url_split() -> None:
    pytest.importorskip("psycopg")
    from educonnect_adapters.postgres.store import split_url

    assert split_url("postgresql://u@h:5432/db?schema=s1&sslmode=disable") == (
        "postgresql://u@h:5432/db?sslmode=disable",
        "s1",
    )
    assert split_url("postgres://u@h/db") == ("postgresql://u@h/db", "public")
    with pytest.raises(StorageError, match="schema"):
        split_url("postgresql://u@h/db?schema=")


@pytest.mark.postgres
def test_postgres_schema_version_and_newer_refused(postgres_url: str) -> None:
    import psycopg

    from educonnect_adapters.postgres import PostgresStore
    from educonnect_adapters.postgres.schema import SCHEMA_VERSION as PG_VERSION

    store = PostgresStore(postgres_url)
    schema = store.schema
    store.close()
    server = postgres_url.split("?")[0]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        row = conn.execute("SELECT max(version) FROM educonnect_schema").fetchone()
        assert row is not None
        assert row[0] == PG_VERSION
        conn.execute("UPDATE educonnect_schema SET version = version + 1")
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("TRUNCATE audit")
    with pytest.raises(StorageError, match="newer than this library"):
        PostgresStore(postgres_url)


@pytest.mark.postgres
def test_postgres_unreachable_is_a_storage_error() -> None:
    pytest.importorskip("psycopg")
    from educonnect_adapters.postgres import PostgresStore

    with pytest.raises(StorageError, match="cannot connect"):
        PostgresStore("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
