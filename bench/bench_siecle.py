"""SIECLE reading: throughput against a bare iterparse loop, and peak memory.

Generates a synthetic académie-size export (at ``--scale 1``: about 108,000
students and 180,000 responsables, Latin-9) in a temporary folder, then runs
each measurement in its own subprocess:

* ``bare``: an ``lxml.etree.iterparse`` loop over both files, clearing elements;
* ``full``: ``Plugins.installed().open_source`` + every stream + eligibility of
  every account (parse + normalize + eligibility), objects kept for the join;
* ``store``: the read-into-a-store path: every record streamed into an SQLite
  file (stdlib ``sqlite3``, batches), only the reader's own indexes in memory.

Peak memory is the child's own ``VmHWM`` (Linux), not ``ru_maxrss``, which a
child inherits from the parent that generated the files.

Times are the child process's CPU time (robust on a shared machine); figures
are ratios measured in the same run. Targets (issue 3): full ≤ 2.5× the
bare loop; store peak RSS < 250 MB at 1× and < 1 GB at 10×.

    python bench/bench_siecle.py                      # 1× and 10× (10× takes minutes)
    python bench/bench_siecle.py --scale 0.05 --factors 1   # quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from lxml import etree

from educonnect_core.plugins import Plugins

FAMILIES_AT_1X = 90_000  # ≈ 108,000 students and 180,000 responsables


def generate(folder: Path, families: int) -> tuple[Path, Path]:
    from educonnect_adapters.siecle.synthetic import families as make
    from educonnect_adapters.siecle.synthetic import write_eleves, write_responsables

    eleves, responsables = (
        folder / "ElevesSansAdresses.xml",
        folder / "ResponsablesAvecAdresses.xml",
    )
    with eleves.open("wb") as out:
        write_eleves(out, (e for f in make(families, problems=0.05) for e in f.eleves))
    with responsables.open("wb") as out:
        write_responsables(
            out,
            (p for f in make(families, problems=0.05) for p in f.personnes),
            (link for f in make(families, problems=0.05) for link in f.links),
        )
    return eleves, responsables


def run_bare(paths: list[Path]) -> int:
    records = 0
    wanted = {"ELEVE", "PERSONNE", "RESPONSABLE_ELEVE"}
    for path in paths:
        for _event, element in etree.iterparse(str(path), events=("end",)):
            if element.tag in wanted:
                records += 1
            element.clear()
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    return records


def run_full(paths: list[Path], plugins: Plugins) -> int:
    from educonnect_core.eligibility import Child, EvaluationContext, evaluate
    from educonnect_core.people import Eleve, Responsable
    from educonnect_core.testing import FixedClock

    reader = plugins.open_source(paths)
    ctx = EvaluationContext(
        at=FixedClock(reader.school.exported_at or _noon()).now(),
        school_year=reader.school.school_year,
    )
    eleves: dict[str, Eleve] = {}
    for eleve in reader.eleves():
        eleves[eleve.eleve_id] = eleve
        if eleve.current:
            evaluate(eleve, ctx)
    people: list[Responsable] = list(reader.responsables())
    children: dict[str, list[Child]] = defaultdict(list)
    links = 0
    for link in reader.links():
        links += 1
        children[link.personne_id].append(Child(eleves[link.eleve_id], link))
    for person in people:
        mine = children.get(person.personne_id, [])
        if any(c.link.legal and c.eleve.current for c in mine):
            evaluate(person, ctx, children=mine)
    return len(eleves) + len(people) + links


def run_store(paths: list[Path], folder: Path, plugins: Plugins) -> int:
    db = sqlite3.connect(folder / "store.sqlite3")
    db.executescript(
        "DROP TABLE IF EXISTS eleve; DROP TABLE IF EXISTS personne; DROP TABLE IF EXISTS link;"
        "CREATE TABLE eleve (id TEXT PRIMARY KEY, nom TEXT, prenom TEXT, naiss TEXT,"
        " division TEXT, current INTEGER);"
        "CREATE TABLE personne (id TEXT PRIMARY KEY, nom TEXT, prenom TEXT, mobile TEXT,"
        " email TEXT);"
        "CREATE TABLE link (eleve_id TEXT, personne_id TEXT, level INTEGER);"
    )
    reader = plugins.open_source(paths)
    count = 0
    batch: list[tuple[object, ...]] = []

    def flush(sql: str) -> None:
        nonlocal count
        db.executemany(sql, batch)
        count += len(batch)
        batch.clear()

    sql = "INSERT INTO eleve VALUES (?, ?, ?, ?, ?, ?)"
    for e in reader.eleves():
        batch.append(
            (e.eleve_id, e.name.last, e.name.first, str(e.birth_date), e.division, e.current)
        )
        if len(batch) >= 5000:
            flush(sql)
    flush(sql)
    sql = "INSERT INTO personne VALUES (?, ?, ?, ?, ?)"
    for p in reader.responsables():
        batch.append((p.personne_id, p.name.last, p.name.first, str(p.mobile), str(p.email)))
        if len(batch) >= 5000:
            flush(sql)
    flush(sql)
    sql = "INSERT INTO link VALUES (?, ?, ?)"
    for link in reader.links():
        batch.append((link.eleve_id, link.personne_id, link.level.value))
        if len(batch) >= 5000:
            flush(sql)
    flush(sql)
    db.commit()
    db.close()
    return count


def _noon() -> dt.datetime:
    return dt.datetime(2026, 1, 12, 12, tzinfo=dt.UTC)


def peak_rss_kb() -> int:
    """This process's peak resident set size, in KiB.

    ``VmHWM`` where Linux gives it: ``ru_maxrss`` survives ``fork``/``exec`` and
    would report the (large) parent that generated the files.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(mode: str, folder: Path) -> None:
    paths = [folder / "ElevesSansAdresses.xml", folder / "ResponsablesAvecAdresses.xml"]
    plugins = Plugins.installed()  # imports every installed adapter: not timed
    start, cpu = time.perf_counter(), time.process_time()
    if mode == "bare":
        records = run_bare(paths)
    elif mode == "full":
        records = run_full(paths, plugins)
    else:
        records = run_store(paths, folder, plugins)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - start
    peak_kb = peak_rss_kb()
    print(json.dumps({"records": records, "seconds": cpu, "wall": wall, "peak_mb": peak_kb / 1024}))


def measure(mode: str, folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--dir", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 90,000 families")
    parser.add_argument("--factors", default="1,10", help="memory runs, × scale (e.g. 1,10)")
    parser.add_argument("--child", choices=("bare", "full", "store"), help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dir)
        return 0
    factors = [float(f) for f in args.factors.split(",") if f]
    with tempfile.TemporaryDirectory(prefix="bench_siecle_") as tmp:
        for factor in sorted({1.0, *factors}):
            folder = Path(tmp) / f"x{factor:g}"
            folder.mkdir()
            families = max(10, round(FAMILIES_AT_1X * args.scale * factor))
            t0 = time.perf_counter()
            eleves, responsables = generate(folder, families)
            size = (eleves.stat().st_size + responsables.stat().st_size) / 1e6
            print(
                f"[{factor:g}× scale {args.scale:g}] {families} families, {size:.0f} MB of XML "
                f"generated in {time.perf_counter() - t0:.0f} s",
                flush=True,
            )
            if factor == 1.0:
                bare = measure("bare", folder)
                full = measure("full", folder)
                bare_rate = bare["records"] / bare["seconds"]
                full_rate = full["records"] / full["seconds"]
                print(
                    f"  bare iterparse loop : {bare_rate:>9,.0f} records/s "
                    f"({bare['records']:,} records, {bare['seconds']:.1f} CPU s)"
                )
                print(
                    f"  full read+eligibility: {full_rate:>9,.0f} records/s "
                    f"({full['records']:,} records, {full['seconds']:.1f} CPU s, "
                    f"peak {full['peak_mb']:.0f} MB)"
                )
                print(
                    f"  ratio full/bare CPU time : {full['seconds'] / bare['seconds']:.2f} "
                    "(target ≤ 2.5)",
                    flush=True,
                )
            if factor in factors:
                store = measure("store", folder)
                print(
                    f"  read into a store    : {store['records'] / store['seconds']:>9,.0f} "
                    f"records/s, peak RSS {store['peak_mb']:.0f} MB "
                    f"(target < {250 if factor <= 1 else 1000} MB at {factor:g}×)",
                    flush=True,
                )
            for path in folder.iterdir():
                path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
