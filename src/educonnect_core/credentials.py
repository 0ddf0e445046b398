"""Credentials: account identifiers, provisional passwords, their hash, and the
notification object that alone carries a clear password to a channel.

Our decisions (see ``docs/administration.md``):

* identifier ``<initial of prénom>.<nom><n>``, lower-case ASCII, accents and
  punctuation folded (``Zoé D'Almeida-Nuñez`` → ``z.dalmeidanunez42``); ``n`` has
  two digits, starts at a value derived from the account id and is probed upward
  until the identifier is free in the store;
* provisional password: 10 characters from an alphabet without look-alikes
  (no ``0 O o 1 l I i``), at least one upper case letter, one lower case letter
  and one digit, drawn from the :class:`~educonnect_core.ports.RandomSource` port;
* only an scrypt hash (random 16-byte salt) is ever kept.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Final, Self

import attrs

from .channels import NotificationKind
from .errors import InvalidValue
from .people import Profile
from .ports import RandomSource
from .values import EmailAddress, MobilePhone, PersonName, Uai, as_uai, fold

__all__ = [
    "DEFAULT_SCRYPT",
    "IDENTIFIER_PATTERN",
    "PASSWORD_ALPHABET",
    "PASSWORD_LENGTH",
    "IssuedCredential",
    "ScryptParams",
    "hash_password",
    "identifier_base",
    "make_identifier",
    "new_password",
    "verify_password",
]

#: Letters kept from the last name in an identifier.
MAX_LAST_NAME_LETTERS: Final = 20
#: Every identifier we issue matches this.
IDENTIFIER_PATTERN: Final = re.compile(r"(?:[a-z]\.)?[a-z]{1,20}\d{2,}")

_UPPER: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O
_LOWER: Final = "abcdefghjkmnpqrstuvwxyz"  # no i, l, o
_DIGITS: Final = "23456789"  # no 0, 1
#: Provisional password characters: no look-alikes, so a letter can be typed.
PASSWORD_ALPHABET: Final = _UPPER + _LOWER + _DIGITS
PASSWORD_LENGTH: Final = 10


def _letters(text: str) -> str:
    return "".join(c for c in fold(text).lower() if "a" <= c <= "z")


def identifier_base(name: PersonName, profile: Profile) -> str:
    """The name part of an identifier: ``z.dalmeidanunez`` (without the number).

    A last name with no Latin letter falls back to the profile word.
    """
    last = _letters(name.last)[:MAX_LAST_NAME_LETTERS] or profile.value
    initial = _letters(name.first)[:1]
    return f"{initial}.{last}" if initial else last


def _start_number(account_id: str, width: int) -> int:
    digest = hashlib.sha256(f"{account_id}:{width}".encode()).digest()
    number: int = int.from_bytes(digest[:8], "big") % (10**width)
    return number


def make_identifier(
    name: PersonName, profile: Profile, account_id: str, is_taken: Callable[[str], bool]
) -> str:
    """A readable identifier for the account, free according to ``is_taken``.

    Deterministic: the same name, account id and taken set give the same
    identifier. Two digits first, then three, and so on when all are taken.
    """
    base = identifier_base(name, profile)
    width = 2
    while True:
        start = _start_number(account_id, width)
        for step in range(10**width):
            candidate = f"{base}{(start + step) % 10**width:0{width}d}"
            if not is_taken(candidate):
                return candidate
        width += 1


def new_password(random: RandomSource, length: int = PASSWORD_LENGTH) -> str:
    """A provisional password from ``random``: uniform over the passwords of
    ``length`` characters of :data:`PASSWORD_ALPHABET` holding at least one upper
    case letter, one lower case letter and one digit (rejection sampling)."""
    if length < 3:
        raise InvalidValue("new_password.length", length, "expected at least 3")
    while True:
        password = "".join(random.choice(PASSWORD_ALPHABET) for _ in range(length))
        if all(any(c in group for c in password) for group in (_UPPER, _LOWER, _DIGITS)):
            return password


@attrs.frozen
class ScryptParams:
    """scrypt cost parameters. The default (2**14, 8, 1) uses 16 MiB and about
    50 ms per hash; tests may pass a cheaper one."""

    n: int = 2**14
    r: int = 8
    p: int = 1
    salt_bytes: int = 16
    key_bytes: int = 32

    @property
    def maxmem(self) -> int:
        return 2 * 128 * self.n * self.r * self.p + 1024 * 1024


#: The cost used unless a caller chooses another.
DEFAULT_SCRYPT: Final = ScryptParams()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(
    password: str, random: RandomSource, params: ScryptParams = DEFAULT_SCRYPT
) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64), with a fresh salt from ``random``."""
    salt = random.token_bytes(params.salt_bytes)
    key = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        dklen=params.key_bytes,
        maxmem=params.maxmem,
    )
    return f"scrypt${params.n}${params.r}${params.p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches ``encoded`` (constant-time comparison)."""
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise InvalidValue("password_hash", "<hidden>", "expected scrypt$n$r$p$salt$hash")
    n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
    salt, expected = base64.b64decode(parts[4]), base64.b64decode(parts[5])
    key = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=len(expected),
        maxmem=ScryptParams(n=n, r=r, p=p).maxmem,
    )
    return hmac.compare_digest(key, expected)


def _to_uai(value: Uai | str) -> Uai:
    return as_uai(value, "IssuedCredential.uai")


@attrs.frozen
class IssuedCredential:
    """A notification for one account, to hand to a channel (paper, email, SMS).

    The only object that ever holds a clear provisional ``password``; it is
    excluded from ``repr`` and must never be stored or logged. ``password`` is
    ``None`` for an identifier recall (:attr:`NotificationKind.IDENTIFIER_RECALL`).
    :meth:`educonnect_core.channels.Notification.from_issued` turns it into
    what a channel delivers. ``children`` lists the names of the
    responsable's children at this school (empty for an élève).
    """

    kind: NotificationKind
    account_id: str
    uai: Uai = attrs.field(converter=_to_uai)
    profile: Profile
    identifier: str
    recipient: PersonName
    document_date: dt.date | None
    valid_until: dt.date | None
    password: str | None = attrs.field(default=None, repr=False)
    division: str | None = None
    children: tuple[PersonName, ...] = ()
    email: EmailAddress | None = None
    mobile: MobilePhone | None = None
    civilite: str | None = None

    @classmethod
    def recall(
        cls,
        *,
        account_id: str,
        uai: Uai | str,
        profile: Profile,
        identifier: str,
        recipient: PersonName,
        division: str | None = None,
        children: tuple[PersonName, ...] = (),
        email: EmailAddress | None = None,
        mobile: MobilePhone | None = None,
        civilite: str | None = None,
    ) -> Self:
        """An identifier recall: no password, no validity."""
        return cls(
            kind=NotificationKind.IDENTIFIER_RECALL,
            account_id=account_id,
            uai=_to_uai(uai),
            profile=profile,
            identifier=identifier,
            recipient=recipient,
            document_date=None,
            valid_until=None,
            division=division,
            children=children,
            email=email,
            mobile=mobile,
            civilite=civilite,
        )
