"""The credit lists are filtered by one FilterSet per list, for the page and the API alike."""

import datetime

import pytest
from django.urls import reverse

from qcity.core.choices import Role
from qcity.credit.services import abnormal_list_enter
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import make_credit_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.INSPECTOR, org_unit=district)


@pytest.fixture
def two_entries(district, today):
    """One enterprise still listed, one listed and then removed."""
    listed, removed = (EnterpriseFactory(org_unit=district, established_on=datetime.date(2016, 1, 1)) for _ in "ab")
    abnormal_list_enter(enterprise=listed, reason="unreachable", decided_on=today, decision_authority="局",
                        by=None, today=today)
    entry = abnormal_list_enter(enterprise=removed, reason="unreachable", decided_on=today, decision_authority="局",
                                by=None, today=today)
    type(entry).objects.filter(pk=entry.pk).update(status="removed")
    return listed, removed


def test_list_page_and_api_take_the_same_status_parameter(client_for, api_for, officer, two_entries):
    # given one listed and one removed entry
    listed, removed = two_entries
    page, api = client_for(officer), api_for(officer)
    # when the page is opened without a status, then only the listed one shows (the page's default)
    html = page.get("/credit/lists/abnormal_operations/").content.decode()
    assert listed.uscc in html and removed.uscc not in html
    # when status=all, then both
    html = page.get("/credit/lists/abnormal_operations/", {"status": "all"}).content.decode()
    assert listed.uscc in html and removed.uscc in html
    # and the API takes the same parameter (without it: everything)
    assert len(api.get(reverse("api-credit-list-entries")).json()["results"]) == 2
    rows = api.get(reverse("api-credit-list-entries"), {"status": "listed"}).json()["results"]
    assert [r["enterprise"] for r in rows] == [listed.pk]


def test_a_bad_parameter_is_400_naming_it_on_the_api_and_ignored_on_the_page(client_for, api_for, officer,
                                                                             two_entries):
    listed, removed = two_entries
    for url, name in [(reverse("api-credit-list-entries"), "status"), (reverse("api-credit-events"), "kind"),
                      (reverse("api-credit-repairs"), "status"), (reverse("api-credit-files"), "risk_class")]:
        response = api_for(officer).get(url, {name: "nonsense"})
        assert response.status_code == 400 and name in response.json(), url
    html = client_for(officer).get("/credit/lists/abnormal_operations/", {"status": "nonsense"}).content.decode()
    assert listed.uscc in html and removed.uscc not in html  # the default, as before


def test_overdue_events_through_the_event_filter(api_for, officer, district, today):
    enterprise = EnterpriseFactory(org_unit=district, established_on=datetime.date(2016, 1, 1))
    late = make_credit_event(enterprise, today=today, occurred_on=today - datetime.timedelta(days=90))
    make_credit_event(enterprise, today=today, occurred_on=today, published_on=today)
    rows = api_for(officer).get(reverse("api-credit-events"), {"overdue": "yes"}).json()["results"]
    assert [r["id"] for r in rows] == [late.pk]


def test_list_table_sorts_on_its_columns_only(client_for, officer, two_entries):
    page = client_for(officer)
    low, high = sorted(two_entries, key=lambda e: e.uscc)
    for sort, first, second in (("uscc", low, high), ("-uscc", high, low)):
        html = page.get("/credit/lists/abnormal_operations/", {"status": "all", "sort": sort}).content.decode()
        assert html.index(first.uscc) < html.index(second.uscc), sort
        assert f"sort={'-uscc' if sort == 'uscc' else 'uscc'}" in html  # the header link turns the order round
    # an unknown column or a field that is not a column is ignored, not a 500
    for sort in ("nonsense", "enterprise__legal_representative", "-password"):
        assert page.get("/credit/lists/abnormal_operations/", {"sort": sort}).status_code == 200
