"""The console in a real browser: Playwright driving Debian's Chromium (DESIGN.md section 7)
against the real app on a real port. Screenshots of the main pages go to
artifacts/screenshots/ (the README links copies of the most telling ones)."""

import os
from pathlib import Path

import pytest
from playwright.async_api import async_playwright
from sqlalchemy import select

from bot.accounts import add_user
from storage.models import Case

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
PASSWORD = "correct horse battery"
VALENTINA = "+15555550113"
CN_SELLER = "kefu@mingdeng.example"


@pytest.fixture
async def browser():
    if not CHROMIUM.exists():
        reason = "no /usr/bin/chromium (apt-get install -y chromium; .ci/run installs it)"
        if os.environ.get("CSBA_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        await chromium.close()


async def add(service, email: str, role: str, seller: str | None = None) -> None:
    now = service.clock.now()
    await service.db.run(lambda connection: add_user(
        connection, email=email, password=PASSWORD, role=role, seller_id=seller, name=email,
        now=now))


async def signed_in_page(browser, service, email: str):
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(str(service.client.make_url("/console/")))
    assert "/console/sign-in" in page.url
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    return page


async def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def test_a_lead_searches_opens_a_transcript_takes_over_and_replies(service, browser):
    await service.sms("+15555550103", "Where is my order? <script>window.pwned = 1</script>")
    await service.sms("+15555550102", "hi")
    await add(service, "lead@console.example", "lead")
    page = await signed_in_page(browser, service, "lead@console.example")
    await shot(page, "overview")
    await page.click("text=Dashboard")
    assert await page.locator("svg").count() == 4
    await shot(page, "dashboard")
    await page.click("text=Conversations")
    await page.fill("input[name=q]", "pwned")
    await page.click("text=Find")
    rows = page.locator("table.results tr")
    assert await rows.count() == 2  # the header and Emily's conversation only
    await shot(page, "search")
    await page.click("table.results a")
    transcript = page.locator("tr.message.in td:nth-child(4)").first
    assert await transcript.inner_text() == \
        "Where is my order? <script>window.pwned = 1</script>"
    assert await page.evaluate("typeof window.pwned") == "undefined"
    await page.click("text=Take over")
    await page.fill("textarea[name=reply]", "Hello Emily, this is Sam from support.")
    await page.click("form.reply button")
    await shot(page, "transcript")
    assert await page.locator("strong.taken-over").count() == 1
    await service.dispatch()
    [sent] = service.twilio.sent
    assert (sent["To"], sent["Body"]) == ("+15555550103",
                                          "Hello Emily, this is Sam from support.")
    # taken over: the bot keeps quiet, the message is kept for the lead
    assert await service.sms("+15555550103", "Thanks Sam!") == []
    refused = await page.evaluate(
        "fetch(location.pathname + '/flag', {method: 'POST', body: new URLSearchParams()})"
        ".then(r => r.status)")
    assert refused == 403


async def test_a_lead_translates_a_held_answer(service, browser):
    await service.sms(VALENTINA, "Quiero cancelar mi pedido")
    await service.sms(VALENTINA, "1")
    await service.dispatch()
    case = await service.scalar(select(Case))
    reply = (f"From: <{CN_SELLER}>\r\nTo: case+{case.token}@support.example.com\r\n"
             "Subject: Re\r\nMessage-ID: <r2@mingdeng.example>\r\n"
             "Content-Type: text/plain; charset=utf-8\r\n\r\n"
             "这个订单明天就会发出，可以吗？\r\n").encode()
    await service.send_email(reply, sender=CN_SELLER,
                             recipients=[f"case+{case.token}@support.example.com"])
    await add(service, "lead@console.example", "lead")
    page = await signed_in_page(browser, service, "lead@console.example")
    await page.click(f"#translation-queue a:text('{case.id}')")
    assert await page.locator("blockquote.held").inner_text() == "这个订单明天就会发出，可以吗？"
    await shot(page, "translation")
    await page.fill("textarea[name=translation]",
                    "El pedido sale mañana. ¿Le parece bien?")
    await page.click("text=Send the translation to the customer")
    assert await page.locator("strong.status").inner_text() == "answered"
    await service.dispatch()
    assert service.twilio.sent[-1]["Body"].endswith('"El pedido sale mañana. ¿Le parece bien?"')


async def test_a_seller_sees_their_case_and_is_denied_another_sellers(service, browser):
    await service.send_email(b"From: emily.nguyen@example.com\r\n"
                             b"To: support@support.example.com\r\nSubject: Gift box?\r\n"
                             b"Message-ID: <g1@example.com>\r\n\r\n"
                             b"Does it come in a gift box?\r\n",
                             sender="emily.nguyen@example.com")
    await service.sms(VALENTINA, "Quiero cancelar mi pedido")
    await service.sms(VALENTINA, "1")
    cases = {c.seller_id: c.id for c in await service.scalars(select(Case))}
    await add(service, "ops@brightside.example", "seller", "SELLER-US1")
    page = await signed_in_page(browser, service, "ops@brightside.example")
    assert page.url.endswith("/console/cases/")
    await shot(page, "seller-cases")
    await page.click(f"a:text('{cases['SELLER-US1']}')")
    assert "left" in await page.locator(".time-left").inner_text()
    await shot(page, "seller-case")
    response = await page.goto(str(service.client.make_url(
        f"/console/cases/{cases['SELLER-CN1']}")))
    assert response.status == 404
    assert await page.inner_text("body") == "no such case"
