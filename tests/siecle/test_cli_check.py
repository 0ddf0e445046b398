"""``educonnect check``: JSON document, human output, exit codes, console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from educonnect_adapters.cli.main import main

from .conftest import Writer, eleve, eleves_xml, link, personne, responsables_xml, structure

AT = "2026-01-12T15:00:00+01:00"


@pytest.fixture
def export(write: Writer) -> list[Path]:
    eleves = eleves_xml(
        eleve("1", "MARTIN", "Zoé")
        + eleve("2", "MARTIN", "Hugo", "02/09/2014", mef="10010012110")
        + eleve("3", "PETIT", "Léa", "31/02/2011")
        + eleve("4", "ROUX", "Inès", extra="<DATE_SORTIE>19/12/2025</DATE_SORTIE>\n"),
        structure("1", "3A") + structure("2", "6B") + structure("3", "3A") + structure("4", "3A"),
    )
    resp = responsables_xml(
        personne("10", "MARTIN", "Claire")
        + personne("11", "PETIT", "Jean", mobile="01 45 67 89 12", mel="jean@@example")
        + personne("12", "VOISIN", "Paul", mobile=None, mel=None)
        + personne("13", "ROUX", "Anne", extra="<NOM_USAGE>BLANC</NOM_USAGE>\n"),
        link("1", "10")
        + link("2", "10")
        + link("3", "11")
        + link("1", "12", "3")
        + link("4", "13")
        + link("99", "13"),
    )
    return [write("r.zip", resp, zipped=True), write("e.xml", eleves)]


def check_json(paths: list[Path], capsys: pytest.CaptureFixture[str], *extra: str) -> Any:
    code = main(["check", *map(str, paths), "--json", "--at", AT, *extra])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def test_json_document(export: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    doc = check_json(export, capsys)
    assert doc["school"] == {
        "uai": "0990007V",
        "school_year": 2025,
        "exported_at": "2026-01-12T07:42:10+01:00",
        "export_time": {"at": "2026-01-12T07:42:10+01:00", "source": "export"},
        "kind": "siecle",
        "degree": "2d",
        "files": [str(export[1]), f"{export[0]}[export.xml]"],
    }
    students = {s["eleve_id"]: s for s in doc["students"]}
    assert students["1"] == {
        "eleve_id": "1",
        "ine": "000000001AB",
        "last_name": "MARTIN",
        "family_name": "MARTIN",
        "first_name": "Zoé",
        "birth_date": "2011-03-14",
        "division": "3A",
        "status": "current",
    }
    assert students["3"]["birth_date"] is None  # malformed: null, and a finding
    assert students["4"]["status"] == "left"
    people = {p["personne_id"]: p for p in doc["responsables"]}
    assert people["10"]["students"] == ["1", "2"]
    assert people["10"]["mobile"] == "+33612345678"
    assert people["10"]["email"] == "claire.martin@example.org"
    assert people["11"]["mobile"] is None
    assert people["11"]["email"] is None
    assert people["12"]["legal"] is False
    assert people["12"]["students"] == []
    assert people["13"]["legal"] is True
    assert people["13"]["students"] == []

    accounts = {(a["profile"], a["siecle_id"]): a for a in doc["accounts"]}
    assert set(accounts) == {
        ("eleve", "1"),
        ("eleve", "2"),
        ("eleve", "3"),
        ("responsable", "10"),
        ("responsable", "11"),
    }  # no account for the departed student, the contact, or Léa's... nobody else
    claire = accounts[("responsable", "10")]["routes"]
    assert set(claire) == {
        "franceconnect",
        "sms_self_registration",
        "provisional_paper",
        "provisional_email",
        "aten_transition",
    }
    assert claire["sms_self_registration"] == {"eligible": True, "blockers": []}
    jean = accounts[("responsable", "11")]["routes"]
    codes = {b["code"] for b in jean["sms_self_registration"]["blockers"]}
    assert codes == {"NOT_A_MOBILE", "INVALID_BIRTH_DATE"}
    blocker = jean["provisional_email"]["blockers"][-1]
    assert blocker["code"] == "INVALID_EMAIL"
    assert blocker["remedy"].startswith("Corriger l'adresse électronique dans SIECLE")
    assert blocker["effective_from"] == "2026-01-13T06:00:00+01:00"

    findings = {(f["code"], f["siecle_id"]): f for f in doc["findings"]}
    birth = findings[("INVALID_BIRTH_DATE", "3")]
    assert birth["severity"] == "warning"
    assert birth["file"] == str(export[1])
    assert birth["line"] is not None
    assert "31/02/2011" in birth["message"]
    assert ("LINK_TO_UNKNOWN_STUDENT", "99") in findings
    assert ("NOT_A_MOBILE", "11") in findings

    summary = doc["summary"]
    assert summary["students"] == {"current": 3, "left": 1}
    assert summary["responsables"] == {"total": 4, "legal": 3, "with_account": 2}
    assert summary["blocked_by"]["INVALID_BIRTH_DATE"] == 2  # Léa and her father
    assert summary["blocked_by"]["NOT_A_MOBILE"] == 1
    assert "ROUTE_NOT_FOR_PROFILE" not in summary["blocked_by"]


def test_json_in_english(export: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    doc = check_json(export, capsys, "--lang", "en")
    jean = next(a for a in doc["accounts"] if a["siecle_id"] == "11")
    remedy = jean["routes"]["provisional_email"]["blockers"][-1]["remedy"]
    assert remedy.startswith("Correct the email address in SIECLE")


def test_human_output_in_french_grouped_by_class(
    export: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", *map(str, export), "--at", AT]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Établissement 0990007V — année scolaire 2025-2026")
    assert out.index("== Classe 3A — 2 élève(s) ==") < out.index("== Classe 6B — 1 élève(s) ==")
    section_3a = out[out.index("== Classe 3A") : out.index("== Classe 6B")]
    assert "MARTIN Zoé (élève 1" in section_3a
    assert "PETIT Léa (élève 3" in section_3a
    assert "ROUX Inès" not in section_3a  # departed: listed apart
    assert "✗ NOT_A_MOBILE" in section_3a
    assert "→ Corriger dans SIECLE le numéro de téléphone portable" in section_3a
    assert "VOISIN Paul (12) : pas de compte (non représentant légal)" in section_3a
    assert "== Élèves partis (1) : pas de compte ==" in out
    assert "== Problèmes dans les fichiers" in out
    assert "LINK_TO_UNKNOWN_STUDENT (99)" in out
    assert "élèves : 3 scolarisés, 1 partis" in out


def test_human_output_in_english(export: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *map(str, export), "--lang", "en", "--at", AT]) == 0
    out = capsys.readouterr().out
    assert "== Class 3A — 2 student(s) ==" in out
    assert "Correct the mobile phone number in SIECLE" in out


def test_unreadable_file_exits_2_with_one_line(
    write: Writer, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = write("e.xml", eleves_xml(eleve("1")).replace("</ELEVES>", ""))
    assert main(["check", str(broken)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("educonnect: error: ")
    assert str(broken) in line
    assert "line" in line


def test_missing_file_and_unknown_format_exit_2(
    write: Writer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "absent.zip")]) == 2
    assert "absent.zip" in capsys.readouterr().err
    assert main(["check", str(write("notes.txt", "bonjour"))]) == 2
    assert "notes.txt" in capsys.readouterr().err


def test_other_school_exits_2(export: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *map(str, export), "--school", "0750001U"]) == 2
    assert "not 0750001U" in capsys.readouterr().err
    assert main(["check", *map(str, export), "--school", "0990007V", "--json"]) == 0


def test_at_needs_a_time_zone(export: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", *map(str, export), "--at", "2026-01-12T15:00"])
    assert info.value.code == 2
    assert "time zone" in capsys.readouterr().err


def test_console_script(export: list[Path]) -> None:
    script = shutil.which("educonnect", path=str(Path(sys.executable).parent))
    assert script is not None
    done = subprocess.run(
        [script, "check", *map(str, export), "--json", "--at", AT],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["students"] == {"current": 3, "left": 1}


def test_json_keeps_the_family_name_beside_the_usage_name(
    export: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    doc = check_json(export, capsys)
    names = {p["personne_id"]: (p["last_name"], p["family_name"]) for p in doc["responsables"]}
    assert names["13"] == ("BLANC", "ROUX")
    assert names["10"] == ("MARTIN", "MARTIN")
    assert {e["family_name"] for e in doc["students"]} >= {"MARTIN", "PETIT"}


def test_summary_mode_is_the_full_reports_summary_without_the_people(
    export: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", *map(str, export), "--at", AT]) == 0
    full = capsys.readouterr().out
    assert main(["check", *map(str, export), "--at", AT, "--summary"]) == 0
    short = capsys.readouterr().out
    assert "MARTIN" not in short  # no line per person
    assert short.split("== Résumé ==")[1] == full.split("== Résumé ==")[1]
    assert "  [warning] INVALID_BIRTH_DATE: 1" in short
    doc = check_json(export, capsys, "--summary")
    assert set(doc) == {"school", "checked_at", "summary", "findings_by_code"}
    assert doc["summary"] == check_json(export, capsys)["summary"]
    assert doc["findings_by_code"]["warning"]["INVALID_BIRTH_DATE"] == 1
