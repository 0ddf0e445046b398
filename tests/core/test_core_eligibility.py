"""Eligibility: each blocker code, and properties over random families."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from educonnect_core.accounts import Account, ProvisionalCredential
from educonnect_core.blockers import CATALOGUE, BlockerCode, FixLocation
from educonnect_core.eligibility import (
    Child,
    Eligibility,
    EvaluationContext,
    birth_date_notice,
    birth_date_problem,
    evaluate,
)
from educonnect_core.people import (
    Degree,
    Eleve,
    Link,
    Profile,
    Responsable,
    ResponsibilityLevel,
    StudentStatus,
)
from educonnect_core.routes import Route
from educonnect_core.states import Event
from educonnect_core.testing import strategies as ecs
from educonnect_core.values import MobilePhone, Uai

B = BlockerCode
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 1, 12, 15, 0, tzinfo=PARIS)
CTX = EvaluationContext(at=NOW, school_year=2025)
NEXT_MORNING = dt.datetime(2026, 1, 13, 6, 0, tzinfo=PARIS)
UAI = Uai("0990007V")
COLLEGE_5E = "10110001110"  # CODE_MEF of a 5e: expected age 12 on 31/12


def eleve(**changes: Any) -> Eleve:
    base = Eleve.from_raw(
        eleve_id="2410501",
        last_name="Martin",
        first_name="Léa",
        birth_date="14/03/2013",
        mef=COLLEGE_5E,
        email="lea.martin@exemple.fr",
    )
    return attrs.evolve(base, **changes)


def responsable(**raw: str | None) -> Responsable:
    fields: dict[str, str | None] = {
        "personne_id": "5301001",
        "last_name": "Martin",
        "first_name": "Claire",
        "mobile": "06 12 34 56 78",
        "email": "claire.martin@exemple.fr",
    }
    fields.update(raw)
    return Responsable.from_raw(**fields)  # type: ignore[arg-type]


def child(
    student: Eleve | None = None, level: ResponsibilityLevel = ResponsibilityLevel.LEGAL
) -> Child:
    student = student or eleve()
    return Child(student, Link(student.eleve_id, "5301001", level))


def codes(result: Eligibility, route: Route) -> set[BlockerCode]:
    return {b.code for b in result[route].blockers}


def test_clean_responsable_may_use_every_route_but_aten() -> None:
    result = evaluate(responsable(), CTX, children=[child()])
    assert set(result.eligible_routes) == {
        Route.FRANCECONNECT,
        Route.SMS_SELF_REGISTRATION,
        Route.PROVISIONAL_PAPER,
        Route.PROVISIONAL_EMAIL,
    }
    assert codes(result, Route.ATEN_TRANSITION) == {B.NO_ATEN_ACCOUNT}


def test_clean_student_may_use_notification_only() -> None:
    result = evaluate(eleve(), CTX)
    assert set(result.eligible_routes) == {Route.PROVISIONAL_PAPER, Route.PROVISIONAL_EMAIL}
    assert codes(result, Route.FRANCECONNECT) == {B.ROUTE_NOT_FOR_PROFILE}
    assert codes(result, Route.SMS_SELF_REGISTRATION) == {B.ROUTE_NOT_FOR_PROFILE}


def test_missing_mobile_closes_sms_and_franceconnect() -> None:
    result = evaluate(responsable(mobile=None), CTX, children=[child()])
    for route in (Route.FRANCECONNECT, Route.SMS_SELF_REGISTRATION):
        assert codes(result, route) == {B.MISSING_MOBILE}
    assert result[Route.PROVISIONAL_PAPER].eligible
    blocker = result[Route.SMS_SELF_REGISTRATION].blockers[0]
    assert blocker.field == "mobile"
    assert blocker.subject_id == "5301001"
    assert blocker.fix_in is FixLocation.SIECLE
    assert blocker.effective_from == NEXT_MORNING


def test_landline_is_not_a_mobile() -> None:
    result = evaluate(responsable(mobile="01 23 45 67 89"), CTX, children=[child()])
    assert codes(result, Route.SMS_SELF_REGISTRATION) == {B.NOT_A_MOBILE}
    assert result[Route.SMS_SELF_REGISTRATION].blockers[0].detail == "01 23 45 67 89"


def test_missing_name_closes_sms_and_franceconnect() -> None:
    result = evaluate(responsable(first_name=""), CTX, children=[child()])
    assert codes(result, Route.FRANCECONNECT) == {B.MISSING_NAME}


def test_missing_email_closes_email_notification_only() -> None:
    result = evaluate(responsable(email=None), CTX, children=[child()])
    assert codes(result, Route.PROVISIONAL_EMAIL) == {B.MISSING_EMAIL}
    assert result[Route.PROVISIONAL_PAPER].eligible
    assert result[Route.SMS_SELF_REGISTRATION].eligible


def test_invalid_email() -> None:
    result = evaluate(responsable(email="claire@exemple"), CTX, children=[child()])
    assert codes(result, Route.PROVISIONAL_EMAIL) == {B.INVALID_EMAIL}


def test_student_without_email_can_still_get_paper() -> None:
    result = evaluate(eleve(email=None), CTX)
    assert codes(result, Route.PROVISIONAL_EMAIL) == {B.MISSING_EMAIL}
    assert result[Route.PROVISIONAL_PAPER].eligible


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (None, "missing"),
        ("31/02/2013", "malformed"),
        ("14/03/2021", "impossible"),  # 4 years old in 5e
        ("14/03/2027", "impossible"),  # in the future
    ],
)
def test_invalid_birth_date_blocks_every_route_of_student_and_responsable(
    raw: str | None, why: str
) -> None:
    student = Eleve.from_raw(
        eleve_id="2410501", last_name="Martin", first_name="Léa", birth_date=raw, mef=COLLEGE_5E
    )
    for result in (evaluate(student, CTX), evaluate(responsable(), CTX, children=[child(student)])):
        assert result.blocked
        for answer in result:
            assert B.INVALID_BIRTH_DATE in {b.code for b in answer.blockers}
        blocker = next(b for b in result[Route.PROVISIONAL_PAPER].blockers)
        assert blocker.subject_id == "2410501"
        assert blocker.detail is not None
        assert blocker.detail.startswith(why)


def _born(day: str, mef: str | None = COLLEGE_5E) -> Eleve:
    return Eleve.from_raw(eleve_id="1", last_name="A", first_name="B", birth_date=day, mef=mef)


def test_unusual_ages_are_notices_not_blockers() -> None:
    # 5e: expected 12 on 31/12/2025, usual 9..16
    assert birth_date_problem(eleve(), 2025) is None
    assert birth_date_notice(eleve(), 2025) is None
    assert birth_date_notice(_born("01/01/2016"), 2025) is None  # 9
    assert birth_date_notice(_born("01/01/2009"), 2025) is None  # 16
    old = _born("31/12/2008")  # 17 in 5e: unusual, possible
    assert birth_date_problem(old, 2025) is None
    assert birth_date_notice(old, 2025) == (
        "unusual for the class: 17 years old on 31/12/2025, usual 9 to 16"
    )
    result = evaluate(old, CTX)
    assert B.INVALID_BIRTH_DATE not in result.blocker_codes()
    assert result[Route.PROVISIONAL_PAPER].eligible
    assert birth_date_notice(attrs.evolve(old, mef=None), 2025) is None  # no level: no notice
    assert birth_date_notice(old, None) is None  # no school year: only the form is checked


@pytest.mark.parametrize(
    ("day", "mef", "notice"),
    [
        ("02/05/1990", "31120005110", False),  # a 35-year-old BTS student
        ("02/05/1970", "31120005110", True),  # 55 in BTS: unusual, not blocking
        ("10/10/2005", "20010018110", True),  # a 20-year-old newcomer in seconde
        ("10/10/2003", "24700010110", False),  # 22 in a CAP (vocational, apprenticeship)
        ("10/10/1980", "99999999999", False),  # an unknown MEF family: no idea, no notice
    ],
)
def test_adults_and_late_starters_are_not_blocked(day: str, mef: str, notice: bool) -> None:
    student = _born(day, mef)
    assert birth_date_problem(student, 2025) is None
    assert (birth_date_notice(student, 2025) is not None) is notice
    assert not evaluate(student, CTX).blocked


@pytest.mark.parametrize(
    ("day", "degree", "blocked"),
    [
        ("01/01/1920", Degree.SECOND, True),  # 105: no pupil
        ("01/01/1926", Degree.SECOND, False),  # 99
        ("01/01/2019", Degree.SECOND, True),  # 6 in the 2nd degree
        ("01/01/2008", Degree.FIRST, True),  # 17 at école
        ("01/01/2010", Degree.FIRST, False),  # 15 at école: unusual, possible
    ],
)
def test_impossible_ages_block(day: str, degree: Degree, blocked: bool) -> None:
    problem = birth_date_problem(_born(day, None), 2025, degree)
    assert (problem is not None) is blocked
    if blocked:
        assert problem is not None
        assert problem.startswith("impossible")


def test_only_legal_representatives() -> None:
    result = evaluate(responsable(), CTX, children=[child(level=ResponsibilityLevel.CONTACT)])
    assert result.blocked
    assert B.NOT_LEGAL_REPRESENTATIVE in result.blocker_codes()


def test_no_current_student() -> None:
    gone = eleve(status=StudentStatus.LEFT, left_on=dt.date(2025, 12, 19))
    result = evaluate(responsable(), CTX, children=[child(gone)])
    assert result.blocked
    assert B.NO_CURRENT_STUDENT in result.blocker_codes()


def test_student_left() -> None:
    gone = Eleve.from_raw(
        eleve_id="1",
        last_name="Martin",
        first_name="Léa",
        birth_date="14/03/2013",
        mef=COLLEGE_5E,
        left_on=dt.date(2025, 12, 19),
        as_of=dt.date(2026, 1, 12),
    )
    result = evaluate(gone, CTX)
    assert result.blocked
    blocker = result[Route.PROVISIONAL_PAPER].blockers[0]
    assert blocker.code is B.STUDENT_LEFT
    assert blocker.detail == "left on 2025-12-19"


def test_left_in_the_future_is_still_current() -> None:
    leaving = Eleve.from_raw(
        eleve_id="1",
        last_name="A",
        first_name="B",
        left_on=dt.date(2026, 2, 1),
        as_of=dt.date(2026, 1, 12),
    )
    assert leaving.current


def activated_account(profile: Profile) -> Account:
    route = Route.FRANCECONNECT if profile is Profile.RESPONSABLE else Route.ATEN_TRANSITION
    return Account.open(UAI, profile, "5301001").apply(Event.ACTIVATE, NOW, route=route)


def test_account_already_activated() -> None:
    account = activated_account(Profile.RESPONSABLE)
    result = evaluate(responsable(), CTX, children=[child()], account=account)
    assert result.blocked
    blocker = result[Route.PROVISIONAL_PAPER].blockers[0]
    assert blocker.code is B.ACCOUNT_ALREADY_ACTIVATED
    assert blocker.fix_in is FixLocation.ADMIN_MODULE
    assert blocker.effective_from == NOW


def test_account_deactivated() -> None:
    account = activated_account(Profile.ELEVE).apply(Event.DEACTIVATE, NOW, reason="x")
    assert B.ACCOUNT_DEACTIVATED in evaluate(eleve(), CTX, account=account).blocker_codes()


def test_notification_expired() -> None:
    letter = ProvisionalCredential.issue("fake$00", dt.date(2025, 9, 1))
    account = Account.open(UAI, Profile.ELEVE, "2410501").apply(
        Event.NOTIFY, dt.datetime(2025, 9, 1, 9, tzinfo=PARIS), credential=letter
    )
    result = evaluate(eleve(), CTX, account=account)
    assert codes(result, Route.PROVISIONAL_PAPER) == {B.NOTIFICATION_EXPIRED}
    assert result[Route.PROVISIONAL_PAPER].blockers[0].detail == "valid until 2025-12-01"
    # still valid the day before expiry
    on_time = EvaluationContext(at=dt.datetime(2025, 12, 1, 20, tzinfo=PARIS), school_year=2025)
    assert evaluate(eleve(), on_time, account=account)[Route.PROVISIONAL_PAPER].eligible


def test_aten_route_needs_legacy_credentials() -> None:
    account = attrs.evolve(Account.open(UAI, Profile.ELEVE, "2410501"), has_aten_credentials=True)
    assert evaluate(eleve(), CTX, account=account)[Route.ATEN_TRANSITION].eligible
    assert Route.ATEN_TRANSITION.deprecated


def test_every_code_is_exercised_by_these_tests() -> None:
    seen: set[BlockerCode] = set()
    seen |= evaluate(
        responsable(mobile=None, email=None, first_name=""), CTX, children=[child()]
    ).blocker_codes()
    seen |= evaluate(
        responsable(mobile="0123456789", email="x@y"), CTX, children=[child()]
    ).blocker_codes()
    seen |= evaluate(eleve(birth_date=None), CTX).blocker_codes()
    seen |= evaluate(
        responsable(), CTX, children=[child(level=ResponsibilityLevel.EN_CHARGE)]
    ).blocker_codes()
    gone = eleve(status=StudentStatus.LEFT)
    seen |= evaluate(responsable(), CTX, children=[child(gone)]).blocker_codes()
    seen |= evaluate(gone, CTX).blocker_codes()
    seen |= evaluate(eleve(), CTX, account=activated_account(Profile.ELEVE)).blocker_codes()
    deactivated = activated_account(Profile.ELEVE).apply(Event.DEACTIVATE, NOW)
    seen |= evaluate(eleve(), CTX, account=deactivated).blocker_codes()
    letter = ProvisionalCredential.issue("fake$00", dt.date(2025, 9, 1))
    expired = Account.open(UAI, Profile.ELEVE, "1").apply(Event.NOTIFY, NOW, credential=letter)
    seen |= evaluate(eleve(), CTX, account=expired).blocker_codes()
    assert seen == set(BlockerCode)


# --- catalogue ---------------------------------------------------------------------------------


def test_catalogue_covers_every_code() -> None:
    assert set(CATALOGUE) == set(BlockerCode)


@pytest.mark.parametrize("code", list(BlockerCode))
def test_every_blocker_has_a_remedy_in_french_and_english(code: BlockerCode) -> None:
    info = CATALOGUE[code]
    assert len(info.remedy_fr) > 20
    assert len(info.remedy_en) > 20
    assert info.remedy_fr != info.remedy_en
    assert info.source
    if info.fix_in is FixLocation.SIECLE:
        assert "SIECLE" in info.remedy_fr
        assert "SIECLE" in info.remedy_en


# --- properties --------------------------------------------------------------------------------

contexts = st.builds(
    EvaluationContext,
    at=st.datetimes(dt.datetime(2025, 9, 1), dt.datetime(2026, 7, 1), timezones=st.just(PARIS)),
    school_year=st.just(2025) | st.none(),
)


@given(ecs.families(messy=True), contexts, ecs.mobile_phones(), st.data())
def test_adding_a_valid_mobile_never_removes_an_eligible_route(
    family: ecs.Family, ctx: EvaluationContext, mobile: MobilePhone, data: st.DataObject
) -> None:
    person = data.draw(st.sampled_from(family.responsables))
    children = family.children_of(person.personne_id)
    before = evaluate(person, ctx, children=children)
    after = evaluate(attrs.evolve(person, mobile=mobile), ctx, children=children)
    assert set(before.eligible_routes) <= set(after.eligible_routes)


@given(ecs.families(messy=True), contexts, st.data())
def test_every_blocker_of_every_answer_has_a_remedy(
    family: ecs.Family, ctx: EvaluationContext, data: st.DataObject
) -> None:
    person = data.draw(st.sampled_from(family.responsables + family.eleves))
    children = family.children_of(person.personne_id) if isinstance(person, Responsable) else ()
    result = evaluate(person, ctx, children=children)
    assert [a.route for a in result] == list(Route)
    for answer in result:
        for blocker in answer.blockers:
            assert blocker.remedy("fr")
            assert blocker.remedy("en")
            assert blocker.remedy("fr") == CATALOGUE[blocker.code].remedy_fr
            if blocker.fix_in is FixLocation.SIECLE:
                assert blocker.effective_from == ctx.siecle_fix_effective
                assert blocker.effective_from > ctx.at


@given(ecs.families(legal_only=True), contexts)
def test_clean_families_may_self_register(family: ecs.Family, ctx: EvaluationContext) -> None:
    for person in family.responsables:
        result = evaluate(person, ctx, children=family.children_of(person.personne_id))
        assert Route.SMS_SELF_REGISTRATION in result.eligible_routes


@given(ecs.eleves(), contexts)
def test_students_never_get_responsable_routes(student: Eleve, ctx: EvaluationContext) -> None:
    result = evaluate(student, ctx)
    assert Route.FRANCECONNECT not in result.eligible_routes
    assert Route.SMS_SELF_REGISTRATION not in result.eligible_routes
