"""The administration module on the web (issue 20): an ASGI application.

Server-rendered pages (Jinja2, autoescaped, no JavaScript) over a store:
sign-in, the school's dashboard, account search, the account page with the
administration service's actions (confirmed, audited) and the notification of a
class with its letters to download.
:func:`create_app` returns an application to mount in another one; ``educonnect
serve`` runs it alone. Who calls comes from an :class:`Authenticator`
(:class:`ProxyAuthenticator` or :class:`StaffAuthenticator`); the access
context comes from facts (OTP checked in the session, client address in the
administrative networks). See docs/howto/web-module.md and docs/web-security.md.

Needs the ``web`` extra: ``pip install 'educonnect[web]'``.
"""

from __future__ import annotations

from .app import CSP, create_app
from .auth import (
    Authenticator,
    Identity,
    ProxyAuthenticator,
    RequestFacts,
    SignInLocked,
    SignInRefused,
    Verified,
)
from .settings import LockoutPolicy, WebSettings
from .staff import (
    Enrolment,
    StaffAuthenticator,
    StaffMember,
    add_staff,
    list_staff,
    load_staff,
    remove_staff,
    reset_otp,
)

__all__ = [
    "CSP",
    "Authenticator",
    "Enrolment",
    "Identity",
    "LockoutPolicy",
    "ProxyAuthenticator",
    "RequestFacts",
    "SignInLocked",
    "SignInRefused",
    "StaffAuthenticator",
    "StaffMember",
    "Verified",
    "WebSettings",
    "add_staff",
    "create_app",
    "list_staff",
    "load_staff",
    "remove_staff",
    "reset_otp",
]
