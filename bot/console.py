"""The support leads' console (placeholder): recent conversations and open cases, read-only.
Sign-in, filters and actions come with the console issue."""

from __future__ import annotations

from aiohttp import web

from bot.app_keys import CLOCK, DATABASE, TEMPLATES
from bot.cases import OPEN_STATUSES
from storage.cases import recent_open_cases
from storage.conversations import recent_conversations


async def index(request: web.Request) -> web.Response:
    conversations, cases = await request.config_dict[DATABASE].run(lambda connection: (
        recent_conversations(connection, 20), recent_open_cases(connection, OPEN_STATUSES, 20)))
    page = request.config_dict[TEMPLATES].render(
        "console/index.html", "en", tz="UTC", conversations=conversations, cases=cases,
        now=request.config_dict[CLOCK].now())
    return web.Response(text=page, content_type="text/html")


def create_console() -> web.Application:
    console = web.Application()
    console.router.add_get("", index)
    console.router.add_get("/", index)
    return console
