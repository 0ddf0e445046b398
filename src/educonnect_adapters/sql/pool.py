"""A small pool of connections for the SQL stores (thread-safe)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from educonnect_core.errors import StorageError

__all__ = ["ConnectionPool", "prepared"]


class _Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=_Closable)


class ConnectionPool(Generic[C]):
    """Connections made by ``connect`` and kept for reuse (at most ``size``);
    ``reusable`` resets a connection given back and says whether it can be kept."""

    def __init__(
        self,
        connect: Callable[[], C],
        where: str,
        *,
        size: int = 4,
        reusable: Callable[[C], bool] = lambda conn: True,
    ) -> None:
        self._connect = connect
        self._where = where
        self._size = size
        self._reusable = reusable
        self._pool: list[C] = []
        self._lock = threading.Lock()
        self._closed = False

    def acquire(self) -> C:
        with self._lock:
            if self._closed:
                raise StorageError(f"store {self._where!r} is closed")
            if self._pool:
                return self._pool.pop()
        return self._connect()

    def release(self, conn: C) -> None:
        if self._reusable(conn):
            with self._lock:
                if not self._closed and len(self._pool) < self._size:
                    self._pool.append(conn)
                    return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()


def prepared(
    conn: C,
    prepare: Callable[[C], object],
    failure: type[Exception] | tuple[type[Exception], ...],
    what: str,
) -> C:
    """``conn`` once ``prepare`` ran on it (schema created or migrated); the
    connection is closed, and a ``failure`` becomes one StorageError line naming
    ``what``, if it did not."""
    try:
        prepare(conn)
    except failure as exc:
        conn.close()
        raise StorageError(f"{what}: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn
