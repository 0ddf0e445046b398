"""Identity from a trusted front proxy; forwarded addresses believed only from it."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from cli.school_files import CLAIRE, UAI, ZOE
from educonnect_adapters.web import ProxyAuthenticator, WebSettings

from .conftest import ADMIN_NETWORK, ON_NETWORK, OUTSIDE, PASSWORD, PROXY, SECRET, MakeClient
from .web_client import sign_in

SETTINGS = WebSettings(
    secret_key=SECRET, administrative_networks=[ADMIN_NETWORK], trusted_proxies=[PROXY]
)
HEADERS = {
    "X-Educonnect-Actor": "ce-0001",
    "X-Educonnect-Role": "chef_etablissement",
    "X-Educonnect-Uai": UAI,
    "X-Educonnect-Name": quote("Mme Hélène Fictive"),  # percent-encoded UTF-8
}


def _proxied(make_client: MakeClient, peer: str) -> TestClient:
    return make_client(
        peer,
        settings=SETTINGS,
        authenticator=ProxyAuthenticator(SETTINGS.trusted_proxies),
    )


def test_identity_headers_from_the_trusted_proxy_sign_the_person_in(
    make_client: MakeClient,
) -> None:
    client = _proxied(make_client, PROXY)
    page = client.get("/", headers={**HEADERS, "X-Educonnect-Otp": "1"})
    assert page.status_code == 200
    assert "Mme Hélène Fictive (chef d&#39;établissement, 0990007V)" in page.text
    assert "Accès : clé OTP<" in page.text
    assert "Se déconnecter" not in page.text  # the proxy signs people out
    assert (
        client.get(f"/accounts/{ZOE}", headers={**HEADERS, "X-Educonnect-Otp": "1"}).status_code
        == 200
    )


def test_without_otp_nor_network_the_proxy_s_person_has_no_access(
    make_client: MakeClient,
) -> None:
    page = _proxied(make_client, PROXY).get("/", headers=HEADERS)
    assert page.status_code == 403


def test_the_client_address_forwarded_by_the_proxy_decides_the_network(
    make_client: MakeClient,
) -> None:
    client = _proxied(make_client, PROXY)
    inside = {**HEADERS, "X-Forwarded-For": ON_NETWORK}
    assert "Accès : réseau administratif<" in client.get("/", headers=inside).text
    assert client.get(f"/accounts/{CLAIRE}", headers=inside).status_code == 200
    outside = {**HEADERS, "X-Educonnect-Otp": "1", "X-Forwarded-For": OUTSIDE}
    assert client.get(f"/accounts/{CLAIRE}", headers=outside).status_code == 404
    # a client cannot slip an address in front of its own: the proxy appends the real one
    spoofed = {**HEADERS, "X-Educonnect-Otp": "1", "X-Forwarded-For": f"{ON_NETWORK}, {OUTSIDE}"}
    assert client.get(f"/accounts/{CLAIRE}", headers=spoofed).status_code == 404


@pytest.mark.parametrize("peer", [OUTSIDE, ON_NETWORK])
def test_identity_headers_from_another_address_are_ignored(
    make_client: MakeClient, peer: str
) -> None:
    client = _proxied(make_client, peer)
    page = client.get("/", headers={**HEADERS, "X-Educonnect-Otp": "1"})
    assert page.status_code == 401
    assert "La connexion se fait par le portail de votre académie." in page.text
    assert "Mme Hélène Fictive" not in page.text
    assert client.get(f"/accounts/{ZOE}", headers=HEADERS).status_code == 401


def test_the_proxy_s_bad_headers_sign_nobody_in(make_client: MakeClient) -> None:
    client = _proxied(make_client, PROXY)
    for changed in (
        {"X-Educonnect-Role": "identity_provider"},
        {"X-Educonnect-Uai": "not a uai"},
        {"X-Educonnect-Actor": ""},
    ):
        assert (
            client.get("/", headers={**HEADERS, **changed, "X-Educonnect-Otp": "1"}).status_code
            == 401
        )


def test_there_is_no_sign_in_form_behind_a_proxy(make_client: MakeClient) -> None:
    client = _proxied(make_client, PROXY)
    assert client.get("/signin").status_code == 401
    token_page = client.get("/signin")
    assert 'name="password"' not in token_page.text


def test_forwarded_addresses_from_an_untrusted_peer_are_ignored(
    make_client: MakeClient,
) -> None:
    """With the staff accounts: a client outside claiming the network in
    X-Forwarded-For still needs its TOTP code."""
    client = make_client(OUTSIDE, settings=SETTINGS)
    client.headers["X-Forwarded-For"] = ON_NETWORK
    response = sign_in(client, "ce-0001", PASSWORD, "")
    assert response.status_code == 401
    assert "le code OTP est obligatoire" in response.text
    # through the trusted proxy, the same forwarded address is the client's
    proxied = make_client(PROXY, settings=SETTINGS)
    proxied.headers["X-Forwarded-For"] = ON_NETWORK
    assert sign_in(proxied, "ce-0001", PASSWORD, "").status_code == 303


def test_a_delegate_from_the_proxy_needs_a_delegation_in_force(make_client: MakeClient) -> None:
    client = _proxied(make_client, PROXY)
    headers = {**HEADERS, "X-Educonnect-Actor": "del-9999", "X-Educonnect-Role": "delegue"}
    page = client.get("/", headers={**headers, "X-Educonnect-Otp": "1"})
    assert page.status_code == 403
    assert "pas de délégation DELEG-CE en vigueur" in page.text


def test_a_proxy_on_the_network_does_not_lend_it_to_its_requests(
    make_client: MakeClient,
) -> None:
    """The proxy's own address is in the administrative range: a request it sends
    without X-Forwarded-For is not on the network."""
    proxy = "10.20.0.1"
    settings = WebSettings(
        secret_key=SECRET, administrative_networks=[ADMIN_NETWORK], trusted_proxies=[proxy]
    )
    client = make_client(
        proxy, settings=settings, authenticator=ProxyAuthenticator(settings.trusted_proxies)
    )
    headers = {**HEADERS, "X-Educonnect-Otp": "1"}
    assert "Accès : clé OTP<" in client.get("/", headers=headers).text
    forwarded = {**headers, "X-Forwarded-For": ON_NETWORK}
    assert "Accès : clé OTP + réseau administratif<" in client.get("/", headers=forwarded).text
