"""Delegations are records granted and revoked through the service; reads of an
account are audited and reveal nothing to someone without rights; the
synchronisation's reason codes are not for people."""

from __future__ import annotations

import datetime as dt

import pytest

from educonnect_core.actions import Action
from educonnect_core.consulting import CONSULT, Consultations
from educonnect_core.delegating import GRANT, REVOKE, Delegations
from educonnect_core.errors import InvalidValue, NotFound, PermissionDenied
from educonnect_core.people import Profile
from educonnect_core.permissions import AccessContext, Actor, Right
from educonnect_core.service import Session

from .admin_world import CLAIRE, ELSEWHERE, OTHER_UAI, UAI, ZOE, World, session


def delegations(world: World) -> Delegations:
    return Delegations(world.store, world.clock, world.random)


def grant(world: World, head: Session, **overrides: object) -> object:
    options: dict[str, object] = {
        "delegate_id": "prof-0042",
        "profiles": [Profile.ELEVE],
        "actions": [Action.NOTIFY],
        "expires_at": world.clock.now() + dt.timedelta(days=30),
    }
    options.update(overrides)
    return delegations(world).grant(head, **options)  # type: ignore[arg-type]


def events(world: World, actor_id: str) -> list[tuple[str, str, str | None]]:
    with world.store.unit_of_work() as uow:
        return [(e.action, e.outcome.value, e.reason) for e in uow.audit.by_actor(actor_id)]


def test_a_head_grants_and_the_delegate_acts(world: World, chef: Session) -> None:
    granted = delegations(world).grant(
        chef,
        delegate_id="prof-0042",
        profiles=[Profile.ELEVE],
        actions=[Action.NOTIFY],
        expires_at=world.clock.now() + dt.timedelta(days=30),
    )
    assert granted.delegation_id.startswith("DELEG-CE-")
    assert delegations(world).of_school(chef) == [granted]
    assert events(world, "ce-0001")[-1] == (GRANT, "allowed", f"delegation:{granted.delegation_id}")
    delegate = delegations(world).session_of("prof-0042", UAI, AccessContext(otp=True))
    assert delegate.actor.delegation == granted
    assert world.service.notify(delegate, ZOE).outcome.value == "change"
    with pytest.raises(PermissionDenied):  # a responsable is outside the delegation
        world.service.notify(delegate, CLAIRE)


@pytest.mark.parametrize(
    "who",
    [
        Actor.adjoint("adj-0001", UAI),
        Actor.directeur_ecole("dir-0001", UAI),
    ],
)
def test_only_a_head_grants_and_refusals_are_audited(world: World, who: Actor) -> None:
    with pytest.raises(PermissionDenied) as refused:
        grant(world, session(who))
    assert refused.value.missing_right == Right.GRANT_DELEGATION
    assert events(world, who.actor_id) == [(GRANT, "refused", Right.GRANT_DELEGATION)]


def test_granting_needs_otp_or_the_administrative_network(world: World) -> None:
    head = session(Actor.chef_etablissement("ce-0001", UAI), otp=False, network=False)
    with pytest.raises(PermissionDenied) as refused:
        grant(world, head)
    assert refused.value.missing_right == Right.ACCESS


def test_revocation_ends_the_delegates_session(world: World, chef: Session) -> None:
    granted = grant(world, chef)
    delegation_id = granted.delegation_id  # type: ignore[attr-defined]
    world.clock.advance(dt.timedelta(hours=1))
    revoked = delegations(world).revoke(chef, delegation_id)
    assert revoked.revoked_by == "ce-0001"
    assert events(world, "ce-0001")[-1] == (REVOKE, "allowed", f"delegation:{delegation_id}")
    with pytest.raises(PermissionDenied, match="no longer in force") as refused:
        delegations(world).session_of("prof-0042", UAI, AccessContext(otp=True))
    assert refused.value.missing_right == Right.DELEGATION_IN_FORCE


def test_an_expired_delegation_gives_no_session(world: World, chef: Session) -> None:
    grant(world, chef, expires_at=world.clock.now() + dt.timedelta(days=2))
    world.clock.advance(dt.timedelta(days=3))
    with pytest.raises(PermissionDenied, match="no longer in force"):
        delegations(world).session_of("prof-0042", UAI, AccessContext(otp=True))


def test_no_delegation_no_session(world: World) -> None:
    with pytest.raises(PermissionDenied, match="no delegation in force"):
        delegations(world).session_of("prof-0042", UAI, AccessContext(otp=True))


def test_another_schools_head_cannot_revoke(world: World, chef: Session) -> None:
    granted = grant(world, chef)
    other = session(Actor.chef_etablissement("ce-0002", OTHER_UAI))
    with pytest.raises(NotFound):
        delegations(world).revoke(other, granted.delegation_id)  # type: ignore[attr-defined]


def test_a_delegation_too_long_is_refused(world: World, chef: Session) -> None:
    with pytest.raises(InvalidValue, match=r"Delegation\.expires_at"):
        grant(world, chef, expires_at=world.clock.now() + dt.timedelta(days=400))


# ------------------------------------------------------------------- audited reads


def test_a_consultation_is_audited(world: World, chef: Session) -> None:
    account = Consultations(world.store, world.clock).account(chef, ZOE)
    assert account.account_id == ZOE
    with world.store.unit_of_work() as uow:
        last = uow.audit.by_account(ZOE)[-1]
    assert (last.action, last.outcome.value, last.actor_id) == (CONSULT, "allowed", "ce-0001")


def test_no_existence_leak(world: World, chef: Session) -> None:
    read = Consultations(world.store, world.clock).account
    answers = []
    for account_id in (ELSEWHERE, "E-0990007V-9999", "not-an-id"):
        with pytest.raises(NotFound) as missing:
            read(chef, account_id)
        answers.append(str(missing.value).replace(account_id, "ID"))
    assert len(set(answers)) == 1
    with world.store.unit_of_work() as uow:
        refused = [e for e in uow.audit.by_actor("ce-0001") if e.action == CONSULT]
    assert [e.outcome.value for e in refused] == ["refused"] * 3


def test_a_directeur_cannot_see_a_pupil_and_learns_nothing(world: World) -> None:
    directeur = session(Actor.directeur_ecole("dir-0001", UAI))
    with pytest.raises(NotFound):
        Consultations(world.store, world.clock).account(directeur, ZOE)


def test_without_access_context_the_refusal_says_so(world: World) -> None:
    away = session(Actor.chef_etablissement("ce-0001", UAI), otp=False, network=False)
    with pytest.raises(PermissionDenied) as refused:
        Consultations(world.store, world.clock).account(away, ZOE)
    assert refused.value.missing_right == Right.ACCESS


# ------------------------------------------------------------------ reserved reasons


@pytest.mark.parametrize("reason", ["sync:student_left", " SYNC:absent_from_export"])
def test_a_person_cannot_give_a_sync_reason(world: World, chef: Session, reason: str) -> None:
    with pytest.raises(InvalidValue, match="reserved") as refused:
        world.service.deactivate(chef, ZOE, reason=reason)
    assert refused.value.code == "RESERVED_REASON"
    with world.store.unit_of_work() as uow:
        assert uow.accounts.get(ZOE).deactivation_reason is None
