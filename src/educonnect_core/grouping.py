"""Grouping ("rapprochement"): which per-school records are one person.

EduConnect has one account per person, nationally; the library stores one
account per school (``R-<UAI>-<id>``). This module decides, from the schools'
source records alone, which of those records are the same person
(``docs/explanation/persons.md``, decisions in ``docs/decisions.md``):

* **élèves** are the same person across schools when they carry the same valid
  INE. A student without a valid INE is a person of their own (one school
  record); records with the same folded name and birth date are listed as
  :class:`Candidate` pairs, never merged.
* **responsables** are the same person when nom, prénom, e-mail and mobile are
  all present, valid and identical (the automatic grouping rule of the public
  sources). Names are compared accent- and case-folded, e-mails
  case-insensitively, mobiles in E.164. Records with the same name and the same
  e-mail *or* the same mobile, but not both, are :class:`Candidate` pairs: the
  real service would not group them, so neither does the library.

Both rules are equivalence relations on a key computed from one record, so the
result does not depend on the order in which schools are given (a property test
checks it).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Final

import attrs

from .accounts import Account
from .people import Degree, Eleve, Link, Profile, Responsable
from .values import BirthDate, EmailAddress, Ine, MobilePhone, PersonName, Uai

__all__ = [
    "Candidate",
    "Difference",
    "GroupingKey",
    "Member",
    "Person",
    "Persons",
    "SchoolRecords",
    "compare_eleves",
    "compare_responsables",
    "eleve_key",
    "group",
    "responsable_key",
]


@attrs.frozen(order=True)
class Member:
    """One school's record of a person (what the library keys an account by)."""

    uai: Uai = attrs.field(order=str)
    profile: Profile = attrs.field(order=lambda p: p.value)
    siecle_id: str

    @property
    def account_id(self) -> str:
        return Account.make_id(self.uai, self.profile, self.siecle_id)


@attrs.frozen
class SchoolRecords:
    """One school's source records, as a grouping input."""

    uai: Uai
    eleves: tuple[Eleve, ...] = ()
    responsables: tuple[Responsable, ...] = ()
    links: tuple[Link, ...] = ()
    degree: Degree = Degree.SECOND


#: a grouping key: ``("INE", ine)`` for students, ``(NOM, PRENOM, email, e164)``
#: for responsables; ``None`` when the record cannot be grouped automatically.
GroupingKey = tuple[str, ...]


def _email_key(email: object) -> str | None:
    return email.value.casefold() if isinstance(email, EmailAddress) else None


def _mobile_key(mobile: object) -> str | None:
    return mobile.e164 if isinstance(mobile, MobilePhone) else None


def responsable_key(responsable: Responsable) -> GroupingKey | None:
    """The automatic grouping key, or ``None`` when a part is missing or invalid."""
    last, first = responsable.name.folded()
    email = _email_key(responsable.email)
    mobile = _mobile_key(responsable.mobile)
    if not (last and first and email and mobile):
        return None
    return (last, first, email, mobile)


def eleve_key(eleve: Eleve) -> GroupingKey | None:
    """``("INE", value)`` for a valid INE, else ``None``."""
    return ("INE", eleve.ine.value) if isinstance(eleve.ine, Ine) else None


class Difference(enum.Enum):
    """A grouping condition that two records do not meet."""

    LAST_NAME = "last_name"
    FIRST_NAME = "first_name"
    EMAIL = "email"
    MOBILE = "mobile"
    #: the value is missing or invalid on at least one side
    EMAIL_MISSING = "email_missing"
    MOBILE_MISSING = "mobile_missing"
    INE = "ine"
    INE_MISSING = "ine_missing"
    BIRTH_DATE = "birth_date"

    @property
    def label_fr(self) -> str:
        return _DIFFERENCE_FR[self]

    @property
    def label_en(self) -> str:
        return _DIFFERENCE_EN[self]


_DIFFERENCE_FR: Final = {
    Difference.LAST_NAME: "le nom diffère",
    Difference.FIRST_NAME: "le prénom diffère",
    Difference.EMAIL: "l'adresse e-mail diffère",
    Difference.MOBILE: "le téléphone portable diffère",
    Difference.EMAIL_MISSING: "l'adresse e-mail manque ou n'est pas valide",
    Difference.MOBILE_MISSING: "le téléphone portable manque ou n'est pas valide",
    Difference.INE: "l'INE diffère",
    Difference.INE_MISSING: "l'INE manque ou n'est pas valide",
    Difference.BIRTH_DATE: "la date de naissance diffère",
}
_DIFFERENCE_EN: Final = {
    Difference.LAST_NAME: "the last name differs",
    Difference.FIRST_NAME: "the first name differs",
    Difference.EMAIL: "the e-mail address differs",
    Difference.MOBILE: "the mobile number differs",
    Difference.EMAIL_MISSING: "the e-mail address is missing or invalid",
    Difference.MOBILE_MISSING: "the mobile number is missing or invalid",
    Difference.INE: "the INE differs",
    Difference.INE_MISSING: "the INE is missing or invalid",
    Difference.BIRTH_DATE: "the birth date differs",
}


def _compare(
    a: str | None, b: str | None, differ: Difference, missing: Difference
) -> list[Difference]:
    if a is None or b is None:
        return [missing]
    return [] if a == b else [differ]


def compare_responsables(a: Responsable, b: Responsable) -> tuple[Difference, ...]:
    """The automatic grouping conditions ``a`` and ``b`` do not meet (empty: grouped)."""
    (last_a, first_a), (last_b, first_b) = a.name.folded(), b.name.folded()
    found: list[Difference] = []
    if not (last_a and last_a == last_b):
        found.append(Difference.LAST_NAME)
    if not (first_a and first_a == first_b):
        found.append(Difference.FIRST_NAME)
    found += _compare(
        _email_key(a.email), _email_key(b.email), Difference.EMAIL, Difference.EMAIL_MISSING
    )
    found += _compare(
        _mobile_key(a.mobile), _mobile_key(b.mobile), Difference.MOBILE, Difference.MOBILE_MISSING
    )
    return tuple(found)


def _birth(eleve: Eleve) -> str | None:
    return eleve.birth_date.value.isoformat() if isinstance(eleve.birth_date, BirthDate) else None


def compare_eleves(a: Eleve, b: Eleve) -> tuple[Difference, ...]:
    """What keeps two student records apart (empty: the same person by INE)."""
    ine_a, ine_b = eleve_key(a), eleve_key(b)
    found = _compare(
        ine_a[1] if ine_a else None,
        ine_b[1] if ine_b else None,
        Difference.INE,
        Difference.INE_MISSING,
    )
    if a.name.folded() != b.name.folded():
        found.append(
            Difference.LAST_NAME
            if a.name.folded()[0] != b.name.folded()[0]
            else Difference.FIRST_NAME
        )
    if _birth(a) != _birth(b):
        found.append(Difference.BIRTH_DATE)
    return tuple(found)


@attrs.frozen
class Person:
    """One person: the per-school records the grouping rule joins.

    ``person_id`` is the smallest member ``account_id``: stable whatever the
    order of the schools, but a view key (it changes when a smaller record
    joins), not a stored identifier. ``key`` is ``None`` for a person of one
    record that cannot be grouped automatically.
    """

    person_id: str
    profile: Profile
    members: tuple[Member, ...]
    name: PersonName
    key: GroupingKey | None = None

    @property
    def account_ids(self) -> tuple[str, ...]:
        return tuple(m.account_id for m in self.members)

    @property
    def schools(self) -> tuple[Uai, ...]:
        return tuple(sorted({m.uai for m in self.members}, key=str))

    @property
    def grouped(self) -> bool:
        """Records of more than one school are joined."""
        return len(self.members) > 1


@attrs.frozen(order=True)
class Candidate:
    """Two records that look like one person but fail the rule: listed, never merged.

    ``first`` and ``second`` are ordered account ids; ``differences`` the
    conditions not met.
    """

    first: str
    second: str
    profile: Profile = attrs.field(order=lambda p: p.value)
    differences: tuple[Difference, ...] = attrs.field(order=False)


@attrs.frozen
class Persons:
    """The persons of a set of schools, with lookups by account id."""

    persons: tuple[Person, ...]
    candidates: tuple[Candidate, ...]
    _by_account: Mapping[str, Person] = attrs.field(repr=False, eq=False)

    def of_account(self, account_id: str) -> Person | None:
        return self._by_account.get(account_id)

    def __iter__(self) -> Iterator[Person]:
        return iter(self.persons)

    def __len__(self) -> int:
        return len(self.persons)

    def by_profile(self, profile: Profile) -> tuple[Person, ...]:
        return tuple(p for p in self.persons if p.profile is profile)

    def partition(self) -> frozenset[frozenset[str]]:
        """The account ids of each person (order-free form, for comparisons)."""
        return frozenset(frozenset(p.account_ids) for p in self.persons)


def _person(
    profile: Profile, members: list[tuple[Member, PersonName]], key: GroupingKey | None
) -> Person:
    members.sort(key=lambda m: m[0].account_id)
    return Person(
        person_id=members[0][0].account_id,
        profile=profile,
        members=tuple(m for m, _ in members),
        name=members[0][1],
        key=key,
    )


def group(schools: Iterable[SchoolRecords]) -> Persons:
    """Group the schools' records into persons and list the candidates.

    Every élève and responsable record becomes a member of exactly one person.
    A school given twice counts once (the last one given wins, by UAI).
    """
    by_uai = {school.uai: school for school in schools}
    keyed: dict[tuple[Profile, GroupingKey], list[tuple[Member, PersonName]]] = defaultdict(list)
    alone: list[Person] = []
    eleves: list[tuple[Member, Eleve]] = []
    responsables: list[tuple[Member, Responsable]] = []
    for uai in sorted(by_uai, key=str):
        school = by_uai[uai]
        for eleve in school.eleves:
            member = Member(uai, Profile.ELEVE, eleve.eleve_id)
            eleves.append((member, eleve))
            ekey = eleve_key(eleve)
            if ekey is None:
                alone.append(_person(Profile.ELEVE, [(member, eleve.name)], None))
            else:
                keyed[Profile.ELEVE, ekey].append((member, eleve.name))
        for responsable in school.responsables:
            member = Member(uai, Profile.RESPONSABLE, responsable.personne_id)
            responsables.append((member, responsable))
            rkey = responsable_key(responsable)
            if rkey is None:
                alone.append(_person(Profile.RESPONSABLE, [(member, responsable.name)], None))
            else:
                keyed[Profile.RESPONSABLE, rkey].append((member, responsable.name))
    persons = alone + [_person(profile, ms, key) for (profile, key), ms in keyed.items()]
    persons.sort(key=lambda p: p.person_id)
    by_account = {m.account_id: p for p in persons for m in p.members}
    candidates = _responsable_candidates(responsables, by_account) + _eleve_candidates(
        eleves, by_account
    )
    return Persons(tuple(persons), tuple(sorted(set(candidates))), by_account)


def _pairs(
    records: Sequence[tuple[Member, object]],
    by_account: Mapping[str, Person],
) -> Iterator[tuple[Member, Member]]:
    """Pairs of records in different persons (ordered by account id)."""
    ordered = sorted(records, key=lambda r: r[0].account_id)
    for i, (a, _) in enumerate(ordered):
        for b, _ in ordered[i + 1 :]:
            if by_account[a.account_id] is not by_account[b.account_id]:
                yield a, b


def _responsable_candidates(
    records: list[tuple[Member, Responsable]], by_account: Mapping[str, Person]
) -> list[Candidate]:
    by_name: dict[tuple[str, str], list[tuple[Member, Responsable]]] = defaultdict(list)
    for member, responsable in records:
        last, first = responsable.name.folded()
        if last and first:
            by_name[last, first].append((member, responsable))
    found: list[Candidate] = []
    for same_name in by_name.values():
        index = {m.account_id: r for m, r in same_name}
        for a, b in _pairs(list(same_name), by_account):
            ra, rb = index[a.account_id], index[b.account_id]
            same_email = _email_key(ra.email) is not None and _email_key(ra.email) == _email_key(
                rb.email
            )
            same_mobile = _mobile_key(ra.mobile) is not None and _mobile_key(
                ra.mobile
            ) == _mobile_key(rb.mobile)
            if same_email or same_mobile:
                found.append(
                    Candidate(
                        a.account_id,
                        b.account_id,
                        Profile.RESPONSABLE,
                        compare_responsables(ra, rb),
                    )
                )
    return found


def _eleve_candidates(
    records: list[tuple[Member, Eleve]], by_account: Mapping[str, Person]
) -> list[Candidate]:
    """Students of other schools with the same folded name and birth date but no
    common INE (one lacks it, or the INEs differ)."""
    by_identity: dict[tuple[str, str, str], list[tuple[Member, Eleve]]] = defaultdict(list)
    for member, eleve in records:
        birth = _birth(eleve)
        last, first = eleve.name.folded()
        if birth and last and first:
            by_identity[last, first, birth].append((member, eleve))
    found: list[Candidate] = []
    for same in by_identity.values():
        index = {m.account_id: e for m, e in same}
        for a, b in _pairs(list(same), by_account):
            if a.uai == b.uai:
                continue  # two records of one school: SIECLE's duplicate finding, not ours
            found.append(
                Candidate(
                    a.account_id,
                    b.account_id,
                    Profile.ELEVE,
                    compare_eleves(index[a.account_id], index[b.account_id]),
                )
            )
    return found
