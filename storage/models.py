"""The tables: catalog data (sellers, products, orders), conversations, cases and the outbox.
Declared with the ORM for Alembic and for reading in tests; the service itself reads and writes
through the Core statements of the other modules of this package."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

Money = Numeric(12, 2, asdecimal=True)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Seller(Base):
    __tablename__ = "sellers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    addresses: Mapped[list[Any]] = mapped_column(default=list)
    language: Mapped[str] = mapped_column(String(16), default="en")
    timezone: Mapped[str | None] = mapped_column(String(64))
    enrolled_at: Mapped[datetime | None]
    opted_out_at: Mapped[datetime | None]
    return_address_country: Mapped[str] = mapped_column(String(2), default="US")
    returnless_refund_max: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # The marketplace account: enrollment needs a professional plan in good standing.
    plan: Mapped[str] = mapped_column(String(16), default="professional")
    account_health: Mapped[str] = mapped_column(String(16), default="good")
    # Every enrollment period, oldest first: {"enrolled_at", "terms_accepted_at",
    # "opted_out_at"} as ISO 8601; enrolled_at/opted_out_at above are the latest period's.
    enrollment_history: Mapped[list[Any]] = mapped_column(default=list)


class Product(Base):
    __tablename__ = "products"

    asin: Mapped[str] = mapped_column(String(20), primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(100), default="")
    bullets: Mapped[list[Any]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    price: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    returnable: Mapped[bool] = mapped_column(Boolean, default=True)


class Order(Base):
    __tablename__ = "orders"

    order_id: Mapped[str] = mapped_column(String(19), primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    fulfillment: Mapped[str] = mapped_column(String(3))
    purchased_at: Mapped[datetime]
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    buyer_email: Mapped[str | None] = mapped_column(String(320), index=True)
    buyer_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    buyer_language: Mapped[str | None] = mapped_column(String(16))
    ship_postal_code: Mapped[str] = mapped_column(String(16), default="")
    ship_country: Mapped[str] = mapped_column(String(2), default="US")
    status: Mapped[str] = mapped_column(String(16))
    latest_ship_date: Mapped[datetime | None]
    earliest_delivery_date: Mapped[datetime | None]
    latest_delivery_date: Mapped[datetime | None]
    carrier: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    asin: Mapped[str] = mapped_column(ForeignKey("products.asin"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    price: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (Index("ix_order_items_order", "order_id", "position"),)


class Conversation(Base):
    """One customer on one channel; `state` holds what the engine is waiting for."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    customer_address: Mapped[str] = mapped_column(String(320))
    language: Mapped[str | None] = mapped_column(String(16))
    order_id: Mapped[str | None] = mapped_column(String(19))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # An order at risk of a guarantee claim or negative feedback, for the console.
    at_risk: Mapped[str | None] = mapped_column(String(32), index=True)
    # A support lead who took the conversation over: the bot keeps quiet until handed back.
    taken_over_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    flagged_at: Mapped[datetime | None] = mapped_column(index=True)
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_conversations_customer", "channel", "customer_address"),)


class Note(Base):
    """A support lead's private note on a conversation (never sent to anyone)."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Message(Base):
    """Every message in and out. Inbound `external_id` is the provider's idempotency key."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(8))
    sender: Mapped[str] = mapped_column(String(320))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(998))
    language: Mapped[str | None] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(32))
    intent_confidence: Mapped[float | None] = mapped_column(Float)
    entities: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    # Phone calls: the speech recognizer's confidence in what it heard (0 to 1).
    speech_confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_messages_external"),)


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    outcome: Mapped[str] = mapped_column(String(64))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class Case(Base):
    """A question put to the seller, with its reply token and 24-hour deadline."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"))
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    customer_channel: Mapped[str] = mapped_column(String(8))
    customer_address: Mapped[str] = mapped_column(String(320))
    customer_language: Mapped[str] = mapped_column(String(16))
    customer_text: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    opened_at: Mapped[datetime]
    reminder_at: Mapped[datetime]
    deadline_at: Mapped[datetime] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    seller_message_id: Mapped[str | None] = mapped_column(String(998))

    # The sweeper's two questions, fast with a million open cases and few due: a partial
    # index holds only the cases not reminded yet (bench/scale.py: 790 ms -> 12 ms on SQLite).
    __table_args__ = (Index("ix_cases_status_deadline", "status", "deadline_at"),
                      Index("ix_cases_reminder_pending", "status", "reminder_at",
                            sqlite_where=text("reminded_at IS NULL"),
                            postgresql_where=text("reminded_at IS NULL")))


class CaseEvent(Base):
    """The case log: every transition and every seller message, with who caused it."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(320))
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class OutboxItem(Base):
    """A message waiting to be sent by the dispatcher; sent once, retried with backoff."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Kept attachments (their ids) sent with an email: the customer's photos in a case email.
    attachment_ids: Mapped[list[Any] | None] = mapped_column(JSON)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(998), index=True)
    provider_status: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # Set (committed) just before an attempt hands the message to the provider, cleared once
    # the attempt's outcome is known: a row still marked after a crash or a timeout may have
    # been sent (bot.outbox.Dispatcher finds out, where the provider can tell).
    handed_over_at: Mapped[datetime | None]
    # What a later attempt found about an earlier one whose outcome was unknown (RECOVERIES).
    recovery: Mapped[str | None] = mapped_column(String(24))
    # The process sending it (storage.db.Database.process_name): a row whose sender is gone
    # need not wait for its lease to end.
    claimed_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)


class UndeliverableAddress(Base):
    """An email address a delivery status notification said we cannot reach; the outbox
    holds mail to it until it writes to us again."""

    __tablename__ = "undeliverable_addresses"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    report_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    reported_at: Mapped[datetime]


class Handoff(Base):
    """The support leads' queue: a conversation a person should take, and why."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    customer_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)


class ReturnRecord(Base):
    """A return or refund the service decided: its RMA, and where it stands."""

    __tablename__ = "returns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rma: Mapped[str] = mapped_column(String(32), unique=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"), index=True)
    asin: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    reason: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    refund_amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    return_shipping_paid_by: Mapped[str | None] = mapped_column(String(16))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    authorized_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]


class SellerAction(Base):
    """What the service did on the seller's behalf (authorize a return, refund, cancel)."""

    __tablename__ = "seller_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"), index=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime]


class Attachment(Base):
    """A photo or file a customer sent (MMS media, email attachment), kept with the
    conversation and listed in cases."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    content_type: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class SmsOptOut(Base):
    """Numbers that texted STOP; nothing is sent to them until they text START."""

    __tablename__ = "sms_opt_outs"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    opted_out_at: Mapped[datetime]


class CallEvent(Base):
    """Twilio Voice status callbacks, one row per (CallSid, CallStatus)."""

    __tablename__ = "call_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(24))
    caller: Mapped[str | None] = mapped_column(String(32))
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("call_sid", "status", name="uq_call_events"),)


class DeliveryReport(Base):
    """Twilio status callbacks, one row per (MessageSid, status)."""

    __tablename__ = "delivery_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24))
    error_code: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("provider_id", "status", name="uq_delivery_reports"),)


class User(Base):
    """Someone who signs in to the console: a support lead, an admin, or a seller (who sees
    only their own cases). Passwords are kept as argon2 hashes."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    seller_id: Mapped[str | None] = mapped_column(ForeignKey("sellers.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser: the cookie carries a random token, the table its SHA-256 (a
    stolen database does not sign anyone in), the user and the form (CSRF) token."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class AuditEvent(Base):
    """Who did what in the console (sign-in, answers, actions), for the leads to review."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


def described_by_models(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's comparison: the full-text index (SQLite's FTS5 table and its shadow
    tables, PostgreSQL's expression index) is made by hand in migration 0009."""
    return not (type_ == "table" and (name or "").startswith("messages_fts")) and \
        not (type_ == "index" and name == "ix_messages_body_fts")


class ApiKey(Base):
    """A seller's key for /api/v1/: only its SHA-256 is kept; the prefix names it in lists."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class FeeStatement(Base):
    """A seller's monthly fee statement, kept once the notification email is queued."""

    __tablename__ = "fee_statements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"))
    month: Mapped[str] = mapped_column(String(7))
    amount: Mapped[Decimal] = mapped_column(Money)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("seller_id", "month", name="uq_fee_statements"),)
