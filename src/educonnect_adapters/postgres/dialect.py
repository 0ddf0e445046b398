"""What PostgreSQL does its own way (see :class:`educonnect_adapters.sql.dialect.Dialect`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

import psycopg
from psycopg import errors as pg_errors

from educonnect_adapters.sql.dialect import Row
from educonnect_adapters.sql.rows import SNAPSHOT_COLUMNS
from educonnect_core.errors import StorageError

__all__ = ["POSTGRES"]

_CURSORS: Final = itertools.count()

Connection = psycopg.Connection[tuple[Any, ...]]


class _Unmatched(Exception):
    """A batch changed fewer rows than it had parameter rows."""


class PostgresDialect:
    placeholder = "%s"
    batch = 5000
    errors = psycopg.Error

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

    def write_many(self, conn: Connection, what: str, statement: str, rows: Sequence[Row]) -> None:
        try:
            with conn.transaction(), conn.cursor() as cursor:
                cursor.executemany(statement, rows)
        except pg_errors.IntegrityError as exc:
            raise StorageError(f"{what}: {exc}") from None

    def index_hint(self, index: str) -> str:
        return ""  # the planner has statistics

    def stream(self, conn: Connection, sql: str, params: Sequence[object]) -> Iterator[Row]:
        # a server-side cursor, read by pages; other statements may run on the
        # connection meanwhile (inside the unit of work's transaction)
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            conn.execute("SELECT 1")  # a named cursor lives in a transaction
        with conn.cursor(name=f"stream_{next(_CURSORS)}") as cursor:
            cursor.itersize = 2000
            cursor.execute(sql, params)
            yield from cursor

    def contains(self, column: str) -> str:
        return f"strpos({column}, %s) > 0"

    def json_elements(self, column: str) -> str:
        return f"json_array_elements_text({column}::json)"  # its column is named value

    def execute_or_conflict(
        self, conn: Connection, sql: str, params: Row
    ) -> psycopg.Cursor[Row] | None:
        try:
            with conn.transaction():  # a savepoint: the failed statement leaves nothing
                return conn.execute(sql, params)
        except (pg_errors.UniqueViolation, pg_errors.ForeignKeyViolation):
            return None

    def write_each(self, conn: Connection, statement: str, rows: Sequence[Row]) -> bool:
        try:
            with conn.transaction(), conn.cursor() as cursor:
                cursor.executemany(statement, rows)
                if cursor.rowcount != len(rows):
                    raise _Unmatched  # leaves the savepoint rolled back
        except (pg_errors.UniqueViolation, pg_errors.ForeignKeyViolation, _Unmatched):
            return False
        return True

    def bulk_insert_or_conflict(
        self, conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Row]
    ) -> bool:
        try:
            with conn.transaction():
                self.bulk_insert(conn, table, columns, rows)
        except (pg_errors.UniqueViolation, pg_errors.ForeignKeyViolation):
            return False
        return True

    def update_snapshots(self, conn: Connection, rows: Sequence[Row]) -> int:
        conn.execute(
            'CREATE TEMP TABLE IF NOT EXISTS snapshot_load (account_id text COLLATE "C", '
            "eligible_mask bigint, blocker_mask bigint, routes text, division text, "
            "more_divisions text, name_key text, snapshot_at text) ON COMMIT DELETE ROWS"
        )
        columns = ", ".join(SNAPSHOT_COLUMNS)
        with conn.cursor() as cursor:
            with cursor.copy(f"COPY snapshot_load (account_id, {columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            updated = cursor.execute(
                f"UPDATE accounts a SET ({columns}) = (s.{', s.'.join(SNAPSHOT_COLUMNS)}) "
                "FROM snapshot_load s WHERE a.account_id = s.account_id"
            ).rowcount
            cursor.execute("DELETE FROM snapshot_load")
        return updated


POSTGRES: Final = PostgresDialect()
