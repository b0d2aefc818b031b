"""The cockpit in a real browser: the office sees the charts drawn and the district ranking; a district
officer sees the same city view with their own district highlighted."""

DEMO_PASSWORD = "Qcity-2026!"


def test_office_sees_cockpit_charts_and_ranking(page, login, screenshot):
    # given the leadership office logged in
    login(page, "office", DEMO_PASSWORD)
    # when they open the cockpit
    page.goto("/reports/cockpit/")
    # then every chart is drawn on a canvas by the vendored ECharts, and the ranking lists the districts
    for chart in ("#chart-domains", "#chart-trend", "#chart-ranking"):
        page.wait_for_selector(f"{chart} canvas")
    rows = page.locator("#ranking-table tbody tr")
    assert rows.count() >= 10
    assert rows.first.locator("td").first.inner_text() == "1"
    assert int(page.locator("#cockpit-cards .fs-3").first.inner_text()) >= 0
    assert page.locator("#warning-table tbody tr").count() >= 1
    screenshot(page, "cockpit-office")

    # when they open the 14th five-year plan (after it ended, the cockpit shows the year's work points) and pick
    # another year, the page reloads for that year
    page.goto("/reports/cockpit/?plan=zz-2021-14th-fyp")
    with page.expect_navigation():
        page.select_option("#id_year", "2022")
    assert "year=2022" in page.url
    page.wait_for_selector("#chart-ranking canvas")


def test_district_officer_sees_own_district_highlighted(page, login, screenshot):
    login(page, "jinshui", DEMO_PASSWORD)
    page.goto("/reports/cockpit/")
    page.wait_for_selector("#chart-ranking canvas")
    assert page.locator("#my-district").inner_text() == "金水区"
    highlighted = page.locator("#ranking-table tbody tr.table-warning")
    assert highlighted.count() == 1 and "金水区" in highlighted.inner_text()
    screenshot(page, "cockpit-district-officer")


def test_office_generates_the_white_paper_in_the_background_and_downloads_it(page, login):
    login(page, "office", DEMO_PASSWORD)
    page.goto("/reports/")
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        # when the office clicks 生成 (the panel polls the job until it is done)
        panel = page.locator(f"#white-paper .qc-generated-document[data-format='{fmt}']").first
        panel.get_by_role("button", name=f"生成 {fmt.upper()}").click()
        done = page.locator(f"#white-paper .qc-generated-document[data-format='{fmt}'][data-status='done']").first
        done.wait_for(timeout=60_000)
        # then 下载 gives the file
        with page.expect_download() as download:
            done.get_by_role("link", name="下载").click()
        path = download.value.path()
        with open(path, "rb") as handle:
            assert handle.read(4).startswith(magic)
        assert download.value.suggested_filename.endswith(fmt)
