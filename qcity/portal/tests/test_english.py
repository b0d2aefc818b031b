"""The portal in English: the chrome (header, language switcher, section menu, footer) carries no Chinese once
the catalogue is translated. Data (enterprise names, the deployment's own authority name) stays as stored."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from lxml import html

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PAGES = [("portal:home", ()), ("portal:credit-lookup", ()), ("portal:credit-list", ("red",)),
         ("portal:inspection-results", ()), ("portal:sampling-results", ())]


def _chrome_text(page) -> str:
    """The header, the section menu and the footer, without the switcher's own 中文 option."""
    for option in page.xpath("//option[@lang='zh-hans']"):
        option.drop_tree()
    parts = page.xpath("//header | //nav[contains(@class, 'qc-portal-nav')] | //footer | //title")
    return " ".join(part.text_content() for part in parts)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_portal_chrome_in_english_has_no_chinese(client, settings, name, args):
    # given a visitor who chose English, on a deployment that kept the placeholder settings
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    # when a public page is opened
    with override_settings(LANGUAGE_CODE="en"):
        response = client.get(reverse(name, args=args))

    # then its header, menu, switcher and footer are English
    assert response.status_code == 200
    text = _chrome_text(html.fromstring(response.content.decode()))
    assert not CJK.search(text), CJK.findall(text)
