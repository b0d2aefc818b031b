import re


def test_login_page_renders_in_chinese(page, screenshot):
    # given a running server / when the login page is opened
    response = page.goto("/accounts/login/")

    # then it answers 200 with a Chinese title and the login form, and looks right in a screenshot
    assert response is not None and response.status == 200
    assert re.search(r"[\u4e00-\u9fff]", page.title()), f"title has no Chinese: {page.title()!r}"
    for selector in ("input[name=username]", "input[name=password]"):
        assert page.locator(selector).is_visible()
    assert screenshot(page, "login").stat().st_size > 0
