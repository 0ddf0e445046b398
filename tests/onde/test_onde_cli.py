"""``educonnect check`` reads an ONDE pair through the installed plugins, as a SIECLE pair.

In the 1st degree students have no account (responsables only), remedies point
to ONDE and the directeur d'école, ages are those of an école, and ``--at``
decides the school year (ONDE files carry none).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from educonnect_adapters.cli.main import EXIT_BAD_INPUT, EXIT_OK, main

from .onde_samples import UAI, pair

AT = "2026-01-12T15:00+01:00"
CP_LEA = "1234567890A"  # Léa MARTIN, CP, born 04/03/2019: 6 years old on 31/12/2025
BAD_DATE = "1234567895F"  # Maëlys CŒUR, born '31/02/2017'


def check_json(
    paths: list[Path], capsys: pytest.CaptureFixture[str], at: str = AT, *extra: str
) -> Any:
    argv = ["check", "--json", "--school", UAI, "--at", at, *extra]
    assert main([*argv, *map(str, paths)]) == EXIT_OK
    return json.loads(capsys.readouterr().out)


def touch(paths: list[Path], day: dt.date) -> None:
    """Set the files' modification time (which must not decide the school year)."""
    stamp = dt.datetime.combine(day, dt.time(12), dt.UTC).timestamp()
    for path in paths:
        os.utime(path, (stamp, stamp))


def test_check_reads_an_onde_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    eleves, resps = pair(tmp_path)
    document = check_json([resps, eleves], capsys)
    assert document["school"]["uai"] == UAI
    assert document["school"]["kind"] == "onde"
    assert document["school"]["degree"] == "1d"
    assert document["school"]["files"] == [str(eleves), str(resps)]


def test_no_eleve_account_in_the_first_degree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = check_json(pair(tmp_path), capsys)
    assert document["accounts"], "responsables have accounts"
    assert {a["profile"] for a in document["accounts"]} == {"responsable"}
    assert document["summary"]["accounts"]["eleve"] == 0
    assert document["summary"]["accounts"]["responsable"] == len(document["accounts"])
    # the students are still listed, and still counted
    assert len(document["students"]) == 9
    assert document["summary"]["students"] == {"current": 9, "left": 0}


def test_remedies_point_to_onde(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = check_json(pair(tmp_path), capsys)
    fixable = [
        b
        for a in document["accounts"]
        for r in a["routes"].values()
        for b in r["blockers"]
        if b["fix_in"] == "siecle"
    ]
    assert {b["code"] for b in fixable} >= {"INVALID_BIRTH_DATE", "MISSING_MOBILE"}
    for blocker in fixable:
        assert "ONDE" in blocker["remedy"], blocker
        assert "SIECLE" not in blocker["remedy"], blocker
    english = check_json(pair(tmp_path / "en"), capsys, AT, "--lang", "en")
    remedies = [
        b["remedy"]
        for a in english["accounts"]
        for r in a["routes"].values()
        for b in r["blockers"]
        if b["code"] == "MISSING_MOBILE"
    ]
    assert remedies
    assert all("in ONDE (directeur d'école)" in text for text in remedies)


def test_birth_dates_are_checked_with_first_degree_ages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = check_json(pair(tmp_path), capsys)
    birth = [
        b
        for a in document["accounts"]
        for r in a["routes"].values()
        for b in r["blockers"]
        if b["code"] == "INVALID_BIRTH_DATE"
    ]
    # only the impossible date blocks; a CP child aged 6 is fine in an école
    assert birth
    assert {b["subject_id"] for b in birth} == {BAD_DATE}
    assert all(b["detail"].startswith("malformed") for b in birth)
    lea = next(p for p in document["responsables"] if CP_LEA in p["students"])
    account = next(a for a in document["accounts"] if a["siecle_id"] == lea["personne_id"])
    assert account["routes"]["franceconnect"]["eligible"]


@pytest.mark.parametrize(
    ("at", "year"),
    [
        (AT, 2025),
        ("2026-06-30T21:59+00:00", 2025),  # 23:59 in Paris, still June
        ("2026-06-30T22:00+00:00", 2026),  # midnight in Paris: 1 July, the coming year
        ("2026-08-31T21:59+00:00", 2026),  # an August export is for the rentrée
        ("2026-09-01T10:00+02:00", 2026),
        ("2027-06-30T10:00+02:00", 2026),
    ],
)
def test_at_decides_the_school_year_not_the_file_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], at: str, year: int
) -> None:
    paths = pair(tmp_path)
    touch(paths, dt.date(2024, 10, 1))  # a file date in another school year
    document = check_json(paths, capsys, at)
    assert document["school"]["school_year"] == year


def test_text_output_of_an_onde_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--school", UAI, "--at", AT, "--lang", "en"]
    assert main([*argv, *map(str, pair(tmp_path))]) == EXIT_OK
    out = capsys.readouterr().out
    assert "school year 2025-2026" in out
    assert "(source: onde)" in out
    assert "1st degree: students have no EduConnect account" in out
    assert "student account" not in out
    assert "accounts: 0 students, 9 responsables" in out
    assert "no linked student" in out  # persons none of whose children was found


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "export du 12/01/2026 14:00 UTC+01:00 (source : onde)"),
        ("en", "exported on 2026-01-12 14:00 UTC+01:00"),
    ],
)
def test_text_output_shows_the_export_time_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, expected: str
) -> None:
    paths = pair(tmp_path)
    argv = ["check", "--uai", UAI, "--at", AT, "--lang", lang]
    given = ["--exported-at", "2026-01-12T14:00+01:00"]
    assert main([*argv, *given, *map(str, paths)]) == EXIT_OK
    head = capsys.readouterr().out.splitlines()[0]
    assert expected in head
    assert "inconnue" not in head
    assert "unknown" not in head
    stamp = dt.datetime(2026, 1, 10, 9, 30, tzinfo=dt.UTC).timestamp()
    for path in paths:
        os.utime(path, (stamp, stamp))
    assert main([*argv, *map(str, paths)]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    shown = "10/01/2026 10:30 UTC+01:00" if lang == "fr" else "2026-01-10 10:30 UTC+01:00"
    assert shown in out[0]  # the files' time, in Paris
    assert shown in out[2]  # and where it comes from


def test_check_without_uai_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *map(str, pair(tmp_path))]) == EXIT_BAD_INPUT
    assert "UAI" in capsys.readouterr().err
