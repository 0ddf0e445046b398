"""Properties: A then B gives B's account data; any export applied twice is a no-op."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings

from educonnect_core.plugins import Plugins
from educonnect_core.states import AccountState
from educonnect_core.sync import Export, SyncOptions, synchronise

from .world import EXPORTED_AT, StoreView, export_pairs, view

NOW = EXPORTED_AT + dt.timedelta(hours=1)
_PLUGINS = Plugins.installed()
_SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _applied(*exports: Export) -> StoreView:
    store = _PLUGINS.open_store("memory://")
    for exp in exports:
        # applied an hour after it was made: an export is never from the future
        made = exp.school.exported_at or EXPORTED_AT
        synchronise(store, exp, made + dt.timedelta(hours=1))
    return view(store)


@_SETTINGS
@given(export_pairs())
def test_a_then_b_gives_the_account_data_of_b_alone(pair: tuple[Export, Export]) -> None:
    a, b = pair
    both, only_b = _applied(a, b), _applied(b)
    assert both.accounts == only_b.accounts
    assert both.snapshots == only_b.snapshots
    assert both.links == only_b.links
    for eid, eleve in only_b.eleves.items():
        assert both.eleves[eid] == eleve
    for pid, responsable in only_b.responsables.items():
        assert both.responsables[pid] == responsable
    # what A opened and B does not want is deactivated, never deleted
    assert both.deactivated >= set(_applied(a).accounts) - set(only_b.accounts)


@_SETTINGS
@given(export_pairs())
def test_applying_any_export_twice_is_a_no_op(pair: tuple[Export, Export]) -> None:
    a, b = pair
    store = _PLUGINS.open_store("memory://")
    synchronise(store, a, NOW)
    first = synchronise(store, b, NOW + dt.timedelta(days=1))
    before = view(store)
    with store.unit_of_work() as uow:
        versions = {x.account_id: x.version for x in uow.accounts.of_school(b.school.uai)}
        latest = uow.exports.latest(b.school.uai)
    again = synchronise(store, b, NOW + dt.timedelta(days=1, hours=1))
    assert again.noop
    assert not again.dry_run
    assert again.kept_deactivated == first.kept_deactivated
    assert view(store) == before
    with store.unit_of_work() as uow:
        assert {x.account_id: x.version for x in uow.accounts.of_school(b.school.uai)} == versions
        assert uow.exports.latest(b.school.uai) == latest


@_SETTINGS
@given(export_pairs())
def test_dry_run_predicts_the_applied_changeset(pair: tuple[Export, Export]) -> None:
    a, b = pair
    store = _PLUGINS.open_store("memory://")
    synchronise(store, a, NOW)
    later = NOW + dt.timedelta(days=1)
    dry = synchronise(store, b, later, SyncOptions(dry_run=True))
    applied = synchronise(store, b, later)
    assert dry.accounts == applied.accounts
    assert dry.records == applied.records
    assert dry.links == applied.links
    assert all(c.after is AccountState.DEACTIVATED for c in applied.deactivated)
