"""Exports built from domain objects, and a comparable view of a store (sync tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

from educonnect_core.accounts import Account
from educonnect_core.people import (
    Degree,
    Eleve,
    Link,
    Profile,
    Responsable,
    ResponsibilityLevel,
    School,
    StudentStatus,
)
from educonnect_core.states import AccountState
from educonnect_core.storage import EligibilitySnapshot, Store
from educonnect_core.sync import Export
from educonnect_core.testing.strategies import Family, families
from educonnect_core.values import BirthDate, EmailAddress, MobilePhone, PersonName, Uai

UAI = Uai("0990007V")
#: Monday 12 January 2026, 21:00 in Paris: takes effect on Tuesday at 06:00.
EXPORTED_AT = dt.datetime(2026, 1, 12, 20, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def school(exported_at: dt.datetime | None = EXPORTED_AT, degree: Degree = Degree.SECOND) -> School:
    return School(
        uai=UAI, school_year=2025, exported_at=exported_at, name="Collège Test", degree=degree
    )


def eleve(eid: str, *, left: bool = False, **changes: Any) -> Eleve:
    base = Eleve(
        eleve_id=eid,
        name=PersonName("DUPONT", f"Élève{eid}"),
        birth_date=BirthDate(dt.date(2013, 5, 4)),
        division="5A",
        mef="10110001110",
        status=StudentStatus.LEFT if left else StudentStatus.CURRENT,
        left_on=dt.date(2026, 1, 5) if left else None,
    )
    return attrs.evolve(base, **changes)


def responsable(pid: str, *, mobile: str | None = "+33612345678", **changes: Any) -> Responsable:
    base = Responsable(
        personne_id=pid,
        name=PersonName("DUPONT", f"Parent{pid}"),
        civilite="MME",
        mobile=MobilePhone(mobile) if mobile else None,
        email=EmailAddress(f"parent{pid}@exemple.fr"),
    )
    return attrs.evolve(base, **changes)


def legal(eid: str, pid: str) -> Link:
    return Link(eid, pid, ResponsibilityLevel.LEGAL, "10")


def contact(eid: str, pid: str) -> Link:
    return Link(eid, pid, ResponsibilityLevel.CONTACT, "90")


def export(
    eleves: Iterable[Eleve],
    responsables: Iterable[Responsable],
    links: Iterable[Link],
    *,
    day: int = 0,
    degree: Degree = Degree.SECOND,
) -> Export:
    return Export.of(school(EXPORTED_AT + day * DAY, degree), eleves, responsables, links)


def export_of(fams: Sequence[Family], *, day: int = 0, degree: Degree = Degree.SECOND) -> Export:
    return export(
        [e for f in fams for e in f.eleves],
        [r for f in fams for r in f.responsables],
        [k for f in fams for k in f.links],
        day=day,
        degree=degree,
    )


@st.composite
def exports(draw: st.DrawFn, degree: Degree = Degree.SECOND) -> Export:
    """One school's export of a few families (SIECLE-like or, in the 1st degree, ONDE-like)."""
    pool = draw(st.lists(families(max_children=3, max_responsables=3), min_size=0, max_size=5))
    return export_of(pool, degree=degree)


@st.composite
def export_pairs(draw: st.DrawFn, degree: Degree = Degree.SECOND) -> tuple[Export, Export]:
    """Two successive exports sharing some families, B sometimes changing them."""
    pool = draw(st.lists(families(max_children=3, max_responsables=3), min_size=1, max_size=4))
    first, second = [], []
    for family in pool:
        if draw(st.booleans()):
            first.append(family)
        if draw(st.booleans()):
            second.append(_mutate(draw, family) if draw(st.booleans()) else family)
    return export_of(first, degree=degree), export_of(second, day=1, degree=degree)


def _mutate(draw: st.DrawFn, family: Family) -> Family:
    kids = list(family.eleves)
    index = draw(st.integers(0, len(kids) - 1))
    kid = kids[index]
    left = kid.status is StudentStatus.CURRENT
    kids[index] = attrs.evolve(
        kid,
        status=StudentStatus.LEFT if left else StudentStatus.CURRENT,
        left_on=dt.date(2026, 1, 5) if left else None,
    )
    parents = [attrs.evolve(r, mobile=None, email=None) for r in family.responsables]
    links = list(family.links)
    if len(links) > 1 and draw(st.booleans()):
        links.pop()
    return Family(tuple(kids), tuple(parents), tuple(links))


@attrs.frozen
class StoreView:
    """What the A-then-B property compares: the source data, the links, the live
    accounts (account data, not history) and their snapshots."""

    eleves: dict[str, Eleve]
    responsables: dict[str, Responsable]
    links: dict[tuple[str, str], Link]
    accounts: dict[str, tuple[object, ...]]
    deactivated: frozenset[str]
    snapshots: dict[str, EligibilitySnapshot | None]


def account_data(account: Account) -> tuple[object, ...]:
    return (
        account.profile,
        account.siecle_id,
        account.state,
        account.identifier,
        account.route,
        account.credential,
        account.email,
    )


def view(store: Store, uai: Uai = UAI) -> StoreView:
    with store.unit_of_work() as uow:
        try:
            uow.people.get_school(uai)
        except LookupError:
            return StoreView({}, {}, {}, {}, frozenset(), {})
        accounts = list(uow.accounts.of_school(uai))
        live = [a for a in accounts if a.state is not AccountState.DEACTIVATED]
        return StoreView(
            eleves={e.eleve_id: e for e in uow.people.eleves(uai)},
            responsables={r.personne_id: r for r in uow.people.responsables(uai)},
            links={(k.eleve_id, k.personne_id): k for k in uow.people.links(uai)},
            accounts={a.account_id: account_data(a) for a in live},
            deactivated=frozenset(
                a.account_id for a in accounts if a.state is AccountState.DEACTIVATED
            ),
            snapshots={a.account_id: uow.eligibility.get(a.account_id) for a in live},
        )


def accounts_of(store: Store, uai: Uai = UAI) -> dict[str, Account]:
    with store.unit_of_work() as uow:
        return {a.account_id: a for a in uow.accounts.of_school(uai)}


def profile_of(account_id: str) -> Profile:
    return Profile.ELEVE if account_id.startswith("E-") else Profile.RESPONSABLE
