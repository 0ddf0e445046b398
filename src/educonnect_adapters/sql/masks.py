"""The bit positions of the masks the SQL stores persist: explicit and versioned.

A snapshot is stored as masks (``eligible_mask``, ``blocker_mask``, one codes
mask per route). The meaning of every stored row depends on these positions,
so they are written here once, never derived from the order in which
:class:`~educonnect_core.routes.Route` or
:class:`~educonnect_core.blockers.BlockerCode` declare their members: adding a
route or a code **appends** a position (and bumps :data:`MASKS_VERSION`); a
position is never changed nor reused. ``tests/sql/test_masks.py`` pins them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from educonnect_core.blockers import BlockerCode
from educonnect_core.routes import Route

__all__ = [
    "CODE_BITS",
    "CODE_POSITIONS",
    "MASKS_VERSION",
    "ROUTE_BITS",
    "ROUTE_POSITIONS",
    "codes_mask",
    "routes_mask",
]

#: bumped whenever a position is appended
MASKS_VERSION: Final = 1

ROUTE_POSITIONS: Final[Mapping[Route, int]] = {
    Route.FRANCECONNECT: 0,
    Route.SMS_SELF_REGISTRATION: 1,
    Route.PROVISIONAL_PAPER: 2,
    Route.PROVISIONAL_EMAIL: 3,
    Route.ATEN_TRANSITION: 4,
}
CODE_POSITIONS: Final[Mapping[BlockerCode, int]] = {
    BlockerCode.MISSING_MOBILE: 0,
    BlockerCode.NOT_A_MOBILE: 1,
    BlockerCode.MISSING_NAME: 2,
    BlockerCode.MISSING_EMAIL: 3,
    BlockerCode.INVALID_EMAIL: 4,
    BlockerCode.INVALID_BIRTH_DATE: 5,
    BlockerCode.NOT_LEGAL_REPRESENTATIVE: 6,
    BlockerCode.NO_CURRENT_STUDENT: 7,
    BlockerCode.STUDENT_LEFT: 8,
    BlockerCode.ACCOUNT_ALREADY_ACTIVATED: 9,
    BlockerCode.ACCOUNT_DEACTIVATED: 10,
    BlockerCode.NOTIFICATION_EXPIRED: 11,
    BlockerCode.ROUTE_NOT_FOR_PROFILE: 12,
    BlockerCode.NO_ATEN_ACCOUNT: 13,
}

#: the bit of each member, in position order
ROUTE_BITS: Final[Mapping[Route, int]] = {
    r: 1 << p for r, p in sorted(ROUTE_POSITIONS.items(), key=lambda item: item[1])
}
CODE_BITS: Final[Mapping[BlockerCode, int]] = {
    c: 1 << p for c, p in sorted(CODE_POSITIONS.items(), key=lambda item: item[1])
}


def routes_mask(routes: Iterable[Route]) -> int:
    mask = 0
    for route in routes:
        mask |= ROUTE_BITS[route]
    return mask


def codes_mask(codes: Iterable[BlockerCode]) -> int:
    mask = 0
    for code in codes:
        mask |= CODE_BITS[code]
    return mask
