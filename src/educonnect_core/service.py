"""The administration service: every action on accounts, checked and audited.

:class:`AdministrationService` works over the ports only: a
:class:`~educonnect_core.storage.Store`, a :class:`~educonnect_core.ports.Clock`
and a :class:`~educonnect_core.ports.RandomSource`. Each call names who acts
(:class:`Session`: an :class:`~educonnect_core.permissions.Actor` and their
:class:`~educonnect_core.permissions.AccessContext`); the service checks the
rights, then the account's state (:func:`~educonnect_core.actions.decide`),
then the route's checks for an activation, and appends an
:class:`~educonnect_core.audit.AuditEvent` (ids only) whatever the outcome.

Refusals raise :class:`~educonnect_core.errors.PermissionDenied` (missing
right, decided from the account id alone, so that it reads the same whether the
account exists or not), :class:`~educonnect_core.errors.NotFound` (only for a
caller with rights over that school and profile) or :class:`ActionNotAllowed`
(state or route checks, with a sentence for the secretary).

Clear provisional passwords exist only in the returned
:class:`~educonnect_core.credentials.IssuedCredential` objects.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, Self
from zoneinfo import ZoneInfo

import attrs

from . import audit
from .accounts import RESERVED_REASON_PREFIX, Account, ProvisionalCredential
from .actions import Action, Decision, Outcome, decide
from .activation import AccountHolder, ActivationReport, check_activation
from .channels import NotificationKind
from .credentials import (
    DEFAULT_SCRYPT,
    IssuedCredential,
    ScryptParams,
    hash_password,
    make_identifier,
    new_password,
)
from .errors import (
    ActionRefused,
    ConcurrentModification,
    InvalidValue,
    NotFound,
    PermissionDenied,
)
from .people import Profile, StudentStatus
from .permissions import AccessContext, Actor, authorize, authorize_request
from .persons import load_persons
from .ports import Clock, RandomSource
from .snapshots import refresh_snapshot
from .states import AccountState, Event
from .storage import AccountQuery, IdentifierTaken, Store, UnitOfWork
from .values import Uai, as_optional_uai

if TYPE_CHECKING:
    from .observed import SignInSummary
    from .signins import SignIn

__all__ = [
    "ACTIVE_ELSEWHERE",
    "BULK_ACTIONS",
    "ActionNotAllowed",
    "ActionResult",
    "ActivationReport",
    "AdministrationService",
    "BulkResult",
    "Selection",
    "Session",
    "parse_account_id",
]

log = logging.getLogger(__name__)

#: Actions that may run in bulk: the idempotent ones (a second run changes
#: nothing). Resend, reset and recall issue something new each time: one account
#: at a time only.
BULK_ACTIONS: Final = frozenset({Action.NOTIFY, Action.DEACTIVATE, Action.REACTIVATE})

#: The states a bulk action selects; accounts in other states are counted in
#: :attr:`BulkResult.excluded`.
_BULK_STATES: Final[Mapping[Action, frozenset[AccountState]]] = {
    Action.NOTIFY: frozenset({AccountState.NOT_ACTIVATED, AccountState.NOTIFIED}),
    Action.DEACTIVATE: frozenset(AccountState),
    Action.REACTIVATE: frozenset(AccountState),
}

#: Actions that need the person behind the account (name, children, birth dates).
_NEEDS_PERSON: Final = frozenset(
    {
        Action.NOTIFY,
        Action.RESEND_NOTIFICATION,
        Action.RESET_PASSWORD,
        Action.RECALL_IDENTIFIER,
        Action.RECORD_ACTIVATION,
    }
)
#: Audit and result code of an action lost to a concurrent change of the account.
CONCURRENT: Final = "concurrent_modification"
#: result code of a notification left out: the person is already active through
#: another school's account (``docs/explanation/persons.md``)
ACTIVE_ELSEWHERE: Final = "already_active_elsewhere"
_PREFIX_PROFILE: Final = {"E": Profile.ELEVE, "R": Profile.RESPONSABLE}
_IDENTIFIER_ATTEMPTS: Final = 5


class ActionNotAllowed(ActionRefused):
    """The account's state or the route's checks refuse the action.

    ``code`` is stable (``state_activated``, ``birth_date_mismatch``, …) and
    ``reason_fr`` says why in a school secretary's words.
    """

    def __init__(self, action: Action, account_id: str, code: str, reason_fr: str) -> None:
        self.action = action
        self.account_id = account_id
        self.code = code
        super().__init__(f"{action.value} refused on {account_id}: {code}", reason_fr=reason_fr)


def parse_account_id(account_id: str) -> tuple[Profile, Uai, str]:
    """Profile, school and SIECLE id read from ``R-0990007V-5301001``."""
    parts = account_id.split("-", 2)
    if len(parts) != 3 or parts[0] not in _PREFIX_PROFILE or not parts[2]:
        raise InvalidValue("account_id", account_id, "expected E-<UAI>-<id> or R-<UAI>-<id>")
    return _PREFIX_PROFILE[parts[0]], Uai.parse(parts[1]), parts[2]


@attrs.frozen
class Session:
    """Who acts and how they reached the service."""

    actor: Actor
    access: AccessContext


@attrs.frozen
class ActionResult:
    """What one action did (or, in a dry run, would do) to one account."""

    action: Action
    account_id: str
    outcome: Outcome
    before: AccountState | None
    after: AccountState | None
    code: str | None = None
    reason_fr: str | None = None
    notification: IssuedCredential | None = None

    @classmethod
    def of(
        cls, decision: Decision, account_id: str, notification: IssuedCredential | None = None
    ) -> Self:
        return cls(
            action=decision.action,
            account_id=account_id,
            outcome=decision.outcome,
            before=decision.state,
            after=decision.target,
            code=decision.code,
            reason_fr=decision.reason_fr,
            notification=notification,
        )


def _selection_uai(value: Uai | str | None) -> Uai | None:
    return as_optional_uai(value, "Selection.uai")


@attrs.frozen
class Selection:
    """The accounts a bulk action targets: a class, a profile, or listed ids."""

    uai: Uai | None = attrs.field(default=None, converter=_selection_uai)
    profile: Profile | None = None
    division: str | None = None
    account_ids: tuple[str, ...] = ()

    @classmethod
    def of_division(cls, uai: Uai | str, division: str, profile: Profile) -> Self:
        return cls(uai=uai, profile=profile, division=division)

    @classmethod
    def of_profile(cls, uai: Uai | str, profile: Profile) -> Self:
        return cls(uai=uai, profile=profile)

    @classmethod
    def of_accounts(cls, account_ids: Iterable[str]) -> Self:
        ids = tuple(dict.fromkeys(account_ids))
        if not ids:
            raise InvalidValue("Selection.account_ids", [], "expected at least one account id")
        return cls(account_ids=ids)


@attrs.frozen
class BulkResult:
    """A bulk action's report: one :class:`ActionResult` per selected account.

    In a dry run, ``CHANGE`` means "would change" and nothing was written.
    ``excluded`` counts the accounts of the selection left out by state (for
    notify: already activated or deactivated).
    """

    action: Action
    dry_run: bool
    results: tuple[ActionResult, ...]
    excluded: Mapping[AccountState, int] = attrs.field(factory=dict)

    def _with(self, outcome: Outcome) -> tuple[ActionResult, ...]:
        return tuple(r for r in self.results if r.outcome is outcome)

    @property
    def changed(self) -> tuple[ActionResult, ...]:
        return self._with(Outcome.CHANGE)

    @property
    def unchanged(self) -> tuple[ActionResult, ...]:
        return self._with(Outcome.UNCHANGED)

    @property
    def refused(self) -> tuple[ActionResult, ...]:
        return self._with(Outcome.REFUSED)

    @property
    def active_elsewhere(self) -> tuple[ActionResult, ...]:
        """Notifications left out: the person is already active at another school."""
        return tuple(r for r in self.results if r.code == ACTIVE_ELSEWHERE)

    @property
    def notifications(self) -> tuple[IssuedCredential, ...]:
        return tuple(r.notification for r in self.results if r.notification is not None)


class AdministrationService:
    """Administration of EduConnect accounts over a store, a clock and randomness.

    ``timezone`` dates the letters (local date of the school);
    ``scrypt`` sets the hashing cost (tests may lower it).
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        random: RandomSource,
        *,
        scrypt: ScryptParams = DEFAULT_SCRYPT,
        timezone: str = "Europe/Paris",
    ) -> None:
        self._store = store
        self._clock = clock
        self._random = random
        self._scrypt = scrypt
        self._tz = ZoneInfo(timezone)

    # -- single-account actions ---------------------------------------------

    def notify(self, session: Session, account_id: str) -> ActionResult:
        """Issue provisional credentials (a no-op while a valid letter exists)."""
        return self._single(session, Action.NOTIFY, account_id)

    def resend_notification(self, session: Session, account_id: str) -> ActionResult:
        """A new letter with a new password; the previous letter stops working."""
        return self._single(session, Action.RESEND_NOTIFICATION, account_id)

    def reset_password(self, session: Session, account_id: str) -> ActionResult:
        """A new provisional password, to be changed at next login."""
        return self._single(session, Action.RESET_PASSWORD, account_id)

    def recall_identifier(self, session: Session, account_id: str) -> ActionResult:
        """A reminder of the identifier (no password)."""
        return self._single(session, Action.RECALL_IDENTIFIER, account_id)

    def deactivate(
        self, session: Session, account_id: str, *, reason: str | None = None
    ) -> ActionResult:
        """Deactivate (nothing is deleted); ``reason`` is a short code kept on the account.

        Codes starting with ``sync:`` are the synchronisation's own (it undoes
        what it did): a person cannot give one (:class:`InvalidValue`)."""
        if reason is not None and reason.strip().lower().startswith(RESERVED_REASON_PREFIX):
            raise InvalidValue(
                "deactivate: reason",
                reason,
                f"codes starting with {RESERVED_REASON_PREFIX!r} are reserved to the "
                "synchronisation",
                code="RESERVED_REASON",
            )
        return self._single(session, Action.DEACTIVATE, account_id, reason=reason)

    def reactivate(self, session: Session, account_id: str) -> ActionResult:
        return self._single(session, Action.REACTIVATE, account_id)

    def record_activation(self, session: Session, report: ActivationReport) -> ActionResult:
        """Record an activation reported by the identity provider, after the
        route's checks (birth dates, mobile, name, provisional password, email)."""
        return self._single(session, Action.RECORD_ACTIVATION, report.account_id, report=report)

    def record_password_changed(self, session: Session, account_id: str) -> ActionResult:
        """The user replaced the provisional password set by a reset."""
        return self._single(session, Action.RECORD_PASSWORD_CHANGED, account_id)

    def record_sign_in(self, session: Session, sign_in: SignIn) -> SignInSummary:
        """Record a sign-in seen by a service behind EduConnect (the identity side
        acts): match it, link its ``FrEduCtId``, observe the activation."""
        from .observed import SignInRecorder  # the recorder builds on this module

        return SignInRecorder(self._store, self._clock, session).record(sign_in)

    # -- bulk ----------------------------------------------------------------

    def notify_division(
        self,
        session: Session,
        uai: Uai | str,
        division: str,
        profile: Profile,
        *,
        dry_run: bool = False,
    ) -> BulkResult:
        """Notify every not-yet-activated account of ``profile`` in a class."""
        return self.bulk(
            session, Action.NOTIFY, Selection.of_division(uai, division, profile), dry_run=dry_run
        )

    def notify_profile(
        self, session: Session, uai: Uai | str, profile: Profile, *, dry_run: bool = False
    ) -> BulkResult:
        """Notify every not-yet-activated account of ``profile`` at a school."""
        return self.bulk(
            session, Action.NOTIFY, Selection.of_profile(uai, profile), dry_run=dry_run
        )

    def bulk(
        self,
        session: Session,
        action: Action,
        selection: Selection,
        *,
        dry_run: bool = False,
        reason: str | None = None,
    ) -> BulkResult:
        """Run an idempotent action (:data:`BULK_ACTIONS`) over ``selection``.

        A class or profile selection is authorized as a whole
        (:class:`PermissionDenied` otherwise); listed ids one by one, a refusal
        becoming a ``REFUSED`` result. Each account is changed in its own unit
        of work, so a run that stops half-way is finished by running it again;
        an account changed by someone else meanwhile is a ``REFUSED`` result
        with code :data:`CONCURRENT` (run again).
        With ``dry_run`` nothing is written and no credential is issued; one
        audit event records the request.
        """
        if action not in BULK_ACTIONS:
            names = ", ".join(sorted(a.value for a in BULK_ACTIONS))
            raise InvalidValue("bulk.action", action.value, f"expected one of {names}")
        now = self._now()
        if selection.account_ids:
            ids: list[str] = list(selection.account_ids)
            excluded: dict[AccountState, int] = {}
            uai = None
        else:
            if selection.uai is None or selection.profile is None:
                raise InvalidValue("Selection", selection, "expected a school and a profile")
            uai = selection.uai
            self._authorize(session, action, uai, selection.profile, now, account_id=None)
            ids, excluded = self._select(action, selection)
        elsewhere = self._active_elsewhere(ids) if action is Action.NOTIFY else {}
        results = tuple(
            _left_out(action, i, elsewhere[i])
            if i in elsewhere
            else self._bulk_one(session, action, i, now, dry_run, reason)
            for i in ids
        )
        if dry_run:
            self._audit_request(session, action, now, uai, "dry_run")
        return BulkResult(action, dry_run, results, excluded)

    # -- internals -----------------------------------------------------------

    def _now(self) -> dt.datetime:
        return self._clock.now().astimezone(self._tz)

    def _active_elsewhere(self, account_ids: Iterable[str]) -> dict[str, str]:
        """Selected accounts whose person is already active through another account."""
        with self._store.unit_of_work() as uow:
            view = load_persons(uow)
        found = {}
        for account_id in account_ids:
            other = view.active_elsewhere(account_id)
            if other is not None:
                found[account_id] = other
        return found

    def _select(
        self, action: Action, selection: Selection
    ) -> tuple[list[str], dict[AccountState, int]]:
        states = _BULK_STATES[action]
        query = AccountQuery(
            uai=selection.uai, profile=selection.profile, division=selection.division, limit=None
        )
        ids: list[str] = []
        excluded: dict[AccountState, int] = {}
        with self._store.unit_of_work() as uow:
            for account in uow.accounts.query(query).items:
                if account.state in states:
                    ids.append(account.account_id)
                else:
                    excluded[account.state] = excluded.get(account.state, 0) + 1
        return ids, excluded

    def _bulk_one(
        self,
        session: Session,
        action: Action,
        account_id: str,
        now: dt.datetime,
        dry_run: bool,
        reason: str | None,
    ) -> ActionResult:
        try:
            return self._single(
                session, action, account_id, reason=reason, dry_run=dry_run, now=now
            )
        except ActionNotAllowed as exc:
            return ActionResult(
                action, account_id, Outcome.REFUSED, None, None, exc.code, exc.reason_fr
            )
        except PermissionDenied as exc:
            return ActionResult(
                action,
                account_id,
                Outcome.REFUSED,
                None,
                None,
                f"permission:{exc.missing_right}",
                "Vous n'avez pas le droit d'agir sur ce compte.",
            )
        except ConcurrentModification:
            return ActionResult(
                action,
                account_id,
                Outcome.REFUSED,
                None,
                None,
                CONCURRENT,
                "Le compte a été modifié au même moment par quelqu'un d'autre : relancez "
                "l'action (elle ne refera pas ce qui est déjà fait).",
            )
        except (NotFound, InvalidValue):
            return ActionResult(
                action,
                account_id,
                Outcome.REFUSED,
                None,
                None,
                "not_found",
                "Compte introuvable.",
            )

    def _authorize(
        self,
        session: Session,
        action: Action,
        uai: Uai,
        profile: Profile,
        now: dt.datetime,
        *,
        account_id: str | None,
    ) -> None:
        try:
            authorize(session.actor, session.access, action, uai=uai, profile=profile, at=now)
        except PermissionDenied as exc:
            self._audit(
                session,
                action,
                now,
                audit.Outcome.REFUSED,
                account_id=account_id,
                uai=str(uai),
                reason=f"permission:{exc.missing_right}",
            )
            raise

    def _single(
        self,
        session: Session,
        action: Action,
        account_id: str,
        *,
        reason: str | None = None,
        report: ActivationReport | None = None,
        dry_run: bool = False,
        now: dt.datetime | None = None,
    ) -> ActionResult:
        now = now or self._now()
        try:
            profile, uai, _ = parse_account_id(account_id)
        except InvalidValue:
            try:
                authorize_request(session.actor, session.access, action, now)
            except PermissionDenied as exc:
                self._audit(
                    session,
                    action,
                    now,
                    audit.Outcome.REFUSED,
                    reason=f"permission:{exc.missing_right}",
                )
                raise
            self._audit(session, action, now, audit.Outcome.REFUSED, reason="invalid_account_id")
            raise
        self._authorize(session, action, uai, profile, now, account_id=account_id)
        for attempt in range(_IDENTIFIER_ATTEMPTS):
            try:
                return self._carry_out(
                    session, action, account_id, uai, now, reason, report, dry_run
                )
            except IdentifierTaken:
                # another writer took the identifier between probe and write
                if attempt == _IDENTIFIER_ATTEMPTS - 1:
                    raise
            except ConcurrentModification:
                self._audit(
                    session,
                    action,
                    now,
                    audit.Outcome.REFUSED,
                    account_id=account_id,
                    uai=str(uai),
                    reason=CONCURRENT,
                )
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _carry_out(
        self,
        session: Session,
        action: Action,
        account_id: str,
        uai: Uai,
        now: dt.datetime,
        reason: str | None,
        report: ActivationReport | None,
        dry_run: bool,
    ) -> ActionResult:
        with self._store.unit_of_work() as uow:
            try:
                account = uow.accounts.get(account_id)
            except NotFound:
                self._audit_in(
                    uow,
                    session,
                    action,
                    now,
                    audit.Outcome.REFUSED,
                    account_id,
                    str(uai),
                    "not_found",
                )
                uow.commit()
                raise NotFound(f"no account {account_id!r}") from None
            decision = decide(action, account, now.date(), route=report.route if report else None)
            recipient: AccountHolder | None = None
            if decision.outcome is Outcome.CHANGE and action in _NEEDS_PERSON:
                try:
                    recipient = self._recipient(uow, account)
                except _MissingPerson:
                    decision = _refuse(decision, "no_source_data", _NO_SOURCE_FR)
            if recipient is not None and report is not None:
                decision = _check_activation(account, recipient, report, decision)
            if dry_run:
                return ActionResult.of(decision, account_id)
            if decision.outcome is Outcome.REFUSED:
                assert decision.code is not None
                assert decision.reason_fr is not None
                self._audit_in(
                    uow,
                    session,
                    action,
                    now,
                    audit.Outcome.REFUSED,
                    account_id,
                    str(uai),
                    decision.code,
                )
                uow.commit()
                log.info("%s refused on %s: %s", action.value, account_id, decision.code)
                raise ActionNotAllowed(action, account_id, decision.code, decision.reason_fr)
            notification: IssuedCredential | None = None
            if decision.outcome is Outcome.CHANGE:
                changed, notification = self._apply(
                    uow, account, recipient, action, now, reason, report
                )
                if changed != account:
                    refresh_snapshot(uow, uow.accounts.update(changed), now)
            self._audit_in(
                uow,
                session,
                action,
                now,
                audit.Outcome.ALLOWED,
                account_id,
                str(uai),
                None if decision.outcome is Outcome.CHANGE else decision.code,
            )
            uow.commit()
        log.info(
            "%s on %s by %s (%s): %s",
            action.value,
            account_id,
            session.actor.actor_id,
            session.actor.role.value,
            decision.outcome.value,
        )
        return ActionResult.of(decision, account_id, notification=notification)

    def _apply(
        self,
        uow: UnitOfWork,
        account: Account,
        recipient: AccountHolder | None,
        action: Action,
        now: dt.datetime,
        reason: str | None,
        report: ActivationReport | None,
    ) -> tuple[Account, IssuedCredential | None]:
        if action in (Action.NOTIFY, Action.RESEND_NOTIFICATION, Action.RESET_PASSWORD):
            assert recipient is not None
            if account.identifier is None:
                identifier = make_identifier(
                    recipient.name,
                    account.profile,
                    account.account_id,
                    uow.accounts.identifier_taken,
                )
                account = attrs.evolve(account, identifier=identifier)
            assert account.identifier is not None
            password = new_password(self._random)
            credential = ProvisionalCredential.issue(
                hash_password(password, self._random, self._scrypt), now.date()
            )
            event = Event.RESET_PASSWORD if action is Action.RESET_PASSWORD else Event.NOTIFY
            kind = (
                NotificationKind.PASSWORD_RESET
                if action is Action.RESET_PASSWORD
                else NotificationKind.CREDENTIALS
            )
            account = account.apply(event, now, credential=credential)
            return account, self._issued(
                account, recipient, kind, credential.document_date, credential.valid_until, password
            )
        if action is Action.RECALL_IDENTIFIER:
            assert account.identifier is not None
            assert recipient is not None
            return account, self._issued(
                account, recipient, NotificationKind.IDENTIFIER_RECALL, None, None, None
            )
        if action is Action.DEACTIVATE:
            return account.apply(Event.DEACTIVATE, now, reason=reason), None
        if action is Action.REACTIVATE:
            return account.apply(Event.REACTIVATE, now), None
        if action is Action.RECORD_PASSWORD_CHANGED:
            return account.apply(Event.PASSWORD_CHANGED, now), None
        assert report is not None
        activated = account.apply(Event.ACTIVATE, now, route=report.route)
        if report.email is not None:
            activated = attrs.evolve(activated, email=report.email)
        return activated, None

    def _issued(
        self,
        account: Account,
        recipient: AccountHolder,
        kind: NotificationKind,
        document_date: dt.date | None,
        valid_until: dt.date | None,
        password: str | None,
    ) -> IssuedCredential:
        assert account.identifier is not None
        return IssuedCredential(
            kind=kind,
            account_id=account.account_id,
            uai=account.uai,
            profile=account.profile,
            identifier=account.identifier,
            recipient=recipient.name,
            document_date=document_date,
            valid_until=valid_until,
            password=password,
            division=recipient.division,
            children=recipient.children,
            email=account.email or recipient.email,
            mobile=recipient.mobile,
            civilite=recipient.civilite,
        )

    def _recipient(self, uow: UnitOfWork, account: Account) -> AccountHolder:
        """The person behind the account, from the stored source data."""
        try:
            if account.profile is Profile.ELEVE:
                eleve = uow.people.get_eleve(account.uai, account.siecle_id)
                return AccountHolder.of_eleve(eleve)
            responsable = uow.people.get_responsable(account.uai, account.siecle_id)
        except NotFound:
            raise _MissingPerson from None
        children = [
            c.eleve
            for c in uow.people.children(account.uai, account.siecle_id)
            if c.link.legal and c.eleve.status is StudentStatus.CURRENT
        ]
        return AccountHolder.of_responsable(responsable, children)

    def _audit(
        self,
        session: Session,
        action: Action,
        now: dt.datetime,
        outcome: audit.Outcome,
        *,
        account_id: str | None = None,
        uai: str | None = None,
        reason: str | None = None,
    ) -> None:
        with self._store.unit_of_work() as uow:
            self._audit_in(uow, session, action, now, outcome, account_id, uai, reason)
            uow.commit()
        log.info("%s refused for %s: %s", action.value, session.actor.actor_id, reason)

    def _audit_request(
        self, session: Session, action: Action, now: dt.datetime, uai: Uai | None, reason: str
    ) -> None:
        with self._store.unit_of_work() as uow:
            self._audit_in(
                uow,
                session,
                action,
                now,
                audit.Outcome.ALLOWED,
                None,
                str(uai) if uai else None,
                reason,
            )
            uow.commit()

    @staticmethod
    def _audit_in(
        uow: UnitOfWork,
        session: Session,
        action: Action,
        now: dt.datetime,
        outcome: audit.Outcome,
        account_id: str | None,
        uai: str | None,
        reason: str | None,
    ) -> None:
        uow.audit.append(
            audit.AuditEvent.by(
                session.actor,
                session.access,
                at=now,
                action=action.value,
                outcome=outcome,
                account_id=account_id,
                uai=uai,
                reason=reason,
            )
        )


class _MissingPerson(Exception):
    """The account's person is not in the stored source data."""


_NO_SOURCE_FR: Final = (
    "Les données SIECLE de ce compte sont introuvables : vérifiez la dernière importation."
)


def _check_activation(
    account: Account, holder: AccountHolder, report: ActivationReport, decision: Decision
) -> Decision:
    failure = check_activation(account, holder, report)
    return decision if failure is None else _refuse(decision, *failure)


def _left_out(action: Action, account_id: str, other: str) -> ActionResult:
    account = other.split("-", 2)
    return ActionResult(
        action,
        account_id,
        Outcome.UNCHANGED,
        None,
        None,
        ACTIVE_ELSEWHERE,
        f"Déjà activé via un autre établissement ({account[1] if len(account) == 3 else other}, "
        f"compte {other}) : pas de nouvelle notification.",
    )


def _refuse(decision: Decision, code: str, reason_fr: str) -> Decision:
    return attrs.evolve(
        decision, outcome=Outcome.REFUSED, target=decision.state, code=code, reason_fr=reason_fr
    )
