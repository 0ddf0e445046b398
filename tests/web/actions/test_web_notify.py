"""Notifying a class or a profile: the dry run first (who gets a letter, who is
left out and why), then the letters, one PDF per class, to download."""

from __future__ import annotations

import html
import io

from pypdf import PdfReader

from cli.school_files import CLAIRE, HUGO, INES, JEAN, LUCAS, PAUL, ZOE
from educonnect_core.actions import Action
from educonnect_core.audit import Outcome
from educonnect_core.states import AccountState
from educonnect_core.storage import Store
from web.conftest import ON_NETWORK, OUTSIDE, FakeClock, SignedIn

from .actions_client import activate_zoe, events, grant, letters, main_of, post, state


def _actor_events(store: Store, actor_id: str) -> list[tuple[str, Outcome, str | None]]:
    with store.unit_of_work() as uow:
        return [(e.action, e.outcome, e.reason) for e in uow.audit.by_actor(actor_id)]


def test_the_form_offers_the_profiles_the_actor_may_notify(signed_in: SignedIn) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    assert '<a href="/notify">Notifier une classe</a>' in head.get("/").text
    form = main_of(head.get("/notify").text)
    assert '<option value="eleve">élève</option>' in form
    assert '<option value="responsable">responsable</option>' in form
    assert '<option value="3A">3A</option>' in form
    # outside the network: élèves only; a directeur d'école: responsables only
    outside = main_of(signed_in("adj-0002", OUTSIDE).get("/notify").text)
    assert '<option value="eleve">' in outside
    assert 'value="responsable"' not in outside
    director = main_of(signed_in("dir-0003", ON_NETWORK).get("/notify").text)
    assert 'value="eleve"' not in director
    assert '<option value="responsable">' in director


def test_a_class_is_previewed_then_notified_with_its_letters(
    signed_in: SignedIn, store: Store, clock: FakeClock
) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    activate_zoe(store, clock)  # Zoé needs no letter any more
    preview = post(head, "/notify/preview", profile="eleve", division="3A")
    assert preview.status_code == 200
    text = html.unescape(main_of(preview.text))
    assert "élève, classe 3A" in text
    assert "Simulation : rien n'a encore été écrit ni émis." in text
    assert "Recevront un courrier (1)" in text
    assert LUCAS in text
    assert "DURAND Lucas" in text or "Lucas DURAND" in text
    assert "Non sélectionnés à cause de leur état" in text
    assert "activé : 1" in text
    assert state(store, LUCAS) is AccountState.NOT_ACTIVATED  # a dry run writes nothing
    assert ("notify", Outcome.ALLOWED, "dry_run") in _actor_events(store, "ce-0001")
    assert 'action="/notify/apply"' in preview.text
    assert letters(preview.text) == []
    done = post(head, "/notify/apply", profile="eleve", division="3A")
    assert done.status_code == 200
    text = html.unescape(main_of(done.text))
    assert "Ont reçu des identifiants (1)" in text
    assert state(store, LUCAS) is AccountState.NOTIFIED
    assert [e.outcome for e in events(store, LUCAS, Action.NOTIFY)] == [Outcome.ALLOWED]
    (link,) = letters(done.text)
    assert "3a" in link
    pdf = PdfReader(io.BytesIO(head.get(link).content))
    assert len(pdf.pages) == 1
    assert "DURAND" in pdf.pages[0].extract_text()
    # again: nobody left to notify, and why
    again = html.unescape(
        main_of(post(head, "/notify/preview", profile="eleve", division="3A").text)
    )
    assert "Recevront un courrier (0)" in again
    assert "Aucun compte ne recevra de courrier." in again
    assert "Laissés de côté (1)" in again
    assert "notification valable jusqu'au" in again


def test_a_whole_profile_gets_one_letter_per_class(signed_in: SignedIn, store: Store) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    preview = html.unescape(main_of(post(head, "/notify/preview", profile="eleve").text))
    assert "élève, tout l'établissement" in preview
    assert "Recevront un courrier (4)" in preview
    done = post(head, "/notify/apply", profile="eleve", division="")
    found = letters(done.text)
    assert len(found) == 3  # 3A, 3B, 6C
    for account_id in (ZOE, LUCAS, INES, HUGO):
        assert state(store, account_id) is AccountState.NOTIFIED
    # the responsables, from the administrative network
    parents = post(head, "/notify/apply", profile="responsable")
    assert parents.status_code == 200
    for account_id in (CLAIRE, PAUL, JEAN):
        assert state(store, account_id) is AccountState.NOTIFIED


def test_a_profile_the_actor_may_not_notify_is_refused(
    signed_in: SignedIn, store: Store, clock: FakeClock
) -> None:
    director = signed_in("dir-0003", ON_NETWORK)
    refused = post(director, "/notify/preview", profile="eleve", division="3A")
    assert refused.status_code == 422
    assert "Choisissez un profil que vous pouvez notifier." in html.unescape(refused.text)
    assert post(director, "/notify/apply", profile="eleve").status_code == 422
    assert state(store, ZOE) is AccountState.NOT_ACTIVATED
    # a delegate for deactivations only may not notify at all
    grant(store, clock, "del-0004", [Action.DEACTIVATE])
    delegate = signed_in("del-0004", ON_NETWORK)
    assert 'href="/notify"' not in delegate.get("/").text
    page = delegate.get("/notify")
    assert page.status_code == 403
    assert "ne couvre pas cette action" in page.text
    assert post(delegate, "/notify/apply", profile="eleve").status_code == 403
    assert state(store, ZOE) is AccountState.NOT_ACTIVATED


def test_the_bulk_forms_need_the_csrf_token(signed_in: SignedIn, store: Store) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    for path in ("/notify/preview", "/notify/apply"):
        refused = head.post(path, data={"profile": "eleve", "division": "3A"})
        assert refused.status_code == 403
        assert "Le formulaire a expiré" in refused.text
    assert state(store, ZOE) is AccountState.NOT_ACTIVATED
    assert _actor_events(store, "ce-0001") == []


def test_the_preview_in_english(signed_in: SignedIn) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    head.get("/notify?lang=en")
    preview = html.unescape(main_of(post(head, "/notify/preview", profile="eleve").text))
    assert "Notification preview" in preview
    assert "student, the whole school" in preview
    assert "Will get a letter (4)" in preview


def test_off_the_network_a_directeur_d_ecole_has_nobody_to_notify(signed_in: SignedIn) -> None:
    director = signed_in("dir-0003", OUTSIDE)
    assert 'href="/notify"' not in director.get("/").text
    page = director.get("/notify")
    assert page.status_code == 403
    assert "depuis le réseau administratif de l&#39;établissement uniquement" in page.text
