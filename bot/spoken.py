"""Text written for the ear: what a phone call's <Say> reads aloud. Numbers a caller has to
note down are read digit by digit in short groups, links and symbols are not read at all, and
the lines of a list become sentences. Pure: the templates say the words, this fixes the rest."""

from __future__ import annotations

import re

_ORDER_ID = re.compile(r"(?<![\w-])(\d{3})-(\d{7})-(\d{7})(?![\w-])")
# Tracking numbers and other long codes: 8 or more letters and digits with at least 6 digits.
_CODE = re.compile(r"(?<![\w-])(?=(?:[A-Z]*\d){6})[A-Z0-9]{8,34}(?![\w-])")
_URL = re.compile(r"\(?\b(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_LIST_ITEM = re.compile(r"^\s*(\d{1,2})\)\s*", re.MULTILINE)
_WORDS = {"en": {"&": " and ", "%": " percent", "+": " plus ", "@": " at ", "option": "Option"},
          "es": {"&": " y ", "%": " por ciento", "+": " más ", "@": " arroba ",
                 "option": "Opción"}}
_SILENT = str.maketrans({c: " " for c in "#*_|~<>[]{}\\^=`\"“”"})


def spell(digits: str) -> str:
    """'112' -> '1 1 2': speech engines read a run of digits as one large number."""
    return " ".join(digits)


def grouped(code: str, size: int = 4) -> str:
    """A long code in groups of `size` characters, each spelled: '7852 0000 1630' read as
    '7 8 5 2, 0 0 0 0, 1 6 3 0', with the pauses a listener writes down by."""
    return ", ".join(spell(code[i:i + size]) for i in range(0, len(code), size))


def order_id_aloud(order_id: str) -> str:
    """'112-8190354-2736641' -> '1 1 2, 8 1 9, 0 3 5 4, 2 7 3, 6 6 4 1'."""
    first, middle, last = order_id.split("-")
    return ", ".join(spell(g) for g in (first, middle[:3], middle[3:], last[:3], last[3:]))


def for_the_ear(text: str, lang: str) -> str:
    """One paragraph or several, as a caller should hear them."""
    words = _WORDS.get(lang, _WORDS["en"])
    text = _URL.sub("", text)
    text = _EMAIL.sub("", text)
    text = _ORDER_ID.sub(lambda m: order_id_aloud(m.group(0)), text)
    text = _CODE.sub(lambda m: grouped(m.group(0)), text)
    text = _LIST_ITEM.sub(lambda m: f"{words['option']} {m.group(1)}: ", text)
    for symbol in ("&", "%", "+", "@"):
        text = text.replace(symbol, words[symbol])
    text = text.translate(_SILENT).replace("(", ", ").replace(")", ",").replace("/", " ")
    sentences = []
    for line in text.splitlines():
        line = " ".join(line.split()).strip(" ,")
        if line:
            sentences.append(line if line[-1] in ".?!:;" else line + ".")
    spoken = " ".join(sentences)
    return re.sub(r"\s+([,.?!:;])", r"\1", re.sub(r",(\s*,)+", ",", spoken))
