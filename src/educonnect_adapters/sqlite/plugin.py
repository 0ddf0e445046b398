"""Plugin entry point of the SQLite backend (entry point ``sqlite``)."""

from __future__ import annotations

from collections.abc import Sequence

from educonnect_core.hookspecs import hookimpl
from educonnect_core.storage import Store

from .store import SqliteStore

SCHEME = "sqlite"


@hookimpl
def educonnect_open_store(url: str, read_only: bool) -> Store | None:
    if not url.startswith(f"{SCHEME}://"):
        return None
    return SqliteStore.open(url, read_only=read_only)


@hookimpl
def educonnect_store_schemes() -> Sequence[str]:
    return (SCHEME,)
