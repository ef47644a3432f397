"""Reading an email as the service needs it: sender, threading headers, whether a robot sent
it (RFC 3834), the attachments worth keeping, the body's visible text (charsets in
channels/email_charsets.py, HTML in channels/email_html.py, quoted history and signatures in
channels/email_quotes.py), the original of a forwarded message, and the failed recipients of
a delivery status notification (RFC 3464)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses

from bot.messages import InboundAttachment
from channels.email_charsets import charset_hints, decode_header_value, decode_part
from channels.email_html import html_to_text
from channels.email_quotes import ForwardedEmail, inline_forward, visible_text
from channels.mail_policy import POLICY

AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)"
                               r"([+\-.].*)?@", re.IGNORECASE)


# -- what a message says ------------------------------------------------------------------

class MalformedEmail(ValueError):
    """A message we cannot read at all (no sender address, not a MIME message)."""


@dataclass(frozen=True)
class ParsedEmail:
    sender: str
    subject: str
    message_id: str
    in_reply_to: str | None
    references: tuple[str, ...]
    text: str
    automatic_reason: str | None
    attachments: tuple[InboundAttachment, ...] = ()
    dropped: tuple[tuple[str, str], ...] = ()   # attachments left out: (name, why)
    forwarded: ForwardedEmail | None = None
    failed_recipients: tuple[str, ...] = ()   # of a delivery status notification


# What a customer may usefully send: photos, videos and documents. Anything else
# (executables, archives, scripts, HTML, SVG, which can carry script) is dropped, whatever
# type it declares when its name says otherwise, as is anything over the size limit.
KEPT_TYPES = ("image/", "application/pdf", "text/plain", "video/")
DANGEROUS_TYPES = ("image/svg+xml",)
DANGEROUS_NAME = re.compile(
    r"\.(exe|com|scr|pif|bat|cmd|ps1|vbs|vbe|js|jse|wsf|wsh|hta|msi|msp|jar|lnk|reg|dll|"
    r"cpl|iso|img|vhd|html?|svg|zip|rar|7z|gz|tar|docm|xlsm|pptm)$", re.IGNORECASE)
DEFAULT_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


def attachments_of(message: EmailMessage, max_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
                   ) -> tuple[tuple[InboundAttachment, ...], tuple[tuple[str, str], ...]]:
    """The attachments kept, and those dropped as (file name, "not_accepted" or
    "too_large")."""
    kept, dropped = [], []
    try:
        parts = list(message.iter_attachments())
    except Exception:   # part headers the stdlib cannot read (deeply nested comments...)
        return (), ((UNREADABLE, "not_accepted"),)
    for part in parts:
        try:
            content_type = part.get_content_type()
            if content_type in ("message/rfc822", "message/delivery-status"):
                continue   # read as the forwarded original / the delivery failures instead
            filename = part.get_filename()
            name = filename or content_type
            if (not content_type.startswith(KEPT_TYPES) or content_type in DANGEROUS_TYPES
                    or DANGEROUS_NAME.search(filename or "")):
                dropped.append((name, "not_accepted"))
                continue
            content = part.get_payload(decode=True) or b""
        except Exception:
            dropped.append((UNREADABLE, "not_accepted"))
            continue
        if len(content) > max_bytes:
            dropped.append((name, "too_large"))
            continue
        kept.append(InboundAttachment(content_type=content_type, filename=filename,
                                      content=content))
    return tuple(kept), tuple(dropped)


UNREADABLE = "an unreadable attachment"


def parse_email(raw: bytes, *, own_domain: str, keep_signature: bool = False,
                max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES) -> ParsedEmail:
    """Everything the service reads from one raw message. `keep_signature` keeps the lines
    under the reply that are not quoted history (a "-- " signature, "Sent from my iPhone"):
    the service leaves them out; evaluations against sources that keep them use it."""
    try:
        message = read_message(raw)
        sender = _sender(message)
        return _read(raw, message, sender, own_domain, keep_signature, max_attachment_bytes)
    except MalformedEmail:
        raise
    except Exception as exc:  # the stdlib parser raises many types on broken headers
        raise MalformedEmail(f"cannot parse message: {type(exc).__name__}") from exc


def _read(raw: bytes, message: EmailMessage, sender: str, own_domain: str,
          keep_signature: bool, max_attachment_bytes: int) -> ParsedEmail:
    subject = " ".join(decode_header_value(message, "Subject").split())
    message_id = (_message_id(_raw_header(message, "Message-ID"))
                  or f"<{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id>")
    in_reply_to = _raw_header(message, "In-Reply-To") or None
    references = tuple(re.findall(r"<[^<>\s]+>", _raw_header(message, "References")))
    if in_reply_to and in_reply_to not in references:
        references = (*references, in_reply_to)
    kept, dropped = (attachments_of(message, max_attachment_bytes) if message.is_multipart()
                     else ((), ()))
    # The body is decoded once; only HTML reads differently with its quotes kept.
    part, decoded = _decoded_body(message)
    with_quotes = _as_text(part, decoded, keep_quotes=True)
    is_html = part is not None and part.get_content_type() == "text/html"
    body = _as_text(part, decoded, keep_quotes=False) if is_html else with_quotes
    return ParsedEmail(
        sender=sender, subject=subject, message_id=message_id, in_reply_to=in_reply_to,
        references=references, text=visible_text(body, keep_signature=keep_signature),
        automatic_reason=automatic_reason(message, sender, own_domain),
        attachments=kept, dropped=dropped,
        forwarded=_safely(lambda m: forwarded_original(m, with_quotes), message),
        failed_recipients=_safely(delivery_failures, message) or (),
    )


def _raw_header(message: Message, name: str) -> str:
    """A header's value as sent, unfolded: the stdlib's Message-ID parser raises on values
    such as "<>" and recurses on many "("; threading only needs the text."""
    raw = next((value for key, value in message.raw_items() if key.lower() == name.lower()), "")
    return " ".join(str(raw).split())


def _message_id(value: str) -> str | None:
    """The id in a Message-ID value ("<local@domain>"), or None for one that names nothing
    ("<>", "<"): it is the idempotency key, so a shared junk value must not stand for it."""
    match = re.search(r"<[^<>\s]+@[^<>\s]+>", value)
    if match:
        return match.group(0)
    return value if re.fullmatch(r"[^<>\s]+@[^<>\s]+", value) else None


def _safely(read, message):
    """The forwarded original and the failures are extras: a message too broken to read them
    from is still taken."""
    try:
        return read(message)
    except Exception:
        return None


_LONG_MIME_HEADER = re.compile(
    rb"(?im)^((?:content-(?:type|disposition|transfer-encoding)|from|sender|reply-to)[ \t]*:)"
    rb"([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)")
MAX_MIME_HEADER = 1000


def _defuse(raw: bytes) -> bytes:
    """MIME and address headers cut to MAX_MIME_HEADER bytes: the stdlib's structured header
    parsers take seconds on a Content-Type of a few kilobytes of tokens, and its address-list
    parser is quadratic (a From of 32 KB of commas took 4.8 s); no client writes one that
    long, and the first address is all we read."""
    def cut(match: re.Match[bytes]) -> bytes:
        value = match.group(2)
        return match.group(0) if len(value) <= MAX_MIME_HEADER else \
            match.group(1) + value[:MAX_MIME_HEADER]
    return _LONG_MIME_HEADER.sub(cut, raw)


def read_message(raw: bytes) -> EmailMessage:
    """The stdlib parse (policy.default) of raw bytes, made safe against headers that stall
    it and mended for boundaries Outlook Express leaves unquoted."""
    raw = _defuse(raw)
    message = BytesParser(policy=POLICY).parsebytes(raw)
    if message.get_content_maintype() == "multipart" and not message.is_multipart():
        # Outlook Express writes boundary=----=_NextPart_... unquoted; policy.default cuts it
        # at the "=". The compat32 parser reads the whole token: quote it and parse again.
        boundary = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)\
            .get_boundary()
        unquoted = f"boundary={boundary}".encode("ascii", "surrogateescape")
        if boundary and unquoted in raw:
            quoted = f'boundary="{boundary}"'.encode("ascii", "surrogateescape")
            message = BytesParser(policy=POLICY).parsebytes(raw.replace(unquoted, quoted, 1))
    return message


def _sender(message: EmailMessage) -> str:
    # The raw values: the registry's address-list parser is slow, and the address is all we
    # read (an encoded display name does not change it).
    raw_from = [str(value) for key, value in message.raw_items() if key.lower() == "from"]
    addresses = [addr for _, addr in getaddresses(raw_from) if "@" in addr]
    if not addresses:
        raise MalformedEmail("no From address")
    try:
        Address(addr_spec=addresses[0])
    except (ValueError, IndexError) as exc:
        raise MalformedEmail(f"bad From address {addresses[0]!r}") from exc
    return addresses[0].lower()


def automatic_reason(message: EmailMessage, sender: str, own_domain: str) -> str | None:
    """Why this message must not be answered (RFC 3834 section 2 and common practice)."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto}"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"Precedence: {precedence}"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "mailing list"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        value = str(message.get(header, "")).strip().lower()
        if value and (header != "X-Auto-Response-Suppress" or "all" in value or "oof" in value):
            return header
    if AUTOMATIC_SENDERS.match(sender):
        return f"automatic sender {sender}"
    if sender.endswith("@" + own_domain.lower()):
        return "our own mail"
    content_type = message.get_content_type()
    if content_type == "multipart/report":
        return "delivery report"
    return None


# -- the body -----------------------------------------------------------------------------

def body_text(message: Message, *, keep_quotes: bool = False) -> str:
    """The text of the message's body: its text/plain part, else its HTML as text (with the
    quoted history the HTML marks left out, unless `keep_quotes`)."""
    part, decoded = _decoded_body(message)
    return _as_text(part, decoded, keep_quotes=keep_quotes)


def _decoded_body(message: Message) -> tuple[Message | None, str]:
    part = _body_part(message)
    return part, ("" if part is None else decode_part(part, charset_hints(message)))


def _as_text(part: Message | None, decoded: str, *, keep_quotes: bool) -> str:
    if part is None:
        return ""
    if part.get_content_type() == "text/html":
        return html_to_text(decoded, keep_quotes=keep_quotes)
    if str(part.get_param("format", "")).lower() == "flowed":
        return unflow(decoded, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return decoded


def _body_part(message: Message) -> Message | None:
    if not isinstance(message, EmailMessage):
        return message if message.get_content_maintype() == "text" else None
    part = message.get_body(preferencelist=("plain", "html"))
    if part is not None:
        return part
    # A text part that says it is an attachment, or a body of another text subtype.
    for candidate in message.walk():
        if candidate.get_content_maintype() == "text" and candidate.get_content_type() in (
                "text/plain", "text/html", "text/enriched"):
            return candidate
    return None


def unflow(text: str, *, delsp: bool = False) -> str:
    """RFC 3676 format=flowed: a line ending in a space goes on in the next one (of the same
    quote depth); the space is dropped with DelSp=yes; "-- " stays a signature line."""
    out: list[str] = []
    current: str | None = None
    current_depth = -1
    for line in text.replace("\r\n", "\n").split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        body = line[depth:]
        if body.startswith(" "):
            body = body[1:]   # space-stuffing
        if current is not None and depth == current_depth:
            current += body
        else:
            if current is not None:
                out.append(">" * current_depth + (" " if current_depth else "") + current)
            current, current_depth = body, depth
        if body.endswith(" ") and body != "-- ":
            if delsp:
                current = current[:-1]
            continue
        out.append(">" * current_depth + (" " if current_depth else "") + current)
        current, current_depth = None, -1
    if current is not None:
        out.append(">" * current_depth + (" " if current_depth else "") + current)
    return "\n".join(out)


# -- forwarded messages -------------------------------------------------------------------

_FORWARD_SUBJECT = re.compile(
    r"^\s*(\[?(fwd?|fw|tr|wg|rv|enc|vs|vb|doorst|i|rif|转发|轉寄|転送|전달)\s*[:：])", re.IGNORECASE)
_REPLY_SUBJECT = re.compile(r"^\s*(re|aw|sv|antw|odp|ynt|回复|回覆|答复|返信|답장)\s*[:：]", re.IGNORECASE)


def forwarded_original(message: EmailMessage,
                       text_with_quotes: str | None = None) -> ForwardedEmail | None:
    """The message this one forwards: attached as message/rfc822, or quoted inline after a
    forward marker ("---------- Forwarded message ---------", "Begin forwarded message:",
    "Mensaje reenviado", "转发的邮件"). An "-----Original Message-----" / "原始邮件" block or an
    Outlook header block counts too when the message is not a reply: its subject says it is
    a forward (Fwd:, RV:, 转发:), or it neither says Re: nor carries In-Reply-To.
    `text_with_quotes` is body_text(message, keep_quotes=True), when the caller has it."""
    if message.get_content_type() == "multipart/report":
        return None   # a bounce returns our own message: it forwards nothing
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else payload
            if isinstance(inner, Message):
                return _attached_original(inner)
    text = body_text(message, keep_quotes=True) if text_with_quotes is None else text_with_quotes
    subject = decode_header_value(message, "Subject")
    generic_ok = bool(_FORWARD_SUBJECT.match(subject)) or (
        not _REPLY_SUBJECT.match(subject) and not message.get("In-Reply-To"))
    return inline_forward(text, generic_markers=generic_ok)


def _attached_original(inner: Message) -> ForwardedEmail:
    froms = [str(v) for v in inner.get_all("From") or []]
    addresses = [addr for _, addr in getaddresses(froms) if "@" in addr]
    message_id = str(inner.get("Message-ID", "")).strip() or None
    return ForwardedEmail(
        sender=addresses[0].lower() if addresses else "",
        subject=" ".join(decode_header_value(inner, "Subject").split()),
        text=visible_text(body_text(inner)), message_id=message_id)


# -- delivery status notifications --------------------------------------------------------

def delivery_failures(message: EmailMessage) -> tuple[str, ...]:
    """For a delivery status notification (RFC 3464: multipart/report;
    report-type=delivery-status), the recipients whose Action is "failed", lower-cased."""
    if message.get_content_type() != "multipart/report":
        return ()
    report_type = str(message.get_param("report-type", "delivery-status")).lower()
    if report_type != "delivery-status":
        return ()
    failed: list[str] = []
    for part in message.walk():
        if part.get_content_type() not in ("message/delivery-status",
                                           "message/global-delivery-status"):
            continue
        for fields in _status_groups(part):
            if fields.get("action", "").strip().lower().split(" ")[0] != "failed":
                continue
            recipient = fields.get("final-recipient") or fields.get("original-recipient") or ""
            address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
            if "@" in address:
                failed.append(address)
    return tuple(dict.fromkeys(failed))


def _status_groups(part: Message) -> list[dict[str, str]]:
    """The per-recipient field groups of a message/delivery-status part."""
    payload = part.get_payload()
    if isinstance(payload, list) and all(isinstance(p, Message) for p in payload):
        text = "\n\n".join("\n".join(f"{k}: {v}" for k, v in block.items()) for block in payload)
    else:
        raw = part.get_payload(decode=True) or b""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    groups: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        if line[:1] in (" ", "\t") and current:
            continue   # a folded value: the first line says enough
        match = re.match(r"^([A-Za-z-]+)\s*:\s*(.*)$", line)
        if not match:
            if not line.strip() and current:
                groups.append(current)
                current = {}
            continue
        name = match.group(1).lower()
        if name in current and name in ("final-recipient", "original-recipient", "action"):
            groups.append(current)   # a new recipient without a blank line between
            current = {}
        current[name] = unicodedata.normalize("NFC", match.group(2))
    if current:
        groups.append(current)
    return groups
