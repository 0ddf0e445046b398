"""Remedies and help-desk steps name the system the school's data come from."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from educonnect_core.blockers import CATALOGUE, BlockerCode, FixLocation
from educonnect_core.diagnosis import diagnose
from educonnect_core.eligibility import EvaluationContext, evaluate
from educonnect_core.errors import InvalidValue
from educonnect_core.origins import ONDE, SIECLE, DataOrigin
from educonnect_core.people import Degree, Responsable, School
from educonnect_core.serialization import dumps, loads
from educonnect_core.values import Uai

AT = dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC)
THIRD = DataOrigin("Scolaris", "Scolaris (secrétariat)", "Scolaris (the office)")


def school(degree: Degree = Degree.SECOND, origin: DataOrigin | None = None) -> School:
    return School(Uai("0990007V"), 2025, degree=degree, origin=origin)


def test_siecle_wording_is_kept_for_siecle() -> None:
    text = ("Saisir le portable dans SIECLE.", "Enter the mobile in SIECLE.")
    assert SIECLE.localize(*text) == text


def test_onde_wording() -> None:
    fr, en = ONDE.localize(
        "Corriger dans SIECLE ; comparer avec celles de SIECLE.", "Correct it in SIECLE."
    )
    assert fr == "Corriger dans ONDE (directeur d'école) ; comparer avec celles d'ONDE."
    assert en == "Correct it in ONDE (directeur d'école)."


def test_a_school_takes_its_origin_from_its_degree_unless_given() -> None:
    assert school().data_origin == SIECLE
    assert school(Degree.FIRST).data_origin == ONDE
    assert school(Degree.FIRST, THIRD).data_origin == THIRD


@given(st.sampled_from([c for c, i in CATALOGUE.items() if i.fix_in is FixLocation.SIECLE]))
def test_no_remedy_says_siecle_for_another_origin(code: BlockerCode) -> None:
    for origin in (ONDE, THIRD):
        fr, en = CATALOGUE[code].remedies(origin)
        assert "SIECLE" not in fr + en
        assert origin.fixed_in_fr in fr or origin.name in fr


@pytest.mark.parametrize("origin", [ONDE, THIRD])
def test_blockers_and_diagnosis_name_the_origin(origin: DataOrigin) -> None:
    ctx = EvaluationContext.for_school(school(Degree.FIRST, origin), AT)
    parent = Responsable.from_raw(personne_id="P1", last_name="MARTIN", first_name="")
    blockers = [b for r in evaluate(parent, ctx).routes for b in r.blockers]
    assert blockers
    assert all("SIECLE" not in b.remedy("fr") + b.remedy("en") for b in blockers)
    diagnosis = diagnose(parent, ctx)
    texts = [
        text
        for issue in diagnosis.issues
        for text in (
            issue.summary_fr,
            issue.summary_en,
            *(s.fr for s in issue.steps),
            *(s.en for s in issue.steps),
        )
    ]
    assert texts
    assert not [t for t in texts if "SIECLE" in t]
    assert any(origin.fixed_in_fr in t for t in texts)


def test_origin_is_stored_only_when_given() -> None:
    assert "origin" not in dumps(school())
    given_one = school(origin=THIRD)
    assert loads(dumps(given_one), School) == given_one


def test_an_empty_origin_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"DataOrigin\.name"):
        DataOrigin("", "x", "y")
