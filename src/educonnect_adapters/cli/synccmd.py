"""``educonnect sync FILE...``: apply a new export of a school already in the store.

Runs :func:`educonnect_core.sync.synchronise` (new accounts, updated source data,
deactivations and reactivations, links, all in one unit of work) and prints the
changeset: counts, the routes each change opens or closes, and with
``--details`` every change field by field (old → new). ``--dry-run`` computes
the same changeset and writes nothing; an export older than the last one
applied is refused unless ``--force``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from educonnect_core.plugins import Plugins
from educonnect_core.schedule import RefreshSchedule
from educonnect_core.sources import ReadOptions

from .common import now, print_json, tr
from .importcmd import Counting, Progress, print_findings
from .settings import Settings, add_common_options, load, open_store

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "sync",
        help="synchroniser avec un nouvel export / apply a new export (changeset)",
        description="Apply a new export to the store and show what changed.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="export files (zip ok)")
    parser.add_argument("--dry-run", action="store_true", help="show the changeset; write nothing")
    parser.add_argument("--force", action="store_true", help="apply an export older than the last")
    parser.add_argument("--details", action="store_true", help="every change, field by field")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar, even on a terminal"
    )
    add_common_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from educonnect_core.sync import SyncOptions, synchronise

    settings = load(args)
    options = ReadOptions(expected_uai=settings.uai.value if settings.uai else None)
    reader = Plugins.installed().open_source(list(args.files), options)
    show_progress = not args.no_progress and not settings.json and sys.stderr.isatty()
    sync_options = SyncOptions(
        schedule=RefreshSchedule(timezone=settings.timezone),
        force=args.force,
        dry_run=args.dry_run,
    )
    with open_store(settings) as store, Progress(show_progress) as progress:
        changeset = synchronise(store, Counting(reader, progress), now(), sync_options)
    if settings.json:
        print_json(changeset)
        return 0
    _print(settings, changeset, args.details)
    print_findings(settings, changeset.findings)
    return 0


def _print(settings: Settings, changeset: Any, details: bool) -> None:
    if settings.lang == "en":
        head = "Dry run" if changeset.dry_run else "Applied"
        print(
            f"{head} — {changeset.uai}, export of {changeset.exported_at:%Y-%m-%d %H:%M}, "
            f"effective from {changeset.effective_from:%Y-%m-%d %H:%M}"
        )
        if changeset.noop:
            print("No change: this export is already applied.")
        else:
            counts = ", ".join(f"{k}: {v}" for k, v in changeset.counts().items())
            print(counts)
            for summary in changeset.summaries():
                direction = "opened" if summary.opened else "closed"
                print(
                    f"{summary.cause}: {summary.route.label_en} {direction} for "
                    f"{summary.count} {summary.profile.value}(s)"
                )
    else:
        for line in changeset.lines_fr():
            print(line)
    if details and not changeset.noop:
        _print_details(settings, changeset)


def _print_details(settings: Settings, changeset: Any) -> None:
    print()
    print(tr(settings, "Comptes :", "Accounts:"))
    for change in changeset.accounts:
        states = ""
        if change.before is not None and change.after is not None and change.before != change.after:
            states = f" ({change.before.value} → {change.after.value})"
        causes = f" — {', '.join(change.causes)}" if change.causes else ""
        print(f"  {change.account_id}: {change.kind.value}{states}{causes}")
    print(tr(settings, "Fiches :", "Records:"))
    for record in changeset.records:
        kind = tr(settings, "créée", "created") if record.created else ""
        fields = "; ".join(str(f) for f in record.fields)
        print(f"  {record.profile.value} {record.siecle_id}: {kind}{fields}")
    for link in changeset.links:
        print(f"  {link.eleve_id}–{link.personne_id}: {link.old or '∅'} → {link.new or '∅'}")
