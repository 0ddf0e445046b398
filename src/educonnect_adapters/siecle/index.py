"""The one index the join between the students and responsables files needs.

One dict from ``ELEVE_ID`` to a slot number, and compact per-slot arrays: seen
as ``ELEVE``?, current?, class, seen in ``STRUCTURES``?, and the legal links met
so far (a count and the hashes of the first two persons, to spot a link given
twice). About 150 bytes a student, so that an académie-size export fits in
memory many times over.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Final

__all__ = ["StudentIndex"]

_ELEVE: Final = 1
_CURRENT: Final = 2
_STRUCTURES: Final = 4


class StudentIndex:
    """ELEVE_ID → what the join needs to know of that student."""

    def __init__(self) -> None:
        self._slots: dict[str, int] = {}
        self._flags = bytearray()
        self._division = array("I")
        self._names: list[str] = [""]
        self._name_ids: dict[str, int] = {"": 0}
        self._legal = bytearray()
        self._first = array("q")
        self._second = array("q")

    def _slot(self, eleve_id: str) -> int:
        slot = self._slots.get(eleve_id)
        if slot is None:
            slot = self._slots[eleve_id] = len(self._flags)
            self._flags.append(0)
            self._division.append(0)
            self._legal.append(0)
            self._first.append(0)
            self._second.append(0)
        return slot

    # -- students

    def add_eleve(self, eleve_id: str, current: bool) -> bool:
        """Record an ``ELEVE``; ``False`` (and nothing changed) if already recorded."""
        slot = self._slot(eleve_id)
        if self._flags[slot] & _ELEVE:
            return False
        self._flags[slot] |= _ELEVE | (_CURRENT if current else 0)
        return True

    def __contains__(self, eleve_id: object) -> bool:
        slot = self._slots.get(eleve_id) if isinstance(eleve_id, str) else None
        return slot is not None and bool(self._flags[slot] & _ELEVE)

    def current(self, eleve_id: str) -> bool:
        slot = self._slots.get(eleve_id)
        return slot is not None and bool(self._flags[slot] & _CURRENT)

    # -- classes

    def add_structures(self, eleve_id: str, division: str | None) -> bool:
        """Record a ``STRUCTURES_ELEVE``; ``False`` if the student's were already seen.

        The first class given wins.
        """
        slot = self._slot(eleve_id)
        seen = bool(self._flags[slot] & _STRUCTURES)
        self._flags[slot] |= _STRUCTURES
        if division and not self._division[slot]:
            code = self._name_ids.get(division)
            if code is None:
                code = self._name_ids[division] = len(self._names)
                self._names.append(division)
            self._division[slot] = code
        return not seen

    def division(self, eleve_id: str) -> str | None:
        slot = self._slots.get(eleve_id)
        return self._names[self._division[slot]] or None if slot is not None else None

    def orphan_structures(self) -> Iterator[str]:
        """Ids that have structures but no ``ELEVE``."""
        for eleve_id, slot in self._slots.items():
            if self._flags[slot] & (_STRUCTURES | _ELEVE) == _STRUCTURES:
                yield eleve_id

    # -- legal links

    def reset_links(self) -> None:
        size = len(self._flags)
        self._legal = bytearray(size)
        self._first = array("q", bytes(8 * size))
        self._second = array("q", bytes(8 * size))

    def add_legal(self, eleve_id: str, personne_id: str) -> int | None:
        """Count a legal link; its new count, or ``None`` if it repeats one of the first two.

        Repeats are told by the person id's 64-bit hash: a false repeat would
        need a hash collision between two ids of one student (about 1 in 2**64).
        """
        slot = self._slots[eleve_id]
        key = hash(personne_id) or 1
        count = self._legal[slot]
        if key in (self._first[slot], self._second[slot]):
            return None
        if count == 0:
            self._first[slot] = key
        elif count == 1:
            self._second[slot] = key
        if count < 255:
            self._legal[slot] = count + 1
        return count + 1
