"""Audit events: every administration action, allowed or refused, is recorded.

Events hold ids only (no names, phones or emails) and are append-only.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

__all__ = ["AuditEvent", "Outcome"]


class Outcome(enum.Enum):
    ALLOWED = "allowed"
    REFUSED = "refused"


@attrs.frozen
class AuditEvent:
    """Who (``actor_id`` in ``role`` from ``access``), when, what, on which
    account, and the outcome (with the refusal reason code when refused)."""

    at: dt.datetime
    actor_id: str
    role: str
    access: str
    action: str
    outcome: Outcome
    account_id: str | None = None
    uai: str | None = None
    reason: str | None = None
    event_id: str | None = None
