"""What the reading screens show, for every front end (the CLI, the web module).

* :func:`gather` computes a school's :class:`Figures` (``educonnect stats``,
  ``educonnect report``, the web dashboard) from the store's statistics and
  counts; nothing loads every account.
* :func:`person_of` finds the source record behind an account.
* :func:`readable_profiles` says which accounts a session may read, by
  :func:`~educonnect_core.permissions.authorize_read` (reading one account, and
  auditing it, is :mod:`educonnect_core.consulting`'s).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Final

import attrs

from .accounts import Account
from .blockers import CATALOGUE, BlockerCode, FixLocation
from .eligibility import Child
from .errors import NotFound, PermissionDenied
from .observed_activity import DORMANT_AFTER, ObservedActivity, observed_activity
from .origins import SIECLE, DataOrigin
from .people import Eleve, Profile, Responsable, School
from .permissions import authorize_read
from .persons import PersonStatistics, load_persons
from .routes import Route
from .service import Session
from .states import AccountState
from .storage import AppliedExport, Statistics, UnitOfWork
from .values import Uai, as_uai

__all__ = [
    "ACTIVATED",
    "ClassFigures",
    "Figures",
    "Person",
    "export_counts",
    "gather",
    "may_read",
    "person_of",
    "readable_profiles",
]

#: States counted as activated in the rates.
ACTIVATED: Final = (AccountState.ACTIVATED, AccountState.PASSWORD_RESET)


@attrs.frozen
class ClassFigures:
    """One class (division): accounts by state and the activation rate."""

    division: str
    by_state: Mapping[AccountState, int]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def activated(self) -> int:
        return sum(self.by_state.get(s, 0) for s in ACTIVATED)

    @property
    def active(self) -> int:
        """Accounts not deactivated: the denominator of the rate."""
        return self.total - self.by_state.get(AccountState.DEACTIVATED, 0)

    @property
    def rate(self) -> float | None:
        return self.activated / self.active if self.active else None


@attrs.frozen
class Figures:
    """Everything ``stats`` prints, ``report`` draws and the dashboard shows."""

    #: ``None`` for the figures of every school of the store
    school: School | None
    statistics: Statistics
    classes: tuple[ClassFigures, ...]
    #: accounts still to activate (not activated, notified) with no open route
    #: (``None`` over every school: not computed)
    blocked_to_activate: int | None
    #: the exports the synchronisation applied to the school, oldest first
    exports: tuple[AppliedExport, ...] = ()
    #: what the sign-ins say (one school, when a time is given to :func:`gather`)
    observed: ObservedActivity | None = None
    #: persons (one per grouped person, ``docs/explanation/persons.md``) with a
    #: record at the school (every school: ``None`` school); their state counts
    #: every school
    persons: PersonStatistics | None = None

    @property
    def origin(self) -> DataOrigin:
        """Where the school's data are fixed (remedies name it); SIECLE's wording
        over every school."""
        return self.school.data_origin if self.school is not None else SIECLE

    @property
    def by_route(self) -> Mapping[Route, int]:
        return {r: self.statistics.by_route.get(r, 0) for r in Route}

    @property
    def blockers(self) -> Mapping[BlockerCode, int]:
        """Codes something can be done about (not ``NOWHERE``), most frequent first."""
        counts = {
            code: n
            for code, n in self.statistics.blocked_by_code.items()
            if n and CATALOGUE[code].fix_in is not FixLocation.NOWHERE
        }
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0].value)))

    def profile_total(self, profile: Profile) -> int:
        return sum(n for (p, _), n in self.statistics.by_profile_state.items() if p is profile)

    def profile_activated(self, profile: Profile) -> int:
        return sum(self.statistics.by_profile_state.get((profile, s), 0) for s in ACTIVATED)


def gather(
    uow: UnitOfWork,
    school: School | None,
    at: dt.datetime | None = None,
    *,
    dormant_after: dt.timedelta = DORMANT_AFTER,
) -> Figures:
    """The figures of ``school`` (``None``: every school of the store), from the
    store's statistics and counts; with ``at``, the observed activity too
    (dormant: not seen for longer than ``dormant_after``)."""
    uai = school.uai if school is not None else None
    stats = uow.accounts.statistics(uai)
    per_class: dict[str, dict[AccountState, int]] = {}
    for (division, state), n in stats.by_division_state.items():
        per_class.setdefault(division, {})[state] = n
    classes = tuple(ClassFigures(d, per_class[d]) for d in sorted(per_class, key=_class_key))
    exports: tuple[AppliedExport, ...] = ()
    observed = None
    if school is not None:
        exports = tuple(uow.exports.effective_after(school.uai, _EPOCH))
        if at is not None:
            observed = observed_activity(uow, school.uai, at, dormant_after=dormant_after)
    persons = load_persons(uow).statistics(uai)
    return Figures(school, stats, classes, stats.blocked, exports, observed, persons)


_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def export_counts(export: AppliedExport) -> dict[str, int]:
    """The change counts the synchronisation wrote in ``summary`` (JSON), if readable."""
    try:
        counts = json.loads(export.summary) if export.summary else {}
    except ValueError:
        return {}
    if not isinstance(counts, dict):
        return {}
    return {str(k): v for k, v in counts.items() if isinstance(v, int)}


def _class_key(division: str) -> tuple[str, str]:
    return (division.upper().replace(" ", ""), division)


@attrs.frozen
class Person:
    """The source record behind an account, and a responsable's children."""

    record: Eleve | Responsable
    children: tuple[Child, ...] = ()

    @property
    def name(self) -> str:
        return str(self.record.name)


def person_of(uow: UnitOfWork, account: Account) -> Person | None:
    """The stored source data of ``account``'s person (``None`` if not stored)."""
    try:
        if account.profile is Profile.ELEVE:
            return Person(uow.people.get_eleve(account.uai, account.siecle_id))
        record = uow.people.get_responsable(account.uai, account.siecle_id)
    except NotFound:
        return None
    return Person(record, tuple(uow.people.children(account.uai, account.siecle_id)))


def may_read(session: Session, uai: Uai | str, profile: Profile, at: dt.datetime) -> bool:
    """Whether ``session`` may read the accounts of ``profile`` at school ``uai``
    (:func:`~educonnect_core.permissions.authorize_read`: school, profile, access
    context, delegation in force), decided without any account."""
    try:
        authorize_read(
            session.actor, session.access, uai=as_uai(uai, "uai"), profile=profile, at=at
        )
    except PermissionDenied:
        return False
    return True


def readable_profiles(session: Session, at: dt.datetime) -> frozenset[Profile]:
    """The profiles of its own school's accounts ``session`` may read (:func:`may_read`)."""
    uai = session.actor.uai
    if uai is None:
        return frozenset()
    return frozenset(p for p in Profile if may_read(session, uai, p, at))
