"""A name given at sign-in (FranceConnect: birth name, every given name) is matched
against the school's (usage name, prénom used) by one rule, ``PersonName.answers_to``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from educonnect_core.testing.strategies import person_names
from educonnect_core.values import PersonName

MARRIED = PersonName.from_source("DURAND", "Anne-Sophie", "Dupont")


@pytest.mark.parametrize(
    ("last", "first"),
    [
        ("DURAND", "Anne-Sophie"),
        ("Dupont", "ANNE-SOPHIE"),  # FranceConnect gives the birth name
        ("dupont", "Anne-Sophie Marie"),  # and every given name
        ("Durand", None),
        (None, "anne-sophie"),
        ("DÛRAND", "Anne-Sophîe"),
    ],
)
def test_usage_or_family_name_and_given_names_starting_with_the_prenom(
    last: str | None, first: str | None
) -> None:
    assert MARRIED.answers_to(last, first)


@pytest.mark.parametrize(
    ("last", "first"),
    [
        ("MARTIN", "Anne-Sophie"),
        ("DURAND", "Anne"),
        ("DURAND", "Anne Sophie"),  # a hyphen makes one compound prénom
        ("DURAND", "Anne-Sophie-Marie"),
        ("DURAND", ""),
    ],
)
def test_another_name_is_not_this_person(last: str, first: str) -> None:
    assert not MARRIED.answers_to(last, first)


@given(person_names(), st.lists(st.sampled_from(["Marie", "Jean", "Noé"]), max_size=2))
def test_a_name_answers_to_itself_with_more_given_names(name: PersonName, more: list[str]) -> None:
    assert name.answers_to(name.last.upper(), " ".join([name.first, *more]))
