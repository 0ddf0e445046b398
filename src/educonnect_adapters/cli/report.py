"""``educonnect report --html FILE``: the state of a school at a glance.

One self-contained HTML file (inline CSS and SVG, no script, no network): the
activation funnel per class, the routes used, the blockers to fix in SIECLE
and, per class, the people whose data must be fixed. Figures come from the
store's statistics; the list of people from its queries by blocker code.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import attrs

from educonnect_adapters.system.files import write_private
from educonnect_core.blockers import CATALOGUE, BlockerCode, FixLocation
from educonnect_core.people import Profile
from educonnect_core.storage import TO_ACTIVATE, AccountQuery, UnitOfWork
from educonnect_core.values import Uai

from .common import now, person_of, tr
from .report_html import render
from .settings import BadInput, add_common_options, load, open_store, school_of
from .stats import gather

__all__ = ["SIECLE_CODES", "ToFix", "register", "run", "to_fix"]

#: Codes fixed in SIECLE, in the order the report lists them.
SIECLE_CODES: Final = tuple(c for c in BlockerCode if CATALOGUE[c].fix_in is FixLocation.SIECLE)
#: Élèves rarely have an email and get paper credentials: a missing email is not
#: something to fix for them (our decision, docs/cli.md).
_NOT_FOR_ELEVES: Final = frozenset({BlockerCode.MISSING_EMAIL})
#: Without a class (a responsable whose children have none).
NO_CLASS: Final = "—"


@attrs.frozen
class ToFix:
    """One account still to activate whose source data must be fixed in SIECLE."""

    account_id: str
    profile: Profile
    name: str
    divisions: tuple[str, ...]
    codes: tuple[BlockerCode, ...]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="rapport visuel HTML / visual HTML report",
        description="Write a self-contained HTML report: activation funnel per class, "
        "routes used, blockers to fix in SIECLE and the people to fix per class.",
    )
    parser.add_argument("--html", type=Path, metavar="FILE", required=True, help="file to write")
    add_common_options(parser, json=False)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    target: Path = args.html
    if target.exists() and target.is_dir():
        raise BadInput(f"--html {target}: is a folder, expected a file name")
    if not target.parent.is_dir():
        raise BadInput(f"--html {target}: the folder {target.parent} does not exist")
    with open_store(settings, read_only=True) as store, store.unit_of_work() as uow:
        school = school_of(uow, settings)
        figures = gather(uow, school, now())
        fixes = to_fix(uow, school.uai)
    page = render(
        figures,
        by_class(fixes),
        lang=settings.lang,
        generated_at=now(),
        tz=settings.timezone,
        school_name=settings.school_profile().name,
    )
    write_private(target, page.encode("utf-8"))
    print(
        tr(
            settings,
            f"Rapport écrit : {target} (à ouvrir dans un navigateur)",
            f"Report written: {target} (open it in a browser)",
        )
    )
    return 0


def to_fix(uow: UnitOfWork, uai: Uai) -> list[ToFix]:
    """Accounts still to activate carrying a code fixed in SIECLE, by class then name."""
    codes: dict[str, set[BlockerCode]] = {}
    for code in SIECLE_CODES:
        profile = Profile.RESPONSABLE if code in _NOT_FOR_ELEVES else None
        query = AccountQuery(uai=uai, state=TO_ACTIVATE, blocker=code, profile=profile, limit=None)
        for account in uow.accounts.query(query).items:
            codes.setdefault(account.account_id, set()).add(code)
    fixes: list[ToFix] = []
    for account_id, found in codes.items():
        account = uow.accounts.get(account_id)
        snapshot = uow.eligibility.get(account_id)
        person = person_of(uow, account)
        fixes.append(
            ToFix(
                account_id=account_id,
                profile=account.profile,
                name=person.name if person else account_id,
                divisions=snapshot.divisions if snapshot and snapshot.divisions else (NO_CLASS,),
                codes=tuple(c for c in SIECLE_CODES if c in found),
            )
        )
    fixes.sort(key=lambda f: (f.name.casefold(), f.account_id))
    return fixes


def by_class(fixes: Iterable[ToFix]) -> dict[str, list[ToFix]]:
    """Each class and its people to fix (a responsable appears in each child's class)."""
    grouped: dict[str, list[ToFix]] = {}
    for fix in fixes:
        for division in fix.divisions:
            grouped.setdefault(division, []).append(fix)
    return {d: grouped[d] for d in sorted(grouped, key=lambda d: (d == NO_CLASS, d.upper(), d))}
