"""Signed cookies: the signed-in session and the CSRF token.

A session cookie carries who signed in, whether their OTP was verified, when
the session began and when it was last used; it is signed (HMAC, itsdangerous)
with the module's secret key, so a client cannot change it, and it is refused
past the idle or the absolute expiry (times from the module's clock). Nothing
is kept on the server: every process sharing the key accepts it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any, Final

import attrs
from itsdangerous import BadSignature, URLSafeSerializer

from educonnect_core.errors import InvalidValue

from .auth import Identity, Verified

__all__ = ["CookieSession", "SessionCodec"]

_SESSION_SALT: Final = "educonnect.web.session"
_CSRF_SALT: Final = "educonnect.web.csrf"


@attrs.frozen
class CookieSession:
    """What the session cookie says."""

    verified: Verified
    started: dt.datetime
    seen: dt.datetime

    def touched(self, at: dt.datetime) -> CookieSession:
        return attrs.evolve(self, seen=at)


class SessionCodec:
    """Signs and reads the session and CSRF cookies."""

    def __init__(self, secret_key: bytes) -> None:
        self._session = URLSafeSerializer(secret_key, salt=_SESSION_SALT)
        self._csrf = URLSafeSerializer(secret_key, salt=_CSRF_SALT)

    def dump(self, session: CookieSession) -> str:
        who = session.verified.identity
        payload = {
            "a": who.actor_id,
            "r": who.role.value,
            "u": str(who.uai),
            "n": who.display_name,
            "o": session.verified.otp,
            "s": session.started.timestamp(),
            "t": session.seen.timestamp(),
        }
        return str(self._session.dumps(payload))

    def load(
        self,
        cookie: str | None,
        at: dt.datetime,
        *,
        idle: dt.timedelta,
        absolute: dt.timedelta,
    ) -> tuple[CookieSession | None, bool]:
        """The session, and whether a cookie was there but expired or invalid."""
        if not cookie:
            return None, False
        try:
            payload: Any = self._session.loads(cookie)
            identity = Identity(payload["a"], payload["r"], payload["u"], payload["n"])
            started = dt.datetime.fromtimestamp(float(payload["s"]), dt.UTC)
            seen = dt.datetime.fromtimestamp(float(payload["t"]), dt.UTC)
            otp = bool(payload["o"])
        except (BadSignature, KeyError, TypeError, ValueError, InvalidValue):
            return None, True
        if at - started >= absolute or at - seen >= idle or seen > at + idle:
            return None, True
        return CookieSession(Verified(identity, otp), started, seen), False

    def new_csrf(self) -> tuple[str, str]:
        """A new token and its cookie value."""
        token = secrets.token_urlsafe(32)
        return token, str(self._csrf.dumps(token))

    def csrf_token(self, cookie: str | None) -> str | None:
        """The token a CSRF cookie carries, if it is ours."""
        if not cookie:
            return None
        try:
            token = self._csrf.loads(cookie)
        except BadSignature:
            return None
        return token if isinstance(token, str) else None

    @staticmethod
    def same(a: str | None, b: str | None) -> bool:
        return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
