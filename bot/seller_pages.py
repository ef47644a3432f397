"""Sellers' accounts in the console: a seller's own account page (enrollment, with enroll and
opt-out, API keys' use, and the fee statement of any month, also as CSV); leads see every
seller's account from the sellers list."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from aiohttp import web
from sqlalchemy import Connection

from bot.app_keys import DATABASE, ENGINE
from bot.console_auth import LEAD_ROLES, checked_form, render, require_role
from bot.fee_statements import monthly_statement, previous_month
from bot.seller_accounts import UnknownSeller, account, enroll, opt_out
from storage.sellers import all_sellers
from storage.users import audit


def _seller_id(request: web.Request) -> str:
    """The seller a page is about: a seller's own; a lead's choice from the sellers list."""
    user = require_role(request, "seller", *LEAD_ROLES)
    if user.is_seller:
        return user.seller_id
    seller_id = request.query.get("seller", "")
    if not seller_id:
        raise web.HTTPSeeOther("/console/sellers")
    return seller_id


def _month(request: web.Request) -> str:
    engine = request.config_dict[ENGINE]
    return request.query.get("month") or previous_month(engine.clock.now(),
                                                          engine.policy.timezone)


async def _load(request: web.Request, seller_id: str, month: str):
    policy = request.config_dict[ENGINE].policy

    def read(connection: Connection):
        return (account(connection, seller_id, policy),
                monthly_statement(connection, seller_id, month, policy))
    try:
        return await request.config_dict[DATABASE].run(read)
    except UnknownSeller:
        raise web.HTTPNotFound(text="no such seller") from None
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None


async def account_page(request: web.Request) -> web.Response:
    seller_id, month = _seller_id(request), _month(request)
    found, statement = await _load(request, seller_id, month)
    zone = found.timezone or str(request.config_dict[ENGINE].policy.timezone)
    return render(request, "console/account.html", account=found, statement=statement,
                  month=month, tz=zone)


async def statement_csv(request: web.Request) -> web.Response:
    seller_id, month = _seller_id(request), _month(request)
    _, statement = await _load(request, seller_id, month)
    out = io.StringIO()
    writer = csv.writer(out)
    rows = statement.as_dict()
    writer.writerow(list(rows))
    writer.writerow(["" if value is None else value for value in rows.values()])
    return web.Response(text=out.getvalue(), content_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="fees-{seller_id}-{month}.csv"'})


async def change_enrollment(request: web.Request) -> web.Response:
    """A seller enrolls (accepting the terms) or opts out from their account page."""
    user = require_role(request, "seller")
    form = await checked_form(request)
    engine = request.config_dict[ENGINE]
    action = request.match_info["action"]

    def change(connection: Connection, now: datetime):
        if action == "enroll":
            decision = enroll(connection, user.seller_id, engine.policy, now,
                              terms_accepted=form.get("accept_terms") == "yes", by=user.email)
        else:
            decision = opt_out(connection, user.seller_id, engine.policy, now, by=user.email)
        audit(connection, user.user_id, f"seller_{action.replace('-', '_')}", user.seller_id,
              now, outcome=decision.outcome)
        return decision

    decision = await engine.act(change)
    if decision.outcome not in ("enrolled", "opted_out"):
        raise web.HTTPConflict(text="not done: " + ", ".join(decision.reasons))
    raise web.HTTPSeeOther("/console/account")


async def sellers_page(request: web.Request) -> web.Response:
    require_role(request, *LEAD_ROLES)
    policy = request.config_dict[ENGINE].policy
    accounts = await request.config_dict[DATABASE].run(lambda connection: [
        account(connection, row.id, policy) for row in all_sellers(connection)])
    return render(request, "console/sellers.html", accounts=accounts)


def routes() -> list[web.RouteDef]:
    return [web.get("/account", account_page), web.get("/account/fees.csv", statement_csv),
            web.post("/account/{action:enroll|opt-out}", change_enrollment),
            web.get("/sellers", sellers_page)]
