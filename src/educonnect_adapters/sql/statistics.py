"""Statistics of a SQL store, added up from the grouped counts it reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from educonnect_core.blockers import BlockerCode
from educonnect_core.people import Profile
from educonnect_core.routes import Route
from educonnect_core.states import AccountState
from educonnect_core.storage import TO_ACTIVATE, Statistics

from .masks import CODE_BITS

__all__ = ["statistics_from_counts"]


def statistics_from_counts(
    profile_state: Iterable[tuple[str, str, int]],
    division_state: Iterable[tuple[str, str, int]],
    routes: Iterable[tuple[str, int]],
    masks: Iterable[tuple[str, int, int, int]],
) -> Statistics:
    """Add up the grouped counts a SQL backend reads (values as stored).

    ``profile_state``: (profile, state, n); ``division_state``: (division, state,
    n), a class may come several times; ``routes``: (activation route, n);
    ``masks``: (state, blocker mask, eligible mask, n) of the accounts with a snapshot.
    """
    by_ps: Counter[tuple[Profile, AccountState]] = Counter()
    for profile, state, n in profile_state:
        by_ps[Profile(profile), AccountState(state)] += n
    by_ds: Counter[tuple[str, AccountState]] = Counter()
    for division, state, n in division_state:
        by_ds[division, AccountState(state)] += n
    by_route: Counter[Route] = Counter()
    for route, n in routes:
        by_route[Route(route)] += n
    by_code: Counter[BlockerCode] = Counter()
    blocked = 0
    for state, mask, eligible, n in masks:
        for code, bit in CODE_BITS.items():
            if mask & bit:
                by_code[code] += n
        blocked += n if eligible == 0 and AccountState(state) in TO_ACTIVATE else 0
    return Statistics(
        total=sum(by_ps.values()),
        by_profile_state=dict(by_ps),
        by_division_state=dict(by_ds),
        by_route=dict(by_route),
        blocked_by_code=dict(by_code),
        blocked=blocked,
    )
