"""One synchronisation scenario on SQLite and on PostgreSQL (skipped without a server,
failing when ``EDUCONNECT_REQUIRE_POSTGRES=1``), checked against the memory store."""

from __future__ import annotations

import datetime as dt

import pytest

from educonnect_core.plugins import Plugins
from educonnect_core.routes import Route
from educonnect_core.states import AccountState
from educonnect_core.storage import Store
from educonnect_core.sync import ExportOutOfOrder, SyncOptions, eligibility_at, synchronise

from .world import (
    DAY,
    EXPORTED_AT,
    UAI,
    accounts_of,
    contact,
    eleve,
    export,
    legal,
    responsable,
    view,
)

NOW = EXPORTED_AT + dt.timedelta(hours=1)

DAY0 = export(
    [eleve("1"), eleve("2"), eleve("3")],
    [responsable("A", mobile=None), responsable("B"), responsable("C")],
    [legal("1", "A"), legal("2", "A"), legal("3", "B"), contact("3", "C")],
)
DAY1 = export(
    [eleve("1"), eleve("2", left=True), eleve("4")],
    [responsable("A"), responsable("C"), responsable("D")],
    [legal("1", "A"), legal("2", "A"), legal("4", "C"), legal("4", "D")],
    day=1,
)
DAY2 = export(
    [eleve("1"), eleve("2"), eleve("3"), eleve("4")],
    [responsable("A"), responsable("B"), responsable("C"), responsable("D")],
    [legal("1", "A"), legal("2", "A"), legal("3", "B"), legal("4", "C"), legal("4", "D")],
    day=2,
)


Routes = tuple[Route, ...]


def scenario(store: Store) -> tuple[list[object], tuple[Routes, Routes]]:
    """Three nights, a replay, a refused old export; returns what to compare."""
    seen: list[object] = []
    for day, exp in enumerate((DAY0, DAY1, DAY2)):
        changeset = synchronise(store, exp, NOW + day * DAY)
        seen.append((changeset.accounts, changeset.records, changeset.links))
        seen.append(view(store))
        again = synchronise(store, exp, NOW + day * DAY + dt.timedelta(hours=1))
        assert again.noop
    with pytest.raises(ExportOutOfOrder):
        synchronise(store, DAY1, NOW + 3 * DAY)
    dry = synchronise(store, DAY1, NOW + 3 * DAY, SyncOptions(force=True, dry_run=True))
    assert not dry.noop
    with store.unit_of_work() as uow:
        latest = uow.exports.latest(UAI)
        assert latest is not None
        assert latest.exported_at == EXPORTED_AT + 2 * DAY
        pending = uow.exports.effective_after(UAI, NOW + 2 * DAY)
        assert [p.seq for p in pending] == [latest.seq]
        evening = eligibility_at(uow, "E-0990007V-2", NOW + 2 * DAY)
        morning = eligibility_at(uow, "E-0990007V-2", latest.effective_from)
    return seen, (evening.eligible_routes, morning.eligible_routes)


def check(store: Store) -> None:
    seen = scenario(store)
    reference = Plugins.installed().open_store("memory://")
    assert seen == scenario(reference)
    accounts = accounts_of(store)
    assert accounts["E-0990007V-2"].state is AccountState.NOT_ACTIVATED  # came back
    assert accounts["R-0990007V-B"].state is AccountState.NOT_ACTIVATED
    evening, morning = seen[1]
    assert evening == ()
    assert Route.PROVISIONAL_PAPER in morning


def test_sqlite(sqlite_store: Store) -> None:
    check(sqlite_store)


@pytest.mark.postgres
def test_postgres(postgres_store: Store) -> None:
    check(postgres_store)
