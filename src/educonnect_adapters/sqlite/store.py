"""The SQLite store: stdlib sqlite3, WAL, foreign keys, one connection per unit of work.

A unit of work reads in autocommit mode until its first write, which opens a
``BEGIN IMMEDIATE`` transaction (so a stale version is seen by the ``UPDATE …
WHERE version = ?`` and never overwritten); ``commit`` ends it. Idle
connections are kept in a small pool.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, unquote, urlsplit

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

from .dialect import SQLITE
from .schema import migrate

__all__ = ["SqliteStore", "SqliteUnitOfWork"]

#: rows per executemany / IN (…) batch
BATCH: Final = 5000
_IN_BATCH: Final = 500
_POOL_SIZE: Final = 4
_BUSY_TIMEOUT_S: Final = 30.0
#: page cache per connection (negative: KiB), for bulk loads into big indexes
_CACHE_KIB: Final = -65536

_ACCOUNT_SELECT: Final = ", ".join(ACCOUNT_COLUMNS)
_CONNECT: Final[dict[str, Any]] = {
    "isolation_level": None,
    "check_same_thread": False,
    "timeout": _BUSY_TIMEOUT_S,
}


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def path_of(url: str) -> Path:
    """``sqlite:///relative.db`` or ``sqlite:////absolute/path.db`` → the file path."""
    parts = urlsplit(url)
    if parts.scheme != "sqlite" or parts.netloc:
        raise StorageError(f"{url!r}: expected sqlite:///path.db (three slashes, no host)")
    raw = unquote(parts.path)
    if not raw.startswith("/") or raw == "/":
        raise StorageError(f"{url!r}: expected sqlite:///path.db")
    raw = raw[1:]  # sqlite:///a.db → a.db ; sqlite:////tmp/a.db → /tmp/a.db
    if raw in (":memory:", ""):
        raise StorageError(f"{url!r}: an in-memory SQLite store is not supported; use memory://")
    return Path(raw)


class SqliteStore(ClosedOnExit):
    """A SQLite database file; opening it creates or migrates the schema.

    ``read_only``: the file must exist (it is never created), connections are
    opened read-only and never wait on a writer (WAL readers); a schema older
    than this library's is still migrated forward first.
    """

    def __init__(self, path: Path, url: str | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._url = url or f"sqlite:///{path}"
        if read_only and not path.is_file():
            raise StorageError(
                f"{path}: no store there (a read-only command never creates one); "
                "import an export first"
            )
        self._pool = ConnectionPool(self._connect, self._url, size=_POOL_SIZE)
        what = f"{path}: cannot open as an educonnect store"
        conn = prepared(
            self._writer(), lambda c: migrate(c, str(path)), sqlite3.DatabaseError, what
        )
        if read_only:
            conn.close()  # the pool holds read-only connections
        else:
            self._release(conn)

    @classmethod
    def open(cls, url: str, *, read_only: bool = False) -> SqliteStore:
        return cls(path_of(url), url, read_only=read_only)

    @property
    def url(self) -> str:
        return self._url

    def _connect(self) -> sqlite3.Connection:
        """A connection of the pool (read-only if the store is)."""
        if not self.read_only:
            return self._writer()
        target = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        return self._configure(lambda: sqlite3.connect(target, uri=True, **_CONNECT))

    def _writer(self) -> sqlite3.Connection:
        return self._configure(lambda: sqlite3.connect(self.path, **_CONNECT))

    def _configure(self, connect: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
        what = f"{self.path}: cannot open SQLite database"
        try:
            conn = connect()
        except sqlite3.Error as exc:
            raise StorageError(f"{what}: {exc}") from exc
        return prepared(conn, self._set_up, sqlite3.Error, what)  # closed if it fails

    def _set_up(self, conn: sqlite3.Connection) -> None:
        if not self.read_only:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = {_CACHE_KIB}")

    def _acquire(self) -> sqlite3.Connection:
        return self._pool.acquire()

    def _release(self, conn: sqlite3.Connection) -> None:
        self._pool.release(conn)

    def unit_of_work(self) -> SqliteUnitOfWork:
        return SqliteUnitOfWork(self)

    def close(self) -> None:
        self._pool.close()


class SqliteUnitOfWork(SqlUnitOfWork[sqlite3.Connection]):
    """A unit of work on one connection (see the module docstring)."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        super().__init__(store._acquire(), SQLITE, _People, where=str(store.path))
        self._in_transaction = False

    def write(self) -> sqlite3.Connection:
        """The connection, inside the write transaction (opened on first use)."""
        conn = self.conn
        if not self._in_transaction:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreUnavailable(f"{self._store.path}: cannot start writing: {exc}") from exc
            self._in_transaction = True
        return conn

    def commit(self) -> None:
        if self._in_transaction:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"{self._store.path}: commit failed: {exc}") from exc
            self._in_transaction = False

    def rollback(self) -> None:
        if self._in_transaction:
            self._in_transaction = False
            if self.conn.in_transaction:  # SQLite may have rolled back itself (disk full)
                self.conn.execute("ROLLBACK")

    def close(self) -> None:
        if self._conn is None:
            return
        try:
            self.rollback()
        finally:
            conn, self._conn = self._conn, None
            self._store._release(conn)


class _People(SqlPeople):
    """The shared people repository; the SQLite spelling of the queries by INE and
    by pairs of (school, student)."""

    def _ine_rows(self, ines: list[str]) -> Iterable[tuple[str, str, str]]:
        for chunk in _chunks(ines, _IN_BATCH):
            yield from self._read().execute(
                "SELECT json_extract(data, '$.ine'), uai, data FROM eleves "
                "WHERE json_type(data, '$.ine') = 'text' "
                f"AND json_extract(data, '$.ine') IN ({', '.join('?' * len(chunk))}) "
                "ORDER BY uai, eleve_id",
                chunk,
            )

    def _legal_rows(self, students: list[tuple[Uai, str]]) -> Iterable[tuple[str, str, str]]:
        for chunk in _chunks(students, _IN_BATCH):
            # CROSS JOIN: the wanted students drive the primary key (no scan of links)
            yield from self._read().execute(
                f"WITH wanted (uai, eleve_id) AS (VALUES {', '.join(['(?, ?)'] * len(chunk))}) "
                "SELECT l.uai, l.eleve_id, r.data FROM wanted w "
                "CROSS JOIN links l ON l.uai = w.uai AND l.eleve_id = w.eleve_id "
                "JOIN responsables r ON r.uai = l.uai AND r.personne_id = l.personne_id "
                "WHERE l.level = ? ORDER BY l.uai, l.eleve_id, l.personne_id",
                [*(v for u, e in chunk for v in (u.value, e)), ResponsibilityLevel.LEGAL.value],
            )
