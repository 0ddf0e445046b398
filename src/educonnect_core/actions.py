"""Administration actions and what each may do in each account state.

Built on the state machine (:mod:`educonnect_core.states`): an action that moves
an account is carried by a state machine :class:`~educonnect_core.states.Event`,
and it may change the account only where the machine has a transition. On top
of the machine, :func:`decide` says when an action has nothing to do (so that
repeating it changes nothing) and, when it is refused, says why in words a
school secretary understands, with the next step to take.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

import attrs

from .accounts import Account
from .routes import Route
from .states import AccountState, Event, Facts, allowed_events, next_state

__all__ = [
    "ACTION_EVENTS",
    "IDENTITY_PROVIDER_ACTIONS",
    "STAFF_ACTIONS",
    "STAFF_ACTION_ORDER",
    "Action",
    "Decision",
    "Outcome",
    "decide",
]


class Action(enum.Enum):
    """What can be asked of the administration service."""

    NOTIFY = "notify"
    RESEND_NOTIFICATION = "resend_notification"
    RESET_PASSWORD = "reset_password"
    RECALL_IDENTIFIER = "recall_identifier"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    #: reported by the identity provider, not done by school staff
    RECORD_ACTIVATION = "record_activation"
    RECORD_PASSWORD_CHANGED = "record_password_changed"
    #: a sign-in seen by a service behind EduConnect (:mod:`educonnect_core.observed`)
    RECORD_SIGN_IN = "record_sign_in"

    @property
    def label_fr(self) -> str:
        return _LABELS_FR[self]


_LABELS_FR: Final = {
    Action.NOTIFY: "notifier le compte",
    Action.RESEND_NOTIFICATION: "renvoyer la notification",
    Action.RESET_PASSWORD: "réinitialiser le mot de passe",
    Action.RECALL_IDENTIFIER: "rappeler l'identifiant",
    Action.DEACTIVATE: "désactiver le compte",
    Action.REACTIVATE: "réactiver le compte",
    Action.RECORD_ACTIVATION: "enregistrer l'activation",
    Action.RECORD_PASSWORD_CHANGED: "enregistrer le changement de mot de passe",
    Action.RECORD_SIGN_IN: "enregistrer une connexion observée",
}

#: Actions school staff may perform (and a DELEG-CE delegation may grant), in the
#: order they are offered (the web account page).
STAFF_ACTION_ORDER: Final[tuple[Action, ...]] = (
    Action.NOTIFY,
    Action.RESEND_NOTIFICATION,
    Action.RESET_PASSWORD,
    Action.RECALL_IDENTIFIER,
    Action.DEACTIVATE,
    Action.REACTIVATE,
)
STAFF_ACTIONS: Final[frozenset[Action]] = frozenset(STAFF_ACTION_ORDER)
#: Actions only the identity provider reports.
IDENTITY_PROVIDER_ACTIONS: Final[frozenset[Action]] = frozenset(
    {Action.RECORD_ACTIVATION, Action.RECORD_PASSWORD_CHANGED, Action.RECORD_SIGN_IN}
)

#: The state machine event that carries each action (``None``: no state change).
ACTION_EVENTS: Final[dict[Action, Event | None]] = {
    Action.NOTIFY: Event.NOTIFY,
    Action.RESEND_NOTIFICATION: Event.NOTIFY,
    Action.RESET_PASSWORD: Event.RESET_PASSWORD,
    Action.RECALL_IDENTIFIER: None,
    Action.DEACTIVATE: Event.DEACTIVATE,
    Action.REACTIVATE: Event.REACTIVATE,
    Action.RECORD_ACTIVATION: Event.ACTIVATE,
    Action.RECORD_PASSWORD_CHANGED: Event.PASSWORD_CHANGED,
    Action.RECORD_SIGN_IN: Event.SIGN_IN_OBSERVED,
}

#: States in which an action is allowed at all, narrower than the machine where
#: two actions share one event (notify / resend) or no event (recall).
_ONLY_IN: Final[dict[Action, frozenset[AccountState]]] = {
    Action.NOTIFY: frozenset({AccountState.NOT_ACTIVATED, AccountState.NOTIFIED}),
    Action.RESEND_NOTIFICATION: frozenset({AccountState.NOTIFIED}),
    Action.RECALL_IDENTIFIER: frozenset({AccountState.ACTIVATED, AccountState.PASSWORD_RESET}),
}


class Outcome(enum.Enum):
    """What an action does to one account."""

    CHANGE = "change"
    UNCHANGED = "unchanged"  # nothing to do: already in the wanted state
    REFUSED = "refused"


@attrs.frozen
class Decision:
    """The verdict of :func:`decide`: outcome, state after, and for a refusal or
    a no-op the reason as a stable ``code`` and a sentence in French."""

    action: Action
    state: AccountState
    outcome: Outcome
    target: AccountState
    code: str | None = None
    reason_fr: str | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome is not Outcome.REFUSED


S = AccountState
A = Action

_DEACTIVATED_FR: Final = "Ce compte est désactivé : réactivez-le d'abord."
_ALREADY_ACTIVE_FR: Final = (
    "Ce compte est déjà activé : il n'y a plus de notification à distribuer. "
    "En cas d'oubli, réinitialisez le mot de passe ou rappelez l'identifiant."
)

#: Why an action is refused in a state, with the next step (secretary's words).
_REFUSALS_FR: Final[dict[tuple[Action, AccountState], str]] = {
    (A.NOTIFY, S.ACTIVATED): _ALREADY_ACTIVE_FR,
    (A.NOTIFY, S.PASSWORD_RESET): _ALREADY_ACTIVE_FR,
    (A.NOTIFY, S.DEACTIVATED): _DEACTIVATED_FR,
    (A.RESEND_NOTIFICATION, S.NOT_ACTIVATED): (
        "Ce compte n'a encore reçu aucune notification : utilisez « notifier le compte »."
    ),
    (A.RESEND_NOTIFICATION, S.ACTIVATED): _ALREADY_ACTIVE_FR,
    (A.RESEND_NOTIFICATION, S.PASSWORD_RESET): (
        "Le mot de passe de ce compte a été réinitialisé : pour un nouveau mot de passe "
        "provisoire, réinitialisez-le de nouveau."
    ),
    (A.RESEND_NOTIFICATION, S.DEACTIVATED): _DEACTIVATED_FR,
    (A.RESET_PASSWORD, S.NOT_ACTIVATED): (
        "Ce compte n'est pas encore activé : il n'a pas de mot de passe à réinitialiser. "
        "Notifiez-le pour remettre des identifiants provisoires."
    ),
    (A.RESET_PASSWORD, S.NOTIFIED): (
        "Ce compte n'est pas encore activé : l'utilisateur doit l'activer avec la "
        "notification reçue. Si elle est perdue, renvoyez la notification."
    ),
    (A.RESET_PASSWORD, S.DEACTIVATED): _DEACTIVATED_FR,
    (A.RECALL_IDENTIFIER, S.NOT_ACTIVATED): (
        "Ce compte n'a pas encore d'identifiant : notifiez-le."
    ),
    (A.RECALL_IDENTIFIER, S.NOTIFIED): (
        "L'identifiant figure sur la notification déjà remise ; si elle est perdue, "
        "renvoyez la notification."
    ),
    (A.RECALL_IDENTIFIER, S.DEACTIVATED): _DEACTIVATED_FR,
    (A.RECORD_ACTIVATION, S.ACTIVATED): "Ce compte est déjà activé.",
    (A.RECORD_ACTIVATION, S.PASSWORD_RESET): "Ce compte est déjà activé.",
    (A.RECORD_ACTIVATION, S.DEACTIVATED): ("Ce compte est désactivé : il ne peut pas être activé."),
    (A.RECORD_PASSWORD_CHANGED, S.NOT_ACTIVATED): (
        "Ce compte n'a pas de mot de passe provisoire de réinitialisation en attente."
    ),
    (A.RECORD_PASSWORD_CHANGED, S.NOTIFIED): (
        "Ce compte n'a pas de mot de passe provisoire de réinitialisation en attente."
    ),
    (A.RECORD_PASSWORD_CHANGED, S.ACTIVATED): (
        "Ce compte n'a pas de mot de passe provisoire de réinitialisation en attente."
    ),
    (A.RECORD_PASSWORD_CHANGED, S.DEACTIVATED): _DEACTIVATED_FR,
    (A.RECORD_SIGN_IN, S.DEACTIVATED): (
        "Ce compte est désactivé, mais son titulaire s'est connecté : vérifiez dans "
        "SIECLE s'il doit encore avoir un compte."
    ),
}

#: No-ops: the account is already where the action would put it.
_UNCHANGED_FR: Final[dict[tuple[Action, AccountState], str]] = {
    (A.DEACTIVATE, S.DEACTIVATED): "Ce compte est déjà désactivé.",
    (A.REACTIVATE, S.NOT_ACTIVATED): "Ce compte n'est pas désactivé.",
    (A.REACTIVATE, S.NOTIFIED): "Ce compte n'est pas désactivé.",
    (A.REACTIVATE, S.ACTIVATED): "Ce compte n'est pas désactivé.",
    (A.REACTIVATE, S.PASSWORD_RESET): "Ce compte n'est pas désactivé.",
    (A.RECORD_SIGN_IN, S.ACTIVATED): "Ce compte est déjà activé.",
    (A.RECORD_SIGN_IN, S.PASSWORD_RESET): "Ce compte est déjà activé.",
}


_UNCHANGED_CODES: Final = {
    A.DEACTIVATE: "already_deactivated",
    A.REACTIVATE: "not_deactivated",
    A.RECORD_SIGN_IN: "already_activated",
}


def _refused(action: Action, state: AccountState, code: str, reason_fr: str) -> Decision:
    return Decision(action, state, Outcome.REFUSED, state, code, reason_fr)


def decide(
    action: Action, account: Account, day: dt.date, *, route: Route | None = None
) -> Decision:
    """What ``action`` would do to ``account`` on ``day``.

    ``route`` is the activation route, for :attr:`Action.RECORD_ACTIVATION`.
    A notification still valid on ``day`` makes :attr:`Action.NOTIFY` a no-op
    (use :attr:`Action.RESEND_NOTIFICATION` to replace it); an expired one is
    replaced.
    """
    state = account.state
    if (action, state) in _UNCHANGED_FR:
        code = _UNCHANGED_CODES[action]
        return Decision(
            action, state, Outcome.UNCHANGED, state, code, _UNCHANGED_FR[(action, state)]
        )
    if action is A.NOTIFY and state is S.NOTIFIED and account.credential_valid_on(day):
        assert account.credential is not None
        until = account.credential.valid_until.strftime("%d/%m/%Y")
        return Decision(
            action,
            state,
            Outcome.UNCHANGED,
            state,
            "notification_still_valid",
            f"Ce compte a déjà une notification valable jusqu'au {until} ; pour la "
            "remplacer, utilisez « renvoyer la notification ».",
        )
    allowed_here = _ONLY_IN.get(action)
    if allowed_here is not None and state not in allowed_here:
        return _refused(action, state, f"state_{state.value}", _refusal_fr(action, state))
    if action is A.RECALL_IDENTIFIER and account.identifier is None:
        return _refused(
            action, state, "no_identifier", "Ce compte n'a pas encore d'identifiant : notifiez-le."
        )
    event = ACTION_EVENTS[action]
    if event is None:
        return Decision(action, state, Outcome.CHANGE, state)
    facts = Facts(
        ever_activated=account.ever_activated,
        route=route,
        credential_valid=account.credential_valid_on(day),
    )
    if event in allowed_events(state, facts):
        return Decision(action, state, Outcome.CHANGE, next_state(state, event, facts))
    if action is A.RECORD_ACTIVATION and route is not None and route.provisional:
        return _refused_provisional(account, day)
    return _refused(action, state, f"state_{state.value}", _refusal_fr(action, state))


def _refused_provisional(account: Account, day: dt.date) -> Decision:
    state = account.state
    if account.credential is None:
        return _refused(
            A.RECORD_ACTIVATION,
            state,
            "no_notification",
            "Aucune notification n'a été émise pour ce compte : il ne peut pas être "
            "activé avec des identifiants provisoires. Notifiez-le.",
        )
    until = account.credential.valid_until.strftime("%d/%m/%Y")
    return _refused(
        A.RECORD_ACTIVATION,
        state,
        "notification_expired",
        f"La notification de ce compte a expiré le {until} : renvoyez une nouvelle notification.",
    )


def _refusal_fr(action: Action, state: AccountState) -> str:
    return _REFUSALS_FR.get(
        (action, state),
        f"Impossible de {action.label_fr} : le compte est « {state.label_fr} ».",
    )
