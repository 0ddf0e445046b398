"""Help-desk diagnosis: what is wrong with an account and what to do, in order.

Built on :func:`~educonnect_core.eligibility.evaluate`. It covers the three
frequent problems of the seed document (mobile, email, birth date), the account
and link problems that block every route, and the two help-desk requests
"identifiant oublié" and "mot de passe oublié". Every step is given in French and
English, says where it is done and when it takes effect; the step "distribute
provisional credentials on paper meanwhile" appears exactly when the paper route
would let the person in today.

No I/O: the time comes in the :class:`~educonnect_core.eligibility.EvaluationContext`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from .accounts import Account
from .blockers import CATALOGUE, Blocker, BlockerCode, FixLocation
from .eligibility import Child, Eligibility, EvaluationContext, birth_date_notice, evaluate
from .origins import SIECLE, DataOrigin
from .people import Eleve, Profile, Responsable
from .routes import Route
from .shown_times import on_time, shown_time
from .states import AccountState
from .values import Invalid, MobilePhone

__all__ = ["Diagnosis", "Issue", "Problem", "Step", "diagnose"]

B = BlockerCode


class Problem(enum.Enum):
    """The kinds of problem a help desk hears about."""

    #: the account's state or links block every route (left, not legal, deactivated, …)
    ACCOUNT = "account"
    #: seed problem 3: the student's birth date (every route asks for it)
    BIRTH_DATE = "birth_date"
    #: seed problem 1: mobile missing or wrong, or nom/prénom missing
    MOBILE = "mobile"
    #: seed problem 2: email missing or invalid
    EMAIL = "email"
    FORGOTTEN_IDENTIFIER = "forgotten_identifier"
    FORGOTTEN_PASSWORD = "forgotten_password"


class Actor(enum.Enum):
    """Who carries out a step."""

    SCHOOL_SIECLE = "school_siecle"  # the school office, in SIECLE
    SCHOOL_ADMIN_MODULE = "school_admin_module"  # the school, in the administration module
    PERSON = "person"  # the student or responsable themselves


@attrs.frozen
class Step:
    """One thing to do. ``effective_from`` is when it takes effect if done now;
    ``unblocks_today`` marks a step that lets the person in today."""

    fr: str
    en: str
    actor: Actor
    effective_from: dt.datetime | None = None
    unblocks_today: bool = False

    def text(self, lang: str = "fr") -> str:
        return self.en if lang == "en" else self.fr


@attrs.frozen
class Issue:
    """One problem found (or reported), with the blocker codes behind it and the
    steps to solve it, in order."""

    problem: Problem
    summary_fr: str
    summary_en: str
    steps: tuple[Step, ...]
    codes: tuple[BlockerCode, ...] = ()

    def summary(self, lang: str = "fr") -> str:
        return self.summary_en if lang == "en" else self.summary_fr


@attrs.frozen
class Diagnosis:
    """The answer for one person: their account state, the eligibility it rests on,
    and the issues, most blocking first."""

    profile: Profile
    siecle_id: str
    state: AccountState | None
    eligibility: Eligibility
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        """Nothing is wrong and nothing was reported."""
        return not self.issues

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(issue.problem for issue in self.issues)

    def issue(self, problem: Problem) -> Issue:
        for issue in self.issues:
            if issue.problem is problem:
                return issue
        raise KeyError(problem)

    @property
    def unblocked_today(self) -> bool:
        """Some step lets the person in today (or a route is already open)."""
        return bool(self.eligibility.eligible_routes) or any(
            step.unblocks_today for issue in self.issues for step in issue.steps
        )

    def render(self, lang: str = "fr") -> str:
        """Plain text for a help-desk agent: state, then each issue and its steps."""
        state = self.state.label_fr if self.state is not None else None
        if lang == "en":
            head = f"Account state: {self.state.value if self.state else 'no account yet'}"
        else:
            head = f"État du compte : {state or 'pas encore de compte'}"
        lines = [head]
        if not self.issues:
            lines.append("No problem found." if lang == "en" else "Aucun problème détecté.")
        for issue in self.issues:
            lines.append("")
            lines.append(issue.summary(lang))
            lines.extend(f"  {n}. {step.text(lang)}" for n, step in enumerate(issue.steps, 1))
        return "\n".join(lines)


# --- wording -------------------------------------------------------------------------------

_CHECK_DATA = Step(
    "Comparer les données affichées dans le module d'administration des comptes avec "
    "celles de SIECLE.",
    "Compare the data shown in the account administration module with SIECLE.",
    Actor.SCHOOL_ADMIN_MODULE,
)


def _when_fr(moment: dt.datetime) -> str:
    return on_time(moment)


def _when_en(moment: dt.datetime) -> str:
    return on_time(moment, "en")


def _siecle_step(fr: str, en: str, ctx: EvaluationContext) -> Step:
    moment = ctx.siecle_fix_effective
    return Step(
        f"{fr} La correction sera prise en compte dans EduConnect {_when_fr(moment)} "
        "(actualisation de la nuit).",
        f"{en} EduConnect will see the fix {_when_en(moment)} (nightly refresh).",
        Actor.SCHOOL_SIECLE,
        effective_from=moment,
    )


def _paper_step(ctx: EvaluationContext, account: Account | None, meanwhile: bool = True) -> Step:
    renotify = account is not None and account.state is AccountState.NOTIFIED
    if account is not None and renotify and account.credential_valid_on(ctx.at.date()):
        until = account.credential.valid_until if account.credential else ctx.at.date()
        when_fr, when_en = ("En attendant, l", "Meanwhile, t") if meanwhile else ("L", "T")
        return Step(
            f"{when_fr}a personne peut activer son compte avec la notification déjà remise "
            f"(valable jusqu'au {until:%d/%m/%Y}) ; si elle l'a perdue, notifier à nouveau le "
            "compte et distribuer la nouvelle notification sur papier.",
            f"{when_en}he person can activate with the notification already handed out (valid "
            f"until {until:%Y-%m-%d}); if it was lost, notify the account again and hand out "
            "the new notification on paper.",
            Actor.PERSON,
            effective_from=ctx.at,
            unblocks_today=True,
        )
    verb_fr = "notifier à nouveau" if renotify else "notifier"
    verb_en = "notify again" if renotify else "notify"
    if not meanwhile:
        verb_fr, verb_en = verb_fr.capitalize(), verb_en.capitalize()
    when_fr, when_en = ("En attendant, ", "Meanwhile, ") if meanwhile else ("", "")
    return Step(
        f"{when_fr}{verb_fr} le compte et distribuer les identifiants provisoires sur "
        "papier (feuille individuelle) : la personne peut activer son compte dès aujourd'hui.",
        f"{when_en}{verb_en} the account and hand out the provisional credentials on paper "
        "(individual sheet): the person can activate the account today.",
        Actor.SCHOOL_ADMIN_MODULE,
        effective_from=ctx.at,
        unblocks_today=True,
    )


# --- analysis ------------------------------------------------------------------------------

_ACCOUNT_CODES: Final = (
    B.STUDENT_LEFT,
    B.NOT_LEGAL_REPRESENTATIVE,
    B.NO_CURRENT_STUDENT,
    B.ACCOUNT_DEACTIVATED,
    B.NOTIFICATION_EXPIRED,
)
_MOBILE_CODES: Final = (B.MISSING_MOBILE, B.NOT_A_MOBILE, B.MISSING_NAME)
_EMAIL_CODES: Final = (B.MISSING_EMAIL, B.INVALID_EMAIL)
#: Blockers that re-notifying in the administration module removes at once.
_CLEARED_BY_NOTIFYING: Final = frozenset({B.NOTIFICATION_EXPIRED})


def _blockers(elig: Eligibility, codes: Iterable[BlockerCode]) -> list[Blocker]:
    wanted = frozenset(codes)
    seen: dict[tuple[BlockerCode, str | None], Blocker] = {}
    for answer in elig:
        for blocker in answer.blockers:
            if blocker.code in wanted:
                seen.setdefault((blocker.code, blocker.subject_id), blocker)
    return list(seen.values())


def _paper_today(elig: Eligibility) -> bool:
    """Notifying now and handing the sheet over would let the person in today."""
    return all(b.code in _CLEARED_BY_NOTIFYING for b in elig[Route.PROVISIONAL_PAPER].blockers)


def _open_after(elig: Eligibility, route: Route, fixed: Iterable[BlockerCode]) -> bool:
    """``route`` opens once the ``fixed`` codes are gone."""
    cleared = frozenset(fixed)
    return all(b.code in cleared for b in elig[route].blockers)


def _codes(blockers: Sequence[Blocker]) -> tuple[BlockerCode, ...]:
    return tuple(dict.fromkeys(b.code for b in blockers))


def _account_issue(
    elig: Eligibility, ctx: EvaluationContext, account: Account | None
) -> Issue | None:
    found = _blockers(elig, _ACCOUNT_CODES)
    if not found:
        return None
    codes = _codes(found)
    paper = _paper_today(elig)
    steps: list[Step] = []
    for blocker in found:
        info = CATALOGUE[blocker.code]
        if blocker.code in _CLEARED_BY_NOTIFYING and paper:
            steps.append(_paper_step(ctx, account))
        elif info.fix_in is FixLocation.SIECLE:
            steps.append(_siecle_step(info.remedy_fr, info.remedy_en, ctx))
        else:
            steps.append(
                Step(
                    info.remedy_fr,
                    info.remedy_en,
                    Actor.SCHOOL_ADMIN_MODULE,
                    effective_from=blocker.effective_from,
                )
            )
    if any(code not in _CLEARED_BY_NOTIFYING for code in codes):
        steps.append(
            Step(
                "Ne pas distribuer d'identifiants tant que ce point n'est pas réglé.",
                "Do not hand out credentials until this is settled.",
                Actor.SCHOOL_ADMIN_MODULE,
            )
        )
    details = "; ".join(b.detail for b in found if b.detail)
    summary_fr = "Le compte ne peut pas être activé : " + ", ".join(_ACCOUNT_FR[c] for c in codes)
    summary_en = "The account cannot be activated: " + ", ".join(_ACCOUNT_EN[c] for c in codes)
    if details:
        summary_fr += f" ({details})"
        summary_en += f" ({details})"
    return Issue(Problem.ACCOUNT, summary_fr + ".", summary_en + ".", tuple(steps), codes)


_ACCOUNT_FR: Final = {
    B.STUDENT_LEFT: "l'élève a quitté l'établissement",
    B.NOT_LEGAL_REPRESENTATIVE: "la personne n'est représentant légal d'aucun élève",
    B.NO_CURRENT_STUDENT: "aucun de ses enfants n'est scolarisé dans l'établissement",
    B.ACCOUNT_DEACTIVATED: "le compte est désactivé",
    B.NOTIFICATION_EXPIRED: "les identifiants provisoires ont expiré",
}
_ACCOUNT_EN: Final = {
    B.STUDENT_LEFT: "the student has left the school",
    B.NOT_LEGAL_REPRESENTATIVE: "the person is no student's legal representative",
    B.NO_CURRENT_STUDENT: "none of their children attends the school",
    B.ACCOUNT_DEACTIVATED: "the account is deactivated",
    B.NOTIFICATION_EXPIRED: "the provisional credentials have expired",
}


def _birth_date_issue(
    elig: Eligibility,
    ctx: EvaluationContext,
    students: Mapping[str, Eleve],
    reported: bool,
) -> Issue | None:
    found = _blockers(elig, (B.INVALID_BIRTH_DATE,))
    if not found:
        unusual = [
            (eleve, notice)
            for eleve in students.values()
            if (notice := birth_date_notice(eleve, ctx.school_year, ctx.degree)) is not None
        ]
        if unusual:
            return _unusual_age_issue(unusual, ctx)
        if not reported:
            return None
        return Issue(
            Problem.BIRTH_DATE,
            "La date de naissance semble correcte dans les données, mais une date fausse "
            "ne s'y voit pas toujours.",
            "The birth date looks right in the data, but a wrong date cannot always be seen there.",
            (
                Step(
                    "Vérifier avec la famille la date de naissance affichée dans le module "
                    "d'administration.",
                    "Check with the family the birth date shown in the administration module.",
                    Actor.SCHOOL_ADMIN_MODULE,
                ),
                _siecle_step(
                    "Si elle est fausse, la corriger dans SIECLE.",
                    "If it is wrong, correct it in SIECLE.",
                    ctx,
                ),
                _NO_PAPER_FOR_BIRTH_DATE,
            ),
            (),
        )
    subjects = [b.subject_id or "?" for b in found]
    who = ", ".join(_who(students, sid) for sid in subjects)
    what_fr = "; ".join(_birth_fr(students, sid) for sid in subjects)
    what_en = "; ".join(_birth_en(students, sid) for sid in subjects)
    steps = (
        _siecle_step(
            f"Corriger dans SIECLE la date de naissance ({who}).",
            f"Correct the birth date in SIECLE ({who}).",
            ctx,
        ),
        _NO_PAPER_FOR_BIRTH_DATE,
        Step(
            f"À partir du {shown_time(ctx.siecle_fix_effective)}, la personne reprend "
            "l'activation.",
            f"From {shown_time(ctx.siecle_fix_effective, 'en')}, the person resumes activation.",
            Actor.PERSON,
            effective_from=ctx.siecle_fix_effective,
        ),
    )
    return Issue(
        Problem.BIRTH_DATE,
        f"Date de naissance de l'élève incorrecte ({what_fr}) : aucune activation ne peut "
        "aboutir, quel que soit le parcours.",
        f"The student's birth date is wrong ({what_en}): no activation can complete, "
        "whatever the route.",
        steps,
        (B.INVALID_BIRTH_DATE,),
    )


def _unusual_age_issue(unusual: list[tuple[Eleve, str]], ctx: EvaluationContext) -> Issue:
    """Ages unusual for the class: to check with the family; they block nothing."""
    who = ", ".join(f"{str(e.name).strip() or e.eleve_id} ({e.birth_date})" for e, _ in unusual)
    return Issue(
        Problem.BIRTH_DATE,
        f"Date de naissance inhabituelle pour la classe ({who}) : à vérifier avec la "
        "famille ; elle ne bloque pas l'activation.",
        f"Birth date unusual for the class ({who}): check it with the family; it does "
        "not block activation.",
        (
            Step(
                "Vérifier avec la famille la date de naissance.",
                "Check the birth date with the family.",
                Actor.SCHOOL_ADMIN_MODULE,
            ),
            _siecle_step(
                "Si elle est fausse, la corriger dans SIECLE.",
                "If it is wrong, correct it in SIECLE.",
                ctx,
            ),
        ),
        (),
    )


def _who(students: Mapping[str, Eleve], eleve_id: str) -> str:
    eleve = students.get(eleve_id)
    return str(eleve.name).strip() or eleve_id if eleve is not None else eleve_id


def _birth_fr(students: Mapping[str, Eleve], eleve_id: str) -> str:
    date = students[eleve_id].birth_date if eleve_id in students else None
    who = _who(students, eleve_id)
    if eleve_id not in students or date is None:
        return f"{who} : date absente"
    if isinstance(date, Invalid):
        return f"{who} : « {date.raw} » n'est pas une date valide"
    return f"{who} : {date} impossible (date future ou âge hors de toute scolarité)"


def _birth_en(students: Mapping[str, Eleve], eleve_id: str) -> str:
    date = students[eleve_id].birth_date if eleve_id in students else None
    who = _who(students, eleve_id)
    if eleve_id not in students or date is None:
        return f"{who}: no date"
    if isinstance(date, Invalid):
        return f"{who}: {date.raw!r} is not a valid date"
    return f"{who}: {date} is impossible (in the future, or an age no pupil has)"


_NO_PAPER_FOR_BIRTH_DATE = Step(
    "Distribuer des identifiants provisoires ne débloque pas la situation : chaque "
    "parcours demande la date de naissance.",
    "Handing out provisional credentials does not help: every route asks for the birth date.",
    Actor.SCHOOL_ADMIN_MODULE,
)


def _mobile_issue(
    elig: Eligibility,
    ctx: EvaluationContext,
    account: Account | None,
    reported: bool,
) -> Issue | None:
    if elig.profile is Profile.ELEVE:
        if not reported:
            return None
        return Issue(
            Problem.MOBILE,
            "Les élèves n'utilisent ni l'auto-inscription par SMS ni FranceConnect : le "
            "téléphone portable n'intervient pas.",
            "Students use neither SMS self-registration nor FranceConnect: the mobile phone "
            "plays no part.",
            (
                Step(
                    "Un élève active son compte avec les identifiants provisoires de sa "
                    "notification.",
                    "A student activates the account with the provisional credentials of the "
                    "notification.",
                    Actor.PERSON,
                ),
                *_paper_steps(elig, ctx, account),
            ),
        )
    found = _blockers(elig, _MOBILE_CODES)
    if not found:
        if not reported:
            return None
        return Issue(
            Problem.MOBILE,
            "Le téléphone portable et le nom sont bien renseignés dans les données : vérifier "
            "que le numéro est bien celui de la personne.",
            "The mobile phone and the name are filled in: check that the number is really "
            "the person's.",
            (
                _CHECK_DATA,
                _siecle_step(
                    "Si le numéro est faux, le corriger dans SIECLE.",
                    "If the number is wrong, correct it in SIECLE.",
                    ctx,
                ),
                *_paper_steps(elig, ctx, account),
            ),
        )
    codes = _codes(found)
    raw = [b.detail for b in found if b.code is B.NOT_A_MOBILE and b.detail]
    what_fr, what_en = [], []
    if B.MISSING_MOBILE in codes:
        what_fr.append("téléphone portable absent")
        what_en.append("no mobile phone")
    if B.NOT_A_MOBILE in codes:
        what_fr.append(f"« {raw[0] if raw else '?'} » n'est pas un numéro de portable")
        what_en.append(f"{raw[0] if raw else '?'!r} is not a mobile number")
    if B.MISSING_NAME in codes:
        what_fr.append("nom ou prénom absent")
        what_en.append("last or first name missing")
    fields_fr = " et ".join(
        f
        for f, c in (
            ("le téléphone portable", B.MISSING_MOBILE in codes or B.NOT_A_MOBILE in codes),
            ("le nom et le prénom", B.MISSING_NAME in codes),
        )
        if c
    )
    fields_en = " and ".join(
        f
        for f, c in (
            ("the mobile phone", B.MISSING_MOBILE in codes or B.NOT_A_MOBILE in codes),
            ("the last and first name", B.MISSING_NAME in codes),
        )
        if c
    )
    steps = [
        _CHECK_DATA,
        _siecle_step(
            f"Saisir ou corriger dans SIECLE {fields_fr} du responsable.",
            f"Enter or correct {fields_en} of the responsable in SIECLE.",
            ctx,
        ),
        *_paper_steps(elig, ctx, account),
    ]
    if _open_after(elig, Route.SMS_SELF_REGISTRATION, _MOBILE_CODES):
        moment = ctx.siecle_fix_effective
        steps.append(
            Step(
                f"À partir du {shown_time(moment)}, le responsable peut s'auto-inscrire "
                "par SMS ou passer par FranceConnect.",
                f"From {shown_time(moment, 'en')}, the responsable can self-register by SMS "
                "or use FranceConnect.",
                Actor.PERSON,
                effective_from=moment,
            )
        )
    return Issue(
        Problem.MOBILE,
        f"Ni auto-inscription par SMS ni FranceConnect : {', '.join(what_fr)}.",
        f"Neither SMS self-registration nor FranceConnect: {', '.join(what_en)}.",
        tuple(steps),
        codes,
    )


def _paper_steps(
    elig: Eligibility, ctx: EvaluationContext, account: Account | None
) -> tuple[Step, ...]:
    return (_paper_step(ctx, account),) if _paper_today(elig) else ()


def _email_issue(
    elig: Eligibility,
    ctx: EvaluationContext,
    account: Account | None,
    reported: bool,
) -> Issue | None:
    found = _blockers(elig, _EMAIL_CODES)
    if elig.profile is Profile.ELEVE and not reported:
        return None  # students are usually notified on paper: no email is no problem
    if not found:
        if not reported:
            return None
        return Issue(
            Problem.EMAIL,
            "L'adresse électronique est valide dans les données : vérifier qu'elle est bien "
            "celle de la personne.",
            "The email address is valid in the data: check that it is really the person's.",
            (
                _CHECK_DATA,
                _siecle_step(
                    "Si l'adresse est fausse, la corriger dans SIECLE.",
                    "If the address is wrong, correct it in SIECLE.",
                    ctx,
                ),
                *_paper_steps(elig, ctx, account),
            ),
        )
    codes = _codes(found)
    raw = [b.detail for b in found if b.code is B.INVALID_EMAIL and b.detail]
    if B.INVALID_EMAIL in codes:
        what_fr = f"l'adresse « {raw[0] if raw else '?'} » n'est pas valide"
        what_en = f"the address {raw[0] if raw else '?'!r} is not valid"
    else:
        what_fr, what_en = "aucune adresse électronique", "no email address"
    steps: list[Step] = [
        _siecle_step(
            "Saisir ou corriger l'adresse électronique dans SIECLE, puis notifier le compte "
            "par courriel.",
            "Enter or correct the email address in SIECLE, then notify the account by email.",
            ctx,
        ),
    ]
    if _paper_today(elig):
        steps.append(
            Step(
                "Ou, dès aujourd'hui, notifier le compte et distribuer les identifiants "
                "provisoires sur papier : à la première connexion, la personne saisit son "
                "adresse électronique, qui devient celle du compte EduConnect (elle n'est pas "
                "reportée dans SIECLE).",
                "Or, today, notify the account and hand out the provisional credentials on "
                "paper: at first login the person types an email address, which becomes the "
                "EduConnect account's address (it is not copied to SIECLE).",
                Actor.SCHOOL_ADMIN_MODULE,
                effective_from=ctx.at,
                unblocks_today=True,
            )
        )
    direct = [r for r in (Route.SMS_SELF_REGISTRATION, Route.FRANCECONNECT) if elig[r].eligible]
    if direct:
        steps.append(
            Step(
                "Le responsable peut aussi activer son compte sans notification, par "
                "auto-inscription SMS ou FranceConnect (parcours recommandés).",
                "The responsable can also activate without a notification, by SMS "
                "self-registration or FranceConnect (recommended routes).",
                Actor.PERSON,
                effective_from=ctx.at,
                unblocks_today=True,
            )
        )
    return Issue(
        Problem.EMAIL,
        f"Impossible de notifier l'identifiant par courriel : {what_fr}.",
        f"The identifier cannot be notified by email: {what_en}.",
        tuple(steps),
        codes,
    )


def _forgotten_issue(
    problem: Problem,
    elig: Eligibility,
    ctx: EvaluationContext,
    account: Account | None,
    mobile: bool = False,
) -> Issue:
    password = problem is Problem.FORGOTTEN_PASSWORD
    state = account.state if account is not None else None
    what_fr = "mot de passe oublié" if password else "identifiant oublié"
    what_en = "forgotten password" if password else "forgotten identifier"
    steps: list[Step] = []
    franceconnect = (
        account is not None and account.route is Route.FRANCECONNECT and account.ever_activated
    )
    if franceconnect:
        steps.append(
            Step(
                "Le compte a été activé avec FranceConnect : la personne peut toujours se "
                "connecter par FranceConnect.",
                "The account was activated with FranceConnect: the person can still sign in "
                "through FranceConnect.",
                Actor.PERSON,
                effective_from=ctx.at,
                unblocks_today=True,
            )
        )
    activated = state in (AccountState.ACTIVATED, AccountState.PASSWORD_RESET)
    if activated and franceconnect and password:
        steps.append(
            Step(
                "Un compte FranceConnect n'a pas de mot de passe EduConnect : le mot de passe "
                "oublié est celui du compte choisi sur FranceConnect (impots.gouv.fr, "
                "ameli.fr, l'Identité Numérique La Poste…), à changer chez ce fournisseur.",
                "A FranceConnect account has no EduConnect password: the forgotten password "
                "is the one of the account chosen on FranceConnect (impots.gouv.fr, ameli.fr, "
                "La Poste's digital identity…), to change with that provider.",
                Actor.PERSON,
            )
        )
        summary_fr = f"{what_fr.capitalize()} : compte activé avec FranceConnect."
        summary_en = f"{what_en.capitalize()}: account activated with FranceConnect."
    elif activated:
        steps.extend(_self_service(password, mobile, account))
        steps.append(_IDENTITY_CHECK)
        if password:
            steps.append(
                Step(
                    "Réinitialiser le mot de passe dans le module d'administration et remettre "
                    "le nouveau mot de passe provisoire (sur papier, ou par courriel si "
                    "l'adresse est valide).",
                    "Reset the password in the administration module and hand over the new "
                    "provisional password (on paper, or by email if the address is valid).",
                    Actor.SCHOOL_ADMIN_MODULE,
                    effective_from=ctx.at,
                    unblocks_today=True,
                )
            )
            steps.append(
                Step(
                    "À la connexion suivante, la personne choisit un nouveau mot de passe.",
                    "At the next login, the person chooses a new password.",
                    Actor.PERSON,
                )
            )
        else:
            ident = account.identifier if account is not None else None
            shown_fr = f" ({ident})" if ident else ""
            steps.append(
                Step(
                    "Retrouver le compte dans le module d'administration (nom, prénom, classe) "
                    f"et communiquer l'identifiant{shown_fr} à la personne.",
                    "Find the account in the administration module (name, class) and give the "
                    f"identifier{shown_fr} to the person.",
                    Actor.SCHOOL_ADMIN_MODULE,
                    effective_from=ctx.at,
                    unblocks_today=True,
                )
            )
        summary_fr = f"{what_fr.capitalize()} : le compte est activé."
        summary_en = f"{what_en.capitalize()}: the account is activated."
    elif state is AccountState.NOTIFIED:
        document = account.credential.document_date if account and account.credential else None
        on_fr = f" du {document:%d/%m/%Y}" if document else ""
        on_en = f" of {document:%Y-%m-%d}" if document else ""
        steps.append(
            Step(
                f"L'identifiant et le mot de passe provisoire figurent sur la notification{on_fr}.",
                f"The identifier and provisional password are on the notification{on_en}.",
                Actor.PERSON,
            )
        )
        steps.extend(_paper_steps(elig, ctx, account))
        summary_fr = f"{what_fr.capitalize()} : le compte n'est pas encore activé (notifié)."
        summary_en = f"{what_en.capitalize()}: the account is not activated yet (notified)."
    elif state is AccountState.DEACTIVATED:
        steps.append(
            Step(
                CATALOGUE[B.ACCOUNT_DEACTIVATED].remedy_fr,
                CATALOGUE[B.ACCOUNT_DEACTIVATED].remedy_en,
                Actor.SCHOOL_ADMIN_MODULE,
                effective_from=ctx.at,
            )
        )
        summary_fr = f"{what_fr.capitalize()} : le compte est désactivé."
        summary_en = f"{what_en.capitalize()}: the account is deactivated."
    else:  # no account yet, or not activated
        steps.extend(_activation_steps(elig, ctx, account))
        if not steps:
            steps.append(
                Step(
                    "Régler d'abord les problèmes indiqués ci-dessus ; la personne pourra "
                    "ensuite activer son compte.",
                    "First settle the problems listed above; the person can then activate "
                    "the account.",
                    Actor.SCHOOL_SIECLE,
                    effective_from=ctx.siecle_fix_effective,
                )
            )
        summary_fr = (
            f"{what_fr.capitalize()} : le compte n'est pas encore activé, il n'y a rien à "
            "retrouver ; la personne doit activer son compte."
        )
        summary_en = (
            f"{what_en.capitalize()}: the account is not activated yet, there is nothing to "
            "recall; the person must activate the account."
        )
    return Issue(problem, summary_fr, summary_en, tuple(steps))


def _self_service(password: bool, mobile: bool, account: Account | None) -> list[Step]:
    """The person's own recovery first (« Identifiant / mot de passe oublié » on the
    sign-in page): a code by SMS to the mobile the school gave, or a link to the
    e-mail confirmed at activation. Empty when neither is known."""
    ways_fr = [
        w
        for w, known in (
            ("par SMS au portable connu de l'établissement", mobile),
            (
                "par courriel à l'adresse confirmée à l'activation",
                account is not None and account.email is not None,
            ),
        )
        if known
    ]
    ways_en = [
        w
        for w, known in (
            ("by SMS to the mobile the school holds", mobile),
            (
                "by email to the address confirmed at activation",
                account is not None and account.email is not None,
            ),
        )
        if known
    ]
    if not ways_fr:
        return []
    what_fr = "Mot de passe oublié" if password else "Identifiant oublié"
    what_en = "Forgotten password" if password else "Forgotten identifier"
    return [
        Step(
            f"D'abord, la personne utilise « {what_fr} » sur la page de connexion "
            f"EduConnect : elle reçoit de quoi se reconnecter {' ou '.join(ways_fr)}. "
            "Sinon (ni portable ni courriel à jour), l'établissement prend le relais :",
            f'First, the person uses "{what_en}" on the EduConnect sign-in page: they '
            f"receive what they need {' or '.join(ways_en)}. Otherwise (no mobile nor "
            "email up to date), the school takes over:",
            Actor.PERSON,
            unblocks_today=True,
        )
    ]


_IDENTITY_CHECK = Step(
    "Vérifier l'identité de la personne avant de lui communiquer quoi que ce soit.",
    "Check the person's identity before giving them anything.",
    Actor.SCHOOL_ADMIN_MODULE,
)


def _activation_steps(
    elig: Eligibility, ctx: EvaluationContext, account: Account | None
) -> list[Step]:
    steps: list[Step] = []
    direct = [r for r in (Route.SMS_SELF_REGISTRATION, Route.FRANCECONNECT) if elig[r].eligible]
    if direct:
        steps.append(
            Step(
                "Le responsable peut activer son compte dès maintenant par auto-inscription "
                "SMS (« Je n'ai pas de compte ») ou FranceConnect.",
                'The responsable can activate now by SMS self-registration ("I have no '
                'account") or FranceConnect.',
                Actor.PERSON,
                effective_from=ctx.at,
                unblocks_today=True,
            )
        )
    if _paper_today(elig):
        steps.append(_paper_step(ctx, account, meanwhile=not direct))
    return steps


def diagnose(
    person: Eleve | Responsable,
    ctx: EvaluationContext,
    *,
    account: Account | None = None,
    children: Sequence[Child] = (),
    reported: Problem | None = None,
) -> Diagnosis:
    """Diagnose ``person``'s account (pass a responsable's ``children``).

    Without ``reported``, every problem visible in the data is listed. With it,
    that problem is always answered (a wrong but well-formed mobile, email or
    birth date cannot be seen in the data, so the answer then says what to
    check), together with what the data show. Issues come most blocking first:
    account and links, birth date, mobile, email, then forgotten identifier or
    password. An activated account has no activation problem: only a reported
    problem is answered for it.
    """
    elig = evaluate(person, ctx, account=account, children=children)
    state = account.state if account is not None else None
    issues: list[Issue | None] = []
    activated = state in (AccountState.ACTIVATED, AccountState.PASSWORD_RESET)
    if activated:
        if reported in (Problem.MOBILE, Problem.EMAIL, Problem.BIRTH_DATE, Problem.ACCOUNT):
            info = CATALOGUE[B.ACCOUNT_ALREADY_ACTIVATED]
            issues.append(
                Issue(
                    reported,
                    "Le compte est déjà activé : ce problème d'activation ne se pose plus.",
                    "The account is already activated: this activation problem no longer applies.",
                    (Step(info.remedy_fr, info.remedy_en, Actor.SCHOOL_ADMIN_MODULE, ctx.at),),
                    (B.ACCOUNT_ALREADY_ACTIVATED,),
                )
            )
    else:
        issues.append(_account_issue(elig, ctx, account))
        students = {c.eleve.eleve_id: c.eleve for c in children}
        if isinstance(person, Eleve):
            students[person.eleve_id] = person
        issues.append(_birth_date_issue(elig, ctx, students, reported is Problem.BIRTH_DATE))
        issues.append(_mobile_issue(elig, ctx, account, reported is Problem.MOBILE))
        issues.append(_email_issue(elig, ctx, account, reported is Problem.EMAIL))
    if reported in (Problem.FORGOTTEN_IDENTIFIER, Problem.FORGOTTEN_PASSWORD):
        mobile = isinstance(person.mobile, MobilePhone)
        issues.append(_forgotten_issue(reported, elig, ctx, account, mobile))
    return Diagnosis(
        profile=elig.profile,
        siecle_id=elig.siecle_id,
        state=state,
        eligibility=elig,
        issues=tuple(_localized(i, ctx.origin) for i in issues if i is not None),
    )


def _localized(issue: Issue, origin: DataOrigin) -> Issue:
    """``issue`` said of the school's data origin (the wording is SIECLE's)."""
    if origin == SIECLE:
        return issue
    summary_fr, summary_en = origin.localize(issue.summary_fr, issue.summary_en)
    steps = tuple(
        attrs.evolve(step, fr=fr, en=en)
        for step in issue.steps
        for fr, en in (origin.localize(step.fr, step.en),)
    )
    return attrs.evolve(issue, summary_fr=summary_fr, summary_en=summary_en, steps=steps)
