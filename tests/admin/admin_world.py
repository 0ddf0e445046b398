"""The administration tests' world: a small invented school in a memory store."""

from __future__ import annotations

import datetime as dt

import attrs

from educonnect_core.accounts import Account, ProvisionalCredential
from educonnect_core.audit import AuditEvent
from educonnect_core.credentials import ScryptParams, hash_password
from educonnect_core.people import Eleve, Link, Profile, Responsable, ResponsibilityLevel, School
from educonnect_core.permissions import AccessContext, Actor
from educonnect_core.routes import Route
from educonnect_core.service import AdministrationService, Session
from educonnect_core.states import AccountState, Event
from educonnect_core.storage import EligibilitySnapshot, Store, search_key
from educonnect_core.testing import FixedClock, SeededRandom
from educonnect_core.values import Uai

UAI = Uai("0990007V")
OTHER_UAI = Uai("0990008W")
#: Cheap scrypt cost: tests hash many passwords.
FAST = ScryptParams(n=16, r=8, p=1)
#: The provisional password of the accounts the fixtures put in NOTIFIED or
#: PASSWORD_RESET (invented; never the output of the service).
KNOWN_PASSWORD = "Kx7mPq4Rtz"

ZOE = "E-0990007V-1001"  # élève, 3A, born 04/03/2011
LUCAS = "E-0990007V-1002"  # élève, 3A
INES = "E-0990007V-1003"  # élève, 4B, birth date invalid in SIECLE
HUGO = "E-0990007V-1004"  # élève, 6C, Zoé's brother
CLAIRE = "R-0990007V-5001"  # responsable of Zoé and Hugo, mobile and email
PAUL = "R-0990007V-5002"  # responsable of Inès, no mobile
ELSEWHERE = "E-0990008W-2001"  # an élève of another school
ZOE_BIRTH = dt.date(2011, 3, 4)
HUGO_BIRTH = dt.date(2014, 9, 30)


def eleves() -> list[Eleve]:
    return [
        Eleve.from_raw(
            eleve_id="1001",
            last_name="MARTIN",
            first_name="Zoé",
            birth_date="04/03/2011",
            division="3A",
        ),
        Eleve.from_raw(
            eleve_id="1002",
            last_name="D'ALMEIDA-NUÑEZ",
            first_name="Lucas",
            birth_date="17/11/2011",
            division="3A",
        ),
        Eleve.from_raw(
            eleve_id="1003",
            last_name="PETIT",
            first_name="Inès",
            birth_date="31/02/2012",
            division="4B",
        ),
        Eleve.from_raw(
            eleve_id="1004",
            last_name="MARTIN",
            first_name="Hugo",
            birth_date="30/09/2014",
            division="6C",
        ),
    ]


def responsables() -> list[Responsable]:
    return [
        Responsable.from_raw(
            personne_id="5001",
            last_name="MARTIN",
            first_name="Claire",
            civilite="MME",
            mobile="06 12 34 56 78",
            email="claire.martin@example.org",
        ),
        Responsable.from_raw(personne_id="5002", last_name="PETIT", first_name="Paul"),
    ]


def links() -> list[Link]:
    legal = ResponsibilityLevel.LEGAL
    return [
        Link("1001", "5001", legal),
        Link("1004", "5001", legal),
        Link("1003", "5002", legal),
    ]


_DIVISIONS = {
    ZOE: ("3A",),
    LUCAS: ("3A",),
    INES: ("4B",),
    HUGO: ("6C",),
    CLAIRE: ("3A", "6C"),
    PAUL: ("4B",),
}


def account_in(
    state: AccountState,
    account_id: str,
    at: dt.datetime,
    *,
    ever_activated: bool = False,
    identifier: str | None = None,
) -> Account:
    """An account brought to ``state`` through the state machine."""
    profile = Profile.ELEVE if account_id.startswith("E") else Profile.RESPONSABLE
    uai = Uai(account_id.split("-")[1])
    account = Account.open(uai, profile, account_id.split("-", 2)[2], at=at)
    credential = ProvisionalCredential.issue(
        hash_password(KNOWN_PASSWORD, SeededRandom(7), FAST), at.date()
    )
    ident = identifier or f"t.{account_id.replace('-', '').lower()}00"
    account = attrs.evolve(account, identifier=ident)
    if state is AccountState.NOT_ACTIVATED:
        return attrs.evolve(account, identifier=identifier)
    account = account.apply(Event.NOTIFY, at, credential=credential)
    if state is AccountState.NOTIFIED:
        return account
    if state is AccountState.DEACTIVATED and not ever_activated:
        return account.apply(Event.DEACTIVATE, at, reason="left")
    account = account.apply(Event.ACTIVATE, at, route=Route.PROVISIONAL_PAPER)
    if state is AccountState.ACTIVATED:
        return account
    if state is AccountState.DEACTIVATED:
        return account.apply(Event.DEACTIVATE, at, reason="left")
    return account.apply(Event.RESET_PASSWORD, at, credential=credential)


@attrs.define
class World:
    """The store, clock, randomness and service of one test."""

    store: Store
    clock: FixedClock
    random: SeededRandom
    service: AdministrationService

    def put(self, account: Account) -> None:
        with self.store.unit_of_work() as uow:
            existing = uow.accounts.find(account.uai, account.profile, account.siecle_id)
            if existing is None:
                uow.accounts.add(account)
            else:
                uow.accounts.update(attrs.evolve(account, version=existing.version))
            uow.commit()

    def set_state(
        self, account_id: str, state: AccountState, *, ever_activated: bool = False
    ) -> None:
        self.put(account_in(state, account_id, self.clock.now(), ever_activated=ever_activated))

    def get(self, account_id: str) -> Account:
        with self.store.unit_of_work() as uow:
            return uow.accounts.get(account_id)

    def audit(self, account_id: str) -> list[AuditEvent]:
        with self.store.unit_of_work() as uow:
            return list(uow.audit.by_account(account_id))


def populate(store: Store, at: dt.datetime) -> None:
    """The invented school: four élèves, two responsables, all accounts not activated."""
    with store.unit_of_work() as uow:
        uow.people.upsert_school(School(UAI, 2025, name="Collège Inventé"))
        uow.people.upsert_school(School(OTHER_UAI, 2025))
        uow.people.upsert_eleves(UAI, eleves())
        uow.people.upsert_eleves(
            OTHER_UAI,
            [Eleve.from_raw(eleve_id="2001", last_name="AUTRE", first_name="Léa", division="5A")],
        )
        uow.people.upsert_responsables(UAI, responsables())
        uow.people.upsert_links(UAI, links())
        names = {f"E-{UAI}-{e.eleve_id}": e.name for e in eleves()}
        names |= {f"R-{UAI}-{r.personne_id}": r.name for r in responsables()}
        for account_id, divisions in [*_DIVISIONS.items(), (ELSEWHERE, ("5A",))]:
            account = account_in(AccountState.NOT_ACTIVATED, account_id, at)
            uow.accounts.add(account)
            name = names.get(account_id)
            uow.eligibility.put(
                EligibilitySnapshot(
                    account_id=account_id,
                    routes={},
                    divisions=divisions,
                    name_key=search_key(name) if name else "",
                )
            )
        uow.commit()


def session(actor: Actor, *, otp: bool = False, network: bool = True) -> Session:
    return Session(actor, AccessContext(otp=otp, administrative_network=network))
