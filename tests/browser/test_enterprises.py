"""The foundation's main path in a real browser: log in, search the registry, import with a bad row, add a
licence from the enterprise's page."""

import re

from openpyxl import Workbook

from qcity.enterprises.tests.factories import make_uscc

DEMO_PASSWORD = "Qcity-2026!"
HEADINGS = ["统一社会信用代码", "企业名称", "主体类型", "行业代码", "所属区域", "住所", "法定代表人",
            "注册资本（万元）", "成立日期", "登记状态"]


def _code(serial: int) -> str:
    return make_uscc("410105", serial)


def _xlsx(path, rows):
    workbook = Workbook()
    workbook.active.append(HEADINGS)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_district_officer_searches_and_imports_with_a_bad_row(page, login, screenshot, tmp_path):
    # given the district officer of 金水区 logged in
    login(page, "jinshui", DEMO_PASSWORD)
    assert "区县工作人员" in page.locator("#my-roles").inner_text()

    # when they open the registry and search part of the first enterprise's name
    page.goto("/enterprises/")
    first_name = page.locator("#enterprise-table tbody tr td:nth-child(2)").first.inner_text()
    term = first_name[2:6]
    with page.expect_response(re.compile(r"/enterprises/\?")):
        page.fill("input[name=q]", term)
    page.wait_for_timeout(300)

    # then every row shown contains the term, and only 金水区 enterprises are listed
    names = page.locator("#enterprise-table tbody tr td:nth-child(2)").all_inner_texts()
    assert names and all(term in name for name in names), (term, names)
    districts = set(page.locator("#enterprise-table tbody tr td:nth-child(5)").all_inner_texts())
    assert districts == {"金水区"}
    screenshot(page, "enterprise-search")

    # when they import a file whose second data row has a wrong check character
    good, bad = _code(990000001), _code(990000002)[:-1] + ("0" if _code(990000002)[-1] != "0" else "1")
    path = _xlsx(tmp_path / "import.xlsx", [
        [good, "郑州浏览器测试食品有限公司", "有限责任公司", "14", "金水区", "郑州市金水区经三路1号", "赵六", 50, "2020-01-02", "存续"],
        [bad, "郑州浏览器错误有限公司", "有限责任公司", "14", "金水区", "", "", None, None, "存续"],
    ])
    page.goto("/enterprises/import/")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("form[enctype] button[type=submit]")

    # then row 3 is reported with its reason and nothing was written
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.locator("td").first.inner_text() == "3"
    assert "校验位错误" in errors.first.inner_text()
    screenshot(page, "enterprise-import-errors")

    # when they choose to import the good rows, then the good one is registered and findable
    with page.expect_navigation():
        page.click("#import-good-rows")
    assert "已导入 1 条" in page.locator("#import-result").inner_text()
    page.goto(f"/enterprises/?q={good}")
    assert page.locator("#enterprise-table tbody tr").count() == 1
    assert "郑州浏览器测试食品有限公司" in page.locator("#enterprise-table").inner_text()

    # when they open it and unfold "添加许可证", the form comes, and a licence saved shows on the page
    with page.expect_navigation():
        page.click("#enterprise-table tbody tr td:nth-child(1) a")
    assert page.locator("input[name='licence-number']").count() == 0  # folded forms are fetched when opened
    page.click("#licence-form summary")
    page.wait_for_selector("input[name='licence-number']")
    page.select_option("select[name='licence-kind']", index=1)
    page.fill("input[name='licence-number']", "JY14101050000001")
    page.fill("input[name='licence-valid_from']", "2026-01-01")
    page.fill("input[name='licence-valid_to']", "2031-01-01")
    with page.expect_navigation():
        page.click("#licence-form button[type=submit]")
    assert "已添加许可证" in page.content() and "JY14101050000001" in page.content()


def test_district_officer_cannot_open_another_districts_enterprise(page, login):
    login(page, "office", DEMO_PASSWORD)
    page.goto("/enterprises/")
    page.select_option("select[name=org_unit]", label="二七区")
    page.wait_for_timeout(800)
    link = page.locator("#enterprise-table tbody tr td:nth-child(1) a").first
    href = link.get_attribute("href")
    page.context.clear_cookies()
    login(page, "jinshui", DEMO_PASSWORD)
    response = page.goto(href + "edit/")
    assert response.status in (403, 404)
