"""The installed ``educonnect`` console script, run as a user would (subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _script() -> str:
    beside = Path(sys.executable).with_name("educonnect")
    found = str(beside) if beside.is_file() else shutil.which("educonnect")
    if found is None:
        pytest.skip("the educonnect console script is not installed (pip install -e .)")
    return found


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run(
        [_script(), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def test_the_main_job_end_to_end(export: list[Path], workdir: Path) -> None:
    """check, import, stats, report — as in the README's quick start."""
    imported = _run("import", *export, cwd=workdir)
    assert imported.returncode == 0, imported.stderr
    assert (workdir / "educonnect.db").is_file()
    stats = _run("stats", "--json", cwd=workdir)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["total"] == 7
    report = _run("report", "--html", "rapport.html", cwd=workdir)
    assert report.returncode == 0, report.stderr
    assert (workdir / "rapport.html").stat().st_size > 1000


def test_errors_are_one_line_and_exit_2(workdir: Path) -> None:
    missing = _run("import", "absent.zip", cwd=workdir)
    assert missing.returncode == 2
    assert missing.stderr.startswith("educonnect: error: ")
    assert len(missing.stderr.strip().splitlines()) == 1


def test_help_lists_every_command(workdir: Path) -> None:
    shown = _run("--help", cwd=workdir)
    assert shown.returncode == 0
    for command in ("check", "import", "accounts", "account", "diagnose", "notify", "stats"):
        assert command in shown.stdout
    assert "report" in shown.stdout
