"""Seller cases as data (POLICY.md D): the kinds, how a seller's reply is read, and what
happens on the seller's answer or silence. Pure: text, facts and `now` in, values out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.facts import OrderFacts
from bot.messages import Decision
from bot.text import normalize, words
from bot.understanding import choose_by_name

PRODUCT_QUESTION = "product_question"
CANCELLATION = "cancellation"
ADDRESS_CHANGE = "address_change"
NOT_SHIPPED = "not_shipped"
NOT_RECEIVED = "not_received"
DELIVERED_MISSING = "delivered_missing"
GENERAL = "general"
RETURN_OUT_OF_POLICY = "return_out_of_policy"
RETURN_EXEMPT = "return_exempt"
INTERNATIONAL_RETURN = "international_return"
REPLACEMENT = "replacement"

KINDS = (PRODUCT_QUESTION, CANCELLATION, ADDRESS_CHANGE, NOT_SHIPPED, NOT_RECEIVED,
         DELIVERED_MISSING, GENERAL, RETURN_OUT_OF_POLICY, RETURN_EXEMPT, INTERNATIONAL_RETURN,
         REPLACEMENT)
# Case kinds about returning one item: the case's details carry the item and the reason.
RETURN_KINDS = (RETURN_OUT_OF_POLICY, RETURN_EXEMPT, INTERNATIONAL_RETURN, REPLACEMENT)
# Case kinds about a parcel not come: moot when it turns up.
PARCEL_KINDS = (NOT_RECEIVED, DELIVERED_MISSING, NOT_SHIPPED)

# Seller decision words (POLICY.md D), English and Simplified Chinese.
DECISION_WORDS: dict[str, tuple[str, ...]] = {
    "shipped": ("shipped", "已发货", "已寄出", "已发出"),
    "approve": ("approve", "approved", "agree", "yes", "同意", "批准"),
    "decline": ("decline", "declined", "reject", "refuse", "拒绝", "不同意"),
    "refund": ("refund", "refunded", "退款"),
    "replace": ("replace", "replacement", "resend", "补发", "重发", "换货"),
}
_CHINESE_NEGATIONS = ("不", "不能", "无法", "没有", "没法", "不可以")
_TRACKING = re.compile(r"(?<![A-Za-z0-9])(1Z[0-9A-Z]{16}|[A-Z]{2}\d{9}[A-Z]{2}|\d{12,22}|"
                       r"[A-Z]{2,4}\d{8,18}[A-Z]{0,2})(?![A-Za-z0-9])")


@dataclass(frozen=True)
class SellerAnswer:
    decision: str | None        # one of DECISION_WORDS' keys, or None for free text only
    tracking_number: str | None
    text: str                   # the visible reply, as the seller wrote it


def _negated(lowered: str, at: int) -> bool:
    """A decision word right after a negation ("do not approve", "can't refund", 不能退款)."""
    before = lowered[max(0, at - 12):at]
    if re.search(r"(\bnot|n't|\bcannot|\bunable to|\bno)\s+(\w+\s+)?$", before):
        return True
    return before.endswith(_CHINESE_NEGATIONS)


def _decision_words(lowered: str) -> list[tuple[int, str]]:
    """(position, decision) of every decision word; negated words count as a refusal."""
    found = []
    for decision, spellings in DECISION_WORDS.items():
        for word in spellings:
            pattern = rf"\b{re.escape(word)}\b" if word.isascii() else re.escape(word)
            for match in re.finditer(pattern, lowered):
                negated = _negated(lowered, match.start())
                found.append((match.start(), "decline" if negated else decision))
    return sorted(found)


def read_seller_reply(text: str) -> SellerAnswer:
    """The seller's decision: a shipment with a tracking number wins; otherwise the first
    decision word. A tracking number is kept whatever the decision."""
    lowered = text.lower()
    found = _decision_words(lowered)
    decisions = [decision for _, decision in found]
    tracking = _TRACKING.search(text)
    if tracking and ("shipped" in decisions or "运单" in text or "tracking" in lowered):
        decision = "shipped"
    else:
        decision = decisions[0] if decisions else None
    return SellerAnswer(decision, tracking.group(1) if tracking else None, text.strip())


# What each kind accepts from the seller: decision word -> outcome.
ACCEPTED_ANSWERS: dict[str, dict[str, str]] = {
    PRODUCT_QUESTION: {},
    GENERAL: {},
    CANCELLATION: {"approve": "canceled_refunded", "refund": "canceled_refunded",
                   "decline": "cancellation_declined", "shipped": "seller_shipped"},
    ADDRESS_CHANGE: {"approve": "address_changed", "decline": "address_change_declined",
                     "shipped": "seller_shipped"},
    NOT_SHIPPED: {"shipped": "seller_shipped", "approve": "canceled_refunded",
                  "refund": "canceled_refunded", "decline": "seller_answered"},
    NOT_RECEIVED: {"refund": "refund_returnless", "approve": "refund_returnless",
                   "replace": "replacement_sent", "shipped": "seller_shipped",
                   "decline": "seller_answered"},
    DELIVERED_MISSING: {"refund": "refund_returnless", "approve": "refund_returnless",
                        "replace": "replacement_sent", "decline": "seller_answered"},
    RETURN_OUT_OF_POLICY: {"approve": "return_authorized", "refund": "refund_returnless",
                           "replace": "replacement_sent", "decline": "return_declined"},
    RETURN_EXEMPT: {"approve": "return_authorized", "refund": "refund_returnless",
                    "replace": "replacement_sent", "decline": "return_declined"},
    INTERNATIONAL_RETURN: {"approve": "return_authorized", "refund": "refund_returnless",
                           "replace": "replacement_sent"},
    REPLACEMENT: {"replace": "replacement_sent", "approve": "replacement_sent",
                  "refund": "refund_returnless"},
}


def decide_on_answer(kind: str, answer: SellerAnswer) -> Decision:
    outcome = ACCEPTED_ANSWERS.get(kind, {}).get(answer.decision or "")
    facts = {"kind": kind, "decision_word": answer.decision,
             "tracking_number": answer.tracking_number}
    if outcome == "seller_shipped" and not answer.tracking_number:
        outcome = None
    if outcome is None:
        return Decision("seller_answered", (f"case.{kind}.free_text_relayed",), facts)
    return Decision(outcome, (f"case.{kind}.seller_{answer.decision}",), facts)


# what a case's silence pays out: nothing more for goods already refunded or returned
_PAYING = ("refund_returnless", "return_authorized", "free_return_authorized")


def decide_on_silence(kind: str, order: OrderFacts, now: datetime,
                      details: dict | None = None,
                      settled: frozenset[str] = frozenset()) -> Decision:
    """Resolution on seller silence, in the customer's best interest (POLICY.md D). Return
    cases carry `seller_fault` and `returnless` (the item is non-returnable or at or below
    the returnless limit) in their details. `settled`: the ASINs of the order already
    refunded or returned in full ("*": the whole order), for which silence pays nothing
    again (a refund paid in the conversation meanwhile had been paid twice)."""
    decision = _decide_on_silence(kind, order, now, details or {})
    goods = {details["asin"]} if details and details.get("asin") \
        else {item.asin for item in order.items}
    if decision.outcome in _PAYING and ("*" in settled or goods <= settled):
        return Decision("no_answer", (*decision.reasons[:1],
                                      f"silence.{kind}.already_refunded_or_returned"),
                        decision.facts)
    return decision


def _decide_on_silence(kind: str, order: OrderFacts, now: datetime, details: dict) -> Decision:
    facts = {"kind": kind, "order_id": order.order_id, "status": order.status,
             "now": now.isoformat()}
    base = ("case.deadline_passed_without_reply",)
    if kind in (RETURN_OUT_OF_POLICY, RETURN_EXEMPT):
        if details.get("seller_fault"):
            return Decision("return_authorized", (*base, f"silence.{kind}.seller_fault_authorized"),
                            facts)
        return Decision("return_declined", (*base, f"silence.{kind}.declined_policy_reason"),
                        facts)
    if kind == INTERNATIONAL_RETURN:
        return Decision("refund_returnless", (*base, "silence.international_return.refund"), facts)
    if kind == REPLACEMENT:
        if details.get("returnless"):
            return Decision("refund_returnless", (*base, "silence.replacement.refund_returnless"),
                            facts)
        return Decision("return_authorized", (*base, "silence.replacement.refund_with_free_return"),
                        facts)
    delivered = order.status == "Delivered" or order.delivered_at is not None
    if kind in (NOT_RECEIVED, DELIVERED_MISSING):
        return Decision("refund_returnless", (*base, f"silence.{kind}.full_refund"), facts)
    if kind == CANCELLATION:
        if order.shipped:
            return Decision("return_after_delivery", (*base, "silence.cancellation.shipped_meanwhile"),
                            facts)
        return Decision("canceled_refunded", (*base, "silence.cancellation.cancel_and_refund"), facts)
    if kind in (ADDRESS_CHANGE, NOT_SHIPPED):
        if order.shipped:
            return Decision("no_answer", (*base, f"silence.{kind}.shipped_meanwhile"), facts)
        return Decision("cancellation_offered", (*base, f"silence.{kind}.offer_cancellation"),
                        facts)
    # Product questions and requests we could not classify.
    if order.status == "Canceled":
        return Decision("no_answer", (*base, f"silence.{kind}.order_canceled"), facts)
    if delivered:
        return Decision("free_return_authorized", (*base, f"silence.{kind}.free_return"), facts)
    if not order.shipped:
        return Decision("cancellation_offered", (*base, f"silence.{kind}.offer_cancellation"),
                        facts)
    return Decision("no_answer", (*base, f"silence.{kind}.no_answer_notice"), facts)


_ALL_DECISION_WORDS = sorted((w for words in DECISION_WORDS.values() for w in words),
                             key=len, reverse=True)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def note_beside_decision(answer: SellerAnswer) -> str | None:
    """What the seller wrote besides the decision word and the tracking number ("Approved.
    Sorry for the delay, the refund goes out today."), when it says something: three words,
    or six Chinese characters; None for a bare decision ("同意", "SHIPPED 1Z...")."""
    rest = answer.text
    if answer.tracking_number:
        rest = rest.replace(answer.tracking_number, " ")
    for word in _ALL_DECISION_WORDS:
        rest = re.sub(rf"(?i)\b{re.escape(word)}\b" if word.isascii() else re.escape(word),
                      " ", rest, count=1)
    words = re.findall(r"[A-Za-zÀ-ÿ']{2,}", rest)
    if len(words) >= 3 or len(_CJK.findall(rest)) >= 6:
        return answer.text
    return None


def cancels_part(case: Any) -> bool:
    """Whether the case asks the seller to cancel some items of an order (a general case:
    "cancelen mis focos")."""
    return case.kind == GENERAL and bool((case.details or {}).get("partial_cancellation"))


# A customer telling us their problem went away: the open cases about it are withdrawn.
_WITHDRAWS = re.compile(
    r"\b(?:(?:it|the \w+|my \w+) (?:has |have |just |finally )?(?:arrived|came|showed up|"
    r"turned up)|(?:i )?(?:got|received|found) "
    r"(?:it|the package|my (?:order|package))|never ?mind|no longer need|don'?t need (?:it|that) "
    r"any ?more|problem (?:is )?solved|all sorted|ya (?:lleg[oó]|me lleg[oó]|lo recib[ií]|lo "
    r"encontr[eé])|lo encontr[eé]|ya no (?:hace falta|lo necesito)|olv[ií]d[ae]lo|no importa|"
    r"s[ií] (?:me )?lleg[oó]|ya lo (?:vi|tengo)|lo ten[ií]a (?:el|la|mi)|already got it|"
    # "ya la recibí", "ya me la entregaron", "mi esposo ya la había recogido, ya está aquí",
    # "my husband already picked it up"
    r"ya (?:la|las|los) tengo|ya (?:me )?(?:lo|la|los|las) (?:recib[ií]|entregaron|dejaron|"
    r"trajeron)|(?:ya )?(?:lo|la|los|las) (?:hab[ií]a|hab[ií]an) recogido|ya (?:esta|estan) aqu[ií]|"
    r"already (?:picked (?:it|them) up|has (?:it|them))|"
    r"it (?:was|is) (?:at|with) (?:the|my) (?:neighbou?rs?|door|porch|front desk|mailroom)|"
    # "oh wait my neighbor just brought it over", "actually it did come"
    # (not "the driver left it at the wrong house", "my neighbour had the same issue")
    r"(?:neighbou?rs?|someone|somebody) (?:just )?(?:brought|dropped off|gave me|had) "
    r"(?:it|them|my (?:package|parcel|order|box))(?! (?:at|to|in) the wrong)|"
    r"(?:it|they) did (?:come|arrive|show up|get here)|"
    # "my mistake, it's here" (not "tracking says it's here", "it is here in the app", "my
    # sister is here": an item named so is said come where the claim is taken back)
    r"(?<!says )(?<!shows )(?<!said )(?:(?:it|they|the (?:package|parcel|order)|my (?:package|parcel|"
    r"order))(?:'s| is| are|'re)|\bits) (?:finally |already |now )?here(?!\W*(?:in|on|"
    r"somewhere)\b)(?!\W*but\W+(?:its |it'?s |it is |the box is )?(?:empty|not|no|nothing|"
    r"missing|i|we)\b))\b|"
    # "me llegó el cargador", "el cargador ya llegó, gracias": all the message says (not "me
    # llegó la tabla con el nombre mal")
    r"^\W*(?:(?:hola|ok|oye|buenas|ya|si|sí),?\s+)*(?:me\s+lleg(?:[oó]|aron)\s+(?:el|la|los|las|mi|"
    r"mis)\s+[\w-]+(?:\s+de\s+[\w-]+)?|(?:el|la|los|las|mi|mis)\s+[\w-]+(?:\s+de\s+[\w-]+)?\s+"
    r"(?:ya\s+)?(?:me\s+)?lleg(?:[oó]|aron))(?:\s+(?:ayer|hoy|ya|bien|perfecto|todo bien))*"
    r"[\s.!,]*(?:gracias\W*)?$",
    re.IGNORECASE)


# "i never got it", "it hasn't arrived": the words of good news, denied
# (not "never mind")
_DENIED_BEFORE = re.compile(r"(?i)\b(?:never(?!\s*mind)|not|didn'?t|haven'?t|hasn'?t|wasn'?t|"
                            r"did not|can'?t|cannot|have not|has not|nunca|todavia no|aun no)\s+"
                            r"(?:\w+\s+)?$")


# a parcel that came to someone else: "left it at the wrong house", "they wont give it back"
_CAME_TO_SOMEONE_ELSE = re.compile(r"(?i)\bwrong (?:house|address|building|door|porch|apartment|"
                                   r"apt|unit|person|casa|direccion|edificio)\b|\bnever got\b|"
                                   r"\bwon'?t give\b|\bwont give\b|\bnot mine\b")


def withdraws(text: str) -> bool:
    return not _CAME_TO_SOMEONE_ELSE.search(text) and any(
        not _DENIED_BEFORE.search(text[:found.start()]) for found in _WITHDRAWS.finditer(text))


# it works after all: "si funciona", "ya funciona", "it works now"
_WORKS_WORDS = (r"(?<!no )(?:s[ií] |ya )funcionan?|(?<!no )funcionan? bien|(?:it|they|the \w+) "
                r"(?:works?|is working|are working) (?:now|fine|again|after all)")
_WORKS = re.compile(rf"\b(?:{_WORKS_WORDS})\b")


# A customer taking back the problem they told. Said outright: "sorry wrong chat", "it works
# now", "false alarm", "found it, it was under the paper", "i dont want the refund", "ill keep
# it", "si funciona, era el cable"; or the item said fine ("my cheese is fine", "la taza está
# bien"), which the caller checks names the item; or an apology beside a fine ("never mind,
# it's fine, i was wrong"). Not an apology alone ("sorry for the slow reply, my bad"), nor "its
# all good, just send the label", nor "the label is fine".
_TAKEN_BACK_OUTRIGHT = re.compile(
    r"\b(?:wrong (?:chat|person|conversation|convo|thread|window|contact|store)|"
    # (not "i pressed the wrong number", a reason's number)
    r"(?:texted|messaged|sent (?:this|that|it) to|writing to) (?:the )?wrong number|"
    r"(?:sent|texted|wrote|meant) (?:that|this|it) (?:by mistake|to (?:someone|somebody) else)|"
    r"(?:ignore|disregard) (?:that|this|what i (?:said|wrote)|my (?:last |previous )?"
    r"(?:message|text|msg))|"
    # ("found it" alone or where it was; not "found it cheaper", "ya lo encontré, el ticket")
    r"nothing(?:'s| is)? wrong with (?:it|them)|(?:found|find) (?:it|them)(?=\W*(?:$|it was|they "
    r"were|in the|under|at the|behind|inside|thanks))|"
    r"it was (?:in|under|inside) the|"
    r"(?:chat|numero|persona) equivocad[oa]|me equivoque de (?:chat|numero|persona|conversacion)|"
    r"no era para (?:ti|usted|ustedes)|ignor[ae] (?:eso|ese mensaje|mi (?:ultimo )?mensaje)|"
    r"ya (?:la|lo|las|los) encontre(?=\W*(?:$|estaba|gracias))|"
    + _WORKS_WORDS + "|"
    r"false alarm|falsa alarma|fue mi culpa|it was (?:my|the) (?:cable|cord|charger|outlet|fault)|"
    r"era (?:el|mi) (?:cable|cargador|enchufe|contacto)|"
    r"(?:i )?(?:don'?t|do not) (?:want|need) (?:the|a|my) (?:refund|return)"
    r"(?!\s+(?:label|shipping|box|form|slip|address))|"
    r"(?:i'?ll|i will|ill) (?:just )?keep (?:it|them)(?!\s+(?:in|until|till|til|if|at|on|for|inside|"
    r"when))|"
    # "no wait, i dont want to return it. please cancel the return", "cancela la devolución"
    # (not "i dont want to return it" alone: "... just refund me" wants the money still)
    r"cancel (?:the|my) return|cancel\w* (?:la|mi) devolucion|"
    r"no (?:quiero|necesito) (?:el reembolso|devolver\w*|la devolucion)|"
    r"me (?:lo|la|los|las) quedo(?!\s+(?:si|hasta|en|cuando))|"
    # "nevermind i fixed it myself", "ya no lo voy a devolver, si funcionaba"
    r"(?:i )?(?:fixed|figured out) (?:it|the problem)|found the problem|figured it out|"
    r"(?:i'?m|im|i am) not (?:returning|sending) (?:it|them)|i won'?t (?:return|send back) (?:it|"
    r"them)|ya no (?:lo|la|los|las) voy a devolver|ya (?:lo|la) arregle)\b")
# the item said fine: group 1 or 2 names it (or "it", "they")
_SAID_FINE_OF = re.compile(
    r"\b(?:(?:the|my) ([a-z]+(?: [a-z]+)?)|(it|they)) (?:is|are|was|were|works?|looks?|'s|'re) "
    r"(?:actually |totally |perfectly |completely )?(?:fine|ok|okay|good|alright|all right|"
    # "the skillet is here" (not "the skillet is fine to wait for", "is here on the tracking")
    r"perfect|here(?!\W*(?:but|in|on|somewhere)\b))\b(?!\s+(?:to|with|if|for now|waiting)\b)|"
    r"\b(its|theyre) (?:actually |totally |perfectly |completely )?(?:fine|ok|okay|good|alright|"
    r"all right|perfect)\b(?!\s+(?:to|with|if|for now|waiting)\b)|"
    r"\b(?:la|el|las|los|mi|mis) ([a-z]+(?: [a-z]+)?) (?:esta|estan|funciona|funcionan) "
    r"(?:perfect[oa]s? |muy )?bien\b|\b(?:esta|estan) (?:perfect[oa]s?|bien) (?:la|el|las|los|mi|"
    r"mis) ([a-z]+)\b|\bfound the (?:missing )?([a-z]+)\b")
# "never mind the skillet", "forget the refund", "olvida la cobija": the claim of the item
# named (group 1), or the refund or return itself (group 2)
_NEVER_MIND_THE = re.compile(r"\b(?:never ?mind|nvm|forget(?: about)?|olvid[ae](?:te de)?) "
                             r"(?:the|my|el|la|los|las|mi|mis) (?:(refund|return|reembolso|"
                             r"devolucion)|([a-z]+(?: [a-z]+)?))\b")
_APOLOGY = re.compile(r"\b(?:by mistake|my (?:mistake|bad)|i was wrong|i (?:made|make) a mistake|"
                      r"me equivoque|(?:era|fue) (?:un error|una equivocacion))\b")
_NEVER_MIND = re.compile(r"\b(?:it'?s fine|its fine|it is fine|all good|never ?mind|nvm|no "
                         r"worries|todo bien|esta bien|olvidalo)\b")
# the rest of the order said to be fine, or the claim's own words asked about; something
# else said beside it ("si funciona pero solo a veces", "la caja esta bien pero el cargador
# no", "funciona bien 5 minutos y se apaga", "mi cel esta bien, es el cargador"); another
# remedy wanted ("no quiero devolverlo, quiero un reemplazo", "me lo quedo si me dan un
# descuento")
_OTHER_THAN_CLAIMED = re.compile(
    r"\b(?:other|others|rest|otra|otro|otras|otros|resto|demas|but|except|though|tho|however|"
    r"sometimes|only|just for|pero|excepto|aunque|sin embargo|a veces|solo|nomas|nada mas|"
    r"se apaga|turns off|shuts off|es el|es la|son los|son las|it'?s the|its the|"
    r"si me|if you|if i get|descuento|discount|mejor|rather|instead|prefer|prefiero|credit|"
    r"credito|can i|could i|puedo|money back|get a refund|refund me|new one|another one|"
    r"replacement|reemplazo|otr[oa] nuev[oa]|mailed|mail me|send (?:me|us))\b"
    r"(?<!\bmejor(?=(?:,? no)?,? (?:me l[oa]s? quedo|cancel\w* (?:la|mi) devolucion)))|"
    r"[,;]\s*(?:el|la|los|las|mi|mis|the|my) [\w-]+ (?:no|not|doesn'?t|isn'?t|won'?t)\b|"
    r"(?<!n't )(?<!dont )(?<!not )(?<!no )\b(?:quiero|want|necesito|need)\b"
    r"(?!(?: to)? cancel\w* (?:the|my|la|mi) (?:return|devolucion))")


def says_it_works(text: str) -> bool:
    """Whether the words say the item works after all (beside a reason of the customer's
    own: "no espera, si funciona, solo ya no lo quiero")."""
    return bool(_WORKS.search(normalize(text)))


def takes_back_claim(text: str, items: list[str] | None = None) -> bool:
    """Whether the message takes back the problem the customer told of the `items` (their
    names; None: of whatever it says is fine). Pure text: the caller knows whether one was
    told."""
    lowered = normalize(text)
    if "?" in lowered or _OTHER_THAN_CLAIMED.search(lowered):
        return False
    outright = _TAKEN_BACK_OUTRIGHT.search(lowered)
    if outright is not None and not _DENIED_BEFORE.search(lowered[:outright.start()]):
        return True
    for found in (*_SAID_FINE_OF.finditer(lowered), *_NEVER_MIND_THE.finditer(lowered)):
        named = next(g for g in found.groups() if g)
        if not _DENIED_BEFORE.search(lowered[:found.start()]) and (
                named in ("it", "they", "its", "theyre", "refund", "return", "reembolso",
                          "devolucion")
                or items is None
                or choose_by_name(named, items) is not None):
            return True
    # "my bad, all good"; "actually never mind, ... its fine"
    return bool(_APOLOGY.search(lowered) and _NEVER_MIND.search(lowered)) \
        or len({m.group(0) for m in _NEVER_MIND.finditer(lowered)}) > 1


def adds_to_case(text: str, told: str) -> bool:
    """Whether a message adds a fact to what the customer told an open case: a number, a
    date, a place by its ZIP code ("tracking hasnt moved since nov 16 in chicago", "it was
    delivered to 60615"); not the same request again, in other words or another language,
    nor a chase ("any update?")."""
    said = words(text)
    new = set(said) - set(words(told))
    return "?" not in text and len(said) >= 4 and any(ch.isdigit() for w in new for ch in w)


# words that only say a question is repeated
_AGAIN = frozenset(("again", "still", "so", "ok", "okay", "please", "pls", "hello", "hi",
                    "otra", "vez", "de", "nuevo", "por", "favor", "hola", "entonces"))


def same_question(text: str, asked: str) -> bool:
    """Whether `text` asks again what `asked` (the questions already sent, a paragraph
    each) holds: no word of it that one of them lacks ("and the cable?" is new; "how long
    is it again?" after "how long is it?" is not)."""
    new = set(words(text))
    return any(new <= set(words(paragraph)) | _AGAIN for paragraph in asked.split("\n\n"))

