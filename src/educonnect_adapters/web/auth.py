"""The authentication port of the web module and the trusted-proxy adapter.

An :class:`Authenticator` turns facts about a request into a :class:`Verified`
identity: who (id, role, school, name) and whether a second factor (the OTP
key) was checked. Two ship with the module: :class:`ProxyAuthenticator` (a
front proxy that authenticated the person passes headers) and
:class:`~.staff.StaffAuthenticator` (staff accounts with password and TOTP).
The administrative network is never the authenticator's claim: the
application decides it from the client address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Final, Protocol
from urllib.parse import unquote

import attrs

from educonnect_core.errors import EduconnectError, InvalidValue
from educonnect_core.permissions import Role
from educonnect_core.values import Uai

from .network import Address, Network, in_networks, parse_address

__all__ = [
    "STAFF_ROLES",
    "Authenticator",
    "Identity",
    "ProxyAuthenticator",
    "RequestFacts",
    "SignInLocked",
    "SignInRefused",
    "Verified",
]

#: The roles a person signing in to the module may hold (a delegate acts under
#: the DELEG-CE delegation in force the store holds for them).
STAFF_ROLES: Final = frozenset(
    {Role.CHEF_ETABLISSEMENT, Role.ADJOINT, Role.DIRECTEUR_ECOLE, Role.DELEGATE}
)


def _role(value: Role | str) -> Role:
    role = value if isinstance(value, Role) else _parse_role(value)
    if role not in STAFF_ROLES:
        raise InvalidValue("Identity.role", role.value, f"expected one of {_role_names()}")
    return role


def _parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidValue("Identity.role", value, f"expected one of {_role_names()}") from None


def _role_names() -> str:
    return ", ".join(sorted(r.value for r in STAFF_ROLES))


def _uai(value: Uai | str) -> Uai:
    return value if isinstance(value, Uai) else Uai.parse(value)


def _non_empty(identity: Identity, attribute: attrs.Attribute[str], value: str) -> None:
    if not value or not value.strip():
        raise InvalidValue(f"Identity.{attribute.name}", value, "expected a non-empty text")


@attrs.frozen
class Identity:
    """A member of staff: id, role, school and the name shown on the pages."""

    actor_id: str = attrs.field(validator=_non_empty)
    role: Role = attrs.field(converter=_role)
    uai: Uai = attrs.field(converter=_uai)
    display_name: str = ""


@attrs.frozen
class Verified:
    """An identity and whether its OTP key was checked (now, by us or the proxy)."""

    identity: Identity
    otp: bool


@attrs.frozen
class RequestFacts:
    """What the application knows of a request: the TCP peer, the client address
    worked out from it (:func:`~.network.client_address`) and the headers."""

    peer: Address | None
    client: Address | None
    headers: Mapping[str, str]


class SignInRefused(EduconnectError, PermissionError):
    """Wrong user id, password or code (one message: which one is not said);
    ``code_required`` when the TOTP code was missing off the administrative network."""

    def __init__(self, *, code_required: bool = False) -> None:
        self.code_required = code_required
        super().__init__("sign-in refused")


class SignInLocked(EduconnectError, PermissionError):
    """Too many failed attempts: sign-in is locked for ``retry_after``."""

    def __init__(self, retry_after: dt.timedelta) -> None:
        self.retry_after = retry_after
        super().__init__(f"sign-in locked for {retry_after.total_seconds():.0f} s")


class Authenticator(Protocol):
    """The port: how the web module learns who is calling."""

    @property
    def has_sign_in_form(self) -> bool:
        """Whether the module shows its own sign-in form (then :meth:`sign_in` works)."""
        ...

    def from_request(self, facts: RequestFacts) -> Verified | None:
        """The identity the request itself carries (trusted headers), or ``None``."""
        ...

    def confirm(self, identity: Identity) -> Identity | None:
        """The signed-in ``identity`` as it stands now (``None``: the account was
        removed or changed, the session ends)."""
        ...

    def sign_in(
        self,
        user_id: str,
        password: str,
        code: str,
        *,
        facts: RequestFacts,
        administrative_network: bool,
        at: dt.datetime,
    ) -> Verified:
        """Check a sign-in form; :class:`SignInRefused` or :class:`SignInLocked`.
        A missing ``code`` is accepted only from the ``administrative_network``
        (then ``otp`` is false)."""
        ...


@attrs.frozen
class ProxyAuthenticator:
    """Identity headers set by a front proxy that authenticated the person.

    The headers are believed only when the TCP peer is in ``trusted_proxies``;
    from any other address they are ignored (the request is not signed in). The
    proxy says in ``otp_header`` (``1``/``true``) whether its authentication used
    the OTP key; the name is percent-encoded UTF-8 (headers are ASCII). The proxy
    must remove these headers from what clients send.
    """

    trusted_proxies: Sequence[Network]
    actor_header: str = "x-educonnect-actor"
    role_header: str = "x-educonnect-role"
    uai_header: str = "x-educonnect-uai"
    name_header: str = "x-educonnect-name"
    otp_header: str = "x-educonnect-otp"

    @property
    def has_sign_in_form(self) -> bool:
        return False

    def from_request(self, facts: RequestFacts) -> Verified | None:
        if not in_networks(facts.peer, self.trusted_proxies):
            return None
        headers = {k.lower(): v for k, v in facts.headers.items()}
        actor = headers.get(self.actor_header.lower(), "").strip()
        role = headers.get(self.role_header.lower(), "").strip()
        uai = headers.get(self.uai_header.lower(), "").strip()
        if not (actor and role and uai):
            return None
        name = unquote(headers.get(self.name_header.lower(), ""), errors="replace").strip()
        try:
            identity = Identity(actor, role, uai, name or actor)
        except (InvalidValue, ValueError):
            return None
        otp = headers.get(self.otp_header.lower(), "").strip().lower() in {"1", "true", "yes"}
        return Verified(identity, otp)

    def confirm(self, identity: Identity) -> Identity | None:
        return identity

    def sign_in(
        self,
        user_id: str,
        password: str,
        code: str,
        *,
        facts: RequestFacts,
        administrative_network: bool,
        at: dt.datetime,
    ) -> Verified:
        raise SignInRefused()


def peer_of(value: str | None) -> Address | None:
    """The peer address of an ASGI scope's ``client`` host."""
    return parse_address(value)
