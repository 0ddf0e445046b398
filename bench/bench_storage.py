"""Storage: bulk load of accounts against a bare load, and statistics (issue 4).

Measured in the same run, on the same rows, chunk by chunk (so memory stays flat):

* ``load``: ``uow.accounts.add_many`` (Account objects in, one transaction) over
  a bare ``executemany`` of the same row tuples (SQLite) / a bare ``COPY``
  (PostgreSQL) into an identical schema. Target: ratio <= 1.5.
* ``snapshots``: ``uow.eligibility.put_many`` over a bare ``executemany``
  ``UPDATE`` (SQLite) / bare ``COPY`` + ``UPDATE … FROM`` (PostgreSQL): for
  information.
* ``statistics``: ``uow.accounts.statistics()`` over every account, and for one
  school. Target on SQLite with 1,000,000 accounts: under a second (PostgreSQL:
  for information).

On a shared machine the ratios of small runs vary (other processes take the
CPU in the middle of one side); the full run is the reference.

    python bench/bench_storage.py                      # 1,000,000 accounts
    python bench/bench_storage.py --accounts 20000     # quick
    python bench/bench_storage.py --no-postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from educonnect_adapters.sql.rows import (
    ACCOUNT_COLUMNS,
    SNAPSHOT_COLUMNS,
    account_row,
    snapshot_row,
)
from educonnect_core.accounts import Account, ProvisionalCredential
from educonnect_core.blockers import BlockerCode
from educonnect_core.people import Profile
from educonnect_core.routes import Route
from educonnect_core.states import AccountState
from educonnect_core.storage import AccountQuery, EligibilitySnapshot, Store
from educonnect_core.values import UAI_CHECK_LETTERS, Uai

DEFAULT_ACCOUNTS = 1_000_000
CHUNK = 50_000
SCHOOLS = 200
DIVISIONS = ("6A", "6B", "6C", "5A", "5B", "5C", "4A", "4B", "4C", "3A", "3B", "3C")
UAIS = [Uai(f"{n:07d}{UAI_CHECK_LETTERS[n % 23]}") for n in range(990_000, 990_000 + SCHOOLS)]
STATES = list(AccountState)
ROUTES = list(Route)
CODES = list(BlockerCode)
CREDENTIAL = ProvisionalCredential.issue("scrypt$16384$8$1$c2FsdA$aGFzaA", dt.date(2026, 1, 5))


def make_accounts(start: int, stop: int) -> list[Account]:
    accounts = []
    for i in range(start, stop):
        state = STATES[i % len(STATES)]
        activated = state in (AccountState.ACTIVATED, AccountState.PASSWORD_RESET)
        accounts.append(
            Account(
                uai=UAIS[i % SCHOOLS],
                profile=Profile.ELEVE if i % 3 else Profile.RESPONSABLE,
                siecle_id=str(1_000_000 + i),
                identifier=f"user.{i}",
                state=state,
                route=ROUTES[i % len(ROUTES)] if activated else None,
                credential=CREDENTIAL if state is AccountState.NOTIFIED else None,
                has_aten_credentials=i % 10 == 0,
            )
        )
    return accounts


def make_snapshots(accounts: list[Account]) -> list[EligibilitySnapshot]:
    snapshots = []
    for n, account in enumerate(accounts):
        i = int(account.siecle_id)
        routes = {r: frozenset({CODES[(i + k) % len(CODES)]}) for k, r in enumerate(ROUTES)}
        routes[ROUTES[i % len(ROUTES)]] = frozenset()
        divisions = [DIVISIONS[i % len(DIVISIONS)]]
        if account.profile is Profile.RESPONSABLE and n % 4 == 0:
            divisions.append(DIVISIONS[(i + 5) % len(DIVISIONS)])
        snapshots.append(
            EligibilitySnapshot(
                account.account_id, routes, tuple(divisions), f"NOM{i % 9973} PRENOM{i % 97}"
            )
        )
    return snapshots


def chunks(total: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, CHUNK):
        yield start, min(total, start + CHUNK)


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# ---------------------------------------------------------------------------- SQLite


def bench_sqlite(total: int, folder: Path) -> dict[str, float]:
    from educonnect_adapters.sqlite import SqliteStore

    store = SqliteStore(folder / "store.db")
    bare_store = SqliteStore(folder / "bare.db")  # the same schema, loaded by hand
    bare_store.close()
    bare = sqlite3.connect(folder / "bare.db", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = NORMAL")
    bare.execute("PRAGMA foreign_keys = ON")
    bare.execute("PRAGMA cache_size = -65536")  # the same settings as the store's connections
    insert = (
        f"INSERT INTO accounts ({', '.join(ACCOUNT_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(ACCOUNT_COLUMNS))})"
    )
    update = (
        "UPDATE accounts SET "
        + ", ".join(f"{c} = ?" for c in SNAPSHOT_COLUMNS)
        + " WHERE account_id = ?"
    )
    ours = bare_t = snap_ours = snap_bare = 0.0
    uow = store.unit_of_work()
    bare.execute("BEGIN IMMEDIATE")
    for start, stop in chunks(total):
        accounts = make_accounts(start, stop)
        rows = [account_row(a, 1) for a in accounts]
        snapshots = make_snapshots(accounts)
        snap_rows = [(*snapshot_row(s), s.account_id) for s in snapshots]
        ours += timed(lambda a=accounts: uow.accounts.add_many(a))  # type: ignore[misc]
        bare_t += timed(lambda r=rows: bare.executemany(insert, r))  # type: ignore[misc]
        snap_ours += timed(lambda s=snapshots: uow.eligibility.put_many(s))  # type: ignore[misc]
        snap_bare += timed(lambda r=snap_rows: bare.executemany(update, r))  # type: ignore[misc]
    ours += timed(uow.commit)
    bare_t += timed(lambda: bare.execute("COMMIT"))
    uow.close()
    bare.close()
    figures = {"load": ours, "load_bare": bare_t, "snap": snap_ours, "snap_bare": snap_bare}
    store.close()  # as a later command would: a new process opens the store afresh
    store = SqliteStore(folder / "store.db")
    figures.update(statistics_times(store))
    store.close()
    return figures


def statistics_times(store: Store) -> dict[str, float]:
    with store.unit_of_work() as uow:
        uow.accounts.statistics()  # warm the page cache once
        best_all = min(timed(uow.accounts.statistics) for _ in range(3))
        best_one = min(timed(lambda: uow.accounts.statistics(UAIS[7])) for _ in range(3))
        stats = uow.accounts.statistics()
        query = AccountQuery(division="5B", blocker=BlockerCode.MISSING_MOBILE, name="nom12")
        best_query = min(timed(lambda: uow.accounts.query(query)) for _ in range(3))
    print(f"   statistics: {stats.total} accounts, {len(stats.by_division_state)} (class, state)")
    return {"stats_all": best_all, "stats_school": best_one, "query": best_query}


# ---------------------------------------------------------------------------- PostgreSQL


def bench_postgres(total: int, server: str) -> dict[str, float] | None:
    try:
        import psycopg
        from psycopg import sql

        from educonnect_adapters.postgres import PostgresStore
    except ImportError as exc:
        print(f"   skipped: {exc}")
        return None
    try:
        psycopg.connect(server, connect_timeout=3).close()
    except psycopg.Error as exc:
        print(f"   skipped: PostgreSQL not reachable at {server}: {exc}")
        return None
    suffix = f"{int(time.time())}"
    schemas = [f"bench_storage_{suffix}", f"bench_storage_bare_{suffix}"]
    sep = "&" if "?" in server else "?"
    store = PostgresStore(f"{server}{sep}schema={schemas[0]}")
    PostgresStore(f"{server}{sep}schema={schemas[1]}").close()
    bare = psycopg.connect(server)
    bare.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schemas[1])))
    copy_sql = f"COPY accounts ({', '.join(ACCOUNT_COLUMNS)}) FROM STDIN"
    ours = bare_t = snap = 0.0
    try:
        uow = store.unit_of_work()
        for start, stop in chunks(total):
            accounts = make_accounts(start, stop)
            rows = [account_row(a, 1) for a in accounts]

            def bare_copy(rows: list[tuple[Any, ...]] = rows) -> None:
                with bare.cursor() as cursor, cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)

            ours += timed(lambda accounts=accounts: uow.accounts.add_many(accounts))  # type: ignore[misc]
            bare_t += timed(bare_copy)
            snapshots = make_snapshots(accounts)
            snap += timed(lambda s=snapshots: uow.eligibility.put_many(s))  # type: ignore[misc]
        ours += timed(uow.commit)
        bare_t += timed(bare.commit)
        uow.close()
        return {"load": ours, "load_bare": bare_t, "snap": snap, **statistics_times(store)}
    finally:
        bare.close()
        store.close()
        with psycopg.connect(server, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=DEFAULT_ACCOUNTS)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    n = args.accounts
    print(f"-- SQLite, {n:,} accounts")
    with tempfile.TemporaryDirectory() as folder:
        f = bench_sqlite(n, Path(folder))
    print(
        f"   load: add_many {f['load']:.2f}s, bare executemany {f['load_bare']:.2f}s, "
        f"ratio {f['load'] / f['load_bare']:.2f} (target <= 1.5)"
    )
    print(
        f"   snapshots: put_many {f['snap']:.2f}s, bare executemany UPDATE "
        f"{f['snap_bare']:.2f}s, ratio {f['snap'] / f['snap_bare']:.2f}"
    )
    print(
        f"   statistics over every account: {f['stats_all']:.3f}s (target < 1 s at 1,000,000); "
        f"one school: {f['stats_school'] * 1000:.1f} ms; filtered query page: "
        f"{f['query'] * 1000:.1f} ms"
    )
    if args.no_postgres:
        return
    print(f"-- PostgreSQL, {n:,} accounts")
    p = bench_postgres(n, args.postgres_url)
    if p is not None:
        print(
            f"   load: add_many {p['load']:.2f}s, bare COPY {p['load_bare']:.2f}s, "
            f"ratio {p['load'] / p['load_bare']:.2f} (target <= 1.5)"
        )
        print(f"   snapshots: put_many (COPY + UPDATE … FROM) {p['snap']:.2f}s")
        print(
            f"   statistics over every account: {p['stats_all']:.3f}s; one school: "
            f"{p['stats_school'] * 1000:.1f} ms; filtered query page: {p['query'] * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
