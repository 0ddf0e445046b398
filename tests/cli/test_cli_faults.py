"""Careless commands and faults: one line on stderr, the documented exit code, no
traceback, the store as it was."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from educonnect_adapters.cli import stats as stats_command
from educonnect_adapters.cli.main import EXIT_INTERNAL, EXIT_INTERRUPTED
from educonnect_adapters.siecle.synthetic import families, write_eleves, write_responsables
from educonnect_adapters.sqlite.store import SqliteStore
from educonnect_core import sync
from educonnect_core.errors import ConcurrentModification

from .cli_run import Outcome, Run
from .school_files import write_export


def one_line(result: Outcome) -> str:
    """The error line, after checking there is only one and no traceback."""
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert lines[0].startswith("educonnect: error: "), result.err
    return lines[0]


def schools(store: Path) -> list[str]:
    if not store.exists():
        return []
    with contextlib.closing(sqlite3.connect(store)) as conn:  # a sqlite3 'with' does not close
        return [uai for (uai,) in conn.execute("SELECT uai FROM schools")]


# ------------------------------------------------------------------------ dates


def test_an_export_from_the_future_is_refused(cli: Run, export: list[Path], workdir: Path) -> None:
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    result = cli("import", *export, "--exported-at", tomorrow)
    assert result.code == 2
    assert "later than now" in one_line(result)
    assert schools(workdir / "educonnect.db") == []
    # a real export still applies afterwards
    assert cli("import", *export).code == 0


def test_an_export_a_few_minutes_ahead_is_accepted(cli: Run, export: list[Path]) -> None:
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).isoformat()
    assert cli("import", *export, "--exported-at", soon).code == 0


@pytest.mark.parametrize("command", ["import", "check"])
def test_dates_far_away_are_bad_input(
    cli: Run, export: list[Path], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    option = "--exported-at" if command == "import" else "--at"
    with pytest.raises(SystemExit) as stopped:  # argparse's own error
        cli(command, *export, option, "9999-12-31T23:59:00+00:00")
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "expected a date from 1900 to 2199" in err


def _with_stamp(folder: Path, stamp: str) -> list[Path]:
    files = write_export(folder)
    for path in files:
        with zipfile.ZipFile(path) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                text = data.decode("iso-8859-15")
                start = text.find("<HORODATAGE>")
                if start >= 0:
                    end = text.index("</HORODATAGE>")
                    text = text[: start + len("<HORODATAGE>")] + stamp + text[end:]
                archive.writestr(name, text.encode("iso-8859-15"))
    return files


def test_an_export_stamped_in_year_9999_names_the_field(cli: Run, workdir: Path) -> None:
    files = _with_stamp(workdir / "far", "31/12/9999 23:59:59")
    result = cli("import", *files)
    assert result.code == 2
    line = one_line(result)
    assert "HORODATAGE" in line
    assert ".zip" in line
    assert schools(workdir / "educonnect.db") == []


# -------------------------------------------------------------- careless settings


def test_unknown_time_zone_in_the_settings(cli: Run, imported: Path) -> None:
    settings = imported / "educonnect.toml"
    settings.write_text('timezone = "Europe/Atlantis"\n' + settings.read_text("utf-8"), "utf-8")
    result = cli("stats")
    assert result.code == 2
    line = one_line(result)
    assert "educonnect.toml: timezone" in line
    assert "Europe/Atlantis" in line


def test_malformed_delegation_date(
    cli: Run, imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:  # argparse's own error
        cli("delegation", "grant", "prof-1", "--profile", "eleve", "--action", "notify",
            "--until", "le 3 mars")  # fmt: skip
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--until" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "url", ["postgresql://x@[bad/db", "postgresql://x@host:port/db", "sqlite://host/x.db"]
)
def test_malformed_store_urls(cli: Run, workdir: Path, url: str) -> None:
    result = cli("stats", "--store", url)
    assert result.code == 2
    one_line(result)


def test_a_read_only_command_creates_no_folder_and_no_store(cli: Run, workdir: Path) -> None:
    target = workdir / "absent" / "store.db"
    for command in (["stats"], ["accounts"], ["report", "--html", workdir / "r.html"]):
        result = cli(*command, "--store", f"sqlite:///{target}")
        assert result.code == 2
        assert "no store there" in one_line(result)
    assert not target.parent.exists()


def test_report_into_a_missing_folder_is_refused(cli: Run, imported: Path) -> None:
    result = cli("report", "--html", imported / "absent" / "rapport.html")
    assert result.code == 2
    assert "absent" in one_line(result)
    assert not (imported / "absent").exists()


def test_a_writer_does_not_block_a_reader(cli: Run, imported: Path) -> None:
    writer = sqlite3.connect(imported / "educonnect.db", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE schools SET data = data")
        result = cli("stats", "--json")
        assert result.code == 0, result.err
        assert json.loads(result.out)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# ------------------------------------------------------------------- exit codes


def _failing_stats(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    def run(args: Any) -> int:
        raise error

    monkeypatch.setattr(stats_command, "run", run)


def test_concurrent_modification_is_a_refusal(
    cli: Run, imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_stats(monkeypatch, ConcurrentModification("account A: saved by someone else"))
    result = cli("stats")
    assert result.code == 1
    assert "saved by someone else" in one_line(result)


def test_an_unexpected_error_is_an_internal_error(
    cli: Run, imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_stats(monkeypatch, TypeError("unsupported operand"))
    result = cli("stats")
    assert result.code == EXIT_INTERNAL == 3
    line = one_line(result)
    assert "internal error" in line
    assert "--debug" in line
    debug = cli("--debug", "stats")
    assert "Traceback" in debug.err


def test_ctrl_c_during_an_import_rolls_back_and_exits_130(
    cli: Run, export: list[Path], workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = sync._write

    def write_then_interrupt(*args: Any, **kwargs: Any) -> None:
        real_write(*args, **kwargs)  # every row written, nothing committed yet
        raise KeyboardInterrupt

    monkeypatch.setattr(sync, "_write", write_then_interrupt)
    result = cli("import", *export)
    assert result.code == EXIT_INTERRUPTED == 130
    assert "interrupted" in one_line(result)
    assert schools(workdir / "educonnect.db") == []


# -------------------------------------------------------------------- disk full


def bigger_export(folder: Path, count: int) -> list[Path]:
    """An invented school of ``count`` families (enough rows to grow the store's file)."""
    folder.mkdir()
    eleves, responsables = folder / "ElevesSansAdresses.xml", folder / "Responsables.xml"
    with eleves.open("wb") as out:
        write_eleves(out, (e for f in families(count) for e in f.eleves))
    with responsables.open("wb") as out:
        write_responsables(
            out,
            (p for f in families(count) for p in f.personnes),
            (link for f in families(count) for link in f.links),
        )
    return [eleves, responsables]


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, no SQLite connection may grow its file beyond its size when
    opened (``PRAGMA max_page_count``): the disk is full."""
    configure = SqliteStore._configure

    def limited(self: SqliteStore, connect: Any) -> sqlite3.Connection:
        conn = configure(self, connect)
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        conn.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return conn

    monkeypatch.setattr(SqliteStore, "_configure", limited)


def test_a_full_disk_is_one_line_naming_the_store(
    cli: Run, export: list[Path], workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    SqliteStore(workdir / "educonnect.db").close()  # an empty store, its schema in place
    fill_the_disk(monkeypatch)
    result = cli("import", *bigger_export(workdir / "big", 300))
    assert result.code == 1
    line = one_line(result)
    assert "educonnect.db" in line
    assert "full" in line
    assert "nothing was written" in line
    assert schools(workdir / "educonnect.db") == []
