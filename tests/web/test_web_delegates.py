"""Delegates act under the DELEG-CE delegation in force the store holds; every
look at an account is audited."""

from __future__ import annotations

import datetime as dt

from cli.school_files import CLAIRE, UAI, ZOE
from educonnect_core.actions import Action
from educonnect_core.audit import Outcome
from educonnect_core.consulting import CONSULT
from educonnect_core.delegating import Delegations
from educonnect_core.people import Profile
from educonnect_core.permissions import AccessContext, Actor
from educonnect_core.service import Session
from educonnect_core.storage import Store
from educonnect_core.testing.fakes import SeededRandom

from .conftest import ON_NETWORK, OTHER_UAI, PASSWORD, FakeClock, MakeClient, SignedIn, Staff
from .web_client import sign_in

HEAD = Session(Actor.chef_etablissement("ce-0001", UAI), AccessContext(otp=True))


def _grant(store: Store, clock: FakeClock, delegate_id: str, days: int = 30) -> str:
    delegations = Delegations(store, clock, SeededRandom(int(delegate_id[-4:])))
    delegation = delegations.grant(
        HEAD,
        delegate_id=delegate_id,
        profiles=[Profile.ELEVE],
        actions=[Action.NOTIFY],
        expires_at=clock.now() + dt.timedelta(days=days),
    )
    return delegation.delegation_id


def test_a_delegate_reads_what_the_delegation_covers(
    signed_in: SignedIn,
    make_client: MakeClient,
    store: Store,
    staff: Staff,
    clock: FakeClock,
) -> None:
    _grant(store, clock, "del-0004")
    client = signed_in("del-0004", ON_NETWORK)
    assert client.get("/").status_code == 200
    page = client.get("/accounts")
    assert "vous voyez les comptes : élève." in page.text
    assert client.get(f"/accounts/{ZOE}").status_code == 200
    assert client.get(f"/accounts/{CLAIRE}").status_code == 404  # responsables: not delegated
    # once the delegation expired, nothing (a new session: the old one is long idle)
    clock.advance(dt.timedelta(days=31))
    again = make_client(ON_NETWORK)
    assert sign_in(again, "del-0004", PASSWORD, staff.code("del-0004", clock.at)).status_code == 303
    refused = again.get("/")
    assert refused.status_code == 403
    assert "pas de délégation DELEG-CE en vigueur" in refused.text
    assert again.get(f"/accounts/{ZOE}").status_code == 403


def test_a_revoked_delegation_ends_the_delegate_s_access(
    signed_in: SignedIn, store: Store, clock: FakeClock
) -> None:
    delegation_id = _grant(store, clock, "del-0005")
    client = signed_in("del-0005", ON_NETWORK)
    assert client.get("/accounts").status_code == 200
    Delegations(store, clock, SeededRandom(1)).revoke(HEAD, delegation_id)
    assert client.get("/accounts").status_code == 403
    assert client.get(f"/accounts/{ZOE}").status_code == 403


def test_a_delegate_without_a_delegation_has_no_access(signed_in: SignedIn) -> None:
    client = signed_in("del-0005", ON_NETWORK)
    for path in ("/", "/accounts", f"/accounts/{ZOE}"):
        assert client.get(path).status_code == 403


def test_each_look_at_an_account_is_audited(
    signed_in: SignedIn, store: Store, clock: FakeClock
) -> None:
    clock.advance(dt.timedelta(minutes=7))  # a moment of this test only
    client = signed_in("adj-0002", ON_NETWORK)
    page = client.get(f"/accounts/{ZOE}")
    other = f"E-{OTHER_UAI}-1001"
    assert client.get(f"/accounts/{other}").status_code == 404
    with store.unit_of_work() as uow:
        mine = [e for e in uow.audit.by_account(ZOE) if e.at == clock.at]
        refused = [e for e in uow.audit.by_account(other) if e.at == clock.at]
    assert [(e.action, e.outcome, e.actor_id, e.access) for e in mine] == [
        (CONSULT, Outcome.ALLOWED, "adj-0002", "otp+administrative_network")
    ]
    assert [(e.action, e.outcome, e.actor_id) for e in refused] == [
        (CONSULT, Outcome.REFUSED, "adj-0002")
    ]
    # the page's history shows the look itself
    assert "consult" in page.text
    assert "adj-0002 (adjoint, otp+administrative_network)" in page.text
