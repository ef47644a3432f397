"""The visible reply of an email's text: quoted history (Gmail "On ... wrote:", Outlook's
"From:/Sent:/To:/Subject:" block in the common languages, "-----Original Message-----", "> "
quoting, the Chinese clients' "原始邮件" and "在 ... 写道："), the signature after a "-- " line
and mobile "Sent from my iPhone" lines are left out; a sign-off such as "Thanks,\nMaria" is
kept, since nothing tells it from the message. Also the original of an inline forward."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class ForwardedEmail:
    """The message someone forwarded to us: attached as message/rfc822 or quoted inline."""

    sender: str                 # the original From address, lower-cased ("" if it shows none)
    subject: str
    text: str                   # the original message's visible text
    message_id: str | None = None


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
