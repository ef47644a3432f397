"""Who sees what in the console: sign-in with hashed passwords, the session cookie, CSRF on
every form, leads' pages closed to sellers, and a seller's cases closed to other sellers."""

import re

from sqlalchemy import select

from bot.app_keys import ENGINE
from bot.orders import load_order
from storage.conversations import create_conversation
from storage.models import AuditEvent, User, WebSession

US_SELLER = "SELLER-US1"
CN_SELLER = "SELLER-CN1"


async def open_case(service, order_id: str, phone: str, text: str = "Is it waterproof?") -> int:
    engine = service.client.app[ENGINE]

    def open_it(connection, now):
        order = load_order(connection, order_id)
        conversation = create_conversation(connection, "sms", phone, now)
        return engine.desk.open(connection, conversation, order, "product_question", text,
                                now, language="en").id

    return await engine.act(open_it)


async def test_pages_need_a_signed_in_user(service):
    response = await service.client.get("/console/", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (
        303, "/console/sign-in?next=/console/")
    response = await service.client.get("/console/cases/3", allow_redirects=False)
    assert response.headers["Location"] == "/console/sign-in?next=/console/cases/3"


async def test_a_wrong_password_is_refused_and_audited(service):
    await service.sign_in("lead", email="lead@console.example")
    service.client.session.cookie_jar.clear()
    page = await service.client.get("/console/sign-in")
    token = re.search(r'name="form_token" value="([^"]+)"', await page.text()).group(1)
    response = await service.client.post("/console/sign-in", data={
        "email": "lead@console.example", "password": "wrong password!", "form_token": token})
    assert response.status == 401
    assert "That email and password do not match an account." in await response.text()
    failed = await service.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in_failed"))
    assert failed.target == "lead@console.example"
    stored = await service.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$") and "wrong" not in stored


async def test_the_sign_in_form_needs_its_own_token(service):
    response = await service.client.post("/console/sign-in", data={
        "email": "x@y.example", "password": "whatever12", "form_token": "forged"})
    assert (response.status, await response.text()) == (
        403, "the sign-in form has expired; reload the page")


async def test_the_session_cookie_is_http_only_and_secure_behind_https(service):
    await service.sign_in("lead", email="lead@console.example")
    service.client.session.cookie_jar.clear()
    page = await service.client.get("/console/sign-in")
    token = re.search(r'name="form_token" value="([^"]+)"', await page.text()).group(1)
    response = await service.client.post(
        "/console/sign-in", allow_redirects=False, headers={"X-Forwarded-Proto": "https"},
        data={"email": "lead@console.example", "password": "correct horse battery",
              "form_token": token, "next": "https://evil.example/"})
    assert (response.status, response.headers["Location"]) == (303, "/console/")
    cookie = response.cookies["csba_session"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/console/"
    hashes = await service.scalars(select(WebSession.token_hash))
    assert cookie.value not in hashes and len(hashes) == 2


async def test_a_seller_sees_only_their_own_cases(service):
    mine = await open_case(service, "112-9034521-4418830", "+15555550102")
    theirs = await open_case(service, "111-3390846-7125509", "+15555550113",
                             "Call me at 555-555-0113 or valentina.cruz@example.net, please")
    await service.sign_in("seller", seller=US_SELLER)
    listing = await service.client.get("/console/cases/")
    text = await listing.text()
    assert f'href="/console/cases/{mine}"' in text and f'href="/console/cases/{theirs}"' not in text
    assert "23 h 59 min left" in text or "24 h 0 min left" in text
    other = await service.client.get(f"/console/cases/{theirs}")
    assert (other.status, await other.text()) == (404, "no such case")
    csrf = await service.csrf(f"/console/cases/{mine}")
    answer = await service.client.post(f"/console/cases/{theirs}/answer",
                                       data={"csrf": csrf, "answer": "APPROVE"})
    assert answer.status == 404
    for lead_page in ("/console/conversations/1",):
        assert (await service.client.get(lead_page)).status == 403
    home = await service.client.get("/console/", allow_redirects=False)
    assert home.headers["Location"] == "/console/cases/"
    await service.sign_in("seller", seller=CN_SELLER)
    page = await service.client.get(f"/console/cases/{theirs}")
    body = await page.text()
    assert "Call me at [phone number] or [email address], please" in body
    assert "valentina.cruz@example.net" not in body


async def test_forms_without_the_sessions_token_are_refused(service):
    case_id = await open_case(service, "112-9034521-4418830", "+15555550102")
    await service.sign_in("seller", seller=US_SELLER)
    response = await service.client.post(f"/console/cases/{case_id}/answer",
                                         data={"csrf": "forged", "answer": "APPROVE"})
    assert response.status == 403
    assert "did not come from this site" in await response.text()
    csrf = await service.csrf(f"/console/cases/{case_id}")
    empty = await service.client.post(f"/console/cases/{case_id}/answer",
                                      data={"csrf": csrf, "answer": "   "})
    assert (empty.status, await empty.text()) == (400, "the answer is empty")


async def test_signing_out_ends_the_session(service):
    await service.sign_in("lead")
    csrf = await service.csrf("/console/")
    response = await service.client.post("/console/sign-out", data={"csrf": csrf},
                                         allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (303, "/console/sign-in")
    assert await service.scalars(select(WebSession)) == []
    assert (await service.client.get("/console/", allow_redirects=False)).status == 303


async def test_users_are_added_from_the_command_line(service):
    result = service.cli("users", "add", "--email", "Mei@Mingdeng.example", "--role", "seller",
                         "--seller", CN_SELLER, stdin="a long enough password\n")
    assert (result.returncode, result.stdout.strip()) == (
        0, "user 1 added: mei@mingdeng.example (seller)")
    for args, error in (
            (["--role", "seller"], "a seller user needs --seller ID"),
            (["--role", "lead", "--seller", US_SELLER], "a seller user needs --seller ID"),
            (["--role", "seller", "--seller", "NOPE"], "no seller 'NOPE'"),
            (["--role", "boss"], "invalid choice: 'boss'")):
        result = service.cli("users", "add", "--email", "x@y.example", *args,
                             stdin="a long enough password\n")
        assert result.returncode == 2 and error in result.stderr, result.stderr
    short = service.cli("users", "add", "--email", "x@y.example", "--role", "lead",
                        stdin="short\n")
    assert "at least 10 characters" in short.stderr
    taken = service.cli("users", "add", "--email", "mei@mingdeng.example", "--role", "lead",
                        stdin="a long enough password\n")
    assert "exists" in taken.stderr
    listing = service.cli("users", "list")
    assert listing.stdout == f"1\tmei@mingdeng.example\tseller\t{CN_SELLER}\tactive\n"


async def test_the_customers_photos_are_on_the_case_page_for_its_seller_only(service):
    from email.message import EmailMessage

    photo = b"\xff\xd8\xff\xe0" + b"JFIF-bytes" * 50
    mail = EmailMessage()
    mail["From"], mail["To"] = "emily.nguyen@example.com", "support@support.example.com"
    mail["Subject"], mail["Message-ID"] = "Gift box?", "<photo1@example.com>"
    mail.set_content("Does it come in a gift box? Here is the box I got.")
    mail.add_attachment(photo, maintype="image", subtype="jpeg", filename="box.jpg")
    await service.send_email(mail, sender="emily.nguyen@example.com")
    await service.dispatch()
    case_email = [m for m in service.mail.to("ops@brightside.example")][-1]
    body = case_email.get_body(("plain",)).get_content()
    assert "https://csba.example.com/console/cases/1 (sign in with your seller account)" in body
    assert "- box.jpg" in body
    [attached] = list(case_email.iter_attachments())
    assert (attached.get_filename(), attached.get_content_type()) == ("box.jpg", "image/jpeg")
    assert attached.get_content() == photo

    await service.sign_in("seller", seller=US_SELLER)
    page = await (await service.client.get("/console/cases/1")).text()
    link = re.search(r'href="(/console/cases/1/attachments/\d+)">box.jpg</a>', page).group(1)
    served = await service.client.get(link)
    assert served.status == 200 and await served.read() == photo
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    await service.sign_in("seller", seller=CN_SELLER)
    assert (await service.client.get(link)).status == 404


async def test_a_chinese_seller_reads_their_pages_in_chinese(service):
    case_id = await open_case(service, "111-3390846-7125509", "+15555550113")
    await service.sign_in("seller", seller=CN_SELLER)
    listing = await (await service.client.get("/console/cases/")).text()
    assert "<h1>您的案例</h1>" in listing and "产品咨询" in listing
    assert re.search(r"剩余 2[34] 小时 \d+ 分钟", listing)
    page = await (await service.client.get(f"/console/cases/{case_id}")).text()
    assert f"<h1>案例 {case_id}：产品咨询</h1>" in page
    assert "<h2>您的答复</h2>" in page and "发送答复" in page
    account = await (await service.client.get("/console/account")).text()
    assert "加入记录" in account and "退出登录" in account
