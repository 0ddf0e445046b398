"""Fixtures of the CLI tests: a working folder, the invented export, an imported store."""

from __future__ import annotations

from pathlib import Path

import pytest

from educonnect_adapters.cli.main import main

from .cli_run import Outcome, Run
from .school_files import write_export

SETTINGS = """\
[actor]
id = "ce-0001"
role = "chef_etablissement"
uai = "0990007V"

[access]
otp = true
administrative_network = true
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder: the default store ``educonnect.db`` goes there."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def export(workdir: Path) -> list[Path]:
    return write_export(workdir / "export")


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``educonnect ARGS`` through the real entry point; exit code and output."""

    def run(*args: str | Path) -> Outcome:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


@pytest.fixture
def imported(cli: Run, export: list[Path], workdir: Path) -> Path:
    """The export imported into ``workdir/educonnect.db``, and the chef's settings file."""
    result = cli("import", *export)
    assert result.code == 0, result.err
    (workdir / "educonnect.toml").write_text(SETTINGS, encoding="utf-8")
    return workdir
