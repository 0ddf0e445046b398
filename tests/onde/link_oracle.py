"""The plain linking of a child to a student, kept as the oracle of the indexed one.

As first written: every homonym of the child is listed, filtered by class and
named in the messages, which is quadratic when a school has many homonyms and
many rows naming them. ``test_onde_linking.py`` proves
:func:`educonnect_adapters.onde.linking.resolve` decides the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from educonnect_adapters.onde.eleves import EleveIndex, IndexedEleve
from educonnect_adapters.onde.keys import class_key, name_key
from educonnect_adapters.onde.linking import ChildRef, Resolution
from educonnect_core.findings import Severity

__all__ = ["candidates_of", "plain_resolve"]


def candidates_of(index: EleveIndex, noms: Sequence[str], prenom: str) -> list[IndexedEleve]:
    """Students whose nom or nom d'usage is one of ``noms`` and prénom is ``prenom``."""
    found: dict[str, IndexedEleve] = {}
    for nom in noms:
        for eleve in index.by_name.get((name_key(nom), name_key(prenom)), ()):
            found.setdefault(eleve.eleve_id, eleve)
    return list(found.values())


def plain_resolve(index: EleveIndex, child: ChildRef) -> Resolution:
    """The linking rule, every homonym looked at (as first written)."""
    noms = [n for n in (child.nom, child.nom_usage) if n]
    if not child.prenom or not noms:
        return Resolution(
            None, "INCOMPLETE_CHILD", message=f"{child} lacks a nom or a prénom; no link"
        )
    candidates = candidates_of(index, noms, child.prenom)
    if not candidates:
        return Resolution(
            None,
            "LINK_TO_UNKNOWN_STUDENT",
            message=f"{child} is not in the Élèves extraction (left the school?); no link",
        )
    lines = ", ".join(str(c.line) for c in sorted(candidates, key=lambda c: c.line))
    wanted = class_key(child.classe)
    if wanted:
        in_class = [c for c in candidates if wanted in c.classes]
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
