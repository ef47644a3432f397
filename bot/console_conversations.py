"""The leads' work on conversations in the console: the list with its filters and full-text
search (and its CSV export), the transcript, and the actions: take over and answer the
customer on their channel (through the outbox, like any answer), hand back to the bot, add a
private note, flag for review, mark reviewed. Every action is in the audit log."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy import Connection

from bot.app_keys import DATABASE, ENGINE
from bot.case_pages import time_left
from bot.cases import OPEN_STATUSES
from bot.console_auth import LEAD_ROLES, lead_action, number_in_path, render, require_role
from bot.journal import record_decision
from bot.messages import Decision
from bot.outgoing import EmailThread, Say
from storage.calls import call_events_of
from storage.cases import cases_of_conversation
from storage.conversations import (
    close_handoffs,
    insert_note,
    last_inbound_message,
    notes_of,
    save_conversation,
    transcript,
)
from storage.conversations import conversation as load_conversation
from storage.outbox import deliveries_of
from storage.returns import attachments_of
from storage.search import ConversationFilter, find_conversations

PAGE_SIZE = 50
CSV_LIMIT = 10_000
MAX_REPLY = 1600  # ten SMS segments


def _day(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{field} is not a date (YYYY-MM-DD): {value!r}") from None


def read_filter(query) -> ConversationFilter:
    """The list's filters from the query string (the form on the page)."""
    until = _day(query.get("until", ""), "until")
    return ConversationFilter(
        text=query.get("q", "")[:200], channel=query.get("channel", ""),
        language=query.get("language", ""), intent=query.get("intent", ""),
        outcome=query.get("outcome", ""), seller_id=query.get("seller", ""),
        since=_day(query.get("since", ""), "since"),
        until=until + timedelta(days=1) if until else None,
        waiting_on_seller=query.get("waiting") == "1",
        asked_for_person=query.get("person") == "1", flagged=query.get("flagged") == "1")


def _page(query) -> int:
    try:
        return max(0, int(query.get("page", "0")))
    except ValueError:
        raise web.HTTPBadRequest(text="page is not a number") from None


async def conversation_list(request: web.Request) -> web.Response:
    require_role(request, *LEAD_ROLES)
    wanted, page = read_filter(request.query), _page(request.query)
    rows = await request.config_dict[DATABASE].run(lambda connection: find_conversations(
        connection, wanted, OPEN_STATUSES, limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE))
    return render(request, "console/conversations.html", rows=rows[:PAGE_SIZE],
                  more=len(rows) > PAGE_SIZE, page=page, query=dict(request.query))


async def conversations_csv(request: web.Request) -> web.Response:
    require_role(request, *LEAD_ROLES)
    wanted = read_filter(request.query)
    rows = await request.config_dict[DATABASE].run(lambda connection: find_conversations(
        connection, wanted, OPEN_STATUSES, limit=CSV_LIMIT))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "channel", "customer", "language", "order_id", "at_risk", "flagged",
                     "taken_over", "created_at", "updated_at", "search_hits"])
    for row in rows:
        writer.writerow([row.id, row.channel, _cell(row.customer_address), row.language or "",
                         row.order_id or "", row.at_risk or "",
                         "yes" if row.flagged_at else "", "yes" if row.taken_over_by else "",
                         row.created_at.isoformat(), row.updated_at.isoformat(), row.hits])
    return web.Response(text=out.getvalue(), content_type="text/csv", headers={
        "Content-Disposition": 'attachment; filename="conversations.csv"'})


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection); a phone
    number in E.164 stays as it is."""
    if value[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"\+\d{6,15}", value):
        return "'" + value
    return value


def _conversation_id(request: web.Request) -> int:
    return number_in_path(request, "id", "no such conversation")


async def conversation_page(request: web.Request) -> web.Response:
    """One conversation's transcript: each message with its channel, time, what the speech
    recognizer heard and how sure it was, the intent, the decisions with their reasons, and
    how each answer fared on its way out; the leads' notes; for calls, Twilio's status
    callbacks."""
    require_role(request, *LEAD_ROLES)
    conversation_id = _conversation_id(request)

    def read(connection: Connection):
        found = load_conversation(connection, conversation_id)
        if found is None:
            return None
        messages, decisions = transcript(connection, conversation_id)
        calls = (call_events_of(connection, found.customer_address)
                 if found.channel == "voice" else [])
        return (found, messages, decisions, calls, notes_of(connection, conversation_id),
                cases_of_conversation(connection, conversation_id),
                attachments_of(connection, conversation_id),
                deliveries_of(connection, conversation_id))

    loaded = await request.config_dict[DATABASE].run(read)
    if loaded is None:
        raise web.HTTPNotFound(text=f"no conversation {conversation_id}")
    found, messages, decisions, calls, notes, cases, attachments, deliveries = loaded
    now = request.config_dict[ENGINE].clock.now()
    by_message: dict[int | None, list] = {}
    for decision in decisions:
        by_message.setdefault(decision.message_id, []).append(decision)
    return render(request, "console/conversation.html", conversation=found, messages=messages,
                  decisions=by_message, calls=calls, notes=notes, cases=cases,
                  attachments=attachments, deliveries=deliveries, open_statuses=OPEN_STATUSES,
                  time_left=lambda case: time_left(case.deadline_at, now))


def _take_over(connection, conversation, user, form, now, engine) -> str | None:
    if conversation.taken_over_by is not None:
        return "the conversation is already taken over"
    save_conversation(connection, conversation.id, taken_over_by=user.user_id, updated_at=now)
    close_handoffs(connection, conversation.id, now)
    record_decision(connection, Decision("taken_over", ("console.lead_took_over",),
                                         {"lead": user.email}), now,
                    conversation_id=conversation.id)
    return None


def _hand_back(connection, conversation, user, form, now, engine) -> str | None:
    if conversation.taken_over_by is None:
        return "the bot already has the conversation"
    save_conversation(connection, conversation.id, taken_over_by=None, updated_at=now)
    record_decision(connection, Decision("handed_back", ("console.lead_handed_back",),
                                         {"lead": user.email}), now,
                    conversation_id=conversation.id)
    return None


def _reply(connection, conversation, user, form, now, engine) -> str | None:
    text = form.get("reply", "").strip()
    if not text:
        raise web.HTTPBadRequest(text="the reply is empty")
    if len(text) > MAX_REPLY:
        raise web.HTTPBadRequest(text=f"the reply is longer than {MAX_REPLY} characters")
    if conversation.taken_over_by != user.user_id:
        return "take the conversation over before answering the customer"
    thread = None
    if conversation.channel == "email":
        last = last_inbound_message(connection, conversation.id)
        if last is not None:
            thread = EmailThread(last.external_id, (), last.subject)
    engine.outgoing.to_customer(connection, conversation, [Say("lead_reply", {"text": text})],
                                conversation.language or engine.policy.default_language, now,
                                thread=thread)
    return None


def _note(connection, conversation, user, form, now, engine) -> str | None:
    body = form.get("note", "").strip()
    if not body:
        raise web.HTTPBadRequest(text="the note is empty")
    insert_note(connection, conversation.id, user.user_id, body[:5000], now)
    return None


def _flag(connection, conversation, user, form, now, engine) -> str | None:
    save_conversation(connection, conversation.id, flagged_at=now, reviewed_at=None)
    return None


def _review(connection, conversation, user, form, now, engine) -> str | None:
    save_conversation(connection, conversation.id, flagged_at=None, reviewed_at=now)
    return None


def routes() -> list[web.RouteDef]:
    return [
        web.get("/conversations/", conversation_list),
        web.get("/conversations.csv", conversations_csv),
        web.get("/conversations/{id}", conversation_page),
        *(web.post(f"/conversations/{{id}}/{name}",
                   lead_action("conversation", f"conversation_{name.replace('-', '_')}",
                               load_conversation, act))
          for name, act in (("take-over", _take_over), ("hand-back", _hand_back),
                            ("reply", _reply), ("note", _note), ("flag", _flag),
                            ("review", _review))),
    ]
