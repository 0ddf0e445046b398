"""Real local servers for channel tests: an aiosmtpd SMTP server, TLS material."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import attrs
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@attrs.frozen
class TlsFiles:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A self-signed certificate for 127.0.0.1, made with the openssl tool."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return TlsFiles(cert, key)


class Mailbox:
    """aiosmtpd handler keeping what it receives; refuses or drops on demand."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.sessions: set[int] = set()
        self.refuse: set[str] = set()
        self.drop: set[str] = set()
        self.logins: list[str] = []
        #: once that many messages were accepted, every connection is closed (service lost)
        self.down_after: int | None = None

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.down_after is not None and len(self.messages) >= self.down_after:
            server.transport.close()  # the connection is lost, and every new one too
            return "421 4.3.0 service lost"
        if address in self.refuse:
            return "550 5.1.1 Adresse inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        if self.drop & set(envelope.rcpt_tos):
            self.drop -= set(envelope.rcpt_tos)
            server.transport.close()  # the connection drops mid-message
            return "451 4.3.0 dropped"
        self.sessions.add(id(session))
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def texts(self) -> list[str]:
        out: list[str] = []
        for message in self.messages:
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    content = part.get_content()
                    assert isinstance(content, str)
                    out.append(content)
        return out


@attrs.define
class SmtpServer:
    mailbox: Mailbox
    port: int
    controller: Any = None
    options: dict[str, Any] = attrs.field(factory=dict)

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server on 127.0.0.1 (aiosmtpd), stopped after the test."""
    pytest.importorskip("aiosmtpd")
    server = SmtpServer(Mailbox(), free_port())
    server.start()
    yield server
    server.stop()


class Gateway:
    """What the local HTTP SMS gateway received, and how it should answer."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.reject: set[str] = set()
        self.unavailable_once: set[str] = set()
        self.expected_auth: str | None = None
        #: once that many messages were accepted, requests get no answer (connection lost)
        self.down_after: int | None = None

    def down(self) -> bool:
        return self.down_after is not None and len(self.requests) >= self.down_after

    def answer(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes]:
        if self.expected_auth is not None and headers.get("Authorization") != self.expected_auth:
            return 401, b'{"error": "unauthorized"}'
        text = body.decode("utf-8") + path
        if any(number in text for number in self.reject):
            return 400, '{"error": "numéro refusé"}'.encode()
        for number in list(self.unavailable_once):
            if number in text:
                self.unavailable_once.discard(number)
                return 503, b"busy"
        self.requests.append((method, path, headers, body))
        return 200, f'{{"id": "sms-{len(self.requests)}"}}'.encode()


@attrs.define
class HttpGateway:
    gateway: Gateway
    url: str
    server: Any

    def bodies(self) -> list[str]:
        return [body.decode("utf-8") for _, _, _, body in self.gateway.requests]


@pytest.fixture
def sms_gateway() -> Iterator[HttpGateway]:
    """A local HTTP server standing for an SMS gateway (stdlib http.server)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if gateway.down():
                self.close_connection = True
                return  # no answer: the connection closes under the client
            status, answer = gateway.answer(
                self.command, self.path, dict(self.headers.items()), body
            )
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_POST = do_PUT = do_GET = _handle  # noqa: N815 - http.server's names

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield HttpGateway(gateway, f"http://127.0.0.1:{server.server_address[1]}/send", server)
    server.shutdown()
    server.server_close()
    thread.join()
