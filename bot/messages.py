"""The channel-neutral message and decision types every adapter and the engine share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.call_flow import CallStep


class Channel(StrEnum):
    SMS = "sms"
    VOICE = "voice"
    EMAIL = "email"

    @property
    def replies_inline(self) -> bool:
        """SMS and voice answer in the webhook response; email answers through the outbox."""
        return self is not Channel.EMAIL


@dataclass(frozen=True)
class InboundAttachment:
    """A photo or file that came with a message: a link (MMS media) or the bytes (email)."""

    content_type: str
    url: str | None = None
    filename: str | None = None
    content: bytes | None = None


@dataclass(frozen=True)
class InboundMessage:
    channel: Channel
    sender: str
    recipient: str
    text: str
    external_id: str
    received_at: datetime
    subject: str | None = None
    references: tuple[str, ...] = ()
    automatic: bool = False
    attachments: tuple[InboundAttachment, ...] = ()
    # Attachments left out: (file name, "not_accepted" or "too_large").
    dropped: tuple[tuple[str, str], ...] = ()
    # Email only: the Message-ID an answer threads onto when it is not `external_id` ("" for
    # none), the customer's message a seller forwarded, and a bounce's failed recipients.
    thread_ref: str | None = None
    forwarded: InboundMessage | None = None
    failed_recipients: tuple[str, ...] = ()
    # Voice only: what the call's gather decided (bot.call_flow) and the recognizer's
    # confidence in the speech it heard.
    call: CallStep | None = None
    speech_confidence: float | None = None


@dataclass(frozen=True)
class OutboundMessage:
    channel: Channel
    to: str
    body: str
    subject: str | None = None
    html: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # The templates the answer was made of and its language (a call's next step reads them).
    said: tuple[str, ...] = ()
    language: str | None = None
    # Email: kept attachments to send along (their ids), and their bytes once the dispatcher
    # has read them for the sender.
    attachment_ids: tuple[int, ...] = ()
    files: tuple[InboundAttachment, ...] = ()


@dataclass(frozen=True)
class Decision:
    outcome: str
    reasons: tuple[str, ...]
    facts: Mapping[str, Any] = field(default_factory=dict)
