"""Identifiers, provisional passwords and their scrypt hash."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from educonnect_core.channels import NotificationKind
from educonnect_core.credentials import (
    DEFAULT_SCRYPT,
    IDENTIFIER_PATTERN,
    PASSWORD_ALPHABET,
    PASSWORD_LENGTH,
    IssuedCredential,
    ScryptParams,
    hash_password,
    identifier_base,
    make_identifier,
    new_password,
    verify_password,
)
from educonnect_core.errors import InvalidValue
from educonnect_core.people import Profile
from educonnect_core.testing import SeededRandom
from educonnect_core.values import PersonName, Uai

FAST = ScryptParams(n=16, r=8, p=1)


@pytest.mark.parametrize(
    ("last", "first", "expected"),
    [
        ("MARTIN", "Zoé", "z.martin"),
        ("D'ALMEIDA-NUÑEZ", "Lucas", "l.dalmeidanunez"),
        ("de La Tour d'Auvergne", "Élodie", "e.delatourdauvergne"),
        ("LŒUVRE", "Chloé", "c.loeuvre"),
        ("MARTIN", "", "martin"),
        ("王", "Wei", "w.eleve"),
        ("Abcdefghijklmnopqrstuvwxyz", "Jean-Édouard", "j.abcdefghijklmnopqrst"),
    ],
)
def test_identifier_base_folds_accents_and_punctuation(
    last: str, first: str, expected: str
) -> None:
    assert identifier_base(PersonName.from_source(last, first), Profile.ELEVE) == expected


def test_identifier_is_deterministic_and_avoids_taken_ones() -> None:
    name = PersonName("MARTIN", "Zoé")
    first = make_identifier(name, Profile.ELEVE, "E-0990007V-1001", lambda _: False)
    assert first == make_identifier(name, Profile.ELEVE, "E-0990007V-1001", lambda _: False)
    assert IDENTIFIER_PATTERN.fullmatch(first)
    second = make_identifier(name, Profile.ELEVE, "E-0990007V-1001", {first}.__contains__)
    assert second != first
    assert second.startswith("z.martin")


def test_identifier_grows_a_digit_when_two_are_used_up() -> None:
    name = PersonName("MARTIN", "Zoé")
    taken = {f"z.martin{n:02d}" for n in range(100)}
    identifier = make_identifier(name, Profile.ELEVE, "E-0990007V-1001", taken.__contains__)
    assert len(identifier) == len("z.martin") + 3
    assert IDENTIFIER_PATTERN.fullmatch(identifier)


@given(st.text(max_size=40), st.text(max_size=40), st.text(min_size=1, max_size=20))
def test_every_identifier_has_the_documented_form(last: str, first: str, key: str) -> None:
    name = PersonName.from_source(last, first)
    for profile in Profile:
        identifier = make_identifier(name, profile, key, lambda _: False)
        assert IDENTIFIER_PATTERN.fullmatch(identifier), identifier


def test_password_alphabet_has_no_look_alikes() -> None:
    assert not set("0O1lIio") & set(PASSWORD_ALPHABET)
    assert len(set(PASSWORD_ALPHABET)) == len(PASSWORD_ALPHABET)


class CountingRandom(SeededRandom):
    def __init__(self) -> None:
        super().__init__(3)
        self.choices = 0

    def choice(self, alphabet: str) -> str:
        self.choices += 1
        return super().choice(alphabet)


@given(st.integers(min_value=0, max_value=2**32))
def test_passwords_come_from_the_port_and_mix_classes(seed: int) -> None:
    password = new_password(SeededRandom(seed))
    assert len(password) == PASSWORD_LENGTH
    assert set(password) <= set(PASSWORD_ALPHABET)
    assert any(c.isupper() for c in password)
    assert any(c.islower() for c in password)
    assert any(c.isdigit() for c in password)
    assert password == new_password(SeededRandom(seed))


def test_passwords_use_only_the_random_port() -> None:
    random = CountingRandom()
    new_password(random)
    assert random.choices >= PASSWORD_LENGTH
    with pytest.raises(InvalidValue):
        new_password(random, length=2)


def test_hash_is_salted_scrypt_and_verifies() -> None:
    random = SeededRandom(5)
    encoded = hash_password("Kx7mPq4Rtz", random, FAST)
    assert encoded.startswith("scrypt$16$8$1$")
    assert "Kx7mPq4Rtz" not in encoded
    assert verify_password("Kx7mPq4Rtz", encoded)
    assert not verify_password("Kx7mPq4Rtx", encoded)
    assert hash_password("Kx7mPq4Rtz", random, FAST) != encoded


def test_default_cost_is_the_documented_one() -> None:
    assert (DEFAULT_SCRYPT.n, DEFAULT_SCRYPT.r, DEFAULT_SCRYPT.p) == (2**14, 8, 1)
    encoded = hash_password("Kx7mPq4Rtz", SeededRandom(1))
    assert encoded.startswith("scrypt$16384$8$1$")
    assert verify_password("Kx7mPq4Rtz", encoded)


def test_a_malformed_hash_is_refused_without_echo() -> None:
    with pytest.raises(InvalidValue) as invalid:
        verify_password("Kx7mPq4Rtz", "md5$abc")
    assert "abc" not in str(invalid.value)


def test_issued_credential_hides_the_password_from_repr() -> None:
    issued = IssuedCredential(
        kind=NotificationKind.CREDENTIALS,
        account_id="E-0990007V-1001",
        uai=Uai("0990007V"),
        profile=Profile.ELEVE,
        identifier="z.martin42",
        recipient=PersonName("MARTIN", "Zoé"),
        document_date=dt.date(2026, 1, 12),
        valid_until=dt.date(2026, 4, 12),
        password="Kx7mPq4Rtz",
    )
    assert "Kx7mPq4Rtz" not in repr(issued)
    assert "Kx7mPq4Rtz" not in str(issued)
    recall = IssuedCredential.recall(
        account_id="E-0990007V-1001",
        uai=Uai("0990007V"),
        profile=Profile.ELEVE,
        identifier="z.martin42",
        recipient=PersonName("MARTIN", "Zoé"),
    )
    assert recall.password is None
    assert recall.kind is NotificationKind.IDENTIFIER_RECALL
