"""Nightly sync: a day-2 export with 2% of the records changed, against a full reload.

At ``--scale 1`` the day-1 export has 120,000 students and 160,000 responsables
(280,000 records, 240,000 links; the synthetic export of the storage contract).
The day-2 export changes 2% of those records: mobiles and emails added, changed
or removed, names and birth dates corrected, classes changed, students who
left, new students with their responsables and links.

For each backend (SQLite in a temporary file; PostgreSQL when reachable, on a
temporary schema), in the same run:

* ``day 1``: import of day 1 into an empty store (the pipeline: ``synchronise``);
* ``sync``: :func:`~educonnect_core.sync.synchronise` of day 2 on that store;
* ``reload``: import of day 2 into an empty store (the full reload);

and prints ``sync / reload`` (target ≤ 0.20) and the changeset counts.

    python bench/bench_sync.py                    # 280,000 records (minutes)
    python bench/bench_sync.py --scale 0.05       # quick
    python bench/bench_sync.py --backends sqlite
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import attrs

from educonnect_core.changeset import Changeset
from educonnect_core.people import Eleve, Link, Responsable, ResponsibilityLevel, StudentStatus
from educonnect_core.plugins import Plugins
from educonnect_core.storage import Store
from educonnect_core.sync import Export, synchronise
from educonnect_core.testing.storage_contract import SyntheticExport
from educonnect_core.values import BirthDate, EmailAddress, MobilePhone, PersonName

ELEVES_AT_1X = 120_000
POSTGRES_URL = os.environ.get(
    "EDUCONNECT_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
CHANGED_SHARE = 0.02


def day2(day1: Export, share: float) -> Export:
    """Day 1 with ``share`` of its people records changed in various ways."""
    eleves = dict(day1.eleves)
    responsables = dict(day1.responsables)
    links = dict(day1.links)
    budget = int((len(eleves) + len(responsables)) * share)
    changed = 0
    for i, pid in enumerate(list(responsables)[::17]):
        if changed >= budget * 0.6:
            break
        r = responsables[pid]
        if i % 3 == 0:
            r = attrs.evolve(r, mobile=None if r.mobile else MobilePhone(f"+33699{i:06d}"))
        elif i % 3 == 1:
            r = attrs.evolve(r, email=EmailAddress(f"nouveau{i}@exemple.fr"))
        else:
            r = attrs.evolve(r, name=PersonName(r.name.last + "-CORRIGE", r.name.first))
        responsables[pid] = r
        changed += 1
    eleve_ids = list(eleves)
    for i, eid in enumerate(eleve_ids[5::13]):
        if changed >= budget * 0.95:
            break
        e = eleves[eid]
        if i % 4 == 0:
            e = attrs.evolve(e, status=StudentStatus.LEFT, left_on=dt.date(2026, 1, 10))
        elif i % 4 == 1:
            e = attrs.evolve(e, birth_date=BirthDate(dt.date(2012, 2, 2)))
        else:
            e = attrs.evolve(e, division=f"{e.division}B")
        eleves[eid] = e
        changed += 1
    i = 0
    while changed < budget:  # new students, each with a new legal responsable
        eid, pid = f"9{i:07d}", f"N{i}"
        eleves[eid] = Eleve(eid, PersonName("NOUVEAU", f"Élève{i}"), BirthDate(dt.date(2013, 3, 3)))
        responsables[pid] = Responsable(pid, PersonName("NOUVEAU", f"Parent{i}"))
        links[eid, pid] = Link(eid, pid, ResponsibilityLevel.LEGAL, "10")
        changed += 2
        i += 1
    school = attrs.evolve(
        day1.school,
        exported_at=(day1.school.exported_at or dt.datetime.now(dt.UTC)) + dt.timedelta(days=1),
    )
    return Export.of(school, eleves.values(), responsables.values(), links.values())


def stores(backends: list[str], folder: Path) -> Iterator[tuple[str, Store]]:
    plugins = Plugins.installed()
    if "sqlite" in backends:
        yield "sqlite", plugins.open_store(f"sqlite:///{folder / f'{secrets.token_hex(4)}.db'}")
    if "postgres" in backends:
        schema = f"bench_sync_{os.getpid()}_{secrets.token_hex(3)}"
        separator = "&" if "?" in POSTGRES_URL else "?"
        yield "postgres", plugins.open_store(f"{POSTGRES_URL}{separator}schema={schema}")


def drop(store: Store) -> None:
    url = store.url
    store.close()
    if url.startswith("postgresql"):
        import psycopg

        schema = url.rsplit("schema=", 1)[1]
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        print(f"PostgreSQL skipped: {exc}".strip())
        return False
    return True


def run_sync(result: list[Changeset], store: Store, export: Export, now: dt.datetime) -> None:
    result.append(synchronise(store, export, now))


def timed(label: str, work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"  {label:<8} {seconds:8.2f} s", flush=True)
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 280,000 records")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    backends = [b for b in args.backends.split(",") if b]
    if "postgres" in backends and not postgres_reachable():
        backends.remove("postgres")
    eleves_count = max(30, int(ELEVES_AT_1X * args.scale))
    one = Export.read(SyntheticExport(eleves_count))
    two = day2(one, CHANGED_SHARE)
    records = len(one.eleves) + len(one.responsables)
    print(
        f"day 1: {records:,} records ({len(one.eleves):,} students, "
        f"{len(one.responsables):,} responsables, {len(one.links):,} links); "
        f"day 2 changes {CHANGED_SHARE:.0%}"
    )
    now = dt.datetime(2026, 1, 14, 23, 0, tzinfo=dt.UTC)
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for (name, store), (_, empty) in zip(
            stores(backends, folder), stores(backends, folder), strict=True
        ):
            print(f"{name}:")
            try:
                timed("day 1", partial(synchronise, store, one.reader(), now))
                result: list[Changeset] = []
                sync = timed("sync", partial(run_sync, result, store, two, now))
                reload = timed("reload", partial(synchronise, empty, two.reader(), now))
            finally:
                drop(store)
                drop(empty)
            changeset = result[0]
            ratio = sync / reload
            print(f"  changes: {changeset.counts()}")
            verdict = "ok" if ratio <= 0.20 else "ABOVE TARGET"
            print(f"  sync / full reload = {ratio:.3f} (target ≤ 0.20): {verdict}", flush=True)
            failed |= ratio > 0.20
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
