"""The letters the module prints: private files, for their issuer only and for a
while; an unavailable paper channel stops an action before anything is issued;
everything follows the mount point."""

from __future__ import annotations

import datetime as dt
import stat
import tempfile
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from cli.school_files import LUCAS, ZOE
from educonnect_adapters.web import StaffAuthenticator, WebSettings, create_app
from educonnect_core.actions import Action
from educonnect_core.errors import ConcurrentModification, PluginError
from educonnect_core.plugins import Plugins
from educonnect_core.service import AdministrationService
from educonnect_core.states import AccountState
from educonnect_core.storage import Store
from web.conftest import (
    ADMIN_NETWORK,
    ON_NETWORK,
    PASSWORD,
    SECRET,
    FakeClock,
    SignedIn,
    Staff,
)
from web.web_client import csrf_of

from .actions_client import events, letters, post, state


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _notify(client: TestClient, account_id: str) -> str:
    done = post(client, f"/accounts/{account_id}/notify/confirm")
    assert done.status_code == 200
    (link,) = letters(done.text)
    return link


def test_letters_are_private_files_removed_once_their_time_is_over(
    signed_in: SignedIn, settings: WebSettings, clock: FakeClock
) -> None:
    head = signed_in("ce-0001", ON_NETWORK)
    link = _notify(head, ZOE)
    base = settings.letters_dir
    assert base is not None
    (folder,) = base.iterdir()
    (pdf,) = folder.iterdir()
    assert link == f"/letters/{folder.name}/{pdf.name}"
    assert (_mode(base), _mode(folder), _mode(pdf)) == (0o700, 0o700, 0o600)
    # a token changed by one character is refused
    nonce, stamp, signature = folder.name.split("-")
    forged = f"{nonce}-{stamp}-{signature[:-1]}{'0' if signature[-1] != '0' else '1'}"
    assert head.get(f"/letters/{forged}/{pdf.name}").status_code == 404
    assert head.get(f"/letters/{folder.name}/..%2F{pdf.name}").status_code == 404
    # past letters_kept, the next delivery removes the folder
    clock.advance(dt.timedelta(hours=1))
    later = signed_in("ce-0001", ON_NETWORK)
    _notify(later, LUCAS)
    assert not folder.exists()
    assert len(list(base.iterdir())) == 1


def test_without_a_letters_dir_a_private_folder_lives_as_long_as_the_application(
    store: Store, staff: Staff, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    settings = WebSettings(secret_key=SECRET, administrative_networks=[ADMIN_NETWORK])
    module = create_app(
        store, authenticator=StaffAuthenticator(staff.path), settings=settings, clock=clock
    )
    with TestClient(module, base_url="https://testserver", client=(ON_NETWORK, 1)) as client:
        form = client.get("/signin")
        data = {"csrf": csrf_of(form.text), "user": "ce-0001", "password": PASSWORD}
        assert client.post("/signin", data=data, follow_redirects=False).status_code == 303
        link = _notify(client, ZOE)
        assert client.get(link).content.startswith(b"%PDF")
        (folder,) = tmp_path.glob("educonnect-letters-*")
        assert _mode(folder) == 0o700
    assert list(tmp_path.glob("educonnect-letters-*")) == []


def test_an_unavailable_paper_channel_stops_the_action_before_anything_is_issued(
    signed_in: SignedIn, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = signed_in("ce-0001", ON_NETWORK)

    def missing(self: Plugins, name: str, settings: object = None) -> None:
        raise PluginError(f"no channel called {name!r}")

    monkeypatch.setattr(Plugins, "open_channel", missing)
    for path, form in (
        (f"/accounts/{ZOE}/notify/confirm", {}),
        ("/notify/apply", {"profile": "eleve"}),
    ):
        refused = post(head, path, **form)
        assert refused.status_code == 503
        assert "rien n&#39;a été émis" in refused.text
    assert state(store, ZOE) is AccountState.NOT_ACTIVATED
    assert events(store, ZOE, Action.NOTIFY) == []
    # an action that prints nothing does not need the channel
    assert post(head, f"/accounts/{ZOE}/deactivate/confirm", reason="depart").status_code == 200


def test_an_account_changed_meanwhile_says_so(
    signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    def concurrent(self: AdministrationService, session: object, account_id: str) -> None:
        raise ConcurrentModification(account_id)

    monkeypatch.setattr(AdministrationService, "reactivate", concurrent)
    answer = post(signed_in("ce-0001", ON_NETWORK), f"/accounts/{ZOE}/reactivate/confirm")
    assert answer.status_code == 409
    assert "modifié au même moment par quelqu&#39;un d&#39;autre" in answer.text


def test_the_actions_follow_the_mount_point(
    store: Store, staff: Staff, clock: FakeClock, settings: WebSettings
) -> None:
    module = create_app(
        store, authenticator=StaffAuthenticator(staff.path), settings=settings, clock=clock
    )
    host = Starlette(routes=[Mount("/educonnect", app=module)])
    with TestClient(host, base_url="https://testserver", client=(ON_NETWORK, 1)) as client:
        form = client.get("/educonnect/signin")
        data = {"csrf": csrf_of(form.text), "user": "ce-0001", "password": PASSWORD}
        assert client.post("/educonnect/signin", data=data, follow_redirects=False).status_code
        page = client.get(f"/educonnect/accounts/{ZOE}").text
        assert f'action="/educonnect/accounts/{ZOE}/notify"' in page
        assert 'href="/educonnect/notify"' in page
        token = csrf_of(page)
        ask = client.post(f"/educonnect/accounts/{ZOE}/notify", data={"csrf": token})
        assert f'action="/educonnect/accounts/{ZOE}/notify/confirm"' in ask.text
        done = client.post(f"/educonnect/accounts/{ZOE}/notify/confirm", data={"csrf": token})
        assert done.url.path == f"/educonnect/accounts/{ZOE}/notify/done"
        (link,) = letters(done.text)
        assert link.startswith("/educonnect/letters/")
        assert client.get(link).content.startswith(b"%PDF")
        bulk = client.get("/educonnect/notify").text
        assert 'action="/educonnect/notify/preview"' in bulk
        preview = client.post(
            "/educonnect/notify/preview", data={"csrf": token, "profile": "eleve"}
        ).text
        assert 'action="/educonnect/notify/apply"' in preview
