"""A fast path for normalizing plain ASCII email addresses.

``email-validator`` is exact but costs tens of microseconds an address, which
dominates reading an académie-size export. :func:`normalized` accepts at once
the common shape (``prenom.nom+tag@sous.domaine.fr``: letters, digits, ``._+-``)
and gives the very string ``email-validator`` would give (local part as is,
domain in lower case); anything else, valid or not, goes to ``email-validator``
itself. A Hypothesis test compares both on generated addresses.
"""

from __future__ import annotations

import re
from typing import Final

import email_validator

__all__ = ["normalized"]

_FAST: Final = re.compile(
    r"(?P<local>[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)
_SPECIAL_USE: Final = frozenset(email_validator.SPECIAL_USE_DOMAIN_NAMES)
#: Every special-use name is one label today: then only the top-level one matters.
_SINGLE_LABEL_SPECIAL: Final = all("." not in name for name in _SPECIAL_USE)
LOCAL_MAX: Final = 64
ADDRESS_MAX: Final = 254


def _fast(text: str) -> str | None:
    """The normalized address if ``text`` has the common shape, else ``None``."""
    m = _FAST.fullmatch(text)
    if m is None or len(text) > ADDRESS_MAX:
        return None
    local, domain = m.group(1, 2)
    if len(local) > LOCAL_MAX:
        return None
    domain = domain.lower()
    if "--" in domain:
        return None  # Punycode or reserved "ab--" labels: let email-validator decide
    if _SINGLE_LABEL_SPECIAL:
        if domain.rpartition(".")[2] in _SPECIAL_USE:
            return None
    else:
        labels = domain.split(".")
        if any(".".join(labels[i:]) in _SPECIAL_USE for i in range(len(labels))):
            return None
    return local + "@" + domain


def normalized(text: str) -> str:
    """The normalized form of ``text`` exactly as ``email-validator`` gives it.

    Raises :class:`email_validator.EmailNotValidError` like it does (no DNS
    lookup; SMTPUTF8 allowed).
    """
    fast = _fast(text)
    if fast is not None:
        return fast
    info = email_validator.validate_email(text, check_deliverability=False, allow_smtputf8=True)
    return str(info.normalized)
