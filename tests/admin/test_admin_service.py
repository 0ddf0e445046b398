"""The administration service: notifications, bulk runs, activation checks."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from educonnect_core.accounts import Account
from educonnect_core.actions import Action, Outcome
from educonnect_core.audit import Outcome as AuditOutcome
from educonnect_core.channels import Notification, NotificationKind
from educonnect_core.credentials import IDENTIFIER_PATTERN
from educonnect_core.errors import InvalidValue, PermissionDenied
from educonnect_core.people import Eleve, Profile
from educonnect_core.permissions import Actor
from educonnect_core.routes import Route
from educonnect_core.service import (
    ActionNotAllowed,
    ActivationReport,
    Selection,
    Session,
    parse_account_id,
)
from educonnect_core.states import AccountState
from educonnect_core.values import EmailAddress, MobilePhone, PersonName

from .admin_world import (
    CLAIRE,
    ELSEWHERE,
    HUGO,
    HUGO_BIRTH,
    INES,
    LUCAS,
    PAUL,
    UAI,
    ZOE,
    ZOE_BIRTH,
    World,
    session,
)

S = AccountState
CLAIRE_MOBILE = MobilePhone("+33612345678")
CLAIRE_NAME = PersonName("Martin", "CLAIRE")


def test_parse_account_id() -> None:
    assert parse_account_id(CLAIRE) == (Profile.RESPONSABLE, UAI, "5001")
    for bad in ("X-0990007V-1", "E-0990007V-", "E-0990007X-1", "nothing"):
        with pytest.raises(InvalidValue):
            parse_account_id(bad)


def test_notify_an_eleve(world: World, chef: Session) -> None:
    result = world.service.notify(chef, ZOE)
    issued = result.notification
    assert issued is not None
    assert (result.before, result.after, result.outcome) == (
        S.NOT_ACTIVATED,
        S.NOTIFIED,
        Outcome.CHANGE,
    )
    assert issued.kind is NotificationKind.CREDENTIALS
    assert issued.recipient == PersonName("MARTIN", "Zoé")
    assert issued.division == "3A"
    assert issued.children == ()
    assert IDENTIFIER_PATTERN.fullmatch(issued.identifier)
    assert issued.identifier.startswith("z.martin")
    assert world.get(ZOE).identifier == issued.identifier
    assert world.get(ZOE).credential is not None


def test_notify_a_responsable_lists_the_legal_children(world: World, chef: Session) -> None:
    issued = world.service.notify(chef, CLAIRE).notification
    assert issued is not None
    assert issued.children == (PersonName("MARTIN", "Hugo"), PersonName("MARTIN", "Zoé"))
    assert issued.civilite == "MME"
    assert issued.email == EmailAddress("claire.martin@example.org")
    assert issued.mobile == CLAIRE_MOBILE
    assert issued.identifier.startswith("c.martin")
    letter = Notification.from_issued(issued, on=dt.date(2026, 1, 12))
    assert letter.password == issued.password
    assert letter.valid_until == dt.date(2026, 4, 12)


def test_identifiers_are_unique_and_stable(world: World, chef: Session) -> None:
    with world.store.unit_of_work() as uow:
        uow.people.upsert_eleves(
            UAI,
            [Eleve.from_raw(eleve_id="1005", last_name="Martin", first_name="Zoë", division="5B")],
        )
        uow.accounts.add(Account.open(UAI, Profile.ELEVE, "1005"))
        uow.commit()
    first = world.service.notify(chef, ZOE).notification
    twin = world.service.notify(chef, "E-0990007V-1005").notification
    assert first is not None
    assert twin is not None
    assert first.identifier != twin.identifier
    assert twin.identifier.startswith("z.martin")
    again = world.service.resend_notification(chef, ZOE).notification
    assert again is not None
    assert again.identifier == first.identifier


def test_bulk_notify_is_idempotent_with_a_dry_run(world: World, chef: Session) -> None:
    service = world.service
    world.set_state(LUCAS, S.ACTIVATED)
    dry = service.notify_division(chef, UAI, "3A", Profile.ELEVE, dry_run=True)
    assert dry.dry_run
    assert [(r.account_id, r.outcome, r.after) for r in dry.results] == [
        (ZOE, Outcome.CHANGE, S.NOTIFIED)
    ]
    assert dry.excluded == {S.ACTIVATED: 1}
    assert dry.notifications == ()
    assert world.get(ZOE).version == 1
    assert world.get(ZOE).credential is None
    assert world.audit(ZOE) == []  # a dry run writes one request event, none per account

    run = service.notify_division(chef, UAI, "3A", Profile.ELEVE)
    assert [r.account_id for r in run.changed] == [ZOE]
    assert len(run.notifications) == 1
    again = service.notify_division(chef, UAI, "3A", Profile.ELEVE)
    assert again.changed == ()
    assert [(r.account_id, r.code) for r in again.unchanged] == [(ZOE, "notification_still_valid")]
    assert again.notifications == ()
    assert world.get(ZOE).version == 2
    dry_again = service.notify_division(chef, UAI, "3A", Profile.ELEVE, dry_run=True)
    assert dry_again.changed == ()
    with world.store.unit_of_work() as uow:
        requests = [e for e in uow.audit.by_actor(chef.actor.actor_id) if e.reason == "dry_run"]
    assert len(requests) == 2
    assert all(e.account_id is None and e.uai == str(UAI) for e in requests)


def test_bulk_notify_of_a_profile(world: World, chef: Session) -> None:
    run = world.service.notify_profile(chef, UAI, Profile.RESPONSABLE)
    assert sorted(r.account_id for r in run.changed) == [CLAIRE, PAUL]
    assert world.service.notify_profile(chef, UAI, Profile.RESPONSABLE).changed == ()


def test_bulk_notify_renews_expired_letters(world: World, chef: Session) -> None:
    world.service.notify_profile(chef, UAI, Profile.ELEVE)
    world.clock.advance(dt.timedelta(days=95))
    dry = world.service.notify_profile(chef, UAI, Profile.ELEVE, dry_run=True)
    assert len(dry.changed) == 4


def test_bulk_deactivate_and_reactivate_by_ids(world: World, chef: Session) -> None:
    world.set_state(HUGO, S.ACTIVATED)
    ids = Selection.of_accounts([ZOE, HUGO, ELSEWHERE, "E-0990007V-9999"])
    first = world.service.bulk(chef, Action.DEACTIVATE, ids, reason="left")
    assert [r.account_id for r in first.changed] == [ZOE, HUGO]
    assert {r.account_id: r.code for r in first.refused} == {
        ELSEWHERE: "permission:school:0990008W",
        "E-0990007V-9999": "not_found",
    }
    second = world.service.bulk(chef, Action.DEACTIVATE, ids, reason="left")
    assert second.changed == ()
    assert [r.account_id for r in second.unchanged] == [ZOE, HUGO]
    assert world.get(ZOE).deactivation_reason == "left"
    back = world.service.bulk(chef, Action.REACTIVATE, Selection.of_accounts([ZOE, HUGO]))
    assert [(r.account_id, r.after) for r in back.changed] == [
        (ZOE, S.NOT_ACTIVATED),
        (HUGO, S.ACTIVATED),
    ]


def test_bulk_refuses_actions_that_are_not_idempotent(world: World, chef: Session) -> None:
    with pytest.raises(InvalidValue, match="bulk"):
        world.service.bulk(chef, Action.RESET_PASSWORD, Selection.of_profile(UAI, Profile.ELEVE))


def test_a_bulk_selection_is_authorized_as_a_whole(world: World) -> None:
    directeur = session(Actor.directeur_ecole("dir-0003", UAI))
    with pytest.raises(PermissionDenied) as denied:
        world.service.notify_division(directeur, UAI, "3A", Profile.ELEVE)
    assert denied.value.missing_right == "profile:eleve"
    assert world.get(ZOE).version == 1
    with world.store.unit_of_work() as uow:
        (event,) = uow.audit.by_actor("dir-0003")
    assert (event.outcome, event.account_id) == (AuditOutcome.REFUSED, None)


def test_recall_identifier_carries_no_password(world: World, chef: Session) -> None:
    world.set_state(ZOE, S.ACTIVATED)
    issued = world.service.recall_identifier(chef, ZOE).notification
    assert issued is not None
    assert issued.kind is NotificationKind.IDENTIFIER_RECALL
    assert issued.password is None
    assert issued.identifier == world.get(ZOE).identifier


# -- activation by route -------------------------------------------------------


def _refusal(world: World, idp: Session, report: ActivationReport) -> str:
    before = world.get(report.account_id)
    with pytest.raises(ActionNotAllowed) as refused:
        world.service.record_activation(idp, report)
    assert world.get(report.account_id) == before
    events = world.audit(report.account_id)
    assert events[-1].outcome is AuditOutcome.REFUSED
    assert events[-1].reason == refused.value.code
    return refused.value.code


def test_sms_activation_checks_mobile_name_and_children_birth_dates(
    world: World, idp: Session
) -> None:
    sms = Route.SMS_SELF_REGISTRATION
    both = (HUGO_BIRTH, ZOE_BIRTH)
    assert _refusal(world, idp, ActivationReport(CLAIRE, sms, both, name=CLAIRE_NAME)) == (
        "mobile_mismatch"
    )
    assert (
        _refusal(
            world,
            idp,
            ActivationReport(
                CLAIRE, sms, both, mobile=CLAIRE_MOBILE, name=PersonName("MARTIN", "Claude")
            ),
        )
        == "name_mismatch"
    )
    assert (
        _refusal(
            world,
            idp,
            ActivationReport(CLAIRE, sms, (ZOE_BIRTH,), mobile=CLAIRE_MOBILE, name=CLAIRE_NAME),
        )
        == "birth_date_mismatch"
    )
    result = world.service.record_activation(
        idp, ActivationReport(CLAIRE, sms, both, mobile=CLAIRE_MOBILE, name=CLAIRE_NAME)
    )
    assert result.after is S.ACTIVATED
    assert world.get(CLAIRE).route is sms


def test_franceconnect_needs_a_known_mobile(world: World, idp: Session) -> None:
    report = ActivationReport(
        PAUL,
        Route.FRANCECONNECT,
        (dt.date(2012, 2, 28),),
        mobile=CLAIRE_MOBILE,
        name=PersonName("PETIT", "Paul"),
    )
    assert _refusal(world, idp, report) == "mobile_missing"


def test_franceconnect_gives_every_given_name(world: World, idp: Session) -> None:
    """FranceConnect names the person as the civil registry does (birth name, every
    given name): it still is the responsable the school knows."""
    report = ActivationReport(
        CLAIRE,
        Route.FRANCECONNECT,
        (HUGO_BIRTH, ZOE_BIRTH),
        mobile=CLAIRE_MOBILE,
        name=PersonName("MARTIN", "Claire Marie Anne"),
    )
    assert world.service.record_activation(idp, report).after is S.ACTIVATED


def test_a_responsable_without_children_cannot_activate(
    world: World, chef: Session, idp: Session
) -> None:
    issued = world.service.notify(chef, PAUL).notification
    assert issued is not None
    with world.store.unit_of_work() as uow:
        uow.people.delete_links(UAI, [("1003", "5002")])
        uow.commit()
    report = ActivationReport(
        PAUL,
        Route.PROVISIONAL_PAPER,
        (),
        password=issued.password,
        email=EmailAddress("paul@example.org"),
    )
    assert _refusal(world, idp, report) == "no_child"


def test_franceconnect_is_not_open_to_eleves(world: World, idp: Session) -> None:
    report = ActivationReport(ZOE, Route.FRANCECONNECT, (ZOE_BIRTH,))
    assert _refusal(world, idp, report) == "route_not_open_to_profile"


def test_a_wrong_birth_date_blocks_every_route(world: World, chef: Session, idp: Session) -> None:
    issued = world.service.notify(chef, ZOE).notification
    assert issued is not None
    wrong = ActivationReport(
        ZOE, Route.PROVISIONAL_PAPER, (dt.date(2011, 4, 3),), password=issued.password
    )
    assert _refusal(world, idp, wrong) == "birth_date_mismatch"
    issued = world.service.notify(chef, INES).notification
    assert issued is not None
    invalid_in_siecle = ActivationReport(
        INES, Route.PROVISIONAL_PAPER, (dt.date(2012, 2, 28),), password=issued.password
    )
    assert _refusal(world, idp, invalid_in_siecle) == "birth_date_unusable"


def test_a_responsable_gives_an_email_on_the_provisional_route(
    world: World, chef: Session, idp: Session
) -> None:
    issued = world.service.notify(chef, CLAIRE).notification
    assert issued is not None
    report = ActivationReport(
        CLAIRE, Route.PROVISIONAL_EMAIL, (ZOE_BIRTH, HUGO_BIRTH), password=issued.password
    )
    assert _refusal(world, idp, report) == "email_required"
    typed = EmailAddress("claire.m@example.net")
    world.service.record_activation(idp, attrs.evolve(report, email=typed))
    account = world.get(CLAIRE)
    assert (account.state, account.email, account.credential) == (S.ACTIVATED, typed, None)


def test_aten_transition_needs_a_legacy_account(world: World, idp: Session) -> None:
    report = ActivationReport(LUCAS, Route.ATEN_TRANSITION, (dt.date(2011, 11, 17),))
    assert _refusal(world, idp, report) == "no_aten_account"
    world.put(attrs.evolve(world.get(LUCAS), has_aten_credentials=True))
    assert world.service.record_activation(idp, report).after is S.ACTIVATED


def test_no_letter_no_provisional_activation(world: World, idp: Session) -> None:
    report = ActivationReport(
        LUCAS, Route.PROVISIONAL_PAPER, (dt.date(2011, 11, 17),), "Kx7mPq4Rtz"
    )
    assert _refusal(world, idp, report) == "no_notification"


def test_activation_report_hides_the_password() -> None:
    report = ActivationReport(ZOE, Route.PROVISIONAL_PAPER, (ZOE_BIRTH,), password="Kx7mPq4Rtz")
    assert "Kx7mPq4Rtz" not in repr(report)


def test_audit_is_queryable_by_account_and_actor(world: World, chef: Session, idp: Session) -> None:
    issued = world.service.notify(chef, ZOE).notification
    assert issued is not None
    world.service.record_activation(
        idp, ActivationReport(ZOE, Route.PROVISIONAL_PAPER, (ZOE_BIRTH,), password=issued.password)
    )
    world.service.reset_password(chef, ZOE)
    assert [e.action for e in world.audit(ZOE)] == [
        "notify",
        "record_activation",
        "reset_password",
    ]
    with world.store.unit_of_work() as uow:
        assert [e.action for e in uow.audit.by_actor(idp.actor.actor_id)] == ["record_activation"]
        assert all(e.event_id for e in uow.audit.by_account(ZOE))
