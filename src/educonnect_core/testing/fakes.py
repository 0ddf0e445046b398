"""Fakes for the core's ports, for unit tests: a settable clock, seeded randomness."""

from __future__ import annotations

import datetime as dt
import random

__all__ = ["FixedClock", "SeededRandom"]


class FixedClock:
    """A clock that says what it is told; ``advance`` moves it on."""

    def __init__(self, now: dt.datetime) -> None:
        if now.tzinfo is None:
            raise ValueError(f"FixedClock: expected an aware datetime, got {now!r}")
        self._now = now

    def now(self) -> dt.datetime:
        return self._now

    def set(self, now: dt.datetime) -> None:
        self._now = now

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta


class SeededRandom:
    """Deterministic randomness for tests only (never for real passwords)."""

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)

    def token_bytes(self, n: int) -> bytes:
        return self._random.randbytes(n)

    def choice(self, alphabet: str) -> str:
        return self._random.choice(alphabet)
