"""Diagnosis of a missing child: grouping conditions, manual grouping, school's action."""

from __future__ import annotations

import datetime as dt

from educonnect_core.diagnosis import Actor
from educonnect_core.grouping import Difference, Member, group
from educonnect_core.missing_child import Situation, diagnose_missing_child
from educonnect_core.people import Profile
from educonnect_core.persons import PersonView

from .families import COLLEGE, ECOLE, LYCEE, college, ecole, lycee
from .test_core_persons import AT, _accounts

NEXT_MORNING = dt.datetime(2026, 9, 3, 6, 0, tzinfo=dt.UTC)


def _diagnose(parent: str, child: Member, *, active: str | None = None):  # type: ignore[no-untyped-def]
    schools = [college(), lycee(), ecole()]
    view = PersonView(group(schools), _accounts(claire_active_at=active))
    return diagnose_missing_child(
        {s.uai: s for s in schools}, view, parent, child, at=AT, effective_from=NEXT_MORNING
    )


def test_paul_misses_emma_because_the_mobile_differs() -> None:
    answer = _diagnose(f"R-{COLLEGE}-5302", Member(LYCEE, Profile.ELEVE, "2001"))
    assert answer.situation is Situation.GROUPABLE
    assert answer.other == Member(LYCEE, Profile.RESPONSABLE, "7302")
    assert answer.differences == (Difference.MOBILE,)
    fix, school, parent = answer.steps
    assert fix.actor is Actor.SCHOOL_SIECLE
    assert fix.effective_from == NEXT_MORNING
    assert "+33611111111" in fix.fr
    assert "+33644444444" in fix.fr
    assert school.actor is Actor.SCHOOL_ADMIN_MODULE
    assert f"R-{LYCEE}-7302" in school.fr
    assert parent.actor is Actor.PERSON
    assert "Ajouter des élèves depuis un autre compte" in parent.fr
    assert "Differences: the mobile number differs" in answer.render("en")


def test_claire_already_sees_jules_of_the_école() -> None:
    answer = _diagnose(f"R-{COLLEGE}-5301", Member(ECOLE, Profile.ELEVE, "E1"))
    assert answer.situation is Situation.ALREADY_GROUPED


def test_a_parent_of_another_name_cannot_group_by_hand() -> None:
    answer = _diagnose(f"R-{COLLEGE}-5304", Member(LYCEE, Profile.ELEVE, "2001"))
    assert answer.situation is Situation.NAME_DIFFERS
    assert Difference.LAST_NAME in answer.differences
    assert "n'est pas possible" in answer.steps[-1].fr


def test_a_child_without_legal_link_needs_the_siecle_link() -> None:
    answer = _diagnose(f"R-{COLLEGE}-5301", Member(LYCEE, Profile.ELEVE, "2003"))
    assert answer.situation is Situation.NO_LEGAL_LINK
    assert "NIVEAU_RESPONSABILITE = 1" in answer.steps[0].fr


def test_unknown_child() -> None:
    answer = _diagnose(f"R-{COLLEGE}-5301", Member(LYCEE, Profile.ELEVE, "nobody"))
    assert answer.situation is Situation.UNKNOWN_CHILD
