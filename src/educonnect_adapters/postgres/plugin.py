"""Plugin entry point of the PostgreSQL backend (entry point ``postgres``)."""

from __future__ import annotations

from collections.abc import Sequence

from educonnect_core.hookspecs import hookimpl
from educonnect_core.storage import Store

SCHEMES = ("postgresql", "postgres")


@hookimpl
def educonnect_open_store(url: str, read_only: bool) -> Store | None:
    if not url.startswith(tuple(f"{s}://" for s in SCHEMES)):
        return None
    from .store import PostgresStore  # psycopg is an optional dependency

    return PostgresStore.open(url, read_only=read_only)


@hookimpl
def educonnect_store_schemes() -> Sequence[str]:
    return SCHEMES
