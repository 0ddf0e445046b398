"""Driving the web module as a browser would: forms, their CSRF token, sign-in."""

from __future__ import annotations

import datetime as dt
import re

import httpx2 as httpx
from starlette.testclient import TestClient

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(
    client: TestClient,
    user: str,
    password: str,
    code: str = "",
) -> httpx.Response:
    """GET the form, POST it with its token (redirects not followed)."""
    form = client.get("/signin")
    return client.post(
        "/signin",
        data={"csrf": csrf_of(form.text), "user": user, "password": password, "code": code},
        follow_redirects=False,
    )


def cookie_header(response: httpx.Response, name: str) -> str:
    """The Set-Cookie header of cookie ``name``."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no Set-Cookie for {name}")


def moment(minutes: int) -> dt.timedelta:
    return dt.timedelta(minutes=minutes)
