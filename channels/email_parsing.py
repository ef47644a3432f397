"""Reading an email as the service needs it: sender, threading headers, whether a robot sent
it (RFC 3834), and the visible text in any charset with quoted history and signature removed."""

from __future__ import annotations

import codecs
import hashlib
import html
import re
from dataclasses import dataclass
from email import policy
from email.header import decode_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

from bot.messages import InboundAttachment

# Declared charsets that mail clients routinely exceed: decode with the superset instead.
CHARSET_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "big5": "big5hkscs", "shift_jis": "cp932", "shift-jis": "cp932",
    "sjis": "cp932", "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "iso-8859-1": "cp1252",
    "latin1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8", "iso-8859-8-i": "iso-8859-8",
}
AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)"
                               r"([+\-.].*)?@", re.IGNORECASE)

# Lines that start quoted history, in the conventions of common clients (English, Spanish,
# Chinese clients such as QQ Mail, 163/126 and Foxmail).
_HISTORY_STARTS = [re.compile(p, re.IGNORECASE) for p in (
    r"^On\b.{0,200}\bwrote:\s*$",
    r"^El\b.{0,200}\bescribi[oó]:\s*$",
    r"^在.{0,200}写道[:：]\s*$",
    r"^-{2,}\s*(Original Message|Forwarded message|Mensaje original|Mensaje reenviado)\s*-{2,}",
    r"^-{3,}\s*原始邮件\s*-{3,}",
    r"^(From|De|发件人|寄件者)\s*[:：].+",
    r"^_{10,}\s*$",
)]
_SIGNATURE_STARTS = [re.compile(p, re.IGNORECASE) for p in (
    r"^-- ?$",
    r"^(Sent from|Get Outlook for|Enviado desde|发自我的|从我的).{0,60}$",
)]


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
    dropped: tuple[str, ...] = ()   # attachments left out, and why


# What a customer may usefully send: photos and documents. Anything else (executables,
# archives, scripts) is dropped, as is anything over the size limit.
KEPT_TYPES = ("image/", "application/pdf", "text/plain", "video/")
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


def attachments_of(message: EmailMessage) -> tuple[tuple[InboundAttachment, ...], tuple[str, ...]]:
    kept, dropped = [], []
    for part in message.iter_attachments():
        content_type = part.get_content_type()
        name = part.get_filename() or content_type
        if not content_type.startswith(KEPT_TYPES):
            dropped.append(f"{name}: {content_type} is not accepted")
            continue
        content = part.get_payload(decode=True) or b""
        if len(content) > MAX_ATTACHMENT_BYTES:
            dropped.append(f"{name}: larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
            continue
        kept.append(InboundAttachment(content_type=content_type, filename=part.get_filename(),
                                      content=content))
    return tuple(kept), tuple(dropped)


def parse_email(raw: bytes, *, own_domain: str) -> ParsedEmail:
    try:
        message = _parse(raw)
        sender = _sender(message)
    except MalformedEmail:
        raise
    except Exception as exc:  # the stdlib parser raises many types on broken headers
        raise MalformedEmail(f"cannot parse message: {exc}") from exc
    subject = " ".join(decode_header_value(message, "Subject").split())
    message_id = (str(message.get("Message-ID", "")).strip()
                  or f"<{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id>")
    in_reply_to = str(message.get("In-Reply-To", "")).strip() or None
    references = tuple(re.findall(r"<[^<>\s]+>", str(message.get("References", ""))))
    if in_reply_to and in_reply_to not in references:
        references = (*references, in_reply_to)
    kept, dropped = attachments_of(message) if message.is_multipart() else ((), ())
    return ParsedEmail(
        sender=sender, subject=subject, message_id=message_id, in_reply_to=in_reply_to,
        references=references, text=visible_text(body_text(message)),
        automatic_reason=automatic_reason(message, sender, own_domain),
        attachments=kept, dropped=dropped,
    )


def _parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if message.get_content_maintype() == "multipart" and not message.is_multipart():
        # Outlook Express writes boundary=----=_NextPart_... unquoted; policy.default cuts it
        # at the "=". The compat32 parser reads the whole token: quote it and parse again.
        boundary = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)\
            .get_boundary()
        unquoted = f"boundary={boundary}".encode("ascii", "surrogateescape")
        if boundary and unquoted in raw:
            quoted = f'boundary="{boundary}"'.encode("ascii", "surrogateescape")
            message = BytesParser(policy=policy.default).parsebytes(raw.replace(unquoted, quoted, 1))
    return message


def _sender(message: EmailMessage) -> str:
    raw_from = message.get_all("From") or []
    addresses = [addr for _, addr in getaddresses([str(v) for v in raw_from]) if "@" in addr]
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


def _codec(declared: str | None) -> str:
    """The codec to decode a declared charset with: its superset, if it has a known one."""
    name = (declared or "utf-8").strip().strip('"').lower()
    name = CHARSET_SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def _gb_euro(error: UnicodeDecodeError) -> tuple[str, int]:
    """Windows code page 936 writes the euro sign as the single byte 0x80."""
    bad = error.object[error.start:error.end]
    return ("\u20ac" if bad[:1] == b"\x80" else "\ufffd"), error.start + 1


codecs.register_error("csba_gb_euro", _gb_euro)


def decode_bytes(payload: bytes, declared: str | None) -> str:
    """Decode with the declared charset's superset; mail that is not what it declares is
    most often UTF-8; what still fails keeps every decodable character."""
    codec = _codec(declared)
    for candidate in dict.fromkeys((codec, "utf-8")):
        try:
            return payload.decode(candidate)
        except UnicodeDecodeError:
            continue
    return payload.decode(codec, errors="csba_gb_euro" if codec == "gb18030" else "replace")


def decode_part(part: EmailMessage) -> str:
    return decode_bytes(part.get_payload(decode=True) or b"", part.get_content_charset())


def decode_header_value(message: EmailMessage, name: str) -> str:
    """An RFC 2047 header decoded with the same charset supersets as bodies (a subject
    declared gb2312 often carries GBK characters)."""
    raw = next((value for key, value in message.raw_items() if key.lower() == name.lower()), "")
    try:
        parts = decode_header(raw)
    except Exception:  # a broken encoded-word: take what the stdlib made of it
        return str(message.get(name, ""))
    # Raw 8-bit header bytes (RFC 6532, or a client ignoring RFC 2047) arrive as surrogates.
    return "".join(
        decode_bytes(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text,
                     charset or "utf-8")
        for text, charset in parts)


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = decode_part(part)
    return html_to_text(text) if part.get_content_type() == "text/html" else text


def html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", markup)
    markup = re.sub(r"(?is)<blockquote\b.*?</blockquote>", "\n", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h\d)>", "\n", markup)
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    return "\n".join(line.strip() for line in text.splitlines())


def visible_text(text: str) -> str:
    """The reply itself: everything above quoted history and the signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if any(p.match(stripped) for p in _HISTORY_STARTS + _SIGNATURE_STARTS):
            break
        # An attribution wrapped over two lines ("On Mon, ... <x@y>" / "wrote:").
        joined = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else ""
        if joined and any(p.match(joined) for p in _HISTORY_STARTS[:3]):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()
