"""Text written for the ear: what a phone call's <Say> reads aloud. Numbers a caller has to
note down are read digit by digit in short groups, links and symbols are not read at all, and
the lines of a list become sentences. Pure: the templates say the words, this fixes the rest."""

from __future__ import annotations

import re

# a return number, "RMA-20261127-0001": read as letters and digit groups, not as a date
_RETURN_NUMBER = re.compile(r"\bRMA-(\d{8})-(\d{4})\b")
_ORDER_ID = re.compile(r"(?<![\w-])(\d{3})-(\d{7})-(\d{7})(?![\w-])")
# Tracking numbers and other long codes: 8 or more letters and digits with at least 6 digits.
_CODE = re.compile(r"(?<![\w-])(?=(?:[A-Z]*\d){6})[A-Z0-9]{8,34}(?![\w-])")
_URL = re.compile(r"\(?\b(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_BULLET = re.compile(r"^\s*[-•]\s+", re.MULTILINE)
_LIST_ITEM = re.compile(r"^\s*(\d{1,2})\)\s*", re.MULTILINE)
_WORDS = {"en": {"&": " and ", "%": " percent", "+": " plus ", "@": " at ", "option": "Option"},
          "es": {"&": " y ", "%": " por ciento", "+": " más ", "@": " arroba ",
                 "option": "Opción"}}
# Units after a number, as words: a speech engine reads "1.5 L, 50.7 fl oz" letter by letter.
# (singular, plural) per language.
_UNITS = {
    "en": {"fl oz": ("fluid ounce", "fluid ounces"), "L": ("liter", "liters"),
           "ml": ("milliliter", "milliliters"), "lb": ("pound", "pounds"),
           "lbs": ("pound", "pounds"), "kg": ("kilogram", "kilograms"), "oz": ("ounce", "ounces"),
           "g": ("gram", "grams"), "cm": ("centimeter", "centimeters"),
           "mm": ("millimeter", "millimeters"), "m": ("meter", "meters"), "in": ("inch", "inches"),
           "ft": ("foot", "feet"), "W": ("watt", "watts"), "V": ("volt", "volts"),
           "mAh": ("milliamp hour", "milliamp hours"), "Ah": ("amp hour", "amp hours"),
           "lm": ("lumen", "lumens"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
           "°C": ("degree Celsius", "degrees Celsius")},
    "es": {"fl oz": ("onza líquida", "onzas líquidas"), "L": ("litro", "litros"),
           "ml": ("mililitro", "mililitros"), "lb": ("libra", "libras"),
           "lbs": ("libra", "libras"), "kg": ("kilo", "kilos"), "oz": ("onza", "onzas"),
           "g": ("gramo", "gramos"), "cm": ("centímetro", "centímetros"),
           "mm": ("milímetro", "milímetros"), "m": ("metro", "metros"),
           "in": ("pulgada", "pulgadas"), "ft": ("pie", "pies"), "W": ("vatio", "vatios"),
           "V": ("voltio", "voltios"), "mAh": ("miliamperio hora", "miliamperios hora"),
           "Ah": ("amperio hora", "amperios hora"), "lm": ("lumen", "lúmenes"),
           "°F": ("grado Fahrenheit", "grados Fahrenheit"),
           "°C": ("grado Celsius", "grados Celsius")},
}
_UNIT = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)\s?(fl oz|mAh|lbs|°F|°C|Ah|lb|kg|oz|ml|mm|cm|"
                   r"lm|ft|L|g|W|V|in(?=\s*(?:$|[,.;:)!?]))|m(?=\s*(?:$|[,.;:)!?])))"
                   r"(?![\w°])")
# "9.1 x 6.3 x 9.8 inches" is read "by"; "2 x 2.0 Ah" (two of them) "times"
_TIMES = re.compile(r"(?<=\d)\s?x\s?(?=(\d+(?:[.,]\d+)?)\s?(x\b|in\b|inch|cm\b|mm\b|ft\b|"
                    r"feet|foot|m\b|\"|'|$)?)")
_BY = {"en": ("by", "times"), "es": ("por", "por")}


def _unit_words(text: str, lang: str) -> str:
    units = _UNITS.get(lang, _UNITS["en"])
    by, times = _BY.get(lang, _BY["en"])
    text = _TIMES.sub(lambda m: f" {by if m.group(2) else times} ", text)

    def said(match: re.Match[str]) -> str:
        number, unit = match.groups()
        singular, plural = units[unit]
        return f"{number} {singular if number == '1' else plural}"
    return _UNIT.sub(said, text)


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
    text = _BULLET.sub("", text)
    text = _unit_words(text, lang)  # before codes are spelled out in groups ("4 7 V 1")
    text = _RETURN_NUMBER.sub(lambda m: f"R M A, {grouped(m.group(1))}, {spell(m.group(2))}",
                              text)
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
