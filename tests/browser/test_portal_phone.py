"""The public portal on a phone and on a desktop: every public page fits the screen (no sideways scrolling)
and has no serious or critical accessibility violation by axe-core.

axe-core is vendored for the tests only (tests/browser/vendor/axe.min.js, MPL-2.0, LICENSE beside it); it is
evaluated in the page through the DevTools protocol, so the site's Content-Security-Policy stays as it is and
the file is never served by qcity.
"""

import json
from pathlib import Path
from urllib.parse import quote

import pytest

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
BLOCKING_IMPACTS = ("serious", "critical")


def _first_link(page, selector):
    link = page.locator(selector).first
    return link.get_attribute("href") if link.count() else None


def _credit_file_url(page):
    """A published credit file: the first one on a published list, else the first name-search hit."""
    for kind in ("abnormal_operations", "serious_violation", "red"):
        page.goto(f"/public/credit/lists/{kind}/")
        href = _first_link(page, "#public-list tbody a")
        if href:
            return href
    page.goto(f"/public/credit/?q={quote('公司')}")
    href = _first_link(page, "#lookup-results a")
    assert href, "the demo data has no enterprise to open a credit file of"
    return href


def _sampling_result_url(page):
    page.goto("/public/sampling/")
    href = _first_link(page, "#public-sampling-table tbody a")
    assert href, "the demo data has no published sampling result"
    return href


def _draw_url(page):
    page.goto("/public/inspections/draws/")
    href = _first_link(page, "#public-draw-table tbody a")
    assert href, "the demo data has no published draw record"
    return href


def _complaint_disclosure_url(page):
    """An enterprise's complaint disclosure: the link on its public credit file."""
    page.goto(_credit_file_url(page))
    href = _first_link(page, "#complaint-disclosure-link a")
    assert href, "the public credit file has no link to the enterprise's complaint disclosure"
    return href


PAGES = {
    "home": lambda page: "/public/",
    "credit-lookup": lambda page: f"/public/credit/?q={quote('公司')}",
    "credit-file": _credit_file_url,
    "credit-list": lambda page: "/public/credit/lists/abnormal_operations/",
    "credit-list-red": lambda page: "/public/credit/lists/red/",
    "inspection-results": lambda page: "/public/inspections/results/",
    "inspection-draws": lambda page: "/public/inspections/draws/",
    "inspection-draw-detail": _draw_url,
    "sampling-results": lambda page: "/public/sampling/",
    "sampling-result-detail": _sampling_result_url,
    "complaint-new": lambda page: "/public/complaints/new/",
    "complaint-track": lambda page: "/public/complaints/track/",
    "complaint-disclosure": _complaint_disclosure_url,
    "complaint-statistics": lambda page: "/public/complaints/statistics/",
}


def axe_violations(page, impacts=BLOCKING_IMPACTS):
    """Run axe-core on the page; the violations of the given impacts, one readable line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
                           " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                           " targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),"
                           " summary: v.nodes.length ? v.nodes[0].failureSummary : ''})); }")
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['targets']} — {v['summary']}"
            for v in result if v["impact"] in impacts]


def horizontal_overflow(page):
    """How many CSS pixels the document is wider than the viewport (0 when nothing scrolls sideways)."""
    return page.evaluate("() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_public_page_fits_the_screen_and_passes_axe(page, screenshot, name, viewport):
    # given a public page at the width of a desktop or of a phone
    page.set_viewport_size(viewport)
    url = PAGES[name](page)

    # when it is opened
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: HTTP {response and response.status}"
    page.wait_for_load_state("load")

    # then nothing scrolls sideways and axe finds nothing serious or critical
    label = "phone" if viewport is PHONE else "desktop"
    screenshot(page, f"portal-{name}-{label}")
    assert horizontal_overflow(page) == 0, f"{url} is wider than {viewport['width']} px"
    violations = axe_violations(page)
    assert not violations, f"{url} at {viewport['width']} px:\n" + "\n".join(violations)


def test_phone_tables_become_cards_with_column_names(page):
    # given the sampling results on a phone
    page.set_viewport_size(PHONE)
    page.goto("/public/sampling/")
    row = page.locator("#public-sampling-table tbody tr").first

    # then each row is a block as wide as the page, and each cell is labelled with its column's name
    assert page.locator("#public-sampling-table thead").bounding_box()["height"] <= 1
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    cell = row.locator("td[data-label]").first
    label = cell.evaluate("c => getComputedStyle(c, '::before').content")
    assert json.loads(label) == cell.get_attribute("data-label")


def test_portal_header_names_the_authority_links_home_and_has_the_footer(page):
    # given any public page
    page.goto("/public/sampling/")

    # then the header names the issuing authority and its title leads to the portal's home, not the login
    assert page.locator("#portal-authority").inner_text().strip()
    assert page.locator("#portal-brand").get_attribute("href") == "/public/"
    # and the footer says who runs the site, how to reach them, the ICP filing number and the site code
    footer = page.locator("#portal-footer").inner_text()
    for words in ("主办单位", "联系方式", "ICP备案号", "政府网站标识码"):
        assert words in footer


def test_language_switcher_names_each_language_in_itself(page):
    # given the portal in Chinese
    page.goto("/public/")
    options = page.locator("#language-switcher option")
    assert [options.nth(i).inner_text() for i in range(options.count())] == ["中文", "English"]
    assert [options.nth(i).get_attribute("lang") for i in range(options.count())] == ["zh-hans", "en"]

    # when English is chosen
    with page.expect_navigation():
        page.select_option("#language-switcher", "en")

    # then the page is in English, and the switcher still reads 中文 / English
    assert page.locator("html").get_attribute("lang") == "en"
    assert [options.nth(i).inner_text() for i in range(options.count())] == ["中文", "English"]
