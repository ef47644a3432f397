"""The words of product questions and facts: stems, the Spanish words mapped onto English
ones, the concepts shoppers ask about (weight, dimensions, colour, ...) with the attribute
names and units that answer them, the questions product data cannot settle, and unit
conversion. Pure data and functions, used by bot.product_answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import normalize

# -- words ------------------------------------------------------------------------------------

def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(r"[a-z0-9]+(?:[.,]\d+)*")
_PARTS = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+")

STOPWORDS = wordset("""
a an the this that these those it its it's is are was were be been being am do does did doing
done have has had having can could will would should shall may might must of in on at to for
from by with about as into onto over under than then so if or and but not no yes i me my mine
we our you your yours he she they them their his her there here what which who whom whose when
where why how much many any some all each every one ones also just only very really too quite
please thanks thank hi hello hey product item thing things get got use used using
whats hows wheres whos thats dont doesnt cant wont isnt arent didnt
s t d ll re ve m y o
el la los las un una unos unas de del al que es son esta este estos estas esto ese esa por para
con sin se su sus lo le les mi mis tu tus como cual cuales cuanto cuanta cuantos cuantas hay
tiene tienen tengo puede pueden viene vienen y o e u en ya muy mas si no producto articulo
da dan
""")

# Words that carry little on their own: matched, they count for a little.
WEAK_WORDS = wordset("""
work works working worked fit fits fitting fitted come comes came include includes included
need needs needed want wants make makes made go goes going put keep use set kit type kind
size sizes new good great well long big small large little like look looks see one two able
way time part parts piece pieces side top bottom back front inside outside other another
same different enough easy easily etc recommend recommended suitable appropriate okay ok
please tell know wondering wonder say says said real actual actually exactly toy toys unit
device gadget order up range max min maximum minimum limit group
""")

_IRREGULAR = {"batteries": "battery", "lbs": "lb", "inches": "inch", "feet": "foot",
              "temp": "temperature", "temps": "temperature",
              "foot": "foot", "ft": "foot", "pounds": "pound", "ounces": "ounce",
              "children": "child", "kids": "kid", "people": "person", "men": "man",
              "women": "woman", "teeth": "tooth", "leaves": "leaf", "knives": "knife",
              "colour": "color", "colours": "color", "grey": "gray", "wooden": "wood",
              "metallic": "metal", "plastics": "plastic", "aluminium": "aluminum",
              "measurements": "dimension", "measurement": "dimension", "measures": "measure",
              "weighs": "weigh", "weighing": "weigh", "dimensions": "dimension",
              "included": "include", "includes": "include", "including": "include",
              "compatible": "compatible", "compatibility": "compatible", "does": "does",
              "has": "has", "was": "was", "is": "is", "this": "this", "his": "his",
              "its": "its", "yes": "yes", "gas": "gas", "glass": "glass", "us": "us",
              "series": "series", "plus": "plus", "bus": "bus", "lens": "lens",
              "canvas": "canvas", "status": "status", "xs": "xs", "ps": "ps", "os": "os",
              "ios": "ios", "pcs": "piece", "pc": "pc", "cm": "cm", "mm": "mm",
              "lenses": "lens", "wireless": "wireless", "lossless": "lossless",
              "gummies": "gummy", "women's": "woman", "mens": "man", "womens": "woman",
              "ladies": "lady"}


def stem(token: str) -> str:
    """A light English stemmer: plural and verb endings off, so "fits"/"fit" and
    "batteries"/"battery" meet. Good enough for matching, not for display."""
    if token in _IRREGULAR:
        return _IRREGULAR[token]
    if len(token) <= 3 or token[0].isdigit():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return token[:-2]
    if token.endswith("ss") or token.endswith("us") or token.endswith("is"):
        return token
    if token.endswith("s"):
        return token[:-1]
    if token.endswith("ing") and len(token) > 5:
        base = token[:-3]
        return base[:-1] if len(base) > 2 and base[-1] == base[-2] else base
    if token.endswith("ed") and len(token) > 4:
        base = token[:-2]
        return base[:-1] if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "ls" \
            else base
    return token


# "light" that says how much, not a lamp: "light remodeling", "light gray" (spelled "lite",
# it no longer meets "does it have a light?")
_LIGHT_AS_MUCH = frozenset((
    "duty", "use", "usage", "remodeling", "remodel", "repair", "repairs", "task", "tasks",
    "job", "jobs", "work", "chores", "cleaning", "cooking", "rain", "snow", "traffic",
    "sleeper", "sleepers", "exercise", "workouts", "gray", "grey", "blue", "green", "brown",
    "pink", "beige", "purple", "yellow", "wood", "oak", "tan", "khaki"))


def tokens(text: str) -> list[str]:
    """Lower-cased, accent-free word and number tokens ("5s", "gf652", "1.5" stay whole);
    snake_case names come apart."""
    text = text.replace("_", " ")
    # plain ASCII needs no accent folding (most product text; normalize is the slow part)
    found = _TOKEN.findall(text.lower() if text.isascii() else normalize(text))
    if "light" in found:
        found = ["lite" if token == "light" and following in _LIGHT_AS_MUCH else token
                 for token, following in zip(found, [*found[1:], ""], strict=True)]
    return found


def split_token(token: str) -> list[str]:
    """A token and, when it mixes letters and digits, its parts: "iphone5" also gives
    "iphone" and "5", so that "iphone 5" meets it."""
    if token.isalpha() or token.replace(".", "").replace(",", "").isdigit():
        return [token]
    return [token, *_PARTS.findall(token)]


def words_of(text: str) -> list[str]:
    return [part for token in tokens(text) for part in split_token(token)]


# -- Spanish --------------------------------------------------------------------------------
# Spanish question words for the common attributes, mapped onto English words the product
# data uses. Spanish words with no entry simply match nothing.
SPANISH = {
    "medidas": "dimension", "medida": "dimension", "dimensiones": "dimension",
    "dimension": "dimension", "mide": "dimension", "miden": "dimension", "tamano": "size",
    "tamanos": "size", "talla": "size", "grande": "big", "pequeno": "small", "alto": "tall",
    "altura": "height", "ancho": "width", "anchura": "width", "largo": "length",
    "longitud": "length", "profundidad": "depth", "grosor": "thickness", "diametro": "diameter",
    "peso": "weight", "pesa": "weigh", "pesan": "weigh", "pesado": "heavy", "ligero": "light",
    "material": "material", "materiales": "material", "hecho": "made", "hecha": "made",
    "hechos": "made", "fabricado": "made", "tela": "fabric", "color": "color", "colores": "color",
    "bateria": "battery", "baterias": "battery", "pila": "battery", "pilas": "battery",
    "recargable": "rechargeable", "voltaje": "voltage", "voltios": "volt", "volts": "volt",
    "potencia": "power", "brillante": "bright", "brillo": "brightness", "lumenes": "lumens",
    "nivel": "level", "niveles": "levels", "cada": "each", "varios": "several", "varias": "several",
    "ilumina": "light", "iluminan": "light", "vatios": "watt", "capacidad": "capacity",
    "litros": "liter",
    "edad": "age", "anos": "year", "meses": "month", "nino": "kid", "ninos": "kid",
    "incluye": "include", "incluyen": "include", "incluido": "include", "incluidos": "include",
    "trae": "include", "compatible": "compatible", "funciona": "work", "sirve": "work",
    "impermeable": "waterproof", "agua": "water", "garantia": "warranty", "marca": "brand",
    "fabricante": "manufacturer", "idioma": "language", "ingles": "english",
    "espanol": "spanish", "piezas": "piece", "unidades": "count", "cantidad": "count",
    "jugadores": "player", "paginas": "page", "madera": "wood", "metal": "metal",
    "plastico": "plastic", "acero": "steel", "inoxidable": "stainless", "vidrio": "glass",
    "cuero": "leather", "algodon": "cotton", "negro": "black", "negra": "black",
    "blanco": "white", "blanca": "white", "rojo": "red", "roja": "red", "azul": "blue",
    "verde": "green", "amarillo": "yellow", "gris": "gray", "rosa": "pink", "morado": "purple",
    "cargador": "charger", "cable": "cable", "pantalla": "screen", "tapa": "lid", "mandril": "chuck",
    "portabrocas": "chuck",
    "bolsa": "bag", "estuche": "case", "funda": "case cover", "instrucciones": "instruction",
    "manual": "manual", "velocidad": "speed", "temperatura": "temperature", "grados": "degrees",
    "grado": "degree", "centigrados": "celsius",
    "cuantos": "how many", "cuantas": "how many", "cuanto": "much", "cuanta": "much",
    "bocina": "speaker", "altavoz": "speaker", "parlante": "speaker", "resistente": "resistant",
    "sumergible": "waterproof", "inalambrico": "wireless", "carga": "charge",
    "cargar": "charge", "dura": "last", "duracion": "life", "microfono": "microphone",
    "enchufe": "plug", "pulgadas": "inches", "libras": "pounds", "kilos": "kg",
    "centimetros": "cm", "onzas": "ounces", "vatio": "watt", "voltio": "volt",
    "lavar": "wash", "lava": "wash", "lavan": "wash", "lavable": "wash",
    "lavadora": "machine wash", "secadora": "dryer", "secar": "dry", "planchar": "iron",
    "lavavajillas": "dishwasher", "horno": "oven", "microondas": "microwave",
    "induccion": "induction", "estufa": "stove", "piscina": "pool", "pisina": "pool", "alberca": "pool",
    "ducha": "shower", "regadera": "shower", "mojar": "wet", "mojarse": "wet",
    "sumergir": "submerge", "calor": "heat", "frio": "cold", "caliente": "hot",
    "cabe": "hold", "caben": "hold", "llamadas": "call", "llamada": "call", "puerto": "port",
    "puertos": "port", "dimeable": "dimmable", "dimeables": "dimmable", "regulable": "dimmable",
    "atenuar": "dim", "apaga": "off", "apagado": "off", "hervir": "boil", "tarda": "long",
    "meter": "put", "enciende": "on", "prende": "on", "prueba": "proof", "cargarse": "charge",
    "tiempo": "time",
    # the words shoppers text about what they bought (27 Nov: a set of questions written in
    # Spanish about the demo catalogue, eval/product_questions_es.dev.jsonl, and the Spanish
    # product questions of locales/es). "taza" is an item noun ("mug"), not "cup mug": a
    # cup is also a measure, and read so it asked for a capacity.
    "hierve": "boil", "hierva": "boil", "electrica": "electric", "electrico": "electric",
    "dentro": "inside", "adentro": "inside", "toca": "touch", "sabor": "taste",
    "sepa": "taste", "hierro": "iron", "fundido": "cast", "lavaplatos": "dishwasher",
    "lavaplato": "dishwasher", "lavatrastes": "dishwasher", "lavavajilla": "dishwasher",
    "aguanta": "resistant", "aguantan": "resistant", "resiste": "resistant",
    "resisten": "resistant", "colgar": "hang", "colgarla": "hang", "colgarlo": "hang",
    "hoyo": "hole", "hoyito": "hole", "agujero": "hole", "poliester": "polyester",
    "encoge": "shrink", "encogen": "shrink", "encogerse": "shrink", "lavarla": "wash",
    "lavarlo": "wash", "lavarlas": "wash", "lavarlos": "wash", "guardar": "storage",
    "guardarla": "storage", "guardarlo": "storage", "cuarto": "room", "habitacion": "room",
    "oscuro": "dark", "oscura": "dark", "totalmente": "completely", "grueso": "thick",
    "gruesa": "thick", "gruesito": "thick", "tubo": "rod", "barra": "rod", "traen": "include",
    "cae": "fall", "caer": "fall", "conectar": "connect", "conecto": "connect",
    "conectarlo": "connect", "estereo": "stereo", "suena": "sound", "suenan": "sound",
    "sonido": "sound", "rapida": "fast", "rapido": "fast", "muselina": "muslin",
    "cubre": "cover", "cubrir": "cover", "lactancia": "nursing", "organico": "organic",
    "organica": "organic", "destine": "bleed", "destinen": "bleed", "destenir": "bleed",
    "lavada": "wash", "primera": "first", "necesita": "need", "nesesita": "need",
    # (28 Nov, from Spanish conversations with the demo customers)
    "bocinas": "speaker", "bloquean": "block", "bloquea": "block", "luz": "light",
    "dimmer": "dimmable",
    "herramienta": "tool", "herramientas": "tool", "aceite": "oil", "aceitar": "oil",
    "emparejar": "pair", "parear": "pair", "enlazar": "pair",
    "necesitan": "need", "inflar": "expand", "inflarse": "expand", "despues": "after",
    "blando": "soft", "blandito": "soft", "suave": "soft", "duro": "firm", "firme": "firm",
    "lado": "side", "lados": "side", "caja": "box", "paquete": "package", "vienen": "come",
    "viene": "come", "refri": "fridge",
    "refrigerador": "fridge", "nevera": "fridge", "heladera": "fridge",
    "vegetariano": "vegetarian", "cuajo": "rennet", "regalo": "gift", "vence": "expire",
    "vencen": "expire", "caduca": "expire", "felicitacion": "greeting", "recargar": "reload",
    "picar": "cut", "grabado": "engrave", "grabar": "engrave", "letras": "character",
    "ranura": "groove", "canal": "groove", "canalito": "groove", "jugo": "juice",
    "carne": "meat", "dibujo": "drawing", "nombre": "name", "micro": "microwave",
    "cafe": "coffee", "mantiene": "keep",
    "mantienen": "keep", "calzo": "shoe", "quedan": "fit", "queda": "fit", "olor": "smell",
    "pies": "foot", "sudan": "sweat", "sudor": "sweat", "diabetico": "diabetic",
    "diabeticos": "diabetic", "percusion": "hammer", "taladrar": "drill",
    "concreto": "concrete", "cemento": "concrete", "celular": "phone", "cel": "phone",
    "movil": "phone", "telefono": "phone", "cambiar": "replace", "rosca": "base",
    "hora": "hour", "horas": "hour", "duran": "last", "controlar": "control",
    "noche": "night", "prenden": "on", "encienden": "on", "guirnalda": "string",
    "tipo": "kind", "nublado": "cloudy", "acampar": "camp", "flota": "float",
    "flotar": "float", "apagador": "switch", "interruptor": "switch", "ajustar": "adjustable",
    "ajustable": "adjustable", "electricidad": "electricity", "electrisidad": "electricity",
    "movimiento": "motion", "fria": "cold", "frias": "cold", "echar": "put",
    "refresco": "soda", "hielo": "ice", "popote": "straw", "pajilla": "straw",
    "pitillo": "straw", "capucha": "hood", "gorro": "hood", "bolsillo": "pocket",
    "bolsillos": "pocket", "cierre": "zip", "reciclado": "recycled", "reciclada": "recycled",
    "huele": "smell", "huelen": "smell", "mecha": "wick", "gato": "cat", "perro": "dog",
    "segura": "safe", "seguro": "safe", "apta": "safe", "apto": "safe",
    # how an item behaves, asked ("¿la tapa gotea?")
    "gotea": "leak", "gotean": "leak", "fugas": "leak", "derrite": "melt", "derriten": "melt",
    "calienta": "hot", "calientan": "hot", "oxida": "rust", "oxidan": "rust", "suda": "sweat",
    "parpadea": "flicker", "parpadean": "flicker",
    "lavo": "wash", "lavamos": "wash", "consume": "power", "consumen": "power",
    "gasta": "power", "gastan": "power",
}
# Item nouns ("colchón", "focos") are read through bot.understanding.item_noun, the table the
# dialogue names items by.
# A Spanish question that does not open with a question word is a yes/no question
# ("¿La bocina es resistente al agua?").
SPANISH_WH = frozenset(("que", "cual", "cuales", "cuanto", "cuanta", "cuantos", "cuantas",
                         "como", "donde", "cuando", "quien", "quienes", "por", "para"))
SPANISH_MARKERS = wordset(
    "que cual cuales cuanto cuanta cuantos cuantas donde como tiene tienen es son esta viene "
    "vienen trae traen cabe caben "
    "incluye sirve funciona de del el la los las un una para con por se puede pueden en al")

# -- concepts -------------------------------------------------------------------------------
# A concept ties question words to attribute names and to the units of a value.

@dataclass(frozen=True)
class Concept:
    name: str
    asked_by: frozenset[str]        # stemmed question words
    attribute_words: frozenset[str]  # stemmed words of attribute names
    value_unit: re.Pattern[str] | None = None  # a value in this unit answers it


def _concept(name: str, asked: str, attribute: str, unit: str | None = None) -> Concept:
    return Concept(name, frozenset(stem(w) for w in asked.split()),
                   frozenset(stem(w) for w in attribute.split()),
                   re.compile(unit, re.I) if unit else None)


_LENGTH_UNIT = (r"(?:\d|[\u00bc-\u00be]|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                r"eleven|twelve))\s*-?\s*(?:in|inch|inches|cm|mm|centimeters?|millimeters?|ft|feet|"
                r"foot|m|meters?|yards?)\b|(?:\d|[\u00bc-\u00be])\s*(?:\"|''|\u201d|\u201c|\u2033)")
# "2 to 4 players", "2-6 players", "a two-player game", "for 3+ players"
_COUNT_WORD = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)"
_PLAYERS_UNIT = (rf"\b{_COUNT_WORD}\+?(?:\s*(?:-|to|or|\u2013)\s*{_COUNT_WORD})?\+?\s*-?\s*"
                 r"players?\b")
_WEIGHT_UNIT = r"\d\s*(?:lbs?|pounds?|oz|ounces?|kg|kilograms?|kilos?|g|grams?)\b"
_VOLUME_UNIT = (r"\d\s*(?:l|liters?|litres?|ml|milliliters?|gallons?|gal|qt|quarts?|cups?|"
                r"fl\.? ?oz|cu\.? ?ft|cubic)\b")

CONCEPTS: tuple[Concept, ...] = (
    _concept("weight", "weigh weight heavy heaviness lb pound kg kilo kilogram gram ounce",
             "weight", _WEIGHT_UNIT),
    _concept("dimensions", "dimension size big tall height high wide width length deep depth "
             "thick thickness diameter measure inch cm centimeter millimeter foot large small "
             "short", "dimension height width length depth diameter size thickness",
             _LENGTH_UNIT),
    _concept("color", "color black white red blue green yellow gray pink purple orange brown "
             "silver gold beige ivory navy tan clear transparent", "color"),
    _concept("material", "material made fabric plastic metal wood steel stainless aluminum "
             "glass leather cotton polyester silicone rubber nylon ceramic vinyl bamboo "
             "polycarbonate foam wool wooden pine oak maple birch walnut cedar mahogany teak "
             "linen satin velvet jute hemp cashmere "
             "brass copper zinc pvc resin canvas denim silk suede latex porcelain granite",
             "material fabric"),
    _concept("voltage", "volt voltage 110v 120v 220v 240v 110 120 220 230 240 12v",
             "voltage", r"\d\s*(?:v|volts?)\b"),
    _concept("power", "watt wattage power", "wattage power watt", r"\d\s*(?:w|watts?)\b"),
    _concept("battery", "battery rechargeable aa aaa cell", "battery"),
    _concept("capacity", "capacity hold volume liter gallon cup quart ml milliliter millilitre",
             "capacity volume",
             _VOLUME_UNIT),
    # "ages 3+", "6 years and up", "aged between 3 and 8", "between the ages of 5-9"
    _concept("age", "age old year month kid child toddler baby adult teen infant",
             "age", r"\b\d+\s*(?:\+|and up|& up|years?|yrs?|months?|mos?)(?!\w)|\bages?\s*(?:of\s*)?\d"
             rf"|\bage[ds]?\s+(?:between\s+|from\s+)?{_COUNT_WORD}\b"),
    _concept("compatible", "compatible fit work model iphone samsung galaxy ipad windows mac "
             "android version", "compatible compatibility platform operating"),
    _concept("included", "include come box contain accessory", "include included component"),
    _concept("count", "count pack number piece quantity", "number count quantity eache piece"),
    _concept("players", "player", "player", _PLAYERS_UNIT),
    _concept("brand", "brand manufacturer manufacture make maker", "brand manufacturer"),
    _concept("origin", "country origin usa china", "country origin import designation"),
    _concept("water", "waterproof water", "water"),
    _concept("warranty", "warranty guarantee", "warranty"),
    _concept("language", "language english spanish french german", "language"),
    _concept("pages", "page", "page"),
    _concept("light", "bulb lumen bright brightness led", "light bulb lumen brightness"),
    # the vocabulary of catalogue attributes: a question's word meets the attribute named for
    # what it asks ("is the pillow soft?" -> "item firmness description: plush")
    _concept("firmness", "firm firmness soft plush", "firmness"),
    _concept("connectivity", "bluetooth wifi wireless ethernet usb hdmi connect connection "
             "connectivity port interface", "connectivity interface wireless connector bluetooth"),
    _concept("occasion", "occasion wedding party birthday casual formal event", "occasion"),
    _concept("fit", "loose tight slim skinny baggy", "fit"),
    _concept("form", "gummy tablet capsule chewable liquid powder pill softgel form", "form"),
    _concept("allergen", "allergy allergic allergen nut peanut gluten dairy ingredient",
             "allergen ingredient"),
    _concept("storage", "gb tb memory ram", "storage memory disk"),
    _concept("resolution", "resolution pixel megapixel 1080p 4k hd uhd fhd", "resolution"),
    _concept("gender", "gender man woman boy girl male female unisex lady",
             "gender audience"),
    _concept("species", "dog cat pet puppy kitten bird", "species"),
    _concept("load", "load support", "load recommendation hold support",
             _WEIGHT_UNIT),
    _concept("scent", "scent smell fragrance scented unscented", "scent"),
    _concept("flavor", "flavor taste", "flavor"),
    _concept("shape", "shape round square rectangular oval", "shape"),
    _concept("skill", "beginner skill", "skill"),
    _concept("assembly", "assembly assemble", "assembly"),
    _concept("setting", "indoor outdoor", "indoor outdoor"),
    # asked by "how long does it last / take": see _question
    _concept("duration", "hour minute runtime", "life time hour runtime duration",
             r"\d\s*(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?|months?|years?)\b"),
)

# Attributes that are about the package or the listing, never about what the customer holds,
# unless the question is about the package.
PACKAGE_WORDS = frozenset(("package", "packaging", "box", "ship", "shipping", "shipped",
                           "carton", "packed"))
PACKAGE_ATTRIBUTE = re.compile(r"package|shipping|website|box|carton")
# Attribute names that never answer a shopper's question by themselves.
NOISE_ATTRIBUTES = frozenset((
    "vendor_name", "binding", "part_number", "model_number", "is_fragile", "is_memorabilia",
    "cannot_overwrap", "is_exclusive_product", "is_sold_in_stores", "is_base_product",
    "customer_package_type", "number_of_boxes", "is_heat_sensitive", "is_sensitive_for_disclosure",
    "is_white_glove_required", "cpsia_cautionary_statement", "list_price", "item_package_quantity",
    "specification_met", "is_discontinued_by_manufacturer", "customer_return_policy",
    "website_shipping_weight", "publication_date", "model_year", "is_adult_product",
    "is_expiration_dated_product", "is_autographed", "externally_assigned_product_identifier",
    "supplier_declared_dg_hz_regulation", "item_type_name", "product_site_launch_date",
))

# Attribute values that say nothing (catalogue placeholders).
JUNK_VALUES = frozenset(("", "string", "na", "n/a", "null", "none", "unknown", "other",
                         "not applicable", "-", "see description", "default"))

# -- questions the product data cannot settle --------------------------------------------------

NOT_FROM_DATA = tuple(re.compile(p) for p in (
    # shipping and delivery (the package's weight is a product fact, though)
    r"\b(ship|ships|shipping|shipped|shipment|deliver|delivered|delivery|arrive|arrival|"
    r"envio|envia|enviar|enviado|entrega|llega|llegar|llegara)\b(?!.*\bweigh)",
    # price, deals, payment
    r"\b(price|prices|priced|pricing|cost|costs|cheap|cheaper|expensive|discount|coupon|"
    r"refund|refunds|rebate|precio|cuesta|cuestan|barato|caro|descuento|reembolso)\b",
    r"\$\s*\d|\bdollars?\b|\bhow much (is|are|for) (it|this|these|that|they|one|the set)\s*\??$",
    r"\bcuanto (cuesta|vale|cuestan|valen)\b",
    # returns, exchanges
    r"\b(return|returns|returned|returning|exchange|devolver|devolucion|cambiar)\b",
    # the seller, the listing, stock and ordering
    r"\b(seller|sellers|vendor|stores|in store|(?<!card )stock|restock|wholesale|sample|samples|"
    r"vendedor|tienda|comprar|order more|checkout|listing|listed here|website|web site|"
    r"description says|discription)\b",
    # "do you know what it weighs?" asks what it weighs
    r"\bdo you (sell|carry|make|offer|ship|know(?! (what|if|whether|how|where|which))|recommend|"
    r"think|like)\b|"
    r"\bdo you have (?!to\b)",
    r"\b(can|could|may) (i|we) (order|buy|purchase) \b|\bwhere (can|do) (i|we) (buy|get|find|order)\b",
    r"\b(available|availability) (in|to|for)\b|\bavailable\?",
    # other variants of the listing ("does it come in other colors?", "can i get it in suede?")
    r"\b(come|comes|made) in (a )?(variety|other|different|more|another|several|multiple|"
    r"various|any other)\b|\b(can|could) (i|we|you) get (it|this|these|them|one) in\b",
    # opinions and other people's experience
    r"\b(anyone|anybody|someone|somebody|everyone)\b(?! (know|tell))",
    r"\b(reviews?|reviewers?|worth|opinion|experience|experiences|satisfied|happy with|"
    r"really|honestly|pros|cons|quality|durable\?|reliable\?|sturdy\?|comfortable\?|"
    r"alguien|opinion|recomienda|vale la pena|calidad)\b",
    r"\b(is|are) (it|this|these|they) (any )?(good|great|worth|nice|bad|ok|okay)\s*\??$",
    r"\bhow (good|well|bad|reliable|sturdy|durable|comfortable|loud|quiet|noisy|strong|"
    r"accurate|effective)\b",
    r"\b(does|do|did|will) (it|this|they|these) (work|last) (well|good|long)\b",
    r"\bdoes (it|this|this product|this item) work\s*\??$",
    r"\b(best|worst|favorite|favourite|prefer)\b",
    # comparisons with other products and variants
    r"\b(difference|differences|different from|differ|compare|compared|comparison|versus|vs)\b",
    r"\b(same as|similar to|equivalent|better than|worse than|diferencia|mejor que|igual que)\b",
    # sizing advice and the customer's own body
    r"\b(size up|size down|sizing|run small|runs small|run large|runs large|run big|runs big|"
    r"true to size|order a size|should i (get|order|buy)|what size should)\b",
    r"\b(i am|i'm|im) (a|an)? ?\d|\bmy (waist|size|height|weight)\b",
    # troubleshooting, why, what if, time to act
    r"\b(what if|why|troubleshoot|broke|broken|stopped working|not working|"
    r"por que)\b",
    r"\bhow (long|soon|fast|quickly) (does|do|will|would|did|until|before|after|is the wait)\b"
    # (how long it lasts, charges, burns, keeps, takes to play, assemble or heat is the
    # product's own)
    r"(?!.*\b(battery|batteries|charge|charging|last|lasts|play|assemble|heat|inflate|"
    r"boil|brew|cook|dry|build|burn|burns|keep|keeps|stay|stays|run|runs|glow|glows|lit|"
    r"cold|hot)\b)",
    r"^\W*(when|cuando)\b",
    # the order itself
    r"\b(my order|the order|order number|tracking|cancel|invoice|receipt)\b",
))

YES_NO_START = re.compile(
    r"^(is|are|does|do|did|can|could|will|would|should|has|have|had|was|were|may|might|"
    r"am|shall|es|son|tiene|tienen|viene|vienen|sirve|funciona|puede|puedo|incluye|esta|hay)\b")
HOW_MANY = re.compile(r"\b(how many|cuantos|cuantas|number of)\b")
DURATION = re.compile(r"\bhow long (does|do|will|would|can|did|is the battery|will the battery|"
                       r"does the battery|to)\b|\blast(s)?\b|\b(battery|run|play) ?(life|time)\b|"
                       r"\bduracion\b|\bdura\b")


# -- units and conversion ---------------------------------------------------------------------

_UNIT_ALIASES: dict[str, str] = {}
for _canonical, _aliases in {
    "in": ("in", "inch", "inches", '"', "''", "\u201d", "\u2033"),
    "ft": ("ft", "foot", "feet", "'", "\u2032"),
    "cm": ("cm", "centimeter", "centimeters", "centimetre", "centimetres"),
    "mm": ("mm", "millimeter", "millimeters", "millimetre", "millimetres"),
    "m": ("m", "meter", "meters", "metre", "metres"),
    "lb": ("lb", "lbs", "pound", "pounds"),
    "oz": ("oz", "ounce", "ounces"),
    "kg": ("kg", "kgs", "kilogram", "kilograms", "kilo", "kilos"),
    "g": ("g", "gram", "grams", "gr"),
    "l": ("l", "liter", "liters", "litre", "litres"),
    "ml": ("ml", "milliliter", "milliliters", "millilitre", "millilitres"),
    "floz": ("fl oz", "fl. oz", "fl.oz", "fluid ounce", "fluid ounces", "fl ounces"),
    "gal": ("gal", "gallon", "gallons"),
    "qt": ("qt", "quart", "quarts"),
    "f": ("f", "\u00b0f", "degrees fahrenheit", "degrees f", "fahrenheit"),
    "c": ("\u00b0c", "degrees celsius", "degrees c", "celsius"),
}.items():
    for _alias in _aliases:
        _UNIT_ALIASES[_alias] = _canonical

# to: (unit shown, factor) ; temperatures are handled apart
_CONVERT: dict[str, tuple[str, float]] = {
    "in": ("cm", 2.54), "ft": ("m", 0.3048), "cm": ("in", 1 / 2.54), "mm": ("in", 1 / 25.4),
    "m": ("ft", 1 / 0.3048), "lb": ("kg", 0.45359237), "oz": ("g", 28.349523125),
    "kg": ("lb", 1 / 0.45359237), "g": ("oz", 1 / 28.349523125),
    "l": ("fl oz", 33.814022702), "ml": ("fl oz", 0.033814022702),
    "floz": ("ml", 29.5735295625), "gal": ("L", 3.785411784), "qt": ("L", 0.946352946),
}
_NUMBER = r"\d+(?:[.,]\d+)?(?:\s+\d+/\d+|/\d+)?"
_UNIT_PATTERN = "|".join(sorted((re.escape(a) for a in _UNIT_ALIASES), key=len, reverse=True))
# "12 x 8 x 4 inches", "12" x 8"", "5 lb", "1.5 L", "10-12 inches" (a range)
_QUANTITY = re.compile(
    rf"(?<![\w.])(?P<nums>{_NUMBER}(?:\s*(?:{_UNIT_PATTERN})?\s*(?:x|\u00d7|\*|by|-|to)\s*{_NUMBER}){{0,3}})"
    rf"\s*(?P<unit>{_UNIT_PATTERN})(?![a-z])"
    # a unit of torque is none of its parts: "400 in-lb" is not 1016 cm
    r"(?!\s*[-\u00b7.]\s*(?:lbs?|pounds?|ft|feet|foot|in|inch)\b)", re.I)
# An ounce of a capacity, or of a mug or a bottle, is a fluid ounce: "capacity: 12 oz" is
# 355 ml, not 340 g; unless a weight is meant ("weight: 14 oz").
_WEIGHT = re.compile(r"\b(weight|weighs|heavy|net wt)\b", re.I)
_CAPACITY = re.compile(r"\b(capacity|volume|holds?|fluid|liquid|liquids|drink|drinks|mugs?|cups?|"
                       r"bottles?|tumblers?|pitchers?|thermos|flasks?|carafes?)\b", re.I)
# "cellular technology: 4g hspa+", "4G LTE": a network's generation, not 4 grams
_GENERATION = re.compile(r"[2-6]g", re.I)
_NETWORK = re.compile(r"\b(?:lte|hspa\+?|gsm|cdma|umts|cellular|network|networks|unlocked|"
                      r"carrier|wireless|mobile|phone|smartphone|sim|wifi|wi-fi)\b", re.I)
_SPLIT_NUMS = re.compile(rf"{_NUMBER}")
_SEPARATOR = re.compile(r"\s*(x|\u00d7|\*|by|-|to)\s*", re.I)


def _to_float(number: str) -> float:
    number = number.replace(",", ".")
    if " " in number:
        whole, fraction = number.split()
        top, bottom = fraction.split("/")
        return float(whole) + float(top) / float(bottom)
    if "/" in number:
        top, bottom = number.split("/")
        return float(top) / float(bottom) if float(bottom) else 0.0
    return float(number)


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def convert_units(text: str, about: str = "") -> str | None:
    """The quantities of `text` in the other unit system: "12 x 8 x 4 inches" ->
    "30.5 x 20.3 x 10.2 cm", "2.2 lb" -> "1.0 kg", "1.5 L" -> "50.7 fl oz". None when the
    text has no quantity with a unit. `about` (the attribute's name, the item's title) tells
    a fluid ounce from an ounce of weight."""
    converted: list[str] = []
    text = text.replace('\\"', '"')
    context = f"{text} {about}"
    capacity = bool(_CAPACITY.search(context)) and not _WEIGHT.search(context)
    for match in _QUANTITY.finditer(text):
        unit = _UNIT_ALIASES.get(match.group("unit").lower().replace("  ", " "))
        if unit is None or _GENERATION.fullmatch(match.group(0)) and _NETWORK.search(context):
            continue
        if unit == "oz" and capacity:
            unit = "floz"
        nums_text = match.group("nums")
        # a unit inside the run ("12" x 8"") is the same unit
        nums_text = re.sub(rf"\s*(?:{_UNIT_PATTERN})(?=\s*(?:x|\u00d7|\*|by|-|to)\s*\d)", "",
                           nums_text, flags=re.I)
        numbers = [_to_float(n) for n in _SPLIT_NUMS.findall(nums_text)]
        seps = [s.strip().lower() for s in _SEPARATOR.findall(nums_text)]
        if not numbers:
            continue
        if unit in ("f", "c"):
            if unit == "f":
                values = [(n - 32) * 5 / 9 for n in numbers]
                target = "\u00b0C"
            else:
                values = [n * 9 / 5 + 32 for n in numbers]
                target = "\u00b0F"
        else:
            target, factor = _CONVERT[unit]
            values = [n * factor for n in numbers]
            # big numbers read better in the larger unit
            if target == "fl oz" and max(values) > 128:
                target, values = "gal", [v / 128 for v in values]
            elif target == "oz" and max(values) >= 16:
                target, values = "lb", [v / 16 for v in values]
        joined = _fmt(values[0])
        for sep, value in zip(seps, values[1:], strict=False):
            joined += (" - " if sep in ("-", "to") else " x ") + _fmt(value)
        converted.append(f"{joined} {target}")
    if not converted:
        return None
    return "; ".join(dict.fromkeys(converted))
