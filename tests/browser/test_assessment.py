"""The assessment in a real browser: the office opens last year's published results and a breakdown, and runs
this year's draft (the demo's, for the suite's `today`)."""

DEMO_PASSWORD = "Qcity-2026!"


def test_office_opens_last_years_ranking_and_a_breakdown_that_explains_the_score(page, login, screenshot, today):
    # given the leadership office logged in
    login(page, "office", DEMO_PASSWORD)

    # when it opens the assessment schemes and last year's published scheme's ranking
    page.goto("/assessment/")
    row = page.locator("#scheme-table tbody tr", has_text=f"{today.year - 1}年度")
    assert "已发布" in row.inner_text()
    with page.expect_navigation():
        row.get_by_role("link", name="排名").click()

    # then both rankings are shown, the vetoed district last and failed
    districts = page.locator("#district-ranking tbody tr")
    assert districts.count() == 16
    assert page.locator("#department-ranking tbody tr").count() >= 1
    last = districts.last.inner_text()
    assert "中牟县" in last and "不合格" in last and "一票否决" in last
    screenshot(page, "assessment-ranking")

    # when it opens the first district's breakdown
    first = districts.first.locator("a")
    name = first.inner_text()
    with page.expect_navigation():
        first.click()

    # then every line scored has its points (the lines left out, not due or not applicable, none), and the
    # total is the score shown at the top
    assert page.locator("h1").inner_text() == name
    lines = page.locator("#breakdown-table tbody tr")
    assert lines.count() > 10
    scored = page.locator("#breakdown-table tbody tr:not(.qc-left-out) td:nth-child(8)")
    points = [float(t.replace("+", "")) for t in scored.all_inner_texts()]
    assert all(t == "—" for t in page.locator("#breakdown-table tbody tr.qc-left-out td:nth-child(8)").all_inner_texts())
    total = float(page.locator("#breakdown-total").inner_text())
    assert abs(sum(points) - total) < 0.005
    assert page.locator("#result-score").inner_text().startswith(f"{total:.2f}")
    screenshot(page, "assessment-breakdown")


def test_quality_index_page_draws_the_trend(page, login, screenshot):
    login(page, "jinshui", DEMO_PASSWORD)
    page.goto("/assessment/quality-index/")
    assert page.locator("#index-table tbody tr").count() == 17
    page.wait_for_selector("#chart-index-trend[data-ready='1']")
    assert "金水区" in page.locator("#index-table tr.table-warning").inner_text()
    screenshot(page, "assessment-quality-index")


def test_office_runs_this_years_draft_scheme_and_gets_a_ranking(page, login, today):
    # given this year's draft scheme the demo prepared (and ran once for checking)
    login(page, "office", DEMO_PASSWORD)
    page.goto("/assessment/")
    row = page.locator("#scheme-table tbody tr", has_text=f"{today.year}年度")
    with page.expect_navigation():
        row.locator("a").first.click()

    # when the office runs it
    with page.expect_navigation():
        page.click("#run-button")

    # then every district is scored and ranked, the first one ranked 1
    districts = page.locator("#district-ranking tbody tr")
    assert districts.count() == 16
    assert districts.first.locator("td").first.inner_text().strip() == "1"
