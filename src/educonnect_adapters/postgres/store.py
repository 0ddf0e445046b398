"""The PostgreSQL store: psycopg 3, one pooled connection per unit of work, COPY for bulk.

URL: ``postgresql://user@host:port/db?schema=name&…``. ``schema`` (default
``public``) is created if needed and set as the ``search_path``; every other
query parameter (``sslmode``, ``options``, ``connect_timeout``…) goes to libpq.

A unit of work is one transaction (READ COMMITTED). ``UPDATE … WHERE version =
%s`` waits for a concurrent writer of the same row and then sees its new
version, so a stale save raises :class:`ConcurrentModification`. Statements
that may fail on a constraint run inside a savepoint (or use ``ON CONFLICT DO
NOTHING``) so that a refused write leaves the unit of work usable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from educonnect_adapters.sql.people import SqlPeople
from educonnect_adapters.sql.pool import ConnectionPool, prepared
from educonnect_adapters.sql.rows import (
    ACCOUNT_COLUMNS,
)
from educonnect_adapters.sql.unit_of_work import SqlUnitOfWork
from educonnect_core.errors import StorageError, StoreUnavailable
from educonnect_core.people import ResponsibilityLevel
from educonnect_core.ports import ClosedOnExit
from educonnect_core.values import Uai

from .dialect import POSTGRES
from .schema import migrate

__all__ = ["PostgresStore", "PostgresUnitOfWork", "split_url"]

Conn = psycopg.Connection[tuple[Any, ...]]

BATCH: Final = 5000
_POOL_SIZE: Final = 4

_ACCOUNT_SELECT: Final = ", ".join(ACCOUNT_COLUMNS)


def split_url(url: str) -> tuple[str, str]:
    """``(conninfo URL without schema=, schema)``; ``postgres://`` is accepted too."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise StorageError(f"{url!r}: not a URL ({exc})") from None
    if parts.scheme not in ("postgresql", "postgres"):
        raise StorageError(f"{url!r}: expected postgresql://user@host:port/db")
    params = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [v for k, v in params if k == "schema"]
    rest = [(k, v) for k, v in params if k != "schema"]
    schema = schemas[-1] if schemas else "public"
    if not schema:
        raise StorageError(f"{url!r}: the schema parameter is empty")
    conninfo = urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(rest), ""))
    return conninfo, schema


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _reusable(conn: Conn) -> bool:
    """Rolled back and still open: fit for the next unit of work."""
    if conn.closed:
        return False
    try:
        conn.rollback()
    except psycopg.Error:
        return False
    return not conn.closed


class PostgresStore(ClosedOnExit):
    """A PostgreSQL schema; opening it creates or migrates the schema.

    ``read_only``: the schema must already hold a store (it is never created) and
    every transaction is read-only; a store older than this library is still
    migrated forward first.
    """

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self._url = url
        self.read_only = read_only
        self.conninfo, self.schema = split_url(url)
        self._pool = ConnectionPool(
            self._connect, _redacted(url), size=_POOL_SIZE, reusable=_reusable
        )
        what = f"{_redacted(url)}: cannot prepare the schema"
        conn = prepared(self._connect(writable=True), self._prepare, psycopg.Error, what)
        if read_only:
            conn.close()  # the pool holds read-only connections
        else:
            self._release(conn)

    def _prepare(self, conn: Conn) -> None:
        if self.read_only:
            found = conn.execute(
                "SELECT to_regclass(format('%%I.educonnect_schema', %s::text))", (self.schema,)
            ).fetchone()
            conn.rollback()
            if found is None or found[0] is None:
                raise StorageError(
                    f"{_redacted(self._url)}: no store in schema {self.schema!r} (a read-only "
                    "command never creates one); import an export first"
                )
        else:
            with conn.transaction():
                conn.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema))
                )
        migrate(conn, _redacted(self._url))

    @classmethod
    def open(cls, url: str, *, read_only: bool = False) -> PostgresStore:
        return cls(url, read_only=read_only)

    @property
    def url(self) -> str:
        return self._url

    def _connect(self, *, writable: bool = False) -> Conn:
        what = f"{_redacted(self._url)}: cannot connect"
        try:
            conn = psycopg.connect(self.conninfo)
        except psycopg.Error as exc:
            raise StorageError(f"{what}: {exc}") from exc

        def set_up(conn: Conn) -> None:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
            if self.read_only and not writable:
                conn.execute("SET default_transaction_read_only = on")
            conn.commit()

        return prepared(conn, set_up, psycopg.Error, what)  # closed if it fails

    def _acquire(self) -> Conn:
        return self._pool.acquire()

    def _release(self, conn: Conn) -> None:
        self._pool.release(conn)

    def unit_of_work(self) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(self)

    def close(self) -> None:
        self._pool.close()


class PostgresUnitOfWork(SqlUnitOfWork[Conn]):
    """A unit of work: one transaction on one connection."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store
        super().__init__(store._acquire(), POSTGRES, _People, where=_redacted(store.url))

    def write(self) -> Conn:
        """The connection inside this unit of work's transaction, opened if need be
        (so that a savepoint, ``conn.transaction()``, never commits on its own)."""
        conn = self.conn
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            conn.execute("SELECT 1")
        return conn

    def commit(self) -> None:
        try:
            self.conn.commit()
        except psycopg.Error as exc:
            raise StoreUnavailable(f"{_redacted(self._store.url)}: commit failed: {exc}") from exc

    def rollback(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        self._store._release(conn)


class _People(SqlPeople):
    """The shared people repository; the PostgreSQL spelling of the queries by INE and
    by pairs of (school, student)."""

    def _ine_rows(self, ines: list[str]) -> Iterable[tuple[str, str, str]]:
        return self._read().execute(  # type: ignore[no-any-return]
            "SELECT (data::jsonb) ->> 'ine', uai, data FROM eleves "
            "WHERE (data::jsonb) ->> 'ine' = ANY(%s) ORDER BY uai, eleve_id",
            (ines,),
        )

    def _legal_rows(self, students: list[tuple[Uai, str]]) -> Iterable[tuple[str, str, str]]:
        return self._read().execute(  # type: ignore[no-any-return]
            "SELECT l.uai, l.eleve_id, r.data FROM links l "
            "JOIN responsables r ON r.uai = l.uai AND r.personne_id = l.personne_id "
            "WHERE l.level = %s AND (l.uai, l.eleve_id) IN "
            "(SELECT * FROM unnest(%s::text[], %s::text[])) "
            "ORDER BY l.uai, l.eleve_id, l.personne_id",
            (
                ResponsibilityLevel.LEGAL.value,
                [u.value for u, _ in students],
                [e for _, e in students],
            ),
        )
