"""Stores written by an earlier release open with this code and are migrated forward."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest

from educonnect_adapters.postgres.schema import SCHEMA_VERSION as PG_VERSION
from educonnect_adapters.sqlite.schema import SCHEMA_VERSION
from educonnect_core.plugins import Plugins
from educonnect_core.storage import AccountQuery, Store
from educonnect_core.sync import synchronise
from educonnect_core.testing.storage_contract import UAI, SyntheticExport

FIXTURES = Path(__file__).parent / "fixtures"
LATER = dt.datetime(2026, 1, 20, 14, 0, tzinfo=dt.UTC)


def check_contents(store: Store) -> None:
    """What the earlier release wrote reads back, and the store goes on working."""
    with store.unit_of_work() as uow:
        accounts = list(uow.accounts.of_school(UAI))
        assert len(accounts) == 70
        stats = uow.accounts.statistics(UAI)
        assert stats.total == 70
        assert stats.blocked == uow.accounts.count(AccountQuery(uai=UAI, blocked=True, limit=None))
        snapshots = uow.eligibility.get_many(a.account_id for a in accounts)
        live = [a for a in accounts if a.state.value != "deactivated"]
        assert all(a.account_id in snapshots for a in live)
        assert len(list(uow.people.eleves(UAI))) == 32
        latest = uow.exports.latest(UAI)
        assert latest is not None
    # the export applied last is applied already: nothing to change
    assert synchronise(store, SyntheticExport(32), LATER).noop


def test_a_sqlite_store_of_schema_3_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "store-v3.sqlite3", path)
    store = Plugins.installed().open_store(f"sqlite:///{path}")
    try:
        check_contents(store)
    finally:
        store.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION > 3
    finally:
        conn.close()


@pytest.mark.postgres
def test_a_postgres_dump_of_schema_3_is_migrated(postgres_url: str, postgres_server: str) -> None:
    schema = postgres_url.rsplit("schema=", 1)[1]
    dump = (FIXTURES / "store-v3.postgres.sql").read_text(encoding="utf-8")
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(dump.replace("FIXTURE_SCHEMA", schema).encode())
    store = Plugins.installed().open_store(postgres_url)
    try:
        check_contents(store)
    finally:
        store.close()
    with psycopg.connect(postgres_server) as conn:
        found = conn.execute(f"SELECT max(version) FROM {schema}.educonnect_schema").fetchone()
        assert found is not None
        assert found[0] == PG_VERSION > 3
