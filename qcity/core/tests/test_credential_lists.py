"""The lists of API credentials on QcityTables: a user's own tokens and the system administrator's service
accounts, each sortable, filtered by its FilterSet and counted; the revoke forms stay in the rows."""

import re

import pytest
from django.core.cache import cache

from qcity.core import api_tokens
from qcity.core.choices import Role

pytestmark = pytest.mark.django_db
ROW_NAMES = re.compile(r"<tr[^>]*>\s*<td[^>]*>([^<]+)</td>")


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


def _usernames(page: str) -> list[str]:
    return re.findall(r'href="/core/service-accounts/\d+/">([^<]+)</a>', page)


def test_own_tokens_sort_by_name_filter_by_name_and_count(client_for, make_user):
    # given three tokens of mine and one of someone else
    user = make_user(Role.DEPARTMENT_REPORTER)
    for name in ("报送脚本", "备份任务", "报表导出"):
        api_tokens.api_token_create(user=user, name=name, days=90, by=user)
    other = make_user(Role.DEPARTMENT_REPORTER, username="other")
    api_tokens.api_token_create(user=other, name="报送他人", days=90, by=other)
    client = client_for(user)
    # when I sort by name
    page = client.get("/accounts/api-tokens/", {"sort": "-name"}).content.decode()
    # then my three are listed in that order, counted, each with its revoke form and form token
    assert ROW_NAMES.findall(page) == sorted(["报送脚本", "备份任务", "报表导出"], reverse=True)
    assert "共 3 项" in page and "报送他人" not in page
    assert page.count("/revoke/") == 3 and page.count('name="form_token"') >= 4  # 3 revokes + the create form
    # when I filter by name, only the matching tokens stay
    filtered = client.get("/accounts/api-tokens/", {"q": "报送"}).content.decode()
    assert ROW_NAMES.findall(filtered) == ["报送脚本"] and "共 1 项" in filtered


def test_service_accounts_sort_filter_by_text_and_unit_and_count(client_for, make_user, city, district):
    # given three service accounts, two over the district and one over another district
    admin = make_user(Role.SYSTEM_ADMIN)
    for username, purpose, unit in (("b-feed", "数据报送", district), ("a-trace", "追溯系统", district),
                                    ("c-feed", "数据报送", city.children.get(name="二七区"))):
        api_tokens.service_account_create(username=username, full_name=username, purpose=purpose,
                                          allowed_paths=["/api/legal-durations/"], org_unit=unit, by=admin)
    client = client_for(admin)
    # when the administrator sorts by account name, descending
    page = client.get("/core/service-accounts/", {"sort": "-username"}).content.decode()
    # then all three, in that order, counted
    assert _usernames(page) == ["c-feed", "b-feed", "a-trace"] and "共 3 项" in page
    # when filtered by purpose text, and by the unit
    by_text = client.get("/core/service-accounts/", {"q": "报送", "sort": "username"}).content.decode()
    assert _usernames(by_text) == ["b-feed", "c-feed"] and "共 2 项" in by_text
    by_unit = client.get("/core/service-accounts/", {"org_unit": district.pk, "sort": "username"}).content.decode()
    assert _usernames(by_unit) == ["a-trace", "b-feed"]
    # and an unknown sort is ignored, a bad unit dropped
    assert client.get("/core/service-accounts/", {"sort": "user__password", "org_unit": "x"}).status_code == 200


def test_only_the_system_administrator_lists_service_accounts(client_for, make_user):
    assert client_for(make_user(Role.DEPARTMENT_REPORTER)).get("/core/service-accounts/").status_code == 403
