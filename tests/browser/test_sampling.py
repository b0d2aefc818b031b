"""Supervision sampling's main path in a real browser: an inspector records a sample, enters the test
results, confirms the conclusion, serves and publishes it; the public portal then shows it."""

import datetime
import re

DEMO_PASSWORD = "Qcity-2026!"
PRODUCT = "浏览器测试挂面"


def test_inspector_records_concludes_and_publishes_a_sample(page, login, screenshot, today):
    sampled = today - datetime.timedelta(days=20)  # in the demo's year of operations, under that year's plan
    # given the 金水区 inspector logged in, and an enterprise of their district
    login(page, "inspector", DEMO_PASSWORD)
    page.goto("/enterprises/")
    uscc = page.locator("#enterprise-table tbody tr td:nth-child(1)").first.inner_text().strip()

    # the demo's sampling is there, with its tabs
    page.goto("/sampling/")
    assert page.locator("#sample-table tbody tr").count() >= 1
    page.goto("/sampling/pass-rates/?group=kind")
    assert page.locator("#rate-table tbody tr").count() >= 3
    screenshot(page, "sampling-pass-rates")

    # when they record a sampling with two samplers
    page.goto("/sampling/samples/new/")
    page.select_option("#id_plan", label=f"郑州市{sampled.year}年度食品安全监督抽检计划")
    page.select_option("#id_category", label="粮食加工品")
    page.fill("#id_enterprise", uscc)
    page.fill("#id_product_name", PRODUCT)
    page.fill("#id_batch_number", f"BT{sampled:%Y%m%d}")
    page.fill("#id_sampling_date", sampled.isoformat())
    page.select_option("#id_sampling_place", "market")
    samplers = [page.locator("#id_samplers option", has_text=name).first.get_attribute("value")
                for name in ("（inspector）", "（jinshui）")]
    page.select_option("#id_samplers", samplers)
    page.fill("#id_quantity", "4")
    page.fill("#id_backup_quantity", "2")
    with page.expect_navigation():
        page.locator("#sample-form button[type=submit]").click()
    assert PRODUCT in page.locator("#sample-title").inner_text()

    # and enter a result within the limit, then confirm the conclusion the items give
    page.fill("#id_results-item_name", "铅（以Pb计）")
    page.fill("#id_results-limit_max", "0.2")
    page.fill("#id_results-measured_value", "0.05")
    page.fill("#id_results-unit", "mg/kg")
    with page.expect_navigation():
        page.locator("#results-form button[type=submit]").click()
    assert page.locator("#item-table tbody tr[data-conforming='1']").count() == 1
    assert page.locator("#expected-conclusion").inner_text() == "合格"
    page.fill("#id_conclude-test_report_number", "BT-REPORT-1")
    page.fill("#id_conclude-concluded_on", (sampled + datetime.timedelta(days=5)).isoformat())
    with page.expect_navigation():
        page.locator("#conclude-form button[type=submit]").click()
    assert page.locator("#sample-conclusion").inner_text() == "合格"

    # then it is served and published
    page.fill("#id_serve-served_on", (sampled + datetime.timedelta(days=6)).isoformat())
    with page.expect_navigation():
        page.locator("#serve-form button[type=submit]").click()
    assert page.locator("#retest-deadline").inner_text() != "—"
    page.fill("#id_publish-published_on", (sampled + datetime.timedelta(days=7)).isoformat())
    with page.expect_navigation():
        page.locator("#publish-form button[type=submit]").click()
    assert page.locator("#published-flag").is_visible()
    screenshot(page, "sampling-sample-published")

    # and the public (logged out) finds it on the portal, without the samplers' names
    page.context.clear_cookies()
    page.goto("/public/sampling/")
    assert page.locator("#public-sampling-table tbody tr").count() >= 1
    page.fill("input[name=product]", PRODUCT)
    with page.expect_navigation():
        page.locator("#public-sampling-search button[type=submit]").click()
    rows = page.locator("#public-sampling-table tbody tr")
    assert rows.count() == 1 and "合格" in rows.first.inner_text()
    with page.expect_navigation():
        rows.first.locator("a").click()
    assert PRODUCT in page.locator("#public-sample-title").inner_text()
    assert not re.search("赵执法|张金水", page.content())
    screenshot(page, "sampling-public-result")
