"""The real clock and the operating system's secure random source."""

from __future__ import annotations

import datetime as dt
import secrets

__all__ = ["SecretsRandom", "SystemClock"]


class SystemClock:
    """The wall clock, as an aware UTC datetime."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class SecretsRandom:
    """Randomness from :mod:`secrets` (the OS's CSPRNG)."""

    def token_bytes(self, n: int) -> bytes:
        return secrets.token_bytes(n)

    def choice(self, alphabet: str) -> str:
        return secrets.choice(alphabet)
