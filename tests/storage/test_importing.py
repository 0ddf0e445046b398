"""The first import (the pipeline into an empty store): accounts for the right people,
atomic, idempotent."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from educonnect_core.blockers import BlockerCode
from educonnect_core.people import Profile
from educonnect_core.plugins import Plugins
from educonnect_core.routes import Route
from educonnect_core.storage import AccountQuery, Store
from educonnect_core.sync import synchronise
from educonnect_core.testing.storage_contract import UAI, SyntheticExport

AT = dt.datetime(2026, 1, 12, 14, 0, tzinfo=dt.UTC)


def dump(store: Store) -> dict[str, Any]:
    """Everything the store holds for the synthetic school, versions included."""
    with store.unit_of_work() as uow:
        accounts = list(uow.accounts.of_school(UAI))
        return {
            "schools": uow.people.schools(),
            "eleves": list(uow.people.eleves(UAI)),
            "responsables": list(uow.people.responsables(UAI)),
            "links": list(uow.people.links(UAI)),
            "accounts": accounts,
            "snapshots": uow.eligibility.get_many(a.account_id for a in accounts),
        }


def expected_accounts(export: SyntheticExport) -> tuple[int, int]:
    eleves = list(export.eleves())
    current = {e.eleve_id for e in eleves if e.current}
    legal = {k.personne_id for k in export.links() if k.legal and k.eleve_id in current}
    return len(current), len(legal)


def test_import_creates_accounts_and_snapshots(any_store: Store) -> None:
    export = SyntheticExport(60)
    result = synchronise(any_store, export, AT)
    n_eleves, n_responsables = expected_accounts(export)
    assert len(result.created) == n_eleves + n_responsables
    assert sum(r.profile is Profile.ELEVE for r in result.records) == 60
    not_opened = [p for p, _ in result.not_opened]
    assert not_opened.count(Profile.ELEVE) == 60 - n_eleves
    n_people = len(list(export.responsables()))
    assert not_opened.count(Profile.RESPONSABLE) == n_people - n_responsables
    with any_store.unit_of_work() as uow:
        stats = uow.accounts.statistics(UAI)
        assert stats.total == n_eleves + n_responsables
        no_mobile = uow.accounts.query(AccountQuery(blocker=BlockerCode.MISSING_MOBILE, limit=None))
        assert no_mobile.total > 0
        assert all(a.profile is Profile.RESPONSABLE for a in no_mobile.items)
        for account in no_mobile.items:
            assert uow.people.get_responsable(UAI, account.siecle_id).mobile is None
        sms = uow.accounts.count(AccountQuery(route=Route.SMS_SELF_REGISTRATION))
        assert 0 < sms < n_responsables
        assert uow.accounts.count(AccountQuery(division="6A", profile=Profile.ELEVE)) > 0
        assert uow.accounts.count(AccountQuery(name="dupre zoe")) > 0
        assert all(a.version == 1 for a in uow.accounts.of_school(UAI))


def test_reimport_changes_nothing(any_store: Store) -> None:
    synchronise(any_store, SyntheticExport(40), AT)
    before = dump(any_store)
    again = synchronise(any_store, SyntheticExport(40), AT + dt.timedelta(hours=1))
    assert again.noop
    assert dump(any_store) == before


def test_import_of_more_data_adds_only_the_new(any_store: Store) -> None:
    synchronise(any_store, SyntheticExport(30), AT)
    bigger = synchronise(any_store, SyntheticExport(45), AT)
    assert sum(r.created and r.profile is Profile.ELEVE for r in bigger.records) == 15
    assert bigger.created
    with any_store.unit_of_work() as uow:
        assert all(a.version == 1 for a in uow.accounts.of_school(UAI))


def test_exception_mid_way_leaves_the_store_unchanged(any_store: Store) -> None:
    synchronise(any_store, SyntheticExport(30), AT)
    before = dump(any_store)
    failing = SyntheticExport(60, fail_after=47, variant="x")
    with pytest.raises(RuntimeError, match="after 47"):
        synchronise(any_store, failing, AT)
    assert dump(any_store) == before


KILLER = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from educonnect_core.sync import synchronise
    from educonnect_core.plugins import Plugins
    from educonnect_core.testing.storage_contract import SyntheticExport

    def kill(i):
        if i == 47:
            os.kill(os.getpid(), signal.SIGKILL)

    store = Plugins.installed().open_store(sys.argv[1])
    at = dt.datetime(2026, 1, 12, 14, 0, tzinfo=dt.UTC)
    synchronise(store, SyntheticExport(60, on_eleve=kill, variant="x"), at)
    """
)


def test_killed_import_leaves_the_store_unchanged(durable_store_url: str) -> None:
    store = Plugins.installed().open_store(durable_store_url)
    try:
        synchronise(store, SyntheticExport(30), AT)
        before = dump(store)
    finally:
        store.close()
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", KILLER, durable_store_url], env=env, timeout=120, check=False
    )
    assert done.returncode == -signal.SIGKILL
    store = Plugins.installed().open_store(durable_store_url)
    try:
        assert dump(store) == before
        # and the store is still writable after the crash
        assert len(synchronise(store, SyntheticExport(31), AT).records) >= 1
    finally:
        store.close()
