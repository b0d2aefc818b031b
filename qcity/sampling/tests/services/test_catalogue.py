"""Sampling services: the product catalogue and sampling plans (DOMAIN §6), each with its bad inputs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import Role
from qcity.sampling import services
from qcity.sampling.choices import SamplingPlanLevel
from qcity.sampling.models import ProductCategory

from ..factories import category

pytestmark = pytest.mark.django_db


def _fields(exc):
    return set(exc.value.message_dict)


# --- catalogue and plans ---------------------------------------------------------------------------

def test_product_categories_ship_with_every_kind():
    kinds = set(ProductCategory.objects.values_list("kind", flat=True))
    assert kinds == {"food", "edible_agricultural", "drug", "key_industrial", "other"}
    assert services.product_categories_load() == 0  # idempotent


def test_plan_needs_categories_an_ordered_period_and_a_district_for_a_district_plan(city):
    with pytest.raises(ValidationError) as exc:
        services.sampling_plan_create(by=None, title="区级计划", level=SamplingPlanLevel.DISTRICT, org_unit=city,
                             period_start=datetime.date(2025, 6, 1), period_end=datetime.date(2025, 1, 1),
                             categories=[], planned_batches=0)
    assert _fields(exc) == {"org_unit", "period_end", "categories", "planned_batches"}


def test_district_officer_cannot_create_a_plan_for_another_district(make_user, city, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    other = city.children.exclude(pk=district.pk).first()
    with pytest.raises(PermissionDenied):
        services.sampling_plan_create(by=officer, title="x", level=SamplingPlanLevel.DISTRICT, org_unit=other,
                             period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31),
                             categories=[category()], planned_batches=5)
