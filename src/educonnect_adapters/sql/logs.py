"""The append-only logs of the SQL stores, written once: audit, deliveries and
applied exports (``uow.audit``, ``uow.deliveries``, ``uow.exports``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs

from educonnect_core.audit import AuditEvent
from educonnect_core.deliveries import DeliveryRecord
from educonnect_core.storage import AppliedExport
from educonnect_core.values import Uai

from .dialect import Connect, Dialect
from .rows import (
    AUDIT_COLUMNS,
    DELIVERY_COLUMNS,
    at_key,
    audit_from_row,
    audit_row,
    delivery_from_row,
    delivery_row,
)

__all__ = ["SqlAudit", "SqlDeliveries", "SqlExports"]

_DELIVERY_SELECT: Final = ", ".join(DELIVERY_COLUMNS)
_EXPORT_COLUMNS: Final = (
    "uai, exported_at, applied_at, effective_from, effective_key, forced, summary, journal"
)
_EXPORT_SELECT: Final = (
    "SELECT seq, uai, exported_at, applied_at, effective_from, forced, summary, journal "
    "FROM applied_exports"
)


class _Log:
    def __init__(self, read: Connect, write: Connect, dialect: Dialect) -> None:
        self._read = read
        self._write = write
        self._d = dialect
        self._p = dialect.placeholder

    def _marks(self, n: int) -> str:
        return ", ".join([self._p] * n)


class SqlAudit(_Log):
    """:class:`~educonnect_core.storage.AuditLog`: append, and read by account or actor."""

    def append(self, event: AuditEvent) -> AuditEvent:
        conn = self._write()
        if event.event_id is None:
            new_id = self._d.new_audit_id(conn)
            if new_id is not None:
                event = attrs.evolve(event, event_id=new_id)
        columns = ", ".join(AUDIT_COLUMNS)
        sql = f"INSERT INTO audit ({columns}) VALUES ({self._marks(len(AUDIT_COLUMNS))})"
        seq = self._d.insert_returning_seq(conn, sql, audit_row(event))
        if event.event_id is None:
            event = attrs.evolve(event, event_id=str(seq))
        return event

    def _by(self, column: str, value: str, limit: int | None) -> list[AuditEvent]:
        columns = ", ".join(
            self._d.audit_id_column() if c == "event_id" else c for c in AUDIT_COLUMNS
        )
        rows = (
            self._read()
            .execute(
                f"SELECT {columns} FROM audit WHERE {column} = {self._p} "
                f"ORDER BY at_key DESC, seq DESC LIMIT {self._p}",
                (value, self._d.no_limit() if limit is None else limit),
            )
            .fetchall()
        )
        return [audit_from_row(r) for r in reversed(rows)]

    def by_account(self, account_id: str, *, limit: int | None = None) -> list[AuditEvent]:
        return self._by("account_id", account_id, limit)

    def by_actor(self, actor_id: str, *, limit: int | None = None) -> list[AuditEvent]:
        return self._by("actor_id", actor_id, limit)


class SqlDeliveries(_Log):
    """:class:`~educonnect_core.storage.DeliveryLog`."""

    def append(self, record: DeliveryRecord) -> None:
        self.append_many([record])

    def append_many(self, records: Iterable[DeliveryRecord]) -> int:
        rows = (delivery_row(r) for r in records)
        return self._d.bulk_insert(self._write(), "deliveries", DELIVERY_COLUMNS, rows)

    def by_account(self, account_id: str) -> list[DeliveryRecord]:
        rows = self._read().execute(
            f"SELECT {_DELIVERY_SELECT} FROM deliveries WHERE account_id = {self._p} "
            "ORDER BY at_key, seq",
            (account_id,),
        )
        return [delivery_from_row(r) for r in rows.fetchall()]

    def latest(self, account_id: str) -> DeliveryRecord | None:
        row = (
            self._read()
            .execute(
                f"SELECT {_DELIVERY_SELECT} FROM deliveries WHERE account_id = {self._p} "
                "ORDER BY at_key DESC, seq DESC LIMIT 1",
                (account_id,),
            )
            .fetchone()
        )
        return None if row is None else delivery_from_row(row)

    def latest_per_account(self, account_ids: Iterable[str]) -> dict[str, DeliveryRecord]:
        latest: dict[str, DeliveryRecord] = {}
        for condition, params in self._d.in_chunks("account_id", sorted(set(account_ids))):
            rows = self._read().execute(
                f"SELECT {_DELIVERY_SELECT} FROM deliveries WHERE {condition} ORDER BY at_key, seq",
                params,
            )
            for row in rows.fetchall():
                latest[row[0]] = delivery_from_row(row)  # the last one of each account wins
        return latest


def _export_row(r: AppliedExport) -> tuple[object, ...]:
    return (
        r.uai.value,
        r.exported_at.isoformat(),
        r.applied_at.isoformat(),
        r.effective_from.isoformat(),
        at_key(r.effective_from),
        int(r.forced),
        r.summary,
        r.journal,
    )


def _export_from_row(row: Sequence[Any]) -> AppliedExport:
    seq, uai, exported_at, applied_at, effective_from, forced, summary, journal = row
    return AppliedExport(
        uai=Uai(uai),
        exported_at=dt.datetime.fromisoformat(exported_at),
        applied_at=dt.datetime.fromisoformat(applied_at),
        effective_from=dt.datetime.fromisoformat(effective_from),
        forced=bool(forced),
        summary=summary,
        journal=journal,
        seq=int(seq),
    )


class SqlExports(_Log):
    """:class:`~educonnect_core.storage.AppliedExports`."""

    def append(self, record: AppliedExport) -> AppliedExport:
        sql = f"INSERT INTO applied_exports ({_EXPORT_COLUMNS}) VALUES ({self._marks(8)})"
        seq = self._d.insert_returning_seq(self._write(), sql, _export_row(record))
        return attrs.evolve(record, seq=seq)

    def latest(self, uai: Uai) -> AppliedExport | None:
        row = (
            self._read()
            .execute(
                f"{_EXPORT_SELECT} WHERE uai = {self._p} ORDER BY seq DESC LIMIT 1", (uai.value,)
            )
            .fetchone()
        )
        return None if row is None else _export_from_row(row)

    def effective_after(self, uai: Uai, at: dt.datetime) -> list[AppliedExport]:
        rows = self._read().execute(
            f"{_EXPORT_SELECT} WHERE uai = {self._p} AND effective_key > {self._p} ORDER BY seq",
            (uai.value, at_key(at)),
        )
        return [_export_from_row(r) for r in rows.fetchall()]
