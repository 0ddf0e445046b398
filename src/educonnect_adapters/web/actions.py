"""The administration service's actions on the web: offer, confirm, carry out.

Every action goes through :class:`~educonnect_core.service.AdministrationService`
(rights, state rules, audit) and every letter through the core's delivery use
case (:func:`~educonnect_core.notifying.deliver_issued`, by :mod:`.letters`):
this module only reads forms and shows answers. A state change takes two POSTs
with the session's CSRF token: the first shows what will happen, the second
(``…/confirm``) does it. An account the caller may not see answers exactly as an
account that does not exist (404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import attrs
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from educonnect_adapters.system import SecretsRandom
from educonnect_core.accounts import Account
from educonnect_core.actions import STAFF_ACTION_ORDER, Action, Outcome, decide
from educonnect_core.errors import (
    ConcurrentModification,
    EduconnectError,
    InvalidValue,
    NotFound,
    PermissionDenied,
)
from educonnect_core.people import Profile
from educonnect_core.permissions import Right, authorize, authorize_request
from educonnect_core.ports import Clock
from educonnect_core.service import (
    ActionNotAllowed,
    ActionResult,
    AdministrationService,
    BulkResult,
    Selection,
    Session,
)
from educonnect_core.states import AccountState
from educonnect_core.views import person_of

from . import catalogue
from .letters import Delivered, LetterBox, Letters, Printer

if TYPE_CHECKING:
    from .app import _Caller, _Module

__all__ = ["ORDER", "ActionPages"]

#: The staff actions, in the order the account page offers them (the core's).
ORDER: Final = STAFF_ACTION_ORDER
_BY_NAME: Final = {a.value: a for a in ORDER}
#: the reason code given by a person: short
_MAX_REASON: Final = 60
#: refusals that say nothing of the account: the access context, the delegation
_ACCESS_REFUSALS: Final = {Right.ACCESS: "forbidden", Right.DELEGATION_IN_FORCE: "delegation"}

_Work = Callable[[Request, "_Caller", Session, FormData], Response]


@attrs.frozen
class _Listed:
    """One account of a bulk result, with its person's name."""

    result: ActionResult
    name: str | None


class ActionPages:
    """The routes of the actions, over the web module's store, clock and settings."""

    def __init__(self, module: _Module) -> None:
        self.m = module
        settings = module.settings
        self.zone = ZoneInfo(settings.timezone)
        self.service = AdministrationService(
            module.store, module.clock, SecretsRandom(), timezone=settings.timezone
        )
        self.letters = LetterBox(
            settings.letters_dir, settings.secret_key, module.clock, settings.letters_kept
        )
        self.results = _Results(settings.secret_key, module.clock, settings.letters_kept)

    # -- what a page offers --------------------------------------------------------

    def offered(self, session: Session, account: Account) -> list[Action]:
        """The actions the account page offers: covered by the session's rights
        (:func:`~educonnect_core.permissions.authorize`) and doing something in
        the account's state (:func:`~educonnect_core.actions.decide`)."""
        now = self.m.clock.now()
        today = now.astimezone(self.zone).date()
        return [
            action
            for action in ORDER
            if _allowed(session, action, account.uai, account.profile, now)
            and decide(action, account, today).outcome is Outcome.CHANGE
        ]

    def notifiable(self, session: Session) -> list[Profile]:
        """The profiles of its school ``session`` may notify in bulk."""
        uai = session.actor.uai
        if uai is None:
            return []
        now = self.m.clock.now()
        return [p for p in Profile if _allowed(session, Action.NOTIFY, uai, p, now)]

    # -- one account ---------------------------------------------------------------

    async def ask(self, request: Request) -> Response:
        """The confirmation page: what the action will do (nothing is done yet)."""
        return await self._posted(request, self._ask)

    async def confirm(self, request: Request) -> Response:
        """The action itself, then its result."""
        return await self._posted(request, self._confirm)

    def _ask(self, request: Request, caller: _Caller, session: Session, form: FormData) -> Response:
        action = _BY_NAME.get(str(request.path_params["action"]))
        account_id = str(request.path_params["account_id"])
        if action is None:
            return self.m.error(request, caller, 404, "not_found")
        try:
            account = self.m.consultations.account(session, account_id)  # audited
        except NotFound:
            return self.m.error(request, caller, 404, "not_found")
        except PermissionDenied as exc:
            return self._denied(request, caller, exc)
        if not _allowed(session, action, account.uai, account.profile, self.m.clock.now()):
            return self.m.error(request, caller, 403, "action")
        return self._confirmation(request, caller, action, account)

    def _confirmation(
        self,
        request: Request,
        caller: _Caller,
        action: Action,
        account: Account,
        *,
        problem: str | None = None,
        reason: str = "",
        status_code: int = 200,
    ) -> Response:
        with self.m.store.unit_of_work() as uow:
            person = person_of(uow, account)
        return self.m.render(
            request,
            caller,
            "action_confirm.html",
            status_code=status_code,
            action=action,
            account=account,
            name=person.name if person else None,
            problem=problem,
            reason=reason,
            max_reason=_MAX_REASON,
        )

    def _confirm(
        self, request: Request, caller: _Caller, session: Session, form: FormData
    ) -> Response:
        action = _BY_NAME.get(str(request.path_params["action"]))
        account_id = str(request.path_params["account_id"])
        if action is None:
            return self.m.error(request, caller, 404, "not_found")
        reason = " ".join(str(form.get("reason", "")).split())
        if action is Action.DEACTIVATE and not reason:
            return self._ask_again(request, caller, session, action, account_id, "reason_required")
        if len(reason) > _MAX_REASON:
            return self._ask_again(request, caller, session, action, account_id, "reason_long")
        printer: Printer | None = None
        if action in _ISSUING:
            try:  # before anything is issued
                printer = self.letters.printer(session.actor)
            except (EduconnectError, OSError):
                return self.m.error(request, caller, 503, "letters")
        try:
            result = self._call(session, action, account_id, reason or None)
        except InvalidValue as exc:
            if exc.code == "RESERVED_REASON":
                return self._ask_again(
                    request, caller, session, action, account_id, "reason_reserved", reason
                )
            return self.m.error(request, caller, 404, "not_found")  # not an account id
        except NotFound:
            return self.m.error(request, caller, 404, "not_found")
        except PermissionDenied as exc:
            return self._denied(request, caller, exc)
        except ActionNotAllowed as exc:  # the account's state: its sentence, in French
            return self._done(request, caller, action, account_id, refusal=exc.reason_fr)
        except ConcurrentModification:
            return self._done(request, caller, action, account_id, concurrent=True)
        letters = None
        if printer is not None and result.notification is not None:
            delivered = self.letters.deliver(
                self.m.store, printer, [result.notification], timezone=self.m.settings.timezone
            )
            letters = delivered.letters
        # the result is a page of its own: reloading it does not send the form again
        # (a second resend or reset would issue yet another password)
        done = self.m.path(request, "action_done", account_id=account_id, action=action.value)
        query = urlencode({"r": self.results.dump(session, result, letters)})
        return RedirectResponse(f"{done}?{query}", status_code=303)

    def done(self, request: Request) -> Response:
        """The result of an action, from the signed note the action redirected with."""
        caller, session = self.m.signed_in(request)
        if isinstance(session, Response):
            return session
        shown = self.results.load(session, request.query_params.get("r"))
        account_id = str(request.path_params["account_id"])
        action = _BY_NAME.get(str(request.path_params["action"]))
        if shown is None or shown[0].account_id != account_id or shown[0].action is not action:
            return self.m.error(request, caller, 404, "not_found")
        result, letters = shown
        return self._done(
            request, caller, result.action, account_id, result=result, letters=letters
        )

    def _call(
        self, session: Session, action: Action, account_id: str, reason: str | None
    ) -> ActionResult:
        service = self.service
        if action is Action.DEACTIVATE:
            return service.deactivate(session, account_id, reason=reason)
        calls: Mapping[Action, Callable[[Session, str], ActionResult]] = {
            Action.NOTIFY: service.notify,
            Action.RESEND_NOTIFICATION: service.resend_notification,
            Action.RESET_PASSWORD: service.reset_password,
            Action.RECALL_IDENTIFIER: service.recall_identifier,
            Action.REACTIVATE: service.reactivate,
        }
        return calls[action](session, account_id)

    def _ask_again(
        self,
        request: Request,
        caller: _Caller,
        session: Session,
        action: Action,
        account_id: str,
        problem: str,
        reason: str = "",
    ) -> Response:
        """The confirmation page again, with what was wrong in the form."""
        try:
            account = self.m.consultations.account(session, account_id)
        except NotFound:
            return self.m.error(request, caller, 404, "not_found")
        except PermissionDenied as exc:
            return self._denied(request, caller, exc)
        return self._confirmation(
            request,
            caller,
            action,
            account,
            problem=self.m.text(caller, f"confirm.{problem}", n=_MAX_REASON),
            reason=reason[:_MAX_REASON],
            status_code=422,
        )

    def _done(
        self,
        request: Request,
        caller: _Caller,
        action: Action,
        account_id: str,
        *,
        result: ActionResult | None = None,
        letters: Letters | None = None,
        refusal: str | None = None,
        concurrent: bool = False,
    ) -> Response:
        return self.m.render(
            request,
            caller,
            "action_done.html",
            status_code=200 if result is not None else 409,
            action=action,
            account_id=account_id,
            result=result,
            refusal=refusal,
            concurrent=concurrent,
            letters=letters,
            kept_minutes=self._kept_minutes(),
        )

    def _denied(self, request: Request, caller: _Caller, exc: PermissionDenied) -> Response:
        """A refusal by the rights: of the access context or the delegation (403,
        says nothing of the account), of the action (403), else of the school or
        the profile (404, as an account that does not exist)."""
        kind = _ACCESS_REFUSALS.get(exc.missing_right)
        if kind is not None:
            return self.m.error(request, caller, 403, kind)
        if exc.missing_right.startswith("action:"):
            return self.m.error(request, caller, 403, "action")
        return self.m.error(request, caller, 404, "not_found")

    # -- a class or a profile ------------------------------------------------------

    def bulk_form(self, request: Request) -> Response:
        caller, session = self.m.signed_in(request)
        if isinstance(session, Response):
            return session
        return self._bulk_form(request, caller, session)

    def _bulk_form(
        self,
        request: Request,
        caller: _Caller,
        session: Session,
        *,
        problem: str | None = None,
        status_code: int = 200,
    ) -> Response:
        profiles = self.notifiable(session)
        if not profiles:
            return self._denied_all(request, caller, session)
        uai = session.actor.uai
        with self.m.store.unit_of_work() as uow:
            divisions = sorted({d for (d, _) in uow.accounts.statistics(uai).by_division_state})
        params = request.query_params
        return self.m.render(
            request,
            caller,
            "notify.html",
            status_code=status_code,
            profiles=profiles,
            divisions=divisions,
            chosen_profile=params.get("profile", ""),
            chosen_division=params.get("division", ""),
            problem=problem,
        )

    def _denied_all(self, request: Request, caller: _Caller, session: Session) -> Response:
        """Why ``session`` may notify no profile: its access context or delegation,
        an action its role does not cover, or responsables off the network."""
        try:
            authorize_request(session.actor, session.access, Action.NOTIFY, self.m.clock.now())
        except PermissionDenied as exc:
            return self.m.error(
                request, caller, 403, _ACCESS_REFUSALS.get(exc.missing_right, "action")
            )
        return self.m.error(request, caller, 403, "network")

    async def preview(self, request: Request) -> Response:
        """The dry run: who gets a letter, who is left out and why."""
        return await self._posted(request, self._preview)

    async def apply(self, request: Request) -> Response:
        """The notification itself, and the letters to download."""
        return await self._posted(request, self._apply)

    def _selection(self, session: Session, form: FormData) -> tuple[Selection, Profile, str] | None:
        profiles = {p.value: p for p in self.notifiable(session)}
        profile = profiles.get(str(form.get("profile", "")))
        division = str(form.get("division", "")).strip()[:50]
        uai = session.actor.uai
        if profile is None or uai is None:
            return None
        if division:
            return Selection.of_division(uai, division, profile), profile, division
        return Selection.of_profile(uai, profile), profile, division

    def _preview(
        self, request: Request, caller: _Caller, session: Session, form: FormData
    ) -> Response:
        chosen = self._selection(session, form)
        if chosen is None:
            return self._bad_selection(request, caller, session)
        selection, profile, division = chosen
        try:
            bulk = self.service.bulk(session, Action.NOTIFY, selection, dry_run=True)
        except PermissionDenied as exc:
            return self._denied(request, caller, exc)
        return self._bulk_page(request, caller, bulk, profile, division, None)

    def _apply(
        self, request: Request, caller: _Caller, session: Session, form: FormData
    ) -> Response:
        chosen = self._selection(session, form)
        if chosen is None:
            return self._bad_selection(request, caller, session)
        selection, profile, division = chosen
        try:
            printer = self.letters.printer(session.actor)
        except (EduconnectError, OSError):
            return self.m.error(request, caller, 503, "letters")
        try:
            bulk = self.service.bulk(session, Action.NOTIFY, selection)
        except PermissionDenied as exc:
            return self._denied(request, caller, exc)
        delivered = None
        if bulk.notifications:
            delivered = self.letters.deliver(
                self.m.store, printer, bulk.notifications, timezone=self.m.settings.timezone
            )
        return self._bulk_page(request, caller, bulk, profile, division, delivered)

    def _bad_selection(self, request: Request, caller: _Caller, session: Session) -> Response:
        problem = self.m.text(caller, "bulk.bad_profile")
        return self._bulk_form(request, caller, session, problem=problem, status_code=422)

    def _bulk_page(
        self,
        request: Request,
        caller: _Caller,
        bulk: BulkResult,
        profile: Profile,
        division: str,
        delivered: Delivered | None,
    ) -> Response:
        name = catalogue.label(caller.lang, profile)
        selection = (
            self.m.text(caller, "bulk.selection_class", profile=name, division=division)
            if division
            else self.m.text(caller, "bulk.selection_all", profile=name)
        )
        return self.m.render(
            request,
            caller,
            "notify_result.html",
            selection=selection,
            bulk=bulk,
            profile=profile,
            division=division,
            changed=self._named(bulk.changed),
            unchanged=self._named(bulk.unchanged),
            refused=self._named(bulk.refused),
            excluded=sorted(bulk.excluded.items(), key=lambda item: item[0].value),
            letters=delivered.letters if delivered else None,
            kept_minutes=self._kept_minutes(),
        )

    def _named(self, results: Sequence[ActionResult]) -> list[_Listed]:
        listed = []
        with self.m.store.unit_of_work() as uow:
            for result in results:
                name = None
                try:
                    person = person_of(uow, uow.accounts.get(result.account_id))
                    name = person.name if person else None
                except NotFound:
                    pass
                listed.append(_Listed(result, name))
        return sorted(listed, key=lambda item: (item.name or "", item.result.account_id))

    # -- the letters ---------------------------------------------------------------

    def letter(self, request: Request) -> Response:
        """A PDF printed by this actor, still kept; else the same 404 as any page."""
        caller, session = self.m.signed_in(request)
        if isinstance(session, Response):
            return session
        path = self.letters.open(
            session.actor, str(request.path_params["token"]), str(request.path_params["file"])
        )
        if path is None:
            return self.m.error(request, caller, 404, "not_found")
        return FileResponse(path, media_type="application/pdf", filename=path.name)

    # -- plumbing ------------------------------------------------------------------

    async def _posted(self, request: Request, work: _Work) -> Response:
        """A POST: signed in, the CSRF token checked, then ``work`` off the event loop."""
        form = await request.form()
        return await run_in_threadpool(self._checked, request, form, work)

    def _checked(self, request: Request, form: FormData, work: _Work) -> Response:
        caller, session = self.m.signed_in(request)
        if isinstance(session, Response):
            return session
        if not self.m.check_csrf(request, form):
            return self.m.error(request, caller, 403, "csrf")
        return work(request, caller, session, form)

    def _kept_minutes(self) -> int:
        return max(1, int(self.m.settings.letters_kept / dt.timedelta(minutes=1)))


#: Actions whose result is a letter to print.
_ISSUING: Final = frozenset(
    {Action.NOTIFY, Action.RESEND_NOTIFICATION, Action.RESET_PASSWORD, Action.RECALL_IDENTIFIER}
)


class _Results:
    """The result of an action carried to its page in the URL, signed for the
    actor (id, role, school) and dated: no other caller reads it, and it lapses
    with the letters it names."""

    def __init__(self, secret_key: bytes, clock: Clock, kept: dt.timedelta) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt="educonnect.web.result")
        self._clock = clock
        self._kept = kept

    def dump(self, session: Session, result: ActionResult, letters: Letters | None) -> str:
        payload = {
            "who": _who(session),
            "at": self._clock.now().timestamp(),
            "action": result.action.value,
            "id": result.account_id,
            "outcome": result.outcome.value,
            "before": result.before.value if result.before else None,
            "after": result.after.value if result.after else None,
            "code": result.code,
            "why": result.reason_fr,
            "letters": [letters.token, list(letters.files), [list(f) for f in letters.failed]]
            if letters
            else None,
        }
        return str(self._serializer.dumps(payload))

    def load(
        self, session: Session, note: str | None
    ) -> tuple[ActionResult, Letters | None] | None:
        if not note:
            return None
        try:
            payload: Any = self._serializer.loads(note)
            at = dt.datetime.fromtimestamp(float(payload["at"]), dt.UTC)
            if payload["who"] != _who(session) or self._clock.now() - at >= self._kept:
                return None
            result = ActionResult(
                Action(payload["action"]),
                str(payload["id"]),
                Outcome(payload["outcome"]),
                AccountState(payload["before"]) if payload["before"] else None,
                AccountState(payload["after"]) if payload["after"] else None,
                payload["code"],
                payload["why"],
            )
            letters = None
            if payload["letters"] is not None:
                token, files, failed = payload["letters"]
                letters = Letters(
                    str(token), tuple(map(str, files)), tuple((str(a), str(r)) for a, r in failed)
                )
        except (BadSignature, KeyError, TypeError, ValueError):
            return None
        return result, letters


def _who(session: Session) -> list[str]:
    actor = session.actor
    return [actor.actor_id, actor.role.value, str(actor.uai)]


def _allowed(session: Session, action: Action, uai: Any, profile: Profile, at: dt.datetime) -> bool:
    try:
        authorize(session.actor, session.access, action, uai=uai, profile=profile, at=at)
    except PermissionDenied:
        return False
    return True
