"""The documentation lists every finding code; the demo export reads as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from educonnect_adapters.cli.main import main
from educonnect_adapters.siecle.codes import FINDINGS

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "college-demo"


def test_every_finding_code_is_documented_with_its_severity() -> None:
    text = (ROOT / "docs" / "siecle.md").read_text(encoding="utf-8")
    for code, info in FINDINGS.items():
        assert f"| `{code}` | {info.severity.value} |" in text, code


def test_demo_export(capsys: pytest.CaptureFixture[str]) -> None:
    files = [
        DEMO / "ExportXML_ElevesSansAdresses.zip",
        DEMO / "ExportXML_ResponsablesAvecAdresses.zip",
    ]
    assert main(["check", *map(str, files), "--json", "--at", "2026-01-12T15:00+01:00"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["school"]["uai"] == "0990007V"
    assert {s["division"] for s in doc["students"]} == {"4A", "3B"}
    assert len(doc["students"]) == 40
    assert doc["summary"]["students"] == {"current": 39, "left": 1}
    found = {(f["code"], f["siecle_id"]) for f in doc["findings"]}
    assert found == {
        ("INVALID_BIRTH_DATE", "2410007"),
        ("NOT_A_MOBILE", "7710003"),
        ("INVALID_EMAIL", "7710005"),
    }
    blocked = doc["summary"]["blocked_by"]
    assert blocked["MISSING_MOBILE"] == 1
    people = {p["personne_id"]: p for p in doc["responsables"]}
    assert people["5309999"]["legal"] is False
    assert people["7710007"]["mobile"] == "+590690123456"
