"""Activation routes and who may use which (domain reference §2)."""

from __future__ import annotations

from educonnect_core.people import Profile
from educonnect_core.routes import Route


def test_students_have_notification_and_aten() -> None:
    assert set(Route.for_profile(Profile.ELEVE)) == {
        Route.PROVISIONAL_PAPER,
        Route.PROVISIONAL_EMAIL,
        Route.ATEN_TRANSITION,
    }


def test_responsables_have_every_route() -> None:
    assert set(Route.for_profile(Profile.RESPONSABLE)) == set(Route)


def test_only_notification_is_provisional_and_only_aten_deprecated() -> None:
    assert {r for r in Route if r.provisional} == {Route.PROVISIONAL_PAPER, Route.PROVISIONAL_EMAIL}
    assert {r for r in Route if r.deprecated} == {Route.ATEN_TRANSITION}


def test_every_route_has_labels() -> None:
    for route in Route:
        assert route.label_fr
        assert route.label_en
    assert len({r.label_fr for r in Route}) == len(Route)
