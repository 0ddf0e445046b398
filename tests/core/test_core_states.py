"""The account state machine: every (state, event) pair, guards, and random walks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from educonnect_core.accounts import Account, ProvisionalCredential, add_months
from educonnect_core.errors import ActionRefused, TransitionNotAllowed
from educonnect_core.people import Profile
from educonnect_core.routes import Route
from educonnect_core.states import (
    TRANSITIONS,
    AccountState,
    Event,
    Facts,
    allowed_events,
    next_state,
)
from educonnect_core.testing import strategies as ecs
from educonnect_core.values import Uai

S, E = AccountState, Event
PARIS = ZoneInfo("Europe/Paris")
T0 = dt.datetime(2025, 9, 1, 9, 0, tzinfo=PARIS)
UAI = Uai("0990007V")

NONE = Facts()
FC = Facts(route=Route.FRANCECONNECT)
PAPER_VALID = Facts(route=Route.PROVISIONAL_PAPER, credential_valid=True)
PAPER_EXPIRED = Facts(route=Route.PROVISIONAL_PAPER, credential_valid=False)
WAS_ACTIVE = Facts(ever_activated=True)

#: The expected outcome of every (state, event) pair under some facts; ``None``
#: means TransitionNotAllowed. Written by hand from docs/states.md, not from the table.
EXPECTED: dict[tuple[AccountState, Event, Facts], AccountState | None] = {}


def _expect(state: AccountState, event: Event, outcome: AccountState | None, *facts: Facts) -> None:
    for f in facts or (NONE, FC, PAPER_VALID, PAPER_EXPIRED, WAS_ACTIVE):
        EXPECTED[(state, event, f)] = outcome


ALL = (NONE, FC, PAPER_VALID, PAPER_EXPIRED, WAS_ACTIVE)
_expect(S.NOT_ACTIVATED, E.NOTIFY, S.NOTIFIED)
_expect(S.NOT_ACTIVATED, E.ACTIVATE, S.ACTIVATED, FC)
_expect(S.NOT_ACTIVATED, E.ACTIVATE, None, NONE, PAPER_VALID, PAPER_EXPIRED, WAS_ACTIVE)
_expect(S.NOT_ACTIVATED, E.RESET_PASSWORD, None)
_expect(S.NOT_ACTIVATED, E.PASSWORD_CHANGED, None)
_expect(S.NOT_ACTIVATED, E.DEACTIVATE, S.DEACTIVATED)
_expect(S.NOT_ACTIVATED, E.REACTIVATE, None)
_expect(S.NOTIFIED, E.NOTIFY, S.NOTIFIED)
_expect(S.NOTIFIED, E.ACTIVATE, S.ACTIVATED, FC, PAPER_VALID)
_expect(S.NOTIFIED, E.ACTIVATE, None, NONE, PAPER_EXPIRED, WAS_ACTIVE)
_expect(S.NOTIFIED, E.RESET_PASSWORD, None)
_expect(S.NOTIFIED, E.PASSWORD_CHANGED, None)
_expect(S.NOTIFIED, E.DEACTIVATE, S.DEACTIVATED)
_expect(S.NOTIFIED, E.REACTIVATE, None)
_expect(S.ACTIVATED, E.NOTIFY, None)
_expect(S.ACTIVATED, E.ACTIVATE, None)
_expect(S.ACTIVATED, E.RESET_PASSWORD, S.PASSWORD_RESET)
_expect(S.ACTIVATED, E.PASSWORD_CHANGED, None)
_expect(S.ACTIVATED, E.DEACTIVATE, S.DEACTIVATED)
_expect(S.ACTIVATED, E.REACTIVATE, None)
_expect(S.PASSWORD_RESET, E.NOTIFY, None)
_expect(S.PASSWORD_RESET, E.ACTIVATE, None)
_expect(S.PASSWORD_RESET, E.RESET_PASSWORD, S.PASSWORD_RESET)
_expect(S.PASSWORD_RESET, E.PASSWORD_CHANGED, S.ACTIVATED)
_expect(S.PASSWORD_RESET, E.DEACTIVATE, S.DEACTIVATED)
_expect(S.PASSWORD_RESET, E.REACTIVATE, None)
_expect(S.DEACTIVATED, E.NOTIFY, None)
_expect(S.DEACTIVATED, E.ACTIVATE, None)
_expect(S.DEACTIVATED, E.RESET_PASSWORD, None)
_expect(S.DEACTIVATED, E.PASSWORD_CHANGED, None)
_expect(S.DEACTIVATED, E.DEACTIVATE, None)
_expect(S.DEACTIVATED, E.REACTIVATE, S.ACTIVATED, WAS_ACTIVE)
_expect(S.DEACTIVATED, E.REACTIVATE, S.NOT_ACTIVATED, NONE, FC, PAPER_VALID, PAPER_EXPIRED)
# a sign-in seen by a service behind EduConnect proves the account active, whatever the route
_expect(S.NOT_ACTIVATED, E.SIGN_IN_OBSERVED, S.ACTIVATED)
_expect(S.NOTIFIED, E.SIGN_IN_OBSERVED, S.ACTIVATED)
_expect(S.ACTIVATED, E.SIGN_IN_OBSERVED, None)
_expect(S.PASSWORD_RESET, E.SIGN_IN_OBSERVED, None)
_expect(S.DEACTIVATED, E.SIGN_IN_OBSERVED, None)


def test_expected_table_covers_every_pair() -> None:
    assert {(s, e) for s, e, _ in EXPECTED} == {(s, e) for s in S for e in E}
    assert len(EXPECTED) == len(S) * len(E) * len(ALL)


@pytest.mark.parametrize(
    ("state", "event", "facts", "outcome"),
    [(s, e, f, o) for (s, e, f), o in EXPECTED.items()],
    ids=[f"{s.value}-{e.value}-{ALL.index(f)}" for s, e, f in EXPECTED],
)
def test_every_state_event_pair(
    state: AccountState, event: Event, facts: Facts, outcome: AccountState | None
) -> None:
    if outcome is None:
        with pytest.raises(TransitionNotAllowed) as info:
            next_state(state, event, facts)
        assert info.value.state == state.value
        assert info.value.event == event.value
        assert state.label_fr in info.value.reason_fr
        assert event not in allowed_events(state, facts)
    else:
        assert next_state(state, event, facts) is outcome
        assert event in allowed_events(state, facts)


def test_transition_not_allowed_is_a_refusal_and_a_value_error() -> None:
    with pytest.raises(ActionRefused):
        next_state(S.DEACTIVATED, E.NOTIFY)
    with pytest.raises(ValueError, match="not allowed"):
        next_state(S.DEACTIVATED, E.NOTIFY)


def test_every_state_is_reachable_from_not_activated_in_the_table() -> None:
    reached = {S.NOT_ACTIVATED}
    frontier = [S.NOT_ACTIVATED]
    while frontier:
        state = frontier.pop()
        for t in TRANSITIONS:
            if t.source is state and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(S)


def test_guarded_rows_document_their_guard() -> None:
    for t in TRANSITIONS:
        if t.guard.__name__ != "_always":
            assert t.guard_doc, t


def test_every_state_has_a_french_label() -> None:
    assert all(s.label_fr for s in S)


# --- Account.apply ---------------------------------------------------------------------------


def credential(day: dt.date) -> ProvisionalCredential:
    return ProvisionalCredential.issue("fake$00", day, channel="paper")


def test_notification_valid_three_months_inclusive() -> None:
    cred = credential(dt.date(2025, 11, 30))
    assert cred.valid_until == dt.date(2026, 2, 28)
    assert not cred.expired_on(dt.date(2026, 2, 28))
    assert cred.expired_on(dt.date(2026, 3, 1))


def test_add_months_clamps_and_crosses_years() -> None:
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 10, 15), 3) == dt.date(2026, 1, 15)


def test_activation_records_route_and_time() -> None:
    account = Account.open(UAI, Profile.RESPONSABLE, "5301001", at=T0)
    account = account.apply(E.NOTIFY, T0, credential=credential(T0.date()))
    later = T0 + dt.timedelta(days=10)
    active = account.apply(E.ACTIVATE, later, route=Route.PROVISIONAL_PAPER)
    assert active.state is S.ACTIVATED
    assert active.route is Route.PROVISIONAL_PAPER
    assert active.activated_at == later
    assert active.credential is None
    assert account.state is S.NOTIFIED  # the original is unchanged


def test_expired_letter_cannot_activate() -> None:
    account = Account.open(UAI, Profile.ELEVE, "2410501").apply(
        E.NOTIFY, T0, credential=credential(T0.date())
    )
    too_late = T0 + dt.timedelta(days=100)
    with pytest.raises(TransitionNotAllowed):
        account.apply(E.ACTIVATE, too_late, route=Route.PROVISIONAL_PAPER)


def test_student_cannot_use_responsable_routes() -> None:
    account = Account.open(UAI, Profile.ELEVE, "2410501")
    with pytest.raises(ActionRefused, match="not open to profile eleve"):
        account.apply(E.ACTIVATE, T0, route=Route.FRANCECONNECT)


def test_activate_needs_a_route_and_notify_a_credential() -> None:
    account = Account.open(UAI, Profile.RESPONSABLE, "1")
    with pytest.raises(ActionRefused):
        account.apply(E.ACTIVATE, T0)
    with pytest.raises(ActionRefused):
        account.apply(E.NOTIFY, T0)


def test_deactivation_keeps_everything_and_reactivation_restores_activated() -> None:
    account = Account.open(UAI, Profile.RESPONSABLE, "1").apply(
        E.ACTIVATE, T0, route=Route.SMS_SELF_REGISTRATION
    )
    gone = account.apply(E.DEACTIVATE, T0 + dt.timedelta(days=1), reason="student_left")
    assert gone.state is S.DEACTIVATED
    assert gone.deactivation_reason == "student_left"
    assert gone.route is Route.SMS_SELF_REGISTRATION
    back = gone.apply(E.REACTIVATE, T0 + dt.timedelta(days=2))
    assert back.state is S.ACTIVATED
    assert back.deactivated_at is None


def test_open_refuses_empty_id() -> None:
    with pytest.raises(ValueError, match="siecle_id"):
        Account.open(UAI, Profile.ELEVE, "")


def test_account_id_format() -> None:
    assert Account.open(UAI, Profile.RESPONSABLE, "5301001").account_id == "R-0990007V-5301001"
    assert Account.open(UAI, Profile.ELEVE, "2410501").account_id == "E-0990007V-2410501"


# --- reachable states ------------------------------------------------------------------------


def check_consistent(account: Account) -> None:
    """What every reachable account satisfies."""
    state = account.state
    if state is S.NOT_ACTIVATED:
        assert account.credential is None
        assert not account.ever_activated
    elif state is S.NOTIFIED:
        assert account.credential is not None
        assert not account.ever_activated
    elif state is S.ACTIVATED:
        assert account.ever_activated
        # an observed sign-in may not tell the route; a route told is open to the profile
        assert account.route is None or account.profile in account.route.profiles
    elif state is S.PASSWORD_RESET:
        assert account.ever_activated
        assert account.credential is not None
    else:
        assert state is S.DEACTIVATED
        assert account.deactivated_at is not None
        assert account.credential is None
    if state is not S.DEACTIVATED:
        assert account.deactivated_at is None


@given(
    st.sampled_from(AccountState).flatmap(lambda s: st.tuples(st.just(s), ecs.accounts(state=s)))
)
def test_accounts_strategy_reaches_the_state_asked(pair: tuple[AccountState, Account]) -> None:
    state, account = pair
    assert account.state is state
    check_consistent(account)


@given(ecs.accounts())
def test_any_built_account_is_consistent(account: Account) -> None:
    check_consistent(account)


class AccountMachine(RuleBasedStateMachine):
    """Any sequence of events, legal or not, leaves the account in a reachable state:
    a refused event changes nothing; an accepted one follows the table."""

    def __init__(self) -> None:
        super().__init__()
        self.account: Account | None = None
        self.now = T0

    @precondition(lambda self: self.account is None)
    @rule(profile=st.sampled_from(Profile))
    def open(self, profile: Profile) -> None:
        self.account = Account.open(UAI, profile, "42", at=self.now)

    @precondition(lambda self: self.account is not None)
    @rule(
        event=st.sampled_from(Event),
        route=st.none() | st.sampled_from(Route),
        with_credential=st.booleans(),
        wait=st.timedeltas(dt.timedelta(0), dt.timedelta(days=120)),
    )
    def apply(
        self, event: Event, route: Route | None, with_credential: bool, wait: dt.timedelta
    ) -> None:
        assert self.account is not None
        self.now += wait
        before = self.account
        cred = credential(self.now.date()) if with_credential else None
        try:
            after = before.apply(event, self.now, route=route, credential=cred, reason="test")
        except ActionRefused:
            return  # refused: nothing changed (the account is immutable)
        facts = Facts(
            ever_activated=before.ever_activated,
            route=route,
            credential_valid=before.credential_valid_on(self.now.date()),
        )
        assert after.state is next_state(before.state, event, facts)
        assert attrs.evolve(after, state=before.state).siecle_id == before.siecle_id
        self.account = after

    @invariant()
    def reachable(self) -> None:
        if self.account is not None:
            check_consistent(self.account)


AccountMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_account_machine = AccountMachine.TestCase
