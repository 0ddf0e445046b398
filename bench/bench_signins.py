"""``educonnect logins FILE``: a day of an académie's sign-ins (issue 19).

Stores invented schools (``SignInWorld``: students with INEs, two legal
representatives per family), writes a JSON Lines feed of N sign-ins (half
students, half responsables naming their children, 2 % strangers, repeated
sign-ins of the same persons), then times, in the same run:

* ``educonnect logins FILE`` on a fresh store (matching, linking, activating);
* the same command again (every person now matched by the linked id, nothing
  to write: the idempotent re-run);
* a bare floor: ``json.loads`` of every line and one indexed ``SELECT`` of the
  student by INE per line, with the observations written by ``executemany``.

Prints sign-ins per second and the ratio to the floor. Target (issue 19):
500,000 sign-ins in under 5 minutes on SQLite.

    python bench/bench_signins.py                       # 500,000 sign-ins, SQLite
    python bench/bench_signins.py --sign-ins 50000      # quick
    python bench/bench_signins.py --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import secrets
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from educonnect_adapters.cli.main import main as educonnect
from educonnect_core.plugins import Plugins
from educonnect_core.testing.signin_feeds import SignInWorld

DEFAULT_SIGN_INS = 500_000
#: students per school; schools scale with the feed (a day sees ~2 sign-ins per person)
STUDENTS = 800


def _run(*args: str) -> float:
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = educonnect([*args, "--no-progress"])
    if code != 0:
        raise SystemExit(f"educonnect {' '.join(args)} exited {code}: {out.getvalue()[-500:]}")
    return time.perf_counter() - start


def _floor_sqlite(db: Path, feed: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    rows = []
    for line in feed.open(encoding="utf-8"):
        claims = json.loads(line)
        ine = claims["FrEduCtEleveINE"]
        ine = ine[0] if isinstance(ine, list) else ine
        found = conn.execute(
            "SELECT uai, eleve_id FROM eleves WHERE json_type(data, '$.ine') = 'text' "
            "AND json_extract(data, '$.ine') = ?",
            (ine,),
        ).fetchone()
        if found:
            stamp = claims["FrEduCtDateConnexion"]
            rows.append((f"E-{found[0]}-{found[1]}", found[0], claims["FrEduCtId"], stamp, stamp))
    conn.execute("CREATE TEMP TABLE floor (a TEXT PRIMARY KEY, u, c, f, l)")
    conn.executemany(
        "INSERT INTO floor VALUES (?, ?, ?, ?, ?) ON CONFLICT (a) DO UPDATE SET l = excluded.l",
        rows,
    )
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sign-ins", type=int, default=DEFAULT_SIGN_INS)
    parser.add_argument("--postgres", metavar="URL", help="also on this PostgreSQL server")
    args = parser.parse_args()
    n = args.sign_ins
    world = SignInWorld(schools=max(1, n // (2 * STUDENTS * 2)), students=STUDENTS)
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "connexions.jsonl"
        with feed.open("w", encoding="utf-8") as out:
            for claims in world.claims(n):
                out.write(json.dumps(claims, ensure_ascii=False) + "\n")
        targets = [("SQLite", f"sqlite:///{Path(tmp) / 'store.db'}")]
        if args.postgres:
            schema = f"bench_signins_{secrets.token_hex(4)}"
            targets.append(("PostgreSQL", f"{args.postgres}?schema={schema}"))
        print(
            f"{n:,} sign-ins; {world.schools} schools × {world.students} students "
            f"(+ ~{world.students * 4 // 3:,} responsables each)"
        )
        for name, url in targets:
            store = Plugins.installed().open_store(url)
            start = time.perf_counter()
            world.populate(store)
            store.close()
            print(f"{name}: store populated in {time.perf_counter() - start:.1f} s")
            first = _run("logins", str(feed), "--store", url)
            again = _run("logins", str(feed), "--store", url)
            print(
                f"{name}: first recording {first:.1f} s ({n / first:,.0f} sign-ins/s); "
                f"re-run {again:.1f} s ({n / again:,.0f} sign-ins/s)"
            )
            if name == "SQLite":
                floor = _floor_sqlite(Path(tmp) / "store.db", feed)
                print(
                    f"{name}: bare floor {floor:.1f} s; logins / floor = {first / floor:.2f} "
                    f"(re-run {again / floor:.2f})"
                )
                scaled = first * DEFAULT_SIGN_INS / n
                print(
                    f"{name}: 500,000 sign-ins at this rate: {scaled:.0f} s "
                    f"({'within' if scaled < 300 else 'OVER'} the 5-minute target)"
                )
            if name == "PostgreSQL":
                import psycopg

                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
