"""Linking a child named in a responsable row to a student of the Élèves extraction.

Rule (reference: "link on name + class, fall back to name alone only when
unique, and report ambiguity instead of guessing"):

1. candidates: students whose nom or nom d'usage equals the child's nom de
   famille or nom d'usage, and whose prénom equals the child's (folded);
2. when the row gives a class, the candidates in that class (folded label or
   ONDE class id): exactly one → linked;
3. otherwise exactly one candidate by name → linked (a warning says the class
   did not match); several → ``AMBIGUOUS_LINK``, no link; none → no link.

Each step is a look-up in the :class:`EleveIndex` (by name, and by name and
class), so a school of many homonyms links in linear time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import attrs

from educonnect_core.findings import Severity

from .eleves import EleveIndex, IndexedEleve
from .keys import class_key

__all__ = ["SHOWN", "ChildRef", "Resolution", "resolve"]


@attrs.frozen
class ChildRef:
    """A child as a responsable row names it (block ``number`` counts from 1)."""

    number: int
    nom: str
    nom_usage: str
    prenom: str
    classe: str

    @property
    def empty(self) -> bool:
        return not (self.nom or self.nom_usage or self.prenom or self.classe)

    def __str__(self) -> str:
        nom = self.nom_usage or self.nom
        where = f", class {self.classe!r}" if self.classe else ""
        return f"child {self.number} ({nom} {self.prenom}{where})"


@attrs.frozen
class Resolution:
    """The student linked (``eleve_id``) or why not; a finding when ``code`` is set."""

    eleve_id: str | None
    code: str | None = None
    severity: Severity = Severity.ERROR
    message: str = ""


#: How many lines of homonyms a message names (then ``…``).
SHOWN: Final = 10


def _lines(candidates: Sequence[IndexedEleve]) -> str:
    shown = ", ".join(str(c.line) for c in candidates[:SHOWN])
    return shown + (", …" if len(candidates) > SHOWN else "")


def resolve(index: EleveIndex, child: ChildRef) -> Resolution:
    """Apply the linking rule of this module to one child.

    Looks at no more than :data:`SHOWN` + 1 homonyms, however many the school has
    (a message names the first :data:`SHOWN` lines, then ``…``).
    """
    noms = [n for n in (child.nom, child.nom_usage) if n]
    if not child.prenom or not noms:
        return Resolution(
            None, "INCOMPLETE_CHILD", message=f"{child} lacks a nom or a prénom; no link"
        )
    candidates = index.first(noms, child.prenom, limit=SHOWN + 1)
    if not candidates:
        return Resolution(
            None,
            "LINK_TO_UNKNOWN_STUDENT",
            message=f"{child} is not in the Élèves extraction (left the school?); no link",
        )
    lines = _lines(candidates)
    wanted = class_key(child.classe)
    if wanted:
        in_class = index.first(noms, child.prenom, wanted, limit=2)
        if len(in_class) == 1:
            return Resolution(in_class[0].eleve_id)
        if len(in_class) > 1:
            return Resolution(
                None,
                "AMBIGUOUS_LINK",
                message=f"{child} matches several students of that class (lines {lines}); no link",
            )
    if len(candidates) == 1:
        if wanted:
            return Resolution(
                candidates[0].eleve_id,
                "LINK_BY_NAME_ONLY",
                Severity.WARNING,
                f"{child}: no student of that name in that class; linked by name alone "
                f"to the only student of that name (line {lines})",
            )
        return Resolution(candidates[0].eleve_id)
    reason = "none in that class" if wanted else "the row gives no class"
    return Resolution(
        None,
        "AMBIGUOUS_LINK",
        message=f"{child} matches homonyms (lines {lines}), {reason}; no link",
    )
