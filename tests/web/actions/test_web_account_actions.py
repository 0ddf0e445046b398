"""The administration service's actions on the account page: offered by the
rights, confirmed, carried out and audited; refusals in French, never a
traceback; no answer tells whether an account the caller may not see exists."""

from __future__ import annotations

import datetime as dt
import html
import io

import httpx2 as httpx
import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from cli.school_files import CLAIRE, LUCAS, UAI, ZOE
from educonnect_core.actions import Action
from educonnect_core.audit import Outcome
from educonnect_core.states import AccountState
from educonnect_core.storage import Store
from web.conftest import ON_NETWORK, OTHER_UAI, OUTSIDE, FakeClock, MakeClient, SignedIn
from web.web_client import csrf_of

from .actions_client import activate_zoe, events, grant, letters, main_of, post, state

NOBODY = f"E-{UAI}-9999"
ELSEWHERE = f"E-{OTHER_UAI}-1001"


def _offered(client: TestClient, account_id: str) -> list[str]:
    page = client.get(f"/accounts/{account_id}")
    assert page.status_code == 200
    content = main_of(page.text)
    return [a.value for a in Action if f'action="/accounts/{account_id}/{a.value}"' in content]


def _ask(client: TestClient, account_id: str, action: str, **form: str) -> str:
    return post(client, f"/accounts/{account_id}/{action}", **form).text


def _do(client: TestClient, account_id: str, action: str, **form: str) -> httpx.Response:
    return post(client, f"/accounts/{account_id}/{action}/confirm", **form)


# -- what the account page offers ----------------------------------------------------


def test_the_account_page_offers_the_actions_the_rights_and_the_state_allow(
    signed_in: SignedIn, store: Store, clock: FakeClock
) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    assert _offered(head, ZOE) == ["notify", "deactivate"]
    assert _offered(head, CLAIRE) == ["notify", "deactivate"]
    # outside the network, the adjoint sees élèves only, and acts on them
    assert _offered(signed_in("adj-0002"), ZOE) == ["notify", "deactivate"]
    # a delegate: what the delegation grants
    grant(store, clock, "del-0004", [Action.NOTIFY])
    assert _offered(signed_in("del-0004", ON_NETWORK), ZOE) == ["notify"]
    # after a notification: resend instead of notify; once activated: reset and recall
    _do(head, ZOE, "notify")
    assert _offered(head, ZOE) == ["resend_notification", "deactivate"]
    activate_zoe(store, clock)
    assert _offered(head, ZOE) == ["reset_password", "recall_identifier", "deactivate"]
    page = head.get(f"/accounts/{ZOE}").text
    assert 'name="csrf"' in main_of(page)
    assert "Réinitialiser le mot de passe" in page


# -- confirmation, then the action ---------------------------------------------------


def test_notify_asks_for_confirmation_then_prints_the_letter(
    signed_in: SignedIn, store: Store, clock: FakeClock
) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    confirmation = _ask(head, ZOE, "notify")
    assert "<h1>Confirmer : Notifier le compte</h1>" in confirmation
    assert "mot de passe provisoire" in confirmation
    assert 'action="/accounts/E-0990007V-1001/notify/confirm"' in confirmation
    assert state(store, ZOE) is AccountState.NOT_ACTIVATED  # nothing done yet
    assert events(store, ZOE, Action.NOTIFY) == []
    done = _do(head, ZOE, "notify")
    assert done.status_code == 200
    assert "C'est fait. État du compte : non activé → notifié." in html.unescape(done.text)
    assert state(store, ZOE) is AccountState.NOTIFIED
    (event,) = events(store, ZOE, Action.NOTIFY)
    assert (event.outcome, event.actor_id, event.access) == (
        Outcome.ALLOWED,
        "ce-0001",
        "otp+administrative_network",
    )
    with store.unit_of_work() as uow:
        (delivery,) = uow.deliveries.by_account(ZOE)
    assert (delivery.channel, delivery.delivered) == ("paper", True)
    (link,) = letters(done.text)
    pdf = head.get(link)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    assert pdf.headers["cache-control"] == "no-store"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "MARTIN" in text
    with store.unit_of_work() as uow:
        identifier = uow.accounts.get(ZOE).identifier
    assert identifier is not None
    assert identifier in text
    # the letter is its issuer's alone, and for a while only
    assert signed_in("adj-0002", ON_NETWORK).get(link).status_code == 404
    assert head.get(link.replace("lettres", "autres")).status_code == 404
    clock.advance(dt.timedelta(minutes=61))
    late = signed_in("ce-0001", ON_NETWORK)
    assert late.get(link).status_code == 404


def test_resend_reset_and_recall_each_print_a_new_letter(
    signed_in: SignedIn, store: Store, clock: FakeClock
) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    _do(head, ZOE, "notify")
    resent = _do(head, ZOE, "resend_notification")
    assert resent.status_code == 200
    assert len(letters(resent.text)) == 1
    assert [e.outcome for e in events(store, ZOE, Action.RESEND_NOTIFICATION)] == [Outcome.ALLOWED]
    activate_zoe(store, clock)
    for action, after in (
        ("recall_identifier", AccountState.ACTIVATED),
        ("reset_password", AccountState.PASSWORD_RESET),
    ):
        done = _do(head, ZOE, action)
        assert done.status_code == 200, done.text
        (link,) = letters(done.text)
        assert head.get(link).content.startswith(b"%PDF")
        assert state(store, ZOE) is after
        assert [e.outcome for e in events(store, ZOE, Action(action))] == [Outcome.ALLOWED]


def test_deactivation_asks_for_a_reason_and_refuses_the_reserved_ones(
    signed_in: SignedIn, store: Store
) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    confirmation = _ask(head, LUCAS, "deactivate")
    assert '<label for="reason">' in confirmation
    assert "réservés à la synchronisation" in confirmation
    missing = _do(head, LUCAS, "deactivate", reason="  ")
    assert missing.status_code == 422
    assert "Indiquez un motif." in missing.text
    for reserved in ("sync:left", " SYNC:absent"):
        refused = _do(head, LUCAS, "deactivate", reason=reserved)
        assert refused.status_code == 422
        assert "sont réservés à la synchronisation : choisissez-en un autre." in refused.text
        assert 'value="sync:left"' in refused.text or 'value="SYNC:absent"' in refused.text
    assert _do(head, LUCAS, "deactivate", reason="x" * 61).status_code == 422
    assert state(store, LUCAS) is not AccountState.DEACTIVATED
    assert events(store, LUCAS, Action.DEACTIVATE) == []
    done = _do(head, LUCAS, "deactivate", reason="depart")
    assert done.status_code == 200
    assert "→ désactivé." in done.text
    with store.unit_of_work() as uow:
        account = uow.accounts.get(LUCAS)
    assert (account.state, account.deactivation_reason) == (AccountState.DEACTIVATED, "depart")
    assert _offered(head, LUCAS) == ["reactivate"]
    back = _do(head, LUCAS, "reactivate")
    assert back.status_code == 200
    assert "désactivé → non activé" in back.text
    assert [e.outcome for e in events(store, LUCAS, Action.REACTIVATE)] == [Outcome.ALLOWED]


def test_an_action_the_state_refuses_says_why_in_french(signed_in: SignedIn, store: Store) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    refused = _do(head, ZOE, "reset_password")
    assert refused.status_code == 409
    assert "Action refusée :" in refused.text
    assert "Ce compte n&#39;est pas encore activé" in refused.text
    assert "Traceback" not in refused.text
    (event,) = events(store, ZOE, Action.RESET_PASSWORD)
    assert (event.outcome, event.reason) == (Outcome.REFUSED, "state_not_activated")
    # a no-op is said too: reactivating an account that is not deactivated
    same = _do(head, ZOE, "reactivate")
    assert same.status_code == 200
    assert 'Rien à faire : <span lang="fr">Ce compte n&#39;est pas désactivé.</span>' in same.text


def test_the_pages_of_an_action_in_english(signed_in: SignedIn) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    head.get("/?lang=en")
    confirmation = _ask(head, ZOE, "deactivate")
    assert "<h1>Confirm: Deactivate the account</h1>" in confirmation
    assert "Nothing is deleted" in confirmation
    done = _do(head, ZOE, "deactivate", reason="depart")
    assert "Done. Account state: not activated → deactivated." in done.text


# -- refusals --------------------------------------------------------------------------


def test_an_action_without_the_csrf_token_is_refused(signed_in: SignedIn, store: Store) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    for path in (f"/accounts/{ZOE}/notify", f"/accounts/{ZOE}/notify/confirm"):
        for data in ({}, {"csrf": "forged"}):
            refused = head.post(path, data=data)
            assert refused.status_code == 403
            assert "Le formulaire a expiré" in refused.text
    # a token of another client's session is no better
    other = signed_in("adj-0002", ON_NETWORK)
    stolen = csrf_of(other.get("/").text)
    assert head.post(f"/accounts/{ZOE}/notify/confirm", data={"csrf": stolen}).status_code == 403
    assert state(store, ZOE) is AccountState.NOT_ACTIVATED
    assert events(store, ZOE, Action.NOTIFY) == []


def test_a_role_without_the_right_is_refused(
    signed_in: SignedIn, store: Store, clock: FakeClock
) -> None:
    # a delegate for notifications only may not deactivate
    grant(store, clock, "del-0004", [Action.NOTIFY])
    delegate = signed_in("del-0004", ON_NETWORK)
    for step in ("deactivate", "deactivate/confirm"):
        refused = delegate.post(
            f"/accounts/{ZOE}/{step}",
            data={"csrf": csrf_of(delegate.get("/").text), "reason": "depart"},
        )
        assert refused.status_code == 403
        assert "ne couvre pas cette action" in refused.text
    (event,) = events(store, ZOE, Action.DEACTIVATE)
    assert (event.outcome, event.actor_id, event.reason) == (
        Outcome.REFUSED,
        "del-0004",
        "permission:action:deactivate",
    )
    assert state(store, ZOE) is AccountState.NOT_ACTIVATED
    # a delegate whose delegation is not in force acts on nothing
    without = signed_in("del-0005", ON_NETWORK)
    assert _do(without, ZOE, "notify").status_code == 403
    assert state(store, ZOE) is AccountState.NOT_ACTIVATED


@pytest.mark.parametrize(
    ("actor", "client", "account_id"),
    [
        ("dir-0003", ON_NETWORK, ZOE),  # a directeur d'école manages responsables only
        ("adj-0002", OUTSIDE, CLAIRE),  # responsables: from the administrative network only
        ("ce-0009", ON_NETWORK, ZOE),  # another school's head
    ],
)
def test_an_account_out_of_reach_answers_as_no_account(
    signed_in: SignedIn, store: Store, actor: str, client: str, account_id: str
) -> None:
    caller = signed_in(actor, client)
    assert account_id not in main_of(caller.get("/accounts").text)
    nobody = f"{account_id[:-4]}9999"
    for step in ("notify", "notify/confirm", "deactivate/confirm"):
        token = csrf_of(caller.get("/").text)
        seen = caller.post(f"/accounts/{account_id}/{step}", data={"csrf": token, "reason": "a"})
        absent = caller.post(f"/accounts/{nobody}/{step}", data={"csrf": token, "reason": "a"})
        assert seen.status_code == absent.status_code == 404
        assert main_of(seen.text) == main_of(absent.text)
    assert state(store, account_id) is AccountState.NOT_ACTIVATED
    refused = events(store, account_id, Action.NOTIFY)
    assert [(e.outcome, e.actor_id) for e in refused] == [(Outcome.REFUSED, actor)]


def test_an_unknown_action_or_account_id_is_not_found(signed_in: SignedIn) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    token = csrf_of(head.get("/").text)
    for path in (
        f"/accounts/{ZOE}/delete",
        f"/accounts/{ZOE}/record_activation/confirm",
        "/accounts/nonsense/notify/confirm",
        f"/accounts/{NOBODY}/notify/confirm",
        f"/accounts/{ELSEWHERE}/notify/confirm",
    ):
        answer = head.post(path, data={"csrf": token})
        assert answer.status_code == 404, path
        assert "Cette page n&#39;existe pas, ou vous n&#39;y avez pas accès." in answer.text


def test_signed_out_the_actions_lead_to_the_sign_in_form(
    make_client: MakeClient, store: Store
) -> None:
    client = make_client(ON_NETWORK)
    answer = client.post(f"/accounts/{ZOE}/notify/confirm", data={}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin"
    assert state(store, ZOE) is AccountState.NOT_ACTIVATED


def test_the_result_is_a_page_of_its_own_that_reloads_without_acting_again(
    signed_in: SignedIn, store: Store, clock: FakeClock
) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    _do(head, ZOE, "notify")
    sent = post(head, f"/accounts/{ZOE}/resend_notification/confirm")
    assert sent.history[0].status_code == 303
    done = sent.url
    assert done.path == f"/accounts/{ZOE}/resend_notification/done"
    again = head.get(str(done))
    assert again.status_code == 200
    assert letters(again.text) == letters(sent.text)
    assert len(events(store, ZOE, Action.RESEND_NOTIFICATION)) == 1  # nothing sent twice
    english = html.unescape(head.get(f"{done}&lang=en").text)
    assert "Result: Resend the notification" in english
    assert "Done. Account state: notified → notified." not in english  # same state: not said
    # the note is its actor's, untouchable and short-lived
    assert signed_in("adj-0002", ON_NETWORK).get(str(done)).status_code == 404
    note = done.params["r"]
    assert head.get(f"{done.path}?r={note[:-2]}xx").status_code == 404
    assert head.get(f"/accounts/{LUCAS}/resend_notification/done?r={note}").status_code == 404
    assert head.get(f"/accounts/{ZOE}/notify/done?r={note}").status_code == 404
    clock.advance(dt.timedelta(hours=1))
    assert signed_in("ce-0001", ON_NETWORK).get(str(done)).status_code == 404
