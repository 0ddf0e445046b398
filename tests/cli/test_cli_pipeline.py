"""One pipeline from the command line: ``check``, ``import`` and ``sync`` agree.

An ONDE pair (1st degree, no export time) is imported and synced day after day;
``import`` over a school the store holds follows the sync's rules; an older
export is refused the same way by both commands unless forced.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from onde.onde_samples import ELEVES, UAI, pair

from .cli_run import Run
from .school_files import write_export

DAY1 = dt.datetime(2026, 1, 12, 18, 0, tzinfo=dt.UTC)


def touch(paths: list[Path], moment: dt.datetime) -> list[Path]:
    for path in paths:
        os.utime(path, (moment.timestamp(), moment.timestamp()))
    return paths


def onde_day(folder: Path, day: int, *, drop: int = 0) -> list[Path]:
    """The école's pair as extracted on day ``day`` (the last ``drop`` pupils gone)."""
    rows = ELEVES[: len(ELEVES) - drop] if drop else ELEVES
    return touch(pair(folder / f"day{day}", eleves=rows), DAY1 + dt.timedelta(days=day - 1))


def accounts(cli: Run, *extra: str) -> dict[str, str]:
    listed = cli("accounts", "--uai", UAI, "--json", "--limit", "1000", *extra)
    assert listed.code == 0, listed.err
    return {a["account_id"]: a["state"] for a in json.loads(listed.out)["items"]}


def test_an_onde_pair_is_imported_then_synced_day_after_day(cli: Run, workdir: Path) -> None:
    day1 = onde_day(workdir, 1)
    checked = json.loads(cli("check", "--json", "--school", UAI, *day1).out)
    imported = cli("import", "--uai", UAI, *day1)
    assert imported.code == 0, imported.err
    assert "l'export n'en porte pas : date de modification des fichiers" in imported.out
    opened = accounts(cli)
    # what check tells is what import stores: responsables only, no student account
    assert set(opened) == {f"R-{UAI}-{a['siecle_id']}" for a in checked["accounts"]}
    assert opened
    assert all(a.startswith("R-") for a in opened)
    assert checked["summary"]["accounts"]["eleve"] == 0
    # primary pupils are judged by 1st-degree ages: only the malformed date blocks,
    # as check tells
    by_birth_date = accounts(cli, "--blocker", "INVALID_BIRTH_DATE")
    assert len(by_birth_date) == checked["summary"]["blocked_by"]["INVALID_BIRTH_DATE"] == 2
    # day 2: two pupils have left; the nightly sync runs from the command line
    day2 = onde_day(workdir, 2, drop=2)
    synced = cli("sync", "--uai", UAI, "--json", *day2)
    assert synced.code == 0, synced.err
    document = json.loads(synced.out)
    assert document["exported_at_source"] == "files"
    assert document["exported_at"].startswith("2026-01-13")
    assert cli("sync", "--uai", UAI, *day2).out.count("Aucun changement") == 1
    # day 1 again is older: refused by sync and by import alike, unless forced
    for command in ("sync", "import"):
        refused = cli(command, "--uai", UAI, *day1)
        assert refused.code == 2, command
        assert "older than the last one applied" in refused.err
    assert cli("import", "--uai", UAI, "--force", *day1).code == 0
    trend = json.loads(cli("stats", "--uai", UAI, "--json").out)["exports"]
    assert len(trend) == 3  # import, sync, forced import: each leaves its entry


def test_exported_at_orders_an_export_without_time(cli: Run, workdir: Path) -> None:
    files = onde_day(workdir, 1)
    given = "2026-01-20T19:00+01:00"
    first = cli("sync", "--uai", UAI, "--exported-at", given, "--json", *files)
    assert first.code == 0, first.err
    assert json.loads(first.out)["exported_at_source"] == "option"
    # the files' date (12 January) is now older than the export applied (20 January)
    older = cli("sync", "--uai", UAI, *files)
    assert older.code == 2
    assert "older than the last one applied" in older.err


def test_import_over_an_applied_school_is_a_sync(cli: Run, workdir: Path) -> None:
    day1 = write_export(workdir / "d1")
    day2 = write_export(workdir / "d2", day=2)
    assert cli("import", *day1).code == 0
    by_import = cli("import", *day2, "--json")
    assert by_import.code == 0, by_import.err
    kinds = sorted(a["kind"] for a in json.loads(by_import.out)["accounts"])
    assert kinds.count("deactivated") == 2  # as sync does: the leavers are deactivated
    # the same two exports through sync into a second store give the same accounts
    other = workdir / "other.db"
    assert cli("sync", *day1, "--store", f"sqlite:///{other}").code == 0
    assert cli("sync", *day2, "--store", f"sqlite:///{other}").code == 0
    via_sync = cli("accounts", "--json", "--limit", "1000", "--store", f"sqlite:///{other}")
    via_import = cli("accounts", "--json", "--limit", "1000")
    assert json.loads(via_sync.out)["items"] == json.loads(via_import.out)["items"]


@pytest.mark.parametrize("command", ["import", "sync"])
def test_blocked_means_to_activate_with_no_open_route(
    cli: Run, workdir: Path, command: str
) -> None:
    assert cli(command, *write_export(workdir / "d1")).code == 0
    blocked = json.loads(cli("accounts", "--blocked", "--json", "--limit", "1000").out)["items"]
    stats = json.loads(cli("stats", "--json").out)
    assert len(blocked) == stats["blocked_to_activate"]
    assert {a["state"] for a in blocked} <= {"not_activated", "notified"}
