"""Shoppers' questions understood for the product answerer: the words that matter, the
concepts asked about (weight, dimensions, colour, material, voltage, age, compatibility, ...),
yes/no or wh-question, model names, quantities compared ("is it over 16 feet?"), the choices
of "A or B?", what a wh-question asks for by name ("what kind of collar?"), the words that
name the item itself ("this mannequin head"), the customer's own thing ("my honda civic"),
and the questions the product data cannot settle by nature. Spanish questions are
understood for the common attributes by mapping their words onto English ones. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.product_facts import ALL_CONCEPT_WORDS, CONCEPT_ASKED, WEAK_TERMS, Fact, term
from bot.product_vocabulary import (
    DURATION,
    HOW_MANY,
    NOT_FROM_DATA,
    PACKAGE_WORDS,
    SPANISH,
    SPANISH_MARKERS,
    SPANISH_WH,
    STOPWORDS,
    WEAK_WORDS,
    YES_NO_START,
    stem,
    tokens,
    words_of,
    wordset,
)
from bot.text import normalize
from bot.understanding import item_noun

# -- the question -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    """A question, understood."""
    text: str
    content: tuple[str, ...]        # content words (terms), in order
    content_set: frozenset[str]
    focus: frozenset[str]           # content words that are neither concept nor weak words
    entities: frozenset[str]        # tokens with digits ("sgh-1337", "5s", "220v", "15.6")
    codes: frozenset[str]           # of those, the ones that are not quantities: model names
    concepts: frozenset[str]
    yes_no: bool
    how_many: bool
    package: bool
    numbers: frozenset[str]
    parts: int                      # how many questions in one ("...? and ...?")
    counted: str | None             # what "how many ..." counts
    # the words of "A or B?" that tell the choices apart ("wood or plastic": wood, plastic);
    # a fact that names neither does not answer
    alternatives: frozenset[str] = frozenset()
    # what a wh-question asks for by name ("what kind of collar ...?" -> collar; "what is
    # the weight limit?" -> weight, limit): the attribute with that name answers
    asked: frozenset[str] = frozenset()
    item: frozenset[str] = frozenset()  # the words that name the item ("this mannequin head")
    procedure: bool = False  # "how do you change songs?": asks for a way of doing
    # each model name's family: the words naming what it numbers ("windows 8": windows;
    # "15 gauge": gauge; "ddr4": ddr)
    code_families: tuple[tuple[str, frozenset[str]], ...] = ()
    # the numbers written as a designation ("a #3 bit"): a fact names one only so written
    # ("#3", "no. 3"), never by a count ("3 bits")
    marked: frozenset[str] = frozenset()
    # the words naming the customer's own thing ("will it fit my honda civic?") or the place
    # it should fit ("will it fit into the glove box?")
    own: tuple[str, ...] = ()
    # "does it read as low as 2 volts?": asks how low it goes
    lower_end: bool = False
    # "is it backward compatible with the xbox one?": whether it works with what it was not
    # made for, which only a fact saying so settles
    backward: bool = False
    # "what glue can i use with it?": asks for another product to use with this one
    other_product: bool = False
    # "does it only support windows 7?": whether it works with nothing else
    only: bool = False
    # the words a question names its subject by ("does the desk lamp have ...?": desk, lamp;
    # "¿los focos sirven ...?": bulb)
    subject: frozenset[str] = frozenset()
    # "how long does it last on high?": the words that name the setting asked about (high,
    # max, highest...); a figure given for no setting, or for another, does not settle it
    setting: frozenset[str] = frozenset()

    def missed_codes(self, fact: Fact) -> frozenset[str]:
        """The model names the fact neither names nor answers for: "windows 7" answers "does
        it run windows 8?" (no), "1600 x 1200" names "1600x1200"; "universal fit" names
        nothing of "a 2008 wrangler"; "3 bits" names no "#3 bit"."""
        missed = set()
        for code, family in self.code_families:
            if code in self.marked:
                written = {m.group(1) for m in _MARK.finditer(fact.text)}
                if code not in written and not (written and family & fact.numbered):
                    missed.add(code)
                continue
            if code in fact.raw or all(p in fact.raw for p in _DIGITS.findall(code)) \
                    and len(_DIGITS.findall(code)) > 1:
                continue
            if not family & fact.numbered:
                missed.add(code)
        return frozenset(missed)

    def own_unnamed(self, fact: Fact, title_terms: frozenset[str]) -> bool:
        """Whether the fact leaves the customer's own thing unnamed: its model names exactly
        ("a 2008 wrangler" is not settled by "2010 wrangler"), its other words in the fact or
        the title ("my queen bed" -> "size: queen" of a bed sheet)."""
        return any(w not in fact.raw if any(ch.isdigit() for ch in w)
                   else term(w) not in fact.term_set | title_terms for w in self.own)


_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
_MARK = re.compile(r"(?:#|\bno\.)\s*(\d+)\b", re.I)


def _families(raw_tokens: list[str], codes: frozenset[str]) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each model name and the words around it that say what it numbers."""
    families: dict[str, set[str]] = {}
    for i, token in enumerate(raw_tokens):
        if token not in codes:
            continue
        words = families.setdefault(token, set())
        words.update(w for w in _LETTERS.findall(token) if len(w) > 1)
        words.update(raw_tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(raw_tokens)
                     and raw_tokens[j].isalpha() and len(raw_tokens[j]) > 1)
    return tuple((code, frozenset(term(w) for w in words
                                  if w not in STOPWORDS and w not in WEAK_WORDS))
                 for code, words in families.items())


_LETTERS = re.compile(r"[a-z]+")
# "how do you change songs?", "how to clean it?"; not "how do they fit?" (a question of size),
# nor "how do you connect it?" (a concept: "connectivity: bluetooth" answers)
_PROCEDURE = re.compile(r"^(?:.*\? )?how (?:to|do (?:i|you|we|one)|does one|can (?:i|you|we|one)|"
                        r"would (?:i|you|we)|should (?:i|you|we)|is (?:it|this|one) (?:supposed to|"
                        r"meant to)) (?!measure|weigh|fit|size)")


# "how do i get the candle to burn evenly?", "how can i make it brighter?": a way of bringing
# something about, whatever concept it names (not "how long does it burn?")
_BRINGING_ABOUT = re.compile(r"\bhow (?:do|can|should) (?:i|you|we) (?:get|make|keep|stop|prevent|"
                             r"avoid)\b")


_UNIT_WORDS = wordset("""
in inch inches cm mm m ft feet foot lb lbs pound pounds oz ounce ounces kg g gram grams gallon
gallons gal l liter liters litre litres ml qt quart quarts cup cups v volt volts w watt watts
mah ah amp amps a hz ghz mhz gb tb mb year years yr yrs month months mo mos week weeks day days
hour hours hr hrs minute minutes min mins second seconds pack packs pc pcs piece pieces count ct
x by degree degrees f c mph psi db mp megapixel megapixels people person persons player players
""")
# "how many come in the box?" asks what the box holds, not about the box
_CONTENTS = re.compile(r"\b(in|per|inside|with) (the |a |an |each |one |every )?(package|box|"
                       r"packaging|pack)\b(?!.*\b(weigh|weight|dimension|dimensions|size|big|"
                       r"measure|measurements)\b)")
_QUANTITY_TOKEN = re.compile(r"\d+(?:[.,]\d+)?(?:" + "|".join(sorted(_UNIT_WORDS, key=len,
                                                                     reverse=True)) + r")")
# "is the hose over 16?": a number compared is a quantity, not a model's name
_COMPARED = re.compile(r"\b(?:over|under|above|below|exceeds?|within|(?:more|less|greater|fewer|"
                       r"bigger|smaller|larger|longer|shorter|higher|lower|heavier|lighter|wider)"
                       r" than|at (?:least|most)|up to|as (?:much|little|many|few|long|big) as)"
                       r" (\d+(?:[.,]\d+)?)\b")
# "what is the height of this mannequin head?": the words after "this" name the item itself,
# as its title does; a fact need not repeat them. Not after "is": "is this dishwasher safe?"
# asks whether it is.
_ITEM_PHRASE = re.compile(r"\b(?:(do|does|did|will|would|can|could|should|is|are|was) )?"
                          r"(?:this|these|those) ([a-z][a-z ]*)")
# the verbs that follow the item in "does this mouse have ...", "will this battery fit ..."
_ITEM_VERBS = wordset("""
have has had is are was were be work works fit fits come comes include includes need needs
hold holds last lasts take takes run runs go goes make makes stay stays use uses support
supports play plays look looks feel feels weigh weighs charge charges get gets
""")


def _item_words(norm: str) -> frozenset[str]:
    words: list[str] = []
    for match in _ITEM_PHRASE.finditer(norm):
        phrase: list[str] = []
        end = ""
        for word in match.group(2).split():
            if word in STOPWORDS or word in WEAK_WORDS or word in _ITEM_VERBS:
                end = word
                break
            phrase.append(word)
        verb = match.group(1)
        if verb in ("is", "are", "was"):
            # "is this dishwasher safe?" asks whether it is; "is this toy for dogs?" and "is
            # this doll made in spain?" name it
            if end not in _AFTER_SUBJECT:
                continue
            phrase = [w for w in phrase if term(w) not in ALL_CONCEPT_WORDS]
        elif verb and end not in _ITEM_VERBS:
            continue  # "does this fold for storage?": "fold" is what it does
        # a long run is the item and what is said of it ("this wallet hold cards"): the
        # first word only
        words.extend(phrase if len(phrase) <= 2 else phrase[:1])
    return frozenset(term(w) for w in words)


_AFTER_SUBJECT = frozenset(("for", "made", "used", "in", "on", "meant", "designed", "suitable",
                            "okay", "ok", "good", "appropriate", "too", "ideal", "recommended"))


_ASKED = (
    re.compile(r"\bwhat (?:kind|kinds|type|types|sort|style|brand|make|form) of (?:the )?"
               r"([a-z][a-z ]*)"),
    re.compile(r"\bwhat(?:'s| is| are| was)? (?:the |its |it's )?([a-z]+) (?:is|are|does|do|did|"
               r"will|would|can|of|on|for|in)\b"),
    re.compile(r"\bwhat(?:'s| is| are) (?:the |its |it's )?([a-z][a-z ]*)"),
)


def _asked_words(norm: str) -> frozenset[str]:
    for pattern in _ASKED:
        match = pattern.search(norm)
        if match:
            words: list[str] = []
            for word in match.group(1).split():
                if word in STOPWORDS or len(words) == 2:
                    break
                words.append(word)
            if words:
                return frozenset(term(w) for w in words)
    return frozenset()


# what wraps a question without asking anything: a greeting, "does anyone know if ...",
# "can you tell me ..."; group 1 is set when what follows is a yes/no question ("... if ...")
_GOING_ON_WORDS = re.compile(r"^(?:(?:and|also|plus|so|ok|okay|y|tambien|ademas|pues)\W+)+")
_WRAPPER = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening))(?: there)?\b[\s,.!:;-]*)*"
    r"(?:(?:(?:does|do|would|will|can|could) (?:anyone|anybody|someone|somebody|you)(?: please)? "
    r"(?:know|tell me|confirm|let me know)|(?:i was|i am|i'm|im|just|am) wondering|i'?d like to know|"
    r"i would like to know|i want to know|(?:please )?(?:tell me|let me know|confirm))"
    r"(?: please)?\s*,?\s*(if|whether)?\b\s*)?")

# what a customer says in passing while correcting or resuming ("sorry, the kettle I mean,
# how much water does it hold?"): it asks nothing, and a fact need not match it
_FILLERS = re.compile(r"\b(?:i mean|i meant|sorry|oops|actually|um+|uh+|erm)\b[\s,.!:;-]*")

_NUMBER_WORDS = {w: str(i) for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"))}
# a misspelling of a function word: "dose it require glue?"
_MISSPELT = {"dose": "does"}

_PLAYERS_WORDS = frozenset(term(w) for w in ("people", "persons", "kids", "children", "play",
                                              "played", "once", "time"))
_ORIGIN_VERBS = frozenset(term(w) for w in ("made", "manufactured", "produced", "built"))
_USED_WITH = re.compile(r"\b(what|which)\b.*\b(can|could|should|do|would) (i|you|we) use\b.*"
                        r"\b(with|on|in|for)\b")


def _counts(raw_tokens: list[str], i: int) -> bool:
    """Whether the number at `i` counts or measures something ("3 feet", "8 different
    compartments", "2 people", the 10 of "10 to 12 years"), rather than naming a model
    ("iphone 6", "windows 8")."""
    if not raw_tokens[i].replace(".", "").replace(",", "").isdigit():
        return False
    following = raw_tokens[i + 1:i + 3]
    if following and following[0] in _UNIT_WORDS:
        return True
    if len(following) == 2 and following[0] in ("to", "or", "and") \
            and following[1].isdigit() and _counts(raw_tokens, i + 2):
        return True
    return any(w.isalpha() and w not in STOPWORDS and stem(w) != w for w in following)


def _alternatives(norm: str) -> frozenset[str]:
    """The words that tell the choices of "A or B?" apart: the words either side of "or"
    ("wood or plastic"), or before a shared noun ("a disney doll or a mattel doll")."""
    found: set[str] = set()
    for clause in re.split(r"[?.!;,]", norm):
        parts = clause.split(" or ")
        for left, right in zip(parts, parts[1:], strict=False):
            before = [term(w) for w in words_of(left) if w not in STOPWORDS
                      and w not in WEAK_WORDS]
            after = [term(w) for w in words_of(right) if w not in STOPWORDS
                     and w not in WEAK_WORDS]
            if not before or not after:
                continue
            if len(before) > 1 and len(after) > 1 and after[1] == before[-1]:
                found |= {before[-2], after[0]}
            elif before[-1] != after[0]:
                found |= {before[-1], after[0]}
    return frozenset(found)


# "7 1/2 years" is 7.5 years and '38"' is 38 inches: one quantity each, not model names
_MIXED_FRACTION = re.compile(r"\b(\d+)[ -]([13])/([24])\b")
_INCH_MARK = re.compile(r"(\d)\s*(?:\"|\u201d|\u2033)")


def _quantities(norm: str) -> str:
    norm = _MIXED_FRACTION.sub(
        lambda m: m.group(1) + str(int(m.group(2)) / int(m.group(3)))[1:], norm)
    return _INCH_MARK.sub(r"\1 inch ", norm) if '"' in norm or "\u201d" in norm \
        or "\u2033" in norm else norm


_SPANISH_DURATION = re.compile(r"\bcuanto (?:tiempo )?(?:tarda|tardan|demora|dura|duran|toma)\b")
# "¿cuánto tiempo mantiene el agua fría?": how long, whatever the verb
_SPANISH_HOW_LONG = re.compile(r"\bcuanto tiempo\b")
# "¿cuánto dura en alto?": the setting it runs on ("on high"), not how tall it is
_SPANISH_SETTING = re.compile(r"\b(?:en (?:el |la )?|a (?:la )?|al )(?:modo |nivel |potencia )?(alto|bajo|"
                              r"maximo|minimo|alta|baja|maxima|minima)\b")
_ON_SETTING = re.compile(r"\b(?:on|at) (?:the )?(high|low|max|min)\b(?! (?:shelf|shelves|table|"
                         r"heat|ceiling|wall|surface|ground|rack|stand))")
LOW_SETTING = frozenset(term(w) for w in ("low", "min", "minimum", "lowest"))
_SETTINGS = {"high": frozenset(term(w) for w in ("high", "max", "maximum", "highest", "full")),
             "low": LOW_SETTING}
_SETTINGS["max"], _SETTINGS["min"] = _SETTINGS["high"], _SETTINGS["low"]
_SETTING_TERMS = frozenset(term(w) for w in ("high", "low", "max", "min"))
# "una lámpara cerrada" is an enclosed fixture (but "la caja viene cerrada" is sealed)
_SPANISH_ENCLOSED = re.compile(r"\b(lamparas?|luminarias?|plafon|plafones|lampara de techo)\s+"
                               r"cerrad[oa]s?\b")
_SETTING_WORDS = {"alto": "high", "alta": "high", "maximo": "high", "maxima": "high",
                  "bajo": "low", "baja": "low", "minimo": "low", "minima": "low"}


# the unit an answer is wanted in, at the end: "how long are the string lights in meters?",
# "en grados centígrados": every figure is answered with its conversion anyway, and the
# unit's word matches no fact
_IN_UNIT = re.compile(r"\s+\b(?:in|en|into)\s+(?:degrees\s+|grados\s+)?(?:celsius|centigrade|"
                      r"centigrados|fahrenheit|c|f|meters?|metres?|metros?|centimeters?|centimetres?|"
                      r"centimetros?|cm|mm|inches|pulgadas|feet|ft|pies|kg|kilos?|kilograms?|"
                      r"kilogramos?|pounds?|libras?|lbs?|grams?|gramos?|ml|milliliters?|millilitres?|"
                      r"mililitros?|liters?|litres?|litros?|oz|ounces?|onzas?)\s*(?=[?.!]*\s*$)")


def parse_question(text: str) -> Question:
    norm = _IN_UNIT.sub("", _FILLERS.sub("", _quantities(normalize(text))))
    # "hi. does anyone know if it works with batteries?" asks "does it work with batteries?";
    # "can you tell me the dimensions?" asks for them, not whether one can
    wrapper = _WRAPPER.match(norm)
    embedded_yes_no = bool(wrapper and wrapper.group(1))
    if wrapper and wrapper.end() < len(norm):
        norm = norm[wrapper.end():]
    raw = words_of(norm)
    spanish = bool(SPANISH_MARKERS.intersection(raw)) and any(w in SPANISH or item_noun(w)
                                                              for w in raw)
    # a Spanish question that does not open with a question word asks yes or no, whatever
    # its phrases are read as below ("¿cuánto dura?" is "how long does it take")
    spanish_wh = bool(raw) and raw[0] in SPANISH_WH
    if spanish:  # "¿cuánto tiempo tarda en cargarse?" asks how long, as a phrase
        said = _SPANISH_DURATION.sub("how long does it take", " ".join(raw))
        said = _SPANISH_HOW_LONG.sub("how long does it", said)
        said = _SPANISH_SETTING.sub(lambda m: f"on {_SETTING_WORDS[m.group(1)]}", said)
        said = _SPANISH_ENCLOSED.sub(r"\1 enclosed", said)
        raw = words_of(said)
    words_en: list[str] = []
    for i, w in enumerate(raw):
        if spanish and w in SPANISH:
            words_en.extend(SPANISH[w].split())
        elif spanish and item_noun(w):
            # the first English word only: "cobija" is a blanket, and "blanket throw" would
            # match the title ("Throw Blanket") better than any fact
            words_en.append(item_noun(w)[0])
        elif w in _NUMBER_WORDS and i + 1 < len(raw) and raw[i + 1] in _UNIT_WORDS:
            # "a seven year old", "six people": a quantity, compared as one
            words_en.append(_NUMBER_WORDS[w])
        else:
            words_en.append(_MISSPELT.get(w, w))
    content = tuple(term(w) for w in words_en
                    if w not in STOPWORDS and (len(w) > 1 or w.isdigit()))
    content_set = frozenset(content)
    concepts = {c for c, ws in CONCEPT_ASKED.items() if content_set & ws}
    q = " ".join(words_en)
    if re.search(r"\bmade (of|from|out of|with)\b|\bwhat is it made\b", q):
        concepts.add("material")
        if " made out of " in f" {q} ":  # "out" says nothing of what is asked
            content = tuple(w for w in content if w != "out")
            content_set = frozenset(content)
    if re.search(r"\b(made|manufactured|produced) by\b", q):  # who makes it, not of what
        concepts.discard("material")
        concepts.add("brand")
    if re.search(r"\bmade in\b|\bwhere\b.*\b(made|manufactured|produced|from)\b", q):
        concepts.add("origin")
        concepts -= {"material", "brand"}
        # "where is it manufactured?" asks where, not by whom
        content = tuple(w for w in content if w not in _ORIGIN_VERBS)
        content_set = frozenset(content)
    if re.search(r"\bhow (much|many)\b.*\bhold\b", q):
        concepts.add("capacity")
    if re.search(r"\bhow long (is|are)\b|\bhow long\s*\??$", q):
        concepts.add("dimensions")
    if re.search(r"\b(come|comes|came) with\b|\bin the box\b", q):
        concepts.add("included")
    if re.search(r"\bput (?:it |this |them |these |that )?together\b", q):
        # "do you have to put this together?" asks about assembly
        concepts.add("assembly")
        content += (term("assembly"),)
        content_set = frozenset(content)
    if re.search(r"\b(people|persons|kids|children|players)\b.*\bplay\b|\bplay(ed)? with\b.*"
                 r"\b(people|persons|players)\b", q):
        concepts.add("players")
    if re.search(r"\bhow many\b", q) and not concepts & {
            "battery", "players", "pages", "voltage", "power", "weight", "dimensions",
            "capacity", "age"}:
        concepts.add("count")
    on_setting = _ON_SETTING.search(q)
    if on_setting and not content_set & CONCEPT_ASKED["dimensions"] - _SETTING_TERMS:
        # "how bright is it on high?": the setting it runs on, no height
        concepts.discard("dimensions")
    if "warranty" in concepts:  # "how long is the warranty?" asks for a time
        concepts.discard("dimensions")
    if DURATION.search(q):
        concepts.discard("dimensions")
        concepts.add("duration")
    if "weight" in concepts and re.search(
            r"\b(limit|capacity|supports?|holds?|carry|carries|max|maximum)\b", q):
        # "what is the weight limit?": what it bears, not what it weighs
        concepts.discard("weight")
        concepts.add("load")
    counted = re.search(r"\bhow many ([a-z]+)", q)
    counted_term = term(counted.group(1)) if counted else None
    alternatives = _alternatives(norm)
    item_words = _item_words(q) - alternatives
    asked = _asked_words(norm)
    other_product = bool(_USED_WITH.search(q))
    if other_product:
        # "what glue can i use with it?": another product, not one of this one's attributes
        concepts, asked = {"compatible"}, frozenset()
    focus = frozenset(w for w in content_set
                      if w not in ALL_CONCEPT_WORDS and w not in WEAK_TERMS) - item_words
    if "players" in concepts:  # "how many people can play?": the players
        focus -= _PLAYERS_WORDS
    contents = _CONTENTS.search(q)
    if contents:  # "how many come in the box?": what the box holds, not the box
        focus -= {term(contents.group(3))}
    raw_tokens = tokens(norm)
    entities = frozenset(t for t in raw_tokens if any(ch.isdigit() for ch in t))
    compared = frozenset(_COMPARED.findall(norm))
    # "a #3 bit": a designation, whatever follows it
    marked = frozenset(m.group(1) for m in _MARK.finditer(norm))
    codes = frozenset(
        t for i, t in enumerate(raw_tokens)
        if any(ch.isdigit() for ch in t) and not _QUANTITY_TOKEN.fullmatch(t)
        and t not in compared and not _counts(raw_tokens, i)) | (marked & set(raw_tokens))
    # ("also, does it have an auto shut-off?" asks yes or no)
    opening = _GOING_ON_WORDS.sub("", norm.lstrip("\u00bf\u00a1 "))
    first = opening.split(" ", 1)[0]
    opening = _MISSPELT.get(first, first) + opening[len(first):]
    yes_no = embedded_yes_no or bool(YES_NO_START.search(opening)) or (
        spanish and bool(raw) and not spanish_wh and opening.endswith("?"))
    parts = len([p for p in re.split(r"\?+", norm) if len(tokens(p)) >= 2]) or 1
    return Question(
        text=norm, content=content, content_set=content_set, focus=focus, entities=entities,
        codes=codes,
        concepts=frozenset(concepts), yes_no=yes_no, how_many=bool(HOW_MANY.search(q)),
        package=bool(PACKAGE_WORDS & set(raw)) and not contents,
        numbers=frozenset(w for w in content if w[0].isdigit()), parts=parts,
        counted=counted_term if counted_term and counted_term not in STOPWORDS else None,
        alternatives=alternatives, asked=asked, item=item_words,
        setting=_SETTINGS[on_setting.group(1)] if on_setting else frozenset(),
        code_families=_families(raw_tokens, codes), marked=marked, own=_own_thing(norm),
        lower_end=bool(_LOWER_END.search(norm)), backward=bool(_BACKWARD.search(norm)),
        other_product=other_product, only=yes_no and bool(_ONLY.search(norm)),
        procedure=bool(_PROCEDURE.search(q)) and (not concepts or bool(_BRINGING_ABOUT.search(q))),
        subject=_subject(q))


# "does the desk lamp have ...", "is my blanket ...", "los focos sirven ...", "can i put the
# water bottle in ..." (in English words)
_SUBJECT = re.compile(r"^(?:(?:do|does|did|will|would|can|could|should|is|are|was|were|has|"
                      r"have)\s+|"
                      # "can i put the water bottle in the dishwasher?"
                      r"(?:can|could|should|may) (?:i|you|we) (?:put|use|wash|leave|take|bring|"
                      r"plug|run|keep|microwave|freeze|dry|clean|charge)\s+)?"
                      r"(?:the|this|these|those|my|el|la|los|las|mi|mis)\s+"
                      r"([a-z][a-z ]*)")


# "can i put soda in the water bottle?": the item is what something is put in
_PUT_IN_SUBJECT = re.compile(r"^(?:can|could|should|may) (?:i|you|we) (?:put|pour|use|store|keep|"
                             r"carry) (?:[a-z]+ ){1,3}(?:in|into|inside) (?:the|this|my) "
                             r"([a-z][a-z ]*)")


def _subject(q: str) -> frozenset[str]:
    found = _SUBJECT.search(q) or _PUT_IN_SUBJECT.search(q)
    if not found:
        return frozenset()
    named: list[str] = []
    # "la tarjeta de regalo", "las luces de noche": one name
    for word in [w for w in found.group(1).split() if w not in ("de", "del")][:3]:
        if word in STOPWORDS or word in WEAK_WORDS or word in _ITEM_VERBS:
            break
        named.append(word)
    return frozenset(term(w) for w in named)


# "will it fit my 2008 jeep wrangler?", "does it work with our old tv?"; the place it should
# fit is the customer's too: "will it fit through the opening of a mailbox?"
_OWN = re.compile(r"\b(?:my|our|fits? (?:through|in|into|inside|under|between|over|onto|"
                  r"around)) ((?:[^?.!,;:()]|\.(?=\d))+)")
# what comes before the thing's name in "fit into one of the two slots"
_BEFORE_THING = frozenset(("a", "an", "the", "my", "our", "one", "of", "both", "either", "any",
                           "each"))
_ONLY = re.compile(r"\b(?:only|just|exclusively)\b")
_BACKWARD = re.compile(r"\bbackwards?[ -]?compatib")
_LOWER_END = re.compile(r"\b(?:as (?:little|low|small|few) as|down to)\s+\d")


def _own_thing(norm: str) -> tuple[str, ...]:
    """The words naming the customer's own thing: those after "my", or after "fit into"
    and the like, up to the first word that says something of it ("my phone with a case",
    "my car that ...")."""
    words: list[str] = []
    for match in _OWN.finditer(norm):
        found = tokens(match.group(1))
        if not match.group(0).startswith(("my ", "our ")):
            while found and (found[0] in _BEFORE_THING or found[0] in _NUMBER_WORDS):
                found = found[1:]
        for token in found[:4]:
            if token in STOPWORDS or token in WEAK_WORDS or token in _ITEM_VERBS:
                break
            words.append(token)
    return tuple(dict.fromkeys(words))


def names_nothing_asked(text: str) -> bool:
    """Whether a question names nothing of the item to ask about ("could you please look
    into this?", "and the other one?"; not "how do I use it?", "how big is it?")."""
    q = parse_question(text)
    return not q.concepts and not q.procedure and not q.text.startswith("how") \
        and q.content_set <= _SAYING_LITTLE


_SAYING_LITTLE = frozenset(term(w) for w in WEAK_WORDS | STOPWORDS)


def not_from_product_data(question: str) -> bool:
    """True for questions the detail data cannot settle by nature: shipping, price,
    returns, the seller's stock, opinions, comparisons, sizing advice, troubleshooting."""
    norm = normalize(question)
    return any(p.search(norm) for p in NOT_FROM_DATA)


# a statement after the question telling why it is asked ("is it wool? my son is allergic to
# wool", "is the kettle ok for 220v? im moving to spain", "¿sirve en 220v? es para mi mamá"):
# it speaks of the customer, and asks nothing
_OF_THE_CUSTOMER = re.compile(r"\b(?:i|im|i'm|ive|i've|id|i'd|my|me|we|our|mi|mis|yo|voy|vamos|"
                              r"pense|tengo|quiero|necesito|cant|can't)\b")
_ASKING = re.compile(r"^\W*(?:(?:and|also|plus|or|but|y|o|pero|tambien|ademas)\s+)?(?:is|are|"
                     r"does|do|did|can|could|will|would|should|has|have|what|whats|what's|which|"
                     r"how|where|when|who|why|any|que|cual|cuanto|cuantos|cuanta|cuantas|como|"
                     r"donde|cuando|se|puedo|puede|tiene|tienen|sirve|sirven|funciona|viene|"
                     r"vienen|trae|traen|incluye|hay)\b")


def main_question(text: str) -> str | None:
    """The question of a text that goes on with a statement about the customer, which asks
    nothing ("is the mug 16 oz? i thought i ordered the big one" -> "is the mug 16 oz?");
    None when the text is not so."""
    norm = normalize(text)
    head, mark, rest = norm.partition("?")
    if not mark or not rest.strip(" ?.!") or "?" in rest or len(tokens(head)) < 2:
        return None
    if _ASKING.search(rest) or not _OF_THE_CUSTOMER.search(rest):
        return None
    return head + "?"
