"""Activation as the identity provider reports it, and the checks of each route.

The user's answers (:class:`ActivationReport`) are checked against what the
source data say of the account's holder (:class:`AccountHolder`): the birth
dates every route asks for, the mobile and name of SMS and FranceConnect, the
provisional password and the email of the provisional routes, the legacy
account of the ATEN transition. :func:`check_activation` returns the first
failure as a stable code and a sentence for the school secretary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Final, Self

import attrs

from .accounts import Account
from .credentials import verify_password
from .people import Eleve, Profile, Responsable
from .routes import Route
from .values import BirthDate, EmailAddress, MobilePhone, PersonName

__all__ = ["ROUTE_CHECKS", "AccountHolder", "ActivationReport", "Failure", "check_activation"]


def _dates(value: Iterable[dt.date]) -> tuple[dt.date, ...]:
    return tuple(value)


@attrs.frozen
class ActivationReport:
    """An activation as the identity provider reports it.

    ``birth_dates`` are those the user confirmed (their own for an élève, their
    children's for a responsable); ``password`` the provisional password typed
    (provisional routes; never stored, hidden from ``repr``); ``mobile`` and
    ``name`` what SMS and FranceConnect matched; ``email`` the address given at
    first login (required of a responsable on a provisional route).
    """

    account_id: str
    route: Route
    birth_dates: tuple[dt.date, ...] = attrs.field(converter=_dates)
    password: str | None = attrs.field(default=None, repr=False)
    mobile: MobilePhone | None = None
    name: PersonName | None = None
    email: EmailAddress | None = None


def _valid_email(value: object) -> EmailAddress | None:
    return value if isinstance(value, EmailAddress) else None


def _valid_mobile(value: object) -> MobilePhone | None:
    return value if isinstance(value, MobilePhone) else None


def _birth_date(eleve: Eleve) -> BirthDate | None:
    return eleve.birth_date if isinstance(eleve.birth_date, BirthDate) else None


@attrs.frozen
class AccountHolder:
    """The person behind an account as the stored source data describe them:
    what a notification prints and what an activation is checked against.

    ``children`` and ``birth_dates`` are, for a responsable, those of the
    current pupils they are the legal representative of at this school;
    unusable (absent or invalid) birth dates are ``None``. Invalid emails and
    mobiles are ``None``.
    """

    name: PersonName
    division: str | None
    children: tuple[PersonName, ...]
    email: EmailAddress | None
    mobile: MobilePhone | None
    civilite: str | None
    birth_dates: tuple[BirthDate | None, ...]

    @classmethod
    def of_eleve(cls, eleve: Eleve) -> Self:
        return cls(
            name=eleve.name,
            division=eleve.division,
            children=(),
            email=_valid_email(eleve.email),
            mobile=_valid_mobile(eleve.mobile),
            civilite=None,
            birth_dates=(_birth_date(eleve),),
        )

    @classmethod
    def of_responsable(cls, responsable: Responsable, children: Sequence[Eleve]) -> Self:
        """``children``: the current pupils they are the legal representative of."""
        ordered = sorted(children, key=lambda e: (e.name.folded(), e.eleve_id))
        return cls(
            name=responsable.name,
            division=None,
            children=tuple(e.name for e in ordered),
            email=_valid_email(responsable.email),
            mobile=_valid_mobile(responsable.mobile),
            civilite=responsable.civilite,
            birth_dates=tuple(_birth_date(e) for e in ordered),
        )


#: A failed check: a stable code and the sentence for the secretary.
Failure = tuple[str, str] | None
Check = Callable[[Account, AccountHolder, ActivationReport], Failure]


def check_activation(account: Account, holder: AccountHolder, report: ActivationReport) -> Failure:
    """The first failing check of :data:`ROUTE_CHECKS`, or ``None``.

    The state machine's own conditions (a valid letter for a provisional
    route) are :func:`educonnect_core.actions.decide`'s.
    """
    for check in ROUTE_CHECKS:
        failure = check(account, holder, report)
        if failure is not None:
            return failure
    return None


def _check_profile(account: Account, holder: AccountHolder, report: ActivationReport) -> Failure:
    if account.profile not in report.route.profiles:
        return (
            "route_not_open_to_profile",
            f"Le parcours « {report.route.label_fr} » n'est pas ouvert aux comptes "
            f"{account.profile.value}.",
        )
    return None


def _check_birth_dates(
    account: Account, holder: AccountHolder, report: ActivationReport
) -> Failure:
    known = holder.birth_dates
    if not known:
        return (
            "no_child",
            "Aucun élève scolarisé n'est rattaché à ce responsable comme représentant "
            "légal dans SIECLE : vérifiez les liens dans SIECLE.",
        )
    if any(d is None for d in known):
        return (
            "birth_date_unusable",
            "La date de naissance de l'élève est absente ou invalide dans SIECLE : "
            "corrigez-la dans SIECLE (prise en compte le lendemain matin).",
        )
    expected = sorted(d.value for d in known if d is not None)
    if sorted(report.birth_dates) != expected:
        return (
            "birth_date_mismatch",
            "La date de naissance confirmée ne correspond pas à celle de SIECLE : "
            "vérifiez-la dans SIECLE (une correction est prise en compte le lendemain matin).",
        )
    return None


def _check_identity(account: Account, holder: AccountHolder, report: ActivationReport) -> Failure:
    if report.route not in (Route.FRANCECONNECT, Route.SMS_SELF_REGISTRATION):
        return None
    if holder.mobile is None:
        return (
            "mobile_missing",
            "Aucun téléphone portable valide n'est connu dans SIECLE pour ce responsable : "
            "saisissez-le dans SIECLE (pris en compte le lendemain matin).",
        )
    if report.mobile != holder.mobile:
        return (
            "mobile_mismatch",
            "Le téléphone portable utilisé n'est pas celui connu dans SIECLE.",
        )
    if (
        not holder.name.complete
        or report.name is None
        or not holder.name.answers_to(report.name.last, report.name.first)
    ):
        return (
            "name_mismatch",
            "Le nom et le prénom ne correspondent pas à ceux connus dans SIECLE.",
        )
    return None


def _check_provisional(
    account: Account, holder: AccountHolder, report: ActivationReport
) -> Failure:
    if not report.route.provisional:
        return None
    credential = account.credential
    if credential is None or report.password is None:
        return ("wrong_password", "Le mot de passe provisoire saisi est incorrect.")
    if not verify_password(report.password, credential.password_hash):
        return ("wrong_password", "Le mot de passe provisoire saisi est incorrect.")
    if account.profile is Profile.RESPONSABLE and report.email is None:
        return (
            "email_required",
            "Un responsable doit saisir et confirmer son adresse électronique à la "
            "première connexion.",
        )
    return None


def _check_aten(account: Account, holder: AccountHolder, report: ActivationReport) -> Failure:
    if report.route is Route.ATEN_TRANSITION and not account.has_aten_credentials:
        return ("no_aten_account", "Ce compte n'a pas d'ancien compte ATEN.")
    return None


ROUTE_CHECKS: Final[tuple[Check, ...]] = (
    _check_profile,
    _check_aten,
    _check_identity,
    _check_provisional,
    _check_birth_dates,
)
