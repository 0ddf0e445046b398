"""The stored bit positions never move: adding a route or a code appends one."""

from __future__ import annotations

from educonnect_adapters.sql.masks import (
    CODE_BITS,
    CODE_POSITIONS,
    MASKS_VERSION,
    ROUTE_BITS,
    ROUTE_POSITIONS,
    codes_mask,
)
from educonnect_core.blockers import BlockerCode
from educonnect_core.routes import Route

#: As persisted by every store written since the first release (masks version 1).
#: Never edit a line here: a failure means stored rows would change meaning.
PINNED_ROUTES = {
    "franceconnect": 0,
    "sms_self_registration": 1,
    "provisional_paper": 2,
    "provisional_email": 3,
    "aten_transition": 4,
}
PINNED_CODES_V1 = {
    "MISSING_MOBILE": 0,
    "NOT_A_MOBILE": 1,
    "MISSING_NAME": 2,
    "MISSING_EMAIL": 3,
    "INVALID_EMAIL": 4,
    "INVALID_BIRTH_DATE": 5,
    "NOT_LEGAL_REPRESENTATIVE": 6,
    "NO_CURRENT_STUDENT": 7,
    "STUDENT_LEFT": 8,
    "ACCOUNT_ALREADY_ACTIVATED": 9,
    "ACCOUNT_DEACTIVATED": 10,
    "NOTIFICATION_EXPIRED": 11,
    "ROUTE_NOT_FOR_PROFILE": 12,
    "NO_ATEN_ACCOUNT": 13,
}


def test_route_positions_are_pinned() -> None:
    assert {r.value: p for r, p in ROUTE_POSITIONS.items()} == PINNED_ROUTES


def test_code_positions_of_version_1_are_pinned() -> None:
    current = {c.name: p for c, p in CODE_POSITIONS.items()}
    assert {k: current[k] for k in PINNED_CODES_V1} == PINNED_CODES_V1
    assert MASKS_VERSION >= 1


def test_every_member_has_a_position_and_positions_are_unique() -> None:
    assert set(ROUTE_POSITIONS) == set(Route)
    assert set(CODE_POSITIONS) == set(BlockerCode)
    assert len(set(ROUTE_POSITIONS.values())) == len(ROUTE_POSITIONS)
    assert len(set(CODE_POSITIONS.values())) == len(CODE_POSITIONS)
    # appended, never with a hole: the next code takes the next position
    assert sorted(CODE_POSITIONS.values()) == list(range(len(CODE_POSITIONS)))


def test_bits_follow_the_positions() -> None:
    assert all(bit == 1 << ROUTE_POSITIONS[r] for r, bit in ROUTE_BITS.items())
    assert codes_mask([BlockerCode.MISSING_MOBILE, BlockerCode.NO_ATEN_ACCOUNT]) == (
        1 << 0 | 1 << 13
    )
    assert list(CODE_BITS.values()) == sorted(CODE_BITS.values())
