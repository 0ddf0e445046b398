"""The SQLite backend passes the storage contract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from educonnect_adapters.sqlite import SqliteStore
from educonnect_core.storage import Store
from educonnect_core.testing.storage_contract import Reopen, StorageContract


class TestSqliteStore(StorageContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[Store]:
        store = SqliteStore(tmp_path / "store.db")
        yield store
        store.close()

    @pytest.fixture
    def reopen(self) -> Reopen:
        def reopen(store: Store) -> Store:
            store.close()
            return SqliteStore.open(store.url)

        return reopen
