"""Reads with rules: which workflow steps a user may take on a sample now."""

import datetime

import pytest

from qcity.core.choices import Role
from qcity.sampling import selectors, services

from .factories import TODAY, concluded, make_sample

pytestmark = pytest.mark.django_db


def test_a_new_sample_offers_result_entry_to_its_officers_only(make_user, city, district, city_plan, enterprise,
                                                               samplers):
    # given a sample just taken in the district
    sample = make_sample(city_plan, enterprise, samplers)
    officer = make_user(Role.INSPECTOR, org_unit=district)
    stranger = make_user(Role.INSPECTOR, org_unit=city.children.exclude(pk=district.pk).first())
    # then its officer may enter results (not conclude without any), an officer elsewhere nothing
    assert selectors.sample_available_steps(sample=sample, user=officer, today=TODAY) == {"results"}
    assert selectors.sample_available_steps(sample=sample, user=stranger, today=TODAY) == set()


def test_a_failed_final_sample_offers_publication_and_follow_up(make_user, district, city_plan, enterprise, samplers):
    # given a failed sample served long ago (no retest asked: the result is final)
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    # then the officer may publish it and order rectification, and nothing of the earlier steps
    assert selectors.sample_available_steps(sample=sample, user=officer, today=TODAY) == {"publish", "followup_order"}
    # and once rectification is ordered, the follow-up steps replace the order
    services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                            rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    sample.refresh_from_db()
    steps = selectors.sample_available_steps(sample=sample, user=officer, today=TODAY)
    assert "followup_order" not in steps and {"report", "transfer"} <= steps


def test_the_sampled_enterprise_may_object_within_the_retest_window(make_user, city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    owner = make_user(Role.ENTERPRISE_USER, enterprise=enterprise)
    assert selectors.sample_available_steps(sample=sample, user=owner, today=sample.served_on) == {"objection"}
    assert selectors.sample_available_steps(sample=sample, user=owner, today=TODAY) == set()
