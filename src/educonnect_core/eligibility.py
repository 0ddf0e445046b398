"""Eligibility: per account and per route, yes or no, and the blockers.

One entry point, :func:`evaluate`, for both profiles. It looks at the account's
state (when there is an account yet) and at the source data, and returns an
:class:`Eligibility` whose every closed route lists its
:class:`~educonnect_core.blockers.Blocker` objects, each with a remedy and the
moment that remedy takes effect (the next-morning rule for SIECLE fixes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Final

import attrs

from .accounts import Account
from .blockers import CATALOGUE, Blocker, BlockerCode, FixLocation
from .origins import DataOrigin
from .people import Degree, Eleve, Link, Profile, Responsable, School, origin_of_degree
from .routes import Route
from .schedule import RefreshSchedule
from .states import AccountState
from .values import BirthDate, EmailAddress, Invalid, MobilePhone

__all__ = [
    "HUMAN_AGE_RANGE",
    "USUAL_AGE_BY_MEF_FAMILY",
    "Child",
    "Eligibility",
    "EvaluationContext",
    "RouteEligibility",
    "birth_date_notice",
    "birth_date_problem",
    "evaluate",
    "evaluate_eleve",
    "evaluate_responsable",
]

B = BlockerCode
ALL_ROUTES: Final = tuple(Route)
assert ALL_ROUTES == (
    Route.FRANCECONNECT,
    Route.SMS_SELF_REGISTRATION,
    Route.PROVISIONAL_PAPER,
    Route.PROVISIONAL_EMAIL,
    Route.ATEN_TRANSITION,
), "evaluate_eleve and evaluate_responsable list per-route blockers in this order"
_RESP_ONLY: Final = (Route.FRANCECONNECT, Route.SMS_SELF_REGISTRATION)

#: Expected age on 31 December of the school year's first year, by the first three
#: digits of CODE_MEF (collège 6e…3e, lycée général et technologique 2de…Tle).
EXPECTED_AGE_BY_MEF: Final = {
    "100": 11,
    "101": 12,
    "102": 13,
    "103": 14,
    "200": 15,
    "201": 16,
    "202": 17,
}
#: Expected age on 31 December for the 1st-degree levels (ONDE ``Niveau``, kept in
#: ``Eleve.mef`` by the ONDE adapter).
EXPECTED_AGE_BY_LEVEL_1D: Final = {
    "TPS": 2,
    "PS": 3,
    "MS": 4,
    "GS": 5,
    "CP": 6,
    "CE1": 7,
    "CE2": 8,
    "CM1": 9,
    "CM2": 10,
}
#: Usual ages in the 1st degree when the level is unknown (our decision).
AGE_RANGE_FIRST_DEGREE: Final = (2, 13)
#: Usual age span around the expected age for a known level (our decision).
AGE_BELOW: Final = 3
AGE_ABOVE: Final = 4
#: Usual ages by MEF family (first digit of CODE_MEF) when the exact level is not
#: one of EXPECTED_AGE_BY_MEF: 1 collège (SEGPA, ULIS…), 2 lycée (CAP, bac pro,
#: apprenticeship, mentions complémentaires), 3 post-bac (BTS, CPGE, DN MADE…),
#: where adult learners are common (our decision).
USUAL_AGE_BY_MEF_FAMILY: Final = {"1": (10, 17), "2": (14, 26), "3": (17, 45)}
#: Ages no pupil of the degree can have: outside, the date itself is wrong and
#: blocks (our decision). Inside but unusual for the class, it is only a notice.
HUMAN_AGE_RANGE: Final = {Degree.FIRST: (1, 16), Degree.SECOND: (8, 100)}


@attrs.frozen
class EvaluationContext:
    """When the question is asked, the refresh schedule and the school year."""

    at: dt.datetime
    schedule: RefreshSchedule = RefreshSchedule()
    school_year: int | None = None
    #: 1st degree: ages are of an école.
    degree: Degree = Degree.SECOND
    #: the system data remedies are carried out in (remedies name it); by default
    #: that of the degree
    origin: DataOrigin = attrs.field(
        default=attrs.Factory(lambda ctx: origin_of_degree(ctx.degree), takes_self=True)
    )

    @classmethod
    def for_school(
        cls, school: School, at: dt.datetime, schedule: RefreshSchedule | None = None
    ) -> EvaluationContext:
        """The one context for a school's accounts at ``at``: its degree, its
        school year, where its data are fixed and the refresh schedule (default:
        06:00 Europe/Paris)."""
        return cls(
            at=at,
            schedule=schedule if schedule is not None else RefreshSchedule(),
            school_year=school.school_year,
            degree=school.degree,
            origin=school.data_origin,
        )

    @cached_property
    def siecle_fix_effective(self) -> dt.datetime:
        return self.schedule.effective_from(self.at)

    @cached_property
    def today(self) -> dt.date:
        """The local day of ``at`` (a birth date after it is impossible)."""
        return self.at.astimezone(self.schedule.tz).date()

    @cached_property
    def _parts(self) -> dict[BlockerCode, _BlockerParts]:
        """What every blocker of a code shares in this context, computed once."""
        return {code: _parts_of(code, self) for code in CATALOGUE}

    @cached_property
    def _not_for_student(self) -> tuple[Blocker]:
        """The one blocker of FranceConnect and SMS for a student."""
        return (_blocker(B.ROUTE_NOT_FOR_PROFILE, self, None),)

    @cached_property
    def _not_for_student_routes(self) -> tuple[RouteEligibility, RouteEligibility]:
        """FranceConnect and SMS of a student without other blockers: the same objects."""
        blockers = self._not_for_student
        return RouteEligibility(ALL_ROUTES[0], blockers), RouteEligibility(ALL_ROUTES[1], blockers)


@attrs.frozen
class Child:
    """A student as seen from a responsable: the student and the link."""

    eleve: Eleve
    link: Link


@attrs.frozen
class RouteEligibility:
    route: Route
    blockers: tuple[Blocker, ...] = ()

    @property
    def eligible(self) -> bool:
        return not self.blockers


#: An open route, the same object for every account (``RouteEligibility`` is frozen).
_OPEN: Final = tuple(RouteEligibility(route) for route in ALL_ROUTES)


@attrs.frozen
class Eligibility:
    """The answer for one account: every route, open or with its blockers."""

    profile: Profile
    siecle_id: str
    routes: tuple[RouteEligibility, ...]

    def __getitem__(self, route: Route) -> RouteEligibility:
        for answer in self.routes:
            if answer.route is route:
                return answer
        raise KeyError(route)

    def __iter__(self) -> Iterator[RouteEligibility]:
        return iter(self.routes)

    @property
    def eligible_routes(self) -> tuple[Route, ...]:
        return tuple(r.route for r in self.routes if r.eligible)

    @property
    def blocked(self) -> bool:
        """No route is open."""
        return not self.eligible_routes

    def blocker_codes(self) -> frozenset[BlockerCode]:
        return frozenset(b.code for r in self.routes for b in r.blockers)


def birth_date_problem(
    eleve: Eleve,
    school_year: int | None,
    degree: Degree = Degree.SECOND,
    today: dt.date | None = None,
) -> str | None:
    """Why the student's birth date blocks activation, or ``None`` if it can be right.

    Missing and malformed dates block, and so do impossible ones: after ``today``,
    or an age no pupil of the degree can have (:data:`HUMAN_AGE_RANGE`). An age
    merely unusual for the class is not a blocker (:func:`birth_date_notice`).
    """
    date = eleve.birth_date
    if date is None:
        return "missing"
    if isinstance(date, Invalid):
        return f"malformed: {date.raw!r}"
    if today is not None and date.value > today:
        return f"impossible: {date} is in the future"
    if school_year is None:
        return None
    age = date.age_on(dt.date(school_year, 12, 31))
    low, high = HUMAN_AGE_RANGE[degree]
    if low <= age <= high:
        return None
    return f"impossible: {age} years old on 31/12/{school_year}, expected {low} to {high}"


def birth_date_notice(
    eleve: Eleve, school_year: int | None, degree: Degree = Degree.SECOND
) -> str | None:
    """Why the student's birth date is worth checking although it blocks nothing
    (an age unusual for the class level), or ``None``."""
    date = eleve.birth_date
    if not isinstance(date, BirthDate) or school_year is None:
        return None
    if birth_date_problem(eleve, school_year, degree) is not None:
        return None
    window = _usual_ages(eleve.mef, degree)
    if window is None:
        return None
    age = date.age_on(dt.date(school_year, 12, 31))
    low, high = window
    if low <= age <= high:
        return None
    return f"unusual for the class: {age} years old on 31/12/{school_year}, usual {low} to {high}"


def _usual_ages(mef: str | None, degree: Degree) -> tuple[int, int] | None:
    if degree is Degree.FIRST:
        expected = EXPECTED_AGE_BY_LEVEL_1D.get((mef or "").strip().upper())
        fallback: tuple[int, int] | None = AGE_RANGE_FIRST_DEGREE
    else:
        code = (mef or "").strip()
        expected = EXPECTED_AGE_BY_MEF.get(code[:3])
        fallback = USUAL_AGE_BY_MEF_FAMILY.get(code[:1])  # None: no idea, no notice
    if expected is not None:
        return max(expected - AGE_BELOW, 1), expected + AGE_ABOVE
    return fallback


#: (field, fix_in, remedy_fr, remedy_en, effective_from) of a code in a context.
_BlockerParts = tuple[str | None, FixLocation, str, str, dt.datetime | None]


def _parts_of(code: BlockerCode, ctx: EvaluationContext) -> _BlockerParts:
    info = CATALOGUE[code]
    if info.fix_in is FixLocation.SIECLE:
        effective: dt.datetime | None = ctx.siecle_fix_effective
    elif info.fix_in is FixLocation.ADMIN_MODULE:
        effective = ctx.at
    else:
        effective = None
    remedy_fr, remedy_en = info.remedies(ctx.origin)
    return info.field, info.fix_in, remedy_fr, remedy_en, effective


def _blocker(
    code: BlockerCode, ctx: EvaluationContext, subject_id: str | None, detail: str | None = None
) -> Blocker:
    field, fix_in, remedy_fr, remedy_en, effective = ctx._parts[code]
    return Blocker(code, field, subject_id, fix_in, remedy_fr, remedy_en, effective, detail)


def _account_blockers(account: Account | None, ctx: EvaluationContext) -> list[Blocker]:
    if account is None:
        return []
    if account.state in (AccountState.ACTIVATED, AccountState.PASSWORD_RESET):
        return [_blocker(B.ACCOUNT_ALREADY_ACTIVATED, ctx, account.siecle_id)]
    if account.state is AccountState.DEACTIVATED:
        return [_blocker(B.ACCOUNT_DEACTIVATED, ctx, account.siecle_id)]
    return []


def _email_blockers(
    email: EmailAddress | Invalid | None, subject_id: str, ctx: EvaluationContext
) -> list[Blocker]:
    if email is None:
        return [_blocker(B.MISSING_EMAIL, ctx, subject_id)]
    if isinstance(email, Invalid):
        return [_blocker(B.INVALID_EMAIL, ctx, subject_id, email.raw)]
    return []


def _mobile_blockers(
    mobile: MobilePhone | Invalid | None, subject_id: str, ctx: EvaluationContext
) -> list[Blocker]:
    if mobile is None:
        return [_blocker(B.MISSING_MOBILE, ctx, subject_id)]
    if isinstance(mobile, Invalid):
        return [_blocker(B.NOT_A_MOBILE, ctx, subject_id, mobile.raw)]
    return []


def _notification_blockers(account: Account | None, ctx: EvaluationContext) -> list[Blocker]:
    if (
        account is not None
        and account.state is AccountState.NOTIFIED
        and account.credential is not None
        and account.credential.expired_on(ctx.at.date())
    ):
        detail = f"valid until {account.credential.valid_until.isoformat()}"
        return [_blocker(B.NOTIFICATION_EXPIRED, ctx, account.siecle_id, detail)]
    return []


def _aten_blockers(
    account: Account | None, subject_id: str, ctx: EvaluationContext
) -> list[Blocker]:
    if account is not None and account.has_aten_credentials:
        return []
    return [_blocker(B.NO_ATEN_ACCOUNT, ctx, subject_id)]


def _assemble(
    profile: Profile,
    siecle_id: str,
    common: list[Blocker],
    per_route: tuple[Sequence[Blocker], ...],
    ctx: EvaluationContext,
) -> Eligibility:
    """``per_route``: the blockers proper to each route, in the order of :data:`ALL_ROUTES`."""
    shared = tuple(common)
    routes = []
    for index, extra in enumerate(per_route):
        if extra is ctx._not_for_student and not shared:
            routes.append(ctx._not_for_student_routes[index])
        elif extra:
            routes.append(RouteEligibility(ALL_ROUTES[index], shared + tuple(extra)))
        elif shared:
            routes.append(RouteEligibility(ALL_ROUTES[index], shared))
        else:
            routes.append(_OPEN[index])  # frozen: one shared object per route
    return Eligibility(profile, siecle_id, tuple(routes))


def evaluate_eleve(
    eleve: Eleve, ctx: EvaluationContext, account: Account | None = None
) -> Eligibility:
    """Eligibility of a student's account."""
    sid = eleve.eleve_id
    common = _account_blockers(account, ctx)
    if not eleve.current:
        common.append(_blocker(B.STUDENT_LEFT, ctx, sid, _left_detail(eleve)))
    problem = birth_date_problem(eleve, ctx.school_year, ctx.degree, ctx.today)
    if problem is not None:
        common.append(_blocker(B.INVALID_BIRTH_DATE, ctx, sid, problem))
    not_for = ctx._not_for_student
    notification = _notification_blockers(account, ctx)
    per_route = (
        not_for,  # FRANCECONNECT
        not_for,  # SMS_SELF_REGISTRATION
        notification,  # PROVISIONAL_PAPER
        notification + _email_blockers(eleve.email, sid, ctx),  # PROVISIONAL_EMAIL
        _aten_blockers(account, sid, ctx),  # ATEN_TRANSITION
    )
    return _assemble(Profile.ELEVE, sid, common, per_route, ctx)


def _left_detail(eleve: Eleve) -> str | None:
    return f"left on {eleve.left_on.isoformat()}" if eleve.left_on else None


def evaluate_responsable(
    responsable: Responsable,
    children: Sequence[Child],
    ctx: EvaluationContext,
    account: Account | None = None,
) -> Eligibility:
    """Eligibility of a responsable's account, given the students linked to them."""
    pid = responsable.personne_id
    common = _account_blockers(account, ctx)
    legal = [c for c in children if c.link.legal]
    current = [c for c in legal if c.eleve.current]
    if not legal:
        common.append(_blocker(B.NOT_LEGAL_REPRESENTATIVE, ctx, pid))
    elif not current:
        common.append(_blocker(B.NO_CURRENT_STUDENT, ctx, pid))
    for child in current:
        problem = birth_date_problem(child.eleve, ctx.school_year, ctx.degree, ctx.today)
        if problem is not None:
            common.append(_blocker(B.INVALID_BIRTH_DATE, ctx, child.eleve.eleve_id, problem))
    identity = _mobile_blockers(responsable.mobile, pid, ctx)
    if not responsable.name.complete:
        identity.append(_blocker(B.MISSING_NAME, ctx, pid))
    notification = _notification_blockers(account, ctx)
    per_route = (
        identity,  # FRANCECONNECT
        identity,  # SMS_SELF_REGISTRATION
        notification,  # PROVISIONAL_PAPER
        notification + _email_blockers(responsable.email, pid, ctx),  # PROVISIONAL_EMAIL
        _aten_blockers(account, pid, ctx),  # ATEN_TRANSITION
    )
    return _assemble(Profile.RESPONSABLE, pid, common, per_route, ctx)


def evaluate(
    person: Eleve | Responsable,
    ctx: EvaluationContext,
    *,
    account: Account | None = None,
    children: Sequence[Child] = (),
) -> Eligibility:
    """Eligibility for a student or a responsable (then pass their ``children``)."""
    if isinstance(person, Eleve):
        return evaluate_eleve(person, ctx, account)
    return evaluate_responsable(person, children, ctx, account)
