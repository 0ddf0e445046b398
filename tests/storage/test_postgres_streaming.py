"""PostgreSQL lists a school through a server-side cursor, read by pages."""

from __future__ import annotations

import datetime as dt

import pytest

from educonnect_adapters.postgres.store import PostgresStore
from educonnect_core.sync import synchronise
from educonnect_core.testing.storage_contract import UAI, SyntheticExport


@pytest.mark.postgres
def test_listing_a_school_opens_a_server_side_cursor(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    try:
        synchronise(store, SyntheticExport(20), dt.datetime(2026, 1, 12, 14, 0, tzinfo=dt.UTC))
        with store.unit_of_work() as uow:
            accounts = uow.accounts.of_school(UAI)
            first = next(accounts)
            found = uow.conn.execute("SELECT count(*) FROM pg_cursors").fetchone()
            assert found is not None
            assert found[0] >= 1  # the rest is still on the server
            rest = list(accounts)
            assert [first, *rest] == sorted([first, *rest], key=lambda a: a.account_id)
            assert len(rest) + 1 == len(uow.accounts.get_many(a.account_id for a in [first, *rest]))
    finally:
        store.close()
