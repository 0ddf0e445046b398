"""The PostgreSQL schema, as forward migrations (the same logical schema as SQLite).

The version lives in table ``educonnect_schema``; :func:`migrate` runs on every
open under an advisory lock, in one transaction. Never edit a released
migration: append a new one.
"""

from __future__ import annotations

from typing import Any, Final

import psycopg

from educonnect_core.errors import StorageError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

_APPEND_ONLY = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION educonnect_append_only();
CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION educonnect_append_only();
"""

MIGRATIONS: Final[tuple[str, ...]] = (
    """
    CREATE TABLE schools (uai text COLLATE "C" PRIMARY KEY, data text NOT NULL);
    CREATE TABLE eleves (
        uai text COLLATE "C" NOT NULL REFERENCES schools (uai),
        eleve_id text COLLATE "C" NOT NULL,
        data text NOT NULL,
        PRIMARY KEY (uai, eleve_id)
    );
    CREATE TABLE responsables (
        uai text COLLATE "C" NOT NULL REFERENCES schools (uai),
        personne_id text COLLATE "C" NOT NULL,
        data text NOT NULL,
        PRIMARY KEY (uai, personne_id)
    );
    CREATE TABLE links (
        uai text COLLATE "C" NOT NULL,
        eleve_id text COLLATE "C" NOT NULL,
        personne_id text COLLATE "C" NOT NULL,
        level integer NOT NULL,
        code_parente text,
        PRIMARY KEY (uai, eleve_id, personne_id),
        FOREIGN KEY (uai, eleve_id) REFERENCES eleves (uai, eleve_id),
        FOREIGN KEY (uai, personne_id) REFERENCES responsables (uai, personne_id)
    );
    CREATE INDEX links_by_responsable ON links (uai, personne_id, eleve_id);
    CREATE TABLE accounts (
        account_id text COLLATE "C" NOT NULL UNIQUE,
        uai text COLLATE "C" NOT NULL,
        profile text NOT NULL,
        siecle_id text COLLATE "C" NOT NULL,
        identifier text COLLATE "C" UNIQUE,
        state text NOT NULL,
        route text,
        credential_hash text,
        credential_document_date text,
        credential_valid_until text,
        credential_channel text,
        created_at text,
        activated_at text,
        deactivated_at text,
        deactivation_reason text,
        email text,
        has_aten integer NOT NULL,
        version integer NOT NULL,
        eligible_mask bigint,
        blocker_mask bigint,
        routes text,
        division text COLLATE "C",
        more_divisions text,
        name_key text COLLATE "C",
        snapshot_at text
    );
    CREATE INDEX accounts_by_school ON accounts (uai, profile, state);
    CREATE INDEX accounts_by_division ON accounts (uai, division, state);
    CREATE INDEX accounts_more_divisions ON accounts (uai, more_divisions, state)
        WHERE more_divisions IS NOT NULL;
    CREATE INDEX accounts_by_route ON accounts (uai, route) WHERE route IS NOT NULL;
    CREATE INDEX accounts_by_masks ON accounts (uai, blocker_mask, eligible_mask)
        WHERE blocker_mask IS NOT NULL;
    CREATE TABLE audit (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id text,
        at text NOT NULL,
        at_key bigint NOT NULL,
        actor_id text NOT NULL,
        role text NOT NULL,
        access text NOT NULL,
        action text NOT NULL,
        outcome text NOT NULL,
        account_id text,
        uai text,
        reason text
    );
    CREATE INDEX audit_by_account ON audit (account_id, at_key, seq);
    CREATE INDEX audit_by_actor ON audit (actor_id, at_key, seq);
    CREATE TABLE deliveries (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id text NOT NULL,
        channel text NOT NULL,
        at text NOT NULL,
        at_key bigint NOT NULL,
        delivered integer NOT NULL,
        reason text,
        document_date text,
        batch_id text
    );
    CREATE INDEX deliveries_by_account ON deliveries (account_id, at_key, seq);
    CREATE FUNCTION educonnect_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
    END $$;
    """
    + _APPEND_ONLY.format(table="audit")
    + _APPEND_ONLY.format(table="deliveries"),
    """
    CREATE TABLE applied_exports (
        seq bigserial PRIMARY KEY,
        uai text COLLATE "C" NOT NULL,
        exported_at text NOT NULL,
        applied_at text NOT NULL,
        effective_from text NOT NULL,
        effective_key bigint NOT NULL,
        forced integer NOT NULL,
        summary text NOT NULL,
        journal text NOT NULL
    );
    CREATE INDEX applied_exports_by_school ON applied_exports (uai, effective_key);
    """
    + _APPEND_ONLY.format(table="applied_exports"),
    # observed sign-ins (educonnect_core.observations), one row per account; students
    # by INE, for matching a sign-in
    """
    CREATE TABLE sign_ins (
        account_id text COLLATE "C" PRIMARY KEY,
        uai text COLLATE "C" NOT NULL,
        ct_id text COLLATE "C" NOT NULL,
        first_seen text NOT NULL,
        last_seen text NOT NULL,
        route text
    );
    CREATE INDEX sign_ins_by_ct_id ON sign_ins (ct_id);
    CREATE INDEX sign_ins_by_school ON sign_ins (uai, account_id);
    CREATE INDEX eleves_by_ine ON eleves (((data::jsonb) ->> 'ine'));
    """,
    # statistics count blocked accounts by state too: the masks index covers it
    """
    DROP INDEX accounts_by_masks;
    CREATE INDEX accounts_by_masks ON accounts (uai, blocker_mask, eligible_mask, state)
        WHERE blocker_mask IS NOT NULL;
    """,
    # DELEG-CE delegations granted by heads of school (educonnect_core.delegating)
    """
    CREATE TABLE delegations (
        delegation_id text COLLATE "C" PRIMARY KEY,
        uai text COLLATE "C" NOT NULL,
        delegate_id text COLLATE "C" NOT NULL,
        granted_at text NOT NULL,
        data text NOT NULL
    );
    CREATE INDEX delegations_by_school ON delegations (uai, granted_at);
    CREATE INDEX delegations_by_delegate ON delegations (delegate_id, granted_at);
    """,
)

SCHEMA_VERSION: Final = len(MIGRATIONS)


def migrate(conn: psycopg.Connection[tuple[Any, ...]], where: str) -> int:
    """Bring the current schema (``search_path``) to :data:`SCHEMA_VERSION`; returns the
    version found. A schema newer than this library is refused. A schema already
    at :data:`SCHEMA_VERSION` is only read."""
    if _version(conn) == SCHEMA_VERSION:
        return SCHEMA_VERSION
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")
        conn.execute("CREATE TABLE IF NOT EXISTS educonnect_schema (version integer NOT NULL)")
        row = conn.execute("SELECT max(version) FROM educonnect_schema").fetchone()
        found = int(row[0]) if row is not None and row[0] is not None else 0
        if found > SCHEMA_VERSION:
            raise StorageError(
                f"{where}: schema version {found} is newer than this library's "
                f"({SCHEMA_VERSION}); upgrade educonnect"
            )
        for version in range(found, SCHEMA_VERSION):
            conn.execute(MIGRATIONS[version].encode())
        if found != SCHEMA_VERSION:
            conn.execute("DELETE FROM educonnect_schema")
            conn.execute("INSERT INTO educonnect_schema VALUES (%s)", (SCHEMA_VERSION,))
    return found


def _version(conn: psycopg.Connection[tuple[Any, ...]]) -> int | None:
    """The schema's version, read without writing (``None``: no store yet)."""
    with conn.transaction():
        found = conn.execute("SELECT to_regclass('educonnect_schema')").fetchone()
        if found is None or found[0] is None:
            return None
        row = conn.execute("SELECT max(version) FROM educonnect_schema").fetchone()
    return int(row[0]) if row is not None and row[0] is not None else 0
