"""``educonnect import``: summary, idempotence, dry run, bad input."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

from .cli_run import Run


def test_import_creates_accounts_and_reports_who_has_none(cli: Run, export: list[Path]) -> None:
    result = cli("import", *export)
    assert result.code == 0, result.err
    assert "Comptes créés : 7" in result.out
    assert "Sans compte : 1 élève(s)" in result.out
    assert "Heure d'export : 12/01/2026 07:42 UTC+01:00 (portée par l'export)" in result.out
    assert "INVALID_BIRTH_DATE: 1" in result.out
    assert "NOT_A_MOBILE: 1" in result.out


def test_second_import_changes_nothing(cli: Run, export: list[Path]) -> None:
    assert cli("import", *export).code == 0
    again = cli("import", *export, "--json")
    assert again.code == 0
    data = json.loads(again.out)
    assert data["accounts"] == []
    assert data["records"] == []
    assert data["links"] == []
    assert data["exported_at_source"] == "export"
    assert {f["code"] for f in data["findings"]} >= {"INVALID_BIRTH_DATE", "INVALID_EMAIL"}
    assert len(json.loads(cli("stats", "--json").out)["exports"]) == 1


def test_dry_run_writes_nothing(cli: Run, export: list[Path], workdir: Path) -> None:
    result = cli("import", *export, "--dry-run", "--lang", "en")
    assert result.code == 0, result.err
    assert "Dry run" in result.out
    assert "created: 7" in result.out
    stats = cli("stats")
    assert stats.code == 2
    assert "no school" in stats.err


def test_unreadable_file_is_bad_input(cli: Run, workdir: Path) -> None:
    bogus = workdir / "notes.txt"
    bogus.write_text("bonjour\n", encoding="utf-8")
    result = cli("import", bogus)
    assert result.code == 2
    assert result.err.startswith("educonnect: error: ")
    assert "notes.txt" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not (workdir / "educonnect.db").exists() or cli("stats").code == 2


def test_broken_xml_leaves_the_store_unchanged(cli: Run, export: list[Path], workdir: Path) -> None:
    assert cli("import", *export).code == 0
    before = cli("stats", "--json").out
    broken = workdir / "broken.zip"
    with zipfile.ZipFile(export[0]) as source:
        xml = source.read(source.namelist()[0])
    with zipfile.ZipFile(broken, "w") as target:
        target.writestr("ElevesSansAdresses.xml", xml[: len(xml) // 2])
    result = cli("import", broken, export[1])
    assert result.code == 2
    assert "broken.zip" in result.err
    assert cli("stats", "--json").out == before


def test_unknown_store_scheme_is_bad_input(cli: Run, export: list[Path]) -> None:
    result = cli("import", *export, "--store", "nosuch://x")
    assert result.code == 2
    assert "no storage backend" in result.err


def test_debug_shows_the_traceback(cli: Run, export: list[Path]) -> None:
    result = cli("--debug", "import", *export, "--store", "nosuch://x")
    assert result.code == 2
    assert "Traceback" in result.err


def test_progress_bar_on_a_terminal_goes_to_stderr(
    cli: Run, export: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = cli("import", *export)
    assert result.code == 0, result.err
    assert "Comptes créés : 7" in result.out
    assert "\x1b" not in result.out  # nothing of the bar in the summary
