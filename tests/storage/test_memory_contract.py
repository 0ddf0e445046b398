"""The memory backend passes the storage contract."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from educonnect_adapters.memory import MemoryStore
from educonnect_core.storage import Store
from educonnect_core.testing.storage_contract import StorageContract


class TestMemoryStore(StorageContract):
    durable = False  # every memory:// store is new: nothing outlives the process

    @pytest.fixture
    def store(self) -> Iterator[Store]:
        store = MemoryStore()
        yield store
        store.close()
