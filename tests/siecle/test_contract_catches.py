"""The source contract catches a planted bug: a reader that drops its findings, and
one that drops (or gives naive) the export time the files carry."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from educonnect_adapters.siecle import plugin
from educonnect_adapters.siecle.reader import SiecleReader
from educonnect_core.findings import Finding
from educonnect_core.hookspecs import hookimpl
from educonnect_core.people import School
from educonnect_core.plugins import Plugins
from educonnect_core.ports import ExportReader, SourceOptions
from educonnect_core.sources import ReadOptions
from educonnect_core.testing.source_contract import ReadResult, SourceContract, read_all

from .conftest import Writer, simple_export


class Silent(SiecleReader):
    """Reads as SIECLE does, but tells nothing of what it could not read."""

    @property
    def findings(self) -> Sequence[Finding]:
        return ()


class Timeless(SiecleReader):
    """Forgets the HORODATAGE of the files."""

    @property
    def school(self) -> School:
        return attrs.evolve(super().school, exported_at=None)


class Naive(SiecleReader):
    """Gives the export time without its offset."""

    @property
    def school(self) -> School:
        school = super().school
        assert school.exported_at is not None
        return attrs.evolve(school, exported_at=school.exported_at.replace(tzinfo=None))


def broken(reader_class: type[SiecleReader]) -> Plugins:
    class Plugin:
        @hookimpl
        def educonnect_source_kinds(self) -> Sequence[str]:
            return plugin.educonnect_source_kinds()

        @hookimpl
        def educonnect_open_source(
            self, paths: Sequence[Path], options: SourceOptions
        ) -> ExportReader | None:
            reader = plugin.educonnect_open_source(paths, options)
            if reader is not None:
                reader.__class__ = reader_class  # same state, the planted bug on top
            return reader

    plugins = Plugins()
    plugins.register(Plugin(), "broken-siecle")
    return plugins


@pytest.fixture
def contract() -> SourceContract:
    return SourceContract()


@pytest.fixture
def valid(write: Writer) -> list[Path]:
    eleves, responsables = simple_export()
    return [write("ElevesSansAdresses.xml", eleves), write("Responsables.xml", responsables)]


@pytest.fixture
def bad(write: Writer, tmp_path: Path) -> list[Path]:
    (tmp_path / "bad").mkdir()
    eleves, responsables = simple_export()
    eleves = re.sub(r"<DATE_NAISS>[^<]*<", "<DATE_NAISS>31/02/2013<", eleves, count=1)
    return [write("bad/ElevesSansAdresses.xml", eleves), write("bad/Resp.xml", responsables)]


def honest() -> Plugins:
    plugins = Plugins()
    plugins.register(plugin, "siecle")
    return plugins


def _read(plugins: Plugins, paths: Sequence[Path]) -> ReadResult:
    with plugins.open_source(paths, ReadOptions()) as reader:
        return read_all(reader)


def test_a_source_dropping_findings_fails_the_contract(
    contract: SourceContract, valid: list[Path], bad: list[Path]
) -> None:
    plugins = broken(Silent)
    with pytest.raises(AssertionError, match="has no finding"):
        contract.test_each_invalid_field_yields_a_finding(
            plugins, _read(plugins, valid), bad, ReadOptions()
        )
    plugins = honest()
    contract.test_each_invalid_field_yields_a_finding(
        plugins, _read(plugins, valid), bad, ReadOptions()
    )


@pytest.mark.parametrize(("reader_class", "message"), [(Timeless, "missing"), (Naive, "aware")])
def test_a_source_losing_the_export_time_fails_the_contract(
    contract: SourceContract, valid: list[Path], reader_class: type[SiecleReader], message: str
) -> None:
    result = _read(broken(reader_class), valid)
    with pytest.raises(AssertionError, match=message):
        contract.test_export_time_is_set_or_explicitly_absent(result, True)
    contract.test_export_time_is_set_or_explicitly_absent(_read(honest(), valid), True)
