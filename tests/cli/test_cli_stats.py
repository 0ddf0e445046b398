"""``educonnect stats``: the store's figures, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cli_run import Run
from .school_files import write_export

pytestmark = pytest.mark.usefixtures("imported")


def test_stats_json_figures(cli: Run) -> None:
    result = cli("stats", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["total"] == 7
    assert data["by_profile_state"]["eleve"]["not_activated"] == 4
    assert data["by_profile_state"]["responsable"]["not_activated"] == 3
    classes = {c["division"]: c for c in data["classes"]}
    assert set(classes) == {"3A", "3B", "6C"}
    assert classes["3A"]["total"] == 4  # Zoé, Lucas, Claire, Jean
    assert classes["3A"]["activation_rate"] == 0.0
    blockers = {b["code"]: b for b in data["blockers"]}
    assert blockers["INVALID_BIRTH_DATE"]["accounts"] == 2  # Inès and Paul
    assert blockers["MISSING_MOBILE"]["remedy_fr"].startswith("Saisir le téléphone")
    assert "ROUTE_NOT_FOR_PROFILE" not in blockers  # nothing to fix
    assert data["blocked_to_activate"] == 2
    assert set(data["activated_by_route"]) == {
        "franceconnect",
        "sms_self_registration",
        "provisional_paper",
        "provisional_email",
        "aten_transition",
    }


def test_stats_text_follows_notifications(cli: Run) -> None:
    assert cli("notify", "--class", "3A", "--profile", "eleve").code == 0
    result = cli("stats")
    assert result.code == 0, result.err
    assert "Comptes par profil et état" in result.out
    assert "Taux d'activation par classe" in result.out
    data = json.loads(cli("stats", "--json").out)
    assert data["by_profile_state"]["eleve"]["notified"] == 2


def test_stats_in_english(cli: Run) -> None:
    result = cli("stats", "--lang", "en")
    assert "Activation rate by class" in result.out
    assert "Blockers by code" in result.out


def test_several_schools_need_uai_or_all_schools(cli: Run, imported: Path) -> None:
    other = write_export(imported / "other", uai="0990008W")
    # the settings file's school is the default: another school's export is refused
    refused = cli("import", *other)
    assert refused.code == 2
    assert "not 0990007V" in refused.err
    assert cli("import", *other, "--uai", "0990008W").code == 0
    (imported / "educonnect.toml").unlink()
    ambiguous = cli("stats")
    assert ambiguous.code == 2
    assert "--uai" in ambiguous.err
    one = json.loads(cli("stats", "--json", "--uai", "0990008W").out)
    assert one["uai"] == "0990008W"
    assert one["total"] == 7
    both = json.loads(cli("stats", "--json", "--all-schools").out)
    assert both["uai"] is None
    assert both["total"] == 14
    assert both["blocked_to_activate"] == 2 * one["blocked_to_activate"]  # the same export twice
    assert "Tous les établissements" in cli("stats", "--all-schools").out


def test_persons_counted_once_over_schools(cli: Run, imported: Path) -> None:
    # the same export at a second school: who meets the grouping rule is one
    # person with two accounts (the others are not merged by guess)
    other = write_export(imported / "other", uai="0990008W")
    assert cli("import", *other, "--uai", "0990008W").code == 0
    (imported / "educonnect.toml").unlink()
    one = json.loads(cli("stats", "--json", "--uai", "0990008W").out)["persons"]
    both = json.loads(cli("stats", "--json", "--all-schools").out)
    persons = both["persons"]
    assert both["total"] == 14
    assert persons["grouped"] == one["grouped"] > 0
    assert one["total"] == 7  # every record of the school is one person
    assert persons["total"] == 14 - persons["grouped"]  # a grouped person counts once
    for profile in ("eleve", "responsable"):
        figures = persons["by_profile"][profile]
        assert figures["accounts"] == sum(both["by_profile_state"][profile].values())
        assert figures["persons"] == sum(figures["by_state"].values())
    text = cli("stats", "--all-schools").out
    assert f"Personnes : {persons['total']}" in text
