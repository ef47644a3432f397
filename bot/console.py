"""The support leads' console (placeholder): recent conversations, open cases and each
conversation's transcript, read-only. Sign-in, filters and actions come with the console
issue."""

from __future__ import annotations

from aiohttp import web

from bot.app_keys import CLOCK, DATABASE, TEMPLATES
from bot.cases import OPEN_STATUSES
from storage.calls import call_events_of
from storage.cases import recent_open_cases
from storage.conversations import conversation as load_conversation
from storage.conversations import recent_conversations, transcript


async def index(request: web.Request) -> web.Response:
    conversations, cases = await request.config_dict[DATABASE].run(lambda connection: (
        recent_conversations(connection, 20), recent_open_cases(connection, OPEN_STATUSES, 20)))
    page = request.config_dict[TEMPLATES].render(
        "console/index.html", "en", tz="UTC", conversations=conversations, cases=cases,
        now=request.config_dict[CLOCK].now())
    return web.Response(text=page, content_type="text/html")


async def conversation_page(request: web.Request) -> web.Response:
    """One conversation's transcript: each message with its channel, time, what the speech
    recognizer heard and how sure it was, the intent, and the decisions with their reasons;
    for calls, Twilio's status callbacks."""
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
    page = request.config_dict[TEMPLATES].render(
        "console/conversation.html", "en", tz="UTC", conversation=found, messages=messages,
        decisions=by_message, calls=calls)
    return web.Response(text=page, content_type="text/html")


def create_console() -> web.Application:
    console = web.Application()
    console.router.add_get("", index)
    console.router.add_get("/", index)
    console.router.add_get("/conversations/{id}", conversation_page)
    return console
