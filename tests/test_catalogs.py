"""Every text a reader sees exists in their language: the catalogs are complete for their
audience (customers: en, es; sellers: en, zh), up to date with the templates, and every branch
of every template renders in every language."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.case_rules import ACCEPTED_ANSWERS, KINDS
from bot.facts import ItemFacts, OrderFacts, SellerFacts
from bot.templating import Templates

ROOT = Path(__file__).resolve().parent.parent
# The console's text in gettext is what sellers read there (leads' pages are English only).
AUDIENCES = {"customer": ("en", "es"), "email": ("en", "es"), "seller": ("en", "zh"),
             "voice": ("en", "es"), "console": ("en", "zh")}


def extracted() -> dict[str, set[str]]:
    """msgid -> the template folders it appears in, straight from the templates."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, set()).add(Path(filename).parts[1])
    return found


def catalog(lang: str):
    with open(ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def test_the_template_of_catalogs_is_up_to_date():
    with open(ROOT / "locales" / "messages.pot", "rb") as pot:
        pot_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}
    assert pot_ids == set(extracted()), "run: python scripts/update_catalogs.py"


@pytest.mark.parametrize("lang", ["en", "es", "zh"])
def test_each_catalog_translates_everything_its_audience_reads(lang):
    messages = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog(lang) if m.id}
    missing = []
    for msgid, folders in extracted().items():
        if not any(lang in AUDIENCES[folder] for folder in folders):
            continue
        message = messages.get(msgid)
        strings = [] if message is None else (
            list(message.string) if isinstance(message.string, tuple) else [message.string])
        if not strings or not all(strings):
            missing.append(msgid)
    assert missing == []


MOMENT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def sample_order(status: str = "Unshipped") -> OrderFacts:
    seller = SellerFacts(id="S1", name="Shenzhen Lamp Co", language="zh", enrolled_at=MOMENT,
                         opted_out_at=None, return_address_country="CN",
                         email="ops@lamp.example", timezone="Asia/Shanghai")
    item = ItemFacts(asin="B0TEST0001", title="LED Desk Lamp, Dimmable, 9 W", category="Home",
                     quantity=1, price=Decimal("24.99"), sku="LAMP-01")
    return OrderFacts(order_id="112-1234567-1234567", fulfillment="MFN", status=status,
                      purchased_at=MOMENT, currency="USD", seller=seller, items=(item,),
                      latest_ship_date=MOMENT, earliest_delivery_date=MOMENT,
                      latest_delivery_date=MOMENT, delivered_at=MOMENT, carrier="UPS",
                      tracking_number="1Z999AA10123456784")


def sample_case(kind: str) -> SimpleNamespace:
    """A case row as storage returns it (the templates read attributes)."""
    return SimpleNamespace(id=7, kind=kind, token="0" * 20, order_id="112-1234567-1234567",
                           customer_text="Can you cancel it?", deadline_at=MOMENT,
                           opened_at=MOMENT, details={"reason": "damaged"})


CASE_OUTCOMES = sorted({o for answers in ACCEPTED_ANSWERS.values() for o in answers.values()} | {
    "seller_answered", "free_return_authorized", "cancellation_offered", "no_answer",
    "return_after_delivery", "refund_returnless", "replacement_shipped"})
ORDER_OUTCOMES = ["not_yet_shipped", "cancellation_possible", "in_transit", "delivered",
                  "canceled", "canceled_refunded", "refunded", "return_after_delivery",
                  "return_offered", "address_change_refused"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_customer_template_branch_renders(lang):
    templates = Templates()
    order = sample_order()
    rendered = []
    for outcome in ORDER_OUTCOMES:
        rendered.append(templates.render("customer/order_update.txt", lang, tz="UTC",
                                         outcome=outcome, order=order, late=True))
    for outcome in CASE_OUTCOMES:
        for item, note in ((order.items[0], None), (None, "Sorry for the delay.")):
            rendered.append(templates.render(
                "customer/case_update.txt", lang, tz="UTC", outcome=outcome, order=order,
                case=sample_case("general"), seller_text="ok", tracking_number="1Z",
                rma="RMA-20261126-0001", item=item, note=note))
    for taken_back, replaced in ((False, False), (True, False), (True, True)):
        rendered.append(templates.render("customer/case_withdrawn.txt", lang, tz="UTC",
                                         order_id=order.order_id, taken_back=taken_back,
                                         replaced=replaced))
    for kind in KINDS:
        rendered.append(templates.render("customer/case_opened.txt", lang, tz="UTC", kind=kind,
                                         order=order, deadline=order.latest_ship_date,
                                         already_open=False, added_question=False,
                                         details={"window_last_day": "2026-11-26"}))
    rendered.append(templates.render("customer/case_opened.txt", lang, tz="UTC", kind="general",
                                     order=order, deadline=order.latest_ship_date,
                                     already_open=False, added_question=False,
                                     details={"partial_cancellation": True}))
    for already_open, added_question in ((True, False), (False, True)):
        rendered.append(templates.render("customer/case_opened.txt", lang, tz="UTC",
                                         kind="product_question", order=order,
                                         deadline=order.latest_ship_date, details={},
                                         already_open=already_open,
                                         added_question=added_question))
    item = order.items[0]
    for outcome, payer in (("return_authorized", "seller"), ("return_authorized", "customer"),
                           ("refund_returnless", None), ("return_declined", None),
                           ("return_after_delivery", None), ("return_not_shipped", None),
                           ("return_order_canceled", None)):
        rendered.append(templates.render(
            "customer/return_outcome.txt", lang, tz="UTC", outcome=outcome, order=order,
            item=item, payer=payer, rma="RMA-20261126-0001", amount=item.price,
            window_last_day="2026-12-26", facts={}, why="returns.seller_returnless_rule"))
    for outcome, facts in (("refund_issued", {"refunded_on": "2026-11-20"}),
                           ("refund_due", {"received_on": "2026-11-20", "due_by": "2026-11-24"}),
                           ("awaiting_return", {"rma": "RMA-1"}), ("no_refund_found", {})):
        rendered.append(templates.render("customer/refund_status.txt", lang, tz="UTC",
                                         outcome=outcome, order=order, facts=facts))
    rendered.append(templates.render("customer/ask_return_reason.txt", lang, tz="UTC",
                                     title="Lamp", reasons=("damaged", "no_longer_needed")))
    rendered.append(templates.render("customer/choose_item.txt", lang, tz="UTC",
                                     options=[{"label": "Lamp"}, {"label": "Bulb"}]))
    rendered.append(templates.render("customer/photo_request.txt", lang, tz="UTC"))
    for not_accepted, too_large in ((["setup.exe"], []), ([], ["video.mov"]),
                                    (["a.zip"], ["b.jpg"])):
        rendered.append(templates.render("customer/attachments_dropped.txt", lang, tz="UTC",
                                         not_accepted=not_accepted, too_large=too_large,
                                         limit_mb=5))
    for reason in ("scope.fba", "scope.placed_after_opt_out"):
        rendered.append(templates.render("customer/out_of_scope.txt", lang, tz="UTC",
                                         reason=reason, order=order))
    for kind in ("pre_order", "invoice_request", "customization"):
        for known in (order, None):
            rendered.append(templates.render("customer/redirected.txt", lang, tz="UTC",
                                             kind=kind, order=known))
    for reason in ("human_agent", "complaint"):
        rendered.append(templates.render("customer/handoff.txt", lang, tz="UTC", reason=reason))
    for conversion in ("30.5 cm", None):
        rendered.append(templates.render("customer/product_answer.txt", lang, tz="UTC",
                                         title="Lamp", evidence="height: 12 in",
                                         conversion=conversion))
    for question in (True, False):
        rendered.append(templates.render("customer/not_ordered.txt", lang, tz="UTC",
                                         named="kettle", orders=[order], question=question))
    for spoken in (False, True):
        rendered.append(templates.render("customer/problem_offer.txt", lang, tz="UTC",
                                         title="Lamp", order=order, spoken=spoken))
    for kind in ("repeat", "explain"):
        rendered.append(templates.render("customer/repeat.txt", lang, tz="UTC", kind=kind,
                                         said="Where it is."))
    for name in ("acknowledge", "goodbye", "thanks", "help", "not_understood", "what_else",
                 "marketplace_help"):
        rendered.append(templates.render(f"customer/{name}.txt", lang, tz="UTC"))
    assert all(text.strip() for text in rendered)
    if lang == "es":
        assert not [t for t in rendered if "Your order" in t or "The seller" in t]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_seller_email_renders(lang):
    templates = Templates()
    order = sample_order()
    for kind in KINDS:
        asked = {"reminder": False, "added_question": False, "added_detail": False,
                 "returned": order.items[0]}
        for template, extra in (("case_request", asked),
                                ("case_request", {**asked, "reminder": True}),
                                ("case_request", {**asked, "added_question": True}),
                                ("case_request", {**asked, "added_detail": True}),
                                ("case_closed", {"late": False}), ("case_closed", {"late": True}),
                                ("case_withdrawn", {"reason": "customer"}),
                                ("case_withdrawn", {"reason": "lead"}),
                                ("reply_not_accepted", {"unregistered": "x@y.example"})):
            email = templates.render_email(f"seller/{template}", lang, tz="Asia/Shanghai",
                                           case=sample_case(kind), seller=order.seller,
                                           order=order, reply_address="case+0@x", attachments=[],
                                           case_url="https://x/console/cases/7", **extra)
            assert email.subject and email.text and email.html
            if lang == "zh":
                assert "Hello" not in email.text and "您好" in email.text
        for kind_, details in (("authorize_return", {"rma": "R1", "title": "Lamp",
                                                     "return_shipping_paid_by": "seller"}),
                               ("authorize_return", {"rma": "R1", "title": "Lamp",
                                                     "return_shipping_paid_by": "customer"}),
                               ("refund", {"rma": "R1", "reason": "not_received"}),
                               ("withdraw_return", {"rma": "R1", "title": "Lamp"}),
                               ("cancel", {})):
            email = templates.render_email("seller/action_taken", lang, tz="Asia/Shanghai",
                                           seller=order.seller, order=order, kind=kind_,
                                           amount=order.total, details=details)
            assert email.subject and email.text.strip()
        for kind in ("pre_order", "invoice_request", "customization"):
            email = templates.render_email("seller/inquiry_redirected", lang, tz="Asia/Shanghai",
                                           seller=order.seller, order=order, kind=kind,
                                           customer_text="Can I get an invoice?")
            assert email.subject and "Hello" not in (email.text if lang == "zh" else "")
        for outcome in CASE_OUTCOMES:
            email = templates.render_email("seller/case_resolved", lang, tz="Asia/Shanghai",
                                           case=sample_case(kind), seller=order.seller,
                                           order=order, outcome=outcome, on_silence=True,
                                           offer_accepted=False,
                                           reply_address="case+0@x")
            assert email.text.strip()


def test_customer_words_never_become_markup():
    templates = Templates()
    html = templates.render_email("email/customer_reply", "en", tz="UTC",
                                  body='<script>alert("x")</script>\n\nsecond', original_subject="",
                                  case=None).html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
