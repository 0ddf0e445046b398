"""Responsables rows → merged persons with the students they are linked to.

Merge rule: two rows are one person when their folded nom (nom d'usage, else
nom) and prénom are equal **and** they share a non-empty email (case folded) or
a non-empty address (folded address, postcode and commune). Rows with neither
email nor address are never merged (a possible duplicate is reported). Values
that disagree inside a merged person: the first non-empty one is kept and the
disagreement reported.

The merge is near-linear: persons are bucketed by folded name; a name with one
person of little evidence is compared directly, else indexed by each email and
address its persons hold (live persons of a name never share one, or they would
have merged), so a row meets at most the two persons its email and address
point to, not every homonym. A
person merged into an earlier one keeps a pointer to it (a union-find, with
path compression). ``tests/onde/merge_oracle.py`` keeps the pairwise rule this
replaces; a property test proves both give the same persons and findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Final

from educonnect_core.findings import Finding, Severity
from educonnect_core.people import Responsable
from educonnect_core.values import Invalid

from .eleves import EleveIndex, cell, extra_cells
from .keys import derive_responsable_key, email_key, name_key
from .layouts import ResponsablesLayout
from .linking import ChildRef, resolve

__all__ = ["Person", "ResponsableRows", "kept_apart"]


def kept_apart(evidence: bool, first_line: int) -> tuple[str, Severity, str]:
    """Code, severity and message of a person kept apart from a namesake of
    ``first_line``: with an email or address of their own (``evidence``), or none."""
    if evidence:
        return (
            "HOMONYM_RESPONSABLE",
            Severity.INFO,
            f"same name as the responsable of line {first_line}, but another email and "
            "address: taken for another person, kept apart",
        )
    return (
        "POSSIBLE_DUPLICATE_RESPONSABLE",
        Severity.WARNING,
        f"same name as the responsable of line {first_line}, and no email nor address "
        "to tell whether it is the same person: kept apart",
    )


Report = Callable[[Finding], None]
_DIGITS = re.compile(r"\D")


class Person:
    """One responsable, possibly merged from several rows.

    ``emails`` and ``addresses`` may repeat a value (only membership and the
    smallest count). ``merged_into`` is the person this one was merged into
    (``None``: still one).
    """

    __slots__ = ("addresses", "children", "emails", "lines", "merged_into", "personne_id", "values")

    def __init__(self, line: int, values: dict[str, str]) -> None:
        self.lines = [line]
        self.values = values
        self.emails: list[str] = []
        self.addresses: list[str] = []
        self.children: dict[str, int] = {}
        self.personne_id = ""
        self.merged_into: Person | None = None

    @property
    def nom(self) -> str:
        return self.values["nom_usage"] or self.values["nom"]

    @property
    def evidence(self) -> str:
        if self.emails:
            return "email:" + min(self.emails)
        if self.addresses:
            return "adresse:" + min(self.addresses)
        return ""

    def absorb(self, other: Person) -> None:
        self.lines.extend(other.lines)
        self.emails.extend(other.emails)
        self.addresses.extend(other.addresses)
        for eleve_id, line in other.children.items():
            self.children.setdefault(eleve_id, line)

    def root(self) -> Person:
        """The person this one was merged into, at the end of the chain (which is
        shortened on the way: a union-find with path compression)."""
        root = self
        while root.merged_into is not None:
            root = root.merged_into
        person = self
        while person.merged_into is not None and person.merged_into is not root:
            person.merged_into, person = root, person.merged_into
        return root


#: A person of a name alone with at most this much evidence is compared directly;
#: beyond, or once a homonym is kept apart, the name gets a :class:`_Homonyms` index.
_SMALL: Final = 8


def _keys(person: Person) -> list[tuple[str, str]]:
    """The merge evidence as index keys: ``("@", email)``, ``("#", address)``."""
    return [("@", e) for e in person.emails] + [("#", a) for a in person.addresses]


class _Homonyms:
    """The persons of one folded name: the first one's line, and each email and
    address → the person holding it (or merged into it). Live persons never share
    one (they would have merged)."""

    __slots__ = ("first_line", "holders")

    def __init__(self, first: Person) -> None:
        self.first_line = first.lines[0]
        self.holders: dict[tuple[str, str], Person] = dict.fromkeys(_keys(first), first)

    def matches(self, keys: list[tuple[str, str]]) -> list[Person]:
        """The live persons holding one of ``keys``, the earliest first."""
        roots: dict[int, Person] = {}
        for key in keys:
            if (holder := self.holders.get(key)) is not None:
                root = holder.root()
                roots[id(root)] = root
        return sorted(roots.values(), key=_first_line)


def _shares(one: Person, other: Person) -> bool:
    """Same email or same address (the merge rule), by comparing them."""
    return any(e in one.emails for e in other.emails) or any(
        a in one.addresses for a in other.addresses
    )


def _first_line(person: Person) -> int:
    return person.lines[0]


#: Fields whose values are compared when rows merge, with how to compare them.
_MERGED_FIELDS: dict[str, Callable[[str], str]] = {
    "civilite": lambda v: name_key(v).replace(" ", ""),
    "courriel": email_key,
    "portable": lambda v: _DIGITS.sub("", v)[-9:],
}
#: The fields a person keeps (the address only serves as merge evidence).
_KEPT_FIELDS = ("nom", "nom_usage", "prenom", "civilite", "courriel", "portable")
_FIELD_LABELS = {
    "civilite": "Civilité",
    "courriel": "Courriel",
    "portable": "Téléphone portable",
}


class ResponsableRows:
    """Reads the rows, links children through the :class:`EleveIndex`, merges persons."""

    def __init__(
        self, layout: ResponsablesLayout, file: str, index: EleveIndex, report: Report
    ) -> None:
        self.layout = layout
        self.file = file
        self.index = index
        self.report = report
        self.persons: list[Person] = []
        #: folded (nom, prénom) → the only person of that name, or their index
        self._names: dict[tuple[str, str], Person | _Homonyms] = {}

    def _finding(
        self,
        code: str,
        severity: Severity,
        message: str,
        line: int,
        key: str | None = None,
        field: str | None = None,
    ) -> None:
        self.report(Finding(code, severity, message, self.file, line, key, field))

    def read(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        self._read(rows)
        self._names.clear()  # only merging needs it

    def _read(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        col = self.layout.columns.get
        for line, cells in rows:
            values = {field: cell(cells, col(field)) for field in _KEPT_FIELDS}
            children, known = self._children(cells)
            person = Person(line, values)
            if email := email_key(values["courriel"]):
                person.emails.append(email)
            if name_key(adresse := cell(cells, col("adresse"))):
                parts = (adresse, cell(cells, col("cp")), cell(cells, col("commune")))
                person.addresses.append(" ".join(name_key(part) for part in parts))
            for child in children:
                self._link(person, child, line)
            if extras := extra_cells(cells, known):
                self._finding(
                    "EXTRA_CELLS_IGNORED",
                    Severity.INFO,
                    f"cells in columns {extras} have no known header; ignored",
                    line,
                )
            self._merge(person)

    def _children(self, cells: Sequence[str]) -> tuple[list[ChildRef], frozenset[int]]:
        children: list[ChildRef] = []
        known = set(self.layout.named)
        for number, block in enumerate(self.layout.blocks_for(len(cells)), start=1):
            known.update(block.columns.values())
            ref = ChildRef(
                number=number,
                nom=cell(cells, block.columns.get("nom")),
                nom_usage=cell(cells, block.columns.get("nom_usage")),
                prenom=cell(cells, block.columns.get("prenom")),
                classe=cell(cells, block.columns.get("classe")),
            )
            if not ref.empty:
                children.append(ref)
        return children, frozenset(known)

    def _link(self, person: Person, child: ChildRef, line: int) -> None:
        result = resolve(self.index, child)
        if result.code is not None:
            self._finding(
                result.code,
                result.severity,
                result.message,
                line,
                result.eleve_id,
                f"child {child.number}",
            )
        if result.eleve_id is not None:
            person.children.setdefault(result.eleve_id, line)

    def _merge(self, person: Person) -> None:
        name = (name_key(person.nom), name_key(person.values["prenom"]))
        entry = self._names.get(name)
        if entry is None:  # the first of that name
            self._names[name] = person
            self.persons.append(person)
            return
        if isinstance(entry, Person):
            if len(entry.emails) + len(entry.addresses) <= _SMALL and _shares(entry, person):
                self._absorb(entry, [], person)
                return
            self._names[name] = entry = _Homonyms(entry)
        keys = _keys(person)
        matches = entry.matches(keys)
        if not matches:
            if name != ("", ""):
                code, severity, message = kept_apart(bool(keys), entry.first_line)
                self._finding(code, severity, message, person.lines[0])
            entry.holders.update(dict.fromkeys(keys, person))
            self.persons.append(person)
            return
        target, *others = matches
        self._absorb(target, others, person)
        for key in keys:
            entry.holders.setdefault(key, target)

    def _absorb(self, target: Person, others: list[Person], person: Person) -> None:
        """Merge ``others`` (live persons, in line order) and the new ``person`` into ``target``."""
        for other in [*others, person]:
            self._reconcile(target, other)
            target.absorb(other)
            other.merged_into = target

    def _reconcile(self, target: Person, other: Person) -> None:
        for field, normal in _MERGED_FIELDS.items():
            mine, theirs = target.values.get(field, ""), other.values.get(field, "")
            if not mine:
                target.values[field] = theirs
            elif theirs and normal(mine) != normal(theirs):
                self._finding(
                    "RESPONSABLE_MERGE_CONFLICT",
                    Severity.WARNING,
                    f"{_FIELD_LABELS[field]} {theirs!r} differs from {mine!r} given at line "
                    f"{target.lines[0]} for the same person; the first is kept",
                    other.lines[0],
                    field=_FIELD_LABELS[field],
                )

    def finish(self) -> Iterator[Responsable]:
        """Assign keys, report merges and field problems, yield the persons by first line."""
        self.persons = sorted(
            (p for p in self.persons if p.merged_into is None), key=lambda p: p.lines[0]
        )
        used: dict[str, int] = {}
        for person in self.persons:
            base = derive_responsable_key(person.nom, person.values["prenom"], person.evidence)
            used[base] = used.get(base, 0) + 1
            person.personne_id = base if used[base] == 1 else f"{base}-{used[base]}"
            yield self._responsable(person)

    def _responsable(self, person: Person) -> Responsable:
        values, key, line = person.values, person.personne_id, person.lines[0]
        responsable = Responsable.from_raw(
            personne_id=key,
            last_name=person.nom,
            family_name=values["nom"],
            first_name=values["prenom"],
            civilite=values["civilite"].upper(),
            mobile=values["portable"],
            email=values["courriel"],
        )
        if len(person.lines) > 1:
            lines = ", ".join(str(n) for n in sorted(person.lines))
            self._finding(
                "RESPONSABLE_MERGED",
                Severity.INFO,
                f"rows at lines {lines} are one person (same name and email or address); merged",
                line,
                key,
            )
        if not responsable.name.complete:
            self._finding(
                "MISSING_NAME", Severity.WARNING, "responsable without nom or prénom", line, key
            )
        if isinstance(responsable.email, Invalid):
            self._finding(
                "INVALID_EMAIL",
                Severity.WARNING,
                f"email {responsable.email.raw!r}: {responsable.email.reason}",
                line,
                key,
                "Courriel",
            )
        if isinstance(responsable.mobile, Invalid):
            self._finding(
                responsable.mobile.code,
                Severity.WARNING,
                f"mobile {responsable.mobile.raw!r}: {responsable.mobile.reason}",
                line,
                key,
                "Téléphone portable",
            )
        if not person.children:
            self._finding(
                "RESPONSABLE_WITHOUT_CHILD",
                Severity.WARNING,
                "no child of this responsable could be linked to a student",
                line,
                key,
            )
        return responsable
