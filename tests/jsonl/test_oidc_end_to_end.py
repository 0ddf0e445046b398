"""End to end with a real OIDC library (joserfc): a signed ID token, verified, logged, recorded.

The embedding service's OIDC library checks the token (signature, issuer,
audience, expiry); only verified claims reach the JSON Lines feed, and
``educonnect logins`` turns them into an observed activation. A token signed
with another key is refused by the library and never reaches the feed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Final

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidClaimError
from joserfc.jwk import RSAKey

from educonnect_adapters.cli.main import main
from educonnect_adapters.sqlite import SqliteStore
from educonnect_core.accounts import Account
from educonnect_core.people import Degree, Eleve, Profile, School
from educonnect_core.states import AccountState
from educonnect_core.values import Uai

ISSUER: Final = "https://educonnect.education.gouv.fr/idp"
CLIENT_ID: Final = "mon-ent"
UAI: Final = Uai("0990007V")
ACCOUNT: Final = "E-0990007V-1001"
CLAIMS: Final = {
    "iss": ISSUER,
    "aud": CLIENT_ID,
    "sub": "4f" * 48,
    "iat": 1_795_500_000,
    "exp": 4_102_444_800,  # 2100: the test does not age
    "FrEduCtId": "4f" * 48,
    "FrEduCtPersonAffiliation": ["eleve2d"],
    "sn": "MARTIN",
    "givenName": "Zoé",
    "FrEduCtEleveINE": "070123456AB",
    "FrEduCtEleveUAI": str(UAI),
    "FrEduCtDateConnexion": "2026-11-20 08:15:02.120",
}
_OPENED: Final = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
#: what the service keeps of a verified token: EduConnect's claims, not the JWT's
_JWT_CLAIMS: Final = frozenset({"iss", "aud", "sub", "iat", "exp", "nbf", "nonce", "auth_time"})


@pytest.fixture(scope="module")
def idp_key() -> RSAKey:
    return RSAKey.generate_key(2048)


def sign(claims: dict[str, Any], key: RSAKey) -> str:
    return jwt.encode({"alg": "RS256", "kid": "idp"}, claims, key)


def verified_claims(token: str, public: RSAKey) -> dict[str, Any]:
    """What the service's callback does: decode, check signature, iss, aud, exp."""
    decoded = jwt.decode(token, public, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": ISSUER},
        aud={"essential": True, "value": CLIENT_ID},
        exp={"essential": True},
    ).validate(decoded.claims)
    return {k: v for k, v in decoded.claims.items() if k not in _JWT_CLAIMS}


def log_sign_in(feed: Path, token: str, public: RSAKey) -> None:
    """Append the verified claims as one JSON Lines record (refused: nothing written)."""
    claims = verified_claims(token, public)
    with feed.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"claims": claims}, ensure_ascii=False) + "\n")


def _store(path: Path) -> str:
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        uow.people.upsert_school(School(uai=UAI, school_year=2026, degree=Degree.SECOND))
        uow.people.upsert_eleves(
            UAI,
            [
                Eleve.from_raw(
                    eleve_id="1001",
                    last_name="MARTIN",
                    first_name="Zoé",
                    birth_date="04/03/2012",
                    ine="070123456AB",
                    division="4A",
                )
            ],
        )
        uow.accounts.add_many([Account.open(UAI, Profile.ELEVE, "1001", at=_OPENED)])
        uow.commit()
    store.close()
    return f"sqlite:///{path}"


def _account(path: Path) -> Account:
    store = SqliteStore(path)
    try:
        with store.unit_of_work() as uow:
            return uow.accounts.get(ACCOUNT)
    finally:
        store.close()


def test_a_verified_id_token_activates_the_account(
    tmp_path: Path, idp_key: RSAKey, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _store(tmp_path / "school.db")
    public = RSAKey.import_key(idp_key.as_dict(private=False))  # the IdP's published JWK
    feed = tmp_path / "connexions.jsonl"
    log_sign_in(feed, sign(CLAIMS, idp_key), public)
    assert "iss" not in json.loads(feed.read_text(encoding="utf-8"))["claims"]

    assert main(["logins", str(feed), "--store", url, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert (summary["matched"], summary["activated_now"], summary["unknown"]) == (1, 1, 0)
    account = _account(tmp_path / "school.db")
    assert account.state is AccountState.ACTIVATED
    assert account.activated_at == dt.datetime(2026, 11, 20, 7, 15, 2, 120_000, tzinfo=dt.UTC)


def test_a_token_with_a_bad_signature_never_reaches_the_feed(
    tmp_path: Path, idp_key: RSAKey
) -> None:
    public = RSAKey.import_key(idp_key.as_dict(private=False))
    forged = sign(CLAIMS, RSAKey.generate_key(2048))  # signed by someone else
    feed = tmp_path / "connexions.jsonl"
    with pytest.raises(BadSignatureError):
        log_sign_in(feed, forged, public)
    assert not feed.exists()


@pytest.mark.parametrize(("claim", "value"), [("iss", "https://evil.example"), ("aud", "other")])
def test_a_token_for_another_issuer_or_audience_is_refused(
    tmp_path: Path, idp_key: RSAKey, claim: str, value: str
) -> None:
    public = RSAKey.import_key(idp_key.as_dict(private=False))
    feed = tmp_path / "connexions.jsonl"
    with pytest.raises(InvalidClaimError):
        log_sign_in(feed, sign({**CLAIMS, claim: value}, idp_key), public)
    assert not feed.exists()
