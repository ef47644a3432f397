"""Composing what the service says: customer answers per channel (inline SMS, threaded
email) and seller emails, each stored as a message and, when not inline, queued in the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.utils import make_msgid
from typing import Any

from sqlalchemy import Connection

from bot.email_threads import case_message_id, conversation_message_id
from bot.facts import SellerFacts
from bot.identifiers import can_take_texts
from bot.marketplace import MarketplacePolicy
from bot.messages import Channel, OutboundMessage
from bot.orders import load_order, recent_orders
from bot.outbox import enqueue
from bot.settings import Settings
from bot.spoken import for_the_ear
from bot.templating import Templates
from storage.calls import texts_failed_for_good
from storage.cases import update_case
from storage.conversations import insert_message

# Characters CLDR and our own text use that would force a text message into UCS-2, which
# cuts a segment from 160 to 70 characters (GSM 03.38), for no visible gain.
_SMS_PLAIN = str.maketrans({"\u202f": " ", "\u00a0": " ", "\u2026": "...", "\u2019": "'",
                            "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-"})


def sms_text(text: str) -> str:
    return text.translate(_SMS_PLAIN)


# What repeats words already made for the ear ("say that again" on a call): made so twice,
# "47V1" would be read "4 7 volts 1".
_SAID_ALOUD_ALREADY = ("repeat",)


@dataclass(frozen=True)
class Say:
    """One paragraph of an answer: `templates/customer/<template>.txt` and its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EmailThread:
    """What a customer email answer threads onto (RFC 5322 section 3.6.4)."""

    message_id: str | None
    references: tuple[str, ...]
    subject: str | None


class Outgoing:
    def __init__(self, settings: Settings, policy: MarketplacePolicy, templates: Templates):
        self.settings = settings
        self.policy = policy
        self.templates = templates

    def case_address(self, case: Any) -> str:
        return f"case+{case.token}@{self.settings.mail_domain}"

    def customer_text(self, says: list[Say], lang: str, *, spoken: bool = False) -> str:
        """The answer's text; `spoken` for a phone call: `templates/voice/` where the words
        differ from the written ones, dates and money in words, numbers in digit groups."""
        parts = []
        for say in says:
            name = f"voice/{say.template}.txt"
            if not (spoken and self.templates.exists(name)):
                name = f"customer/{say.template}.txt"
            text = self.templates.render(name, lang, tz=self.policy.timezone, spoken=spoken,
                                         **say.context)
            if spoken and say.template in _SAID_ALOUD_ALREADY:
                parts.append(text)
            else:
                parts.append(for_the_ear(text, lang) if spoken else text)
        return " ".join(parts) if spoken else "\n\n".join(parts)

    def to_customer(
        self,
        connection: Connection,
        conversation: Any,
        says: list[Say],
        lang: str,
        now: datetime,
        *,
        inline: bool = False,
        thread: EmailThread | None = None,
        case: Any = None,
    ) -> OutboundMessage:
        """Answer the customer on their channel. Inline answers (TwiML) are only recorded;
        everything else goes through the outbox. A caller hears later news by SMS, or by
        email at the buyer's address when the number cannot take texts."""
        channel = Channel(conversation.channel)
        said = tuple(say.template for say in says)
        if channel is Channel.VOICE and inline:
            body = self.customer_text(says, lang, spoken=True)
            outbound = OutboundMessage(Channel.VOICE, conversation.customer_address, body,
                                       said=said, language=lang)
            sender = self.settings.sms_from
        else:
            body = self.customer_text(says, lang)
            email = (self._caller_email(connection, conversation)
                     if channel is Channel.VOICE else None)
            if channel is Channel.EMAIL or email:
                outbound = self._customer_email(conversation, body, lang, thread, case,
                                                to=email)
                sender = self.settings.intake_address
            else:
                outbound = OutboundMessage(channel if inline else Channel.SMS,
                                           conversation.customer_address, sms_text(body),
                                           said=said, language=lang)
                sender = self.settings.sms_from
        self._record(connection, outbound, sender, lang, now, queue=not inline,
                     conversation_id=conversation.id, case_id=case.id if case else None)
        return outbound

    def _caller_email(self, connection: Connection, conversation: Any) -> str | None:
        """The buyer's email address when a caller's number cannot take texts (a landline,
        or Twilio reported a text to it undeliverable for good); None to text them."""
        number = conversation.customer_address
        if can_take_texts(number) and not texts_failed_for_good(connection, number):
            return None
        order = load_order(connection, conversation.order_id) if conversation.order_id else None
        if order is None or order.buyer_phone != number:
            since = conversation.updated_at - self.policy.recent_orders
            orders = recent_orders(connection, Channel.VOICE, number, since)
            order = orders[0] if orders else order
        return order.buyer_email if order is not None and order.buyer_email else None

    def _customer_email(self, conversation: Any, body: str, lang: str,
                        thread: EmailThread | None, case: Any, *,
                        to: str | None = None) -> OutboundMessage:
        original = (thread.subject if thread else None) or ""
        rendered = self.templates.render_email(
            "email/customer_reply", lang, tz=self.policy.timezone, body=body,
            original_subject=original, case=case,
        )
        headers = {
            "Message-ID": conversation_message_id(conversation.id, self.settings.mail_domain),
            # RFC 3834 section 5: mark what we send so other robots do not answer it.
            "Auto-Submitted": "auto-replied" if thread and thread.message_id else "auto-generated",
        }
        if thread and thread.message_id:
            headers["In-Reply-To"] = thread.message_id
            headers["References"] = " ".join((*thread.references, thread.message_id))
        return OutboundMessage(Channel.EMAIL, to or conversation.customer_address,
                               rendered.text, subject=rendered.subject, html=rendered.html,
                               headers=headers)

    def to_seller(
        self,
        connection: Connection,
        case: Any,
        seller: SellerFacts,
        template: str,
        now: datetime,
        *,
        to: str | None = None,
        attach: tuple[int, ...] = (),
        **context: Any,
    ) -> OutboundMessage:
        """An email to the seller about a case, in the seller's language and time zone,
        answerable at the case's reply address; `attach`: kept attachments to send along."""
        lang = self.policy.seller_language(seller.language)
        tz = seller.timezone or self.policy.timezone
        rendered = self.templates.render_email(
            f"seller/{template}", lang, tz=tz, case=case, seller=seller,
            reply_address=self.case_address(case),
            case_url=f"{self.settings.public_url.rstrip('/')}/console/cases/{case.id}",
            **context,
        )
        headers = {
            "Message-ID": case_message_id(case.id, self.settings.mail_domain),
            "Reply-To": self.case_address(case),
            "Auto-Submitted": "auto-generated",
        }
        if case.seller_message_id:
            headers["In-Reply-To"] = case.seller_message_id
            headers["References"] = case.seller_message_id
        else:
            update_case(connection, case.id, seller_message_id=headers["Message-ID"])
        outbound = OutboundMessage(Channel.EMAIL, to or seller.email, rendered.text,
                                   subject=rendered.subject, html=rendered.html, headers=headers,
                                   attachment_ids=attach)
        self._record(connection, outbound, self.settings.intake_address, lang, now, queue=True,
                     conversation_id=case.conversation_id, case_id=case.id)
        return outbound

    def notify_seller(self, connection: Connection, conversation_id: int | None, order: Any,
                      template: str, now: datetime, *, seller: SellerFacts | None = None,
                      to: str | None = None, **context: Any) -> OutboundMessage:
        """A notice to the seller (the order's, unless given; at its main address unless
        given) that needs no answer from them through us (no case); without a conversation
        for notices about the account (a fee statement)."""
        seller = seller or order.seller
        lang = self.policy.seller_language(seller.language)
        rendered = self.templates.render_email(
            f"seller/{template}", lang, tz=seller.timezone or self.policy.timezone,
            seller=seller, order=order, **context)
        message_id = (conversation_message_id(conversation_id, self.settings.mail_domain)
                      if conversation_id is not None
                      else make_msgid(idstring="account", domain=self.settings.mail_domain))
        headers = {"Message-ID": message_id, "Auto-Submitted": "auto-generated"}
        outbound = OutboundMessage(Channel.EMAIL, to or seller.email, rendered.text,
                                   subject=rendered.subject, html=rendered.html, headers=headers)
        self._record(connection, outbound, self.settings.intake_address, lang, now, queue=True,
                     conversation_id=conversation_id, case_id=None)
        return outbound

    def _record(self, connection: Connection, outbound: OutboundMessage, sender: str,
                lang: str, now: datetime, *, queue: bool, conversation_id: int | None,
                case_id: int | None) -> None:
        """Store what we say in the transcript and, unless it is said inline, queue it."""
        message_id = insert_message(
            connection, conversation_id=conversation_id, case_id=case_id, direction="out",
            channel=outbound.channel.value, sender=sender, recipient=outbound.to,
            subject=outbound.subject, body=outbound.body,
            external_id=outbound.headers.get("Message-ID"), language=lang, created_at=now)
        if queue:
            enqueue(connection, outbound, now, message_id=message_id)
