"""Incremental lock-out of sign-in, kept in this process's memory.

Failures are counted per key (a user id, a client address); a restart or
another process starts from zero (docs/web-security.md says so).
"""

from __future__ import annotations

import datetime as dt
import threading

import attrs

from .settings import LockoutPolicy

__all__ = ["Lockout"]


@attrs.define
class _Failures:
    count: int
    last: dt.datetime
    locked_until: dt.datetime | None = None


class Lockout:
    """Failures per key and the lock they earn (thread-safe)."""

    def __init__(self, policy: LockoutPolicy) -> None:
        self._policy = policy
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def locked_for(self, keys: tuple[tuple[str, int], ...], at: dt.datetime) -> dt.timedelta:
        """How long sign-in stays locked for any of ``keys`` (zero: not locked).
        Each key comes with the number of failures it is allowed before a lock."""
        with self._lock:
            longest = dt.timedelta(0)
            for key, _ in keys:
                found = self._current(key, at)
                if found is not None and found.locked_until is not None:
                    longest = max(longest, found.locked_until - at)
            return longest

    def failed(self, keys: tuple[tuple[str, int], ...], at: dt.datetime) -> None:
        """Count one failure on each key; lock it once past its free attempts."""
        policy = self._policy
        with self._lock:
            for key, free in keys:
                found = self._current(key, at)
                if found is None:
                    found = self._failures[key] = _Failures(0, at)
                found.count += 1
                found.last = at
                beyond = found.count - free
                if beyond > 0:
                    lock = min(policy.first_lock * (2 ** min(beyond - 1, 20)), policy.longest)
                    found.locked_until = at + lock
            if len(self._failures) > policy.max_keys:
                self._forget(at)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _forget(self, at: dt.datetime) -> None:
        """Memory stays bounded: the stale keys go, then the least recent ones."""
        policy = self._policy
        for key in [k for k, f in self._failures.items() if at - f.last > policy.forget_after]:
            del self._failures[key]
        excess = len(self._failures) - policy.max_keys
        if excess > 0:
            oldest = sorted(self._failures, key=lambda k: self._failures[k].last)[:excess]
            for key in oldest:
                del self._failures[key]

    def __len__(self) -> int:
        return len(self._failures)

    def _current(self, key: str, at: dt.datetime) -> _Failures | None:
        found = self._failures.get(key)
        if found is None:
            return None
        if at - found.last > self._policy.forget_after:
            del self._failures[key]
            return None
        if found.locked_until is not None and found.locked_until <= at:
            found.locked_until = None
        return found
