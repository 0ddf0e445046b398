"""Invariants over any sequence of calls, and an action lost to a concurrent change."""

from __future__ import annotations

import datetime as dt
from types import TracebackType
from typing import Any, Self
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from educonnect_adapters.memory import MemoryStore
from educonnect_core.accounts import Account
from educonnect_core.actions import Action, Outcome
from educonnect_core.audit import Outcome as AuditOutcome
from educonnect_core.errors import EduconnectError
from educonnect_core.permissions import Actor
from educonnect_core.ports import ClosedOnExit
from educonnect_core.routes import Route
from educonnect_core.service import (
    CONCURRENT,
    ActionResult,
    ActivationReport,
    AdministrationService,
    Selection,
    Session,
)
from educonnect_core.storage import Store, UnitOfWork
from educonnect_core.testing import FixedClock, SeededRandom

from .admin_world import (
    CLAIRE,
    ELSEWHERE,
    FAST,
    HUGO_BIRTH,
    LUCAS,
    OTHER_UAI,
    UAI,
    ZOE,
    ZOE_BIRTH,
    World,
    populate,
    session,
)

SESSIONS = [
    session(Actor.chef_etablissement("ce-0001", UAI)),
    session(Actor.chef_etablissement("ce-0001", UAI), otp=True, network=False),
    session(Actor.directeur_ecole("dir-0003", UAI)),
    session(Actor.chef_etablissement("ce-0009", OTHER_UAI)),
    session(Actor.identity_provider()),
]
ACCOUNTS = [ZOE, LUCAS, CLAIRE, ELSEWHERE, "E-0990007V-9999"]
CALL = st.tuples(
    st.sampled_from(SESSIONS),
    st.sampled_from(list(Action)),
    st.sampled_from(ACCOUNTS),
    st.sampled_from([dt.timedelta(0), dt.timedelta(days=40)]),
)


def _call(
    service: AdministrationService, who: Session, action: Action, account_id: str
) -> ActionResult:
    if action is Action.NOTIFY:
        return service.notify(who, account_id)
    if action is Action.RESEND_NOTIFICATION:
        return service.resend_notification(who, account_id)
    if action is Action.RESET_PASSWORD:
        return service.reset_password(who, account_id)
    if action is Action.RECALL_IDENTIFIER:
        return service.recall_identifier(who, account_id)
    if action is Action.DEACTIVATE:
        return service.deactivate(who, account_id)
    if action is Action.REACTIVATE:
        return service.reactivate(who, account_id)
    if action is Action.RECORD_PASSWORD_CHANGED:
        return service.record_password_changed(who, account_id)
    route = Route.SMS_SELF_REGISTRATION if account_id.startswith("R") else Route.ATEN_TRANSITION
    return service.record_activation(
        who, ActivationReport(account_id, route, (ZOE_BIRTH, HUGO_BIRTH))
    )


def _snapshot(store: Store) -> dict[str, Account]:
    with store.unit_of_work() as uow:
        return {a.account_id: a for uai in (UAI, OTHER_UAI) for a in uow.accounts.of_school(uai)}


def _event_count(store: Store) -> int:
    with store.unit_of_work() as uow:
        return sum(len(uow.audit.by_account(a)) for a in ACCOUNTS)


@settings(max_examples=40)
@given(st.lists(CALL, min_size=1, max_size=12))
def test_every_call_is_audited_once_and_refusals_change_nothing(
    calls: list[tuple[Session, Action, str, dt.timedelta]],
) -> None:
    clock = FixedClock(dt.datetime(2026, 1, 12, 15, 0, tzinfo=ZoneInfo("Europe/Paris")))
    store = MemoryStore()
    populate(store, clock.now())
    service = AdministrationService(store, clock, SeededRandom(1), scrypt=FAST)
    for who, action, account_id, wait in calls:
        clock.advance(wait)
        before, events = _snapshot(store), _event_count(store)
        try:
            result = _call(service, who, action, account_id)
        except EduconnectError:
            assert _snapshot(store) == before
        else:
            after = _snapshot(store)[account_id]
            assert after.state is result.after
            if result.outcome is Outcome.UNCHANGED:
                assert after == before[account_id]
            if result.notification is not None:
                assert result.notification.identifier == after.identifier
                if result.notification.password is not None:
                    assert result.notification.password not in repr(after)
        assert _event_count(store) == events + 1


@attrs.define
class _RacingAccounts:
    """Accounts whose ``get`` of the victim lets someone else change it first,
    or, with ``steal``, whose first free identifier is taken by ``steal`` meanwhile."""

    inner: Any
    race: _Race

    def get(self, account_id: str) -> Account:
        account: Account = self.inner.get(account_id)
        if account_id == self.race.victim and not self.race.fired and not self.race.steal:
            self.race.fired = True
            with self.race.store.unit_of_work() as other:
                current = other.accounts.get(account_id)
                other.accounts.update(attrs.evolve(current, has_aten_credentials=True))
                other.commit()
        return account

    def identifier_taken(self, identifier: str) -> bool:
        taken: bool = self.inner.identifier_taken(identifier)
        if not taken and self.race.steal and not self.race.fired:
            self.race.fired = True
            with self.race.store.unit_of_work() as other:
                thief = other.accounts.get(self.race.steal)
                other.accounts.update(attrs.evolve(thief, identifier=identifier))
                other.commit()
        return taken

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@attrs.define
class _Race:
    store: Store
    victim: str
    steal: str | None = None
    fired: bool = False


@attrs.define
class _RacingUnitOfWork:
    inner: UnitOfWork
    race: _Race

    @property
    def accounts(self) -> Any:
        return _RacingAccounts(self.inner.accounts, self.race)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.inner.__exit__(exc_type, exc, tb)


@attrs.define
class _RacingStore(ClosedOnExit):
    race: _Race

    @property
    def url(self) -> str:
        return self.race.store.url

    def unit_of_work(self) -> Any:
        return _RacingUnitOfWork(self.race.store.unit_of_work(), self.race)

    def close(self) -> None:
        self.race.store.close()


def test_a_bulk_run_reports_an_account_changed_meanwhile(world: World) -> None:
    chef = SESSIONS[0]
    racing = AdministrationService(
        _RacingStore(_Race(world.store, ZOE)), world.clock, SeededRandom(3), scrypt=FAST
    )
    ids = Selection.of_accounts([ZOE, LUCAS])
    run = racing.bulk(chef, Action.DEACTIVATE, ids)
    assert [(r.account_id, r.outcome, r.code) for r in run.results] == [
        (ZOE, Outcome.REFUSED, CONCURRENT),
        (LUCAS, Outcome.CHANGE, None),
    ]
    assert world.audit(ZOE)[-1].reason == CONCURRENT
    again = world.service.bulk(chef, Action.DEACTIVATE, ids)
    assert [r.outcome for r in again.results] == [Outcome.CHANGE, Outcome.UNCHANGED]


def test_an_identifier_taken_meanwhile_is_probed_again(world: World) -> None:
    chef = SESSIONS[0]
    racing = AdministrationService(
        _RacingStore(_Race(world.store, ZOE, steal=LUCAS)),
        world.clock,
        SeededRandom(3),
        scrypt=FAST,
    )
    issued = racing.notify(chef, ZOE).notification
    assert issued is not None
    stolen = world.get(LUCAS).identifier
    assert stolen is not None
    assert stolen.startswith("z.martin")
    assert issued.identifier != stolen
    assert world.get(ZOE).identifier == issued.identifier
    assert [e.outcome for e in world.audit(ZOE)] == [AuditOutcome.ALLOWED]
