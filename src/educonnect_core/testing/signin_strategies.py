"""Hypothesis strategies for EduConnect sign-in claim sets (SAML and OIDC).

``saml_attributes()`` draws an attribute statement as a SAML library hands it
over (name → list of values, names as OIDs or friendly names);
``oidc_claims()`` draws userinfo claims (friendly names, values or arrays).
With ``valid=False`` exactly one attribute is spoiled, and the name of that
attribute is what :class:`~educonnect_core.errors.InvalidValue` must name:
draw ``(claims, spoiled)`` pairs with ``invalid_oidc_claims()`` or
``invalid_saml_attributes()``. Every person is invented.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from educonnect_core.signins import ATTRIBUTES, Affiliation
from educonnect_core.values import UAI_CHECK_LETTERS

__all__ = [
    "ct_ids",
    "invalid_oidc_claims",
    "invalid_saml_attributes",
    "oidc_claims",
    "saml_attributes",
]

_NAMES = st.sampled_from(["Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Lefèvre"])
_GIVEN = st.sampled_from(["Léa", "Hugo", "Chloé", "Nathan", "Inès", "Zoé", "Amine", "Maëlys"])


def ct_ids() -> SearchStrategy[str]:
    """``FrEduCtId`` values: 96 hexadecimal characters."""
    return st.text("0123456789abcdef", min_size=96, max_size=96)


def _uais() -> SearchStrategy[str]:
    return st.integers(0, 9_999_999).map(lambda n: f"{n:07d}{UAI_CHECK_LETTERS[n % 23]}")


def _ines() -> SearchStrategy[str]:
    return st.text(string.digits + string.ascii_uppercase, min_size=11, max_size=11)


@st.composite
def _friendly(
    draw: st.DrawFn, affiliation: Affiliation | None, children: int | None
) -> dict[str, list[str]]:
    aff = affiliation or draw(st.sampled_from(list(Affiliation)))
    if children is None:
        count = 1 if aff.value.startswith("eleve") else draw(st.integers(0, 3))
    else:
        count = children
    if aff.value.startswith("eleve") and count > 1:
        raise InvalidArgument(f"children={count}: a student names one school")
    values: dict[str, list[str]] = {
        "FrEduCtId": [draw(ct_ids())],
        "FrEduCtPersonAffiliation": [aff.value],
        "sn": [draw(_NAMES)],
        "givenName": [draw(_GIVEN)],
    }
    if draw(st.booleans()):
        day = draw(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2022, 12, 31)))
        values["FrEduCtDateNaissance"] = [day.isoformat()]
    if draw(st.booleans()):
        y, mo, d = draw(st.integers(2021, 2030)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
        h, mi, s = draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))
        values["FrEduCtDateConnexion"] = [f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}.123"]
    if count:
        values["FrEduCtEleveUAI"] = [draw(_uais()) for _ in range(count)]
        values["FrEduCtEleveINE"] = [draw(_ines()) for _ in range(count)]
    return values


_SPOILERS: dict[str, SearchStrategy[str]] = {
    "FrEduCtId": st.sampled_from(["", "xyz", "0" * 95, "g" * 96]),
    "FrEduCtPersonAffiliation": st.sampled_from(["", "teacher", "eleve3d"]),
    "FrEduCtDateNaissance": st.sampled_from(["31/02/2010", "2010-13-01", "demain"]),
    "FrEduCtDateConnexion": st.sampled_from(["2026-02-30 10:00:00", "hier", "9999-01-01 00:00:00"]),
    "FrEduCtEleveUAI": st.sampled_from(["0990007A", "123", "ABCDEFGH"]),
}


def _check_form(affiliation: Affiliation | None, children: int | None) -> None:
    if affiliation is not None and not isinstance(affiliation, Affiliation):
        raise InvalidArgument(f"affiliation={affiliation!r}: expected an Affiliation")
    if children is not None and not 0 <= children <= 10:
        raise InvalidArgument(f"children={children!r}: expected 0 to 10")


@st.composite
def _spoiled(
    draw: st.DrawFn, affiliation: Affiliation | None, children: int | None
) -> tuple[dict[str, list[str]], str]:
    values = draw(_friendly(affiliation, children if children is not None else 1))
    name = draw(st.sampled_from(sorted(_SPOILERS)))
    values[name] = [draw(_SPOILERS[name])] * len(values.get(name, [""]))
    return values, name


def _as_saml(values: dict[str, list[str]], oids: bool) -> dict[str, list[str]]:
    return {(ATTRIBUTES[k] if oids and ATTRIBUTES[k] else k): v for k, v in values.items()}


def _as_oidc(values: dict[str, list[str]], arrays: bool) -> dict[str, Any]:
    return {k: (v if arrays or len(v) != 1 else v[0]) for k, v in values.items()}


def saml_attributes(
    *, affiliation: Affiliation | None = None, children: int | None = None
) -> SearchStrategy[dict[str, list[str]]]:
    """Valid SAML attribute mappings, names as OIDs or as friendly names."""
    return st.deferred(lambda: _valid_saml(affiliation, children))


def _valid_saml(
    affiliation: Affiliation | None, children: int | None
) -> SearchStrategy[dict[str, list[str]]]:
    _check_form(affiliation, children)
    extra = st.dictionaries(
        st.sampled_from(["urn:oid:0.9.2342.19200300.100.1.3", "mail"]),
        st.lists(st.text(max_size=5), max_size=2),
        max_size=1,
    )
    return st.builds(
        lambda values, oids, more: {**_as_saml(values, oids), **more},
        _friendly(affiliation, children),
        st.booleans(),
        extra,
    )


def oidc_claims(
    *, affiliation: Affiliation | None = None, children: int | None = None
) -> SearchStrategy[dict[str, Any]]:
    """Valid OIDC userinfo claims; single values as strings or one-item arrays."""
    return st.deferred(lambda: _valid_oidc(affiliation, children))


def _valid_oidc(
    affiliation: Affiliation | None, children: int | None
) -> SearchStrategy[dict[str, Any]]:
    _check_form(affiliation, children)
    extra = st.dictionaries(
        st.sampled_from(["sub", "email_verified"]), st.text(max_size=5), max_size=1
    )
    return st.builds(
        lambda values, arrays, more: {**_as_oidc(values, arrays), **more},
        _friendly(affiliation, children),
        st.booleans(),
        extra,
    )


def invalid_saml_attributes(
    *, affiliation: Affiliation | None = None
) -> SearchStrategy[tuple[dict[str, list[str]], str]]:
    """``(attributes, spoiled)``: one attribute spoiled; ``spoiled`` is its friendly name."""

    def build() -> SearchStrategy[tuple[dict[str, list[str]], str]]:
        _check_form(affiliation, None)
        return st.builds(
            lambda pair, oids: (_as_saml(pair[0], oids), pair[1]),
            _spoiled(affiliation, None),
            st.booleans(),
        )

    return st.deferred(build)


def invalid_oidc_claims(
    *, affiliation: Affiliation | None = None
) -> SearchStrategy[tuple[dict[str, Any], str]]:
    """``(claims, spoiled)``: one claim spoiled; ``spoiled`` is its name."""

    def build() -> SearchStrategy[tuple[dict[str, Any], str]]:
        _check_form(affiliation, None)
        return st.builds(
            lambda pair, arrays: (_as_oidc(pair[0], arrays), pair[1]),
            _spoiled(affiliation, None),
            st.booleans(),
        )

    return st.deferred(build)
