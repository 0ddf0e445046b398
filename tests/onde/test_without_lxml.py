"""The core and the command line need neither lxml nor rich: without the ``siecle``
extra, every other source works and SIECLE files are refused with what to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .onde_samples import UAI, pair

ROOT = Path(__file__).resolve().parents[2]
DEMO = sorted((ROOT / "examples" / "college-demo").glob("ExportXML_*.zip"))

_WITHOUT = """
import sys
sys.modules["lxml"] = None  # as if the siecle extra were not installed
sys.modules["rich"] = None
from educonnect_adapters.cli.main import main
code = main(sys.argv[1:])
assert "lxml" not in {m.split(".")[0] for m in sys.modules if sys.modules[m] is not None}
sys.exit(code)
"""


def run_without(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_onde_is_read_without_lxml(tmp_path: Path) -> None:
    files = pair(tmp_path / "export")
    done = run_without("check", "--uai", UAI, *map(str, files), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "0330001X" in done.stdout


def test_siecle_files_say_what_to_install(tmp_path: Path) -> None:
    done = run_without("check", *map(str, DEMO), cwd=tmp_path)
    assert done.returncode == 2
    assert "pip install 'educonnect[siecle]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
