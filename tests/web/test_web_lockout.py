"""The lock-out memory: incremental locks, forgetting, bounded size."""

from __future__ import annotations

import datetime as dt

from educonnect_adapters.web.lockout import Lockout
from educonnect_adapters.web.settings import LockoutPolicy

AT = dt.datetime(2026, 1, 13, 9, 0, tzinfo=dt.UTC)
S = dt.timedelta(seconds=1)


def test_locks_double_up_to_the_longest() -> None:
    lockout = Lockout(LockoutPolicy(free_attempts=2, first_lock=10 * S, longest=35 * S))
    keys = (("user:a", 2),)
    seen = []
    at = AT
    for _ in range(6):
        lockout.failed(keys, at)
        seen.append(lockout.locked_for(keys, at))
        at += seen[-1] + S
    assert seen == [0 * S, 0 * S, 10 * S, 20 * S, 35 * S, 35 * S]
    lockout.succeeded("user:a")
    assert lockout.locked_for(keys, at) == 0 * S


def test_failures_are_forgotten_after_a_while() -> None:
    lockout = Lockout(LockoutPolicy(free_attempts=1, forget_after=dt.timedelta(hours=1)))
    keys = (("user:a", 1),)
    lockout.failed(keys, AT)
    lockout.failed(keys, AT + 60 * S)
    assert lockout.locked_for(keys, AT + 61 * S) > 0 * S
    later = AT + dt.timedelta(hours=2)
    lockout.failed(keys, later)  # counts as the first again
    assert lockout.locked_for(keys, later) == 0 * S


def test_the_memory_is_bounded() -> None:
    lockout = Lockout(LockoutPolicy(max_keys=100))
    for n in range(1000):
        lockout.failed(((f"user:{n}", 3),), AT + n * S)
    assert len(lockout) <= 100
    # the most recent are kept
    lockout.failed((("user:999", 3),), AT + 1000 * S)
    lockout.failed((("user:999", 3),), AT + 1001 * S)
    lockout.failed((("user:999", 3),), AT + 1002 * S)
    assert lockout.locked_for((("user:999", 3),), AT + 1002 * S) > 0 * S
