"""One state per grouped person; statistics by person as well as by account."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from educonnect_core.accounts import Account
from educonnect_core.grouping import group
from educonnect_core.people import Profile
from educonnect_core.persons import PersonView, person_status
from educonnect_core.routes import Route
from educonnect_core.states import AccountState, Event

from .families import COLLEGE, ECOLE, LYCEE, college, ecole, lycee

AT = dt.datetime(2026, 9, 2, 8, 0, tzinfo=dt.UTC)


def _accounts(*, claire_active_at: str | None = None) -> dict[str, Account]:
    accounts: dict[str, Account] = {}
    for school in (college(), lycee(), ecole()):
        if school.uai != ECOLE:
            for e in school.eleves:
                a = Account.open(school.uai, Profile.ELEVE, e.eleve_id, at=AT)
                accounts[a.account_id] = a
        for r in school.responsables:
            a = Account.open(
                school.uai,
                Profile.RESPONSABLE,
                r.personne_id,
                at=AT,
                identifier=f"id{r.personne_id}",
            )
            accounts[a.account_id] = a
    if claire_active_at is not None:
        done = accounts[claire_active_at].apply(Event.ACTIVATE, AT, route=Route.FRANCECONNECT)
        accounts[claire_active_at] = done
    return accounts


def test_an_activation_at_the_école_is_the_state_at_the_collège_and_the_lycée() -> None:
    view = PersonView(
        group([college(), lycee(), ecole()]), _accounts(claire_active_at=f"R-{ECOLE}-P1")
    )
    for account_id in (f"R-{COLLEGE}-5301", f"R-{LYCEE}-7301"):
        assert view.accounts[account_id].state is AccountState.NOT_ACTIVATED  # the row
        assert view.effective_state(account_id) is AccountState.ACTIVATED  # the person
        assert view.active_elsewhere(account_id) == f"R-{ECOLE}-P1"
    assert view.active_elsewhere(f"R-{ECOLE}-P1") is None
    status = view.status_of_account(f"R-{LYCEE}-7301")
    assert status is not None
    assert status.identifier == "idP1"
    assert status.route is Route.FRANCECONNECT
    # Paul (a candidate only) is not made active by anybody
    assert view.effective_state(f"R-{LYCEE}-7302") is AccountState.NOT_ACTIVATED


def test_statistics_count_persons_and_accounts() -> None:
    view = PersonView(
        group([college(), lycee(), ecole()]), _accounts(claire_active_at=f"R-{COLLEGE}-5301")
    )
    stats = view.statistics()
    # 7 student accounts (Noah twice) are 6 persons; Jules (école) holds no account
    assert stats.accounts_by_profile[Profile.ELEVE] == 7
    assert stats.persons(Profile.ELEVE) == 6
    # 9 responsable accounts are 6 persons; one (Claire) is active
    assert stats.accounts_by_profile[Profile.RESPONSABLE] == 9
    assert stats.persons(Profile.RESPONSABLE) == 6
    assert stats.persons(Profile.RESPONSABLE, AccountState.ACTIVATED) == 1
    assert stats.grouped == 3  # Claire, Sarah, Noah
    assert stats.candidates == 2  # Paul, Lou
    lycee_only = view.statistics(LYCEE)
    assert lycee_only.persons(Profile.RESPONSABLE, AccountState.ACTIVATED) == 1


_states = st.sampled_from(
    [None, AccountState.NOTIFIED, AccountState.ACTIVATED, AccountState.DEACTIVATED]
)


@given(st.lists(_states, min_size=1, max_size=4))
def test_person_state_does_not_depend_on_the_order_of_accounts(
    plan: list[AccountState | None],
) -> None:
    accounts = []
    for n, what in enumerate(plan):
        a = Account.open(COLLEGE, Profile.RESPONSABLE, str(n), at=AT, identifier=f"x{n}")
        if what is AccountState.ACTIVATED or what is AccountState.DEACTIVATED:
            a = a.apply(
                Event.ACTIVATE, AT + dt.timedelta(minutes=n), route=Route.SMS_SELF_REGISTRATION
            )
        if what is AccountState.DEACTIVATED:
            a = a.apply(Event.DEACTIVATE, AT, reason="left")
        accounts.append(a)
    one = person_status("p", Profile.RESPONSABLE, accounts)
    two = person_status("p", Profile.RESPONSABLE, reversed(accounts))
    assert one == two
    ever = any(a.ever_activated for a in accounts)
    live = any(a.state is not AccountState.DEACTIVATED for a in accounts)
    assert one.active == (ever and live)
