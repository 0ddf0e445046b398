"""Audit events: every administration action, allowed or refused, is recorded.

Events hold ids only (no names, phones or emails) and are append-only.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Self

import attrs

if TYPE_CHECKING:
    from .permissions import AccessContext, Actor

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

    @classmethod
    def by(
        cls,
        actor: Actor,
        access: AccessContext,
        *,
        at: dt.datetime,
        action: str,
        outcome: Outcome,
        account_id: str | None = None,
        uai: str | None = None,
        reason: str | None = None,
    ) -> Self:
        """The event of ``actor`` reaching the service from ``access``."""
        return cls(
            at=at,
            actor_id=actor.actor_id,
            role=actor.role.value,
            access=access.label,
            action=action,
            outcome=outcome,
            account_id=account_id,
            uai=uai,
            reason=reason,
        )
