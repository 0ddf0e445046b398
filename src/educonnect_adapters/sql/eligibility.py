"""The eligibility snapshots repository (``uow.eligibility``), written once for the
SQL stores: the snapshot lives in the ``accounts`` row (the columns of
:data:`~educonnect_adapters.sql.rows.SNAPSHOT_COLUMNS`)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Final

from educonnect_core.errors import NotFound
from educonnect_core.storage import EligibilitySnapshot

from .dialect import Connect, Dialect
from .rows import SNAPSHOT_COLUMNS, snapshot_from_row, snapshot_row

__all__ = ["SqlEligibility"]

_SELECT: Final = ", ".join(SNAPSHOT_COLUMNS)
#: snapshots written per statement batch
BATCH: Final = 5000


class SqlEligibility:
    """:class:`~educonnect_core.storage.EligibilityRepository` over a :class:`Dialect`."""

    def __init__(self, read: Connect, write: Connect, dialect: Dialect) -> None:
        self._read = read
        self._write = write
        self._d = dialect
        self._p = dialect.placeholder

    def put(self, snapshot: EligibilitySnapshot) -> None:
        if (
            self._d.update_snapshots(
                self._write(), [(snapshot.account_id, *snapshot_row(snapshot))]
            )
            != 1
        ):
            raise NotFound(f"no account {snapshot.account_id!r} for this eligibility snapshot")

    def put_many(self, snapshots: Iterable[EligibilitySnapshot]) -> int:
        conn = self._write()
        count = 0
        iterator = iter(snapshots)
        while chunk := list(islice(iterator, BATCH)):
            rows = [(s.account_id, *snapshot_row(s)) for s in chunk]
            if self._d.update_snapshots(conn, rows) != len({s.account_id for s in chunk}):
                for snapshot in chunk:  # name the missing account
                    self.put(snapshot)
            count += len(chunk)
        return count

    def get(self, account_id: str) -> EligibilitySnapshot | None:
        row = (
            self._read()
            .execute(f"SELECT {_SELECT} FROM accounts WHERE account_id = {self._p}", (account_id,))
            .fetchone()
        )
        return None if row is None else snapshot_from_row(account_id, row)

    def get_many(self, account_ids: Iterable[str]) -> dict[str, EligibilitySnapshot]:
        found: dict[str, EligibilitySnapshot] = {}
        for condition, params in self._d.in_chunks("account_id", list(set(account_ids))):
            rows = self._read().execute(
                f"SELECT account_id, {_SELECT} FROM accounts WHERE {condition} "
                "AND eligible_mask IS NOT NULL",
                params,
            )
            for account_id, *rest in rows.fetchall():
                snapshot = snapshot_from_row(account_id, tuple(rest))
                if snapshot is not None:
                    found[account_id] = snapshot
        return found
