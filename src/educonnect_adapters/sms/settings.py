"""Settings of the ``sms`` channel, read from the plain mapping a plugin receives."""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Self
from urllib.parse import urlsplit

import attrs

from educonnect_core.channels import EDUCONNECT_URL
from educonnect_core.errors import InvalidValue

__all__ = ["DEFAULT_PAYLOAD", "PAYLOAD_FIELDS", "SmsSettings"]

#: The default request body: JSON with the number, the sender and the text.
DEFAULT_PAYLOAD: Final = '{"to": "$to", "from": "$sender", "text": "$text"}'

#: Placeholders of the payload template: ``to`` (E.164, ``+33612345678``),
#: ``to_digits`` (``33612345678``), ``sender``, ``text``, ``reference`` (account id).
PAYLOAD_FIELDS: Final = frozenset({"to", "to_digits", "sender", "text", "reference"})

_KNOWN: Final = frozenset(
    {
        "url",
        "method",
        "username",
        "password",
        "token",
        "payload",
        "content_type",
        "sender",
        "timeout",
        "ca_file",
        "templates_dir",
        "max_length",
        "url_educonnect",
    }
)


def _bad(key: str, raw: str, reason: str) -> InvalidValue:
    return InvalidValue(f"sms setting {key!r}", raw, reason)


@attrs.frozen
class SmsSettings:
    """``url`` (required) of the gateway; ``method`` (``POST``); ``username`` and
    ``password`` (HTTP Basic) or ``token`` (Bearer); ``payload`` template and its
    ``content_type`` (``application/json`` or
    ``application/x-www-form-urlencoded``: values are escaped for it);
    ``sender``; ``max_length`` of a text (320, two SMS); ``templates_dir``."""

    url: str
    method: str = "POST"
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    token: str | None = attrs.field(default=None, repr=False)
    payload: string.Template = string.Template(DEFAULT_PAYLOAD)
    content_type: str = "application/json"
    sender: str = "EduConnect"
    timeout: float = 15.0
    ca_file: Path | None = None
    templates_dir: Path | None = None
    max_length: int = 320
    url_educonnect: str = EDUCONNECT_URL

    @classmethod
    def from_mapping(cls, settings: Mapping[str, str]) -> Self:
        """Raises :class:`InvalidValue` naming a missing, unknown or wrong setting."""
        unknown = sorted(set(settings) - _KNOWN)
        if unknown:
            raise InvalidValue(
                "sms settings", ", ".join(unknown), f"unknown; expected {sorted(_KNOWN)}"
            )
        raw = {k: v.strip() for k, v in settings.items()}
        url = raw.get("url", "")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise _bad("url", url, "expected an http:// or https:// URL")
        method = (raw.get("method") or "POST").upper()
        if method not in ("POST", "PUT", "GET"):
            raise _bad("method", method, "expected POST, PUT or GET")
        if raw.get("username") and not raw.get("password"):
            raise _bad("password", "", "is required with a username")
        if raw.get("token") and raw.get("username"):
            raise _bad("token", "<hidden>", "give either a token or a username, not both")
        loopback = parts.hostname in ("127.0.0.1", "::1", "localhost")
        if (raw.get("token") or raw.get("username")) and parts.scheme == "http" and not loopback:
            raise _bad("url", url, "refusing to send credentials over plain http: use https")
        payload = string.Template(settings.get("payload") or DEFAULT_PAYLOAD)
        if not payload.is_valid():
            raise _bad("payload", payload.template, "malformed $placeholder")
        unknown_fields = set(payload.get_identifiers()) - PAYLOAD_FIELDS
        if unknown_fields:
            raise _bad(
                "payload",
                ", ".join(sorted(unknown_fields)),
                f"unknown placeholder; expected among {', '.join(sorted(PAYLOAD_FIELDS))}",
            )
        if "text" not in payload.get_identifiers() or not (
            {"to", "to_digits"} & set(payload.get_identifiers())
        ):
            raise _bad("payload", payload.template, "must contain $text and $to (or $to_digits)")
        numbers: dict[str, float] = {}
        for key, default in (("timeout", 15.0), ("max_length", 320.0)):
            try:
                numbers[key] = float(raw.get(key) or default)
            except ValueError:
                raise _bad(key, raw[key], "expected a number") from None
            if numbers[key] <= 0:
                raise _bad(key, raw[key], "expected a positive number")
        ca_file = Path(raw["ca_file"]) if raw.get("ca_file") else None
        if ca_file is not None and not ca_file.is_file():
            raise _bad("ca_file", raw["ca_file"], "expected an existing file")
        templates_dir = Path(raw["templates_dir"]) if raw.get("templates_dir") else None
        if templates_dir is not None and not templates_dir.is_dir():
            raise _bad("templates_dir", raw["templates_dir"], "expected a directory")
        return cls(
            url=url,
            method=method,
            username=raw.get("username") or None,
            password=raw.get("password") or None,
            token=raw.get("token") or None,
            payload=payload,
            content_type=raw.get("content_type") or "application/json",
            sender=raw.get("sender") or "EduConnect",
            timeout=numbers["timeout"],
            ca_file=ca_file,
            templates_dir=templates_dir,
            max_length=int(numbers["max_length"]),
            url_educonnect=raw.get("url_educonnect") or EDUCONNECT_URL,
        )
