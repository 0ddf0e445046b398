"""What the data ask to check, whatever the source: a duplicate INE, a damaged name.
Reported once by ``Export.of``, so check, import and sync say the same."""

from __future__ import annotations

import datetime as dt

import pytest

from educonnect_core.checking import check_export
from educonnect_core.export import Export
from educonnect_core.garbled import garbled
from educonnect_core.people import Eleve, Responsable, School
from educonnect_core.values import Uai

AT = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)
SCHOOL = School(Uai("0990007V"), 2025)


def pupil(eleve_id: str, last: str, first: str, ine: str | None = None) -> Eleve:
    return Eleve.from_raw(
        eleve_id=eleve_id, last_name=last, first_name=first, birth_date="04/03/2012",
        mef="10210001110", division="4A", ine=ine,
    )  # fmt: skip


def codes(export: Export, code: str) -> list[tuple[str | None, str | None]]:
    return [(f.siecle_id, f.field) for f in export.findings if f.code == code]


def test_two_students_sharing_an_ine_are_both_named() -> None:
    export = Export.of(
        SCHOOL,
        [
            pupil("1", "Martin", "Zoé", "070803070AJ"),
            pupil("2", "Petit", "Hugo", "070803070AJ"),
            pupil("3", "Roux", "Eva", "123456789XY"),
        ],
        [],
        [],
    )
    found = [f for f in export.findings if f.code == "DUPLICATE_INE"]
    assert [(f.siecle_id, f.field, f.severity.value) for f in found] == [("2", "INE", "warning")]
    assert "Martin Zoé (1)" in found[0].message
    assert "Petit Hugo (2)" in found[0].message


def test_damaged_names_are_reported_where_they_are() -> None:
    export = Export.of(
        SCHOOL,
        [
            pupil("1", "Dupont", "FranÃ§ois"),
            pupil("2", "Ren?e", "Anne"),
            pupil("3", "Durand", "Zoé"),
        ],
        [Responsable.from_raw(personne_id="9", last_name="Lâ€™Huillier", first_name="Marc")],
        [],
    )
    assert codes(export, "SUSPICIOUS_NAME") == [
        ("1", "first_name"),
        ("2", "last_name"),
        ("9", "last_name"),
    ]


def test_an_export_read_again_reports_each_once() -> None:
    export = Export.of(SCHOOL, [pupil("1", "Dupont", "FranÃ§ois")], [], [])
    again = Export.read(export.reader())
    assert again.findings == export.findings
    assert check_export(export.reader(), AT).export.findings == export.findings


@pytest.mark.parametrize(
    "name", ["François", "Zoé", "D'Almeida", "Jean-Pierre", "MÜLLER", "JOÃO", "N'Diaye", "Łukasz"]
)
def test_real_names_are_not_suspicious(name: str) -> None:
    assert garbled(name) is None
