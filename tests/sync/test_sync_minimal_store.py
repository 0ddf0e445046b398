"""A store that offers only the required operations syncs exactly as one with the
fast ways (``statuses``, ``stored_forms``): the library falls back on its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings

from educonnect_core.plugins import Plugins
from educonnect_core.ports import ClosedOnExit
from educonnect_core.storage import HasStatuses, HasStoredForms, Store, UnitOfWork
from educonnect_core.sync import Export, synchronise

from .world import export_pairs, view

NOW = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)
_HIDDEN = frozenset({"statuses", "stored_forms"})


class _Without:
    """A repository with its optional fast ways hidden."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name in _HIDDEN:
            raise AttributeError(name)
        return getattr(self._inner, name)


class _MinimalUnitOfWork:
    def __init__(self, inner: UnitOfWork) -> None:
        self._inner = inner
        self.accounts = _Without(inner.accounts)
        self.people = _Without(inner.people)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _MinimalUnitOfWork:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)  # type: ignore[arg-type]


class MinimalStore(ClosedOnExit):
    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self.url = inner.url

    def unit_of_work(self) -> Any:
        return _MinimalUnitOfWork(self._inner.unit_of_work())

    def close(self) -> None:
        self._inner.close()


def test_the_wrapper_hides_the_fast_ways() -> None:
    store = MinimalStore(Plugins.installed().open_store("memory://"))
    with store.unit_of_work() as uow:
        assert not isinstance(uow.accounts, HasStatuses)
        assert not isinstance(uow.people, HasStoredForms)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(pair=export_pairs())
def test_a_minimal_store_syncs_as_a_full_one(pair: tuple[Export, Export]) -> None:
    a, b = pair
    full = Plugins.installed().open_store("memory://")
    inner = Plugins.installed().open_store("memory://")
    minimal = MinimalStore(inner)
    for day, export in enumerate((a, b)):
        at = NOW + dt.timedelta(days=day)
        one = synchronise(full, export, at)
        other = synchronise(minimal, export, at)
        assert one == other
    assert view(full) == view(inner)
