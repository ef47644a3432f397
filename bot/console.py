"""The support leads' console: the overview (open cases, answers waiting for a translation,
the leads' queue, recent conversations) and each conversation's transcript. Sign-in is
`bot.console_auth`; the case pages, which sellers see too, are `bot.case_pages`."""

from __future__ import annotations

from aiohttp import web

from bot import case_pages, console_auth
from bot.app_keys import DATABASE
from bot.cases import AWAITING_TRANSLATION, OPEN_STATUSES
from bot.console_auth import LEAD_ROLES, render, require_role
from storage.calls import call_events_of
from storage.cases import cases_in_status, recent_open_cases
from storage.conversations import conversation as load_conversation
from storage.conversations import open_handoffs, recent_conversations, transcript


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


async def conversation_page(request: web.Request) -> web.Response:
    """One conversation's transcript: each message with its channel, time, what the speech
    recognizer heard and how sure it was, the intent, and the decisions with their reasons;
    for calls, Twilio's status callbacks."""
    require_role(request, *LEAD_ROLES)
    try:
        conversation_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPBadRequest(text="a conversation number is a whole number") from None

    def read(connection):
        found = load_conversation(connection, conversation_id)
        if found is None:
            return None
        messages, decisions = transcript(connection, conversation_id)
        calls = (call_events_of(connection, found.customer_address)
                 if found.channel == "voice" else [])
        return found, messages, decisions, calls

    loaded = await request.config_dict[DATABASE].run(read)
    if loaded is None:
        raise web.HTTPNotFound(text=f"no conversation {conversation_id}")
    found, messages, decisions, calls = loaded
    by_message: dict[int | None, list] = {}
    for decision in decisions:
        by_message.setdefault(decision.message_id, []).append(decision)
    return render(request, "console/conversation.html", conversation=found, messages=messages,
                  decisions=by_message, calls=calls)


def create_console() -> web.Application:
    console = web.Application(middlewares=[console_auth.signed_in_only])
    console.router.add_get("", index)
    console.router.add_get("/", index)
    console.router.add_get("/conversations/{id}", conversation_page)
    console.add_routes(console_auth.routes())
    console.add_routes(case_pages.routes())
    return console
