"""Value objects: examples from the domain reference, and parse∘format round-trips."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given

from educonnect_core.errors import EduconnectError, InvalidValue
from educonnect_core.people import parse_field
from educonnect_core.testing import strategies as ecs
from educonnect_core.values import (
    BirthDate,
    EmailAddress,
    Ine,
    Invalid,
    MobilePhone,
    PersonName,
    Uai,
    clean_text,
    fold,
)

# --- UAI -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["0990007V", "0750655E", "0330021U", "0690026D", "0010001W"])
def test_uai_check_letter_accepts_real_looking_uais(raw: str) -> None:
    digits = int(raw[:7])
    assert raw[7] == "ABCDEFGHJKLMNPRSTUVWXYZ"[digits % 23]
    assert str(Uai.parse(raw)) == raw


def test_uai_parse_normalizes_case_and_space() -> None:
    assert Uai.parse("  0990007v ") == Uai("0990007V")


@pytest.mark.parametrize("raw", ["0990007A", "099007V", "09900070V", "099A007V", "", "0990007"])
def test_uai_rejects_bad_values_naming_the_value(raw: str) -> None:
    with pytest.raises(InvalidValue) as info:
        Uai.parse(raw)
    assert info.value.field == "Uai"
    assert raw.strip().upper() in str(info.value)


def test_uai_digits_are_ascii_only() -> None:
    # Arabic-Indic digits for 0990007: int() reads them, a key must not
    with pytest.raises(InvalidValue):
        Uai.parse("\u0660\u0669\u0669\u0660\u0660\u0660\u0667V")


def test_uai_wrong_check_letter_says_which_letter_is_expected() -> None:
    with pytest.raises(InvalidValue, match="check letter should be 'V'"):
        Uai.parse("0990007A")


@given(ecs.raw_uais(valid=False))
def test_raw_invalid_uais_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue):
        Uai.parse(raw)


# --- INE -----------------------------------------------------------------------------------


def test_ine_parse() -> None:
    assert Ine.parse(" 1234567890a ") == Ine("1234567890A")


@pytest.mark.parametrize("raw", ["123456789", "1234567890AB", "12345-67890", ""])
def test_ine_rejects(raw: str) -> None:
    with pytest.raises(InvalidValue, match="Ine"):
        Ine.parse(raw)


@given(ecs.raw_ines(valid=False))
def test_raw_invalid_ines_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue):
        Ine.parse(raw)


# --- names ---------------------------------------------------------------------------------


def test_person_name_cleans_spaces_and_quotes() -> None:
    name = PersonName.parse('  "Le  Gall" ', "'Zoé'")
    assert name == PersonName("Le Gall", "Zoé")
    assert str(name) == "Le Gall Zoé"
    assert name.folded() == ("LE GALL", "ZOE")


@pytest.mark.parametrize(
    ("last", "first", "field"), [("", "Léa", "last"), ("Martin", " ", "first")]
)
def test_person_name_names_the_empty_part(last: str, first: str, field: str) -> None:
    with pytest.raises(InvalidValue) as info:
        PersonName.parse(last, first)
    assert info.value.field == f"PersonName.{field}"


def test_person_name_from_source_keeps_missing_part_empty() -> None:
    name = PersonName.from_source("Martin", None)
    assert name == PersonName("Martin", "")
    assert not name.complete


def test_fold_handles_ligatures() -> None:
    assert fold("Œillet Cœur") == "OEILLET COEUR"


@given(ecs.raw_names(valid=False))
def test_raw_invalid_names_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue):
        PersonName.parse(raw, "Léa")


# --- birth dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("14/03/2013", dt.date(2013, 3, 14)),
        ("4/3/2013", dt.date(2013, 3, 4)),
        ("2013-03-14", dt.date(2013, 3, 14)),
        (" 29/02/2012 ", dt.date(2012, 2, 29)),
    ],
)
def test_birth_date_formats(raw: str, expected: dt.date) -> None:
    assert BirthDate.parse(raw).value == expected


@pytest.mark.parametrize(
    "raw", ["31/02/2013", "29/02/2013", "2013/03/14", "14-03-2013", "14/03/13"]
)
def test_birth_date_malformed(raw: str) -> None:
    with pytest.raises(InvalidValue) as info:
        BirthDate.parse(raw)
    assert info.value.code == "INVALID_BIRTH_DATE"
    assert info.value.field == "BirthDate"


def test_birth_date_before_1900_is_an_invalid_birth_date() -> None:
    with pytest.raises(InvalidValue) as info:
        BirthDate.parse("01/01/1899")
    assert info.value.code == "INVALID_BIRTH_DATE"


def test_birth_date_age_on() -> None:
    date = BirthDate(dt.date(2013, 3, 14))
    assert date.age_on(dt.date(2025, 3, 13)) == 11
    assert date.age_on(dt.date(2025, 3, 14)) == 12


@given(ecs.raw_birth_dates(valid=False))
def test_raw_invalid_birth_dates_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue) as info:
        BirthDate.parse(raw)
    assert info.value.code == "INVALID_BIRTH_DATE"


# --- mobiles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+33612345678", "+33612345678"),
        ("06 12 34 56 78", "+33612345678"),
        ("0612345678", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("06-12-34-56-78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("+33(0)612345678", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("612345678", "+33612345678"),
        ('"06 12 34 56 78"', "+33612345678"),
        ("07 81 23 45 67", "+33781234567"),
        # overseas (domain reference §7): their own country codes, not +33
        ("0690 12 34 56", "+590690123456"),
        ("0690123456", "+590690123456"),
        ("+590 690 12 34 56", "+590690123456"),
        ("00590690123456", "+590690123456"),
        ("0694 20 12 34", "+594694201234"),
        ("0696 12 34 56", "+596696123456"),
        ("0697 12 34 56", "+596697123456"),
        ("0692 12 34 56", "+262692123456"),
        ("0693 12 34 56", "+262693123456"),
        ("0639 40 12 34", "+262639401234"),
        ("+262 639 40 12 34", "+262639401234"),
        ("+447911123456", "+447911123456"),
    ],
)
def test_mobile_notations(raw: str, e164: str) -> None:
    assert MobilePhone.parse(raw) == MobilePhone(e164)


def test_guadeloupe_0691_mobile() -> None:
    # only some 0691 blocks are allocated; one that is must map to +590
    assert MobilePhone.parse("0691 28 12 34").e164 == "+590691281234"


@pytest.mark.parametrize(
    "raw",
    ["01 23 45 67 89", "05 56 12 34 56", "09 51 23 45 67", "0590 12 34 56", "08 00 12 34 56"],
)
def test_landline_is_not_a_mobile(raw: str) -> None:
    with pytest.raises(InvalidValue) as info:
        MobilePhone.parse(raw)
    assert info.value.code == "NOT_A_MOBILE"
    assert info.value.field == "MobilePhone"


@pytest.mark.parametrize("raw", ["06 12 34", "néant", "06 12 34 56 78 90", "0712345678"])
def test_not_a_phone_number(raw: str) -> None:
    with pytest.raises(InvalidValue) as info:
        MobilePhone.parse(raw)
    assert info.value.code == "NOT_A_MOBILE"


def test_blank_mobile_is_missing() -> None:
    with pytest.raises(InvalidValue) as info:
        MobilePhone.parse("  ")
    assert info.value.code == "MISSING_MOBILE"
    assert parse_field(MobilePhone.parse, "  ") is None


def test_parse_field_keeps_invalid_value() -> None:
    value = parse_field(MobilePhone.parse, "01 23 45 67 89")
    assert isinstance(value, Invalid)
    assert value.code == "NOT_A_MOBILE"
    assert value.raw == "01 23 45 67 89"


def test_mobile_constructor_checks_e164() -> None:
    with pytest.raises(InvalidValue, match=r"E\.164"):
        MobilePhone("0612345678")
    with pytest.raises(InvalidValue):
        MobilePhone("+3\u0663612345678")  # a non-ASCII digit


@given(ecs.mobile_notations())
def test_every_notation_parses_to_its_number(pair: tuple[str, MobilePhone]) -> None:
    raw, expected = pair
    assert MobilePhone.parse(raw) == expected


@given(ecs.raw_mobiles(valid=False))
def test_raw_invalid_mobiles_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue) as info:
        MobilePhone.parse(raw)
    assert info.value.code == "NOT_A_MOBILE"


# --- email ---------------------------------------------------------------------------------


def test_email_normalizes_domain_and_keeps_local_part() -> None:
    assert str(EmailAddress.parse(" Claire.Martin@Exemple.FR ")) == "Claire.Martin@exemple.fr"


@pytest.mark.parametrize(
    "raw", ["claire.martin", "claire@@exemple.fr", "claire..m@exemple.fr", "claire@exemple"]
)
def test_email_invalid(raw: str) -> None:
    with pytest.raises(InvalidValue) as info:
        EmailAddress.parse(raw)
    assert info.value.code == "INVALID_EMAIL"
    assert info.value.field == "EmailAddress"


def test_email_missing() -> None:
    with pytest.raises(InvalidValue) as info:
        EmailAddress.parse("")
    assert info.value.code == "MISSING_EMAIL"


@given(ecs.raw_emails(valid=False))
def test_raw_invalid_emails_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue) as info:
        EmailAddress.parse(raw)
    assert info.value.code == "INVALID_EMAIL"


# --- errors and immutability ---------------------------------------------------------------


def test_invalid_value_is_both_ours_and_a_value_error() -> None:
    with pytest.raises(ValueError, match="Uai"):
        Uai.parse("nope")
    assert issubclass(InvalidValue, EduconnectError)


def test_value_objects_are_frozen() -> None:
    uai = Uai("0990007V")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        uai.value = "0750655E"  # type: ignore[misc]


def test_clean_text() -> None:
    assert clean_text(None) == ""
    assert clean_text(' "  a   b " ') == "a b"


# --- round-trips: parse(str(v)) == v ---------------------------------------------------------


@given(ecs.uais())
def test_uai_round_trip(uai: Uai) -> None:
    assert Uai.parse(str(uai)) == uai


@given(ecs.raw_uais())
def test_raw_uai_round_trip(raw: str) -> None:
    uai = Uai.parse(raw)
    assert Uai.parse(str(uai)) == uai


@given(ecs.ines())
def test_ine_round_trip(ine: Ine) -> None:
    assert Ine.parse(str(ine)) == ine


@given(ecs.raw_ines())
def test_raw_ine_round_trip(raw: str) -> None:
    ine = Ine.parse(raw)
    assert Ine.parse(str(ine)) == ine


@given(ecs.person_names())
def test_name_round_trip(name: PersonName) -> None:
    assert PersonName.parse(name.last, name.first) == name


@given(ecs.raw_names(), ecs.raw_names())
def test_raw_name_round_trip(last: str, first: str) -> None:
    name = PersonName.parse(last, first)
    assert PersonName.parse(name.last, name.first) == name


@given(ecs.birth_dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_birth_date_round_trip(date: BirthDate) -> None:
    assert BirthDate.parse(str(date)) == date


@given(ecs.raw_birth_dates())
def test_raw_birth_date_round_trip(raw: str) -> None:
    date = BirthDate.parse(raw)
    assert BirthDate.parse(str(date)) == date


@given(ecs.mobile_phones())
def test_mobile_round_trip(mobile: MobilePhone) -> None:
    assert MobilePhone.parse(str(mobile)) == mobile


@given(ecs.raw_mobiles())
def test_raw_mobile_round_trip(raw: str) -> None:
    mobile = MobilePhone.parse(raw)
    assert MobilePhone.parse(str(mobile)) == mobile


@given(ecs.email_addresses())
def test_email_round_trip(email: EmailAddress) -> None:
    assert EmailAddress.parse(str(email)) == email


@given(ecs.raw_emails())
def test_raw_email_round_trip(raw: str) -> None:
    email = EmailAddress.parse(raw)
    assert EmailAddress.parse(str(email)) == email
