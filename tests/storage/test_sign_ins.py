"""Observed sign-ins on every backend: matching, recording, idempotence, order."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from educonnect_core.accounts import Account
from educonnect_core.audit import AuditEvent
from educonnect_core.observed import SignInRecorder, SignInSummary
from educonnect_core.people import (
    Degree,
    Eleve,
    Link,
    Profile,
    Responsable,
    ResponsibilityLevel,
    School,
)
from educonnect_core.permissions import AccessContext, Actor
from educonnect_core.service import AdministrationService, Session
from educonnect_core.signins import SignIn
from educonnect_core.states import AccountState, Event
from educonnect_core.storage import Store
from educonnect_core.testing import FixedClock, SeededRandom
from educonnect_core.values import Uai

COLLEGE = Uai("0990007V")
LYCEE = Uai("0990008W")
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
IDP = Session(Actor.identity_provider(), AccessContext(otp=True, administrative_network=True))

ZOE_INE = "070123456AB"
HUGO_INE = "070123457CD"
LEO_INE = "070123458EF"


def ct(n: int) -> str:
    return f"{n:096x}"


def _school(uai: Uai) -> School:
    return School(uai=uai, school_year=2026, degree=Degree.SECOND, name=f"École {uai}")


def populate(store: Store) -> None:
    """Claire MARTIN has Zoé at the collège and Hugo at the lycée (two accounts);
    two homonym PETIT Jean are legal representatives of Léo; Inès has no INE."""
    legal = ResponsibilityLevel.LEGAL
    schools = {
        COLLEGE: (
            [
                Eleve.from_raw(
                    eleve_id="1001",
                    last_name="MARTIN",
                    first_name="Zoé",
                    birth_date="04/03/2012",
                    ine=ZOE_INE,
                    division="4A",
                ),
                Eleve.from_raw(
                    eleve_id="1002",
                    last_name="PETIT",
                    first_name="Léo",
                    birth_date="01/02/2013",
                    ine=LEO_INE,
                    division="5B",
                ),
                Eleve.from_raw(
                    eleve_id="1003",
                    last_name="DURAND",
                    first_name="Inès",
                    birth_date="05/06/2013",
                    division="5B",
                ),
            ],
            [
                Responsable.from_raw(personne_id="5001", last_name="MARTIN", first_name="Claire"),
                Responsable.from_raw(personne_id="5002", last_name="PETIT", first_name="Jean"),
                Responsable.from_raw(personne_id="5003", last_name="PETIT", first_name="Jean"),
            ],
            [Link("1001", "5001", legal), Link("1002", "5002", legal), Link("1002", "5003", legal)],
        ),
        LYCEE: (
            [
                Eleve.from_raw(
                    eleve_id="2001",
                    last_name="MARTIN",
                    first_name="Hugo",
                    birth_date="30/09/2009",
                    ine=HUGO_INE,
                    division="2NDE1",
                ),
            ],
            [Responsable.from_raw(personne_id="6001", last_name="Martin", first_name="Claire")],
            [Link("2001", "6001", legal)],
        ),
    }
    with store.unit_of_work() as uow:
        for uai, (eleves, responsables, links) in schools.items():
            uow.people.upsert_school(_school(uai))
            uow.people.upsert_eleves(uai, eleves)
            uow.people.upsert_responsables(uai, responsables)
            uow.people.upsert_links(uai, links)
            accounts = [Account.open(uai, Profile.ELEVE, e.eleve_id, at=NOW) for e in eleves]
            accounts += [
                Account.open(uai, Profile.RESPONSABLE, r.personne_id, at=NOW) for r in responsables
            ]
            uow.accounts.add_many(accounts)
        uow.commit()


def student(
    n: int,
    ine: str | None,
    uai: Uai = COLLEGE,
    *,
    at: str = "2026-11-20 08:15:00.000",
    last: str = "MARTIN",
    first: str = "Zoé",
    birth: str | None = None,
) -> SignIn:
    claims: dict[str, object] = {
        "FrEduCtId": ct(n),
        "FrEduCtPersonAffiliation": ["eleve2d"],
        "sn": last,
        "givenName": first,
        "FrEduCtDateConnexion": at,
        "FrEduCtEleveUAI": str(uai),
    }
    if ine:
        claims["FrEduCtEleveINE"] = ine
    if birth:
        claims["FrEduCtDateNaissance"] = birth
    return SignIn.from_oidc(claims)


def parent(
    n: int,
    last: str,
    first: str,
    children: list[tuple[str, Uai]],
    at: str = "2026-11-20 19:00:00.000",
) -> SignIn:
    return SignIn.from_oidc(
        {
            "FrEduCtId": ct(n),
            "FrEduCtPersonAffiliation": "resp2d",
            "sn": last,
            "givenName": first,
            "FrEduCtDateConnexion": at,
            "FrEduCtEleveINE": [i for i, _ in children],
            "FrEduCtEleveUAI": [str(u) for _, u in children],
        }
    )


@pytest.fixture
def store(any_store: Store) -> Store:
    populate(any_store)
    return any_store


def recorder(store: Store, batch: int = 2_000) -> SignInRecorder:
    return SignInRecorder(store, FixedClock(NOW), IDP, batch=batch)


def state(store: Store) -> tuple[dict[str, tuple[object, ...]], dict[str, Any]]:
    """Accounts (state, activation time, route) and observations, comparable."""
    with store.unit_of_work() as uow:
        accounts: dict[str, tuple[object, ...]] = {}
        observed: dict[str, Any] = {}
        for uai in (COLLEGE, LYCEE):
            for a in uow.accounts.of_school(uai):
                accounts[a.account_id] = (a.state, a.activated_at, a.route)
            for o in uow.sign_ins.of_school(uai):
                observed[o.account_id] = o
    return accounts, observed


def test_a_student_matches_by_ine_and_is_observed_active(store: Store) -> None:
    summary = recorder(store).record(student(1, ZOE_INE))
    assert (summary.matched, summary.activated_now, summary.unknown) == (1, 1, 0)
    with store.unit_of_work() as uow:
        zoe = uow.accounts.get("E-0990007V-1001")
        observation = uow.sign_ins.get_many(["E-0990007V-1001"])["E-0990007V-1001"]
        events: list[AuditEvent] = uow.audit.by_account("E-0990007V-1001")
    assert zoe.state is AccountState.ACTIVATED
    assert zoe.route is None  # the claims do not tell the route
    assert zoe.activated_at == dt.datetime(2026, 11, 20, 7, 15, tzinfo=dt.UTC)
    assert observation.ct_id == ct(1)
    assert [(e.action, e.role, e.reason) for e in events] == [
        ("record_sign_in", "identity_provider", "activated_now")
    ]


def test_a_later_sign_in_matches_by_the_linked_id_and_updates_last_seen(store: Store) -> None:
    rec = recorder(store)
    rec.record(student(1, ZOE_INE))
    later = student(1, None, at="2026-11-27 08:00:00.000")  # no INE: the link suffices
    summary = rec.record(later)
    assert (summary.matched, summary.already_active) == (1, 1)
    _, observed = state(store)
    assert observed["E-0990007V-1001"].last_seen.day == 27


def test_a_responsable_matches_by_children_and_names_at_both_schools(store: Store) -> None:
    summary = recorder(store).record(
        parent(2, "MARTIN", "Claire", [(ZOE_INE, COLLEGE), (HUGO_INE, LYCEE)])
    )
    assert (summary.matched, summary.activated_now) == (1, 2)
    accounts, observed = state(store)
    assert set(observed) == {"R-0990007V-5001", "R-0990008W-6001"}
    assert accounts["R-0990008W-6001"][0] is AccountState.ACTIVATED


def test_homonym_representatives_are_ambiguous_never_guessed(store: Store) -> None:
    summary = recorder(store).record(parent(3, "PETIT", "Jean", [(LEO_INE, COLLEGE)]))
    assert (summary.ambiguous, summary.matched) == (1, 0)
    assert summary.problems[0].reason == "homonyms"
    assert state(store)[1] == {}


@pytest.mark.parametrize(
    ("sign_in", "reason"),
    [
        (student(4, "070999999ZZ"), "no_account"),
        (student(4, None), "no_key"),
        (student(4, ZOE_INE, first="Zoë-Anne"), "names_differ"),
        (parent(4, "DUPONT", "Marc", [(ZOE_INE, COLLEGE)]), "not_representative"),
        (parent(4, "MARTIN", "Claire", [("070999999ZZ", COLLEGE)]), "no_child"),
    ],
)
def test_failed_matches_say_why(store: Store, sign_in: SignIn, reason: str) -> None:
    summary = recorder(store).record(sign_in)
    assert summary.matched == 0
    assert [p.reason for p in summary.problems] == [reason]
    assert summary.problems[0].reason_fr.endswith(".")
    assert state(store)[1] == {}


def test_a_different_birth_date_is_a_finding(store: Store) -> None:
    summary = recorder(store).record(student(5, ZOE_INE, birth="2012-03-05"))
    assert summary.matched == 1
    assert [f.code for f in summary.findings] == ["SIGN_IN_BIRTH_DATE_DIFFERS"]


def test_a_notified_account_stops_being_outstanding(store: Store) -> None:
    service = AdministrationService(store, FixedClock(NOW), SeededRandom(1))
    chef = Session(Actor.chef_etablissement("ce", COLLEGE), AccessContext(otp=True))
    service.notify(chef, "E-0990007V-1001")
    recorder(store).record(student(1, ZOE_INE))
    with store.unit_of_work() as uow:
        zoe = uow.accounts.get("E-0990007V-1001")
        stats = uow.accounts.statistics(COLLEGE)
    assert zoe.state is AccountState.ACTIVATED
    assert zoe.credential is None
    assert stats.by_profile_state.get((Profile.ELEVE, AccountState.NOTIFIED), 0) == 0


def test_a_deactivated_account_is_reported_not_reactivated(store: Store) -> None:
    with store.unit_of_work() as uow:
        zoe = uow.accounts.get("E-0990007V-1001")
        uow.accounts.update(zoe.apply(Event.DEACTIVATE, NOW, reason="left"))
        uow.commit()
    summary = recorder(store).record(student(1, ZOE_INE))
    assert summary.deactivated == 1
    assert [p.outcome for p in summary.problems] == ["deactivated"]
    assert state(store)[0]["E-0990007V-1001"][0] is AccountState.DEACTIVATED


def _feed() -> list[SignIn]:
    return [
        student(1, ZOE_INE, at="2026-11-21 08:00:00.000"),
        student(1, None, at="2026-11-20 08:00:00.000"),
        student(1, ZOE_INE, at="2026-11-23 08:00:00.000"),
        parent(2, "MARTIN", "Claire", [(ZOE_INE, COLLEGE), (HUGO_INE, LYCEE)]),
        parent(2, "MARTIN", "Claire", [], at="2026-11-25 19:00:00.000"),
        parent(3, "PETIT", "Jean", [(LEO_INE, COLLEGE)]),
        student(6, HUGO_INE, LYCEE, last="MARTIN", first="Hugo"),
    ]


def test_the_same_feed_twice_or_shuffled_gives_the_same_store(any_store: Store) -> None:
    populate(any_store)
    feed = _feed()
    first = recorder(any_store, batch=3).record_many(feed)
    once = state(any_store)
    again = recorder(any_store, batch=3).record_many(feed)
    assert state(any_store) == once
    assert again.accounts_written == 0
    assert again.activated_now == 0
    assert first.activated_now == 4
    for seed in range(3):
        other = type(any_store)() if type(any_store).__name__ == "MemoryStore" else None
        if other is None:
            break
        populate(other)
        shuffled = feed[:]
        random.Random(seed).shuffle(shuffled)
        recorder(other, batch=2).record_many(shuffled)
        assert state(other) == once


def test_dry_run_writes_nothing(store: Store) -> None:
    summary = recorder(store).record_many(_feed(), dry_run=True)
    assert summary.activated_now == 4
    assert state(store)[1] == {}


def test_the_service_records_a_sign_in(store: Store) -> None:
    service = AdministrationService(store, FixedClock(NOW), SeededRandom(1))
    summary: SignInSummary = service.record_sign_in(IDP, student(1, ZOE_INE))
    assert summary.activated_now == 1


def test_observed_activity_counts_seen_never_seen_dormant_and_letters(store: Store) -> None:
    from educonnect_core.observed_activity import observed_activity

    service = AdministrationService(store, FixedClock(NOW), SeededRandom(1))
    chef = Session(Actor.chef_etablissement("ce", COLLEGE), AccessContext(otp=True))
    for account_id in ("E-0990007V-1002", "E-0990007V-1003"):
        issued = service.notify(chef, account_id)
        assert issued.notification is not None
    with store.unit_of_work() as uow:
        from educonnect_core.deliveries import DeliveryRecord

        for account_id in ("E-0990007V-1002", "E-0990007V-1003"):
            uow.deliveries.append(DeliveryRecord(account_id, "paper", NOW, delivered=True))
        uow.commit()
    rec = recorder(store)
    rec.record(student(1, ZOE_INE, at="2026-06-01 08:00:00.000"))  # seen long ago
    rec.record(student(7, LEO_INE, last="PETIT", first="Léo"))  # before his letter
    rec.record(parent(2, "MARTIN", "Claire", [(ZOE_INE, COLLEGE)]))
    with store.unit_of_work() as uow:
        figures = observed_activity(uow, COLLEGE, NOW + dt.timedelta(days=1))
    assert (figures.accounts, figures.observed, figures.never_seen) == (6, 3, 3)
    assert figures.dormant == 1  # Zoé, not seen since June
    assert figures.letters == 2
    # Léo signed in before the letter was handed out, Inès never: both letters wait
    assert figures.letters_without_sign_in == 2
    assert figures.by_route == {"unknown": 3}
    by_class = {c.division: (c.accounts, c.observed) for c in figures.by_class}
    assert by_class["4A"] == (2, 2)  # Zoé and her mother


def test_a_student_known_at_two_schools_updates_both(store: Store) -> None:
    """Zoé (one INE) is also enrolled at the lycée: her sign-in names the collège,
    both accounts are activated and observed, and a later sign-in (linked id
    only) moves both last-seen dates."""
    with store.unit_of_work() as uow:
        uow.people.upsert_eleves(
            LYCEE,
            [
                Eleve.from_raw(
                    eleve_id="2002",
                    last_name="MARTIN",
                    first_name="Zoé",
                    birth_date="04/03/2012",
                    ine=ZOE_INE,
                    division="2NDE1",
                )
            ],
        )
        uow.accounts.add_many([Account.open(LYCEE, Profile.ELEVE, "2002", at=NOW)])
        uow.commit()
    both = {"E-0990007V-1001", "E-0990008W-2002"}
    rec = recorder(store)
    first = rec.record(student(1, ZOE_INE, COLLEGE))
    assert (first.matched, first.activated_now, first.accounts_written) == (1, 2, 2)
    later = rec.record(student(1, None, at="2026-11-27 08:00:00.000"))
    assert (later.matched, later.already_active, later.accounts_written) == (1, 2, 2)
    accounts, observed = state(store)
    assert set(observed) == both
    for account_id in both:
        assert accounts[account_id][0] is AccountState.ACTIVATED
        assert observed[account_id].ct_id == ct(1)
        assert (observed[account_id].first_seen.day, observed[account_id].last_seen.day) == (20, 27)


@pytest.mark.parametrize("together", [True, False])
def test_an_account_linked_to_another_id_is_ambiguous(store: Store, together: bool) -> None:
    """Two national ids claim Zoé: the first (in id order within a batch, or the
    earlier call) links her; the other is ``linked_elsewhere``, never a second link."""
    first, second = student(1, ZOE_INE), student(2, ZOE_INE, at="2026-11-20 09:00:00.000")
    rec = recorder(store)
    if together:
        summary = rec.record_many([second, first])
    else:
        summary = rec.record(first)
        summary.add(rec.record(second))
    assert (summary.matched, summary.ambiguous, summary.activated_now) == (1, 1, 1)
    [problem] = summary.problems
    assert (problem.ct_id, problem.reason) == (ct(2), "linked_elsewhere")
    _, observed = state(store)
    assert {i: o.ct_id for i, o in observed.items()} == {"E-0990007V-1001": ct(1)}


def test_an_id_linked_to_a_student_signing_in_as_a_responsable_is_ambiguous(
    store: Store,
) -> None:
    rec = recorder(store)
    rec.record(student(1, ZOE_INE))
    summary = rec.record(parent(1, "MARTIN", "Claire", [(ZOE_INE, COLLEGE)]))
    assert (summary.matched, summary.ambiguous) == (0, 1)
    assert [p.reason for p in summary.problems] == ["profile_differs"]
    assert set(state(store)[1]) == {"E-0990007V-1001"}
