"""Plugin loading isolates a failing plugin; ``educonnect plugins`` lists what is
installed (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from educonnect_core.plugins import Plugins, PluginWarning

from .cli_run import Run


@pytest.fixture
def broken_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A distribution whose ``educonnect`` entry point fails to import."""
    site = tmp_path / "site"
    info = site / "broken_educonnect_thing-0.3.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-educonnect-thing\nVersion: 0.3\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[educonnect]\nbroken = broken_educonnect_thing\n", encoding="utf-8"
    )
    (site / "broken_educonnect_thing.py").write_text(
        "raise ImportError('needs libfoo 9')\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(site))
    return "broken"


def test_a_failing_plugin_is_left_out_with_a_warning(broken_plugin: str, tmp_path: Path) -> None:
    with pytest.warns(PluginWarning, match=r"'broken'.*broken-educonnect-thing.*needs libfoo 9"):
        plugins = Plugins.installed()
    assert "siecle" in plugins.source_kinds()
    store = plugins.open_store(f"sqlite:///{tmp_path / 'ok.db'}")
    store.close()
    failed = [p for p in plugins.describe() if p.name == broken_plugin]
    assert [(p.distribution, p.version) for p in failed] == [("broken-educonnect-thing", "0.3")]
    assert failed[0].error == "ImportError: needs libfoo 9"


def test_check_still_runs_beside_a_failing_plugin(
    cli: Run, broken_plugin: str, export: list[Path]
) -> None:
    with pytest.warns(PluginWarning):
        result = cli("check", *export)
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err


def test_plugins_lists_sources_stores_and_channels(cli: Run) -> None:
    result = cli("plugins", "--json")
    assert result.code == 0, result.err
    listed = {p["name"]: p for p in json.loads(result.out)}
    assert "siecle" in listed["siecle"]["sources"]
    assert "sqlite" in listed["sqlite"]["stores"]
    assert "paper" in listed["paper"]["channels"]
    assert listed["sqlite"]["distribution"] == "educonnect"
    assert listed["sqlite"]["version"]
    assert all(p["error"] is None for p in listed.values())
    text = cli("plugins")
    assert text.code == 0
    assert "stores: sqlite" in text.out
