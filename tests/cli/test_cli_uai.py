"""One name for the school's UAI in every command (``--uai``, alias ``--school``), and
errors that name the command line's options, never the library's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from educonnect_adapters.cli.exports import CLI_NAMES, cli_message, cli_names
from educonnect_core.errors import InvalidValue, SourceError

from .cli_run import Run

UAI = "0990007V"
ELEVES = (
    "Nom élève;Prénom élève;Date naissance;Niveau;Libellé classe\r\n"
    "DURAND;Zoé;04/03/2019;CP;CP - Mme Roux\r\n"
)
RESPONSABLES = (
    "Civilité responsable;Nom responsable;Prénom responsable;Téléphone portable;"
    "Courriel;Nom de famille enfant;Prénom enfant;Classes enfants\r\n"
    "MME;DURAND;Inès;0612345678;ines.durand@example.org;DURAND;Zoé;CP - Mme Roux\r\n"
)


def onde_pair(folder: Path) -> list[Path]:
    """An invented école's two ONDE extractions (both named as ONDE names them)."""
    paths = []
    for sub, text in (("eleves", ELEVES), ("resp", RESPONSABLES)):
        path = folder / sub / "CSVExtraction.csv"
        path.parent.mkdir(parents=True)
        path.write_bytes(text.encode("cp1252"))
        paths.append(path)
    return paths


@pytest.mark.parametrize("option", ["--uai", "--school"])
def test_check_takes_uai_and_its_alias(
    cli: Run, workdir: Path, export: list[Path], option: str
) -> None:
    document = json.loads(cli("check", "--json", option, UAI, *export).out)
    assert document["school"]["uai"] == UAI
    refused = cli("check", option, "0750001U", *export)
    assert refused.code == 2
    assert "0750001U" in refused.err


@pytest.mark.parametrize("option", ["--uai", "--school"])
def test_import_takes_uai_and_its_alias(
    cli: Run, workdir: Path, export: list[Path], option: str
) -> None:
    assert cli("import", option, "0750001U", *export).code == 2
    assert cli("import", option, UAI, *export).code == 0
    assert cli("accounts", option, UAI, "--json").code == 0


@pytest.mark.parametrize("command", ["check", "import", "sync"])
def test_onde_without_uai_names_the_cli_option(cli: Run, workdir: Path, command: str) -> None:
    result = cli(command, *onde_pair(workdir / "onde"))
    assert result.code == 2
    assert "--uai" in result.err
    assert "ReadOptions" not in result.err
    assert "expected_uai" not in result.err
    assert "Traceback" not in result.err


def test_every_library_name_has_a_cli_name() -> None:
    for name, option in CLI_NAMES:
        assert name not in cli_message(f"x ({name}) y")
        assert option in cli_message(f"x ({name}) y")
    assert cli_message("file larger (ReadOptions.max_bytes)") == (
        "file larger (the size bound of the readers)"
    )


def test_cli_names_keeps_the_error_type_file_and_line() -> None:
    with pytest.raises(SourceError) as source, cli_names():
        raise SourceError("give it (ReadOptions.expected_uai)", file="a.csv", line=3)
    assert (source.value.file, source.value.line) == ("a.csv", 3)
    assert source.value.message == "give it (--uai)"
    with pytest.raises(InvalidValue) as value, cli_names():
        raise InvalidValue("SyncOptions.exported_at", "1897", "too old", "DATE_OUT_OF_RANGE")
    assert value.value.field == "--exported-at"
    assert value.value.code == "DATE_OUT_OF_RANGE"
    plain = SourceError("no such element", file="b.xml")
    with pytest.raises(SourceError) as same, cli_names():
        raise plain
    assert same.value is plain
