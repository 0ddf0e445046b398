"""The fixtures the pytest plugin gives an integrator."""

from __future__ import annotations

import datetime as dt

from educonnect_core.eligibility import EvaluationContext
from educonnect_core.importing import import_export
from educonnect_core.ports import ExportReader
from educonnect_core.storage import Store


def test_store_and_synthetic_export_fixtures(
    educonnect_store: Store, educonnect_synthetic_export: ExportReader
) -> None:
    ctx = EvaluationContext(at=dt.datetime(2026, 1, 12, 14, 0, tzinfo=dt.UTC))
    result = import_export(educonnect_synthetic_export, educonnect_store, ctx)
    assert result.accounts_created > 0
    assert educonnect_store.url.startswith("sqlite:///")
