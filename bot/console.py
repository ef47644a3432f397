"""The support leads' console (placeholder): recent conversations and open cases, read-only.
Sign-in, filters and actions come with the console issue."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app_keys import CLOCK, DATABASE, TEMPLATES
from bot.cases import OPEN_STATUSES
from storage.models import Case, Conversation


async def index(request: web.Request) -> web.Response:
    def recent(session: Session) -> tuple[list[Conversation], list[Case]]:
        conversations = session.scalars(
            select(Conversation).order_by(Conversation.updated_at.desc()).limit(20)).all()
        cases = session.scalars(
            select(Case).where(Case.status.in_(OPEN_STATUSES)).order_by(Case.deadline_at)
            .limit(20)).all()
        return list(conversations), list(cases)

    conversations, cases = await request.config_dict[DATABASE].run(recent)
    page = request.config_dict[TEMPLATES].render(
        "console/index.html", "en", tz="UTC", conversations=conversations, cases=cases,
        now=request.config_dict[CLOCK].now())
    return web.Response(text=page, content_type="text/html")


def create_console() -> web.Application:
    console = web.Application()
    console.router.add_get("", index)
    console.router.add_get("/", index)
    return console
