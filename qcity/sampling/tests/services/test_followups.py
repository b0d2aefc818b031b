"""Sampling services: the follow-up of a failure, article 17 (DOMAIN §6), each with its bad inputs."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from qcity.sampling import services
from qcity.sampling.choices import FollowupStatus

from ..factories import TODAY, concluded, make_sample

pytestmark = pytest.mark.django_db


def _fields(exc):
    return set(exc.value.message_dict)


# --- follow-up ---------------------------------------------------------------------------------------

def test_follow_up_runs_the_article_17_steps(city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    with pytest.raises(ValidationError) as exc:  # not final yet
        services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 5),
                                rectification_deadline=datetime.date(2025, 5, 5), by=None,
                                today=datetime.date(2025, 4, 5))
    assert _fields(exc) == {"status"}
    followup = services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                                       rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    assert followup.is_overdue(datetime.date(2025, 5, 21)) and not followup.is_overdue(datetime.date(2025, 5, 20))
    with pytest.raises(ValidationError):  # twice
        services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                                rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    with pytest.raises(ValidationError):  # re-inspection before the report
        services.followup_reinspect(followup=followup, reinspected_on=datetime.date(2025, 5, 1), conforming=True,
                                    by=None, today=TODAY)
    with pytest.raises(ValidationError):  # announcement while rectification is in time
        services.followup_announce(followup=followup, announced_on=datetime.date(2025, 5, 10), by=None, today=TODAY)
    services.followup_report(followup=followup, received_on=datetime.date(2025, 5, 15), text="已下架召回，更换原料供应商",
                             by=None, today=TODAY)
    services.followup_reinspect(followup=followup, reinspected_on=datetime.date(2025, 6, 1), conforming=False,
                                by=None, today=TODAY)
    services.followup_announce(followup=followup, announced_on=datetime.date(2025, 6, 10), by=None, today=TODAY)
    services.followup_transfer(followup=followup, transferred_on=datetime.date(2025, 6, 15), transferred_to="稽查支队",
                               case_number="郑市监立〔2025〕12号", by=None, today=TODAY)
    followup.refresh_from_db()
    assert followup.status == FollowupStatus.TRANSFERRED
    with pytest.raises(ValidationError):
        services.followup_transfer(followup=followup, transferred_on=datetime.date(2025, 6, 16), transferred_to="x",
                                   by=None, today=TODAY)


def test_overdue_rectification_can_be_announced(city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    followup = services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                                       rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    services.followup_announce(followup=followup, announced_on=datetime.date(2025, 6, 1), by=None, today=TODAY)
    assert followup.status == FollowupStatus.ANNOUNCED


def test_follow_up_only_for_failures(city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers))
    with pytest.raises(ValidationError) as exc:
        services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                                rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    assert _fields(exc) == {"conclusion"}
