"""An age unusual for the class is one warning of the export, the same for check,
import and sync (they all read the export through ``Export.of``); it blocks nothing."""

from __future__ import annotations

import datetime as dt

from educonnect_core.checking import check_export
from educonnect_core.export import Export
from educonnect_core.people import Eleve, School
from educonnect_core.plugins import Plugins
from educonnect_core.sync import synchronise
from educonnect_core.values import Uai

AT = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)
SCHOOL = School(Uai("0990007V"), 2025, exported_at=dt.datetime(2026, 1, 13, 7, 0, tzinfo=dt.UTC))


def export() -> Export:
    eleves = [
        Eleve.from_raw(
            eleve_id="1", last_name="Durand", first_name="Théo", birth_date="12/05/2005",
            mef="20010018110", division="2A",
        ),  # 20 in seconde: unusual
        Eleve.from_raw(
            eleve_id="2", last_name="Petit", first_name="Anne", birth_date="01/02/1989",
            mef="31120005110", division="BTS1",
        ),  # 36 in BTS: usual for adult learners
        Eleve.from_raw(
            eleve_id="3", last_name="Roux", first_name="Eva", birth_date="01/02/2010",
            mef="20010018110", division="2A",
        ),  # 15 in seconde
    ]  # fmt: skip
    return Export.of(SCHOOL, eleves, [], [])


def test_one_warning_for_the_unusual_age_only() -> None:
    found = [f for f in export().findings if f.code == "UNUSUAL_AGE"]
    assert [(f.siecle_id, f.severity.value, f.field) for f in found] == [
        ("1", "warning", "DATE_NAISS")
    ]
    assert "20 years old" in found[0].message
    assert "does not block" in found[0].message


def test_check_and_sync_agree_and_nothing_is_blocked() -> None:
    checked = check_export(export(), AT)
    assert all(not e.blocked for e in checked.eligibilities())
    store = Plugins.installed().open_store("memory://")
    changeset = synchronise(store, export(), AT)
    assert [f for f in changeset.findings if f.code == "UNUSUAL_AGE"] == [
        f for f in checked.export.findings if f.code == "UNUSUAL_AGE"
    ]
    assert len(changeset.created) == 3
