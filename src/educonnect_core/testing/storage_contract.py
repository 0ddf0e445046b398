"""The storage contract: pytest classes every storage adapter must pass.

An adapter author subclasses :class:`StorageContract` in a test module and
provides two fixtures: ``store``, a fresh, empty, open store (closed afterwards),
and ``reopen``, which closes a store and opens the same one again, as another
process would (a store that lives in one process's memory sets ``durable = False``
instead)::

    import pytest
    from educonnect_core.testing.storage_contract import StorageContract

    class TestMyStore(StorageContract):
        @pytest.fixture
        def store(self):
            store = MyStore.open("mystore://…")
            yield store
            store.close()

        @pytest.fixture
        def reopen(self):
            def reopen(store):
                store.close()
                return MyStore.open(store.url)
            return reopen

The suite covers round-trips of every domain object (with Hypothesis), the
queries and statistics against the reference semantics of
:meth:`~educonnect_core.storage.AccountQuery.matches`, rollback, atomicity,
stale versions, identifier uniqueness, concurrent writers (two units of
work, two threads) and durability: what was committed is there after reopening,
with its versions, identifiers and log ids; what was not is not.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from educonnect_core.accounts import Account
from educonnect_core.actions import Action
from educonnect_core.audit import AuditEvent, Outcome
from educonnect_core.blockers import BlockerCode
from educonnect_core.capabilities import statuses_of, stored_forms_of, update_all
from educonnect_core.deliveries import DeliveryRecord
from educonnect_core.errors import ConcurrentModification, NotFound, StorageError
from educonnect_core.findings import Finding
from educonnect_core.observations import Observation
from educonnect_core.people import (
    Eleve,
    Link,
    Profile,
    Responsable,
    ResponsibilityLevel,
    School,
    StudentStatus,
)
from educonnect_core.permissions import Delegation
from educonnect_core.ports import ClosedOnExit
from educonnect_core.routes import Route
from educonnect_core.serialization import dumps, loads
from educonnect_core.states import AccountState
from educonnect_core.storage import (
    TO_ACTIVATE,
    AccountQuery,
    AccountStatus,
    DuplicateAccount,
    EligibilitySnapshot,
    HasStatuses,
    HasStoredForms,
    IdentifierTaken,
    Statistics,
    Store,
    StoredForms,
    UnitOfWork,
    is_blocked,
    search_key,
)
from educonnect_core.testing.strategies import (
    audit_events,
    delivery_records,
    snapshots,
    stored_accounts,
    stored_eleves,
    stored_responsables,
    stored_schools,
)
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

__all__ = ["Reopen", "StorageContract", "SyntheticExport", "reference_statistics"]

#: closes a store and opens the same one again (a new object, as another process would)
Reopen = Callable[[Store], Store]


def reference_statistics(
    accounts: Sequence[Account], snapshots: dict[str, EligibilitySnapshot]
) -> Statistics:
    """What :meth:`AccountRepository.statistics` must answer for these accounts."""
    by_ps: Counter[tuple[Profile, AccountState]] = Counter()
    by_ds: Counter[tuple[str, AccountState]] = Counter()
    by_route: Counter[Route] = Counter()
    by_code: Counter[BlockerCode] = Counter()
    blocked = 0
    for account in accounts:
        by_ps[account.profile, account.state] += 1
        if account.route is not None:
            by_route[account.route] += 1
        snapshot = snapshots.get(account.account_id)
        if snapshot is None:
            continue
        for division in snapshot.divisions:
            by_ds[division, account.state] += 1
        by_code.update(snapshot.blocker_codes)
        blocked += is_blocked(account.state, snapshot)
    return Statistics(
        len(accounts), dict(by_ps), dict(by_ds), dict(by_route), dict(by_code), blocked
    )


_SETTINGS: Final = settings(
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.differing_executors,
    ],
    deadline=None,
)
_UNIQUE: Final = itertools.count(1)
UAI: Final = Uai("0990007V")
OTHER_UAI: Final = Uai("0990008W")
AT: Final = dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC)
_ZOE: Final = "E-0990007V-1"
_NOT_DURABLE: Final = "durable = False: the store lives in one process's memory"


def _unique(prefix: str = "") -> str:
    return f"{prefix}~{next(_UNIQUE)}"


def _school(uai: Uai = UAI) -> School:
    return School(uai=uai, school_year=2025, exported_at=AT, name="Collège Test")


def _eleve(eleve_id: str, last: str, first: str, division: str = "6A") -> Eleve:
    return Eleve(eleve_id=eleve_id, name=PersonName(last, first), division=division)


def _account(
    siecle_id: str | None = None, profile: Profile = Profile.ELEVE, uai: Uai = UAI, **kw: Any
) -> Account:
    return Account(uai=uai, profile=profile, siecle_id=siecle_id or _unique("A"), **kw)


def _delegation(
    delegation_id: str, delegate_id: str, granted_at: dt.datetime, uai: Uai = UAI
) -> Delegation:
    return Delegation(
        delegation_id=delegation_id,
        uai=uai,
        delegate_id=delegate_id,
        granted_by="ce-0001",
        granted_at=granted_at,
        expires_at=granted_at + dt.timedelta(days=90),
        profiles=[Profile.ELEVE],
        actions=[Action.NOTIFY, Action.RESEND_NOTIFICATION],
    )


# --------------------------------------------------------------------------- the suite


class StorageContract:
    """Every storage backend must pass these tests: subclass and provide ``store``."""

    #: ``False`` for a store that lives in one process's memory: nothing outlives it,
    #: and the durability tests are skipped (said so in the report)
    durable: bool = True

    @pytest.fixture
    def store(self) -> Iterator[Store]:  # pragma: no cover - overridden
        raise NotImplementedError("provide a `store` fixture: a fresh, empty, open store")

    @pytest.fixture
    def reopen(self) -> Reopen:  # pragma: no cover - overridden
        if not self.durable:
            pytest.skip(_NOT_DURABLE)
        raise NotImplementedError(
            "provide a `reopen` fixture: close the store and open the same one again "
            "(or set `durable = False` for a store that lives in memory)"
        )

    def _reopened(self, store: Store, reopen: Reopen) -> Store:
        if not self.durable:
            pytest.skip(_NOT_DURABLE)
        again = reopen(store)
        assert again is not store, "reopen must open the store again, as another process would"
        return again

    # ----------------------------------------------------------------- round-trips

    @_SETTINGS
    @given(school=stored_schools(), eleve=stored_eleves(), responsable=stored_responsables())
    def test_people_round_trip(
        self, store: Store, school: School, eleve: Eleve, responsable: Responsable
    ) -> None:
        link = Link(eleve.eleve_id, responsable.personne_id, ResponsibilityLevel.LEGAL, "10")
        with store.unit_of_work() as uow:
            uow.people.upsert_school(school)
            uow.people.upsert_eleves(school.uai, [eleve])
            uow.people.upsert_responsables(school.uai, [responsable])
            uow.people.upsert_links(school.uai, [link])
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.people.get_school(school.uai) == school
            assert uow.people.get_eleve(school.uai, eleve.eleve_id) == eleve
            assert uow.people.get_responsable(school.uai, responsable.personne_id) == responsable
            assert link in uow.people.links_of_eleve(school.uai, eleve.eleve_id)
            assert link in uow.people.links_of_responsable(school.uai, responsable.personne_id)
            children = uow.people.children(school.uai, responsable.personne_id)
            assert any(c.eleve == eleve and c.link == link for c in children)
            # unchanged data writes nothing
            assert not uow.people.upsert_school(school)
            assert uow.people.upsert_eleves(school.uai, [eleve]) == 0
            assert uow.people.upsert_responsables(school.uai, [responsable]) == 0
            assert uow.people.upsert_links(school.uai, [link]) == 0

    @_SETTINGS
    @given(account=stored_accounts())
    def test_account_round_trip(self, store: Store, account: Account) -> None:
        account = attrs.evolve(
            account,
            siecle_id=_unique(account.siecle_id),
            identifier=None if account.identifier is None else _unique(account.identifier),
        )
        with store.unit_of_work() as uow:
            stored = uow.accounts.add(account)
            uow.commit()
        assert stored == attrs.evolve(account, version=1)
        with store.unit_of_work() as uow:
            assert uow.accounts.get(account.account_id) == stored
            assert uow.accounts.find(account.uai, account.profile, account.siecle_id) == stored
            if account.identifier is not None:
                assert uow.accounts.by_identifier(account.identifier) == stored
                assert uow.accounts.identifier_taken(account.identifier)

    @_SETTINGS
    @given(data=st.data())
    def test_snapshot_round_trip(self, store: Store, data: st.DataObject) -> None:
        account = _account()
        snapshot = data.draw(snapshots(account_id=account.account_id))
        with store.unit_of_work() as uow:
            stored = uow.accounts.add(account)
            uow.eligibility.put(snapshot)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.eligibility.get(account.account_id) == snapshot
            assert uow.accounts.get(account.account_id).version == stored.version

    @_SETTINGS
    @given(
        events=st.lists(audit_events(account_ids=st.none() | st.just("E-0990007V-1")), max_size=6)
    )
    def test_audit_round_trip(self, store: Store, events: list[AuditEvent]) -> None:
        account_id = _unique("E-0990007V-X")
        events = [attrs.evolve(e, account_id=account_id, actor_id=account_id) for e in events]
        with store.unit_of_work() as uow:
            appended = [uow.audit.append(e) for e in events]
            uow.commit()
        assert all(a.event_id is not None for a in appended)
        assert len({a.event_id for a in appended}) == len(appended)
        assert [attrs.evolve(a, event_id=None) for a in appended] == events
        expected = sorted(appended, key=lambda e: e.at)  # stable: append order on ties
        with store.unit_of_work() as uow:
            assert uow.audit.by_account(account_id) == expected
            assert uow.audit.by_actor(account_id) == expected
            assert uow.audit.by_account(account_id, limit=2) == expected[-2:]

    @_SETTINGS
    @given(data=st.data())
    def test_delivery_round_trip(self, store: Store, data: st.DataObject) -> None:
        ids = [_unique("R-0990007V-D"), _unique("R-0990007V-D")]
        records = data.draw(
            st.lists(delivery_records(account_ids=st.sampled_from(ids)), max_size=6)
        )
        with store.unit_of_work() as uow:
            assert uow.deliveries.append_many(records) == len(records)
            uow.commit()
        with store.unit_of_work() as uow:
            latest = {}
            for account_id in ids:
                mine = sorted(
                    (r for r in records if r.account_id == account_id), key=lambda r: r.at
                )
                assert uow.deliveries.by_account(account_id) == mine
                assert uow.deliveries.latest(account_id) == (mine[-1] if mine else None)
                if mine:
                    latest[account_id] = mine[-1]
            assert uow.deliveries.latest_per_account([*ids, "unknown"]) == latest

    # ----------------------------------------------------------------- delegations

    def test_delegations_round_trip_and_revocation(self, store: Store) -> None:
        granted = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
        first = _delegation("D-1", "prof-1", granted)
        second = _delegation("D-2", "prof-2", granted + dt.timedelta(days=1))
        other = _delegation("D-3", "prof-1", granted + dt.timedelta(days=2), uai=OTHER_UAI)
        with store.unit_of_work() as uow:
            for delegation in (second, first, other):
                uow.delegations.put(delegation)
            uow.commit()
        revoked = attrs.evolve(first, revoked_at=granted + dt.timedelta(days=3), revoked_by="ce")
        with store.unit_of_work() as uow:
            uow.delegations.put(revoked)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.delegations.get("D-1") == revoked
            assert uow.delegations.of_school(UAI) == [revoked, second]
            assert uow.delegations.of_delegate("prof-1") == [revoked, other]
            assert uow.delegations.of_delegate("nobody") == []
            with pytest.raises(NotFound):
                uow.delegations.get("D-404")

    def test_delegation_not_committed_is_not_kept(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            uow.delegations.put(
                _delegation("D-9", "prof-9", dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
            )
        with store.unit_of_work() as uow:
            assert uow.delegations.of_school(UAI) == []

    # ----------------------------------------------------------------- keys and errors

    def test_missing_objects(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            with pytest.raises(NotFound):
                uow.accounts.get("E-0990007V-none")
            with pytest.raises(NotFound):
                uow.accounts.by_identifier("nobody")
            assert uow.accounts.find(UAI, Profile.ELEVE, "none") is None
            assert not uow.accounts.identifier_taken("nobody")
            with pytest.raises(NotFound):
                uow.people.get_school(UAI)
            with pytest.raises(NotFound):
                uow.people.get_eleve(UAI, "none")
            with pytest.raises(NotFound):
                uow.people.get_responsable(UAI, "none")
            assert uow.eligibility.get("E-0990007V-none") is None
            with pytest.raises(NotFound):
                uow.eligibility.put(
                    EligibilitySnapshot("E-0990007V-none", {}, (), "", None)  # no account
                )
            assert uow.deliveries.latest("E-0990007V-none") is None

    def test_duplicate_account_is_refused(self, store: Store) -> None:
        account = _account()
        with store.unit_of_work() as uow:
            uow.accounts.add(account)
            with pytest.raises(DuplicateAccount):
                uow.accounts.add(account)
            uow.commit()
        with store.unit_of_work() as uow, pytest.raises(DuplicateAccount):
            uow.accounts.add(account)

    def test_identifier_is_unique(self, store: Store) -> None:
        first = _account(identifier="zoe.dupre")
        second = _account(identifier="lea.martin")
        with store.unit_of_work() as uow:
            uow.accounts.add(first)
            stored = uow.accounts.add(second)
            uow.commit()
        with store.unit_of_work() as uow, pytest.raises(IdentifierTaken, match=r"zoe\.dupre"):
            uow.accounts.add(_account(identifier="zoe.dupre"))
        with store.unit_of_work() as uow, pytest.raises(IdentifierTaken):
            uow.accounts.update(attrs.evolve(stored, identifier="zoe.dupre"))
        with store.unit_of_work() as uow:
            assert uow.accounts.get(second.account_id).identifier == "lea.martin"
            # keeping one's own identifier is fine
            uow.accounts.update(attrs.evolve(stored, has_aten_credentials=True))
            uow.commit()

    def test_link_needs_people(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            uow.people.upsert_school(_school())
            with pytest.raises(StorageError):
                uow.people.upsert_links(UAI, [Link("x", "y", ResponsibilityLevel.LEGAL)])

    # ----------------------------------------------------------------- versions

    def test_update_increments_version(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            v1 = uow.accounts.add(_account())
            uow.commit()
        assert v1.version == 1
        with store.unit_of_work() as uow:
            v2 = uow.accounts.update(attrs.evolve(v1, state=AccountState.NOTIFIED))
            v3 = uow.accounts.update(attrs.evolve(v2, has_aten_credentials=True))
            uow.commit()
        assert (v2.version, v3.version) == (2, 3)
        with store.unit_of_work() as uow:
            assert uow.accounts.get(v1.account_id) == v3

    def test_stale_version_is_refused(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            v1 = uow.accounts.add(_account())
            uow.commit()
        with store.unit_of_work() as uow:
            v2 = uow.accounts.update(attrs.evolve(v1, state=AccountState.NOTIFIED))
            uow.commit()
        with pytest.raises(ConcurrentModification):
            _update_and_commit(store, attrs.evolve(v1, state=AccountState.DEACTIVATED))
        with store.unit_of_work() as uow:
            assert uow.accounts.get(v1.account_id) == v2

    def test_update_all(self, store: Store) -> None:
        """The batched way, where the store offers it, saves as updates one by one."""
        with store.unit_of_work() as uow:
            added = [uow.accounts.add(_account()) for _ in range(5)]
            uow.commit()
        changed = [attrs.evolve(a, state=AccountState.NOTIFIED) for a in added]
        with store.unit_of_work() as uow:
            saved = update_all(uow.accounts, changed)
            uow.commit()
        assert [a.version for a in saved] == [2] * 5
        with store.unit_of_work() as uow:
            assert [uow.accounts.get(a.account_id) for a in added] == saved

    @pytest.mark.parametrize("fault", ["stale", "unknown", "identifier"])
    def test_update_all_refuses_as_one_by_one(self, store: Store, fault: str) -> None:
        with store.unit_of_work() as uow:
            added = [uow.accounts.add(_account(identifier=f"x.{_unique('i')}")) for _ in range(4)]
            uow.commit()
        changed = [attrs.evolve(a, state=AccountState.NOTIFIED) for a in added]
        expected: type[Exception]
        if fault == "stale":
            _update_and_commit(store, changed[2])  # someone else saved it meanwhile
            expected = ConcurrentModification
        elif fault == "unknown":
            changed[2] = attrs.evolve(_account(), version=1)
            expected = NotFound
        else:
            changed[2] = attrs.evolve(changed[2], identifier=added[0].identifier)
            expected = IdentifierTaken
        with store.unit_of_work() as uow, pytest.raises(expected):
            update_all(uow.accounts, changed)
        with store.unit_of_work() as uow:
            assert uow.accounts.get(added[0].account_id) == added[0]

    def test_update_of_unknown_account(self, store: Store) -> None:
        with store.unit_of_work() as uow, pytest.raises(NotFound):
            uow.accounts.update(attrs.evolve(_account(), version=1))

    def test_a_store_is_a_context_manager_closing_on_exit(self, store: Store) -> None:
        with store as entered:
            assert entered is store, "__enter__ returns the store"
            with store.unit_of_work() as uow:
                assert uow.people.schools() == []
        with pytest.raises(StorageError):
            store.unit_of_work()  # closed: no unit of work opens
        store.close()  # closing twice does nothing

    # ----------------------------------------------------------------- durability

    def test_what_was_committed_is_there_after_reopening(
        self, store: Store, reopen: Reopen
    ) -> None:
        eleve = _eleve("1", "DUPRÉ", "Zoé")
        responsable = Responsable(personne_id="P1", name=PersonName("DUPRÉ", "Léa"))
        link = Link("1", "P1", ResponsibilityLevel.LEGAL, "10")
        account = _account("1", identifier="zoe.dupre")
        routes = {Route.PROVISIONAL_PAPER: frozenset[BlockerCode]()}
        snapshot = EligibilitySnapshot(account.account_id, routes, ("6A",), search_key(eleve.name))
        delivery = DeliveryRecord(account.account_id, "paper", AT, True)
        delegation = _delegation("D-1", "prof-1", AT)
        with store.unit_of_work() as uow:
            uow.people.upsert_school(_school())
            uow.people.upsert_eleves(UAI, [eleve])
            uow.people.upsert_responsables(UAI, [responsable])
            uow.people.upsert_links(UAI, [link])
            stored = uow.accounts.add(account)
            uow.eligibility.put(snapshot)
            event = uow.audit.append(_event(account.account_id))
            uow.deliveries.append(delivery)
            uow.delegations.put(delegation)
            uow.commit()
        with store.unit_of_work() as uow:  # never committed: must not come back
            uow.accounts.add(_account("2", identifier="lea.martin"))
        with self._reopened(store, reopen) as again, again.unit_of_work() as uow:
            lost = "lost when the store was reopened"
            assert uow.people.schools() == [_school()], f"the school was {lost}"
            assert list(uow.people.eleves(UAI)) == [eleve], f"the student was {lost}"
            assert uow.people.get_responsable(UAI, "P1") == responsable, lost
            assert uow.people.links_of_eleve(UAI, "1") == [link], f"the link was {lost}"
            assert uow.accounts.find(UAI, Profile.ELEVE, "1") == stored, f"the account was {lost}"
            assert uow.accounts.get(stored.account_id).version == stored.version
            assert uow.eligibility.get(account.account_id) == snapshot, lost
            assert uow.audit.by_account(account.account_id) == [event], lost
            assert uow.deliveries.by_account(account.account_id) == [delivery], lost
            assert uow.delegations.get("D-1") == delegation, lost
            assert uow.accounts.find(UAI, Profile.ELEVE, "2") is None, "uncommitted, yet kept"

    def test_versions_identifiers_and_ids_hold_after_reopening(
        self, store: Store, reopen: Reopen
    ) -> None:
        with store.unit_of_work() as uow:
            v1 = uow.accounts.add(_account(identifier="zoe.dupre"))
            v2 = uow.accounts.update(attrs.evolve(v1, state=AccountState.NOTIFIED))
            first = uow.audit.append(_event(v1.account_id))
            uow.commit()
        with self._reopened(store, reopen) as again:
            with pytest.raises(ConcurrentModification):
                _update_and_commit(again, attrs.evolve(v1, state=AccountState.DEACTIVATED))
            with again.unit_of_work() as uow:
                v3 = uow.accounts.update(attrs.evolve(v2, state=AccountState.DEACTIVATED))
                second = uow.audit.append(_event(v1.account_id))
                uow.commit()
            assert v3.version == 3
            assert second.event_id != first.event_id, "an audit event id was given again"
            with again.unit_of_work() as uow, pytest.raises(IdentifierTaken):
                uow.accounts.add(_account(identifier="zoe.dupre"))

    # ----------------------------------------------------------------- transactions

    def test_no_commit_means_rollback(self, store: Store) -> None:
        account = _account()
        with store.unit_of_work() as uow:
            uow.people.upsert_school(_school())
            uow.accounts.add(account)
            uow.audit.append(_event(account.account_id))
        with store.unit_of_work() as uow:
            with pytest.raises(NotFound):
                uow.accounts.get(account.account_id)
            with pytest.raises(NotFound):
                uow.people.get_school(UAI)
            assert uow.audit.by_account(account.account_id) == []

    def test_exception_rolls_back_everything(self, store: Store) -> None:
        accounts = [_account() for _ in range(5)]

        def write_then_fail() -> None:
            with store.unit_of_work() as uow:
                uow.people.upsert_school(_school())
                uow.people.upsert_eleves(UAI, [_eleve("1", "DUPRÉ", "Zoé")])
                uow.accounts.add_many(accounts)
                uow.deliveries.append(DeliveryRecord(accounts[0].account_id, "paper", AT, True))
                uow.audit.append(_event(accounts[0].account_id))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            write_then_fail()
        with store.unit_of_work() as uow:
            for account in accounts:
                assert uow.accounts.find(account.uai, account.profile, account.siecle_id) is None
            assert uow.people.schools() == []
            assert uow.deliveries.by_account(accounts[0].account_id) == []
            assert uow.audit.by_account(accounts[0].account_id) == []

    def test_explicit_rollback_then_reuse(self, store: Store) -> None:
        first, second = _account(), _account()
        with store.unit_of_work() as uow:
            uow.accounts.add(first)
            uow.rollback()
            uow.accounts.add(second)
            uow.commit()
            # after a commit the unit of work goes on; the next write needs a new commit
            uow.accounts.add(_account("never-committed"))
        with store.unit_of_work() as uow:
            assert uow.accounts.find(UAI, Profile.ELEVE, first.siecle_id) is None
            assert uow.accounts.get(second.account_id).version == 1
            assert uow.accounts.find(UAI, Profile.ELEVE, "never-committed") is None

    def test_uncommitted_writes_are_invisible_to_others(self, store: Store) -> None:
        account = _account()
        with store.unit_of_work() as writer:
            writer.accounts.add(account)
            assert writer.accounts.get(account.account_id).version == 1
            writer.commit()
        with store.unit_of_work() as reader:
            assert reader.accounts.get(account.account_id).version == 1

    # ----------------------------------------------------------------- concurrency

    def test_two_units_of_work_conflict(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            v1 = uow.accounts.add(_account())
            uow.commit()
        first, second = store.unit_of_work(), store.unit_of_work()
        with first, second:
            seen_by_first = first.accounts.get(v1.account_id)
            seen_by_second = second.accounts.get(v1.account_id)
            second.accounts.update(attrs.evolve(seen_by_second, state=AccountState.NOTIFIED))
            second.commit()
            stale = attrs.evolve(seen_by_first, state=AccountState.DEACTIVATED)
            with pytest.raises(ConcurrentModification):
                _update_then_commit(first, stale)
        with store.unit_of_work() as uow:
            final = uow.accounts.get(v1.account_id)
        assert (final.state, final.version) == (AccountState.NOTIFIED, 2)

    def test_concurrent_writers_in_threads(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            v1 = uow.accounts.add(_account())
            uow.commit()
        rounds, errors = 5, []
        conflicts = Counter[str]()

        def worker(name: str) -> None:
            try:
                done = 0
                while done < rounds:
                    try:
                        with store.unit_of_work() as uow:
                            current = uow.accounts.get(v1.account_id)
                            uow.accounts.update(
                                attrs.evolve(current, deactivation_reason=f"{name}{done}")
                            )
                            uow.audit.append(_event(v1.account_id, actor=name))
                            uow.commit()
                        done += 1
                    except ConcurrentModification:
                        conflicts[name] += 1
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors, errors
        with store.unit_of_work() as uow:
            assert uow.accounts.get(v1.account_id).version == 1 + 2 * rounds
            assert len(uow.audit.by_account(v1.account_id)) == 2 * rounds

    # ----------------------------------------------------------------- queries

    @pytest.fixture
    def population(self, store: Store) -> tuple[list[Account], dict[str, EligibilitySnapshot]]:
        """Accounts of two schools with varied states, routes, snapshots and names."""
        names = ["DUPRÉ Zoé", "MARTIN Léa", "N'DIAYE Aminata", "Dupont Éric", "LÉGER Noël"]
        states = list(AccountState)
        routes = list(Route)
        codes = list(BlockerCode)
        accounts, snapshots = [], {}
        for i in range(40):
            uai = UAI if i % 4 else OTHER_UAI
            profile = Profile.ELEVE if i % 3 else Profile.RESPONSABLE
            state = states[i % len(states)]
            activated = state in (AccountState.ACTIVATED, AccountState.PASSWORD_RESET)
            account = Account(
                uai=uai,
                profile=profile,
                siecle_id=f"{1000 + i}",
                state=state,
                route=routes[i % len(routes)] if activated or i % 7 == 0 else None,
                activated_at=AT if activated else None,
                identifier=f"user{i}",
            )
            accounts.append(account)
            if i % 5 == 4:
                continue  # some accounts have no snapshot
            last, first = names[i % len(names)].split(" ", 1)
            blocked_routes = {r: {codes[(i + j) % len(codes)]} for j, r in enumerate(routes)}
            if i % 2:
                blocked_routes[routes[i % len(routes)]] = set()
            if profile is Profile.RESPONSABLE:
                divisions = ["6A", "5B"][: 1 + i % 2]
            else:
                divisions = ["6A" if i % 2 else "5B"]
            snapshots[account.account_id] = EligibilitySnapshot(
                account.account_id,
                routes=blocked_routes,
                divisions=divisions,
                name_key=search_key(PersonName(last, f"{first}{i}")),
                computed_at=AT,
            )
        with store.unit_of_work() as uow:
            for account in accounts[:20]:
                uow.accounts.add(account)
            uow.accounts.add_many(accounts[20:])
            uow.eligibility.put_many(snapshots.values())
            uow.commit()
        with store.unit_of_work() as uow:
            return [uow.accounts.get(a.account_id) for a in accounts], snapshots

    QUERIES: Final = (
        AccountQuery(),
        AccountQuery(limit=None),
        AccountQuery(uai=UAI, limit=7),
        AccountQuery(uai=UAI, offset=7, limit=7),
        AccountQuery(offset=35, limit=10),
        AccountQuery(offset=100),
        AccountQuery(limit=0),
        AccountQuery(profile=Profile.RESPONSABLE),
        AccountQuery(state=AccountState.ACTIVATED),
        AccountQuery(division="6A"),
        AccountQuery(division="5B", profile=Profile.ELEVE),
        AccountQuery(division="3Z"),
        AccountQuery(route=Route.PROVISIONAL_PAPER),
        AccountQuery(route=Route.FRANCECONNECT, eligible=False),
        AccountQuery(activated_by=Route.SMS_SELF_REGISTRATION),
        AccountQuery(blocker=BlockerCode.MISSING_MOBILE),
        AccountQuery(blocker=BlockerCode.NO_ATEN_ACCOUNT, uai=OTHER_UAI),
        AccountQuery(blocked=True),
        AccountQuery(blocked=False),
        AccountQuery(blocked=True, profile=Profile.RESPONSABLE),
        AccountQuery(state=[AccountState.NOT_ACTIVATED, AccountState.NOTIFIED]),
        AccountQuery(state=TO_ACTIVATE, blocker=BlockerCode.MISSING_MOBILE),
        AccountQuery(name="zoe"),
        AccountQuery(name="  Dupr "),
        AccountQuery(name="ndiaye"),
        AccountQuery(name="n'diaye"),
        AccountQuery(name="LEA1"),
        AccountQuery(name="%"),
        AccountQuery(name="_"),
        AccountQuery(name="Noël", state=AccountState.NOT_ACTIVATED),
    )

    @pytest.mark.parametrize("query", QUERIES, ids=repr)
    def test_query_matches_reference(
        self,
        store: Store,
        population: tuple[list[Account], dict[str, EligibilitySnapshot]],
        query: AccountQuery,
    ) -> None:
        accounts, snapshots = population
        expected = _reference_page(accounts, snapshots, query)
        with store.unit_of_work() as uow:
            page = uow.accounts.query(query)
            count = uow.accounts.count(query)
        assert [a.account_id for a in page.items] == [a.account_id for a in expected[0]]
        assert list(page.items) == expected[0]
        assert (page.total, count) == (expected[1], expected[1])
        assert (page.offset, page.limit) == (query.offset, query.limit)

    def test_statistics_match_reference(
        self, store: Store, population: tuple[list[Account], dict[str, EligibilitySnapshot]]
    ) -> None:
        accounts, snapshots = population
        with store.unit_of_work() as uow:
            assert uow.accounts.statistics() == reference_statistics(accounts, snapshots)
            mine = [a for a in accounts if a.uai == UAI]
            assert uow.accounts.statistics(UAI) == reference_statistics(mine, snapshots)
            empty = uow.accounts.statistics(Uai("0000000A"))
        assert empty.total == 0

    def test_get_many(
        self, store: Store, population: tuple[list[Account], dict[str, EligibilitySnapshot]]
    ) -> None:
        accounts, snapshots = population
        wanted = [a.account_id for a in accounts[::3]] + ["E-0990007V-unknown"]
        with store.unit_of_work() as uow:
            got = uow.accounts.get_many(wanted)
            got_snapshots = uow.eligibility.get_many(wanted)
        assert got == {a.account_id: a for a in accounts[::3]}
        assert got_snapshots == {i: snapshots[i] for i in wanted if i in snapshots}

    def test_of_school(
        self, store: Store, population: tuple[list[Account], dict[str, EligibilitySnapshot]]
    ) -> None:
        accounts, _ = population
        with store.unit_of_work() as uow:
            got = list(uow.accounts.of_school(OTHER_UAI))
        assert got == sorted(
            (a for a in accounts if a.uai == OTHER_UAI), key=lambda a: a.account_id
        )

    def test_statuses(
        self, store: Store, population: tuple[list[Account], dict[str, EligibilitySnapshot]]
    ) -> None:
        """The fast way, where the store offers it, and the fallback agree."""
        accounts, _ = population
        with store.unit_of_work() as uow:
            got = sorted(statuses_of(uow.accounts, OTHER_UAI), key=lambda s: s.account_id)
            assert list(statuses_of(uow.accounts, Uai("0000000A"))) == []
            if isinstance(uow.accounts, HasStatuses):
                assert sorted(uow.accounts.statuses(OTHER_UAI), key=lambda s: s.account_id) == got
        assert got == [
            AccountStatus(a.account_id, a.profile, a.siecle_id, a.state, a.deactivation_reason)
            for a in sorted(accounts, key=lambda a: a.account_id)
            if a.uai == OTHER_UAI
        ]

    # ----------------------------------------------------------------- people

    @_SETTINGS
    @given(
        eleve=stored_eleves(),
        responsable=stored_responsables(),
        level=st.sampled_from(ResponsibilityLevel),
        code=st.none() | st.sampled_from(["10", "20", "39"]),
    )
    def test_stored_forms(
        self,
        store: Store,
        eleve: Eleve,
        responsable: Responsable,
        level: ResponsibilityLevel,
        code: str | None,
    ) -> None:
        """Records as their ``dumps`` text, links as ``(level value, code)``, per school;
        the store's own ``stored_forms``, where it offers one, agrees with the fallback."""
        number = next(_UNIQUE) % 10_000_000
        uai = Uai(f"{number:07d}{UAI_CHECK_LETTERS[number % 23]}")
        link = Link(eleve.eleve_id, responsable.personne_id, level, code)
        other = Responsable("OTHER", PersonName("AUTRE", "Personne"))
        with store.unit_of_work() as uow:
            assert stored_forms_of(uow.people, uai) == StoredForms({}, {}, {})
            uow.people.upsert_school(_school(uai))
            uow.people.upsert_school(_school(OTHER_UAI))
            uow.people.upsert_eleves(uai, [eleve])
            uow.people.upsert_responsables(uai, [responsable])
            uow.people.upsert_responsables(OTHER_UAI, [other])
            uow.people.upsert_links(uai, [link])
            uow.commit()
        with store.unit_of_work() as uow:
            forms = stored_forms_of(uow.people, uai)
            if isinstance(uow.people, HasStoredForms):  # the fast way says the same
                assert uow.people.stored_forms(uai) == forms
        assert forms == StoredForms(
            eleves={eleve.eleve_id: dumps(eleve)},
            responsables={responsable.personne_id: dumps(responsable)},
            links={(eleve.eleve_id, responsable.personne_id): (level.value, code)},
        )
        assert loads(forms.eleves[eleve.eleve_id], Eleve) == eleve

    def test_people_listing_and_links(self, store: Store) -> None:
        eleves = [_eleve("2", "B", "b"), _eleve("1", "A", "a"), _eleve("3", "C", "c", "5B")]
        parents = [
            Responsable("P2", PersonName("MARTIN", "Paul")),
            Responsable("P1", PersonName("DUPRÉ", "Anne")),
        ]
        links = [
            Link("1", "P1", ResponsibilityLevel.LEGAL, "20"),
            Link("2", "P1", ResponsibilityLevel.LEGAL, "20"),
            Link("2", "P2", ResponsibilityLevel.CONTACT),
        ]
        with store.unit_of_work() as uow:
            assert uow.people.upsert_school(_school())
            assert uow.people.upsert_school(_school(OTHER_UAI))
            assert uow.people.upsert_eleves(UAI, eleves) == 3
            assert uow.people.upsert_eleves(OTHER_UAI, eleves[:1]) == 1
            assert uow.people.upsert_responsables(UAI, parents) == 2
            assert uow.people.upsert_links(UAI, links) == 3
            uow.commit()
        with store.unit_of_work() as uow:
            assert [s.uai for s in uow.people.schools()] == [UAI, OTHER_UAI]
            assert [e.eleve_id for e in uow.people.eleves(UAI)] == ["1", "2", "3"]
            assert [e.eleve_id for e in uow.people.eleves(OTHER_UAI)] == ["2"]
            assert [r.personne_id for r in uow.people.responsables(UAI)] == ["P1", "P2"]
            assert list(uow.people.links(UAI)) == sorted(
                links, key=lambda k: (k.eleve_id, k.personne_id)
            )
            assert uow.people.links_of_eleve(UAI, "2") == links[1:]
            assert {c.eleve.eleve_id for c in uow.people.children(UAI, "P1")} == {"1", "2"}
            changed = attrs.evolve(eleves[0], division="5A")
            assert uow.people.upsert_eleves(UAI, [changed, eleves[1]]) == 1
            assert uow.people.delete_links(UAI, [("2", "P2"), ("9", "P9")]) == 1
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.people.get_eleve(UAI, "2").division == "5A"
            assert uow.people.links_of_eleve(UAI, "2") == [links[1]]
            assert uow.people.children(UAI, "P2") == []

    # -- observed sign-ins (educonnect_core.observations) ------------------

    def test_sign_ins_round_trip_by_account_id_and_school(self, store: Store) -> None:
        at = dt.datetime(2026, 11, 20, 8, 15, 30, 120000, tzinfo=dt.timezone(dt.timedelta(hours=1)))
        ct_id = "a" * 96
        first = Observation(f"E-{UAI}-1", ct_id, at, at + dt.timedelta(days=2))
        second = Observation(f"R-{UAI}-P1", ct_id, at, at, Route.FRANCECONNECT)
        elsewhere = Observation(f"R-{OTHER_UAI}-P9", ct_id, at, at)
        with store.unit_of_work() as uow:
            assert uow.sign_ins.put_many([first, second, elsewhere]) == 3
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.sign_ins.get_many([first.account_id, "E-none"]) == {first.account_id: first}
            assert list(uow.sign_ins.of_school(UAI)) == [first, second]
            assert uow.sign_ins.linked([ct_id, "b" * 96]) == {
                ct_id: sorted([first.account_id, second.account_id, elsewhere.account_id])
            }
            assert uow.sign_ins.linked([]) == {}
            later = first.merge(Observation.of(first.account_id, ct_id, at + dt.timedelta(days=9)))
            uow.sign_ins.put_many([later])  # replaced, not added; then rolled back
            assert uow.sign_ins.get_many([first.account_id])[first.account_id] == later
        with store.unit_of_work() as uow:
            assert uow.sign_ins.get_many([first.account_id])[first.account_id] == first

    def test_eleves_by_ine_across_schools(self, store: Store) -> None:
        ine = Ine("070123456AB")
        here = attrs.evolve(_eleve("1", "MARTIN", "Zoé"), ine=ine)
        there = attrs.evolve(_eleve("7", "MARTIN", "Zoé"), ine=ine)
        other = attrs.evolve(
            _eleve("2", "PETIT", "Léo"), ine=Invalid("070", "INVALID_INE", "short")
        )
        with store.unit_of_work() as uow:
            uow.people.upsert_school(_school())
            uow.people.upsert_school(_school(OTHER_UAI))
            uow.people.upsert_eleves(UAI, [here, other])
            uow.people.upsert_eleves(OTHER_UAI, [there])
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.people.eleves_by_ine(["070123456AB", "070", "070999999ZZ"]) == {
                "070123456AB": [(UAI, here), (OTHER_UAI, there)]
            }
            assert uow.people.eleves_by_ine([]) == {}

    def test_legal_representatives_of_many_students(self, store: Store) -> None:
        legal, contact = ResponsibilityLevel.LEGAL, ResponsibilityLevel.CONTACT
        mother, father, aunt = (
            Responsable.from_raw(personne_id=p, last_name="MARTIN", first_name=f)
            for p, f in (("P2", "Claire"), ("P1", "Paul"), ("P3", "Anne"))
        )
        with store.unit_of_work() as uow:
            for uai in (UAI, OTHER_UAI):
                uow.people.upsert_school(_school(uai))
                uow.people.upsert_eleves(uai, [_eleve("1", "MARTIN", "Zoé")])
            uow.people.upsert_eleves(UAI, [_eleve("2", "MARTIN", "Léo")])
            uow.people.upsert_responsables(UAI, [mother, father, aunt])
            uow.people.upsert_responsables(OTHER_UAI, [mother])
            uow.people.upsert_links(
                UAI, [Link("1", "P2", legal), Link("1", "P1", legal), Link("1", "P3", contact)]
            )
            uow.people.upsert_links(OTHER_UAI, [Link("1", "P2", legal)])
            uow.commit()
        with store.unit_of_work() as uow:
            found = uow.people.legal_representatives(
                [(UAI, "1"), (OTHER_UAI, "1"), (UAI, "2"), (UAI, "none")]
            )
            assert found == {(UAI, "1"): [father, mother], (OTHER_UAI, "1"): [mother]}
            assert uow.people.legal_representatives([]) == {}


def _event(account_id: str, actor: str = "chef.1") -> AuditEvent:
    return AuditEvent(
        at=AT,
        actor_id=actor,
        role="head",
        access="otp",
        action="notify",
        outcome=Outcome.ALLOWED,
        account_id=account_id,
        uai=str(UAI),
    )


def _update_then_commit(uow: UnitOfWork, account: Account) -> None:
    uow.accounts.update(account)
    uow.commit()


def _update_and_commit(store: Store, account: Account) -> None:
    with store.unit_of_work() as uow:
        _update_then_commit(uow, account)


def _reference_page(
    accounts: Sequence[Account], snapshots: dict[str, EligibilitySnapshot], query: AccountQuery
) -> tuple[list[Account], int]:
    found = [a for a in accounts if query.matches(a, snapshots.get(a.account_id))]
    found.sort(
        key=lambda a: (
            snapshots[a.account_id].name_key if a.account_id in snapshots else "",
            a.account_id,
        )
    )
    end = None if query.limit is None else query.offset + query.limit
    return found[query.offset : end], len(found)


# --------------------------------------------------------------------------- synthetic export

_LAST: Final = ("DUPRÉ", "MARTIN", "N'DIAYE", "LEFÈVRE", "NGUYEN", "DA SILVA", "MÜLLER", "ROUX")
_FIRST: Final = ("Zoé", "Léa", "Noël", "Aminata", "Éric", "Inès", "Hugo", "Chloé", "Yanis")
_DIVISIONS: Final = ("6A", "6B", "5A", "5B", "4A", "4B", "3A", "3B")


@attrs.define
class SyntheticExport(ClosedOnExit):
    """An :class:`~educonnect_core.ports.ExportReader` of invented people, made on the fly.

    ``eleves`` students; each has two responsables (one legal, one legal or a
    contact), every third student shares them with the previous one (siblings);
    every 25th student has left, every 7th responsable has no mobile, every
    11th an invalid email. ``fail_after``: raise :class:`RuntimeError` after
    yielding that many students (to test interrupted imports); ``on_eleve``: a
    callback called with each student's index (e.g. to kill the process).
    """

    eleves_count: int
    uai: Uai = UAI
    school_year: int = 2025
    fail_after: int | None = None
    on_eleve: Any = None
    variant: str = ""

    @property
    def kind(self) -> str:
        return "synthetic"

    @property
    def school(self) -> School:
        return School(uai=self.uai, school_year=self.school_year, exported_at=AT, name="Synthèse")

    def _parents(self, i: int) -> tuple[int, int]:
        family = i - 1 if i % 3 == 2 else i
        return 2 * family, 2 * family + 1

    def eleves(self) -> Iterator[Eleve]:
        for i in range(self.eleves_count):
            if self.fail_after is not None and i >= self.fail_after:
                raise RuntimeError(f"synthetic failure after {i} students")
            if self.on_eleve is not None:
                self.on_eleve(i)
            left = i % 25 == 24
            yield Eleve(
                eleve_id=f"{100000 + i}",
                name=PersonName(_LAST[i % len(_LAST)], _FIRST[i % len(_FIRST)] + self.variant),
                birth_date=BirthDate(dt.date(2013 - (i % 4), 1 + i % 12, 1 + i % 28)),
                division=_DIVISIONS[i % len(_DIVISIONS)],
                mef="10010012110",
                status=StudentStatus.LEFT if left else StudentStatus.CURRENT,
                left_on=dt.date(2025, 12, 1) if left else None,
            )

    def responsables(self) -> Iterator[Responsable]:
        for i in range(self.eleves_count):
            if i % 3 == 2:
                continue
            for p in self._parents(i):
                mobile = None if p % 7 == 0 else MobilePhone(f"+336{10000000 + p:08d}"[:12])
                email: EmailAddress | Invalid = EmailAddress(f"parent{p}@exemple.fr")
                if p % 11 == 0:
                    email = Invalid(raw=f"parent{p}@", code="INVALID_EMAIL", reason="no domain")
                yield Responsable(
                    personne_id=f"P{p}",
                    name=PersonName(_LAST[p % len(_LAST)], _FIRST[(p + 3) % len(_FIRST)]),
                    civilite="MME" if p % 2 else "M.",
                    mobile=mobile,
                    email=email,
                )

    def links(self) -> Iterator[Link]:
        for i in range(self.eleves_count):
            first, second = self._parents(i)
            second_level = ResponsibilityLevel.CONTACT if i % 5 == 0 else ResponsibilityLevel.LEGAL
            yield Link(f"{100000 + i}", f"P{first}", ResponsibilityLevel.LEGAL, "10")
            yield Link(f"{100000 + i}", f"P{second}", second_level, "20")

    @property
    def findings(self) -> Sequence[Finding]:
        return ()

    @property
    def files(self) -> Sequence[str]:
        return ()

    def close(self) -> None:
        """Nothing to release: the people are made on the fly."""
