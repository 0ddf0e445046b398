"""Keep an account's stored eligibility snapshot in step with the account.

Queries by route or blocker and the statistics read the snapshot, so every
write that can change an account's eligibility (an import, a sync, an
administration action) refreshes it through :func:`refresh_snapshot`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .accounts import Account
from .eligibility import Child, EvaluationContext, evaluate
from .errors import NotFound
from .people import Profile
from .schedule import RefreshSchedule
from .storage import EligibilitySnapshot, UnitOfWork

__all__ = ["divisions_of_children", "refresh_snapshot", "snapshot_of"]

DEFAULT_SCHEDULE = RefreshSchedule()


def divisions_of_children(children: Sequence[Child]) -> list[str | None]:
    """The classes of a responsable: those of their current legal children."""
    return [c.eleve.division for c in children if c.link.legal and c.eleve.current]


def snapshot_of(
    uow: UnitOfWork,
    account: Account,
    at: dt.datetime,
    schedule: RefreshSchedule = DEFAULT_SCHEDULE,
) -> EligibilitySnapshot | None:
    """The account's snapshot from the stored source data, or ``None`` without it."""
    try:
        school = uow.people.get_school(account.uai)
        ctx = EvaluationContext(
            at=at, schedule=schedule, school_year=school.school_year, degree=school.degree
        )
        if account.profile is Profile.ELEVE:
            eleve = uow.people.get_eleve(account.uai, account.siecle_id)
            return EligibilitySnapshot.of(
                account.account_id,
                evaluate(eleve, ctx, account=account),
                divisions=[eleve.division],
                name=eleve.name,
                at=at,
            )
        responsable = uow.people.get_responsable(account.uai, account.siecle_id)
    except NotFound:
        return None
    children = uow.people.children(account.uai, account.siecle_id)
    return EligibilitySnapshot.of(
        account.account_id,
        evaluate(responsable, ctx, account=account, children=children),
        divisions=divisions_of_children(children),
        name=responsable.name,
        at=at,
    )


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
