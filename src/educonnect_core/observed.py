"""Observed activations: recording EduConnect sign-ins against the store.

A service behind EduConnect hands each successful sign-in over as a
:class:`~educonnect_core.signins.SignIn`. :class:`SignInRecorder` matches it to
the stored accounts (:mod:`educonnect_core.signin_matching`), links the
``FrEduCtId`` to them, records the observation (first and last sign-in seen,
:mod:`educonnect_core.observations`) and moves an account still to activate to
``activated`` (:attr:`~educonnect_core.states.Event.SIGN_IN_OBSERVED`). Every
change is audited with the identity side as actor; a sign-in that changes
nothing (already recorded) writes nothing.

Sign-ins are grouped by ``FrEduCtId`` within a batch and observations merge
by earliest/latest time, so a feed recorded twice, or in another order, leaves
the same accounts and observations (the audit trail, being history, follows the
order of recording).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator
from typing import Final

import attrs

from . import audit
from .accounts import Account
from .actions import Action, Outcome, decide
from .errors import NotFound
from .findings import Finding
from .observations import Observation
from .people import Eleve, Profile, Responsable
from .permissions import authorize
from .ports import Clock
from .service import Session, parse_account_id
from .signin_matching import Match, MatchOutcome, match_sign_in
from .signins import SignIn
from .snapshots import refresh_snapshot
from .states import Event
from .storage import Store, UnitOfWork
from .values import Uai

__all__ = [
    "DEFAULT_BATCH",
    "AccountOutcome",
    "SignInProblem",
    "SignInRecorder",
    "SignInSummary",
    "StoreDirectory",
]

#: Sign-ins recorded per unit of work by :meth:`SignInRecorder.record_many`.
DEFAULT_BATCH: Final = 2_000


class StoreDirectory:
    """The matching :class:`~educonnect_core.signin_matching.Directory` over a unit of work.

    :meth:`prefetch` reads, for a batch of sign-ins, what their claims name with
    one statement per kind (linked ids, students by INE, their legal
    representatives, then the accounts and observations found): matching then
    reads memory. A lookup the prefetch did not cover is read on demand and
    kept. :meth:`observe` and :meth:`updated` keep the cache in step with what
    the batch writes, so a later sign-in of the batch sees an earlier one.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._linked: dict[str, list[str]] = {}
        self._by_ine: dict[str, list[tuple[Uai, Eleve]]] = {}
        self._representatives: dict[tuple[Uai, str], list[Responsable]] = {}
        self._accounts: dict[str, Account | None] = {}
        self._observations: dict[str, Observation | None] = {}

    def prefetch(self, sign_ins: Iterable[SignIn]) -> None:
        claims = list(sign_ins)
        self._load_linked(c.ct_id for c in claims)
        self._load_ines(str(k.ine) for c in claims for k in c.children if k.ine is not None)
        students = {
            (uai, e.eleve_id): c.profile
            for c in claims
            for k in c.children
            if k.ine is not None
            for uai, e in self._by_ine.get(str(k.ine), ())
        }
        self._load_representatives(
            key for key, profile in students.items() if profile is Profile.RESPONSABLE
        )
        ids = {i for c in claims for i in self._linked.get(c.ct_id, ())}
        ids.update(Account.make_id(u, Profile.ELEVE, e) for (u, e) in students)
        ids.update(
            Account.make_id(u, Profile.RESPONSABLE, r.personne_id)
            for (u, _), found in self._representatives.items()
            for r in found
        )
        self._load_accounts(ids)

    def _load_linked(self, ct_ids: Iterable[str]) -> None:
        wanted = [i for i in dict.fromkeys(ct_ids) if i not in self._linked]
        found = self._uow.sign_ins.linked(wanted) if wanted else {}
        self._linked.update((i, found.get(i, [])) for i in wanted)

    def _load_ines(self, ines: Iterable[str]) -> None:
        wanted = [i for i in dict.fromkeys(ines) if i not in self._by_ine]
        found = self._uow.people.eleves_by_ine(wanted) if wanted else {}
        self._by_ine.update((i, found.get(i, [])) for i in wanted)

    def _load_representatives(self, students: Iterable[tuple[Uai, str]]) -> None:
        wanted = [k for k in dict.fromkeys(students) if k not in self._representatives]
        found = self._uow.people.legal_representatives(wanted) if wanted else {}
        self._representatives.update((k, found.get(k, [])) for k in wanted)

    def _load_accounts(self, account_ids: Iterable[str]) -> None:
        wanted = [i for i in dict.fromkeys(account_ids) if i not in self._accounts]
        if not wanted:
            return
        accounts = self._uow.accounts.get_many(wanted)
        observations = self._uow.sign_ins.get_many(wanted)
        for i in wanted:
            self._accounts[i] = accounts.get(i)
            self._observations[i] = observations.get(i)

    def linked(self, ct_id: str) -> list[str]:
        self._load_linked([ct_id])
        return list(self._linked[ct_id])

    def eleves_by_ine(self, ine: str) -> list[tuple[Uai, Eleve]]:
        self._load_ines([ine])
        return list(self._by_ine[ine])

    def eleve(self, uai: Uai, eleve_id: str) -> Eleve | None:
        try:
            return self._uow.people.get_eleve(uai, eleve_id)
        except NotFound:
            return None

    def legal_representatives(self, uai: Uai, eleve_id: str) -> list[Responsable]:
        self._load_representatives([(uai, eleve_id)])
        return list(self._representatives[uai, eleve_id])

    def account(self, account_id: str) -> Account | None:
        self._load_accounts([account_id])
        return self._accounts[account_id]

    def observations(self, account_ids: Iterable[str]) -> dict[str, Observation]:
        """The observations of those accounts that have one."""
        ids = list(account_ids)
        self._load_accounts(ids)
        return {i: o for i in ids if (o := self._observations[i]) is not None}

    def ct_ids_of(self, account_ids: Iterable[str]) -> set[str]:
        return {o.ct_id for o in self.observations(account_ids).values()}

    def observe(self, observation: Observation) -> None:
        """``observation`` is being written: later lookups of the batch see it."""
        self._observations[observation.account_id] = observation
        linked = self._linked.setdefault(observation.ct_id, [])
        if observation.account_id not in linked:
            linked.append(observation.account_id)
            linked.sort()

    def updated(self, account: Account) -> None:
        self._accounts[account.account_id] = account


class AccountOutcome(enum.Enum):
    """What a sign-in did to one matched account."""

    ACTIVATED_NOW = "activated_now"  # was still to activate
    ALREADY_ACTIVE = "already_active"  # activated (or password reset) before
    DEACTIVATED = "deactivated"  # signed in although deactivated: to check


@attrs.frozen
class SignInProblem:
    """A sign-in not recorded, or recorded with something to check."""

    ct_id: str
    outcome: str  # ``ambiguous``, ``unknown``, ``deactivated``
    reason: str
    reason_fr: str
    lines: tuple[int, ...] = ()
    account_ids: tuple[str, ...] = ()


@attrs.define
class SignInSummary:
    """Counts of one recording (sign-ins and accounts) and what to check."""

    sign_ins: int = 0
    persons: int = 0
    matched: int = 0
    ambiguous: int = 0
    unknown: int = 0
    activated_now: int = 0
    already_active: int = 0
    deactivated: int = 0
    #: accounts whose observation or state was written
    accounts_written: int = 0
    problems: list[SignInProblem] = attrs.Factory(list)
    findings: list[Finding] = attrs.Factory(list)

    def add(self, other: SignInSummary) -> None:
        for field in attrs.fields(SignInSummary):
            mine, theirs = getattr(self, field.name), getattr(other, field.name)
            if isinstance(mine, list):
                mine.extend(theirs)
            else:
                setattr(self, field.name, mine + theirs)


@attrs.define
class _Person:
    """The sign-ins of one ``FrEduCtId``: time span, lines and distinct claim sets."""

    first: dt.datetime
    last: dt.datetime
    lines: list[int]
    #: the claims without their time, each with the latest time it was seen
    variants: dict[SignIn, dt.datetime]
    count: int = 0

    @property
    def ct_id(self) -> str:
        return next(iter(self.variants)).ct_id

    def add(self, sign_in: SignIn, at: dt.datetime, line: int | None) -> None:
        self.first, self.last = min(self.first, at), max(self.last, at)
        self.count += 1
        if line is not None:
            self.lines.append(line)
        claims = attrs.evolve(sign_in, signed_in_at=None)
        self.variants[claims] = max(at, self.variants.get(claims, at))

    def candidates(self) -> list[SignIn]:
        """The claim sets to match, latest first (ties in a fixed order)."""
        return sorted(self.variants, key=lambda c: (self.variants[c], repr(c)), reverse=True)


def _group(items: Iterable[tuple[SignIn, dt.datetime, int | None]]) -> list[_Person]:
    """One entry per ``FrEduCtId``, in id order."""
    by_id: dict[str, _Person] = {}
    for sign_in, at, line in items:
        person = by_id.get(sign_in.ct_id)
        if person is None:
            person = by_id[sign_in.ct_id] = _Person(at, at, [], {})
        person.add(sign_in, at, line)
    return [by_id[k] for k in sorted(by_id)]


class SignInRecorder:
    """Records sign-ins (one call per sign-in, or a feed in batches)."""

    def __init__(
        self, store: Store, clock: Clock, session: Session, *, batch: int = DEFAULT_BATCH
    ) -> None:
        self._store = store
        self._clock = clock
        self._session = session
        self._batch = batch

    def record(self, sign_in: SignIn) -> SignInSummary:
        """Record one sign-in (at its ``FrEduCtDateConnexion``, else now)."""
        return self.record_many([sign_in])

    def record_many(
        self,
        sign_ins: Iterable[SignIn | tuple[SignIn, int]],
        *,
        dry_run: bool = False,
    ) -> SignInSummary:
        """Record a feed; items may carry their line number for the problems list.

        The whole feed is first grouped by ``FrEduCtId`` (one entry per person:
        its time span and distinct claim sets), then recorded in batches of
        persons, one unit of work each: the result does not depend on the order
        of the feed. With ``dry_run``, everything is matched and counted and
        nothing is written.
        """
        now = self._clock.now()
        count = 0

        def timed() -> Iterator[tuple[SignIn, dt.datetime, int | None]]:
            nonlocal count
            for item in sign_ins:
                sign_in, line = item if isinstance(item, tuple) else (item, None)
                count += 1
                yield sign_in, sign_in.signed_in_at or now, line

        persons = _group(timed())
        summary = SignInSummary(sign_ins=count)
        for start in range(0, len(persons), self._batch):
            summary.add(self._record_batch(persons[start : start + self._batch], now, dry_run))
        return summary

    def _record_batch(
        self, persons: list[_Person], now: dt.datetime, dry_run: bool
    ) -> SignInSummary:
        summary = SignInSummary()
        with self._store.unit_of_work() as uow:
            directory = StoreDirectory(uow)
            directory.prefetch(c for person in persons for c in person.variants)
            written: dict[str, Observation] = {}
            for person in persons:
                summary.persons += 1
                found = _match(person, directory)
                self._count(summary, person, found)
                if found.matched:
                    self._observe(uow, directory, written, summary, person, found, now)
            summary.accounts_written += uow.sign_ins.put_many(written.values()) if written else 0
            if not dry_run:
                uow.commit()
        return summary

    @staticmethod
    def _count(summary: SignInSummary, person: _Person, found: Match) -> None:
        n = person.count
        summary.findings.extend(found.findings)
        if found.outcome is MatchOutcome.MATCHED:
            summary.matched += n
            return
        if found.outcome is MatchOutcome.AMBIGUOUS:
            summary.ambiguous += n
        else:
            summary.unknown += n
        summary.problems.append(
            SignInProblem(
                person.ct_id,
                found.outcome.value,
                found.reason,
                found.reason_fr,
                tuple(sorted(person.lines)),
            )
        )

    def _observe(
        self,
        uow: UnitOfWork,
        directory: StoreDirectory,
        written: dict[str, Observation],
        summary: SignInSummary,
        person: _Person,
        found: Match,
        now: dt.datetime,
    ) -> None:
        ct_id = person.ct_id
        known = directory.observations(found.account_ids)
        for account_id in found.account_ids:
            account = directory.account(account_id)
            assert account is not None  # matching returns stored accounts only
            profile, uai, _ = parse_account_id(account_id)
            authorize(
                self._session.actor,
                self._session.access,
                Action.RECORD_SIGN_IN,
                uai=uai,
                profile=profile,
                at=now,
            )
            seen = Observation(account_id, ct_id, person.first, person.last)
            old = known.get(account_id)
            merged = old.merge(seen) if old is not None else seen
            changed, outcome = _apply(account, merged, old, now)
            if outcome is AccountOutcome.ACTIVATED_NOW:
                summary.activated_now += 1
            elif outcome is AccountOutcome.ALREADY_ACTIVE:
                summary.already_active += 1
            else:
                summary.deactivated += 1
                summary.problems.append(
                    SignInProblem(
                        ct_id,
                        "deactivated",
                        "deactivated",
                        "Ce compte est désactivé, mais son titulaire s'est connecté : "
                        "vérifiez dans SIECLE s'il doit encore avoir un compte.",
                        tuple(sorted(person.lines)),
                        (account_id,),
                    )
                )
            if merged == old and changed == account:
                continue
            if changed != account:
                stored = uow.accounts.update(changed)
                directory.updated(stored)
                refresh_snapshot(uow, stored, now)
            written[account_id] = merged
            directory.observe(merged)
            uow.audit.append(
                audit.AuditEvent.by(
                    self._session.actor,
                    self._session.access,
                    at=now,
                    action=Action.RECORD_SIGN_IN.value,
                    outcome=audit.Outcome.ALLOWED,
                    account_id=account_id,
                    uai=str(uai),
                    reason=outcome.value,
                )
            )


def _match(person: _Person, directory: StoreDirectory) -> Match:
    """The first claim set of the person that matches, latest first; else the
    latest one's failure."""
    failure: Match | None = None
    for claims in person.candidates():
        found = match_sign_in(claims, directory)
        if found.matched:
            return found
        failure = failure or found
    assert failure is not None
    return failure


def _apply(
    account: Account, merged: Observation, old: Observation | None, now: dt.datetime
) -> tuple[Account, AccountOutcome]:
    """The account once ``merged`` is observed (the state machine decides)."""
    decision = decide(Action.RECORD_SIGN_IN, account, merged.first_seen.date())
    if decision.outcome is Outcome.CHANGE:
        return account.apply(
            Event.SIGN_IN_OBSERVED, merged.first_seen
        ), AccountOutcome.ACTIVATED_NOW
    if decision.outcome is Outcome.REFUSED:
        return account, AccountOutcome.DEACTIVATED
    observed_activation = (
        old is not None and account.route is None and account.activated_at == old.first_seen
    )
    if observed_activation and merged.first_seen < old.first_seen:  # type: ignore[union-attr]
        # an earlier sign-in arrived later: the observed activation moves back
        return attrs.evolve(account, activated_at=merged.first_seen), AccountOutcome.ALREADY_ACTIVE
    return account, AccountOutcome.ALREADY_ACTIVE
