"""The fast path of ``phones.classify`` agrees with plain ``phonenumbers``."""

from __future__ import annotations

import phonenumbers
from hypothesis import example, given
from hypothesis import strategies as st

from educonnect_core.phones import OVERSEAS_MOBILE_PREFIXES, PhoneKind, classify

_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def reference(national: str) -> tuple[str, str]:
    """What plain phonenumbers says of a 10-digit national number, reading overseas
    prefixes in their own region (domain reference §7) and the rest as ``FR``."""
    region = OVERSEAS_MOBILE_PREFIXES.get(national[:4], "FR")
    try:
        number = phonenumbers.parse(national, region)
    except phonenumbers.NumberParseException:
        return PhoneKind.INVALID, ""
    if not phonenumbers.is_valid_number(number):
        return PhoneKind.INVALID, ""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    kind = PhoneKind.MOBILE if phonenumbers.number_type(number) in _MOBILE else PhoneKind.NOT_MOBILE
    return kind, e164


national_numbers = st.integers(100_000_000, 999_999_999).map(lambda n: f"0{n}")
mobile_like = st.tuples(st.sampled_from(("06", "07")), st.integers(0, 99_999_999)).map(
    lambda t: f"{t[0]}{t[1]:08d}"
)
overseas = st.tuples(
    st.sampled_from(sorted(OVERSEAS_MOBILE_PREFIXES)), st.integers(0, 999_999)
).map(lambda t: f"{t[0]}{t[1]:06d}")


@given(st.one_of(national_numbers, mobile_like, overseas))
@example("0612345678")
@example("0690123456")
@example("0639401234")
@example("0691281234")
@example("0123456789")
@example("0700000000")
def test_fast_path_agrees_with_phonenumbers(national: str) -> None:
    assert classify(national) == reference(national)


@given(st.one_of(mobile_like, overseas))
def test_notations_agree_with_the_national_form(national: str) -> None:
    spaced = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    dotted = spaced.replace(" ", ".")
    assert classify(spaced) == classify(dotted) == classify(national)


@given(mobile_like)
def test_plus33_and_0033_agree_with_the_national_form(national: str) -> None:
    assert classify("+33" + national[1:]) == classify(national)
    assert classify("0033" + national[1:]) == classify(national)
    assert classify(f"+33 (0){national[1:]}") == classify(national)
