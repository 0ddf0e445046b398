"""Reading personal data through the service: every look at an account is audited.

:meth:`Consultations.account` is what a staff-facing screen calls to show an
account: the same rights as acting on it (school, profile, access context,
delegation in force), whatever the action, and an audit event ``consult``,
allowed or refused. To someone without the rights on it, an account of another
school, or one they may not see, answers exactly as an account that does not
exist (:class:`~.errors.NotFound`): the answer reveals nothing.
"""

from __future__ import annotations

import datetime as dt

from . import audit
from .accounts import Account
from .errors import InvalidValue, NotFound, PermissionDenied
from .permissions import Right, authorize_read
from .ports import Clock
from .service import Session, parse_account_id
from .storage import Store, UnitOfWork

__all__ = ["CONSULT", "Consultations"]

CONSULT = "consult"


class Consultations:
    """The audited reads of a store."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def account(self, session: Session, account_id: str) -> Account:
        """The account, if ``session`` may see it; else :class:`NotFound` (or
        :class:`PermissionDenied` when the access context itself is refused)."""
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            try:
                profile, uai, _ = parse_account_id(account_id)
                authorize_read(session.actor, session.access, uai=uai, profile=profile, at=now)
                account = uow.accounts.get(account_id)
            except (InvalidValue, NotFound, PermissionDenied) as exc:
                reason = _reason(exc)
                _event(uow, session, now, audit.Outcome.REFUSED, account_id, reason)
                uow.commit()
                if isinstance(exc, PermissionDenied) and exc.missing_right in _VISIBLE:
                    raise
                raise NotFound(f"no account {account_id!r}") from None
            _event(uow, session, now, audit.Outcome.ALLOWED, account_id, None)
            uow.commit()
        return account


#: refusals that say nothing about the account asked for
_VISIBLE = frozenset({Right.ACCESS, Right.DELEGATION_IN_FORCE})


def _reason(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return f"permission:{exc.missing_right}"
    return "invalid_account_id" if isinstance(exc, InvalidValue) else "not_found"


def _event(
    uow: UnitOfWork,
    session: Session,
    now: dt.datetime,
    outcome: audit.Outcome,
    account_id: str,
    reason: str | None,
) -> None:
    uai = session.actor.uai
    uow.audit.append(
        audit.AuditEvent.by(
            session.actor,
            session.access,
            at=now,
            action=CONSULT,
            outcome=outcome,
            account_id=account_id,
            uai=str(uai) if uai else None,
            reason=reason,
        )
    )
