"""The email channel against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from educonnect_core.channels import (
    Channel,
    Medium,
    Notification,
    NotificationKind,
    deliver_batch,
    retry_failed,
)
from educonnect_core.errors import InvalidValue
from educonnect_core.plugins import Plugins
from educonnect_core.testing.channel_contract import (
    ChannelContract,
    ConnectionLoss,
    sample_batch,
)
from educonnect_core.testing.fakes import FixedClock
from educonnect_core.values import EmailAddress

from .conftest import Mailbox, SmtpServer, TlsFiles, free_port

SENDER = "ne-pas-repondre@college-tilleuls.example.org"


def open_email(port: int, **settings: str) -> Channel:
    base = {"host": "127.0.0.1", "port": str(port), "security": "none", "sender": SENDER}
    return Plugins.installed().open_channel("email", {**base, **settings, "timeout": "5"})


def refused(batch: list[Notification]) -> Notification:
    return attrs.evolve(
        batch[0], account_id="E-0990007V-999", email=EmailAddress.parse("inconnu@example.org")
    )


class TestEmailContract(ChannelContract):
    @pytest.fixture
    def channel(self, smtp_server: SmtpServer) -> Channel:
        return open_email(smtp_server.port)

    @pytest.fixture
    def undeliverable(self, batch: list[Notification], smtp_server: SmtpServer) -> Notification:
        smtp_server.mailbox.refuse.add("inconnu@example.org")
        return refused(batch)

    @pytest.fixture
    def received(self, smtp_server: SmtpServer) -> Callable[[], list[str]]:
        return smtp_server.mailbox.texts

    @pytest.fixture
    def server_loggers(self) -> Sequence[str]:
        return ("mail.log",)  # aiosmtpd logs what it receives

    @pytest.fixture
    def connection_loss(self, smtp_server: SmtpServer) -> ConnectionLoss:
        def cut(after: int) -> None:
            smtp_server.mailbox.down_after = len(smtp_server.mailbox.messages) + after

        return cut


def test_french_plain_text_and_html_message(smtp_server: SmtpServer) -> None:
    channel = open_email(smtp_server.port, reply_to="secretariat@college-tilleuls.example.org")
    responsable = sample_batch(Medium.EMAIL)[2]
    report = channel.deliver([responsable])[0]
    (message,) = smtp_server.mailbox.messages
    assert report.reference == message["Message-ID"].strip()
    assert message["To"] == "Léa BERTIN <l.bertin33@example.org>"
    assert message["Subject"] == "Votre compte EduConnect – Collège des Tilleuls"
    assert message["Reply-To"] == "secretariat@college-tilleuls.example.org"
    assert message["Content-Language"] == "fr"
    text, html = smtp_server.mailbox.texts()
    assert "Bonjour Madame Léa BERTIN," in text
    assert "Mot de passe provisoire : Vd9sT2kM5c" in text
    assert "jusqu'au 12 avril 2026 inclus" in text
    assert "- Zoé BERTIN (3A)" in text
    assert '<html lang="fr">' in html
    assert "<li>Zoé BERTIN (3A)</li>" in html
    assert '<a href="https://educonnect.education.gouv.fr">' in html


def test_html_escapes_values(smtp_server: SmtpServer) -> None:
    channel = open_email(smtp_server.port)
    letter = attrs.evolve(sample_batch(Medium.EMAIL)[0], school_name="Lycée <Arts & Métiers>")
    channel.deliver([letter])
    html = smtp_server.mailbox.texts()[1]
    assert "Lycée &lt;Arts &amp; Métiers&gt;" in html


def test_one_connection_per_batch(smtp_server: SmtpServer) -> None:
    channel = open_email(smtp_server.port)
    reports = channel.deliver(sample_batch(Medium.EMAIL))
    assert all(r.delivered for r in reports)
    assert len(smtp_server.mailbox.messages) == 3
    assert len(smtp_server.mailbox.sessions) == 1


def test_a_refused_recipient_does_not_stop_the_batch(smtp_server: SmtpServer) -> None:
    channel = open_email(smtp_server.port)
    batch = sample_batch(Medium.EMAIL)
    smtp_server.mailbox.refuse.add(str(batch[1].email))
    reports = channel.deliver(batch)
    assert [r.delivered for r in reports] == [True, False, True]
    assert reports[1].reason == "destinataire refusé par le serveur : 550 5.1.1 Adresse inconnue"
    assert len(smtp_server.mailbox.sessions) == 1


def test_a_dropped_connection_fails_one_message_then_reconnects(smtp_server: SmtpServer) -> None:
    channel = open_email(smtp_server.port)
    batch = sample_batch(Medium.EMAIL)
    smtp_server.mailbox.drop.add(str(batch[1].email))
    clock = FixedClock(dt.datetime(2026, 1, 12, 15, tzinfo=dt.UTC))
    result = deliver_batch(channel, batch, clock=clock)
    assert [r.delivered for r in result.reports] == [True, False, True]
    assert "connexion SMTP perdue" in (result.reports[1].reason or "")
    assert len(smtp_server.mailbox.sessions) == 2  # reconnected for the third message
    again = retry_failed(channel, result, clock=clock)
    assert [r.delivered for r in again.reports] == [True]
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.mailbox.messages] == [
        str(batch[0].email),
        str(batch[2].email),
        str(batch[1].email),
    ]


def test_server_down_then_retry_delivers_what_failed() -> None:
    pytest.importorskip("aiosmtpd")
    port = free_port()
    channel = open_email(port)
    clock = FixedClock(dt.datetime(2026, 1, 12, 15, tzinfo=dt.UTC))
    batch = sample_batch(Medium.EMAIL)
    first = deliver_batch(channel, batch, clock=clock)
    assert not any(r.delivered for r in first.reports)
    assert all("connexion SMTP impossible" in (r.reason or "") for r in first.reports)
    server = SmtpServer(Mailbox(), port)
    server.start()
    try:
        again = retry_failed(channel, first, clock=clock)
    finally:
        server.stop()
    assert all(r.delivered for r in again.reports)
    assert len(server.mailbox.messages) == 3


@pytest.fixture
def tls_server(tls_files: TlsFiles, request: pytest.FixtureRequest) -> Iterator[SmtpServer]:
    from aiosmtpd.smtp import AuthResult

    pytest.importorskip("aiosmtpd")
    mailbox = Mailbox()

    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = auth_data.login == b"secretariat" and auth_data.password == b"s3cret"
        if ok:
            mailbox.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)

    mode = request.param
    options: dict[str, Any] = {"authenticator": authenticator, "auth_exclude_mechanism": ["LOGIN"]}
    if mode == "ssl":
        # aiosmtpd does not count implicit TLS as TLS for AUTH: the socket is TLS anyway
        options["ssl_context"] = tls_files.server_context()
        options["auth_require_tls"] = False
    else:
        options["tls_context"] = tls_files.server_context()
        options["require_starttls"] = True
    server = SmtpServer(mailbox, free_port(), options=options)
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("tls_server", ["starttls", "ssl"], indirect=True)
def test_tls_and_authentication(tls_server: SmtpServer, tls_files: TlsFiles) -> None:
    security = "ssl" if "ssl_context" in tls_server.options else "starttls"
    channel = open_email(
        tls_server.port,
        security=security,
        username="secretariat",
        password="s3cret",
        ca_file=str(tls_files.cert),
    )
    reports = channel.deliver(sample_batch(Medium.EMAIL))
    assert [r.reason for r in reports] == [None, None, None]
    assert tls_server.mailbox.logins == ["secretariat"]


@pytest.mark.parametrize("tls_server", ["starttls"], indirect=True)
def test_wrong_password_fails_the_batch_with_the_reason(
    tls_server: SmtpServer, tls_files: TlsFiles
) -> None:
    channel = open_email(
        tls_server.port,
        security="starttls",
        username="secretariat",
        password="wrong",
        ca_file=str(tls_files.cert),
    )
    reports = channel.deliver(sample_batch(Medium.EMAIL))
    assert not any(r.delivered for r in reports)
    assert all("connexion SMTP impossible : 535" in (r.reason or "") for r in reports)
    assert all("wrong" not in (r.reason or "") for r in reports)


@pytest.mark.parametrize("tls_server", ["starttls"], indirect=True)
def test_an_untrusted_certificate_is_refused(tls_server: SmtpServer) -> None:
    channel = open_email(tls_server.port, security="starttls")
    reports = channel.deliver(sample_batch(Medium.EMAIL)[:1])
    assert "CERTIFICATE_VERIFY_FAILED" in (reports[0].reason or "")


def test_a_school_overrides_the_subject(smtp_server: SmtpServer, tmp_path: Path) -> None:
    (tmp_path / "credentials.subject.txt").write_text(
        "Compte EduConnect de $prenom\n", encoding="utf-8"
    )
    channel = open_email(smtp_server.port, templates_dir=str(tmp_path))
    channel.deliver(sample_batch(Medium.EMAIL)[:1])
    assert smtp_server.mailbox.messages[0]["Subject"] == "Compte EduConnect de Zoé"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"security": "tls"}, "security"),
        ({"port": "99999"}, "port"),
        ({"username": "u", "password": "p"}, "without TLS"),
        ({"security": "starttls", "username": "u"}, "password"),
        ({"sender": "not an address"}, "sender"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_settings_name_the_setting(settings: dict[str, str], message: str) -> None:
    base = {"host": "127.0.0.1", "security": "none", "sender": SENDER}
    with pytest.raises(InvalidValue, match=message):
        Plugins.installed().open_channel("email", {**base, **settings})


@pytest.mark.parametrize(
    ("kind", "subject", "has_password"),
    [
        (NotificationKind.PASSWORD_RESET, "Nouveau mot de passe provisoire EduConnect", True),
        (NotificationKind.IDENTIFIER_RECALL, "Rappel de votre identifiant EduConnect", False),
    ],
)
def test_each_kind_has_its_message(
    smtp_server: SmtpServer, kind: NotificationKind, subject: str, has_password: bool
) -> None:
    email_one = sample_batch(Medium.EMAIL)[0]
    sms_one = sample_batch(Medium.SMS)[0]
    base = email_one if has_password else attrs.evolve(sms_one, email=email_one.email)
    notification = attrs.evolve(base, kind=kind)
    assert open_email(smtp_server.port).deliver([notification])[0].delivered
    assert smtp_server.mailbox.messages[0]["Subject"].startswith(subject)
    text, html = smtp_server.mailbox.texts()
    assert "z.bertin12" in text
    assert "z.bertin12" in html
    assert ("Mot de passe provisoire" in text) is has_password


def test_the_channel_itself_fails_a_notification_without_email(smtp_server: SmtpServer) -> None:
    no_email = attrs.evolve(sample_batch(Medium.EMAIL)[0], email=None)
    report = open_email(smtp_server.port).deliver([no_email])[0]
    assert report.reason == "pas d'adresse électronique"
