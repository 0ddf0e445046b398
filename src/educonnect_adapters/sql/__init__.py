"""What the SQL stores (SQLite, PostgreSQL) share; registers no plugin.

An adapter imports the core and, where it is a SQL store, this package only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from educonnect_core.states import AccountState
from educonnect_core.storage import TO_ACTIVATE

__all__ = ["BLOCKED_SQL", "NOT_BLOCKED_SQL", "state_clause"]


def state_clause(states: Iterable[AccountState]) -> str:
    """``state IN (…)`` with the states as literals (enum values, no user text)."""
    return "state IN (" + ", ".join(f"'{v}'" for v in sorted(s.value for s in states)) + ")"


#: The SQL of :func:`educonnect_core.storage.is_blocked` over the accounts table.
BLOCKED_SQL: Final = f"(eligible_mask = 0 AND {state_clause(TO_ACTIVATE)})"
NOT_BLOCKED_SQL: Final = f"(eligible_mask IS NOT NULL AND NOT {BLOCKED_SQL})"
