"""The workplan's main path in a real browser: the office sees overdue tasks flagged and their 督办."""

import re

DEMO_PASSWORD = "Qcity-2026!"


def test_office_sees_overdue_tasks_and_their_supervision(page, login, screenshot):
    # given the leadership office logged in
    login(page, "office", DEMO_PASSWORD)

    # when they open the task list
    page.goto("/workplan/")
    rows = page.locator("#task-table tbody tr")
    assert rows.count() >= 28

    # then the overdue filter lists only the few overdue tasks (oldest deadline first), each flagged
    with page.expect_response(re.compile(r"/workplan/\?")):
        page.select_option("select[name=overdue]", "yes")
    page.wait_for_timeout(300)
    flagged = page.locator("#task-table tbody tr")
    assert flagged.count() >= 1
    assert flagged.count() == page.locator("#task-table tbody tr[data-overdue='1'] .overdue-flag").count()
    first = flagged.first.locator("td").nth(1).inner_text()
    screenshot(page, "workplan-overdue")

    # when they open the most overdue task, then its supervision and its plan sentence are shown
    with page.expect_navigation():
        flagged.first.locator("td:nth-child(2) a").click()
    assert first in page.locator("#task-title").inner_text()
    assert page.locator("#task-status .overdue-flag").is_visible()
    supervision = page.locator("#task-supervisions .supervision-item").first
    assert "督办" in supervision.inner_text() and "督办中" in supervision.inner_text()
    assert re.search(r"/indicators/plans/[\w-]+/#q\d+$", page.locator("#quote-link").get_attribute("href"))
    screenshot(page, "workplan-task-supervision")

    # and the supervision list shows the open supervisions with their actions
    page.goto("/workplan/supervisions/")
    assert page.locator("#supervision-table tbody tr").count() >= 1
    assert page.locator("#supervision-table").get_by_role("button", name="办结").count() >= 1
