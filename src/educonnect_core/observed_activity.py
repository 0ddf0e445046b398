"""What the sign-ins say of a school: observed activation, never seen, dormant.

:func:`observed_activity` reads one school's accounts, their classes (from the
eligibility snapshots), their observations (:mod:`educonnect_core.observations`)
and their latest deliveries, and counts, over the accounts not deactivated:

* **observed**: a sign-in was seen (the account is active for sure), by class
  and by route (``unknown`` when the sign-in did not tell it);
* **never seen**: no sign-in was ever seen (whatever the declared state);
* **dormant**: seen, but not for longer than ``dormant_after`` (90 days by default);
* **declared, never seen**: activated as the school declared it, with no sign-in;
* **letters without sign-in**: a letter was handed out (latest delivery
  delivered) and no sign-in has been seen since: the gap between letters
  issued and activations observed.

``stats``, the HTML report and the library read these figures from here only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Final

import attrs

from .states import AccountState
from .storage import UnitOfWork
from .values import Uai

__all__ = ["DORMANT_AFTER", "ClassActivity", "ObservedActivity", "observed_activity"]

#: Seen, then not for this long: dormant (a school term and a half).
DORMANT_AFTER: Final = dt.timedelta(days=90)
#: The class of an account without one (a responsable whose children have none).
NO_CLASS: Final = ""
_DECLARED_ACTIVE: Final = (AccountState.ACTIVATED, AccountState.PASSWORD_RESET)


@attrs.frozen
class ClassActivity:
    """One class: accounts (not deactivated) and those seen signing in."""

    division: str
    accounts: int
    observed: int

    @property
    def rate(self) -> float | None:
        return self.observed / self.accounts if self.accounts else None


@attrs.frozen
class ObservedActivity:
    """The observed figures of one school at ``at`` (see the module docstring)."""

    uai: Uai
    at: dt.datetime
    dormant_after: dt.timedelta
    accounts: int
    observed: int
    never_seen: int
    dormant: int
    declared_never_seen: int
    letters: int
    letters_without_sign_in: int
    by_class: tuple[ClassActivity, ...]
    #: observed accounts by the route of the sign-in (``unknown``: not told)
    by_route: Mapping[str, int]

    @property
    def rate(self) -> float | None:
        return self.observed / self.accounts if self.accounts else None


def observed_activity(
    uow: UnitOfWork, uai: Uai, at: dt.datetime, *, dormant_after: dt.timedelta = DORMANT_AFTER
) -> ObservedActivity:
    """The observed figures of school ``uai`` at ``at``."""
    accounts = [a for a in uow.accounts.of_school(uai) if a.state is not AccountState.DEACTIVATED]
    ids = [a.account_id for a in accounts]
    observations = {o.account_id: o for o in uow.sign_ins.of_school(uai)}
    snapshots = uow.eligibility.get_many(ids)
    letters = {i: d for i, d in uow.deliveries.latest_per_account(ids).items() if d.delivered}
    classes: Counter[str] = Counter()
    seen_in: Counter[str] = Counter()
    routes: Counter[str] = Counter()
    dormant = declared_never_seen = without = 0
    for account in accounts:
        observation = observations.get(account.account_id)
        snapshot = snapshots.get(account.account_id)
        divisions = (snapshot.divisions if snapshot else ()) or (NO_CLASS,)
        classes.update(divisions)
        letter = letters.get(account.account_id)
        if observation is None:
            declared_never_seen += account.state in _DECLARED_ACTIVE
            without += letter is not None
            continue
        seen_in.update(divisions)
        routes[observation.route.value if observation.route else "unknown"] += 1
        dormant += observation.dormant_on(at, dormant_after)
        without += letter is not None and observation.last_seen < letter.at
    observed = sum(1 for a in accounts if a.account_id in observations)
    return ObservedActivity(
        uai=uai,
        at=at,
        dormant_after=dormant_after,
        accounts=len(accounts),
        observed=observed,
        never_seen=len(accounts) - observed,
        dormant=dormant,
        declared_never_seen=declared_never_seen,
        letters=len(letters),
        letters_without_sign_in=without,
        by_class=tuple(
            ClassActivity(d, classes[d], seen_in[d])
            for d in sorted(classes, key=lambda d: (d.upper().replace(" ", ""), d))
        ),
        by_route=dict(sorted(routes.items())),
    )
