"""DELEG-CE delegations as records: granted, listed and revoked by a head of
school through the service, read from the store when a delegate acts.

A delegation is never a claim of the caller: :meth:`Delegations.session_of`
builds a delegate's session from the delegation the store holds for them in
their school, in force now. Every grant and revocation, allowed or refused, is
an audit event (``action`` ``grant_delegation`` / ``revoke_delegation``, the
delegation's id in ``reason`` as ``delegation:ID``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from . import audit
from .actions import Action
from .errors import NotFound, PermissionDenied
from .people import Profile
from .permissions import AccessContext, Actor, Delegation, Right, Role
from .ports import Clock, RandomSource
from .service import Session
from .storage import Store, UnitOfWork
from .values import Uai, as_uai

__all__ = ["GRANT", "REVOKE", "Delegations"]

GRANT = "grant_delegation"
REVOKE = "revoke_delegation"
_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Delegations:
    """The delegation use cases over a store, a clock and randomness (for ids)."""

    def __init__(self, store: Store, clock: Clock, random: RandomSource) -> None:
        self._store = store
        self._clock = clock
        self._random = random

    def grant(
        self,
        session: Session,
        *,
        delegate_id: str,
        profiles: Iterable[Profile],
        actions: Iterable[Action],
        expires_at: dt.datetime,
    ) -> Delegation:
        """A new delegation from the head acting in ``session`` to ``delegate_id``."""
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            try:
                _require_head_access(session)
                delegation = Delegation.grant(
                    session.actor,
                    delegation_id=self._new_id(),
                    delegate_id=delegate_id,
                    profiles=profiles,
                    actions=actions,
                    at=now,
                    expires_at=expires_at,
                )
            except PermissionDenied as exc:
                _event(uow, session, GRANT, now, audit.Outcome.REFUSED, exc.missing_right)
                uow.commit()
                raise
            uow.delegations.put(delegation)
            _event(uow, session, GRANT, now, audit.Outcome.ALLOWED, _tag(delegation))
            uow.commit()
        return delegation

    def revoke(self, session: Session, delegation_id: str) -> Delegation:
        """The delegation revoked now by the head of its school (a no-op if it was)."""
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            try:
                _require_head_access(session)
                delegation = uow.delegations.get(delegation_id)
                if delegation.uai != session.actor.uai:  # another school's looks like none
                    raise NotFound(f"no delegation {delegation_id!r}")
                revoked = delegation.revoke(session.actor, now)
            except PermissionDenied as exc:
                _event(uow, session, REVOKE, now, audit.Outcome.REFUSED, exc.missing_right)
                uow.commit()
                raise
            uow.delegations.put(revoked)
            _event(uow, session, REVOKE, now, audit.Outcome.ALLOWED, _tag(revoked))
            uow.commit()
        return revoked

    def of_school(self, session: Session) -> list[Delegation]:
        """The delegations of the head's school, in force or not."""
        _require_head_access(session)
        assert session.actor.uai is not None
        with self._store.unit_of_work() as uow:
            return uow.delegations.of_school(session.actor.uai)

    def session_of(self, delegate_id: str, uai: Uai | str, access: AccessContext) -> Session:
        """The session of a delegate of school ``uai``, from the delegation in force
        now; :class:`PermissionDenied` (``delegation:in_force``) without one."""
        uai = as_uai(uai)
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            found = [d for d in uow.delegations.of_delegate(delegate_id) if d.uai == uai]
        in_force = [d for d in found if d.in_force_at(now)]
        if not in_force:
            why = "no delegation in force for this person in this school"
            if found:
                why = f"delegation {found[-1].delegation_id} is no longer in force"
            raise PermissionDenied(Right.DELEGATION_IN_FORCE, f"permission denied: {why}")
        return Session(Actor.delegate(in_force[-1]), access)

    def _new_id(self) -> str:
        suffix = "".join(self._random.choice(_ID_ALPHABET) for _ in range(8))
        return f"DELEG-CE-{suffix}"


def _require_head_access(session: Session) -> None:
    actor, access = session.actor, session.access
    if actor.role is not Role.CHEF_ETABLISSEMENT or actor.uai is None:
        raise PermissionDenied(
            Right.GRANT_DELEGATION,
            "permission denied: only a chef d'établissement manages DELEG-CE delegations",
        )
    if not (access.otp or access.administrative_network):
        raise PermissionDenied(
            Right.ACCESS,
            "permission denied: access needs an OTP authentication or the administrative network",
        )


def _tag(delegation: Delegation) -> str:
    return f"delegation:{delegation.delegation_id}"


def _event(
    uow: UnitOfWork,
    session: Session,
    action: str,
    now: dt.datetime,
    outcome: audit.Outcome,
    reason: str,
) -> None:
    uai = session.actor.uai
    uow.audit.append(
        audit.AuditEvent.by(
            session.actor,
            session.access,
            at=now,
            action=action,
            outcome=outcome,
            uai=str(uai) if uai else None,
            reason=reason,
        )
    )
