"""People at work, in a real browser: an enterprise registers itself (registry check + SMS code) and
invites a colleague by e-mail; the district officer confirms both accounts and serves a sampling result, the enterprise finds it in
its message centre (and by SMS) and the officer sees the proof of service; the enterprise objects to a
published credit item with a PDF; the officer's home page lists what is due with countdowns; and a
program calls the API with the officer's token until it is revoked.

SMS and e-mail reach the test through the server's file backends (the `outbox` fixture)."""

import email
import json
import re
import time
import urllib.error
import urllib.request

import pytest

DEMO_PASSWORD = "Qcity-2026!"
PHONE = "13912345678"
ADMIN_USERNAME = "pw-admin"
ADMIN_PASSWORD = "Registr-2026!x"
COLLEAGUE_EMAIL = "colleague@example.com"
COLLEAGUE_USERNAME = "pw-colleague"
COUNTDOWN = re.compile(r"剩\d+个工作日|今天到期|逾期\d+个工作日")


@pytest.fixture
def new_page(browser, server_url):
    """new_page() -> a page in a fresh browser context (another person), failing the test on a server
    error or a JavaScript error, as the `page` fixture does."""
    contexts, problems = [], []

    def make():
        context = browser.new_context(base_url=server_url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport={"width": 1366, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("response", lambda r: r.status >= 500 and problems.append(f"HTTP {r.status} {r.url}"))
        page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
        return page

    yield make
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _shots(screenshot, page, name):
    """The page at 1366 px and at 390 px (a phone); at 390 px nothing may stick out sideways."""
    screenshot(page, f"people-{name}-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        screenshot(page, f"people-{name}-390")
        assert overflow <= 1, f"{name}: the page is {overflow}px wider than a 390px phone screen"
    finally:
        page.set_viewport_size({"width": 1366, "height": 900})


def _wait_for_files(directory, predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        found = [p for p in sorted(directory.glob("*")) if p.is_file() and predicate(p)] if directory.exists() else []
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _sms_to(outbox, phone, containing=""):
    return _wait_for_files(outbox.sms, lambda p: p.read_text(encoding="utf-8").startswith(f"To: {phone}\n")
                           and containing in p.read_text(encoding="utf-8"))


def _mail_bodies(outbox, to):
    bodies = []
    for path in _wait_for_files(outbox.mail, lambda p: to in p.read_text(errors="replace")):
        for part in email.message_from_bytes(path.read_bytes()).walk():
            if part.get_content_type() == "text/plain":
                bodies.append(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    return bodies


def _api(server_url, path, key):
    request = urllib.request.Request(server_url + path, headers={"Authorization": f"Token {key}",
                                                                 "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


def test_enterprise_registers_is_served_objects_and_officer_uses_the_api(
        page, new_page, login, screenshot, outbox, server_url, today, tmp_path):
    officer = page
    # given the district officer: their home page lists a result waiting to be served
    login(officer, "jinshui", DEMO_PASSWORD)
    officer.goto("/")
    to_serve = officer.locator("[data-todo-source='sampling.samples-to-serve']")
    assert "待送达的检验结论" in to_serve.locator("h3").inner_text()
    with officer.expect_navigation():
        to_serve.locator("li a").first.click()
    sample_url = officer.url
    sample_id = int(re.search(r"/sampling/samples/(\d+)/$", sample_url).group(1))
    assert officer.locator("#serve-form").is_visible()
    # the sampled enterprise, as the officer's session reads it from the API: its code and legal representative
    sample = officer.request.get(f"/api/samples/{sample_id}/").json()
    enterprise = officer.request.get(f"/api/enterprises/{sample['enterprise']}/").json()
    assert enterprise["status"] == "active" and enterprise["legal_representative"]
    product = sample["product_name"]

    # 1. the enterprise registers: registry check, SMS code, account; it lands logged in
    ent = new_page()
    ent.goto("/accounts/register/")
    assert ent.locator("h1").inner_text() == "企业账号注册"
    ent.fill("#id_uscc", enterprise["uscc"])
    ent.fill("#id_legal_representative", enterprise["legal_representative"])
    ent.fill("#id_phone", PHONE)
    with ent.expect_navigation():
        ent.click("#request-code")
    assert "139****5678" in ent.locator("#code-sent").inner_text()
    sms = _sms_to(outbox, PHONE, "验证码")
    assert len(sms) == 1, "one registration code was texted"
    code = re.search(r"验证码 (\d{6})", sms[0].read_text(encoding="utf-8")).group(1)
    assert ent.locator("#id_uscc").input_value() == enterprise["uscc"]  # what was typed stays
    _shots(screenshot, ent, "registration")
    ent.fill("#id_code", code)
    ent.fill("#id_username", ADMIN_USERNAME)
    ent.fill("#id_password1", ADMIN_PASSWORD)
    ent.fill("#id_password2", ADMIN_PASSWORD)
    with ent.expect_navigation():
        ent.click("#register")
    assert ent.url.endswith("/enterprises/accounts/mine/")
    assert enterprise["name"] in ent.locator("#my-account").inner_text()
    assert ent.locator("#my-status").inner_text() == "待区县确认"
    assert "注册成功" in ent.content()

    # 2. it invites a colleague, who accepts from the e-mailed link in a browser of their own
    ent.fill("#id_invite-full_name", "王同事")
    ent.fill("#id_invite-email", COLLEAGUE_EMAIL)
    with ent.expect_navigation():
        ent.locator("#invite-form button[type=submit]").click()
    assert COLLEAGUE_EMAIL in ent.locator("#pending-invitations").inner_text()
    _shots(screenshot, ent, "enterprise-accounts-admin")
    bodies = _mail_bodies(outbox, COLLEAGUE_EMAIL)
    assert len(bodies) == 1
    link = re.search(r"https?://\S+/accounts/invitation/[^/\s]+/", bodies[0]).group(0)
    colleague = new_page()
    colleague.goto(link)
    assert enterprise["name"] in colleague.locator("main").inner_text()
    _shots(screenshot, colleague, "invitation-accept")
    colleague.fill("#id_username", COLLEAGUE_USERNAME)
    colleague.fill("#id_password1", "Colleag-2026!x")
    colleague.fill("#id_password2", "Colleag-2026!x")
    with colleague.expect_navigation():
        colleague.locator("main form button[type=submit]").click()
    assert colleague.url.endswith("/enterprises/accounts/mine/")
    assert "账号已开通" in colleague.content()
    assert COLLEAGUE_USERNAME in colleague.locator("#colleague-table").inner_text()
    ent.reload()
    assert COLLEAGUE_USERNAME in ent.locator("#colleague-table").inner_text()

    # the officer sees the new accounts waiting for confirmation, with the registrant's phone in full (to call
    # and check) and the legal representative's match, and confirms them: only confirmed accounts see the
    # enterprise's results and receive its messages
    officer.goto("/enterprises/accounts/")
    admin_row = officer.locator("#enterprise-account-table tbody tr", has_text=ADMIN_USERNAME)
    assert PHONE in admin_row.inner_text()
    assert admin_row.locator("[data-legal-match='yes']").count() == 1
    _shots(screenshot, officer, "enterprise-accounts-officer")
    for username in (ADMIN_USERNAME, COLLEAGUE_USERNAME):
        row = officer.locator("#enterprise-account-table tbody tr", has_text=username)
        with officer.expect_navigation():
            row.locator("button", has_text="确认").click()
    ent.reload()
    assert ent.locator("#my-status").inner_text() == "已确认"

    # 3. the officer serves the result
    officer.goto(sample_url)
    officer.fill("#id_serve-served_on", today.isoformat())
    with officer.expect_navigation():
        officer.locator("#serve-form button[type=submit]").click()
    proof = officer.locator("#service-proof")
    assert proof.locator(".proof-row").count() == 2  # the administrator and the colleague
    assert "未读" in proof.inner_text()

    # the enterprise: an unread badge, the message in its message centre, and an SMS without the code or phone
    ent.goto("/")
    assert int(ent.locator("#notification-unread-count").inner_text().split()[0].strip("条未读")) >= 1
    _shots(screenshot, ent, "enterprise-home")
    served_sms = _sms_to(outbox, PHONE, "送达")
    assert len(served_sms) == 1
    sms_text = served_sms[0].read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert PHONE not in sms_text and enterprise["uscc"] not in sms_text
    ent.goto("/core/notifications/")
    message = ent.locator("#notification-list li", has_text=product).first
    assert "未读" in message.inner_text()
    _shots(screenshot, ent, "message-centre")
    with ent.expect_navigation():
        message.locator("a").click()
    assert ent.url.endswith(f"/sampling/samples/{sample_id}/")  # opening the message opens the sample
    ent.goto("/core/notifications/")
    assert "已读" in ent.locator("#notification-list li", has_text=product).first.inner_text()
    ent.goto("/core/notifications/preferences/")
    assert ent.locator("#notification-preferences tbody tr").count() >= 5
    _shots(screenshot, ent, "notification-preferences")

    # the officer's sample page: the proof of service shows it delivered, and read
    officer.goto(sample_url)
    rows = officer.locator("#service-proof .proof-row")
    read_row = rows.filter(has_text=enterprise["legal_representative"])  # the administrator, by name
    assert read_row.count() == 1 and "未读" not in read_row.inner_text()
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", read_row.locator("td").nth(3).inner_text())  # read at
    assert "已发送" in read_row.locator("td").nth(2).inner_text()  # the SMS went out
    assert "未读" in rows.filter(has_text="王同事").inner_text()  # the colleague has not opened it yet
    _shots(screenshot, officer, "sample-proof-of-service")

    # 4. the enterprise objects to a published item of its credit file, with a PDF
    evidence = tmp_path / "证明材料.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    ent.goto("/credit/")
    assert re.search(r"/credit/files/\d+/$", ent.url)
    ent.select_option("#objection-target", index=0)
    ent.fill("#id_grounds", "该信息所述检验报告编号有误")
    ent.set_input_files("#id_evidence_file", str(evidence))
    with ent.expect_navigation():
        ent.locator("#objection-form button[type=submit]").click()
    objections = ent.locator("#objection-table")
    assert "该信息所述检验报告编号有误" in objections.inner_text()
    assert "证明材料.pdf" in objections.locator(".credit-attachment").first.inner_text()
    _shots(screenshot, ent, "credit-objection")

    # 5. the officer's home page: what is due, grouped, with countdowns
    officer.goto("/")
    headings = officer.locator("[data-todo-source] h3").all_inner_texts()
    assert any("待答复的信用异议" in h for h in headings)
    objection_due = officer.locator("[data-todo-source='credit.objections-to-answer'] li", has_text=enterprise["name"])
    assert COUNTDOWN.search(objection_due.locator("[data-countdown]").inner_text())  # step 4's objection, now due
    served_group = officer.locator("[data-todo-source='sampling.samples-to-serve']")
    assert served_group.count() == 0 or product not in served_group.inner_text()  # served: no longer due
    countdowns = officer.locator("[data-countdown]").all_inner_texts()
    assert countdowns and all(COUNTDOWN.fullmatch(c.strip()) for c in countdowns)
    _shots(screenshot, officer, "officer-home")

    # 6. an API client: the officer creates a token, the key is shown once, a program uses it
    officer.goto("/accounts/api-tokens/")
    officer.fill("#id_name", "数据对接程序")
    with officer.expect_navigation():
        officer.locator("#api-token-form button[type=submit]").click()
    key = officer.locator("#api-token-key").inner_text().strip()
    assert len(key) >= 32
    _shots(screenshot, officer, "api-token-created")
    status, data = _api(server_url, "/api/samples/", key)
    assert status == 200 and data["count"] >= 1
    officer.goto("/accounts/api-tokens/")
    assert "数据对接程序" in officer.locator("#api-token-table").inner_text()
    assert key not in officer.content()  # never shown again
    _shots(screenshot, officer, "api-tokens")
    officer.once("dialog", lambda dialog: dialog.accept())
    with officer.expect_navigation():
        officer.locator("#api-token-table tr", has_text="数据对接程序").locator("button").click()
    status, _ = _api(server_url, "/api/samples/", key)
    assert status == 401
