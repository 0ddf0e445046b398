"""One EduConnect sign-in, as a service behind EduConnect receives it.

A service that accepts EduConnect sign-in (an ENT, a school-life application)
gets, for every successful sign-in, a SAML attribute statement or OIDC userinfo
claims naming the person (domain reference §10). Its own SAML or OIDC library
validates the message (signature, audience, expiry); this module only reads the
attributes it hands over:

* :meth:`SignIn.from_saml` takes a mapping of attribute name to values, the
  names being the OIDs (``urn:oid:1.3.6.1.4.1.20326.10.999.1.57``) or the
  friendly names (``FrEduCtId``);
* :meth:`SignIn.from_oidc` takes the userinfo claims (friendly names, a value
  or an array of values).

Validation is strict: a malformed value raises
:class:`~educonnect_core.errors.InvalidValue` naming the attribute. Attributes
this module does not know are kept aside in :attr:`SignIn.unknown`, never
fatal. A successful sign-in proves that the account is active.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final, Self, TypeVar
from zoneinfo import ZoneInfo

import attrs

from .errors import InvalidValue
from .people import Degree, Profile
from .values import BirthDate, Ine, Uai, clean_text

__all__ = [
    "ATTRIBUTES",
    "Affiliation",
    "ChildClaim",
    "SignIn",
    "attribute_name",
]

V = TypeVar("V", Uai, Ine)

_OID: Final = "urn:oid:1.3.6.1.4.1.20326.10.999.1."

#: friendly name → OID of the attributes read (domain reference §10)
ATTRIBUTES: Final[Mapping[str, str]] = {
    "FrEduCtDateConnexion": _OID + "6",
    "FrEduCtPersonAffiliation": _OID + "7",
    "FrEduCtId": _OID + "57",
    "FrEduCtEleveINEHash": _OID + "64",
    "FrEduCtDateNaissance": _OID + "67",
    "FrEduCtEleveUAI": _OID + "72",
    "FrEduCtEleveNiveau": _OID + "73",
    "FrEduCtCivilite": _OID + "76",
    "givenName": "urn:oid:2.5.4.42",
    "sn": "urn:oid:2.5.4.4",
    # OIDC only: the INE in clear (SAML gives its hash)
    "FrEduCtEleveINE": "",
    # the legacy ATEN vector, one value per child
    "FrEduVecteur": "",
}
_BY_OID: Final = {oid: name for name, oid in ATTRIBUTES.items() if oid}
_BY_OID.update({oid.removeprefix("urn:oid:"): name for oid, name in list(_BY_OID.items())})
_PARIS: Final = ZoneInfo("Europe/Paris")
_CT_ID: Final = re.compile(r"[0-9a-fA-F]{96}")
_INE_HASH: Final = re.compile(r"[0-9A-Za-z+/=_-]{32}")
_NIVEAU: Final = re.compile(r"[0-9A-Z]{1,8}")
_CONNEXION: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?"
)
#: the latest sign-in time accepted: a sign-in is never dated beyond the year 2999
_LAST_YEAR: Final = 2999


def attribute_name(name: str) -> str | None:
    """The friendly name of a SAML attribute given by OID or friendly name."""
    if name in ATTRIBUTES:
        return name
    return _BY_OID.get(name)


class Affiliation(enum.Enum):
    """``FrEduCtPersonAffiliation``: profile and degree of the person signing in."""

    ELEVE_1D = "eleve1d"
    ELEVE_2D = "eleve2d"
    RESP_1D = "resp1d"
    RESP_2D = "resp2d"

    @property
    def profile(self) -> Profile:
        return Profile.ELEVE if self.value.startswith("eleve") else Profile.RESPONSABLE

    @property
    def degree(self) -> Degree:
        return Degree.FIRST if self.value.endswith("1d") else Degree.SECOND


@attrs.frozen
class ChildClaim:
    """A student the sign-in names: the student themself, or a responsable's child.

    Any of the keys may be missing; a match needs the UAI and one of the others
    (see :mod:`educonnect_core.signin_matching`)."""

    uai: Uai | None = None
    ine: Ine | None = None
    ine_hash: str | None = None
    #: the school's own student key (``ELEVE_ID``), from the legacy vector
    eleve_id: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    niveau: str | None = None


def _single(name: str, values: Sequence[str]) -> str | None:
    if not values:
        return None
    if len(values) > 1 and len(set(values)) > 1:
        raise InvalidValue(name, list(values), "expected a single value")
    return clean_text(values[0]) or None


def _parse(name: str, raw: str, parse: Callable[[str], V]) -> V:
    try:
        return parse(raw)
    except InvalidValue as exc:
        raise InvalidValue(name, raw, exc.reason) from None


def _connexion(raw: str | None) -> dt.datetime | None:
    if raw is None:
        return None
    m = _CONNEXION.fullmatch(raw)
    if m is None:
        raise InvalidValue("FrEduCtDateConnexion", raw, "expected YYYY-MM-DD HH:MM:SS[.fff]")
    year, month, day, hour, minute, second = (int(m[i]) for i in range(1, 7))
    micro = int((m[7] or "0").ljust(6, "0"))
    if not 2000 <= year <= _LAST_YEAR:
        raise InvalidValue(
            "FrEduCtDateConnexion", raw, f"expected a year from 2000 to {_LAST_YEAR}"
        )
    try:
        return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=_PARIS)
    except ValueError as exc:
        raise InvalidValue("FrEduCtDateConnexion", raw, str(exc)) from None


def _birth_date(raw: str | None) -> dt.date | None:
    if raw is None:
        return None
    try:
        return BirthDate.parse(raw).value
    except InvalidValue as exc:
        raise InvalidValue("FrEduCtDateNaissance", raw, exc.reason) from None


def _vector(raw: str) -> ChildClaim:
    """One legacy ``FrEduVecteur`` value: ``profil|nom|prénom|ELEVE_ID|UAI``."""
    parts = raw.split("|")
    if len(parts) != 5 or parts[0] not in {"1", "2", "3", "4"}:
        raise InvalidValue("FrEduVecteur", raw, "expected profil|nom|prénom|ELEVE_ID|UAI")
    _, last, first, eleve_id, uai = (clean_text(p) for p in parts)
    return ChildClaim(
        uai=_parse("FrEduVecteur", uai, Uai.parse) if uai else None,
        eleve_id=eleve_id or None,
        last_name=last or None,
        first_name=first or None,
    )


def _children(values: Mapping[str, Sequence[str]]) -> tuple[ChildClaim, ...]:
    """The students named: legacy vectors first, else the parallel INE/UAI values."""
    if vectors := values.get("FrEduVecteur"):
        return tuple(_vector(v) for v in vectors)
    uais = [_parse("FrEduCtEleveUAI", v, Uai.parse) for v in values.get("FrEduCtEleveUAI", ())]
    ines = [_parse("FrEduCtEleveINE", v, Ine.parse) for v in values.get("FrEduCtEleveINE", ())]
    hashes = [clean_text(v) for v in values.get("FrEduCtEleveINEHash", ())]
    for h in hashes:
        if not _INE_HASH.fullmatch(h):
            raise InvalidValue("FrEduCtEleveINEHash", h, "expected 32 characters")
    niveaux = [clean_text(v) for v in values.get("FrEduCtEleveNiveau", ())]
    for n in niveaux:
        if not _NIVEAU.fullmatch(n):
            raise InvalidValue("FrEduCtEleveNiveau", n, "expected a level code such as 2212")
    keys = ines or hashes
    count = max(len(keys), len(uais))
    if count == 0:
        return ()
    if len(uais) not in (0, 1, count):
        raise InvalidValue(
            "FrEduCtEleveUAI", uais and [str(u) for u in uais], f"expected 1 or {count} values"
        )
    children = []
    for i in range(count):
        children.append(
            ChildClaim(
                uai=(uais[i] if len(uais) == count else uais[0]) if uais else None,
                ine=ines[i] if i < len(ines) else None,
                ine_hash=hashes[i] if i < len(hashes) else None,
                niveau=niveaux[i] if len(niveaux) == count else None,
            )
        )
    return tuple(children)


@attrs.frozen
class SignIn:
    """One successful EduConnect sign-in (see the module docstring)."""

    #: the person's national EduConnect id (96 hexadecimal characters)
    ct_id: str
    affiliation: Affiliation
    last_name: str | None = None
    first_name: str | None = None
    birth_date: dt.date | None = None
    #: when the person signed in (``FrEduCtDateConnexion``, Paris time), if given
    signed_in_at: dt.datetime | None = None
    civilite: str | None = None
    #: the student signing in, or the children of a responsable
    children: tuple[ChildClaim, ...] = ()
    #: attributes not read here, by name, kept aside
    unknown: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, hash=False)

    @property
    def profile(self) -> Profile:
        return self.affiliation.profile

    @property
    def degree(self) -> Degree:
        return self.affiliation.degree

    @classmethod
    def from_saml(cls, attributes: Mapping[str, Iterable[str]]) -> Self:
        """From a SAML attribute statement: name (OID or friendly) → values."""
        values: dict[str, list[str]] = {}
        unknown: dict[str, tuple[str, ...]] = {}
        for name, raw in attributes.items():
            items = [raw] if isinstance(raw, str) else list(raw)
            for item in items:
                if not isinstance(item, str):
                    raise InvalidValue(name, item, "expected text values")
            friendly = attribute_name(name)
            if friendly is None:
                unknown[name] = tuple(items)
            else:
                values.setdefault(friendly, []).extend(items)
        return cls._from_values(values, unknown)

    @classmethod
    def from_oidc(cls, claims: Mapping[str, object]) -> Self:
        """From OIDC userinfo claims (friendly names; a value or an array)."""
        values: dict[str, list[str]] = {}
        unknown: dict[str, tuple[str, ...]] = {}
        for name, raw in claims.items():
            items = list(raw) if isinstance(raw, list | tuple) else [raw]
            texts = []
            for item in items:
                if isinstance(item, bool) or not isinstance(item, str | int):
                    raise InvalidValue(name, item, "expected text values")
                texts.append(str(item))
            if name in ATTRIBUTES:
                values.setdefault(name, []).extend(texts)
            else:
                unknown[name] = tuple(texts)
        return cls._from_values(values, unknown)

    @classmethod
    def _from_values(
        cls, values: Mapping[str, Sequence[str]], unknown: dict[str, tuple[str, ...]]
    ) -> Self:
        ct_id = _single("FrEduCtId", values.get("FrEduCtId", ()))
        if ct_id is None:
            raise InvalidValue("FrEduCtId", None, "the sign-in names no FrEduCtId")
        if not _CT_ID.fullmatch(ct_id):
            raise InvalidValue("FrEduCtId", ct_id, "expected 96 hexadecimal characters")
        raw_affiliation = _single(
            "FrEduCtPersonAffiliation", values.get("FrEduCtPersonAffiliation", ())
        )
        try:
            affiliation = Affiliation((raw_affiliation or "").lower())
        except ValueError:
            raise InvalidValue(
                "FrEduCtPersonAffiliation",
                raw_affiliation,
                "expected eleve1d, eleve2d, resp1d or resp2d",
            ) from None
        children = _children(values)
        if affiliation.profile is Profile.ELEVE and len(children) > 1:
            raise InvalidValue("FrEduCtEleveUAI", len(children), "a student names one school")
        return cls(
            ct_id=ct_id.lower(),
            affiliation=affiliation,
            last_name=_single("sn", values.get("sn", ())),
            first_name=_single("givenName", values.get("givenName", ())),
            birth_date=_birth_date(
                _single("FrEduCtDateNaissance", values.get("FrEduCtDateNaissance", ()))
            ),
            signed_in_at=_connexion(
                _single("FrEduCtDateConnexion", values.get("FrEduCtDateConnexion", ()))
            ),
            civilite=_single("FrEduCtCivilite", values.get("FrEduCtCivilite", ())),
            children=children,
            unknown=unknown,
        )
