"""Which ONDE extraction a header describes, and where each field sits.

Columns are located by normalized name (:func:`~.dialect.norm_header`), never by
fixed position. The responsables' child columns repeat (or are numbered): they
are grouped into blocks by position.
"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Final

import attrs

from educonnect_core.errors import SourceError

from .dialect import norm_header

__all__ = [
    "ChildBlock",
    "ElevesLayout",
    "Kind",
    "ResponsablesLayout",
    "classify",
    "eleves_layout",
    "responsables_layout",
]


class Kind(enum.Enum):
    ELEVES = "Élèves"
    RESPONSABLES = "Responsables"


#: Normalized header names of each élève field, first match wins.
ELEVE_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "nom": ("NOMELEVE", "NOMDEFAMILLEELEVE"),
    "nom_usage": ("NOMDUSAGEELEVE", "NOMUSAGEELEVE"),
    "prenom": ("PRENOMELEVE",),
    "naissance": ("DATENAISSANCE", "DATEDENAISSANCE"),
    "sexe": ("SEXE",),
    "ine": ("INE",),
    "niveau": ("NIVEAU",),
    "classe": ("LIBELLECLASSE", "CLASSE"),
    "classe_id": ("IDENTIFIANTCLASSE",),
}
ELEVE_REQUIRED: Final = ("nom", "prenom", "naissance")

RESPONSABLE_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "civilite": ("CIVILITERESPONSABLE", "CIVILITE"),
    "nom_usage": ("NOMUSAGERESPONSABLE", "NOMDUSAGERESPONSABLE"),
    "nom": ("NOMRESPONSABLE", "NOMDEFAMILLERESPONSABLE"),
    "prenom": ("PRENOMRESPONSABLE",),
    "adresse": ("ADRESSERESPONSABLE",),
    "cp": ("CPRESPONSABLE",),
    "commune": ("COMMUNERESPONSABLE",),
    "pays": ("PAYS", "PAYSRESPONSABLE"),
    "courriel": ("COURRIEL", "COURRIELRESPONSABLE", "EMAIL", "MEL"),
    "tel_domicile": ("TELEPHONEDOMICILE",),
    "tel_travail": ("TELEPHONETRAVAIL",),
    "poste": ("NUMERODEPOSTE",),
    "portable": ("TELEPHONEPORTABLE",),
}

#: Child columns of the responsables file: field → pattern (the group is the number).
CHILD_PATTERNS: Final[Mapping[str, re.Pattern[str]]] = {
    "nom_usage": re.compile(r"NOMDUSAGE(?:ENFANT|ELEVE)(\d*)"),
    "nom": re.compile(r"NOM(?:DEFAMILLE)?(?:ENFANT|ELEVE)(\d*)"),
    "prenom": re.compile(r"PRENOM(?:ENFANT|ELEVE)(\d*)"),
    "classe": re.compile(r"CLASSES?(?:ENFANTS?|ELEVES?)(\d*)"),
}


def classify(header: Sequence[str]) -> Kind | None:
    """The extraction a header belongs to, or ``None`` when it is not ONDE's."""
    names = {norm_header(cell) for cell in header}
    if "PRENOMRESPONSABLE" in names and names & {"NOMRESPONSABLE", "NOMUSAGERESPONSABLE"}:
        return Kind.RESPONSABLES
    if "PRENOMELEVE" in names and names & {"NOMELEVE", "NOMDEFAMILLEELEVE"}:
        return Kind.ELEVES
    return None


def _locate(normalized: Sequence[str], fields: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for field, names in fields.items():
        for name in names:
            if name in normalized:
                found[field] = normalized.index(name)
                break
    return found


def _require(
    found: Mapping[str, int], required: Sequence[str], kind: Kind, file: str, line: int
) -> None:
    missing = [f for f in required if f not in found]
    if missing:
        raise SourceError(
            f"ONDE {kind.value} header lacks the column(s) {', '.join(missing)}",
            file=file,
            line=line,
            element="header",
        )


@attrs.frozen
class ElevesLayout:
    """Column indexes of an Élèves extraction; ``legacy`` for BE1D files (no INE)."""

    columns: Mapping[str, int]
    width: int
    #: indexes of the columns whose header cell is not empty
    named: frozenset[int]

    @property
    def legacy(self) -> bool:
        return "ine" not in self.columns

    @property
    def name(self) -> str:
        return "BE1D (legacy, no INE)" if self.legacy else "ONDE"


def eleves_layout(header: Sequence[str], *, file: str, line: int) -> ElevesLayout:
    normalized = [norm_header(c) for c in header]
    columns = _locate(normalized, ELEVE_FIELDS)
    _require(columns, ELEVE_REQUIRED, Kind.ELEVES, file, line)
    named = frozenset(i for i, n in enumerate(normalized) if n)
    return ElevesLayout(columns=columns, width=len(header), named=named)


@attrs.frozen
class ChildBlock:
    """Column indexes of one child within a responsable row."""

    columns: Mapping[str, int]

    def shifted(self, offset: int) -> ChildBlock:
        return ChildBlock({f: i + offset for f, i in self.columns.items()})


@attrs.frozen
class ResponsablesLayout:
    """Column indexes of a Responsables extraction and its child blocks.

    ``stride`` is set when the blocks repeat at a constant distance: a row
    longer than the header then holds further blocks of the same shape.
    """

    columns: Mapping[str, int]
    blocks: tuple[ChildBlock, ...]
    width: int
    stride: int | None
    #: indexes of the columns whose header cell is not empty
    named: frozenset[int]

    def blocks_for(self, row_length: int) -> Iterator[ChildBlock]:
        yield from self.blocks
        if self.stride is None or not self.blocks:
            return
        block = self.blocks[-1]
        while True:
            block = block.shifted(self.stride)
            if min(block.columns.values()) >= row_length:
                return
            yield block


def responsables_layout(header: Sequence[str], *, file: str, line: int) -> ResponsablesLayout:
    normalized = [norm_header(c) for c in header]
    columns = _locate(normalized, RESPONSABLE_FIELDS)
    _require(columns, ("prenom",), Kind.RESPONSABLES, file, line)
    if "nom" not in columns and "nom_usage" not in columns:
        _require(columns, ("nom",), Kind.RESPONSABLES, file, line)
    blocks = _child_blocks(normalized)
    if not blocks:
        raise SourceError(
            "ONDE Responsables header has no child columns (Nom/Prénom enfant)",
            file=file,
            line=line,
            element="header",
        )
    for number, block in enumerate(blocks, start=1):
        if "prenom" not in block or not {"nom", "nom_usage"} & block.keys():
            raise SourceError(
                f"child block {number} of the header lacks Prénom or Nom enfant",
                file=file,
                line=line,
                element="header",
            )
    last_named = max((i for i, name in enumerate(normalized) if name), default=-1)
    at_end = max(blocks[-1].values()) == last_named
    return ResponsablesLayout(
        columns=columns,
        blocks=tuple(ChildBlock(b) for b in blocks),
        width=len(header),
        stride=_stride(blocks) if at_end else None,
        named=frozenset(i for i, n in enumerate(normalized) if n),
    )


def _child_field(name: str) -> tuple[str, str] | None:
    for field, pattern in CHILD_PATTERNS.items():
        if m := pattern.fullmatch(name):
            return field, m[1]
    return None


def _child_blocks(normalized: Sequence[str]) -> list[dict[str, int]]:
    """Group child columns: by number when numbered, else a field repeating starts a block."""
    numbered: dict[str, dict[str, int]] = {}
    positional: list[dict[str, int]] = []
    for index, name in enumerate(normalized):
        match = _child_field(name)
        if match is None:
            continue
        field, number = match
        if number:
            numbered.setdefault(number, {}).setdefault(field, index)
        elif not positional or field in positional[-1]:
            positional.append({field: index})
        else:
            positional[-1][field] = index
    ordered = sorted(numbered.items(), key=lambda item: int(item[0]))
    return positional + [block for _, block in ordered]


def _stride(blocks: Sequence[Mapping[str, int]]) -> int | None:
    """The constant distance between consecutive blocks of one shape, if any."""
    if len(blocks) < 2:
        block = blocks[0] if blocks else {}
        span = max(block.values(), default=0) - min(block.values(), default=0) + 1
        return span if blocks else None
    offsets = set()
    for before, after in itertools.pairwise(blocks):
        if before.keys() != after.keys():
            return None
        deltas = {after[f] - before[f] for f in before}
        if len(deltas) != 1:
            return None
        offsets |= deltas
    return offsets.pop() if len(offsets) == 1 else None
