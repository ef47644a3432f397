"""Why a customer wants to send something back, from their words: a reason code of the
policy file (seller fault or the customer's own), and whether they want a replacement.
Pure; the words are data in `locales/<lang>/understanding.json` ("return_reasons",
"replacement_words")."""

from __future__ import annotations

import json
import re
from functools import cache

from bot.text import any_phrase, normalize, says
from bot.understanding import (
    LOCALES,
    SOMETHING_ELSE_IS,
    available_languages,
    wants_a_refund,
    without_cancellation_question,
)

# Which reason a request's intent implies when the words do not say.
REASON_OF_INTENT = {"damaged_or_defective": "defective", "wrong_item": "wrong_item",
                    "missing_item": "missing_parts"}  # (of an order that came: a part)
REASONS = ("damaged", "defective", "wrong_item", "not_as_described", "missing_parts",
           "arrived_late", "no_longer_needed", "ordered_by_mistake", "better_price",
           "wrong_size_ordered")


@cache
def _lexicon() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    reasons: dict[str, list[str]] = {}
    replacement: list[str] = []
    for lang in available_languages():
        raw = json.loads((LOCALES / lang / "understanding.json").read_text(encoding="utf-8"))
        for reason, phrases in raw.get("return_reasons", {}).items():
            reasons.setdefault(reason, []).extend(normalize(p) for p in phrases)
        replacement += [normalize(p) for p in raw.get("replacement_words", [])]
    return {k: tuple(v) for k, v in reasons.items()}, tuple(replacement)


def return_reason(text: str, intent: str | None = None) -> str | None:
    """The first reason (in the order of REASONS, seller's fault first) the words name, else
    what the intent implies, else None."""
    named = reasons_named(text)
    return named[0] if named else REASON_OF_INTENT.get(intent or "")


# what came unharmed: "came without a scratch", "llegó sin ningún rayón" (no part missing)
UNHARMED = re.compile(r"(?<!not )(?<!no )(?<!n't )(?:\bwithout (?:a|any|one) (?:single )?(?:scratch|"
                      r"scratches|problem|problems|issue|issues|dent|dents|mark|marks|hitch|damage|"
                      r"chip|chips)\b|\bsin (?:ningun |ni un |un )?(?:rayon|rayones|problema|problemas|"
                      r"golpe|golpes|dano|danos|detalle)\b)")
# a fault denied: "nothing is broken", "my bottle is not broken or anything", "no está roto"
# (not when something else is: "the box is not broken but the bottle is", "nada está roto
# excepto el enchufe")
_FAULT_DENIED = re.compile(r"\b(?:nothing(?:'?s| is| was)?|(?:is|was|are|were|it'?s) not|isn'?t|"
                           r"isnt|wasn'?t|wasnt|aren'?t|arent|no (?:esta|estaba|llego|vino|viene)|"
                           r"nada (?:esta |llego |vino )?)\s*(?:broken|damaged|cracked|chipped|"
                           r"leaking|defective|dented|scratched|rot[oa]s?|da[nñ]ad[oa]s?|"
                           r"quebrad[oa]s?|rayad[oa]s?)\b(?: or anything)?|"
                           # "sorry not damaged, i just dont like it"
                           r"(?:^|(?<=[,.;!])|\b(?:sorry|actually|wait|no|oh|ok)\W+)\s*not\s+"
                           r"(?:broken|damaged|cracked|chipped|defective)\b|"
                           # "no tiene ni una rajadura", "no parpadea ni se calienta"
                           r"\bno (?:tiene|trae) ni (?:un|una) (?:rajadura|rayon|golpe|mancha|grieta|"
                           r"detalle)\b|\b(?:no|ni) (?:parpadea|parpadean|titila|titilan|gotea|"
                           r"gotean)\b|"
                           # "no, rota no, no me gustó": the fault named, then denied
                           r"\b(?:rot[oa]s?|da[nñ]ad[oa]s?|quebrad[oa]s?|defectuos[oa]s?|broken|"
                           r"damaged|defective)\s+no\b(?=\s*(?:[,.;!]|$))")


def denies_a_fault(text: str) -> bool:
    """Whether the words deny a fault ("no, rota no", "it's not broken")."""
    return bool(_FAULT_DENIED.search(normalize(text)))


def denies_a_fault_only(text: str) -> bool:
    """Whether the words only deny a fault ("no está roto", "nothing is broken"): asked why a
    return goes back, the reason is the customer's own."""
    norm = normalize(text)
    return bool(_FAULT_DENIED.search(norm)) and len(_FAULT_DENIED.sub(" ", norm).split()) <= 2


def without_faults_denied_words(norm: str) -> str:
    """The normalized words without the faults they deny, unless something else is said
    to have one."""
    return norm if SOMETHING_ELSE_IS.search(norm) else _FAULT_DENIED.sub(" ", norm)


# the packaging said damaged: "the gift card envelope came torn", "la caja de las tazas llegó
# rota", "box was crushed" (the item inside may be whole)
_PACKAGING_DAMAGED = re.compile(
    r"\b(?:box|boxes|envelope|packaging|packing|wrapping|shipping bag|mailer|sobre|"
    r"caja|empaque|envoltura|bolsa)(?:\s+(?:of|de|del)\s+(?:the |my |la |las |los |"
    r"el |mi |mis )?\w+(?:\s+(?:de\s+)?\w+)?)?\s+(?:came|arrived|was|is|were|got|venia|vino|"
    r"llego|esta|estaba|vinieron|llegaron)\s+(?:all |very |muy |todo |toda |bien |"
    r"completamente )?(?:torn|ripped|crushed|smashed|damaged|broken|dented|wet|open|opened|"
    r"rot[oa]s?|aplastad[oa]s?|mojad[oa]s?|da[nñ]ad[oa]s?|abiert[oa]s?|golpead[oa]s?)\b")


# damage the customer says they caused: not the seller's fault (POLICY.md B: a restocking
# fee of up to 50% for an item returned damaged through no fault of the seller)
_DAMAGED_BY_CUSTOMER = re.compile(
    r"\b(?:i|we|accidentally|accidently) (?:dropped|broke|cracked|spilled|stepped on|sat on|"
    r"ran over|knocked)\b|\bdropped (?:it|them|the \w+|my \w+)\b|\b(?:it|they) (?:fell|got dropped)\b|"
    r"\bmy (?:dog|puppy|cat|kid|kids|son|daughter|baby|toddler|husband|wife) (?:\w+ )?"
    r"(?:chewed|broke|bit|dropped|threw|knocked|cracked|spilled)\b|"
    r"\bse (?:me |nos |le )?(?:cayo|cayeron|quebro|mojo)\b|\b(?:lo|la|los|las) (?:tire|rompi|"
    r"quebre|pise|rompimos|tiramos)\b|\b(?:le |les )?(?:cayo|tire|derrame) (?:agua|cafe|jugo)\b|"
    r"\bmi (?:perro|perrito|gato|hijo|hija|bebe|nino|nina|esposo|esposa) (?:\w+ )?"
    r"(?:lo |la |los |las )?(?:mordio|rompio|tiro|quebro|mordisqueo)\b")


# what says the damage was not the customer's: the carrier's hands, a denial, an item that
# came damaged, a box dropped (not the item), a call or a page that "dropped"
_NOT_BY_CUSTOMER = re.compile(
    r"\b(?:delivery|driver|carrier|courier|ups|fedex|usps|dhl|mailman|postman|mail carrier|"
    r"repartidor|cartero|paqueteria|camion|truck|in transit|llamada|call|pagina|page|website|"
    r"app|internet|senal|conexion|dropped by|dropped off|dropped the ball|el alma|la cara|"
    r"dropped (?:\w+ ){1,3}off|dropped (?:my |the |a )?(?:order|number|kids?|husband|wife|son|"
    r"daughter|friend|mom|dad|phone|call|ball|class|course|signal|connection|price|prices)|"
    r"broke the (?:seal|tape|box|packaging|wrap\w*)|before|antes|"
    r"already|ya (?:venia|vino|llego)|"
    r"(?:arrived|came) (?:with|broken|damaged|dented|cracked|chipped|leaking|scratched|"
    r"defective|rusty|torn|like that|that way)|from day one|from the (?:start|beginning)|"
    r"out of the box|desde el (?:principio|primer dia|inicio)|broke down|waterproof|"
    r"water resistant|contra (?:el )?agua|a prueba de agua|supposed to|se supone|"
    r"(?:llego|vino|venia) (?:asi|rot[oa]|da[nñ]ad[oa]|golpead[oa])|"
    r"(?:dropped|chewed|knocked|cayo|mordio) (?:the |la |el )?(?:box|package|caja|paquete))\b")
_DENIED_BEFORE = re.compile(r"\b(?:never|not|didn'?t|didnt|did not|no|nunca|jamas|nobody|no one|"
                            r"noone|haven'?t|havent|hasn'?t|hasnt|ni)\s+(?:\w+\s+)?$")


def damaged_by_customer(text: str) -> bool:
    """Whether the customer says they (or their dog, their child) caused the damage ("se me
    cayó la linterna"; not "i never dropped it", "the delivery guy dropped it")."""
    norm = normalize(text)
    found = _DAMAGED_BY_CUSTOMER.search(norm)
    return bool(found) and not _DENIED_BEFORE.search(norm[:found.start()]) \
        and not _NOT_BY_CUSTOMER.search(norm)


def packaging_damaged_only(text: str) -> bool:
    """Whether the words say the packaging came damaged and nothing else wrong with the
    item: a return is offered, not a fault refunded."""
    norm = normalize(text)
    rest = _PACKAGING_DAMAGED.sub(" ", norm)
    # ("la caja venía rota y el cargador también": the item too)
    return rest != norm and not reasons_named(rest) and not _TOO.search(rest)


_TOO = re.compile(r"\b(?:too|as well|also|tambien|igual|igualmente)\b")


def reasons_named(text: str) -> tuple[str, ...]:
    """Every reason the words name, seller's fault first."""
    haystack = without_faults_denied_words(UNHARMED.sub(" ", normalize(text)))
    return tuple(reason for reason, pattern in _reason_patterns() if pattern.search(haystack))


@cache
def _reason_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One pattern per reason: asked of most messages, so one scan each, not one per phrase."""
    reasons, _ = _lexicon()
    patterns = {reason: any_phrase(reasons.get(reason, ())) for reason in REASONS}
    patterns["missing_parts"] = re.compile(
        f"(?:{patterns['missing_parts'].pattern})|(?:{_PART_MISSING.pattern})")
    return tuple(patterns.items())


# the parts that come with an item, by name
_PARTS = (r"(?:usb |charging |power )?(?:cables?|cords?|chargers?|lids?|manuals?|adapters?|"
          r"remotes?|batter(?:y|ies)|screws|straps?|handles?|plugs?|bases?|pieces?|parts?|"
          r"cargador|tapas?|instructivo|adaptador|control|baterias?|pilas|tornillos|piezas?|"
          r"correas?|asas?|enchufe)")
# "the usb cable is missing"; and "me llegó pero sin el cable", "but without the lid"
_PART_SAID_MISSING = re.compile(rf"\b({_PARTS}) (?:is|was|are|were) missing\b")
_PART_MISSING = re.compile(
    rf"{_PART_SAID_MISSING.pattern}|\b(?:but without|pero sin|pero no (?:trae|traia|venia))\s+"
    rf"(?:the |el |la |los |las |su |sus )?{_PARTS}\b|"
    # "only 1 mug in the box", "solo venía una taza": fewer units than ordered
    r"\b(?:only|just|solo|nomas|nada mas)\s+(?:got |received |came |arrived |had |llego |"
    r"llegaron |vino |venia |recibi )?(?:1|one|2|two|una|uno|dos)\s+\w+\s+(?:in the box|"
    r"in the package|came|arrived|en la caja|en el paquete|llego|vino|venia)\b|"
    # "only the spatulas came", "solo llegaron las tazas" (not "return only the skillet")
    r"\b(?:only|just|solo|nomas)\s+(?:the|el|la|los|las)\s+\w+(?:\s+\w+)?\s+(?:came|arrived|"
    r"were in|was in|llego|llegaron|vino|vinieron|venia|venian)\b|"
    # "me llegó solo una taza", "got only one mug"
    r"\b(?:got|received|came|arrived|llego|llegaron|vino|venia|recibi)\s+(?:only|just|solo|"
    r"nomas)\s+(?:1|one|2|two|una|uno|dos)\s+\w+")


# anything said missing: "manchego missing", "the manchego is missing", "falta el manchego"
_THING_MISSING = re.compile(r"\b(\w+) (?:itself |themselves )?(?:(?:is|are|was|were) )?missing\b|"
                            r"\bfalta(?:n|ba|ban)? (?:el |la |los |las |un |una |mi |mis )?(\w+)|"
                            # "the skillet wasn't in it", "no skillet inside", "no venía la tetera"
                            r"\b(\w+) (?:was|were|is|are)(?:n'?t| not) (?:in|inside)\b|"
                            r"\bno (\w+) (?:inside|in it|in the box)\b|"
                            # "i received 2 mugs but no spatulas"
                            r"\b(?:but|pero) no (\w+)\s*(?:$|[.,;!])|"
                            r"\bno (?:venia|venian|estaba|estaban) (?:el |la |los |las )?(\w+)|"
                            r"\b(\w+) no (?:venia|venian|estaba|estaban|vino|llego) (?:adentro|dentro|"
                            r"en la caja|en el paquete)\b|"
                            # "came without a cable", "no trae el cable", "no encuentro el cable"
                            r"\b(?:without|sin|no trae|no traia|no venia con|no encuentro|"
                            r"can'?t find|cannot find) (?:the |a |an |any |my |el |la |los |las |mi |"
                            r"mis |su |sus |ningun |ninguna )?"
                            # (a figure is no part: "without the 12 V power adapter")
                            r"(?:\d[\d.]*\s*(?:v|w|a|mah|volts?|watts?|mm|cm|in|inch|ft|oz)?\s+)?(\w+)")
# a box that came with nothing in it: no part of an item, the items themselves
EMPTY_BOX = re.compile(r"\b(?:empty|nothing (?:inside|in it|in the box)|vaci[ao]|no venia nada)\b")
# "the spatula set is missing the jar scraper": the thing after "missing"
_MISSING_FROM_IT = re.compile(r"\b(?:is|are|was|were|came|arrived) missing (?:the |a |an |its |"
                              r"their |one of the |one )?(\w+(?: \w+)?)")
# what names no thing: "it is missing", "one is missing", "my order is missing"
_NO_THING = frozenset(("it", "itself", "themselves", "they", "one", "two", "something",
                       "anything", "everything",
                       "nothing", "stuff", "order", "package", "parcel", "box", "item", "items",
                       "delivery", "shipment", "still", "also", "is", "are", "was", "were", "the",
                       "a", "my", "its", "pedido", "paquete", "caja", "algo", "nada", "todo",
                       "que", "poco", "mucho", "tiempo", "lo", "demas", "resto", "otro", "otra",
                       "una", "uno", "dos",
                       # a verb after "but no": "pero no venía", "but no luck"
                       "venia", "venian", "vino", "llego", "llegaron", "trae", "traia", "tiene",
                       "hay", "came", "arrived", "luck", "one", "idea"))


# what comes with an item on paper: a manual or a card missing is for the seller to send,
# not a refund of the item ("falta el manual de cuidado de la tabla")
PAPERWORK = frozenset(("manual", "manuals", "instructions", "instruction", "card", "cards", "leaflet",
                       "booklet", "note", "receipt", "invoice", "warranty", "guide", "insert",
                       "instructivo", "instrucciones", "tarjeta", "tarjetas", "folleto", "nota",
                       "recibo", "factura", "garantia", "guia"))


# what came after all, packed apart: "la manta no estaba adentro de la bolsa sino suelta",
# "venía en una bolsita aparte pero sí llegó", "it came separately" (not "are they supposed
# to come separately?")
CAME_ANYWAY = re.compile(r"\b(?:(?:came|arrived|was|were|venia|venian|vino|llego|llegaron|estaba|"
                         r"estaban)\b[^?.!]{0,30}?\b(?:separately|separate|aparte|por separado|"
                         r"in (?:a|another) (?:box|bag|package)|en otra caja)\b(?![^.!]*\?)|"
                         r"sino (?:suelt[oa]s?|aparte|en)|si (?:me )?llego|si llegaron|"
                         # (not "my charger never showed up")
                         r"(?<!never )(?<!not )(?<!nt )(?<!n't )(?:found (?:it|them)|turned up|"
                         r"showed up)|(?:lo|la|los|las) encontre|"
                         # "my mugs arrived, my mistake, i thought they were lost", "olvida la
                         # bocina, ya llegó", "pensé que no había llegado"
                         r"thought (?:it|they) (?:was|were) lost|ya (?:me )?lleg(?:o|aron)\b(?!\W*\?)|"
                         r"pense que (?:no (?:habia|hab[ií]an) llegado|se (?:habia|hab[ií]an) perdido)|"
                         r"aparecio|aparecieron|"
                         r"(?:pero|but) (?:si |it )?(?:esta|estan|"
                         r"llego|llegaron|arrived|came|is|was|it'?s) (?:bien|fine|ok|okay))")


def missing_part_named(text: str) -> str | None:
    """The part said missing ("the charger is missing": charger, "manchego missing":
    manchego), to tell a part from the item itself."""
    norm = UNHARMED.sub(" ", normalize(text))
    if CAME_ANYWAY.search(norm):
        return None
    found = _PART_SAID_MISSING.search(norm)
    if found:
        return found.group(1)
    found = _MISSING_FROM_IT.search(norm)
    if found and found.group(1).split()[0] not in _NO_THING:
        return found.group(1)
    for match in _THING_MISSING.finditer(norm):
        thing = next(group for group in match.groups() if group)
        if thing not in _NO_THING:
            return thing
    return None


# a part asked for: "i just want the cable", "¿me pueden mandar el cargador?"
_PART_WISH = re.compile(
    rf"\b(?:just|only|solo|nomas)\s+(?:want|need|quiero|necesito)\s+(?:the |el |la |los |las )?"
    rf"{_PARTS}\b|\b(?:send me|mandenme|me (?:pueden |puede )?(?:mandar|enviar|manden|envien))"
    rf"\s+(?:the |el |la |los |las |otro |otra )?{_PARTS}\b|"
    # "can i just get a new lid sent?", "send a new cable"
    rf"\b(?:get|send|ship)(?: me)? (?:a )?(?:new|replacement) {_PARTS}\b|"
    # "can they send the other one", "can you send me the missing battery", "mail me one"
    rf"\b(?:send|mail|ship)(?: me| us)? (?:the |a |an )?(?:other|another|missing|remaining|"
    rf"second) (?:one|{_PARTS})\b|\b(?:send|mail|ship) me (?:just )?one\b")
# a replacement refused: "I don't want a new one", "no quiero otra"
_NOT_WANTED = re.compile(r"\b(?:don'?t|do not|not|no|never)\s+(?:want|need|quiero|necesito)\s+"
                         r"(?:a |an |una |un |the |el |la )?(?:new|nuev[oa]|replacement|reemplazo|"
                         r"exchange|cambio|otr[oa]|another)\b")


def wants_replacement(text: str) -> bool:
    """Whether the words ask for another one, or for a part missing, rather than the money
    back: "I don't want a new one, I want my money back" and "send me the label" do not."""
    haystack = normalize(text)
    if wants_a_refund(text) or _NOT_WANTED.search(haystack) \
            or _BOUGHT_ELSEWHERE.search(haystack) and not _REPLACEMENT_ASKED.search(haystack):
        return False
    return bool(_PART_WISH.search(haystack) or _NEW_ONE.search(haystack)) \
        or any(says(haystack, phrase) for phrase in _lexicon()[1])


# another one the customer got themselves: "i already bought another one", "ya compré otro"
_BOUGHT_ELSEWHERE = re.compile(r"\b(?:bought|got|found|have|ordered|purchased|compre|tengo|consegui)\s+"
                               r"(?:myself\s+)?(?:another|a new|otr[oa])\b")


_REPLACEMENT_ASKED = re.compile(r"\b(?:replacement|replace|reemplaz\w*|reponer|exchange|send me "
                                r"(?:a new|another)|mand\w* otr[oa])\b")


def without_lateness(text: str) -> str:
    """The normalized words without those saying it arrived late ("the skillet arrived late and
    it doesnt heat evenly": "the skillet and it doesnt heat evenly")."""
    return dict(_reason_patterns())["arrived_late"].sub(" ", normalize(text))


# "just a new mug", "send me a new lantern" (not "a new address", "a new order")
_NEW_ONE = re.compile(r"\b(?:just|want|need|get|send|send me|like|rather have)\s+(?:a |an )?new\s+"
                      r"(?!address|order|card|account|phone|number|email|one of)\w+")


def wants_it_cancelled(text: str) -> bool:
    """Whether a message that asks about a cancellation also asks for it ("can I cancel?
    please cancel it asap"), or says why, in the words of a return's reasons ("how do I
    cancel? I ordered by mistake")."""
    rest = without_cancellation_question(text)  # "is it too late to cancel?" gives no reason
    rest = _SHIP_IT.sub(" ", rest)  # "just ship it asap" wishes it shipped
    return bool(_CANCEL_WISH.search(rest) or reasons_named(rest))


_SHIP_IT = re.compile(r"\b(?:just |please |pls )?(?:ship|send) (?:it|them)(?: asap| please| now)*\b")


_CANCEL_WISH = re.compile(r"\b(?:please|pls|plz|asap|por favor|porfa|porfavor|want to cancel|"
                          r"need to cancel|cancel it|cancel them|quiero cancelar\w*|"
                          r"necesito cancelar\w*|cancel[ae]l[oa]s?|cancel[ae]nl[oa]s?)\b")
