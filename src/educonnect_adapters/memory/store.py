"""The memory store: plain dictionaries behind a lock, with optimistic commits.

Each unit of work works on its own shallow copy of the store's tables, taken
when it starts (and again after each commit), and remembers which keys it
wrote. ``commit`` checks, under the store's lock, that the accounts it updated
still have the versions it read and that identifiers stay unique, then copies
its written keys into the store. Nothing is shared until then, so a rollback is
simply forgetting the copy.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Self

import attrs

from educonnect_core.accounts import Account
from educonnect_core.audit import AuditEvent
from educonnect_core.blockers import BlockerCode
from educonnect_core.deliveries import DeliveryRecord
from educonnect_core.eligibility import Child
from educonnect_core.errors import ConcurrentModification, NotFound, StorageError
from educonnect_core.observations import Observation
from educonnect_core.people import Eleve, Link, Profile, Responsable, School
from educonnect_core.permissions import Delegation
from educonnect_core.ports import ClosedOnExit
from educonnect_core.routes import Route
from educonnect_core.serialization import dumps
from educonnect_core.states import AccountState
from educonnect_core.storage import (
    AccountQuery,
    AccountStatus,
    AppliedExport,
    DuplicateAccount,
    EligibilitySnapshot,
    IdentifierTaken,
    Page,
    Statistics,
    StoredForms,
    is_blocked,
)
from educonnect_core.values import Ine, Uai, as_optional_uai

__all__ = ["MemoryStore", "MemoryUnitOfWork"]

PersonKey = tuple[Uai, str]
LinkKey = tuple[Uai, str, str]


class _Tables:
    """The store's data; every table is a dict (or an append-only list)."""

    def __init__(self) -> None:
        self.schools: dict[Uai, School] = {}
        self.eleves: dict[PersonKey, Eleve] = {}
        self.responsables: dict[PersonKey, Responsable] = {}
        self.links: dict[LinkKey, Link] = {}
        self.accounts: dict[str, Account] = {}
        self.snapshots: dict[str, EligibilitySnapshot] = {}
        self.audit: list[AuditEvent] = []
        self.deliveries: list[DeliveryRecord] = []
        self.exports: list[AppliedExport] = []
        self.sign_ins: dict[str, Observation] = {}
        self.delegations: dict[str, Delegation] = {}

    DICTS = (
        "schools",
        "eleves",
        "responsables",
        "links",
        "accounts",
        "snapshots",
        "sign_ins",
        "delegations",
    )

    def copy(self) -> _Tables:
        other = _Tables()
        for name in self.DICTS:
            setattr(other, name, dict(getattr(self, name)))
        other.audit = list(self.audit)
        other.deliveries = list(self.deliveries)
        other.exports = list(self.exports)
        return other


class MemoryStore(ClosedOnExit):
    """A store in this process's memory; every ``memory://`` URL opens a new one."""

    def __init__(self, url: str = "memory://") -> None:
        self._url = url
        self._tables = _Tables()
        self._lock = threading.Lock()
        self._event_ids = itertools.count(1)
        self._export_seqs = itertools.count(1)
        self._closed = False

    @property
    def url(self) -> str:
        return self._url

    def unit_of_work(self) -> MemoryUnitOfWork:
        if self._closed:
            raise StorageError(f"store {self._url!r} is closed")
        return MemoryUnitOfWork(self)

    def close(self) -> None:
        self._closed = True

    def _snapshot(self) -> _Tables:
        with self._lock:
            return self._tables.copy()

    def _next_event_id(self) -> str:
        with self._lock:
            return str(next(self._event_ids))

    def _next_export_seq(self) -> int:
        with self._lock:
            return next(self._export_seqs)


class MemoryUnitOfWork:
    """A unit of work over a :class:`MemoryStore` (see the module docstring)."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._begin()
        self.accounts = _Accounts(self)
        self.people = _People(self)
        self.eligibility = _Eligibility(self)
        self.audit = _Audit(self)
        self.deliveries = _Deliveries(self)
        self.exports = _Exports(self)
        self.sign_ins = _SignIns(self)
        self.delegations = _Delegations(self)

    def _begin(self) -> None:
        self.t = self._store._snapshot()
        self.dirty: dict[str, set[object]] = {name: set() for name in _Tables.DICTS}
        #: account_id -> version seen in the store when this unit of work started
        #: (None: no such account then)
        self.base_versions: dict[str, int | None] = {}
        self.new_audit: list[AuditEvent] = []
        self.new_deliveries: list[DeliveryRecord] = []
        self.new_exports: list[AppliedExport] = []
        self.deleted_links: set[LinkKey] = set()

    def touch_account(self, account_id: str) -> None:
        if account_id not in self.base_versions:
            old = self.t.accounts.get(account_id)
            self.base_versions[account_id] = None if old is None else old.version
        self.dirty["accounts"].add(account_id)

    def commit(self) -> None:
        store = self._store
        with store._lock:
            shared = store._tables
            for account_id, base in self.base_versions.items():
                current = shared.accounts.get(account_id)
                if base is None and current is not None:
                    raise DuplicateAccount(account_id)
                if base is not None and (current is None or current.version != base):
                    raise ConcurrentModification(
                        f"account {account_id!r} was changed by someone else since it was read "
                        f"(read version {base}, now "
                        f"{'deleted' if current is None else current.version})"
                    )
            taken = {
                a.identifier: a.account_id
                for a in shared.accounts.values()
                if a.identifier is not None and a.account_id not in self.base_versions
            }
            for account_id in self.base_versions:
                identifier = self.t.accounts[account_id].identifier
                if identifier is not None and identifier in taken:
                    raise IdentifierTaken(identifier, account_id)
            for link_key in self.deleted_links:
                shared.links.pop(link_key, None)
            for name in _Tables.DICTS:
                source, target = getattr(self.t, name), getattr(shared, name)
                for key in self.dirty[name]:
                    target[key] = source[key]
            shared.audit.extend(self.new_audit)
            shared.deliveries.extend(self.new_deliveries)
            shared.exports.extend(self.new_exports)
        self._begin()

    def rollback(self) -> None:
        self._begin()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()


class _Accounts:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _t(self) -> _Tables:
        return self._uow.t

    def get(self, account_id: str) -> Account:
        try:
            return self._t.accounts[account_id]
        except KeyError:
            raise NotFound(f"no account {account_id!r}") from None

    def find(self, uai: Uai, profile: Profile, siecle_id: str) -> Account | None:
        return self._t.accounts.get(Account.make_id(uai, profile, siecle_id))

    def get_many(self, account_ids: Iterable[str]) -> dict[str, Account]:
        accounts = self._t.accounts
        return {i: accounts[i] for i in account_ids if i in accounts}

    def by_identifier(self, identifier: str) -> Account:
        for account in self._t.accounts.values():
            if account.identifier == identifier:
                return account
        raise NotFound(f"no account with identifier {identifier!r}")

    def identifier_taken(self, identifier: str) -> bool:
        return any(a.identifier == identifier for a in self._t.accounts.values())

    def _check_identifier(self, account: Account) -> None:
        if account.identifier is None:
            return
        for other in self._t.accounts.values():
            if other.identifier == account.identifier and other.account_id != account.account_id:
                raise IdentifierTaken(account.identifier, account.account_id)

    def add(self, account: Account) -> Account:
        account_id = account.account_id
        if account_id in self._t.accounts:
            raise DuplicateAccount(account_id)
        self._check_identifier(account)
        stored = attrs.evolve(account, version=1)
        self._uow.touch_account(account_id)
        self._t.accounts[account_id] = stored
        return stored

    def add_many(self, accounts: Iterable[Account]) -> int:
        count = 0
        for account in accounts:
            self.add(account)
            count += 1
        return count

    def update(self, account: Account) -> Account:
        account_id = account.account_id
        current = self.get(account_id)
        if current.version != account.version:
            raise ConcurrentModification(
                f"account {account_id!r}: saving version {account.version} over stored "
                f"version {current.version}"
            )
        self._check_identifier(account)
        stored = attrs.evolve(account, version=account.version + 1)
        self._uow.touch_account(account_id)
        self._t.accounts[account_id] = stored
        return stored

    def of_school(self, uai: Uai) -> Iterator[Account]:
        return iter(sorted((a for a in self._t.accounts.values() if a.uai == uai), key=_by_id))

    def statuses(self, uai: Uai) -> Iterator[AccountStatus]:
        return (
            AccountStatus(a.account_id, a.profile, a.siecle_id, a.state, a.deactivation_reason)
            for a in self.of_school(uai)
        )

    def _matching(self, query: AccountQuery) -> list[Account]:
        snapshots = self._t.snapshots
        found = [
            a for a in self._t.accounts.values() if query.matches(a, snapshots.get(a.account_id))
        ]

        def order(account: Account) -> tuple[str, str]:
            snapshot = snapshots.get(account.account_id)
            return (snapshot.name_key if snapshot else "", account.account_id)

        return sorted(found, key=order)

    def query(self, query: AccountQuery) -> Page[Account]:
        found = self._matching(query)
        end = None if query.limit is None else query.offset + query.limit
        return Page(tuple(found[query.offset : end]), len(found), query.offset, query.limit)

    def count(self, query: AccountQuery) -> int:
        return len(self._matching(query))

    def statistics(self, uai: Uai | str | None = None) -> Statistics:
        uai = as_optional_uai(uai)
        by_profile_state: Counter[tuple[Profile, AccountState]] = Counter()
        by_division_state: Counter[tuple[str, AccountState]] = Counter()
        by_route: Counter[Route] = Counter()
        by_code: Counter[BlockerCode] = Counter()
        blocked = total = 0
        for account in self._t.accounts.values():
            if uai is not None and account.uai != uai:
                continue
            total += 1
            by_profile_state[account.profile, account.state] += 1
            if account.route is not None:
                by_route[account.route] += 1
            snapshot = self._t.snapshots.get(account.account_id)
            if snapshot is None:
                continue
            for division in snapshot.divisions:
                by_division_state[division, account.state] += 1
            by_code.update(snapshot.blocker_codes)
            blocked += is_blocked(account.state, snapshot)
        return Statistics(
            total=total,
            by_profile_state=dict(by_profile_state),
            by_division_state=dict(by_division_state),
            by_route=dict(by_route),
            blocked_by_code=dict(by_code),
            blocked=blocked,
        )


def _by_id(account: Account) -> str:
    return account.account_id


class _People:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _t(self) -> _Tables:
        return self._uow.t

    def _put(self, table: str, key: object, value: object) -> bool:
        rows: dict[object, object] = getattr(self._t, table)
        if rows.get(key) == value:
            return False
        rows[key] = value
        self._uow.dirty[table].add(key)
        self._uow.deleted_links.discard(key)
        return True

    def upsert_school(self, school: School) -> bool:
        return self._put("schools", school.uai, school)

    def get_school(self, uai: Uai) -> School:
        try:
            return self._t.schools[uai]
        except KeyError:
            raise NotFound(f"no school {uai}") from None

    def schools(self) -> list[School]:
        return sorted(self._t.schools.values(), key=lambda s: s.uai.value)

    def _need_school(self, uai: Uai) -> None:
        if uai not in self._t.schools:
            raise StorageError(f"school {uai} is not stored: upsert it first")

    def upsert_eleves(self, uai: Uai, eleves: Iterable[Eleve]) -> int:
        self._need_school(uai)
        return sum(self._put("eleves", (uai, e.eleve_id), e) for e in eleves)

    def upsert_responsables(self, uai: Uai, responsables: Iterable[Responsable]) -> int:
        self._need_school(uai)
        return sum(self._put("responsables", (uai, r.personne_id), r) for r in responsables)

    def upsert_links(self, uai: Uai, links: Iterable[Link]) -> int:
        written = 0
        for link in links:
            if (uai, link.eleve_id) not in self._t.eleves:
                raise StorageError(f"link to unknown eleve {link.eleve_id!r} of {uai}")
            if (uai, link.personne_id) not in self._t.responsables:
                raise StorageError(f"link to unknown responsable {link.personne_id!r} of {uai}")
            written += self._put("links", (uai, link.eleve_id, link.personne_id), link)
        return written

    def delete_links(self, uai: Uai, keys: Iterable[tuple[str, str]]) -> int:
        deleted = 0
        for eleve_id, personne_id in keys:
            key = (uai, eleve_id, personne_id)
            if self._t.links.pop(key, None) is not None:
                self._uow.dirty["links"].discard(key)
                self._uow.deleted_links.add(key)
                deleted += 1
        return deleted

    def get_eleve(self, uai: Uai, eleve_id: str) -> Eleve:
        try:
            return self._t.eleves[uai, eleve_id]
        except KeyError:
            raise NotFound(f"no eleve {eleve_id!r} in {uai}") from None

    def eleves_by_ine(self, ines: Iterable[str]) -> dict[str, list[tuple[Uai, Eleve]]]:
        wanted = set(ines)
        found: dict[str, list[tuple[Uai, Eleve]]] = {}
        for key in sorted(self._t.eleves, key=lambda k: (str(k[0]), k[1])):
            eleve = self._t.eleves[key]
            if isinstance(eleve.ine, Ine) and eleve.ine.value in wanted:
                found.setdefault(eleve.ine.value, []).append((key[0], eleve))
        return found

    def legal_representatives(
        self, students: Iterable[tuple[Uai, str]]
    ) -> dict[tuple[Uai, str], list[Responsable]]:
        found: dict[tuple[Uai, str], list[Responsable]] = {}
        for uai, eleve_id in dict.fromkeys(students):
            for link in self.links_of_eleve(uai, eleve_id):
                responsable = self._t.responsables.get((uai, link.personne_id))
                if link.legal and responsable is not None:
                    found.setdefault((uai, eleve_id), []).append(responsable)
        return found

    def get_responsable(self, uai: Uai, personne_id: str) -> Responsable:
        try:
            return self._t.responsables[uai, personne_id]
        except KeyError:
            raise NotFound(f"no responsable {personne_id!r} in {uai}") from None

    def eleves(self, uai: Uai) -> Iterator[Eleve]:
        keys = sorted(k for k in self._t.eleves if k[0] == uai)
        return (self._t.eleves[k] for k in keys)

    def responsables(self, uai: Uai) -> Iterator[Responsable]:
        keys = sorted(k for k in self._t.responsables if k[0] == uai)
        return (self._t.responsables[k] for k in keys)

    def links(self, uai: Uai) -> Iterator[Link]:
        keys = sorted(k for k in self._t.links if k[0] == uai)
        return (self._t.links[k] for k in keys)

    def stored_forms(self, uai: Uai) -> StoredForms:
        t = self._t
        return StoredForms(
            eleves={eid: dumps(e) for (u, eid), e in t.eleves.items() if u == uai},
            responsables={pid: dumps(r) for (u, pid), r in t.responsables.items() if u == uai},
            links={
                (eid, pid): (k.level.value, k.code_parente)
                for (u, eid, pid), k in t.links.items()
                if u == uai
            },
        )

    def links_of_eleve(self, uai: Uai, eleve_id: str) -> list[Link]:
        return [link for link in self.links(uai) if link.eleve_id == eleve_id]

    def links_of_responsable(self, uai: Uai, personne_id: str) -> list[Link]:
        return [link for link in self.links(uai) if link.personne_id == personne_id]

    def children(self, uai: Uai, personne_id: str) -> list[Child]:
        return [
            Child(self._t.eleves[uai, link.eleve_id], link)
            for link in self.links_of_responsable(uai, personne_id)
        ]


class _Eligibility:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def put(self, snapshot: EligibilitySnapshot) -> None:
        t = self._uow.t
        if snapshot.account_id not in t.accounts:
            raise NotFound(f"no account {snapshot.account_id!r} for this eligibility snapshot")
        t.snapshots[snapshot.account_id] = snapshot
        self._uow.dirty["snapshots"].add(snapshot.account_id)

    def put_many(self, snapshots: Iterable[EligibilitySnapshot]) -> int:
        count = 0
        for snapshot in snapshots:
            self.put(snapshot)
            count += 1
        return count

    def get(self, account_id: str) -> EligibilitySnapshot | None:
        return self._uow.t.snapshots.get(account_id)

    def get_many(self, account_ids: Iterable[str]) -> dict[str, EligibilitySnapshot]:
        snapshots = self._uow.t.snapshots
        return {i: snapshots[i] for i in account_ids if i in snapshots}


def _latest(events: list[AuditEvent], limit: int | None) -> list[AuditEvent]:
    return events if limit is None else events[max(0, len(events) - limit) :]


class _Audit:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def append(self, event: AuditEvent) -> AuditEvent:
        if event.event_id is None:
            event = attrs.evolve(event, event_id=self._uow._store._next_event_id())
        self._uow.t.audit.append(event)
        self._uow.new_audit.append(event)
        return event

    def _ordered(self) -> list[AuditEvent]:
        return sorted(self._uow.t.audit, key=lambda e: e.at)  # stable: append order on ties

    def by_account(self, account_id: str, *, limit: int | None = None) -> list[AuditEvent]:
        return _latest([e for e in self._ordered() if e.account_id == account_id], limit)

    def by_actor(self, actor_id: str, *, limit: int | None = None) -> list[AuditEvent]:
        return _latest([e for e in self._ordered() if e.actor_id == actor_id], limit)


class _Deliveries:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def append(self, record: DeliveryRecord) -> None:
        self._uow.t.deliveries.append(record)
        self._uow.new_deliveries.append(record)

    def append_many(self, records: Iterable[DeliveryRecord]) -> int:
        count = 0
        for record in records:
            self.append(record)
            count += 1
        return count

    def by_account(self, account_id: str) -> list[DeliveryRecord]:
        found = [r for r in self._uow.t.deliveries if r.account_id == account_id]
        return sorted(found, key=lambda r: r.at)

    def latest(self, account_id: str) -> DeliveryRecord | None:
        found = self.by_account(account_id)
        return found[-1] if found else None

    def latest_per_account(self, account_ids: Iterable[str]) -> dict[str, DeliveryRecord]:
        wanted = set(account_ids)
        latest: dict[str, DeliveryRecord] = {}
        for record in sorted(self._uow.t.deliveries, key=lambda r: r.at):
            if record.account_id in wanted:
                latest[record.account_id] = record
        return latest


class _Exports:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def append(self, record: AppliedExport) -> AppliedExport:
        record = attrs.evolve(record, seq=self._uow._store._next_export_seq())
        self._uow.t.exports.append(record)
        self._uow.new_exports.append(record)
        return record

    def latest(self, uai: Uai) -> AppliedExport | None:
        found = [r for r in self._uow.t.exports if r.uai == uai]
        return max(found, key=lambda r: r.seq or 0) if found else None

    def effective_after(self, uai: Uai, at: dt.datetime) -> list[AppliedExport]:
        found = [r for r in self._uow.t.exports if r.uai == uai and r.effective_from > at]
        return sorted(found, key=lambda r: r.seq or 0)


class _SignIns:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def put_many(self, observations: Iterable[Observation]) -> int:
        n = 0
        for observation in observations:
            self._uow.t.sign_ins[observation.account_id] = observation
            self._uow.dirty["sign_ins"].add(observation.account_id)
            n += 1
        return n

    def get_many(self, account_ids: Iterable[str]) -> dict[str, Observation]:
        rows = self._uow.t.sign_ins
        return {i: rows[i] for i in account_ids if i in rows}

    def linked(self, ct_ids: Iterable[str]) -> dict[str, list[str]]:
        wanted = set(ct_ids)
        found: dict[str, list[str]] = {}
        for account_id in sorted(self._uow.t.sign_ins):
            ct_id = self._uow.t.sign_ins[account_id].ct_id
            if ct_id in wanted:
                found.setdefault(ct_id, []).append(account_id)
        return found

    def of_school(self, uai: Uai) -> Iterator[Observation]:
        rows = self._uow.t.sign_ins
        return iter([rows[i] for i in sorted(rows) if rows[i].uai == uai])


class _Delegations:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def put(self, delegation: Delegation) -> None:
        self._uow.t.delegations[delegation.delegation_id] = delegation
        self._uow.dirty["delegations"].add(delegation.delegation_id)

    def get(self, delegation_id: str) -> Delegation:
        found = self._uow.t.delegations.get(delegation_id)
        if found is None:
            raise NotFound(f"no delegation {delegation_id!r}")
        return found

    def _sorted(self, keep: Callable[[Delegation], bool]) -> list[Delegation]:
        found = [d for d in self._uow.t.delegations.values() if keep(d)]
        return sorted(found, key=lambda d: (d.granted_at, d.delegation_id))

    def of_school(self, uai: Uai) -> list[Delegation]:
        return self._sorted(lambda d: d.uai == uai)

    def of_delegate(self, delegate_id: str) -> list[Delegation]:
        return self._sorted(lambda d: d.delegate_id == delegate_id)
