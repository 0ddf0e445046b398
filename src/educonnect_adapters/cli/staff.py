"""``educonnect staff add|list|remove|reset-otp``: the web module's staff accounts.

The staff file (TOML, mode 0600) holds each member's id, role, school, name,
argon2id password hash and TOTP secret; the web adapter reads and writes it
(:mod:`educonnect_adapters.web.staff`). A new TOTP secret is printed once, with
its ``otpauth://`` address for the authenticator app.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any, Final

from .common import print_table
from .serve import web_module
from .settings import BadInput

__all__ = ["DEFAULT_STAFF", "register", "run"]

DEFAULT_STAFF: Final = "educonnect-staff.toml"
_ROLES: Final = ("adjoint", "chef_etablissement", "delegue", "directeur_ecole")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "staff",
        help="comptes du personnel (module web) / staff accounts of the web module",
        description="Add, list and remove the web module's staff accounts; reset a TOTP key.",
    )
    parser.add_argument(
        "--file",
        type=Path,
        default=Path(DEFAULT_STAFF),
        metavar="FILE",
        help=f"staff file (default ./{DEFAULT_STAFF})",
    )
    actions = parser.add_subparsers(dest="staff_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a member (asks for the password)")
    add.add_argument("actor_id", metavar="ID")
    add.add_argument("--role", required=True, choices=_ROLES)
    add.add_argument("--uai", required=True, help="the member's school")
    add.add_argument("--name", default="", help="name shown on the pages")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    actions.add_parser("list", help="list the members")
    remove = actions.add_parser("remove", help="remove a member")
    remove.add_argument("actor_id", metavar="ID")
    reset = actions.add_parser("reset-otp", help="a new TOTP key for a member")
    reset.add_argument("actor_id", metavar="ID")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    staff = web_module("staff")
    path: Path = args.file
    action = args.staff_action
    if action == "list":
        print_table(
            ("id", "role", "uai", "name"),
            (
                (m.actor_id, m.role.value, str(m.uai), m.display_name)
                for m in staff.list_staff(path)
            ),
        )
        return 0
    if action == "remove":
        staff.remove_staff(path, args.actor_id)
        print(f"removed {args.actor_id} from {path}")
        return 0
    if action == "add":
        enrolment = staff.add_staff(
            path,
            args.actor_id,
            role=args.role,
            uai=args.uai,
            name=args.name,
            password=_password(args.password_stdin),
        )
    else:
        enrolment = staff.reset_otp(path, args.actor_id)
    print(f"TOTP key of {enrolment.actor_id} (give it once, then forget it): {enrolment.secret}")
    print(f"for the authenticator app: {enrolment.uri}")
    return 0


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise BadInput("the two passwords differ")
    return first
