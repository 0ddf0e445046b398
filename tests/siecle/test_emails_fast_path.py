"""The email fast path gives exactly what email-validator gives."""

from __future__ import annotations

import email_validator
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from educonnect_core.emails import _fast, normalized

_LOCAL_CHARS = "abcXYZ019._+-'!%"
_DOMAIN_CHARS = "abcXn019-."
locals_ = st.text(_LOCAL_CHARS, min_size=0, max_size=70)
domains = st.one_of(
    st.text(_DOMAIN_CHARS, min_size=0, max_size=30),
    st.builds(
        lambda a, b: f"{a}.{b}",
        st.text(_DOMAIN_CHARS, min_size=1, max_size=70),
        st.sampled_from(["fr", "FR", "org", "test", "local", "onion", "c", "1a", "com", "invalid"]),
    ),
)


def _reference(text: str) -> str | None:
    try:
        info = email_validator.validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except email_validator.EmailNotValidError:
        return None
    return str(info.normalized)


@given(locals_, domains)
@example("Jean.Dupont", "Example.ORG")
@example("a", "xn--abc.fr")
@example("a", "ab--c.fr")
@example("a", "b.localhost")
@example("a" * 64, "b.fr")
@example("a" * 65, "b.fr")
def test_fast_path_agrees_with_email_validator(local: str, domain: str) -> None:
    text = f"{local}@{domain}"
    fast = _fast(text)
    if fast is not None:
        assert fast == _reference(text)
    expected = _reference(text)
    if expected is None:
        with pytest.raises(email_validator.EmailNotValidError):
            normalized(text)
    else:
        assert normalized(text) == expected


def test_fast_path_takes_the_common_shape() -> None:
    assert _fast("Zoe.Martin+ecole@Mail.Example.FR") == "Zoe.Martin+ecole@mail.example.fr"
    assert _fast("zoé@example.fr") is None  # non-ASCII: email-validator decides
    assert normalized("zoé@example.fr") == _reference("zoé@example.fr")
