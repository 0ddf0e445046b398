"""Reading ONDE pairs: every layout and pitfall of the reference, with invented people."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from educonnect_adapters.onde import LegalPolicy, OndeSource, plugin
from educonnect_adapters.onde.keys import derive_eleve_key
from educonnect_core.errors import SourceError
from educonnect_core.findings import Finding, Severity
from educonnect_core.people import Degree, ResponsibilityLevel
from educonnect_core.plugins import Plugins
from educonnect_core.ports import SourceOptions
from educonnect_core.sources import DEFAULT_MAX_BYTES, ReadOptions
from educonnect_core.testing.source_contract import ReadResult, read_all
from educonnect_core.values import Invalid

from .onde_samples import (
    AS_OF,
    ELEVES,
    LEGACY_ELEVES,
    NUMBERED_RESPONSABLES,
    OPTIONS,
    UAI,
    Quoting,
    Row,
    pair,
    render,
    resp,
    responsables,
    write,
)


def plugins(source: object = plugin) -> Plugins:
    manager = Plugins()
    manager.register(source, "onde")
    return manager


def read(paths: Sequence[Path], options: ReadOptions = OPTIONS) -> ReadResult:
    return read_all(plugins().open_source(paths, options))


def codes(result: ReadResult, code: str) -> list[Finding]:
    return [f for f in result.findings if f.code == code]


def linked(result: ReadResult) -> set[tuple[str, str]]:
    """(student first name + key, responsable name) per link, readable in assertions."""
    names = {r.personne_id: str(r.name) for r in result.responsables}
    return {(link.eleve_id, names[link.personne_id]) for link in result.links}


@pytest.fixture
def modern(tmp_path: Path) -> ReadResult:
    return read(pair(tmp_path))


# -- layouts and dialects -----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("quoting", ["none", "non-empty", "all"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_every_dialect_reads_the_same(
    tmp_path: Path, modern: ReadResult, encoding: str, quoting: Quoting, newline: str
) -> None:
    result = read(pair(tmp_path / "v", encoding=encoding, quoting=quoting, newline=newline))
    assert result.eleves == modern.eleves
    assert result.responsables == modern.responsables
    assert result.links == modern.links
    layout = codes(result, "SOURCE_LAYOUT")[0]
    assert encoding in layout.message


def test_cp1252_is_detected_even_when_the_first_accent_is_far(tmp_path: Path) -> None:
    filler = [ELEVES[0]] + [[f"NOM{n}", "", f"Prenom{n}", "2019-01-01"] for n in range(5000)]
    rows = [*filler, ["HÉLIE", "", "Zoé", "2019-01-01"]]
    eleves = write(tmp_path / "e.csv", rows)
    assert eleves.stat().st_size > 64 * 1024
    result = read([eleves, pair(tmp_path)[1]])
    assert str(result.eleves[-1].name) == "HÉLIE Zoé"


def test_modern_students_are_keyed_by_ine(modern: ReadResult) -> None:
    by_id = {e.eleve_id: e for e in modern.eleves}
    lea = by_id["1234567890A"]
    assert str(lea.name) == "MARTIN Léa"
    assert lea.birth_date is not None
    assert str(lea.birth_date) == "04/03/2019"
    assert (lea.division, lea.mef) == ("CP - Mme Duval", "CP")
    assert str(by_id["1234567892C"].name) == "DUPONT-BERNARD Noé"  # nom d'usage first
    assert modern.school.degree is Degree.FIRST
    assert str(modern.school.uai) == UAI
    assert modern.school.school_year == 2025


def test_a_student_without_ine_gets_the_derived_key(modern: ReadResult) -> None:
    key = derive_eleve_key("GARCIA", "Inès", "11/11/2014")
    ines = next(e for e in modern.eleves if e.name.first == "Inès")
    assert ines.eleve_id == key
    assert key.startswith("ONDE-E-")
    assert ines.ine is None


def test_bad_fields_are_kept_and_reported(modern: ReadResult) -> None:
    maelys = next(e for e in modern.eleves if e.name.first == "Maëlys")
    assert isinstance(maelys.birth_date, Invalid)
    assert maelys.division is None
    (finding,) = codes(modern, "INVALID_BIRTH_DATE")
    assert (finding.line, finding.siecle_id) == (8, maelys.eleve_id)


def test_duplicate_student_rows_are_merged_and_reported(modern: ReadResult) -> None:
    assert [e.eleve_id for e in modern.eleves].count("1234567893D") == 1
    (finding,) = codes(modern, "DUPLICATE_ELEVE_MERGED")
    assert finding.line == 9
    assert "line 6" in finding.message


def test_ragged_rows(modern: ReadResult) -> None:
    jules = next(e for e in modern.eleves if e.name.first == "Jules")
    assert jules.division == "GS Mme Blanc"  # a short row still gives its cells
    (extra,) = codes(modern, "EXTRA_CELLS_IGNORED")
    assert extra.line == 11
    assert "23" in extra.message


def test_blank_and_semicolon_lines_are_skipped_and_reported(modern: ReadResult) -> None:
    (finding,) = codes(modern, "BLANK_LINES_SKIPPED")
    assert finding.line == 13
    assert "2 blank" in finding.message


def test_numero_de_poste_is_optional(tmp_path: Path, modern: ReadResult) -> None:
    without = read(pair(tmp_path / "v", poste=False))
    assert without.responsables == modern.responsables
    assert without.links == modern.links


def test_header_names_are_normalized(tmp_path: Path, modern: ReadResult) -> None:
    header = [h.upper().replace("é", "e").replace("É", "E") + "  " for h in ELEVES[0]]
    header[1] = "nom d’usage ÉLÈVE"
    eleves = write(tmp_path / "e.csv", [header, *ELEVES[1:]])
    result = read([eleves, pair(tmp_path)[1]])
    assert result.eleves == modern.eleves


def test_legacy_be1d_and_numbered_child_columns(tmp_path: Path) -> None:
    eleves = write(tmp_path / "e" / "CSVExtraction.csv", LEGACY_ELEVES, quoting="all")
    resps = write(
        tmp_path / "r" / "CSVExtraction.csv",
        NUMBERED_RESPONSABLES,
        encoding="utf-8-sig",
        quoting="non-empty",
        newline="\n",
    )
    result = read([resps, eleves])
    assert len(result.eleves) == 4
    assert all(e.eleve_id.startswith("ONDE-E-") for e in result.eleves)
    assert [e.mef for e in result.eleves] == ["CP", "CE2", "CP", "Section des moyens"]
    assert codes(result, "DERIVED_ELEVE_KEYS")
    assert codes(result, "DUPLICATE_ELEVE_MERGED")[0].line == 5
    assert codes(result, "UNKNOWN_NIVEAU")[0].line == 6
    keys = {str(e.name) + " " + e.mef: e.eleve_id for e in result.eleves if e.mef}
    assert linked(result) == {
        (keys["MARTIN Léa CP"], "MARTIN Sophie"),
        (keys["GARCIA Tom CP"], "MARTIN Sophie"),
        (keys["MARTIN Léa CE2"], "MARTIN Paul"),
        (keys["NGUYEN Linh Section des moyens"], "NGUYEN Mai"),
    }


def test_derived_keys_are_stable() -> None:
    key = derive_eleve_key("GARCIA", "Inès", "11/11/2014")
    assert derive_eleve_key(" garcia ", "INES", "2014-11-11") == key
    assert derive_eleve_key("GARCIA", "Inès", "12/11/2014") != key
    assert derive_eleve_key("GARCIA", "Ines-Marie", "11/11/2014") != key
    assert derive_eleve_key("Le Gall", "Zoé", "") == derive_eleve_key("LE-GALL", "zoe", " ")


# -- linking ----------------------------------------------------------------------


def test_children_are_linked_by_name_and_class(modern: ReadResult) -> None:
    assert linked(modern) == {
        ("1234567890A", "MARTIN Sophie"),  # class equal
        ("1234567891B", "MARTIN Paul"),  # homonym, class written differently
        ("1234567892C", "DUPONT-BERNARD Claire"),  # nom d'usage, class truncated
        (derive_eleve_key("GARCIA", "Inès", "11/11/2014"), "GARCIA Ana"),
        ("1234567893D", "GARCIA Ana"),  # the merged person has both children
        ("1234567897H", "ROBIN Julie"),
        ("1234567894E", "LEFEVRE Anne"),  # by name alone
        ("1234567896G", "PETIT Louis"),
        ("1234567895F", "PETIT Louis"),
        ("1234567895F", "CŒUR Hélène"),
        ("1234567896G", "CŒUR Hélène"),
        ("1234567897H", "CŒUR Hélène"),  # third child, beyond the header
    }


def test_ambiguous_and_failed_links_are_findings_naming_the_row(modern: ReadResult) -> None:
    ambiguous = codes(modern, "AMBIGUOUS_LINK")
    assert [(f.line, f.severity) for f in ambiguous] == [(7, Severity.ERROR), (8, Severity.ERROR)]
    assert all("lines 2, 3" in f.message for f in ambiguous)
    assert all(f.field == "child 1" for f in ambiguous)
    (unknown,) = codes(modern, "LINK_TO_UNKNOWN_STUDENT")
    assert (unknown.line, unknown.severity) == (9, Severity.ERROR)
    by_name = codes(modern, "LINK_BY_NAME_ONLY")
    assert [(f.line, f.severity) for f in by_name] == [
        (4, Severity.WARNING),
        (10, Severity.WARNING),
    ]
    assert {f.line for f in codes(modern, "RESPONSABLE_WITHOUT_CHILD")} == {7, 9}


def test_incomplete_child_is_reported(tmp_path: Path) -> None:
    rows = [*responsables()[:1], resp("M.", "X", "Y", email="x@example.org",
                                      children=[("", "", "", "CP - Mme Duval")])]  # fmt: skip
    result = read([pair(tmp_path)[0], write(tmp_path / "r.csv", rows)])
    (finding,) = codes(result, "INCOMPLETE_CHILD")
    assert finding.line == 2


# -- responsables -------------------------------------------------------------------


def test_one_person_on_several_rows_is_merged_and_reported(modern: ReadResult) -> None:
    garcias = [r for r in modern.responsables if r.name.last == "GARCIA"]
    assert len(garcias) == 1
    assert str(garcias[0].email) == "ana.garcia@example.org"  # first non-empty value
    assert str(garcias[0].mobile) == "+33600000001"  # first of two different values
    (merged,) = codes(modern, "RESPONSABLE_MERGED")
    assert "lines 5, 6" in merged.message
    (conflict,) = codes(modern, "RESPONSABLE_MERGE_CONFLICT")
    assert (conflict.line, conflict.field) == (6, "Téléphone portable")


def test_same_name_without_evidence_is_kept_apart_and_reported(modern: ReadResult) -> None:
    petits = [r for r in modern.responsables if r.name.last == "PETIT"]
    assert len(petits) == 2
    assert petits[1].personne_id == petits[0].personne_id + "-2"
    (finding,) = codes(modern, "POSSIBLE_DUPLICATE_RESPONSABLE")
    assert finding.line == 12


def test_merge_by_email_and_homonyms_with_other_evidence(tmp_path: Path) -> None:
    child = [("", "MARTIN", "Léa", "CP - Mme Duval")]
    rows = [
        responsables()[0],
        resp("MME", "MARTIN", "Sophie", email="S.Martin@example.org", adresse="1 rue A",
             children=child),
        resp("MME", "MARTIN", "Sophie", email="s.martin@example.org ", adresse="2 rue B",
             children=[("", "GARCIA", "Tom", "CP - Mme Duval")]),
        resp("MME", "MARTIN", "Sophie", email="autre@example.org", adresse="9 rue Z",
             children=child),
    ]  # fmt: skip
    result = read([pair(tmp_path)[0], write(tmp_path / "r.csv", rows)])
    assert len(result.responsables) == 2
    assert codes(result, "RESPONSABLE_MERGED")[0].line == 2
    assert codes(result, "HOMONYM_RESPONSABLE")[0].line == 4
    assert codes(result, "HOMONYM_RESPONSABLE")[0].message == (
        "same name as the responsable of line 2, but another email and address: "
        "taken for another person, kept apart"
    )


def test_more_than_two_responsables_for_a_child_is_reported(tmp_path: Path) -> None:
    child = [("", "GARCIA", "Tom", "CP - Mme Duval")]
    rows = [responsables()[0]] + [
        resp("M.", name, "Alex", email=f"{name.lower()}@example.org", children=child)
        for name in ("UN", "DEUX", "TROIS")
    ]
    result = read([pair(tmp_path)[0], write(tmp_path / "r.csv", rows)])
    (finding,) = codes(result, "MORE_THAN_TWO_RESPONSABLES")
    assert finding.siecle_id == "1234567893D"


def test_responsable_fields(modern: ReadResult) -> None:
    durand = next(r for r in modern.responsables if r.name.last == "DURAND")
    assert isinstance(durand.email, Invalid)
    assert isinstance(durand.mobile, Invalid)
    assert {f.code for f in modern.findings if f.line == 9} >= {"INVALID_EMAIL", "NOT_A_MOBILE"}
    claire = next(r for r in modern.responsables if r.name.first == "Claire")
    assert (claire.civilite, str(claire.mobile)) == ("MME", "+33611223344")


# -- legal-status policy ---------------------------------------------------------------


def test_default_policy_makes_every_link_legal_and_says_so(modern: ReadResult) -> None:
    assert {link.level for link in modern.links} == {ResponsibilityLevel.LEGAL}
    (finding,) = codes(modern, "LEGAL_STATUS_BY_POLICY")
    assert finding.severity is Severity.INFO
    assert "'all-legal'" in finding.message
    assert "not the data" in finding.message


def test_unknown_policy(tmp_path: Path) -> None:
    reader = plugins(OndeSource(LegalPolicy.UNKNOWN)).open_source(pair(tmp_path), OPTIONS)
    result = read_all(reader)
    assert {link.level for link in result.links} == {ResponsibilityLevel.UNKNOWN}
    assert "'unknown'" in codes(result, "LEGAL_STATUS_BY_POLICY")[0].message


def test_policy_can_replace_the_installed_plugin(tmp_path: Path) -> None:
    installed = Plugins.installed()
    assert "onde" in installed.source_kinds()
    installed.manager.unregister(name="onde")
    installed.register(OndeSource(LegalPolicy.UNKNOWN), "onde")
    result = read_all(installed.open_source(pair(tmp_path), OPTIONS))
    assert {link.level for link in result.links} == {ResponsibilityLevel.UNKNOWN}


# -- reader protocol ----------------------------------------------------------------


def test_responsables_first_drains_the_students(tmp_path: Path, modern: ReadResult) -> None:
    reader = plugins().open_source(pair(tmp_path), OPTIONS)
    assert list(reader.links()) == modern.links


def test_school_year_from_the_file_date_without_as_of(tmp_path: Path) -> None:
    paths = pair(tmp_path)
    moment = dt.datetime(2025, 9, 2, 10, 0).timestamp()
    os.utime(paths[0], (moment, moment))
    reader = plugins().open_source(paths, ReadOptions(expected_uai=UAI))
    assert reader.school.school_year == 2025
    june = attrs.evolve(OPTIONS, as_of=dt.date(2026, 6, 30))
    assert plugins().open_source(paths, june).school.school_year == 2025
    assert AS_OF.year == 2026


@attrs.frozen
class OwnOptions:
    """Another application's options: only what the protocol says, no ReadOptions."""

    expected_uai: str | None
    max_bytes: int = DEFAULT_MAX_BYTES
    as_of: dt.date | None = None


def test_as_of_is_part_of_the_source_options_protocol(tmp_path: Path) -> None:
    options: SourceOptions = OwnOptions(UAI, as_of=dt.date(2026, 9, 1))
    with plugins().open_source(pair(tmp_path), options) as reader:
        assert reader.school.school_year == 2026  # decided by as_of, not the file's date
    assert ReadOptions().as_of is None


# -- refusals -----------------------------------------------------------------------


def test_no_uai_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="UAI"):
        plugins().open_source(pair(tmp_path), ReadOptions())


def test_one_file_alone_is_refused_naming_it(tmp_path: Path) -> None:
    eleves, resps = pair(tmp_path)
    with pytest.raises(SourceError, match="Élèves extraction is missing") as info:
        plugins().open_source([resps], OPTIONS)
    assert info.value.file == str(resps)
    with pytest.raises(SourceError, match="Responsables extraction is missing"):
        plugins().open_source([eleves], OPTIONS)


def test_two_files_of_one_kind_are_refused(tmp_path: Path) -> None:
    eleves, resps = pair(tmp_path)
    again = write(tmp_path / "again.csv", ELEVES)
    with pytest.raises(SourceError, match="two ONDE Élèves"):
        plugins().open_source([eleves, resps, again], OPTIONS)


TEACHERS = "Nom;Prénom;Date de naissance;Fonction;Quotité\r\nROUX;Claire;01/02/1985;Adjoint;100\r\n"


@pytest.mark.parametrize("name", ["CSVExtraction-enseignants.csv", "liste.csv"])
def test_another_csv_beside_an_onde_pair_is_ignored_naming_it(tmp_path: Path, name: str) -> None:
    teachers = tmp_path / name
    teachers.write_bytes(TEACHERS.encode("cp1252"))
    alone = read(pair(tmp_path / "alone"))
    result = read([teachers, *pair(tmp_path)])
    ignored = codes(result, "IGNORED_FILE")
    assert [(f.file, f.severity) for f in ignored] == [(str(teachers), Severity.INFO)]
    assert "not used" in ignored[0].message
    assert len(result.eleves) == len(alone.eleves)
    assert len(result.links) == len(alone.links)


def test_a_missing_extraction_names_the_ignored_csv(tmp_path: Path) -> None:
    teachers = tmp_path / "CSVExtraction-enseignants.csv"
    teachers.write_bytes(TEACHERS.encode("cp1252"))
    eleves, _ = pair(tmp_path)
    with pytest.raises(SourceError, match="Responsables extraction is missing") as info:
        plugins().open_source([eleves, teachers], OPTIONS)
    assert str(teachers) in info.value.message


def test_a_foreign_file_beside_onde_files_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("bonjour\n")
    with pytest.raises(SourceError, match="not an ONDE") as info:
        plugins().open_source([*pair(tmp_path), other], OPTIONS)
    assert info.value.file == str(other)


def _broken(tmp_path: Path, data: bytes) -> tuple[list[Path], Path]:
    eleves, resps = pair(tmp_path)
    eleves.write_bytes(data)
    return [eleves, resps], eleves


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (render(ELEVES).encode("cp1252").replace(b"Tom", b"T\x00m", 1), 6, "NUL"),
        (b"\xef\xbb\xbf" + render(ELEVES).encode("cp1252"), 1, "byte order mark"),
        (render(ELEVES).encode("cp1252").replace(b"Jules", b"Jul\x81s"), 10, "Windows-1252"),
        (render(ELEVES).replace("CP - Mme Duval", '"CP').encode(), 2, "spans"),
        (render([ELEVES[0][:3], *ELEVES[1:]]).encode(), 1, "Date naissance|naissance"),
    ],
)
def test_malformed_files_raise_naming_file_and_line(
    tmp_path: Path, data: bytes, line: int, message: str
) -> None:
    paths, bad = _broken(tmp_path, data)
    with pytest.raises(SourceError, match=message) as info:
        plugins().open_source(paths, OPTIONS)
    assert (info.value.file, info.value.line) == (str(bad), line)


def test_responsables_header_without_children_is_refused(tmp_path: Path) -> None:
    header = [h for h in responsables()[0] if "enfant" not in h]
    eleves, _ = pair(tmp_path)
    bad = write(tmp_path / "r.csv", [header, header])
    with pytest.raises(SourceError, match="no child columns") as info:
        plugins().open_source([eleves, bad], OPTIONS)
    assert info.value.element == "header"


def test_nothing_is_yielded_before_a_malformed_file_fails(tmp_path: Path) -> None:
    rows: list[Row] = [*ELEVES, ["ZED", "", '"Ann', "2019-01-01"]]
    paths, _ = _broken(tmp_path, render(rows).encode("cp1252"))
    with pytest.raises(SourceError):
        plugins().open_source(paths, OPTIONS)  # scanned when opened, before any record


def test_size_bound(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="more than the allowed"):
        plugins().open_source(pair(tmp_path), attrs.evolve(OPTIONS, max_bytes=100))


def test_reader_names_its_kind_and_files(tmp_path: Path) -> None:
    eleves, resps = pair(tmp_path)
    reader = plugins().open_source([resps, eleves], OPTIONS)
    assert getattr(reader, "kind", None) == "onde"
    assert getattr(reader, "files", None) == (eleves, resps)


def test_a_clashing_ine_is_an_error_and_a_moved_student_is_merged(tmp_path: Path) -> None:
    rows = [
        *ELEVES[:3],
        [*ELEVES[1][:2], "Lina", *ELEVES[1][3:]],  # 4: another child with Léa's INE
        [*ELEVES[1][:16], "CE1 - Mme Noir", "1002", *ELEVES[1][18:]],  # 5: Léa, other class
    ]
    result = read([write(tmp_path / "e.csv", rows), pair(tmp_path)[1]])
    assert [e.name.first for e in result.eleves] == ["Léa", "Léa"]
    (clash,) = codes(result, "DUPLICATE_INE")
    assert (clash.line, clash.severity, clash.siecle_id) == (4, Severity.ERROR, "1234567890A")
    (moved,) = codes(result, "DUPLICATE_ELEVE_MERGED")
    assert moved.line == 5
    assert "another class (CE1 - Mme Noir)" in moved.message
