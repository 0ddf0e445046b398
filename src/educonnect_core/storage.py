"""Storage ports: the store, its unit of work, repositories, queries and statistics.

A :class:`Store` is opened from a URL by a storage plugin (``memory://``,
``sqlite:///path.db``, ``postgresql://…``). All reads and writes go through a
:class:`UnitOfWork`, a context manager that rolls back unless :meth:`~UnitOfWork.commit`
was called::

    with store.unit_of_work() as uow:
        account = uow.accounts.get("E-0990007V-1001")
        uow.accounts.update(account.apply(Event.DEACTIVATE, at=now))
        uow.audit.append(event)
        uow.commit()

Accounts carry a ``version``: a new account is stored at version 1 and every
:meth:`~AccountRepository.update` checks the version it is given against the
stored one (else :class:`~educonnect_core.errors.ConcurrentModification`) and
returns the account at the next version.

People are keyed by school: ``(uai, eleve_id)`` and ``(uai, personne_id)``.
Each account may carry an :class:`EligibilitySnapshot` (routes, blocker codes,
classes and a folded name), computed by :mod:`educonnect_core.eligibility` at
write time, so that queries and :class:`Statistics` run inside the store.
See ``docs/storage.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Final, Generic, Protocol, Self, TypeVar, runtime_checkable

import attrs

from .accounts import Account
from .audit import AuditEvent
from .blockers import BlockerCode
from .deliveries import DeliveryRecord
from .eligibility import Child, Eligibility
from .errors import InvalidValue, StorageError
from .observations import SignInLog
from .people import Eleve, Link, Profile, Responsable, School
from .permissions import Delegation
from .routes import Route
from .states import AccountState
from .values import PersonName, Uai, as_optional_uai, fold

__all__ = [
    "AccountQuery",
    "AccountRepository",
    "AccountStatus",
    "AppliedExport",
    "AuditLog",
    "DelegationRegistry",
    "DeliveryLog",
    "DuplicateAccount",
    "EligibilityRepository",
    "EligibilitySnapshot",
    "ExportLog",
    "IdentifierTaken",
    "LinkForm",
    "Page",
    "PeopleRepository",
    "Statistics",
    "Store",
    "StoredForms",
    "UnitOfWork",
    "search_key",
]

T = TypeVar("T")


class DuplicateAccount(StorageError, ValueError):
    """An account with that ``account_id`` already exists."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id
        super().__init__(f"account {account_id!r} already exists")


class IdentifierTaken(StorageError, ValueError):
    """The login ``identifier`` is already used by another account of the store."""

    def __init__(self, identifier: str, account_id: str | None = None) -> None:
        self.identifier = identifier
        self.account_id = account_id
        whose = f" (wanted by {account_id!r})" if account_id else ""
        super().__init__(f"identifier {identifier!r} is already taken by another account{whose}")


def search_key(name: PersonName) -> str:
    """The folded ``LAST FIRST`` form the name filter of :class:`AccountQuery` matches."""
    return fold(f"{name.last} {name.first}".strip())


#: one shared object per distinct set of codes (an académie's snapshots hold a
#: few hundred distinct sets, not one set per route and account)
_CODE_SETS: dict[frozenset[BlockerCode], frozenset[BlockerCode]] = {}


def _shared(codes: frozenset[BlockerCode]) -> frozenset[BlockerCode]:
    return _CODE_SETS.setdefault(codes, codes)


_ROUTE_MAPS: dict[tuple[frozenset[BlockerCode], ...], Mapping[Route, frozenset[BlockerCode]]] = {}


def _routes_map(
    value: Mapping[Route, Iterable[BlockerCode]],
) -> Mapping[Route, frozenset[BlockerCode]]:
    """Every route's blocker codes; one shared map (never mutated) per distinct
    combination (an académie has a few dozen, not one per account)."""
    codes = tuple(_shared(frozenset(value.get(route, ()))) for route in Route)
    found = _ROUTE_MAPS.get(codes)
    if found is None:
        found = _ROUTE_MAPS[codes] = dict(zip(Route, codes, strict=True))
    return found


def _divisions(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(value)))


@attrs.frozen
class EligibilitySnapshot:
    """What the store keeps of an :class:`~educonnect_core.eligibility.Eligibility`.

    ``routes`` maps every route to its blocker codes (empty: the route is open);
    ``divisions`` are the classes the account belongs to (the student's class; a
    responsable's current children's classes); ``name_key`` is the folded name
    searched by :attr:`AccountQuery.name`. ``computed_at`` is not compared.
    """

    account_id: str
    routes: Mapping[Route, frozenset[BlockerCode]] = attrs.field(converter=_routes_map)
    divisions: tuple[str, ...] = attrs.field(default=(), converter=_divisions)
    name_key: str = ""
    computed_at: dt.datetime | None = attrs.field(default=None, eq=False)

    @classmethod
    def of(
        cls,
        account_id: str,
        eligibility: Eligibility,
        *,
        divisions: Iterable[str | None] = (),
        name: PersonName | None = None,
        at: dt.datetime | None = None,
    ) -> Self:
        return cls(
            account_id=account_id,
            routes={r.route: frozenset(b.code for b in r.blockers) for r in eligibility},
            divisions=tuple(d for d in divisions if d),
            name_key=search_key(name) if name is not None else "",
            computed_at=at,
        )

    @property
    def eligible_routes(self) -> frozenset[Route]:
        return frozenset(r for r, codes in self.routes.items() if not codes)

    @property
    def blocker_codes(self) -> frozenset[BlockerCode]:
        return frozenset(c for codes in self.routes.values() for c in codes)

    @property
    def blocked(self) -> bool:
        """No route is open."""
        return not self.eligible_routes


#: The states of an account still to activate.
TO_ACTIVATE: Final = frozenset({AccountState.NOT_ACTIVATED, AccountState.NOTIFIED})


def is_blocked(state: AccountState, snapshot: EligibilitySnapshot | None) -> bool:
    """The one definition of a *blocked* account: still to activate (not
    activated, notified) and no route open. An activated account, whose routes
    are all closed by ``ACCOUNT_ALREADY_ACTIVATED``, is not blocked."""
    return state in TO_ACTIVATE and snapshot is not None and snapshot.blocked


def _query_uai(value: Uai | str | None) -> Uai | None:
    return as_optional_uai(value, "AccountQuery.uai")


def _states(value: AccountState | Iterable[AccountState] | None) -> frozenset[AccountState] | None:
    if value is None:
        return None
    if isinstance(value, AccountState):
        return frozenset({value})
    states = frozenset(AccountState(v) for v in value)
    if not states:
        raise InvalidValue("AccountQuery.state", value, "expected a state, some states, or None")
    return states


def _check_offset(query: AccountQuery, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise InvalidValue("AccountQuery.offset", value, "expected 0 or more")


def _check_limit(
    query: AccountQuery, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is not None and value < 0:
        raise InvalidValue("AccountQuery.limit", value, "expected 0 or more, or None")


@attrs.frozen
class AccountQuery:
    """A filter over accounts; every criterion given must hold.

    ``route`` with ``eligible`` (default ``True``): the route is open (or closed,
    with ``eligible=False``) per the stored snapshot. ``activated_by``: the route
    the account was activated by. ``blocker``: some route is closed by that code.
    ``state``: one state or several (any of them). ``blocked``: the account is
    blocked (:func:`is_blocked`: still to activate, no route open) or, with
    ``False``, it is not.
    ``name``: a substring of ``LAST FIRST``, accent- and case-insensitive.
    Results are ordered by folded name, then ``account_id``. Criteria on the
    snapshot never match an account without one.
    """

    uai: Uai | None = attrs.field(default=None, converter=_query_uai)
    profile: Profile | None = None
    state: frozenset[AccountState] | None = attrs.field(default=None, converter=_states)
    division: str | None = None
    route: Route | None = None
    eligible: bool = True
    activated_by: Route | None = None
    blocker: BlockerCode | None = None
    blocked: bool | None = None
    name: str | None = None
    offset: int = attrs.field(default=0, validator=_check_offset)
    limit: int | None = attrs.field(default=50, validator=_check_limit)  # type: ignore[arg-type]

    @property
    def name_fragment(self) -> str | None:
        """The folded form of :attr:`name`, as stored in ``name_key``."""
        return fold(self.name.strip()) if self.name and self.name.strip() else None

    def matches(self, account: Account, snapshot: EligibilitySnapshot | None) -> bool:
        """Reference semantics (used by the memory backend and the contract suite)."""
        if self.uai is not None and account.uai != self.uai:
            return False
        if self.profile is not None and account.profile is not self.profile:
            return False
        if self.state is not None and account.state not in self.state:
            return False
        if self.activated_by is not None and account.route is not self.activated_by:
            return False
        needs_snapshot = (
            self.division is not None
            or self.route is not None
            or self.blocker is not None
            or self.blocked is not None
            or self.name_fragment is not None
        )
        if not needs_snapshot:
            return True
        if snapshot is None:
            return False
        if self.division is not None and self.division not in snapshot.divisions:
            return False
        if self.route is not None and (self.route in snapshot.eligible_routes) != self.eligible:
            return False
        if self.blocker is not None and self.blocker not in snapshot.blocker_codes:
            return False
        if self.blocked is not None and is_blocked(account.state, snapshot) != self.blocked:
            return False
        fragment = self.name_fragment
        return fragment is None or fragment in snapshot.name_key


@attrs.frozen
class Page(Generic[T]):
    """One page of results and the ``total`` number of matches."""

    items: tuple[T, ...]
    total: int
    offset: int = 0
    limit: int | None = None

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


@attrs.frozen
class Statistics:
    """Counts computed by the store.

    ``by_division_state`` counts an account once per class of its snapshot (a
    responsable with children in two classes counts in both); ``by_route`` counts
    accounts by the route recorded when they were activated (``Account.route``);
    ``blocked_by_code`` counts accounts whose snapshot carries the code on some
    route; ``blocked`` counts the blocked accounts (:func:`is_blocked`).
    """

    total: int
    by_profile_state: Mapping[tuple[Profile, AccountState], int]
    by_division_state: Mapping[tuple[str, AccountState], int]
    by_route: Mapping[Route, int]
    blocked_by_code: Mapping[BlockerCode, int]
    blocked: int

    def activation_rate(self, division: str) -> float | None:
        """Share of the class's accounts that are activated (or password reset)."""
        counts = {s: n for (d, s), n in self.by_division_state.items() if d == division}
        total = sum(counts.values())
        if not total:
            return None
        done = counts.get(AccountState.ACTIVATED, 0) + counts.get(AccountState.PASSWORD_RESET, 0)
        return done / total


@attrs.frozen
class AccountStatus:
    """Where an account stands, without the whole account (for bulk comparisons)."""

    account_id: str
    profile: Profile
    siecle_id: str
    state: AccountState
    deactivation_reason: str | None = None


#: a link as stored, for comparison: ``(level.value, code_parente)``
LinkForm = tuple[int, str | None]


@attrs.frozen
class StoredForms:
    """A school's source records as stored, not decoded: students and responsables
    by id as their :func:`educonnect_core.serialization.dumps` text, links by
    ``(eleve_id, personne_id)`` as :data:`LinkForm`. Equal text means equal records,
    so a caller compares and decodes only what differs."""

    eleves: Mapping[str, str]
    responsables: Mapping[str, str]
    links: Mapping[tuple[str, str], LinkForm]


class AccountRepository(Protocol):
    """Accounts, keyed by ``account_id``; ``identifier`` is unique across the store."""

    def get(self, account_id: str) -> Account:
        """The account; :class:`~educonnect_core.errors.NotFound` if none."""
        ...

    def find(self, uai: Uai, profile: Profile, siecle_id: str) -> Account | None: ...

    def get_many(self, account_ids: Iterable[str]) -> dict[str, Account]:
        """The stored accounts among ``account_ids`` (missing ones are left out)."""
        ...

    def by_identifier(self, identifier: str) -> Account:
        """The account with that login; :class:`NotFound` if none."""
        ...

    def identifier_taken(self, identifier: str) -> bool: ...

    def add(self, account: Account) -> Account:
        """Store a new account at version 1 and return it so.

        Raises :class:`DuplicateAccount` or :class:`IdentifierTaken`.
        """
        ...

    def add_many(self, accounts: Iterable[Account]) -> int:
        """Bulk :meth:`add` (streamed, in batches); returns how many were stored.

        On :class:`DuplicateAccount` or :class:`IdentifierTaken` (naming the first
        culprit) part of the batch may already be written: roll the unit of work back.
        """
        ...

    def update(self, account: Account) -> Account:
        """Save ``account`` over the stored one and return it at the next version.

        ``account.version`` must equal the stored version, else
        :class:`~educonnect_core.errors.ConcurrentModification`; :class:`NotFound`
        if there is no such account; :class:`IdentifierTaken` on a login clash.
        """
        ...

    def of_school(self, uai: Uai) -> Iterator[Account]:
        """Every account of a school, ordered by ``account_id``."""
        ...

    def query(self, query: AccountQuery) -> Page[Account]: ...

    def count(self, query: AccountQuery) -> int: ...

    def statistics(self, uai: Uai | str | None = None) -> Statistics:
        """Counts over the accounts of one school (a :class:`Uai` or its string
        form, parsed with :func:`as_optional_uai`), or of the whole store."""
        ...


class PeopleRepository(Protocol):
    """Schools, students, responsables and links, as the source gave them.

    Upserts write only what differs from what is stored and return how many
    records they wrote.
    """

    def upsert_school(self, school: School) -> bool: ...

    def get_school(self, uai: Uai) -> School:
        """:class:`NotFound` if unknown."""
        ...

    def schools(self) -> list[School]: ...

    def upsert_eleves(self, uai: Uai, eleves: Iterable[Eleve]) -> int: ...

    def upsert_responsables(self, uai: Uai, responsables: Iterable[Responsable]) -> int: ...

    def upsert_links(self, uai: Uai, links: Iterable[Link]) -> int:
        """Links are keyed by ``(eleve_id, personne_id)``; both must be stored."""
        ...

    def delete_links(self, uai: Uai, keys: Iterable[tuple[str, str]]) -> int:
        """Remove the ``(eleve_id, personne_id)`` links; returns how many existed."""
        ...

    def get_eleve(self, uai: Uai, eleve_id: str) -> Eleve:
        """:class:`NotFound` if unknown."""
        ...

    def eleves_by_ine(self, ines: Iterable[str]) -> dict[str, list[tuple[Uai, Eleve]]]:
        """For each INE with stored students, those students, in any school, by UAI
        then id (one statement per few hundred INEs)."""
        ...

    def legal_representatives(
        self, students: Iterable[tuple[Uai, str]]
    ) -> dict[tuple[Uai, str], list[Responsable]]:
        """For each ``(uai, eleve_id)`` with some, the stored responsables linked to
        the student as legal representatives, by ``personne_id``."""
        ...

    def get_responsable(self, uai: Uai, personne_id: str) -> Responsable:
        """:class:`NotFound` if unknown."""
        ...

    def eleves(self, uai: Uai) -> Iterator[Eleve]:
        """Ordered by ``eleve_id``."""
        ...

    def responsables(self, uai: Uai) -> Iterator[Responsable]:
        """Ordered by ``personne_id``."""
        ...

    def links(self, uai: Uai) -> Iterator[Link]:
        """Ordered by ``(eleve_id, personne_id)``."""
        ...

    def links_of_eleve(self, uai: Uai, eleve_id: str) -> list[Link]: ...

    def links_of_responsable(self, uai: Uai, personne_id: str) -> list[Link]: ...

    def children(self, uai: Uai, personne_id: str) -> list[Child]:
        """The students linked to a responsable, with the link (any level)."""
        ...


class EligibilityRepository(Protocol):
    """The eligibility snapshot of each account (derived data: no version bump)."""

    def put(self, snapshot: EligibilitySnapshot) -> None:
        """Store or replace; :class:`NotFound` if the account does not exist."""
        ...

    def put_many(self, snapshots: Iterable[EligibilitySnapshot]) -> int: ...

    def get(self, account_id: str) -> EligibilitySnapshot | None: ...

    def get_many(self, account_ids: Iterable[str]) -> dict[str, EligibilitySnapshot]:
        """The stored snapshots among ``account_ids`` (missing ones are left out)."""
        ...


class AuditLog(Protocol):
    """Append-only audit events; the store gives each an ``event_id`` if it has none."""

    def append(self, event: AuditEvent) -> AuditEvent: ...

    def by_account(self, account_id: str, *, limit: int | None = None) -> list[AuditEvent]:
        """Oldest first; with ``limit``, the latest ``limit`` events (still oldest first)."""
        ...

    def by_actor(self, actor_id: str, *, limit: int | None = None) -> list[AuditEvent]: ...


class DeliveryLog(Protocol):
    """Append-only delivery history."""

    def append(self, record: DeliveryRecord) -> None: ...

    def append_many(self, records: Iterable[DeliveryRecord]) -> int: ...

    def by_account(self, account_id: str) -> list[DeliveryRecord]:
        """Oldest first."""
        ...

    def latest(self, account_id: str) -> DeliveryRecord | None: ...

    def latest_per_account(self, account_ids: Iterable[str]) -> dict[str, DeliveryRecord]:
        """The latest record of each account that has one."""
        ...


@attrs.frozen
class AppliedExport:
    """One export applied to the store by the synchronisation (``educonnect_core.sync``).

    ``effective_from`` is when its data take effect (the next morning after
    ``exported_at``); ``journal`` is opaque text written and read by the
    synchronisation only (the values its application replaced, to answer "what
    was in effect at time t"); ``seq`` is given by the store, in application order.
    """

    uai: Uai
    exported_at: dt.datetime
    applied_at: dt.datetime
    effective_from: dt.datetime
    forced: bool = False
    summary: str = ""
    journal: str = attrs.field(default="", repr=False)
    seq: int | None = None


class ExportLog(Protocol):
    """The exports applied to each school, append-only, in application order."""

    def append(self, record: AppliedExport) -> AppliedExport:
        """Store ``record`` and return it with its ``seq``."""
        ...

    def latest(self, uai: Uai) -> AppliedExport | None:
        """The last export applied to the school (highest ``seq``)."""
        ...

    def effective_after(self, uai: Uai, at: dt.datetime) -> list[AppliedExport]:
        """The school's exports whose ``effective_from`` is after ``at``, by ``seq``."""
        ...


class DelegationRegistry(Protocol):
    """The DELEG-CE delegations, granted and revoked by heads of school
    (:mod:`educonnect_core.delegating`); a revocation replaces the record."""

    def put(self, delegation: Delegation) -> None:
        """Store ``delegation``, replacing the one with the same id."""
        ...

    def get(self, delegation_id: str) -> Delegation:
        """The delegation; :class:`~.errors.NotFound` if there is none."""
        ...

    def of_school(self, uai: Uai) -> list[Delegation]:
        """The school's delegations, in force or not, oldest grant first."""
        ...

    def of_delegate(self, delegate_id: str) -> list[Delegation]:
        """The delegations granted to ``delegate_id``, oldest grant first."""
        ...


@runtime_checkable
class HasStatuses(Protocol):
    """Optional speed capability of an accounts repository (see
    :mod:`educonnect_core.capabilities` for the fallback)."""

    def statuses(self, uai: Uai) -> Iterator[AccountStatus]:
        """The status of every account of a school, in no particular order
        (much cheaper than :meth:`AccountRepository.of_school`)."""
        ...


@runtime_checkable
class HasUpdateMany(Protocol):
    """Optional speed capability of an accounts repository (see
    :mod:`educonnect_core.capabilities` for the fallback)."""

    def update_many(self, accounts: Sequence[Account]) -> list[Account]:
        """:meth:`AccountRepository.update` of each account, in few statements;
        the same answers and errors (:class:`~.errors.ConcurrentModification`,
        :class:`~.errors.NotFound`, :class:`IdentifierTaken`) as the
        updates one by one, after which the unit of work is to be rolled back."""
        ...


@runtime_checkable
class HasStoredForms(Protocol):
    """Optional speed capability of a people repository (see
    :mod:`educonnect_core.capabilities` for the fallback)."""

    def stored_forms(self, uai: Uai) -> StoredForms:
        """The school's students, responsables and links as stored, not decoded
        (empty when the school is unknown); the text must be
        :func:`~educonnect_core.serialization.dumps`'s."""
        ...


class UnitOfWork(Protocol):
    """One atomic piece of work; rolled back on exit unless committed.

    After :meth:`commit` the unit of work may go on being used for reads and
    further writes (which need another commit).
    """

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def people(self) -> PeopleRepository: ...

    @property
    def eligibility(self) -> EligibilityRepository: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def deliveries(self) -> DeliveryLog: ...

    @property
    def exports(self) -> ExportLog: ...

    @property
    def sign_ins(self) -> SignInLog:
        """Observed sign-ins (:mod:`educonnect_core.observations`)."""
        ...

    @property
    def delegations(self) -> DelegationRegistry: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


@runtime_checkable
class Store(Protocol):
    """A storage backend opened from a URL (see ``docs/storage.md``).

    ``close()`` releases its connections (idempotent; no unit of work opens
    afterwards); a store is a context manager that closes it on exit
    (:class:`educonnect_core.ports.ClosedOnExit` gives both methods)."""

    @property
    def url(self) -> str: ...

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work; several may be open at once (each its own connection)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
