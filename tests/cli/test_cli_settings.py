"""Settings: options over the settings file over the defaults; bad settings are bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from .cli_run import Run

pytestmark = pytest.mark.usefixtures("imported")


def test_language_and_store_from_the_file(cli: Run, imported: Path, tmp_path: Path) -> None:
    settings = imported / "educonnect.toml"
    settings.write_text('lang = "en"\n' + settings.read_text(encoding="utf-8"), encoding="utf-8")
    assert "Activation rate by class" in cli("stats").out
    assert "Taux d'activation par classe" in cli("stats", "--lang", "fr").out
    other = imported / "other.toml"
    other.write_text(f'store = "sqlite:///{tmp_path / "empty.db"}"\n', encoding="utf-8")
    empty = cli("stats", "--config", other)
    assert empty.code == 2
    assert "empty.db: no store there" in empty.err


def test_missing_or_broken_settings_file_is_bad_input(cli: Run, imported: Path) -> None:
    missing = cli("stats", "--config", imported / "absent.toml")
    assert missing.code == 2
    assert "absent.toml" in missing.err
    (imported / "educonnect.toml").write_text("[actor\nid = 1\n", encoding="utf-8")
    broken = cli("stats")
    assert broken.code == 2
    assert "educonnect.toml" in broken.err


def test_unknown_role_in_the_file(cli: Run, imported: Path) -> None:
    settings = imported / "educonnect.toml"
    text = settings.read_text(encoding="utf-8").replace("chef_etablissement", "recteur")
    settings.write_text(text, encoding="utf-8")
    result = cli("deactivate", "E-0990007V-1001")
    assert result.code == 2
    assert "recteur" in result.err


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('langue = "en"\n', "langue"),
        ('[actor]\nid = "ce-0001"\nrole = "chef_etablissement"\nuia = "0990007V"\n', "actor.uia"),
        ("[access]\notp = true\nadmin_network = true\n", "access.admin_network"),
    ],
)
def test_a_misspelt_setting_is_refused(cli: Run, imported: Path, text: str, named: str) -> None:
    (imported / "educonnect.toml").write_text(text, encoding="utf-8")
    result = cli("stats")
    assert result.code == 2
    assert f"educonnect.toml: {named}" in result.err
    assert "unknown" in result.err
