"""``educonnect stats`` on a large SQLite store (issue 8).

Loads N accounts with their eligibility snapshots into a fresh SQLite file (the
storage benchmark's generator: 200 schools, every state, route and blocker
code), then times, in the same run and on the same file:

* ``educonnect stats --all-schools --json``: the whole command, in process
  (settings, plugin loading, store opening, queries, JSON output). Target with
  1,000,000 accounts: under a second.
* ``educonnect stats --uai X --json`` for one school.
* the store's ``statistics()`` alone, and a bare ``SELECT … GROUP BY`` over the
  accounts table (the floor): the command's time is printed as ratios to both.

    python bench/bench_stats.py                    # 1,000,000 accounts
    python bench/bench_stats.py --accounts 20000   # quick
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_storage import UAIS, chunks, make_accounts, make_snapshots
from educonnect_adapters.cli.main import main as educonnect
from educonnect_core.people import School
from educonnect_core.plugins import Plugins

DEFAULT_ACCOUNTS = 1_000_000
RUNS = 3


def best(action: Callable[[], Any], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def load(url: str, total: int) -> None:
    store = Plugins.installed().open_store(url)
    with store.unit_of_work() as uow:
        for uai in UAIS:
            uow.people.upsert_school(School(uai, 2025, name=f"Collège {uai}"))
        for start, stop in chunks(total):
            accounts = make_accounts(start, stop)
            uow.accounts.add_many(accounts)
            uow.eligibility.put_many(make_snapshots(accounts))
        uow.commit()
    store.close()


def run_cli(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = educonnect(list(args))
    if code != 0:
        raise SystemExit(f"educonnect {' '.join(args)} failed with exit code {code}")
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=DEFAULT_ACCOUNTS)
    args = parser.parse_args()
    total: int = args.accounts
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stats.db"
        url = f"sqlite:///{path}"
        start = time.perf_counter()
        load(url, total)
        print(f"-- SQLite, {total:,} accounts loaded in {time.perf_counter() - start:.1f}s")

        figures = run_cli("stats", "--all-schools", "--json", "--store", url)  # warm the cache
        assert figures["total"] == total, figures["total"]
        command_all = best(lambda: run_cli("stats", "--all-schools", "--json", "--store", url))
        one = str(UAIS[7])
        command_one = best(lambda: run_cli("stats", "--uai", one, "--json", "--store", url))

        store = Plugins.installed().open_store(url)
        with store.unit_of_work() as uow:
            statistics = best(uow.accounts.statistics)
        store.close()
        conn = sqlite3.connect(path)
        bare = best(
            lambda: conn.execute(
                "SELECT profile, state, count(*) FROM accounts GROUP BY 1, 2"
            ).fetchall()
        )
        conn.close()

    print(
        f"   educonnect stats --all-schools: {command_all:.3f}s over {total:,} accounts "
        f"(target < 1 s at 1,000,000)"
    )
    print(
        f"   ratio to the store's statistics() alone ({statistics:.3f}s): "
        f"{command_all / statistics:.2f}; to a bare GROUP BY profile, state "
        f"({bare:.3f}s): {command_all / bare:.2f}"
    )
    print(
        f"   educonnect stats --uai {one} (one school of {len(UAIS)}): {command_one * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
