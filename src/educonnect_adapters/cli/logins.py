"""``educonnect logins FILE``: record the sign-ins a service behind EduConnect logged.

Opens FILE through the installed sign-in feed adapters (JSON Lines shipped),
matches every sign-in to the stored accounts and records the observed
activations (:class:`educonnect_core.observed.SignInRecorder`), then prints a
summary: sign-ins read, matched, accounts activated now or already active,
ambiguous and unknown sign-ins with the reason (the school's to-do), and the
lines that could not be read. ``--dry-run`` matches and counts, writes nothing.
Recording the same file twice changes nothing; the order of its lines does not
matter.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any, Final

from educonnect_core.observed import SignInRecorder, SignInSummary
from educonnect_core.permissions import AccessContext, Actor
from educonnect_core.plugins import Plugins
from educonnect_core.progress import tracked
from educonnect_core.service import Session

from .common import now, print_json, tr
from .exports import progress_of
from .settings import Settings, add_common_options, load, open_store

__all__ = ["FEED_ACTOR", "register", "run"]

#: the actor of the audit events a feed records (role ``identity_provider``)
FEED_ACTOR: Final = "educonnect-sign-in-feed"
#: problems listed one by one; the rest are counted (``--json`` has them all)
_SHOWN: Final = 20


class _Clock:
    def now(self) -> Any:
        return now()


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "logins",
        help="enregistrer les connexions observées / record observed sign-ins",
        description="Record the EduConnect sign-ins a service logged (JSON Lines).",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the sign-ins (JSON Lines)")
    parser.add_argument("--dry-run", action="store_true", help="match and count; write nothing")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar, even on a terminal"
    )
    add_common_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    feed = Plugins.installed().open_sign_in_feed(args.file)
    session = Session(
        Actor.identity_provider(FEED_ACTOR), AccessContext(administrative_network=True)
    )
    progress = progress_of(args, settings)
    with open_store(settings) as store:
        recorder = SignInRecorder(store, _Clock(), session)
        read = tracked(progress, tr(settings, "connexions lues", "sign-ins read"), feed.sign_ins())
        summary = recorder.record_many(read, dry_run=args.dry_run)
    if settings.json:
        print_json({"dry_run": args.dry_run, "summary": summary, "findings": feed.findings})
        return 0
    _print(settings, summary, len(feed.findings), args.dry_run)
    for finding in feed.findings[:_SHOWN]:
        print(
            f"  {finding.file}, {tr(settings, 'ligne', 'line')} {finding.line}: {finding.message}"
        )
    return 0


def _print(settings: Settings, s: SignInSummary, unreadable: int, dry_run: bool) -> None:
    if dry_run:
        print(tr(settings, "Simulation : rien n'est enregistré.", "Dry run: nothing is written."))
    print(
        tr(
            settings,
            f"Connexions lues : {s.sign_ins + unreadable} (illisibles : {unreadable})"
            f" ; personnes : {s.persons}",
            f"Sign-ins read: {s.sign_ins + unreadable} (unreadable: {unreadable})"
            f"; persons: {s.persons}",
        )
    )
    print(
        tr(
            settings,
            f"Rapprochées : {s.matched} ; ambiguës : {s.ambiguous} ; inconnues : {s.unknown}",
            f"Matched: {s.matched}; ambiguous: {s.ambiguous}; unknown: {s.unknown}",
        )
    )
    print(
        tr(
            settings,
            f"Comptes activés maintenant : {s.activated_now} ; déjà actifs : {s.already_active}"
            f" ; désactivés mais connectés : {s.deactivated}",
            f"Accounts activated now: {s.activated_now}; already active: {s.already_active}"
            f"; deactivated but signed in: {s.deactivated}",
        )
    )
    if s.problems:
        reasons = Counter(p.reason for p in s.problems)
        print(tr(settings, "À vérifier :", "To check:"))
        for problem in s.problems[:_SHOWN]:
            where = ", ".join(str(n) for n in problem.lines[:5]) or "—"
            who = f" {', '.join(problem.account_ids)}" if problem.account_ids else ""
            print(f"  {tr(settings, 'ligne', 'line')} {where}{who} : {problem.reason_fr}")
        if len(s.problems) > _SHOWN:
            rest = ", ".join(f"{code} {n}" for code, n in sorted(reasons.items()))
            print(
                tr(
                    settings,
                    f"  … et {len(s.problems) - _SHOWN} autres ({rest} ; --json pour tout)",
                    f"  … and {len(s.problems) - _SHOWN} more ({rest}; --json for all)",
                )
            )
