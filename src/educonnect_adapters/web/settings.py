"""Settings of the web module: networks, cookies, expiry, lock-out, language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import attrs

from educonnect_core.errors import InvalidValue
from educonnect_core.schedule import RefreshSchedule

from .catalogue import LANGS
from .network import Network, parse_networks

__all__ = ["LockoutPolicy", "WebSettings"]

_MIN_KEY: Final = 32


def _admin_networks(value: Iterable[str | Network]) -> tuple[Network, ...]:
    return parse_networks(value, "WebSettings.administrative_networks")


def _proxies(value: Iterable[str | Network]) -> tuple[Network, ...]:
    return parse_networks(value, "WebSettings.trusted_proxies")


def _check_lang(settings: WebSettings, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in LANGS:
        raise InvalidValue("WebSettings.lang", value, f"expected one of {', '.join(LANGS)}")


def _check_key(settings: WebSettings, attribute: attrs.Attribute[bytes], value: bytes) -> None:
    if len(value) < _MIN_KEY:
        raise InvalidValue(
            "WebSettings.secret_key", f"{len(value)} bytes", f"expected {_MIN_KEY} bytes or more"
        )


def _check_timezone(settings: WebSettings, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        RefreshSchedule(timezone=value)
    except InvalidValue as exc:
        raise InvalidValue("WebSettings.timezone", value, exc.reason) from None


@attrs.frozen
class LockoutPolicy:
    """Incremental lock-out: after ``free_attempts`` failures in a row, each new
    failure locks sign-in for ``first_lock`` doubled each time, at most ``longest``.
    Counted per user id and per client address (``address_attempts`` failures)."""

    free_attempts: int = 3
    address_attempts: int = 20
    first_lock: dt.timedelta = dt.timedelta(seconds=30)
    longest: dt.timedelta = dt.timedelta(minutes=30)
    #: failures older than this are forgotten
    forget_after: dt.timedelta = dt.timedelta(hours=24)
    #: at most this many ids and addresses remembered (the oldest go first)
    max_keys: int = 100_000


@attrs.frozen
class WebSettings:
    """How the web module runs.

    ``secret_key`` signs the session and CSRF cookies (32 bytes or more; every
    process serving the module must share it). ``trusted_proxies``: addresses
    whose ``X-Forwarded-For`` (and, for :class:`~.auth.ProxyAuthenticator`, identity
    headers) are believed. ``administrative_networks``: client addresses that are
    on the school's administrative network. ``secure_cookies`` may be turned off
    only to test over plain ``http://localhost``. ``letters_dir``: where the
    letters the module prints (PDFs with clear passwords) are kept for their
    issuer to download, ``letters_kept`` long (by default a private temporary
    folder of the process: give one folder to every process serving the module).
    """

    secret_key: bytes = attrs.field(validator=_check_key, repr=False)
    administrative_networks: tuple[Network, ...] = attrs.field(
        default=(), converter=_admin_networks
    )
    trusted_proxies: tuple[Network, ...] = attrs.field(default=(), converter=_proxies)
    secure_cookies: bool = True
    idle_timeout: dt.timedelta = dt.timedelta(minutes=20)
    absolute_timeout: dt.timedelta = dt.timedelta(hours=8)
    lockout: LockoutPolicy = LockoutPolicy()
    lang: str = attrs.field(default="fr", validator=_check_lang)
    timezone: str = attrs.field(default="Europe/Paris", validator=_check_timezone)
    page_size: int = 50
    cookie_name: str = "educonnect_session"
    csrf_cookie_name: str = "educonnect_csrf"
    letters_dir: Path | None = None
    letters_kept: dt.timedelta = dt.timedelta(hours=1)
