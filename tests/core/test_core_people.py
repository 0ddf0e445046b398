"""People as the sources give them: nothing raised, nothing dropped."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from educonnect_core.blockers import BlockerCode
from educonnect_core.errors import InvalidValue
from educonnect_core.people import Eleve, Responsable, ResponsibilityLevel, StudentStatus
from educonnect_core.values import Invalid, clean_text

raw = st.none() | st.text(max_size=30)
CODES = {c.value for c in BlockerCode} | {"INVALID"}


@given(raw, raw, raw, raw, raw, raw, raw, raw)
def test_eleve_from_any_raw_strings_never_raises(
    eleve_id: str | None,
    last: str | None,
    first: str | None,
    birth: str | None,
    ine: str | None,
    division: str | None,
    email: str | None,
    mobile: str | None,
) -> None:
    eleve = Eleve.from_raw(
        eleve_id=eleve_id or "1",
        last_name=last,
        first_name=first,
        birth_date=birth,
        ine=ine,
        division=division,
        email=email,
        mobile=mobile,
    )
    for value, given_raw in (
        (eleve.birth_date, birth),
        (eleve.ine, ine),
        (eleve.email, email),
        (eleve.mobile, mobile),
    ):
        if isinstance(value, Invalid):
            assert value.raw == given_raw  # kept as read
            assert value.code in CODES
            assert value.reason
        elif value is None:
            assert clean_text(given_raw) == ""  # only a blank field is missing


@given(raw, raw, raw, raw, raw)
def test_responsable_from_any_raw_strings_never_raises(
    last: str | None, first: str | None, civilite: str | None, mobile: str | None, email: str | None
) -> None:
    person = Responsable.from_raw(
        personne_id="5301001",
        last_name=last,
        first_name=first,
        civilite=civilite,
        mobile=mobile,
        email=email,
    )
    assert person.personne_id == "5301001"
    if isinstance(person.mobile, Invalid):
        assert person.mobile.code == "NOT_A_MOBILE"
    if isinstance(person.email, Invalid):
        assert person.email.code == "INVALID_EMAIL"


def test_invalid_codes_name_blockers() -> None:
    eleve = Eleve.from_raw(
        eleve_id="1",
        last_name="Martin",
        first_name="Léa",
        birth_date="31/02/2013",
        email="lea@",
        mobile="01 23 45 67 89",
    )
    assert isinstance(eleve.birth_date, Invalid)
    assert eleve.birth_date.code == BlockerCode.INVALID_BIRTH_DATE.value
    assert isinstance(eleve.email, Invalid)
    assert eleve.email.code == BlockerCode.INVALID_EMAIL.value
    assert isinstance(eleve.mobile, Invalid)
    assert eleve.mobile.code == BlockerCode.NOT_A_MOBILE.value


@pytest.mark.parametrize(
    ("raw_value", "level"),
    [
        ("1", ResponsibilityLevel.LEGAL),
        (" 2 ", ResponsibilityLevel.EN_CHARGE),
        ("3", ResponsibilityLevel.CONTACT),
    ],
)
def test_niveau_responsabilite(raw_value: str, level: ResponsibilityLevel) -> None:
    assert ResponsibilityLevel.from_niveau(raw_value) is level


@pytest.mark.parametrize(
    ("raw_value", "level"),
    [
        ("1", ResponsibilityLevel.LEGAL),
        ("2", ResponsibilityLevel.LEGAL),
        ("0", ResponsibilityLevel.CONTACT),
    ],
)
def test_resp_legal_before_2018(raw_value: str, level: ResponsibilityLevel) -> None:
    assert ResponsibilityLevel.from_resp_legal(raw_value) is level


@pytest.mark.parametrize("raw_value", ["", "4", "légal", "0"])
def test_bad_niveau_names_the_element(raw_value: str) -> None:
    with pytest.raises(InvalidValue, match="NIVEAU_RESPONSABILITE"):
        ResponsibilityLevel.from_niveau(raw_value)


def test_bad_resp_legal_names_the_element() -> None:
    with pytest.raises(InvalidValue, match="RESP_LEGAL"):
        ResponsibilityLevel.from_resp_legal("3")


def test_student_left_on_or_before_the_export_date() -> None:
    on_export = Eleve.from_raw(
        eleve_id="1",
        last_name="A",
        first_name="B",
        left_on=dt.date(2026, 1, 12),
        as_of=dt.date(2026, 1, 12),
    )
    assert on_export.status is StudentStatus.LEFT
    no_export_date = Eleve.from_raw(
        eleve_id="1", last_name="A", first_name="B", left_on=dt.date(2030, 1, 1)
    )
    assert no_export_date.status is StudentStatus.LEFT
