"""What the SQL units of work share: their repositories over one connection, and
their life cycle (closing gives the connection back; leaving the ``with`` block
closes, and a driver error escaping it becomes one
:class:`~educonnect_core.errors.StoreUnavailable` line naming the store). A
backend adds how it writes, commits and rolls back."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from educonnect_core.errors import StorageError, StoreUnavailable

from .accounts import SqlAccounts
from .delegations import SqlDelegations
from .dialect import Dialect
from .eligibility import SqlEligibility
from .logs import SqlAudit, SqlDeliveries, SqlExports
from .people import SqlPeople
from .sign_ins import SqlSignIns

__all__ = ["SqlUnitOfWork"]

C = TypeVar("C")


class SqlUnitOfWork(Generic[C]):
    """The repositories of a unit of work on one connection (``_conn``)."""

    def __init__(
        self,
        conn: C,
        dialect: Dialect,
        people: type[SqlPeople] = SqlPeople,
        *,
        where: str = "store",
    ) -> None:
        self._conn: C | None = conn
        self._dialect = dialect
        self._where = where

        def read() -> Any:
            return self.conn

        self.accounts = SqlAccounts(read, self.write, dialect)
        self.people = people(read, self.write, dialect)
        self.eligibility = SqlEligibility(read, self.write, dialect)
        self.audit = SqlAudit(read, self.write, dialect)
        self.deliveries = SqlDeliveries(read, self.write, dialect)
        self.exports = SqlExports(read, self.write, dialect)
        self.sign_ins = SqlSignIns(read, self.write, dialect.placeholder)
        self.delegations = SqlDelegations(read, self.write, dialect)

    @property
    def conn(self) -> C:
        if self._conn is None:
            raise StorageError("this unit of work is finished")
        return self._conn

    def write(self) -> C:
        """The connection, inside this unit of work's write transaction."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.close()
        except self._dialect.errors:
            if exc is None:
                raise
            # the connection is gone too: the error that brought us here is the one to tell
        if isinstance(exc, self._dialect.errors):
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise StoreUnavailable(
                f"{self._where}: {message}; nothing was written by this operation"
            ) from exc
