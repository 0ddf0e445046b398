"""Invented ONDE extractions of one invented école, written in every dialect variant.

The rows are plain lists; :func:`write` renders them with an encoding, a quoting
style and a line ending, so one set of people covers every layout and pitfall.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Final, Literal

from educonnect_core.sources import ReadOptions

UAI: Final = "0330001X"
AS_OF: Final = dt.date(2026, 1, 12)
OPTIONS: Final = ReadOptions(expected_uai=UAI, as_of=AS_OF)

Quoting = Literal["none", "non-empty", "all"]
Row = Sequence[str]

ELEVES_HEADER: Final = [
    "Nom élève",
    "Nom d'usage élève",
    "Prénom élève",
    "Date naissance",
    "Sexe",
    "INE",
    "Adresse1",
    "Cp1",
    "Commune1",
    "Pays1",
    "Adresse2",
    "Cp2",
    "Commune2",
    "Pays2",
    " Cycle",
    "Niveau",
    "Libellé classe",
    "Identifiant classe",
    "Attestation fournie",
    "Autorisation associations",
    "Autorisation photo",
    "Décision de passage",
]


def eleve(
    nom: str,
    prenom: str,
    naissance: str,
    ine: str,
    niveau: str,
    classe: str,
    classe_id: str,
    *,
    usage: str = "",
    sexe: str = "F",
) -> list[str]:
    address = ["1 place de la Mairie", "33000", "BORDEAUX", "FRANCE", "", "", "", ""]
    return [
        nom,
        usage,
        prenom,
        naissance,
        sexe,
        ine,
        *address,
        "C2",
        niveau,
        classe,
        classe_id,
        "Oui",
        "Oui",
        "Non",
        "",
    ]


#: Modern layout: 22 columns. Line numbers (header = 1) are in the comments.
ELEVES: Final[list[Row]] = [
    ELEVES_HEADER,
    # 2: Léa MARTIN in CP, 3: her homonym in CE2/CM1
    eleve("MARTIN", "Léa", "04/03/2019", "1234567890A", "CP", "CP - Mme Duval", "1001"),
    eleve("MARTIN", "Léa", "2016-05-12", "1234567891B", "CE2", "CE2/CM1 M. Roux", "1003"),
    # 4: nom d'usage differs from nom
    eleve(
        "BERNARD",
        "Noé",
        "2021-09-30",
        "1234567892C",
        "MS",
        "PS-MS Mme Achour",
        "1000",
        usage="DUPONT-BERNARD",
        sexe="M",
    ),
    # 5: a new arrival without INE (derived key)
    eleve("GARCIA", "Inès", "11/11/2014", "", "CM2", "CM2 M. Petit", "1004"),
    # 6: her brother
    eleve("GARCIA", "Tom", "2019-01-20", "1234567893D", "CP", "CP - Mme Duval", "1001", sexe="M"),
    # 7: accents and ligature
    eleve("LEFÈVRE", "Chloé", "02/02/2018", "1234567894E", "CE1", "CE1 - Mme Noir", "1002"),
    # 8: a student without class, with an impossible birth date
    eleve("CŒUR", "Maëlys", "31/02/2017", "1234567895F", "CE2", "", ""),
    # 9: the same student as line 6, again (merged)
    eleve("GARCIA", "Tom", "2019-01-20", "1234567893D", "CP", "CP - Mme Duval", "1001", sexe="M"),
    # 10: ragged: shorter than the header (stops after the class id)
    ["PETIT", "", "Jules", "2020-06-01", "M", "1234567896G", "", "", "", "", "", "", "", "",
     "C1", "GS", "GS Mme Blanc", "1005"],
    # 11: ragged: longer than the header (an extra unnamed cell)
    [*eleve("ROBIN", "Zoé", "2020-07-14", "1234567897H", "GS", "GS Mme Blanc", "1005"), "x"],
]  # fmt: skip

RESPONSABLES_HEADER_POSTE: Final = [
    "Civilité Responsable",
    "Nom usage responsable",
    "Nom responsable",
    "Prénom responsable",
    "Adresse responsable",
    "CP responsable",
    "Commune responsable",
    "Pays",
    "Courriel",
    "Téléphone domicile",
    "Téléphone travail",
    "Numéro de poste",
    "Téléphone portable",
    *["Nom d'usage enfant", "Nom de famille enfant", "Prénom enfant", "Classes enfants"] * 2,
]


def resp(
    civ: str,
    nom: str,
    prenom: str,
    *,
    usage: str = "",
    adresse: str = "",
    cp: str = "",
    commune: str = "",
    email: str = "",
    portable: str = "",
    children: Sequence[tuple[str, str, str, str]] = (),
    poste: bool = True,
) -> list[str]:
    row = [civ, usage, nom, prenom, adresse, cp, commune, "FRANCE" if adresse else "", email]
    row += ["", "", "", portable] if poste else ["", "", portable]
    for child in children:
        row += list(child)
    return row


_LILAS = {"adresse": "3 rue des Lilas", "cp": "33000", "commune": "Bordeaux"}
_GARCIA = {"adresse": "8, allée des Pins", "cp": "33000", "commune": "BORDEAUX"}


def responsables(poste: bool = True) -> list[Row]:
    """The responsables, with or without the ``Numéro de poste`` column."""
    header = list(RESPONSABLES_HEADER_POSTE)
    if not poste:
        header.remove("Numéro de poste")
    rows: list[Row] = [
        header,
        # 2: links Léa MARTIN of line 2 by name and class
        resp(
            "MME", "MARTIN", "Sophie", email="sophie.martin@example.org",
            portable="06 12 34 56 78", children=[("", "MARTIN", "Léa", "CP - Mme Duval")],
            poste=poste, **_LILAS,
        ),
        # 3: links the other Léa MARTIN (class written differently)
        resp(
            "M.", "MARTIN", "Paul", email="paul.martin@example.net", portable="+33 6 98 76 54 32",
            children=[("", "MARTIN", "Léa", "CE2-CM1 m. ROUX")], poste=poste,
            adresse="12 avenue Foch", cp="33000", commune="Bordeaux",
        ),
        # 4: child by nom d'usage
        resp(
            "Mme", "BERNARD", "Claire", usage="DUPONT-BERNARD", email="claire.db@example.org",
            portable="06.11.22.33.44", children=[("DUPONT-BERNARD", "BERNARD", "Noé", "PS-MS")],
            poste=poste, adresse="5 rue Neuve", cp="33000", commune="Bordeaux",
        ),
        # 5 and 6: one person on two rows (one per child), same address: merged
        resp(
            "MME", "GARCIA", "Ana", portable="06 00 00 00 01",
            children=[("", "GARCIA", "Inès", "CM2 M. Petit")], poste=poste, **_GARCIA,
        ),
        resp(
            "MME", "GARCIA", "Ana", email="ana.garcia@example.org", portable="06 00 00 00 02",
            children=[("", "GARCIA", "Tom", "CP - Mme Duval")], poste=poste, **_GARCIA,
        ),
        # 7: Léa MARTIN without class: ambiguous (lines 2 and 3)
        resp("M.", "LEROY", "Marc", email="marc.leroy@example.org", portable="0611111111",
             children=[("", "MARTIN", "Léa", "")], poste=poste),
        # 8: Léa MARTIN in a class neither is in: ambiguous
        resp("MLLE", "ROBIN", "Julie", email="julie.robin@example.org", portable="0622222222",
             children=[("", "MARTIN", "Lea", "GS Mme Blanc"), ("", "ROBIN", "Zoé", "GS Mme Blanc")],
             poste=poste),
        # 9: a child not in the Élèves file (left): no link
        resp("M.", "DURAND", "Jean", email="not-an-email", portable="05 56 00 00 00",
             children=[("", "DURAND", "Kevin", "CP - Mme Duval")], poste=poste),
        # 10: unique name, another class: linked by name alone
        resp("MME", "LEFEVRE", "Anne", email="anne.lefevre@example.org",
             portable="07 80 00 00 01", children=[("", "LEFEVRE", "CHLOE", "CE1 B")],
             poste=poste),
        # 11 and 12: same name, no email nor address: kept apart, reported
        resp("M.", "PETIT", "Louis", children=[("", "PETIT", "Jules", "GS Mme Blanc")],
             poste=poste),
        resp("M.", "PETIT", "Louis", children=[("", "CŒUR", "Maëlys", "")], poste=poste),
        # 13: a blank line and 14: a ';'-only line
        [],
        [""] * 10,
        # 15: three children, the third beyond the header (a longer row)
        resp("MME", "CŒUR", "Hélène", email="h.coeur@example.org", portable="0633333333",
             children=[("", "CŒUR", "Maëlys", ""), ("", "PETIT", "Jules", "GS Mme Blanc"),
                       ("", "ROBIN", "Zoé", "GS - MME BLANC")], poste=poste),
    ]  # fmt: skip
    return rows


#: Legacy BE1D Élèves layout: 20 columns, no INE, no class id, long labels.
LEGACY_HEADER: Final = [
    "Nom Elève",
    "Nom d'usage Elève",
    "Prénom Elève",
    "Date naissance",
    "Sexe",
    "Adresse1",
    "Cp1",
    "Commune1",
    "Pays1",
    "Adresse2",
    "Cp2",
    "Commune2",
    "Pays2",
    " Cycle",
    "Niveau",
    "Classe",
    "Attestation fournie",
    "Autorisations associations",
    "Autorisations photos",
    "Décision de passage",
]


def legacy(nom: str, prenom: str, naissance: str, niveau: str, classe: str) -> list[str]:
    return [nom, "", prenom, naissance, "F", "", "", "", "", "", "", "", "", "Cycle 2", niveau,
            classe, "Oui", "Oui", "Oui", ""]  # fmt: skip


LEGACY_ELEVES: Final[list[Row]] = [
    LEGACY_HEADER,
    legacy("MARTIN", "Léa", "04/03/2019", "Cours préparatoire", "CP Mme Duval"),
    legacy("MARTIN", "Léa", "12/05/2016", "Cours élémentaire 2ème année", "CE2 M. Roux"),
    legacy("GARCIA", "Tom", "20/01/2019", "Cours préparatoire", "CP Mme Duval"),
    legacy("GARCIA", "Tom", "20/01/2019", "Cours préparatoire", "CP Mme Duval"),
    legacy("NGUYEN", "Linh", "01/09/2021", "Section des moyens", "PS-MS"),
]

#: Responsables with numbered child columns and no ``Numéro de poste``.
NUMBERED_RESPONSABLES: Final[list[Row]] = [
    [
        "Civilité Responsable", "Nom usage responsable", "Nom responsable",
        "Prénom responsable", "Courriel", "Téléphone portable",
        "Nom de famille élève 1", "Prénom élève 1", "Classe élève 1",
        "Nom de famille élève 2", "Prénom élève 2", "Classe élève 2",
    ],
    ["MME", "", "MARTIN", "Sophie", "sophie.martin@example.org", "0612345678",
     "MARTIN", "Léa", "CP Mme Duval", "GARCIA", "Tom", "CP Mme Duval"],
    ["M.", "", "MARTIN", "Paul", "", "0698765432", "Martin", "LEA", "CE2 M. Roux"],
    ["MME", "", "NGUYEN", "Mai", "mai.nguyen@example.org", "0644444444", "NGUYEN", "Linh", ""],
]  # fmt: skip


def render(rows: Sequence[Row], quoting: Quoting = "none", newline: str = "\r\n") -> str:
    """The rows as ONDE writes them: ``;``-separated with the given quoting style."""
    lines = []
    for row in rows:
        if quoting == "all":
            cells = [f'"{c}"' for c in row]
        elif quoting == "non-empty":
            cells = [f'"{c}"' if c else "" for c in row]
        else:
            cells = list(row)
        lines.append(";".join(cells))
    return newline.join(lines) + newline


def write(
    path: Path,
    rows: Sequence[Row],
    *,
    encoding: str = "cp1252",
    quoting: Quoting = "none",
    newline: str = "\r\n",
) -> Path:
    """Write ``rows`` to ``path``; ``encoding`` ``utf-8-sig`` writes a BOM."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(rows, quoting, newline).encode(encoding))
    return path


def pair(
    folder: Path,
    *,
    eleves: Sequence[Row] = ELEVES,
    poste: bool = True,
    encoding: str = "cp1252",
    quoting: Quoting = "none",
    newline: str = "\r\n",
) -> list[Path]:
    """Both extractions, each named ``CSVExtraction.csv`` (in two sub-folders) as ONDE does."""
    files = ((folder / "eleves", eleves), (folder / "resp", responsables(poste)))
    return [
        write(sub / "CSVExtraction.csv", rows, encoding=encoding, quoting=quoting, newline=newline)
        for sub, rows in files
    ]
