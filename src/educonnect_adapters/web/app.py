"""The ASGI application: sign-in, dashboard, account search, account page, the
actions on an account and the notification of a class (:mod:`.actions`).

:func:`create_app` returns a Starlette application to run alone or to mount in
another one (``Mount("/educonnect", app=create_app(...))``). Pages are rendered
on the server (Jinja2, autoescaped) and need no JavaScript.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Final
from urllib.parse import quote, urlencode

import attrs
import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from educonnect_adapters.system import SecretsRandom, SystemClock
from educonnect_core.blockers import CATALOGUE, BlockerCode
from educonnect_core.consulting import Consultations
from educonnect_core.delegating import Delegations
from educonnect_core.eligibility import EvaluationContext, evaluate
from educonnect_core.errors import NotFound, PermissionDenied
from educonnect_core.people import Profile
from educonnect_core.permissions import AccessContext, Actor, Role
from educonnect_core.plugins import Plugins
from educonnect_core.ports import Clock
from educonnect_core.routes import Route as ActivationRoute
from educonnect_core.schedule import RefreshSchedule
from educonnect_core.service import Session
from educonnect_core.shown_times import shown_time
from educonnect_core.states import AccountState
from educonnect_core.storage import AccountQuery, Store
from educonnect_core.values import Invalid
from educonnect_core.views import export_counts, gather, person_of, readable_profiles

from . import catalogue
from .actions import ActionPages
from .auth import Authenticator, RequestFacts, SignInLocked, SignInRefused, Verified
from .network import client_address, in_networks, parse_address
from .sessions import CookieSession, SessionCodec
from .settings import WebSettings

__all__ = ["CSP", "create_app"]

#: No inline script or style, nothing from elsewhere, no framing.
CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_SECURITY_HEADERS: Final = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_LANG_COOKIE: Final = "educonnect_lang"
#: the largest request body read (the forms of this slice are a few hundred bytes)
_MAX_BODY: Final = 64 * 1024


def create_app(
    store: Store | str,
    *,
    authenticator: Authenticator,
    settings: WebSettings,
    clock: Clock | None = None,
) -> ASGIApp:
    """The web module over ``store`` (a :class:`Store`, left open for its owner, or
    a URL opened through the storage plugins and closed at shutdown: the reads
    of accounts are audited in it)."""
    module = _Module(store, authenticator, settings, clock or SystemClock())
    static = StaticFiles(packages=[("educonnect_adapters.web", "static")])
    routes = [
        Route("/", module.dashboard, name="dashboard"),
        Route("/signin", module.signin_form, methods=["GET"], name="signin"),
        Route("/signin", module.signin, methods=["POST"]),
        Route("/signout", module.signout, methods=["POST"], name="signout"),
        Route("/accounts", module.accounts, name="accounts"),
        Route("/accounts/{account_id}", module.account, name="account"),
        Route("/accounts/{account_id}/{action}", module.actions.ask, methods=["POST"]),
        Route("/accounts/{account_id}/{action}/confirm", module.actions.confirm, methods=["POST"]),
        Route("/accounts/{account_id}/{action}/done", module.actions.done, methods=["GET"]),
        Route("/notify", module.actions.bulk_form, methods=["GET"], name="notify"),
        Route("/notify/preview", module.actions.preview, methods=["POST"]),
        Route("/notify/apply", module.actions.apply, methods=["POST"]),
        Route("/letters/{token}/{file}", module.actions.letter, methods=["GET"]),
        Mount("/static", app=static, name="static"),
    ]
    app = Starlette(
        routes=routes,
        max_body_size=_MAX_BODY,
        lifespan=module.lifespan,
        exception_handlers={HTTPException: module.http_error},
    )
    return _SecurityHeaders(app)


class _SecurityHeaders:
    """Adds the security headers to every response; pages are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope.get("path", "").rstrip("/").split("/")[-2:-1] == ["static"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_SECURITY_HEADERS)
                if not is_static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


@attrs.frozen
class _Caller:
    """One request's facts: language, client, who is signed in (if anyone) and
    the session they act in (``None`` for a delegate without a delegation in force)."""

    lang: str
    facts: RequestFacts
    administrative_network: bool
    verified: Verified | None
    cookie: CookieSession | None
    expired: bool
    session: Session | None = None


class _Module:
    def __init__(
        self, store: Store | str, auth: Authenticator, settings: WebSettings, clock: Clock
    ) -> None:
        self.owns_store = isinstance(store, str)
        self.store: Store = (
            Plugins.installed().open_store(store) if isinstance(store, str) else store
        )
        self.auth = auth
        self.settings = settings
        self.clock = clock
        self.consultations = Consultations(self.store, clock)
        self.delegations = Delegations(self.store, clock, SecretsRandom())
        self.codec = SessionCodec(settings.secret_key)
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("educonnect_adapters.web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.actions = ActionPages(self)

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            self.actions.letters.close()
            if self.owns_store:
                self.store.close()

    # -- who is calling ----------------------------------------------------------------

    def caller(self, request: Request) -> _Caller:
        settings = self.settings
        peer = parse_address(request.client.host if request.client else None)
        forwarded = request.headers.getlist("x-forwarded-for")
        client = client_address(
            request.client.host if request.client else None, forwarded, settings.trusted_proxies
        )
        facts = RequestFacts(peer, client, dict(request.headers))
        # a trusted proxy is never itself the client on the network (a request it
        # sends without X-Forwarded-For, or a chain of proxies only)
        network = in_networks(client, settings.administrative_networks) and not in_networks(
            client, settings.trusted_proxies
        )
        lang = request.query_params.get("lang") or request.cookies.get(_LANG_COOKIE)
        lang = lang if lang in catalogue.LANGS else settings.lang
        verified = self.auth.from_request(facts)
        cookie: CookieSession | None = None
        expired = False
        if verified is None and self.auth.has_sign_in_form:
            cookie, expired = self.codec.load(
                request.cookies.get(settings.cookie_name),
                self.clock.now(),
                idle=settings.idle_timeout,
                absolute=settings.absolute_timeout,
            )
            if cookie is not None:
                current = self.auth.confirm(cookie.verified.identity)
                if current is None:
                    cookie, expired = None, True
                else:
                    verified = cookie.verified
        session = self.session_of(verified, network) if verified is not None else None
        return _Caller(lang, facts, network, verified, cookie, expired, session)

    def session_of(self, verified: Verified, administrative_network: bool) -> Session | None:
        """The core session of a verified identity, from the facts: the OTP checked,
        the client on the administrative network; a delegate's from the delegation
        in force the store holds (``None`` without one)."""
        who = verified.identity
        access = AccessContext(otp=verified.otp, administrative_network=administrative_network)
        if who.role is not Role.DELEGATE:
            return Session(Actor(who.actor_id, who.role, who.uai), access)
        try:
            return self.delegations.session_of(who.actor_id, who.uai, access)
        except PermissionDenied:
            return None

    # -- rendering ---------------------------------------------------------------------

    @staticmethod
    def text(caller: _Caller, key: str, **values: object) -> str:
        return catalogue.text(caller.lang, key, **values)

    @staticmethod
    def path(request: Request, name: str, **params: str) -> str:
        """The path of page ``name`` where the module is mounted."""
        return _path(request, name, **params)

    def render(
        self,
        request: Request,
        caller: _Caller,
        template: str,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        lang = caller.lang

        def t(key: str, **values: object) -> str:
            return catalogue.text(lang, key, **values)

        def label(value: Any) -> str:
            return catalogue.label(lang, value)

        def url(name: str, /, query: Mapping[str, object] | None = None, **params: str) -> str:
            path = _path(request, name, **params)
            pairs = {k: v for k, v in (query or {}).items() if v not in (None, "")}
            return f"{path}?{urlencode(pairs)}" if pairs else path

        zone = RefreshSchedule(timezone=self.settings.timezone).tz

        def when(value: Any) -> str:
            if value is None:
                return "–"
            if isinstance(value, dt.datetime):
                return shown_time(value, lang, zone)
            return str(value.strftime("%Y-%m-%d" if lang == "en" else "%d/%m/%Y"))

        def show(value: object) -> str:
            if value is None:
                return "–"
            if isinstance(value, Invalid):
                return t("account.invalid", raw=value.raw, code=value.code)
            return str(value)

        csrf, csrf_cookie = self.csrf_for(request)
        session = caller.session
        body = self.templates.get_template(template).render(
            t=t,
            label=label,
            url=url,
            when=when,
            show=show,
            lang=lang,
            other_lang="en" if lang == "fr" else "fr",
            csrf=csrf,
            session=session,
            identity=caller.verified.identity if caller.verified else None,
            access_label=_access_label(session.access, lang) if session else "",
            has_sign_in_form=self.auth.has_sign_in_form,
            may_notify=bool(session and self.actions.notifiable(session)),
            lang_url=_lang_url(request, "en" if lang == "fr" else "fr"),
            **context,
        )
        response = HTMLResponse(body, status_code=status_code)
        if csrf_cookie is not None:
            self.set_cookie(request, response, self.settings.csrf_cookie_name, csrf_cookie)
        if "lang" in request.query_params and request.query_params["lang"] in catalogue.LANGS:
            self.set_cookie(request, response, _LANG_COOKIE, lang)
        if caller.cookie is not None:
            touched = caller.cookie.touched(self.clock.now())
            self.set_cookie(request, response, self.settings.cookie_name, self.codec.dump(touched))
        elif caller.expired:
            self.delete_cookie(request, response, self.settings.cookie_name)
        return response

    def csrf_for(self, request: Request) -> tuple[str, str | None]:
        """The request's CSRF token, and a new cookie when it had none."""
        token = self.codec.csrf_token(request.cookies.get(self.settings.csrf_cookie_name))
        if token is not None:
            return token, None
        return self.codec.new_csrf()

    def set_cookie(self, request: Request, response: Response, name: str, value: str) -> None:
        response.set_cookie(
            name,
            value,
            path=_cookie_path(request),
            secure=self.settings.secure_cookies,
            httponly=True,
            samesite="strict",
        )

    def delete_cookie(self, request: Request, response: Response, name: str) -> None:
        response.delete_cookie(
            name,
            path=_cookie_path(request),
            secure=self.settings.secure_cookies,
            httponly=True,
            samesite="strict",
        )

    def error(self, request: Request, caller: _Caller, status: int, kind: str) -> HTMLResponse:
        return self.render(
            request,
            caller,
            "error.html",
            status_code=status,
            title_key=f"error.{kind}.title",
            message_key=f"error.{kind}" if kind != "unauthenticated" else "signin.by_proxy",
        )

    async def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        caller = self.caller(request)
        kind = "not_found" if exc.status_code in (404, 405) else "csrf"
        return self.error(request, caller, exc.status_code, kind)

    def signed_in(self, request: Request) -> tuple[_Caller, Session | Response]:
        """The caller and their session, or the answer to give instead (sign in first)."""
        caller = self.caller(request)
        session = caller.session
        if session is not None:
            return caller, session
        if caller.verified is not None:  # a delegate whose delegation is not in force
            return caller, self.error(request, caller, 403, "delegation")
        if not self.auth.has_sign_in_form:
            return caller, self.error(request, caller, 401, "unauthenticated")
        target = _path(request, "signin")
        if caller.expired:
            target += "?expired=1"
        response = RedirectResponse(target, status_code=303)
        if caller.expired:
            self.delete_cookie(request, response, self.settings.cookie_name)
        return caller, response

    def check_csrf(self, request: Request, form: Mapping[str, Any]) -> bool:
        expected = self.codec.csrf_token(request.cookies.get(self.settings.csrf_cookie_name))
        given = form.get("csrf")
        return self.codec.same(expected, given if isinstance(given, str) else None)

    # -- sign-in -----------------------------------------------------------------------

    def signin_form(self, request: Request) -> Response:
        caller = self.caller(request)
        if caller.verified is not None:
            return RedirectResponse(_path(request, "dashboard"), status_code=303)
        if not self.auth.has_sign_in_form:
            return self.error(request, caller, 401, "unauthenticated")
        notice = None
        if request.query_params.get("expired"):
            notice = "signin.expired"
        elif request.query_params.get("out"):
            notice = "signout.done"
        return self.render(request, caller, "signin.html", notice=notice, problem=None, user="")

    async def signin(self, request: Request) -> Response:
        caller = self.caller(request)
        form = await request.form()
        if not self.check_csrf(request, form):
            return self.error(request, caller, 403, "csrf")
        if not self.auth.has_sign_in_form:
            return self.error(request, caller, 401, "unauthenticated")
        user = str(form.get("user", ""))[:200]
        password = str(form.get("password", ""))[:1000]
        code = str(form.get("code", ""))[:20]
        now = self.clock.now()
        try:
            verified = await run_in_threadpool(
                lambda: self.auth.sign_in(
                    user,
                    password,
                    code,
                    facts=caller.facts,
                    administrative_network=caller.administrative_network,
                    at=now,
                )
            )
        except SignInLocked as exc:
            seconds = max(1, int(exc.retry_after.total_seconds() + 0.999))
            response = self.render(
                request,
                caller,
                "signin.html",
                status_code=429,
                notice=None,
                problem=catalogue.text(caller.lang, "signin.locked", seconds=seconds),
                user=user,
            )
            response.headers["retry-after"] = str(seconds)
            return response
        except SignInRefused as exc:
            key = "signin.code_required" if exc.code_required else "signin.refused"
            return self.render(
                request,
                caller,
                "signin.html",
                status_code=401,
                notice=None,
                problem=catalogue.text(caller.lang, key),
                user=user,
            )
        done = RedirectResponse(_path(request, "dashboard"), status_code=303)
        session = CookieSession(verified, now, now)
        self.set_cookie(request, done, self.settings.cookie_name, self.codec.dump(session))
        _, new_csrf = self.codec.new_csrf()  # a new token once signed in
        self.set_cookie(request, done, self.settings.csrf_cookie_name, new_csrf)
        return done

    async def signout(self, request: Request) -> Response:
        caller = self.caller(request)
        form = await request.form()
        if not self.check_csrf(request, form):
            return self.error(request, caller, 403, "csrf")
        target = _path(request, "signin") + "?out=1"
        response = RedirectResponse(target, status_code=303)
        self.delete_cookie(request, response, self.settings.cookie_name)
        self.delete_cookie(request, response, self.settings.csrf_cookie_name)
        return response

    # -- pages -------------------------------------------------------------------------

    def dashboard(self, request: Request) -> Response:
        caller, session = self.signed_in(request)
        if isinstance(session, Response):
            return session
        now = self.clock.now()
        if not readable_profiles(session, now):
            return self.error(request, caller, 403, "forbidden")
        uai = session.actor.uai
        assert uai is not None
        with self.store.unit_of_work() as uow:
            try:
                school = uow.people.get_school(uai)
            except NotFound:
                school = None
            figures = gather(uow, school, now) if school is not None else None
        return self.render(
            request,
            caller,
            "dashboard.html",
            uai=str(uai),
            school=school,
            figures=figures,
            profiles=list(Profile),
            states=list(AccountState),
            catalogue_of=CATALOGUE,
            export_counts=export_counts,
        )

    def accounts(self, request: Request) -> Response:
        caller, session = self.signed_in(request)
        if isinstance(session, Response):
            return session
        now = self.clock.now()
        readable = readable_profiles(session, now)
        if not readable:
            return self.error(request, caller, 403, "forbidden")
        params = request.query_params
        filters = {
            "name": params.get("name", "").strip()[:100],
            "division": params.get("division", "").strip()[:50],
            "profile": _member(Profile, params.get("profile")),
            "state": _member(AccountState, params.get("state")),
            "route": _member(ActivationRoute, params.get("route")),
            "blocker": _member(BlockerCode, params.get("blocker")),
            "blocked": "1" if params.get("blocked") == "1" else "",
        }
        profile = filters["profile"]
        if len(readable) == 1:
            profile = next(iter(readable))
        elif profile is not None and profile not in readable:
            profile = None
        offset = _offset(params.get("offset"))
        size = self.settings.page_size
        uai = session.actor.uai
        query = AccountQuery(
            uai=uai,
            profile=profile if isinstance(profile, Profile) else None,
            state=filters["state"] if isinstance(filters["state"], AccountState) else None,
            division=filters["division"] or None,
            route=filters["route"] if isinstance(filters["route"], ActivationRoute) else None,
            blocker=filters["blocker"] if isinstance(filters["blocker"], BlockerCode) else None,
            blocked=True if filters["blocked"] else None,
            name=filters["name"] or None,
            offset=offset,
            limit=size,
        )
        rows = []
        with self.store.unit_of_work() as uow:
            page = uow.accounts.query(query)
            snapshots = uow.eligibility.get_many(a.account_id for a in page.items)
            divisions = sorted({d for (d, _) in uow.accounts.statistics(uai).by_division_state})
            for account in page.items:
                person = person_of(uow, account)
                snapshot = snapshots.get(account.account_id)
                rows.append(
                    {
                        "account": account,
                        "name": person.name if person else None,
                        "divisions": snapshot.divisions if snapshot else (),
                        "open_routes": sorted(snapshot.eligible_routes, key=lambda r: r.value)
                        if snapshot
                        else [],
                    }
                )
        chosen = {k: (v.value if hasattr(v, "value") else v) for k, v in filters.items()}
        chosen["profile"] = profile.value if isinstance(profile, Profile) else ""
        return self.render(
            request,
            caller,
            "accounts.html",
            rows=rows,
            page=page,
            size=size,
            chosen=chosen,
            readable=sorted(readable, key=lambda p: p.value),
            readable_names=", ".join(
                catalogue.label(caller.lang, p) for p in sorted(readable, key=lambda p: p.value)
            ),
            all_profiles=len(readable) == len(Profile),
            divisions=divisions,
            states=list(AccountState),
            routes=list(ActivationRoute),
            blockers=list(BlockerCode),
        )

    def account(self, request: Request) -> Response:
        caller, session = self.signed_in(request)
        if isinstance(session, Response):
            return session
        now = self.clock.now()
        account_id = str(request.path_params["account_id"])
        try:
            account = self.consultations.account(session, account_id)  # audited
        except NotFound:
            # an account of another school, or of a profile out of reach, reads
            # exactly as no account at all
            return self.error(request, caller, 404, "not_found")
        except PermissionDenied:  # the access context itself: says nothing of the account
            return self.error(request, caller, 403, "forbidden")
        with self.store.unit_of_work() as uow:
            try:
                school = uow.people.get_school(account.uai)
            except NotFound:
                return self.error(request, caller, 404, "not_found")
            person = person_of(uow, account)
            schedule = RefreshSchedule(timezone=self.settings.timezone)
            eligibility = (
                evaluate(
                    person.record,
                    EvaluationContext.for_school(school, now, schedule),
                    account=account,
                    children=person.children,
                )
                if person
                else None
            )
            events = uow.audit.by_account(account_id, limit=50)
            deliveries = uow.deliveries.by_account(account_id)
        return self.render(
            request,
            caller,
            "account.html",
            account=account,
            person=person,
            record=person.record if person else None,
            is_eleve=account.profile is Profile.ELEVE,
            eligibility=eligibility,
            events=events,
            deliveries=deliveries,
            actions=self.actions.offered(session, account),
        )


def _member(enum_type: Any, value: str | None) -> Any:
    if not value:
        return None
    try:
        return enum_type(value)
    except ValueError:
        return None


def _offset(value: str | None) -> int:
    try:
        offset = int(value or 0)
    except ValueError:
        return 0
    return max(0, min(offset, 10_000_000))


def _access_label(access: AccessContext, lang: str) -> str:
    parts = [
        catalogue.text(lang, key)
        for key, on in (
            ("access.otp", access.otp),
            ("access.administrative_network", access.administrative_network),
        )
        if on
    ]
    return " + ".join(parts) or catalogue.text(lang, "access.none")


_PATHS: Final = {
    "dashboard": "/",
    "signin": "/signin",
    "signout": "/signout",
    "accounts": "/accounts",
    "account": "/accounts/{account_id}",
    "action": "/accounts/{account_id}/{action}",
    "action_confirm": "/accounts/{account_id}/{action}/confirm",
    "action_done": "/accounts/{account_id}/{action}/done",
    "notify": "/notify",
    "notify_preview": "/notify/preview",
    "notify_apply": "/notify/apply",
    "letter": "/letters/{token}/{file}",
    "static": "/static/{path}",
}


def _path(request: Request, name: str, **params: str) -> str:
    """The path of page ``name`` where the module is mounted (the ``root_path``):
    the host application's route names are not ours to know."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    path = _PATHS[name].format(**{k: quote(v, safe="") for k, v in params.items()})
    return root + path


def _lang_url(request: Request, lang: str) -> str:
    """This page in the other language (its other query parameters kept); the
    answer to a form sent by POST cannot be fetched again: the sign-in form, or
    the dashboard."""
    if request.method != "GET":
        signin = _path(request, "signin")
        target = signin if request.url.path == signin else _path(request, "dashboard")
        return f"{target}?{urlencode([('lang', lang)])}"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{request.url.path}?{urlencode([*query, ('lang', lang)])}"


def _cookie_path(request: Request) -> str:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return root + "/" if root else "/"
