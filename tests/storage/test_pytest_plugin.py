"""The fixtures the pytest plugin gives an integrator."""

from __future__ import annotations

import datetime as dt

from educonnect_core.ports import ExportReader
from educonnect_core.storage import Store
from educonnect_core.sync import synchronise


def test_store_and_synthetic_export_fixtures(
    educonnect_store: Store, educonnect_synthetic_export: ExportReader
) -> None:
    at = dt.datetime(2026, 1, 12, 14, 0, tzinfo=dt.UTC)
    result = synchronise(educonnect_store, educonnect_synthetic_export, at)
    assert result.created
    assert educonnect_store.url.startswith("sqlite:///")
