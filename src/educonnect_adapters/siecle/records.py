"""One SIECLE record → one domain object, with its field-level findings.

Field problems never drop a record: the value is kept as
:class:`~educonnect_core.values.Invalid` and a finding says which file, line,
record and field.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Mapping
from typing import Final

import attrs
from lxml import etree

from educonnect_core.errors import InvalidValue
from educonnect_core.findings import Finding
from educonnect_core.people import Eleve, Link, Responsable, ResponsibilityLevel
from educonnect_core.values import BirthDate, Invalid, clean_text

from .codes import finding
from .envelope import parse_date

__all__ = [
    "ELEVE_FIELDS",
    "LINK_FIELDS",
    "PERSONNE_FIELDS",
    "display_last_name",
    "eleve_from",
    "link_from",
    "parse_bool",
    "pick",
    "record_id",
    "responsable_from",
]

_SIECLE_DATE = re.compile(r"\s*[\"']?\d{2}/\d{2}/\d{4}[\"']?\s*")
_TRUE: Final = frozenset({"1", "true", "vrai", "o", "oui"})
_FALSE: Final = frozenset({"0", "false", "faux", "n", "non"})
_NIVEAUX: Final = {
    "1": ResponsibilityLevel.LEGAL,
    "2": ResponsibilityLevel.EN_CHARGE,
    "3": ResponsibilityLevel.CONTACT,
}
_BOOLS: Final = {"0": False, "1": True, "true": True, "false": False}
_ELEVE_FLAGS: Final = ("ACCEPTE_SMS",)
_PERSONNE_FLAGS: Final = ("ACCEPTE_SMS", "COMMUNICATION_ADRESSE")
_LINK_FLAGS: Final = (
    "PAIE_FRAIS_SCOLAIRES",
    "PERCOIT_LES_AIDES",
    "HEBERGE_ELEVE",
    "A_CONTACTER_EN_PRIORITE",
    "RESP_FINANCIER",
    "PERS_PAIMENT",
    "PERS_CONTACT",
)


def parse_bool(raw: str | None) -> bool | None:
    """``0/1`` and ``true/false`` (either case); ``None`` when empty; ValueError else."""
    if raw in _BOOLS:
        return _BOOLS[raw]
    text = clean_text(raw).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected 0/1 or true/false, got {raw!r}")


def display_last_name(fields: dict[str, str | None]) -> str | None:
    """``NOM_USAGE`` > ``NOM_DE_FAMILLE`` > ``NOM`` (files before 2016)."""
    for tag in ("NOM_USAGE", "NOM_DE_FAMILLE", "NOM"):
        value = fields.get(tag)
        if value is not None and tidy(value):
            return value
    return None


def record_id(element: etree._Element, name: str) -> str:
    """An id given as attribute (its own element) or as child element (elsewhere)."""
    value = element.get(name)
    if value is None:
        value = element.findtext(name)
    return tidy(value)


#: Findings one stream lists; beyond, each code's findings are only counted (one
#: summary each): a stream's memory stays bounded whatever a file holds.
STREAM_LIMIT: Final = 100_000


@attrs.define
class RecordContext:
    """Where a record sits, to build findings (at most ``limit``, then counted)."""

    file: str
    findings: list[Finding]
    limit: int = STREAM_LIMIT
    unlisted: dict[str, int] = attrs.field(factory=dict)

    def add(self, code: str, message: str, line: int | None, sid: str | None, field: str) -> None:
        if len(self.findings) >= self.limit:
            self.unlisted[code] = self.unlisted.get(code, 0) + 1
            return
        self.findings.append(
            finding(code, message, file=self.file, line=line, siecle_id=sid, field=field)
        )

    def listed(self) -> list[Finding]:
        """The findings listed, then one summary for each code only counted."""
        summaries = [
            finding(code, f"{count} more {code} findings in this file, not listed", file=self.file)
            for code, count in sorted(self.unlisted.items())
        ]
        return self.findings + summaries

    def check_flags(
        self, fields: dict[str, str | None], names: tuple[str, ...], line: int | None, sid: str
    ) -> None:
        for name in names:
            raw = fields.get(name)
            if raw is not None and raw not in _BOOLS:
                try:
                    parse_bool(raw)
                except ValueError as exc:
                    self.add("INVALID_BOOLEAN", f"{name}: {exc}", line, sid, name)


def _invalid_field(
    ctx: RecordContext,
    value: object,
    code: str,
    field: str,
    line: int | None,
    sid: str,
) -> None:
    if isinstance(value, Invalid):
        ctx.add(code, f"{field} {value.raw!r}: {value.reason}", line, sid, field)


def _canonical(names: set[str]) -> Mapping[object, str]:
    """Each name mapped to itself: :func:`pick` stores these very string objects as keys.

    Keyed by ``object``: any tag the parser gives (a comment's, say) may be looked up.
    """
    return {sys.intern(name): sys.intern(name) for name in names}


#: The children of ELEVE, PERSONNE and RESPONSABLE_ELEVE that are read (name → name).
ELEVE_FIELDS: Final = _canonical(
    {
        "NOM_USAGE",
        "NOM_DE_FAMILLE",
        "NOM",
        "PRENOM",
        "DATE_NAISS",
        "ID_NATIONAL",
        "CODE_MEF",
        "MEL",
        "TEL_PORTABLE",
        "DATE_SORTIE",
        *_ELEVE_FLAGS,
    }
)
PERSONNE_FIELDS: Final = _canonical(
    {
        "NOM_USAGE",
        "NOM_DE_FAMILLE",
        "NOM",
        "PRENOM",
        "LC_CIVILITE",
        "TEL_PORTABLE",
        "MEL",
        *_PERSONNE_FLAGS,
    }
)
LINK_FIELDS: Final = _canonical(
    {"ELEVE_ID", "PERSONNE_ID", "NIVEAU_RESPONSABILITE", "RESP_LEGAL", "CODE_PARENTE", *_LINK_FLAGS}
)


def pick(element: etree._Element, names: Mapping[object, str]) -> dict[str, str | None]:
    """The record's children among ``names``, as tag → text (first occurrence wins).

    The keys are the strings of ``names`` themselves, not the parser's copies: the
    records spilled to disk then share their keys, and ``fields["PRENOM"]`` finds
    its key by identity.
    """
    fields: dict[str, str | None] = {}
    for child in element:
        key = names.get(child.tag)
        if key is not None and key not in fields:
            fields[key] = child.text
    return fields


def tidy(raw: str | None) -> str:
    """:func:`clean_text` (which returns plain codes and ids, letters and digits, at once)."""
    return clean_text(raw)


def eleve_from(
    fields: dict[str, str | None],
    line: int | None,
    eleve_id: str,
    *,
    division: str | None,
    as_of: dt.date | None,
    ctx: RecordContext,
) -> Eleve:
    """An :class:`Eleve` from the fields of an ``ELEVE`` (its id already checked)."""
    try:
        left_on = parse_date(fields.get("DATE_SORTIE"))
    except ValueError:
        left_on = None  # reported by the first pass
    birth = fields.get("DATE_NAISS")
    eleve = Eleve.from_raw(
        eleve_id=eleve_id,
        last_name=display_last_name(fields),
        family_name=fields.get("NOM_DE_FAMILLE") or fields.get("NOM"),
        first_name=fields.get("PRENOM"),
        birth_date=birth,
        ine=fields.get("ID_NATIONAL"),
        division=division,
        mef=fields.get("CODE_MEF"),
        left_on=left_on,
        as_of=as_of,
        email=fields.get("MEL"),
        mobile=fields.get("TEL_PORTABLE"),
    )
    if isinstance(eleve.birth_date, BirthDate) and not _SIECLE_DATE.fullmatch(birth or ""):
        # SIECLE writes jj/mm/aaaa only: any other form is an error (format reference).
        eleve = attrs.evolve(
            eleve,
            birth_date=Invalid(
                raw=birth or "", code="INVALID_BIRTH_DATE", reason="expected jj/mm/aaaa"
            ),
        )
    if not eleve.name.complete:
        ctx.add("MISSING_NAME", "NOM or PRENOM is empty", line, eleve_id, "NOM_DE_FAMILLE/PRENOM")
    _invalid_field(ctx, eleve.birth_date, "INVALID_BIRTH_DATE", "DATE_NAISS", line, eleve_id)
    _invalid_field(ctx, eleve.ine, "INVALID_INE", "ID_NATIONAL", line, eleve_id)
    _invalid_field(ctx, eleve.email, "INVALID_EMAIL", "MEL", line, eleve_id)
    _invalid_field(ctx, eleve.mobile, "NOT_A_MOBILE", "TEL_PORTABLE", line, eleve_id)
    ctx.check_flags(fields, _ELEVE_FLAGS, line, eleve_id)
    return eleve


def responsable_from(
    fields: dict[str, str | None], line: int | None, personne_id: str, ctx: RecordContext
) -> Responsable:
    """A :class:`Responsable` from the fields of a ``PERSONNE`` (its id already checked)."""
    person = Responsable.from_raw(
        personne_id=personne_id,
        last_name=display_last_name(fields),
        family_name=fields.get("NOM_DE_FAMILLE") or fields.get("NOM"),
        first_name=fields.get("PRENOM"),
        civilite=fields.get("LC_CIVILITE"),
        mobile=fields.get("TEL_PORTABLE"),
        email=fields.get("MEL"),
    )
    if not person.name.complete:
        ctx.add(
            "MISSING_NAME", "NOM or PRENOM is empty", line, personne_id, "NOM_DE_FAMILLE/PRENOM"
        )
    _invalid_field(ctx, person.mobile, "NOT_A_MOBILE", "TEL_PORTABLE", line, personne_id)
    _invalid_field(ctx, person.email, "INVALID_EMAIL", "MEL", line, personne_id)
    ctx.check_flags(fields, _PERSONNE_FLAGS, line, personne_id)
    return person


def link_from(fields: dict[str, str | None], line: int | None, ctx: RecordContext) -> Link | None:
    """A :class:`Link` from ``RESPONSABLE_ELEVE``, either contract generation.

    ``NIVEAU_RESPONSABILITE`` (since 2018) wins over ``RESP_LEGAL`` (before).
    A link without both ids is dropped (finding); a missing or unreadable level
    gives ``UNKNOWN`` (not legal) and a finding.
    """
    eleve_id = tidy(fields.get("ELEVE_ID"))
    personne_id = tidy(fields.get("PERSONNE_ID"))
    if not eleve_id or not personne_id:
        ctx.add(
            "INCOMPLETE_LINK",
            f"RESPONSABLE_ELEVE without ELEVE_ID or PERSONNE_ID "
            f"(ELEVE_ID={eleve_id!r}, PERSONNE_ID={personne_id!r})",
            line,
            eleve_id or personne_id or None,
            "ELEVE_ID" if not eleve_id else "PERSONNE_ID",
        )
        return None
    raw_niveau = fields.get("NIVEAU_RESPONSABILITE")
    if raw_niveau in _NIVEAUX:  # the usual "1", "2" or "3", nothing to clean
        level = _NIVEAUX[raw_niveau]
    else:
        level = _other_level(raw_niveau, fields.get("RESP_LEGAL"), personne_id, eleve_id, line, ctx)
    ctx.check_flags(fields, _LINK_FLAGS, line, eleve_id)
    return Link(
        eleve_id=eleve_id,
        personne_id=personne_id,
        level=level,
        code_parente=tidy(fields.get("CODE_PARENTE")) or None,
    )


def _other_level(
    raw_niveau: str | None,
    raw_resp_legal: str | None,
    personne_id: str,
    eleve_id: str,
    line: int | None,
    ctx: RecordContext,
) -> ResponsibilityLevel:
    """The level from a ``NIVEAU_RESPONSABILITE`` to clean, or else from ``RESP_LEGAL``."""
    niveau = tidy(raw_niveau)
    resp_legal = tidy(raw_resp_legal)
    field = "NIVEAU_RESPONSABILITE" if niveau or not resp_legal else "RESP_LEGAL"
    try:
        if niveau in _NIVEAUX:
            return _NIVEAUX[niveau]
        if niveau:
            return ResponsibilityLevel.from_niveau(niveau)
        if resp_legal:
            return ResponsibilityLevel.from_resp_legal(resp_legal)
        raise InvalidValue(field, "", "neither NIVEAU_RESPONSABILITE nor RESP_LEGAL is given")
    except InvalidValue as exc:
        ctx.add(
            "INVALID_RESPONSIBILITY_LEVEL",
            f"{exc.field}: {exc.reason} (got {exc.value!r}); person {personne_id} "
            f"counted as not legal",
            line,
            eleve_id,
            field,
        )
        return ResponsibilityLevel.UNKNOWN
