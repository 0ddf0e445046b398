"""Built-in staff accounts: a TOML file, argon2id passwords, a TOTP second factor.

The staff file (mode 0600: it holds the TOTP secrets) looks like::

    [staff."ce-0001"]
    role = "chef_etablissement"      # adjoint, directeur_ecole, delegue
    uai = "0990007V"
    name = "Mme Hélène Fictive"
    password_hash = "$argon2id$v=19$m=65536,t=3,p=4$…"
    totp_secret = "JBSWY3DPEHPK3PXP…"

Manage it with ``educonnect staff add|list|remove|reset-otp`` or with
:func:`add_staff`, :func:`list_staff`, :func:`remove_staff`, :func:`reset_otp`.
:class:`StaffAuthenticator` checks the sign-in form against it, with the
incremental lock-out of :mod:`.lockout` (in memory) and TOTP codes accepted
once each.
"""

from __future__ import annotations

import datetime as dt
import hmac
import threading
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

import attrs
import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from educonnect_adapters.system.files import write_private
from educonnect_core.errors import InvalidValue, NotFound
from educonnect_core.permissions import Role
from educonnect_core.values import Uai

from .auth import Identity, RequestFacts, SignInLocked, SignInRefused, Verified
from .lockout import Lockout
from .settings import LockoutPolicy

__all__ = [
    "Enrolment",
    "StaffAuthenticator",
    "StaffMember",
    "add_staff",
    "list_staff",
    "load_staff",
    "remove_staff",
    "reset_otp",
    "save_staff",
]

ISSUER: Final = "EduConnect administration"
_MIN_PASSWORD: Final = 12
_HASHER: Final = PasswordHasher()  # argon2id, the library's current parameters
#: verified when the user id is unknown, so that the answer takes as long
_DUMMY_HASH: Final = _HASHER.hash("not a password of anyone")


@attrs.frozen
class StaffMember:
    """One member of staff as the staff file keeps them."""

    identity: Identity
    password_hash: str = attrs.field(repr=False)
    totp_secret: str = attrs.field(repr=False)

    @property
    def actor_id(self) -> str:
        return self.identity.actor_id


@attrs.frozen
class Enrolment:
    """A new TOTP secret to give the person (once) for their authenticator app."""

    actor_id: str
    secret: str = attrs.field(repr=False)
    uri: str = attrs.field(repr=False)


# -- the file ----------------------------------------------------------------------------


def load_staff(path: Path) -> dict[str, StaffMember]:
    """The members of the staff file by id; an absent file holds nobody.
    :class:`InvalidValue` names the file, the member and the field at fault."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue(str(path), "TOML", f"cannot read the staff file: {exc}") from None
    table = data.get("staff", {})
    if not isinstance(table, Mapping):
        raise InvalidValue(f"{path}: staff", table, "expected a table of staff members")
    members: dict[str, StaffMember] = {}
    for actor_id, entry in table.items():
        where = f"{path}: staff.{actor_id}"
        if not isinstance(entry, Mapping):
            raise InvalidValue(where, entry, "expected a table")

        def field(name: str, entry: Mapping[str, object] = entry, where: str = where) -> str:
            value = entry.get(name)
            if not isinstance(value, str) or not value:
                raise InvalidValue(f"{where}.{name}", value, "expected a non-empty string")
            return value

        try:
            identity = Identity(actor_id, field("role"), field("uai"), str(entry.get("name", "")))
            secret = field("totp_secret")
            pyotp.TOTP(secret).byte_secret()
        except InvalidValue as exc:
            raise InvalidValue(f"{where}: {exc.field}", exc.value, exc.reason) from None
        except ValueError:
            raise InvalidValue(f"{where}.totp_secret", "…", "expected a base32 secret") from None
        members[actor_id] = StaffMember(identity, field("password_hash"), secret)
    return members


def save_staff(path: Path, members: Iterable[StaffMember]) -> None:
    """Write the staff file whole, mode 0600 (a crash leaves the old or the new one)."""
    lines = [
        "# EduConnect web module: staff accounts (educonnect staff add|list|remove|reset-otp)",
        "# Keep this file private: it holds the TOTP secrets.",
    ]
    for member in sorted(members, key=lambda m: m.actor_id):
        who = member.identity
        lines += [
            "",
            f"[staff.{_quote(who.actor_id)}]",
            f"role = {_quote(who.role.value)}",
            f"uai = {_quote(str(who.uai))}",
            f"name = {_quote(who.display_name)}",
            f"password_hash = {_quote(member.password_hash)}",
            f"totp_secret = {_quote(member.totp_secret)}",
        ]
    write_private(path, ("\n".join(lines) + "\n").encode("utf-8"))


def _quote(value: str) -> str:
    """A TOML basic string."""
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\t" or (ord(char) >= 0x20 and ord(char) != 0x7F):
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04X}")
    return '"' + "".join(out) + '"'


def _check_password(password: str) -> None:
    if len(password) < _MIN_PASSWORD:
        raise InvalidValue(
            "password", f"{len(password)} characters", f"expected {_MIN_PASSWORD} or more"
        )


def _enrol(identity: Identity) -> tuple[str, Enrolment]:
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=identity.actor_id, issuer_name=ISSUER)
    return secret, Enrolment(identity.actor_id, secret, uri)


def add_staff(
    path: Path,
    actor_id: str,
    *,
    role: Role | str,
    uai: Uai | str,
    name: str,
    password: str,
) -> Enrolment:
    """Add a member (argon2id hash of ``password``, 12 characters or more; a new
    TOTP secret, returned once); :class:`InvalidValue` if the id is taken."""
    members = load_staff(path)
    if actor_id in members:
        raise InvalidValue("actor_id", actor_id, "expected a new id: this one is in the file")
    _check_password(password)
    identity = Identity(actor_id, role, uai, name)
    secret, enrolment = _enrol(identity)
    members[actor_id] = StaffMember(identity, _HASHER.hash(password), secret)
    save_staff(path, members.values())
    return enrolment


def list_staff(path: Path) -> list[Identity]:
    return [m.identity for m in sorted(load_staff(path).values(), key=lambda m: m.actor_id)]


def remove_staff(path: Path, actor_id: str) -> None:
    members = load_staff(path)
    if members.pop(actor_id, None) is None:
        raise NotFound(f"no staff member {actor_id!r} in {path}")
    save_staff(path, members.values())


def reset_otp(path: Path, actor_id: str) -> Enrolment:
    """A new TOTP secret for the member (the old one stops working)."""
    members = load_staff(path)
    member = members.get(actor_id)
    if member is None:
        raise NotFound(f"no staff member {actor_id!r} in {path}")
    secret, enrolment = _enrol(member.identity)
    members[actor_id] = attrs.evolve(member, totp_secret=secret)
    save_staff(path, members.values())
    return enrolment


# -- signing in --------------------------------------------------------------------------


class StaffAuthenticator:
    """Sign-in against the staff file: password (argon2id) and TOTP code.

    The file is read again when it changes. Failures lock sign-in
    incrementally per user id and per client address (:class:`LockoutPolicy`),
    for unknown ids too, so a lock says nothing about who exists. Each TOTP code
    is accepted once (one step either side of now is allowed for clock drift).
    """

    def __init__(self, path: Path, policy: LockoutPolicy | None = None) -> None:
        self._path = path
        self._policy = policy or LockoutPolicy()
        self._lockout = Lockout(self._policy)
        self._members: dict[str, StaffMember] = {}
        self._stamp: tuple[int, int] | None = None
        self._used: dict[str, int] = {}
        self._lock = threading.Lock()
        self._members_now()  # a bad file is refused at start

    @property
    def has_sign_in_form(self) -> bool:
        return True

    def from_request(self, facts: RequestFacts) -> Verified | None:
        return None

    def confirm(self, identity: Identity) -> Identity | None:
        member = self._members_now().get(identity.actor_id)
        return member.identity if member is not None and member.identity == identity else None

    def _members_now(self) -> dict[str, StaffMember]:
        try:
            info = self._path.stat()
            stamp: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp or stamp is None:
                self._members = load_staff(self._path)
                self._stamp = stamp
            return self._members

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
        user_id = user_id.strip()
        code = "".join(code.split())
        if not code and not administrative_network:
            raise SignInRefused(code_required=True)
        keys = (
            (f"user:{user_id.casefold()}", self._policy.free_attempts),
            (f"address:{facts.client}", self._policy.address_attempts),
        )
        locked = self._lockout.locked_for(keys, at)
        if locked:
            raise SignInLocked(locked)
        member = self._members_now().get(user_id)
        password_ok = _verify(member.password_hash if member else _DUMMY_HASH, password)
        counter = self._totp_counter(member, code, at) if code and member else None
        if member is None or not password_ok or (code and counter is None):
            self._lockout.failed(keys, at)
            raise SignInRefused()
        if counter is not None:
            with self._lock:
                self._used[member.actor_id] = counter
        self._lockout.succeeded(keys[0][0])
        return Verified(member.identity, otp=counter is not None)

    def _totp_counter(self, member: StaffMember, code: str, at: dt.datetime) -> int | None:
        """The time step of ``code`` if valid now and not used before."""
        totp = pyotp.TOTP(member.totp_secret)
        now = totp.timecode(at)
        with self._lock:
            last = self._used.get(member.actor_id, -1)
        for counter in (now - 1, now, now + 1):
            if counter > last and hmac.compare_digest(totp.generate_otp(counter), code):
                return counter
        return None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
