"""Help-desk diagnosis: the three frequent problems, forgotten identifier and password."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given
from hypothesis import strategies as st

from educonnect_core.accounts import Account, ProvisionalCredential
from educonnect_core.blockers import BlockerCode
from educonnect_core.diagnosis import Actor, Diagnosis, Problem, diagnose
from educonnect_core.eligibility import Child, EvaluationContext
from educonnect_core.people import (
    Eleve,
    Link,
    Profile,
    Responsable,
    ResponsibilityLevel,
    StudentStatus,
)
from educonnect_core.routes import Route
from educonnect_core.states import AccountState, Event
from educonnect_core.testing import strategies as ecs
from educonnect_core.values import Uai

B = BlockerCode
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 1, 12, 15, 0, tzinfo=PARIS)
NEXT_MORNING = dt.datetime(2026, 1, 13, 6, 0, tzinfo=PARIS)
CTX = EvaluationContext(at=NOW, school_year=2025)
UAI = Uai("0990007V")
MEF_5E = "10110001110"


def student(birth_date: str | None = "14/03/2013", eleve_id: str = "2410501") -> Eleve:
    return Eleve.from_raw(
        eleve_id=eleve_id,
        last_name="Martin",
        first_name="Léa",
        birth_date=birth_date,
        mef=MEF_5E,
    )


def parent(
    mobile: str | None = "06 12 34 56 78", email: str | None = "c.martin@exemple.fr"
) -> Responsable:
    return Responsable.from_raw(
        personne_id="5301001",
        last_name="Martin",
        first_name="Claire",
        mobile=mobile,
        email=email,
    )


def kids(*students: Eleve) -> list[Child]:
    return [
        Child(s, Link(s.eleve_id, "5301001", ResponsibilityLevel.LEGAL))
        for s in students or (student(),)
    ]


def texts(diagnosis: Diagnosis, problem: Problem, lang: str = "fr") -> list[str]:
    return [step.text(lang) for step in diagnosis.issue(problem).steps]


def test_clean_data_nothing_to_say() -> None:
    result = diagnose(parent(), CTX, children=kids())
    assert result.ok
    assert "Aucun problème" in result.render()
    assert result.unblocked_today


def test_missing_mobile_steps_in_order_with_paper_meanwhile() -> None:
    result = diagnose(parent(mobile=None), CTX, children=kids())
    assert result.problems == (Problem.MOBILE,)
    issue = result.issue(Problem.MOBILE)
    assert issue.codes == (B.MISSING_MOBILE,)
    actors = [s.actor for s in issue.steps]
    assert actors == [
        Actor.SCHOOL_ADMIN_MODULE,  # compare the admin module with SIECLE
        Actor.SCHOOL_SIECLE,  # fix it in SIECLE
        Actor.SCHOOL_ADMIN_MODULE,  # meanwhile, paper
        Actor.PERSON,  # next morning: SMS or FranceConnect
    ]
    siecle = issue.steps[1]
    assert siecle.effective_from == NEXT_MORNING
    assert "13/01/2026 à 06:00" in siecle.fr
    paper = issue.steps[2]
    assert paper.unblocks_today
    assert "papier" in paper.fr
    assert "paper" in paper.en
    assert issue.steps[3].effective_from == NEXT_MORNING


def test_landline_says_which_number() -> None:
    result = diagnose(parent(mobile="01 23 45 67 89"), CTX, children=kids())
    issue = result.issue(Problem.MOBILE)
    assert issue.codes == (B.NOT_A_MOBILE,)
    assert "01 23 45 67 89" in issue.summary_fr
    assert "01 23 45 67 89" in issue.summary_en


def test_missing_name_is_a_mobile_route_problem() -> None:
    person = attrs.evolve(parent(), name=attrs.evolve(parent().name, first=""))
    issue = diagnose(person, CTX, children=kids()).issue(Problem.MOBILE)
    assert issue.codes == (B.MISSING_NAME,)
    assert "nom et le prénom" in issue.steps[1].fr


def test_email_problem_offers_paper_and_says_the_email_stays_out_of_siecle() -> None:
    result = diagnose(parent(email="claire@exemple"), CTX, children=kids())
    issue = result.issue(Problem.EMAIL)
    assert issue.codes == (B.INVALID_EMAIL,)
    assert issue.steps[0].actor is Actor.SCHOOL_SIECLE
    assert issue.steps[0].effective_from == NEXT_MORNING
    paper = issue.steps[1]
    assert paper.unblocks_today
    assert "n'est pas reportée dans SIECLE" in paper.fr
    # SMS self-registration is open: say so
    assert any("SMS" in s.fr for s in issue.steps[2:])


def test_missing_email_for_students_is_not_a_problem_unless_reported() -> None:
    assert diagnose(student(), CTX).ok
    reported = diagnose(student(), CTX, reported=Problem.EMAIL)
    assert reported.issue(Problem.EMAIL).codes == (B.MISSING_EMAIL,)


def test_wrong_birth_date_blocks_everything_and_paper_does_not_help() -> None:
    bad = student("31/02/2013", eleve_id="2410502")
    result = diagnose(parent(mobile=None), CTX, children=kids(student(), bad))
    assert result.problems[0] is Problem.BIRTH_DATE  # most blocking first
    issue = result.issue(Problem.BIRTH_DATE)
    assert "Martin Léa" in issue.steps[0].fr
    assert issue.steps[0].effective_from == NEXT_MORNING
    assert not any(s.unblocks_today for i in result.issues for s in i.steps)
    assert "ne débloque pas" in issue.steps[1].fr
    assert "« 31/02/2013 » n'est pas une date valide" in issue.summary_fr
    assert "'31/02/2013' is not a valid date" in issue.summary_en
    assert not result.unblocked_today
    # the mobile issue is still listed, without a paper step
    assert all(not s.unblocks_today for s in result.issue(Problem.MOBILE).steps)


def test_reported_birth_date_that_looks_right() -> None:
    result = diagnose(student(), CTX, reported=Problem.BIRTH_DATE)
    issue = result.issue(Problem.BIRTH_DATE)
    assert issue.codes == ()
    assert "Vérifier avec la famille" in issue.steps[0].fr


def test_student_left_blocks_and_no_credentials() -> None:
    gone = attrs.evolve(student(), status=StudentStatus.LEFT, left_on=dt.date(2025, 12, 19))
    result = diagnose(gone, CTX)
    issue = result.issue(Problem.ACCOUNT)
    assert issue.codes == (B.STUDENT_LEFT,)
    assert "2025-12-19" in issue.summary_fr
    assert "Ne pas distribuer" in issue.steps[-1].fr


def test_not_legal_representative() -> None:
    link = Link("2410501", "5301001", ResponsibilityLevel.CONTACT)
    result = diagnose(parent(), CTX, children=[Child(student(), link)])
    assert result.issue(Problem.ACCOUNT).codes == (B.NOT_LEGAL_REPRESENTATIVE,)


def notified(day: dt.date, profile: Profile = Profile.ELEVE) -> Account:
    letter = ProvisionalCredential.issue("fake$00", day, channel="paper")
    at = dt.datetime.combine(day, dt.time(9), tzinfo=PARIS)
    return Account.open(UAI, profile, "2410501").apply(Event.NOTIFY, at, credential=letter)


def test_expired_notification_renotify_on_paper() -> None:
    result = diagnose(student(), CTX, account=notified(dt.date(2025, 9, 1)))
    issue = result.issue(Problem.ACCOUNT)
    assert issue.codes == (B.NOTIFICATION_EXPIRED,)
    assert len(issue.steps) == 1
    assert issue.steps[0].unblocks_today
    assert "notifier à nouveau" in issue.steps[0].fr


def activated(route: Route = Route.PROVISIONAL_PAPER, profile: Profile = Profile.ELEVE) -> Account:
    account = notified(dt.date(2026, 1, 5), profile)
    return attrs.evolve(
        account.apply(Event.ACTIVATE, NOW - dt.timedelta(days=1), route=route),
        identifier="lea.martin3",
    )


def test_forgotten_password_of_an_activated_account() -> None:
    result = diagnose(student(), CTX, account=activated(), reported=Problem.FORGOTTEN_PASSWORD)
    assert result.problems == (Problem.FORGOTTEN_PASSWORD,)
    steps = texts(result, Problem.FORGOTTEN_PASSWORD)
    assert steps[0].startswith("Vérifier l'identité")
    assert "Réinitialiser le mot de passe" in steps[1]
    assert "nouveau mot de passe" in steps[2]


def test_self_service_recovery_comes_first_when_its_data_are_known() -> None:
    """« Mot de passe oublié » by SMS to the mobile the school gave (or by the e-mail
    confirmed at activation) first; the school's reset is the fallback."""
    account = activated(profile=Profile.RESPONSABLE)
    result = diagnose(
        parent(), CTX, children=kids(), account=account, reported=Problem.FORGOTTEN_PASSWORD
    )
    steps = texts(result, Problem.FORGOTTEN_PASSWORD)
    assert steps[0].startswith("D'abord, la personne utilise « Mot de passe oublié »")
    assert "par SMS" in steps[0]
    assert result.issue(Problem.FORGOTTEN_PASSWORD).steps[0].actor is Actor.PERSON
    assert steps[1].startswith("Vérifier l'identité")
    assert "Réinitialiser le mot de passe" in steps[2]
    without = diagnose(
        parent(mobile=None),
        CTX,
        children=kids(),
        account=account,
        reported=Problem.FORGOTTEN_PASSWORD,
    )
    assert texts(without, Problem.FORGOTTEN_PASSWORD)[0].startswith("Vérifier l'identité")


def test_no_password_reset_for_a_franceconnect_account() -> None:
    account = Account.open(UAI, Profile.RESPONSABLE, "5301001").apply(
        Event.ACTIVATE, NOW, route=Route.FRANCECONNECT
    )
    result = diagnose(
        parent(), CTX, children=kids(), account=account, reported=Problem.FORGOTTEN_PASSWORD
    )
    steps = texts(result, Problem.FORGOTTEN_PASSWORD)
    assert not [s for s in steps if "Réinitialiser" in s]
    assert "n'a pas de mot de passe EduConnect" in steps[1]
    assert "FranceConnect" in result.issue(Problem.FORGOTTEN_PASSWORD).summary_fr


def test_forgotten_identifier_gives_it() -> None:
    result = diagnose(student(), CTX, account=activated(), reported=Problem.FORGOTTEN_IDENTIFIER)
    assert "lea.martin3" in texts(result, Problem.FORGOTTEN_IDENTIFIER)[-1]
    assert result.state is AccountState.ACTIVATED


def test_forgotten_password_with_franceconnect() -> None:
    account = Account.open(UAI, Profile.RESPONSABLE, "5301001").apply(
        Event.ACTIVATE, NOW, route=Route.FRANCECONNECT
    )
    result = diagnose(
        parent(), CTX, children=kids(), account=account, reported=Problem.FORGOTTEN_PASSWORD
    )
    assert "FranceConnect" in texts(result, Problem.FORGOTTEN_PASSWORD)[0]


def test_forgotten_password_before_activation_points_to_the_letter() -> None:
    result = diagnose(
        student(), CTX, account=notified(dt.date(2026, 1, 5)), reported=Problem.FORGOTTEN_PASSWORD
    )
    steps = result.issue(Problem.FORGOTTEN_PASSWORD).steps
    assert "05/01/2026" in steps[0].fr
    assert steps[-1].unblocks_today  # re-notify on paper


def test_forgotten_identifier_without_account_activation_routes() -> None:
    result = diagnose(parent(), CTX, children=kids(), reported=Problem.FORGOTTEN_IDENTIFIER)
    issue = result.issue(Problem.FORGOTTEN_IDENTIFIER)
    assert "pas encore activé" in issue.summary_fr
    assert "auto-inscription" in issue.steps[0].fr


def test_forgotten_password_of_a_deactivated_account() -> None:
    account = activated().apply(Event.DEACTIVATE, NOW, reason="student_left")
    result = diagnose(student(), CTX, account=account, reported=Problem.FORGOTTEN_PASSWORD)
    assert "désactivé" in result.issue(Problem.FORGOTTEN_PASSWORD).summary_fr
    assert result.issue(Problem.ACCOUNT).codes == (B.ACCOUNT_DEACTIVATED,)


def test_activation_problem_reported_on_an_activated_account() -> None:
    result = diagnose(student(), CTX, account=activated(), reported=Problem.MOBILE)
    assert result.issue(Problem.MOBILE).codes == (B.ACCOUNT_ALREADY_ACTIVATED,)


def test_mobile_reported_for_a_student() -> None:
    result = diagnose(student(), CTX, reported=Problem.MOBILE)
    assert "Les élèves" in result.issue(Problem.MOBILE).summary_fr


def test_render_both_languages() -> None:
    result = diagnose(parent(mobile=None, email=None), CTX, children=kids())
    fr, en = result.render("fr"), result.render("en")
    assert "1. Comparer" in fr
    assert "1. Compare" in en
    assert "État du compte" in fr
    assert "Account state" in en


# --- properties --------------------------------------------------------------------------------

contexts = st.builds(
    EvaluationContext,
    at=st.datetimes(dt.datetime(2025, 9, 1), dt.datetime(2026, 7, 1), timezones=st.just(PARIS)),
    school_year=st.just(2025) | st.none(),
)


@given(ecs.families(messy=True), contexts, st.sampled_from([None, *Problem]), st.data())
def test_every_issue_has_steps_in_both_languages(
    family: ecs.Family, ctx: EvaluationContext, reported: Problem | None, data: st.DataObject
) -> None:
    person = data.draw(st.sampled_from(family.responsables + family.eleves))
    children = family.children_of(person.personne_id) if isinstance(person, Responsable) else ()
    result = diagnose(person, ctx, children=children, reported=reported)
    if reported is not None and reported is not Problem.ACCOUNT:
        assert reported in result.problems
    for issue in result.issues:
        assert issue.summary_fr
        assert issue.summary_en
        assert issue.steps
        for step in issue.steps:
            assert step.fr
            assert step.en
            assert step.fr != step.en


@given(ecs.families(messy=True), contexts, st.data())
def test_paper_step_appears_exactly_when_paper_unblocks_today(
    family: ecs.Family, ctx: EvaluationContext, data: st.DataObject
) -> None:
    person = data.draw(st.sampled_from(family.responsables))
    children = family.children_of(person.personne_id)
    result = diagnose(person, ctx, children=children)
    paper_blockers = result.eligibility[Route.PROVISIONAL_PAPER].blockers

    def offers_paper(problem: Problem) -> bool:
        steps = result.issue(problem).steps
        return any(s.unblocks_today and "papier" in s.fr for s in steps)

    for problem in result.problems:
        if paper_blockers:
            assert not offers_paper(problem)
        elif problem in (Problem.MOBILE, Problem.EMAIL):
            assert offers_paper(problem)


def test_student_with_implausible_birth_date_is_named() -> None:
    result = diagnose(student("14/03/2021"), CTX)
    issue = result.issue(Problem.BIRTH_DATE)
    assert "Martin Léa : 14/03/2021 impossible" in issue.summary_fr
    assert "(Martin Léa)" in issue.steps[0].fr


def test_missing_birth_date() -> None:
    issue = diagnose(student(None), CTX).issue(Problem.BIRTH_DATE)
    assert "date absente" in issue.summary_fr


@given(
    ecs.eleves(messy=True),
    ecs.accounts(profile=Profile.ELEVE),
    contexts,
    st.sampled_from([None, *Problem]),
)
def test_diagnosis_of_an_account_in_any_state(
    eleve: Eleve, account: Account, ctx: EvaluationContext, reported: Problem | None
) -> None:
    result = diagnose(eleve, ctx, account=account, reported=reported)
    assert result.state is account.state
    for issue in result.issues:
        assert issue.steps
    if account.state in (AccountState.ACTIVATED, AccountState.PASSWORD_RESET):
        assert result.problems == (() if reported is None else (reported,))
    if reported in (Problem.FORGOTTEN_IDENTIFIER, Problem.FORGOTTEN_PASSWORD):
        assert result.problems[-1] is reported


def test_a_valid_letter_already_handed_out_is_the_way_in_today() -> None:
    account = notified(dt.date(2026, 1, 5), Profile.RESPONSABLE)
    result = diagnose(parent(mobile=None), CTX, children=kids(), account=account)
    paper = [s for s in result.issue(Problem.MOBILE).steps if s.unblocks_today]
    assert len(paper) == 1
    assert "notification déjà remise (valable jusqu'au 05/04/2026)" in paper[0].fr
    assert paper[0].actor is Actor.PERSON


def test_an_unusual_age_is_to_check_not_a_blocker() -> None:
    result = diagnose(student("14/03/2007"), CTX)  # 18 in 5e
    issue = result.issue(Problem.BIRTH_DATE)
    assert "inhabituelle pour la classe" in issue.summary_fr
    assert "ne bloque pas" in issue.summary_fr
    assert issue.codes == ()
