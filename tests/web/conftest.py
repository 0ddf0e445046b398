"""Fixtures of the web module's tests: a real SQLite store filled by the CLI's
import of the invented export (two schools), staff accounts, a test client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import attrs
import pyotp
import pytest
from starlette.testclient import TestClient

from cli.school_files import UAI, write_export
from educonnect_adapters.cli.main import main
from educonnect_adapters.web import (
    Authenticator,
    StaffAuthenticator,
    WebSettings,
    add_staff,
    create_app,
)
from educonnect_core.plugins import Plugins
from educonnect_core.storage import Store

from .web_client import sign_in

OTHER_UAI = "0990008W"
PASSWORD = "correct horse battery staple"
#: addresses of the tests' network: the school's administrative network and outside
ADMIN_NETWORK = "10.20.0.0/16"
ON_NETWORK = "10.20.1.5"
OUTSIDE = "198.51.100.7"
PROXY = "192.0.2.10"
SECRET = b"k" * 32


@attrs.define
class FakeClock:
    """The wall clock of the tests (sessions, lock-out)."""

    at: dt.datetime = dt.datetime(2026, 1, 13, 9, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, delta: dt.timedelta) -> None:
        self.at += delta


@pytest.fixture(scope="session")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Two schools imported through the real ``educonnect import``."""
    folder = tmp_path_factory.mktemp("webstore")
    url = f"sqlite:///{folder / 'educonnect.db'}"
    for uai, name in ((UAI, "school"), (OTHER_UAI, "other")):
        files = write_export(folder / name, uai=uai)
        code = main(["import", *(str(f) for f in files), "--store", url, "--uai", uai])
        assert code == 0
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    store = Plugins.installed().open_store(store_url)
    yield store
    store.close()


@attrs.frozen
class Staff:
    path: Path
    secrets: dict[str, str]

    def code(self, actor_id: str, at: dt.datetime) -> str:
        return pyotp.TOTP(self.secrets[actor_id]).at(at)


@pytest.fixture(scope="session")
def staff(tmp_path_factory: pytest.TempPathFactory) -> Staff:
    path = tmp_path_factory.mktemp("staff") / "staff.toml"
    secrets = {}
    for actor_id, role, uai in (
        ("ce-0001", "chef_etablissement", UAI),
        ("adj-0002", "adjoint", UAI),
        ("dir-0003", "directeur_ecole", UAI),
        ("ce-0009", "chef_etablissement", OTHER_UAI),
        ("del-0004", "delegue", UAI),
        ("del-0005", "delegue", UAI),
        ("ce-0777", "chef_etablissement", "0990009X"),  # a school with no data yet
    ):
        enrolment = add_staff(
            path, actor_id, role=role, uai=uai, name=f"Personne {actor_id}", password=PASSWORD
        )
        secrets[actor_id] = enrolment.secret
    return Staff(path, secrets)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings() -> WebSettings:
    return WebSettings(secret_key=SECRET, administrative_networks=[ADMIN_NETWORK])


class MakeClient(Protocol):
    def __call__(
        self,
        client: str = OUTSIDE,
        *,
        settings: WebSettings | None = None,
        authenticator: Authenticator | None = None,
    ) -> TestClient: ...


@pytest.fixture
def make_client(
    store: Store, staff: Staff, clock: FakeClock, settings: WebSettings
) -> Iterator[MakeClient]:
    """A test client calling from ``client`` (an address) over https; by default
    with the staff accounts and one authenticator (one lock-out memory) per test."""
    staff_auth = StaffAuthenticator(staff.path, settings.lockout)
    default_settings = settings
    clients: list[TestClient] = []

    def make(
        client: str = OUTSIDE,
        *,
        settings: WebSettings | None = None,
        authenticator: Authenticator | None = None,
    ) -> TestClient:
        app = create_app(
            store,
            authenticator=authenticator or staff_auth,
            settings=settings or default_settings,
            clock=clock,
        )
        test_client = TestClient(app, base_url="https://testserver", client=(client, 50000))
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.close()


@pytest.fixture
def signed_in(make_client: MakeClient, staff: Staff, clock: FakeClock) -> SignedIn:
    """Sign ``actor_id`` in from ``client``, with their TOTP code or without it."""

    def sign(actor_id: str, client: str = OUTSIDE, *, otp: bool = True) -> TestClient:
        test_client = make_client(client)
        code = staff.code(actor_id, clock.at) if otp else ""
        response = sign_in(test_client, actor_id, PASSWORD, code)
        assert response.status_code == 303, response.text
        return test_client

    return sign


class SignedIn(Protocol):
    def __call__(self, actor_id: str, client: str = OUTSIDE, *, otp: bool = True) -> TestClient: ...
