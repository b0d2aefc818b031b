"""Double-random inspections in a real browser: a district officer builds a plan, draws, sees the
assignments with their inspectors, enters a result; the public sees published draw records."""

DEMO_PASSWORD = "Qcity-2026!"


def test_officer_builds_a_plan_draws_and_enters_a_result(page, login, screenshot, today):
    # given 金水区's officer logged in
    login(page, "jinshui", DEMO_PASSWORD)

    # when they build a plan on their district's pool with the published item list
    page.goto("/inspections/plans/new/")
    page.fill("#id_name", "浏览器测试抽查计划")
    page.select_option("#id_org_unit", label="金水区")
    year = today.year
    page.fill("#id_year", str(year))
    page.fill("#id_period_start", f"{year}-01-01")
    page.fill("#id_period_end", f"{year}-12-31")
    page.select_option("#id_pool", label="金水区市场主体名录库")
    page.select_option("#id_items", label="SJ-QY-01 企业公示信息情况检查")
    for stratum, ratio in (("a", "100"), ("b", "20"), ("c", "100"), ("d", "100")):
        page.fill(f"#id_ratio_{stratum}", ratio)
    with page.expect_navigation():
        page.locator("#plan-form button[type=submit]").click()
    assert "浏览器测试抽查计划" in page.locator("#plan-title").inner_text()
    assert page.locator("#plan-status").inner_text() == "待抽取"

    # and draw
    with page.expect_navigation():
        page.locator("#draw-button").click()
    page.check("#id_confirm")  # the preview page: confirm the irreversible draw
    with page.expect_navigation():
        page.locator("#confirm-draw").click()

    # then the draw record and the assignments, two inspectors per target, are shown
    assert page.locator("#plan-status").inner_text() == "已抽取"
    assert len(page.locator("#draw-seed").inner_text().strip()) == 32
    rows = page.locator("#target-table tr.target-row")
    assert rows.count() >= 1
    assert rows.first.locator(".assigned-inspectors").inner_text().count("（") == 2
    screenshot(page, "inspections-plan-drawn")

    # and the draw verifies from its own record
    with page.expect_navigation():
        page.locator("#verify-link").click()
    assert "结果一致" in page.locator("#verify-outcome").inner_text()
    page.go_back()

    # when they open the first target and enter a result
    with page.expect_navigation():
        page.locator("#target-table tr.target-row a").first.click()
    page.select_option("#id_item", label="SJ-QY-01 企业公示信息情况检查")
    page.select_option("#id_outcome", "no_problem")
    page.fill("#id_inspected_on", today.isoformat())
    with page.expect_navigation():
        page.locator("#result-form button[type=submit]").click()

    # then it is listed with its publication deadline
    result = page.locator("#result-table tr.result-row").first
    assert "未发现问题" in result.inner_text()
    screenshot(page, "inspections-result-entered")


def test_public_sees_published_draw_records_and_results(page, screenshot):
    page.goto("/public/inspections/draws/")
    assert page.locator("#public-draw-table tbody tr").count() >= 10
    with page.expect_navigation():
        page.locator("#public-draw-table tbody tr a").first.click()
    assert page.locator("#public-draw-record").is_visible() and page.locator("#how-to-verify").is_visible()
    assert "qcity-draw/2" in page.locator("#public-draw-record").inner_text()
    page.goto("/public/inspections/results/")
    assert page.locator("#public-result-table tbody tr").count() >= 1
    screenshot(page, "inspections-public-results")
