"""Synthetic schools whose people sign in, and the feed their sign-ins make.

:class:`SignInWorld` describes invented schools (students with INEs, two legal
representatives per family, siblings in the same school), stores them
(:meth:`SignInWorld.populate`) and draws a day of sign-ins as OIDC claim sets
(:meth:`SignInWorld.claims`): students by INE, responsables naming their
children, repeated sign-ins of the same person, a share of strangers (unknown
to the store) and, with ``spoiled``, claim sets with one bad attribute. Used by
the tests and ``bench/bench_signins.py``; deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any, Final

import attrs

from educonnect_core.accounts import Account
from educonnect_core.people import (
    Degree,
    Eleve,
    Link,
    Profile,
    Responsable,
    ResponsibilityLevel,
    School,
)
from educonnect_core.storage import Store
from educonnect_core.values import UAI_CHECK_LETTERS, Uai

__all__ = ["SignInWorld"]

_LAST: Final = ("MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND")
_FIRST: Final = ("Zoé", "Lucas", "Inès", "Hugo", "Léa", "Noé", "Chloé", "Jules", "Anaïs", "Théo")
_PARENTS: Final = ("Claire", "Paul", "Sophie", "Marc", "Hélène", "Jean", "Nadia", "Karim")


def _uai(number: int) -> Uai:
    return Uai(f"{number:07d}{UAI_CHECK_LETTERS[number % 23]}")


@attrs.frozen
class SignInWorld:
    """``schools`` schools of ``students`` students each (families of 1 or 2)."""

    schools: int = 1
    students: int = 100
    first_uai: int = 990_001
    at: dt.datetime = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)

    def uais(self) -> list[Uai]:
        return [_uai(self.first_uai + s) for s in range(self.schools)]

    def ine(self, school: int, student: int) -> str:
        return f"{school:03d}{student:06d}A{'BCDEFGHJK'[student % 9]}"

    def _family(self, student: int) -> int:
        return student - 1 if student % 3 == 2 else student  # every 3rd has a sibling

    def _student(self, school: int, i: int) -> Eleve:
        return Eleve.from_raw(
            eleve_id=f"{100_000 + i}",
            last_name=_LAST[self._family(i) % len(_LAST)],
            first_name=_FIRST[i % len(_FIRST)],
            birth_date=f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2010 + i % 5}",
            ine=self.ine(school, i),
            division=f"{3 + i % 4}{'ABCD'[i % 4]}",
        )

    def _parents(self, i: int) -> list[Responsable]:
        family = self._family(i)
        return [
            Responsable.from_raw(
                personne_id=f"P{2 * family + k}",
                last_name=_LAST[family % len(_LAST)],
                first_name=_PARENTS[(family + k) % len(_PARENTS)],
            )
            for k in (0, 1)
        ]

    def populate(self, store: Store, *, batch: int = 5_000) -> None:
        """Store the schools, people, links and one not-activated account each."""
        for s, uai in enumerate(self.uais()):
            with store.unit_of_work() as uow:
                uow.people.upsert_school(
                    School(uai=uai, school_year=2026, degree=Degree.SECOND, name=f"Collège {s}")
                )
                for start in range(0, self.students, batch):
                    ids = range(start, min(self.students, start + batch))
                    eleves = [self._student(s, i) for i in ids]
                    parents = {p.personne_id: p for i in ids for p in self._parents(i)}
                    links = [
                        Link(e.eleve_id, p.personne_id, ResponsibilityLevel.LEGAL)
                        for i, e in zip(ids, eleves, strict=True)
                        for p in self._parents(i)
                    ]
                    uow.people.upsert_eleves(uai, eleves)
                    uow.people.upsert_responsables(uai, parents.values())
                    uow.people.upsert_links(uai, links)
                    accounts = [Account.open(uai, Profile.ELEVE, e.eleve_id) for e in eleves]
                    accounts += [Account.open(uai, Profile.RESPONSABLE, p) for p in sorted(parents)]
                    uow.accounts.add_many(accounts)
                uow.commit()

    def claims(
        self, count: int, *, seed: int = 0, strangers: float = 0.02, spoiled: float = 0.0
    ) -> Iterator[dict[str, Any]]:
        """``count`` sign-ins of the day (OIDC claims), in time order."""
        rng = random.Random(seed)
        uais = self.uais()
        step = dt.timedelta(hours=14) / max(count, 1)
        for n in range(count):
            at = (self.at + n * step).astimezone(dt.timezone(dt.timedelta(hours=1)))
            stamp = at.strftime("%Y-%m-%d %H:%M:%S.") + f"{at.microsecond // 1000:03d}"
            s = rng.randrange(len(uais))
            i = rng.randrange(self.students)
            student = self._student(s, i)
            if rng.random() < strangers:
                ine, uai = f"999{rng.randrange(10**6):06d}ZZ", uais[s]
            else:
                ine, uai = self.ine(s, i), uais[s]
            if rng.random() < 0.5:
                claims: dict[str, Any] = {
                    "FrEduCtId": f"{1 + s:032x}{1 + i:064x}",
                    "FrEduCtPersonAffiliation": "eleve2d",
                    "sn": student.name.last,
                    "givenName": student.name.first,
                    "FrEduCtEleveINE": ine,
                    "FrEduCtEleveUAI": str(uai),
                }
            else:
                k = rng.randrange(2)
                parent = self._parents(i)[k]
                family = self._family(i)
                children = [c for c in (family, family + 1) if c < self.students]
                children = [c for c in children if self._family(c) == family]
                claims = {
                    "FrEduCtId": f"{1 + s:032x}{2 * family + k + 1:032x}{'f' * 32}",
                    "FrEduCtPersonAffiliation": ["resp2d"],
                    "sn": parent.name.last,
                    "givenName": parent.name.first,
                    "FrEduCtEleveINE": [ine if c == i else self.ine(s, c) for c in children],
                    "FrEduCtEleveUAI": [str(uai)],
                }
            claims["FrEduCtDateConnexion"] = stamp
            if spoiled and rng.random() < spoiled:
                claims["FrEduCtId"] = "not-an-id"
            yield claims
