"""The observed sign-ins repository (``uow.sign_ins``), written once for both SQL stores.

A store hands it two callables returning a DB-API connection (one to read, one
inside the write transaction) and its placeholder (``?`` or ``%s``). The table
is ``sign_ins`` (account_id, uai, ct_id, first_seen, last_seen, route), times as
ISO 8601 text with their offset; the schema is each store's own migration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final

from educonnect_core.observations import Observation
from educonnect_core.routes import Route
from educonnect_core.values import Uai

__all__ = ["SIGN_IN_COLUMNS", "SqlSignIns"]

SIGN_IN_COLUMNS: Final = "account_id, uai, ct_id, first_seen, last_seen, route"
_CHUNK: Final = 500

Connect = Callable[[], Any]


def _row(o: Observation) -> tuple[object, ...]:
    return (
        o.account_id,
        str(o.uai),
        o.ct_id,
        o.first_seen.isoformat(),
        o.last_seen.isoformat(),
        o.route.value if o.route else None,
    )


def _observation(r: Sequence[Any]) -> Observation:
    return Observation(
        r[0],
        r[2],
        dt.datetime.fromisoformat(r[3]),
        dt.datetime.fromisoformat(r[4]),
        Route(r[5]) if r[5] else None,
    )


class SqlSignIns:
    """:class:`~educonnect_core.observations.SignInLog` over a DB-API connection."""

    def __init__(self, read: Connect, write: Connect, placeholder: str) -> None:
        self._read = read
        self._write = write
        self._p = placeholder

    def put_many(self, observations: Iterable[Observation]) -> int:
        rows = [_row(o) for o in observations]
        if not rows:
            return 0
        marks = ", ".join([self._p] * 6)
        self._write().cursor().executemany(
            f"INSERT INTO sign_ins ({SIGN_IN_COLUMNS}) VALUES ({marks}) "
            "ON CONFLICT (account_id) DO UPDATE SET ct_id = excluded.ct_id, "
            "first_seen = excluded.first_seen, last_seen = excluded.last_seen, "
            "route = excluded.route",
            rows,
        )
        return len(rows)

    def get_many(self, account_ids: Iterable[str]) -> dict[str, Observation]:
        ids = list(dict.fromkeys(account_ids))
        found: dict[str, Observation] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join([self._p] * len(chunk))
            rows = self._read().execute(
                f"SELECT {SIGN_IN_COLUMNS} FROM sign_ins WHERE account_id IN ({marks})", chunk
            )
            found.update((r[0], _observation(r)) for r in rows.fetchall())
        return found

    def linked(self, ct_ids: Iterable[str]) -> dict[str, list[str]]:
        ids = list(dict.fromkeys(ct_ids))
        found: dict[str, list[str]] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join([self._p] * len(chunk))
            rows = self._read().execute(
                f"SELECT ct_id, account_id FROM sign_ins WHERE ct_id IN ({marks})", chunk
            )
            for ct_id, account_id in rows.fetchall():
                found.setdefault(ct_id, []).append(account_id)
        return {ct_id: sorted(accounts) for ct_id, accounts in found.items()}

    def of_school(self, uai: Uai) -> Iterator[Observation]:
        rows = self._read().execute(
            f"SELECT {SIGN_IN_COLUMNS} FROM sign_ins WHERE uai = {self._p} ORDER BY account_id",
            (str(uai),),
        )
        return iter([_observation(r) for r in rows.fetchall()])
