"""Data cannot drive the terminal: ``check``, ``accounts`` and ``account`` print the
control characters and bidi overrides of names as visible escapes; JSON stays exact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from educonnect_adapters.cli.terminal import UNSAFE, visible
from onde.onde_samples import ELEVES, RESPONSABLES_HEADER_POSTE, UAI, resp, write

from .cli_run import Run

#: A responsable whose names clear the screen, hide text, forge a link and reverse text.
NOM = "MAR\x1b[2J\x1b[8mTIN\x9b31m"
PRENOM = "So\x1b]8;;https://evil.example/\x07phie\u202egpj.exe\x7f"
CHILD = ("", "MARTIN", "Léa", "CP - Mme Duval")


@pytest.fixture
def hostile(workdir: Path) -> list[Path]:
    rows = [RESPONSABLES_HEADER_POSTE, resp("MME", NOM, PRENOM, children=[CHILD])]
    return [
        write(workdir / "eleves" / "CSVExtraction.csv", ELEVES, encoding="utf-8"),
        write(workdir / "resp" / "CSVExtraction.csv", rows, encoding="utf-8", quoting="all"),
    ]


def assert_inert(text: str) -> None:
    assert UNSAFE.search(text) is None, repr(text)
    assert "MAR\\x1b[2J\\x1b[8mTIN\\x9b31m" in text
    assert "\\x1b]8;;https://evil.example/\\x07phie\\u202egpj.exe\\x7f" in text


def test_check_prints_names_as_visible_escapes(cli: Run, hostile: list[Path]) -> None:
    shown = cli("check", "--school", UAI, *hostile)
    assert shown.code == 0, shown.err
    assert_inert(shown.out)
    document = json.loads(cli("check", "--json", "--school", UAI, *hostile).out)
    assert [r["last_name"] for r in document["responsables"]] == [NOM]
    assert document["responsables"][0]["first_name"] == PRENOM


def test_accounts_and_account_print_names_as_visible_escapes(cli: Run, hostile: list[Path]) -> None:
    assert cli("import", "--uai", UAI, *hostile).code == 0
    listed = cli("accounts", "--uai", UAI)
    assert listed.code == 0, listed.err
    assert_inert(listed.out)
    header, _, row = listed.out.splitlines()[:3]
    assert row.index(" non activé") == header.index("  état") + 1  # columns still aligned
    items = json.loads(cli("accounts", "--uai", UAI, "--json").out)["items"]
    assert [i["name"] for i in items] == [f"{NOM} {PRENOM}"]
    detail = cli("account", "--uai", UAI, items[0]["account_id"])
    assert detail.code == 0, detail.err
    assert_inert(detail.out)
    person = json.loads(cli("account", "--uai", UAI, "--json", items[0]["account_id"]).out)
    assert person["person"]["name"] == f"{NOM} {PRENOM}"


def test_every_command_and_error_line_is_guarded(cli: Run, hostile: list[Path]) -> None:
    assert cli("import", "--uai", UAI, *hostile).code == 0
    items = json.loads(cli("accounts", "--uai", UAI, "--json").out)["items"]
    diagnosed = cli("diagnose", "--uai", UAI, items[0]["account_id"])
    assert diagnosed.code == 0, diagnosed.err
    assert UNSAFE.search(diagnosed.out) is None, repr(diagnosed.out)
    assert UNSAFE.search(cli("stats", "--uai", UAI).out) is None
    refused = cli("account", "--uai", UAI, "E-\x1b[2J")  # an id typed with an escape
    assert refused.code != 0
    assert UNSAFE.search(refused.err) is None, repr(refused.err)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\tb\nc", "a\tb\nc"),
        ("\x1b[31m", "\\x1b[31m"),
        ("\r\x00\x08\x0b\x0c\x1f", "\\x0d\\x00\\x08\\x0b\\x0c\\x1f"),
        ("\x7f\x80\x9f\xa0é", "\\x7f\\x80\\x9f\xa0é"),
        (
            "\u202a\u202e\u2066\u2069\u200e\u200f\u061c",
            "\\u202a\\u202e\\u2066\\u2069\\u200e\\u200f\\u061c",
        ),
    ],
)
def test_visible(raw: str, shown: str) -> None:
    assert visible(raw) == shown


@given(st.text())
def test_visible_leaves_nothing_unsafe_and_keeps_the_rest(text: str) -> None:
    shown = visible(text)
    assert UNSAFE.search(shown) is None
    assert visible(shown) == shown  # escaping twice changes nothing
    if UNSAFE.search(text) is None:
        assert shown == text
