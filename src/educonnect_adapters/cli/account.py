"""``educonnect account ID``: one account, its data, state, routes, blockers and history.

Routes and blockers are evaluated now from the stored source data (with each
remedy and when it takes effect); the history is the audit trail and the
delivery records of the account.
"""

from __future__ import annotations

import argparse
from typing import Any, Final

from educonnect_core.accounts import Account
from educonnect_core.eligibility import Eligibility, evaluate
from educonnect_core.errors import NotFound
from educonnect_core.people import Eleve, Responsable, ResponsibilityLevel, School
from educonnect_core.shown_times import shown_time
from educonnect_core.storage import UnitOfWork
from educonnect_core.values import Invalid

from .common import Person, evaluation_context, label, person_of, print_json, state_label, tr
from .settings import Settings, add_common_options, load, open_store
from .terminal import guarded_stdout

__all__ = ["load_account", "register", "run"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "account",
        help="détail d'un compte / one account in detail",
        description="One account: data, state, routes, blockers with remedies, history.",
    )
    parser.add_argument("account_id", metavar="ID", help="account id (E-<UAI>-<id>, R-<UAI>-<id>)")
    add_common_options(parser)
    parser.set_defaults(handler=run)


def load_account(uow: UnitOfWork, account_id: str) -> tuple[Account, Person | None, School]:
    """The account, its person and its school; :class:`NotFound` names the id."""
    try:
        account = uow.accounts.get(account_id)
    except NotFound:
        raise NotFound(f"no account {account_id!r} in this store") from None
    return account, person_of(uow, account), uow.people.get_school(account.uai)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    with open_store(settings, read_only=True) as store, store.unit_of_work() as uow:
        account, person, school = load_account(uow, args.account_id)
        eligibility = (
            evaluate(
                person.record,
                evaluation_context(school, settings),
                account=account,
                children=person.children,
            )
            if person
            else None
        )
        events = uow.audit.by_account(account.account_id, limit=50)
        deliveries = uow.deliveries.by_account(account.account_id)
    if settings.json:
        print_json(
            {
                "account": account,
                "person": person.record if person else None,
                "children": [{"eleve": c.eleve, "level": c.link.level} for c in person.children]
                if person
                else [],
                "routes": [
                    {
                        "route": r.route,
                        "open": r.eligible,
                        "blockers": r.blockers,
                    }
                    for r in eligibility
                ]
                if eligibility
                else [],
                "history": events,
                "deliveries": deliveries,
            }
        )
        return 0
    with guarded_stdout():
        _print(settings, account, person, eligibility, events, deliveries)
    return 0


def _print(
    settings: Settings,
    account: Account,
    person: Person | None,
    eligibility: Eligibility | None,
    events: list[Any],
    deliveries: list[Any],
) -> None:
    def t(fr: str, en: str) -> str:
        return tr(settings, fr, en)

    print(f"{account.account_id}  ({account.profile.value})")
    if person is None:
        print(t("  Données source introuvables.", "  Source data not found."))
    else:
        _print_person(settings, person)
    print(t("État", "State") + f" : {state_label(settings, account.state)}")
    print(t("Identifiant", "Identifier") + f" : {account.identifier or '-'}")
    if account.credential is not None:
        print(
            t("Identifiants provisoires du ", "Provisional credentials of ")
            + f"{account.credential.document_date.isoformat()}, "
            + t("valables jusqu'au ", "valid until ")
            + account.credential.valid_until.isoformat()
        )
    if account.route is not None:
        print(t("Activé par", "Activated by") + f" : {label(settings, account.route)}")
    if account.email is not None:
        print(
            t("Courriel saisi à l'activation", "Email given at activation") + f" : {account.email}"
        )
    if account.deactivated_at is not None:
        reason = f" ({account.deactivation_reason})" if account.deactivation_reason else ""
        print(t("Désactivé le", "Deactivated on") + f" {account.deactivated_at:%Y-%m-%d}{reason}")
    if eligibility is not None:
        print()
        print(t("Parcours d'activation", "Activation routes"))
        for answer in eligibility:
            mark = t("ouvert", "open") if answer.eligible else t("fermé", "closed")
            print(f"  {label(settings, answer.route)} : {mark}")
            for blocker in answer.blockers:
                detail = f" [{blocker.detail}]" if blocker.detail else ""
                print(f"    - {blocker.code.value}{detail}: {blocker.remedy(settings.lang)}")
    print()
    print(t("Historique", "History"))
    if not events and not deliveries:
        print(t("  (aucun)", "  (none)"))
    for event in events:
        why = f" ({event.reason})" if event.reason else ""
        when = shown_time(event.at, settings.lang, settings.timezone)
        print(
            f"  {when}  {event.action}  {event.outcome.value}{why}  "
            f"{event.actor_id} ({event.role}, {event.access})"
        )
    for record in deliveries:
        status = t("remis", "delivered") if record.delivered else t("échec", "failed")
        why = f" ({record.reason})" if record.reason else ""
        when = shown_time(record.at, settings.lang, settings.timezone)
        print(f"  {when}  {record.channel}  {status}{why}")


def _print_person(settings: Settings, person: Person) -> None:
    record = person.record
    print(f"  {record.name}")
    if isinstance(record, Eleve):
        print(tr(settings, "  Classe", "  Class") + f" : {record.division or '-'}")
        print(tr(settings, "  Né(e) le", "  Born") + f" : {_show(record.birth_date)}")
        if not record.current:
            print(tr(settings, "  Sorti(e) le", "  Left on") + f" : {record.left_on}")
        return
    assert isinstance(record, Responsable)
    print(tr(settings, "  Portable", "  Mobile") + f" : {_show(record.mobile)}")
    print(tr(settings, "  Courriel", "  Email") + f" : {_show(record.email)}")
    for child in person.children:
        fr, en = _LEVELS[child.link.level]
        level = tr(settings, fr, en)
        print(
            tr(settings, "  Enfant", "  Child")
            + f" : {child.eleve.name} ({child.eleve.division or '-'}, {level})"
        )


_LEVELS: Final = {
    ResponsibilityLevel.LEGAL: ("représentant légal", "legal representative"),
    ResponsibilityLevel.EN_CHARGE: ("personne en charge", "person in charge"),
    ResponsibilityLevel.CONTACT: ("contact", "contact"),
    ResponsibilityLevel.UNKNOWN: ("niveau inconnu", "level unknown"),
}


def _show(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, Invalid):
        return f"{value.raw!r} ({value.code})"
    return str(value)
