"""What SQLite does its own way (see :class:`educonnect_adapters.sql.dialect.Dialect`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Final

from educonnect_adapters.sql.dialect import Row
from educonnect_adapters.sql.rows import SNAPSHOT_COLUMNS
from educonnect_core.errors import StorageError

__all__ = ["SQLITE"]

_SNAPSHOT_UPDATE: Final = (
    "UPDATE accounts SET "
    + ", ".join(f"{c} = ?" for c in SNAPSHOT_COLUMNS)
    + " WHERE account_id = ?"
)

#: rows per executemany, and values per ``IN (…)``
BATCH: Final = 5000
IN_BATCH: Final = 500


class SqliteDialect:
    placeholder = "?"
    batch = IN_BATCH
    errors = sqlite3.Error

    def no_limit(self) -> object:
        return -1

    def in_chunks(
        self, column: str, values: Sequence[object]
    ) -> Iterator[tuple[str, Sequence[object]]]:
        for start in range(0, len(values), IN_BATCH):
            chunk = values[start : start + IN_BATCH]
            yield f"{column} IN ({', '.join('?' * len(chunk))})", chunk

    def insert_returning_seq(self, conn: sqlite3.Connection, sql: str, row: Row) -> int:
        cursor = conn.execute(sql, row)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def bulk_insert(
        self, conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Row]
    ) -> int:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        count = 0
        iterator = iter(rows)
        while chunk := list(islice(iterator, BATCH)):
            conn.executemany(sql, chunk)
            count += len(chunk)
        return count

    def new_audit_id(self, conn: sqlite3.Connection) -> str | None:
        # inside the write transaction: no one else appends meanwhile
        (seq,) = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM audit").fetchone()
        found = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        following = 1 if found is None else int(found[0]) + 1
        return str(max(int(seq), following))

    def audit_id_column(self) -> str:
        return "event_id"

    def write_many(
        self, conn: sqlite3.Connection, what: str, statement: str, rows: Sequence[Row]
    ) -> None:
        try:
            conn.executemany(statement, rows)
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"{what}: {exc}") from None

    def write_each(self, conn: sqlite3.Connection, statement: str, rows: Sequence[Row]) -> bool:
        conn.execute("SAVEPOINT write_each")
        try:
            done = conn.executemany(statement, rows).rowcount == len(rows)
        except sqlite3.IntegrityError:
            done = False
        if not done:
            conn.execute("ROLLBACK TO write_each")
        conn.execute("RELEASE write_each")
        return done

    def index_hint(self, index: str) -> str:
        return f"INDEXED BY {index}"

    def stream(self, conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> Iterator[Row]:
        return iter(conn.execute(sql, params))

    def contains(self, column: str) -> str:
        return f"instr({column}, ?) > 0"

    def json_elements(self, column: str) -> str:
        return f"json_each({column})"

    def execute_or_conflict(
        self, conn: sqlite3.Connection, sql: str, params: Row
    ) -> sqlite3.Cursor | None:
        try:
            return conn.execute(sql, params)  # a statement is atomic in SQLite
        except sqlite3.IntegrityError:
            return None

    def bulk_insert_or_conflict(
        self, conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Row]
    ) -> bool:
        conn.execute("SAVEPOINT bulk_insert")
        try:
            self.bulk_insert(conn, table, columns, rows)
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO bulk_insert")
            conn.execute("RELEASE bulk_insert")
            return False
        conn.execute("RELEASE bulk_insert")
        return True

    def update_snapshots(self, conn: sqlite3.Connection, rows: Sequence[Row]) -> int:
        return conn.executemany(_SNAPSHOT_UPDATE, [(*r[1:], r[0]) for r in rows]).rowcount


SQLITE: Final = SqliteDialect()
