"""Grouping ("rapprochement"): invented families over three schools, and properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from educonnect_core.grouping import (
    Difference,
    SchoolRecords,
    compare_responsables,
    eleve_key,
    group,
    responsable_key,
)
from educonnect_core.people import Eleve, Profile, Responsable
from educonnect_core.values import Uai

from .families import COLLEGE, ECOLE, LYCEE, college, ecole, eleve, lycee, responsable


def _ids(*pairs: tuple[str, Uai, str]) -> frozenset[str]:
    return frozenset(f"{p}-{uai}-{i}" for p, uai, i in pairs)


def test_claire_is_one_person_across_collège_lycée_and_école() -> None:
    persons = group([college(), lycee(), ecole()])
    claire = persons.of_account(f"R-{COLLEGE}-5301")
    assert claire is not None
    assert frozenset(claire.account_ids) == _ids(
        ("R", COLLEGE, "5301"), ("R", LYCEE, "7301"), ("R", ECOLE, "P1")
    )
    assert claire.schools == (COLLEGE, LYCEE, ECOLE)
    assert claire.grouped
    assert claire.person_id == f"R-{COLLEGE}-5301"


def test_paul_with_another_mobile_is_a_candidate_never_merged() -> None:
    persons = group([college(), lycee()])
    a, b = persons.of_account(f"R-{COLLEGE}-5302"), persons.of_account(f"R-{LYCEE}-7302")
    assert a is not None
    assert b is not None
    assert a is not b
    (paul,) = [c for c in persons.candidates if c.first == f"R-{COLLEGE}-5302"]
    assert paul.second == f"R-{LYCEE}-7302"
    assert paul.differences == (Difference.MOBILE,)


def test_homonyms_with_nothing_in_common_are_neither_grouped_nor_candidates() -> None:
    persons = group([college(), lycee()])
    assert persons.of_account(f"R-{COLLEGE}-5304") is not persons.of_account(f"R-{LYCEE}-7304")
    assert not [c for c in persons.candidates if f"R-{COLLEGE}-5304" in (c.first, c.second)]


def test_student_is_the_same_person_by_ine_and_without_ine_only_a_candidate() -> None:
    persons = group([college(), lycee()])
    noah = persons.of_account(f"E-{COLLEGE}-1002")
    assert noah is not None
    assert frozenset(noah.account_ids) == _ids(("E", COLLEGE, "1002"), ("E", LYCEE, "2002"))
    assert noah.key == ("INE", "100900000BB")
    lou = [c for c in persons.candidates if c.profile is Profile.ELEVE]
    assert [(c.first, c.second, c.differences) for c in lou] == [
        (f"E-{COLLEGE}-1003", f"E-{LYCEE}-2003", (Difference.INE_MISSING,))
    ]


def test_missing_email_or_mobile_never_groups() -> None:
    a = responsable("1", "MARTIN", "Claire", None, "0612345678")
    b = responsable("2", "MARTIN", "Claire", None, "0612345678")
    assert responsable_key(a) is None
    assert compare_responsables(a, b) == (Difference.EMAIL_MISSING,)
    persons = group(
        [SchoolRecords(COLLEGE, responsables=(a,)), SchoolRecords(LYCEE, responsables=(b,))]
    )
    assert len(persons) == 2
    assert [c.differences for c in persons.candidates] == [(Difference.EMAIL_MISSING,)]


def test_counts_on_the_three_schools() -> None:
    persons = group([college(), lycee(), ecole()])
    # 4 + 3 + 1 élève records, Noah counted once
    assert len(persons.by_profile(Profile.ELEVE)) == 7
    # 4 + 4 + 1 responsable records, Claire (3 records) and Sarah (2) grouped
    assert len(persons.by_profile(Profile.RESPONSABLE)) == 6


# --- properties --------------------------------------------------------------------------

UAIS = (COLLEGE, LYCEE, ECOLE, Uai("0990020J"))
_last = st.sampled_from(["MARTIN", "Martin", "DURAND", "Léa", "LEA"])
_first = st.sampled_from(["Claire", "CLAIRE", "Paul", "Zoé", "ZOE"])
_email = st.sampled_from([None, "a@example.org", "A@example.org", "b@example.org", "bad@"])
_mobile = st.sampled_from([None, "0612345678", "+33612345678", "0699999999", "0140000000"])
_ine = st.sampled_from([None, "120300000AA", "120300000aa", "080600000EE", "bad"])
_birth = st.sampled_from(["12/03/2012", "20/06/2008"])


@st.composite
def schools(draw: st.DrawFn) -> list[SchoolRecords]:
    found = []
    for uai in draw(st.lists(st.sampled_from(UAIS), min_size=1, max_size=4, unique=True)):
        n = draw(st.integers(0, 5))
        resp = tuple(
            responsable(str(i), draw(_last), draw(_first), draw(_email), draw(_mobile))
            for i in range(n)
        )
        eleves = tuple(
            eleve(f"e{i}", draw(_last), draw(_first), draw(_birth), draw(_ine))
            for i in range(draw(st.integers(0, 4)))
        )
        found.append(SchoolRecords(uai, eleves=eleves, responsables=resp))
    return found


def _records(
    given_schools: list[SchoolRecords],
) -> dict[str, Eleve | Responsable]:
    found: dict[str, Eleve | Responsable] = {}
    for school in given_schools:
        for e in school.eleves:
            found[f"E-{school.uai}-{e.eleve_id}"] = e
        for r in school.responsables:
            found[f"R-{school.uai}-{r.personne_id}"] = r
    return found


def _key(record: Eleve | Responsable) -> tuple[str, ...] | None:
    return eleve_key(record) if isinstance(record, Eleve) else responsable_key(record)


@settings(max_examples=150)
@given(schools(), st.randoms(use_true_random=False))
def test_grouping_does_not_depend_on_the_order_of_the_schools(
    given_schools: list[SchoolRecords], rnd: object
) -> None:
    shuffled = list(given_schools)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    first, second = group(given_schools), group(shuffled)
    assert first.partition() == second.partition()
    assert first.candidates == second.candidates
    assert [p.person_id for p in first] == [p.person_id for p in second]


@settings(max_examples=150)
@given(schools())
def test_no_two_records_are_merged_unless_the_rule_holds(
    given_schools: list[SchoolRecords],
) -> None:
    records = _records(given_schools)
    persons = group(given_schools)
    assert sorted(a for p in persons for a in p.account_ids) == sorted(records)
    for person in persons:
        keys = {_key(records[a]) for a in person.account_ids}
        if person.grouped:
            # every member meets the rule with every other: one key, never None
            assert len(keys) == 1
            assert None not in keys
        for a in person.account_ids:
            for b in person.account_ids:
                if a != b and person.profile is Profile.RESPONSABLE:
                    ra, rb = records[a], records[b]
                    assert isinstance(ra, Responsable)
                    assert isinstance(rb, Responsable)
                    assert compare_responsables(ra, rb) == ()
    # and records meeting the rule are never left apart
    for a, ra in records.items():
        for b, rb in records.items():
            if a < b and a[0] == b[0] and _key(ra) is not None and _key(ra) == _key(rb):
                assert persons.of_account(a) is persons.of_account(b)
    # candidates are always two different persons
    for c in persons.candidates:
        assert persons.of_account(c.first) is not persons.of_account(c.second)
        assert c.differences
