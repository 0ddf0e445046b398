"""The fast encoders of students and responsables give exactly the generic JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given

from educonnect_core.people import Eleve, Responsable, StudentStatus
from educonnect_core.serialization import _CONVERTER, dumps, loads
from educonnect_core.testing.strategies import stored_eleves, stored_responsables
from educonnect_core.values import Ine, Invalid, PersonName


def generic(obj: object) -> str:
    return json.dumps(
        _CONVERTER.unstructure(obj), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )


@given(stored_eleves())
def test_eleve_text_is_the_generic_text(eleve: Eleve) -> None:
    assert dumps(eleve) == generic(eleve)
    assert loads(dumps(eleve), Eleve) == eleve


@given(stored_responsables())
def test_responsable_text_is_the_generic_text(responsable: Responsable) -> None:
    assert dumps(responsable) == generic(responsable)
    assert loads(dumps(responsable), Responsable) == responsable


@pytest.mark.parametrize(
    "odd",
    [
        Eleve("1", PersonName('A "B" \\ é\n\u2028', "C"), status=StudentStatus.LEFT),
        Eleve("1", PersonName("A", "B"), division=6),  # type: ignore[arg-type]
        Eleve("1", PersonName("A", "B"), mobile="0612345678"),  # type: ignore[arg-type]
        Eleve("1", PersonName("A", "B"), email=Ine("1234567890A")),  # type: ignore[arg-type]
        Eleve("1", PersonName("A", "B"), left_on=dt.datetime(2026, 1, 2, 3, 4)),
        Responsable("P", PersonName("A", "B"), civilite=1.5),  # type: ignore[arg-type]
        Responsable("P", PersonName("A", "B"), mobile=Invalid("x", "NOT_A_MOBILE", "é\t")),
    ],
    ids=repr,
)
def test_unusual_values_give_the_generic_text(odd: Eleve | Responsable) -> None:
    assert dumps(odd) == generic(odd)
