"""The steps of a phone call, before and after the conversation engine hears the caller: what
a gather's speech or keypad digits amount to (silence, a doubtful hearing, a language choice, a
number to read back, a yes or no to a read-back, something to answer) and what the call waits
for next. Pure: the call's state travels in the gather's action URL, which Twilio signs."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from bot.identifiers import find_order_ids, find_postal_code, spoken_digits

# "No input or no match: re-prompt at most twice, then a polite goodbye" (issue 6).
MAX_REPROMPTS = 2
EXPECTING = ("menu", "talk", "confirm")

_AFFIRM = re.compile(r"^(?:yes|yeah|yep|yup|correct|right|that'?s right|that is right|"
                     r"exactly|s[ií]|correcto|as[ií] es|eso es|exacto|est[aá] bien)\b",
                     re.IGNORECASE)
_DENY = re.compile(r"^(?:no|nope|wrong|incorrect|that'?s wrong|not right|incorrecto|"
                   r"est[aá] mal|no es)\b", re.IGNORECASE)
_ASKS_FOR = {"es": re.compile(r"\b(?:espa[nñ]ol|spanish)\b", re.IGNORECASE),
             "en": re.compile(r"\b(?:english|ingl[eé]s)\b", re.IGNORECASE)}
_KEYPAD_LANGUAGE = {"1": "en", "2": "es"}
_HELD = re.compile(r"[\w\s\-#.,'¿?¡!áéíóúñüÁÉÍÓÚÑÜ]{1,300}")


class BadCallState(ValueError):
    """The action URL's state is not one we wrote."""


@dataclass(frozen=True)
class CallState:
    """Where the call is: its language, what the next gather expects, how many re-prompts in a
    row, the words held for a read-back, and the step number (the idempotency key's suffix)."""

    language: str
    expecting: str = "menu"
    tries: int = 0
    held: str | None = None
    step: int = 1

    def query(self) -> dict[str, str]:
        query = {"lang": self.language, "expect": self.expecting, "tries": str(self.tries),
                 "step": str(self.step)}
        if self.held:
            query["held"] = self.held
        return query

    @classmethod
    def from_query(cls, query, languages: tuple[str, ...]) -> CallState:
        try:
            state = cls(language=query.get("lang", ""), expecting=query.get("expect", ""),
                        tries=int(query.get("tries", "")), held=query.get("held") or None,
                        step=int(query.get("step", "")))
        except ValueError:
            raise BadCallState("tries and step must be numbers") from None
        if state.language not in languages:
            raise BadCallState(f"unknown language {state.language!r}")
        if state.expecting not in EXPECTING:
            raise BadCallState(f"unknown step {state.expecting!r}")
        if not (0 <= state.tries <= MAX_REPROMPTS and 0 < state.step < 10_000):
            raise BadCallState("tries or step out of range")
        if state.held is not None and not _HELD.fullmatch(state.held):
            raise BadCallState("held words out of range")
        return state


@dataclass(frozen=True)
class Heard:
    """What one gather brought back: Twilio's SpeechResult and Confidence, or Digits."""

    speech: str = ""
    confidence: float | None = None
    digits: str = ""

    @property
    def text(self) -> str:
        return self.speech.strip() or self.digits.strip()


Action = Literal["greet", "reprompt", "read_back", "answer", "switch_language", "give_up"]


@dataclass(frozen=True)
class CallStep:
    """What to do with a gather: `text` is what the engine answers (answer), or the number
    read back (read_back); `reasons` are the rules that decided it; `tries` the re-prompts in
    a row so far (an answer the engine does not understand adds one)."""

    action: Action
    language: str
    reasons: tuple[str, ...]
    text: str = ""
    tries: int = 0
    confirmed: bool = False


def greeting(language: str) -> CallStep:
    return CallStep("greet", language, ("voice.incoming_call",))


def next_step(state: CallState, heard: Heard, *, min_confidence: float,
              languages: tuple[str, ...]) -> CallStep:
    """The decision for one gather, in the order the rules are checked."""
    lang = state.language
    text = heard.text
    if not text:
        return _again(state, "voice.no_input")
    if heard.speech.strip() and (heard.confidence or 0.0) < min_confidence:
        return _again(state, "voice.low_confidence")
    digits = heard.digits.strip().rstrip("#")
    if state.expecting == "menu" and digits in _KEYPAD_LANGUAGE \
            and _KEYPAD_LANGUAGE[digits] in languages:
        return CallStep("switch_language", _KEYPAD_LANGUAGE[digits], ("voice.keypad_language",))
    asked = next((code for code, words in _ASKS_FOR.items()
                  if code != lang and code in languages and words.search(heard.speech)), None)
    if asked and len(heard.speech.split()) <= 4:
        return CallStep("switch_language", asked, ("voice.spoken_language",))
    if state.expecting == "confirm" and state.held:
        if _AFFIRM.match(heard.speech.strip()) or digits == "1":
            return CallStep("answer", lang, ("voice.number_confirmed",), text=state.held,
                            tries=state.tries, confirmed=True)
        if _DENY.match(heard.speech.strip()) or digits == "2":
            return CallStep("reprompt", lang, ("voice.number_rejected",),
                            tries=min(state.tries + 1, MAX_REPROMPTS))
    if digits:
        return _from_keypad(state, digits)
    if _number_in(heard.speech):
        return CallStep("read_back", lang, ("voice.number_heard",), text=heard.speech.strip())
    written = spoken_digits(heard.speech)
    if _number_in(written):  # "one one two, nine oh three ...": read back as the number
        return CallStep("read_back", lang, ("voice.number_heard", "voice.digits_spoken"),
                        text=written.strip())
    if state.expecting == "confirm":
        return _again(state, "voice.confirmation_unclear")
    return CallStep("answer", lang, ("voice.heard",), text=heard.speech.strip(),
                    tries=state.tries)


def _from_keypad(state: CallState, digits: str) -> CallStep:
    lang = state.language
    if not digits.isdigit():
        return _again(state, "voice.keypad_not_understood")
    if len(digits) == 17:
        order_id = f"{digits[:3]}-{digits[3:10]}-{digits[10:]}"
        return CallStep("read_back", lang, ("voice.order_id_typed",), text=order_id)
    if len(digits) == 5:
        return CallStep("read_back", lang, ("voice.postal_code_typed",), text=digits)
    if len(digits) <= 2:  # a choice from a list the engine read out ("press 2")
        return CallStep("answer", lang, ("voice.keypad_choice",), text=digits,
                        tries=state.tries)
    return _again(state, "voice.keypad_not_understood")


def _number_in(speech: str) -> str | None:
    found = find_order_ids(speech)
    return found[0] if found else find_postal_code(speech)


def _again(state: CallState, reason: str) -> CallStep:
    if state.tries >= MAX_REPROMPTS:
        return CallStep("give_up", state.language, (reason, "voice.reprompt_limit"),
                        tries=state.tries)
    return CallStep("reprompt", state.language, (reason,), tries=state.tries + 1)


def no_match(step: CallStep) -> CallStep:
    """The engine did not understand what it was given: a re-prompt like silence, and after
    the last one the goodbye."""
    state = CallState(step.language, "talk", step.tries)
    return replace(_again(state, "voice.no_match"), language=step.language)


def after(step: CallStep, state: CallState, language: str, *, hang_up: bool,
          held: str | None) -> CallState | None:
    """What the next gather expects once the caller has heard the answer (None: hang up)."""
    if hang_up or step.action == "give_up":
        return None
    following = state.step + 1
    if held:
        return CallState(language, "confirm", 0, held, following)
    if step.action == "greet":
        return CallState(language, "menu", 0, None, following)
    if step.action == "reprompt" and step.reasons != ("voice.number_rejected",):
        return CallState(language, state.expecting, step.tries, state.held, following)
    # an answer the engine understood starts the count of re-prompts again
    return CallState(language, "talk", 0 if step.action == "answer" else step.tries, None,
                     following)


def number_to_read(held: str) -> str:
    """The number in what the caller said or typed, as it is read back: an order ID (the
    voice text groups its digits) or a ZIP code spelled digit by digit."""
    found = find_order_ids(held)
    if found:
        return found[0]
    postal = find_postal_code(held)
    return " ".join(postal) if postal else held


def following(step: CallStep, state: CallState, said: tuple[str, ...],
              language: str) -> CallState | None:
    """The next gather's state once the engine has answered a step with these templates
    (`OutboundMessage.said`) in this language; None: the call ends."""
    if "not_understood" in said:
        step = no_match(step)
    held = step.text if "read_back" in said else None
    return after(step, state, language, hang_up=bool(set(said) & {"give_up", "goodbye"}),
                 held=held)
