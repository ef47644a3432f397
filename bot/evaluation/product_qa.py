"""`csba evaluate product-qa FILE.jsonl`: how often the product answerer answers, and how often
its answer is right, on real shoppers' questions with labelled product evidence.

Record formats (shared/eval/*.jsonl):

- ePQA, hetPQA (evidence ranking) and hetPQA answer generation: `evidence` is a list of
  {source, text, label}. Product detail sources are "attribute", "bullet", "description",
  "Desc" and "OSP" (the last three are description text). "cqa"/"CQA" (community answers) and
  "review" are other shoppers' words, not product detail data: the answerer never sees them.
- semiPQA: no `evidence`; the attribute lines are in `product_text` and the relevant ones in
  `relevant_attributes`.

Label schemes, decided from the data:

- ePQA ("2=fully answers, 1=helpful not full, 0=irrelevant"): only 2 counts as relevant. The
  record's own `answerable` flag is true exactly when a product-detail item is labelled 2,
  and label-1 items are typically partial or off ("have in blue?" -> a bullet that says
  "... with frame black"; "where is this manufactured?" -> the manufacturer's name).
- hetPQA ("1=relevant (answers), 0=not") and the answer generation set (every item is 1):
  1 is relevant. The answer generation records carry one relevant item each, so their
  precision says little; their coverage says how often a fact that does answer is used.
- semiPQA: an attribute line is relevant when it is in `relevant_attributes`.

An answer is correct when the fact it quotes comes from an evidence item labelled relevant,
or when it agrees with the record's reference `answer` (the fact's value occurs in the
reference, or they share most of their content words). A record is answerable when at least
one product-detail item is relevant.

The figures, as usual in selective question answering:

- precision = correct / answered: how often an answer given is right;
- coverage = answered answerable records / answerable records: the fraction of the questions
  the product detail data can answer that get an answer;
- recall = correct / answerable: the fraction of those that get a right answer;
- coverage_all = answered / records: how often any answer is given.

Every file is split in two halves by a hash of the record id (stable across runs and
machines): "tune" is the half thresholds were calibrated on, "report" the half held out.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.evaluation.common import Evaluation
from bot.facts import ItemFacts
from bot.product_answers import answer_product_question, not_from_product_data, sentences
from bot.product_vocabulary import stem, tokens

ATTRIBUTE_SOURCES = frozenset(("attribute",))
BULLET_SOURCES = frozenset(("bullet",))
DESCRIPTION_SOURCES = frozenset(("description", "desc", "osp"))
DETAIL_SOURCES = ATTRIBUTE_SOURCES | BULLET_SOURCES | DESCRIPTION_SOURCES


def half(record_id: str) -> str:
    """"tune" or "report", by the parity of the first byte of the id's SHA-1."""
    return "tune" if hashlib.sha1(record_id.encode("utf-8")).digest()[0] % 2 == 0 else "report"


# -- attribute texts --------------------------------------------------------------------------
# 'item_weight:  { unit:pounds, normalized_value:{ unit:pounds, value:13. }, value:13. }'
# 'color:  { standardized_values:[ "brown" ], value:"coyote" }'
# 'compatible_devices:  { value:"a" }; { value:"b" }'

class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def peek(self) -> str:
        self.ws()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def value(self) -> Any:
        c = self.peek()
        if c == "{":
            return self.obj()
        if c == "[":
            return self.list()
        if c == '"':
            return self.quoted()
        return self.bare()

    def obj(self) -> dict[str, Any]:
        self.pos += 1  # {
        out: dict[str, Any] = {}
        while True:
            c = self.peek()
            if c == "}":
                self.pos += 1
                return out
            if c == ",":
                self.pos += 1
                continue
            if not c:
                return out
            match = re.compile(r"([A-Za-z_][\w]*)\s*:").match(self.text, self.pos)
            if not match:
                raise ValueError(f"no key at {self.pos}")
            self.pos = match.end()
            out[match.group(1)] = self.value()

    def list(self) -> list[Any]:
        self.pos += 1  # [
        out: list[Any] = []
        while True:
            c = self.peek()
            if c == "]":
                self.pos += 1
                return out
            if c == ",":
                self.pos += 1
                continue
            if not c:
                return out
            out.append(self.value())

    def quoted(self) -> str:
        self.pos += 1  # "
        chars: list[str] = []
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in "\\|" and self.pos + 1 < len(text) and text[self.pos + 1] == '"':
                chars.append('"')
                self.pos += 2
                continue
            if c == '"':
                self.pos += 1
                break
            chars.append(c)
            self.pos += 1
        return "".join(chars)

    def bare(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",}]":
            self.pos += 1
        return self.text[start:self.pos].strip()


def _number(value: Any) -> str:
    text = str(value).strip()
    if re.fullmatch(r"-?\d+\.\d*", text):
        text = text.rstrip("0").rstrip(".") or "0"
    return text


def _unit(unit: Any) -> str:
    return str(unit).replace("_", " ")


_SCALAR_WORDS = {"true": "yes", "false": "no"}
_DIMENSION_KEYS = ("length", "width", "height", "depth", "diameter", "thickness")


def _scalar(value: Any) -> str:
    text = str(value).strip()
    if text.lower() in _SCALAR_WORDS:
        return _SCALAR_WORDS[text.lower()]
    if re.fullmatch(r"-?\d+\.\d*", text):
        return _number(text)
    if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", text):
        return text.replace("_", " ")
    return text


def _render(value: Any) -> str:
    """A human reading of one parsed value."""
    if isinstance(value, list):
        return ", ".join(dict.fromkeys(r for r in (_render(v) for v in value) if r))
    if not isinstance(value, dict):
        return _scalar(value)
    keys = set(value)
    dims = [k for k in _DIMENSION_KEYS if isinstance(value.get(k), dict)]
    if dims:
        parts, units = [], set()
        for k in dims:
            part = value[k]
            chosen = part.get("normalized_value") if isinstance(part.get("normalized_value"),
                                                                dict) else part
            parts.append(_number(chosen.get("value", "")))
            units.add(_unit(chosen.get("unit", "")))
        unit = units.pop() if len(units) == 1 else ""
        letters = " x ".join(k[0].upper() for k in dims)
        return f"{' x '.join(parts)} {unit}".strip() + (f" ({letters})" if len(dims) > 1 else "")
    if "value" in keys and not isinstance(value["value"], (dict, list)):
        text = _scalar(value["value"])
        if "unit" in value:
            text = f"{_number(value['value'])} {_unit(value['unit'])}"
        elif "currency" in value:
            text = f"{_number(value['value'])} {str(value['currency']).upper()}"
        return text
    if "value" in keys:
        return _render(value["value"])
    if all(not isinstance(v, (dict, list)) for v in value.values()):
        # {quantity:4, type:aa}, {role:actor, name:"..."}
        return " ".join(_scalar(v) for v in value.values() if str(v).strip())
    parts = []
    for k, v in value.items():
        rendered = _render(v)
        if rendered and k not in ("standardized_values", "normalized_value", "language_tag"):
            parts.append(f"{k.replace('_', ' ')} {rendered}")
    return "; ".join(parts)


def parse_attribute(text: str) -> tuple[str, str] | None:
    """("item_weight", "13 pounds") from an attribute evidence text, or None."""
    match = re.match(r"\s*([A-Za-z_][\w]*)\s*:\s*", text)
    if not match:
        return None
    name = match.group(1)
    parser = _Parser(text)
    parser.pos = match.end()
    values: list[Any] = []
    try:
        while parser.peek():
            if parser.peek() == ";":
                parser.pos += 1
                continue
            before = parser.pos
            values.append(parser.value())
            if parser.pos == before:
                parser.pos += 1
    except (ValueError, IndexError, AttributeError):
        rest = text[match.end():].strip()
        return (name, rest) if rest else None
    rendered = ", ".join(dict.fromkeys(r for r in (_render(v) for v in values) if r))
    return (name, rendered) if rendered else None


def human_name(name: str) -> str:
    return name.replace("_", " ")


# -- records to items -------------------------------------------------------------------------

@dataclass
class _Case:
    record: dict[str, Any]
    item: ItemFacts
    # the evidence items the answerer saw: (source kind, text, relevant)
    evidence: list[tuple[str, str, bool]] = field(default_factory=list)
    # attribute fact "name: value" -> indexes into evidence
    attribute_index: dict[str, list[int]] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return any(relevant for _, _, relevant in self.evidence)


def _relevant(record: dict[str, Any], label: Any) -> bool:
    scheme = str(record.get("label_scheme") or "")
    try:
        value = int(label)
    except (TypeError, ValueError):
        return False
    if scheme.startswith("2="):  # ePQA: 2 fully answers; 1 is only helpful
        return value >= 2
    return value >= 1


def to_case(record: dict[str, Any]) -> _Case:
    """The ItemFacts the engine would hold for this record's product, and the labelled
    evidence behind each fact."""
    evidence: list[tuple[str, str, bool]] = []
    if isinstance(record.get("evidence"), list):
        for e in record["evidence"]:
            source = str(e.get("source", "")).lower()
            if source in DETAIL_SOURCES:
                evidence.append((source, str(e.get("text", "")), _relevant(record, e.get("label"))))
    elif "relevant_attributes" in record:
        relevant = set(record.get("relevant_attributes") or ())
        for line in str(record.get("product_text") or "").split("\n"):
            if line.strip():
                evidence.append(("attribute", line, line in relevant))
    attributes: list[tuple[str, str]] = []
    attribute_index: dict[str, list[int]] = {}
    bullets: list[str] = []
    descriptions: list[str] = []
    for i, (source, text, _) in enumerate(evidence):
        if source in ATTRIBUTE_SOURCES:
            parsed = parse_attribute(text)
            if parsed is None:
                continue
            name, value = human_name(parsed[0]), parsed[1]
            key = f"{name}: {value}"
            if key not in attribute_index:
                attributes.append((name, value))
            attribute_index.setdefault(key, []).append(i)
        elif source in BULLET_SOURCES:
            bullets.append(text)
        elif text.strip().lower() not in ("empty", ""):
            descriptions.append(text)
    item = ItemFacts(
        asin=str(record.get("asin") or record.get("id")), title=str(record.get("title") or ""),
        category="", quantity=1, price=Decimal("0"), bullets=tuple(bullets),
        description="\n".join(descriptions), attributes=tuple(attributes))
    return _Case(record, item, evidence, attribute_index)


# -- scoring ----------------------------------------------------------------------------------

def _squash(text: str) -> str:
    return " ".join(tokens(text))


def _content(text: str) -> set[str]:
    return {stem(t) for t in tokens(text) if len(t) > 2 and t not in _FILLER}


_FILLER = frozenset(("the", "and", "for", "with", "this", "that", "item", "product", "are",
                     "yes", "not", "its", "has", "have", "does", "can", "will", "you", "your",
                     "from"))


def matches_reference(fact_value: str, reference: str | None) -> bool:
    """Whether a fact agrees with the reference answer: its value occurs in the reference, or
    most of the reference's content words are in the fact."""
    if not reference:
        return False
    value, ref = _squash(fact_value), _squash(reference)
    if len(value) >= 3 and value not in ("yes", "no") and f" {value} " in f" {ref} ":
        return True
    ref_words, fact_words = _content(reference), _content(fact_value)
    if len(ref_words) < 2 or not fact_words:
        return False
    shared = len(ref_words & fact_words)
    return shared / len(ref_words) >= 0.6 and shared / len(fact_words) >= 0.3


def used_evidence(case: _Case, answer: Any) -> list[int]:
    """The evidence items the answer's fact came from."""
    if answer.attribute is not None:
        return case.attribute_index.get(answer.evidence, [])
    target = _squash(answer.evidence)
    if not target:
        return []
    kinds = BULLET_SOURCES if answer.source == "bullet" else DESCRIPTION_SOURCES
    hits = [i for i, (source, text, _) in enumerate(case.evidence)
            if source in kinds and target in _squash(text)]
    if not hits:  # a sentence that spans evidence items, or whitespace differences
        hits = [i for i, (source, text, _) in enumerate(case.evidence)
                if source in (BULLET_SOURCES | DESCRIPTION_SOURCES)
                and any(_squash(s) and _squash(s) in target for s in sentences(text))]
    return hits


@dataclass
class Tally:
    """The counts of one set or half, and the figures made of them."""
    records: int = 0
    answerable: int = 0
    answered: int = 0
    answered_answerable: int = 0
    correct: int = 0

    def add(self, answerable: bool, answered: bool, correct: bool) -> None:
        self.records += 1
        self.answerable += answerable
        self.answered += answered
        self.answered_answerable += answerable and answered
        self.correct += correct

    @property
    def precision(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    @property
    def coverage(self) -> float:
        """The records the data can answer that get an answer, over those records."""
        return self.answered_answerable / self.answerable if self.answerable else 0.0

    @property
    def recall(self) -> float:
        """Correct answers over the records the data can answer."""
        return self.correct / self.answerable if self.answerable else 0.0

    @property
    def coverage_all(self) -> float:
        """Answers given over all records."""
        return self.answered / self.records if self.records else 0.0

    def row(self, label: str) -> str:
        return (f"{label:24} {self.records:7d} {self.answerable:10d} {self.answered:8d} "
                f"{self.correct:7d} {self.precision:9.3f} {self.coverage:8.3f} "
                f"{self.recall:6.3f} {self.coverage_all:12.3f}")

    def figures(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 4), "coverage": round(self.coverage, 4),
                "coverage_all": round(self.coverage_all, 4), "recall": round(self.recall, 4),
                "answered": self.answered, "correct": self.correct,
                "answerable": self.answerable, "answered_answerable": self.answered_answerable,
                "records": self.records}


def _dataset(record: dict[str, Any]) -> str:
    return str(record.get("id", "")).split(":", 1)[0] or "records"


def score_record(record: dict[str, Any]) -> tuple[dict[str, Any], bool, bool, bool]:
    """(prediction, answerable, answered, correct) for one record."""
    case = to_case(record)
    answer = answer_product_question(str(record.get("question") or ""), (case.item,))
    prediction = {"id": record.get("id"), "predicted": None, "evidence": None, "abstained": True}
    if answer is None:
        return prediction, case.answerable, False, False
    used = used_evidence(case, answer)
    correct = any(case.evidence[i][2] for i in used)
    if not correct:
        value = answer.evidence.split(": ", 1)[1] if answer.attribute else answer.evidence
        correct = matches_reference(value, record.get("answer"))
    prediction.update(predicted=answer.sentence, evidence=answer.evidence, abstained=False)
    return prediction, case.answerable, True, correct


def evaluate(records: list[dict[str, Any]]) -> Evaluation:
    tallies: dict[tuple[str, str], Tally] = {}
    overall = {"all": Tally(), "tune": Tally(), "report": Tally()}
    predictions = []
    by_nature = weak = 0
    for record in records:
        prediction, answerable, answered, correct = score_record(record)
        predictions.append(prediction)
        if not answered:
            if not_from_product_data(str(record.get("question") or "")):
                by_nature += 1
            else:
                weak += 1
        name, part = _dataset(record), half(str(record.get("id", "")))
        for key in ((name, "all"), (name, part)):
            tallies.setdefault(key, Tally()).add(answerable, answered, correct)
        overall["all"].add(answerable, answered, correct)
        overall[part].add(answerable, answered, correct)
    header = (f"{'set / half':24} {'records':>7} {'answerable':>10} {'answered':>8} "
              f"{'correct':>7} {'precision':>9} {'coverage':>8} {'recall':>6} "
              f"{'coverage_all':>12}")
    lines = ["product questions answered from product detail data (attributes, bullets, "
             "description; never community answers or reviews)",
             "correct = the quoted fact is labelled relevant (ePQA: label 2 only) or agrees "
             "with the reference answer",
             "precision = correct / answered; coverage = answered answerable records / "
             "answerable records; recall = correct / answerable; coverage_all = answered / "
             "records",
             "halves by SHA-1 of the id (tune / report)", header]
    names = list(dict.fromkeys(name for name, _ in tallies))
    for name in names:
        for part in ("tune", "report", "all"):
            if (name, part) in tallies:
                lines.append(tallies[(name, part)].row(f"{name} {part}"))
    if len(names) > 1:
        for part in ("tune", "report", "all"):
            lines.append(overall[part].row(f"TOTAL {part}"))
    lines.append(f"abstained: {by_nature} not a question for the product data (shipping, "
                 f"price, returns, opinions, comparisons, ...), {weak} on weak evidence")
    # the headline: every record of the file together, then each half, then each set
    headline = overall["all"].figures()
    headline["report_half"] = overall["report"].figures()
    headline["tune_half"] = overall["tune"].figures()
    if len(names) > 1:
        headline["sets"] = {name: {part: tallies[(name, part)].figures()
                                   for part in ("all", "tune", "report")
                                   if (name, part) in tallies} for name in names}
    return Evaluation(lines=lines, headline=headline, predictions=predictions)
