"""The email policy the service reads and writes mail with: `policy.default`'s semantics, with
parsed headers kept for reuse. policy.default parses a header on every access and every
assignment, and its registry builds a new header class on every lookup; reading one customer
email asked for its parts' Content-Type about forty times, and composing an answer cost
1.3 ms, most of the intake's time per message. Header objects are immutable, and the values
that recur (`text/plain; charset="utf-8"`, our From and Reply-To) recur across messages."""

from __future__ import annotations

from email.headerregistry import HeaderRegistry
from email.policy import EmailPolicy
from functools import lru_cache

# Longer values are rare and not worth the memory.
CACHED_VALUE_LENGTH = 512


class CachedHeaderRegistry(HeaderRegistry):
    """HeaderRegistry, building each header name's class once."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._classes: dict[str, type] = {}

    def __getitem__(self, name: str):
        key = name.lower()
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = super().__getitem__(name)
        return found


class MailPolicy(EmailPolicy):
    def __init__(self, **options) -> None:
        options.setdefault("header_factory", CachedHeaderRegistry())
        super().__init__(**options)

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name") or len(value) > CACHED_VALUE_LENGTH:
            return super().header_fetch_parse(name, value)
        # As EmailPolicy does: line breaks go, and only \r and \n count (not splitlines's).
        return _parsed(self.header_factory, name, value.replace("\r", "").replace("\n", ""))

    def header_store_parse(self, name, value):
        if (not isinstance(value, str) or hasattr(value, "name")
                or len(value) > CACHED_VALUE_LENGTH or len(value.splitlines()) > 1):
            return super().header_store_parse(name, value)   # which refuses line breaks
        return (name, _parsed(self.header_factory, name, value))


    def _fold(self, name, value, refold_binary=False):
        # Serializing refolds every header (the stdlib's _refold_parse_tree), for each message;
        # most of an answer's headers are the same from one answer to the next.
        if not hasattr(value, "name") or len(value) > CACHED_VALUE_LENGTH:
            return super()._fold(name, value, refold_binary)
        key = (self, name.lower(), str(value))
        folded = _FOLDED.get(key)
        if folded is None:
            if len(_FOLDED) >= 4096:
                _FOLDED.clear()
            folded = _FOLDED[key] = super()._fold(name, value, refold_binary)
        return folded


# (policy, header name, value) -> the folded header line(s). Two header objects with the same
# name and value fold alike whatever their source's spelling (both encode the same text).
_FOLDED: dict[tuple, str] = {}


@lru_cache(maxsize=4096)
def _parsed(factory: HeaderRegistry, name: str, value: str):
    return factory(name, value)


POLICY = MailPolicy()
# As sent over SMTP: CRLF line ends (RFC 5321 section 2.3.8).
SMTP_POLICY = POLICY.clone(linesep="\r\n")
