"""What differs between the SQL stores, and nothing else (the model: SQLAlchemy's
one compiler with dialects that override only what differs).

The repositories of :mod:`educonnect_adapters.sql` are written once against a
:class:`Dialect`; ``sqlite`` and ``postgres`` each give theirs, beside their
connection, transactions, schema and migrations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

__all__ = ["Connect", "Dialect", "Row"]

Row = tuple[Any, ...]
#: returns the DB-API connection to use now (one to read; one inside the write
#: transaction)
Connect = Callable[[], Any]


class Dialect(Protocol):
    """The points where SQLite and PostgreSQL differ."""

    #: the parameter placeholder: ``?`` or ``%s``
    placeholder: str
    #: records compared and written per statement batch
    batch: int

    @property
    def errors(self) -> type[Exception]:
        """The driver's base error: escaping a unit of work, it becomes a StoreUnavailable."""
        ...

    def no_limit(self) -> object:
        """What ``LIMIT`` takes for "no limit" (``-1`` / ``NULL``)."""
        ...

    def in_chunks(
        self, column: str, values: Sequence[object]
    ) -> Iterator[tuple[str, Sequence[object]]]:
        """``column`` among ``values``, as (condition, parameters) pieces: ``IN (…)`` in
        chunks, or one ``= ANY(%s)``."""
        ...

    def insert_returning_seq(self, conn: Any, sql: str, row: Row) -> int:
        """Run ``sql`` (an ``INSERT`` of one row) and return the new row's ``seq``."""
        ...

    def bulk_insert(
        self, conn: Any, table: str, columns: Sequence[str], rows: Iterable[Row]
    ) -> int:
        """Insert ``rows`` (executemany in batches, or ``COPY``); returns the count."""
        ...

    def new_audit_id(self, conn: Any) -> str | None:
        """The id of an audit event about to be appended without one, or ``None``
        when the table derives it from ``seq`` on reading."""
        ...

    def audit_id_column(self) -> str:
        """The expression read as ``event_id``."""
        ...

    def update_snapshots(self, conn: Any, rows: Sequence[Row]) -> int:
        """Write the snapshot columns of ``rows`` (``account_id``, then the
        :data:`~educonnect_adapters.sql.rows.SNAPSHOT_COLUMNS`) into their accounts;
        returns how many accounts were updated."""
        ...

    def write_many(self, conn: Any, what: str, statement: str, rows: Sequence[Row]) -> None:
        """``executemany`` of ``statement``; an integrity error becomes a
        :class:`~educonnect_core.errors.StorageError` naming ``what``."""
        ...

    def write_each(self, conn: Any, statement: str, rows: Sequence[Row]) -> bool:
        """``executemany`` of ``statement`` inside a savepoint; ``True`` if it changed
        one row per parameter row, else (a row unmatched, or a unique or foreign-key
        conflict) ``False`` with nothing changed."""
        ...

    def index_hint(self, index: str) -> str:
        """The clause that makes the planner use ``index`` (or nothing)."""
        ...

    def stream(self, conn: Any, sql: str, params: Sequence[object]) -> Iterator[Row]:
        """The rows of a query, streamed (a cursor, or a server-side cursor): a
        school's listing never sits in memory whole."""
        ...

    def contains(self, column: str) -> str:
        """``column`` contains the text of the next parameter."""
        ...

    def json_elements(self, column: str) -> str:
        """A table function over the elements of the JSON array in ``column``,
        with a column ``value`` (used as ``… , <this> j``)."""
        ...

    def execute_or_conflict(self, conn: Any, sql: str, params: Row) -> Any | None:
        """Run one statement; ``None`` if a unique or foreign key constraint refused
        it (nothing of it is left), else the cursor."""
        ...

    def bulk_insert_or_conflict(
        self, conn: Any, table: str, columns: Sequence[str], rows: Iterable[Row]
    ) -> bool:
        """Insert ``rows`` all or none (a savepoint around executemany or ``COPY``);
        ``False`` if a constraint refused one of them."""
        ...
