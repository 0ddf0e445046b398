"""Builders of small SIECLE exports (invented people), plain or zipped, any encoding."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

UAI = "0990007V"
PARAMS = (
    f"<PARAMETRES><UAJ>{UAI}</UAJ><ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>"
    "<DATE_EXPORT>12/01/2026</DATE_EXPORT><HORODATAGE>12/01/2026 07:42:10</HORODATAGE>"
    "</PARAMETRES>"
)


def eleve(
    eid: str,
    nom: str = "MARTIN",
    prenom: str = "Zoé",
    naiss: str = "14/03/2011",
    *,
    extra: str = "",
    mef: str = "10310019110",
) -> str:
    return (
        f'<ELEVE ELEVE_ID="{eid}" ELENOET="{eid[-4:]}">\n'
        f"<ID_NATIONAL>{eid.zfill(9)}AB</ID_NATIONAL>\n"
        f"<NOM_DE_FAMILLE>{nom}</NOM_DE_FAMILLE>\n<PRENOM>{prenom}</PRENOM>\n"
        f"<DATE_NAISS>{naiss}</DATE_NAISS>\n<CODE_MEF>{mef}</CODE_MEF>\n{extra}"
        "<SCOLARITE_AN_DERNIER><CODE_STRUCTURE>4Z</CODE_STRUCTURE></SCOLARITE_AN_DERNIER>\n"
        "</ELEVE>\n"
    )


def structure(eid: str, division: str, kind: str = "D") -> str:
    return (
        f'<STRUCTURES_ELEVE ELEVE_ID="{eid}">\n<STRUCTURE><CODE_STRUCTURE>{division}'
        f"</CODE_STRUCTURE><TYPE_STRUCTURE>{kind}</TYPE_STRUCTURE></STRUCTURE>\n"
        "</STRUCTURES_ELEVE>\n"
    )


def eleves_xml(
    eleves: str, structures: str = "", *, params: str = PARAMS, encoding: str = "ISO-8859-15"
) -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<BEE_ELEVES VERSION="3.0">\n{params}\n'
        f"<DONNEES>\n<ELEVES>\n{eleves}</ELEVES>\n<STRUCTURES>\n{structures}</STRUCTURES>\n"
        "</DONNEES>\n</BEE_ELEVES>\n"
    )


def personne(
    pid: str,
    nom: str = "MARTIN",
    prenom: str = "Claire",
    *,
    mobile: str | None = "+33612345678",
    mel: str | None = "claire.martin@example.org",
    extra: str = "",
) -> str:
    tel = f"<TEL_PORTABLE>{mobile}</TEL_PORTABLE>\n" if mobile is not None else ""
    mail = f"<MEL>{mel}</MEL>\n" if mel is not None else ""
    return (
        f'<PERSONNE PERSONNE_ID="{pid}">\n<LC_CIVILITE>MME</LC_CIVILITE>\n'
        f"<NOM_DE_FAMILLE>{nom}</NOM_DE_FAMILLE>\n<PRENOM>{prenom}</PRENOM>\n{tel}{mail}"
        f"<ACCEPTE_SMS>1</ACCEPTE_SMS>\n{extra}</PERSONNE>\n"
    )


def link(eid: str, pid: str, niveau: str = "1", *, legacy: bool = False, extra: str = "") -> str:
    level = (
        f"<RESP_LEGAL>{niveau}</RESP_LEGAL>"
        if legacy
        else (f"<NIVEAU_RESPONSABILITE>{niveau}</NIVEAU_RESPONSABILITE>")
    )
    return (
        f"<RESPONSABLE_ELEVE>\n<ELEVE_ID>{eid}</ELEVE_ID>\n<PERSONNE_ID>{pid}</PERSONNE_ID>\n"
        f"{level}\n<CODE_PARENTE>10</CODE_PARENTE>\n{extra}</RESPONSABLE_ELEVE>\n"
    )


def responsables_xml(
    personnes: str,
    links: str,
    *,
    params: str = PARAMS,
    encoding: str = "ISO-8859-15",
    links_first: bool = False,
) -> str:
    people = f"<PERSONNES>\n{personnes}</PERSONNES>\n"
    rows = f"<RESPONSABLES>\n{links}</RESPONSABLES>\n"
    body = rows + people if links_first else people + rows
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<BEE_RESPONSABLES VERSION="2.1">\n'
        f"{params}\n<DONNEES>\n{body}<ADRESSES></ADRESSES>\n</DONNEES>\n</BEE_RESPONSABLES>\n"
    )


def structures_xml(*divisions: str, encoding: str = "ISO-8859-15") -> str:
    """A Structures file (BEE_STRUCTURES) listing ``divisions``, with a group."""
    rows = "".join(
        f'<DIVISION CODE_STRUCTURE="{code}"><LIBELLE_LONG>{code}</LIBELLE_LONG></DIVISION>\n'
        for code in divisions
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<BEE_STRUCTURES VERSION="2.0">\n'
        f"{PARAMS}\n<DONNEES>\n<DIVISIONS>\n{rows}</DIVISIONS>\n<GROUPES>\n"
        '<GROUPE CODE_STRUCTURE="G1"><LIBELLE_LONG>Latin</LIBELLE_LONG></GROUPE>\n'
        "</GROUPES>\n</DONNEES>\n</BEE_STRUCTURES>\n"
    )


Writer = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """``write(name, text, encoding=..., zipped=False, member=None, bom=False)`` → path."""

    def _write(
        name: str,
        text: str | bytes,
        *,
        encoding: str = "iso-8859-15",
        zipped: bool = False,
        member: str | None = None,
        bom: bool = False,
    ) -> Path:
        data = text if isinstance(text, bytes) else text.encode(encoding)
        if bom:
            data = b"\xef\xbb\xbf" + data
        path = tmp_path / name
        if zipped:
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(member or "export.xml", data)
        else:
            path.write_bytes(data)
        return path

    return _write


def simple_export(*, legacy: bool = False, encoding: str = "ISO-8859-15") -> tuple[str, str]:
    """Two students in 3A and 6B, each with two legal representatives and a contact."""
    eleves = eleves_xml(
        eleve("2410501", "CŒURDACIER", "Zoé")
        + eleve("2410502", "ŠIMEK", "Hugo", "02/09/2014", mef="10010012110"),
        structure("2410501", "3A") + structure("2410502", "6 B"),
        encoding=encoding,
    )
    resp = responsables_xml(
        personne("5301001", "CŒURDACIER", "Hélène")
        + personne("5301002", "ŠIMEK", "Jérôme", mobile="06 12 34 56 78", mel="J.Simek@Example.ORG")
        + personne("5301003", "VOISIN", "Paul", mobile=None, mel=None),
        link("2410501", "5301001", "1", legacy=legacy)
        + link("2410502", "5301002", "1", legacy=legacy)
        + link("2410502", "5301001", "1" if not legacy else "2", legacy=legacy)
        + link("2410501", "5301003", "3" if not legacy else "0", legacy=legacy),
        encoding=encoding,
    )
    return eleves, resp
