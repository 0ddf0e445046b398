"""Contract tests for source adapters (the ``educonnect_open_source`` hook), for their authors.

Subclass :class:`SourceContract` in a test module and provide three fixtures;
pytest then runs every contract test against your adapter, without the
contract knowing your format::

    from educonnect_core.testing.source_contract import Malformed, SourceContract

    class TestMySource(SourceContract):
        @pytest.fixture
        def source_plugin(self):
            return my_package.plugin          # the object your entry point names

        @pytest.fixture
        def valid_paths(self, tmp_path):
            return [...]                      # one school's complete, valid export

        @pytest.fixture
        def malformed(self, tmp_path):
            return Malformed(paths=[...], bad=bad_file)   # ``bad`` is one of ``paths``

Optional fixtures: ``source_options`` (default ``ReadOptions()``; give the UAI
when your files carry none), ``foreign_paths`` (default :func:`foreign_files`:
files of no known kind; add other adapters' files), ``expected_counts``
(``(eleves, responsables, links)`` for the valid export; default ``None``: not
checked), ``invalid_field_paths`` (an export where some fields cannot be read:
a bad birth date, email or mobile…; default ``None``: only the valid export's
invalid fields are checked) and ``carries_export_time`` (default ``True``: the
export says when it was made, and ``School.exported_at`` must give it, aware;
``False`` for a format that carries none: ``exported_at`` must then be ``None``).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from educonnect_core.errors import SourceError
from educonnect_core.findings import Finding, Severity
from educonnect_core.people import Eleve, Link, Responsable, School
from educonnect_core.plugins import Plugins
from educonnect_core.ports import ExportReader
from educonnect_core.sources import ReadOptions
from educonnect_core.values import Invalid, Uai

__all__ = [
    "Malformed",
    "ReadResult",
    "SourceContract",
    "foreign_files",
    "invalid_fields",
    "read_all",
]

_CODE = re.compile(r"[A-Z][A-Z0-9_]*")


@attrs.frozen
class Malformed:
    """An export in which ``bad`` (one of ``paths``) is a malformed file of the adapter's kind."""

    paths: Sequence[Path]
    bad: Path


@attrs.frozen
class ReadResult:
    """Everything a reader gave, in the documented order."""

    school: School
    eleves: list[Eleve]
    responsables: list[Responsable]
    links: list[Link]
    findings: list[Finding]


def read_all(reader: ExportReader) -> ReadResult:
    """Exhaust ``reader`` in the documented order: élèves, responsables, links, findings."""
    eleves = list(reader.eleves())
    responsables = list(reader.responsables())
    links = list(reader.links())
    return ReadResult(reader.school, eleves, responsables, links, list(reader.findings))


def invalid_fields(result: ReadResult) -> list[tuple[str, str, Invalid]]:
    """``(record id, attribute, value)`` of every field of the records that is :class:`Invalid`."""
    found: list[tuple[str, str, Invalid]] = []
    records: list[tuple[str, Eleve | Responsable]] = [(e.eleve_id, e) for e in result.eleves]
    records += [(r.personne_id, r) for r in result.responsables]
    for key, record in records:
        for field in attrs.fields(type(record)):
            value = getattr(record, field.name)
            values = value if isinstance(value, tuple | list | frozenset) else (value,)
            found += [(key, field.name, v) for v in values if isinstance(v, Invalid)]
    return found


def _open_and_read(plugins: Plugins, paths: Sequence[Path], options: ReadOptions) -> ReadResult:
    """Open, exhaust and close: a malformed file may fail at either moment."""
    with plugins.open_source(paths, options) as reader:
        return read_all(reader)


def foreign_files(folder: Path) -> list[Path]:
    """Files no source adapter should claim: empty, text, binary, CSV, JSON, XML, zip."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("notes/readme.txt", "nothing to see\n")
    contents = {
        "empty.csv": b"",
        "notes.txt": b"Liste des fournitures\nCahier 96 pages\n",
        "image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        "CSVExtraction.csv": "Nom;Prénom;Ville\nDUPONT;Jean;Lyon\n".encode("cp1252"),
        "comma.csv": b"Nom eleve,Prenom eleve,Date naissance\nX,Y,01/01/2019\n",
        "data.json": b'{"eleves": []}\n',
        "other.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<catalogue><livre/></catalogue>\n',
        "archive.zip": archive.getvalue(),
    }
    paths = []
    for name, data in contents.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


class SourceContract:
    """The behaviour every source adapter owes the library (see the module docstring)."""

    # -- fixtures the adapter author may override ---------------------------------

    @pytest.fixture
    def source_options(self) -> ReadOptions:
        return ReadOptions()

    @pytest.fixture
    def foreign_paths(self, tmp_path: Path) -> list[Path]:
        return foreign_files(tmp_path / "foreign")

    @pytest.fixture
    def expected_counts(self) -> tuple[int, int, int] | None:
        return None

    @pytest.fixture
    def invalid_field_paths(self) -> Sequence[Path] | None:
        return None

    @pytest.fixture
    def carries_export_time(self) -> bool:
        return True

    # -- helpers ----------------------------------------------------------------

    @pytest.fixture
    def source_plugins(self, source_plugin: object) -> Plugins:
        """A plugin manager holding the adapter under test only."""
        plugins = Plugins()
        plugins.register(source_plugin, "source-under-test")
        return plugins

    @pytest.fixture
    def valid_result(
        self, source_plugins: Plugins, valid_paths: Sequence[Path], source_options: ReadOptions
    ) -> ReadResult:
        return _open_and_read(source_plugins, valid_paths, source_options)

    @staticmethod
    def _answer(plugins: Plugins, paths: Sequence[Path], options: ReadOptions) -> object:
        return plugins.manager.hook.educonnect_open_source(paths=list(paths), options=options)

    # -- the contract -------------------------------------------------------------

    def test_declares_its_source_kinds(self, source_plugins: Plugins) -> None:
        kinds = source_plugins.source_kinds()
        assert kinds
        assert all(isinstance(kind, str) and kind for kind in kinds)

    def test_answers_none_for_each_foreign_file(
        self, source_plugins: Plugins, foreign_paths: Sequence[Path], source_options: ReadOptions
    ) -> None:
        for path in foreign_paths:
            answer = self._answer(source_plugins, [path], source_options)
            assert answer is None, f"the adapter claimed the foreign file {path.name}"

    def test_answers_none_for_all_foreign_files_together(
        self, source_plugins: Plugins, foreign_paths: Sequence[Path], source_options: ReadOptions
    ) -> None:
        assert self._answer(source_plugins, foreign_paths, source_options) is None

    def test_opens_a_valid_export_as_an_export_reader(
        self, source_plugins: Plugins, valid_paths: Sequence[Path], source_options: ReadOptions
    ) -> None:
        reader = self._answer(source_plugins, valid_paths, source_options)
        assert isinstance(reader, ExportReader), "kind, school, streams, findings, files, close"
        with reader:
            assert isinstance(reader.school, School)
            assert isinstance(reader.school.uai, Uai)
            assert isinstance(reader.school.school_year, int)

    def test_reader_kind_is_one_of_the_declared_kinds(
        self, source_plugins: Plugins, valid_paths: Sequence[Path], source_options: ReadOptions
    ) -> None:
        with source_plugins.open_source(valid_paths, source_options) as reader:
            assert isinstance(reader.kind, str)
            assert reader.kind in source_plugins.source_kinds(), f"undeclared kind {reader.kind!r}"

    def test_reader_names_its_files_and_closes_as_a_context_manager(
        self, source_plugins: Plugins, valid_paths: Sequence[Path], source_options: ReadOptions
    ) -> None:
        reader = source_plugins.open_source(valid_paths, source_options)
        with reader as entered:
            assert entered is reader, "__enter__ returns the reader"
            files = [str(f) for f in reader.files]
        assert files, "files: the files read"
        for file in files:
            assert any(p.name in file for p in valid_paths), f"{file} is not one of the inputs"
        reader.close()  # closing twice does nothing

    def test_yields_records_of_the_right_types(self, valid_result: ReadResult) -> None:
        assert valid_result.eleves, "a valid export should give students"
        assert valid_result.responsables, "a valid export should give responsables"
        assert valid_result.links, "a valid export should give links"
        assert all(isinstance(e, Eleve) for e in valid_result.eleves)
        assert all(isinstance(r, Responsable) for r in valid_result.responsables)
        assert all(isinstance(link, Link) for link in valid_result.links)

    def test_eleve_ids_are_unique_and_not_empty(self, valid_result: ReadResult) -> None:
        ids = [e.eleve_id for e in valid_result.eleves]
        assert all(ids)
        assert len(ids) == len(set(ids)), "eleve ids must be unique"

    def test_personne_ids_are_unique_and_not_empty(self, valid_result: ReadResult) -> None:
        ids = [r.personne_id for r in valid_result.responsables]
        assert all(ids)
        assert len(ids) == len(set(ids)), "personne ids must be unique"

    def test_every_link_joins_yielded_records(self, valid_result: ReadResult) -> None:
        eleves = {e.eleve_id for e in valid_result.eleves}
        personnes = {r.personne_id for r in valid_result.responsables}
        for link in valid_result.links:
            assert link.eleve_id in eleves, f"link to an eleve not yielded: {link}"
            assert link.personne_id in personnes, f"link to a personne not yielded: {link}"

    def test_links_are_unique(self, valid_result: ReadResult) -> None:
        pairs = [(link.eleve_id, link.personne_id) for link in valid_result.links]
        assert len(pairs) == len(set(pairs))

    def test_findings_are_well_formed(
        self, valid_result: ReadResult, valid_paths: Sequence[Path]
    ) -> None:
        for finding in valid_result.findings:
            assert isinstance(finding, Finding)
            assert _CODE.fullmatch(finding.code), f"finding code {finding.code!r}"
            assert isinstance(finding.severity, Severity)
            assert isinstance(finding.message, str)
            assert finding.message.strip()
            if finding.file is not None:
                assert any(p.name in finding.file for p in valid_paths), finding.file
            if finding.line is not None:
                assert finding.line >= 1

    def test_each_invalid_field_yields_a_finding(
        self,
        source_plugins: Plugins,
        valid_result: ReadResult,
        invalid_field_paths: Sequence[Path] | None,
        source_options: ReadOptions,
    ) -> None:
        results = [valid_result]
        if invalid_field_paths is not None:
            results.append(_open_and_read(source_plugins, invalid_field_paths, source_options))
        seen = 0
        for result in results:
            for key, name, value in invalid_fields(result):
                seen += 1
                assert any(f.siecle_id == key and f.code == value.code for f in result.findings), (
                    f"{key} {name}: {value.code} ({value.raw!r}) has no finding with that code "
                    "naming the record (siecle_id)"
                )
        if invalid_field_paths is not None:
            assert seen, "invalid_field_paths gave no field the adapter could not read (Invalid)"

    def test_export_time_is_set_or_explicitly_absent(
        self, valid_result: ReadResult, carries_export_time: bool
    ) -> None:
        at = valid_result.school.exported_at
        if not carries_export_time:
            assert at is None, "carries_export_time is False, yet School.exported_at is set"
            return
        assert at is not None, (
            "School.exported_at is missing: give the export time the files carry "
            "(or declare carries_export_time False for a format that carries none)"
        )
        assert at.utcoffset() is not None, "School.exported_at must be aware"

    def test_counts(
        self, valid_result: ReadResult, expected_counts: tuple[int, int, int] | None
    ) -> None:
        if expected_counts is None:
            pytest.skip("no expected_counts fixture")
        got = (len(valid_result.eleves), len(valid_result.responsables), len(valid_result.links))
        assert got == expected_counts

    def test_reading_is_deterministic(
        self,
        source_plugins: Plugins,
        valid_paths: Sequence[Path],
        source_options: ReadOptions,
        valid_result: ReadResult,
    ) -> None:
        again = _open_and_read(source_plugins, valid_paths, source_options)
        assert again.eleves == valid_result.eleves
        assert again.responsables == valid_result.responsables
        assert again.links == valid_result.links

    def test_file_order_does_not_matter(
        self,
        source_plugins: Plugins,
        valid_paths: Sequence[Path],
        source_options: ReadOptions,
        valid_result: ReadResult,
    ) -> None:
        reverse = _open_and_read(source_plugins, list(reversed(valid_paths)), source_options)
        assert {e.eleve_id for e in reverse.eleves} == {e.eleve_id for e in valid_result.eleves}
        assert set(reverse.links) == set(valid_result.links)

    def test_malformed_file_raises_source_error_naming_it(
        self, source_plugins: Plugins, malformed: Malformed, source_options: ReadOptions
    ) -> None:
        assert malformed.bad in malformed.paths
        with pytest.raises(SourceError) as info:
            _open_and_read(source_plugins, malformed.paths, source_options)
        error = info.value
        assert malformed.bad.name in error.file
        assert malformed.bad.name in str(error)
        assert error.line is not None or error.element is not None, "say where in the file"

    def test_refuses_files_over_the_size_bound(
        self, source_plugins: Plugins, valid_paths: Sequence[Path], source_options: ReadOptions
    ) -> None:
        tiny = attrs.evolve(source_options, max_bytes=8)
        with pytest.raises(SourceError) as info:
            _open_and_read(source_plugins, valid_paths, tiny)
        assert any(p.name in info.value.file for p in valid_paths)
