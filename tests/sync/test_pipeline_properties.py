"""One truth: ``check``, the import and the sync give the same accounts, in both degrees.

``check`` is the plan against an empty school; the import is the sync into an
empty store. The properties compare the paths on the shipped family
strategies, for SIECLE-like (2nd degree) and ONDE-like (1st degree) exports.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from educonnect_core.checking import check_export
from educonnect_core.people import Degree, Profile
from educonnect_core.plugins import Plugins
from educonnect_core.routes import Route
from educonnect_core.schedule import RefreshSchedule
from educonnect_core.storage import Store
from educonnect_core.sync import Export, SyncOptions, synchronise

from .world import UAI, StoreView, export_pairs, exports, view

NOW = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)
_PLUGINS = Plugins.installed()
_SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
_NO_GUARD = SyncOptions(max_deactivated_share=1.0)
DEGREES = pytest.mark.parametrize("degree", list(Degree), ids=lambda d: d.value)

Accounts = dict[str, tuple[frozenset[Route], frozenset[str]]]


def checked(export: Export) -> Accounts:
    """What ``check`` tells: each account, its open routes and its blocker codes."""
    effective = RefreshSchedule().effective_from(export.school.exported_at or NOW)
    result = check_export(export, effective)
    return {
        account_id: (frozenset(e.eligible_routes), frozenset(c.value for c in e.blocker_codes()))
        for account_id, e in result.accounts.items()
    }


def stored(store: Store) -> Accounts:
    """What the store holds: each live account, its open routes and blocker codes."""
    found = view(store)
    return {
        account_id: (
            frozenset(snapshot.eligible_routes),
            frozenset(c.value for c in snapshot.blocker_codes),
        )
        for account_id, snapshot in found.snapshots.items()
        if snapshot is not None
    }


def applied(*batch: Export, url: str = "memory://") -> tuple[Store, StoreView]:
    store = _PLUGINS.open_store(url)
    for export in batch:
        synchronise(store, export, NOW, _NO_GUARD)
    return store, view(store)


@DEGREES
@_SETTINGS
@given(data=st.data())
def test_check_tells_what_the_import_stores(degree: Degree, data: st.DataObject) -> None:
    export = data.draw(exports(degree))
    store, found = applied(export)
    assert checked(export) == stored(store)
    assert set(found.accounts) == set(checked(export))
    if degree is Degree.FIRST:
        assert not any(a.startswith("E-") for a in found.accounts), "no pupil account"
    store.close()


@DEGREES
@_SETTINGS
@given(pair=export_pairs(Degree.SECOND))
def test_a_then_b_gives_the_accounts_of_b_alone(
    degree: Degree, pair: tuple[Export, Export]
) -> None:
    import attrs

    a, b = (attrs.evolve(x, school=attrs.evolve(x.school, degree=degree)) for x in pair)
    both, then = applied(a, b)
    alone, only = applied(b)
    assert stored(both) == stored(alone) == checked(b)
    assert then.accounts == only.accounts
    both.close()
    alone.close()


@DEGREES
@_SETTINGS
@given(data=st.data())
def test_applying_the_same_export_twice_changes_nothing(
    degree: Degree, data: st.DataObject
) -> None:
    a, b = data.draw(export_pairs(degree))
    store, _ = applied(a, b)
    before = view(store)
    assert synchronise(store, b, NOW + dt.timedelta(hours=1), _NO_GUARD).noop
    assert view(store) == before
    store.close()


@DEGREES
def test_the_same_on_sqlite(degree: Degree, tmp_path: Path) -> None:
    """The same comparison on a real SQLite file, for one drawn-like export."""
    from hypothesis import Phase, find

    # the first export drawn that is big enough: shrinking it would only cost time
    export = find(
        exports(degree),
        lambda e: len(e.eleves) >= 6 and len(e.links) >= 8,
        settings=settings(phases=[Phase.generate], database=None, max_examples=2000),
    )
    store, _ = applied(export, url=f"sqlite:///{tmp_path / 'p.db'}")
    assert stored(store) == checked(export)
    first_degree_pupils = [p for p, _ in check_export(export, NOW).not_opened if p is Profile.ELEVE]
    if degree is Degree.FIRST:
        assert len(first_degree_pupils) == len(export.eleves)
    assert export.school.uai == UAI
    store.close()
