"""The indexed merge of responsables equals the pairwise oracle (``merge_oracle.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from educonnect_adapters.onde.eleves import EleveIndex, EleveRows
from educonnect_adapters.onde.layouts import eleves_layout, responsables_layout
from educonnect_adapters.onde.responsables import ResponsableRows
from educonnect_core.findings import Finding

from .merge_oracle import PairwiseRows
from .onde_samples import ELEVES, Row, resp, responsables

HEADER = responsables()[0]
CHILDREN = [
    ("", "MARTIN", "Léa", "CP - Mme Duval"),
    ("", "GARCIA", "Tom", ""),
    ("", "GARCIA", "Inès", "CM2 M. Petit"),
    ("", "DURAND", "Kevin", ""),
]


def index() -> EleveIndex:
    rows = EleveRows(eleves_layout(ELEVES[0], file="e.csv", line=1), "e.csv", lambda f: None)
    for _ in rows.read(iter(enumerate([list(r) for r in ELEVES[1:]], start=2))):
        pass
    return rows.index


INDEX = index()

# Few values each, so that names, emails and addresses collide often.
ROWS = st.lists(
    st.builds(
        lambda civ, nom, prenom, usage, adresse, email, portable, children: resp(
            civ,
            nom,
            prenom,
            usage=usage,
            adresse=adresse,
            cp="33000" if adresse else "",
            commune="Bordeaux" if adresse else "",
            email=email,
            portable=portable,
            children=children,
        ),
        civ=st.sampled_from(["MME", "Mme", "M.", ""]),
        nom=st.sampled_from(["MARTIN", "Martin", "GARCIA", ""]),
        prenom=st.sampled_from(["Ana", "ANA", "Paul", ""]),
        usage=st.sampled_from(["", "", "", "DUPONT"]),
        adresse=st.sampled_from(
            ["", "", "3 rue des Lilas", "3, RUE des lilas", "8 allée des Pins"]
        ),
        email=st.sampled_from(["", "", "a@example.org", " A@example.org", "b@example.org"]),
        portable=st.sampled_from(["", "0612345678", "06 00 00 00 01"]),
        children=st.lists(st.sampled_from(CHILDREN), max_size=2),
    ),
    max_size=40,
)


def outcome(rows_class: type[ResponsableRows], rows: Sequence[Row]) -> dict[str, Any]:
    findings: list[Finding] = []
    persons = rows_class(
        responsables_layout(HEADER, file="r.csv", line=1), "r.csv", INDEX, findings.append
    )
    persons.read(iter(enumerate([list(r) for r in rows], start=2)))
    responsables = list(persons.finish())
    return {
        "responsables": responsables,
        "findings": findings,
        "persons": [
            (p.personne_id, sorted(p.lines), list(p.children.items()), p.values)
            for p in persons.persons
        ],
    }


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_the_indexed_merge_equals_the_pairwise_merge(rows: list[Row]) -> None:
    assert outcome(ResponsableRows, rows) == outcome(PairwiseRows, rows)


def test_a_chain_of_evidence_merges_groups_into_the_earliest() -> None:
    """Rows 2 and 3 are apart until row 4 shares row 2's email and row 3's address."""
    rows = [
        resp("MME", "MARTIN", "Ana", email="a@example.org", children=[CHILDREN[0]]),
        resp("MME", "MARTIN", "Ana", adresse="3 rue des Lilas", children=[CHILDREN[1]]),
        resp("MME", "MARTIN", "Ana", email="a@example.org", adresse="3 rue des Lilas"),
        resp("MME", "MARTIN", "Ana", adresse="3 rue des Lilas", portable="0612345678"),
    ]
    got = outcome(ResponsableRows, rows)
    assert got == outcome(PairwiseRows, rows)
    assert [lines for _, lines, _, _ in got["persons"]] == [[2, 3, 4, 5]]


def test_a_long_chain_and_homonyms_beside_it() -> None:
    """One person over 30 rows (each sharing its address or its email with the row
    before), homonyms kept apart around it, and a late row joining two of them."""
    rows = [
        resp("MME", "MARTIN", "Ana", adresse=f"{i // 2} rue Neuve", email=f"a{(i + 1) // 2}@x.org")
        for i in range(30)
    ]
    rows.insert(5, resp("MME", "MARTIN", "Ana", email="autre@x.org"))
    rows.insert(20, resp("MME", "MARTIN", "Ana", adresse="9 place Haute"))
    rows.append(resp("MME", "MARTIN", "Ana", email="autre@x.org", adresse="9 place Haute"))
    got = outcome(ResponsableRows, rows)
    assert got == outcome(PairwiseRows, rows)
    assert [len(lines) for _, lines, _, _ in got["persons"]] == [30, 3]
