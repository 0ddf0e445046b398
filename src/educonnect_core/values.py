"""Value objects: frozen, slotted, validated, each with a ``parse`` constructor.

``parse`` takes the raw string as an export writes it and raises
:class:`~educonnect_core.errors.InvalidValue` naming the value object, the
expected form and the actual value. ``str()`` gives the canonical form, and
``parse(str(v)) == v`` for every value ``v``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Final, Self

import attrs
import email_validator

from .emails import normalized as normalized_email
from .errors import InvalidValue
from .phones import PhoneKind, classify

__all__ = [
    "BirthDate",
    "EmailAddress",
    "Ine",
    "Invalid",
    "MobilePhone",
    "PersonName",
    "Uai",
    "as_optional_uai",
    "as_uai",
    "clean_text",
]

UAI_CHECK_LETTERS: Final = "ABCDEFGHJKLMNPRSTUVWXYZ"
_QUOTES: Final = "\"'"
_UAI: Final = re.compile(r"[0-9]{7}[A-Z]")
_INE: Final = re.compile(r"[0-9A-Z]{11}")
_E164: Final = re.compile(r"\+[1-9][0-9]{6,14}")


def clean_text(raw: str | None) -> str:
    """Trim, strip stray quotes and fold runs of white space (SIECLE pitfall 5).

    ``str.split`` and the regular expression ``\\s`` agree on what white space
    is, so folding first then unquoting gives the same text as the reverse; most
    values have no quote at either end and are done after the fold.
    """
    if raw is None:
        return ""
    if raw.isalnum():
        return raw  # ids and codes: nothing to clean
    text = " ".join(raw.split())
    if not text or (text[0] not in _QUOTES and text[-1] not in _QUOTES):
        return text
    while len(text) >= 2 and text[0] == text[-1] and text[0] in _QUOTES:
        text = text[1:-1].strip()
    return text.strip('"').strip()


@attrs.frozen
class Invalid:
    """A field whose raw value could not be parsed; kept so nothing is lost.

    ``code`` is the stable reason (``NOT_A_MOBILE``, ``INVALID_EMAIL``,
    ``INVALID_BIRTH_DATE``, …), ``raw`` the value as read.
    """

    raw: str
    code: str
    reason: str


@attrs.frozen
class Uai:
    """A school's UAI: seven characters and a check letter (domain reference §6)."""

    value: str = attrs.field()

    @value.validator
    def _check(self, attribute: attrs.Attribute[str], value: str) -> None:
        if not _UAI.fullmatch(value):
            raise InvalidValue("Uai", value, "expected 7 digits and a check letter")
        expected = UAI_CHECK_LETTERS[int(value[:7]) % 23]
        if value[7] != expected:
            raise InvalidValue(
                "Uai", value, f"check letter should be {expected!r}, not {value[7]!r}"
            )

    @classmethod
    def parse(cls, raw: str) -> Self:
        return cls(clean_text(raw).upper())

    def __str__(self) -> str:
        return self.value


def as_uai(value: Uai | str, parameter: str = "uai") -> Uai:
    """``value`` as a :class:`Uai`: one as it is, or its string form parsed.

    A bad value raises :class:`InvalidValue` naming ``parameter``.
    """
    if isinstance(value, Uai):
        return value
    if not isinstance(value, str):
        raise InvalidValue(parameter, value, "expected a Uai or its string form")
    try:
        return Uai.parse(value)
    except InvalidValue as error:
        raise InvalidValue(parameter, value, error.reason) from None


def as_optional_uai(value: Uai | str | None, parameter: str = "uai") -> Uai | None:
    """:func:`as_uai`, keeping ``None`` (no school given)."""
    return None if value is None else as_uai(value, parameter)


@attrs.frozen
class Ine:
    """The national student identifier (INE): 11 letters or digits."""

    value: str = attrs.field()

    @value.validator
    def _check(self, attribute: attrs.Attribute[str], value: str) -> None:
        if not _INE.fullmatch(value):
            raise InvalidValue("Ine", value, "expected 11 letters or digits")

    @classmethod
    def parse(cls, raw: str) -> Self:
        return cls(clean_text(raw).upper())

    def __str__(self) -> str:
        return self.value


def _name_part(field: str, raw: str) -> str:
    text = clean_text(raw)
    if not text:
        raise InvalidValue(f"PersonName.{field}", raw, "expected a non-empty name")
    if any(unicodedata.category(c).startswith("C") for c in text):
        raise InvalidValue(f"PersonName.{field}", raw, "control characters are not allowed")
    return text


def _family(last: str | None, family: str | None) -> str:
    """The nom de famille kept beside ``last`` only when it differs (folded)."""
    text = clean_text(family)
    return text if text and fold(text) != fold(clean_text(last)) else ""


@attrs.frozen
class PersonName:
    """A person's name: ``last`` (the nom shown: nom d'usage when there is one) and
    ``first`` (prénom), cleaned, non-empty; ``family`` is the nom de famille (birth
    name) only when it differs from ``last``, else empty."""

    last: str
    first: str
    family: str = ""

    @classmethod
    def parse(cls, last: str, first: str, family: str = "") -> Self:
        """Both parts required; raises :class:`InvalidValue` naming the empty one."""
        return cls(_name_part("last", last), _name_part("first", first), _family(last, family))

    @classmethod
    def from_source(cls, last: str | None, first: str | None, family: str | None = None) -> Self:
        """Cleaned parts as a source gives them; an empty part is kept empty."""
        shown = clean_text(last)
        return cls(shown, clean_text(first), _family(shown, family))

    @property
    def complete(self) -> bool:
        """Both nom and prénom are present (needed by SMS and FranceConnect)."""
        return bool(self.last and self.first)

    def folded(self) -> tuple[str, str]:
        """Accent- and case-folded parts, for matching names across files."""
        return fold(self.last), fold(self.first)

    def answers_to(self, last: str | None, first: str | None) -> bool:
        """A name given at sign-in (``None``: not given) is this person's.

        FranceConnect gives the birth name and every given name, the school its usage
        name and the prénom used: the nom may be the usage or the family name, and
        the given names must begin with the prénom (« Zoé Marie » for « Zoé », not
        « Zoé-Anne », a compound prénom), accents and case folded.
        """
        if last is not None and _words(last) not in (_words(self.last), _words(self.family)):
            return False
        if first is None:
            return True
        own, given = _words(self.first), _words(first)
        return bool(own) and given[: len(own)] == own

    def __str__(self) -> str:
        return f"{self.last} {self.first}"


def _words(text: str) -> tuple[str, ...]:
    """``text`` folded, cut into words at spaces (a hyphen makes one compound name:
    « Zoé-Anne » is not « Zoé »)."""
    return tuple(fold(text).split())


def fold(text: str) -> str:
    """Upper case without accents, for comparisons (``Zoé`` → ``ZOE``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("Œ", "OE").replace("œ", "oe").replace("Æ", "AE").upper()


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@attrs.frozen
class BirthDate:
    """A birth date, read as ``jj/mm/aaaa`` (SIECLE) or ``aaaa-mm-jj`` (ONDE)."""

    value: dt.date = attrs.field()

    @value.validator
    def _check(self, attribute: attrs.Attribute[dt.date], value: dt.date) -> None:
        if value.year < 1900:
            raise InvalidValue(
                "BirthDate",
                value.isoformat(),
                "expected a year from 1900",
                code="INVALID_BIRTH_DATE",
            )

    @classmethod
    def parse(cls, raw: str) -> Self:
        text = clean_text(raw)
        if m := _DMY.fullmatch(text):
            day, month, year = int(m[1]), int(m[2]), int(m[3])
        elif m := _ISO.fullmatch(text):
            year, month, day = int(m[1]), int(m[2]), int(m[3])
        else:
            raise InvalidValue("BirthDate", raw, "expected jj/mm/aaaa", code="INVALID_BIRTH_DATE")
        try:
            return cls(dt.date(year, month, day))
        except ValueError as exc:
            raise InvalidValue("BirthDate", raw, str(exc), code="INVALID_BIRTH_DATE") from None

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on ``day``."""
        before_birthday = (day.month, day.day) < (self.value.month, self.value.day)
        return day.year - self.value.year - before_birthday

    def __str__(self) -> str:
        return self.value.strftime("%d/%m/%Y")


@attrs.frozen
class MobilePhone:
    """A mobile number in E.164 (``+33612345678``, ``+590690…`` overseas).

    ``parse`` accepts the notations of SIECLE and hand-typed data (spaces, dots,
    dashes, ``0033``, ``+33 (0)6``, a lost leading 0) with France as the default
    region and the overseas prefixes of domain reference §7. A landline raises
    :class:`InvalidValue` with code ``NOT_A_MOBILE``.
    """

    e164: str = attrs.field()

    @e164.validator
    def _check(self, attribute: attrs.Attribute[str], value: str) -> None:
        if not _E164.fullmatch(value):
            raise InvalidValue("MobilePhone", value, "expected E.164 (+ and 7 to 15 digits)")

    @classmethod
    def parse(cls, raw: str) -> Self:
        kind, e164 = classify(raw)  # blank input is never a mobile: checked below
        if kind == PhoneKind.MOBILE:
            return cls(e164)
        if not clean_text(raw):
            raise InvalidValue("MobilePhone", raw, "expected a phone number", code="MISSING_MOBILE")
        if kind == PhoneKind.INVALID:
            raise InvalidValue("MobilePhone", raw, "not a valid phone number", code="NOT_A_MOBILE")
        raise InvalidValue(  # PhoneKind.NOT_MOBILE
            "MobilePhone", raw, f"{e164} is a landline, not a mobile", code="NOT_A_MOBILE"
        )

    def __str__(self) -> str:
        return self.e164


@attrs.frozen
class EmailAddress:
    """An email address in the normalized form of ``email-validator``; no DNS lookup."""

    value: str

    @classmethod
    def parse(cls, raw: str) -> Self:
        text = clean_text(raw)
        if not text:
            raise InvalidValue(
                "EmailAddress", raw, "expected an email address", code="MISSING_EMAIL"
            )
        try:
            return cls(normalized_email(text))
        except email_validator.EmailNotValidError as exc:
            raise InvalidValue("EmailAddress", raw, str(exc), code="INVALID_EMAIL") from None

    def __str__(self) -> str:
        return self.value
