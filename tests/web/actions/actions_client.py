"""Driving the actions as a browser would, and reading what they did in the store."""

from __future__ import annotations

import datetime as dt
import re

import httpx2 as httpx
from starlette.testclient import TestClient

from cli.school_files import UAI, ZOE
from educonnect_core.actions import Action
from educonnect_core.activation import ActivationReport
from educonnect_core.audit import AuditEvent
from educonnect_core.delegating import Delegations
from educonnect_core.people import Profile
from educonnect_core.permissions import AccessContext, Actor
from educonnect_core.routes import Route
from educonnect_core.service import AdministrationService, Session
from educonnect_core.states import AccountState
from educonnect_core.storage import Store
from educonnect_core.testing.fakes import SeededRandom
from web.conftest import FakeClock
from web.web_client import csrf_of

HEAD = Session(Actor.chef_etablissement("ce-0001", UAI), AccessContext(otp=True))
ZOE_BIRTH = dt.date(2011, 3, 4)


def state(store: Store, account_id: str) -> AccountState:
    with store.unit_of_work() as uow:
        return uow.accounts.get(account_id).state


def events(store: Store, account_id: str, action: Action) -> list[AuditEvent]:
    with store.unit_of_work() as uow:
        return [e for e in uow.audit.by_account(account_id) if e.action == action.value]


def main_of(page: str) -> str:
    """The page's own content (not the header naming who is signed in)."""
    return page.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0]


def post(client: TestClient, path: str, **form: str) -> httpx.Response:
    """POST ``form`` with the client's CSRF token, as the page's form would."""
    token = csrf_of(client.get("/").text)
    return client.post(path, data={"csrf": token, **form})


def letters(page: str) -> list[str]:
    """The download links of the letters a page offers."""
    return re.findall(r'<a href="([^"]*/letters/[^"]+)" download>', page)


def grant(store: Store, clock: FakeClock, delegate_id: str, actions: list[Action]) -> None:
    Delegations(store, clock, SeededRandom(4)).grant(
        HEAD,
        delegate_id=delegate_id,
        profiles=[Profile.ELEVE],
        actions=actions,
        expires_at=clock.now() + dt.timedelta(days=30),
    )


def activate_zoe(store: Store, clock: FakeClock) -> None:
    """Zoé activated with her letter (the identity provider reports it)."""
    service = AdministrationService(store, clock, SeededRandom(9))
    if state(store, ZOE) is AccountState.NOTIFIED:
        issued = service.resend_notification(HEAD, ZOE).notification
    else:
        issued = service.notify(HEAD, ZOE).notification
    assert issued is not None
    idp = Session(Actor.identity_provider(), AccessContext(otp=True, administrative_network=True))
    report = ActivationReport(ZOE, Route.PROVISIONAL_PAPER, (ZOE_BIRTH,), password=issued.password)
    service.record_activation(idp, report)
    assert state(store, ZOE) is AccountState.ACTIVATED
