"""``educonnect import FILE...``: load a school's export into the store.

The files are opened by whichever source plugin recognizes them (SIECLE, ONDE…),
then :func:`educonnect_core.importing.import_export` writes everything in one
unit of work. On a terminal a progress bar counts the records read. ``--dry-run``
runs the whole import and rolls it back: the summary says what would change.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self, cast

from educonnect_core.eligibility import EvaluationContext
from educonnect_core.findings import Finding
from educonnect_core.importing import ImportResult, import_export
from educonnect_core.people import Eleve, Link, Responsable, School
from educonnect_core.plugins import Plugins
from educonnect_core.ports import ExportReader
from educonnect_core.schedule import RefreshSchedule
from educonnect_core.sources import ReadOptions
from educonnect_core.storage import Store, UnitOfWork

from .common import now, print_json, tr
from .settings import Settings, add_common_options, load, open_store

__all__ = ["Counting", "Progress", "print_findings", "register", "run"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="importer un export (SIECLE, ONDE) / import an export",
        description="Apply a school's export to the account store (all or nothing).",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="export files (zip ok)")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write none")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar, even on a terminal"
    )
    add_common_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    paths: list[Path] = list(args.files)
    options = ReadOptions(expected_uai=settings.uai.value if settings.uai else None)
    reader = Plugins.installed().open_source(paths, options)
    show_progress = not args.no_progress and not settings.json and sys.stderr.isatty()
    with open_store(settings) as store:
        target: Store = _DryRunStore(store) if args.dry_run else store
        ctx = EvaluationContext(
            at=now(),
            schedule=RefreshSchedule(timezone=settings.timezone),
            school_year=reader.school.school_year,
        )
        with Progress(show_progress) as progress:
            result = import_export(Counting(reader, progress), target, ctx)
    _print(settings, result, args.dry_run, paths)
    return 0


def _print(settings: Settings, result: ImportResult, dry_run: bool, paths: Sequence[Path]) -> None:
    if settings.json:
        print_json(
            {
                "dry_run": dry_run,
                "files": [str(p) for p in paths],
                "uai": str(result.uai),
                "changed": result.changed,
                "school_changed": result.school_changed,
                "eleves_written": result.eleves_written,
                "responsables_written": result.responsables_written,
                "links_written": result.links_written,
                "accounts_created": result.accounts_created,
                "snapshots_written": result.snapshots_written,
                "eleves_without_account": result.eleves_without_account,
                "responsables_without_account": result.responsables_without_account,
                "findings": result.findings,
            }
        )
        return

    def t(fr: str, en: str) -> str:
        return tr(settings, fr, en)

    if dry_run:
        print(t("Simulation (rien n'est écrit)", "Dry run (nothing written)"))
    lines = [
        (t("établissement", "school"), str(result.uai)),
        (t("élèves écrits", "students written"), result.eleves_written),
        (t("responsables écrits", "responsables written"), result.responsables_written),
        (t("liens écrits", "links written"), result.links_written),
        (t("comptes créés", "accounts created"), result.accounts_created),
        (t("éligibilités recalculées", "eligibility snapshots written"), result.snapshots_written),
        (
            t("élèves sans compte (sortis)", "students without account (left)"),
            result.eleves_without_account,
        ),
        (
            t(
                "responsables sans compte (non représentants légaux)",
                "responsables without account (not legal representatives)",
            ),
            result.responsables_without_account,
        ),
    ]
    width = max(len(name) for name, _ in lines)
    for name, value in lines:
        print(f"{name.ljust(width)}  {value}")
    if not result.changed:
        print(t("Aucun changement : cet export est déjà appliqué.", "No change: already applied."))
    elif dry_run:
        print(t("Relancer sans --dry-run pour appliquer.", "Run again without --dry-run to apply."))
    print_findings(settings, result.findings)


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


class Counting:
    """An :class:`ExportReader` that reports each record read to the progress bar."""

    def __init__(self, reader: ExportReader, progress: Progress) -> None:
        self._reader = reader
        self._progress = progress

    @property
    def kind(self) -> str:
        return self._reader.kind

    @property
    def school(self) -> School:
        return self._reader.school

    def eleves(self) -> Iterator[Eleve]:
        return self._progress.track("eleves", self._reader.eleves())

    def responsables(self) -> Iterator[Responsable]:
        return self._progress.track("responsables", self._reader.responsables())

    def links(self) -> Iterator[Link]:
        return self._progress.track("links", self._reader.links())

    @property
    def findings(self) -> Sequence[Finding]:
        return self._reader.findings


class Progress:
    """A rich progress display on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._progress: Any = None

    def __enter__(self) -> Self:
        if self._enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TextColumn("{task.completed:>9,d}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def track(self, what: str, items: Iterator[Any]) -> Iterator[Any]:
        if self._progress is None:
            yield from items
            return
        task = self._progress.add_task(what, total=None)
        step = 0
        for item in items:
            step += 1
            if step == 500:
                self._progress.advance(task, step)
                step = 0
            yield item
        self._progress.advance(task, step)


class _DryRunStore:
    """A store whose units of work never commit: a dry run rolls everything back."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def url(self) -> str:
        return self._store.url

    def unit_of_work(self) -> UnitOfWork:
        return cast(UnitOfWork, _NoCommit(self._store.unit_of_work()))

    def close(self) -> None:
        self._store.close()


class _NoCommit:
    """A unit of work whose :meth:`commit` does nothing (rolled back on exit)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __getattr__(self, name: str) -> Any:
        """Repositories and anything else: those of the wrapped unit of work."""
        return getattr(self._uow, name)

    def commit(self) -> None:
        """Dry run: keep nothing."""

    def rollback(self) -> None:
        self._uow.rollback()

    def __enter__(self) -> Self:
        self._uow.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._uow.rollback()
        self._uow.__exit__(exc_type, exc, tb)
