"""The school profile of the settings (``[school]``): letters, e-mails and the report
name the school, give its address and whom families ask for help."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from pypdf import PdfReader

from educonnect_core.channels import Notification, NotificationKind, template_values
from educonnect_core.people import Profile
from educonnect_core.school_profile import SchoolProfile
from educonnect_core.values import PersonName, Uai

from .cli_run import Run

pytestmark = pytest.mark.usefixtures("imported")

PROFILE = """
[school]
name = "Collège Jean Moulin"
address = ["12 rue des Écoles", "99000 Villeneuve"]
contact = "secrétariat, 01 23 45 67 89"
"""


def with_profile(folder: Path, text: str = PROFILE) -> None:
    settings = folder / "educonnect.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_letters_and_report_name_the_school(cli: Run, imported: Path) -> None:
    with_profile(imported)
    (imported / "lettres").mkdir()
    notified = cli("notify", "--class", "3A", "--profile", "eleve", "--set", "output_dir=lettres")
    assert notified.code == 0, notified.err
    text = "\n".join(
        page.extract_text()
        for pdf in (imported / "lettres").glob("*.pdf")
        for page in PdfReader(pdf).pages
    )
    assert "Collège Jean Moulin (0990007V)" in text
    assert "99000 Villeneuve" in text
    assert "Aide : secrétariat, 01 23 45 67 89" in text
    assert cli("report", "--html", "r.html").code == 0
    assert "Collège Jean Moulin" in (imported / "r.html").read_text(encoding="utf-8")


def test_without_a_profile_the_uai_names_the_school(cli: Run, imported: Path) -> None:
    (imported / "lettres").mkdir()
    assert (
        cli("notify", "--class", "3A", "--profile", "eleve", "--set", "output_dir=lettres").code
        == 0
    )
    text = "".join(
        p.extract_text() for f in (imported / "lettres").glob("*.pdf") for p in PdfReader(f).pages
    )
    assert "Établissement 0990007V" in text
    assert "Aide :" not in text


def test_an_unknown_key_of_the_profile_is_bad_input(cli: Run, imported: Path) -> None:
    with_profile(imported, '\n[school]\nnom = "Collège"\n')
    result = cli("notify", "--class", "3A", "--profile", "eleve")
    assert result.code == 2
    assert "expected only name, address and contact" in result.err


def test_template_values_carry_the_contact() -> None:
    notification = Notification.credentials(
        account_id="E-0990007V-1001",
        profile=Profile.ELEVE,
        uai=Uai("0990007V"),
        identifier="z.martin",
        password="Kx7mPq4Rtz",
        document_date=dt.date(2026, 1, 12),
        recipient=PersonName("MARTIN", "Zoé"),
    )
    assert template_values(notification)["contact_bloc"] == ""
    profiled = attrs.evolve(
        notification, school_address=("12 rue des Écoles",), help_contact="01 23 45 67 89"
    )
    values = template_values(profiled)
    assert values["contact_bloc"] == "Pour toute aide : 01 23 45 67 89"
    assert values["adresse_etablissement"] == "12 rue des Écoles"
    assert notification.kind is NotificationKind.CREDENTIALS
    assert SchoolProfile().title(Uai("0990007V")) == "Établissement 0990007V"
