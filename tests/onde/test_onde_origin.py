"""A 1st-degree school, imported from ONDE: the help desk, the statistics and the
report say where its data are fixed (ONDE, the directeur d'école), never SIECLE."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from educonnect_adapters.cli.main import EXIT_OK, main

from .onde_samples import UAI, pair

AT = "2026-01-12T15:00+01:00"
SETTINGS = f"""\
[actor]
id = "de-0001"
role = "directeur_ecole"
uai = "{UAI}"

[access]
otp = true
administrative_network = true
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == EXIT_OK
    return capsys.readouterr().out


@pytest.fixture
def school(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    files = pair(tmp_path / "export")
    monkeypatch.chdir(tmp_path)
    assert main(["import", "--uai", UAI, "--exported-at", AT, *map(str, files)]) == EXIT_OK
    (tmp_path / "educonnect.toml").write_text(SETTINGS, encoding="utf-8")
    return tmp_path


def test_diagnosis_stats_and_report_name_onde(
    school: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = json.loads(run(capsys, "accounts", "--blocked", "--json"))
    account_ids = [a["account_id"] for a in blocked["items"]]
    assert account_ids
    for account_id in account_ids[:3]:
        text = run(capsys, "diagnose", account_id)
        assert "SIECLE" not in text
    assert any("ONDE" in run(capsys, "diagnose", a) for a in account_ids[:3])
    figures = json.loads(run(capsys, "stats", "--json"))
    assert figures["blockers"]
    for blocker in figures["blockers"]:
        assert "SIECLE" not in blocker["remedy_fr"] + blocker["remedy_en"]
    run(capsys, "report", "--html", "rapport.html")
    page = html.unescape((school / "rapport.html").read_text(encoding="utf-8"))
    assert "Blocages à corriger dans ONDE (directeur d'école)" in page
    assert "SIECLE" not in page
