"""The people behind accounts: élèves, responsables and the links between them.

These are the source data as SIECLE (or ONDE) describes them. Field values that
could not be parsed are kept as :class:`~educonnect_core.values.Invalid` so the
record is never dropped and eligibility can say what to fix.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Self, TypeVar

import attrs

from .errors import InvalidValue
from .origins import ONDE, SIECLE, DataOrigin
from .timebounds import bounded
from .values import (
    BirthDate,
    EmailAddress,
    Ine,
    Invalid,
    MobilePhone,
    PersonName,
    Uai,
    clean_text,
)

__all__ = [
    "Degree",
    "Eleve",
    "Link",
    "Profile",
    "Responsable",
    "ResponsibilityLevel",
    "School",
    "StudentStatus",
    "origin_of_degree",
    "parse_field",
]

T = TypeVar("T")


def parse_field(parse: Callable[[str], T], raw: str | None) -> T | Invalid | None:
    """Parse an optional field: ``None`` when empty, :class:`Invalid` when bad."""
    if raw is None or not clean_text(raw):
        return None
    try:
        return parse(raw)
    except InvalidValue as exc:
        return Invalid(raw=raw, code=exc.code, reason=exc.reason)


class Profile(enum.Enum):
    """The two account profiles."""

    ELEVE = "eleve"
    RESPONSABLE = "responsable"


class Degree(enum.Enum):
    """1st degree (école, data from ONDE) or 2nd degree (collège/lycée, SIECLE)."""

    FIRST = "1d"
    SECOND = "2d"


class StudentStatus(enum.Enum):
    CURRENT = "current"
    LEFT = "left"


class ResponsibilityLevel(enum.Enum):
    """Level of responsibility of a person for a student (``NIVEAU_RESPONSABILITE``)."""

    LEGAL = 1
    EN_CHARGE = 2
    CONTACT = 3
    #: the source does not say (ONDE); a documented policy decides.
    UNKNOWN = 0

    @classmethod
    def from_niveau(cls, raw: str) -> ResponsibilityLevel:
        """Read ``NIVEAU_RESPONSABILITE`` (contract since 2018): 1, 2 or 3."""
        text = clean_text(raw)
        try:
            return {"1": cls.LEGAL, "2": cls.EN_CHARGE, "3": cls.CONTACT}[text]
        except KeyError:
            raise InvalidValue("NIVEAU_RESPONSABILITE", raw, "expected 1, 2 or 3") from None

    @classmethod
    def from_resp_legal(cls, raw: str) -> ResponsibilityLevel:
        """Read ``RESP_LEGAL`` (contract before 2018): 1 or 2 legal, 0 not."""
        text = clean_text(raw)
        if text in {"1", "2"}:
            return cls.LEGAL
        if text == "0":
            return cls.CONTACT
        raise InvalidValue("RESP_LEGAL", raw, "expected 0, 1 or 2")


def origin_of_degree(degree: Degree) -> DataOrigin:
    """Where a school's data come from by default: SIECLE in the 2nd degree, ONDE
    (the directeur d'école) in the 1st."""
    return ONDE if degree is Degree.FIRST else SIECLE


@attrs.frozen
class School:
    """The establishment an export belongs to."""

    uai: Uai
    school_year: int
    exported_at: dt.datetime | None = attrs.field(default=None)
    degree: Degree = Degree.SECOND
    name: str | None = None
    #: where the data come from when it is neither SIECLE nor ONDE (a third-party
    #: source says so); ``None``: by degree (:attr:`data_origin`)
    origin: DataOrigin | None = None

    @property
    def data_origin(self) -> DataOrigin:
        """The system the school's data are fixed in: :attr:`origin`, else SIECLE
        in the 2nd degree and ONDE in the 1st."""
        return self.origin if self.origin is not None else origin_of_degree(self.degree)

    @exported_at.validator
    def _check_exported_at(
        self, attribute: attrs.Attribute[dt.datetime | None], value: dt.datetime | None
    ) -> None:
        if value is not None:
            bounded("School.exported_at", value)


@attrs.frozen
class Eleve:
    """A student (élève) as the source describes them."""

    eleve_id: str
    name: PersonName
    birth_date: BirthDate | Invalid | None = None
    ine: Ine | Invalid | None = None
    division: str | None = None
    mef: str | None = None
    status: StudentStatus = StudentStatus.CURRENT
    left_on: dt.date | None = None
    email: EmailAddress | Invalid | None = None
    mobile: MobilePhone | Invalid | None = None

    @classmethod
    def from_raw(
        cls,
        *,
        eleve_id: str,
        last_name: str | None,
        first_name: str | None,
        birth_date: str | None = None,
        ine: str | None = None,
        division: str | None = None,
        mef: str | None = None,
        left_on: dt.date | None = None,
        as_of: dt.date | None = None,
        email: str | None = None,
        mobile: str | None = None,
        family_name: str | None = None,
    ) -> Self:
        """Build from raw strings; bad fields become :class:`Invalid`, never errors.

        The student has left when ``left_on`` is on or before ``as_of`` (the
        export date). ``last_name`` is the name shown (nom d'usage, else nom de
        famille); ``family_name`` the nom de famille, kept when it differs.
        """
        left = left_on is not None and (as_of is None or left_on <= as_of)
        return cls(
            eleve_id=clean_text(eleve_id),
            name=PersonName.from_source(last_name, first_name, family_name),
            birth_date=parse_field(BirthDate.parse, birth_date),
            ine=parse_field(Ine.parse, ine),
            division=clean_text(division) or None,
            mef=clean_text(mef) or None,
            status=StudentStatus.LEFT if left else StudentStatus.CURRENT,
            left_on=left_on,
            email=parse_field(EmailAddress.parse, email),
            mobile=parse_field(MobilePhone.parse, mobile),
        )

    @property
    def current(self) -> bool:
        return self.status is StudentStatus.CURRENT


@attrs.frozen
class Responsable:
    """A person linked to one or more students (``PERSONNE`` in SIECLE)."""

    personne_id: str
    name: PersonName
    civilite: str | None = None
    mobile: MobilePhone | Invalid | None = None
    email: EmailAddress | Invalid | None = None

    @classmethod
    def from_raw(
        cls,
        *,
        personne_id: str,
        last_name: str | None,
        first_name: str | None,
        civilite: str | None = None,
        mobile: str | None = None,
        email: str | None = None,
        family_name: str | None = None,
    ) -> Self:
        """Build from raw strings; bad fields become :class:`Invalid`, never errors
        (names as in :meth:`Eleve.from_raw`)."""
        return cls(
            personne_id=clean_text(personne_id),
            name=PersonName.from_source(last_name, first_name, family_name),
            civilite=clean_text(civilite) or None,
            mobile=parse_field(MobilePhone.parse, mobile),
            email=parse_field(EmailAddress.parse, email),
        )


@attrs.frozen
class Link:
    """A student ↔ person link (``RESPONSABLE_ELEVE``) with its level."""

    eleve_id: str
    personne_id: str
    level: ResponsibilityLevel
    code_parente: str | None = None

    @property
    def legal(self) -> bool:
        return self.level is ResponsibilityLevel.LEGAL
