"""What PostgreSQL does its own way (see :class:`educonnect_adapters.sql.dialect.Dialect`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

import psycopg

from educonnect_adapters.sql.dialect import Row

__all__ = ["POSTGRES"]

Connection = psycopg.Connection[tuple[Any, ...]]


class PostgresDialect:
    placeholder = "%s"

    def no_limit(self) -> object:
        return None

    def in_chunks(
        self, column: str, values: Sequence[object]
    ) -> Iterator[tuple[str, Sequence[object]]]:
        if values:
            yield f"{column} = ANY(%s)", (list(values),)

    def insert_returning_seq(self, conn: Connection, sql: str, row: Row) -> int:
        found = conn.execute(sql + " RETURNING seq", row).fetchone()
        assert found is not None
        return int(found[0])

    def bulk_insert(
        self, conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Row]
    ) -> int:
        count = 0
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def new_audit_id(self, conn: Connection) -> str | None:
        return None  # read back as coalesce(event_id, seq)

    def audit_id_column(self) -> str:
        return "coalesce(event_id, seq::text)"


POSTGRES: Final = PostgresDialect()
