"""The SIECLE reader against every pitfall of the format reference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from educonnect_adapters.siecle import SiecleReader, open_siecle
from educonnect_core.errors import SourceError
from educonnect_core.findings import Severity
from educonnect_core.people import ResponsibilityLevel, StudentStatus
from educonnect_core.plugins import Plugins
from educonnect_core.ports import ExportReader
from educonnect_core.sources import ReadOptions
from educonnect_core.values import BirthDate, EmailAddress, Invalid, MobilePhone

from .conftest import (
    PARAMS,
    UAI,
    Writer,
    eleve,
    eleves_xml,
    link,
    personne,
    responsables_xml,
    simple_export,
    structure,
)


def read(paths: list[Path], **options: object) -> SiecleReader:
    reader = open_siecle(paths, ReadOptions(**options))  # type: ignore[arg-type]
    assert reader is not None
    return reader


def codes(reader: SiecleReader) -> list[str]:
    """Finding codes, but the note that no responsables file was given."""
    return [f.code for f in reader.findings if f.code != "NO_RESPONSABLES_FILE"]


ENCODINGS = [
    pytest.param("ISO-8859-15", "iso-8859-15", False, id="latin9"),
    pytest.param("UTF-8", "utf-8", False, id="utf8"),
    pytest.param("UTF-8", "utf-8", True, id="utf8-bom"),
]


@pytest.mark.parametrize("zipped", [False, True], ids=["plain", "zipped"])
@pytest.mark.parametrize(("declared", "codec", "bom"), ENCODINGS)
@pytest.mark.parametrize("legacy", [False, True], ids=["since2018", "before2018"])
def test_reads_a_whole_export(
    write: Writer, zipped: bool, declared: str, codec: str, bom: bool, legacy: bool
) -> None:
    eleves, resp = simple_export(legacy=legacy, encoding=declared)
    suffix = ".zip" if zipped else ".xml"
    paths = [
        write(f"b{suffix}", resp, encoding=codec, zipped=zipped, bom=bom, member="R/resp.xml"),
        write(f"a{suffix}", eleves, encoding=codec, zipped=zipped, bom=bom),
    ]
    reader = read(paths)
    assert isinstance(reader, ExportReader)
    assert str(reader.school.uai) == UAI
    assert reader.school.school_year == 2025
    assert reader.school.exported_at == dt.datetime.fromisoformat("2026-01-12T07:42:10+01:00")
    students = {e.eleve_id: e for e in reader.eleves()}
    assert students["2410501"].name.last == "CŒURDACIER"
    assert students["2410502"].name.last == "ŠIMEK"
    assert students["2410502"].division == "6 B"
    assert students["2410501"].birth_date == BirthDate(dt.date(2011, 3, 14))
    people = {p.personne_id: p for p in reader.responsables()}
    assert people["5301002"].mobile == MobilePhone("+33612345678")
    assert people["5301002"].email == EmailAddress("J.Simek@example.org")
    assert people["5301003"].mobile is None
    links = {(lk.eleve_id, lk.personne_id): lk for lk in reader.links()}
    assert len(links) == 4
    assert links[("2410502", "5301001")].legal
    assert links[("2410501", "5301003")].level is ResponsibilityLevel.CONTACT
    assert codes(reader) == []


def test_kind_is_told_by_the_root_not_the_name(write: Writer) -> None:
    eleves, resp = simple_export()
    paths = [write("Eleves.xml", resp), write("Responsables.zip", eleves)]
    reader = read(paths)
    assert len(list(reader.eleves())) == 2
    assert len(list(reader.responsables())) == 3


def test_zip_detected_by_magic_bytes_with_folder_and_macosx(write: Writer, tmp_path: Path) -> None:
    import zipfile

    eleves, resp = simple_export()
    path = tmp_path / "export.xml"  # a zip, whatever its name says
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("__MACOSX/Export/._ElevesSansAdresses.xml", b"\x00\x05\x16\x07junk")
        archive.writestr("Export/", b"")
        archive.writestr("Export/ElevesSansAdresses.xml", eleves.encode("iso-8859-15"))
    reader = read([path, write("r.xml", resp)])
    assert reader.files[0] == f"{path}[Export/ElevesSansAdresses.xml]"
    assert len(list(reader.eleves())) == 2


def test_zip_with_several_members_is_refused(tmp_path: Path) -> None:
    import zipfile

    eleves, resp = simple_export()
    path = tmp_path / "both.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.xml", eleves.encode("iso-8859-15"))
        archive.writestr("b.xml", resp.encode("iso-8859-15"))
    with pytest.raises(SourceError, match="exactly one file; found 2"):
        read([path])


def test_latin9_is_not_latin1(write: Writer) -> None:
    # Œ is byte 0xBC in Latin-9 (¼ in Latin-1)
    text = eleves_xml(eleve("1", "BŒUF", "Chloé"), structure("1", "3A"))
    path = write("e.xml", text)
    assert b"B\xbcUF" in path.read_bytes()
    assert next(read([path]).eleves()).name.last == "BŒUF"


def test_utf8_bytes_under_a_latin9_declaration_are_reported_and_read_right(write: Writer) -> None:
    text = eleves_xml(eleve("1", "LEFÈVRE", "Zoé"), structure("1", "3A"))
    reader = read([write("e.xml", text, encoding="utf-8")])
    assert next(reader.eleves()).name.last == "LEFÈVRE"
    (found,) = [f for f in reader.findings if f.code == "ENCODING_MISMATCH"]
    assert found.severity is Severity.WARNING


def test_latin9_bytes_under_a_utf8_declaration_are_reported_not_a_crash(write: Writer) -> None:
    text = eleves_xml(eleve("1", "LEFÈVRE", "Zoé"), structure("1", "3A"), encoding="UTF-8")
    reader = read([write("e.xml", text, encoding="iso-8859-15")])
    assert next(reader.eleves()).name.last == "LEFÈVRE"
    assert codes(reader) == ["ENCODING_MISMATCH"]
    assert reader.findings[0].line == 8  # the first byte that is not UTF-8 (the È)


def test_names_before_2016_and_usage_name(write: Writer) -> None:
    old = eleve("1").replace("NOM_DE_FAMILLE", "NOM")
    usage = eleve("2", "DUPONT", "Léa", extra="<NOM_USAGE>DURAND</NOM_USAGE>\n")
    reader = read([write("e.xml", eleves_xml(old + usage))])
    names = {e.eleve_id: (e.name.last, e.name.family) for e in reader.eleves()}
    # the nom de famille is kept beside the name shown only when it differs
    assert names == {"1": ("MARTIN", ""), "2": ("DURAND", "DUPONT")}


def test_a_responsable_keeps_the_family_name(write: Writer) -> None:
    married = personne("9", "DUPONT", extra="<NOM_USAGE>DURAND</NOM_USAGE>\n")
    same = personne("8", "MARTIN", extra="<NOM_USAGE>Martin</NOM_USAGE>\n")
    reader = read(
        [
            write("e.xml", eleves_xml(eleve("1"))),
            write("r.xml", responsables_xml(married + same, "")),
        ]
    )
    names = {p.personne_id: (p.name.last, p.name.family) for p in reader.responsables()}
    assert names == {"9": ("DURAND", "DUPONT"), "8": ("Martin", "")}


def test_missing_empty_and_quoted_values(write: Writer) -> None:
    text = eleve("1", ' "MARTIN" ', "  Zoé  ", extra="<MEL></MEL>\n<TEL_PORTABLE/>\n").replace(
        "<ID_NATIONAL>000000001AB</ID_NATIONAL>\n", ""
    )
    reader = read([write("e.xml", eleves_xml(text))])
    student = next(reader.eleves())
    assert (student.name.last, student.name.first) == ("MARTIN", "Zoé")
    assert student.ine is None
    assert student.email is None
    assert student.mobile is None
    assert student.division is None
    assert [f.code for f in reader.findings] == ["NO_RESPONSABLES_FILE"]


def test_departed_student_is_left_and_keeps_old_class(write: Writer) -> None:
    text = eleves_xml(
        eleve("1", extra="<DATE_SORTIE>20/12/2025</DATE_SORTIE>\n")
        + eleve("2", extra="<DATE_SORTIE>12/01/2026</DATE_SORTIE>\n")
        + eleve("3", extra="<DATE_SORTIE>30/06/2026</DATE_SORTIE>\n"),
        structure("1", "3A") + structure("2", "3A") + structure("3", "3A"),
    )
    students = {e.eleve_id: e for e in read([write("e.xml", text)]).eleves()}
    assert students["1"].status is StudentStatus.LEFT
    assert students["1"].division == "3A"
    assert students["1"].left_on == dt.date(2025, 12, 20)
    assert students["2"].status is StudentStatus.LEFT  # on the export date: has left
    assert students["3"].status is StudentStatus.CURRENT
    later = read([write("e2.xml", text)], as_of=dt.date(2026, 7, 1))
    assert all(not e.current for e in later.eleves())


def test_last_years_class_is_not_this_years(write: Writer) -> None:
    student = next(read([write("e.xml", eleves_xml(eleve("1")))]).eleves())
    assert student.division is None  # SCOLARITE_AN_DERNIER/CODE_STRUCTURE is ignored


def test_class_codes_groups_and_duplicates(write: Writer) -> None:
    structures = (
        structure("1", "301")
        + structure("2", "Inactifs")
        + structure("3", "GR-LATIN", "G")
        + structure("1", "301")  # duplicate STRUCTURES_ELEVE
        + structure("9", "3A")  # unknown student
    )
    reader = read([write("e.xml", eleves_xml(eleve("1") + eleve("2") + eleve("3"), structures))])
    divisions = {e.eleve_id: e.division for e in reader.eleves()}
    assert divisions == {"1": "301", "2": "Inactifs", "3": None}
    found = {f.code: f for f in reader.findings}
    assert found["DUPLICATE_STRUCTURES_ELEVE"].siecle_id == "1"
    assert found["DUPLICATE_STRUCTURES_ELEVE"].line is not None
    assert found["STRUCTURES_FOR_UNKNOWN_STUDENT"].siecle_id == "9"


def test_structures_before_eleves(write: Writer) -> None:
    text = eleves_xml(eleve("1"), structure("1", "5 B"))
    start, end = text.index("<ELEVES>"), text.index("</ELEVES>") + len("</ELEVES>\n")
    moved = text[:start] + text[end:].replace(
        "</STRUCTURES>\n", "</STRUCTURES>\n" + text[start:end]
    )
    assert moved.index("<STRUCTURES>") < moved.index("<ELEVES>")
    assert next(read([write("e.xml", moved)]).eleves()).division == "5 B"


def test_field_problems_are_findings_and_records_are_kept(write: Writer) -> None:
    eleves = eleves_xml(
        eleve("1", naiss="31/02/2011") + eleve("2", naiss="2011-03-14") + eleve("3", naiss="")
    )
    resp = responsables_xml(
        personne("10", mobile="01 45 67 89 12", mel="claire@@example")
        + personne("11", mobile="+33 (0)6 12 34 56 78", mel=None),
        link("1", "10") + link("2", "11"),
    )
    paths = [write("e.xml", eleves), write("r.xml", resp)]
    reader = read(paths)
    students = {e.eleve_id: e for e in reader.eleves()}
    assert isinstance(students["1"].birth_date, Invalid)
    assert isinstance(students["2"].birth_date, Invalid)  # only jj/mm/aaaa in SIECLE
    assert students["3"].birth_date is None
    people = {p.personne_id: p for p in reader.responsables()}
    assert isinstance(people["10"].mobile, Invalid)
    assert people["10"].mobile.code == "NOT_A_MOBILE"
    assert isinstance(people["10"].email, Invalid)
    assert people["11"].mobile == MobilePhone("+33612345678")
    list(reader.links())
    by_code = {(f.code, f.siecle_id): f for f in reader.findings}
    birth = by_code[("INVALID_BIRTH_DATE", "1")]
    assert (birth.file, birth.field) == (str(paths[0]), "DATE_NAISS")
    assert birth.line == 6  # the line of the <ELEVE> element
    assert ("INVALID_BIRTH_DATE", "2") in by_code
    mobile = by_code[("NOT_A_MOBILE", "10")]
    assert (mobile.file, mobile.field, mobile.line) == (str(paths[1]), "TEL_PORTABLE", 6)
    assert ("INVALID_EMAIL", "10") in by_code


def test_links_to_unknown_students_and_persons_are_dropped_and_reported(write: Writer) -> None:
    eleves = eleves_xml(eleve("1"), structure("1", "3A"))
    resp = responsables_xml(
        personne("10"), link("1", "10") + link("404", "10") + link("1", "99"), links_first=True
    )
    reader = read([write("e.xml", eleves), write("r.xml", resp)])
    assert [(lk.eleve_id, lk.personne_id) for lk in reader.links()] == [("1", "10")]
    found = {f.code: f for f in reader.findings}
    assert found["LINK_TO_UNKNOWN_STUDENT"].siecle_id == "404"
    assert found["LINK_TO_UNKNOWN_STUDENT"].severity is Severity.ERROR
    assert found["LINK_TO_UNKNOWN_PERSON"].line is not None


def test_links_to_departed_students_are_kept_with_their_status(write: Writer) -> None:
    eleves = eleves_xml(eleve("1", extra="<DATE_SORTIE>01/12/2025</DATE_SORTIE>\n"))
    reader = read(
        [write("e.xml", eleves), write("r.xml", responsables_xml(personne("10"), link("1", "10")))]
    )
    assert not next(reader.eleves()).current
    assert [lk.eleve_id for lk in reader.links()] == ["1"]


def test_more_than_two_legal_representatives(write: Writer) -> None:
    eleves = eleves_xml(eleve("1"))
    resp = responsables_xml(
        personne("10") + personne("11") + personne("12") + personne("13"),
        link("1", "10")
        + link("1", "11")
        + link("1", "12", "2", legacy=True)
        + link("1", "13", "3"),
    )
    reader = read([write("e.xml", eleves), write("r.xml", resp)])
    assert sum(lk.legal for lk in reader.links()) == 3
    (found,) = [f for f in reader.findings if f.code == "TOO_MANY_LEGAL_REPRESENTATIVES"]
    assert found.siecle_id == "1"
    assert found.message.startswith("3 legal representatives")
    assert found.message.endswith(": 12")


def test_both_generations_and_booleans(write: Writer) -> None:
    flags_new = (
        "<PAIE_FRAIS_SCOLAIRES>1</PAIE_FRAIS_SCOLAIRES><HEBERGE_ELEVE>true</HEBERGE_ELEVE>"
        "<A_CONTACTER_EN_PRIORITE>FALSE</A_CONTACTER_EN_PRIORITE>\n"
    )
    flags_old = "<RESP_FINANCIER>0</RESP_FINANCIER><PERS_CONTACT>peut-être</PERS_CONTACT>\n"
    resp = responsables_xml(
        personne("10") + personne("11") + personne("12") + personne("13"),
        link("1", "10", "1", extra=flags_new)
        + link("1", "11", "2", extra=flags_new)
        + link("2", "12", "2", legacy=True, extra=flags_old)
        + link("2", "13", "0", legacy=True),
    )
    reader = read([write("e.xml", eleves_xml(eleve("1") + eleve("2"))), write("r.xml", resp)])
    levels = {lk.personne_id: lk.level for lk in reader.links()}
    assert levels == {
        "10": ResponsibilityLevel.LEGAL,
        "11": ResponsibilityLevel.EN_CHARGE,
        "12": ResponsibilityLevel.LEGAL,
        "13": ResponsibilityLevel.CONTACT,
    }
    (bad,) = [f for f in reader.findings if f.code == "INVALID_BOOLEAN"]
    assert bad.field == "PERS_CONTACT"
    assert bad.severity is Severity.INFO


def test_missing_or_bad_level_is_not_legal_and_reported(write: Writer) -> None:
    no_level = link("1", "10").replace("<NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE>", "")
    resp = responsables_xml(personne("10") + personne("11"), no_level + link("1", "11", "7"))
    reader = read([write("e.xml", eleves_xml(eleve("1"))), write("r.xml", resp)])
    assert {lk.level for lk in reader.links()} == {ResponsibilityLevel.UNKNOWN}
    assert codes(reader).count("INVALID_RESPONSIBILITY_LEVEL") == 2


def test_ids_as_attributes_or_children(write: Writer) -> None:
    as_child = (
        personne("10")
        .replace(' PERSONNE_ID="10"', "")
        .replace("<LC_CIVILITE>", "<PERSONNE_ID>10</PERSONNE_ID><LC_CIVILITE>")
    )
    as_attr = (
        '<RESPONSABLE_ELEVE ELEVE_ID="1" PERSONNE_ID="10">'
        "<NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE></RESPONSABLE_ELEVE>\n"
    )
    resp = responsables_xml(as_child, as_attr)
    reader = read([write("e.xml", eleves_xml(eleve("1"))), write("r.xml", resp)])
    assert [p.personne_id for p in reader.responsables()] == ["10"]
    assert [(lk.eleve_id, lk.personne_id) for lk in reader.links()] == [("1", "10")]


def test_duplicates_and_missing_ids(write: Writer) -> None:
    eleves = eleves_xml(eleve("1") + eleve("1", "AUTRE") + eleve("").replace(' ELEVE_ID=""', ""))
    resp = responsables_xml(personne("10") + personne("10", "AUTRE"), link("1", "10") * 2)
    reader = read([write("e.xml", eleves), write("r.xml", resp)])
    assert [e.name.last for e in reader.eleves()] == ["MARTIN"]
    assert [p.name.last for p in reader.responsables()] == ["MARTIN"]
    assert len(list(reader.links())) == 1
    found = codes(reader)
    for code in ("DUPLICATE_ELEVE_ID", "MISSING_ID", "DUPLICATE_PERSONNE_ID", "DUPLICATE_LINK"):
        assert code in found


def test_streams_may_be_read_again_without_duplicate_findings(write: Writer) -> None:
    reader = read([write("e.xml", eleves_xml(eleve("1", naiss="x")))])
    assert len(list(reader.eleves())) == len(list(reader.eleves())) == 1
    assert codes(reader).count("INVALID_BIRTH_DATE") == 1


# ------------------------------------------------------------------ envelope


def test_wrong_school_is_refused(write: Writer) -> None:
    path = write("e.xml", eleves_xml(eleve("1")))
    with pytest.raises(SourceError, match="for school 0990007V, not 0750001U") as info:
        read([path], expected_uai="0750001U")
    assert info.value.element == "PARAMETRES/UAJ"
    assert info.value.line == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (PARAMS.replace(f"<UAJ>{UAI}</UAJ>", ""), "UAJ is missing"),
        (PARAMS.replace(f"<UAJ>{UAI}</UAJ>", "<UAJ>0990007A</UAJ>"), "check letter"),
        (PARAMS.replace("<ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>", ""), "ANNEE_SCOLAIRE"),
        (PARAMS.replace("12/01/2026</DATE_EXPORT>", "2026-01-12</DATE_EXPORT>"), "jj/mm/aaaa"),
        ("", "PARAMETRES"),
    ],
)
def test_bad_envelope_is_refused(write: Writer, params: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read([write("e.xml", eleves_xml(eleve("1"), params=params))])


def test_files_of_different_schools_or_years_are_refused(write: Writer) -> None:
    other = PARAMS.replace(UAI, "0750001U")
    eleves = write("e.xml", eleves_xml(eleve("1")))
    with pytest.raises(SourceError, match="for school 0750001U") as info:
        read([eleves, write("r.xml", responsables_xml("", "", params=other))])
    assert info.value.line == 3  # refused at its PARAMETRES, before the rest is read
    year = PARAMS.replace("<ANNEE_SCOLAIRE>2025", "<ANNEE_SCOLAIRE>2026")
    with pytest.raises(SourceError, match="school year 2026"):
        read([eleves, write("r2.xml", responsables_xml("", "", params=year))])


def test_june_export_for_next_year_is_noted(write: Writer) -> None:
    june = PARAMS.replace("12/01/2026", "20/06/2026").replace(
        "<ANNEE_SCOLAIRE>2025", "<ANNEE_SCOLAIRE>2026"
    )
    reader = read([write("e.xml", eleves_xml(eleve("1"), params=june))])
    assert "SCHOOL_YEAR_NOT_CURRENT" in codes(reader)
    assert reader.school.school_year == 2026


@pytest.mark.parametrize(
    ("day", "year"),
    [
        ("15/07/2026", "2026"),
        ("28/08/2026", "2025"),
        ("03/07/2026", "2025"),
        ("31/08/2026", "2026"),
    ],
)
def test_summer_exports_may_be_for_either_year(write: Writer, day: str, year: str) -> None:
    summer = PARAMS.replace("12/01/2026", day)
    summer = summer.replace("<ANNEE_SCOLAIRE>2025", f"<ANNEE_SCOLAIRE>{year}")
    reader = read([write("e.xml", eleves_xml(eleve("1"), params=summer))])
    assert "SCHOOL_YEAR_NOT_CURRENT" not in codes(reader)
    assert reader.school.school_year == int(year)


def test_september_export_of_the_ending_year_is_noted(write: Writer) -> None:
    september = PARAMS.replace("12/01/2026", "02/09/2026")
    reader = read([write("e.xml", eleves_xml(eleve("1"), params=september))])
    assert "SCHOOL_YEAR_NOT_CURRENT" in codes(reader)


def unknown(reader: SiecleReader) -> dict[str, str]:
    return {f.field or "": f.message for f in reader.findings if f.code == "UNKNOWN_ELEMENT"}


@pytest.mark.parametrize("students", [3, 2500])  # 2,500 students span many parser chunks
def test_unknown_elements_are_counted_once_per_kind(write: Writer, students: int) -> None:
    """Elements the reader does not know, anywhere a kind is checked, whatever the
    chunk boundaries: one finding per kind with the exact count."""
    rows = "".join(
        eleve(str(n)) + ("<NOTE_VIE_SCOLAIRE>x</NOTE_VIE_SCOLAIRE>\n" if n % 7 == 1 else "")
        for n in range(1, students + 1)
    )
    extra = "<EXTRAS>\n" + "<EXTRA><A>1</A></EXTRA>\n" * students + "</EXTRAS>\n"
    text = eleves_xml(rows).replace("<STRUCTURES>", extra + "<STRUCTURES>")
    text = text.replace("</DONNEES>", "</DONNEES>\n<SIGNATURE>s</SIGNATURE>")
    reader = read([write("e.xml", text)])
    assert sum(1 for _ in reader.eleves()) == students
    found = unknown(reader)
    assert set(found) == {"DONNEES/ELEVES/NOTE_VIE_SCOLAIRE", "DONNEES/EXTRAS", "SIGNATURE"}
    notes = len(range(1, students + 1, 7))
    assert found["DONNEES/ELEVES/NOTE_VIE_SCOLAIRE"].startswith(f"{notes} <")
    assert found["DONNEES/EXTRAS"].startswith("1 <EXTRAS>")
    assert all(f.severity is Severity.INFO for f in reader.findings if f.code == "UNKNOWN_ELEMENT")


def test_known_elements_are_not_reported(write: Writer) -> None:
    rows = eleve("1") + eleve("2")
    text = eleves_xml(rows).replace(
        "<STRUCTURES>", "<OPTIONS><OPTION ELEVE_ID='1'/></OPTIONS><BOURSES></BOURSES><STRUCTURES>"
    )
    reader = read([write("e.xml", text), write("r.xml", responsables_xml(personne("9"), ""))])
    assert not unknown(reader)


def test_students_file_is_required(write: Writer) -> None:
    with pytest.raises(SourceError, match="students file"):
        read([write("r.xml", responsables_xml("", ""))])


def test_two_students_files_are_refused(write: Writer) -> None:
    text = eleves_xml(eleve("1"))
    with pytest.raises(SourceError, match="two BEE_ELEVES files"):
        read([write("a.xml", text), write("b.xml", text)])


def test_structures_file_lists_divisions(write: Writer) -> None:
    structures = (
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_STRUCTURES VERSION="2.0">'
        f'{PARAMS}<DONNEES><DIVISIONS><DIVISION CODE_STRUCTURE="3A"><LIBELLE_LONG>3e A'
        "</LIBELLE_LONG></DIVISION></DIVISIONS></DONNEES></BEE_STRUCTURES>"
    )
    eleves = eleves_xml(eleve("1") + eleve("2"), structure("1", "3A") + structure("2", "3Z"))
    reader = read([write("s.xml", structures), write("e.xml", eleves)])
    list(reader.eleves())
    (unknown,) = [f for f in reader.findings if f.code == "UNKNOWN_DIVISION"]
    assert unknown.siecle_id == "2"


def test_other_files_are_left_to_other_plugins(write: Writer) -> None:
    assert open_siecle([write("x.csv", "a;b\n1;2\n")]) is None
    assert open_siecle([write("x.xml", "<?xml version='1.0'?><ONDE/>")]) is None
    with pytest.raises(SourceError, match="not a SIECLE export"):
        read([write("e.xml", eleves_xml(eleve("1"))), write("x.csv", "a;b\n")])


def test_plugin_is_installed_through_its_entry_point(write: Writer) -> None:
    plugins = Plugins.installed()
    assert "siecle" in plugins.source_kinds()
    eleves, resp = simple_export()
    reader = plugins.open_source([write("e.xml", eleves), write("r.xml", resp)])
    assert getattr(reader, "kind", None) == "siecle"
    assert len(list(reader.eleves())) == 2


def test_rarer_findings(write: Writer) -> None:
    eleves = eleves_xml(
        eleve("1", extra="<DATE_SORTIE>2025-12-20</DATE_SORTIE>\n").replace("000000001AB", "12-34")
        + eleve("2", nom="", prenom="Zoé"),
        structure("1", "3A").replace(
            "</STRUCTURES_ELEVE>",
            "<STRUCTURE><CODE_STRUCTURE>3B</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE>"
            "</STRUCTURE></STRUCTURES_ELEVE>",
        ),
    ).replace('<BEE_ELEVES VERSION="3.0">', '<BEE_ELEVES VERSION="9.9">')
    incomplete = "<RESPONSABLE_ELEVE><ELEVE_ID>1</ELEVE_ID></RESPONSABLE_ELEVE>\n"
    resp = responsables_xml(personne("10"), incomplete)
    reader = read([write("e.xml", eleves), write("r.xml", resp)])
    students = {e.eleve_id: e for e in reader.eleves()}
    assert students["1"].current  # malformed DATE_SORTIE: kept as current
    assert students["1"].division == "3A"
    assert isinstance(students["1"].ine, Invalid)
    assert list(reader.responsables())
    assert list(reader.links()) == []
    found = {f.code: f for f in reader.findings}
    assert found["INVALID_DATE_SORTIE"].field == "DATE_SORTIE"
    assert found["INVALID_INE"].field == "ID_NATIONAL"
    assert found["SEVERAL_DIVISIONS"].siecle_id == "1"
    assert found["MISSING_NAME"].siecle_id == "2"
    assert found["UNKNOWN_VERSION"].severity is Severity.INFO
    assert found["INCOMPLETE_LINK"].severity is Severity.ERROR


def test_other_sections_and_nomenclatures_are_skipped(write: Writer) -> None:
    sections = (
        '<OPTIONS><OPTION ELEVE_ID="1"><OPTIONS_ELEVE><CODE_MATIERE>030201</CODE_MATIERE>'
        '</OPTIONS_ELEVE></OPTION></OPTIONS>\n<ADRESSES><ADRESSE ADRESSE_ID="7">'
        "<LIGNE1_ADRESSE>1 rue Haute</LIGNE1_ADRESSE></ADRESSE></ADRESSES>\n"
        "<AUTRE><X>y</X></AUTRE>\n"
    )
    eleves = eleves_xml(eleve("1") + eleve("2"), structure("2", "6A")).replace(
        "<DONNEES>\n", "<DONNEES>\n" + sections
    )
    nomenclatures = (
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_NOMENCLATURES VERSION="1.0">'
        f"{PARAMS}<DONNEES/></BEE_NOMENCLATURES>\n"
    )
    reader = read([write("e.xml", eleves), write("n.xml", nomenclatures)])
    assert {e.eleve_id: e.division for e in reader.eleves()} == {"1": None, "2": "6A"}
    assert "IGNORED_FILE" in codes(reader)


def test_no_export_date(write: Writer) -> None:
    params = PARAMS.replace("<DATE_EXPORT>12/01/2026</DATE_EXPORT>", "").replace(
        "<HORODATAGE>12/01/2026 07:42:10</HORODATAGE>", ""
    )
    text = eleves_xml(eleve("1", extra="<DATE_SORTIE>30/06/2026</DATE_SORTIE>\n"), params=params)
    reader = read([write("e.xml", text)])
    assert reader.school.exported_at is None
    assert not next(reader.eleves()).current
    assert "NO_EXPORT_DATE" in codes(reader)


def test_spill_files_are_released_on_close(write: Writer) -> None:
    eleves, resp = simple_export()
    reader = read([write("e.xml", eleves), write("r.xml", resp)])
    files = [spill._file for spill in reader._spills.values()]
    assert not any(f.closed for f in files)
    reader.close()
    assert all(f.closed for f in files)
