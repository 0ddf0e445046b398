"""No clear provisional password is ever stored or logged.

A whole administration scenario runs against a store of each backend; then
every byte the store holds (the memory store's tables; every table of the
SQLite file, and the file itself; every table of the PostgreSQL schema) and
every captured log record are searched for every clear password the service
handed out or a user typed.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from educonnect_adapters.memory import MemoryStore
from educonnect_adapters.system import SecretsRandom
from educonnect_core.errors import ActionRefused
from educonnect_core.people import Profile
from educonnect_core.permissions import Actor
from educonnect_core.routes import Route
from educonnect_core.service import ActivationReport, AdministrationService
from educonnect_core.storage import Store
from educonnect_core.testing import FixedClock
from educonnect_core.values import EmailAddress

from .admin_world import CLAIRE, FAST, HUGO_BIRTH, LUCAS, UAI, ZOE, ZOE_BIRTH, populate, session


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


def dump(store: Store) -> bytes:
    """Every byte of data the store holds, read behind its back."""
    if isinstance(store, MemoryStore):
        return pickle.dumps(store._tables) + repr(vars(store._tables)).encode()
    parts = urlsplit(store.url)
    out = bytearray()
    if parts.scheme == "sqlite":
        path = Path(parts.path)
        with closing(sqlite3.connect(path)) as connection:
            tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            for (table,) in tables.fetchall():
                for row in connection.execute(f'SELECT * FROM "{table}"'):
                    out += repr(row).encode()
        for file in path.parent.glob(f"{path.name}*"):  # the database, its WAL
            out += file.read_bytes()
        return bytes(out)
    schema = parse_qs(parts.query)["schema"][0]
    server = urlunsplit(parts._replace(query=""))
    with psycopg.connect(server) as connection:
        names = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
        assert names
        for (table,) in names:
            query = sql.SQL("SELECT * FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            for row in connection.execute(query):
                out += repr(row).encode()
    return bytes(out)


def test_no_clear_password_in_the_store_or_the_logs(
    any_store: Store, educonnect_clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    populate(any_store, educonnect_clock.now())
    passwords = scenario(any_store, educonnect_clock)
    content = dump(any_store)
    assert b"scrypt$" in content  # the dump sees the stored credentials
    assert_absent(passwords, content, any_store.url)
    assert_logs_clean(passwords, caplog)
