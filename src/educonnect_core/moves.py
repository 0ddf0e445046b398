"""Changes of school seen by a synchronisation: arrivals of known persons, departures.

A pupil moving from the collège to the lycée, or a family moving, gets a new
per-school account at the school that receives them; the real EduConnect
account persists (same identifier and password). After a sync,
:func:`school_moves` reads the changeset against the person level
(:mod:`educonnect_core.persons`):

* an **arrival** is an account the sync opened for a person already known at
  another school; when that person is active, the school needs **no letter**:
  the person keeps their state and identifier;
* a **departure** is an account the sync deactivated; ``continues_at`` names
  the other schools where the person still has a live record.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from .changeset import AccountChangeKind, Changeset
from .people import Profile
from .persons import PersonView, load_persons
from .states import AccountState
from .storage import UnitOfWork
from .values import Uai

__all__ = ["Arrival", "Departure", "SchoolMoves", "moves_in", "school_moves"]


@attrs.frozen
class Arrival:
    """An account opened for a person known at another school."""

    account_id: str
    profile: Profile
    person_id: str
    state: AccountState
    identifier: str | None
    from_schools: tuple[Uai, ...]

    @property
    def needs_letter(self) -> bool:
        """Only a person not yet active needs the school's letter."""
        return self.state not in (AccountState.ACTIVATED, AccountState.PASSWORD_RESET)


@attrs.frozen
class Departure:
    """An account the sync deactivated, and where the person continues."""

    account_id: str
    profile: Profile
    person_id: str
    reason: str | None
    continues_at: tuple[Uai, ...] = ()


@attrs.frozen
class SchoolMoves:
    """The changes of school of one sync of ``uai``."""

    uai: Uai
    arrivals: tuple[Arrival, ...] = ()
    departures: tuple[Departure, ...] = ()

    @property
    def no_letter(self) -> tuple[Arrival, ...]:
        """Arrivals already active elsewhere: no letter to hand out."""
        return tuple(a for a in self.arrivals if not a.needs_letter)

    def lines_fr(self) -> Iterator[str]:
        """Plain French lines for the school's report."""
        for a in self.no_letter:
            yield (
                f"{a.account_id} : déjà activé (identifiant {a.identifier or '—'}, venant de "
                f"{', '.join(map(str, a.from_schools))}) : aucune notification à remettre."
            )
        for a in self.arrivals:
            if a.needs_letter:
                yield (
                    f"{a.account_id} : connu dans {', '.join(map(str, a.from_schools))}, "
                    "pas encore activé : à notifier."
                )
        for d in self.departures:
            where = ", ".join(map(str, d.continues_at))
            yield f"{d.account_id} : départ" + (f" (suit dans {where})" if where else "") + "."


def moves_in(view: PersonView, changeset: Changeset) -> SchoolMoves:
    """The changes of school in ``changeset``, read against ``view`` (after the sync)."""
    arrivals: list[Arrival] = []
    departures: list[Departure] = []
    for change in changeset.accounts:
        person = view.persons.of_account(change.account_id)
        if person is None:
            continue
        others = tuple(
            m.uai
            for m in person.members
            if m.account_id != change.account_id and m.account_id in view.accounts
        )
        if change.kind is AccountChangeKind.CREATED and others:
            status = view.status_of_account(change.account_id)
            assert status is not None
            arrivals.append(
                Arrival(
                    change.account_id,
                    change.profile,
                    person.person_id,
                    status.state,
                    status.identifier,
                    tuple(sorted(set(others), key=str)),
                )
            )
        elif change.kind is AccountChangeKind.DEACTIVATED:
            live = tuple(
                sorted(
                    {
                        m.uai
                        for m in person.members
                        if m.account_id != change.account_id
                        and m.account_id in view.accounts
                        and view.accounts[m.account_id].state is not AccountState.DEACTIVATED
                    },
                    key=str,
                )
            )
            departures.append(
                Departure(change.account_id, change.profile, person.person_id, change.reason, live)
            )
    return SchoolMoves(changeset.uai, tuple(arrivals), tuple(departures))


def school_moves(uow: UnitOfWork, changeset: Changeset) -> SchoolMoves:
    """The changes of school of an applied ``changeset``, against the whole store."""
    return moves_in(load_persons(uow), changeset)
