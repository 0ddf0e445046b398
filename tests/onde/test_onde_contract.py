"""The source contract suite, run for the ONDE adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from educonnect_adapters.onde import plugin
from educonnect_core.sources import ReadOptions
from educonnect_core.testing.source_contract import Malformed, SourceContract, foreign_files

from .onde_samples import ELEVES, OPTIONS, pair, render

SIECLE_LIKE = b"""<?xml version="1.0" encoding="ISO-8859-15"?>
<BEE_ELEVES VERSION="3.0"><PARAMETRES><UAJ>0330001X</UAJ></PARAMETRES></BEE_ELEVES>
"""


class TestOndeSource(SourceContract):
    @pytest.fixture
    def source_plugin(self) -> object:
        return plugin

    @pytest.fixture
    def source_options(self) -> ReadOptions:
        return OPTIONS

    @pytest.fixture
    def valid_paths(self, tmp_path: Path) -> list[Path]:
        return pair(tmp_path)

    @pytest.fixture
    def expected_counts(self) -> tuple[int, int, int]:
        return (9, 11, 12)

    @pytest.fixture
    def carries_export_time(self) -> bool:
        return False  # ONDE extractions say nothing of when they were made

    @pytest.fixture
    def invalid_field_paths(self, tmp_path: Path) -> list[Path]:
        rows = [[c.replace("04/03/2019", "31/02/2019") for c in row] for row in ELEVES]
        return pair(tmp_path / "bad", eleves=rows)

    @pytest.fixture
    def foreign_paths(self, tmp_path: Path) -> list[Path]:
        siecle = tmp_path / "ElevesSansAdresses.xml"
        siecle.write_bytes(SIECLE_LIKE)
        return [*foreign_files(tmp_path / "foreign"), siecle]

    @pytest.fixture
    def malformed(self, tmp_path: Path) -> Malformed:
        eleves, responsables = pair(tmp_path)
        text = render(ELEVES).replace("CE1 - Mme Noir", '"CE1 - Mme Noir')  # never closed
        eleves.write_bytes(text.encode("cp1252"))
        return Malformed(paths=[eleves, responsables], bad=eleves)
