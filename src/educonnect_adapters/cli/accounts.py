"""``educonnect accounts``: search accounts (class, profile, state, route, blocker, name).

The filters are those of :class:`~educonnect_core.storage.AccountQuery`; the
store runs the query and returns one page.
"""

from __future__ import annotations

import argparse
from typing import Any

from educonnect_core.blockers import BlockerCode
from educonnect_core.people import Profile
from educonnect_core.routes import Route
from educonnect_core.states import AccountState
from educonnect_core.storage import AccountQuery

from .common import person_of, print_json, print_table, state_label, tr
from .settings import Settings, add_common_options, load, open_store, school_of
from .terminal import guarded_stdout, visible

__all__ = ["register", "run"]


def _choices(enum_type: Any) -> list[str]:
    return [m.value for m in enum_type]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "accounts",
        help="rechercher des comptes / search accounts",
        description="List the accounts of a school matching every filter given.",
    )
    parser.add_argument("--class", dest="division", metavar="DIVISION", help="class (division)")
    parser.add_argument("--profile", choices=_choices(Profile))
    parser.add_argument("--state", choices=_choices(AccountState))
    parser.add_argument("--route", choices=_choices(Route), help="route open to the account")
    parser.add_argument(
        "--activated-by", choices=_choices(Route), help="route the account was activated by"
    )
    parser.add_argument("--blocker", choices=_choices(BlockerCode), help="blocker code")
    parser.add_argument(
        "--blocked",
        action="store_true",
        default=None,
        help="comptes à activer sans parcours ouvert / accounts to activate with no open route",
    )
    parser.add_argument("--name", help="part of the name (accents and case ignored)")
    parser.add_argument("--limit", type=int, default=50, help="page size (default 50; 0: all)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many matches")
    add_common_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    with open_store(settings, read_only=True) as store, store.unit_of_work() as uow:
        school = school_of(uow, settings)
        query = AccountQuery(
            uai=school.uai,
            profile=Profile(args.profile) if args.profile else None,
            state=AccountState(args.state) if args.state else None,
            division=args.division,
            route=Route(args.route) if args.route else None,
            activated_by=Route(args.activated_by) if args.activated_by else None,
            blocker=BlockerCode(args.blocker) if args.blocker else None,
            blocked=args.blocked,
            name=args.name,
            offset=args.offset,
            limit=args.limit or None,
        )
        page = uow.accounts.query(query)
        rows: list[dict[str, Any]] = []
        for account in page.items:
            person = person_of(uow, account)
            snapshot = uow.eligibility.get(account.account_id)
            rows.append(
                {
                    "account_id": account.account_id,
                    "profile": account.profile.value,
                    "name": person.name if person else None,
                    "divisions": list(snapshot.divisions) if snapshot else [],
                    "state": account.state.value,
                    "identifier": account.identifier,
                    "open_routes": sorted(r.value for r in snapshot.eligible_routes)
                    if snapshot
                    else [],
                    "blockers": sorted(c.value for c in snapshot.blocker_codes) if snapshot else [],
                }
            )
    if settings.json:
        print_json({"total": page.total, "offset": page.offset, "items": rows})
        return 0
    with guarded_stdout():
        _print_rows(settings, page.offset, len(page.items), page.total, rows)
    return 0


def _print_rows(
    settings: Settings, offset: int, count: int, total: int, rows: list[dict[str, Any]]
) -> None:
    print_table(
        [
            tr(settings, "compte", "account"),
            tr(settings, "nom", "name"),
            tr(settings, "classe", "class"),
            tr(settings, "état", "state"),
            tr(settings, "parcours ouverts", "open routes"),
        ],
        [
            [
                r["account_id"],
                None if r["name"] is None else visible(r["name"]),  # escaped before padding
                visible(", ".join(r["divisions"])),
                state_label(settings, AccountState(r["state"])),
                ", ".join(r["open_routes"]) or tr(settings, "aucun", "none"),
            ]
            for r in rows
        ],
    )
    shown = f"{offset + 1}-{offset + count}" if count else "0"
    print(tr(settings, f"{shown} sur {total}", f"{shown} of {total}"))
