"""Invented families spread over a collège, a lycée and an école (both degrees).

* MARTIN Claire: identical nom, prénom, e-mail and mobile at the three schools
  (grouped automatically); children Léo (collège), Emma (lycée), Jules (école).
* MARTIN Paul: same e-mail at collège and lycée but another mobile at the lycée
  (a grouping candidate, never merged).
* DURAND Noah: moves from the collège to the lycée (same INE at both).
* PETIT Lou: no INE at the lycée, same name and birth date as at the collège
  (a student candidate).
* DUPONT Marie: two homonyms with nothing else in common (neither grouped nor
  candidates).
"""

from __future__ import annotations

from educonnect_core.grouping import SchoolRecords
from educonnect_core.people import Degree, Eleve, Link, Responsable, ResponsibilityLevel
from educonnect_core.values import Uai

COLLEGE = Uai("0990007V")
LYCEE = Uai("0990008W")
ECOLE = Uai("0990010Y")

LEGAL = ResponsibilityLevel.LEGAL

CLAIRE = {"last_name": "MARTIN", "first_name": "Claire", "email": "claire.martin@example.org"}
CLAIRE_MOBILE = "06 12 34 56 78"


def eleve(eleve_id: str, last: str, first: str, birth: str, ine: str | None) -> Eleve:
    return Eleve.from_raw(
        eleve_id=eleve_id, last_name=last, first_name=first, birth_date=birth, ine=ine
    )


def responsable(
    personne_id: str, last: str, first: str, email: str | None, mobile: str | None
) -> Responsable:
    return Responsable.from_raw(
        personne_id=personne_id, last_name=last, first_name=first, email=email, mobile=mobile
    )


def college() -> SchoolRecords:
    return SchoolRecords(
        uai=COLLEGE,
        eleves=(
            eleve("1001", "MARTIN", "Léo", "12/03/2012", "120300000AA"),
            eleve("1002", "DURAND", "Noah", "01/09/2010", "100900000BB"),
            eleve("1003", "PETIT", "Lou", "05/05/2011", "110500000CC"),
            eleve("1004", "DUPONT", "Hugo", "02/02/2012", "120200000DD"),
        ),
        responsables=(
            responsable("5301", "MARTIN", "Claire", CLAIRE["email"], CLAIRE_MOBILE),
            responsable("5302", "MARTIN", "Paul", "paul.martin@example.org", "0611111111"),
            responsable("5303", "DURAND", "Sarah", "sarah.durand@example.org", "0622222222"),
            responsable("5304", "DUPONT", "Marie", "marie.dupont@example.org", "0633333333"),
        ),
        links=(
            Link("1001", "5301", LEGAL),
            Link("1001", "5302", LEGAL),
            Link("1002", "5303", LEGAL),
            Link("1004", "5304", LEGAL),
        ),
    )


def lycee(*, with_noah: bool = True) -> SchoolRecords:
    eleves = [
        eleve("2001", "MARTIN", "Emma", "20/06/2008", "080600000EE"),
        eleve("2003", "PETIT", "Lou", "05/05/2011", None),
    ]
    links = [Link("2001", "7301", LEGAL), Link("2001", "7302", LEGAL)]
    responsables = [
        # the same mobile written in E.164, the same e-mail in capitals: still identical
        responsable("7301", "Martin", "CLAIRE", "Claire.Martin@example.org", "+33612345678"),
        responsable("7302", "MARTIN", "Paul", "paul.martin@example.org", "0644444444"),
        responsable("7304", "DUPONT", "Marie", "m.dupont@example.org", "0655555555"),
    ]
    if with_noah:
        eleves.append(eleve("2002", "DURAND", "Noah", "01/09/2010", "100900000BB"))
        responsables.append(
            responsable("7303", "DURAND", "Sarah", "sarah.durand@example.org", "0622222222")
        )
        links.append(Link("2002", "7303", LEGAL))
    return SchoolRecords(
        uai=LYCEE, eleves=tuple(eleves), responsables=tuple(responsables), links=tuple(links)
    )


def ecole() -> SchoolRecords:
    return SchoolRecords(
        uai=ECOLE,
        degree=Degree.FIRST,
        eleves=(eleve("E1", "MARTIN", "Jules", "10/10/2018", None),),
        responsables=(
            responsable("P1", "MARTIN", "Claire", "claire.martin@example.org", "+33 6 12 34 56 78"),
        ),
        links=(Link("E1", "P1", LEGAL),),
    )
