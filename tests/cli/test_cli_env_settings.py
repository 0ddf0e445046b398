"""Settings from the environment and the user's own file; ``--lang`` before the command.

Precedence: the command's options, then ``EDUCONNECT_*`` variables, then the
settings file (``--config``, ``EDUCONNECT_CONFIG``, ``./educonnect.toml``, the
user's file), then the defaults.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .cli_run import Run


@pytest.mark.usefixtures("imported")
def test_store_and_language_from_the_environment(
    cli: Run, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moved = workdir / "elsewhere.db"
    (workdir / "educonnect.db").rename(moved)
    monkeypatch.setenv("EDUCONNECT_STORE", f"sqlite:///{moved}")
    monkeypatch.setenv("EDUCONNECT_LANG", "en")
    result = cli("stats")
    assert result.code == 0, result.err
    assert "Accounts" in result.out
    assert cli("stats", "--lang", "fr").out.startswith("Établissement")  # the option wins
    monkeypatch.setenv("EDUCONNECT_LANG", "de")
    refused = cli("stats")
    assert refused.code == 2
    assert "de" in refused.err
    assert "Traceback" not in refused.err


@pytest.mark.usefixtures("imported")
def test_lang_before_the_command(cli: Run) -> None:
    assert "Accounts" in cli("--lang", "en", "stats").out
    assert cli("--lang", "en", "stats", "--lang", "fr").out.startswith("Établissement")


def test_the_users_own_settings_file(
    cli: Run, workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, export: list[Path]
) -> None:
    config = tmp_path / "xdg-user"
    (config / "educonnect").mkdir(parents=True)
    store = tmp_path / "user-store.db"
    (config / "educonnect" / "educonnect.toml").write_text(
        f'store = "sqlite:///{store.as_posix()}"\nlang = "en"\n', encoding="utf-8"
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    assert cli("import", *export).code == 0
    assert store.is_file()
    assert not (workdir / "educonnect.db").exists()
    assert "Accounts" in cli("stats").out
    # a settings file of the current folder comes first
    (workdir / "educonnect.toml").write_text(
        f'store = "sqlite:///{store.as_posix()}"\nlang = "fr"\n', encoding="utf-8"
    )
    assert cli("stats").out.startswith("Établissement")
    monkeypatch.setenv("EDUCONNECT_CONFIG", os.fspath(workdir / "missing.toml"))
    missing = cli("stats")
    assert missing.code == 2
    assert "EDUCONNECT_CONFIG" in missing.err


def test_json_output_is_unchanged_by_the_language(
    cli: Run, export: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("import", *export).code == 0
    monkeypatch.setenv("EDUCONNECT_LANG", "en")
    assert json.loads(cli("accounts", "--json").out)["total"] > 0
