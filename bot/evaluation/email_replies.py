"""`csba evaluate email-replies`: the visible reply our parser reads from real emails, scored
against what other reply parsers' test suites expect.

Each record carries `raw` (or `raw_b64`, the exact bytes), its `format` (`eml`: a whole message,
read by `parse_email(...).text`; `html`: an HTML body, read by
`visible_text(html_to_text(raw))`; `plain_body`: a text body, read by `visible_text(raw)`), the
expected reply in `expected_visible_reply` compared by `compare` (`exact`, `strip`: both
stripped; `whitespace_insensitive`: every run of whitespace counts as one space, ends
stripped), and `expected_reply_contains` / `expected_reply_not_contains`: strings the reply
must, or must not, hold. A record without an expected reply is scored on those alone; one
with neither is reported as unscored.

Signatures. The sources disagree on what is left under the reply: talon keeps the signature
lines (a "-- " block, "Sent from my iPhone"), email_reply_parser strips them. The service
itself strips them (`visible_text(..., keep_signature=False)`, what `parse_email` does): a
support bot needs the customer's own words without quoted history; a "-- " signature block is
harmless but brings names, phone numbers and addresses that entity detection could mistake
for an order's, and "Sent from my iPhone" is noise. A sign-off without a delimiter
("Thanks,\\nMaria") is kept: nothing tells it from the message. So that a source is measured
on what it disagrees with us about only (where quoted history starts), each record is scored
in the mode its `convention` states: a convention that keeps signature lines is read with
`keep_signature=True`, the others (and records that state none) as the service reads mail.
The report also gives the exact-match rate of the service's own mode on every record
(`exact_match_service_mode`), and the predictions hold the reply that was scored."""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from typing import Any

from bot.evaluation.common import Evaluation
from channels.email_html import html_to_text
from channels.email_parsing import MalformedEmail, body_text, parse_email, read_message
from channels.email_quotes import visible_text

OWN_DOMAIN = "evaluation.invalid"


def keeps_signature(convention: str | None) -> bool:
    """Whether a record's convention keeps the signature lines under the reply."""
    text = (convention or "").lower()
    return "signature" in text and bool(re.search(r"signature[^;,.]*\bkept|keeps? (the )?signature",
                                                  text))


def convention_name(record: dict[str, Any]) -> str:
    convention = record.get("convention")
    if not convention:
        return "unstated"
    return convention.split(":", 1)[0].strip() or "unstated"


def raw_bytes(record: dict[str, Any]) -> bytes:
    if record.get("raw_b64"):
        return base64.b64decode(record["raw_b64"])
    return str(record.get("raw", "")).encode("utf-8", "surrogateescape")


def reply_of(record: dict[str, Any], *, keep_signature: bool) -> str:
    """The visible reply our parser reads from a record's raw text, by its format."""
    kind = record.get("format", "plain_body")
    if kind == "eml":
        raw = raw_bytes(record)
        try:
            return parse_email(raw, own_domain=OWN_DOMAIN, keep_signature=keep_signature).text
        except MalformedEmail:   # no sender: the body can still be read
            return visible_text(body_text(read_message(raw)), keep_signature=keep_signature)
    text = raw_bytes(record).decode("utf-8", "replace") if record.get("raw_b64") \
        else str(record.get("raw", ""))
    if kind == "html":
        return visible_text(html_to_text(text), keep_signature=keep_signature)
    return visible_text(text, keep_signature=keep_signature)


def _normal(text: str, mode: str) -> str:
    if mode == "exact":
        return text
    if mode == "whitespace_insensitive":
        return " ".join(text.split())
    return text.strip()


def matches(predicted: str, expected: str, mode: str | None) -> bool:
    mode = mode or "strip"
    return _normal(predicted, mode) == _normal(expected, mode)


def checks_pass(predicted: str, record: dict[str, Any]) -> bool:
    flat = " ".join(predicted.split())
    contains = record.get("expected_reply_contains") or []
    not_contains = record.get("expected_reply_not_contains") or []
    return (all(" ".join(s.split()) in flat for s in contains)
            and not any(" ".join(s.split()) in flat for s in not_contains))


def _new_group() -> dict[str, int]:
    return {"records": 0, "with_expected": 0, "exact": 0, "service_exact": 0, "with_checks": 0,
            "checks_passed": 0, "passed": 0, "scored": 0}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def evaluate(records: list[dict[str, Any]]) -> Evaluation:
    result = Evaluation()
    groups: dict[str, dict[str, int]] = defaultdict(_new_group)
    misses: list[str] = []
    for record in records:
        name = record.get("name") or record.get("id")
        keep = keeps_signature(record.get("convention"))
        abstained = False
        try:
            predicted = reply_of(record, keep_signature=keep)
            service = predicted if not keep else reply_of(record, keep_signature=False)
        except Exception as exc:   # one unreadable record must not stop the report
            predicted = service = ""
            abstained = True
            misses.append(f"  {name}: cannot read ({exc})")
        result.predictions.append({"name": name, "predicted": predicted, "evidence": None,
                                   "abstained": abstained})
        expected = record.get("expected_visible_reply")
        has_checks = bool(record.get("expected_reply_contains")
                          or record.get("expected_reply_not_contains"))
        for group in (groups["overall"], groups[convention_name(record)]):
            group["records"] += 1
        if expected is None and not has_checks:
            continue
        ok = True
        for key in ("overall", convention_name(record)):
            groups[key]["scored"] += 1
        if expected is not None:
            exact = matches(predicted, expected, record.get("compare"))
            service_exact = matches(service, expected, record.get("compare"))
            ok = ok and exact
            for key in ("overall", convention_name(record)):
                groups[key]["with_expected"] += 1
                groups[key]["exact"] += exact
                groups[key]["service_exact"] += service_exact
            if not exact:
                misses.append(f"  {name} [{record.get('compare') or 'strip'}]\n"
                              f"    expected:  {expected!r:.300}\n    predicted: {predicted!r:.300}")
        if has_checks:
            passed = checks_pass(predicted, record)
            ok = ok and passed
            for key in ("overall", convention_name(record)):
                groups[key]["with_checks"] += 1
                groups[key]["checks_passed"] += passed
            if not passed:
                misses.append(f"  {name}: contains/not-contains check failed\n"
                              f"    predicted: {predicted!r:.300}")
        for key in ("overall", convention_name(record)):
            groups[key]["passed"] += ok

    def figures(group: dict[str, int]) -> dict[str, Any]:
        return {
            "records": group["records"], "scored": group["scored"],
            "with_expected": group["with_expected"],
            "exact_match": _rate(group["exact"], group["with_expected"]),
            "exact_match_service_mode": _rate(group["service_exact"], group["with_expected"]),
            "checks_passed": _rate(group["checks_passed"], group["with_checks"]),
            "passed": _rate(group["passed"], group["scored"]),
        }

    overall = figures(groups.pop("overall", _new_group()))
    by_convention = {name: figures(group) for name, group in sorted(groups.items())}
    result.headline = {**overall, "by_convention": by_convention}
    header = (f"{'convention':22} {'records':>7} {'scored':>6} {'exact':>7} {'service':>7} "
              f"{'checks':>7} {'passed':>7}")

    def row(name: str, f: dict[str, Any]) -> str:
        def show(value: float | None) -> str:
            return "      -" if value is None else f"{value:7.3f}"
        return (f"{name:22} {f['records']:7d} {f['scored']:6d} {show(f['exact_match'])} "
                f"{show(f['exact_match_service_mode'])} {show(f['checks_passed'])} "
                f"{show(f['passed'])}")

    result.lines += [
        f"records: {overall['records']}, scored: {overall['scored']} "
        f"({overall['with_expected']} with an expected reply)",
        "exact: match under each record's compare mode, signatures read as its convention says;"
        " service: the same with signatures stripped as the service does",
        header, row("all", overall),
        *(row(name, f) for name, f in by_convention.items()),
    ]
    if misses:
        result.lines += ["", "mismatches:", *misses]
    return result
