"""``educonnect accounts``, ``account`` and ``diagnose`` over an imported store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cli_run import Run
from .school_files import CLAIRE, HUGO, INES, JEAN, LEA, PAUL, ZOE

pytestmark = pytest.mark.usefixtures("imported")


def ids(run_out: str) -> list[str]:
    return [item["account_id"] for item in json.loads(run_out)["items"]]


def test_accounts_lists_the_school_by_name(cli: Run) -> None:
    result = cli("accounts")
    assert result.code == 0, result.err
    assert "MARTIN Claire" in result.out
    assert "1-7 sur 7" in result.out
    assert LEA not in result.out  # left: no account


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (["--blocked"], {INES, PAUL}),
        (["--name", "martin"], {CLAIRE, HUGO, ZOE}),
        (["--name", "ines"], {INES}),  # accents ignored
        (["--class", "6C"], {CLAIRE, HUGO}),
        (["--class", "3A", "--profile", "responsable"], {CLAIRE, JEAN}),
        (["--blocker", "NOT_A_MOBILE"], {JEAN}),
        (["--route", "sms_self_registration"], {CLAIRE}),
        (["--state", "activated"], set()),
    ],
)
def test_accounts_filters(cli: Run, filters: list[str], expected: set[str]) -> None:
    result = cli("accounts", "--json", *filters)
    assert result.code == 0, result.err
    assert set(ids(result.out)) == expected


def test_accounts_pages(cli: Run) -> None:
    first = json.loads(cli("accounts", "--json", "--limit", "3").out)
    second = json.loads(cli("accounts", "--json", "--limit", "3", "--offset", "3").out)
    assert first["total"] == second["total"] == 7
    assert len(first["items"]) == len(second["items"]) == 3
    assert not {i["account_id"] for i in first["items"]} & {
        i["account_id"] for i in second["items"]
    }


def test_bad_filter_value_is_a_usage_error(cli: Run) -> None:
    with pytest.raises(SystemExit) as exited:
        cli("accounts", "--state", "asleep")
    assert exited.value.code == 2


def test_account_shows_data_routes_blockers_and_remedies(cli: Run) -> None:
    result = cli("account", PAUL)
    assert result.code == 0, result.err
    assert "PETIT Paul" in result.out
    assert "Enfant : PETIT Inès (3B, représentant légal)" in result.out
    assert "MISSING_MOBILE" in result.out
    assert "Saisir le téléphone portable du responsable dans SIECLE" in result.out
    assert "Historique" in result.out


def test_account_in_english_and_json(cli: Run) -> None:
    text = cli("account", INES, "--lang", "en")
    assert "Born : '31/02/2012' (INVALID_BIRTH_DATE)" in text.out
    assert "Correct the student's birth date in SIECLE" in text.out
    data = json.loads(cli("account", INES, "--json").out)
    assert data["account"]["state"] == "not_activated"
    assert not any(route["open"] for route in data["routes"])


def test_unknown_account_is_bad_input(cli: Run) -> None:
    result = cli("account", "E-0990007V-9999")
    assert result.code == 2
    assert "E-0990007V-9999" in result.err


def test_diagnose_gives_the_steps_in_order(cli: Run) -> None:
    result = cli("diagnose", JEAN)
    assert result.code == 0, result.err
    assert "n'est pas un numéro de portable" in result.out
    assert "  1. " in result.out
    assert "papier" in result.out


def test_diagnose_a_reported_problem_in_english_json(cli: Run) -> None:
    result = cli("diagnose", CLAIRE, "--problem", "forgotten_password", "--json", "--lang", "en")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert [i["problem"] for i in data["issues"]] == ["forgotten_password"]


def test_store_option_reads_another_store(cli: Run, imported: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    result = cli("accounts", "--store", f"sqlite:///{other}")
    assert result.code == 2
    assert "no store there" in result.err
    assert not other.exists()  # a read-only command never creates a store
