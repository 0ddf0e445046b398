"""The same commands on PostgreSQL (``--store postgresql://…``): the CLI only sees the port.

Skipped, with the reason, without a reachable server (127.0.0.1:5432, or
``EDUCONNECT_POSTGRES_URL``); ``EDUCONNECT_REQUIRE_POSTGRES=1`` makes it fail instead.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from .cli_run import Run
from .school_files import LUCAS, write_export

pytestmark = pytest.mark.postgres

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def pg_store() -> Iterator[str]:
    server = os.environ.get("EDUCONNECT_POSTGRES_URL", DEFAULT_URL)
    try:
        import psycopg

        with psycopg.connect(server, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        reason = f"PostgreSQL not reachable at {server}: {exc}"
        if os.environ.get("EDUCONNECT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason} (EDUCONNECT_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    schema = f"educonnect_cli_{os.getpid()}_{secrets.token_hex(3)}"
    yield f"{server}?schema={schema}"
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def test_import_sync_stats_report_on_postgres(cli: Run, workdir: Path, pg_store: str) -> None:
    day1 = write_export(workdir / "day1")
    day2 = write_export(workdir / "day2", day=2)
    assert cli("import", *day1, "--store", pg_store).code == 0
    synced = cli("sync", *day2, "--store", pg_store, "--json")
    assert synced.code == 0, synced.err
    assert (
        json.loads(cli("account", LUCAS, "--store", pg_store, "--json").out)["account"]["state"]
        == "deactivated"
    )
    stats = json.loads(cli("stats", "--store", pg_store, "--json").out)
    assert stats["total"] == 7
    assert len(stats["exports"]) == 2  # the import and the sync
    assert cli("report", "--html", "pg.html", "--store", pg_store).code == 0
    assert (workdir / "pg.html").stat().st_size > 1000
    assert not (workdir / "educonnect.db").exists()
