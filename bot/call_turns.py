"""One step of a phone call inside the engine's transaction: the gather's decision
(`bot.call_flow`) carried out. What was heard is stored with the recognizer's confidence,
every step that is not an answer records the rules that decided it, and what the caller hears
is stored like any answer. The caller's words themselves are answered by the same customer
turn as a text message."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Row

from bot.call_flow import CallStep, no_match, number_to_read
from bot.dialogue import ASKED_ANYTHING_ELSE
from bot.journal import record_decision
from bot.messages import Channel, Decision, InboundMessage, OutboundMessage
from bot.orders import recent_orders
from bot.outgoing import Say
from bot.redaction import mask_card_numbers
from storage.conversations import conversation as load_conversation
from storage.conversations import save_conversation

if TYPE_CHECKING:
    from bot.engine import ConversationEngine

# Answers after which the caller is asked whether there is anything else: not when the
# answer itself asks a question the next gather must hear the answer to.
_ASKS = ("acknowledge", "help", "repeat", "choose_order", "choose_item", "ask_postal_code",
         "ask_order_id", "ask_return_reason", "ask_new_address", "photo_request",
         "not_understood", "postal_code_mismatch", "read_back", "reprompt", "what_else")


_YES_NO_OFFERS = ("cancel_order", "return_request", "damaged_or_defective", "wrong_item")


class CallDesk:
    def __init__(self, engine: ConversationEngine) -> None:
        self.engine = engine

    def take(self, connection: Connection, inbound: InboundMessage, conversation: Row,
             text: str, now: datetime) -> list[OutboundMessage]:
        step = inbound.call
        if step is None:
            raise ValueError("a voice message needs its call step (channels/twilio_voice.py)")
        if step.action == "answer":
            return self._answer(connection, inbound, conversation, step, now)
        message_id = self.engine.store(connection, inbound, text, conversation, now)
        facts = {"heard": text, "confidence": inbound.speech_confidence}
        if step.action == "greet":
            facts = {"caller": inbound.sender, "call": inbound.external_id.split("/")[0]}
            # a caller known to speak Spanish is greeted, and heard, in Spanish
            step = replace(step, language=self._caller_language(connection, conversation, now))
        elif step.action == "switch_language":
            facts["language"] = step.language
            save_conversation(connection, conversation.id, language=step.language,
                              updated_at=now)
        elif step.action == "read_back":
            facts["number"] = step.text
        record_decision(connection, Decision(f"call_{step.action}", step.reasons, facts), now,
                        conversation_id=conversation.id, message_id=message_id)
        says = {
            "greet": [Say("welcome", {"switched": False})],
            "switch_language": [Say("welcome", {"switched": True})],
            "read_back": [Say("read_back", {"number": number_to_read(step.text)})],
            "reprompt": [Say("reprompt", {"reason": step.reasons[0]})],
            "give_up": [Say("give_up")],
        }[step.action]
        if step.action == "give_up":
            self._follow_up(connection, conversation, step.language, now)
        return [self.engine.reply(connection, conversation, inbound, says, step.language, now)]

    def _answer(self, connection: Connection, inbound: InboundMessage, conversation: Row,
                step: CallStep, now: datetime) -> list[OutboundMessage]:
        """The caller's words (or the number they confirmed) answered by the customer turn."""
        if step.confirmed:
            heard = self.engine.store(connection, inbound, inbound.text, conversation, now)
            record_decision(connection, Decision("call_number_confirmed", step.reasons,
                                                 {"number": step.text,
                                                  "confidence": inbound.speech_confidence}),
                            now, conversation_id=conversation.id, message_id=heard)
            inbound = replace(inbound, external_id=f"{inbound.external_id}/confirmed",
                              speech_confidence=None)
        says, language = self.engine.answer(connection, inbound, conversation,
                                            mask_card_numbers(step.text), now) \
            or ([], step.language)
        if any(say.template == "not_understood" for say in says):
            again = no_match(step)
            if again.action == "give_up":
                record_decision(connection, Decision("call_give_up", again.reasons, {}), now,
                                conversation_id=conversation.id)
                self._follow_up(connection, conversation, language, now)
                says = [Say("give_up")]
        elif says and says[-1].template not in (*_ASKS, "goodbye"):
            state = load_conversation(connection, conversation.id).state or {}
            # nor after a yes-or-no offer ("shall I ask the seller to cancel it?"): the
            # caller's "yes" must answer that, not "anything else?"
            offered = (state.get("offer") or {}).get("intent")
            if not state.get("pending") and offered not in _YES_NO_OFFERS:
                says = [*says, Say("anything_else")]
                # so that the caller's "no" ends the call (bot.dialogue)
                save_conversation(connection, conversation.id,
                                  state={**state, ASKED_ANYTHING_ELSE: True})
        if not says:
            says = [Say("reprompt", {"reason": "voice.no_match"})]
        return [self.engine.reply(connection, conversation, inbound, says, language, now)]

    def _caller_language(self, connection: Connection, conversation: Row, now: datetime) -> str:
        """The language of the caller's last conversation, or of their recent orders, as a
        text's is chosen (`bot.dialogue`); else the marketplace's."""
        policy = self.engine.policy
        orders = [] if conversation.language else recent_orders(
            connection, Channel.VOICE, conversation.customer_address, now - policy.recent_orders)
        return policy.customer_language(conversation.language,
                                        orders[0].buyer_language if orders else None)

    def _follow_up(self, connection: Connection, conversation: Row, language: str,
                   now: datetime) -> None:
        """A call that ends without help: a text (or an email) the caller can answer."""
        if conversation.customer_address.startswith("+"):
            self.engine.outgoing.to_customer(connection, conversation, [Say("call_follow_up")],
                                             language, now)
