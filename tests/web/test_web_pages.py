"""The pages, for each role and access context: dashboard, search, account page;
no page tells someone without rights whether an account exists."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from cli.school_files import CLAIRE, HUGO, INES, JEAN, LUCAS, PAUL, UAI, ZOE
from educonnect_adapters.web import StaffAuthenticator, WebSettings, create_app
from educonnect_core.credentials import ScryptParams
from educonnect_core.permissions import AccessContext, Actor
from educonnect_core.service import AdministrationService, Session
from educonnect_core.storage import Store
from educonnect_core.testing.fakes import SeededRandom
from educonnect_core.values import Uai
from educonnect_core.views import gather

from .conftest import (
    ADMIN_NETWORK,
    ON_NETWORK,
    OTHER_UAI,
    OUTSIDE,
    PASSWORD,
    SECRET,
    FakeClock,
    SignedIn,
    Staff,
)
from .web_client import cookie_header, sign_in

HEADS = ("ce-0001", "adj-0002")


def _main(html: str) -> str:
    """The page's own content (not the header naming who is signed in)."""
    return html.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0]


def _ids(html: str) -> list[str]:
    return re.findall(r'<a href="/accounts/([^"]+)">', html)


@pytest.mark.parametrize("actor", HEADS)
def test_the_dashboard_shows_the_store_s_figures(
    signed_in: SignedIn, store: Store, clock: FakeClock, actor: str
) -> None:
    page = signed_in(actor).get("/")
    assert page.status_code == 200
    with store.unit_of_work() as uow:
        figures = gather(uow, uow.people.get_school(Uai.parse(UAI)), clock.at)
    html = _main(page.text)
    assert f"Établissement {UAI}" in html
    assert f'<li><span class="n">{figures.statistics.total}</span> Comptes</li>' in html
    assert figures.statistics.total == 7
    for c in figures.classes:
        assert f'<a href="/accounts?division={c.division}">{c.division}</a>' in html
        assert f'<td class="n">{c.total}</td><td class="n">{c.activated}</td>' in html
    for code, n in figures.blockers.items():
        assert f'<a href="/accounts?blocker={code.value}">{code.value}</a></th>\n' in html
        assert f'{code.value}</a></th>\n    <td class="n">{n}</td>' in html
    assert f'<span class="n">{figures.blocked_to_activate}</span>' in html
    assert "Exports appliqués" in html
    assert "12/01/2026 07:42 UTC+01:00" in html  # the export's time, in Paris time


def test_the_dashboard_in_english(signed_in: SignedIn) -> None:
    client = signed_in("ce-0001")
    page = client.get("/?lang=en")
    assert '<html lang="en">' in page.text
    assert "<h1>Dashboard</h1>" in page.text
    assert "Activation rate by class" in page.text
    assert "Tableau de bord" not in _main(page.text)
    # the language switch keeps the page's filters
    search = client.get("/accounts?division=3A&name=zo")
    assert 'href="/accounts?division=3A&amp;name=zo&amp;lang=fr"' in search.text  # now in English
    # the choice stays for the next pages
    assert "<h1>Search accounts</h1>" in client.get("/accounts").text
    assert "<h1>Tableau de bord</h1>" in client.get("/?lang=fr").text


def test_english_as_the_module_s_setting(store: Store, staff: Staff, clock: FakeClock) -> None:
    settings = WebSettings(secret_key=SECRET, lang="en")
    app = create_app(
        store, authenticator=StaffAuthenticator(staff.path), settings=settings, clock=clock
    )
    with TestClient(app, base_url="https://testserver", client=(OUTSIDE, 1)) as client:
        assert "<h1>Sign in</h1>" in client.get("/signin").text


@pytest.mark.parametrize("actor", HEADS)
def test_heads_with_otp_only_see_the_students(signed_in: SignedIn, actor: str) -> None:
    client = signed_in(actor, OUTSIDE)
    page = client.get("/accounts")
    assert page.status_code == 200
    assert sorted(_ids(page.text)) == sorted([ZOE, LUCAS, INES, HUGO])
    assert "vous voyez les comptes : élève." in page.text
    # asking for the responsables changes nothing
    assert sorted(_ids(client.get("/accounts?profile=responsable").text)) == sorted(
        [ZOE, LUCAS, INES, HUGO]
    )


@pytest.mark.parametrize("actor", HEADS)
def test_heads_on_the_administrative_network_see_every_account(
    signed_in: SignedIn, actor: str
) -> None:
    client = signed_in(actor, ON_NETWORK, otp=False)
    page = client.get("/accounts")
    assert sorted(_ids(page.text)) == sorted([ZOE, LUCAS, INES, HUGO, CLAIRE, PAUL, JEAN])
    assert "vous voyez les comptes" not in page.text
    responsables = client.get("/accounts?profile=responsable")
    assert sorted(_ids(responsables.text)) == sorted([CLAIRE, PAUL, JEAN])


def test_the_directeur_d_ecole_sees_the_responsables_from_the_network_only(
    signed_in: SignedIn,
) -> None:
    outside = signed_in("dir-0003", OUTSIDE)
    for path in ("/", "/accounts"):
        page = outside.get(path)
        assert page.status_code == 403
        assert "réseau administratif" in _main(page.text)
    assert outside.get(f"/accounts/{CLAIRE}").status_code == 404
    inside = signed_in("dir-0003", ON_NETWORK, otp=False)
    assert inside.get("/").status_code == 200
    assert sorted(_ids(inside.get("/accounts").text)) == sorted([CLAIRE, PAUL, JEAN])
    assert inside.get(f"/accounts/{CLAIRE}").status_code == 200
    assert inside.get(f"/accounts/{ZOE}").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=zoe", [ZOE]),
        ("name=MARTIN", [ZOE, HUGO, CLAIRE]),
        ("division=3B", [INES, PAUL]),
        ("division=3B&profile=eleve", [INES]),
        ("state=not_activated&profile=responsable", [CLAIRE, PAUL, JEAN]),
        ("state=activated", []),
        ("blocker=INVALID_BIRTH_DATE", [INES, PAUL]),
        ("route=provisional_paper&profile=eleve", [ZOE, LUCAS, HUGO]),
        ("blocked=1", [INES, PAUL]),
        ("profile=nonsense&state=nonsense", [ZOE, LUCAS, INES, HUGO, CLAIRE, PAUL, JEAN]),
    ],
)
def test_account_search_filters(signed_in: SignedIn, query: str, expected: list[str]) -> None:
    page = signed_in("ce-0001", ON_NETWORK, otp=False).get(f"/accounts?{query}")
    assert page.status_code == 200
    assert sorted(_ids(page.text)) == sorted(expected)
    if not expected:
        assert "Aucun compte ne correspond." in page.text


def test_account_search_pages(store: Store, staff: Staff, clock: FakeClock) -> None:
    settings = WebSettings(secret_key=SECRET, administrative_networks=[ADMIN_NETWORK], page_size=3)
    app = create_app(
        store, authenticator=StaffAuthenticator(staff.path), settings=settings, clock=clock
    )
    with TestClient(app, base_url="https://testserver", client=(ON_NETWORK, 1)) as client:
        assert sign_in(client, "ce-0001", PASSWORD).status_code == 303
        seen: list[str] = []
        page = client.get("/accounts?name=a")
        assert "1–3 sur 6" in page.text
        while True:
            seen += _ids(page.text)
            found = re.search(r'<a rel="next" href="([^"]+)">', page.text)
            if not found:
                break
            page = client.get(found.group(1).replace("&amp;", "&"))
        assert len(seen) == len(set(seen)) == 6
        assert 'rel="prev"' in page.text


def test_search_text_is_escaped(signed_in: SignedIn) -> None:
    page = signed_in("ce-0001").get("/accounts", params={"name": '"><script>alert(1)</script>'})
    assert "<script>" not in page.text
    assert "&#34;&gt;&lt;script&gt;" in page.text


def test_the_account_page_shows_data_state_routes_blockers_and_history(
    signed_in: SignedIn,
) -> None:
    page = signed_in("ce-0001").get(f"/accounts/{INES}")
    assert page.status_code == 200
    html = _main(page.text)
    assert "PETIT Inès" in html
    assert "<dt>Classe</dt><dd>3B</dd>" in html
    assert "31/02/2012 (invalide : INVALID_BIRTH_DATE)" in html
    assert '<dd class="state">non activé</dd>' in html
    assert "<code>INVALID_BIRTH_DATE</code>" in html
    assert "Corriger la date de naissance de l&#39;élève dans SIECLE" in html
    assert "effet le 14/01/2026 06:00 UTC+01:00" in html  # the next-morning rule
    assert "Historique" in html


def test_a_responsable_s_page_names_the_children(signed_in: SignedIn) -> None:
    page = signed_in("ce-0001", ON_NETWORK, otp=False).get(f"/accounts/{CLAIRE}")
    assert page.status_code == 200
    html = _main(page.text)
    assert "MARTIN Zoé (3A, représentant légal)" in html
    assert "MARTIN Hugo (6C, représentant légal)" in html
    assert "<dt>Courriel</dt>" in html
    assert "ouvert" in html


def test_the_account_page_in_english(signed_in: SignedIn) -> None:
    html = _main(signed_in("ce-0001").get(f"/accounts/{INES}?lang=en").text)
    assert "Activation routes" in html
    assert "Correct the" in html or "Fix the" in html or "SIECLE" in html
    assert "Parcours d&#39;activation" not in html


def test_no_page_tells_whether_an_account_exists_without_rights(signed_in: SignedIn) -> None:
    client = signed_in("ce-0001", OUTSIDE)  # OTP only: students of 0990007V
    other_school = f"E-{OTHER_UAI}-1001"  # exists, in another school
    answers = {
        account_id: client.get(f"/accounts/{account_id}")
        for account_id in (
            other_school,
            f"E-{OTHER_UAI}-9999",  # does not exist
            CLAIRE,  # exists, a responsable: not from outside the network
            f"R-{UAI}-9999",  # does not exist
            f"E-{UAI}-9999",  # does not exist, within rights
            "not-an-account-id",
        )
    }
    assert {r.status_code for r in answers.values()} == {404}
    # the same page, but for the address asked (in the language switch)
    assert len({r.text.replace(account_id, "ID") for account_id, r in answers.items()}) == 1
    assert "Cette page n&#39;existe pas, ou vous n&#39;y avez pas accès." in answers[CLAIRE].text
    # the other school's head sees their own account, not ours
    other = signed_in("ce-0009", OUTSIDE)
    assert other.get(f"/accounts/{other_school}").status_code == 200
    unknown = f"E-{UAI}-9999"
    assert other.get(f"/accounts/{ZOE}").text.replace(ZOE, "ID") == other.get(
        f"/accounts/{unknown}"
    ).text.replace(unknown, "ID")


def test_an_unknown_path_is_a_page_not_found(signed_in: SignedIn) -> None:
    response = signed_in("ce-0001").get("/nothing/here")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_the_stylesheet_is_shipped_with_the_module(signed_in: SignedIn) -> None:
    client = signed_in("ce-0001")
    page = client.get("/")
    assert '<link rel="stylesheet" href="/static/educonnect.css">' in page.text
    css = client.get("/static/educonnect.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "@import" not in css.text
    assert "http" not in css.text


def test_the_module_mounted_in_another_application(
    store: Store, staff: Staff, clock: FakeClock
) -> None:
    settings = WebSettings(secret_key=SECRET, administrative_networks=[ADMIN_NETWORK])
    module = create_app(
        store, authenticator=StaffAuthenticator(staff.path), settings=settings, clock=clock
    )
    host = Starlette(routes=[Mount("/educonnect", app=module)])
    with TestClient(host, base_url="https://testserver", client=(ON_NETWORK, 1)) as client:
        assert client.get("/educonnect/", follow_redirects=False).headers["location"] == (
            "/educonnect/signin"
        )
        form = client.get("/educonnect/signin")
        assert 'action="/educonnect/signin"' in form.text
        assert 'href="/educonnect/static/educonnect.css"' in form.text
        assert "Path=/educonnect/" in cookie_header(form, "educonnect_csrf")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token
        response = client.post(
            "/educonnect/signin",
            data={"csrf": token.group(1), "user": "ce-0001", "password": PASSWORD, "code": ""},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/educonnect/"
        page = client.get("/educonnect/accounts?name=zoe")
        assert f'href="/educonnect/accounts/{ZOE}"' in page.text
        assert client.get(f"/educonnect/accounts/{ZOE}").status_code == 200
        assert client.get("/educonnect/static/educonnect.css").status_code == 200


def test_a_school_with_no_data_yet(signed_in: SignedIn) -> None:
    client = signed_in("ce-0777")
    page = client.get("/")
    assert page.status_code == 200
    assert "Aucun export de cet établissement n&#39;a encore été importé." in page.text
    assert "Aucun compte ne correspond." in client.get("/accounts").text


def test_the_account_page_shows_the_provisional_credentials(
    signed_in: SignedIn, store: Store, clock: FakeClock
) -> None:
    lucas = f"E-{OTHER_UAI}-1002"
    head = Session(Actor.chef_etablissement("ce-0009", OTHER_UAI), AccessContext(otp=True))
    service = AdministrationService(
        store, clock, SeededRandom(3), scrypt=ScryptParams(n=2**4, r=1, p=1)
    )
    result = service.notify(head, lucas)
    assert result.notification is not None
    page = signed_in("ce-0009").get(f"/accounts/{lucas}")
    html = _main(page.text)
    assert '<dd class="state">notifié</dd>' in html
    assert "<dt>Identifiants provisoires</dt><dd>du " in html
    assert ", valables jusqu&#39;au " in html
    password = result.notification.password
    assert password
    assert password not in page.text  # never shown again
