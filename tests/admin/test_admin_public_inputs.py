"""Public inputs: a school is given as a ``Uai`` or its string form, and a bad
one is refused with ``InvalidValue`` naming the parameter (issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest

from educonnect_core.actions import Action
from educonnect_core.errors import InvalidValue
from educonnect_core.people import Profile
from educonnect_core.permissions import AccessContext, Actor, authorize
from educonnect_core.service import Selection
from educonnect_core.storage import AccountQuery
from educonnect_core.values import Uai, as_uai

from .admin_world import UAI, World, session

AT = dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC)
NETWORK = AccessContext(administrative_network=True)


@pytest.mark.parametrize(
    "make",
    [Actor.chef_etablissement, Actor.adjoint, Actor.directeur_ecole],
    ids=["chef", "adjoint", "directeur"],
)
def test_a_head_given_the_string_form_acts_on_their_own_school(make: object) -> None:
    actor = make("staff-1", "0990007v")  # type: ignore[operator]
    assert actor.uai == UAI
    authorize(actor, NETWORK, Action.NOTIFY, uai="0990007V", profile=Profile.RESPONSABLE, at=AT)


@pytest.mark.parametrize(
    ("build", "parameter"),
    [
        (lambda bad: Actor.chef_etablissement("ce", bad), "Actor.uai"),
        (lambda bad: AccountQuery(uai=bad), "AccountQuery.uai"),
        (lambda bad: Selection.of_profile(bad, Profile.ELEVE), "Selection.uai"),
        (lambda bad: as_uai(bad, "school"), "school"),
    ],
    ids=["actor", "query", "selection", "as_uai"],
)
@pytest.mark.parametrize("bad", ["0990007X", "099", 990007])
def test_a_bad_school_is_refused_naming_the_parameter(
    build: object, parameter: str, bad: object
) -> None:
    with pytest.raises(InvalidValue) as caught:
        build(bad)  # type: ignore[operator]
    assert caught.value.field == parameter
    assert caught.value.value == bad


def test_query_statistics_and_bulk_take_the_string_form(world: World) -> None:
    chef = session(Actor.chef_etablissement("ce-0001", str(UAI)))
    with world.store.unit_of_work() as uow:
        by_string = uow.accounts.query(AccountQuery(uai=str(UAI), limit=None))
        by_value = uow.accounts.query(AccountQuery(uai=UAI, limit=None))
        assert by_string == by_value
        assert by_value.items
        assert uow.accounts.statistics(str(UAI)) == uow.accounts.statistics(UAI)
        with pytest.raises(InvalidValue):
            uow.accounts.statistics("not a uai")
    by_string_result = world.service.notify_profile(
        chef, str(UAI), Profile.RESPONSABLE, dry_run=True
    )
    assert by_string_result.results
    assert all(r.account_id.startswith("R-") for r in by_string_result.results)
    assert isinstance(Selection.of_profile(str(UAI), Profile.ELEVE).uai, Uai)
