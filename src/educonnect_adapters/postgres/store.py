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

import json
import threading
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import attrs
import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

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

from .dialect import POSTGRES
from .schema import migrate

__all__ = ["PostgresStore", "PostgresUnitOfWork", "split_url"]

Conn = psycopg.Connection[tuple[Any, ...]]

BATCH: Final = 5000
_POOL_SIZE: Final = 4

_ACCOUNT_SELECT: Final = ", ".join(ACCOUNT_COLUMNS)
_INSERT_ACCOUNT: Final = (
    f"INSERT INTO accounts ({_ACCOUNT_SELECT}) "
    f"VALUES ({', '.join(['%s'] * len(ACCOUNT_COLUMNS))}) ON CONFLICT DO NOTHING"
)
_COPY_ACCOUNTS: Final = f"COPY accounts ({_ACCOUNT_SELECT}) FROM STDIN"


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def split_url(url: str) -> tuple[str, str]:
    """``(conninfo URL without schema=, schema)``; ``postgres://`` is accepted too."""
    parts = urlsplit(url)
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


class PostgresStore:
    """A PostgreSQL schema; opening it creates or migrates the schema."""

    def __init__(self, url: str) -> None:
        self._url = url
        self.conninfo, self.schema = split_url(url)
        self._pool: list[Conn] = []
        self._lock = threading.Lock()
        self._closed = False
        conn = self._connect()
        try:
            with conn.transaction():
                conn.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema))
                )
            migrate(conn, _redacted(url))
        except psycopg.Error as exc:
            conn.close()
            raise StorageError(f"{_redacted(url)}: cannot prepare the schema: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        self._release(conn)

    @classmethod
    def open(cls, url: str) -> PostgresStore:
        return cls(url)

    @property
    def url(self) -> str:
        return self._url

    def _connect(self) -> Conn:
        try:
            conn = psycopg.connect(self.conninfo)
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
            conn.commit()
        except psycopg.Error as exc:
            raise StorageError(f"{_redacted(self._url)}: cannot connect: {exc}") from exc
        return conn

    def _acquire(self) -> Conn:
        with self._lock:
            if self._closed:
                raise StorageError(f"store {_redacted(self._url)!r} is closed")
            if self._pool:
                return self._pool.pop()
        return self._connect()

    def _release(self, conn: Conn) -> None:
        if not conn.closed:
            try:
                conn.rollback()
            except psycopg.Error:
                conn.close()
        with self._lock:
            if not conn.closed and not self._closed and len(self._pool) < _POOL_SIZE:
                self._pool.append(conn)
                return
        conn.close()

    def unit_of_work(self) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(self)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()


class PostgresUnitOfWork:
    """A unit of work: one transaction on one connection."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store
        self._conn: Conn | None = store._acquire()
        self.accounts = _Accounts(self)
        self.people = _People(lambda: self.conn, lambda: self.conn, POSTGRES)
        self.eligibility = SqlEligibility(lambda: self.conn, lambda: self.conn, POSTGRES)
        self.audit = SqlAudit(lambda: self.conn, lambda: self.conn, POSTGRES)
        self.deliveries = SqlDeliveries(lambda: self.conn, lambda: self.conn, POSTGRES)
        self.exports = SqlExports(lambda: self.conn, lambda: self.conn, POSTGRES)
        self.sign_ins = SqlSignIns(lambda: self.conn, lambda: self.conn, "%s")

    @property
    def conn(self) -> Conn:
        if self._conn is None:
            raise StorageError("this unit of work is finished")
        return self._conn

    def commit(self) -> None:
        try:
            self.conn.commit()
        except psycopg.Error as exc:
            raise StorageError(f"commit failed: {exc}") from exc

    def rollback(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        if self._conn is None:
            return
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


_ACCOUNT_UPDATE: Final = (
    "UPDATE accounts SET "
    + ", ".join(f"{c} = %s" for c in ACCOUNT_COLUMNS[4:17])
    + ", version = version + 1 WHERE account_id = %s AND version = %s"
)


class _Accounts:
    def __init__(self, uow: PostgresUnitOfWork) -> None:
        self._uow = uow

    def _one(self, where: str, *params: object) -> Account | None:
        row = self._uow.conn.execute(
            f"SELECT {_ACCOUNT_SELECT} FROM accounts WHERE {where}", params
        ).fetchone()
        return None if row is None else account_from_row(row)

    def get(self, account_id: str) -> Account:
        account = self._one("account_id = %s", account_id)
        if account is None:
            raise NotFound(f"no account {account_id!r}")
        return account

    def find(self, uai: Uai, profile: Profile, siecle_id: str) -> Account | None:
        return self._one("account_id = %s", Account.make_id(uai, profile, siecle_id))

    def get_many(self, account_ids: Iterable[str]) -> dict[str, Account]:
        rows = self._uow.conn.execute(
            f"SELECT {_ACCOUNT_SELECT} FROM accounts WHERE account_id = ANY(%s)",
            (list(set(account_ids)),),
        )
        return {row[0]: account_from_row(row) for row in rows}

    def by_identifier(self, identifier: str) -> Account:
        account = self._one("identifier = %s", identifier)
        if account is None:
            raise NotFound(f"no account with identifier {identifier!r}")
        return account

    def identifier_taken(self, identifier: str) -> bool:
        found = self._uow.conn.execute(
            "SELECT 1 FROM accounts WHERE identifier = %s", (identifier,)
        ).fetchone()
        return found is not None

    def add(self, account: Account) -> Account:
        stored = attrs.evolve(account, version=1)
        cursor = self._uow.conn.execute(_INSERT_ACCOUNT, account_row(stored))
        if cursor.rowcount == 1:
            return stored
        if self._one("account_id = %s", account.account_id) is not None:
            raise DuplicateAccount(account.account_id)
        raise IdentifierTaken(account.identifier or "", account.account_id)

    def add_many(self, accounts: Iterable[Account]) -> int:
        conn = self._uow.conn
        count = 0
        for chunk in _chunks(accounts, BATCH):
            try:
                with (
                    conn.transaction(),
                    conn.cursor() as cursor,
                    cursor.copy(_COPY_ACCOUNTS) as copy,
                ):
                    for account in chunk:
                        copy.write_row(account_row(account, 1))
            except pg_errors.UniqueViolation:
                for account in chunk:  # name the culprit
                    self.add(account)
                raise StorageError("add_many: unique violation not reproduced") from None
            count += len(chunk)
        return count

    def update(self, account: Account) -> Account:
        conn = self._uow.conn
        if account.identifier is not None:
            clash = conn.execute(
                "SELECT 1 FROM accounts WHERE identifier = %s AND account_id <> %s",
                (account.identifier, account.account_id),
            ).fetchone()
            if clash is not None:
                raise IdentifierTaken(account.identifier, account.account_id)
        row = account_row(account)
        try:
            with conn.transaction():
                cursor = conn.execute(
                    _ACCOUNT_UPDATE, (*row[4:17], account.account_id, account.version)
                )
        except pg_errors.UniqueViolation:
            raise IdentifierTaken(account.identifier or "", account.account_id) from None
        if cursor.rowcount == 1:
            return attrs.evolve(account, version=account.version + 1)
        found = conn.execute(
            "SELECT version FROM accounts WHERE account_id = %s", (account.account_id,)
        ).fetchone()
        if found is None:
            raise NotFound(f"no account {account.account_id!r}")
        raise ConcurrentModification(
            f"account {account.account_id!r}: saving version {account.version} over stored "
            f"version {found[0]} (changed by someone else since it was read)"
        )

    def of_school(self, uai: Uai) -> Iterator[Account]:
        rows = self._uow.conn.execute(
            f"SELECT {_ACCOUNT_SELECT} FROM accounts WHERE uai = %s ORDER BY account_id",
            (uai.value,),
        ).fetchall()
        return (account_from_row(r) for r in rows)

    def statuses(self, uai: Uai) -> Iterator[AccountStatus]:
        rows = self._uow.conn.execute(
            "SELECT account_id, profile, siecle_id, state, deactivation_reason FROM accounts "
            "WHERE uai = %s",
            (uai.value,),
        ).fetchall()
        profiles = {p.value: p for p in Profile}
        states = {s.value: s for s in AccountState}
        return (
            AccountStatus(account_id, profiles[profile], siecle_id, states[state], reason)
            for account_id, profile, siecle_id, state, reason in rows
        )

    def query(self, query: AccountQuery) -> Page[Account]:
        where, params = _where(query)
        conn = self._uow.conn
        rows = conn.execute(
            f"SELECT {_ACCOUNT_SELECT} FROM accounts WHERE {where} "
            "ORDER BY coalesce(name_key, ''), account_id LIMIT %s OFFSET %s",
            (*params, query.limit, query.offset),
        ).fetchall()
        if query.offset == 0 and (query.limit is None or len(rows) < query.limit):
            total = len(rows)  # the page holds every match: no second scan
        else:
            total = self.count(query)
        return Page(tuple(map(account_from_row, rows)), total, query.offset, query.limit)

    def count(self, query: AccountQuery) -> int:
        where, params = _where(query)
        row = self._uow.conn.execute(f"SELECT count(*) FROM accounts WHERE {where}", params)
        found = row.fetchone()
        return 0 if found is None else int(found[0])

    def statistics(self, uai: Uai | None = None) -> Statistics:
        # Every query groups by uai first, so that it streams over a covering index in
        # order (no sort), for one school or for the whole store; Python adds up.
        conn = self._uow.conn
        scope, params = ("uai = %s", (uai.value,)) if uai is not None else ("true", ())
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
            "SELECT j.value, a.state, count(*) FROM accounts a, "
            "json_array_elements_text(a.more_divisions::json) j(value) "
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
    clauses: list[str] = ["true"]
    params: list[object] = []

    def add(clause: str, *values: object) -> None:
        clauses.append(clause)
        params.extend(values)

    if query.uai is not None:
        add("uai = %s", query.uai.value)
    if query.profile is not None:
        add("profile = %s", query.profile.value)
    if query.state is not None:
        add(state_clause(query.state))
    if query.activated_by is not None:
        add("route = %s", query.activated_by.value)
    if query.division is not None:
        add(
            "(division = %s OR strpos(more_divisions, %s) > 0)",
            query.division,
            json.dumps(query.division, ensure_ascii=False),
        )
    if query.route is not None:
        bit = ROUTE_BITS[query.route]
        add("(eligible_mask & %s) " + ("<> 0" if query.eligible else "= 0"), bit)
    if query.blocker is not None:
        add("(blocker_mask & %s) <> 0", CODE_BITS[query.blocker])
    if query.blocked is not None:
        add(BLOCKED_SQL if query.blocked else NOT_BLOCKED_SQL)
    if (fragment := query.name_fragment) is not None:
        add("strpos(name_key, %s) > 0", fragment)
    return " AND ".join(clauses), tuple(params)


class _People(SqlPeople):
    """The shared people repository; the PostgreSQL spelling of the queries by INE and
    by pairs of (school, student)."""

    def eleves_by_ine(self, ines: Iterable[str]) -> dict[str, list[tuple[Uai, Eleve]]]:
        rows = (
            self._read()
            .execute(
                "SELECT (data::jsonb) ->> 'ine', uai, data FROM eleves "
                "WHERE (data::jsonb) ->> 'ine' = ANY(%s) ORDER BY uai, eleve_id",
                (list(dict.fromkeys(ines)),),
            )
            .fetchall()
        )
        found: dict[str, list[tuple[Uai, Eleve]]] = {}
        for ine, uai, data in rows:
            found.setdefault(ine, []).append((Uai(uai), loads(data, Eleve)))
        return found

    def legal_representatives(
        self, students: Iterable[tuple[Uai, str]]
    ) -> dict[tuple[Uai, str], list[Responsable]]:
        keys = list(dict.fromkeys(students))
        rows = (
            self._read()
            .execute(
                "SELECT l.uai, l.eleve_id, r.data FROM links l "
                "JOIN responsables r ON r.uai = l.uai AND r.personne_id = l.personne_id "
                "WHERE l.level = %s AND (l.uai, l.eleve_id) IN "
                "(SELECT * FROM unnest(%s::text[], %s::text[])) "
                "ORDER BY l.uai, l.eleve_id, l.personne_id",
                (ResponsibilityLevel.LEGAL.value, [u.value for u, _ in keys], [e for _, e in keys]),
            )
            .fetchall()
        )
        found: dict[tuple[Uai, str], list[Responsable]] = {}
        for uai, eleve_id, data in rows:
            found.setdefault((Uai(uai), eleve_id), []).append(loads(data, Responsable))
        return found
