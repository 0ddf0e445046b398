"""The person level: one state per grouped person, above the per-school accounts.

:func:`educonnect_core.grouping.group` says which school records are one person;
this module says where that person stands, from the accounts the store keeps
for each record (decisions in ``docs/decisions.md``, explanation in
``docs/explanation/persons.md``):

* a person whose records are all deactivated is ``deactivated``;
* otherwise, a person is ``activated`` as soon as one of their accounts was ever
  activated, at any school (the real account is national: an activation seen at
  one school is the state at the others), ``password_reset`` when a live
  account of theirs is;
* otherwise ``notified`` when a live account holds a letter, else ``not_activated``.

The person's login identifier and route are those of the account activated
first (else of the first account with an identifier). The per-school account
rows are left as they are: they record what happened at that school.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

import attrs

from .accounts import Account
from .grouping import Persons, SchoolRecords, group
from .people import Profile
from .routes import Route
from .states import AccountState
from .storage import UnitOfWork
from .values import Uai, as_optional_uai

__all__ = [
    "ACTIVE_STATES",
    "PersonStatistics",
    "PersonStatus",
    "PersonView",
    "load_persons",
    "person_status",
    "school_records",
]

#: the states of a person who can sign in
ACTIVE_STATES: Final = frozenset({AccountState.ACTIVATED, AccountState.PASSWORD_RESET})

_FAR: Final = dt.datetime.max.replace(tzinfo=dt.UTC)


def _when(moment: dt.datetime | None) -> dt.datetime:
    if moment is None:
        return _FAR
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@attrs.frozen
class PersonStatus:
    """Where one person stands.

    ``activated_account`` is the account whose activation makes the person
    active (the first activated), ``None`` if none was ever activated.
    """

    person_id: str
    profile: Profile
    state: AccountState
    account_ids: tuple[str, ...]
    identifier: str | None = None
    route: Route | None = None
    activated_account: str | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES


def person_status(person_id: str, profile: Profile, accounts: Iterable[Account]) -> PersonStatus:
    """The state of the person holding ``accounts`` (their accounts that exist)."""
    held = sorted(accounts, key=lambda a: a.account_id)
    live = [a for a in held if a.state is not AccountState.DEACTIVATED]
    activated = sorted(
        (a for a in held if a.ever_activated), key=lambda a: (_when(a.activated_at), a.account_id)
    )
    first = activated[0] if activated else None
    if not live:
        state = AccountState.DEACTIVATED if held else AccountState.NOT_ACTIVATED
    elif any(a.state is AccountState.PASSWORD_RESET for a in live):
        state = AccountState.PASSWORD_RESET
    elif first is not None:
        state = AccountState.ACTIVATED
    elif any(a.state is AccountState.NOTIFIED for a in live):
        state = AccountState.NOTIFIED
    else:
        state = AccountState.NOT_ACTIVATED
    with_id = [a for a in held if a.identifier]
    source = first if first is not None and first.identifier else None
    if source is None and with_id:
        source = min(with_id, key=lambda a: (_when(a.created_at), a.account_id))
    return PersonStatus(
        person_id=person_id,
        profile=profile,
        state=state,
        account_ids=tuple(a.account_id for a in held),
        identifier=source.identifier if source is not None else None,
        route=first.route if first is not None else None,
        activated_account=first.account_id if first is not None else None,
    )


@attrs.frozen
class PersonStatistics:
    """Counts by person next to counts by account.

    ``grouped`` counts persons with records at more than one school;
    ``accounts_by_profile`` the per-school accounts behind them; ``candidates``
    the pairs listed for a manual check.
    """

    total: int
    by_profile_state: Mapping[tuple[Profile, AccountState], int]
    accounts_by_profile: Mapping[Profile, int]
    grouped: int
    candidates: int

    def persons(self, profile: Profile, state: AccountState | None = None) -> int:
        return sum(
            n
            for (p, s), n in self.by_profile_state.items()
            if p is profile and (state is None or s is state)
        )

    @property
    def active(self) -> int:
        return sum(n for (_, s), n in self.by_profile_state.items() if s in ACTIVE_STATES)


@attrs.frozen
class PersonView:
    """The persons of the store (or of given schools) with their accounts."""

    persons: Persons
    accounts: Mapping[str, Account] = attrs.field(repr=False)

    def status(self, person_id: str) -> PersonStatus:
        person = next(p for p in self.persons if p.person_id == person_id)
        return person_status(
            person.person_id,
            person.profile,
            (self.accounts[a] for a in person.account_ids if a in self.accounts),
        )

    def status_of_account(self, account_id: str) -> PersonStatus | None:
        """The status of the person holding ``account_id`` (``None``: unknown record)."""
        person = self.persons.of_account(account_id)
        if person is None:
            return None
        return person_status(
            person.person_id,
            person.profile,
            (self.accounts[a] for a in person.account_ids if a in self.accounts),
        )

    def effective_state(self, account_id: str) -> AccountState | None:
        """The state shown for an account: its person's (``None``: no such record)."""
        status = self.status_of_account(account_id)
        return status.state if status is not None else None

    def active_elsewhere(self, account_id: str) -> str | None:
        """The account through which the person holding ``account_id`` is already
        active, when it is another account (at another school), else ``None``."""
        status = self.status_of_account(account_id)
        if status is None or not status.active or status.activated_account == account_id:
            return None
        own = self.accounts.get(account_id)
        if own is not None and own.state in ACTIVE_STATES:
            return None
        return status.activated_account

    def statuses(self, uai: Uai | str | None = None) -> Iterator[PersonStatus]:
        """Every person (with a record at ``uai`` when given), by ``person_id``."""
        uai = as_optional_uai(uai)
        for person in self.persons:
            if uai is not None and uai not in person.schools:
                continue
            yield person_status(
                person.person_id,
                person.profile,
                (self.accounts[a] for a in person.account_ids if a in self.accounts),
            )

    def statistics(self, uai: Uai | str | None = None) -> PersonStatistics:
        """Persons by profile and state; with ``uai``, the persons with a record
        there (their state counts every school)."""
        uai = as_optional_uai(uai)
        by_ps: Counter[tuple[Profile, AccountState]] = Counter()
        by_profile: Counter[Profile] = Counter()
        grouped = 0
        keep: set[str] = set()
        for person in self.persons:
            if uai is not None and uai not in person.schools:
                continue
            held = [a for a in person.account_ids if a in self.accounts]
            if not held:
                continue  # records without accounts (1st-degree students) are not counted
            keep.update(person.account_ids)
            status = person_status(
                person.person_id, person.profile, (self.accounts[a] for a in held)
            )
            by_ps[person.profile, status.state] += 1
            by_profile[person.profile] += len(held)
            grouped += len(person.schools) > 1
        candidates = sum(1 for c in self.persons.candidates if c.first in keep or c.second in keep)
        return PersonStatistics(
            total=sum(by_ps.values()),
            by_profile_state=dict(by_ps),
            accounts_by_profile=dict(by_profile),
            grouped=grouped,
            candidates=candidates,
        )


def school_records(uow: UnitOfWork, uais: Iterable[Uai] | None = None) -> Iterator[SchoolRecords]:
    """The source records of the store's schools (or of ``uais``), as grouping input."""
    schools = {s.uai: s for s in uow.people.schools()}
    for uai in sorted(schools if uais is None else set(uais), key=str):
        school = schools.get(uai)
        if school is None:
            continue
        yield SchoolRecords(
            uai=uai,
            eleves=tuple(uow.people.eleves(uai)),
            responsables=tuple(uow.people.responsables(uai)),
            links=tuple(uow.people.links(uai)),
            degree=school.degree,
        )


def load_persons(uow: UnitOfWork) -> PersonView:
    """Group every school of the store and read the accounts of every record."""
    persons = group(school_records(uow))
    ids = [a for p in persons for a in p.account_ids]
    return PersonView(persons, uow.accounts.get_many(ids))
