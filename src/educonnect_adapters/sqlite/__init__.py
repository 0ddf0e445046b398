"""SQLite storage backend (``sqlite:///path.db``): the embedded default, stdlib sqlite3."""

from __future__ import annotations

from .store import SqliteStore

__all__ = ["SqliteStore"]
