"""Finding conversations for the console: filters on the conversation, its messages, decisions,
cases and hand-offs, and full-text search over every message (SQLite FTS5; PostgreSQL
full-text search on the 'simple' configuration), both served by indexes of migration 0009."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Row, and_, exists, func, literal_column, select, text

from storage.models import Case, Conversation, Decision, Handoff, Message, Order

CONVERSATIONS = Conversation.__table__
MESSAGES = Message.__table__
DECISIONS = Decision.__table__
CASES = Case.__table__
HANDOFFS = Handoff.__table__
ORDERS = Order.__table__


@dataclass(frozen=True)
class ConversationFilter:
    text: str = ""
    channel: str = ""
    language: str = ""
    intent: str = ""
    outcome: str = ""
    seller_id: str = ""
    since: datetime | None = None
    until: datetime | None = None
    waiting_on_seller: bool = False
    asked_for_person: bool = False
    flagged: bool = False


# The indexed document on PostgreSQL, exactly as migration 0009 indexes it.
PG_DOCUMENT = ("to_tsvector('simple', translate(body, "
               "'ÁÉÍÓÚÜÑáéíóúüñÀÈÌÒÙàèìòùÂÊÎÔÛâêîôûÇçÃÕãõ', "
               "'AEIOUUNaeiouunAEIOUaeiouAEIOUaeiouCcAOao'))")


def fold(term: str) -> str:
    """A search word without its accents, as the index holds it."""
    return "".join(c for c in unicodedata.normalize("NFKD", term)
                   if not unicodedata.combining(c))


def search_terms(text: str) -> list[str]:
    """The words of a search, as the full-text index tokenizes them (punctuation and query
    syntax typed by a lead are not operators)."""
    return re.findall(r"\w+", text.lower())[:12]


def _matching_messages(connection: Connection, terms: list[str]):
    if connection.dialect.name == "sqlite":
        query = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        return select(literal_column("rowid")).select_from(text("messages_fts")).where(
            text("messages_fts MATCH :fts_query").bindparams(fts_query=query))
    return select(MESSAGES.c.id).where(literal_column(PG_DOCUMENT).op("@@")(
        func.plainto_tsquery(literal_column("'simple'"), " ".join(fold(t) for t in terms))))


def find_conversations(connection: Connection, wanted: ConversationFilter,
                       open_case_statuses: Sequence[str], *, limit: int = 50,
                       offset: int = 0) -> list[Row]:
    """Conversations matching every filter given, the most recently active first, each with
    the number of messages that matched the search (0 without one)."""
    conditions = []
    c = CONVERSATIONS.c
    for column, value in ((c.channel, wanted.channel), (c.language, wanted.language)):
        if value:
            conditions.append(column == value)
    if wanted.since is not None:
        conditions.append(c.updated_at >= wanted.since)
    if wanted.until is not None:
        conditions.append(c.created_at < wanted.until)
    if wanted.flagged:
        conditions.append(c.flagged_at.is_not(None))
    if wanted.intent:
        conditions.append(exists().where(MESSAGES.c.conversation_id == c.id,
                                         MESSAGES.c.intent == wanted.intent))
    if wanted.outcome:
        conditions.append(exists().where(DECISIONS.c.conversation_id == c.id,
                                         DECISIONS.c.outcome == wanted.outcome))
    if wanted.seller_id:
        conditions.append(exists().where(ORDERS.c.order_id == c.order_id,
                                         ORDERS.c.seller_id == wanted.seller_id))
    if wanted.waiting_on_seller:
        conditions.append(exists().where(CASES.c.conversation_id == c.id,
                                         CASES.c.status.in_(list(open_case_statuses))))
    if wanted.asked_for_person:
        conditions.append(exists().where(HANDOFFS.c.conversation_id == c.id,
                                         HANDOFFS.c.closed_at.is_(None)))
    hits = literal_column("0").label("hits")
    query = select(CONVERSATIONS, hits)
    terms = search_terms(wanted.text)
    if terms:
        matched = (select(MESSAGES.c.conversation_id, func.count().label("hits"))
                   .where(MESSAGES.c.id.in_(_matching_messages(connection, terms)),
                          MESSAGES.c.conversation_id.is_not(None))
                   .group_by(MESSAGES.c.conversation_id).subquery())
        query = (select(CONVERSATIONS, matched.c.hits)
                 .join(matched, matched.c.conversation_id == c.id))
    query = query.where(and_(True, *conditions)).order_by(c.updated_at.desc(), c.id.desc())
    return list(connection.execute(query.limit(limit).offset(offset)))
