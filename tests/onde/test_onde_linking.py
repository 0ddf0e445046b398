"""The indexed linking of children equals the plain oracle (``link_oracle.py``)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from educonnect_adapters.onde.eleves import EleveIndex, IndexedEleve
from educonnect_adapters.onde.keys import class_key
from educonnect_adapters.onde.linking import SHOWN, ChildRef, resolve

from .link_oracle import plain_resolve

NOMS = st.sampled_from(["MARTIN", "Martin", "DUPONT", "DUPONT-MARTIN", "", "-"])
PRENOMS = st.sampled_from(["Léa", "LEA", "Tom", ""])
CLASSES = st.sampled_from(["CP - Mme Duval", "cp mme DUVAL", "CE1", "", "1001"])

STUDENTS = st.lists(st.tuples(NOMS, NOMS, PRENOMS, CLASSES, CLASSES), max_size=SHOWN)
CHILDREN = st.lists(st.builds(ChildRef, st.just(1), NOMS, NOMS, PRENOMS, CLASSES), max_size=8)


def index_of(students: list[tuple[str, str, str, str, str]]) -> EleveIndex:
    index = EleveIndex()
    for line, (nom, usage, prenom, classe, classe_id) in enumerate(students, start=2):
        classes = tuple(k for k in (class_key(classe), class_key(classe_id)) if k)
        index.add(IndexedEleve(f"E{line}", line, classes), (nom, usage), prenom, f"id{line}")
    return index


@settings(max_examples=300, deadline=None)
@given(STUDENTS, CHILDREN)
def test_the_indexed_linking_equals_the_plain_one(
    students: list[tuple[str, str, str, str, str]], children: list[ChildRef]
) -> None:
    index = index_of(students)
    for child in children:
        assert resolve(index, child) == plain_resolve(index, child)


@given(st.integers(SHOWN + 1, 3 * SHOWN), st.sampled_from(["", "CP", "CE1"]))
def test_many_homonyms_decide_as_the_oracle_and_name_the_first_lines(
    count: int, classe: str
) -> None:
    index = index_of([("MARTIN", "DUPONT", "Léa", "CP", "")] * count)
    for child in (
        ChildRef(1, "MARTIN", "", "Léa", classe),
        ChildRef(1, "DUPONT", "MARTIN", "Léa", classe),
    ):
        got, plain = resolve(index, child), plain_resolve(index, child)
        assert (got.eleve_id, got.code, got.severity) == (
            plain.eleve_id,
            plain.code,
            plain.severity,
        )
        shown = ", ".join(str(n) for n in range(2, 2 + SHOWN))
        assert f"(lines {shown}, …)" in got.message
        assert re.sub(r"lines [^)]*", "", got.message) == re.sub(r"lines [^)]*", "", plain.message)
