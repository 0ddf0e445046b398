"""The installed version, from the package metadata, through every entry."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

import educonnect_core
from educonnect_adapters.cli.main import main


def test_version_comes_from_the_package_metadata() -> None:
    assert educonnect_core.__version__ == metadata.version("educonnect")


def test_the_command_prints_its_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"educonnect {educonnect_core.__version__}\n"


def test_the_cli_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "educonnect_adapters.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"educonnect {educonnect_core.__version__}"
