"""``check``: the plan of an export against an empty school, stored nowhere.

:func:`check_export` runs the synchronisation's planner
(:mod:`educonnect_core.sync`) on a school the store does not hold: the accounts
it would open, with their eligibility, are exactly what ``import`` or ``sync``
into an empty store stores. Nothing else decides who gets an account or how it
is evaluated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import attrs

from .accounts import Account
from .eligibility import Eligibility, EvaluationContext
from .export import Export
from .people import Profile
from .ports import ExportReader
from .schedule import RefreshSchedule
from .sync import _plan, _Stored
from .timebounds import bounded

__all__ = ["CheckResult", "check_export"]


@attrs.frozen
class CheckResult:
    """The export read, and the eligibility of every account it would open."""

    export: Export
    at: dt.datetime
    #: account id → eligibility, for every account the export opens
    accounts: Mapping[str, Eligibility]
    #: people read who get no account, by profile
    not_opened: tuple[tuple[Profile, str], ...]

    def eligibilities(self) -> Iterator[Eligibility]:
        """Students' accounts in the export's order, then the responsables'."""
        uai = self.export.school.uai
        for profile, ids in (
            (Profile.ELEVE, self.export.eleves),
            (Profile.RESPONSABLE, self.export.responsables),
        ):
            for siecle_id in ids:
                answer = self.accounts.get(Account.make_id(uai, profile, siecle_id))
                if answer is not None:
                    yield answer


def check_export(
    export: Export | ExportReader, at: dt.datetime, schedule: RefreshSchedule | None = None
) -> CheckResult:
    """Plan ``export`` against an empty school, evaluated at ``at`` (aware)."""
    bounded("check_export: at", at)
    if not isinstance(export, Export):
        export = Export.read(export)
    ctx = EvaluationContext.for_school(export.school, at, schedule)
    plan = _plan(export.school.uai, export, _Stored.empty(), ctx, keep_eligibilities=True)
    return CheckResult(export, at, plan.eligibilities, tuple(plan.not_opened))
