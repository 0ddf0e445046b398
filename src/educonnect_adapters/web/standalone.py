"""Running the web module alone (``educonnect serve``), with uvicorn."""

from __future__ import annotations

import ipaddress
import logging
import secrets
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from educonnect_core.errors import InvalidValue

from .app import create_app
from .auth import Authenticator, ProxyAuthenticator
from .network import parse_networks
from .settings import WebSettings
from .staff import StaffAuthenticator

__all__ = ["build", "serve"]

log = logging.getLogger(__name__)


def build(
    store_url: str,
    *,
    host: str,
    staff_file: Path | None,
    proxy_auth: bool,
    administrative_networks: Sequence[str],
    trusted_proxies: Sequence[str],
    secret_key_file: Path | None,
    insecure_cookies: bool,
    lang: str,
    letters_dir: Path | None = None,
) -> tuple[object, WebSettings]:
    """The application ``serve`` runs, and its settings (checked: exit code 2 on error)."""
    if insecure_cookies and not _loopback(host):
        raise InvalidValue(
            "--insecure-cookies", host, "expected only with a loopback --host (http://localhost)"
        )
    if secret_key_file is not None:
        try:
            key = secret_key_file.read_bytes().strip()
        except OSError as exc:
            raise InvalidValue("--secret-key-file", str(secret_key_file), str(exc)) from None
    else:
        key = secrets.token_bytes(32)
        log.warning("no --secret-key-file: sessions end when this process stops")
    settings = WebSettings(
        secret_key=key,
        administrative_networks=parse_networks(administrative_networks, "--admin-network"),
        trusted_proxies=parse_networks(trusted_proxies, "--trusted-proxy"),
        secure_cookies=not insecure_cookies,
        lang=lang,
        letters_dir=_letters_dir(letters_dir),
    )
    authenticator: Authenticator
    if proxy_auth:
        if not settings.trusted_proxies:
            raise InvalidValue("--proxy-auth", "", "expected at least one --trusted-proxy")
        authenticator = ProxyAuthenticator(settings.trusted_proxies)
    elif staff_file is not None:
        if not staff_file.is_file():
            raise InvalidValue("--staff", str(staff_file), "expected an existing staff file")
        authenticator = StaffAuthenticator(staff_file, settings.lockout)
    else:
        raise InvalidValue("--staff", "", "expected a staff file (or --proxy-auth)")
    return create_app(store_url, authenticator=authenticator, settings=settings), settings


def serve(app: object, *, host: str, port: int, trusted_proxies: Sequence[str]) -> int:
    """Serve ``app`` until interrupted; forwarded headers are ours to read, so
    uvicorn's own proxy handling is off."""
    uvicorn.run(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        proxy_headers=False,
        server_header=False,
        log_level="info",
    )
    return 0


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _letters_dir(folder: Path | None) -> Path | None:
    """``--letters-dir``: an existing folder (the letters hold passwords: it is never
    created, choose where they go)."""
    if folder is not None and not folder.is_dir():
        raise InvalidValue("--letters-dir", str(folder), "expected an existing folder")
    return folder
