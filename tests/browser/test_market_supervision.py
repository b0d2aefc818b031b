"""The market-supervision loop end to end in a real browser (issue 4's "done when"): an officer builds an
inspection plan, draws, sees the assignments and enters a result; the enterprise goes on the abnormal-
operations list and its credit class changes; a failing sample moves the food sampling pass rate; the
public sees the published results and the listing, never the class."""

import datetime
import re

DEMO_PASSWORD = "Qcity-2026!"
PRODUCT = "端到端测试速冻水饺"


def _food_pass_rate(page, year: int) -> float:
    """金水区's food sampling pass rate of `year` (a computed indicator) on the target-status board. The unit
    goes in the address: once the 2021–2025 plan has ended, the platform's years are past its year list."""
    page.goto(f"/indicators/status/?plan=zz-2021-14th-fyp&year={year}")
    unit = page.locator("#status-filter select[name=org_unit] option", has_text="金水区").first.get_attribute("value")
    page.goto(f"/indicators/status/?plan=zz-2021-14th-fyp&year={year}&org_unit={unit}")
    row = page.locator("#status-rows-table tbody tr", has_text="食品抽检合格率").first
    return float(row.locator("td").nth(3).inner_text().strip().removesuffix("%"))


def _credit_file(page, uscc: str) -> str:
    """Open the officer's credit file of `uscc`; return its risk class letter."""
    page.goto(f"/credit/?q={uscc}")
    with page.expect_navigation():
        page.locator("#credit-file-table tbody a").first.click()
    return page.locator("#risk-class").inner_text().strip()


def test_plan_draw_result_listing_class_pass_rate_and_publication(page, login, screenshot, today):
    login(page, "jinshui", DEMO_PASSWORD)
    # a day of the year with most of the demo's samples (the platform computes its pass rates), well before today
    year = today.year if today.month >= 7 else today.year - 1
    sampled = min(today - datetime.timedelta(days=60), datetime.date(year, 11, 1))
    rate_before = _food_pass_rate(page, sampled.year)

    # an officer builds an inspection plan on the district's pool and draws
    page.goto("/inspections/plans/new/")
    page.fill("#id_name", "端到端抽查计划")
    page.select_option("#id_org_unit", label="金水区")
    page.fill("#id_year", str(today.year))
    page.fill("#id_period_start", f"{today.year}-01-01")
    page.fill("#id_period_end", f"{today.year}-12-31")
    page.select_option("#id_pool", label="金水区市场主体名录库")
    page.select_option("#id_items", label="SJ-QY-01 企业公示信息情况检查")
    for stratum, ratio in (("a", "30"), ("b", "30"), ("c", "100"), ("d", "100")):
        page.fill(f"#id_ratio_{stratum}", ratio)
    with page.expect_navigation():
        page.locator("#plan-form button[type=submit]").click()
    with page.expect_navigation():
        page.locator("#draw-button").click()
    page.check("#id_confirm")  # the preview page: confirm the irreversible draw
    with page.expect_navigation():
        page.locator("#confirm-draw").click()
    plan_url = page.url

    # and sees the assignments: every drawn target with two inspectors
    rows = page.locator("#target-table tr.target-row")
    assert rows.count() >= 2
    for i in range(rows.count()):
        assert rows.nth(i).locator(".assigned-inspectors").inner_text().count("（") == 2
    targets = [(rows.nth(i).locator("a").get_attribute("href"), rows.nth(i).locator(".small").first.inner_text().strip())
               for i in range(rows.count())]

    # the first drawn enterprise of a low-risk class (A or B) is the one followed here
    target_url = uscc = class_before = None
    for href, code in targets:
        risk = _credit_file(page, code)
        if risk in ("A", "B"):
            target_url, uscc, class_before = href, code, risk
            break
    assert uscc, "no drawn target of class A or B"

    # when the inspectors cannot reach it at its registered address and the result is entered and published
    page.goto(target_url)
    page.select_option("#id_item", label="SJ-QY-01 企业公示信息情况检查")
    page.select_option("#id_outcome", "not_reachable")
    page.fill("#id_findings", "登记住所无该企业经营")
    page.fill("#id_inspected_on", today.isoformat())
    with page.expect_navigation():
        page.locator("#result-form button[type=submit]").click()
    result = page.locator("#result-table tr.result-row").first
    assert "无法联系" in result.inner_text()
    with page.expect_navigation():
        result.locator("button", has_text="公示").click()
    screenshot(page, "market-supervision-result")

    # and the enterprise is put on the abnormal-operations list for it (DOMAIN §2.1 (d)), published with the decision
    page.goto("/credit/lists/abnormal_operations/")
    page.fill("#id_uscc", uscc)
    page.select_option("#id_reason", "unreachable")
    page.fill("#id_decided_on", today.isoformat())
    page.fill("#id_decision_authority", "金水区市场监督管理局")
    with page.expect_navigation():
        page.locator("#list-entry-form button[type=submit]").click()
    assert today.isoformat() in page.locator("#list-table tbody tr", has_text=uscc).first.inner_text()

    # then its class is recomputed at once, with the inspection result and the listing among the reasons
    class_after = _credit_file(page, uscc)
    assert class_after in ("C", "D") and class_after != class_before
    reasons = page.locator("#class-reasons").inner_text()
    assert "经营异常名录" in reasons and "双随机" in reasons
    screenshot(page, "market-supervision-credit-file")

    # when a failing sample of the district is recorded, concluded and served (objection window closed)
    page.goto("/sampling/samples/new/")
    page.select_option("#id_plan", label=f"郑州市{sampled.year}年度食品安全监督抽检计划")
    page.select_option("#id_category", label="速冻食品")
    page.fill("#id_enterprise", uscc)
    page.fill("#id_product_name", PRODUCT)
    page.fill("#id_batch_number", f"E2E{sampled:%Y%m%d}")
    page.fill("#id_sampling_date", sampled.isoformat())
    page.select_option("#id_sampling_place", "market")
    samplers = [page.locator("#id_samplers option", has_text=name).first.get_attribute("value")
                for name in ("（inspector）", "（jinshui）")]
    page.select_option("#id_samplers", samplers)
    page.fill("#id_quantity", "4")
    page.fill("#id_backup_quantity", "2")
    with page.expect_navigation():
        page.locator("#sample-form button[type=submit]").click()
    page.fill("#id_results-item_name", "过氧化值（以脂肪计）")
    page.fill("#id_results-limit_max", "0.25")
    page.fill("#id_results-measured_value", "0.61")
    page.fill("#id_results-unit", "g/100g")
    with page.expect_navigation():
        page.locator("#results-form button[type=submit]").click()
    assert page.locator("#expected-conclusion").inner_text() == "不合格"
    page.fill("#id_conclude-test_report_number", "E2E-REPORT-1")
    page.fill("#id_conclude-concluded_on", (sampled + datetime.timedelta(days=9)).isoformat())
    with page.expect_navigation():
        page.locator("#conclude-form button[type=submit]").click()
    page.fill("#id_serve-served_on", (sampled + datetime.timedelta(days=11)).isoformat())
    with page.expect_navigation():
        page.locator("#serve-form button[type=submit]").click()
    page.fill("#id_publish-published_on", (sampled + datetime.timedelta(days=35)).isoformat())
    with page.expect_navigation():
        page.locator("#publish-form button[type=submit]").click()
    assert page.locator("#published-flag").is_visible()

    # then the district's food sampling pass rate for that year goes down
    rate_after = _food_pass_rate(page, sampled.year)
    assert rate_after < rate_before
    screenshot(page, "market-supervision-pass-rate")
    page.goto(plan_url)
    page.context.clear_cookies()

    # and the public sees the published inspection result, the failing sample and the listing, not the class
    page.goto(f"/public/inspections/results/?q={uscc}")
    assert page.locator("#public-result-table tbody tr", has_text="无法联系").count() >= 1
    page.goto("/public/sampling/")
    page.fill("input[name=product]", PRODUCT)
    with page.expect_navigation():
        page.locator("#public-sampling-search button[type=submit]").click()
    assert "不合格" in page.locator("#public-sampling-table tbody tr").first.inner_text()
    page.goto(f"/public/credit/{uscc}/")
    assert "经营异常名录" in page.content()
    assert not re.search(r"风险分类|风险分值|risk-class", page.content())
    screenshot(page, "market-supervision-public-file")
