"""Text normalization shared by everything that reads customers' words."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[\w']+", re.UNICODE)


def normalize(text: str) -> str:
    """Lower case, accents removed, curly apostrophes straightened, spaces collapsed."""
    text = text.replace("\u2019", "'").lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


def phrase_spans(haystack: str, phrase: str) -> list[tuple[int, int]]:
    """Where a phrase stands in the text as whole words ("one" not in "someone")."""
    return [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", haystack)]


def says(haystack: str, phrase: str) -> bool:
    """Whether the phrase stands in the text as whole words."""
    return bool(phrase_spans(haystack, phrase))
