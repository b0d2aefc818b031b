"""The programme's main path in a real browser: a district reports a value, the office approves it, the
status and ranking change; the office imports a plan document and accepts its targets."""

from playwright.sync_api import expect

DEMO_PASSWORD = "Qcity-2026!"
PLAN = "zz-2014-demonstration"  # no demo values: the first approved value is the one this test reports


def _jinshui_row(page):
    return page.locator("#ranking-table tbody tr", has_text="金水区")


def test_office_sees_the_three_builtin_plans_with_their_targets(page, login):
    login(page, "office", DEMO_PASSWORD)
    page.goto("/indicators/")
    text = page.locator("main").inner_text()
    for title in ("郑州市“十四五”质量强市建设规划", "郑州市创建全国质量强市示范城市工作方案", "航空港"):
        assert title in text
    page.goto("/indicators/plans/zz-airport-2021/")
    assert page.locator("#indicator-table tbody tr").count() >= 60
    # a target links to its sentence in the plan text
    href = page.locator("#indicator-table tbody tr a[href^='#q']").first.get_attribute("href")
    assert page.locator(f"#plan-text {href}").count() == 1


def test_district_reports_office_approves_and_the_status_changes(page, login, screenshot):
    # given the district officer of 金水区 on an indicator of the 2014 plan
    login(page, "jinshui", DEMO_PASSWORD)
    page.goto(f"/indicators/plans/{PLAN}/")
    page.get_by_role("link", name="农业标准化生产普及率").first.click()
    assert "超过30%" in page.locator("#indicator-quote").inner_text()

    # when they report 2015 = 35 %
    page.get_by_role("link", name="填报数值").click()
    page.select_option("#id_org_unit", label="金水区")
    page.fill("#id_year", "2015")
    page.fill("#id_value", "35")
    page.click("#value-form button[type=submit]")
    assert page.locator("#value-table tbody tr", has_text="已提交").count() == 1
    page.click("form[action$='/logout/'] button")

    # and the leadership office reviews and approves it from the queue
    login(page, "office", DEMO_PASSWORD)
    page.goto("/indicators/values/?status=submitted")
    row = page.locator("#value-table tbody tr", has_text="农业标准化生产普及率").filter(has_text="金水区")
    row.get_by_role("button", name="审核").click()
    row = page.locator("#value-table tbody tr", has_text="农业标准化生产普及率").filter(has_text="已审核")
    row.get_by_role("button", name="审定").click()
    page.locator("#value-table tbody tr", has_text="农业标准化生产普及率").filter(has_text="已审定").wait_for()

    # then 金水区 has the indicator achieved and leads the 2015 ranking of that plan
    page.goto(f"/indicators/status/?plan={PLAN}&year=2015")
    assert _jinshui_row(page).locator("td").first.inner_text() == "1"
    assert _jinshui_row(page).locator("td").nth(3).inner_text() == "1"
    screenshot(page, "indicators-status")


def test_office_imports_a_gbk_plan_document_and_accepts_its_targets(page, login, screenshot, tmp_path):
    # given a plan written by another city, saved in GBK
    text = ("某市质量强市建设实施方案（2024—2026年）\n"
            "到2026年，食品抽检合格率稳定在98%以上，新增省级质量标杆企业5~8家，万元GDP能耗下降3%以上。\n")
    path = tmp_path / "plan-gbk.txt"
    path.write_bytes(text.encode("gbk"))
    login(page, "office", DEMO_PASSWORD)

    # when the office uploads it
    page.goto("/indicators/plans/import/")
    page.set_input_files("#id_file", str(path))
    page.click("#plan-import-form button[type=submit]")

    # then the proposed targets are listed for review, quotes included
    proposed = page.locator("#proposal-table tbody tr").count()
    assert proposed >= 3
    assert "98" in page.locator("#proposal-table").inner_text()
    screenshot(page, "indicators-plan-import")

    # and accepting them creates the plan, whose page links each target to its sentence
    page.fill("#id_code", "other-city-2024")
    page.click("#plan-accept-form button[type=submit]")
    assert page.locator("#indicator-table tbody tr").count() == proposed
    assert page.locator("#plan-text mark").count() >= 3


def test_value_form_searches_the_indicators_and_shows_the_last_approved_value(page, login, screenshot):
    # given the district officer of 金水区 on the value form (their one unit chosen already)
    login(page, "jinshui", DEMO_PASSWORD)
    page.goto("/indicators/values/new/")
    assert page.locator("#id_org_unit option:checked").inner_text() == "金水区"
    # when they search the indicator select (Tom Select, vendored) and pick the first match
    page.locator("#id_indicator + .ts-wrapper .ts-control").click()
    page.keyboard.type("合格率")
    options = page.locator(".ts-dropdown .option")
    expect(options.first).to_be_visible()
    expect(options.filter(has_not_text="合格率")).to_have_count(0)  # filtered as they type
    with page.expect_response(lambda r: "/indicators/values/last/" in r.url):
        options.first.click()
    # then the original select holds the choice and the last approved value box was refreshed
    assert page.locator("#id_indicator").input_value() != ""
    page.locator("#last-value span").first.wait_for()
    screenshot(page, "indicators-value-form")


def test_the_values_queue_filters_by_unit_and_keeps_the_filter_in_the_export_link(page, login):
    login(page, "office", DEMO_PASSWORD)
    page.goto("/indicators/values/?status=")
    page.select_option("#id_org_unit", label="金水区")
    with page.expect_navigation():
        page.click("#value-filter button[type=submit]")
    units = page.locator("#value-table tbody tr td:nth-child(2)").all_inner_texts()
    assert units and set(units) == {"金水区"}
    assert "org_unit=" in page.locator("#export-link").get_attribute("href")
    assert page.locator("#result-count").inner_text().startswith("共")
