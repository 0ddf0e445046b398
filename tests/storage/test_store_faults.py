"""Faults of the environment during a write: the process killed, the server's backend
terminated, the disk full. The store is left entirely before, and the error is one
:class:`StoreUnavailable` naming the store."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from educonnect_adapters.sqlite.store import SqliteStore
from educonnect_core import sync
from educonnect_core.errors import StoreUnavailable
from educonnect_core.plugins import Plugins
from educonnect_core.sync import synchronise
from educonnect_core.testing.storage_contract import SyntheticExport

from .test_importing import AT, dump

#: the child process writes every row of the sync, then is killed before the commit
KILLED_WHILE_WRITING = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from educonnect_core import sync
    from educonnect_core.plugins import Plugins
    from educonnect_core.testing.storage_contract import SyntheticExport

    real_write = sync._write

    def write_then_die(*args, **kwargs):
        real_write(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)

    sync._write = write_then_die
    store = Plugins.installed().open_store(sys.argv[1])
    at = dt.datetime(2026, 1, 13, 14, 0, tzinfo=dt.UTC)
    sync.synchronise(store, SyntheticExport(int(sys.argv[2]), variant="x"), at)
    """
)


@pytest.mark.parametrize("first", [True, False], ids=["import", "sync"])
def test_killed_while_writing_leaves_the_store_unchanged(
    durable_store_url: str, first: bool
) -> None:
    store = Plugins.installed().open_store(durable_store_url)
    try:
        if not first:
            synchronise(store, SyntheticExport(30), AT)
        before = dump(store)
    finally:
        store.close()
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_WRITING, durable_store_url, "45"],
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL
    store = Plugins.installed().open_store(durable_store_url)
    try:
        assert dump(store) == before
        assert synchronise(store, SyntheticExport(31), AT).records  # still writable
    finally:
        store.close()


@pytest.mark.postgres
def test_backend_terminated_mid_import(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    from educonnect_adapters.postgres.store import PostgresStore, split_url

    store = PostgresStore(postgres_url)
    real_write = sync._write
    conninfo, _schema = split_url(postgres_url)

    def terminated_midway(uow: Any, *args: Any, **kwargs: Any) -> None:
        pid = uow.conn.info.backend_pid
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        real_write(uow, *args, **kwargs)

    try:
        synchronise(store, SyntheticExport(20), AT)
        before = dump(store)
        monkeypatch.setattr(sync, "_write", terminated_midway)
        later = AT + dt.timedelta(days=1)
        with pytest.raises(StoreUnavailable) as failure:
            synchronise(store, SyntheticExport(40, variant="x"), later)
        message = str(failure.value)
        assert "\n" not in message
        assert "schema=" in message  # names the store
        assert "nothing was written" in message
        monkeypatch.undo()
        assert dump(store) == before  # a fresh connection from the pool
    finally:
        store.close()


def test_full_disk_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "small.db"
    store = SqliteStore(path)
    try:
        synchronise(store, SyntheticExport(10), AT)
        before = dump(store)
    finally:
        store.close()
    configure = SqliteStore._configure

    def limited(self: SqliteStore, connect: Any) -> sqlite3.Connection:
        conn = configure(self, connect)
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(SqliteStore, "_configure", limited)
    store = SqliteStore(path)
    try:
        with pytest.raises(StoreUnavailable, match=r"small\.db: database or disk is full"):
            synchronise(store, SyntheticExport(400, variant="x"), AT + dt.timedelta(days=1))
        assert dump(store) == before
    finally:
        store.close()
