"""The account state machine: a declarative table of states, events and guards.

Read :data:`TRANSITIONS` as the specification; ``docs/states.md`` draws it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Final

import attrs

from .errors import TransitionNotAllowed
from .routes import Route

__all__ = [
    "TRANSITIONS",
    "AccountState",
    "Event",
    "Facts",
    "Transition",
    "allowed_events",
    "next_state",
]


class AccountState(enum.Enum):
    """Account states (our decision; see docs/states.md)."""

    NOT_ACTIVATED = "not_activated"
    NOTIFIED = "notified"
    ACTIVATED = "activated"
    PASSWORD_RESET = "password_reset"
    DEACTIVATED = "deactivated"

    @property
    def label_fr(self) -> str:
        return _LABELS_FR[self]


_LABELS_FR: Final = {
    AccountState.NOT_ACTIVATED: "non activé",
    AccountState.NOTIFIED: "notifié (identifiants provisoires)",
    AccountState.ACTIVATED: "activé",
    AccountState.PASSWORD_RESET: "mot de passe réinitialisé",
    AccountState.DEACTIVATED: "désactivé",
}


class Event(enum.Enum):
    """What can happen to an account."""

    NOTIFY = "notify"  # provisional credentials issued (paper or email)
    ACTIVATE = "activate"  # the identity provider reports a completed activation
    RESET_PASSWORD = "reset_password"  # the school issues a new provisional password
    PASSWORD_CHANGED = "password_changed"  # the user replaced the provisional password
    DEACTIVATE = "deactivate"  # student left / legal status lost / school decision
    REACTIVATE = "reactivate"  # back in the source data, or school decision
    #: a service behind EduConnect saw the holder sign in: the account is active
    SIGN_IN_OBSERVED = "sign_in_observed"


@attrs.frozen
class Facts:
    """What guards may look at, besides the state."""

    ever_activated: bool = False
    route: Route | None = None
    credential_valid: bool = False


Guard = Callable[[Facts], bool]


def _always(facts: Facts) -> bool:
    return True


def _was_activated(facts: Facts) -> bool:
    return facts.ever_activated


def _never_activated(facts: Facts) -> bool:
    return not facts.ever_activated


def _without_school_credentials(facts: Facts) -> bool:
    return facts.route is not None and not facts.route.provisional


def _with_valid_credentials_or_other_route(facts: Facts) -> bool:
    return facts.route is not None and (not facts.route.provisional or facts.credential_valid)


@attrs.frozen
class Transition:
    source: AccountState
    event: Event
    target: AccountState
    guard: Guard = _always
    guard_doc: str = ""


S = AccountState
E = Event

#: The whole state machine. Order matters only among rows of one (source, event):
#: the first row whose guard holds wins.
TRANSITIONS: Final[tuple[Transition, ...]] = (
    Transition(S.NOT_ACTIVATED, E.NOTIFY, S.NOTIFIED),
    Transition(S.NOTIFIED, E.NOTIFY, S.NOTIFIED),  # a new letter replaces the old
    Transition(
        S.NOT_ACTIVATED,
        E.ACTIVATE,
        S.ACTIVATED,
        _without_school_credentials,
        "route is FranceConnect, SMS or ATEN (no letter was issued)",
    ),
    Transition(
        S.NOTIFIED,
        E.ACTIVATE,
        S.ACTIVATED,
        _with_valid_credentials_or_other_route,
        "provisional credentials still valid, or another route",
    ),
    Transition(S.NOT_ACTIVATED, E.SIGN_IN_OBSERVED, S.ACTIVATED),
    Transition(S.NOTIFIED, E.SIGN_IN_OBSERVED, S.ACTIVATED),
    Transition(S.ACTIVATED, E.RESET_PASSWORD, S.PASSWORD_RESET),
    Transition(S.PASSWORD_RESET, E.RESET_PASSWORD, S.PASSWORD_RESET),
    Transition(S.PASSWORD_RESET, E.PASSWORD_CHANGED, S.ACTIVATED),
    Transition(S.NOT_ACTIVATED, E.DEACTIVATE, S.DEACTIVATED),
    Transition(S.NOTIFIED, E.DEACTIVATE, S.DEACTIVATED),
    Transition(S.ACTIVATED, E.DEACTIVATE, S.DEACTIVATED),
    Transition(S.PASSWORD_RESET, E.DEACTIVATE, S.DEACTIVATED),
    Transition(S.DEACTIVATED, E.REACTIVATE, S.ACTIVATED, _was_activated, "was activated before"),
    Transition(S.DEACTIVATED, E.REACTIVATE, S.NOT_ACTIVATED, _never_activated, "never activated"),
)

_INDEX: Final[Mapping[tuple[AccountState, Event], tuple[Transition, ...]]] = {
    (s, e): tuple(t for t in TRANSITIONS if t.source is s and t.event is e)
    for s in AccountState
    for e in Event
}


def next_state(state: AccountState, event: Event, facts: Facts = Facts()) -> AccountState:
    """The state after ``event``; raises :class:`TransitionNotAllowed` if none."""
    for transition in _INDEX[(state, event)]:
        if transition.guard(facts):
            return transition.target
    raise TransitionNotAllowed(state.value, event.value, reason_fr=_refusal_fr(state, event))


def allowed_events(state: AccountState, facts: Facts = Facts()) -> frozenset[Event]:
    """Events that have a transition from ``state`` given ``facts``."""
    return frozenset(e for e in Event if any(t.guard(facts) for t in _INDEX[(state, e)]))


_ACTION_FR: Final = {
    E.NOTIFY: "notifier le compte",
    E.ACTIVATE: "activer le compte",
    E.RESET_PASSWORD: "réinitialiser le mot de passe",
    E.PASSWORD_CHANGED: "changer le mot de passe provisoire",
    E.DEACTIVATE: "désactiver le compte",
    E.REACTIVATE: "réactiver le compte",
    E.SIGN_IN_OBSERVED: "enregistrer une connexion observée",
}


def _refusal_fr(state: AccountState, event: Event) -> str:
    return f"Impossible de {_ACTION_FR[event]} : le compte est « {state.label_fr} »."
