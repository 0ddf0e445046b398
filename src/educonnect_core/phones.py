"""Normalization of French mobile numbers as SIECLE and ONDE write them.

The common case (a 10-digit national number, or ``+33`` and 9 digits, with
spaces, dots or dashes) is classified through a small cache keyed by the first
digits, so that a whole export is not sent through the full metadata matcher of
``phonenumbers`` number by number. Every other notation goes through
``phonenumbers`` with ``FR`` as the default region.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberType

__all__ = ["OVERSEAS_MOBILE_PREFIXES", "PhoneKind", "classify"]

#: National prefixes of overseas mobiles (domain reference §7): rewriting their
#: leading 0 to +33 would give a number that does not exist.
OVERSEAS_MOBILE_PREFIXES: Final[dict[str, str]] = {
    "0690": "GP",
    "0691": "GP",
    "0694": "GF",
    "0696": "MQ",
    "0697": "MQ",
    "0692": "RE",
    "0693": "RE",
    "0639": "YT",
}

_PUNCTUATION = re.compile(r"[\s.\-/_]+")
_TRUNK_IN_PARENS = re.compile(r"^\+(\d{1,3})\(0\)")
_NATIONAL = re.compile(r"^0\d{9}$")
_MOBILE_TYPES: Final = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


class PhoneKind:
    """Outcome labels of :func:`classify`."""

    MOBILE: Final = "mobile"
    NOT_MOBILE: Final = "not_mobile"
    INVALID: Final = "invalid"


def _clean(raw: str) -> str:
    text = _PUNCTUATION.sub("", raw.strip().strip("'\""))
    text = _TRUNK_IN_PARENS.sub(r"+\1", text)
    text = text.replace("(", "").replace(")", "")
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+33") and len(text) == 12 and text[3] != "0":
        text = "0" + text[3:]
    elif text.startswith("+330") and len(text) == 13:
        text = text[3:]
    if len(text) == 9 and text[0] in "67" and text.isdigit():
        text = "0" + text  # the leading 0 was lost (spreadsheet)
    return text


def _cleaned(raw: str) -> str:
    """:func:`_clean`, with shortcuts for the two usual forms (same result)."""
    if len(raw) == 12 and raw.startswith("+33") and raw[3] != "0" and raw[1:].isdecimal():
        return "0" + raw[3:]  # E.164
    if len(raw) == 10 and raw[0] == "0" and raw[1] != "0" and raw.isdecimal():
        return raw  # national, without separators
    return _clean(raw)


@lru_cache(maxsize=65536)
def _classify_prefix(prefix: str) -> tuple[str, str, bool]:
    """(region, country code, is_mobile) for a national number's first 6 digits.

    The number is built directly (country code and national number without its
    trunk 0), which is what ``phonenumbers.parse(prefix + "0000", region)``
    gives for every prefix ``0[1-9]…``, at a third of the cost (checked over
    all of them by a test).
    """
    region = OVERSEAS_MOBILE_PREFIXES.get(prefix[:4], "FR")
    country_code = phonenumbers.country_code_for_region(region)
    number = PhoneNumber(country_code=country_code, national_number=int(prefix[1:] + "0000"))
    kind = phonenumbers.number_type(number)
    return region, str(country_code), kind in _MOBILE_TYPES


def _slow(text: str) -> tuple[str, str]:
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return PhoneKind.INVALID, ""
    if not phonenumbers.is_valid_number(number):
        return PhoneKind.INVALID, ""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.number_type(number) in _MOBILE_TYPES:
        return PhoneKind.MOBILE, e164
    return PhoneKind.NOT_MOBILE, e164


def classify(raw: str) -> tuple[str, str]:
    """Return ``(kind, e164)`` for a raw phone string.

    ``kind`` is one of :class:`PhoneKind`; ``e164`` is empty when invalid.
    """
    text = _cleaned(raw)
    if _NATIONAL.match(text):
        region, country_code, mobile = _classify_prefix(text[:6])
        if mobile:
            return PhoneKind.MOBILE, f"+{country_code}{text[1:]}"
        # rare: landlines, special numbers; let the full matcher decide.
        if region != "FR":
            text = f"+{country_code}{text[1:]}"
    return _slow(text)
