"""The support leads' console: the overview (open cases, answers waiting for a translation,
the leads' queue, recent conversations). Sign-in is `bot.console_auth`, the conversations and
what leads do with them `bot.console_conversations`, the case pages (sellers see theirs too)
`bot.case_pages`."""

from __future__ import annotations

from aiohttp import web

from bot import (
    case_pages,
    console_auth,
    console_conversations,
    console_dashboard,
    seller_pages,
)
from bot.app_keys import DATABASE
from bot.cases import AWAITING_TRANSLATION, OPEN_STATUSES
from bot.console_auth import LEAD_ROLES, render, require_role
from storage.cases import cases_in_status, recent_open_cases
from storage.conversations import open_handoffs, recent_conversations
from storage.users import recent_audit


async def index(request: web.Request) -> web.Response:
    user = console_auth.current_user(request)
    if user.is_seller:
        raise web.HTTPSeeOther("/console/cases/")
    require_role(request, *LEAD_ROLES)
    conversations, cases, held, handoffs = await request.config_dict[DATABASE].run(
        lambda connection: (recent_conversations(connection, 20),
                            recent_open_cases(connection, OPEN_STATUSES, 20),
                            cases_in_status(connection, AWAITING_TRANSLATION),
                            open_handoffs(connection, 50)))
    return render(request, "console/index.html", conversations=conversations, cases=cases,
                  held=held, handoffs=handoffs)


async def audit_page(request: web.Request) -> web.Response:
    """Who did what in the console, newest first."""
    require_role(request, *LEAD_ROLES)
    events = await request.config_dict[DATABASE].run(recent_audit)
    return render(request, "console/audit.html", events=events)


def create_console() -> web.Application:
    console = web.Application(middlewares=[console_auth.signed_in_only])
    console.router.add_get("", index)
    console.router.add_get("/", index)
    console.router.add_get("/audit", audit_page)
    console.add_routes(console_auth.routes())
    console.add_routes(console_conversations.routes())
    console.add_routes(console_dashboard.routes())
    console.add_routes(seller_pages.routes())
    console.add_routes(case_pages.routes())
    return console
