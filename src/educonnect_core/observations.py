"""Observed activity: what services behind EduConnect saw, kept apart from what
the school declared.

An :class:`Observation` holds, for one account, the national EduConnect id
(``FrEduCtId``) its holder signed in with and the first and last sign-in seen.
Observations merge by taking the earliest first sign-in and the latest last one,
so recording the same sign-ins twice, or in another order, gives the same
observation. The account's state (:mod:`educonnect_core.states`) moves to
``activated`` on the first observation; the observation itself is stored by
:class:`SignInLog`, never mixed into the account's declared history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Protocol, Self

import attrs

from .errors import InvalidValue
from .routes import Route
from .values import Uai

__all__ = ["Observation", "SignInLog"]


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise InvalidValue("Observation.first_seen", value, "expected an aware datetime")
    return value


@attrs.frozen
class Observation:
    """Sign-ins seen for one account (``route`` when the sign-in told it)."""

    account_id: str
    ct_id: str
    first_seen: dt.datetime = attrs.field(converter=_aware)
    last_seen: dt.datetime = attrs.field(converter=_aware)
    route: Route | None = None

    def __attrs_post_init__(self) -> None:
        if self.last_seen < self.first_seen:
            raise InvalidValue(
                "Observation.last_seen", self.last_seen, f"expected {self.first_seen} or later"
            )

    @classmethod
    def of(cls, account_id: str, ct_id: str, at: dt.datetime, route: Route | None = None) -> Self:
        """One sign-in at ``at``."""
        return cls(account_id, ct_id, at, at, route)

    @property
    def uai(self) -> Uai:
        """The school of the account (from its id, ``E-0990007V-1001``)."""
        return Uai.parse(self.account_id.split("-")[1])

    def merge(self, other: Observation) -> Observation:
        """Both observations of the same account as one (order does not matter)."""
        if other.account_id != self.account_id:
            raise InvalidValue("Observation.account_id", other.account_id, self.account_id)
        first = min(self, other, key=lambda o: (o.first_seen, o.ct_id))
        return Observation(
            self.account_id,
            first.ct_id,
            first.first_seen,
            max(self.last_seen, other.last_seen),
            first.route if first.route is not None else self.route or other.route,
        )

    def dormant_on(self, day: dt.datetime, after: dt.timedelta) -> bool:
        """Not seen for longer than ``after`` on ``day``."""
        return day - self.last_seen > after


class SignInLog(Protocol):
    """The store's observations (``uow.sign_ins``), one per account.

    The core merges observations (:meth:`Observation.merge`); the store only
    keeps the latest value it is given per account.
    """

    def put_many(self, observations: Iterable[Observation]) -> int:
        """Insert or replace each account's observation; returns how many."""
        ...

    def get_many(self, account_ids: Iterable[str]) -> dict[str, Observation]:
        """The observations of those accounts that have one."""
        ...

    def linked(self, ct_ids: Iterable[str]) -> dict[str, list[str]]:
        """For each ``FrEduCtId`` carried by some observation, the ids of those
        accounts, sorted (one statement per few hundred ids)."""
        ...

    def of_school(self, uai: Uai) -> Iterator[Observation]:
        """Every observation of the school's accounts, by account id."""
        ...
