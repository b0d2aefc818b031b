"""The portal's own header and footer (who publishes it, how to reach them, the filing numbers) and the
language switcher every page shares."""

import pytest
from django.urls import reverse
from lxml import html

PUBLIC_PAGES = [("portal:home", ()), ("portal:credit-lookup", ()), ("portal:credit-list", ("red",)),
                ("portal:inspection-results", ()), ("portal:inspection-draws", ()), ("portal:sampling-results", ())]


def _page(client, name="portal:home", args=()):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_every_public_page_has_the_authority_header_and_the_footer(client, settings, name, args):
    # given a deployment that names its authority, contact, ICP filing number and website code
    settings.QCITY_PORTAL = {"authority": "Example Authority", "contact": "0371-12345678",
                             "icp": "ICP-0000001", "site_code": "4101000001"}

    # when a public page is opened
    page = _page(client, name, args)

    # then the header names the authority and its title leads to the portal home, not the login page
    brand = page.get_element_by_id("portal-brand")
    assert brand.get("href") == reverse("portal:home")
    assert page.get_element_by_id("portal-authority").text_content().strip() == "Example Authority"
    # and the footer carries all four
    footer = page.get_element_by_id("portal-footer").text_content()
    for value in ("Example Authority", "0371-12345678", "ICP-0000001", "4101000001"):
        assert value in footer
    # and the page has one h1 and its main landmark
    assert len(page.xpath("//h1")) == 1 and len(page.xpath("//main")) == 1


@pytest.mark.django_db
def test_a_deployment_that_leaves_an_entry_out_gets_an_empty_value_not_an_error(client, settings):
    settings.QCITY_PORTAL = {"authority": "Example Authority"}
    footer = _page(client).get_element_by_id("portal-footer").text_content()
    assert "Example Authority" in footer


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_language_switcher_names_each_language_in_its_own_language(client, settings, language):
    # given the page in either language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    # when it is rendered
    page = _page(client)

    # then the switcher reads 中文 / English, each option marked with its language
    options = page.xpath("//select[@id='language-switcher']/option")
    assert [(o.get("lang"), o.text_content()) for o in options] == [("zh-hans", "中文"), ("en", "English")]
    assert [o.get("value") for o in options if o.get("selected") is not None] == [language]
    assert page.xpath("//html/@lang") == [language]
