"""Reconciliation: where the accounts disagree with the source (SIECLE or ONDE).

Nothing the school does in EduConnect is written back to SIECLE: an email a
responsable types at first login belongs to the account only. :func:`reconcile`
compares a store's accounts with an export and lists each
:class:`Discrepancy` with the values on both sides and advice for the office,
who decides whether to copy the value into SIECLE. It writes nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Mapping
from typing import Final

import attrs

from .accounts import Account
from .people import Eleve, Profile, Responsable
from .ports import ExportReader
from .states import AccountState
from .storage import Store
from .sync import SYNC_REASON_PREFIX, Export
from .values import EmailAddress, Invalid, Uai

__all__ = ["Discrepancy", "DiscrepancyCode", "Reconciliation", "reconcile"]


class DiscrepancyCode(enum.Enum):
    #: the account has an email (typed at first login); the source has none
    EMAIL_NOT_IN_SOURCE = "EMAIL_NOT_IN_SOURCE"
    #: the source's email is malformed; the account has a valid one
    EMAIL_INVALID_IN_SOURCE = "EMAIL_INVALID_IN_SOURCE"
    #: both have an email and they differ
    EMAIL_DIFFERS = "EMAIL_DIFFERS"
    #: a live account whose person is not in the export
    ACCOUNT_WITHOUT_SOURCE = "ACCOUNT_WITHOUT_SOURCE"
    #: a live account for a student who left, or a person no longer legal representative
    ACCOUNT_NOT_WANTED = "ACCOUNT_NOT_WANTED"
    #: a deactivated account for someone the source says should have one
    DEACTIVATED_BUT_IN_SOURCE = "DEACTIVATED_BUT_IN_SOURCE"
    #: someone the source says should have an account has none yet
    MISSING_ACCOUNT = "MISSING_ACCOUNT"


@attrs.frozen
class Discrepancy:
    """One disagreement: the account's value, the source's, and what to do."""

    code: DiscrepancyCode
    account_id: str
    profile: Profile
    siecle_id: str
    field: str | None
    account_value: str | None
    source_value: str | None
    advice_fr: str


@attrs.frozen
class Reconciliation:
    """Every discrepancy between a school's accounts and an export."""

    uai: Uai
    exported_at: dt.datetime | None
    items: tuple[Discrepancy, ...]

    def by_code(self) -> dict[DiscrepancyCode, int]:
        return dict(Counter(d.code for d in self.items))

    def of(self, code: DiscrepancyCode) -> tuple[Discrepancy, ...]:
        return tuple(d for d in self.items if d.code is code)

    def lines_fr(self) -> list[str]:
        if not self.items:
            return [f"{self.uai} : les comptes concordent avec l'export."]
        lines = [f"{self.uai} : {len(self.items)} écart(s) entre les comptes et l'export"]
        lines.extend(f"{d.account_id} — {d.advice_fr}" for d in self.items)
        return lines


_EMAIL_ADVICE: Final = {
    DiscrepancyCode.EMAIL_NOT_IN_SOURCE: (
        "courriel saisi à la première connexion ({account}) absent de SIECLE : "
        "le reporter dans SIECLE si la personne le confirme"
    ),
    DiscrepancyCode.EMAIL_INVALID_IN_SOURCE: (
        "courriel invalide dans SIECLE ({source}) ; le compte a {account} : "
        "corriger SIECLE si la personne le confirme"
    ),
    DiscrepancyCode.EMAIL_DIFFERS: (
        "le courriel du compte ({account}) diffère de SIECLE ({source}) : "
        "vérifier lequel est à jour, puis corriger SIECLE"
    ),
}


def reconcile(store: Store, export: Export | ExportReader) -> Reconciliation:
    """Compare the accounts of the export's school with the export (read only)."""
    if not isinstance(export, Export):
        export = Export.read(export)
    uai = export.school.uai
    with store.unit_of_work() as uow:
        accounts = {a.account_id: a for a in uow.accounts.of_school(uai)}
    holders = export.account_holders()
    people: dict[Profile, Mapping[str, Eleve | Responsable]] = {
        Profile.ELEVE: export.eleves,
        Profile.RESPONSABLE: export.responsables,
    }
    items: list[Discrepancy] = []
    for account in accounts.values():
        person = people[account.profile].get(account.siecle_id)
        wanted = account.siecle_id in holders[account.profile]
        items.extend(_state(account, person, wanted))
        if person is not None and account.email is not None:
            email = _email(account, person.email)
            if email is not None:
                items.append(email)
    for profile, ids in holders.items():
        for siecle_id in sorted(ids):
            account_id = Account.make_id(uai, profile, siecle_id)
            if account_id not in accounts:
                items.append(
                    Discrepancy(
                        DiscrepancyCode.MISSING_ACCOUNT,
                        account_id,
                        profile,
                        siecle_id,
                        None,
                        None,
                        None,
                        "pas encore de compte : il sera ouvert à la prochaine synchronisation",
                    )
                )
    items.sort(key=lambda d: (d.code.value, d.account_id))
    return Reconciliation(uai, export.school.exported_at, tuple(items))


def _state(account: Account, person: object, wanted: bool) -> list[Discrepancy]:
    live = account.state is not AccountState.DEACTIVATED
    if live and person is None:
        code = DiscrepancyCode.ACCOUNT_WITHOUT_SOURCE
        advice = (
            f"compte « {account.state.label_fr} » absent de l'export : il sera désactivé "
            "à la prochaine synchronisation ; vérifier la fiche dans SIECLE"
        )
    elif live and not wanted:
        code = DiscrepancyCode.ACCOUNT_NOT_WANTED
        why = (
            "élève parti"
            if account.profile is Profile.ELEVE
            else "plus représentant légal d'un élève scolarisé"
        )
        advice = f"{why} d'après SIECLE : le compte sera désactivé à la prochaine synchronisation"
    elif not live and wanted:
        code = DiscrepancyCode.DEACTIVATED_BUT_IN_SOURCE
        reason = account.deactivation_reason or "sans motif"
        if reason.startswith(SYNC_REASON_PREFIX):
            advice = "compte désactivé par la synchronisation : il sera réactivé à la prochaine"
        else:
            advice = (
                f"compte désactivé par l'établissement ({reason}) alors que SIECLE le donne "
                "actif : le réactiver, ou corriger SIECLE"
            )
    else:
        return []
    return [
        Discrepancy(
            code,
            account.account_id,
            account.profile,
            account.siecle_id,
            "state",
            account.state.value,
            "present" if person is not None else None,
            advice,
        )
    ]


def _email(account: Account, source: EmailAddress | Invalid | None) -> Discrepancy | None:
    assert account.email is not None
    mine = account.email.value
    if source is None:
        code, theirs = DiscrepancyCode.EMAIL_NOT_IN_SOURCE, None
    elif isinstance(source, Invalid):
        code, theirs = DiscrepancyCode.EMAIL_INVALID_IN_SOURCE, source.raw
    elif source.value.casefold() != mine.casefold():
        code, theirs = DiscrepancyCode.EMAIL_DIFFERS, source.value
    else:
        return None
    return Discrepancy(
        code,
        account.account_id,
        account.profile,
        account.siecle_id,
        "email",
        mine,
        theirs,
        _EMAIL_ADVICE[code].format(account=mine, source=theirs),
    )
