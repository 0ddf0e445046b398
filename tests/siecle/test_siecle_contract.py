"""The source contract suite, run for the SIECLE adapter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from educonnect_adapters.siecle import plugin
from educonnect_core.testing.source_contract import Malformed, SourceContract, foreign_files

from .conftest import Writer, simple_export

ONDE_LIKE = "Nom élève;Prénom élève;Date naissance;INE;Niveau;Libellé classe\n".encode("cp1252")


class TestSiecleSource(SourceContract):
    @pytest.fixture
    def source_plugin(self) -> object:
        return plugin

    @pytest.fixture
    def valid_paths(self, write: Writer) -> list[Path]:
        eleves, responsables = simple_export()
        return [
            write("ElevesSansAdresses.xml", eleves),
            write("ResponsablesAvecAdresses.zip", responsables, zipped=True),
        ]

    @pytest.fixture
    def expected_counts(self) -> tuple[int, int, int]:
        return (2, 3, 4)

    @pytest.fixture
    def invalid_field_paths(self, write: Writer, tmp_path: Path) -> list[Path]:
        (tmp_path / "bad").mkdir()
        eleves, responsables = simple_export()
        eleves = re.sub(r"<DATE_NAISS>[^<]*<", "<DATE_NAISS>31/02/2013<", eleves, count=1)
        responsables = responsables.replace("J.Simek@Example.ORG", "J.Simek@")
        return [
            write("bad/ElevesSansAdresses.xml", eleves),
            write("bad/ResponsablesAvecAdresses.xml", responsables),
        ]

    @pytest.fixture
    def foreign_paths(self, tmp_path: Path) -> list[Path]:
        onde = tmp_path / "onde" / "CSVExtraction.csv"
        onde.parent.mkdir(parents=True)
        onde.write_bytes(ONDE_LIKE)
        return [*foreign_files(tmp_path / "foreign"), onde]

    @pytest.fixture
    def malformed(self, write: Writer) -> Malformed:
        eleves, responsables = simple_export()
        truncated = responsables[: responsables.index("</PERSONNES>") + 5]  # cut mid-tag
        paths = [
            write("ElevesSansAdresses.xml", eleves),
            write("ResponsablesAvecAdresses.xml", truncated),
        ]
        return Malformed(paths=paths, bad=paths[1])
