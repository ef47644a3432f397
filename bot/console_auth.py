"""Signing in to the console: the sign-in and sign-out pages, the session cookie (HTTP-only,
SameSite=Lax, Secure over HTTPS), the middleware that puts the signed-in
user on each request and keeps every page but sign-in behind it, and the CSRF check every form
post goes through (a per-session token; the sign-in form uses a double-submit cookie)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from urllib.parse import quote, urlsplit

from aiohttp import web
from sqlalchemy import Connection, Row

from bot.accounts import SignedIn, sign_in, sign_out, signed_in
from bot.app_keys import CLOCK, DATABASE, ENGINE, TEMPLATES
from storage.users import audit

SESSION_COOKIE = "csba_session"
SIGN_IN_COOKIE = "csba_sign_in"
USER = web.RequestKey("user", SignedIn)  # who is signed in, on each request
PUBLIC = ("/console/sign-in",)
LEAD_ROLES = ("lead", "admin")


def current_user(request: web.Request) -> SignedIn:
    return request[USER]


def require_role(request: web.Request, *roles: str) -> SignedIn:
    user = current_user(request)
    if user.role not in roles:
        raise web.HTTPForbidden(text="this page is not for your account")
    return user


async def checked_form(request: web.Request) -> dict[str, str]:
    """A posted form whose CSRF token is the session's."""
    form = {key: str(value) for key, value in (await request.post()).items()}
    if not secrets.compare_digest(form.get("csrf", ""), current_user(request).csrf_token):
        raise web.HTTPForbidden(text="the form has expired or did not come from this site; "
                                     "reload the page and try again")
    return form


def number_in_path(request: web.Request, name: str, missing: str) -> int:
    """A record's number from the URL; anything else is a page that does not exist (404)."""
    try:
        return int(request.match_info[name])
    except ValueError:
        raise web.HTTPNotFound(text=missing) from None


def render(request: web.Request, name: str, *, tz: str = "UTC", **context) -> web.Response:
    """A console page; every page knows who is signed in and the form token."""
    user = request.get(USER)
    # A seller reads their pages in their language (English or Chinese); leads in English.
    lang = (request.config_dict[ENGINE].policy.seller_language(user.language)
            if user is not None and user.is_seller else "en")
    page = request.config_dict[TEMPLATES].render(
        name, lang, tz=tz, user=user, csrf=user.csrf_token if user else "",
        now=request.config_dict[CLOCK].now(), **context)
    return web.Response(text=page, content_type="text/html")


def _secure(request: web.Request) -> bool:
    """Secure cookies when the browser talks HTTPS: to us, or to the TLS proxy in front
    (which says so in X-Forwarded-Proto); a Secure cookie set over plain HTTP would never
    come back."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "") == "https"


def _home(user: SignedIn) -> str:
    return "/console/cases/" if user.is_seller else "/console/"


def _safe_next(value: str | None) -> str | None:
    """Only a path inside the console (no open redirect to another site)."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console/"):
        return None
    return value


@web.middleware
async def signed_in_only(request: web.Request,
                         handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                         ) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE)
    user = None
    if token:
        now = request.config_dict[CLOCK].now()
        user = await request.config_dict[DATABASE].run(
            lambda connection: signed_in(connection, token, now))
    if user is not None:
        request[USER] = user
    elif request.path not in PUBLIC:
        raise web.HTTPSeeOther(f"/console/sign-in?next={quote(request.path_qs)}")
    response = await handler(request)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; style-src 'self' 'unsafe-inline'")
    return response


async def sign_in_page(request: web.Request) -> web.Response:
    if USER in request:
        raise web.HTTPSeeOther(_home(request[USER]))
    token = secrets.token_urlsafe(24)
    response = render(request, "console/sign_in.html", form_token=token, error=None,
                      next=_safe_next(request.query.get("next")) or "", email="")
    response.set_cookie(SIGN_IN_COOKIE, token, httponly=True, samesite="Strict",
                        secure=_secure(request), path="/console/")
    return response


async def sign_in_post(request: web.Request) -> web.Response:
    form = {key: str(value) for key, value in (await request.post()).items()}
    cookie = request.cookies.get(SIGN_IN_COOKIE, "")
    if not cookie or not secrets.compare_digest(form.get("form_token", ""), cookie):
        raise web.HTTPForbidden(text="the sign-in form has expired; reload the page")
    now = request.config_dict[CLOCK].now()
    email, password = form.get("email", ""), form.get("password", "")
    token = await request.config_dict[DATABASE].run(
        lambda connection: sign_in(connection, email, password, now))
    if token is None:
        response = render(request, "console/sign_in.html", form_token=cookie,
                          error="That email and password do not match an account.",
                          next=_safe_next(form.get("next")) or "", email=email)
        response.set_status(401)
        return response
    user = await request.config_dict[DATABASE].run(
        lambda connection: signed_in(connection, token, now))
    response = web.HTTPSeeOther(_safe_next(form.get("next")) or _home(user))
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Lax",
                        secure=_secure(request), path="/console/", max_age=12 * 3600)
    response.del_cookie(SIGN_IN_COOKIE, path="/console/")
    raise response


async def sign_out_post(request: web.Request) -> web.Response:
    await checked_form(request)
    user = current_user(request)
    now = request.config_dict[CLOCK].now()
    await request.config_dict[DATABASE].run(lambda connection: sign_out(connection, user, now))
    response = web.HTTPSeeOther("/console/sign-in")
    response.del_cookie(SESSION_COOKIE, path="/console/")
    raise response


def routes() -> list[web.RouteDef]:
    return [web.get("/sign-in", sign_in_page), web.post("/sign-in", sign_in_post),
            web.post("/sign-out", sign_out_post)]


def lead_action(what: str, audit_name: str,
                load: Callable[[Connection, int], Row | None],
                act: Callable[..., str | None]):
    """A lead's POST on a record (`/console/<what>s/<id>/...`): role and CSRF checked, one
    transaction, audited, then back to the record's page. `act(connection, record, user,
    form, now, engine)` may return a reason to refuse (409)."""
    async def handler(request: web.Request) -> web.Response:
        user = require_role(request, *LEAD_ROLES)
        form = await checked_form(request)
        record_id = number_in_path(request, "id", f"no such {what}")
        engine = request.config_dict[ENGINE]

        def run(connection: Connection, now: datetime) -> str | None:
            record = load(connection, record_id)
            if record is None:
                raise web.HTTPNotFound(text=f"no such {what}")
            problem = act(connection, record, user, form, now, engine)
            if problem is None:
                audit(connection, user.user_id, audit_name, f"{what} {record_id}", now)
            return problem

        problem = await engine.act(run)
        if problem:
            raise web.HTTPConflict(text=problem)
        raise web.HTTPSeeOther(f"/console/{what}s/{record_id}")
    return handler
