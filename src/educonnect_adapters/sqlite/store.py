"""The SQLite store: stdlib sqlite3, WAL, foreign keys, one connection per unit of work.

A unit of work reads in autocommit mode until its first write, which opens a
``BEGIN IMMEDIATE`` transaction (so a stale version is seen by the ``UPDATE …
WHERE version = ?`` and never overwritten); ``commit`` ends it. Idle
connections are kept in a small pool.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import unquote, urlsplit

import attrs

from educonnect_adapters.sql import BLOCKED_SQL, NOT_BLOCKED_SQL, state_clause
from educonnect_adapters.sql.eligibility import SqlEligibility
from educonnect_adapters.sql.logs import SqlAudit, SqlDeliveries, SqlExports
from educonnect_adapters.sql.masks import CODE_BITS, ROUTE_BITS
from educonnect_adapters.sql.people import SqlPeople
from educonnect_adapters.sql.rows import (
    ACCOUNT_COLUMNS,
    account_from_row,
    account_row,
)
from educonnect_adapters.sql.sign_ins import SqlSignIns
from educonnect_adapters.sql.statistics import statistics_from_counts
from educonnect_core.accounts import Account
from educonnect_core.errors import ConcurrentModification, NotFound, StorageError
from educonnect_core.people import Eleve, Profile, Responsable, ResponsibilityLevel
from educonnect_core.serialization import loads
from educonnect_core.states import AccountState
from educonnect_core.storage import (
    AccountQuery,
    AccountStatus,
    DuplicateAccount,
    IdentifierTaken,
    Page,
    Statistics,
)
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
_INSERT_ACCOUNT: Final = (
    f"INSERT INTO accounts ({_ACCOUNT_SELECT}) VALUES ({', '.join('?' * len(ACCOUNT_COLUMNS))})"
)


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


class SqliteStore:
    """A SQLite database file; opening it creates or migrates the schema."""

    def __init__(self, path: Path, url: str | None = None) -> None:
        self.path = path
        self._url = url or f"sqlite:///{path}"
        self._pool: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        conn = self._connect()
        try:
            migrate(conn, str(path))
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StorageError(f"{path}: cannot open as an educonnect store: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        self._release(conn)

    @classmethod
    def open(cls, url: str) -> SqliteStore:
        return cls(path_of(url), url)

    @property
    def url(self) -> str:
        return self._url

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=_BUSY_TIMEOUT_S,
            )
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = {_CACHE_KIB}")
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: cannot open SQLite database: {exc}") from exc
        return conn

    def _acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise StorageError(f"store {self._url!r} is closed")
            if self._pool:
                return self._pool.pop()
        return self._connect()

    def _release(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if not self._closed and len(self._pool) < _POOL_SIZE:
                self._pool.append(conn)
                return
        conn.close()

    def unit_of_work(self) -> SqliteUnitOfWork:
        return SqliteUnitOfWork(self)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()


class SqliteUnitOfWork:
    """A unit of work on one connection (see the module docstring)."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        self._conn: sqlite3.Connection | None = store._acquire()
        self._in_transaction = False
        self.accounts = _Accounts(self)
        self.people = _People(lambda: self.conn, self.write, SQLITE)
        self.eligibility = SqlEligibility(lambda: self.conn, self.write, SQLITE)
        self.audit = SqlAudit(lambda: self.conn, self.write, SQLITE)
        self.deliveries = SqlDeliveries(lambda: self.conn, self.write, SQLITE)
        self.exports = SqlExports(lambda: self.conn, self.write, SQLITE)
        self.sign_ins = SqlSignIns(lambda: self.conn, self.write, "?")

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageError("this unit of work is finished")
        return self._conn

    def write(self) -> sqlite3.Connection:
        """The connection, inside the write transaction (opened on first use)."""
        conn = self.conn
        if not self._in_transaction:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StorageError(f"{self._store.path}: cannot start writing: {exc}") from exc
            self._in_transaction = True
        return conn

    def commit(self) -> None:
        if self._in_transaction:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StorageError(f"{self._store.path}: commit failed: {exc}") from exc
            self._in_transaction = False

    def rollback(self) -> None:
        if self._in_transaction:
            self.conn.execute("ROLLBACK")
            self._in_transaction = False

    def close(self) -> None:
        if self._conn is None:
            return
        try:
            self.rollback()
        finally:
            conn, self._conn = self._conn, None
            self._store._release(conn)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _integrity(exc: sqlite3.IntegrityError, account: Account) -> Exception:
    text = str(exc)
    if "accounts.identifier" in text:
        return IdentifierTaken(account.identifier or "", account.account_id)
    if "accounts.account_id" in text:
        return DuplicateAccount(account.account_id)
    return StorageError(f"account {account.account_id!r}: {exc}")


_ACCOUNT_UPDATE: Final = (
    "UPDATE accounts SET "
    + ", ".join(f"{c} = ?" for c in ACCOUNT_COLUMNS[4:17])
    + ", version = version + 1 WHERE account_id = ? AND version = ?"
)


class _Accounts:
    def __init__(self, uow: SqliteUnitOfWork) -> None:
        self._uow = uow

    def _one(self, where: str, *params: object) -> Account | None:
        row = self._uow.conn.execute(
            f"SELECT {_ACCOUNT_SELECT} FROM accounts WHERE {where}", params
        ).fetchone()
        return None if row is None else account_from_row(row)

    def get(self, account_id: str) -> Account:
        account = self._one("account_id = ?", account_id)
        if account is None:
            raise NotFound(f"no account {account_id!r}")
        return account

    def find(self, uai: Uai, profile: Profile, siecle_id: str) -> Account | None:
        return self._one("account_id = ?", Account.make_id(uai, profile, siecle_id))

    def get_many(self, account_ids: Iterable[str]) -> dict[str, Account]:
        found: dict[str, Account] = {}
        for chunk in _chunks(set(account_ids), _IN_BATCH):
            rows = self._uow.conn.execute(
                f"SELECT {_ACCOUNT_SELECT} FROM accounts WHERE account_id IN "
                f"({', '.join('?' * len(chunk))})",
                chunk,
            )
            for row in rows:
                found[row[0]] = account_from_row(row)
        return found

    def by_identifier(self, identifier: str) -> Account:
        account = self._one("identifier = ?", identifier)
        if account is None:
            raise NotFound(f"no account with identifier {identifier!r}")
        return account

    def identifier_taken(self, identifier: str) -> bool:
        found = self._uow.conn.execute(
            "SELECT 1 FROM accounts WHERE identifier = ?", (identifier,)
        ).fetchone()
        return found is not None

    def add(self, account: Account) -> Account:
        stored = attrs.evolve(account, version=1)
        try:
            self._uow.write().execute(_INSERT_ACCOUNT, account_row(stored))
        except sqlite3.IntegrityError as exc:
            raise _integrity(exc, account) from None
        return stored

    def add_many(self, accounts: Iterable[Account]) -> int:
        conn = self._uow.write()
        count = 0
        for chunk in _chunks(accounts, BATCH):
            before = conn.total_changes
            try:
                conn.executemany(_INSERT_ACCOUNT, [account_row(a, 1) for a in chunk])
            except sqlite3.IntegrityError as exc:
                # rows are inserted in order: the changes made so far point at the culprit
                culprit = chunk[min(conn.total_changes - before, len(chunk) - 1)]
                raise _integrity(exc, culprit) from None
            count += len(chunk)
        return count

    def update(self, account: Account) -> Account:
        row = account_row(account)
        try:
            cursor = self._uow.write().execute(
                _ACCOUNT_UPDATE, (*row[4:17], account.account_id, account.version)
            )
        except sqlite3.IntegrityError as exc:
            raise _integrity(exc, account) from None
        if cursor.rowcount == 1:
            return attrs.evolve(account, version=account.version + 1)
        found = self._uow.conn.execute(
            "SELECT version FROM accounts WHERE account_id = ?", (account.account_id,)
        ).fetchone()
        if found is None:
            raise NotFound(f"no account {account.account_id!r}")
        raise ConcurrentModification(
            f"account {account.account_id!r}: saving version {account.version} over stored "
            f"version {found[0]} (changed by someone else since it was read)"
        )

    def of_school(self, uai: Uai) -> Iterator[Account]:
        cursor = self._uow.conn.execute(
            f"SELECT {_ACCOUNT_SELECT} FROM accounts WHERE uai = ? ORDER BY account_id",
            (uai.value,),
        )
        return (account_from_row(r) for r in cursor)

    def statuses(self, uai: Uai) -> Iterator[AccountStatus]:
        rows = self._uow.conn.execute(
            # the (uai, profile, state) index visits the table's rows in an order close to
            # storage order: a third faster than the planner's choice on a big school
            "SELECT account_id, profile, siecle_id, state, deactivation_reason "
            "FROM accounts INDEXED BY accounts_by_school WHERE uai = ?",
            (uai.value,),
        )
        profiles = {p.value: p for p in Profile}
        states = {s.value: s for s in AccountState}
        return (
            AccountStatus(account_id, profiles[profile], siecle_id, states[state], reason)
            for account_id, profile, siecle_id, state, reason in rows
        )

    def query(self, query: AccountQuery) -> Page[Account]:
        where, params = _where(query)
        limit = -1 if query.limit is None else query.limit
        conn = self._uow.conn
        rows = conn.execute(
            f"SELECT {_ACCOUNT_SELECT} FROM accounts WHERE {where} "
            "ORDER BY coalesce(name_key, ''), account_id LIMIT ? OFFSET ?",
            (*params, limit, query.offset),
        ).fetchall()
        if query.offset == 0 and (query.limit is None or len(rows) < query.limit):
            total = len(rows)  # the page holds every match: no second scan
        else:
            total = self.count(query)
        return Page(tuple(map(account_from_row, rows)), total, query.offset, query.limit)

    def count(self, query: AccountQuery) -> int:
        where, params = _where(query)
        sql = f"SELECT count(*) FROM accounts WHERE {where}"
        return int(self._uow.conn.execute(sql, params).fetchone()[0])

    def statistics(self, uai: Uai | None = None) -> Statistics:
        # Every query groups by uai first, so that it streams over a covering index in
        # order (no sort), for one school or for the whole store; Python adds up.
        conn = self._uow.conn
        scope, params = ("uai = ?", (uai.value,)) if uai is not None else ("1", ())
        profile_state = conn.execute(
            f"SELECT uai, profile, state, count(*) FROM accounts WHERE {scope} GROUP BY 1, 2, 3",
            params,
        )
        divisions = conn.execute(
            "SELECT uai, division, state, count(*) FROM accounts "
            f"WHERE {scope} AND division IS NOT NULL GROUP BY 1, 2, 3",
            params,
        )
        more_divisions = conn.execute(
            "SELECT j.value, a.state, count(*) FROM accounts a, json_each(a.more_divisions) j "
            f"WHERE {scope.replace('uai', 'a.uai')} AND a.more_divisions IS NOT NULL "
            "GROUP BY 1, 2",
            params,
        )
        routes = conn.execute(
            "SELECT uai, route, count(*) FROM accounts "
            f"WHERE {scope} AND route IS NOT NULL GROUP BY 1, 2",
            params,
        )
        masks = conn.execute(
            "SELECT uai, blocker_mask, eligible_mask, state, count(*) FROM accounts "
            f"WHERE {scope} AND blocker_mask IS NOT NULL GROUP BY 1, 2, 3, 4",
            params,
        )
        return statistics_from_counts(
            ((p, s, n) for _, p, s, n in profile_state),
            chain(((d, s, n) for _, d, s, n in divisions), more_divisions),
            ((r, n) for _, r, n in routes),
            ((s, m, e, n) for _, m, e, s, n in masks),
        )


def _where(query: AccountQuery) -> tuple[str, tuple[object, ...]]:
    clauses: list[str] = ["1"]
    params: list[object] = []

    def add(clause: str, *values: object) -> None:
        clauses.append(clause)
        params.extend(values)

    if query.uai is not None:
        add("uai = ?", query.uai.value)
    if query.profile is not None:
        add("profile = ?", query.profile.value)
    if query.state is not None:
        add(state_clause(query.state))
    if query.activated_by is not None:
        add("route = ?", query.activated_by.value)
    if query.division is not None:
        add(
            "(division = ? OR instr(more_divisions, json_quote(?)) > 0)",
            query.division,
            query.division,
        )
    if query.route is not None:
        bit = ROUTE_BITS[query.route]
        add("(eligible_mask & ?) " + ("!= 0" if query.eligible else "= 0"), bit)
    if query.blocker is not None:
        add("(blocker_mask & ?) != 0", CODE_BITS[query.blocker])
    if query.blocked is not None:
        add(BLOCKED_SQL if query.blocked else NOT_BLOCKED_SQL)
    if (fragment := query.name_fragment) is not None:
        add("instr(name_key, ?) > 0", fragment)
    return " AND ".join(clauses), tuple(params)


class _People(SqlPeople):
    """The shared people repository; the SQLite spelling of the queries by INE and
    by pairs of (school, student)."""

    def eleves_by_ine(self, ines: Iterable[str]) -> dict[str, list[tuple[Uai, Eleve]]]:
        found: dict[str, list[tuple[Uai, Eleve]]] = {}
        for chunk in _chunks(dict.fromkeys(ines), _IN_BATCH):
            rows = (
                self._read()
                .execute(
                    "SELECT json_extract(data, '$.ine'), uai, data FROM eleves "
                    "WHERE json_type(data, '$.ine') = 'text' "
                    f"AND json_extract(data, '$.ine') IN ({', '.join('?' * len(chunk))}) "
                    "ORDER BY uai, eleve_id",
                    chunk,
                )
                .fetchall()
            )
            for ine, uai, data in rows:
                found.setdefault(ine, []).append((Uai(uai), loads(data, Eleve)))
        return found

    def legal_representatives(
        self, students: Iterable[tuple[Uai, str]]
    ) -> dict[tuple[Uai, str], list[Responsable]]:
        found: dict[tuple[Uai, str], list[Responsable]] = {}
        for chunk in _chunks(dict.fromkeys(students), _IN_BATCH):
            # CROSS JOIN: the wanted students drive the primary key (no scan of links)
            rows = (
                self._read()
                .execute(
                    f"WITH wanted (uai, eleve_id) AS (VALUES {', '.join(['(?, ?)'] * len(chunk))}) "
                    "SELECT l.uai, l.eleve_id, r.data FROM wanted w "
                    "CROSS JOIN links l ON l.uai = w.uai AND l.eleve_id = w.eleve_id "
                    "JOIN responsables r ON r.uai = l.uai AND r.personne_id = l.personne_id "
                    "WHERE l.level = ? ORDER BY l.uai, l.eleve_id, l.personne_id",
                    [*(v for u, e in chunk for v in (u.value, e)), ResponsibilityLevel.LEGAL.value],
                )
                .fetchall()
            )
            for uai, eleve_id, data in rows:
                found.setdefault((Uai(uai), eleve_id), []).append(loads(data, Responsable))
        return found
