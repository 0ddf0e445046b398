"""The :class:`~educonnect_core.ports.ExportReader` of an ONDE pair of extractions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from educonnect_core.errors import SourceError
from educonnect_core.findings import Finding, Severity
from educonnect_core.people import Degree, Eleve, Link, Responsable, School
from educonnect_core.ports import ClosedOnExit, SourceOptions
from educonnect_core.school_year import school_year_of
from educonnect_core.values import Uai

from .dialect import CsvRows, check_size, detect_encoding, sniff_header
from .eleves import EleveRows
from .layouts import (
    ElevesLayout,
    Kind,
    ResponsablesLayout,
    classify,
    eleves_layout,
    responsables_layout,
)
from .policy import LegalPolicy
from .responsables import ResponsableRows

__all__ = ["SOURCE_KIND", "OndeReader", "open_onde"]

SOURCE_KIND: Final = "onde"
PARIS: Final = ZoneInfo("Europe/Paris")


def kinds_of(paths: Sequence[Path]) -> dict[Path, Kind | None]:
    """Each file's ONDE kind from its header (``None``: not an ONDE extraction)."""
    found: dict[Path, Kind | None] = {}
    for path in paths:
        header = sniff_header(path)
        found[path] = classify(header) if header is not None else None
    return found


class _File:
    """One scanned extraction: its encoding, header line and layout."""

    def __init__(self, path: Path, kind: Kind, max_bytes: int) -> None:
        self.path = path
        self.name = str(path)
        self.kind = kind
        check_size(path, max_bytes)
        self.encoding = detect_encoding(path)
        rows = CsvRows(path, self.encoding)
        iterator = iter(rows)
        header = next(iterator, None)
        if header is None:  # pragma: no cover - sniffing saw a header
            raise SourceError("no header line", file=self.name, line=1)
        self.header_line, cells = header
        self.layout: ElevesLayout | ResponsablesLayout = (
            eleves_layout(cells, file=self.name, line=self.header_line)
            if kind is Kind.ELEVES
            else responsables_layout(cells, file=self.name, line=self.header_line)
        )
        self.data_rows = sum(1 for _ in iterator)  # validates the whole file before use

    def rows(self) -> tuple[CsvRows, Iterator[tuple[int, list[str]]]]:
        rows = CsvRows(self.path, self.encoding)
        iterator = iter(rows)
        next(iterator, None)
        return rows, iterator


class OndeReader(ClosedOnExit):
    """Reads an Élèves and a Responsables extraction of one école.

    Both files are scanned when the reader is opened (encoding, CSV structure,
    headers), so a malformed file fails before anything is yielded. Then
    ``eleves()`` streams the students, keeping only the index needed to link
    children; ``responsables()`` reads and merges the persons and resolves
    their children; ``links()`` yields the links with the level set by the
    :class:`~.policy.LegalPolicy`.
    """

    kind: Final = SOURCE_KIND

    def __init__(
        self,
        eleves: _File,
        responsables: _File,
        school: School,
        policy: LegalPolicy,
        ignored: Sequence[Path] = (),
    ):
        self._eleves = eleves
        self._responsables = responsables
        self._school = school
        self.policy = policy
        self._findings: list[Finding] = [
            Finding(
                "IGNORED_FILE",
                Severity.INFO,
                "a CSV file that is neither an ONDE Élèves nor Responsables extraction "
                "(a teachers extraction?): not used",
                str(path),
            )
            for path in ignored
        ]
        self._eleve_rows: EleveRows | None = None
        self._eleves_done = False
        self._persons: ResponsableRows | None = None
        self._responsables_done = False
        self._report_layout()

    @property
    def school(self) -> School:
        return self._school

    @property
    def findings(self) -> Sequence[Finding]:
        return tuple(self._findings)

    @property
    def files(self) -> tuple[Path, Path]:
        """The Élèves and the Responsables extraction, in that order."""
        return self._eleves.path, self._responsables.path

    def close(self) -> None:
        """Nothing to release: files are opened only while a stream is read."""

    @property
    def layouts(self) -> dict[str, str]:
        """File name → the layout recognized (for messages)."""
        layout = self._eleves.layout
        name = layout.name if isinstance(layout, ElevesLayout) else "ONDE"
        return {self._eleves.name: f"{name} Élèves", self._responsables.name: "ONDE Responsables"}

    def _report_layout(self) -> None:
        for file in (self._eleves, self._responsables):
            self._findings.append(
                Finding(
                    "SOURCE_LAYOUT",
                    Severity.INFO,
                    f"{self.layouts[file.name]} extraction, {file.encoding}, "
                    f"{file.data_rows} data rows",
                    file.name,
                    file.header_line,
                )
            )
        layout = self._eleves.layout
        if isinstance(layout, ElevesLayout) and layout.legacy:
            self._findings.append(
                Finding(
                    "DERIVED_ELEVE_KEYS",
                    Severity.INFO,
                    "legacy BE1D layout without INE: students are keyed by a derived key "
                    "(nom, prénom, birth date)",
                    self._eleves.name,
                    self._eleves.header_line,
                )
            )

    def eleves(self) -> Iterator[Eleve]:
        if self._eleve_rows is not None:
            raise RuntimeError("eleves() may be iterated once")
        layout = self._eleves.layout
        assert isinstance(layout, ElevesLayout)
        self._eleve_rows = EleveRows(layout, self._eleves.name, self._findings.append)
        rows, iterator = self._eleves.rows()
        yield from self._eleve_rows.read(iterator)
        self._skipped(self._eleves, rows)
        self._eleves_done = True

    def responsables(self) -> Iterator[Responsable]:
        if self._persons is not None:
            raise RuntimeError("responsables() may be iterated once")
        if not self._eleves_done:
            for _ in self.eleves() if self._eleve_rows is None else ():
                pass
            if not self._eleves_done:
                raise RuntimeError("responsables() needs eleves() exhausted first")
        assert self._eleve_rows is not None
        layout = self._responsables.layout
        assert isinstance(layout, ResponsablesLayout)
        self._persons = ResponsableRows(
            layout, self._responsables.name, self._eleve_rows.index, self._findings.append
        )
        rows, iterator = self._responsables.rows()
        self._persons.read(iterator)
        self._skipped(self._responsables, rows)
        yield from self._persons.finish()
        self._responsables_done = True

    def links(self) -> Iterator[Link]:
        if not self._responsables_done:
            for _ in self.responsables() if self._persons is None else ():
                pass
            if not self._responsables_done:
                raise RuntimeError("links() needs responsables() exhausted first")
        assert self._persons is not None
        level = self.policy.level
        per_eleve: Counter[str] = Counter()
        lines: dict[str, int] = {}
        for person in self._persons.persons:
            for eleve_id, line in person.children.items():
                per_eleve[eleve_id] += 1
                lines.setdefault(eleve_id, line)
                yield Link(eleve_id=eleve_id, personne_id=person.personne_id, level=level)
        self._findings.append(
            Finding(
                "LEGAL_STATUS_BY_POLICY",
                Severity.INFO,
                f"ONDE gives no legal status; policy {self.policy.value!r} decided, not the "
                f"data: {self.policy.explanation} ({sum(per_eleve.values())} links)",
                self._responsables.name,
            )
        )
        for eleve_id, count in per_eleve.items():
            if count > 2:
                self._findings.append(
                    Finding(
                        "MORE_THAN_TWO_RESPONSABLES",
                        Severity.WARNING,
                        f"{count} responsables are listed for this student",
                        self._responsables.name,
                        lines[eleve_id],
                        eleve_id,
                    )
                )

    def _skipped(self, file: _File, rows: CsvRows) -> None:
        if rows.blank_lines:
            shown = ", ".join(str(n) for n in rows.blank_lines[:10])
            more = "…" if len(rows.blank_lines) > 10 else ""
            self._findings.append(
                Finding(
                    "BLANK_LINES_SKIPPED",
                    Severity.INFO,
                    f"{len(rows.blank_lines)} blank or ';'-only lines skipped "
                    f"(lines {shown}{more})",
                    file.name,
                    rows.blank_lines[0],
                )
            )


def open_onde(
    paths: Sequence[Path], options: SourceOptions, policy: LegalPolicy = LegalPolicy.ALL_LEGAL
) -> OndeReader | None:
    """Open ``paths`` as an ONDE pair, ``None`` when no file is an ONDE extraction.

    Another CSV file among them (a teachers extraction, say) is ignored with an
    ``IGNORED_FILE`` finding. Raises :class:`SourceError` when some files are
    ONDE's and the others are not exactly one Élèves and one Responsables
    extraction (or a file is not CSV at all), when a file is malformed, and when
    no UAI is given (ONDE files carry none).
    """
    kinds = kinds_of(paths)
    if not any(kinds.values()):
        return None
    ignored: list[Path] = []
    by_kind: dict[Kind, list[Path]] = {Kind.ELEVES: [], Kind.RESPONSABLES: []}
    for path, kind in kinds.items():
        if kind is not None:
            by_kind[kind].append(path)
        elif sniff_header(path) is not None:  # a CSV, not an extraction this reader uses
            ignored.append(path)
        else:
            raise SourceError("not an ONDE Élèves or Responsables extraction", file=str(path))
    for kind, found in by_kind.items():
        other = by_kind[Kind.RESPONSABLES if kind is Kind.ELEVES else Kind.ELEVES]
        if not found:
            also = f"; not an ONDE extraction: {', '.join(map(str, ignored))}" if ignored else ""
            raise SourceError(
                f"the ONDE {kind.value} extraction is missing (give both files of the school"
                f"{also})",
                file=str(other[0]),
            )
        if len(found) > 1:
            raise SourceError(
                f"two ONDE {kind.value} extractions: also {found[0]}", file=str(found[1])
            )
    eleves = _File(by_kind[Kind.ELEVES][0], Kind.ELEVES, options.max_bytes)
    responsables = _File(by_kind[Kind.RESPONSABLES][0], Kind.RESPONSABLES, options.max_bytes)
    school = _school(eleves.path, options)
    return OndeReader(eleves, responsables, school, policy, ignored)


def _school(eleves: Path, options: SourceOptions) -> School:
    if not options.expected_uai:
        raise SourceError(
            "ONDE extractions carry no UAI: the école's UAI must be given "
            "(ReadOptions.expected_uai)",
            file=str(eleves),
        )
    uai = Uai.parse(options.expected_uai)
    as_of = options.as_of
    if as_of is None:
        as_of = dt.datetime.fromtimestamp(eleves.stat().st_mtime, PARIS).date()
    return School(uai=uai, school_year=school_year_of(as_of), degree=Degree.FIRST)
