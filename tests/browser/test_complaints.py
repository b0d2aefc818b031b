"""The complaints module's "Done when" path in a real browser: a consumer files a complaint from a phone against
the demo enterprise (a direct-settlement member with a confirmed account), the enterprise sees it, the window
lapses, the district's handler accepts, mediates and closes it substantiated, the consumer tracks and rates it,
and the enterprise's public disclosure, credit file and the complaint indicator follow; then a real-name report
leads to a case and a paid reward whose SMS reaches the reporter.

The server's clock cannot be moved, so the daily jobs and the indicator functions run as `qcity shell -c` against
the server's own database, on the same pinned clock (as the server's `migrate`/`demo` run): what moves is
the job's `today`, given explicitly. No data here depends on the real date: the server's today is the
`today` fixture's.
"""

import datetime
import json
import time

DEMO_PASSWORD = "Qcity-2026!"
PHONE = "13912345678"
REPORTER_PHONE = "13787654321"
ID_NUMBER = "11010519491231002X"
PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1366, "height": 900}


ENTERPRISE_CODE = """
import json
from qcity.core.models import OrgUnit, User
e = User.objects.select_related("enterprise__org_unit").get(username="enterprise").enterprise
district = OrgUnit.objects.get(pk=int(e.org_unit.path.strip("/").split("/")[1]))
print(json.dumps({"name": e.name, "uscc": e.uscc, "district": district.name}))
"""

INDICATOR_CODE = """
import json
from qcity.core.models import OrgUnit
from qcity.complaints.indicators import complaint_count, mediation_success_rate
unit = OrgUnit.objects.get(name="金水区")
print(json.dumps({"count": str(complaint_count(unit, %(year)d)),
                  "mediation": str(mediation_success_rate(unit, %(year)d))}))
"""


def _public_text(page) -> str:
    return page.locator("body").inner_text()


def _assert_no_personal_data(page):
    text = _public_text(page) + page.content()
    assert PHONE not in text and ID_NUMBER not in text and REPORTER_PHONE not in text


def _file(page, *, kind, phone, name, enterprise, subject, facts):
    """The public intake form, filled as a consumer would on a phone."""
    page.goto("/public/complaints/new/")
    page.check(f"input[name=kind][value={kind}]")
    page.fill("#id_person_name", name)
    page.fill("#id_person_phone", phone)
    if kind == "complaint":
        page.fill("#id_person_id_number", ID_NUMBER)
    page.fill("#id_respondent_name", enterprise["name"])
    page.fill("#id_respondent_uscc", enterprise["uscc"])
    page.fill("#id_subject", subject)
    page.fill("#id_facts", facts)
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("#intake-submit")
    assert "已收到您的投诉举报" in page.locator("#submitted-title").inner_text()
    number = page.locator(".tracking-number").first.inner_text().strip()
    assert number.startswith("TS")
    _assert_no_personal_data(page)
    return number


def _track(page, number, phone):
    page.goto("/public/complaints/track/")
    page.fill("#id_tracking_number", number)
    page.fill("#id_phone_last4", phone[-4:])
    with page.expect_navigation():
        page.locator("#track-form button[type=submit]").click()


def _open_in_list(page, number):
    """The handler's complaint list, searched by the tracking number, then the complaint's page."""
    page.goto(f"/complaints/?q={number}")
    row = page.locator("#complaint-results tbody tr", has_text=number)
    assert row.count() == 1
    with page.expect_navigation():
        row.get_by_role("link", name=number).click()
    assert number in page.locator("#complaint-title").inner_text()


def _step(page, step, fill=lambda p: None):
    with page.expect_navigation():
        page.click(f"#step-{step}")
    fill(page)
    if page.locator("#step-form").count():
        with page.expect_navigation():
            page.locator("#step-form button[type=submit]").click()
    # back on the complaint's page, not the step's form again with a refusal
    assert page.locator("#step-form").count() == 0, page.locator("#step-form").inner_text()


def _logout(page):
    """Forget the session; leave the page first, so that no request still under way (the to-do badge) brings
    the session cookie back."""
    page.goto("about:blank")
    page.context.clear_cookies()


def test_complaint_from_phone_to_rating_and_report_to_reward(
        page, server_url, on_server, outbox, login, today):
    enterprise = json.loads(on_server(ENTERPRISE_CODE))
    assert enterprise["district"] == "金水区"  # the demo enterprise's district: `jinshui-handler` handles it
    indicator_before = json.loads(on_server(INDICATOR_CODE % {"year": today.year}))
    page.set_viewport_size(PHONE_VIEWPORT)
    _walk(page, login, enterprise, indicator_before, today, outbox, on_server)


def _walk(page, login, enterprise, indicator_before, today, outbox, on_server):
    disclosure = f"/public/complaints/enterprises/{enterprise['uscc']}/"
    page.goto(disclosure)
    received_before = _count(page, "#disclosure-received")
    finished_before = _count(page, "#disclosure-finished")

    # 1. a consumer files a complaint from a phone; the success page gives the tracking number
    number = _file(page, kind="complaint", phone=PHONE, name="王消费", enterprise=enterprise,
                   subject="购买的电饭煲使用一周即损坏", facts="购买的电饭煲使用一周后无法加热，商家拒绝退换。")
    _track(page, number, PHONE)
    assert "在线纠纷解决中" in page.locator("#status").inner_text()
    _assert_no_personal_data(page)

    # 2. the enterprise sees it on its direct-settlement page, the consumer masked
    page.set_viewport_size(DESKTOP_VIEWPORT)
    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/complaints/settlement/")
    assert "参加在线纠纷解决" in page.locator("#direct-settlement-membership").inner_text()
    card = page.locator(".settlement-complaint", has_text=number)
    assert "购买的电饭煲使用一周即损坏" in card.inner_text()
    assert PHONE not in card.inner_text() and "王消费" not in card.inner_text()
    settlement_deadline = datetime.date.fromisoformat(_settlement_deadline(card))
    _logout(page)

    # ... and lets the window pass: the daily lapse job, run as of the day after the window
    lapsed = on_server("from qcity.complaints.services.routing import settlements_lapse; "
                       f"import datetime; print(settlements_lapse(today=datetime.date.fromisoformat("
                       f"'{settlement_deadline + datetime.timedelta(days=1)}')))")
    assert int(lapsed) >= 1

    # 3. the district's handler accepts, mediates and closes it with an agreement, substantiated
    login(page, "jinshui-handler", DEMO_PASSWORD)
    _open_in_list(page, number)
    assert "待受理" in page.locator("#complaint-status").inner_text()
    assert PHONE in page.locator("#person-phone").inner_text()  # the handler sees the person in full
    _step(page, "accept")
    assert "已受理" in page.locator("#complaint-status").inner_text()
    _step(page, "mediation-start", lambda p: p.select_option("#id_mediation-start-mediator", index=1))
    assert "调解中" in page.locator("#complaint-status").inner_text()

    def close(p):
        p.select_option("#id_close-outcome", "agreement")
        p.fill("#id_close-amount_recovered", "399")
        p.check("#id_close-substantiated")
        p.fill("#id_close-note", "商家同意退货退款")
    _step(page, "close", close)
    assert "办结" in page.locator("#complaint-status").inner_text()
    assert "超期办结" not in page.locator("#complaint-status").inner_text()
    history = page.locator("#complaint-history").inner_text()
    assert "商家同意退货退款" in history and "超期办结" not in history
    _logout(page)

    # 4. the consumer tracks it, sees 办结, and rates it
    page.set_viewport_size(PHONE_VIEWPORT)
    _track(page, number, PHONE)
    assert page.locator("#status").inner_text().strip() == "办结"
    _assert_no_personal_data(page)
    page.check("input[name=satisfaction][value='5']")
    page.fill("#id_comment", "处理及时")
    with page.expect_navigation():
        page.locator("#rating button[type=submit]").click()
    assert "5 分" in page.locator("#rated").inner_text()

    # 5. the enterprise's public disclosure counts it; its credit file has the event; the indicator moved
    page.goto(disclosure)
    assert _count(page, "#disclosure-received") == received_before + 1
    assert _count(page, "#disclosure-finished") == finished_before + 1
    _assert_no_personal_data(page)
    assert "购买的电饭煲" not in _public_text(page)  # counts only, no complaint content
    page.set_viewport_size(DESKTOP_VIEWPORT)
    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/credit/")
    events = page.locator("#event-table").inner_text()
    assert "投诉举报查实" in events and number in events
    _logout(page)
    indicator_after = json.loads(on_server(INDICATOR_CODE % {"year": today.year}))
    assert int(indicator_after["count"]) == int(indicator_before["count"]) + 1
    # a mediation closed with an agreement moves the success rate (unless every one before had succeeded)
    assert indicator_after["mediation"] != indicator_before["mediation"] or indicator_before["mediation"] == "100.00"

    # 6. a real-name report opens a case and earns a reward, paid and told to the reporter by SMS
    page.set_viewport_size(PHONE_VIEWPORT)
    report = _file(page, kind="report_tip", phone=REPORTER_PHONE, name="李举报", enterprise=enterprise,
                   subject="销售过期食品", facts="店内货架上有超过保质期的牛奶仍在销售。")
    page.set_viewport_size(DESKTOP_VIEWPORT)
    login(page, "jinshui-handler", DEMO_PASSWORD)
    _open_in_list(page, report)
    _step(page, "verify-start")
    assert "核查中" in page.locator("#complaint-status").inner_text()

    def decide(p):
        p.select_option("#id_decide-decision", "case_opened")
        p.fill("#id_decide-case_number", "郑金市监立〔2026〕88号")
    _step(page, "decide", decide)
    assert "已立案" in page.locator("#complaint-status").inner_text()
    page.select_option("#id_reward-grade", index=1)
    page.fill("#id_reward-fine_amount", "50000")
    page.fill("#id_reward-penalty_decision_number", "郑金市监罚〔2026〕88号")
    with page.expect_navigation():
        page.locator("#reward-propose-form button[type=submit]").click()
    assert page.locator("#reward-status").inner_text().strip() == "待审批"
    reward_url = page.url
    amount = page.locator("#reward-amount").inner_text().strip()
    _logout(page)

    login(page, "office", DEMO_PASSWORD)
    page.goto(reward_url)
    page.select_option("#id_decide-approve", "yes")
    with page.expect_navigation():
        page.locator("#reward-decide-form button[type=submit]").click()
    page.fill("#id_pay-paid_on", today.isoformat())
    page.fill("#id_pay-payment_ref", "PZ-2026-0088")
    with page.expect_navigation():
        page.locator("#reward-pay-form button[type=submit]").click()
    assert "PZ-2026-0088" in page.locator("#reward-fields").inner_text()
    assert "未告知" not in page.locator("#reward-notified").inner_text()
    _logout(page)

    sms = _sms_to(outbox, REPORTER_PHONE)
    assert any(report in text and "奖励" in text and amount in text for text in sms), sms


def _settlement_deadline(card) -> str:
    """The settlement card's 在线和解截止日 (YYYY-MM-DD)."""
    dt = card.locator("dt", has_text="在线和解截止日")
    return dt.locator("xpath=following-sibling::dd[1]").inner_text().strip()[:10]


def _count(page, selector) -> int:
    """A disclosure figure ("3 件"), 0 when the enterprise has no complaint yet."""
    if not page.locator(selector).count():
        return 0
    return int(page.locator(selector).inner_text().split()[0])


def _sms_to(outbox, phone) -> list[str]:
    """The texts of the SMS to `phone` in the server's file outbox (written after the commit)."""
    deadline = time.monotonic() + 5
    while True:
        texts = [p.read_text(encoding="utf-8") for p in sorted(outbox.sms.glob("*")) if p.is_file()]
        found = [t for t in texts if t.startswith(f"To: {phone}\n")]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)
