"""Persons over successive syncs of several schools (both degrees), on real stores:
an activation at one school is the state at the others, a known person arriving
at a new school keeps their state and needs no letter, a bulk notification
leaves them out."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from core.families import COLLEGE, ECOLE, LYCEE, college, ecole, lycee
from educonnect_core.accounts import Account
from educonnect_core.credentials import ScryptParams
from educonnect_core.grouping import SchoolRecords
from educonnect_core.moves import school_moves
from educonnect_core.people import Degree, Profile, School
from educonnect_core.permissions import AccessContext, Actor
from educonnect_core.persons import load_persons
from educonnect_core.routes import Route
from educonnect_core.service import ACTIVE_ELSEWHERE, AdministrationService, Session
from educonnect_core.states import AccountState, Event
from educonnect_core.storage import Store
from educonnect_core.sync import Export, synchronise
from educonnect_core.testing import FixedClock, SeededRandom

YEAR1 = dt.datetime(2026, 1, 12, 20, 0, tzinfo=dt.UTC)
YEAR2 = dt.datetime(2026, 9, 1, 20, 0, tzinfo=dt.UTC)


def _export(records: SchoolRecords, at: dt.datetime) -> Export:
    school = School(records.uai, school_year=at.year, exported_at=at, degree=records.degree)
    return Export.of(school, records.eleves, records.responsables, records.links)


def _without_noah(records: SchoolRecords) -> SchoolRecords:
    return attrs.evolve(
        records,
        eleves=tuple(e for e in records.eleves if e.eleve_id != "1002"),
        responsables=tuple(r for r in records.responsables if r.personne_id != "5303"),
        links=tuple(lk for lk in records.links if lk.eleve_id != "1002"),
    )


def _activate(store: Store, account_id: str, route: Route, at: dt.datetime) -> None:
    with store.unit_of_work() as uow:
        account: Account = uow.accounts.get(account_id)
        uow.accounts.update(account.apply(Event.ACTIVATE, at, route=route))
        uow.commit()


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def a_store(request: pytest.FixtureRequest) -> Store:
    name = {"memory": "store", "sqlite": "sqlite_store", "postgres": "postgres_store"}
    opened: Store = request.getfixturevalue(name[request.param])
    return opened


def test_families_over_successive_syncs(a_store: Store) -> None:
    store = a_store
    for records in (college(), lycee(with_noah=False), ecole()):
        synchronise(store, _export(records, YEAR1), YEAR1 + dt.timedelta(hours=1))
    later = YEAR1 + dt.timedelta(days=3)
    _activate(store, f"R-{ECOLE}-P1", Route.FRANCECONNECT, later)  # Claire, at the école
    _activate(store, f"E-{COLLEGE}-1002", Route.ATEN_TRANSITION, later)  # Noah
    _activate(store, f"R-{COLLEGE}-5303", Route.SMS_SELF_REGISTRATION, later)  # Sarah

    with store.unit_of_work() as uow:
        view = load_persons(uow)
    assert view.effective_state(f"R-{COLLEGE}-5301") is AccountState.ACTIVATED
    assert view.effective_state(f"R-{LYCEE}-7301") is AccountState.ACTIVATED
    assert view.effective_state(f"R-{LYCEE}-7302") is AccountState.NOT_ACTIVATED  # Paul
    stats = view.statistics()
    # 7 accounts (DUPONT Marie of the lycée has no child there): Claire's 3 are one
    assert stats.persons(Profile.RESPONSABLE) == 5
    assert stats.accounts_by_profile[Profile.RESPONSABLE] == 7
    assert stats.persons(Profile.RESPONSABLE, AccountState.ACTIVATED) == 2

    # the lycée notifies its responsables: Claire is left out, already active elsewhere
    clock = FixedClock(later + dt.timedelta(days=1))
    service = AdministrationService(
        store, clock, SeededRandom(7), scrypt=ScryptParams(n=16, r=8, p=1)
    )
    chef = Session(
        Actor.chef_etablissement("ce-lycee", LYCEE),
        AccessContext(otp=False, administrative_network=True),
    )
    bulk = service.notify_profile(chef, LYCEE, Profile.RESPONSABLE)
    assert [r.account_id for r in bulk.active_elsewhere] == [f"R-{LYCEE}-7301"]
    (left_out,) = bulk.active_elsewhere
    assert left_out.code == ACTIVE_ELSEWHERE
    assert f"R-{ECOLE}-P1" in (left_out.reason_fr or "")
    assert {r.account_id for r in bulk.changed} == {f"R-{LYCEE}-7302"}

    # rentrée: Noah and his mother move from the collège to the lycée
    arrived = synchronise(store, _export(lycee(), YEAR2), YEAR2 + dt.timedelta(hours=1))
    with store.unit_of_work() as uow:
        moves = school_moves(uow, arrived)
    assert {a.account_id for a in moves.arrivals} == {f"E-{LYCEE}-2002", f"R-{LYCEE}-7303"}
    assert {a.account_id for a in moves.no_letter} == {f"E-{LYCEE}-2002", f"R-{LYCEE}-7303"}
    for arrival in moves.arrivals:
        assert arrival.state is AccountState.ACTIVATED
        assert arrival.from_schools == (COLLEGE,)
    assert any("aucune notification" in line for line in moves.lines_fr())

    left = synchronise(
        store, _export(_without_noah(college()), YEAR2), YEAR2 + dt.timedelta(hours=2)
    )
    with store.unit_of_work() as uow:
        moves = school_moves(uow, left)
        view = load_persons(uow)
    assert {d.account_id for d in moves.departures} == {f"E-{COLLEGE}-1002", f"R-{COLLEGE}-5303"}
    assert all(d.continues_at == (LYCEE,) for d in moves.departures)
    # state kept: Noah is still active through the person level, and no letter is due
    assert view.effective_state(f"E-{LYCEE}-2002") is AccountState.ACTIVATED
    assert view.active_elsewhere(f"E-{LYCEE}-2002") == f"E-{COLLEGE}-1002"
    assert ECOLE.value
    assert Degree.FIRST
