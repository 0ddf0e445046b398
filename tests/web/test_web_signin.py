"""Sign-in with the built-in staff accounts: password, TOTP code, CSRF, lock-out,
session cookies and their expiry."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from educonnect_adapters.web import CSP, LockoutPolicy, StaffAuthenticator, WebSettings
from educonnect_adapters.web.staff import remove_staff

from .conftest import (
    ADMIN_NETWORK,
    ON_NETWORK,
    OUTSIDE,
    PASSWORD,
    SECRET,
    FakeClock,
    MakeClient,
    SignedIn,
    Staff,
)
from .web_client import cookie_header, csrf_of, sign_in

CE = "ce-0001"


def test_the_sign_in_page_has_a_csrf_token_and_the_security_headers(
    make_client: MakeClient,
) -> None:
    response = make_client().get("/signin")
    assert response.status_code == 200
    assert 'lang="fr"' in response.text
    assert "<h1>Connexion</h1>" in response.text
    assert csrf_of(response.text)
    assert response.headers["content-security-policy"] == CSP
    assert "unsafe-inline" not in CSP
    assert "default-src 'self'" in CSP
    assert "<script" not in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    csrf = cookie_header(response, "educonnect_csrf")
    assert "Secure" in csrf
    assert "HttpOnly" in csrf
    assert "SameSite=strict" in csrf


def test_sign_in_with_password_and_totp_from_outside_gives_otp_access(
    make_client: MakeClient, staff: Staff, clock: FakeClock
) -> None:
    client = make_client(OUTSIDE)
    response = sign_in(client, CE, PASSWORD, staff.code(CE, clock.at))
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    session = cookie_header(response, "educonnect_session")
    for flag in ("Secure", "HttpOnly", "SameSite=strict", "Path=/"):
        assert flag in session
    page = client.get("/")
    assert page.status_code == 200
    assert "Accès : clé OTP<" in page.text
    assert "réseau administratif" not in page.text.split("</header>")[0]


def test_without_a_code_sign_in_is_refused_outside_the_administrative_network(
    make_client: MakeClient,
) -> None:
    response = sign_in(make_client(OUTSIDE), CE, PASSWORD, "")
    assert response.status_code == 401
    assert "Hors du réseau administratif, le code OTP est obligatoire." in response.text
    assert "educonnect_session=" not in response.headers.get("set-cookie", "")


def test_without_a_code_from_the_administrative_network_access_is_that_network_only(
    make_client: MakeClient,
) -> None:
    client = make_client(ON_NETWORK)
    assert sign_in(client, CE, PASSWORD, "").status_code == 303
    page = client.get("/")
    assert "Accès : réseau administratif<" in page.text


def test_with_a_code_from_the_administrative_network_access_is_both(
    make_client: MakeClient, staff: Staff, clock: FakeClock
) -> None:
    client = make_client(ON_NETWORK)
    assert sign_in(client, CE, PASSWORD, staff.code(CE, clock.at)).status_code == 303
    assert "Accès : clé OTP + réseau administratif<" in client.get("/").text


@pytest.mark.parametrize(
    ("user", "password", "good_code"),
    [
        (CE, "wrong password!!", True),
        (CE, PASSWORD, False),
        ("nobody-0000", PASSWORD, True),
    ],
)
def test_a_refusal_does_not_say_which_part_was_wrong(
    make_client: MakeClient,
    staff: Staff,
    clock: FakeClock,
    user: str,
    password: str,
    good_code: bool,
) -> None:
    code = staff.code(CE, clock.at) if good_code else "000000"
    if not good_code and code == staff.code(CE, clock.at):
        code = "111111"
    response = sign_in(make_client(), user, password, code)
    assert response.status_code == 401
    assert "Identifiant, mot de passe ou code incorrect." in response.text


def test_a_totp_code_is_accepted_once(
    make_client: MakeClient, staff: Staff, clock: FakeClock
) -> None:
    code = staff.code(CE, clock.at)
    assert sign_in(make_client(), CE, PASSWORD, code).status_code == 303
    assert sign_in(make_client(), CE, PASSWORD, code).status_code == 401
    clock.advance(dt.timedelta(seconds=30))
    assert sign_in(make_client(), CE, PASSWORD, staff.code(CE, clock.at)).status_code == 303


def test_the_sign_in_form_without_its_csrf_token_is_refused(
    make_client: MakeClient, staff: Staff, clock: FakeClock
) -> None:
    client = make_client()
    client.get("/signin")
    form = {"user": CE, "password": PASSWORD, "code": staff.code(CE, clock.at)}
    for token in (None, "", "forged-token"):
        data = form if token is None else {**form, "csrf": token}
        response = client.post("/signin", data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "Requête refusée" in response.text
        assert "educonnect_session=" not in response.headers.get("set-cookie", "")
    # a token from another visitor's cookie does not fit this one's
    other = make_client()
    stolen = csrf_of(other.get("/signin").text)
    response = client.post("/signin", data={**form, "csrf": stolen}, follow_redirects=False)
    assert response.status_code == 403


def test_failed_attempts_lock_sign_in_incrementally(
    make_client: MakeClient, staff: Staff, clock: FakeClock
) -> None:
    client = make_client()
    for _ in range(3):  # the free attempts
        assert sign_in(client, CE, "wrong password!!", "123456").status_code == 401
    assert sign_in(client, CE, "wrong password!!", "123456").status_code == 401
    # locked for 30 s now: even the right password and code are refused
    locked = sign_in(client, CE, PASSWORD, staff.code(CE, clock.at))
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "30"
    assert "Trop de tentatives : réessayez dans 30 secondes." in locked.text
    clock.advance(dt.timedelta(seconds=31))
    # one more failure doubles the lock
    assert sign_in(client, CE, "wrong password!!", "123456").status_code == 401
    assert sign_in(client, CE, PASSWORD, staff.code(CE, clock.at)).headers["retry-after"] == "60"
    clock.advance(dt.timedelta(seconds=61))
    assert sign_in(client, CE, PASSWORD, staff.code(CE, clock.at)).status_code == 303
    # a success starts the count again
    for _ in range(3):
        assert sign_in(client, CE, "wrong password!!", "").status_code == 401


def test_an_unknown_id_is_locked_the_same_way(make_client: MakeClient) -> None:
    client = make_client()
    answers = [sign_in(client, "nobody-0000", PASSWORD, "123456") for _ in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]


def test_many_ids_tried_from_one_address_lock_that_address(
    make_client: MakeClient, staff: Staff
) -> None:
    settings = WebSettings(
        secret_key=SECRET,
        administrative_networks=[ADMIN_NETWORK],
        lockout=LockoutPolicy(address_attempts=5),
    )
    authenticator = StaffAuthenticator(staff.path, settings.lockout)
    client = make_client(settings=settings, authenticator=authenticator)
    codes = [sign_in(client, f"guess-{n}", "x", "123456").status_code for n in range(7)]
    assert codes == [401] * 6 + [429]
    # from another address, the right person still signs in
    other = make_client(ON_NETWORK, settings=settings, authenticator=authenticator)
    assert sign_in(other, CE, PASSWORD, "").status_code == 303


def test_sign_out_ends_the_session_and_needs_its_csrf_token(signed_in: SignedIn) -> None:
    client = signed_in(CE)
    page = client.get("/")
    refused = client.post("/signout", data={"csrf": "nope"}, follow_redirects=False)
    assert refused.status_code == 403
    response = client.post("/signout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?out=1"
    assert 'educonnect_session=""' in cookie_header(response, "educonnect_session")
    client.cookies.clear()
    after = client.get("/", follow_redirects=False)
    assert after.status_code == 303
    assert after.headers["location"] == "/signin"


def test_without_a_session_the_pages_lead_to_the_sign_in_form(make_client: MakeClient) -> None:
    client = make_client()
    for path in ("/", "/accounts", "/accounts/E-0990007V-1001"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/signin"


def test_a_session_ends_after_its_idle_time(signed_in: SignedIn, clock: FakeClock) -> None:
    client = signed_in(CE)
    clock.advance(dt.timedelta(minutes=19))
    assert client.get("/").status_code == 200  # used: the idle time starts again
    clock.advance(dt.timedelta(minutes=19))
    assert client.get("/").status_code == 200
    clock.advance(dt.timedelta(minutes=20))
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?expired=1"
    page = client.get("/signin?expired=1")
    assert "Votre session a expiré" in page.text


def test_a_session_ends_after_its_absolute_time_even_when_used(
    signed_in: SignedIn, clock: FakeClock
) -> None:
    client = signed_in(CE)
    for _ in range(8 * 4 - 1):
        clock.advance(dt.timedelta(minutes=15))
        assert client.get("/").status_code == 200
    clock.advance(dt.timedelta(minutes=15))
    assert client.get("/", follow_redirects=False).headers["location"] == "/signin?expired=1"


def test_a_changed_session_cookie_is_not_accepted(signed_in: SignedIn) -> None:
    client = signed_in(CE)
    value = client.cookies["educonnect_session"]
    body, _, signature = value.rpartition(".")
    client.cookies.clear()
    client.cookies.set("educonnect_session", value)
    assert client.get("/", follow_redirects=False).status_code == 200  # the cookie as given
    client.cookies.clear()
    client.cookies.set("educonnect_session", body + "." + signature[::-1])
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set("educonnect_session", _flip(body) + "." + signature)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_signed_with_another_key_is_not_accepted(
    signed_in: SignedIn, make_client: MakeClient
) -> None:
    client = signed_in(CE)
    other = make_client(settings=WebSettings(secret_key=b"o" * 32))
    other.cookies = client.cookies
    assert other.get("/", follow_redirects=False).status_code == 303


def test_a_member_removed_from_the_staff_file_is_signed_out(
    make_client: MakeClient, staff: Staff, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "staff.toml"
    shutil.copy(staff.path, path)
    settings = WebSettings(secret_key=SECRET, administrative_networks=[ADMIN_NETWORK])
    client = make_client(
        settings=settings, authenticator=StaffAuthenticator(path, settings.lockout)
    )
    assert sign_in(client, CE, PASSWORD, staff.code(CE, clock.at)).status_code == 303
    assert client.get("/").status_code == 200
    remove_staff(path, CE)
    assert client.get("/", follow_redirects=False).headers["location"] == "/signin?expired=1"


def test_cookies_may_go_without_secure_for_local_http_tests(
    make_client: MakeClient,
) -> None:
    settings = WebSettings(secret_key=SECRET, secure_cookies=False)
    response = make_client(settings=settings).get("/signin")
    header = cookie_header(response, "educonnect_csrf")
    assert "Secure" not in header
    assert "HttpOnly" in header


def _flip(text: str) -> str:
    """``text`` with its last character changed."""
    return text[:-1] + ("A" if text[-1] != "A" else "B")


def test_a_huge_form_is_refused_unread(make_client: MakeClient) -> None:
    client = make_client()
    token = csrf_of(client.get("/signin").text)
    response = client.post(
        "/signin",
        data={"csrf": token, "user": "x" * 200_000, "password": "y", "code": ""},
        follow_redirects=False,
    )
    assert response.status_code == 413
    assert "educonnect_session=" not in response.headers.get("set-cookie", "")


def test_a_refused_sign_in_switches_language_on_the_sign_in_form(
    make_client: MakeClient,
) -> None:
    client = make_client(ON_NETWORK)
    refused = sign_in(client, "ce-0001", "wrong password")
    assert refused.status_code == 401
    assert 'href="/signin?lang=en"' in refused.text
