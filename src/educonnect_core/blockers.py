"""Blockers: why a route is closed for an account, what to fix, where, and when.

:data:`CATALOGUE` is the one table of codes; ``docs/eligibility.md`` prints it
and a test fails when a code is missing there.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

import attrs

from .origins import SIECLE, DataOrigin

__all__ = ["CATALOGUE", "Blocker", "BlockerCode", "BlockerInfo", "FixLocation"]


class BlockerCode(enum.Enum):
    MISSING_MOBILE = "MISSING_MOBILE"
    NOT_A_MOBILE = "NOT_A_MOBILE"
    MISSING_NAME = "MISSING_NAME"
    MISSING_EMAIL = "MISSING_EMAIL"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_BIRTH_DATE = "INVALID_BIRTH_DATE"
    NOT_LEGAL_REPRESENTATIVE = "NOT_LEGAL_REPRESENTATIVE"
    NO_CURRENT_STUDENT = "NO_CURRENT_STUDENT"
    STUDENT_LEFT = "STUDENT_LEFT"
    ACCOUNT_ALREADY_ACTIVATED = "ACCOUNT_ALREADY_ACTIVATED"
    ACCOUNT_DEACTIVATED = "ACCOUNT_DEACTIVATED"
    NOTIFICATION_EXPIRED = "NOTIFICATION_EXPIRED"
    ROUTE_NOT_FOR_PROFILE = "ROUTE_NOT_FOR_PROFILE"
    NO_ATEN_ACCOUNT = "NO_ATEN_ACCOUNT"


class FixLocation(enum.Enum):
    """Where the remedy is applied."""

    #: the school's information system (SIECLE; ONDE in the 1st degree): next morning
    SIECLE = "siecle"
    ADMIN_MODULE = "admin_module"  # the EduConnect administration module: immediate
    NOWHERE = "nowhere"  # nothing to fix: the route is not for this account


@attrs.frozen
class BlockerInfo:
    """The fixed facts of a code: field, remedy in French and English, source."""

    field: str | None
    fix_in: FixLocation
    remedy_fr: str
    remedy_en: str
    source: str

    def remedies(self, origin: DataOrigin = SIECLE) -> tuple[str, str]:
        """The remedy in French and English, said of the school's data ``origin``."""
        return origin.localize(self.remedy_fr, self.remedy_en)

    def remedy(self, lang: str = "fr", origin: DataOrigin = SIECLE) -> str:
        fr, en = self.remedies(origin)
        return en if lang == "en" else fr


@attrs.frozen
class Blocker:
    """One reason a route is closed for one account.

    ``subject_id`` names the record at fault (the child's ``eleve_id`` for a
    birth date that blocks a responsable); ``effective_from`` is when the remedy,
    applied now, will take effect (``None`` when there is nothing to fix).
    """

    code: BlockerCode
    field: str | None
    subject_id: str | None
    fix_in: FixLocation
    remedy_fr: str
    remedy_en: str
    effective_from: dt.datetime | None
    detail: str | None = None

    def remedy(self, lang: str = "fr") -> str:
        return self.remedy_en if lang == "en" else self.remedy_fr


_SEED = "seed document (les problèmes les plus fréquents)"
_DOMAIN = "domain reference"
_OURS = "our decision (docs/decisions.md)"

B = BlockerCode
S = FixLocation

CATALOGUE: Final[dict[BlockerCode, BlockerInfo]] = {
    B.MISSING_MOBILE: BlockerInfo(
        "mobile",
        S.SIECLE,
        "Saisir le téléphone portable du responsable dans SIECLE (effectif le lendemain "
        "matin) ; en attendant, distribuer des identifiants provisoires sur papier.",
        "Enter the responsable's mobile phone in SIECLE (effective next morning); meanwhile "
        "hand out provisional credentials on paper.",
        f"{_SEED}, problem 1",
    ),
    B.NOT_A_MOBILE: BlockerInfo(
        "mobile",
        S.SIECLE,
        "Corriger dans SIECLE le numéro de téléphone portable (le numéro saisi n'est pas un "
        "portable valide) ; en attendant, distribuer des identifiants provisoires sur papier.",
        "Correct the mobile phone number in SIECLE (the number is not a valid mobile); "
        "meanwhile hand out provisional credentials on paper.",
        f"{_SEED}, problem 1; {_DOMAIN} §7",
    ),
    B.MISSING_NAME: BlockerInfo(
        "name",
        S.SIECLE,
        "Compléter le nom et le prénom dans SIECLE (effectif le lendemain matin).",
        "Fill in the last and first name in SIECLE (effective next morning).",
        f"{_SEED}, problem 1",
    ),
    B.MISSING_EMAIL: BlockerInfo(
        "email",
        S.SIECLE,
        "Saisir l'adresse électronique dans SIECLE (effectif le lendemain matin), ou "
        "distribuer les identifiants sur papier : la personne saisira son adresse à la "
        "première connexion.",
        "Enter the email address in SIECLE (effective next morning), or hand out the "
        "credentials on paper: the person will enter an address at first login.",
        f"{_SEED}, problem 2",
    ),
    B.INVALID_EMAIL: BlockerInfo(
        "email",
        S.SIECLE,
        "Corriger l'adresse électronique dans SIECLE (effectif le lendemain matin), ou "
        "distribuer les identifiants sur papier.",
        "Correct the email address in SIECLE (effective next morning), or hand out the "
        "credentials on paper.",
        f"{_SEED}, problem 2",
    ),
    B.INVALID_BIRTH_DATE: BlockerInfo(
        "birth_date",
        S.SIECLE,
        "Corriger la date de naissance de l'élève dans SIECLE (effectif le lendemain matin) : "
        "aucune activation n'aboutit sans elle.",
        "Correct the student's birth date in SIECLE (effective next morning): no activation "
        "can complete without it.",
        f"{_SEED}, problem 3; plausibility bounds: {_OURS}",
    ),
    B.NOT_LEGAL_REPRESENTATIVE: BlockerInfo(
        "links",
        S.SIECLE,
        "Seuls les représentants légaux ont un compte : si cette personne l'est, corriger le "
        "niveau de responsabilité dans SIECLE (effectif le lendemain matin).",
        "Only legal representatives get an account: if this person is one, correct the "
        "level of responsibility in SIECLE (effective next morning).",
        f"{_DOMAIN} §1",
    ),
    B.NO_CURRENT_STUDENT: BlockerInfo(
        "links",
        S.SIECLE,
        "Aucun élève scolarisé n'est rattaché à ce responsable : vérifier les rattachements "
        "dans SIECLE (effectif le lendemain matin).",
        "No current student is linked to this responsable: check the links in SIECLE "
        "(effective next morning).",
        f"{_DOMAIN} §1; SIECLE pitfall 1",
    ),
    B.STUDENT_LEFT: BlockerInfo(
        "left_on",
        S.SIECLE,
        "L'élève a quitté l'établissement ; si c'est une erreur, corriger la date de sortie "
        "dans SIECLE (effectif le lendemain matin).",
        "The student has left the school; if that is wrong, correct the leaving date in "
        "SIECLE (effective next morning).",
        "SIECLE format, pitfall 1",
    ),
    B.ACCOUNT_ALREADY_ACTIVATED: BlockerInfo(
        "state",
        S.ADMIN_MODULE,
        "Le compte est déjà activé : en cas d'oubli, rappeler l'identifiant ou réinitialiser "
        "le mot de passe dans le module d'administration.",
        "The account is already activated: if forgotten, recall the identifier or reset "
        "the password in the administration module.",
        f"{_SEED} (avant toute action, vérifier l'état du compte)",
    ),
    B.ACCOUNT_DEACTIVATED: BlockerInfo(
        "state",
        S.ADMIN_MODULE,
        "Le compte est désactivé : le réactiver dans le module d'administration si la "
        "personne en a de nouveau besoin.",
        "The account is deactivated: reactivate it in the administration module if the "
        "person needs it again.",
        _OURS,
    ),
    B.NOTIFICATION_EXPIRED: BlockerInfo(
        "credential",
        S.ADMIN_MODULE,
        "Les identifiants provisoires ont expiré (3 mois) : notifier à nouveau le compte "
        "dans le module d'administration.",
        "The provisional credentials have expired (3 months): notify the account again in "
        "the administration module.",
        f"{_DOMAIN} §2",
    ),
    B.ROUTE_NOT_FOR_PROFILE: BlockerInfo(
        None,
        S.NOWHERE,
        "Ce parcours est réservé aux responsables.",
        "This route is for responsables only.",
        f"{_DOMAIN} §2",
    ),
    B.NO_ATEN_ACCOUNT: BlockerInfo(
        None,
        S.NOWHERE,
        "Pas d'ancien compte ATEN : utiliser un autre parcours (transition ATEN obsolète).",
        "No legacy ATEN account: use another route (the ATEN transition is deprecated).",
        f"{_DOMAIN} §2",
    ),
}
