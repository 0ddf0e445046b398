"""Hypothesis strategies for educonnect's domain, in the style of ``hypothesis.extra``.

Every function returns a strategy. Arguments are checked when the strategy is
first drawn from (``hypothesis.errors.InvalidArgument``), as Hypothesis does.
Builders of records take keyword overrides: a value or a strategy per field::

    eleves(division="5 B", birth_date=st.none())

Two kinds of strategies per value object: the value itself (``uais()``,
``mobile_phones()``…) and the raw strings an export may hold (``raw_uais()``,
``raw_mobiles(valid=False)``…). Raw strings with ``valid=False`` are never blank:
a blank field is *missing*, not invalid (see :func:`~educonnect_core.people.parse_field`).
All people are invented.
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo

import attrs
import phonenumbers
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from educonnect_core.accounts import Account, ProvisionalCredential
from educonnect_core.audit import AuditEvent, Outcome
from educonnect_core.blockers import BlockerCode
from educonnect_core.deliveries import DeliveryRecord
from educonnect_core.eligibility import AGE_ABOVE, AGE_BELOW, EXPECTED_AGE_BY_MEF, Child
from educonnect_core.errors import ActionRefused
from educonnect_core.people import (
    Degree,
    Eleve,
    Link,
    Profile,
    Responsable,
    ResponsibilityLevel,
    School,
    StudentStatus,
    parse_field,
)
from educonnect_core.phones import OVERSEAS_MOBILE_PREFIXES
from educonnect_core.routes import Route
from educonnect_core.states import AccountState, Event
from educonnect_core.storage import EligibilitySnapshot
from educonnect_core.values import (
    UAI_CHECK_LETTERS,
    BirthDate,
    EmailAddress,
    Ine,
    Invalid,
    MobilePhone,
    PersonName,
    Uai,
)

__all__ = [
    "Family",
    "accounts",
    "audit_events",
    "birth_dates",
    "delivery_records",
    "eleves",
    "email_addresses",
    "families",
    "ines",
    "links",
    "mobile_notations",
    "mobile_phones",
    "person_names",
    "provisional_credentials",
    "raw_birth_dates",
    "raw_emails",
    "raw_ines",
    "raw_mobiles",
    "raw_names",
    "raw_uais",
    "responsables",
    "schools",
    "snapshots",
    "stored_accounts",
    "stored_eleves",
    "stored_responsables",
    "stored_schools",
    "uais",
]

T = TypeVar("T")
PARIS = ZoneInfo("Europe/Paris")

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LETTERS = _UPPER + _UPPER.lower() + "ÉÈÊËÀÂÎÏÔÖÙÛÜÇéèêëàâîïôöùûüçŒœ"
_LAST_NAMES = ("Martin", "Bernard", "Nguyen", "Lefèvre", "Da Silva", "N'Diaye", "Le Gall")
_FIRST_NAMES = ("Léa", "Lucas", "Chloé", "Jean-Baptiste", "Inès", "Maël", "Zoé", "Noé")


def _lazy(build: Callable[[], SearchStrategy[T]]) -> SearchStrategy[T]:
    """Defer ``build`` (and its argument checks) until the first draw."""
    return st.deferred(build)


def _as_strategy(value: object) -> SearchStrategy[Any]:
    return value if isinstance(value, SearchStrategy) else st.just(value)


def _check_overrides(target: str, overrides: Mapping[str, object], allowed: Sequence[str]) -> None:
    unknown = sorted(set(overrides) - set(allowed))
    if unknown:
        raise InvalidArgument(
            f"{target}: unknown field(s) {', '.join(unknown)}; "
            f"expected some of {', '.join(allowed)}"
        )


# --- identifiers ---------------------------------------------------------------------------


def uais() -> SearchStrategy[Uai]:
    """Valid school UAIs: seven digits and the right check letter."""
    return st.integers(0, 9_999_999).map(lambda n: Uai(f"{n:07d}{UAI_CHECK_LETTERS[n % 23]}"))


def raw_uais(*, valid: bool = True) -> SearchStrategy[str]:
    """UAIs as typed by people: lower case, padded, quoted; or wrong ones."""

    def build() -> SearchStrategy[str]:
        _check_bool("raw_uais", "valid", valid)
        if valid:
            return st.tuples(uais(), st.sampled_from(_DRESSINGS), st.booleans()).map(
                lambda t: t[1].format(t[0].value.lower() if t[2] else t[0].value)
            )
        return st.one_of(
            uais().map(_wrong_uai_letter),
            st.from_regex(r"\A[0-9]{6}[A-Z]\Z"),
            st.from_regex(r"\A[0-9]{8}[A-Z]\Z"),
            st.from_regex(r"\A[0-9]{8}\Z"),
            st.from_regex(r"\A[A-Z]{2}[0-9]{5}[A-Z]\Z"),
        )

    return _lazy(build)


def _wrong_uai_letter(uai: Uai) -> str:
    right = uai.value[7]
    wrong = UAI_CHECK_LETTERS[(UAI_CHECK_LETTERS.index(right) + 1) % 23]
    return uai.value[:7] + wrong


def ines() -> SearchStrategy[Ine]:
    """Valid INEs: 11 digits or capital letters (often ten digits and a letter)."""
    return st.one_of(
        st.tuples(st.integers(0, 9_999_999_999), st.sampled_from(_UPPER)).map(
            lambda t: f"{t[0]:010d}{t[1]}"
        ),
        st.tuples(st.integers(0, 999_999_999), st.text(_UPPER, min_size=2, max_size=2)).map(
            lambda t: f"{t[0]:09d}{t[1]}"
        ),
        st.text(string.digits + _UPPER, min_size=11, max_size=11),
    ).map(Ine)


def raw_ines(*, valid: bool = True) -> SearchStrategy[str]:
    """INEs as an export may write them, or wrong ones (bad length, punctuation)."""

    def build() -> SearchStrategy[str]:
        _check_bool("raw_ines", "valid", valid)
        if valid:
            return st.tuples(ines(), st.sampled_from(_DRESSINGS), st.booleans()).map(
                lambda t: t[1].format(t[0].value.lower() if t[2] else t[0].value)
            )
        return st.one_of(
            st.from_regex(r"\A[0-9]{10}\Z"),
            st.from_regex(r"\A[0-9]{12}\Z"),
            st.from_regex(r"\A[0-9]{5}[-/.][0-9]{5}\Z"),
        )

    return _lazy(build)


_DRESSINGS = ("{}", " {}", "{} ", '"{}"', "'{}'", "  {}  ")


def _check_bool(target: str, name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{target}: {name} must be a bool, got {value!r}")


# --- names ---------------------------------------------------------------------------------


def _name_words() -> SearchStrategy[str]:
    word = st.text(_LETTERS, min_size=1, max_size=10)
    joined = st.lists(
        st.tuples(word, st.sampled_from((" ", "-", "'"))), min_size=0, max_size=2
    ).map(lambda parts: "".join(w + sep for w, sep in parts))
    return st.tuples(joined, word).map(lambda t: t[0] + t[1])


def _name_part() -> SearchStrategy[str]:
    return st.one_of(st.sampled_from(_LAST_NAMES + _FIRST_NAMES), _name_words())


def person_names() -> SearchStrategy[PersonName]:
    """Complete names (nom and prénom), already clean: ``PersonName.parse`` keeps them."""
    return st.builds(
        PersonName,
        last=st.one_of(st.sampled_from(_LAST_NAMES), _name_words()),
        first=st.one_of(st.sampled_from(_FIRST_NAMES), _name_words()),
    )


def raw_names(*, valid: bool = True) -> SearchStrategy[str]:
    """One name part as an export writes it (padded, quoted, doubled spaces), or a bad
    one (made of spaces and quotes only, or holding a control character)."""

    def build() -> SearchStrategy[str]:
        _check_bool("raw_names", "valid", valid)
        if valid:
            return st.tuples(_name_part(), st.sampled_from(_DRESSINGS)).map(
                lambda t: t[1].format(t[0].replace(" ", "  "))
            )
        return st.one_of(
            st.sampled_from(("", " ", '""', "' '", "\t")),
            st.tuples(_name_part(), st.sampled_from(("\x00", "\x07", "\u200b"))).map(
                lambda t: t[0][:1] + t[1] + t[0][1:] + "x"
            ),
        )

    return _lazy(build)


# --- dates ---------------------------------------------------------------------------------


def birth_dates(
    *, min_value: dt.date = dt.date(1990, 1, 1), max_value: dt.date = dt.date(2022, 12, 31)
) -> SearchStrategy[BirthDate]:
    """Birth dates between ``min_value`` and ``max_value`` (from 1900)."""

    def build() -> SearchStrategy[BirthDate]:
        if min_value.year < 1900:
            raise InvalidArgument(f"birth_dates: min_value must be from 1900, got {min_value}")
        if min_value > max_value:
            raise InvalidArgument(f"birth_dates: min_value {min_value} is after {max_value}")
        return st.dates(min_value, max_value).map(BirthDate)

    return _lazy(build)


def raw_birth_dates(*, valid: bool = True) -> SearchStrategy[str]:
    """``jj/mm/aaaa`` (SIECLE), ``j/m/aaaa``, ``aaaa-mm-jj`` (ONDE); or malformed ones:
    impossible days, other separators, two-digit years, years before 1900."""

    def build() -> SearchStrategy[str]:
        _check_bool("raw_birth_dates", "valid", valid)
        if valid:
            return st.tuples(
                birth_dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
                st.sampled_from(("{d:%d/%m/%Y}", "{d.day}/{d.month}/{d:%Y}", "{d:%Y-%m-%d}")),
                st.sampled_from(_DRESSINGS),
            ).map(lambda t: t[2].format(t[1].format(d=t[0].value)))
        return st.one_of(
            st.sampled_from(
                ("31/02/2012", "30/02/2011", "00/01/2012", "12/13/2012", "31/04/2013", "29/02/2013")
            ),
            st.tuples(
                st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)),
                st.sampled_from(("%Y/%m/%d", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%Y", "%d%m%Y")),
            ).map(lambda t: t[0].strftime(t[1])),
            st.dates(dt.date(1000, 1, 1), dt.date(1899, 12, 31)).map(lambda d: f"{d:%d/%m/%Y}"),
            st.sampled_from(("inconnue", "??/??/????", "né en 2012")),
        )

    return _lazy(build)


# --- phones --------------------------------------------------------------------------------


@functools.cache
def _mobile_prefixes() -> tuple[str, ...]:
    """National 6-digit prefixes (``06xxxx``, ``07xxxx``) that plain ``phonenumbers``
    calls mobile, overseas ones read in their own region (domain reference §7)."""
    found = []
    for n in range(60_000, 80_000):
        prefix = f"0{n}"
        region = OVERSEAS_MOBILE_PREFIXES.get(prefix[:4], "FR")
        number = phonenumbers.parse(prefix + "0000", region)
        if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE:
            found.append(prefix)
    return tuple(found)


_METRO = "metropole"
_OVERSEAS = "overseas"


def _national_mobiles(where: str) -> SearchStrategy[str]:
    def build() -> SearchStrategy[str]:
        if where not in (_METRO, _OVERSEAS, "any"):
            raise InvalidArgument(
                f"mobile_phones: where must be 'metropole', 'overseas' or 'any', got {where!r}"
            )
        prefixes = [
            p
            for p in _mobile_prefixes()
            if where == "any" or (p[:4] in OVERSEAS_MOBILE_PREFIXES) == (where == _OVERSEAS)
        ]
        return st.tuples(st.sampled_from(prefixes), st.integers(0, 9999)).map(
            lambda t: f"{t[0]}{t[1]:04d}"
        )

    return _lazy(build)


def _e164(national: str) -> str:
    region = OVERSEAS_MOBILE_PREFIXES.get(national[:4], "FR")
    number = phonenumbers.parse(national, region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _pairs(digits: str) -> str:
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def _notations(national: str) -> list[str]:
    """Ways SIECLE and hand-typed data write one national mobile number."""
    e164 = _e164(national)
    code = e164[1 : len(e164) - 9]
    rest = national[1:]
    forms = [
        national,
        _pairs(national),
        ".".join(national[i : i + 2] for i in range(0, 10, 2)),
        "-".join(national[i : i + 2] for i in range(0, 10, 2)),
        e164,
        f"+{code} {rest[0]} {_pairs(rest[1:])}",
        f"00{code}{rest}",
        f"00{code} {rest[0]} {_pairs(rest[1:])}",
        f"+{code} (0){rest[0]} {_pairs(rest[1:])}",
        f"+{code}(0){rest}",
        rest,  # the leading 0 lost in a spreadsheet
        f" {_pairs(national)} ",
        f'"{national}"',
    ]
    if code != "33":  # overseas: the country code written with the national prefix
        forms.append(f"+{code} {national[1:4]} {_pairs(national[4:])}")
    return forms


_NOTATION_COUNT = 14


def _pick(options: Sequence[str], index: int) -> str:
    return options[index % len(options)]


def mobile_notations(*, where: str = "any") -> SearchStrategy[tuple[str, MobilePhone]]:
    """Pairs ``(raw, expected)``: a raw notation of a mobile and the value it means.

    ``where`` is ``"metropole"``, ``"overseas"`` or ``"any"``.
    """
    return st.tuples(_national_mobiles(where), st.integers(0, _NOTATION_COUNT - 1)).map(
        lambda t: (_pick(_notations(t[0]), t[1]), MobilePhone(_e164(t[0])))
    )


def mobile_phones(*, where: str = "any") -> SearchStrategy[MobilePhone]:
    """Valid French mobiles in E.164, metropolitan and overseas (domain reference §7)."""
    return _national_mobiles(where).map(lambda national: MobilePhone(_e164(national)))


def raw_mobiles(*, valid: bool = True, where: str = "any") -> SearchStrategy[str]:
    """``TEL_PORTABLE`` as exports write it.

    ``valid=True``: any notation of a real mobile (``06 12 34 56 78``, ``0033…``,
    ``+33 (0)6…``, dots, dashes, overseas ``0690…``). ``valid=False``: landlines,
    special numbers, too short or too long numbers, letters.
    """

    def build() -> SearchStrategy[str]:
        _check_bool("raw_mobiles", "valid", valid)
        if valid:
            return mobile_notations(where=where).map(lambda pair: pair[0])
        landline = st.tuples(
            st.sampled_from(("01", "02", "03", "04", "05", "09", "0590", "0594", "0596", "0262")),
            st.integers(0, 99_999_999),
        ).map(lambda t: (t[0] + f"{t[1]:08d}")[:10])
        return st.one_of(
            landline.map(_pairs),
            landline,
            st.integers(0, 99_999_999).map(lambda n: f"08 {_pairs(f'{n:08d}')}"),
            st.integers(0, 9_999_999).map(lambda n: f"070{n:07d}"),
            st.integers(0, 999_999).map(lambda n: f"06 {_pairs(f'{n:06d}')}"),
            st.integers(0, 99_999_999).map(lambda n: f"06{n:08d}99"),
            st.sampled_from(("néant", "pas de portable", "06 XX XX XX XX", "0", "+")),
        )

    return _lazy(build)


# --- email ---------------------------------------------------------------------------------

_LOCAL = string.ascii_lowercase + string.digits
_TLDS = ("fr", "com", "net", "org", "eu")


def _emails_text() -> SearchStrategy[str]:
    atom = st.text(_LOCAL, min_size=1, max_size=8)
    local = st.tuples(st.lists(atom, min_size=1, max_size=3), st.sampled_from((".", "_", "-"))).map(
        lambda t: t[1].join(t[0])
    )
    domain = st.lists(
        st.text(string.ascii_lowercase, min_size=2, max_size=10), min_size=1, max_size=2
    )
    return st.tuples(local, domain, st.sampled_from(_TLDS)).map(
        lambda t: f"{t[0]}@{'.'.join(t[1])}.{t[2]}"
    )


def email_addresses() -> SearchStrategy[EmailAddress]:
    """Valid addresses, in the normalized form ``EmailAddress.parse`` gives."""
    return _emails_text().map(EmailAddress.parse)


def raw_emails(*, valid: bool = True) -> SearchStrategy[str]:
    """``MEL`` as typed by a school office: padded, upper-case domains; or broken
    (no ``@``, two ``@``, spaces, double dots, no domain dot, a comma)."""

    def build() -> SearchStrategy[str]:
        _check_bool("raw_emails", "valid", valid)
        if valid:
            return st.tuples(_emails_text(), st.sampled_from(_DRESSINGS), st.booleans()).map(
                lambda t: t[1].format(_upper_domain(t[0]) if t[2] else t[0])
            )
        return st.tuples(_emails_text(), st.integers(0, 9)).map(
            lambda t: _pick(_broken_emails(t[0]), t[1])
        )

    return _lazy(build)


def _upper_domain(email: str) -> str:
    local, domain = email.split("@")
    return f"{local}@{domain.upper()}"


def _broken_emails(email: str) -> tuple[str, ...]:
    local, domain = email.split("@")
    return (
        local + domain,  # no @
        f"{local}@@{domain}",
        f"{local} @ {domain}",
        f"{local}..x@{domain}",
        f"{local}@{domain.split('.')[0]}",  # no dot in the domain
        f"{local},{domain}",
        f"@{domain}",
        f"{local}@",
        f"{email}.",
        f"{local}@{domain} {local}@{domain}",
    )


# --- people --------------------------------------------------------------------------------

_ELEVE_FIELDS = (
    "eleve_id",
    "name",
    "birth_date",
    "ine",
    "division",
    "mef",
    "status",
    "left_on",
    "email",
    "mobile",
)
_MEF_PREFIXES = tuple(sorted(EXPECTED_AGE_BY_MEF))


def _messy(
    value: SearchStrategy[str], invalid: SearchStrategy[str], parse: Callable[[str], T]
) -> SearchStrategy[T | Invalid | None]:
    """A field as a source delivers it: valid, invalid (kept as ``Invalid``) or missing."""
    raw = st.one_of(st.none(), st.just(""), value, invalid)
    return raw.map(lambda r: parse_field(parse, r))


def eleves(
    *, school_year: int = 2025, messy: bool = False, **overrides: Any
) -> SearchStrategy[Eleve]:
    """Students. By default every field is valid (a student's own email may be absent,
    their mobile is) and the birth date is plausible for the class level (``mef``) in
    ``school_year``, so that eligibility finds nothing wrong. With ``messy=True`` the birth date,
    INE, email and mobile may be missing or :class:`~educonnect_core.values.Invalid`,
    as a real export gives them. Any field can be overridden by a value or a strategy.
    """

    def build() -> SearchStrategy[Eleve]:
        _check_overrides("eleves", overrides, _ELEVE_FIELDS)
        _check_bool("eleves", "messy", messy)
        if not 1950 <= school_year <= 2100:
            raise InvalidArgument(f"eleves: school_year must be 1950..2100, got {school_year!r}")
        return _eleve_strategy(_eleve_parts(school_year, messy, overrides))

    return _lazy(build)


@attrs.frozen
class _EleveParts:
    """Strategies for each field of a student, built once per ``eleves()`` call."""

    school_year: int
    fields: dict[str, SearchStrategy[Any]]
    births: dict[str, SearchStrategy[Any]]
    overridden: frozenset[str]


def _birth_for(school_year: int, expected: int, messy: bool) -> SearchStrategy[Any]:
    # age on 31/12 of school_year within [expected - AGE_BELOW, expected + AGE_ABOVE]
    oldest = dt.date(school_year - expected - AGE_ABOVE, 1, 1)
    youngest = dt.date(school_year - expected + AGE_BELOW, 12, 31)
    if messy:
        return _messy(
            st.dates(oldest, youngest).map(lambda d: f"{d:%d/%m/%Y}"),
            raw_birth_dates(valid=False),
            BirthDate.parse,
        )
    return birth_dates(min_value=oldest, max_value=youngest)


def _eleve_parts(school_year: int, messy: bool, overrides: Mapping[str, Any]) -> _EleveParts:
    fields: dict[str, SearchStrategy[Any]] = {
        "eleve_id": st.integers(1, 9_999_999).map(str),
        "name": person_names(),
        "division": st.sampled_from(("6A", "5 B", "4C", "301", "2NDE3", "TG2")),
        "mef": st.tuples(st.sampled_from(_MEF_PREFIXES), st.integers(0, 99_999_999)).map(
            lambda t: f"{t[0]}{t[1]:08d}"
        ),
        "status": st.just(StudentStatus.CURRENT),
    }
    if messy:
        fields["ine"] = _messy(raw_ines(), raw_ines(valid=False), Ine.parse)
        fields["email"] = _messy(raw_emails(), raw_emails(valid=False), EmailAddress.parse)
        fields["mobile"] = _messy(raw_mobiles(), raw_mobiles(valid=False), MobilePhone.parse)
    else:
        fields["ine"] = ines()
        fields["email"] = st.one_of(st.none(), email_addresses())
        fields["mobile"] = st.none()
    births = {p: _birth_for(school_year, age, messy) for p, age in EXPECTED_AGE_BY_MEF.items()}
    births[""] = _birth_for(school_year, 14, messy)
    fields.update({k: _as_strategy(v) for k, v in overrides.items()})
    return _EleveParts(school_year, fields, births, frozenset(overrides))


@st.composite
def _eleve_strategy(draw: st.DrawFn, parts: _EleveParts) -> Eleve:
    fields = parts.fields
    mef = draw(fields["mef"])
    status = draw(fields["status"])
    if "birth_date" in parts.overridden:
        birth = draw(fields["birth_date"])
    else:
        birth = draw(parts.births.get((mef or "")[:3], parts.births[""]))
    if "left_on" in parts.overridden:
        left_on = draw(fields["left_on"])
    elif status is StudentStatus.LEFT:
        year = parts.school_year
        left_on = draw(st.dates(dt.date(year, 9, 1), dt.date(year + 1, 7, 14)))
    else:
        left_on = None
    return Eleve(
        eleve_id=draw(fields["eleve_id"]),
        name=draw(fields["name"]),
        birth_date=birth,
        ine=draw(fields["ine"]),
        division=draw(fields["division"]),
        mef=mef,
        status=status,
        left_on=left_on,
        email=draw(fields["email"]),
        mobile=draw(fields["mobile"]),
    )


_RESPONSABLE_FIELDS = ("personne_id", "name", "civilite", "mobile", "email")


def responsables(*, messy: bool = False, **overrides: Any) -> SearchStrategy[Responsable]:
    """Responsables with a valid mobile and email by default; ``messy=True`` lets
    mobile and email be missing or :class:`~educonnect_core.values.Invalid`."""

    def build() -> SearchStrategy[Responsable]:
        _check_overrides("responsables", overrides, _RESPONSABLE_FIELDS)
        _check_bool("responsables", "messy", messy)
        if messy:
            mobile: Any = _messy(raw_mobiles(), raw_mobiles(valid=False), MobilePhone.parse)
            email: Any = _messy(raw_emails(), raw_emails(valid=False), EmailAddress.parse)
        else:
            mobile, email = mobile_phones(), email_addresses()
        fields: dict[str, Any] = {
            "personne_id": st.integers(1, 9_999_999).map(str),
            "name": person_names(),
            "civilite": st.sampled_from(("M.", "MME")),
            "mobile": mobile,
            "email": email,
        }
        fields.update({k: _as_strategy(v) for k, v in overrides.items()})
        return st.builds(Responsable, **fields)

    return _lazy(build)


_LINK_FIELDS = ("eleve_id", "personne_id", "level", "code_parente")


def links(**overrides: Any) -> SearchStrategy[Link]:
    """Student ↔ person links with any level of responsibility."""

    def build() -> SearchStrategy[Link]:
        _check_overrides("links", overrides, _LINK_FIELDS)
        fields: dict[str, Any] = {
            "eleve_id": st.integers(1, 9_999_999).map(str),
            "personne_id": st.integers(1, 9_999_999).map(str),
            "level": st.sampled_from(ResponsibilityLevel),
            "code_parente": _CODES_PARENTE,
        }
        fields.update({k: _as_strategy(v) for k, v in overrides.items()})
        return st.builds(Link, **fields)

    return _lazy(build)


@attrs.frozen
class Family:
    """Students, responsables and links consistent with each other: every link joins
    a student and a responsable of the family; ids are unique."""

    eleves: tuple[Eleve, ...]
    responsables: tuple[Responsable, ...]
    links: tuple[Link, ...]

    def children_of(self, personne_id: str) -> tuple[Child, ...]:
        """The students linked to ``personne_id``, as eligibility wants them."""
        by_id = {e.eleve_id: e for e in self.eleves}
        return tuple(
            Child(by_id[link.eleve_id], link)
            for link in self.links
            if link.personne_id == personne_id
        )


def families(
    *,
    min_children: int = 1,
    max_children: int = 4,
    max_responsables: int = 3,
    school_year: int = 2025,
    messy: bool = False,
    legal_only: bool = False,
) -> SearchStrategy[Family]:
    """Families: siblings sharing responsables. The first responsable is linked to
    every child (so siblings are linked through them); others to some children.
    ``legal_only`` makes every link legal; otherwise levels vary (the first
    responsable is always legal)."""

    def build() -> SearchStrategy[Family]:
        if not 1 <= min_children <= max_children:
            raise InvalidArgument(
                f"families: need 1 <= min_children <= max_children, got {min_children}, "
                f"{max_children}"
            )
        if max_responsables < 1:
            raise InvalidArgument(
                f"families: max_responsables must be >= 1, got {max_responsables}"
            )
        _check_bool("families", "messy", messy)
        _check_bool("families", "legal_only", legal_only)
        level = (
            st.just(ResponsibilityLevel.LEGAL)
            if legal_only
            else st.sampled_from(ResponsibilityLevel)
        )
        parts = _FamilyParts(
            ids=st.integers(1, 9_999_999).map(str),
            family_name=st.sampled_from(_LAST_NAMES) | _name_words(),
            first_name=_name_part(),
            kid=eleves(school_year=school_year, messy=messy),
            parent=responsables(messy=messy),
            level=level,
            code_parente=_CODES_PARENTE,
        )
        return _family_strategy(parts, min_children, max_children, max_responsables)

    return _lazy(build)


_CODES_PARENTE = st.sampled_from(("10", "20", "37", "38", "50", "90")) | st.none()


@attrs.frozen
class _FamilyParts:
    ids: SearchStrategy[str]
    family_name: SearchStrategy[str]
    first_name: SearchStrategy[str]
    kid: SearchStrategy[Eleve]
    parent: SearchStrategy[Responsable]
    level: SearchStrategy[ResponsibilityLevel]
    code_parente: SearchStrategy[str | None]


@st.composite
def _family_strategy(
    draw: st.DrawFn,
    parts: _FamilyParts,
    min_children: int,
    max_children: int,
    max_responsables: int,
) -> Family:
    eleve_ids = draw(st.lists(parts.ids, min_size=min_children, max_size=max_children, unique=True))
    family_name = draw(parts.family_name)
    kids = tuple(
        attrs.evolve(
            draw(parts.kid),
            eleve_id=eid,
            name=PersonName(family_name, draw(parts.first_name)),
        )
        for eid in eleve_ids
    )
    personne_ids = draw(st.lists(parts.ids, min_size=1, max_size=max_responsables, unique=True))
    parents = tuple(attrs.evolve(draw(parts.parent), personne_id=pid) for pid in personne_ids)
    family_links: list[Link] = []
    for index, pid in enumerate(personne_ids):
        if index == 0:
            linked = eleve_ids
        else:
            linked = draw(st.lists(st.sampled_from(eleve_ids), min_size=1, unique=True))
        for eid in linked:
            level = ResponsibilityLevel.LEGAL if index == 0 else draw(parts.level)
            family_links.append(Link(eid, pid, level, draw(parts.code_parente)))
    return Family(kids, parents, tuple(family_links))


def schools(**overrides: Any) -> SearchStrategy[School]:
    """Schools with an aware export time in the school year."""

    def build() -> SearchStrategy[School]:
        allowed = ("uai", "school_year", "exported_at", "degree", "name")
        _check_overrides("schools", overrides, allowed)
        year = overrides.get("school_year", 2025)
        fields: dict[str, Any] = {
            "uai": uais(),
            "school_year": st.just(year) if not isinstance(year, SearchStrategy) else year,
            "exported_at": st.datetimes(
                dt.datetime(2020, 1, 1), dt.datetime(2030, 12, 31), timezones=st.just(PARIS)
            ),
            "degree": st.sampled_from(Degree),
            "name": st.sampled_from(("Collège Jean Moulin", "Lycée Victor Hugo", "École du Bourg")),
        }
        fields.update({k: _as_strategy(v) for k, v in overrides.items()})
        return st.builds(School, **fields)

    return _lazy(build)


# --- accounts ------------------------------------------------------------------------------


def provisional_credentials(
    *, document_date: dt.date | SearchStrategy[dt.date] | None = None
) -> SearchStrategy[ProvisionalCredential]:
    """Provisional credentials (a fake hash: never a real password hash)."""
    dates = (
        _as_strategy(document_date)
        if document_date is not None
        else st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31))
    )
    return st.builds(
        ProvisionalCredential.issue,
        password_hash=_FAKE_HASHES,
        document_date=dates,
        channel=_CHANNELS,
    )


_START = dt.datetime(2025, 9, 1, 8, 0, tzinfo=PARIS)
_PREFIX_EVENTS_NEVER_ACTIVATED = (Event.NOTIFY, Event.DEACTIVATE, Event.REACTIVATE)


def accounts(
    *,
    state: AccountState | None = None,
    profile: Profile | None = None,
    uai: Uai | None = None,
    max_events: int = 8,
    start: dt.datetime = _START,
) -> SearchStrategy[Account]:
    """Accounts in any reachable state, built by applying a random legal sequence of
    events through :meth:`Account.apply` from :meth:`Account.open` at ``start``.

    ``state`` asks for a final state (the walk is then steered there by legal
    events); ``NOT_ACTIVATED`` and ``NOTIFIED`` accounts were never activated,
    since nothing leads back there from an activation.
    """

    def build() -> SearchStrategy[Account]:
        if state is not None and not isinstance(state, AccountState):
            raise InvalidArgument(f"accounts: state must be an AccountState, got {state!r}")
        if profile is not None and not isinstance(profile, Profile):
            raise InvalidArgument(f"accounts: profile must be a Profile, got {profile!r}")
        if start.tzinfo is None:
            raise InvalidArgument(f"accounts: start must be an aware datetime, got {start!r}")
        if max_events < 0:
            raise InvalidArgument(f"accounts: max_events must be >= 0, got {max_events}")
        return _account_strategy(state, profile, uai, max_events, start)

    return _lazy(build)


@st.composite
def _account_strategy(
    draw: st.DrawFn,
    state: AccountState | None,
    profile: Profile | None,
    uai: Uai | None,
    max_events: int,
    start: dt.datetime,
) -> Account:
    chosen_profile = profile or draw(st.sampled_from(Profile))
    account = Account.open(
        uai or draw(uais()),
        chosen_profile,
        draw(st.integers(1, 9_999_999).map(str)),
        at=start,
    )
    account = attrs.evolve(account, has_aten_credentials=draw(st.booleans()))
    never = state in (AccountState.NOT_ACTIVATED, AccountState.NOTIFIED)
    events = _PREFIX_EVENTS_NEVER_ACTIVATED if never else tuple(Event)
    at = start
    for _ in range(draw(st.integers(0, max_events))):
        at += draw(st.timedeltas(dt.timedelta(minutes=1), dt.timedelta(days=60)))
        event = draw(st.sampled_from(events))
        account = _try(draw, account, event, at)
    if state is not None:
        for _ in range(6):
            if account.state is state:
                break
            at += draw(st.timedeltas(dt.timedelta(minutes=1), dt.timedelta(days=2)))
            account = _steer(draw, account, state, at)
        if account.state is not state:  # pragma: no cover - the steering table is total
            raise AssertionError(f"accounts: could not reach {state} from {account.state}")
    return account


def _try(draw: st.DrawFn, account: Account, event: Event, at: dt.datetime) -> Account:
    """Apply ``event`` with drawn arguments; an event the machine refuses is skipped."""
    route = draw(st.sampled_from(Route.for_profile(account.profile)))
    credential = _credential_on(draw, at.date())
    try:
        return account.apply(event, at, route=route, credential=credential, reason=draw(_REASONS))
    except ActionRefused:
        return account


_FAKE_HASHES = st.binary(min_size=8, max_size=8).map(lambda b: "fake$" + b.hex())
_CHANNELS = st.sampled_from(("paper", "email"))


def _credential_on(draw: st.DrawFn, day: dt.date) -> ProvisionalCredential:
    return ProvisionalCredential.issue(draw(_FAKE_HASHES), day, channel=draw(_CHANNELS))


_REASONS = st.sampled_from(("student_left", "not_legal_representative", "school_decision"))


def _steer(draw: st.DrawFn, account: Account, target: AccountState, at: dt.datetime) -> Account:
    """One legal event that brings ``account`` closer to ``target``."""
    s = AccountState
    current = account.state
    credential = _credential_on(draw, at.date())
    if target is s.DEACTIVATED:
        return account.apply(Event.DEACTIVATE, at, reason=draw(_REASONS))
    if current is s.DEACTIVATED:
        return account.apply(Event.REACTIVATE, at)
    if target is s.NOT_ACTIVATED:  # current is NOTIFIED
        return account.apply(Event.DEACTIVATE, at, reason=draw(_REASONS))
    if current is s.NOT_ACTIVATED:
        if target is s.NOTIFIED or draw(st.booleans()):
            return account.apply(Event.NOTIFY, at, credential=credential)
        direct = [r for r in Route.for_profile(account.profile) if not r.provisional]
        return account.apply(Event.ACTIVATE, at, route=draw(st.sampled_from(direct)))
    if current is s.NOTIFIED:
        if not account.credential_valid_on(at.date()):
            return account.apply(Event.NOTIFY, at, credential=credential)
        route = draw(st.sampled_from(Route.for_profile(account.profile)))
        return account.apply(Event.ACTIVATE, at, route=route)
    if current is s.ACTIVATED:  # target is PASSWORD_RESET
        return account.apply(Event.RESET_PASSWORD, at, credential=credential)
    return account.apply(Event.PASSWORD_CHANGED, at)  # PASSWORD_RESET -> ACTIVATED


# --- what a store must keep ----------------------------------------------------------------
# Wilder than the records above: any text, invalid values, every optional field
# absent or present. The storage contract round-trips them.


_TEXT: Final = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0x2FFF),
    max_size=12,
)
_IDS: Final = st.text(alphabet="0123456789ABCDEF", min_size=1, max_size=10)
_TZ: Final = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=1))])
_DATETIMES: Final = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2040, 1, 1), timezones=_TZ
)
_DATES: Final = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1))


def _invalid(code: str) -> st.SearchStrategy[Invalid]:
    return st.builds(Invalid, raw=_TEXT, code=st.just(code), reason=_TEXT)


_EMAILS: Final = st.builds(
    lambda user, domain: EmailAddress(f"{user}@{domain}"),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.", min_size=1, max_size=10),
    st.sampled_from(["example.org", "exemple.fr", "ac-test.fr"]),
)
_MOBILES: Final = st.integers(600_000_000, 799_999_999).map(lambda n: MobilePhone(f"+33{n}"))


def _maybe(
    valid: st.SearchStrategy[Any], code: str
) -> st.SearchStrategy[Any]:  # value, Invalid or None
    return st.none() | valid | _invalid(code)


_NAMES: Final = st.builds(PersonName, last=_TEXT, first=_TEXT, family=st.just("") | _TEXT)


def stored_eleves(ids: st.SearchStrategy[str] = _IDS) -> st.SearchStrategy[Eleve]:
    return st.builds(
        Eleve,
        eleve_id=ids,
        name=_NAMES,
        birth_date=_maybe(
            st.dates(dt.date(1990, 1, 1), dt.date(2022, 1, 1)).map(BirthDate),
            "INVALID_BIRTH_DATE",
        ),
        ine=_maybe(
            st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=11, max_size=11).map(
                Ine
            ),
            "INVALID",
        ),
        division=st.none() | st.sampled_from(["6A", "6B", "5A", "3ÈME B", "TLE 2"]),
        mef=st.none() | st.text(alphabet="0123456789", min_size=11, max_size=11),
        status=st.sampled_from(StudentStatus),
        left_on=st.none() | _DATES,
        email=_maybe(_EMAILS, "INVALID_EMAIL"),
        mobile=_maybe(_MOBILES, "NOT_A_MOBILE"),
    )


def stored_responsables(ids: st.SearchStrategy[str] = _IDS) -> st.SearchStrategy[Responsable]:
    return st.builds(
        Responsable,
        personne_id=ids,
        name=_NAMES,
        civilite=st.none() | st.sampled_from(["M.", "MME"]),
        mobile=_maybe(_MOBILES, "NOT_A_MOBILE"),
        email=_maybe(_EMAILS, "INVALID_EMAIL"),
    )


def stored_schools(uai: st.SearchStrategy[Uai] | None = None) -> st.SearchStrategy[School]:
    return st.builds(
        School,
        uai=uai if uai is not None else uais(),
        school_year=st.integers(2000, 2040),
        exported_at=st.none() | _DATETIMES,
        degree=st.sampled_from(Degree),
        name=st.none() | _TEXT,
    )


_CREDENTIALS: Final = st.builds(
    ProvisionalCredential.issue,
    password_hash=st.text(alphabet="abcdef0123456789$:", min_size=1, max_size=40),
    document_date=_DATES,
    channel=st.none() | st.sampled_from(["paper", "email"]),
)


def stored_accounts(
    uai: st.SearchStrategy[Uai] | None = None, siecle_ids: st.SearchStrategy[str] = _IDS
) -> st.SearchStrategy[Account]:
    """Accounts with every field drawn (at version 0: not stored yet)."""
    return st.builds(
        Account,
        uai=uai if uai is not None else uais(),
        profile=st.sampled_from(Profile),
        siecle_id=siecle_ids,
        identifier=st.none()
        | st.text(alphabet="abcdefghijklmnopqrstuvwxyz.0123456789", min_size=3),
        state=st.sampled_from(AccountState),
        route=st.none() | st.sampled_from(Route),
        credential=st.none() | _CREDENTIALS,
        created_at=st.none() | _DATETIMES,
        activated_at=st.none() | _DATETIMES,
        deactivated_at=st.none() | _DATETIMES,
        deactivation_reason=st.none() | _TEXT,
        email=st.none() | _EMAILS,
        has_aten_credentials=st.booleans(),
        version=st.just(0),
    )


def audit_events(
    *, account_ids: st.SearchStrategy[str | None] | None = None
) -> st.SearchStrategy[AuditEvent]:
    """Audit events (the store gives them their ``event_id``)."""
    return st.builds(
        AuditEvent,
        at=_DATETIMES,
        actor_id=st.sampled_from(["chef.1", "adjoint.2", "deleg.3"]),
        role=st.sampled_from(["head", "deputy", "delegate"]),
        access=st.sampled_from(["otp", "admin_network"]),
        action=st.sampled_from(["notify", "deactivate", "reset_password"]),
        outcome=st.sampled_from(Outcome),
        account_id=account_ids if account_ids is not None else st.none() | _IDS,
        uai=st.none() | st.just("0990007V"),
        reason=st.none() | _TEXT,
        event_id=st.none(),
    )


def delivery_records(
    *, account_ids: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[DeliveryRecord]:
    """Deliveries of a notification through a channel, delivered or not."""
    return st.builds(
        DeliveryRecord,
        account_id=account_ids if account_ids is not None else _IDS,
        channel=st.sampled_from(["paper", "email", "sms"]),
        at=_DATETIMES,
        delivered=st.booleans(),
        reason=st.none() | _TEXT,
        document_date=st.none() | _DATES,
        batch_id=st.none() | _IDS,
    )


def snapshots(*, account_id: str | None = None) -> st.SearchStrategy[EligibilitySnapshot]:
    """Eligibility snapshots: any blocker codes on any route (of ``account_id``)."""
    return st.builds(
        EligibilitySnapshot,
        account_id=st.just(account_id) if account_id is not None else _IDS,
        routes=st.fixed_dictionaries(
            {r: st.frozensets(st.sampled_from(BlockerCode), max_size=3) for r in Route}
        ),
        divisions=st.lists(st.sampled_from(["6A", "6B", "5A", "3ÈME B"]), max_size=2),
        name_key=st.sampled_from(["", "DUPRE ZOE", "MARTIN LEA", "N'DIAYE AMINATA"]),
        computed_at=st.none() | _DATETIMES,
    )
