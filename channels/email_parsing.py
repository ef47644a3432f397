"""Reading an email as the service needs it: sender, threading headers, whether a robot sent
it (RFC 3834), the visible text in any charset with quoted history and signature removed, the
original of a forwarded message, and the failed recipients of a delivery status notification.

The visible text is what the customer wrote in this message: the quoted history under it (Gmail
"On ... wrote:", Outlook's "From:/Sent:/To:/Subject:" block in any of the common languages,
"-----Original Message-----", "> " quoting, the Chinese clients' "原始邮件" and "在 ... 写道："),
the signature after a "-- " line and the "Sent from my iPhone" lines of mobile clients are left
out; a sign-off such as "Thanks,\\nMaria" is kept, since nothing tells it from the message."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from email import policy
from email.header import decode_header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

from bot.messages import InboundAttachment

# Declared charsets that mail clients routinely exceed: decode with the superset instead.
CHARSET_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "x-euc-cn": "gb18030", "csgb2312": "gb18030", "gb_2312-80": "gb18030",
    "chinese": "gb18030", "big5": "big5hkscs", "x-big5": "big5hkscs", "cn-big5": "big5hkscs",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "ms_kanji": "cp932", "windows-31j": "cp932", "ks_c_5601-1987": "cp949", "ks_c_5601": "cp949",
    "euc-kr": "cp949", "x-euc-kr": "cp949", "iso-8859-1": "cp1252", "latin1": "cp1252",
    "latin-1": "cp1252", "iso_8859-1": "cp1252", "iso-8859-9": "cp1254", "us-ascii": "utf-8",
    "ascii": "utf-8", "ansi_x3.4-1968": "utf-8", "iso-8859-8-i": "iso-8859-8",
    "unicode-1-1-utf-7": "utf-7", "utf8": "utf-8", "x-unknown": "utf-8",
}
AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)"
                               r"([+\-.].*)?@", re.IGNORECASE)
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


# -- what a message says ------------------------------------------------------------------

class MalformedEmail(ValueError):
    """A message we cannot read at all (no sender address, not a MIME message)."""


@dataclass(frozen=True)
class ForwardedEmail:
    """The message someone forwarded to us: attached as message/rfc822 or quoted inline."""

    sender: str                 # the original From address, lower-cased ("" if it shows none)
    subject: str
    text: str                   # the original message's visible text
    message_id: str | None = None


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
    for part in message.iter_attachments():
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
        if len(content) > max_bytes:
            dropped.append((name, "too_large"))
            continue
        kept.append(InboundAttachment(content_type=content_type, filename=filename,
                                      content=content))
    return tuple(kept), tuple(dropped)


def parse_email(raw: bytes, *, own_domain: str, keep_signature: bool = False,
                max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES) -> ParsedEmail:
    """Everything the service reads from one raw message. `keep_signature` keeps the lines
    under the reply that are not quoted history (a "-- " signature, "Sent from my iPhone"):
    the service leaves them out; evaluations against sources that keep them use it."""
    try:
        message = _parse(raw)
        sender = _sender(message)
    except MalformedEmail:
        raise
    except Exception as exc:  # the stdlib parser raises many types on broken headers
        raise MalformedEmail(f"cannot parse message: {exc}") from exc
    subject = " ".join(decode_header_value(message, "Subject").split())
    message_id = (_message_id(_raw_header(message, "Message-ID"))
                  or f"<{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id>")
    in_reply_to = _raw_header(message, "In-Reply-To") or None
    references = tuple(re.findall(r"<[^<>\s]+>", _raw_header(message, "References")))
    if in_reply_to and in_reply_to not in references:
        references = (*references, in_reply_to)
    kept, dropped = (attachments_of(message, max_attachment_bytes) if message.is_multipart()
                     else ((), ()))
    return ParsedEmail(
        sender=sender, subject=subject, message_id=message_id, in_reply_to=in_reply_to,
        references=references, text=visible_text(body_text(message), keep_signature=keep_signature),
        automatic_reason=automatic_reason(message, sender, own_domain),
        attachments=kept, dropped=dropped, forwarded=_safely(forwarded_original, message),
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
    rb"(?im)^(content-(?:type|disposition|transfer-encoding)[ \t]*:)([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)")
MAX_MIME_HEADER = 1000


def _defuse(raw: bytes) -> bytes:
    """MIME headers cut to MAX_MIME_HEADER bytes: the stdlib's structured header parser takes
    seconds on a Content-Type of a few kilobytes of tokens, and no client writes one that long."""
    def cut(match: re.Match[bytes]) -> bytes:
        value = match.group(2)
        return match.group(0) if len(value) <= MAX_MIME_HEADER else \
            match.group(1) + value[:MAX_MIME_HEADER]
    return _LONG_MIME_HEADER.sub(cut, raw)


def _parse(raw: bytes) -> EmailMessage:
    raw = _defuse(raw)
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


# -- charsets -----------------------------------------------------------------------------

def _codec(declared: str | None) -> str | None:
    """The codec to decode a declared charset with (its superset, if it has a known one), or
    None for a label Python does not know."""
    name = (declared or "").strip().strip("\"'").lower()
    if not name:
        return None
    name = CHARSET_SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):   # unknown, or not a name at all ("utf-8\x00")
        return None


def _gb_euro(error: UnicodeDecodeError) -> tuple[str, int]:
    """Windows code page 936 writes the euro sign as the single byte 0x80."""
    bad = error.object[error.start:error.end]
    return ("\u20ac" if bad[:1] == b"\x80" else "\ufffd"), error.start + 1


codecs.register_error("csba_gb_euro", _gb_euro)

_SINGLE_BYTE = re.compile(r"^(cp125\d|iso8859_\d+|latin_1|cp437|cp850|koi8_[ru]|mac_roman|ascii)$")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _looks_utf8(payload: bytes, codec: str | None) -> bool:
    """Bytes that are valid UTF-8 with non-ASCII sequences, where the declared charset is
    probably wrong: any single-byte charset (Latin text is practically never valid UTF-8), or
    a multi-byte one when enough multi-byte sequences make chance implausible."""
    if not re.search(rb"[\x80-\xff]", payload):
        return False
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if codec is None or _SINGLE_BYTE.match(codec):
        return True
    return len(_UTF8_MULTIBYTE.findall(payload)) >= 6


def _strict(payload: bytes, codec: str) -> str | None:
    try:
        text = payload.decode(codec)
    except (UnicodeError, LookupError, ValueError):
        if codec != "gb18030":
            return None
        text = payload.decode(codec, errors="csba_gb_euro")
        if "\ufffd" in text:
            return None
    return text


def _count(text: str, low: int, high: int) -> int:
    return sum(low <= ord(ch) <= high for ch in text)


def _share_in(text: str, codec: str, low: int = 0x2e80) -> float:
    """The share of a text's wide characters that the (smaller, older) `codec` holds: the
    characters of real text are mostly in it, those of bytes decoded as the wrong East Asian
    encoding mostly not."""
    wide = [ch for ch in text if ord(ch) >= low]
    if not wide:
        return 0.0
    held = 0
    for ch in wide:
        with contextlib.suppress(UnicodeEncodeError):
            held += len(ch.encode(codec)) <= 2   # not euc_kr's 8-byte composed Hangul
    return held / len(wide)


_ISO2022_ESCAPES = re.compile(rb"\x1b\$[@B]|\x1b\(J|\x1b\$\(D")


def guess_cjk(payload: bytes) -> str | None:
    """A small detection order for undeclared or wrongly declared East Asian bytes: ISO-2022-JP
    by its escapes; then, when enough of the bytes are 8-bit for East Asian text, Japanese
    (kana under Shift_JIS or EUC-JP), Korean (common Hangul, no Hanja, under EUC-KR/UHC),
    simplified Chinese (GB2312 characters under GB18030) and traditional (Big5). None when the
    bytes do not look East Asian (Western 8-bit text, for one)."""
    if _ISO2022_ESCAPES.search(payload):
        return "iso2022_jp"
    high = sum(byte >= 0x80 for byte in payload)
    visible = len(re.sub(rb"\s", b"", payload))
    if high < 2 or high < 0.3 * visible:
        return None
    decoded = {codec: _strict(payload, codec)
               for codec in ("cp932", "euc_jp", "cp949", "gb18030", "big5hkscs")}
    for codec in ("cp932", "euc_jp"):
        text = decoded[codec]
        if text:
            wide = sum(ord(ch) >= 0x2e80 for ch in text)
            if wide and _count(text, 0x3041, 0x30ff) >= 0.2 * wide:
                return codec
    # GB2312 and EUC-KR share their byte layout: Chinese read as Korean is common Hangul with
    # Hanja for some lead bytes. Korean has no Hanja nor full-width Chinese punctuation and
    # spaces its words; a few characters alone are taken as Chinese, the likelier here.
    text = decoded["gb18030"]
    korean = decoded["cp949"]
    if korean:
        hangul, hanja = _count(korean, 0xac00, 0xd7a3), _count(korean, 0x4e00, 0x9fff)
        spaced = hangul < 6 or re.search(r"[\uac00-\ud7a3]\s+[\uac00-\ud7a3]", korean)
        if hangul >= 3 and not hanja and spaced and not re.search("[，。！？：；、]", korean) \
                and _share_in(korean, "euc_kr", 0xac00) >= 0.9:
            return "cp949"
    if text and _share_in(text, "gb2312") >= 0.9:
        return "gb18030"
    if decoded["big5hkscs"] and _share_in(decoded["big5hkscs"], "big5") >= 0.8:
        return "big5hkscs"
    return "gb18030" if text else None


def decode_bytes(payload: bytes, declared: str | None, hints: tuple[str, ...] = ()) -> str:
    """Decode with the declared charset's superset. What is not what it declares (or declares
    nothing) is tried, in order: UTF-8, the charsets declared elsewhere in the message
    (`hints`: other parts, encoded headers, an HTML meta tag), a guess among the East Asian
    encodings, then windows-1252, which decodes any Western byte; what still fails keeps every
    character it can."""
    codec = _codec(declared)
    eight_bit = bool(re.search(rb"[\x80-\xff]", payload))
    if codec in ("utf_7", "iso2022_jp", "iso2022_kr", "hz") and eight_bit:
        codec = None   # 7-bit encodings cannot hold 8-bit bytes: a mislabel
    guessed = guess_cjk(payload) if (eight_bit or b"\x1b" in payload) else None
    candidates: list[str] = []
    if guessed == "iso2022_jp" and codec not in ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext"):
        candidates.append(guessed)   # its escapes say so, whatever the label
    if _looks_utf8(payload, codec):
        candidates.append("utf-8")
    if guessed and codec in ("cp1252", "latin_1", "ascii"):
        candidates.append(guessed)   # East Asian bytes under a Western label: never Western text
    if codec:
        candidates.append(codec)
    candidates.append("utf-8")
    candidates += [c for c in (_codec(h) for h in hints) if c]
    if guessed:
        candidates.append(guessed)
    candidates.append("cp1252")
    for candidate in dict.fromkeys(candidates):
        text = _strict(payload, candidate)
        if text is not None:
            return text
    codec = codec or guessed or "utf-8"
    return payload.decode(codec, errors="csba_gb_euro" if codec == "gb18030" else "replace")


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def decode_part(part: Message, hints: tuple[str, ...] = ()) -> str:
    payload = part.get_payload(decode=True) or b""
    if isinstance(payload, str):   # a malformed multipart read as text
        payload = payload.encode("utf-8", "surrogateescape")
    declared = part.get_content_charset()
    if part.get_content_type() == "text/html":
        meta = _META_CHARSET.search(payload[:4096])
        if meta:
            found = meta.group(1).decode("ascii", "replace")
            if declared is None:
                declared = found
            else:
                hints = (*hints, found)
    return decode_bytes(payload, declared, hints)


def charset_hints(message: Message) -> tuple[str, ...]:
    """Charsets a message declares anywhere: its parts and its RFC 2047 headers. A part that
    declares none was most likely written in one of them."""
    found: list[str] = []
    for part in message.walk():
        charset = part.get_content_charset()
        if charset:
            found.append(charset)
    for _key, value in message.raw_items():
        found += re.findall(r"=\?([^?*]+)(?:\*[^?]*)?\?[bBqQ]\?", str(value))
    return tuple(dict.fromkeys(c.lower() for c in found if c.lower() not in ("us-ascii", "ascii")))


def decode_header_value(message: Message, name: str) -> str:
    """An RFC 2047 header decoded with the same charset supersets as bodies (a subject
    declared gb2312 often carries GBK characters)."""
    raw = next((value for key, value in message.raw_items() if key.lower() == name.lower()), "")
    try:
        parts = decode_header(str(raw))
    except Exception:  # a broken encoded-word: take what the stdlib made of it
        return str(message.get(name, ""))
    # Raw 8-bit header bytes (RFC 6532, or a client ignoring RFC 2047) arrive as surrogates.
    return "".join(
        decode_bytes(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text,
                     charset or "utf-8")
        for text, charset in parts)


# -- the body -----------------------------------------------------------------------------

def body_text(message: Message, *, keep_quotes: bool = False) -> str:
    """The text of the message's body: its text/plain part, else its HTML as text (with the
    quoted history the HTML marks left out, unless `keep_quotes`)."""
    part = _body_part(message)
    if part is None:
        return ""
    text = decode_part(part, charset_hints(message))
    if part.get_content_type() == "text/html":
        return html_to_text(text, keep_quotes=keep_quotes)
    if str(part.get_param("format", "")).lower() == "flowed":
        text = unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text


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


# -- HTML as text -------------------------------------------------------------------------

_HR_LINE = "_" * 32   # how Outlook's plain text shows the rule above a quoted header block
_SKIPPED_TAGS = {"script", "style", "head", "title", "template", "noscript", "xml", "object"}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed",
              "param", "source", "track", "wbr"}
_BLOCK_TAGS = {"address", "article", "aside", "blockquote", "center", "dd", "details", "dialog",
               "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
               "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p", "pre",
               "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul", "caption"}
_PARAGRAPH_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "dl"}
# Elements that hold quoted history, attribution included, in the markup of Gmail, Yahoo,
# Proton, Zoho, NetEase (163/126) and QQ Mail; left out of the visible text. (Thunderbird's
# moz-cite-prefix is not: a reply is sometimes written in it, and its "On ... wrote:" line
# above a quoting blockquote is found as text.)
_QUOTE_CLASSES = {"gmail_quote", "yahoo_quoted",
                  "protonmail_quote", "zmail_extra", "ydp-quoted", "x_gmail_quote",
                  "gmail_quote_container"}
_QUOTE_IDS = {"isreplycontent", "isforwardcontent", "origbody", "reply-content", "qm_quote",
              "original-content", "yahoo_quoted"}
# Elements that open a quoted header block (Outlook's "From: / Sent:" under a top border, Windows
# Mail, Outlook for Mac): shown as the rule Outlook's plain text has there.
_RULE_IDS = {"divrplyfwdmsg", "x_divrplyfwdmsg", "olk_src_body_section"}
_TOP_BORDER = re.compile(r"border-top(-style)?\s*:\s*solid|border-top\s*:[^;]*\bsolid\b",
                         re.IGNORECASE)


class _TextMaker(HTMLParser):
    """Readable text from HTML: blocks and <br> make lines, paragraphs a blank line between
    them, list items a "- " or "1. " prefix, a quoting <blockquote> "> " lines, entities
    decoded, styles and scripts gone."""

    def __init__(self, keep_quotes: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_quotes = keep_quotes
        self.lines: list[str] = []
        self.current = ""
        self.prefix = ""                     # a list item's "- " or "1. "
        self.word_paragraph = False
        self.skip_tag: str | None = None     # inside <script>/<style>/a quote, until its end
        self.skip_depth = 0
        self.pre = 0
        self.lists: list[list[int]] = []     # per open list: [is_ordered, next number]
        self.blockquotes: list[bool] = []    # per open blockquote: does it quote?

    @property
    def depth(self) -> int:
        return sum(self.blockquotes)

    # lines
    def _emit(self, line: str) -> None:
        quote = "> " * self.depth
        self.lines.append((quote + line).rstrip(" "))

    def _flush(self, force: bool = False) -> None:
        if self.current.strip(" ") or force:
            self._emit(self.prefix + self.current)
            self.prefix = ""   # an empty block inside a list item keeps the item's mark
        self.current = ""

    def _rule(self) -> None:
        self._flush()
        if not self.lines or self.lines[-1].strip("> ") != _HR_LINE:
            self._emit(_HR_LINE)

    def _paragraph(self) -> None:
        self._flush()
        if self.lines and self.lines[-1].strip("> "):
            self._emit("")

    # parser hooks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth += 1
            elif tag == "body" and self.skip_tag == "head":
                self.skip_tag = None   # a <head> never closed
            return
        attributes = {name.lower(): (value or "") for name, value in attrs}
        if tag in _SKIPPED_TAGS or (not self.keep_quotes and self._is_quote(attributes)):
            if tag not in _VOID_TAGS:
                self.skip_tag, self.skip_depth = tag, 1
            return
        self._open(tag, attributes)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def _open(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "hr" or (tag in _BLOCK_TAGS and self._opens_header_block(attributes)):
            self._rule()
        if tag == "br":
            self._flush(force=True)
        elif tag == "blockquote":
            self._paragraph()
            self.blockquotes.append(self._quotes(attributes))
        elif tag in ("ul", "ol"):
            if self.lists:
                self._flush()
            else:
                self._paragraph()
            self.lists.append([tag == "ol", _int(attributes.get("start"), 1)])
        elif tag == "li":
            self._flush()
            self.prefix = ""
            indent = "  " * max(len(self.lists) - 1, 0)
            if self.lists and self.lists[-1][0]:
                self.prefix = f"{indent}{self.lists[-1][1]}. "
                self.lists[-1][1] += 1
            else:
                self.prefix = f"{indent}- "
        elif tag == "p":
            # Word's (Outlook's) paragraphs have no margin, nor do those in a list: one line each
            self.word_paragraph = "msonormal" in attributes.get("class", "").lower() or \
                bool(self.lists)
            if self.word_paragraph:
                self._flush()
            else:
                self._paragraph()
        elif tag in _PARAGRAPH_TAGS:
            self._paragraph()
            if tag == "pre":
                self.pre += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
        elif tag in ("td", "th") and self.current.strip(" "):
            self.current = self.current.rstrip(" ") + " "

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        if tag == "blockquote":
            self._flush()
            if self.blockquotes:
                self.blockquotes.pop()
            self._paragraph()
        elif tag in ("ul", "ol"):
            self._flush()
            self.prefix = ""
            if self.lists:
                self.lists.pop()
            if self.lists:
                self._flush()
            else:
                self._paragraph()
        elif tag == "p":
            if self.word_paragraph:
                self._flush()
            else:
                self._paragraph()
        elif tag in _PARAGRAPH_TAGS:
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)
            self._paragraph()
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip_tag:
            return
        if self.pre:
            parts = data.replace("\r\n", "\n").split("\n")
            self.current += parts[0]
            for part in parts[1:]:
                self._flush(force=True)
                self.current = part
            return
        text = re.sub(r"[ \t\n\r\f]+", " ", data)
        if not self.current or self.current.endswith(" "):
            text = text.lstrip(" ")
        self.current += text

    def close_text(self) -> str:
        self.close()
        self._flush()
        lines = [line.replace("\xa0", " ").rstrip() for line in self.lines]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
        return text.strip("\n")

    # quotes
    def _is_quote(self, attributes: dict[str, str]) -> bool:
        classes = set(attributes.get("class", "").lower().split())
        identifier = attributes.get("id", "").lower()
        return bool(classes & _QUOTE_CLASSES) or identifier in _QUOTE_IDS or \
            identifier.startswith("yahoo_quoted")

    @staticmethod
    def _quotes(attributes: dict[str, str]) -> bool:
        """A blockquote quotes, unless it is the indentation Outlook and others make with one
        (a margin and no border)."""
        style = attributes.get("style", "").replace(" ", "").lower()
        if attributes.get("type", "").lower() == "cite" or "quote" in attributes.get("class", ""):
            return True
        return not ("border:none" in style or ("margin" in style and "border" not in style))

    @staticmethod
    def _opens_header_block(attributes: dict[str, str]) -> bool:
        return (attributes.get("id", "").lower() in _RULE_IDS
                or bool(_TOP_BORDER.search(attributes.get("style", ""))))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def html_to_text(markup: str, *, keep_quotes: bool = False) -> str:
    """HTML as readable text: a quoting <blockquote> becomes "> " lines, an <hr> (or Outlook's
    bordered reply header) a line of underscores, as mail clients write them in plain text.
    Unless `keep_quotes`, the quoted history that clients mark with their own classes (Gmail's
    gmail_quote, Yahoo's yahoo_quoted, ...) is left out."""
    maker = _TextMaker(keep_quotes)
    try:
        maker.feed(markup)
        return maker.close_text()
    except Exception:   # HTMLParser is lenient; this is a last resort
        text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", markup)
        text = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h\d)>", "\n", text)
        return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


# -- quoted history and signatures --------------------------------------------------------

def _names(*names: str) -> str:
    return "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))


# Header names of a quoted message's header block, as clients write them in each language.
_FROM_NAMES = _names("From", "De", "Von", "Da", "Van", "Fra", "Från", "Od", "От", "Kimden",
                     "Remitente", "Expéditeur", "Absender", "发件人", "發件人", "寄件者", "寄件人",
                     "差出人", "보낸 사람", "Feladó", "Lähettäjä")
_DATE_NAMES = _names("Sent", "Date", "Enviado", "Enviado el", "Enviada em", "Fecha", "Gesendet",
                     "Datum", "Envoyé", "Envoyé le", "Inviato", "Data", "Verzonden", "Sendt",
                     "Skickat", "Wysłano", "Отправлено", "Дата", "Gönderildi", "Tarih",
                     "发送时间", "發送時間", "发送日期", "發送日期", "时间", "時間", "日期",
                     "寄件日期", "傳送時間", "送信日時", "日付", "보낸 날짜", "날짜", "Elküldve", "Lähetetty")
_OTHER_NAMES = _names("To", "Cc", "Bcc", "Subject", "Reply-To", "Para", "Asunto", "CC", "CCO",
                      "An", "Betreff", "Kopie", "À", "Objet", "A", "Oggetto", "Assunto", "Aan",
                      "Onderwerp", "Til", "Till", "Emne", "Ämne", "Ärende", "Do", "Temat",
                      "Кому", "Тема", "Копия", "Kime", "Konu", "收件人", "收件者", "抄送", "副本",
                      "主题", "主題", "主旨", "宛先", "件名", "받는 사람", "참조", "제목",
                      "Címzett", "Tárgy", "Vastaanottaja", "Aihe")
_HEADER_LINE = re.compile(
    rf"^[*\s]*(?:(?P<from>{_FROM_NAMES})|(?P<date>{_DATE_NAMES})|(?P<other>{_OTHER_NAMES}))"
    r"\s*\*?\s*[:：]", re.IGNORECASE)

_SEPARATOR_WORDS = _names(
    "Original Message", "Original", "Forwarded message", "Forwarded Message", "Reply Message",
    "Mensaje original", "Mensaje reenviado", "Message d'origine", "Message transféré",
    "Ursprüngliche Nachricht", "Ursprungliche Nachricht", "Weitergeleitete Nachricht",
    "Originalnachricht", "Messaggio originale", "Messaggio inoltrato", "Mensagem original",
    "Mensagem encaminhada", "Oorspronkelijk bericht", "Doorgestuurd bericht",
    "Oprindelig meddelelse", "Originalmeddelande", "Alkuperäinen viesti", "Исходное сообщение",
    "Пересылаемое сообщение", "Wiadomość oryginalna", "原始邮件", "原始郵件", "转发的邮件",
    "轉寄的郵件", "转发邮件信息", "回复的原邮件", "邮件原文", "Original Email",
    "元のメッセージ", "転送されたメッセージ", "원본 메시지", "전달된 메시지")
_SEPARATOR = re.compile(rf"^[-=_*\s]{{2,}}\s*(?:{_SEPARATOR_WORDS})\s*[-=_*\s]{{2,}}$", re.IGNORECASE)
_BEGIN_FORWARD = re.compile(
    r"^(Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié"
    r"|Inicio del mensaje reenviado|Comienzo del mensaje reenviado|Mensaje reenviado"
    r"|Inizio messaggio inoltrato|Início da mensagem reencaminhada|Início da mensagem encaminhada"
    r"|Doorgestuurd bericht|Vidarebefordrat brev|Videresendt meddelelse"
    r"|以下是转发的邮件|以下为转发的邮件|下面是被转发的邮件|转发的邮件|轉寄的郵件|転送されたメッセージ)"
    r"\s*[:：]?\s*$", re.IGNORECASE)
_FORWARD_WORDS = re.compile(
    r"forward|reenviad|transféré|réexpédié|weitergeleitet|inoltrat|encaminhad|doorgestuurd"
    r"|vidarebefordra|videresendt|пересыла|转发|轉寄|転送|전달", re.IGNORECASE)

# "On <date>, <someone> wrote:" in the languages clients write it in (after joining the lines
# a client wrapped it over).
_ATTRIBUTION = [re.compile(p, re.IGNORECASE) for p in (
    r"^On\b.{0,250}\b(wrote|writes|said|sent)\s*:$",
    r"^El\b.{0,250}\bescribi[oó]\s*:$",
    r"^Em\b.{0,250}\bescreveu\s*:$",
    r"^Le\b.{0,250}\ba [ée]crit\s*:$",
    r"^Am\b.{0,250}\bschrieb\b.{0,120}:$",
    r"^Il (giorno )?\b.{0,250}\bha scritto\s*:$",
    r"^Op\b.{0,250}\b(schreef|geschreven)\b.{0,120}:$",
    r"^(W dniu|Dnia)\b.{0,250}\b(napisał|napisała|pisze)\b.{0,120}:$",
    r"^(Den|På|D\.)\b.{0,250}\bskrev\b.{0,120}:$",
    r"^.{0,250}\b(написал|написала|пишет)\b.{0,60}:$",
    r"^.{0,250}\b(kirjoitti|napsal|napísal|írta|yazdı)\b.{0,60}:$",
    r"^(在|於|于).{0,250}(写道|寫道)\s*[:：]$",
    r"^.{0,250}(写道|寫道)\s*[:：]$",
    r"^.{0,250}(のメッセージ|は書きました|さんは書きました|が書きました)\s*[:：]$",
    r"^.{0,250}님이 작성\s*[:：]?$",
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}.{0,40}\d{1,2}:\d{2}.{0,150}@.{0,100}:$",   # Gmail, old
    r"^Sent from Samsung .{0,100}@.{0,100}> wrote:?$",
)]
# The lines after which a signature or a mobile client's note follows.
_SIGNATURE_DELIMITER = re.compile(r"^(-{2,}|_{2,}|—|- -)$")
_MOBILE_PREFIX = re.compile(
    r"^(Sent from|Sent with|Sent via|Sent using|Sent on|Get Outlook for|Enviado desde|Enviado do"
    r"|Enviado con|Enviado a través de|Enviado via|Envoyé de|Envoyé depuis|Envoyé avec"
    r"|Von meinem|Gesendet von|Gesendet mit|Inviato da|Inviato dal|Verzonden vanaf|Verstuurd vanaf"
    r"|Verzonden met|Skickat från|Sendt fra|Lähetetty|Wysłane z|Отправлено с|Отправлено из"
    r"|发自|来自|從我的|从我的|寄自|傳送自)", re.IGNORECASE)
_MOBILE_TAIL = re.compile(
    r"(iPhone|iPad|iPod|iOS|macOS|Android|BlackBerry|Samsung|Galaxy|Huawei|HUAWEI|Honor|Xiaomi|Redmi|OPPO"
    r"|vivo|OnePlus|Pixel|Nokia|Motorola|Windows|Outlook|Mail|Gmail|Yahoo|AOL|Proton|Tutanota"
    r"|mobile|phone|smartphone|tablet|device|Verizon|T-Mobile|Sprint|AT&T|Spark|Edison|BlueMail"
    r"|Airmail|Foxmail|WPS|móvil|celular|Handy|portable|cellulare|手机|手機|邮箱|郵箱|网易|QQ"
    r"|から送信|에서 보냄|gesendet|発信)", re.IGNORECASE)
_MOBILE_SUFFIX = re.compile(r"^.{1,40}(から送信|에서 보냄)$")
_SIGN_OFF_DASH = re.compile(r"^-[A-Z][\w.'’]*(\s[A-Z][\w.'’]*){0,2}$")
_WROTE = re.compile(r"\b(wrote|writes|schrieb|a [ée]crit|escribi[oó]|escreveu|ha scritto|schreef"
                    r"|skrev|napisał|napisała|написал|написала)\s*:$|(写道|寫道)\s*[:：]$", re.IGNORECASE)
_ATTRIBUTION_WORD = re.compile(r"^(On|El|Em|Le|Am|Il|Op|W dniu|Dnia|Den|På|在|於|于)\b")
_DATEISH = re.compile(r"\d{1,2}:\d{2}|\b(19|20)\d{2}\b|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|年|月|日")


def _clean(line: str) -> str:
    """A line as the rules see it: no-break and zero-width spaces normalised, bold marks and
    outer spaces gone."""
    line = line.replace("\xa0", " ").replace("\u3000", " ").replace("&nbsp;", " ")
    line = re.sub(r"[\u200b-\u200f\u2060\ufeff]", "", line)
    return line.strip()


def _is_mobile_line(line: str) -> bool:
    """A mobile or webmail client's note: "Sent from my iPhone", "Get Outlook for iOS",
    "Enviado desde mi Samsung", "发自我的iPhone", "iPhoneから送信"; not a sentence that merely
    starts with "Sent from"."""
    if len(line) > 80:
        return False
    if _MOBILE_SUFFIX.match(line):
        return True
    match = _MOBILE_PREFIX.match(line)
    if not match:
        return False
    rest = line[match.end():].strip()
    if match.group(0).lower() == "get outlook for":
        return True
    if re.match(r"^(我的|我的\s)", rest) or (not rest.isascii() and _MOBILE_TAIL.search(rest)
                                           and len(rest) <= 20):
        return True
    words = rest.split()
    if not words or len(words) > 8 or re.search(r"[,;!?]\s", rest):
        return False
    if words[0].lower() in ("my", "mi", "mon", "ma", "meinem", "mio", "meu", "mijn", "min",
                            "mitt", "mój", "mojego", "the", "a", "an", "un", "una"):
        return len(words) <= 6
    return bool(_MOBILE_TAIL.match(words[0]))


def _header_kind(line: str) -> str | None:
    match = _HEADER_LINE.match(line)
    if not match:
        return None
    return "from" if match.group("from") else "date" if match.group("date") else "other"


def _header_block_at(lines: list[str], index: int) -> int:
    """The number of lines of the quoted header block starting at `index` (0 if none): two or
    more consecutive header lines of two names or more, the first a From or a Date, one a
    From. A lone "From: ..." line is the customer's own."""
    first = _header_kind(lines[index])
    if first not in ("from", "date"):
        return 0
    names, end = set(), index
    while end < len(lines) and end - index < 12:
        line = lines[end]
        kind = _header_kind(line)
        if kind is None:
            # a value wrapped onto the next line ("To: a@x.example;\n  b@y.example")
            if line and end > index and not _is_history_start(line) and (
                    lines[end - 1].rstrip().endswith((",", ";")) or line.startswith("<")):
                end += 1
                continue
            break
        names.add(_HEADER_LINE.match(line).group(0).strip(" *:：").lower())
        end += 1
    kinds = {_header_kind(line) for line in lines[index:end]}
    return end - index if end - index >= 2 and len(names) >= 2 and "from" in kinds else 0


def _is_history_start(line: str) -> bool:
    return bool(_SEPARATOR.match(line) or _BEGIN_FORWARD.match(line))


def _attribution_at(lines: list[str], index: int) -> int:
    """The number of lines (1 to 3) of an "On ... wrote:" attribution starting at `index`."""
    if not any(line.endswith((":", "：", "작성")) for line in lines[index:index + 3]):
        return 0   # every attribution ends so: most lines are ruled out at once
    joined = ""
    for span in range(3):
        if index + span >= len(lines):
            break
        part = lines[index + span].lstrip("> ").strip() if span == 0 else lines[index + span]
        if not part:
            break
        if span == 1 and not (_DATEISH.search(joined) or _ADDRESS.search(joined)
                              or _ATTRIBUTION_WORD.match(joined)):
            break   # a wrapped attribution starts with its date, sender or opening word
        joined = f"{joined} {part}".strip() if joined else part
        # "... <\nname@example.com> wrote:" wraps inside the address
        joined = re.sub(r"<\s+", "<", joined)
        if any(pattern.match(joined) for pattern in _ATTRIBUTION) and (
                _DATEISH.search(joined) or _ADDRESS.search(joined)
                or _next_is_quoted(lines, index + span + 1)):
            return span + 1   # a date, an address or quoted lines: not "On Monday he said:"
        if joined.endswith((":", "：")) and _next_is_quoted(lines, index + span + 1) and (
                _ADDRESS.search(joined) or _DATEISH.search(joined) or _WROTE.search(joined)) \
                and len(joined) < 300:
            return span + 1
    return 0


def _next_is_quoted(lines: list[str], index: int) -> bool:
    while index < len(lines) and not lines[index]:
        index += 1
    return index < len(lines) and lines[index].startswith(">")


def _rule_before_header(lines: list[str], index: int) -> bool:
    """A horizontal rule (Outlook's underscores, an HTML <hr>) followed by a header line."""
    if not re.fullmatch(r"[_\-=~*]{8,}|[—–]{4,}", lines[index]):
        return False
    following = index + 1
    while following < len(lines) and not lines[following]:
        following += 1
    return following < len(lines) and (_header_kind(lines[following]) is not None
                                       or _is_history_start(lines[following]))


def history_start(lines: list[str]) -> tuple[int, int] | None:
    """Where quoted history starts in cleaned lines, and how many lines its marker takes."""
    for index, line in enumerate(lines):
        if not line:
            continue
        if _is_history_start(line) or _rule_before_header(lines, index):
            return index, 1
        span = _attribution_at(lines, index)
        if span:
            return index, span
        span = _header_block_at(lines, index)
        if span:
            return index, span
    return None


def _split_inline_attribution(raw_lines: list[str]) -> list[str]:
    """A reply run into the attribution on one line ("Thanks! On Mon, ... wrote:") is two."""
    out: list[str] = []
    for line in raw_lines:
        match = _INLINE_ATTRIBUTION.search(line)
        if match and _DATEISH.search(match.group(1)):
            out += [line[:match.start()].rstrip(), match.group(1)]
        else:
            out.append(line)
    return out


_INLINE_ATTRIBUTION = re.compile(
    r"(?<=\S)\s+((?:On|El|Le|Am|Em|Il|Op)\s.{8,250}\b(?:wrote|escribi[oó]|a [ée]crit|schrieb"
    r"|escreveu|ha scritto|schreef)\b[^:]{0,120}:)\s*$", re.IGNORECASE)
# Notices that mail gateways put above or under what someone wrote.
_NOTICE = re.compile(
    r"^\[?(CAUTION|EXTERNAL( EMAIL| SENDER| MESSAGE)?|WARNING|ATTENTION|NOTICE)\]?\s*[:!-]?\s*"
    r"(This (e-?mail|message) (originated|was sent|is) from outside|External (e-?mail|sender)"
    r"|Do not click links)"
    r"|^(CONFIDENTIALITY NOTICE|Confidentiality Notice|DISCLAIMER|Disclaimer)\s*:"
    r"|^(This (e-?mail|electronic mail|message) and any (files|attachments)|The information contained"
    r" in this (e-?mail|message|communication))", re.IGNORECASE)


def visible_text(text: str, *, keep_signature: bool = False) -> str:
    """The reply itself: everything above the quoted history, less the quoted lines and, unless
    `keep_signature`, the signature under a "-- " (or "__") line, a mobile client's "Sent from
    my ..." line, a closing "-Name" and the notices mail gateways add. `keep_signature` is the
    convention of sources such as talon, which keep every line that is not quoted history."""
    raw_lines = _split_inline_attribution(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    lines = [_clean(line) for line in raw_lines]
    found = history_start(lines)
    end = len(lines) if found is None else found[0]
    if found is not None and not any(line and not line.startswith(">") for line in lines[:end]):
        # Nothing above the history: under an attribution, the reply may be written between
        # the quoted lines (bottom posting); take what is not quoted.
        start = found[0] + found[1]
        if _attribution_at(lines, found[0]) and any(line.startswith(">") for line in lines[start:]):
            return visible_text("\n".join(raw_lines[start:]), keep_signature=keep_signature)
    kept: list[str] = []
    dropped_quote = False
    for raw, line in zip(raw_lines[:end], lines[:end], strict=True):
        if not keep_signature and _SIGNATURE_DELIMITER.match(line):
            break
        if not keep_signature and _is_mobile_line(line):
            continue
        if line.startswith(">"):
            dropped_quote = True
            continue
        if not line and dropped_quote and kept and not kept[-1].strip():
            continue   # the blank lines around a dropped quote count once
        if line:
            dropped_quote = False
        kept.append(raw)
    if not keep_signature:
        kept = _without_notices(kept)
    while kept and not kept[-1].strip():
        kept.pop()
    if not keep_signature and len(kept) > 2 and _SIGN_OFF_DASH.match(kept[-1].strip()) and \
            not kept[-2].strip():
        kept.pop()   # "-Robert" under the text, as a signature
    while kept and re.fullmatch(r"[_\-=~*]{8,}", kept[-1].strip()):
        kept.pop()   # the rule above history that HTML quote removal left
    return "\n".join(kept).strip()


def _without_notices(lines: list[str]) -> list[str]:
    """Lines less the paragraphs that are a gateway's notice ("CAUTION: This email originated
    from outside ...", a confidentiality disclaimer)."""
    out: list[str] = []
    skipping = False
    for line in lines:
        stripped = _clean(line)
        if not stripped:
            skipping = False
        elif _NOTICE.match(stripped):
            skipping = True
        if not skipping:
            out.append(line)
    while out and not out[0].strip():
        out.pop(0)
    return out


# -- forwarded messages -------------------------------------------------------------------

_FORWARD_SUBJECT = re.compile(
    r"^\s*(\[?(fwd?|fw|tr|wg|rv|enc|vs|vb|doorst|i|rif|转发|轉寄|転送|전달)\s*[:：])", re.IGNORECASE)
_REPLY_SUBJECT = re.compile(r"^\s*(re|aw|sv|antw|odp|ynt|回复|回覆|答复|返信|답장)\s*[:：]", re.IGNORECASE)


def forwarded_original(message: EmailMessage) -> ForwardedEmail | None:
    """The message this one forwards: attached as message/rfc822, or quoted inline after a
    forward marker ("---------- Forwarded message ---------", "Begin forwarded message:",
    "Mensaje reenviado", "转发的邮件"). An "-----Original Message-----" / "原始邮件" block or an
    Outlook header block counts too when the message is not a reply: its subject says it is
    a forward (Fwd:, RV:, 转发:), or it neither says Re: nor carries In-Reply-To."""
    if message.get_content_type() == "multipart/report":
        return None   # a bounce returns our own message: it forwards nothing
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else payload
            if isinstance(inner, Message):
                return _attached_original(inner)
    text = body_text(message, keep_quotes=True)
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


def inline_forward(text: str, *, generic_markers: bool = True) -> ForwardedEmail | None:
    """The forwarded message quoted in a body's text, from its marker and header block (quoted
    with "> " or not, as Apple Mail's HTML quotes it)."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [_clean(line) for line in raw_lines]
    for index, line in enumerate(lines):
        if not line:
            continue
        dedicated = bool(_BEGIN_FORWARD.match(line)) or bool(
            _SEPARATOR.match(line) and _FORWARD_WORDS.search(line))
        generic = bool(_SEPARATOR.match(line) or _rule_before_header(lines, index))
        if dedicated or (generic and generic_markers):
            start = index + 1
        elif generic_markers and _header_block_at(lines, index) and _header_kind(line) == "from":
            start = index   # Outlook's bare header block
        else:
            continue
        rest = raw_lines[start:]
        first = next((_clean(r) for r in rest if _clean(r)), "")
        if first.startswith(">"):
            rest = [re.sub(r"^\s*> ?", "", r) for r in rest]
        rest_clean = [_clean(r) for r in rest]
        begin = 0
        while begin < len(rest_clean) and not rest_clean[begin]:
            begin += 1
        headers, body_start = _read_header_block(rest_clean, begin)
        if "from" not in headers and not dedicated:
            continue
        sender_match = _ADDRESS.search(headers.get("from", ""))
        message_id = re.search(r"<[^<>\s]+>", headers.get("message-id", ""))
        return ForwardedEmail(
            sender=sender_match.group(0).lower() if sender_match else "",
            subject=" ".join(headers.get("subject", "").split()),
            text=visible_text("\n".join(rest[body_start:])),
            message_id=message_id.group(0) if message_id else None,
        )
    return None


_SUBJECT_NAMES = re.compile(r"^(Subject|Asunto|Betreff|Objet|Oggetto|Assunto|Onderwerp|Emne|Ämne"
                            r"|Ärende|Temat|Тема|Konu|主题|主題|主旨|件名|제목|Tárgy|Aihe)$",
                            re.IGNORECASE)


def _read_header_block(lines: list[str], start: int) -> tuple[dict[str, str], int]:
    """The quoted header fields from `start` (keys "from", "subject", "message-id", ...) and
    the index of the first body line after them."""
    headers: dict[str, str] = {}
    index = start
    last: str | None = None
    while index < len(lines):
        line = lines[index].lstrip("> ").strip("*")
        if not line:
            break
        kind = _header_kind(line)
        id_match = re.match(r"^Message-ID\s*:\s*(.*)$", line, re.IGNORECASE)
        if id_match:
            headers["message-id"] = id_match.group(1)
            last = "message-id"
        elif kind is not None:
            name, _, value = re.split(r"([:：])", line, maxsplit=1)
            name = name.strip(" *").lower()
            value = value.strip(" *")
            key = "from" if kind == "from" else "date" if kind == "date" else (
                "subject" if _SUBJECT_NAMES.match(name) else name)
            headers.setdefault(key, value)
            last = key
        elif last and index > start and (lines[index - 1].endswith((",", ";", "<"))
                                         or line.startswith(("<", "["))):
            headers[last] = f"{headers[last]} {line}"
        else:
            break
        index += 1
    while index < len(lines) and not lines[index]:
        index += 1
    return headers, index


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
