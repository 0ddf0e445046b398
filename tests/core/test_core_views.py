"""Who may read which accounts (:func:`educonnect_core.views.may_read`): those
they could act on, by the one set of permission rules."""

from __future__ import annotations

import datetime as dt

import pytest

from educonnect_core.actions import Action
from educonnect_core.people import Profile
from educonnect_core.permissions import AccessContext, Actor, Delegation
from educonnect_core.service import Session
from educonnect_core.views import may_read, readable_profiles

AT = dt.datetime(2026, 1, 13, 9, 0, tzinfo=dt.UTC)
UAI = "0990007V"
OTHER = "0990008W"
NONE = AccessContext()
OTP = AccessContext(otp=True)
NETWORK = AccessContext(administrative_network=True)
E, R = Profile.ELEVE, Profile.RESPONSABLE


def _delegate(profiles: set[Profile], expires: dt.datetime) -> Actor:
    head = Actor.chef_etablissement("ce-1", UAI)
    delegation = Delegation.grant(
        head,
        delegation_id="d-1",
        delegate_id="del-1",
        profiles=profiles,
        actions=[Action.NOTIFY],
        at=AT - dt.timedelta(days=1),
        expires_at=expires,
    )
    return Actor.delegate(delegation)


@pytest.mark.parametrize(
    ("actor", "access", "expected"),
    [
        (Actor.chef_etablissement("ce-1", UAI), NONE, set()),
        (Actor.chef_etablissement("ce-1", UAI), OTP, {E}),
        (Actor.chef_etablissement("ce-1", UAI), NETWORK, {E, R}),
        (Actor.adjoint("adj-1", UAI), OTP, {E}),
        (Actor.adjoint("adj-1", UAI), NETWORK, {E, R}),
        (Actor.directeur_ecole("dir-1", UAI), OTP, set()),
        (Actor.directeur_ecole("dir-1", UAI), NETWORK, {R}),
        (_delegate({E}, AT + dt.timedelta(days=30)), OTP, {E}),
        (_delegate({E, R}, AT + dt.timedelta(days=30)), NETWORK, {E, R}),
        (_delegate({E}, AT), OTP, set()),  # expired at AT
    ],
)
def test_readable_profiles(actor: Actor, access: AccessContext, expected: set[Profile]) -> None:
    session = Session(actor, access)
    assert readable_profiles(session, AT) == expected
    for profile in Profile:
        assert may_read(session, UAI, profile, AT) == (profile in expected)
        assert not may_read(session, OTHER, profile, AT)
