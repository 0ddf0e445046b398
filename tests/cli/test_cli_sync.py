"""``educonnect sync``: a day-2 export over the imported store, its changeset and the trend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cli_run import Run
from .school_files import JEAN, LUCAS, PAUL, write_export


@pytest.fixture
def day2(imported: Path) -> list[Path]:
    return write_export(imported / "day2", day=2)


def test_dry_run_shows_the_changeset_and_writes_nothing(cli: Run, day2: list[Path]) -> None:
    result = cli("sync", *day2, "--dry-run", "--details")
    assert result.code == 0, result.err
    assert result.out.startswith("Simulation")
    assert "désactivés : 2" in result.out
    assert f"{LUCAS}: deactivated (not_activated → deactivated)" in result.out
    assert "responsable 5002: mobile: ∅ → +33611223344" in result.out
    assert json.loads(cli("account", LUCAS, "--json").out)["account"]["state"] == "not_activated"


def test_sync_applies_once_and_shows_in_the_trend(cli: Run, day2: list[Path]) -> None:
    applied = cli("sync", *day2, "--json")
    assert applied.code == 0, applied.err
    changes = {a["account_id"]: a["kind"] for a in json.loads(applied.out)["accounts"]}
    assert changes == {LUCAS: "deactivated", JEAN: "deactivated", PAUL: "data_changed"}
    again = cli("sync", *day2)
    assert again.code == 0
    assert "Aucun changement" in again.out
    trend = json.loads(cli("stats", "--json").out)["exports"]
    assert len(trend) == 2  # the import, then this sync (applied once)
    assert [t["changes"].get("deactivated", 0) for t in trend] == [0, 2]
    assert "Évolution : exports appliqués" in cli("stats").out


def test_an_older_export_is_refused_unless_forced(
    cli: Run, day2: list[Path], export: list[Path]
) -> None:
    assert cli("sync", *day2).code == 0
    older = cli("sync", *export)
    assert older.code == 2
    assert "older than the last one applied" in older.err
    forced = cli("sync", *export, "--force", "--lang", "en")
    assert forced.code == 0, forced.err
    assert "reactivated" in forced.out


def test_report_lists_the_applied_exports(cli: Run, day2: list[Path], imported: Path) -> None:
    assert cli("sync", *day2).code == 0
    assert cli("report", "--html", "r.html").code == 0
    text = (imported / "r.html").read_text(encoding="utf-8")
    assert "Exports SIECLE appliqués" in text
    assert "13/01/2026 07:42" in text
