"""The fast encoders of students and responsables give exactly the generic JSON."""

from __future__ import annotations

import json

from hypothesis import given

from educonnect_core.people import Eleve, Responsable, StudentStatus
from educonnect_core.serialization import _CONVERTER, dumps, loads
from educonnect_core.testing.storage_contract import eleves, responsables
from educonnect_core.values import PersonName


def generic(obj: object) -> str:
    return json.dumps(
        _CONVERTER.unstructure(obj), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )


@given(eleves())
def test_eleve_text_is_the_generic_text(eleve: Eleve) -> None:
    assert dumps(eleve) == generic(eleve)
    assert loads(dumps(eleve), Eleve) == eleve


@given(responsables())
def test_responsable_text_is_the_generic_text(responsable: Responsable) -> None:
    assert dumps(responsable) == generic(responsable)
    assert loads(dumps(responsable), Responsable) == responsable


def test_unusual_values_fall_back_to_the_generic_path() -> None:
    odd = Eleve("1", PersonName('A "B" \\ é\n', "C"), division=6, status=StudentStatus.LEFT)  # type: ignore[arg-type]
    assert dumps(odd) == generic(odd)
