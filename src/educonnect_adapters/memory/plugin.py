"""Plugin entry point of the memory backend (entry point ``memory``)."""

from __future__ import annotations

from collections.abc import Sequence

from educonnect_core.hookspecs import hookimpl
from educonnect_core.storage import Store

from .store import MemoryStore

SCHEME = "memory"


@hookimpl
def educonnect_open_store(url: str) -> Store | None:
    if not url.startswith(f"{SCHEME}://"):
        return None
    return MemoryStore(url)


@hookimpl
def educonnect_store_schemes() -> Sequence[str]:
    return (SCHEME,)
