"""Serialization of domain objects to JSON-ready data, kept out of the model.

:func:`make_converter` returns a cattrs converter that turns the value objects
into their canonical strings (``Uai`` → ``"0990007V"``, ``BirthDate`` → ISO
date), an :class:`~educonnect_core.values.Invalid` into ``{"raw", "code",
"reason"}``, dates and datetimes into ISO strings, and enums into their values.
``converter.structure(converter.unstructure(x), type(x)) == x`` for every
domain object; :func:`dumps` and :func:`loads` wrap it with JSON.

The flat row codecs (``account_row``, ``snapshot_row``, ``audit_row``,
``delivery_row`` and their inverses, with the column lists ``*_COLUMNS``) are
shared by the SQL backends: one tuple of str/int/None per object, in column
order; they are the hot path of bulk loads.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs
import cattrs

from .accounts import Account, ProvisionalCredential
from .audit import AuditEvent, Outcome
from .blockers import BlockerCode
from .deliveries import DeliveryRecord
from .people import Eleve, Profile, Responsable, StudentStatus
from .routes import Route
from .states import AccountState
from .storage import CODE_BITS, ROUTE_BITS, EligibilitySnapshot
from .values import BirthDate, EmailAddress, Ine, Invalid, MobilePhone, PersonName, Uai

__all__ = [
    "ACCOUNT_COLUMNS",
    "AUDIT_COLUMNS",
    "DELIVERY_COLUMNS",
    "SNAPSHOT_COLUMNS",
    "account_from_row",
    "account_row",
    "at_key",
    "audit_from_row",
    "audit_row",
    "delivery_from_row",
    "delivery_row",
    "dumps",
    "loads",
    "make_converter",
    "snapshot_from_row",
    "snapshot_row",
]

T = TypeVar("T")

#: value objects stored as their canonical string: (class, to string, from string)
_STRING_VALUES: Final[tuple[tuple[type[Any], Callable[[Any], str], Callable[[str], Any]], ...]] = (
    (Uai, lambda v: v.value, Uai),
    (Ine, lambda v: v.value, Ine),
    (MobilePhone, lambda v: v.e164, MobilePhone),
    (EmailAddress, lambda v: v.value, EmailAddress),
    (BirthDate, lambda v: v.value.isoformat(), lambda s: BirthDate(dt.date.fromisoformat(s))),
)


def _is_value_or_invalid(tp: Any) -> bool:
    """``X | Invalid`` or ``X | Invalid | None`` for a string value object ``X``."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return False
    args = set(typing.get_args(tp)) - {type(None)}
    return Invalid in args and len(args) == 2


def _from_string(load: Callable[[str], Any]) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        return load(value)

    return structure


def make_converter() -> cattrs.Converter:
    """A fresh converter for every domain object of :mod:`educonnect_core`."""
    conv = cattrs.Converter()
    conv.register_unstructure_hook(dt.datetime, lambda d: d.isoformat())
    conv.register_structure_hook(dt.datetime, lambda s, _: dt.datetime.fromisoformat(s))
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_structure_hook(dt.date, lambda s, _: dt.date.fromisoformat(s))
    builders: dict[type[Any], Callable[[str], Any]] = {}
    for cls, dump, load in _STRING_VALUES:
        conv.register_unstructure_hook(cls, dump)
        conv.register_structure_hook(cls, _from_string(load))
        builders[cls] = load

    def structure_union(value: Any, tp: Any) -> Any:
        if value is None:
            if type(None) not in typing.get_args(tp):
                raise ValueError(f"{tp}: None is not allowed")
            return None
        if isinstance(value, dict):
            return Invalid(raw=value["raw"], code=value["code"], reason=value["reason"])
        (cls,) = set(typing.get_args(tp)) - {type(None), Invalid}
        return builders[cls](value)

    def unstructure_union(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Invalid):
            return {"raw": value.raw, "code": value.code, "reason": value.reason}
        return conv.unstructure(value)

    conv.register_structure_hook_func(_is_value_or_invalid, structure_union)
    conv.register_unstructure_hook_func(_is_value_or_invalid, unstructure_union)
    return conv


_CONVERTER: Final = make_converter()


def dumps(obj: object) -> str:
    """Compact JSON of a domain object (keys sorted: equal objects, equal text)."""
    fast = _FAST_DUMPS.get(type(obj))
    if fast is not None:
        try:
            return fast(obj)
        except (_Unusual, KeyError, TypeError, AttributeError):
            pass  # the generic path gives the text, or the error
    return json.dumps(
        _CONVERTER.unstructure(obj), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )


# --------------------------------------------------------------------------- fast dumps
# Students and responsables are written (and compared as text by the sync) by the
# hundred thousand: these encoders give exactly the text of the generic path above
# (proven by a Hypothesis test), several times faster: each field is encoded by its
# value's type, as the generic path dispatches. Anything unusual (a type not listed)
# falls back to the generic path.


class _Unusual(Exception):
    """A value the fast encoders do not handle."""


_quote: Final = json.encoder.encode_basestring  # as json.dumps(ensure_ascii=False); str only


def _null(value: None) -> str:
    return "null"


def _invalid(value: Invalid) -> str:
    return (
        f'{{"code":{_quote(value.code)},"raw":{_quote(value.raw)},"reason":{_quote(value.reason)}}}'
    )


def _birth(value: BirthDate) -> str:
    return _quote(value.value.isoformat())


def _value(value: Ine | EmailAddress) -> str:
    return _quote(value.value)


def _e164(value: MobilePhone) -> str:
    return _quote(value.e164)


#: a field's JSON by the value's own type, as the generic path dispatches (else KeyError)
_FIELD: Final[dict[type[Any], Callable[[Any], str]]] = {
    type(None): _null,
    str: _quote,
    Invalid: _invalid,
    BirthDate: _birth,
    Ine: _value,
    EmailAddress: _value,
    MobilePhone: _e164,
}


def _name(name: PersonName) -> str:
    if type(name) is not PersonName:
        raise _Unusual
    return f'{{"first":{_quote(name.first)},"last":{_quote(name.last)}}}'


def _dump_eleve(e: Eleve) -> str:
    f, left, status = _FIELD, e.left_on, e.status
    if type(status) is not StudentStatus:
        raise _Unusual
    return (
        f'{{"birth_date":{f[type(e.birth_date)](e.birth_date)},'
        f'"division":{f[type(e.division)](e.division)},"eleve_id":{_quote(e.eleve_id)},'
        f'"email":{f[type(e.email)](e.email)},"ine":{f[type(e.ine)](e.ine)},'
        f'"left_on":{"null" if left is None else _quote(left.isoformat())},'
        f'"mef":{f[type(e.mef)](e.mef)},"mobile":{f[type(e.mobile)](e.mobile)},'
        f'"name":{_name(e.name)},"status":{_quote(status._value_)}}}'
    )


def _dump_responsable(r: Responsable) -> str:
    f = _FIELD
    return (
        f'{{"civilite":{f[type(r.civilite)](r.civilite)},"email":{f[type(r.email)](r.email)},'
        f'"mobile":{f[type(r.mobile)](r.mobile)},"name":{_name(r.name)},'
        f'"personne_id":{_quote(r.personne_id)}}}'
    )


def _fields_are(cls: type[Any], *names: str) -> bool:
    return tuple(sorted(f.name for f in attrs.fields(cls))) == names


# used only while the classes have exactly the fields the encoders write
_FAST_DUMPS: Final[dict[type[Any], Callable[[Any], str]]] = {
    cls: encoder
    for cls, encoder, names in (
        (
            Eleve,
            _dump_eleve,
            (
                "birth_date",
                "division",
                "eleve_id",
                "email",
                "ine",
                "left_on",
                "mef",
                "mobile",
                "name",
                "status",
            ),
        ),
        (Responsable, _dump_responsable, ("civilite", "email", "mobile", "name", "personne_id")),
    )
    if _fields_are(cls, *names) and _fields_are(PersonName, "first", "last")
}


def loads(text: str | bytes, cls: type[T]) -> T:
    """The domain object of type ``cls`` from :func:`dumps` output."""
    return _CONVERTER.structure(json.loads(text), cls)


# ----------------------------------------------------------------------------- flat rows
# Column layouts shared by SQL backends (tuples of str/int/None, in column order).

Row = tuple[Any, ...]

ACCOUNT_COLUMNS: Final = (
    "account_id",
    "uai",
    "profile",
    "siecle_id",
    "identifier",
    "state",
    "route",
    "credential_hash",
    "credential_document_date",
    "credential_valid_until",
    "credential_channel",
    "created_at",
    "activated_at",
    "deactivated_at",
    "deactivation_reason",
    "email",
    "has_aten",
    "version",
)
SNAPSHOT_COLUMNS: Final = (
    "eligible_mask",
    "blocker_mask",
    "routes",
    "division",
    "more_divisions",
    "name_key",
    "snapshot_at",
)
AUDIT_COLUMNS: Final = (
    "event_id",
    "at",
    "at_key",
    "actor_id",
    "role",
    "access",
    "action",
    "outcome",
    "account_id",
    "uai",
    "reason",
)
DELIVERY_COLUMNS: Final = (
    "account_id",
    "channel",
    "at",
    "at_key",
    "delivered",
    "reason",
    "document_date",
    "batch_id",
)


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _datetime(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def at_key(moment: dt.datetime) -> int:
    """Microseconds since the epoch (naive datetimes read as UTC): a sort key."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


_PROFILES: Final = {p: (p.value, "E-" if p is Profile.ELEVE else "R-") for p in Profile}
_STATES: Final = {s: s.value for s in AccountState}
_ROUTES: Final = {r: r.value for r in Route}
_NO_CREDENTIAL: Final = (None, None, None, None)


def account_row(a: Account, version: int | None = None) -> Row:
    """The :data:`ACCOUNT_COLUMNS` of an account (``has_aten`` as 0/1), with
    ``version`` in place of the account's when given. Hot path of bulk loads."""
    c = a.credential
    uai = a.uai.value
    profile, prefix = _PROFILES[a.profile]
    route = a.route
    created, activated, deactivated = a.created_at, a.activated_at, a.deactivated_at
    email = a.email
    credential = (
        _NO_CREDENTIAL
        if c is None
        else (c.password_hash, c.document_date.isoformat(), c.valid_until.isoformat(), c.channel)
    )
    return (
        f"{prefix}{uai}-{a.siecle_id}",
        uai,
        profile,
        a.siecle_id,
        a.identifier,
        _STATES[a.state],
        None if route is None else _ROUTES[route],
        *credential,
        None if created is None else created.isoformat(),
        None if activated is None else activated.isoformat(),
        None if deactivated is None else deactivated.isoformat(),
        a.deactivation_reason,
        None if email is None else email.value,
        1 if a.has_aten_credentials else 0,
        a.version if version is None else version,
    )


def account_from_row(r: Row) -> Account:
    """The inverse of :func:`account_row` (values read back from the columns)."""
    credential = None
    if r[7] is not None:
        credential = ProvisionalCredential(
            password_hash=r[7],
            document_date=dt.date.fromisoformat(r[8]),
            valid_until=dt.date.fromisoformat(r[9]),
            channel=r[10],
        )
    return Account(
        uai=Uai(r[1]),
        profile=Profile(r[2]),
        siecle_id=r[3],
        identifier=r[4],
        state=AccountState(r[5]),
        route=None if r[6] is None else Route(r[6]),
        credential=credential,
        created_at=_datetime(r[11]),
        activated_at=_datetime(r[12]),
        deactivated_at=_datetime(r[13]),
        deactivation_reason=r[14],
        email=None if r[15] is None else EmailAddress(r[15]),
        has_aten_credentials=bool(r[16]),
        version=r[17],
    )


_ROUTE_ORDER: Final = tuple(ROUTE_BITS.items())
_CODES_BY_BIT: Final = tuple(CODE_BITS.items())


def _codes_mask(codes: frozenset[BlockerCode]) -> int:
    mask = 0
    for code in codes:
        mask |= CODE_BITS[code]
    return mask


def snapshot_row(s: EligibilitySnapshot) -> Row:
    """The :data:`SNAPSHOT_COLUMNS` of a snapshot: the eligible-routes and blocker-codes
    masks, each route's codes mask (comma-separated, in :class:`Route` order), the
    first class, the other classes as a JSON array (``None`` if none), the name key."""
    eligible = blockers = 0
    parts = []
    routes = s.routes
    for route, bit in _ROUTE_ORDER:
        mask = _codes_mask(routes[route])
        if not mask:
            eligible |= bit
        blockers |= mask
        parts.append(str(mask))
    divisions = s.divisions
    computed = s.computed_at
    return (
        eligible,
        blockers,
        ",".join(parts),
        divisions[0] if divisions else None,
        json.dumps(divisions[1:], ensure_ascii=False) if len(divisions) > 1 else None,
        s.name_key,
        None if computed is None else computed.isoformat(),
    )


def snapshot_from_row(account_id: str, r: Row) -> EligibilitySnapshot | None:
    """The inverse of :func:`snapshot_row`; ``None`` when the columns are empty."""
    if r[0] is None:
        return None
    masks = [int(m) for m in r[2].split(",")]
    routes = {
        route: frozenset(code for code, bit in _CODES_BY_BIT if mask & bit)
        for (route, _), mask in zip(_ROUTE_ORDER, masks, strict=True)
    }
    divisions = ([r[3]] if r[3] is not None else []) + (json.loads(r[4]) if r[4] else [])
    return EligibilitySnapshot(
        account_id=account_id,
        routes=routes,
        divisions=tuple(divisions),
        name_key=r[5] or "",
        computed_at=_datetime(r[6]),
    )


def audit_row(e: AuditEvent) -> Row:
    """The :data:`AUDIT_COLUMNS` of an event (``event_id`` must be set)."""
    return (
        e.event_id,
        e.at.isoformat(),
        at_key(e.at),
        e.actor_id,
        e.role,
        e.access,
        e.action,
        e.outcome.value,
        e.account_id,
        e.uai,
        e.reason,
    )


def audit_from_row(r: Row) -> AuditEvent:
    return AuditEvent(
        event_id=r[0],
        at=dt.datetime.fromisoformat(r[1]),
        actor_id=r[3],
        role=r[4],
        access=r[5],
        action=r[6],
        outcome=Outcome(r[7]),
        account_id=r[8],
        uai=r[9],
        reason=r[10],
    )


def delivery_row(d: DeliveryRecord) -> Row:
    return (
        d.account_id,
        d.channel,
        d.at.isoformat(),
        at_key(d.at),
        int(d.delivered),
        d.reason,
        _iso(d.document_date),
        d.batch_id,
    )


def delivery_from_row(r: Row) -> DeliveryRecord:
    return DeliveryRecord(
        account_id=r[0],
        channel=r[1],
        at=dt.datetime.fromisoformat(r[2]),
        delivered=bool(r[4]),
        reason=r[5],
        document_date=_date(r[6]),
        batch_id=r[7],
    )
