"""The shortcuts taken for speed give exactly what the plain code gives."""

from __future__ import annotations

import re

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st

from educonnect_core import phones
from educonnect_core.values import clean_text

_SPACES = re.compile(r"\s+")


def _clean_text_reference(raw: str | None) -> str:
    """``clean_text`` as first written: trim, unquote, fold white space last."""
    if raw is None:
        return ""
    text = raw.strip()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    text = text.strip('"').strip()
    return _SPACES.sub(" ", text)


_TEXTY = st.text(
    alphabet=st.sampled_from(list("aZé0 -'\"\t\n\r\xa0\u2009\u3000\x1c.")), max_size=12
)


@given(st.one_of(_TEXTY, st.text(max_size=12)))
def test_clean_text_is_the_reference(raw: str) -> None:
    assert clean_text(raw) == _clean_text_reference(raw)


def test_clean_text_examples() -> None:
    for raw in ("", " ", "''", "'''", '"', "' a '", '" "a" "', "A1", "a\u3000 b", "'a\""):
        assert clean_text(raw) == _clean_text_reference(raw), raw


_PHONEISH = st.text(alphabet=st.sampled_from(list("0123456789+ .-()٦")), max_size=14)


@given(st.one_of(_PHONEISH, st.from_regex(r"\+33[0-9]{9}|0[0-9]{9}", fullmatch=True)))
def test_phone_shortcuts_are_clean(raw: str) -> None:
    assert phones._cleaned(raw) == phones._clean(raw)


def _prefix_by_parse(prefix: str) -> tuple[str, str, bool]:
    region = phones.OVERSEAS_MOBILE_PREFIXES.get(prefix[:4], "FR")
    number = phonenumbers.parse(prefix + "0000", region)
    kind = phonenumbers.number_type(number)
    return region, str(number.country_code), kind in phones._MOBILE_TYPES


def test_prefix_classification_matches_phonenumbers_parse_for_every_mobile_prefix() -> None:
    for prefix in (f"0{first}{rest:04d}" for first in "67" for rest in range(10_000)):
        assert phones._classify_prefix(prefix) == _prefix_by_parse(prefix), prefix


@given(st.from_regex(r"0[1-9][0-9]{4}", fullmatch=True))
def test_prefix_classification_matches_phonenumbers_parse(prefix: str) -> None:
    assert phones._classify_prefix(prefix) == _prefix_by_parse(prefix)
