"""Keep an account's stored eligibility snapshot in step with the account.

Queries by route or blocker and the statistics read the snapshot, so every
write that can change an account's eligibility (an import, a sync, an
administration action) refreshes it through :func:`refresh_snapshot`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .accounts import Account
from .eligibility import Child, Eligibility, EvaluationContext, evaluate
from .errors import NotFound
from .people import Eleve, Profile, Responsable
from .schedule import RefreshSchedule
from .storage import EligibilitySnapshot, UnitOfWork

__all__ = ["divisions_of_children", "refresh_snapshot", "snapshot_for", "snapshot_of"]

DEFAULT_SCHEDULE = RefreshSchedule()


def divisions_of_children(children: Sequence[Child]) -> list[str | None]:
    """The classes of a responsable: those of their current legal children."""
    return [c.eleve.division for c in children if c.link.legal and c.eleve.current]


def snapshot_for(
    account_id: str,
    person: Eleve | Responsable,
    eligibility: Eligibility,
    children: Sequence[Child],
    at: dt.datetime,
) -> EligibilitySnapshot:
    """The one builder of a stored snapshot: the eligibility, the classes (the
    student's, or a responsable's current legal children's) and the name key."""
    divisions = [person.division] if isinstance(person, Eleve) else divisions_of_children(children)
    return EligibilitySnapshot.of(
        account_id, eligibility, divisions=divisions, name=person.name, at=at
    )


def snapshot_of(
    uow: UnitOfWork,
    account: Account,
    at: dt.datetime,
    schedule: RefreshSchedule = DEFAULT_SCHEDULE,
) -> EligibilitySnapshot | None:
    """The account's snapshot from the stored source data, or ``None`` without it."""
    try:
        ctx = EvaluationContext.for_school(uow.people.get_school(account.uai), at, schedule)
        person: Eleve | Responsable
        if account.profile is Profile.ELEVE:
            person = uow.people.get_eleve(account.uai, account.siecle_id)
            children: list[Child] = []
        else:
            person = uow.people.get_responsable(account.uai, account.siecle_id)
            children = uow.people.children(account.uai, account.siecle_id)
    except NotFound:
        return None
    eligibility = evaluate(person, ctx, account=account, children=children)
    return snapshot_for(account.account_id, person, eligibility, children, at)


def refresh_snapshot(
    uow: UnitOfWork,
    account: Account,
    at: dt.datetime,
    schedule: RefreshSchedule = DEFAULT_SCHEDULE,
) -> None:
    """Recompute and store the account's snapshot (nothing without source data)."""
    snapshot = snapshot_of(uow, account, at, schedule)
    if snapshot is not None:
        uow.eligibility.put(snapshot)
