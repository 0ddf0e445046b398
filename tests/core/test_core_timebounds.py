"""One range of dates; an export from the future is refused by the synchronisation."""

from __future__ import annotations

import datetime as dt

import pytest

from educonnect_core.checking import check_export
from educonnect_core.errors import InvalidValue
from educonnect_core.people import School
from educonnect_core.plugins import Plugins
from educonnect_core.schedule import RefreshSchedule
from educonnect_core.sync import ExportInTheFuture, SyncOptions, synchronise
from educonnect_core.testing.storage_contract import SyntheticExport
from educonnect_core.timebounds import EARLIEST, FUTURE_TOLERANCE, LATEST, bounded
from educonnect_core.values import Uai

NOW = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "value", [dt.date(1899, 12, 31), dt.date(2200, 1, 1), dt.datetime(9999, 12, 31, tzinfo=dt.UTC)]
)
def test_out_of_range_is_an_invalid_value(value: dt.date) -> None:
    with pytest.raises(InvalidValue, match="expected a date from 1900 to 2199") as caught:
        bounded("field", value)
    assert caught.value.code == "DATE_OUT_OF_RANGE"


def test_the_range_leaves_room_for_computations() -> None:
    # the next-morning rule adds a day and changes zone: never an OverflowError
    last = dt.datetime.combine(LATEST, dt.time(23, 59), tzinfo=dt.UTC)
    assert RefreshSchedule().effective_from(bounded("at", last)).year == LATEST.year + 1
    assert bounded("day", EARLIEST) == EARLIEST


def test_a_school_cannot_carry_a_far_away_export_time() -> None:
    with pytest.raises(InvalidValue, match=r"School\.exported_at"):
        School(Uai("0990007V"), 2025, exported_at=dt.datetime(9999, 12, 31, tzinfo=dt.UTC))


def test_check_refuses_a_far_away_at() -> None:
    with pytest.raises(InvalidValue, match="check_export: at"):
        check_export(SyntheticExport(3), dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC))


def test_unknown_time_zone() -> None:
    with pytest.raises(InvalidValue, match=r"RefreshSchedule\.timezone"):
        RefreshSchedule(timezone="Europe/Atlantis")


@pytest.mark.parametrize("force", [False, True])
def test_an_export_later_than_now_is_refused_even_forced(force: bool) -> None:
    store = Plugins.installed().open_store("memory://")
    ahead = NOW + FUTURE_TOLERANCE + dt.timedelta(minutes=1)
    with pytest.raises(ExportInTheFuture, match="later than now"):
        synchronise(store, SyntheticExport(3), NOW, SyncOptions(exported_at=ahead, force=force))
    with store.unit_of_work() as uow:
        assert uow.people.schools() == []
    within = NOW + FUTURE_TOLERANCE
    assert synchronise(store, SyntheticExport(3), NOW, SyncOptions(exported_at=within)).created
