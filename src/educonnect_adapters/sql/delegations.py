"""The delegations registry (``uow.delegations``), written once for both SQL stores.

Table ``delegations`` (delegation_id, uai, delegate_id, granted_at, data): the
record as the core's JSON text, the other columns to find it.
"""

from __future__ import annotations

from educonnect_core.errors import NotFound
from educonnect_core.permissions import Delegation
from educonnect_core.serialization import dumps, loads
from educonnect_core.values import Uai

from .dialect import Connect, Dialect

__all__ = ["SqlDelegations"]


class SqlDelegations:
    """:class:`~educonnect_core.storage.DelegationRegistry` over a DB-API connection."""

    def __init__(self, read: Connect, write: Connect, dialect: Dialect) -> None:
        self._read = read
        self._write = write
        self._p = dialect.placeholder

    def put(self, delegation: Delegation) -> None:
        p = self._p
        conn = self._write()
        conn.execute(
            f"DELETE FROM delegations WHERE delegation_id = {p}", (delegation.delegation_id,)
        )
        conn.execute(
            "INSERT INTO delegations (delegation_id, uai, delegate_id, granted_at, data) "
            f"VALUES ({p}, {p}, {p}, {p}, {p})",
            (
                delegation.delegation_id,
                delegation.uai.value,
                delegation.delegate_id,
                delegation.granted_at.isoformat(),
                dumps(delegation),
            ),
        )

    def get(self, delegation_id: str) -> Delegation:
        row = (
            self._read()
            .execute(
                f"SELECT data FROM delegations WHERE delegation_id = {self._p}", (delegation_id,)
            )
            .fetchone()
        )
        if row is None:
            raise NotFound(f"no delegation {delegation_id!r}")
        return loads(row[0], Delegation)

    def _where(self, column: str, value: str) -> list[Delegation]:
        rows = self._read().execute(
            f"SELECT data FROM delegations WHERE {column} = {self._p}", (value,)
        )
        found = [loads(r[0], Delegation) for r in rows.fetchall()]
        return sorted(found, key=lambda d: (d.granted_at, d.delegation_id))

    def of_school(self, uai: Uai) -> list[Delegation]:
        return self._where("uai", uai.value)

    def of_delegate(self, delegate_id: str) -> list[Delegation]:
        return self._where("delegate_id", delegate_id)
