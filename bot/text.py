"""Text normalization shared by everything that reads customers' words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


@lru_cache(maxsize=256)
def any_phrase(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for "any of these phrases as whole words", longest first: asked of every
    message, a compiled alternation costs one scan, not one per phrase."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x")
    # texted without apostrophes as often as with: "wasnt in the box", "dont need it"
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p).replace("'", "'?") for p in ordered)
                      + r")(?!\w)")
