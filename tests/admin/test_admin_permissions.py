"""Who may do what: roles, access context, DELEG-CE delegations, and no leak."""

from __future__ import annotations

import datetime as dt

import pytest

from educonnect_core.actions import IDENTITY_PROVIDER_ACTIONS, STAFF_ACTIONS, Action
from educonnect_core.audit import Outcome as AuditOutcome
from educonnect_core.errors import InvalidValue, NotFound, PermissionDenied
from educonnect_core.people import Profile
from educonnect_core.permissions import (
    MAX_DELEGATION,
    AccessContext,
    Actor,
    Delegation,
    Right,
    Role,
    authorize,
)
from educonnect_core.service import Session

from .admin_world import CLAIRE, OTHER_UAI, UAI, ZOE, World, session

AT = dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC)
NONE = AccessContext()
OTP = AccessContext(otp=True)
NETWORK = AccessContext(administrative_network=True)
BOTH = AccessContext(otp=True, administrative_network=True)
CHEF = Actor.chef_etablissement("ce-0001", UAI)


def delegation(
    *,
    profiles: frozenset[Profile] = frozenset({Profile.ELEVE}),
    actions: frozenset[Action] = STAFF_ACTIONS,
    days: int = 30,
) -> Delegation:
    return Delegation.grant(
        CHEF,
        delegation_id="dlg-1",
        delegate_id="prof-0042",
        profiles=profiles,
        actions=actions,
        at=AT - dt.timedelta(days=1),
        expires_at=AT + dt.timedelta(days=days),
    )


ACTORS = {
    "chef": CHEF,
    "adjoint": Actor.adjoint("adj-0002", UAI),
    "directeur": Actor.directeur_ecole("dir-0003", UAI),
    "delegate": Actor.delegate(delegation()),
}

#: Expected missing right (None: allowed) for a staff action, by role, access
#: and profile: the permission table of docs/administration.md.
TABLE: dict[tuple[str, str], dict[Profile, str | None]] = {}
for _name in ACTORS:
    TABLE[(_name, "none")] = dict.fromkeys(Profile, Right.ACCESS)
    for _access in ("otp", "network", "both"):
        TABLE[(_name, _access)] = {
            Profile.ELEVE: None,
            Profile.RESPONSABLE: None if _access != "otp" else Right.ADMINISTRATIVE_NETWORK,
        }
for _access in ("otp", "network", "both"):
    TABLE[("directeur", _access)][Profile.ELEVE] = Right.profile(Profile.ELEVE)
    TABLE[("delegate", _access)][Profile.RESPONSABLE] = Right.profile(Profile.RESPONSABLE)
ACCESSES = {"none": NONE, "otp": OTP, "network": NETWORK, "both": BOTH}
CASES = [(r, a, p) for (r, a), row in TABLE.items() for p in row]


@pytest.mark.parametrize(
    ("role", "access", "profile"), CASES, ids=[f"{r}-{a}-{p.value}" for r, a, p in CASES]
)
@pytest.mark.parametrize("action", sorted(STAFF_ACTIONS, key=str), ids=str)
def test_permission_table(role: str, access: str, profile: Profile, action: Action) -> None:
    expected = TABLE[(role, access)][profile]
    actor, context = ACTORS[role], ACCESSES[access]
    if expected is None:
        authorize(actor, context, action, uai=UAI, profile=profile, at=AT)
    else:
        with pytest.raises(PermissionDenied) as denied:
            authorize(actor, context, action, uai=UAI, profile=profile, at=AT)
        assert denied.value.missing_right == expected
        assert expected in str(denied.value)


@pytest.mark.parametrize("role", sorted(ACTORS))
def test_no_role_reaches_another_school(role: str) -> None:
    with pytest.raises(PermissionDenied) as denied:
        authorize(
            ACTORS[role], BOTH, Action.NOTIFY, uai=OTHER_UAI, profile=Profile.RESPONSABLE, at=AT
        )
    assert denied.value.missing_right == Right.school(OTHER_UAI)


@pytest.mark.parametrize("role", sorted(ACTORS))
def test_staff_never_record_activations(role: str) -> None:
    for action in IDENTITY_PROVIDER_ACTIONS:
        with pytest.raises(PermissionDenied) as denied:
            authorize(ACTORS[role], BOTH, action, uai=UAI, profile=Profile.ELEVE, at=AT)
        assert denied.value.missing_right == Right.action(action)


def test_the_identity_provider_only_records() -> None:
    idp = Actor.identity_provider()
    for uai in (UAI, OTHER_UAI):
        authorize(idp, NETWORK, Action.RECORD_ACTIVATION, uai=uai, profile=Profile.ELEVE, at=AT)
    with pytest.raises(PermissionDenied) as denied:
        authorize(idp, NETWORK, Action.NOTIFY, uai=UAI, profile=Profile.ELEVE, at=AT)
    assert denied.value.missing_right == "action:notify"
    with pytest.raises(PermissionDenied):
        authorize(idp, NONE, Action.RECORD_ACTIVATION, uai=UAI, profile=Profile.ELEVE, at=AT)


def test_a_delegate_does_only_the_delegated_actions() -> None:
    actor = Actor.delegate(
        delegation(actions=frozenset({Action.NOTIFY, Action.RESEND_NOTIFICATION}))
    )
    authorize(actor, OTP, Action.NOTIFY, uai=UAI, profile=Profile.ELEVE, at=AT)
    with pytest.raises(PermissionDenied) as denied:
        authorize(actor, OTP, Action.RESET_PASSWORD, uai=UAI, profile=Profile.ELEVE, at=AT)
    assert denied.value.missing_right == "action:reset_password"


def test_a_delegation_expires() -> None:
    actor = Actor.delegate(delegation(days=30))
    expiry = AT + dt.timedelta(days=30)
    authorize(
        actor,
        OTP,
        Action.NOTIFY,
        uai=UAI,
        profile=Profile.ELEVE,
        at=expiry - dt.timedelta(seconds=1),
    )
    for when in (expiry, expiry + dt.timedelta(days=1)):
        with pytest.raises(PermissionDenied) as denied:
            authorize(actor, OTP, Action.NOTIFY, uai=UAI, profile=Profile.ELEVE, at=when)
        assert denied.value.missing_right == Right.DELEGATION_IN_FORCE
        assert "expired" in str(denied.value)


def test_a_delegation_is_not_in_force_before_its_grant() -> None:
    actor = Actor.delegate(delegation())
    with pytest.raises(PermissionDenied, match="not yet in force"):
        authorize(
            actor, OTP, Action.NOTIFY, uai=UAI, profile=Profile.ELEVE, at=AT - dt.timedelta(days=2)
        )


def test_a_revoked_delegation_stops_at_its_revocation() -> None:
    granted = delegation()
    revoked = granted.revoke(CHEF, AT + dt.timedelta(hours=1))
    actor = Actor.delegate(revoked)
    authorize(actor, OTP, Action.NOTIFY, uai=UAI, profile=Profile.ELEVE, at=AT)
    with pytest.raises(PermissionDenied, match="revoked") as denied:
        authorize(
            actor, OTP, Action.NOTIFY, uai=UAI, profile=Profile.ELEVE, at=AT + dt.timedelta(hours=2)
        )
    assert denied.value.missing_right == Right.DELEGATION_IN_FORCE
    assert revoked.revoked_by == CHEF.actor_id
    assert revoked.revoke(CHEF, AT + dt.timedelta(days=3)) == revoked


@pytest.mark.parametrize(
    "by",
    [
        Actor.adjoint("adj-0002", UAI),
        Actor.directeur_ecole("dir-0003", UAI),
        Actor.chef_etablissement("ce-0009", OTHER_UAI),
    ],
    ids=["adjoint", "directeur", "chef-elsewhere"],
)
def test_only_the_schools_chef_revokes(by: Actor) -> None:
    with pytest.raises(PermissionDenied) as denied:
        delegation().revoke(by, AT)
    assert denied.value.missing_right == Right.GRANT_DELEGATION


def test_only_a_chef_grants() -> None:
    with pytest.raises(PermissionDenied) as denied:
        Delegation.grant(
            Actor.adjoint("adj-0002", UAI),
            delegation_id="d",
            delegate_id="x",
            profiles={Profile.ELEVE},
            actions={Action.NOTIFY},
            at=AT,
            expires_at=AT + dt.timedelta(days=1),
        )
    assert denied.value.missing_right == Right.GRANT_DELEGATION


@pytest.mark.parametrize(
    ("expires", "profiles", "actions", "field"),
    [
        (AT, {Profile.ELEVE}, {Action.NOTIFY}, "Delegation.expires_at"),
        (
            AT + MAX_DELEGATION + dt.timedelta(seconds=1),
            {Profile.ELEVE},
            {Action.NOTIFY},
            "Delegation.expires_at",
        ),
        (AT + dt.timedelta(days=1), set(), {Action.NOTIFY}, "Delegation.profiles"),
        (AT + dt.timedelta(days=1), {Profile.ELEVE}, set(), "Delegation.actions"),
        (
            AT + dt.timedelta(days=1),
            {Profile.ELEVE},
            {Action.RECORD_ACTIVATION},
            "Delegation.actions",
        ),
    ],
    ids=["no-duration", "too-long", "no-profile", "no-action", "idp-action"],
)
def test_a_delegation_is_checked_when_granted(
    expires: dt.datetime, profiles: set[Profile], actions: set[Action], field: str
) -> None:
    with pytest.raises(InvalidValue) as invalid:
        Delegation.grant(
            CHEF,
            delegation_id="d",
            delegate_id="x",
            profiles=profiles,
            actions=actions,
            at=AT,
            expires_at=expires,
        )
    assert invalid.value.field == field


def test_actor_shapes_are_checked() -> None:
    with pytest.raises(InvalidValue, match=r"Actor\.delegation"):
        Actor("x", Role.DELEGATE, UAI)
    with pytest.raises(InvalidValue, match=r"Actor\.delegation"):
        Actor("someone-else", Role.DELEGATE, UAI, delegation())
    with pytest.raises(InvalidValue, match=r"Actor\.delegation"):
        Actor("ce", Role.CHEF_ETABLISSEMENT, UAI, delegation())
    with pytest.raises(InvalidValue, match=r"Actor\.uai"):
        Actor("ce", Role.ADJOINT, None)
    with pytest.raises(InvalidValue, match=r"Actor\.actor_id"):
        Actor("", Role.ADJOINT, UAI)


def test_access_labels() -> None:
    assert [c.label for c in (NONE, OTP, NETWORK, BOTH)] == [
        "none",
        "otp",
        "administrative_network",
        "otp+administrative_network",
    ]


# -- through the service -------------------------------------------------------

OUTSIDERS = {
    "chef-elsewhere": session(Actor.chef_etablissement("ce-0009", OTHER_UAI)),
    "directeur-on-eleve": session(Actor.directeur_ecole("dir-0003", UAI)),
    "no-otp-no-network": session(CHEF, network=False),
    "revoked-delegate": session(
        Actor.delegate(delegation().revoke(CHEF, AT - dt.timedelta(hours=3))), otp=True
    ),
    "delegate-without-reset": session(
        Actor.delegate(delegation(actions=frozenset({Action.NOTIFY}))), otp=True
    ),
}


@pytest.mark.parametrize("who", sorted(OUTSIDERS))
def test_no_leak_absent_and_not_yours_read_the_same(world: World, who: str) -> None:
    outsider = OUTSIDERS[who]
    answers = []
    for account_id in (ZOE, "E-0990007V-9999"):
        with pytest.raises(PermissionDenied) as denied:
            world.service.reset_password(outsider, account_id)
        answers.append((type(denied.value), denied.value.missing_right, str(denied.value)))
    assert answers[0] == answers[1]
    assert world.get(ZOE).version == 1
    with world.store.unit_of_work() as uow:
        events = uow.audit.by_actor(outsider.actor.actor_id)
    assert [e.outcome for e in events] == [AuditOutcome.REFUSED] * 2
    assert {e.reason for e in events} == {f"permission:{answers[0][1]}"}


def test_someone_with_rights_learns_an_account_is_absent(world: World, chef: Session) -> None:
    with pytest.raises(NotFound):
        world.service.notify(chef, "E-0990007V-9999")
    assert world.audit("E-0990007V-9999")[0].reason == "not_found"


def test_a_malformed_id_is_bad_input_and_audited(world: World, chef: Session) -> None:
    with pytest.raises(InvalidValue):
        world.service.notify(chef, "MARTIN Zoé")
    with world.store.unit_of_work() as uow:
        (event,) = uow.audit.by_actor(chef.actor.actor_id)
    assert (event.reason, event.account_id) == ("invalid_account_id", None)


def test_responsable_accounts_need_the_administrative_network(world: World) -> None:
    with_otp = session(CHEF, otp=True, network=False)
    with pytest.raises(PermissionDenied) as denied:
        world.service.notify(with_otp, CLAIRE)
    assert denied.value.missing_right == Right.ADMINISTRATIVE_NETWORK
    assert world.service.notify(with_otp, ZOE).notification is not None
    assert world.service.notify(session(CHEF), CLAIRE).notification is not None


def test_the_directeur_ecole_manages_responsables(world: World) -> None:
    directeur = session(Actor.directeur_ecole("dir-0003", UAI))
    assert world.service.notify(directeur, CLAIRE).notification is not None


def test_the_audit_names_role_and_context(world: World) -> None:
    delegate = session(Actor.delegate(delegation()), otp=True, network=False)
    world.service.notify(delegate, ZOE)
    (event,) = world.audit(ZOE)
    assert (event.actor_id, event.role, event.access, event.action, event.outcome) == (
        "prof-0042",
        "delegue",
        "otp",
        "notify",
        AuditOutcome.ALLOWED,
    )
    assert event.uai == str(UAI)
