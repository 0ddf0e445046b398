"""ONDE reading: throughput against a bare ``csv.reader`` loop, and peak memory.

Generates a synthetic pair of extractions (at ``--scale 1``: 20,000 students in
about 12,000 families, one Responsables row per parent and child, cp1252, CRLF)
in a temporary folder, then measures in this process:

* ``bare``: ``csv.reader`` over both files, decoded, rows counted;
* ``full``: ``Plugins.installed().open_source`` (which scans both files once)
  and every stream, records dropped as they come (what a streaming consumer does);
* ``peak``: the ``tracemalloc`` peak of ``full``, against the bytes of the files
  and per student (the reader keeps only the linking index and the merged
  responsables).

Figures are ratios measured in the same run.

    python bench/bench_onde.py               # 1×
    python bench/bench_onde.py --scale 0.05  # quick
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from educonnect_core.plugins import Plugins
from educonnect_core.sources import ReadOptions

STUDENTS_AT_1X = 20_000
UAI = "0330001X"
CLASSES = ["CP - Mme Duval", "CE1 - M. Roux", "CE2/CM1 Mme Noir", "CM2 M. Petit", "GS Mme Blanc"]
FIRST = ["Léa", "Noé", "Inès", "Tom", "Chloé", "Jules", "Zoé", "Maëlys", "Hugo", "Emma"]


def generate(folder: Path, students: int) -> list[Path]:
    rng = random.Random(7)
    eleves_rows = [
        "Nom élève;Nom d'usage élève;Prénom élève;Date naissance;Sexe;INE;Adresse1;Cp1;"
        "Commune1;Pays1;Adresse2;Cp2;Commune2;Pays2; Cycle;Niveau;Libellé classe;"
        "Identifiant classe;Attestation fournie;Autorisation associations;Autorisation photo;"
        "Décision de passage"
    ]
    resp_rows = [
        "Civilité Responsable;Nom usage responsable;Nom responsable;Prénom responsable;"
        "Adresse responsable;CP responsable;Commune responsable;Pays;Courriel;"
        "Téléphone domicile;Téléphone travail;Numéro de poste;Téléphone portable;"
        + ";".join(["Nom d'usage enfant;Nom de famille enfant;Prénom enfant;Classes enfants"] * 2)
    ]
    made, family = 0, 0
    while made < students:
        family += 1
        nom = f"FAMILLE{family}É"
        address = f"{family} rue des Écoles;33000;BORDEAUX;FRANCE"
        children = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            prenom, classe = rng.choice(FIRST), rng.choice(CLASSES)
            born = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(2500))
            ine = f"{made:010d}A" if rng.random() > 0.02 else ""
            eleves_rows.append(
                f"{nom};;{prenom};{born:%d/%m/%Y};F;{ine};{address};;;;;C2;CP;{classe};1001;"
                "Oui;Oui;Non;"
            )
            children.append((prenom, classe))
            made += 1
        for civ, parent in (("MME", "Anne"), ("M.", "Marc"))[: rng.choice((1, 2, 2))]:
            for prenom, classe in children:  # one row per child: merged by the reader
                resp_rows.append(
                    f"{civ};;{nom};{parent};{address};{parent.lower()}{family}@example.org;;;;"
                    f"06 {family % 100:02d} 00 00 {len(parent):02d};;{nom};{prenom};"
                    f"{classe}"
                )
    paths = [folder / "eleves.csv", folder / "responsables.csv"]
    for path, rows in zip(paths, (eleves_rows, resp_rows), strict=True):
        path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    return paths


def run_bare(paths: list[Path]) -> int:
    rows = 0
    for path in paths:
        with path.open(encoding="cp1252", newline="") as handle:
            for _ in csv.reader(handle, delimiter=";"):
                rows += 1
    return rows


def run_full(paths: list[Path]) -> tuple[int, int, int, int]:
    reader = Plugins.installed().open_source(paths, ReadOptions(expected_uai=UAI))
    eleves = sum(1 for _ in reader.eleves())
    responsables = sum(1 for _ in reader.responsables())
    links = sum(1 for _ in reader.links())
    return eleves, responsables, links, len(reader.findings)


def timed(func: object, paths: list[Path], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(paths)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 20,000 students")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    students = max(10, int(STUDENTS_AT_1X * args.scale))
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), students)
        size = sum(p.stat().st_size for p in paths)
        counts = run_full(paths)
        bare = timed(run_bare, paths, args.repeat)
        full = timed(run_full, paths, args.repeat)
        tracemalloc.start()
        run_full(paths)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    eleves, responsables, links, findings = counts
    print(f"files: {size / 1e6:.1f} MB; {eleves} eleves, {responsables} responsables, "
          f"{links} links, {findings} findings")  # fmt: skip
    print(f"bare csv loop {bare:.3f} s; full read {full:.3f} s; ratio full/bare {full / bare:.1f}")
    print(f"peak traced memory {peak / 1e6:.1f} MB = {peak / size:.2f}× the files, "
          f"{peak / eleves:.0f} bytes per student")  # fmt: skip


if __name__ == "__main__":
    main()
