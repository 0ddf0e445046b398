"""The JSON Lines sign-in feed: the shipped contract, line formats, bad lines."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from educonnect_adapters.jsonl import plugin as jsonl_plugin
from educonnect_adapters.jsonl.feed import JsonLinesFeed
from educonnect_core.errors import SourceError
from educonnect_core.signins import ATTRIBUTES, SignIn
from educonnect_core.testing.signin_feed_contract import SignInFeedContract

CT = "ab" * 48
CLAIMS = {
    "FrEduCtId": CT,
    "FrEduCtPersonAffiliation": "eleve2d",
    "sn": "MARTIN",
    "givenName": "Zoé",
    "FrEduCtEleveINE": "070123456AB",
    "FrEduCtEleveUAI": "0990007V",
}


def write_jsonl(folder: Path, records: Sequence[Mapping[str, Any] | None]) -> Path:
    path = folder / "connexions.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) if r is not None else "{not json" for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


class TestJsonLinesContract(SignInFeedContract):
    @pytest.fixture
    def plugin(self) -> object:
        return jsonl_plugin

    @pytest.fixture
    def write_feed(self) -> Any:
        return write_jsonl


def test_the_three_line_forms_and_received_at(tmp_path: Path) -> None:
    saml = {ATTRIBUTES.get(k, k): [v] for k, v in CLAIMS.items()}
    path = tmp_path / "f.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(CLAIMS),
                json.dumps({"claims": CLAIMS, "received_at": "2026-11-20T08:15:00+01:00"}),
                "",
                json.dumps({"saml": saml, "received_at": "2026-11-20T09:00:00Z"}),
            ]
        ),
        encoding="utf-8",
    )
    feed = JsonLinesFeed(path)
    read = list(feed.sign_ins())
    assert [n for _, n in read] == [1, 2, 4]
    assert read[0][0].signed_in_at is None
    assert read[1][0].signed_in_at is not None
    assert read[1][0].signed_in_at.hour == 8
    assert read[2][0].ct_id == CT
    assert feed.findings == ()


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (json.dumps({"claims": CLAIMS, "received_at": "2026-11-20T08:15:00"}), "received_at"),
        ('{"claims": [], "when": 1}', "when"),
        ("[1, 2]", "line"),
        ('{"FrEduCtId": "xyz"}', "FrEduCtId"),
        ("\u00e9t\u00e9", None),
    ],
)
def test_a_bad_line_is_a_finding_with_its_line(
    tmp_path: Path, line: str, field: str | None
) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps(CLAIMS) + "\n" + line + "\n" + json.dumps(CLAIMS) + "\n")
    feed = JsonLinesFeed(path)
    assert [n for _, n in feed.sign_ins()] == [1, 3]
    [finding] = feed.findings
    assert (finding.line, finding.field, finding.file) == (2, field, str(path))


def test_bytes_that_are_not_utf8_and_gzip(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(json.dumps(CLAIMS).encode() + b"\n" + b"\xff\xfe{}\n")
    feed = JsonLinesFeed(path)
    assert [s for s, _ in feed.sign_ins()] == [SignIn.from_oidc(CLAIMS)]
    assert [f.line for f in feed.findings] == [2]


def test_a_missing_or_truncated_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"absent\.jsonl"):
        list(JsonLinesFeed(tmp_path / "absent.jsonl").sign_ins())
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(json.dumps(CLAIMS).encode() * 50)[:40])
    with pytest.raises(SourceError, match=r"broken\.jsonl\.gz"):
        list(JsonLinesFeed(broken).sign_ins())
