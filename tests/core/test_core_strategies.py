"""The shipped Hypothesis strategies give what they promise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from educonnect_core.accounts import Account
from educonnect_core.people import Eleve, Profile, Responsable, ResponsibilityLevel, StudentStatus
from educonnect_core.states import AccountState
from educonnect_core.testing import strategies as ecs
from educonnect_core.values import (
    BirthDate,
    EmailAddress,
    Ine,
    Invalid,
    MobilePhone,
    PersonName,
    Uai,
)


def test_all_is_complete_and_callable() -> None:
    for name in ecs.__all__:
        assert hasattr(ecs, name), name
    assert "families" in ecs.__all__
    assert "accounts" in ecs.__all__


@pytest.mark.parametrize(
    "bad",
    [
        lambda: ecs.eleves(nom="x"),
        lambda: ecs.eleves(school_year=1200),
        lambda: ecs.responsables(mobil="x"),
        lambda: ecs.links(level_="x"),
        lambda: ecs.schools(uaj="x"),
        lambda: ecs.families(min_children=3, max_children=2),
        lambda: ecs.families(max_responsables=0),
        lambda: ecs.accounts(state="activated"),  # type: ignore[arg-type]
        lambda: ecs.accounts(start=dt.datetime(2025, 9, 1)),
        lambda: ecs.birth_dates(min_value=dt.date(1850, 1, 1)),
        lambda: ecs.mobile_phones(where="mars"),
        lambda: ecs.raw_mobiles(valid="yes"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_fail_at_draw_time_not_at_call_time(bad: Callable[[], Any]) -> None:
    strategy = bad()  # building the strategy does not fail…

    @given(strategy)
    def draw_one(value: object) -> None:
        pass

    with pytest.raises(InvalidArgument):
        draw_one()  # …drawing from it does


@given(ecs.eleves(division="5 B", birth_date=st.none(), mef="10110001110"))
def test_eleve_overrides_accept_values_and_strategies(eleve: Eleve) -> None:
    assert eleve.division == "5 B"
    assert eleve.birth_date is None
    assert eleve.mef == "10110001110"


@given(ecs.eleves(status=StudentStatus.LEFT))
def test_a_left_student_has_a_leaving_date(eleve: Eleve) -> None:
    assert eleve.left_on is not None
    assert not eleve.current


@given(ecs.eleves(messy=True))
def test_messy_students_mix_valid_invalid_and_missing(eleve: Eleve) -> None:
    for value in (eleve.birth_date, eleve.ine, eleve.email, eleve.mobile):
        assert value is None or isinstance(
            value, Invalid | BirthDate | Ine | EmailAddress | MobilePhone
        )


@given(ecs.responsables(messy=True))
def test_messy_responsables(person: Responsable) -> None:
    assert person.mobile is None or isinstance(person.mobile, Invalid | MobilePhone)
    assert person.email is None or isinstance(person.email, Invalid | EmailAddress)


@given(ecs.families(min_children=2))
def test_families_are_consistent_and_siblings_share_a_legal_responsable(
    family: ecs.Family,
) -> None:
    eleve_ids = [e.eleve_id for e in family.eleves]
    personne_ids = [r.personne_id for r in family.responsables]
    assert len(set(eleve_ids)) == len(eleve_ids) >= 2
    assert len(set(personne_ids)) == len(personne_ids)
    for link in family.links:
        assert link.eleve_id in eleve_ids
        assert link.personne_id in personne_ids
    first = personne_ids[0]
    children = family.children_of(first)
    assert {c.eleve.eleve_id for c in children} == set(eleve_ids)
    assert all(c.link.level is ResponsibilityLevel.LEGAL for c in children)
    assert len({e.name.last for e in family.eleves}) == 1  # siblings share a family name


@given(ecs.families(legal_only=True))
def test_legal_only_families(family: ecs.Family) -> None:
    assert all(link.legal for link in family.links)


@given(ecs.accounts(profile=Profile.ELEVE, state=AccountState.ACTIVATED))
def test_accounts_respect_profile_and_state(account: Account) -> None:
    assert account.profile is Profile.ELEVE
    assert account.state is AccountState.ACTIVATED
    assert account.route is not None
    assert Profile.ELEVE in account.route.profiles


@given(ecs.accounts(uai=Uai("0990007V"), max_events=0))
def test_accounts_without_events_are_fresh(account: Account) -> None:
    assert account.state is AccountState.NOT_ACTIVATED
    assert account.uai == Uai("0990007V")


@given(ecs.mobile_phones(where="overseas"))
def test_overseas_mobiles_do_not_use_plus33(mobile: MobilePhone) -> None:
    assert mobile.e164[:4] in {"+590", "+594", "+596", "+262"}


@given(ecs.mobile_phones(where="metropole"))
def test_metropolitan_mobiles(mobile: MobilePhone) -> None:
    assert mobile.e164[:4] in {"+336", "+337"}


@given(ecs.schools())
def test_schools_are_exported_at_an_aware_time(school: Any) -> None:
    assert school.exported_at.tzinfo is not None


@given(ecs.person_names())
def test_names_are_complete(name: PersonName) -> None:
    assert name.complete
