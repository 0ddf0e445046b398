"""Settings of the ``email`` channel, read from the plain mapping a plugin receives."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Self

import attrs

from educonnect_core.channels import EDUCONNECT_URL
from educonnect_core.errors import InvalidValue
from educonnect_core.values import EmailAddress

__all__ = ["Security", "SmtpSettings"]

_KNOWN: Final = frozenset(
    {
        "host",
        "port",
        "security",
        "username",
        "password",
        "sender",
        "reply_to",
        "timeout",
        "ca_file",
        "templates_dir",
        "url",
    }
)


class Security(enum.Enum):
    STARTTLS = "starttls"
    SSL = "ssl"
    NONE = "none"

    @property
    def default_port(self) -> int:
        return {"starttls": 587, "ssl": 465, "none": 25}[self.value]


def _bad(key: str, raw: str, reason: str) -> InvalidValue:
    return InvalidValue(f"email setting {key!r}", raw, reason)


@attrs.frozen
class SmtpSettings:
    """``host`` and ``sender`` are required. ``security``: ``starttls`` (default),
    ``ssl`` or ``none``; ``username``/``password`` log in (never over ``none``);
    ``ca_file`` trusts a private CA; ``templates_dir`` holds a school's templates."""

    host: str
    sender: EmailAddress
    port: int
    security: Security = Security.STARTTLS
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    reply_to: EmailAddress | None = None
    timeout: float = 30.0
    ca_file: Path | None = None
    templates_dir: Path | None = None
    url: str = EDUCONNECT_URL

    @classmethod
    def from_mapping(cls, settings: Mapping[str, str]) -> Self:
        """Raises :class:`InvalidValue` naming a missing, unknown or wrong setting."""
        unknown = sorted(set(settings) - _KNOWN)
        if unknown:
            raise InvalidValue(
                "email settings", ", ".join(unknown), f"unknown; expected {sorted(_KNOWN)}"
            )
        raw = {k: v.strip() for k, v in settings.items()}
        for key in ("host", "sender"):
            if not raw.get(key):
                raise _bad(key, raw.get(key, ""), "is required")
        try:
            security = Security(raw.get("security") or "starttls")
        except ValueError:
            raise _bad("security", raw["security"], "expected starttls, ssl or none") from None
        port = security.default_port
        if raw.get("port"):
            if not raw["port"].isdigit() or not 0 < int(raw["port"]) < 65536:
                raise _bad("port", raw["port"], "expected a TCP port number")
            port = int(raw["port"])
        timeout = 30.0
        if raw.get("timeout"):
            try:
                timeout = float(raw["timeout"])
            except ValueError:
                raise _bad("timeout", raw["timeout"], "expected seconds") from None
        username = raw.get("username") or None
        if username and security is Security.NONE:
            raise _bad("username", username, "refusing to send a password without TLS")
        if username and not raw.get("password"):
            raise _bad("password", "", "is required with a username")
        ca_file = Path(raw["ca_file"]) if raw.get("ca_file") else None
        if ca_file is not None and not ca_file.is_file():
            raise _bad("ca_file", raw["ca_file"], "expected an existing file")
        templates_dir = Path(raw["templates_dir"]) if raw.get("templates_dir") else None
        if templates_dir is not None and not templates_dir.is_dir():
            raise _bad("templates_dir", raw["templates_dir"], "expected a directory")
        try:
            sender = EmailAddress.parse(raw["sender"])
            reply_to = EmailAddress.parse(raw["reply_to"]) if raw.get("reply_to") else None
        except InvalidValue as exc:
            raise _bad("sender/reply_to", str(exc.value), exc.reason) from None
        return cls(
            host=raw["host"],
            sender=sender,
            port=port,
            security=security,
            username=username,
            password=raw.get("password") or None,
            reply_to=reply_to,
            timeout=timeout,
            ca_file=ca_file,
            templates_dir=templates_dir,
            url=raw.get("url") or EDUCONNECT_URL,
        )
