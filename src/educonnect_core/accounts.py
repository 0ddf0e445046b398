"""Accounts: one per élève and per legal responsable, driven by the state machine."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Final, Self

import attrs

from .errors import ActionRefused, InvalidValue
from .people import Profile
from .routes import Route
from .states import AccountState, Event, Facts, next_state
from .values import EmailAddress, Uai

__all__ = [
    "NOTIFICATION_VALIDITY_MONTHS",
    "RESERVED_REASON_PREFIX",
    "Account",
    "ProvisionalCredential",
    "add_months",
]

#: Deactivation reasons starting with it are the synchronisation's own: it
#: reactivates what it deactivated, and no person may give such a reason.
RESERVED_REASON_PREFIX: Final = "sync:"

#: A notification letter is valid 3 months from its document date (domain ref §2).
NOTIFICATION_VALIDITY_MONTHS: Final = 3


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@attrs.frozen
class ProvisionalCredential:
    """A provisional password handed out by the school, as its slow salted hash.

    The clear password never lives here: only in the notification given to a
    channel.
    """

    password_hash: str
    document_date: dt.date
    valid_until: dt.date
    channel: str | None = None

    @classmethod
    def issue(cls, password_hash: str, document_date: dt.date, channel: str | None = None) -> Self:
        return cls(
            password_hash=password_hash,
            document_date=document_date,
            valid_until=add_months(document_date, NOTIFICATION_VALIDITY_MONTHS),
            channel=channel,
        )

    def expired_on(self, day: dt.date) -> bool:
        """Valid through ``valid_until`` inclusive."""
        return day > self.valid_until


def _profile_prefix(profile: Profile) -> str:
    return "E" if profile is Profile.ELEVE else "R"


@attrs.frozen
class Account:
    """An EduConnect account. Change it only through :meth:`apply` (or ``evolve``
    for data that the state machine does not govern)."""

    uai: Uai
    profile: Profile
    siecle_id: str
    identifier: str | None = None
    state: AccountState = AccountState.NOT_ACTIVATED
    route: Route | None = None
    credential: ProvisionalCredential | None = None
    created_at: dt.datetime | None = None
    activated_at: dt.datetime | None = None
    deactivated_at: dt.datetime | None = None
    deactivation_reason: str | None = None
    #: email the user typed at first login: it belongs to the account, not SIECLE.
    email: EmailAddress | None = None
    has_aten_credentials: bool = False
    version: int = 0

    @property
    def account_id(self) -> str:
        """Stable id: profile letter, UAI and SIECLE id (``R-0990007V-5301001``)."""
        return self.make_id(self.uai, self.profile, self.siecle_id)

    @staticmethod
    def make_id(uai: Uai, profile: Profile, siecle_id: str) -> str:
        return f"{_profile_prefix(profile)}-{uai}-{siecle_id}"

    @classmethod
    def open(
        cls,
        uai: Uai,
        profile: Profile,
        siecle_id: str,
        *,
        at: dt.datetime | None = None,
        identifier: str | None = None,
    ) -> Self:
        """A new, not activated account."""
        if not siecle_id:
            raise InvalidValue("Account.siecle_id", siecle_id, "expected a non-empty id")
        return cls(
            uai=uai, profile=profile, siecle_id=siecle_id, identifier=identifier, created_at=at
        )

    @property
    def ever_activated(self) -> bool:
        return self.activated_at is not None

    def credential_valid_on(self, day: dt.date) -> bool:
        return self.credential is not None and not self.credential.expired_on(day)

    def apply(
        self,
        event: Event,
        at: dt.datetime,
        *,
        route: Route | None = None,
        credential: ProvisionalCredential | None = None,
        reason: str | None = None,
    ) -> Account:
        """The account after ``event`` at ``at``.

        Raises :class:`~educonnect_core.errors.TransitionNotAllowed` when the
        state machine refuses the event, and :class:`ActionRefused` when the
        event lacks what it needs (a route for ``ACTIVATE``, a credential for
        ``NOTIFY`` and ``RESET_PASSWORD``).
        """
        if event is Event.ACTIVATE or (event is Event.SIGN_IN_OBSERVED and route is not None):
            if route is None:
                raise ActionRefused("ACTIVATE needs the route", reason_fr="parcours inconnu")
            if self.profile not in route.profiles:
                raise ActionRefused(
                    f"route {route.value} is not open to profile {self.profile.value}",
                    reason_fr=f"le parcours « {route.label_fr} » n'est pas ouvert "
                    f"aux comptes {self.profile.value}",
                )
        if event in (Event.NOTIFY, Event.RESET_PASSWORD) and credential is None:
            raise ActionRefused(f"{event.value} needs a provisional credential")
        facts = Facts(
            ever_activated=self.ever_activated,
            route=route,
            credential_valid=self.credential_valid_on(at.date()),
        )
        target = next_state(self.state, event, facts)
        if event in (Event.NOTIFY, Event.RESET_PASSWORD):
            return attrs.evolve(self, state=target, credential=credential)
        if event in (Event.ACTIVATE, Event.SIGN_IN_OBSERVED):
            # an observed sign-in may not tell the route: ``route`` stays None
            return attrs.evolve(self, state=target, route=route, activated_at=at, credential=None)
        if event is Event.PASSWORD_CHANGED:
            return attrs.evolve(self, state=target, credential=None)
        if event is Event.DEACTIVATE:
            return attrs.evolve(
                self, state=target, deactivated_at=at, deactivation_reason=reason, credential=None
            )
        # REACTIVATE
        credential_kept = self.credential if target is AccountState.ACTIVATED else None
        return attrs.evolve(
            self,
            state=target,
            deactivated_at=None,
            deactivation_reason=None,
            credential=credential_kept,
        )
