"""Élèves rows → :class:`~educonnect_core.people.Eleve`, and the index used for linking."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from typing import Final

import attrs

from educonnect_core.findings import Finding, Severity
from educonnect_core.people import Eleve
from educonnect_core.values import Ine, Invalid, clean_text

from .keys import class_key, derive_eleve_key, name_key, niveau_code
from .layouts import ElevesLayout

__all__ = ["EleveIndex", "EleveRows", "IndexedEleve"]

Report = Callable[[Finding], None]


def cell(cells: Sequence[str], index: int | None) -> str:
    """The cleaned cell at ``index``; empty when the column or the cell is missing."""
    if index is None or index >= len(cells):
        return ""
    return clean_text(cells[index])


def extra_cells(cells: Sequence[str], known: frozenset[int]) -> list[int]:
    """1-based numbers of non-empty cells in columns the layout does not read."""
    return [i + 1 for i, c in enumerate(cells) if i not in known and clean_text(c)]


@attrs.frozen
class IndexedEleve:
    """What linking needs to know of a student: the key, the line and the class keys."""

    eleve_id: str
    line: int
    classes: tuple[str, ...]


#: Name buckets up to this size are filtered by class as they are; a larger one
#: (a school of many homonyms) gets its own index by class, built once.
_SMALL_BUCKET: Final = 32


class EleveIndex:
    """Students by folded (nom, prénom); a student is filed under nom and nom d'usage.
    Students are added in line order, so every list is in line order."""

    def __init__(self) -> None:
        self.by_name: dict[tuple[str, str], list[IndexedEleve]] = {}
        self.lines: dict[str, int] = {}
        #: eleve_id → the identity (derived key) and classes of its first row
        self.identity: dict[str, tuple[str, tuple[str, ...]]] = {}
        #: large name buckets by class key, built when first asked for
        self._by_class: dict[tuple[str, str], tuple[int, dict[str, list[IndexedEleve]]]] = {}

    def add(self, eleve: IndexedEleve, noms: Sequence[str], prenom: str, identity: str) -> None:
        self.lines[eleve.eleve_id] = eleve.line
        self.identity[eleve.eleve_id] = (identity, eleve.classes)
        for nom in {name_key(n) for n in noms if name_key(n)}:
            self.by_name.setdefault((nom, name_key(prenom)), []).append(eleve)

    def __contains__(self, eleve_id: object) -> bool:
        return eleve_id in self.lines

    def first(
        self, noms: Sequence[str], prenom: str, classe: str = "", limit: int = 11
    ) -> list[IndexedEleve]:
        """The first ``limit`` students (in line order) whose nom or nom d'usage is one
        of ``noms`` and prénom is ``prenom`` and, when ``classe`` (a class key) is
        given, in that class. Costs about ``limit``, not the number of homonyms."""
        prenom_key = name_key(prenom)
        lists = [
            self._in_class((nom, prenom_key), classe)
            for nom in dict.fromkeys(name_key(n) for n in noms)
        ]
        found: dict[str, IndexedEleve] = {}
        for eleve in lists[0] if len(lists) == 1 else heapq.merge(*lists, key=_line):
            found.setdefault(eleve.eleve_id, eleve)
            if len(found) >= limit:
                break
        return list(found.values())

    def _in_class(self, name: tuple[str, str], classe: str) -> Sequence[IndexedEleve]:
        bucket = self.by_name.get(name, [])
        if not classe:
            return bucket
        if len(bucket) <= _SMALL_BUCKET:
            return [e for e in bucket if classe in e.classes]
        size, by_class = self._by_class.get(name, (0, {}))
        if size != len(bucket):  # built for fewer students: build again
            by_class = {}
            for eleve in bucket:
                for key in dict.fromkeys(eleve.classes):
                    by_class.setdefault(key, []).append(eleve)
            self._by_class[name] = (len(bucket), by_class)
        return by_class.get(classe, [])


def _line(eleve: IndexedEleve) -> int:
    return eleve.line


class EleveRows:
    """Turns the rows of an Élèves extraction into students, filling an :class:`EleveIndex`.

    A student's key is the INE when valid, else a derived key
    (:func:`~.keys.derive_eleve_key`). A second row with a key already seen is
    the same student: it is merged into the first (not yielded) and reported.
    """

    def __init__(self, layout: ElevesLayout, file: str, report: Report) -> None:
        self.layout = layout
        self.file = file
        self.report = report
        self.index = EleveIndex()
        self._known = layout.named

    def _finding(
        self, code: str, severity: Severity, message: str, line: int, key: str, field: str | None
    ) -> None:
        self.report(Finding(code, severity, message, self.file, line, key, field))

    def read(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[Eleve]:
        col = self.layout.columns.get
        for line, cells in rows:
            nom, usage = cell(cells, col("nom")), cell(cells, col("nom_usage"))
            prenom = cell(cells, col("prenom"))
            naissance, ine_raw = cell(cells, col("naissance")), cell(cells, col("ine"))
            classe, classe_id = cell(cells, col("classe")), cell(cells, col("classe_id"))
            niveau_raw = cell(cells, col("niveau"))
            ine = Ine.parse(ine_raw) if _valid_ine(ine_raw) else None
            identity = derive_eleve_key(nom or usage, prenom, naissance)
            key = str(ine) if ine else identity
            eleve = Eleve.from_raw(
                eleve_id=key,
                last_name=usage or nom,
                family_name=nom,
                first_name=prenom,
                birth_date=naissance,
                ine=ine_raw,
                division=classe,
                mef=niveau_code(niveau_raw) or niveau_raw,
            )
            classes = tuple(k for k in (class_key(classe), class_key(classe_id)) if k)
            if key in self.index:
                self._duplicate(eleve, line, identity, classes)
                continue
            self._check(eleve, line, cells, ine_raw, niveau_raw)
            self.index.add(IndexedEleve(key, line, classes), (nom, usage), prenom, identity)
            yield eleve

    def _duplicate(self, eleve: Eleve, line: int, identity: str, classes: tuple[str, ...]) -> None:
        """A second row with a known key: the same student (merged) or a key clash."""
        key = eleve.eleve_id
        first = self.index.lines[key]
        first_identity, first_classes = self.index.identity[key]
        if identity != first_identity:
            self._finding(
                "DUPLICATE_INE",
                Severity.ERROR,
                f"{eleve.name} has the INE of the student of line {first}, with another name "
                "or birth date; the row is skipped",
                line,
                key,
                "INE",
            )
            return
        other_class = "" if classes == first_classes else f", in another class ({eleve.division})"
        self._finding(
            "DUPLICATE_ELEVE_MERGED",
            Severity.WARNING,
            f"same student as line {first} ({eleve.name}){other_class}; merged into line {first}",
            line,
            key,
            None,
        )

    def _check(
        self, eleve: Eleve, line: int, cells: Sequence[str], ine_raw: str, niveau: str
    ) -> None:
        key = eleve.eleve_id
        if not eleve.name.complete:
            missing = "nom" if not eleve.name.last else "prénom"
            self._finding(
                "MISSING_NAME", Severity.WARNING, f"student without {missing}", line, key, missing
            )
        if isinstance(eleve.ine, Invalid):
            self._finding(
                "INVALID_INE",
                Severity.WARNING,
                f"INE {ine_raw!r} is not 11 letters or digits; derived key used",
                line,
                key,
                "INE",
            )
        if eleve.birth_date is None:
            self._finding(
                "MISSING_BIRTH_DATE", Severity.WARNING, "no birth date", line, key, "Date naissance"
            )
        elif isinstance(eleve.birth_date, Invalid):
            self._finding(
                "INVALID_BIRTH_DATE",
                Severity.WARNING,
                f"birth date {eleve.birth_date.raw!r}: {eleve.birth_date.reason}",
                line,
                key,
                "Date naissance",
            )
        if niveau and niveau_code(niveau) is None:
            self._finding(
                "UNKNOWN_NIVEAU",
                Severity.INFO,
                f"level {niveau!r} is not one of TPS…CM2; kept as written",
                line,
                key,
                "Niveau",
            )
        if extras := extra_cells(cells, self._known):
            self._finding(
                "EXTRA_CELLS_IGNORED",
                Severity.INFO,
                f"cells in columns {extras} have no known header; ignored",
                line,
                key,
                None,
            )


def _valid_ine(raw: str) -> bool:
    return len(raw) == 11 and raw.isascii() and raw.isalnum()
