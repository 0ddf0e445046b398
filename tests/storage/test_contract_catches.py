"""The storage contract catches a planted bug: a store that loses what was written
when it is opened again (by another process), and a store that forgets versions."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from educonnect_adapters.memory import MemoryStore
from educonnect_adapters.sqlite import SqliteStore
from educonnect_core.storage import Store
from educonnect_core.testing.storage_contract import StorageContract


class Forgetful(StorageContract):
    """What an author of a store kept in memory would write, claiming durability."""

    durable = True


def reopen_empty(store: Store) -> Store:
    store.close()
    return MemoryStore(store.url)  # "the same store": nothing of it survived


class VersionResetting(MemoryStore):
    """Keeps the data over a reopening but starts every account at version 1 again."""


def reopen_resetting(store: Store) -> Store:
    assert isinstance(store, MemoryStore)
    store.close()
    again = VersionResetting(store.url)
    again._tables = store._tables.copy()
    again._tables.accounts = {
        key: attrs.evolve(account, version=1) for key, account in store._tables.accounts.items()
    }
    return again


def reopen_keeping(store: Store) -> Store:
    assert isinstance(store, MemoryStore)
    store.close()
    again = MemoryStore(store.url)
    again._tables = store._tables.copy()
    again._event_ids = store._event_ids
    return again


def test_a_store_losing_data_on_reopening_fails_the_contract() -> None:
    with pytest.raises(AssertionError, match="lost when the store was reopened"):
        Forgetful().test_what_was_committed_is_there_after_reopening(MemoryStore(), reopen_empty)


def test_a_store_losing_versions_on_reopening_fails_the_contract() -> None:
    with pytest.raises(pytest.fail.Exception, match="ConcurrentModification"):
        Forgetful().test_versions_identifiers_and_ids_hold_after_reopening(
            MemoryStore(), reopen_resetting
        )


def test_a_store_keeping_everything_passes() -> None:
    contract = Forgetful()
    contract.test_what_was_committed_is_there_after_reopening(MemoryStore(), reopen_keeping)
    contract.test_versions_identifiers_and_ids_hold_after_reopening(MemoryStore(), reopen_keeping)


def test_reopening_must_give_a_new_store(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "store.db")
    try:
        with pytest.raises(AssertionError, match="open the store again"):
            Forgetful().test_what_was_committed_is_there_after_reopening(store, lambda s: s)
    finally:
        store.close()
