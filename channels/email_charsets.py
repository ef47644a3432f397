"""Decoding email text in whatever charset it came in: declared charsets mail clients
routinely exceed are read as their supersets (GB2312 as GB18030, Big5 as Big5-HKSCS), a
mis-declared or missing charset is guessed from the bytes and the rest of the message, and
RFC 2047 encoded headers are decoded."""

from __future__ import annotations

import codecs
import contextlib
import re
from email.header import decode_header
from email.message import Message

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

def _codec(declared: str | None) -> str | None:
    """The codec to decode a declared charset with (its superset, if it has a known one), or
    None for a label Python does not know."""
    name = (declared or "").strip().strip("\"'").lower()
    if not name:
        return None
    name = CHARSET_SUPERSETS.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):   # unknown, or not a name at all ("utf-8\x00")
        return None
    # base64, zlib, rot13, idna, punycode... are codecs but not charsets.
    return info.name if getattr(info, "_is_text_encoding", True) and info.name not in _NOT_CHARSETS \
        else None


_NOT_CHARSETS = {"idna", "punycode", "undefined", "raw_unicode_escape", "unicode_escape"}


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
