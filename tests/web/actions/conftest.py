"""Fixtures of the action tests: each test acts on its own copy of a store
filled by the CLI's import (actions change it), letters in a folder of its own."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.school_files import UAI, write_export
from educonnect_adapters.cli.main import main
from educonnect_adapters.web import WebSettings
from educonnect_core.plugins import Plugins
from educonnect_core.storage import Store
from web.conftest import ADMIN_NETWORK, OTHER_UAI, SECRET


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two schools imported by the real ``educonnect import``, untouched by other tests."""
    folder = tmp_path_factory.mktemp("actionstore")
    path = folder / "educonnect.db"
    for uai, name in ((UAI, "school"), (OTHER_UAI, "other")):
        files = write_export(folder / name, uai=uai)
        args = ["import", *(str(f) for f in files), "--store", f"sqlite:///{path}", "--uai", uai]
        assert main(args) == 0
    return path


@pytest.fixture
def store(pristine: Path, tmp_path: Path) -> Iterator[Store]:
    """A copy of the pristine store for this test alone."""
    copy = tmp_path / "educonnect.db"
    # closing(): a sqlite3 connection's own ``with`` commits but does not close it
    with (
        contextlib.closing(sqlite3.connect(pristine)) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    opened = Plugins.installed().open_store(f"sqlite:///{copy}")
    yield opened
    opened.close()


@pytest.fixture
def settings(tmp_path: Path) -> WebSettings:
    return WebSettings(
        secret_key=SECRET, administrative_networks=[ADMIN_NETWORK], letters_dir=tmp_path / "letters"
    )
