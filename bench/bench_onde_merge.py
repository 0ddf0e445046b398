"""ONDE responsables merge: the indexed merge against the pairwise oracle, on homonyms.

Rows of one name (``MARTIN Ana``) are read and merged by
:class:`~educonnect_adapters.onde.responsables.ResponsableRows` (indexed by name,
then by email and address) and by ``tests/onde/merge_oracle.PairwiseRows`` (every
row compared with every homonym: the merge as first written), in this process:

* ``apart``: every row its own email and address: N persons kept apart (the worst
  case of the pairwise merge);
* ``chain``: each row shares its address or its email with the row before: one person
  holding N/2 emails and N/2 addresses;
* ``mixed``: 100 households of N/100 rows each, sharing an email.

And the linking of children: N students of one name (``MARTIN Léa``, one class), N
rows naming that child, with and without the class, by
:func:`~educonnect_adapters.onde.linking.resolve` (indexed: at most 11 homonyms
looked at) and ``tests/onde/link_oracle.plain_resolve`` (every homonym listed).

Figures are ratios measured in the same run.

    python bench/bench_onde_merge.py                 # 10,000 rows
    python bench/bench_onde_merge.py --rows 2000     # quick
    python bench/bench_onde_merge.py --no-pairwise   # the indexed merge only
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from educonnect_adapters.onde.eleves import EleveIndex, IndexedEleve
from educonnect_adapters.onde.layouts import responsables_layout
from educonnect_adapters.onde.linking import ChildRef, Resolution, resolve
from educonnect_adapters.onde.responsables import ResponsableRows
from educonnect_core.findings import Finding

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from onde.link_oracle import plain_resolve
from onde.merge_oracle import PairwiseRows

HEADER = [
    "Civilité Responsable",
    "Nom usage responsable",
    "Nom responsable",
    "Prénom responsable",
    "Adresse responsable",
    "CP responsable",
    "Commune responsable",
    "Pays",
    "Courriel",
    "Téléphone portable",
    "Nom d'usage enfant",
    "Nom de famille enfant",
    "Prénom enfant",
    "Classes enfants",
]


def row(address: str, email: str) -> list[str]:
    return ["MME", "", "MARTIN", "Ana", address, "33000", "BORDEAUX", "FRANCE", email, ""]


SCENARIOS: dict[str, Callable[[int], list[list[str]]]] = {
    "apart": lambda n: [row(f"{i} rue des Écoles", f"ana{i}@example.org") for i in range(n)],
    "chain": lambda n: [
        row(f"{i // 2} rue des Écoles", f"ana{(i + 1) // 2}@example.org") for i in range(n)
    ],
    "mixed": lambda n: [row("", f"foyer{i % 100}@example.org") for i in range(n)],
}


def run(rows_class: type[ResponsableRows], rows: list[list[str]]) -> tuple[float, int]:
    findings: list[Finding] = []
    layout = responsables_layout(HEADER, file="r.csv", line=1)
    merger = rows_class(layout, "r.csv", EleveIndex(), findings.append)
    start = time.perf_counter()
    merger.read(iter(enumerate(rows, start=2)))
    persons = sum(1 for _ in merger.finish())
    return time.perf_counter() - start, persons


def link(how: Callable[[EleveIndex, ChildRef], Resolution], n: int, classe: str) -> float:
    index = EleveIndex()
    for i in range(n):
        index.add(IndexedEleve(f"E{i}", i + 2, ("cpmmeduval",)), ("MARTIN",), "Léa", f"id{i}")
    child = ChildRef(1, "MARTIN", "", "Léa", classe)
    start = time.perf_counter()
    for _ in range(n):
        how(index, child)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-pairwise", action="store_true", help="skip the pairwise oracle")
    args = parser.parse_args()
    print(f"{args.rows} homonym rows (MARTIN Ana)")
    for name, make in SCENARIOS.items():
        rows = make(args.rows)
        indexed, persons = run(ResponsableRows, rows)
        line = f"  {name:6} indexed {indexed:7.3f} s, {persons} persons"
        if not args.no_pairwise:
            pairwise, same = run(PairwiseRows, rows)
            assert same == persons, (same, persons)
            line += f"; pairwise {pairwise:7.3f} s: ×{pairwise / indexed:,.1f}"
        print(line, flush=True)
    print(f"{args.rows} students of one name, {args.rows} rows naming that child")
    for classe in ("CP Mme Duval", ""):
        indexed = link(resolve, args.rows, classe)
        line = f"  {'class' if classe else 'no class':8} indexed {indexed:7.3f} s"
        if not args.no_pairwise:
            plain = link(plain_resolve, args.rows, classe)
            line += f"; plain {plain:7.3f} s: ×{plain / indexed:,.1f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
