"""``educonnect delegation grant|list|revoke``: DELEG-CE delegations, as records.

The head of school (``[actor]`` of the settings, role ``chef_etablissement``,
with OTP or on the administrative network) grants a delegation to a staff
member for some profiles and actions until a date; the delegate then acts with
``role = "delegue"`` and their own id, under the delegation the store holds.
Every grant and revocation is audited.
"""

from __future__ import annotations

import argparse
from typing import Any

from educonnect_adapters.system import SecretsRandom, SystemClock
from educonnect_core.actions import STAFF_ACTIONS, Action
from educonnect_core.delegating import Delegations
from educonnect_core.people import Profile
from educonnect_core.permissions import Delegation

from .common import now, print_json, print_table, tr
from .exports import aware
from .settings import add_actor_options, add_common_options, load, open_store

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "delegation",
        help="délégations DELEG-CE / DELEG-CE delegations",
        description="Grant, list and revoke DELEG-CE delegations (head of school only).",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    grant = verbs.add_parser("grant", help="grant a delegation to a staff member")
    grant.add_argument("delegate_id", metavar="DELEGATE_ID", help="the staff member's id")
    grant.add_argument(
        "--profile",
        action="append",
        required=True,
        choices=[p.value for p in Profile],
        help="a profile the delegate may manage (repeat for both)",
    )
    grant.add_argument(
        "--action",
        action="append",
        required=True,
        choices=sorted(a.value for a in STAFF_ACTIONS),
        help="an action the delegate may carry out (repeat)",
    )
    grant.add_argument(
        "--until", type=aware, required=True, metavar="ISO-DATETIME", help="expiry (with offset)"
    )
    listing = verbs.add_parser("list", help="the school's delegations")
    revoke = verbs.add_parser("revoke", help="end a delegation now")
    revoke.add_argument("delegation_id", metavar="ID")
    for verb in (grant, listing, revoke):
        add_actor_options(verb)
        add_common_options(verb)
        verb.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    with open_store(settings) as store:
        session = settings.session(store)
        delegations = Delegations(store, SystemClock(), SecretsRandom())
        if args.verb == "grant":
            shown = [
                delegations.grant(
                    session,
                    delegate_id=args.delegate_id,
                    profiles=[Profile(p) for p in args.profile],
                    actions=[Action(a) for a in args.action],
                    expires_at=args.until,
                )
            ]
        elif args.verb == "revoke":
            shown = [delegations.revoke(session, args.delegation_id)]
        else:
            shown = delegations.of_school(session)
    if settings.json:
        print_json([_record(d) for d in shown])
        return 0
    at = now()
    print_table(
        (
            "id",
            tr(settings, "délégué", "delegate"),
            tr(settings, "profils", "profiles"),
            "actions",
            tr(settings, "jusqu'au", "until"),
            tr(settings, "état", "state"),
        ),
        (
            (
                d.delegation_id,
                d.delegate_id,
                ", ".join(sorted(p.value for p in d.profiles)),
                ", ".join(sorted(a.value for a in d.actions)),
                d.expires_at.isoformat(timespec="minutes"),
                _state(d, at, settings.lang),
            )
            for d in shown
        ),
    )
    return 0


def _state(delegation: Delegation, at: Any, lang: str) -> str:
    if delegation.revoked_at is not None:
        return "révoquée" if lang == "fr" else "revoked"
    if delegation.in_force_at(at):
        return "en vigueur" if lang == "fr" else "in force"
    return "expirée" if lang == "fr" else "expired"


def _record(delegation: Delegation) -> dict[str, object]:
    return {
        "delegation_id": delegation.delegation_id,
        "uai": str(delegation.uai),
        "delegate_id": delegation.delegate_id,
        "granted_by": delegation.granted_by,
        "granted_at": delegation.granted_at.isoformat(),
        "expires_at": delegation.expires_at.isoformat(),
        "profiles": sorted(p.value for p in delegation.profiles),
        "actions": sorted(a.value for a in delegation.actions),
        "revoked_at": delegation.revoked_at.isoformat() if delegation.revoked_at else None,
        "revoked_by": delegation.revoked_by,
    }
