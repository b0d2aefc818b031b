import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_portal_home_needs_no_login_and_links_every_public_section(client):
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200
    html = page.content.decode()
    for name, args in [("portal:credit-lookup", ()), ("portal:credit-list", ("abnormal_operations",)),
                       ("portal:credit-list", ("serious_violation",)), ("portal:credit-list", ("red",)),
                       ("portal:inspection-results", ()), ("portal:inspection-draws", ()),
                       ("portal:sampling-results", ())]:
        assert f'href="{reverse(name, args=args)}"' in html


@pytest.mark.django_db
def test_login_page_links_the_portal(client):
    assert reverse("portal:home") in client.get(reverse("login")).content.decode()
