"""PostgreSQL storage backend (``postgresql://user@host:port/db?schema=…``), psycopg 3."""

from __future__ import annotations

from .store import PostgresStore

__all__ = ["PostgresStore"]
