"""A tiny invented school export (SIECLE XML, Latin-9, zipped) for the CLI tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

UAI = "0990007V"

ZOE = f"E-{UAI}-1001"  # 3A, everything fine
LUCAS = f"E-{UAI}-1002"  # 3A
INES = f"E-{UAI}-1003"  # 3B, birth date invalid
HUGO = f"E-{UAI}-1004"  # 6C, Zoé's brother
LEA = f"E-{UAI}-1005"  # 3B, has left: no account
CLAIRE = f"R-{UAI}-5001"  # Zoé and Hugo, mobile and email
PAUL = f"R-{UAI}-5002"  # Inès, no mobile, no email
JEAN = f"R-{UAI}-5003"  # Lucas, landline in TEL_PORTABLE, invalid email
MARC = f"R-{UAI}-5004"  # Lucas, contact only: no account
ANNE = f"R-{UAI}-5005"  # Léa (left): no account


def _params(day: int) -> str:
    date = f"{11 + day:02d}/01/2026"
    return (
        f"<PARAMETRES><UAJ>{UAI}</UAJ><ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>"
        f"<DATE_EXPORT>{date}</DATE_EXPORT><HORODATAGE>{date} 07:42:10</HORODATAGE>"
        "</PARAMETRES>"
    )


def _eleve(eid: str, nom: str, prenom: str, naiss: str, mef: str, sortie: str = "") -> str:
    left = f"<DATE_SORTIE>{sortie}</DATE_SORTIE>" if sortie else ""
    return (
        f'<ELEVE ELEVE_ID="{eid}" ELENOET="{eid}"><NOM_DE_FAMILLE>{nom}</NOM_DE_FAMILLE>'
        f"<PRENOM>{prenom}</PRENOM><DATE_NAISS>{naiss}</DATE_NAISS><CODE_SEXE>1</CODE_SEXE>"
        f"<DATE_ENTREE>02/09/2025</DATE_ENTREE>{left}<CODE_MEF>{mef}</CODE_MEF></ELEVE>"
    )


def _division(eid: str, code: str) -> str:
    return (
        f'<STRUCTURES_ELEVE ELEVE_ID="{eid}"><STRUCTURE><CODE_STRUCTURE>{code}</CODE_STRUCTURE>'
        "<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>"
    )


def _personne(pid: str, civ: str, nom: str, prenom: str, mobile: str, mel: str) -> str:
    return (
        f'<PERSONNE PERSONNE_ID="{pid}"><LC_CIVILITE>{civ}</LC_CIVILITE>'
        f"<NOM_DE_FAMILLE>{nom}</NOM_DE_FAMILLE><PRENOM>{prenom}</PRENOM>"
        f"<TEL_PORTABLE>{mobile}</TEL_PORTABLE><MEL>{mel}</MEL></PERSONNE>"
    )


def _link(eid: str, pid: str, niveau: str) -> str:
    return (
        f"<RESPONSABLE_ELEVE><ELEVE_ID>{eid}</ELEVE_ID><PERSONNE_ID>{pid}</PERSONNE_ID>"
        f"<NIVEAU_RESPONSABILITE>{niveau}</NIVEAU_RESPONSABILITE>"
        "<CODE_PARENTE>10</CODE_PARENTE></RESPONSABLE_ELEVE>"
    )


def eleves_xml(day: int = 1) -> str:
    """Day 2: Lucas has left."""
    lucas_left = "12/01/2026" if day >= 2 else ""
    eleves = [
        ("1001", "MARTIN", "Zoé", "04/03/2011", "10310019110", "3A", ""),
        ("1002", "DURAND", "Lucas", "17/11/2011", "10310019110", "3A", lucas_left),
        ("1003", "PETIT", "Inès", "31/02/2012", "10310019110", "3B", ""),
        ("1004", "MARTIN", "Hugo", "30/09/2014", "10010012110", "6C", ""),
        ("1005", "ROUX", "Léa", "08/08/2011", "10310019110", "3B", "05/01/2026"),
    ]
    body = "".join(_eleve(e, n, p, d, m, s) for e, n, p, d, m, _, s in eleves)
    structures = "".join(_division(e, c) for e, *_, c, _s in eleves)
    return (
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n'
        f'<BEE_ELEVES VERSION="3.0">{_params(day)}<DONNEES><ELEVES>{body}</ELEVES>'
        f"<STRUCTURES>{structures}</STRUCTURES></DONNEES></BEE_ELEVES>\n"
    )


def responsables_xml(day: int = 1) -> str:
    """Day 2: Paul's mobile was typed into SIECLE."""
    paul_mobile = "06 11 22 33 44" if day >= 2 else ""
    personnes = [
        ("5001", "MME", "MARTIN", "Claire", "+33612345678", "claire.martin@example.org"),
        ("5002", "M.", "PETIT", "Paul", paul_mobile, ""),
        ("5003", "M.", "DURAND", "Jean", "01 45 67 89 10", "jean.durand@"),
        ("5004", "M.", "DURAND", "Marc", "0698765432", ""),
        ("5005", "MME", "ROUX", "Anne", "0611223344", "anne.roux@example.org"),
    ]
    links = [
        ("1001", "5001", "1"),
        ("1004", "5001", "1"),
        ("1003", "5002", "1"),
        ("1002", "5003", "1"),
        ("1002", "5004", "3"),
        ("1005", "5005", "1"),
    ]
    people = "".join(_personne(*p) for p in personnes)
    rows = "".join(_link(*k) for k in links)
    return (
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n'
        f'<BEE_RESPONSABLES VERSION="2.1">{_params(day)}<DONNEES><PERSONNES>{people}</PERSONNES>'
        f"<RESPONSABLES>{rows}</RESPONSABLES></DONNEES></BEE_RESPONSABLES>\n"
    )


def write_export(folder: Path, day: int = 1, uai: str = UAI) -> list[Path]:
    """The two zipped files a school office sends on ``day``, written into ``folder``
    (``uai``: the same people in another school)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, xml in (
        ("ElevesSansAdresses", eleves_xml(day)),
        ("ResponsablesAvecAdresses", responsables_xml(day)),
    ):
        path = folder / f"ExportXML_{name}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            xml = xml.replace(f"<UAJ>{UAI}</UAJ>", f"<UAJ>{uai}</UAJ>")
            archive.writestr(f"{name}.xml", xml.encode("iso-8859-15"))
        files.append(path)
    return files
