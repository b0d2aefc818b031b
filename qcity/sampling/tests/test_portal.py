"""Public pages: only published results, searchable, no samplers."""

import datetime

import pytest
from django.urls import reverse

from qcity.sampling import services

from .factories import TODAY, concluded, make_sample

pytestmark = pytest.mark.django_db


def test_public_sees_published_results_with_failed_items_only(client, city_plan, enterprise, samplers):
    failing = concluded(make_sample(city_plan, enterprise, samplers, batch="1", product="挂面"), fail=True)
    services.sample_publish(sample=failing, by=None, published_on=datetime.date(2025, 5, 1), today=TODAY)
    hidden = concluded(make_sample(city_plan, enterprise, samplers, batch="2", product="秘密面粉"))

    page = client.get(reverse("portal:sampling-results")).content.decode()
    assert "挂面" in page and "秘密面粉" not in page and "苯甲酸及其钠盐" in page
    assert "张三" not in page
    assert client.get(reverse("portal:sampling-result-detail", args=[hidden.pk])).status_code == 404
    detail = client.get(reverse("portal:sampling-result-detail", args=[failing.pk])).content.decode()
    assert 'id="failed-items"' in detail and "张三" not in detail and failing.test_report_number not in detail

    assert "挂面" in client.get(reverse("portal:sampling-results") + f"?enterprise={enterprise.uscc}").content.decode()
    assert "挂面" not in client.get(reverse("portal:sampling-results") + "?product=大米").content.decode()
    assert "挂面" in client.get(reverse("portal:sampling-results") + f"?category={failing.category_id}").content.decode()
