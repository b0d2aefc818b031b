"""The credit module's main path in a real browser: the enterprise objects to a published item of its
own file (and never sees its class), the inspector handles the objection, records a penalty and sees
the class and its reasons change, and the public finds the published file by credit code."""

import re

DEMO_PASSWORD = "Qcity-2026!"


def test_credit_file_objection_event_and_public_lookup(page, login, screenshot):
    # given the demo enterprise's user: /credit/ opens its own file, without the risk class
    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/credit/")
    assert re.search(r"/credit/files/\d+/$", page.url)
    file_url = page.url
    assert page.locator("#event-table .credit-event").count() >= 2
    assert page.locator("#risk-class").count() == 0 and "风险分值" not in page.content()
    uscc = page.locator(".font-monospace").first.inner_text().split(" ")[0]

    # when it objects to the published penalty
    page.select_option("#objection-target", index=0)
    page.fill("#id_grounds", "处罚决定已经复议变更")
    with page.expect_navigation():
        page.locator("#objection-form button[type=submit]").click()
    assert "处罚决定已经复议变更" in page.locator("#objection-table").inner_text()
    screenshot(page, "credit-enterprise-file")
    page.context.clear_cookies()

    # then the inspector of the district sees it in the objection queue
    login(page, "inspector", DEMO_PASSWORD)
    page.goto("/credit/objections/")
    assert "处罚决定已经复议变更" in page.locator("#objection-queue").inner_text()

    # when the inspector opens the file: the class and each contribution are shown
    page.goto(file_url)
    before = page.locator("#risk-class").inner_text()
    assert page.locator("#class-reasons tbody tr").count() >= 1

    # and records a heavier penalty through the event form: the class is recomputed at once
    page.click("#event-create-link")
    page.select_option("#id_kind", "heavier_penalty")
    page.fill("#id_source_authority", "金水区市场监督管理局")
    page.fill("#id_summary", "生产销售不合格产品，处以较重罚款")
    with page.expect_navigation():
        page.locator("#event-form button[type=submit]").click()
    assert "生产销售不合格产品" in page.locator("#event-table").inner_text()
    after = page.locator("#risk-class").inner_text()
    assert after in ("C", "D") and after >= before
    assert "较重行政处罚 1 次" in page.locator("#class-reasons").inner_text()
    screenshot(page, "credit-officer-file")

    # the abnormal-operations list is there too
    page.goto("/credit/lists/abnormal_operations/")
    assert page.locator("#list-table .list-entry").count() >= 1
    page.context.clear_cookies()

    # the public looks the enterprise up by its credit code: published items only, no class
    page.goto("/public/credit/")
    page.fill("#lookup-q", uscc)
    with page.expect_navigation():
        page.locator("#credit-lookup button[type=submit]").click()
    assert uscc in page.url
    public = page.locator("main").inner_text() if page.locator("main").count() else page.content()
    assert "产品标识不符合规定" in public
    assert "生产销售不合格产品" not in public  # recorded, not published
    assert "风险分类" not in public and "风险分值" not in public
    screenshot(page, "credit-public-file")
