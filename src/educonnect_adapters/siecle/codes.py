"""The findings the SIECLE source reports: one table, code → severity and labels.

``docs/siecle.md`` prints this table; a test fails when a code is missing there.
"""

from __future__ import annotations

from typing import Final

import attrs

from educonnect_core.findings import Finding, Severity

__all__ = ["FINDINGS", "FindingInfo", "finding"]


@attrs.frozen
class FindingInfo:
    severity: Severity
    label_fr: str
    label_en: str


W, E, N = Severity.WARNING, Severity.ERROR, Severity.INFO

FINDINGS: Final[dict[str, FindingInfo]] = {
    "INVALID_BIRTH_DATE": FindingInfo(W, "date de naissance mal formée", "malformed birth date"),
    "NOT_A_MOBILE": FindingInfo(
        W, "téléphone portable invalide ou fixe", "mobile phone invalid or a landline"
    ),
    "INVALID_EMAIL": FindingInfo(W, "adresse électronique invalide", "invalid email address"),
    "INVALID_INE": FindingInfo(W, "INE mal formé", "malformed INE"),
    "INVALID_DATE_SORTIE": FindingInfo(
        W, "date de sortie mal formée (élève gardé scolarisé)", "malformed leaving date"
    ),
    "INVALID_BOOLEAN": FindingInfo(N, "booléen illisible", "unreadable boolean"),
    "MISSING_NAME": FindingInfo(W, "nom ou prénom manquant", "last or first name missing"),
    "MISSING_ID": FindingInfo(E, "identifiant manquant (ignoré)", "missing id (skipped)"),
    "DUPLICATE_ELEVE_ID": FindingInfo(
        E, "élève en double (second ignoré)", "duplicate student (second skipped)"
    ),
    "DUPLICATE_PERSONNE_ID": FindingInfo(
        E, "personne en double (seconde ignorée)", "duplicate person (second skipped)"
    ),
    "DUPLICATE_STRUCTURES_ELEVE": FindingInfo(
        W, "structures de l'élève en double", "duplicate STRUCTURES_ELEVE"
    ),
    "SEVERAL_DIVISIONS": FindingInfo(
        W, "plusieurs classes pour un élève (première gardée)", "several classes (first kept)"
    ),
    "STRUCTURES_FOR_UNKNOWN_STUDENT": FindingInfo(
        N, "structures d'un élève absent du fichier", "structures of a student not in the file"
    ),
    "UNKNOWN_DIVISION": FindingInfo(
        N, "classe absente de Structures.xml", "class not listed in Structures.xml"
    ),
    "LINK_TO_UNKNOWN_STUDENT": FindingInfo(
        E, "lien vers un élève absent (ignoré)", "link to an unknown student (dropped)"
    ),
    "LINK_TO_UNKNOWN_PERSON": FindingInfo(
        E, "lien vers une personne absente (ignoré)", "link to an unknown person (dropped)"
    ),
    "INCOMPLETE_LINK": FindingInfo(
        E, "lien sans ELEVE_ID ou PERSONNE_ID (ignoré)", "link without ids (dropped)"
    ),
    "DUPLICATE_LINK": FindingInfo(W, "lien en double (ignoré)", "duplicate link (dropped)"),
    "INVALID_RESPONSIBILITY_LEVEL": FindingInfo(
        W,
        "niveau de responsabilité absent ou illisible (lien non légal)",
        "responsibility level missing or unreadable (link not legal)",
    ),
    "TOO_MANY_LEGAL_REPRESENTATIVES": FindingInfo(
        W, "plus de deux représentants légaux", "more than two legal representatives"
    ),
    "ENCODING_MISMATCH": FindingInfo(
        W,
        "encodage déclaré faux (fichier relu dans son vrai encodage)",
        "declared encoding is wrong (file re-read in its real encoding)",
    ),
    "NO_EXPORT_DATE": FindingInfo(W, "date d'export absente", "export date missing"),
    "SCHOOL_YEAR_NOT_CURRENT": FindingInfo(
        N,
        "export d'une autre année scolaire que celle de sa date",
        "export of another school year than its date's",
    ),
    "UNKNOWN_VERSION": FindingInfo(N, "version de fichier inconnue", "unknown file version"),
    "IGNORED_FILE": FindingInfo(N, "fichier non utilisé", "file not used"),
    "NO_RESPONSABLES_FILE": FindingInfo(
        W, "pas de fichier des responsables", "no responsables file"
    ),
    "UNKNOWN_ELEMENT": FindingInfo(N, "élément inconnu (non lu)", "unknown element (not read)"),
    "NO_LINKS": FindingInfo(
        W, "responsables sans aucun rattachement", "responsables without any link"
    ),
}


def finding(
    code: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    siecle_id: str | None = None,
    field: str | None = None,
) -> Finding:
    """A :class:`Finding` of a catalogued ``code`` (its severity from :data:`FINDINGS`)."""
    return Finding(
        code=code,
        severity=FINDINGS[code].severity,
        message=message,
        file=file,
        line=line,
        siecle_id=siecle_id,
        field=field,
    )
