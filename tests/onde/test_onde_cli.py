"""``educonnect check`` reads an ONDE pair through the installed plugins, as a SIECLE pair."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from educonnect_adapters.cli.main import EXIT_BAD_INPUT, EXIT_OK, main

from .onde_samples import UAI, pair


def test_check_reads_an_onde_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    eleves, resps = pair(tmp_path)
    argv = ["check", "--json", "--school", UAI, "--at", "2026-01-12T15:00+01:00"]
    assert main([*argv, str(resps), str(eleves)]) == EXIT_OK
    document = json.loads(capsys.readouterr().out)
    assert document["school"]["uai"] == UAI
    assert document["school"]["kind"] == "onde"
    assert document["school"]["files"] == [str(eleves), str(resps)]


def test_check_without_uai_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *map(str, pair(tmp_path))]) == EXIT_BAD_INPUT
    assert "UAI" in capsys.readouterr().err
