"""channels.email_parsing on raw messages: sender, subject, threading headers, robots
(RFC 3834), charsets and the visible reply. Rows marked xfail(strict=True) assert the correct
behaviour of something the module gets wrong today (see the reason on each)."""

from __future__ import annotations

import base64
import codecs
import json
import re
from email import policy
from email.header import decode_header
from email.parser import BytesParser
from pathlib import Path

import pytest

from channels.email_charsets import CHARSET_SUPERSETS, decode_part
from channels.email_html import html_to_text
from channels.email_parsing import MalformedEmail, automatic_reason, body_text, parse_email
from channels.email_quotes import visible_text
from tests.tables import rows

OWN_DOMAIN = "support.example.com"
# A copy of ../shared/eval/email_charset_fixtures.dev.jsonl (raw mail from mail libraries'
# test suites, each record naming its source), kept here so a clean checkout tests it.
EVAL_FIXTURES = Path(__file__).parent / "fixtures" / "email" / "eval"
CHARSET_FIXTURES = EVAL_FIXTURES / "email_charset_fixtures.dev.jsonl"



def raw_email(*headers: str | bytes, body: bytes = b"Hello\r\n",
              sender: str | bytes | None = "maria@example.com") -> bytes:
    """A raw RFC 5322 message with CRLF line ends; headers are "Name: value" strings."""
    lines: list[bytes] = []
    if sender is not None:
        lines.append(b"From: " + (sender.encode() if isinstance(sender, str) else sender))
    lines += [h.encode() if isinstance(h, str) else h for h in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def text_part(charset: str, payload: bytes, *extra: str) -> bytes:
    return raw_email("MIME-Version: 1.0", f"Content-Type: text/plain; charset={charset}",
                     "Content-Transfer-Encoding: 8bit", *extra, body=payload)


def parse(raw: bytes):
    return parse_email(raw, own_domain=OWN_DOMAIN)


def message(raw: bytes):
    return BytesParser(policy=policy.default).parsebytes(raw)


# -- sender -------------------------------------------------------------------------------

FROM_TABLE = [
    ("display-name", '"Maria Garcia" <Maria.Garcia@Example.COM>', "maria.garcia@example.com"),
    ("comma-in-display-name", '"Garcia, Maria" <maria@example.com>', "maria@example.com"),
    ("comment-form", "maria@example.com (Maria Garcia)", "maria@example.com"),
    ("encoded-display-name", "=?utf-8?q?Mar=C3=ADa?= <maria@example.com>", "maria@example.com"),
    ("gb2312-display-name", "=?gb2312?B?1cXI/Q==?= <Zhang@Example.CN>", "zhang@example.cn"),
    ("angle-brackets-only", "<MARIA@EXAMPLE.COM>", "maria@example.com"),
]


@pytest.mark.parametrize("from_value, sender", rows(FROM_TABLE))
def test_sender_is_parsed_and_lower_cased(from_value, sender):
    assert parse(raw_email(sender=from_value)).sender == sender


@pytest.mark.parametrize("raw", [
    pytest.param(raw_email("Subject: hi", sender=None), id="no-from-header"),
    pytest.param(raw_email(sender="Maria"), id="from-without-address"),
    pytest.param(raw_email(sender="<>"), id="empty-address"),
    pytest.param(raw_email(sender=""), id="empty-from"),
])
def test_no_sender_address_is_malformed(raw):
    with pytest.raises(MalformedEmail):
        parse(raw)


# -- subject ------------------------------------------------------------------------------

def _b(charset: str, text: str, codec: str | None = None) -> str:
    data = base64.b64encode(text.encode(codec or charset)).decode()
    return f"=?{charset}?B?{data}?="


SUBJECT_TABLE = [
    ("plain", "Subject: Where is my order?", "Where is my order?"),
    ("utf8-q", "Subject: =?utf-8?q?Re=3A_=C2=BFD=C3=B3nde_est=C3=A1_mi_pedido=3F?=",
     "Re: ¿Dónde está mi pedido?"),
    ("utf8-b-two-words", f"Subject: {_b('utf-8', '同意')} {_b('utf-8', '退款')}", "同意退款"),
    ("mixed-plain-and-encoded", f"Subject: Re: {_b('utf-8', '订单')} 112-1234567-1234567",
     "Re: 订单 112-1234567-1234567"),
    ("iso-2022-jp", f"Subject: {_b('iso-2022-jp', 'まみむめも')}", "まみむめも"),
    ("gb2312", f"Subject: {_b('gb2312', '请退款')}", "请退款"),
    ("big5", f"Subject: {_b('big5', '請退款')}", "請退款"),
    ("iso-8859-1-q", "Subject: =?iso-8859-1?q?Caf=E9?=", "Café"),
    ("folded-and-collapsed", "Subject: Re: your\r\n   order  status", "Re: your order status"),
    ("gb2312-declared-gbk-character", f"Subject: {_b('gb2312', '请补发 镕', 'gb18030')}",
     "请补发 镕"),
]
@pytest.mark.parametrize("header, subject", rows(SUBJECT_TABLE))
def test_subject_decoding(header, subject):
    assert parse(raw_email(header)).subject == subject


# -- threading headers --------------------------------------------------------------------

def test_references_collected_and_in_reply_to_appended():
    parsed = parse(raw_email(
        "Message-ID: <abc@example.com>", "In-Reply-To: <case-1@support.example.com>",
        "References: <a@x.example> <b@y.example>\r\n\tfoo <case-0@support.example.com>"))
    assert parsed.message_id == "<abc@example.com>"
    assert parsed.in_reply_to == "<case-1@support.example.com>"
    assert parsed.references == ("<a@x.example>", "<b@y.example>",
                                 "<case-0@support.example.com>", "<case-1@support.example.com>")


def test_in_reply_to_already_in_references_is_not_repeated():
    parsed = parse(raw_email("In-Reply-To: <b@y.example>",
                             "References: <a@x.example> <b@y.example>"))
    assert parsed.references == ("<a@x.example>", "<b@y.example>")


def test_in_reply_to_alone_becomes_the_reference():
    parsed = parse(raw_email("In-Reply-To: <case-1@support.example.com>"))
    assert parsed.references == ("<case-1@support.example.com>",)


def test_no_threading_headers():
    parsed = parse(raw_email("Message-ID: <abc@example.com>"))
    assert (parsed.in_reply_to, parsed.references) == (None, ())


def test_missing_message_id_gets_a_stable_synthetic_id():
    raw = raw_email("Subject: no id")
    first, second = parse(raw).message_id, parse(raw).message_id
    assert first == second
    assert re.fullmatch(r"<[0-9a-f]{32}@no-message-id>", first)
    assert parse(raw_email("Subject: another")).message_id != first


def test_empty_message_id_gets_a_synthetic_id():
    assert parse(raw_email("Message-ID:")).message_id.endswith("@no-message-id>")


# -- robots (RFC 3834) --------------------------------------------------------------------

AUTOMATIC_TABLE = [
    # id, extra headers, sender, reason
    ("person", (), "maria@example.com", None),
    ("auto-replied", ("Auto-Submitted: auto-replied",), "maria@example.com",
     "Auto-Submitted: auto-replied"),
    ("auto-generated", ("Auto-Submitted: auto-generated",), "maria@example.com",
     "Auto-Submitted: auto-generated"),
    ("auto-submitted-no", ("Auto-Submitted: no",), "maria@example.com", None),
    ("auto-submitted-No", ("Auto-Submitted: No",), "maria@example.com", None),
    ("precedence-bulk", ("Precedence: bulk",), "maria@example.com", "Precedence: bulk"),
    ("precedence-list", ("Precedence: list",), "maria@example.com", "Precedence: list"),
    ("precedence-junk", ("Precedence: junk",), "maria@example.com", "Precedence: junk"),
    ("precedence-other", ("Precedence: first-class",), "maria@example.com", None),
    ("list-id", ("List-Id: <deals.lists.example.com>",), "maria@example.com", "mailing list"),
    ("list-unsubscribe", ("List-Unsubscribe: <mailto:u@example.com>",), "maria@example.com",
     "mailing list"),
    ("x-autoreply", ("X-Autoreply: yes",), "maria@example.com", "X-Autoreply"),
    ("mailer-daemon", (), "MAILER-DAEMON@mx.example.com",
     "automatic sender mailer-daemon@mx.example.com"),
    ("postmaster", (), "postmaster@example.com", "automatic sender postmaster@example.com"),
    ("noreply", (), "noreply@shop.example.com", "automatic sender noreply@shop.example.com"),
    ("no-reply", (), "no-reply@shop.example.com", "automatic sender no-reply@shop.example.com"),
    ("do-not-reply", (), "do-not-reply@shop.example.com",
     "automatic sender do-not-reply@shop.example.com"),
    ("noreply-prefix-of-a-name", (), "noreplyjohn@example.com", None),
    ("own-domain", (), "help@support.example.com", "our own mail"),
    ("own-domain-any-case", (), "cases@SUPPORT.Example.com", "our own mail"),
    ("domain-ending-like-ours", (), "someone@notsupport.example.com", None),
    ("delivery-report", ('MIME-Version: 1.0',
                         'Content-Type: multipart/report; report-type=delivery-status; '
                         'boundary="b"'), "maria@example.com", "delivery report"),
]


@pytest.mark.parametrize("headers, sender, reason", rows(AUTOMATIC_TABLE))
def test_automatic_reason(headers, sender, reason):
    raw = raw_email(*headers, sender=sender)
    assert parse(raw).automatic_reason == reason
    assert automatic_reason(message(raw), sender.lower(), OWN_DOMAIN) == reason


# -- charsets -----------------------------------------------------------------------------

CHARSET_TABLE = [
    # id, declared charset, text, codec that wrote the bytes
    ("gb2312-plain", "gb2312", "你好，请退款", "gb2312"),
    ("gb2312-declared-gb18030-ext-b", "gb2312", "补发 𠀀 谢谢", "gb18030"),
    ("gb2312-declared-gb18030-euro", "gb2312", "价格 €20，请退款", "gb18030"),
    ("gb2312-declared-gbk-character", "gb2312", "镕", "gbk"),
    ("gbk", "gbk", "已发货，运单号 YT2412345678901234", "gbk"),
    ("gbk-windows-euro-0x80", "gbk", "价格 €20，请退款", None),
    ("big5", "big5", "請退款，謝謝", "big5"),
    ("big5-declared-hkscs-character", "big5", "香港 𥚃", "big5hkscs"),
    ("shift_jis", "shift_jis", "返金をお願いします", "shift_jis"),
    ("shift_jis-declared-cp932-character", "shift_jis", "返金 ①", "cp932"),
    ("iso-2022-jp", "iso-2022-jp", "返金をお願いします", "iso-2022-jp"),
    ("euc-kr", "euc-kr", "환불해 주세요", "euc-kr"),
    ("euc-kr-declared-cp949-character", "euc-kr", "똠방각하", "cp949"),
    ("iso-8859-1-declared-windows-1252-quotes", "iso-8859-1",
     "It\u2019s \u201cfine\u201d \u2014 caf\u00e9", "cp1252"),
    ("utf-8", "utf-8", "¿Dónde está mi pedido? 🙂", "utf-8"),
    ("unknown-label-falls-back-to-utf-8", "x-unknown-charset", "naïve — ok", "utf-8"),
]
def _charset_bytes(text: str, codec: str | None) -> bytes:
    if codec is None:   # Windows cp936: GBK with 0x80 for the euro sign
        return b"\x80".join(part.encode("gbk") for part in text.split("€"))
    return text.encode(codec)


@pytest.mark.parametrize("declared, text, codec", rows(CHARSET_TABLE))
def test_decode_part(declared, text, codec):
    raw = text_part(declared, _charset_bytes(text, codec))
    decoded = decode_part(message(raw))
    assert "\ufffd" not in decoded
    assert decoded == text
    assert parse(raw).text == text


@pytest.mark.parametrize("cte, encode", [
    pytest.param("base64", base64.encodebytes, id="base64"),
    pytest.param("quoted-printable", lambda b: codecs.encode(b, "quopri"), id="quoted-printable"),
])
def test_decode_part_with_transfer_encoding(cte, encode):
    payload = encode("已发货 补发 𠀀".encode("gb18030"))
    raw = raw_email("MIME-Version: 1.0", "Content-Type: text/plain; charset=GB2312",
                    f"Content-Transfer-Encoding: {cte}", body=payload)
    assert decode_part(message(raw)) == "已发货 补发 𠀀"


def test_no_charset_declared_reads_utf_8():
    raw = raw_email(body="Sí, gracias".encode())
    assert parse(raw).text == "Sí, gracias"


# -- html and body selection --------------------------------------------------------------

def test_html_to_text():
    markup = ("<html><head><title>t</title><style>p{color:red}</style></head><body>"
              "<p>Hello &amp; thanks</p><div>Line 2<br>Line 3<BR/>Line 4</div>"
              "<ul><li>one</li><li>two</li></ul>"
              "<blockquote>quoted history</blockquote><script>alert(1)</script>"
              "<p>  padded  </p></body></html>")
    assert html_to_text(markup) == ("Hello & thanks\n\nLine 2\nLine 3\nLine 4\n\n- one\n- two\n\n"
                                    "> quoted history\n\npadded")


def test_html_to_text_lists_tables_preformatted_and_rules():
    markup = ("<p>Items:</p><ul><li><div>one</div></li><li><p>two &lt;3&gt;</p></li><li>three"
              "<ol><li>a</li><li>b</li></ol></li></ul><table><tr><td>Order</td><td>112-1</td></tr>"
              "<tr><td>Qty</td><td>2</td></tr></table><pre>  keep\n    this</pre>"
              "<p>caf&eacute;&nbsp;&#8364;5</p><hr><p>after</p>")
    assert html_to_text(markup) == ("Items:\n\n- one\n- two <3>\n- three\n  1. a\n  2. b\n\n"
                                    "Order 112-1\nQty 2\n\n  keep\n    this\n\ncafé €5\n\n"
                                    + "_" * 32 + "\n\nafter")


def test_html_to_text_keeps_or_drops_client_quotes():
    markup = ('<div>Yes</div><div class="gmail_quote">On Mon, A &lt;a@b.example&gt; wrote:'
              "<blockquote>old</blockquote></div>")
    assert html_to_text(markup) == "Yes"
    assert html_to_text(markup, keep_quotes=True) == (
        "Yes\nOn Mon, A <a@b.example> wrote:\n\n> old")


def test_html_indentation_blockquote_is_not_a_quote():
    markup = ('<div>See:</div><blockquote style="margin: 0 0 0 40px; border: none; padding: 0px;">'
              "<div>indented words</div></blockquote>")
    assert visible_text(html_to_text(markup)) == "See:\n\nindented words"


def test_format_flowed_is_joined():
    body = b"I was home all \r\nday.\r\n\r\n> Delivered \r\n> Monday.\r\n"
    raw = raw_email("MIME-Version: 1.0",
                    "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=no", body=body)
    assert body_text(message(raw)) == "I was home all day.\n\n> Delivered Monday.\n"
    assert parse(raw).text == "I was home all day."


def test_html_only_message_is_read_as_text():
    raw = raw_email("MIME-Version: 1.0", 'Content-Type: multipart/alternative; boundary="XX"',
                    body=b"--XX\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                         b"<p>Hi <b>there</b></p><blockquote>old</blockquote>\r\n--XX--\r\n")
    assert parse(raw).text == "Hi there"


def test_plain_part_is_preferred_over_html():
    raw = raw_email("MIME-Version: 1.0", 'Content-Type: multipart/alternative; boundary="XX"',
                    body=b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain one\r\n"
                         b"--XX\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                         b"<p>html one</p>\r\n--XX--\r\n")
    assert parse(raw).text == "plain one"
    assert body_text(message(raw)).strip() == "plain one"


def test_unquoted_outlook_express_boundary():
    raw = raw_email("MIME-Version: 1.0",
                    "Content-Type: multipart/alternative; boundary=----=_NextPart_000_0001",
                    body=b"This is a multi-part message in MIME format.\r\n\r\n"
                         b"------=_NextPart_000_0001\r\n"
                         b"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                         b"Hello there\r\n------=_NextPart_000_0001--\r\n")
    assert parse(raw).text == "Hello there"


# -- visible text -------------------------------------------------------------------------

VISIBLE_TABLE = [
    ("gmail", "Yes please cancel it.\n\nOn Wed, Nov 25, 2026 at 10:02 AM Support "
              "<help@support.example.com> wrote:\n> Would you like to cancel?\n",
     "Yes please cancel it."),
    ("gmail-wrapped-before-address", "Yes please cancel it.\n\nOn Wed, Nov 25, 2026 at 10:02 AM "
     "Customer Support Team <\nhelp@support.example.com> wrote:\n> Would you like to cancel?\n",
     "Yes please cancel it."),
    ("gmail-wrapped-at-address", "Yes please cancel it.\n\nOn Wed, Nov 25, 2026 at 10:02 AM "
     "Customer Support Team\n<help@support.example.com> wrote:\n> Would you like to cancel?\n",
     "Yes please cancel it."),
    ("outlook-from-sent-block", "Thanks, that works.\n\nFrom: Support <help@support.example.com>"
     "\nSent: Wednesday, November 25, 2026 10:02 AM\nTo: Maria <maria@example.com>\n"
     "Subject: Your order\n\nWould you like to cancel?\n", "Thanks, that works."),
    ("outlook-underscore-rule", "Thanks, that works.\n\n________________________________\n"
     "From: Support <help@support.example.com>\nSent: Wednesday\n\nold\n",
     "Thanks, that works."),
    ("original-message", "Please refund me.\n\n-----Original Message-----\nFrom: Support\n"
     "Sent: Wednesday\n\nold text\n", "Please refund me."),
    ("apple-mail-quoted-header", "Sounds good.\n\n> On Nov 25, 2026, at 10:02 AM, Support "
     "<help@support.example.com> wrote:\n> \n> Would you like to cancel?\n", "Sounds good."),
    ("apple-mail", "Sounds good.\n\nOn Nov 25, 2026, at 10:02 AM, Support "
     "<help@support.example.com> wrote:\n\n> Would you like to cancel?\n", "Sounds good."),
    ("quoted-lines-dropped", "My answer\n> quoted line\n> another\nafter quote",
     "My answer\nafter quote"),
    ("signature", "Where is my order?\n\n-- \nMaria Garcia\n555-0101\n", "Where is my order?"),
    ("signature-without-space", "Where is my order?\n--\nMaria\n", "Where is my order?"),
    ("sent-from-my-iphone", "Where is my order?\n\nSent from my iPhone\n", "Where is my order?"),
    ("enviado-desde", "¿Dónde está?\n\nEnviado desde mi iPhone\n", "¿Dónde está?"),
    ("spanish-gmail", "Sí, cancélelo por favor.\n\nEl mié, 25 nov 2026 a las 10:02, Soporte "
     "(<help@support.example.com>) escribió:\n> ¿Desea cancelar?\n", "Sí, cancélelo por favor."),
    ("spanish-gmail-wrapped", "Sí, cancélelo por favor.\n\nEl mié, 25 nov 2026 a las 10:02, "
     "Soporte de Atención al Cliente (<\nhelp@support.example.com>) escribió:\n"
     "> ¿Desea cancelar?\n", "Sí, cancélelo por favor."),
    ("qq-mail", "同意退款\n\n------------------ 原始邮件 ------------------\n"
     "发件人: \"Support\"<help@support.example.com>;\n"
     "发送时间: 2026年11月25日(星期三) 上午10:02\n\n请尽快处理\n", "同意退款"),
    ("163-mail", "已发货，运单号 YT2412345678901234\n\n在 2026年11月26日 10:02:33，\"Support\" "
     "<help@support.example.com> 写道：\n> 请尽快处理\n", "已发货，运单号 YT2412345678901234"),
    ("163-mail-ascii-colon", "同意\n\n在 2026年11月26日 10:02，Support 写道:\n> 请尽快处理\n", "同意"),
    ("chinese-iphone-signature", "补发\n\n发自我的iPhone\n", "补发"),
    ("crlf-line-ends", "Yes\r\n\r\nOn Wed, Nov 25, 2026 at 10:02 AM Support <a@b.example> "
     "wrote:\r\n> q\r\n", "Yes"),
    ("sentence-starting-with-on-is-kept", "On Monday I was not home.\nPlease redeliver.",
     "On Monday I was not home.\nPlease redeliver."),
    ("no-history", "  Where is my order?  \n\n", "Where is my order?"),
    # Outlook's header block in other languages, and its variants
    ("outlook-german", "Danke.\n\nVon: Support <help@support.example.com>\nGesendet: Mittwoch, "
     "25. November 2026 10:02\nAn: Maria\nBetreff: Ihre Bestellung\n\nalt\n", "Danke."),
    ("outlook-spanish", "Gracias.\n\nDe: Soporte <help@support.example.com>\nEnviado: miércoles, "
     "25 de noviembre de 2026 10:02\nPara: Ana\nAsunto: Su pedido\n\nviejo\n", "Gracias."),
    ("outlook-chinese", "好的\n\n发件人: Support <help@support.example.com>\n"
     "发送时间: 2026年11月25日 10:02\n收件人: 王芳\n主题: 您的订单\n\n旧\n", "好的"),
    ("outlook-japanese", "了解しました。\n\n差出人: Support <help@support.example.com>\n"
     "送信日時: 2026年11月25日 10:02\n宛先: 山田\n件名: ご注文\n\n古い\n", "了解しました。"),
    ("outlook-bold-stars", "Outlook with a reply\n\n\n ------------------------------\n\n"
     " *From:* Support [mailto:help@support.example.com]\n *Sent:* Thursday, February 09, 2012\n"
     " *To:* jo@example.com\n *Subject:* Updated\n\nold\n", "Outlook with a reply"),
    ("hotmail-date-first", "Fine.\n\nDate: Thu, 26 Jun 2014 13:53:45 +0400\nSubject: Test\n"
     "From: abc@example.com\nTo: alex@example.com\n\nold\n", "Fine."),
    ("from-line-in-the-reply-is-kept", "Hello\nFrom: my new address, please update it\n\nThanks",
     "Hello\nFrom: my new address, please update it\n\nThanks"),
    ("from-line-then-date-is-history", "Hi\n\nFrom: Support\nDate: Mon, 23 Nov 2026\n\nold", "Hi"),
    ("foxmail-english", "收到\n\n------------------ Original ------------------\n"
     "From:  \"Support\"<help@support.example.com>;\nDate:  Wed, Nov 25, 2026 10:02 AM\n"
     "To:  \"kefu\"<kefu@example.cn>;\n\nSubject:  Re: order\n\nold\n", "收到"),
    # attributions in other languages and shapes
    ("german-gmail", "Danke!\n\nAm Mi., 25. Nov. 2026 um 10:02 Uhr schrieb Support <\n"
     "help@support.example.com>:\n\n> alt\n", "Danke!"),
    ("french-gmail", "Merci\n\nLe mer. 25 nov. 2026 à 10:02, Support <help@support.example.com> "
     "a écrit :\n> vieux\n", "Merci"),
    ("korean-gmail", "감사합니다\n\n2026년 11월 25일 (수) 오전 10:02, Support "
     "<help@support.example.com>님이 작성:\n\n> 주문\n", "감사합니다"),
    ("date-and-address-before-quote", "Спасибо\n\n25.11.2026, 10:02, \"Support\" "
     "<help@support.example.com>:\n> old\n", "Спасибо"),
    ("thunderbird-short-attribution", "Yes\n\nSupport wrote:\n> old\n", "Yes"),
    ("attribution-run-into-the-reply", "Thanks! On Wed, Nov 25, 2026 at 10:02 AM Support "
     "<help@support.example.com> wrote:\n> q\n", "Thanks!"),
    ("bottom-posting", "On Wed, Nov 25, 2026 at 10:02 AM Support <a@b.example> wrote:\n"
     "> Delivered Monday.\n\nIt was not.\n\n> Anything else?\n\nNo.\n", "It was not.\n\nNo."),
    ("line-ending-in-colon-is-kept", "I need:\n\n- a refund\n- a label",
     "I need:\n\n- a refund\n- a label"),
    ("on-monday-he-said-is-kept", "On Monday the courier said:\n\"we will come back\"\n"
     "They never came.", "On Monday the courier said:\n\"we will come back\"\nThey never came."),
    ("date-and-to-lines-without-from-are-kept", "Date: tomorrow\nTo: whoever reads this\n\n"
     "My lamp broke.", "Date: tomorrow\nTo: whoever reads this\n\nMy lamp broke."),
    # signatures, mobile notes, sign-offs and gateway notices
    ("a-last-list-item-is-kept", "I want:\n\n- Blue Lamp", "I want:\n\n- Blue Lamp"),
    ("dash-sign-off", "Hi folks\n\nWhat is the best way?\n\n-Abhishek Kona\n\n\n"
     "_______________________________________________\nriak-users mailing list\n",
     "Hi folks\n\nWhat is the best way?"),
    ("sent-from-sentence-is-kept", "Here is another email\n\nSent from my desk, is much easier "
     "than my mobile phone.", "Here is another email\n\nSent from my desk, is much easier than "
     "my mobile phone."),
    ("sent-from-yahoo", "ok\n\nSent from Yahoo Mail on Android", "ok"),
    ("get-outlook", "ok\n\nGet Outlook for iOS<https://aka.ms/o0ukef>", "ok"),
    ("german-iphone", "ok\n\nVon meinem iPhone gesendet", "ok"),
    ("japanese-iphone", "了解\n\niPhoneから送信", "了解"),
    ("huawei-chinese", "好的\n\n发自我的华为手机", "好的"),
    ("sentence-starting-with-sent-is-kept", "Sent you the photos yesterday, did you get them?",
     "Sent you the photos yesterday, did you get them?"),
    ("caution-banner", "CAUTION: This email originated from outside of the organization. Do not "
     "click links.\n\nWhere is my refund?", "Where is my refund?"),
    ("literal-nbsp-separator", "同意\n\n------------------&nbsp;原始邮件&nbsp;------------------\n"
     "发件人: \"Support\"<help@support.example.com>;\n", "同意"),
]
@pytest.mark.parametrize("text, expected", rows(VISIBLE_TABLE))
def test_visible_text(text, expected):
    assert visible_text(text) == expected


def test_qq_mail_reply_end_to_end():
    body = ("已发货，运单号 YT2412345678901234\r\n\r\n"
            "------------------ 原始邮件 ------------------\r\n"
            "发件人: \"Support\"<case+abc@support.example.com>;\r\n\r\n请尽快处理 𠀀\r\n")
    raw = raw_email(f"Subject: {_b('gb2312', '回复：订单', 'gb18030')}",
                    "MIME-Version: 1.0", "Content-Type: text/plain; charset=gb2312",
                    "Content-Transfer-Encoding: base64",
                    "In-Reply-To: <case-abc@support.example.com>",
                    body=base64.encodebytes(body.encode("gb18030")),
                    sender="=?gb2312?B?" + base64.b64encode("明灯".encode("gb2312")).decode()
                           + "?= <KeFu@MingDeng.example>")
    parsed = parse(raw)
    assert parsed.sender == "kefu@mingdeng.example"
    assert parsed.subject == "回复：订单"
    assert parsed.text == "已发货，运单号 YT2412345678901234"
    assert parsed.references == ("<case-abc@support.example.com>",)
    assert parsed.automatic_reason is None


# -- the shared charset fixtures ----------------------------------------------------------
#
# Each JSONL record holds one raw email from a mail library's test suite: `raw_b64` (the exact
# bytes), `raw` (a text view of them, lossy when `raw_is_lossy`), `declared_charsets` (every
# charset label the message declares, as extracted; a label cut by a quoted-printable soft
# break such as "iso-8859-" is not a charset) and `cjk_charsets`.

def _charset_records() -> list[dict]:
    if not CHARSET_FIXTURES.is_file():
        return []
    with CHARSET_FIXTURES.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _raw_bytes(record: dict) -> bytes:
    if record.get("raw_b64"):
        return base64.b64decode(record["raw_b64"])
    assert not record.get("raw_is_lossy"), "no exact bytes for a lossy record"
    return record["raw"].encode("utf-8", errors="surrogateescape")


def _known_charset(label: str) -> bool:
    try:
        codecs.lookup(CHARSET_SUPERSETS.get(label.lower(), label.lower()))
    except LookupError:
        return False
    return True


def _charset_allows_clean_decoding(record: dict) -> bool:
    """The record declares at least one real charset, and every real one it declares is a
    codec we have: then every character of the body can be decoded, without U+FFFD."""
    known = [c for c in record.get("declared_charsets", []) if _known_charset(c)]
    return bool(known)


# Records where parse_email is known to fail today; each is a strict xfail, so a fix shows up.
KNOWN_BODY_FAILURES: dict[str, str] = {}
KNOWN_NONEMPTY_FAILURES: dict[str, str] = {}
KNOWN_SUBJECT_FAILURES: dict[str, str] = {}


def _record_params(known: dict[str, str]) -> list:
    records = _charset_records()
    if not records:
        return [pytest.param(None, id="fixtures-missing")]
    return [pytest.param(r, id=r["name"].split(":")[-1],
                         marks=[pytest.mark.xfail(strict=True, reason=known[r["name"]])]
                         if r["name"] in known else [])
            for r in records]


def _skip_if_missing(record):
    if record is None:
        pytest.skip(f"charset fixtures not found at {CHARSET_FIXTURES}")


@pytest.mark.parametrize("record", _record_params(KNOWN_BODY_FAILURES))
def test_charset_fixture_body_decodes_without_replacement_characters(record):
    _skip_if_missing(record)
    if not _charset_allows_clean_decoding(record):
        pytest.skip(f"declares no charset we can decode: {record['declared_charsets']}")
    raw = _raw_bytes(record)
    parsed = parse(raw)
    assert "\ufffd" not in parsed.text
    assert "\ufffd" not in body_text(message(raw))


@pytest.mark.parametrize("record", _record_params(KNOWN_NONEMPTY_FAILURES))
def test_charset_fixture_body_is_found(record):
    _skip_if_missing(record)
    assert parse(_raw_bytes(record)).text.strip()


def _raw_subject(raw: bytes) -> str:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("ascii", "replace")
    match = re.search(r"(?im)^Subject:(.*(?:\r?\n[ \t].*)*)", head)
    return match.group(1).strip() if match else ""


@pytest.mark.parametrize("record", _record_params(KNOWN_SUBJECT_FAILURES))
def test_charset_fixture_encoded_subject_decodes_without_replacement_characters(record):
    _skip_if_missing(record)
    raw = _raw_bytes(record)
    charsets = [c for _, c in decode_header(_raw_subject(raw)) if c]
    if not charsets:
        pytest.skip("subject is not RFC 2047 encoded")
    if not all(_known_charset(c) for c in charsets):
        pytest.skip(f"subject charset unknown: {charsets}")
    assert "\ufffd" not in parse(raw).subject
