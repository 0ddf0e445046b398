"""How every command opens an export: the one way for ``check``, ``import`` and ``sync``.

* :func:`open_export` opens the files through whichever source plugin
  recognises them; a source whose files carry no school year (ONDE) takes it
  from the day of ``at`` (never from the files' dates).
* :func:`export_time` decides the export time that orders the exports of a
  school: ``--exported-at`` when given, else the time the export carries
  (SIECLE ``HORODATAGE``), else the latest modification time of the files.
  Its :class:`ExportTime` says which, and the commands print it.
* :func:`apply_export` is ``import`` and ``sync``: the core pipeline
  (:func:`educonnect_core.sync.synchronise`: plan, then apply in one unit of
  work), with the same rules whatever the command.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from educonnect_core.changeset import Changeset
from educonnect_core.errors import InvalidValue, SourceError
from educonnect_core.findings import Finding
from educonnect_core.people import Profile, School
from educonnect_core.plugins import Plugins
from educonnect_core.ports import ExportReader
from educonnect_core.progress import NO_PROGRESS, Progress
from educonnect_core.schedule import RefreshSchedule
from educonnect_core.shown_times import shown_time
from educonnect_core.sources import ReadOptions
from educonnect_core.sync import SyncOptions, synchronise
from educonnect_core.timebounds import bounded

from .common import now, print_json, to_jsonable, tr
from .progress import TerminalProgress
from .settings import Settings, add_common_options, load, open_store

__all__ = [
    "ExportTime",
    "add_export_options",
    "apply_export",
    "aware",
    "cli_message",
    "cli_names",
    "export_time",
    "open_export",
    "print_findings",
    "progress_of",
]

#: Source kinds whose files carry no school year: the reader takes it from
#: ``ReadOptions.as_of``, which every command sets to the day of its ``at``.
YEARLESS_KINDS: Final = frozenset({"onde"})
PARIS: Final = ZoneInfo("Europe/Paris")


def aware(text: str) -> dt.datetime:
    """An ISO date-time with a time zone (an ``argparse`` type)."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an ISO date-time, got {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"expected a time zone (e.g. +01:00 or Z), got {text!r}")
    try:
        return bounded("date-time", moment)
    except InvalidValue as exc:
        raise argparse.ArgumentTypeError(f"{exc.reason}, got {text!r}") from None


#: Library names that messages of the sources and of the pipeline give, and what a
#: user of the command line gives instead (the library's callers keep the former).
CLI_NAMES: Final = (
    ("ReadOptions(expected_uai=…)", "--uai"),
    ("ReadOptions.expected_uai", "--uai"),
    ("ReadOptions.as_of", "--at"),
    ("ReadOptions.max_bytes", "the size bound of the readers"),
    ("SyncOptions(exported_at=…)", "--exported-at"),
    ("SyncOptions.exported_at", "--exported-at"),
)


def cli_message(text: str) -> str:
    """``text`` with the library's option names replaced by the command line's."""
    for name, option in CLI_NAMES:
        text = text.replace(name, option)
    return text


@contextlib.contextmanager
def cli_names() -> Iterator[None]:
    """Re-raise a source or value error whose message names a library option,
    naming the command-line option instead (same type, file and line)."""
    try:
        yield
    except SourceError as exc:
        message = cli_message(exc.message)
        if message == exc.message:
            raise
        raise SourceError(message, file=exc.file, line=exc.line, element=exc.element) from exc
    except InvalidValue as exc:
        field, reason = cli_message(exc.field), cli_message(exc.reason)
        if (field, reason) == (exc.field, exc.reason):
            raise
        raise InvalidValue(field, exc.value, reason, exc.code) from exc


def add_export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="export files (zip ok)")
    parser.add_argument(
        "--exported-at",
        type=aware,
        metavar="ISO-DATETIME",
        help="the export time, for exports that carry none (ONDE; SIECLE without "
        "HORODATAGE); default: the files' latest modification time",
    )


def open_export(
    plugins: Plugins, files: Sequence[Path], school: str | None, at: dt.datetime
) -> ExportReader:
    """Open ``files``; a source whose files carry no school year is opened again
    with ``as_of`` the day of ``at`` (Paris calendar), so that ``at`` decides the
    school year, not the files' dates. The SIECLE reader keeps its own rule."""
    reader = plugins.open_source(files, ReadOptions(expected_uai=school))
    if reader.kind not in YEARLESS_KINDS:
        return reader
    reader.close()
    as_of = at.astimezone(PARIS).date()
    return plugins.open_source(files, ReadOptions(expected_uai=school, as_of=as_of))


@attrs.frozen
class ExportTime:
    """The export time and where it comes from: ``option`` (``--exported-at``),
    ``export`` (carried by the files) or ``files`` (their modification time)."""

    at: dt.datetime
    source: str

    def describe(self, settings_lang: str) -> str:
        stamp = shown_time(self.at, settings_lang, PARIS)
        fr, en = _SOURCE_TEXT[self.source]
        return f"{stamp} ({fr if settings_lang != 'en' else en})"


_SOURCE_TEXT: Final = {
    "option": ("donnée par --exported-at", "given by --exported-at"),
    "export": ("portée par l'export", "carried by the export"),
    "files": (
        "l'export n'en porte pas : date de modification des fichiers",
        "the export carries none: the files' modification time",
    ),
}


def export_time(school: School, files: Sequence[Path], given: dt.datetime | None) -> ExportTime:
    """The export time that orders this export (see the module docstring)."""
    if given is not None:
        return ExportTime(given, "option")
    if school.exported_at is not None and school.exported_at.tzinfo is not None:
        return ExportTime(school.exported_at, "export")
    latest = max(path.stat().st_mtime for path in files)
    return ExportTime(dt.datetime.fromtimestamp(latest, dt.UTC), "files")


# ---------------------------------------------------------------------- import and sync


def register_apply(sub: Any, command: str, help_text: str, description: str) -> None:
    """The options of ``import`` and ``sync`` (the same command under two names)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        command, help=help_text, description=description
    )
    add_export_options(parser)
    parser.add_argument("--dry-run", action="store_true", help="show the changeset; write nothing")
    parser.add_argument(
        "--force",
        action="store_true",
        help="apply an export older than the last one, or one that deactivates many accounts",
    )
    parser.add_argument("--details", action="store_true", help="every change, field by field")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar, even on a terminal"
    )
    add_common_options(parser)
    parser.set_defaults(handler=apply_export, command_name=command)


def apply_export(args: argparse.Namespace) -> int:
    """``import`` / ``sync``: plan the export against the store and apply it."""
    settings = load(args)
    paths: list[Path] = list(args.files)
    at = now()
    uai = settings.uai.value if settings.uai else None
    progress = progress_of(args, settings)
    progress.begin("open")
    with cli_names(), open_export(Plugins.installed(), paths, uai, at) as reader:
        progress.end("open")
        when = export_time(reader.school, paths, args.exported_at)
        options = SyncOptions(
            schedule=RefreshSchedule(timezone=settings.timezone),
            force=args.force,
            dry_run=args.dry_run,
            exported_at=when.at,
            progress=progress,
        )
        with open_store(settings) as store:
            changeset = synchronise(store, reader, at, options)
    if settings.json:
        document = to_jsonable(changeset)
        document["exported_at_source"] = when.source
        document["not_opened_counts"] = _not_opened(changeset)
        print_json(document)
        return 0
    print_changeset(settings, changeset, when, args.details)
    print_findings(settings, changeset.findings)
    return 0


#: Tasks of the command line itself (the library's are in ``progress.TASKS``).
_TASKS: Final = {"open": ("fichiers ouverts et vérifiés", "files opened and checked")}


def progress_of(args: argparse.Namespace, settings: Settings) -> Progress:
    """A terminal progress display on standard error, unless it is not a terminal,
    the output is JSON or ``--no-progress`` was given."""
    if args.no_progress or settings.json or not sys.stderr.isatty():
        return NO_PROGRESS
    return TerminalProgress(sys.stderr, settings.lang, labels=_TASKS)


def _not_opened(changeset: Changeset) -> dict[str, int]:
    counts = Counter(profile.value for profile, _ in changeset.not_opened)
    return {p.value: counts[p.value] for p in Profile}


def print_changeset(
    settings: Settings, changeset: Changeset, when: ExportTime, details: bool
) -> None:
    if settings.lang == "en":
        head = "Dry run" if changeset.dry_run else "Applied"
        print(
            f"{head} — {changeset.uai}, export of "
            f"{shown_time(changeset.exported_at, 'en', settings.timezone)}, "
            f"effective from {shown_time(changeset.effective_from, 'en', settings.timezone)}"
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
    print(tr(settings, "Heure d'export : ", "Export time: ") + when.describe(settings.lang))
    without = _not_opened(changeset)
    if any(without.values()):
        print(
            tr(
                settings,
                f"Sans compte : {without['eleve']} élève(s) (partis, ou 1er degré), "
                f"{without['responsable']} responsable(s) (non représentants légaux "
                "d'un élève scolarisé)",
                f"Without an account: {without['eleve']} student(s) (left, or 1st degree), "
                f"{without['responsable']} responsable(s) (no legal representative "
                "of a current student)",
            )
        )
    if changeset.dry_run and not changeset.noop:
        print(
            tr(settings, "Relancer sans --dry-run pour appliquer.", "Run again without --dry-run.")
        )
    if details and not changeset.noop:
        _print_details(settings, changeset)


def _print_details(settings: Settings, changeset: Changeset) -> None:
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


def print_findings(settings: Settings, findings: Sequence[Finding]) -> None:
    if not findings:
        return
    counts = Counter((f.severity.value, f.code) for f in findings)
    print(
        tr(settings, f"Anomalies des données : {len(findings)}", f"Data findings: {len(findings)}")
    )
    for (severity, code), n in sorted(counts.items()):
        print(f"  {severity:<7} {code}: {n}")
    print(
        tr(
            settings,
            "  (détail : educonnect check FILE...)",
            "  (details: educonnect check FILE...)",
        )
    )
