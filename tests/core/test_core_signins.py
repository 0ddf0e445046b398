"""EduConnect sign-in claims: both spellings, strict values, unknown attributes kept."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis.errors import InvalidArgument

from educonnect_core.errors import InvalidValue
from educonnect_core.people import Degree, Profile
from educonnect_core.signins import ATTRIBUTES, Affiliation, SignIn, attribute_name
from educonnect_core.testing import signin_strategies as sst
from educonnect_core.values import Ine, Uai

CT_ID = "a1" * 48
OID = "urn:oid:1.3.6.1.4.1.20326.10.999.1."


def test_saml_by_oid_reads_every_attribute() -> None:
    sign_in = SignIn.from_saml(
        {
            OID + "57": [CT_ID.upper()],
            OID + "7": ["eleve2d"],
            "urn:oid:2.5.4.4": ["Lefèvre"],
            "urn:oid:2.5.4.42": ["Zoé"],
            OID + "67": ["2012-04-30"],
            OID + "6": ["2026-09-14 08:05:12.345"],
            OID + "72": ["0990007v"],
            OID + "64": ["0123456789abcdef0123456789ABCDEF"],
            OID + "73": ["2212"],
            OID + "5": ["https://ent.example.test/logout"],
        }
    )
    assert sign_in.ct_id == CT_ID
    assert sign_in.profile is Profile.ELEVE
    assert sign_in.degree is Degree.SECOND
    assert (sign_in.last_name, sign_in.first_name) == ("Lefèvre", "Zoé")
    assert sign_in.birth_date == dt.date(2012, 4, 30)
    assert sign_in.signed_in_at == dt.datetime(
        2026, 9, 14, 8, 5, 12, 345000, tzinfo=ZoneInfo("Europe/Paris")
    )
    (child,) = sign_in.children
    assert child.uai == Uai("0990007V")
    assert child.ine_hash == "0123456789abcdef0123456789ABCDEF"
    assert child.niveau == "2212"
    assert sign_in.unknown == {OID + "5": ("https://ent.example.test/logout",)}


def test_oidc_arrays_and_a_parent_with_two_children() -> None:
    sign_in = SignIn.from_oidc(
        {
            "FrEduCtId": CT_ID,
            "FrEduCtPersonAffiliation": ["resp2d"],
            "sn": "Martin",
            "givenName": ["Hugo"],
            "FrEduCtEleveINE": ["1234567890A", "0987654321B"],
            "FrEduCtEleveUAI": ["0990007V"],
            "sub": "opaque",
        }
    )
    assert sign_in.profile is Profile.RESPONSABLE
    assert [c.ine for c in sign_in.children] == [Ine("1234567890A"), Ine("0987654321B")]
    assert {c.uai for c in sign_in.children} == {Uai("0990007V")}
    assert sign_in.unknown == {"sub": ("opaque",)}


def test_legacy_vector_names_children_by_school_key() -> None:
    sign_in = SignIn.from_saml(
        {
            "FrEduCtId": [CT_ID],
            "FrEduCtPersonAffiliation": ["resp1d"],
            "FrEduVecteur": ["1|PETIT|Léa|4012|0990007V", "1|PETIT|Nathan|4013|0990007V"],
        }
    )
    assert sign_in.degree is Degree.FIRST
    assert [c.eleve_id for c in sign_in.children] == ["4012", "4013"]
    assert sign_in.children[0].first_name == "Léa"


@pytest.mark.parametrize(
    ("claims", "field"),
    [
        ({"FrEduCtPersonAffiliation": "eleve2d"}, "FrEduCtId"),
        ({"FrEduCtId": "abc", "FrEduCtPersonAffiliation": "eleve2d"}, "FrEduCtId"),
        (
            {"FrEduCtId": CT_ID, "FrEduCtPersonAffiliation": "enseignant"},
            "FrEduCtPersonAffiliation",
        ),
        (
            {"FrEduCtId": CT_ID, "FrEduCtPersonAffiliation": ["resp2d", "eleve2d"]},
            "FrEduCtPersonAffiliation",
        ),
        (
            {
                "FrEduCtId": CT_ID,
                "FrEduCtPersonAffiliation": "eleve2d",
                "FrEduCtDateNaissance": "2012-02-30",
            },
            "FrEduCtDateNaissance",
        ),
        (
            {
                "FrEduCtId": CT_ID,
                "FrEduCtPersonAffiliation": "eleve2d",
                "FrEduCtDateConnexion": "9999-12-31 23:59:59",
            },
            "FrEduCtDateConnexion",
        ),
        (
            {
                "FrEduCtId": CT_ID,
                "FrEduCtPersonAffiliation": "eleve2d",
                "FrEduCtEleveUAI": "0990007A",
            },
            "FrEduCtEleveUAI",
        ),
        (
            {"FrEduCtId": CT_ID, "FrEduCtPersonAffiliation": "eleve2d", "FrEduCtEleveINE": "12"},
            "FrEduCtEleveINE",
        ),
        (
            {
                "FrEduCtId": CT_ID,
                "FrEduCtPersonAffiliation": "resp2d",
                "FrEduCtEleveINE": ["1234567890A", "0987654321B", "1111111111C"],
                "FrEduCtEleveUAI": ["0990007V", "0990008W"],
            },
            "FrEduCtEleveUAI",
        ),
        (
            {
                "FrEduCtId": CT_ID,
                "FrEduCtPersonAffiliation": "eleve2d",
                "FrEduCtEleveUAI": ["0990007V", "0990008W"],
            },
            "FrEduCtEleveUAI",
        ),
        (
            {
                "FrEduCtId": CT_ID,
                "FrEduCtPersonAffiliation": "resp1d",
                "FrEduVecteur": "PETIT|Léa|4012",
            },
            "FrEduVecteur",
        ),
        ({"FrEduCtId": [1.5], "FrEduCtPersonAffiliation": "eleve2d"}, "FrEduCtId"),
    ],
)
def test_bad_values_name_the_attribute(claims: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValue) as info:
        SignIn.from_oidc(claims)
    assert info.value.field == field


def test_every_oid_maps_back_to_its_friendly_name() -> None:
    for friendly, oid in ATTRIBUTES.items():
        if oid:
            assert attribute_name(oid) == friendly
            assert attribute_name(oid.removeprefix("urn:oid:")) == friendly
    assert attribute_name("urn:oid:9.9") is None


@given(sst.saml_attributes())
def test_valid_saml_attributes_parse(attributes: dict[str, list[str]]) -> None:
    sign_in = SignIn.from_saml(attributes)
    assert len(sign_in.ct_id) == 96
    assert all(isinstance(v, tuple) for v in sign_in.unknown.values())


@given(sst.oidc_claims())
def test_valid_oidc_claims_parse_and_agree_with_saml(claims: dict[str, Any]) -> None:
    from_oidc = SignIn.from_oidc(claims)
    as_saml = {k: (v if isinstance(v, list) else [v]) for k, v in claims.items()}
    from_saml = SignIn.from_saml(as_saml)
    assert from_oidc == from_saml


@given(sst.invalid_oidc_claims())
def test_spoiled_oidc_claims_name_their_attribute(pair: tuple[dict[str, Any], str]) -> None:
    claims, spoiled = pair
    with pytest.raises(InvalidValue) as info:
        SignIn.from_oidc(claims)
    assert info.value.field == spoiled


@given(sst.invalid_saml_attributes())
def test_spoiled_saml_attributes_name_their_attribute(
    pair: tuple[dict[str, list[str]], str],
) -> None:
    attributes, spoiled = pair
    with pytest.raises(InvalidValue) as info:
        SignIn.from_saml(attributes)
    assert info.value.field == spoiled


def test_strategy_arguments_are_checked_at_draw_time() -> None:
    strategy = sst.oidc_claims(affiliation=Affiliation.ELEVE_2D, children=3)  # no error yet

    @given(strategy)
    def draw_one(value: object) -> None:
        pass

    with pytest.raises(InvalidArgument):
        draw_one()
