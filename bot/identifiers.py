"""Identifiers customers type or providers send: order IDs, phone numbers, postal codes."""

from __future__ import annotations

import re

import phonenumbers

# Customers type order IDs with dashes, spaces, dots, a leading "#", or no separators.
_ORDER_ID = re.compile(r"(?<!\d)(\d{3})[\s.\-]?(\d{7})[\s.\-]?(\d{7})(?!\d)")
_US_POSTAL = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")


def find_order_ids(text: str) -> list[str]:
    return [f"{a}-{b}-{c}" for a, b, c in _ORDER_ID.findall(text)]


# Carrier tracking numbers: UPS 1Z..., USPS 20-22 digits from 92/93/94/95, FedEx 12 or 15
# digits, and the S10 international format (LX123456789CN) of China Post and others.
_TRACKING = re.compile(
    r"(?<![A-Za-z0-9])(1Z[0-9A-Z]{16}|9[2-5]\d{18,20}|\d{12}|\d{15}|[A-Z]{2}\d{9}[A-Z]{2}|"
    r"(?:YT|UB|LP)\d{16})(?![A-Za-z0-9])")
_AMOUNT = re.compile(r"(?:US\$|\$)\s?(\d{1,6}(?:[.,]\d{2})?)|(\d{1,6}(?:[.,]\d{2})?)\s?"
                     r"(?:dollars|usd|d[oó]lares|bucks)", re.IGNORECASE)


def find_tracking_numbers(text: str) -> list[str]:
    without_orders = _ORDER_ID.sub(" ", text)
    return [m.group(1).upper() for m in _TRACKING.finditer(without_orders.upper())]


def find_amounts(text: str) -> list[str]:
    """Money amounts customers mention ("$45", "299 dollars", "30 dólares"), as typed."""
    return [(m.group(1) or m.group(2)).replace(",", ".") for m in _AMOUNT.finditer(text)]


# Digits said one by one on a call, as speech recognition may write them: "one one two
# nine ...", "uno uno dos ...", "double four", "1 1 2 9 0 3 ..."
_DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
                "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
                "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5",
                "seis": "6", "siete": "7", "ocho": "8", "nueve": "9"}
_REPEATED = {"double": 2, "triple": 3, "doble": 2}
_SPOKEN_DIGIT = re.compile(r"(?i)\b(?:(double|triple|doble)\s+)?(" + "|".join(_DIGIT_WORDS)
                           + r"|\d)\b")
_SPOKEN_DASH = re.compile(r"(?i)\b(?:dash|hyphen|gui[oó]n)\b")
_DIGIT_RUN = re.compile(r"(?<![\w-])\d{1,4}(?:[\s,.\-]+\d{1,4})+(?![\w-])")


def spoken_digits(speech: str) -> str:
    """The speech with digits said one by one written as one number ("one one two, nine
    zero ..." -> "11290..."): runs of five digits or more, said in groups of one to four
    ("double four", "four four one eight"), which is what order numbers and ZIP codes are;
    the rest unchanged ("one twelve" has no digit said)."""
    def digit(match: re.Match[str]) -> str:
        times = _REPEATED.get((match.group(1) or "").lower(), 1)
        said = match.group(2).lower()
        return _DIGIT_WORDS.get(said, said) * times

    written = _SPOKEN_DIGIT.sub(digit, _SPOKEN_DASH.sub("-", speech))

    def joined(match: re.Match[str]) -> str:
        run = re.sub(r"\D", "", match.group(0))
        return run if len(run) >= 5 else match.group(0)

    return _DIGIT_RUN.sub(joined, written)


def find_postal_code(text: str) -> str | None:
    without_orders = _ORDER_ID.sub(" ", text)
    match = _US_POSTAL.search(without_orders)
    return match.group(1) if match else None


# A street: a house number, up to four words and a street type ("55 Elm St", "12 Oak Avenue
# Apt 4"), or a Spanish-style street name first ("Calle Luna 12", "Av. Juárez 305").
_STREET = re.compile(
    r"\b\d{1,6}[a-z]?\s+(?:[\w.'-]+\s+){0,4}(?:st|street|ave|avenue|rd|road|blvd|boulevard|dr|"
    r"drive|ln|lane|way|ct|court|pl|place|pkwy|parkway|hwy|highway|ter|terrace|cir|circle|"
    r"trl|trail)\b|\b(?:calle|avenida|av\.|avda\.?|callej[oó]n|privada|colonia|col\.)\s+\w+",
    re.IGNORECASE)


# A street named without its type, known by the city, state and ZIP code after it: "350
# Broadway, New York NY 10013", "1200 W Fulton Market, Chicago, IL 60607".
_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|"
           "NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|PR|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY")
# the house number opens the address (the message, a line, or after "to", "is", ":"), and a
# comma ends the street: not "unit 12 now, Chicago IL 60614" nor "I moved 2 blocks away".
_STREET_BEFORE_CITY = re.compile(
    r"(?:^|[\n,:]|\bto\b|\bis\b)\s*\d{1,6}[a-z]?\s+(?:[a-z][\w.'-]*\s+){0,4}[a-z][\w.'-]*\s*,"
    r"\s*(?:[a-z][\w.'-]*[\s,]+){1,4}(?:" + _STATES + r")\.?,?\s+\d{5}(?:-\d{4})?\b",
    re.IGNORECASE)


def _names_a_street(text: str) -> bool:
    return bool(_STREET.search(text) or _STREET_BEFORE_CITY.search(text))


def names_an_address(text: str) -> bool:
    """Whether the text gives a shipping address, or enough of one to act on: a street or a
    ZIP code."""
    return bool(find_postal_code(text) or _names_a_street(text))


# A part of an address given on its own, to correct one already given: "apt 5", "unit 12B",
# "#304", "depto 3", "piso 2".
_ADDRESS_PART = re.compile(
    r"\b(?:apt|apartment|unit|suite|ste|floor|fl|bldg|building|piso|depto|departamento|dpto|"
    r"interior|int|torre|edificio)\.?\s*(?:#|no\.?|n[uú]mero)?\s*\w{0,3}\d|#\s*\d+[a-z]?\b",
    re.IGNORECASE)


def corrects_an_address(text: str) -> bool:
    """Whether the text gives an address or a part of one ("sorry, i meant apt 5")."""
    return names_an_address(text) or bool(_ADDRESS_PART.search(text))


def gives_whole_address(text: str) -> bool:
    """Whether the text has both a street and a ZIP code: enough for the seller to ship to."""
    return bool(find_postal_code(text) and _names_a_street(text))


def same_postal_code(given: str, on_file: str) -> bool:
    """ZIP+4 on file matches the five digits a customer types."""
    def norm(code: str) -> str:
        return re.sub(r"[\s\-]", "", code).upper()[:5]
    return bool(given) and norm(given) == norm(on_file)


# A North American number in E.164, as Twilio sends it: no need for the full parser.
_NANP_E164 = re.compile(r"\+1[2-9]\d{2}[2-9]\d{6}")


def to_e164(number: str, region: str = "US") -> str | None:
    """E.164 for a phone number, or None if it cannot be one."""
    if _NANP_E164.fullmatch(number):
        return number
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    # Possible, not valid: fictional 555-01xx numbers and new ranges must still work; a
    # local-only number (7 digits, no area code) is not one we can reach.
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def can_take_texts(number: str) -> bool:
    """Whether a text message to this number can arrive, as far as the number itself tells:
    not when it is no phone number (a caller without caller ID) or a fixed line. North
    American numbers do not say whether they are mobile (phonenumbers answers
    FIXED_LINE_OR_MOBILE), so for them Twilio's delivery errors decide (storage.calls)."""
    if not number.startswith("+"):
        return False
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.FIXED_LINE
