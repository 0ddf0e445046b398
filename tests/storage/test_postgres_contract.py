"""The PostgreSQL backend passes the storage contract (real server, a schema per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from educonnect_core.storage import Store
from educonnect_core.testing.storage_contract import Reopen, StorageContract

pytestmark = pytest.mark.postgres


class TestPostgresStore(StorageContract):
    @pytest.fixture
    def store(self, postgres_url: str) -> Iterator[Store]:
        from educonnect_adapters.postgres import PostgresStore

        store = PostgresStore(postgres_url)
        yield store
        store.close()

    @pytest.fixture
    def reopen(self) -> Reopen:
        from educonnect_adapters.postgres import PostgresStore

        def reopen(store: Store) -> Store:
            store.close()
            return PostgresStore.open(store.url)

        return reopen
