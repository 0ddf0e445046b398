"""Stores for the sync tests: memory by default; SQLite and PostgreSQL on request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from educonnect_core.plugins import Plugins
from educonnect_core.storage import Store
from storage.conftest import postgres_server, postgres_url  # noqa: F401 - fixtures reused


@pytest.fixture(scope="session")
def plugins() -> Plugins:
    return Plugins.installed()


@pytest.fixture
def store(plugins: Plugins) -> Iterator[Store]:
    opened = plugins.open_store("memory://")
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(plugins: Plugins, tmp_path: Path) -> Iterator[Store]:
    opened = plugins.open_store(f"sqlite:///{tmp_path / 'sync.db'}")
    yield opened
    opened.close()


@pytest.fixture
def postgres_store(plugins: Plugins, postgres_url: str) -> Iterator[Store]:  # noqa: F811
    opened = plugins.open_store(postgres_url)
    yield opened
    opened.close()
