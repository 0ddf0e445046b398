"""In-memory storage backend (``memory://``): for tests and small tools."""

from __future__ import annotations

from .store import MemoryStore

__all__ = ["MemoryStore"]
