"""The SMS channel: one HTTP request to the gateway per identifier recall."""

from __future__ import annotations

import base64
import json
import logging
import ssl
import string
import urllib.error
import urllib.request
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from urllib.parse import quote_plus

from educonnect_core.channels import (
    DeliveryReport,
    Medium,
    Notification,
    NotificationKind,
    template_values,
)
from educonnect_core.errors import InvalidValue

from .settings import SmsSettings

__all__ = ["SmsChannel", "load_text_template"]

log = logging.getLogger(__name__)

_TEXT_PLACEHOLDERS = frozenset(
    {"identifiant", "prenom", "nom", "profil", "etablissement", "uai", "url", "date_document"}
)


def load_text_template(templates_dir: Path | None) -> string.Template:
    """``identifier_recall.txt``, from ``templates_dir`` when it has one.

    Only recall placeholders are allowed: an SMS never shows a password.
    """
    name = "identifier_recall.txt"
    if templates_dir is not None and (templates_dir / name).is_file():
        where, text = str(templates_dir / name), (templates_dir / name).read_text(encoding="utf-8")
    else:
        where = f"sms/templates/{name}"
        text = resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    template = string.Template(" ".join(text.split()))
    if not template.is_valid():
        raise InvalidValue(where, text[:60], "malformed $placeholder in SMS template")
    unknown = set(template.get_identifiers()) - _TEXT_PLACEHOLDERS
    if unknown:
        raise InvalidValue(
            where,
            ", ".join(sorted(unknown)),
            f"placeholder not allowed in an SMS; expected among {sorted(_TEXT_PLACEHOLDERS)}",
        )
    return template


def _escape(value: str, content_type: str) -> str:
    if "json" in content_type:
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if "x-www-form-urlencoded" in content_type:
        return quote_plus(value)
    return value


class _Unreachable(Exception):
    """The gateway cannot be reached: no use trying the rest of the batch now."""


class SmsChannel:
    """Sends identifier recalls as SMS through the configured HTTP gateway.

    Any 2xx answer is a delivery (the reference is the gateway's ``id`` or
    ``message_id`` when its JSON answer has one); another status fails that
    message with the status and the start of the answer. When the gateway
    cannot be reached, the rest of the batch fails with that reason (a retry
    tries them again).
    """

    name = "sms"
    medium = Medium.SMS

    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings
        self._text = load_text_template(settings.templates_dir)
        ca = str(settings.ca_file) if settings.ca_file else None
        self._context = ssl.create_default_context(cafile=ca)

    def text(self, notification: Notification) -> str:
        values = template_values(notification, url=self.settings.url_educonnect)
        return self._text.substitute(values)

    def _request(self, notification: Notification, text: str) -> urllib.request.Request:
        s = self.settings
        assert notification.mobile is not None, "the core refuses SMS without a mobile"
        fields = {
            "to": notification.mobile.e164,
            "to_digits": notification.mobile.e164.lstrip("+"),
            "sender": s.sender,
            "text": text,
            "reference": notification.account_id,
        }
        body = s.payload.substitute({k: _escape(v, s.content_type) for k, v in fields.items()})
        headers = {"Content-Type": f"{s.content_type}; charset=utf-8", "Accept": "*/*"}
        if s.username and s.password:
            pair = f"{s.username}:{s.password}".encode()
            headers["Authorization"] = f"Basic {base64.b64encode(pair).decode('ascii')}"
        elif s.token:
            headers["Authorization"] = f"Bearer {s.token}"
        if s.method == "GET":
            separator = "&" if "?" in s.url else "?"
            return urllib.request.Request(f"{s.url}{separator}{body}", headers=headers)
        return urllib.request.Request(
            s.url, data=body.encode("utf-8"), headers=headers, method=s.method
        )

    def _send(self, notification: Notification) -> DeliveryReport:
        account = notification.account_id
        if notification.kind is not NotificationKind.IDENTIFIER_RECALL or notification.password:
            return DeliveryReport.failed(account, "un mot de passe n'est jamais envoyé par SMS")
        if notification.mobile is None:  # the core never hands one over
            return DeliveryReport.failed(account, "pas de numéro de téléphone portable")
        text = self.text(notification)
        if len(text) > self.settings.max_length:
            return DeliveryReport.failed(
                account,
                f"SMS trop long : {len(text)} caractères (au plus {self.settings.max_length})",
            )
        request = self._request(notification, text)
        try:
            with urllib.request.urlopen(
                request, timeout=self.settings.timeout, context=self._context
            ) as response:
                answer = response.read(4096)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            exc.close()
            return DeliveryReport.failed(
                account, f"passerelle SMS : HTTP {exc.code} {exc.reason} {detail}".strip()
            )
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise _Unreachable(f"passerelle SMS injoignable : {reason}") from None
        return DeliveryReport.ok(account, reference=_gateway_id(answer))

    def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]:
        reports: list[DeliveryReport] = []
        unreachable: str | None = None
        for notification in batch:
            if unreachable is not None:
                reports.append(DeliveryReport.failed(notification.account_id, unreachable))
                continue
            try:
                report = self._send(notification)
            except _Unreachable as exc:
                unreachable = str(exc)
                log.warning("sms: %s", unreachable)
                report = DeliveryReport.failed(notification.account_id, unreachable)
            if not report.delivered:
                log.info("sms to account %s failed: %s", notification.account_id, report.reason)
            reports.append(report)
        return reports


def _gateway_id(answer: bytes) -> str | None:
    try:
        data = json.loads(answer)
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("id", "message_id", "messageId"):
            if key in data:
                return str(data[key])
    return None
