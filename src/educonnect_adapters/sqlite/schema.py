"""The SQLite schema, as forward migrations: migration ``i`` brings version ``i`` to ``i + 1``.

``PRAGMA user_version`` holds the version; :func:`migrate` runs on every open.
Never edit a released migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from typing import Final

from educonnect_core.errors import StorageError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

_APPEND_ONLY = """
CREATE TRIGGER {table}_append_only_{op} BEFORE {op} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END
"""

MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        "CREATE TABLE schools (uai TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID",
        """CREATE TABLE eleves (
            uai TEXT NOT NULL REFERENCES schools (uai),
            eleve_id TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (uai, eleve_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE responsables (
            uai TEXT NOT NULL REFERENCES schools (uai),
            personne_id TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (uai, personne_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE links (
            uai TEXT NOT NULL,
            eleve_id TEXT NOT NULL,
            personne_id TEXT NOT NULL,
            level INTEGER NOT NULL,
            code_parente TEXT,
            PRIMARY KEY (uai, eleve_id, personne_id),
            FOREIGN KEY (uai, eleve_id) REFERENCES eleves (uai, eleve_id),
            FOREIGN KEY (uai, personne_id) REFERENCES responsables (uai, personne_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX links_by_responsable ON links (uai, personne_id, eleve_id)",
        """CREATE TABLE accounts (
            account_id TEXT NOT NULL UNIQUE,
            uai TEXT NOT NULL,
            profile TEXT NOT NULL,
            siecle_id TEXT NOT NULL,
            identifier TEXT UNIQUE,
            state TEXT NOT NULL,
            route TEXT,
            credential_hash TEXT,
            credential_document_date TEXT,
            credential_valid_until TEXT,
            credential_channel TEXT,
            created_at TEXT,
            activated_at TEXT,
            deactivated_at TEXT,
            deactivation_reason TEXT,
            email TEXT,
            has_aten INTEGER NOT NULL,
            version INTEGER NOT NULL,
            eligible_mask INTEGER,
            blocker_mask INTEGER,
            routes TEXT,
            division TEXT,
            more_divisions TEXT,
            name_key TEXT,
            snapshot_at TEXT
        )""",
        "CREATE INDEX accounts_by_school ON accounts (uai, profile, state)",
        # statistics: each GROUP BY (uai, …) streams over one covering index, in order
        "CREATE INDEX accounts_by_division ON accounts (uai, division, state)",
        "CREATE INDEX accounts_more_divisions ON accounts (uai, more_divisions, state) "
        "WHERE more_divisions IS NOT NULL",
        "CREATE INDEX accounts_by_route ON accounts (uai, route) WHERE route IS NOT NULL",
        "CREATE INDEX accounts_by_masks ON accounts (uai, blocker_mask, eligible_mask) "
        "WHERE blocker_mask IS NOT NULL",
        """CREATE TABLE audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL,
            at TEXT NOT NULL,
            at_key INTEGER NOT NULL,
            actor_id TEXT NOT NULL,
            role TEXT NOT NULL,
            access TEXT NOT NULL,
            action TEXT NOT NULL,
            outcome TEXT NOT NULL,
            account_id TEXT,
            uai TEXT,
            reason TEXT
        )""",
        "CREATE INDEX audit_by_account ON audit (account_id, at_key, seq)",
        "CREATE INDEX audit_by_actor ON audit (actor_id, at_key, seq)",
        _APPEND_ONLY.format(table="audit", op="UPDATE"),
        _APPEND_ONLY.format(table="audit", op="DELETE"),
        """CREATE TABLE deliveries (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            at TEXT NOT NULL,
            at_key INTEGER NOT NULL,
            delivered INTEGER NOT NULL,
            reason TEXT,
            document_date TEXT,
            batch_id TEXT
        )""",
        "CREATE INDEX deliveries_by_account ON deliveries (account_id, at_key, seq)",
        _APPEND_ONLY.format(table="deliveries", op="UPDATE"),
        _APPEND_ONLY.format(table="deliveries", op="DELETE"),
    ),
    (
        """CREATE TABLE applied_exports (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            uai TEXT NOT NULL,
            exported_at TEXT NOT NULL,
            applied_at TEXT NOT NULL,
            effective_from TEXT NOT NULL,
            effective_key INTEGER NOT NULL,
            forced INTEGER NOT NULL,
            summary TEXT NOT NULL,
            journal TEXT NOT NULL
        )""",
        "CREATE INDEX applied_exports_by_school ON applied_exports (uai, effective_key)",
        _APPEND_ONLY.format(table="applied_exports", op="UPDATE"),
        _APPEND_ONLY.format(table="applied_exports", op="DELETE"),
    ),
    (
        # observed sign-ins (educonnect_core.observations), one row per account
        """CREATE TABLE sign_ins (
            account_id TEXT PRIMARY KEY,
            uai TEXT NOT NULL,
            ct_id TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            route TEXT
        ) WITHOUT ROWID""",
        "CREATE INDEX sign_ins_by_ct_id ON sign_ins (ct_id)",
        "CREATE INDEX sign_ins_by_school ON sign_ins (uai, account_id)",
        # students by INE, for matching a sign-in
        "CREATE INDEX eleves_by_ine ON eleves (json_extract(data, '$.ine')) "
        "WHERE json_type(data, '$.ine') = 'text'",
    ),
    (
        # statistics count blocked accounts by state too: the masks index covers it
        "DROP INDEX accounts_by_masks",
        "CREATE INDEX accounts_by_masks ON accounts (uai, blocker_mask, eligible_mask, state) "
        "WHERE blocker_mask IS NOT NULL",
    ),
    (
        # DELEG-CE delegations granted by heads of school (educonnect_core.delegating)
        """CREATE TABLE delegations (
            delegation_id TEXT PRIMARY KEY,
            uai TEXT NOT NULL,
            delegate_id TEXT NOT NULL,
            granted_at TEXT NOT NULL,
            data TEXT NOT NULL
        ) WITHOUT ROWID""",
        "CREATE INDEX delegations_by_school ON delegations (uai, granted_at)",
        "CREATE INDEX delegations_by_delegate ON delegations (delegate_id, granted_at)",
    ),
)

SCHEMA_VERSION: Final = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, where: str) -> int:
    """Bring the database to :data:`SCHEMA_VERSION` in one transaction; returns the
    version found. A database newer than this library is refused. A database
    already at :data:`SCHEMA_VERSION` is only read (no write lock is taken)."""
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    if current == SCHEMA_VERSION:
        return int(current)
    conn.execute("BEGIN IMMEDIATE")
    try:
        (found,) = conn.execute("PRAGMA user_version").fetchone()
        if found > SCHEMA_VERSION:
            raise StorageError(
                f"{where}: schema version {found} is newer than this library's "
                f"({SCHEMA_VERSION}); upgrade educonnect"
            )
        for version in range(found, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return int(found)
