"""``educonnect diagnose ID``: the help-desk answer for one account.

What is wrong, what to do in order, where and from when
(:func:`educonnect_core.diagnosis.diagnose`). ``--problem`` answers a problem
the caller reports (a wrong but well-formed mobile cannot be seen in the data).
"""

from __future__ import annotations

import argparse
from typing import Any

from educonnect_core.diagnosis import Problem, diagnose
from educonnect_core.errors import NotFound

from .account import load_account
from .common import evaluation_context, print_json, tr
from .settings import add_common_options, load, open_store

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "diagnose",
        help="diagnostic d'un compte pour l'assistance / help-desk diagnosis",
        description="What blocks an account and what to do, in order.",
    )
    parser.add_argument("account_id", metavar="ID", help="account id")
    parser.add_argument(
        "--problem",
        choices=[p.value for p in Problem],
        help="the problem the person reports",
    )
    add_common_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    with open_store(settings, read_only=True) as store, store.unit_of_work() as uow:
        account, person, school = load_account(uow, args.account_id)
        if person is None:
            raise NotFound(
                tr(
                    settings,
                    f"{args.account_id} : données SIECLE introuvables, réimporter l'export",
                    f"{args.account_id}: no source data stored, import the export again",
                )
            )
        diagnosis = diagnose(
            person.record,
            evaluation_context(school, settings),
            account=account,
            children=person.children,
            reported=Problem(args.problem) if args.problem else None,
        )
    if settings.json:
        print_json(
            {
                "account_id": account.account_id,
                "state": diagnosis.state,
                "ok": diagnosis.ok,
                "unblocked_today": diagnosis.unblocked_today,
                "open_routes": diagnosis.eligibility.eligible_routes,
                "issues": diagnosis.issues,
            }
        )
        return 0
    print(f"{account.account_id} — {person.name}")
    print(diagnosis.render(settings.lang))
    return 0
