"""The plain pairwise merge of responsables, kept as the oracle of the indexed one.

This is the rule of :mod:`educonnect_adapters.onde.responsables` as it was first
written: every new row is compared with every person of the same folded name.
Quadratic in the number of homonyms (57 s for 10,000 rows of one name), obviously
right; ``test_onde_merge.py`` proves the indexed merge gives the same persons and
findings, and ``bench/bench_onde_merge.py`` times both.
"""

from __future__ import annotations

from educonnect_adapters.onde.eleves import EleveIndex
from educonnect_adapters.onde.keys import name_key
from educonnect_adapters.onde.layouts import ResponsablesLayout
from educonnect_adapters.onde.responsables import Person, Report, ResponsableRows, kept_apart

__all__ = ["PairwiseRows", "shares_evidence"]


def shares_evidence(one: Person, other: Person) -> bool:
    """Same email or same address (the merge rule)."""
    return any(e in one.emails for e in other.emails) or any(
        a in one.addresses for a in other.addresses
    )


class PairwiseRows(ResponsableRows):
    """:class:`ResponsableRows` with the pairwise merge."""

    def __init__(
        self, layout: ResponsablesLayout, file: str, index: EleveIndex, report: Report
    ) -> None:
        super().__init__(layout, file, index, report)
        self._pairwise: dict[tuple[str, str], list[Person]] = {}

    def _merge(self, person: Person) -> None:
        name = (name_key(person.nom), name_key(person.values["prenom"]))
        same_name = self._pairwise.setdefault(name, [])
        matches = [p for p in same_name if shares_evidence(p, person)]
        if not matches:
            if same_name and name != ("", ""):
                first = same_name[0].lines[0]
                code, severity, message = kept_apart(bool(person.emails or person.addresses), first)
                self._finding(code, severity, message, person.lines[0])
            same_name.append(person)
            self.persons.append(person)
            return
        target, *others = matches
        for other in [*others, person]:
            self._reconcile(target, other)
            target.absorb(other)
            if other is not person:
                same_name.remove(other)
                self.persons.remove(other)
