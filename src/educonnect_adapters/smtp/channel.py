"""The email channel: one SMTP connection per batch, one message per notification."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from educonnect_core.channels import DeliveryReport, Medium, Notification

from .settings import Security, SmtpSettings
from .templates import load_templates

__all__ = ["SmtpChannel"]

log = logging.getLogger(__name__)


def _smtp_error(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(exc.recipients.values()))
        return f"{code} {message.decode('utf-8', 'replace')}"
    if isinstance(exc, smtplib.SMTPResponseException):
        raw: bytes | str = exc.smtp_error
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        return f"{exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"


class SmtpChannel:
    """Sends each notification as a French plain-text + HTML message.

    The connection is opened on the first message and reused; when the server
    drops it, the message in flight fails and the next one reconnects. When
    connecting fails, the remaining messages of the batch fail with that reason
    (a retry will try them again). The report's reference is the Message-ID.
    """

    name = "email"
    medium = Medium.EMAIL

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._templates = load_templates(settings.templates_dir)

    def _tls_context(self) -> ssl.SSLContext:
        ca = str(self.settings.ca_file) if self.settings.ca_file else None
        return ssl.create_default_context(cafile=ca)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        connection: smtplib.SMTP
        if s.security is Security.SSL:
            connection = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=self._tls_context()
            )
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            connection.ehlo()
            if s.security is Security.STARTTLS:
                connection.starttls(context=self._tls_context())
                connection.ehlo()
            if s.username and s.password:
                connection.login(s.username, s.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def message(self, notification: Notification) -> EmailMessage:
        """The message for ``notification`` (its recipient must have an email)."""
        assert notification.email is not None, "the core refuses email without an address"
        rendered = self._templates[notification.kind].render(notification, self.settings.url)
        message = EmailMessage()
        message["Subject"] = rendered.subject
        message["From"] = formataddr(("EduConnect", str(self.settings.sender)))
        name = f"{notification.recipient.first} {notification.recipient.last}".strip()
        message["To"] = formataddr((name, str(notification.email)))
        if self.settings.reply_to is not None:
            message["Reply-To"] = str(self.settings.reply_to)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=str(self.settings.sender).rpartition("@")[2])
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        message["Content-Language"] = "fr"  # after set_content, which drops Content-*
        return message

    def deliver(self, batch: Sequence[Notification]) -> list[DeliveryReport]:
        reports: list[DeliveryReport] = []
        connection: smtplib.SMTP | None = None
        cannot_connect: str | None = None
        try:
            for notification in batch:
                account = notification.account_id
                if notification.email is None:  # the core never hands one over
                    reports.append(DeliveryReport.failed(account, "pas d'adresse électronique"))
                    continue
                if cannot_connect is not None:
                    reports.append(DeliveryReport.failed(account, cannot_connect))
                    continue
                if connection is not None and connection.sock is None:
                    connection = None  # the server closed it (e.g. after a 421)
                if connection is None:
                    try:
                        connection = self._connect()
                    except (OSError, smtplib.SMTPException) as exc:
                        cannot_connect = f"connexion SMTP impossible : {_smtp_error(exc)}"
                        log.warning("email: %s", cannot_connect)
                        reports.append(DeliveryReport.failed(account, cannot_connect))
                        continue
                message = self.message(notification)
                try:
                    connection.send_message(message)
                except smtplib.SMTPRecipientsRefused as exc:
                    reason = f"destinataire refusé par le serveur : {_smtp_error(exc)}"
                except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                    reason = f"message refusé par le serveur : {_smtp_error(exc)}"
                except (OSError, smtplib.SMTPException) as exc:
                    reason = f"connexion SMTP perdue : {_smtp_error(exc)}"
                    _close(connection)
                    connection = None
                else:
                    reports.append(DeliveryReport.ok(account, reference=message["Message-ID"]))
                    continue
                log.info("email to account %s failed: %s", account, reason)
                reports.append(DeliveryReport.failed(account, reason))
        finally:
            if connection is not None:
                _quit(connection)
        return reports


def _close(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError):
        connection.close()


def _quit(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        _close(connection)
