"""*Blocked* is defined once: still to activate, and no route open."""

from __future__ import annotations

import pytest

from educonnect_core.blockers import BlockerCode
from educonnect_core.routes import Route
from educonnect_core.states import AccountState
from educonnect_core.storage import (
    TO_ACTIVATE,
    AccountQuery,
    EligibilitySnapshot,
    is_blocked,
)

CLOSED = EligibilitySnapshot(
    account_id="R-0990007V-1",
    routes={r: frozenset({BlockerCode.ACCOUNT_ALREADY_ACTIVATED}) for r in Route},
)
OPEN = EligibilitySnapshot(account_id="R-0990007V-1", routes={r: frozenset() for r in Route})


@pytest.mark.parametrize("state", list(AccountState), ids=lambda s: s.value)
def test_only_an_account_to_activate_with_no_open_route_is_blocked(state: AccountState) -> None:
    assert is_blocked(state, CLOSED) is (state in TO_ACTIVATE)
    assert not is_blocked(state, OPEN)
    assert not is_blocked(state, None)


def test_a_password_reset_account_is_not_blocked() -> None:
    """It carries ACCOUNT_ALREADY_ACTIVATED on every route, yet it is not stuck."""
    assert not is_blocked(AccountState.PASSWORD_RESET, CLOSED)


def test_the_query_accepts_several_states() -> None:
    query = AccountQuery(state=[AccountState.NOTIFIED, AccountState.NOT_ACTIVATED])
    assert query.state == TO_ACTIVATE
    assert AccountQuery(state=AccountState.NOTIFIED).state == frozenset({AccountState.NOTIFIED})
    with pytest.raises(ValueError, match=r"AccountQuery\.state"):
        AccountQuery(state=[])
