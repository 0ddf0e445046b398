"""The accounts repository (``uow.accounts``) of the SQL stores, written once:
reads, writes with optimistic versions, the query compiler of
:class:`~educonnect_core.storage.AccountQuery` and the statistics."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Final

import attrs

from educonnect_core.accounts import Account
from educonnect_core.errors import ConcurrentModification, NotFound, StorageError
from educonnect_core.people import Profile
from educonnect_core.states import AccountState
from educonnect_core.storage import (
    AccountQuery,
    AccountStatus,
    DuplicateAccount,
    IdentifierTaken,
    Page,
    Statistics,
)
from educonnect_core.values import Uai, as_optional_uai

from . import BLOCKED_SQL, NOT_BLOCKED_SQL, state_clause
from .dialect import Connect, Dialect
from .masks import CODE_BITS, ROUTE_BITS
from .rows import ACCOUNT_COLUMNS, account_from_row, account_row
from .statistics import statistics_from_counts

__all__ = ["SqlAccounts", "where_clause"]

_SELECT: Final = ", ".join(ACCOUNT_COLUMNS)
#: accounts inserted per statement batch
BATCH: Final = 5000


def where_clause(query: AccountQuery, dialect: Dialect) -> tuple[str, tuple[object, ...]]:
    """The ``WHERE`` of ``query`` over the accounts table, and its parameters: the
    one compiler of :class:`~educonnect_core.storage.AccountQuery` (whose
    :meth:`~educonnect_core.storage.AccountQuery.matches` is the reference)."""
    p = dialect.placeholder
    clauses: list[str] = ["1 = 1"]
    params: list[object] = []

    def add(clause: str, *values: object) -> None:
        clauses.append(clause)
        params.extend(values)

    if query.uai is not None:
        add(f"uai = {p}", query.uai.value)
    if query.profile is not None:
        add(f"profile = {p}", query.profile.value)
    if query.state is not None:
        add(state_clause(query.state))
    if query.activated_by is not None:
        add(f"route = {p}", query.activated_by.value)
    if query.division is not None:
        # the other classes are stored as a JSON array: look for the quoted name
        quoted = json.dumps(query.division, ensure_ascii=False)
        add(f"(division = {p} OR {dialect.contains('more_divisions')})", query.division, quoted)
    if query.route is not None:
        bit = ROUTE_BITS[query.route]
        add(f"(eligible_mask & {p}) " + ("<> 0" if query.eligible else "= 0"), bit)
    if query.blocker is not None:
        add(f"(blocker_mask & {p}) <> 0", CODE_BITS[query.blocker])
    if query.blocked is not None:
        add(BLOCKED_SQL if query.blocked else NOT_BLOCKED_SQL)
    if (fragment := query.name_fragment) is not None:
        add(dialect.contains("name_key"), fragment)
    return " AND ".join(clauses), tuple(params)


class SqlAccounts:
    """:class:`~educonnect_core.storage.AccountRepository` over a :class:`Dialect`."""

    def __init__(self, read: Connect, write: Connect, dialect: Dialect) -> None:
        self._read = read
        self._write = write
        self._d = dialect
        self._p = dialect.placeholder
        marks = ", ".join([self._p] * len(ACCOUNT_COLUMNS))
        self._insert = f"INSERT INTO accounts ({_SELECT}) VALUES ({marks})"
        self._update = (
            "UPDATE accounts SET "
            + ", ".join(f"{c} = {self._p}" for c in ACCOUNT_COLUMNS[4:17])
            + f", version = version + 1 WHERE account_id = {self._p} AND version = {self._p}"
        )

    def _one(self, where: str, *params: object) -> Account | None:
        row = self._read().execute(f"SELECT {_SELECT} FROM accounts WHERE {where}", params)
        found = row.fetchone()
        return None if found is None else account_from_row(found)

    def get(self, account_id: str) -> Account:
        account = self._one(f"account_id = {self._p}", account_id)
        if account is None:
            raise NotFound(f"no account {account_id!r}")
        return account

    def find(self, uai: Uai, profile: Profile, siecle_id: str) -> Account | None:
        return self._one(f"account_id = {self._p}", Account.make_id(uai, profile, siecle_id))

    def get_many(self, account_ids: Iterable[str]) -> dict[str, Account]:
        found: dict[str, Account] = {}
        for condition, params in self._d.in_chunks("account_id", list(set(account_ids))):
            rows = self._read().execute(f"SELECT {_SELECT} FROM accounts WHERE {condition}", params)
            for row in rows.fetchall():
                found[row[0]] = account_from_row(row)
        return found

    def by_identifier(self, identifier: str) -> Account:
        account = self._one(f"identifier = {self._p}", identifier)
        if account is None:
            raise NotFound(f"no account with identifier {identifier!r}")
        return account

    def identifier_taken(self, identifier: str) -> bool:
        found = (
            self._read()
            .execute(f"SELECT 1 FROM accounts WHERE identifier = {self._p}", (identifier,))
            .fetchone()
        )
        return found is not None

    def _refused(self, account: Account) -> Exception:
        """Why ``account`` could not be inserted: its id, else its identifier, is taken."""
        if self._one(f"account_id = {self._p}", account.account_id) is not None:
            return DuplicateAccount(account.account_id)
        if account.identifier is not None and self.identifier_taken(account.identifier):
            return IdentifierTaken(account.identifier, account.account_id)
        return StorageError(f"account {account.account_id!r}: refused by the store")

    def add(self, account: Account) -> Account:
        stored = attrs.evolve(account, version=1)
        if self._d.execute_or_conflict(self._write(), self._insert, account_row(stored)) is None:
            raise self._refused(account)
        return stored

    def add_many(self, accounts: Iterable[Account]) -> int:
        conn = self._write()
        count = 0
        iterator = iter(accounts)
        while chunk := list(islice(iterator, BATCH)):
            rows = (account_row(a, 1) for a in chunk)
            if not self._d.bulk_insert_or_conflict(conn, "accounts", ACCOUNT_COLUMNS, rows):
                for account in chunk:  # the batch was undone: name the culprit
                    self.add(account)
                raise StorageError("add_many: a conflict the accounts one by one did not show")
            count += len(chunk)
        return count

    def update(self, account: Account) -> Account:
        conn = self._write()
        if account.identifier is not None:
            clash = conn.execute(
                f"SELECT 1 FROM accounts WHERE identifier = {self._p} AND account_id <> {self._p}",
                (account.identifier, account.account_id),
            ).fetchone()
            if clash is not None:
                raise IdentifierTaken(account.identifier, account.account_id)
        row = account_row(account)
        params = (*row[4:17], account.account_id, account.version)
        cursor = self._d.execute_or_conflict(conn, self._update, params)
        if cursor is None:
            raise IdentifierTaken(account.identifier or "", account.account_id)
        if cursor.rowcount == 1:
            return attrs.evolve(account, version=account.version + 1)
        found = conn.execute(
            f"SELECT version FROM accounts WHERE account_id = {self._p}", (account.account_id,)
        ).fetchone()
        if found is None:
            raise NotFound(f"no account {account.account_id!r}")
        raise ConcurrentModification(
            f"account {account.account_id!r}: saving version {account.version} over stored "
            f"version {found[0]} (changed by someone else since it was read)"
        )

    def update_many(self, accounts: Sequence[Account]) -> list[Account]:
        """The updates in batches of one ``executemany`` each; a batch that does not
        change one row per account is undone and replayed one by one, which raises
        the error of the culprit."""
        conn = self._write()
        saved: list[Account] = []
        for start in range(0, len(accounts), BATCH):
            chunk = accounts[start : start + BATCH]
            params = [(*account_row(a)[4:17], a.account_id, a.version) for a in chunk]
            if not self._d.write_each(conn, self._update, params):
                for account in chunk:
                    self.update(account)
                raise StorageError("update_many: a refusal the updates one by one did not show")
            saved.extend(attrs.evolve(a, version=a.version + 1) for a in chunk)
        return saved

    def of_school(self, uai: Uai) -> Iterator[Account]:
        rows = self._d.stream(
            self._read(),
            f"SELECT {_SELECT} FROM accounts WHERE uai = {self._p} ORDER BY account_id",
            (uai.value,),
        )
        return (account_from_row(r) for r in rows)

    def statuses(self, uai: Uai) -> Iterator[AccountStatus]:
        rows = self._d.stream(
            self._read(),
            # SQLite: the (uai, profile, state) index visits the rows in an order close to
            # storage order, a third faster than its planner's choice on a big school
            "SELECT account_id, profile, siecle_id, state, deactivation_reason "
            f"FROM accounts {self._d.index_hint('accounts_by_school')} WHERE uai = {self._p}",
            (uai.value,),
        )
        profiles = {p.value: p for p in Profile}
        states = {s.value: s for s in AccountState}
        return (
            AccountStatus(account_id, profiles[profile], siecle_id, states[state], reason)
            for account_id, profile, siecle_id, state, reason in rows
        )

    def query(self, query: AccountQuery) -> Page[Account]:
        where, params = where_clause(query, self._d)
        limit = self._d.no_limit() if query.limit is None else query.limit
        rows = (
            self._read()
            .execute(
                f"SELECT {_SELECT} FROM accounts WHERE {where} "
                f"ORDER BY coalesce(name_key, ''), account_id LIMIT {self._p} OFFSET {self._p}",
                (*params, limit, query.offset),
            )
            .fetchall()
        )
        if query.offset == 0 and (query.limit is None or len(rows) < query.limit):
            total = len(rows)  # the page holds every match: no second scan
        else:
            total = self.count(query)
        return Page(tuple(map(account_from_row, rows)), total, query.offset, query.limit)

    def count(self, query: AccountQuery) -> int:
        where, params = where_clause(query, self._d)
        found = self._read().execute(f"SELECT count(*) FROM accounts WHERE {where}", params)
        row = found.fetchone()
        return 0 if row is None else int(row[0])

    def statistics(self, uai: Uai | str | None = None) -> Statistics:
        uai = as_optional_uai(uai)
        # Every query groups by uai first, so that it streams over a covering index in
        # order (no sort), for one school or for the whole store; Python adds up.
        read = self._read()
        scope, params = (f"uai = {self._p}", (uai.value,)) if uai is not None else ("1 = 1", ())
        profile_state = read.execute(
            f"SELECT uai, profile, state, count(*) FROM accounts WHERE {scope} GROUP BY 1, 2, 3",
            params,
        ).fetchall()
        divisions = read.execute(
            "SELECT uai, division, state, count(*) FROM accounts "
            f"WHERE {scope} AND division IS NOT NULL GROUP BY 1, 2, 3",
            params,
        ).fetchall()
        more_divisions = read.execute(
            f"SELECT j.value, a.state, count(*) FROM accounts a, "
            f"{self._d.json_elements('a.more_divisions')} j "
            f"WHERE {scope.replace('uai', 'a.uai')} AND a.more_divisions IS NOT NULL "
            "GROUP BY 1, 2",
            params,
        ).fetchall()
        routes = read.execute(
            "SELECT uai, route, count(*) FROM accounts "
            f"WHERE {scope} AND route IS NOT NULL GROUP BY 1, 2",
            params,
        ).fetchall()
        masks = read.execute(
            "SELECT uai, blocker_mask, eligible_mask, state, count(*) FROM accounts "
            f"WHERE {scope} AND blocker_mask IS NOT NULL GROUP BY 1, 2, 3, 4",
            params,
        ).fetchall()
        return statistics_from_counts(
            ((p, s, n) for _, p, s, n in profile_state),
            chain(((d, s, n) for _, d, s, n in divisions), more_divisions),
            ((r, n) for _, r, n in routes),
            ((s, m, e, n) for _, m, e, s, n in masks),
        )
