"""No clear provisional password is ever stored or logged.

A whole administration scenario runs against a store; then every byte the
store holds (the memory store's tables, or every table of a SQLite file when a
SQLite storage plugin is installed) and every captured log record is searched
for every clear password the service handed out.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
import sqlite3
from pathlib import Path

import pytest
from admin_world import CLAIRE, FAST, HUGO_BIRTH, LUCAS, UAI, ZOE, ZOE_BIRTH, populate, session

from educonnect_adapters.memory import MemoryStore
from educonnect_adapters.system import SecretsRandom
from educonnect_core.errors import ActionRefused
from educonnect_core.people import Profile
from educonnect_core.permissions import Actor
from educonnect_core.plugins import Plugins
from educonnect_core.routes import Route
from educonnect_core.service import ActivationReport, AdministrationService
from educonnect_core.storage import Store
from educonnect_core.testing import FixedClock
from educonnect_core.values import EmailAddress


def scenario(store: Store, clock: FixedClock) -> list[str]:
    """Notify, resend, reset, activate (and fail to); the clear passwords used."""
    service = AdministrationService(store, clock, SecretsRandom(), scrypt=FAST)
    chef = session(Actor.chef_etablissement("ce-0001", UAI))
    idp = session(Actor.identity_provider())
    passwords: list[str] = []

    def keep(password: str | None) -> str:
        assert password is not None
        passwords.append(password)
        return password

    for issued in service.notify_profile(chef, UAI, Profile.ELEVE).notifications:
        keep(issued.password)
    claire = service.notify(chef, CLAIRE).notification
    assert claire is not None
    keep(claire.password)
    resent = service.resend_notification(chef, ZOE).notification
    assert resent is not None
    zoe_password = keep(resent.password)
    with pytest.raises(ActionRefused) as refused:
        service.record_activation(
            idp,
            ActivationReport(
                ZOE, Route.PROVISIONAL_PAPER, (dt.date(2000, 1, 1),), password=zoe_password
            ),
        )
    assert zoe_password not in str(refused.value)
    assert zoe_password not in (refused.value.reason_fr or "")
    service.record_activation(
        idp, ActivationReport(ZOE, Route.PROVISIONAL_PAPER, (ZOE_BIRTH,), password=zoe_password)
    )
    service.record_activation(
        idp,
        ActivationReport(
            CLAIRE,
            Route.PROVISIONAL_PAPER,
            (ZOE_BIRTH, HUGO_BIRTH),
            password=claire.password,
            email=EmailAddress("claire.m@example.net"),
        ),
    )
    reset = service.reset_password(chef, ZOE).notification
    assert reset is not None
    keep(reset.password)
    with pytest.raises(ActionRefused):
        service.record_activation(
            idp,
            ActivationReport(LUCAS, Route.PROVISIONAL_PAPER, (ZOE_BIRTH,), password="WrongPass9x"),
        )
    passwords.append("WrongPass9x")
    assert len(set(passwords)) == len(passwords) >= 6
    return passwords


def assert_absent(passwords: list[str], haystack: bytes, where: str) -> None:
    for password in passwords:
        assert password.encode() not in haystack, f"a clear password is in {where}"


def assert_logs_clean(passwords: list[str], caplog: pytest.LogCaptureFixture) -> None:
    assert caplog.records, "the service should log its actions (ids only)"
    text = caplog.text + "".join(
        f"{r.getMessage()}{r.args!r}{r.exc_text or ''}" for r in caplog.records
    )
    assert_absent(passwords, text.encode(), "the logs")


def test_memory_store_and_logs_hold_no_clear_password(
    educonnect_clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = MemoryStore()
    populate(store, educonnect_clock.now())
    passwords = scenario(store, educonnect_clock)
    tables = store._tables  # the whole content of the store
    assert b"scrypt$" in pickle.dumps(tables)  # the scan sees the credentials
    assert_absent(passwords, pickle.dumps(tables), "the memory store")
    assert_absent(passwords, repr(vars(tables)).encode(), "the memory store")
    assert_logs_clean(passwords, caplog)


def test_sqlite_store_and_logs_hold_no_clear_password(
    educonnect_clock: FixedClock, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    plugins = Plugins.installed()
    if "sqlite" not in plugins.store_schemes():
        pytest.skip("no SQLite storage plugin installed")
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "admin.db"
    store = plugins.open_store(f"sqlite:///{path}")
    try:
        populate(store, educonnect_clock.now())
        passwords = scenario(store, educonnect_clock)
    finally:
        store.close()
    dump = bytearray()
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        assert tables
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                dump += repr(row).encode()
    connection.close()
    assert b"scrypt$" in dump  # the hashes are there, so the dump saw the credentials
    assert_absent(passwords, bytes(dump), "the SQLite file")
    assert_absent(passwords, path.read_bytes(), "the SQLite file")
    assert_logs_clean(passwords, caplog)
