"""The flat row codecs of the SQL stores (SQLite, PostgreSQL): one tuple of
str/int/None per object, in column order, and the column lists ``*_COLUMNS``.
They are the hot path of bulk loads. The masks of a snapshot follow the
versioned bit positions of :mod:`educonnect_adapters.sql.masks`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Final

from educonnect_core.accounts import Account, ProvisionalCredential
from educonnect_core.audit import AuditEvent, Outcome
from educonnect_core.deliveries import DeliveryRecord
from educonnect_core.people import Profile
from educonnect_core.routes import Route
from educonnect_core.states import AccountState
from educonnect_core.storage import EligibilitySnapshot
from educonnect_core.values import EmailAddress, Uai

from .masks import CODE_BITS, ROUTE_BITS, codes_mask

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
    "snapshot_from_row",
    "snapshot_row",
]

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
_codes_mask: Final = codes_mask


def snapshot_row(s: EligibilitySnapshot) -> Row:
    """The :data:`SNAPSHOT_COLUMNS` of a snapshot: the eligible-routes and blocker-codes
    masks, each route's codes mask (comma-separated, in bit order), the
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
