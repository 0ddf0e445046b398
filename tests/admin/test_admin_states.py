"""Each action in each state: through :func:`decide` and through the service."""

from __future__ import annotations

import datetime as dt

import pytest

from educonnect_core.actions import ACTION_EVENTS, Action, Outcome, decide
from educonnect_core.audit import Outcome as AuditOutcome
from educonnect_core.routes import Route
from educonnect_core.service import ActionNotAllowed, ActionResult, ActivationReport, Session
from educonnect_core.states import AccountState, Event, Facts, next_state

from .admin_world import KNOWN_PASSWORD, ZOE, ZOE_BIRTH, World, account_in

S = AccountState
A = Action
C, U, R = Outcome.CHANGE, Outcome.UNCHANGED, Outcome.REFUSED
AT = dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC)

#: The specification (docs/administration.md): outcome and state after, for an
#: account that was never activated before (except in ACTIVATED and
#: PASSWORD_RESET), with a valid letter in NOTIFIED, and, for activation, the
#: provisional paper route.
EXPECTED: dict[Action, dict[AccountState, tuple[Outcome, AccountState]]] = {
    A.NOTIFY: {
        S.NOT_ACTIVATED: (C, S.NOTIFIED),
        S.NOTIFIED: (U, S.NOTIFIED),
        S.ACTIVATED: (R, S.ACTIVATED),
        S.PASSWORD_RESET: (R, S.PASSWORD_RESET),
        S.DEACTIVATED: (R, S.DEACTIVATED),
    },
    A.RESEND_NOTIFICATION: {
        S.NOT_ACTIVATED: (R, S.NOT_ACTIVATED),
        S.NOTIFIED: (C, S.NOTIFIED),
        S.ACTIVATED: (R, S.ACTIVATED),
        S.PASSWORD_RESET: (R, S.PASSWORD_RESET),
        S.DEACTIVATED: (R, S.DEACTIVATED),
    },
    A.RESET_PASSWORD: {
        S.NOT_ACTIVATED: (R, S.NOT_ACTIVATED),
        S.NOTIFIED: (R, S.NOTIFIED),
        S.ACTIVATED: (C, S.PASSWORD_RESET),
        S.PASSWORD_RESET: (C, S.PASSWORD_RESET),
        S.DEACTIVATED: (R, S.DEACTIVATED),
    },
    A.RECALL_IDENTIFIER: {
        S.NOT_ACTIVATED: (R, S.NOT_ACTIVATED),
        S.NOTIFIED: (R, S.NOTIFIED),
        S.ACTIVATED: (C, S.ACTIVATED),
        S.PASSWORD_RESET: (C, S.PASSWORD_RESET),
        S.DEACTIVATED: (R, S.DEACTIVATED),
    },
    A.DEACTIVATE: {
        S.NOT_ACTIVATED: (C, S.DEACTIVATED),
        S.NOTIFIED: (C, S.DEACTIVATED),
        S.ACTIVATED: (C, S.DEACTIVATED),
        S.PASSWORD_RESET: (C, S.DEACTIVATED),
        S.DEACTIVATED: (U, S.DEACTIVATED),
    },
    A.REACTIVATE: {
        S.NOT_ACTIVATED: (U, S.NOT_ACTIVATED),
        S.NOTIFIED: (U, S.NOTIFIED),
        S.ACTIVATED: (U, S.ACTIVATED),
        S.PASSWORD_RESET: (U, S.PASSWORD_RESET),
        S.DEACTIVATED: (C, S.NOT_ACTIVATED),
    },
    A.RECORD_ACTIVATION: {
        S.NOT_ACTIVATED: (R, S.NOT_ACTIVATED),
        S.NOTIFIED: (C, S.ACTIVATED),
        S.ACTIVATED: (R, S.ACTIVATED),
        S.PASSWORD_RESET: (R, S.PASSWORD_RESET),
        S.DEACTIVATED: (R, S.DEACTIVATED),
    },
    A.RECORD_PASSWORD_CHANGED: {
        S.NOT_ACTIVATED: (R, S.NOT_ACTIVATED),
        S.NOTIFIED: (R, S.NOTIFIED),
        S.ACTIVATED: (R, S.ACTIVATED),
        S.PASSWORD_RESET: (C, S.ACTIVATED),
        S.DEACTIVATED: (R, S.DEACTIVATED),
    },
    A.RECORD_SIGN_IN: {
        S.NOT_ACTIVATED: (C, S.ACTIVATED),
        S.NOTIFIED: (C, S.ACTIVATED),
        S.ACTIVATED: (U, S.ACTIVATED),
        S.PASSWORD_RESET: (U, S.PASSWORD_RESET),
        S.DEACTIVATED: (R, S.DEACTIVATED),
    },
}

CASES = [(action, state) for action in Action for state in AccountState]


def test_the_table_covers_every_action_and_state() -> None:
    assert set(EXPECTED) == set(Action)
    assert all(set(row) == set(AccountState) for row in EXPECTED.values())


def _route(action: Action) -> Route | None:
    return Route.PROVISIONAL_PAPER if action is Action.RECORD_ACTIVATION else None


@pytest.mark.parametrize(("action", "state"), CASES, ids=[f"{a.value}-{s.value}" for a, s in CASES])
def test_decide_follows_the_table(action: Action, state: AccountState) -> None:
    account = account_in(state, ZOE, AT)
    decision = decide(action, account, AT.date(), route=_route(action))
    assert (decision.outcome, decision.target) == EXPECTED[action][state]
    if decision.outcome is R:
        assert decision.code
        assert decision.reason_fr
        assert decision.reason_fr.endswith(".")
        # a sentence for a secretary: French, about the account, no code words
        assert "compte" in decision.reason_fr or "identifiant" in decision.reason_fr
        assert "_" not in decision.reason_fr
    event = ACTION_EVENTS[action]
    if decision.outcome is C and event is not None:
        facts = Facts(
            ever_activated=account.ever_activated,
            route=_route(action),
            credential_valid=account.credential_valid_on(AT.date()),
        )
        assert decision.target is next_state(state, event, facts)


def test_reactivate_returns_a_once_activated_account_to_activated() -> None:
    account = account_in(S.DEACTIVATED, ZOE, AT, ever_activated=True)
    assert decide(A.REACTIVATE, account, AT.date()).target is S.ACTIVATED


def test_an_expired_letter_is_replaced_by_notify() -> None:
    account = account_in(S.NOTIFIED, ZOE, AT)
    later = AT.date() + dt.timedelta(days=100)
    decision = decide(A.NOTIFY, account, later)
    assert (decision.outcome, decision.target) == (C, S.NOTIFIED)
    assert decide(A.NOTIFY, account, AT.date()).code == "notification_still_valid"


def test_activation_with_an_expired_letter_says_so_with_the_date() -> None:
    account = account_in(S.NOTIFIED, ZOE, AT)
    decision = decide(
        A.RECORD_ACTIVATION,
        account,
        AT.date() + dt.timedelta(days=100),
        route=Route.PROVISIONAL_PAPER,
    )
    assert decision.code == "notification_expired"
    assert "12/04/2026" in (decision.reason_fr or "")


def test_activation_by_sms_needs_no_letter() -> None:
    account = account_in(S.NOT_ACTIVATED, "R-0990007V-5001", AT)
    decision = decide(A.RECORD_ACTIVATION, account, AT.date(), route=Route.SMS_SELF_REGISTRATION)
    assert decision.target is S.ACTIVATED


def _report(action: Action) -> ActivationReport:
    return ActivationReport(
        ZOE, Route.PROVISIONAL_PAPER, birth_dates=(ZOE_BIRTH,), password=KNOWN_PASSWORD
    )


def _run(world: World, session: Session, action: Action) -> ActionResult:
    service = world.service
    if action is A.NOTIFY:
        return service.notify(session, ZOE)
    if action is A.RESEND_NOTIFICATION:
        return service.resend_notification(session, ZOE)
    if action is A.RESET_PASSWORD:
        return service.reset_password(session, ZOE)
    if action is A.RECALL_IDENTIFIER:
        return service.recall_identifier(session, ZOE)
    if action is A.DEACTIVATE:
        return service.deactivate(session, ZOE, reason="left")
    if action is A.REACTIVATE:
        return service.reactivate(session, ZOE)
    if action is A.RECORD_ACTIVATION:
        return service.record_activation(session, _report(action))
    return service.record_password_changed(session, ZOE)


#: a sign-in is recorded by the sign-in recorder (tests/core/test_core_observed.py)
SERVICE_CASES = [(a, s) for a, s in CASES if a is not A.RECORD_SIGN_IN]


@pytest.mark.parametrize(
    ("action", "state"), SERVICE_CASES, ids=[f"{a.value}-{s.value}" for a, s in SERVICE_CASES]
)
def test_the_service_follows_the_table(
    world: World, chef: Session, idp: Session, action: Action, state: AccountState
) -> None:
    world.set_state(ZOE, state)
    before = world.get(ZOE)
    session = idp if action in (A.RECORD_ACTIVATION, A.RECORD_PASSWORD_CHANGED) else chef
    outcome, target = EXPECTED[action][state]
    if outcome is R:
        with pytest.raises(ActionNotAllowed) as refused:
            _run(world, session, action)
        assert refused.value.reason_fr
        assert world.get(ZOE) == before
    else:
        result = _run(world, session, action)
        assert result.outcome is outcome
        after = world.get(ZOE)
        assert after.state is target
        if outcome is U or action is A.RECALL_IDENTIFIER:
            assert after == before
    events = world.audit(ZOE)
    assert len(events) == 1
    event = events[0]
    assert event.action == action.value
    assert event.outcome is (AuditOutcome.REFUSED if outcome is R else AuditOutcome.ALLOWED)


def test_a_notification_invalidates_the_previous_one(
    world: World, chef: Session, idp: Session
) -> None:
    first = world.service.notify(chef, ZOE).notification
    assert first is not None
    assert first.password is not None
    first_hash = world.get(ZOE).credential
    second = world.service.resend_notification(chef, ZOE).notification
    assert second is not None
    assert second.identifier == first.identifier
    assert second.password != first.password
    assert world.get(ZOE).credential != first_hash
    with pytest.raises(ActionNotAllowed) as refused:
        world.service.record_activation(
            idp,
            ActivationReport(
                ZOE, Route.PROVISIONAL_PAPER, birth_dates=(ZOE_BIRTH,), password=first.password
            ),
        )
    assert refused.value.code == "wrong_password"
    world.service.record_activation(
        idp,
        ActivationReport(
            ZOE, Route.PROVISIONAL_PAPER, birth_dates=(ZOE_BIRTH,), password=second.password
        ),
    )
    assert world.get(ZOE).state is S.ACTIVATED


def test_the_letter_carries_its_date_and_three_months_validity(world: World, chef: Session) -> None:
    issued = world.service.notify(chef, ZOE).notification
    assert issued is not None
    assert issued.document_date == dt.date(2026, 1, 12)
    assert issued.valid_until == dt.date(2026, 4, 12)
    credential = world.get(ZOE).credential
    assert credential is not None
    assert (credential.document_date, credential.valid_until) == (
        issued.document_date,
        issued.valid_until,
    )


def test_reset_forces_a_change_at_next_login(world: World, chef: Session, idp: Session) -> None:
    world.set_state(ZOE, S.ACTIVATED)
    issued = world.service.reset_password(chef, ZOE).notification
    assert issued is not None
    assert issued.kind.value == "password_reset"
    assert world.get(ZOE).state is S.PASSWORD_RESET
    world.service.record_password_changed(idp, ZOE)
    assert world.get(ZOE).state is S.ACTIVATED
    assert world.get(ZOE).credential is None


def test_the_events_used_are_those_of_the_state_machine() -> None:
    used = {e for e in ACTION_EVENTS.values() if e is not None}
    assert used == set(Event)
