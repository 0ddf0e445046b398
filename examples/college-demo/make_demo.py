"""Regenerate the demo export of the invented Collège des Palmiers (UAI 0990007V).

Two classes (4A, 3B), 40 students, their responsables; Latin-9 XML zipped as the
school office gets it from SIECLE. Every person is invented. A few realistic data
problems are planted (see README.md). Run from anywhere::

    python examples/college-demo/make_demo.py
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import attrs

from educonnect_adapters.siecle.synthetic import (
    SynthEleve,
    SynthLink,
    SynthPersonne,
    families,
    write_eleves,
    write_responsables,
)

HERE = Path(__file__).parent
CLASSES = (("4A", "10210001110", 2012), ("3B", "10310019110", 2011))


def build() -> tuple[list[SynthEleve], list[SynthPersonne], list[SynthLink]]:
    eleves: list[SynthEleve] = []
    personnes: list[SynthPersonne] = []
    links: list[SynthLink] = []
    for family in families(40, seed=2026, problems=0.0):
        for child in family.eleves:
            if len(eleves) == 40:
                break
            division, mef, year = CLASSES[len(eleves) % 2]
            born = f"{child.date_naiss[:6]}{year}"
            eleves.append(attrs.evolve(child, division=division, mef=mef, date_naiss=born))
        kept = {e.eleve_id for e in eleves}
        family_links = [lk for lk in family.links if lk.eleve_id in kept]
        if family_links:
            personnes.extend(family.personnes)
            links.extend(family_links)
        if len(eleves) == 40:
            break
    # planted problems, one of each kind
    personnes[0] = attrs.evolve(personnes[0], tel_portable=None)  # missing mobile
    personnes[2] = attrs.evolve(personnes[2], tel_portable="01 45 67 89 12")  # a landline
    personnes[4] = attrs.evolve(personnes[4], mel="famille.durand@@laposte")  # bad email
    eleves[6] = attrs.evolve(eleves[6], date_naiss="31/02/2012")  # malformed birth date
    eleves[9] = attrs.evolve(eleves[9], date_sortie="19/12/2025")  # departed student
    personnes[6] = attrs.evolve(personnes[6], tel_portable="0690 12 34 56")  # Guadeloupe mobile
    neighbour = SynthPersonne("5309999", "LAPORTE", "Gisèle", "MME", "+33698765432")
    personnes.append(neighbour)  # a non-legal person (contact only): no account
    links.append(SynthLink(eleves[0].eleve_id, neighbour.personne_id, "3", "90"))
    return eleves, personnes, links


def zipped(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(member, date_time=(2026, 1, 12, 7, 42, 10))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)


def main() -> None:
    eleves, personnes, links = build()
    out = io.BytesIO()
    write_eleves(out, eleves)
    zipped(HERE / "ExportXML_ElevesSansAdresses.zip", "ElevesSansAdresses.xml", out.getvalue())
    out = io.BytesIO()
    write_responsables(out, personnes, links)
    zipped(
        HERE / "ExportXML_ResponsablesAvecAdresses.zip",
        "ResponsablesAvecAdresses.xml",
        out.getvalue(),
    )


if __name__ == "__main__":
    main()
