"""Complaint spikes on constructed series: a jump is found, a steady series is not."""

import datetime

import pytest

from qcity.complaints.signals import ComplaintSpike, complaint_spikes
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import ComplaintCategoryFactory, ComplaintFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 14)  # the window is 06-08 .. 06-14; the baseline the 12 weeks before


def complaints_on(day: datetime.date, n: int, **fields) -> list:
    at = datetime.datetime(day.year, day.month, day.day, 2, tzinfo=datetime.UTC)
    return [ComplaintFactory(received_on=day, received_at=at, **fields) for _ in range(n)]


def weekly(weeks: int, per_week: int, **fields) -> None:
    """`per_week` complaints on the Wednesday of each of the `weeks` baseline weeks."""
    for week in range(1, weeks + 1):
        complaints_on(ON - datetime.timedelta(days=7 * week + 4), per_week, **fields)


def test_a_jump_over_a_quiet_baseline_is_a_spike(district):
    # given a shop with about one complaint a week, then nine in the last week
    shop = EnterpriseFactory(org_unit=district, name="郑州激增测试商行")
    for week in range(1, 13):
        complaints_on(ON - datetime.timedelta(days=7 * week + 2), week % 2 + 1, respondent=shop, product="")
    recent = complaints_on(ON - datetime.timedelta(days=3), 9, respondent=shop, product="")

    # when the spikes of the week are computed
    spikes = complaint_spikes(on=ON)

    # then the shop stands out, with its figures and a sample of ids, and nothing personal
    spike = next(s for s in spikes if s.dimension == "respondent")
    assert spike.key == str(shop.pk) and spike.label == "郑州激增测试商行" and spike.count == 9
    assert spike.baseline_mean == 1.5 and spike.baseline_sd == 0.5 and spike.ratio == 6.0
    assert spike.z_score == 7.5  # (9 - 1.5) / max(0.5, 1)
    assert spike.first_received_on == spike.last_received_on == ON - datetime.timedelta(days=3)
    assert set(spike.complaint_ids) <= {c.pk for c in recent} and len(spike.complaint_ids) == 9


def test_a_steady_series_is_no_spike(district):
    shop = EnterpriseFactory(org_unit=district)
    weekly(12, 6, respondent=shop, product="牛奶")
    complaints_on(ON, 6, respondent=shop, product="牛奶")
    assert complaint_spikes(on=ON) == []


def test_something_new_in_numbers_is_a_spike_and_a_few_are_not(district):
    # given a category never complained about, now five times; a product twice
    scooter = ComplaintCategoryFactory(name="电动自行车")
    complaints_on(ON - datetime.timedelta(days=1), 5, category=scooter, product="")
    complaints_on(ON, 2, product="充电宝")

    spikes = complaint_spikes(on=ON)

    assert [(s.dimension, s.label, s.count, s.ratio) for s in spikes] == [("category", "电动自行车", 5, None)]
    assert isinstance(spikes[0], ComplaintSpike)


def test_products_are_grouped_by_name_and_counted_in_a_few_queries(district, django_assert_max_num_queries):
    complaints_on(ON - datetime.timedelta(days=2), 6, product="预付卡 ")
    complaints_on(ON - datetime.timedelta(days=1), 1, product="预付卡")
    weekly(12, 6, product="手机")  # heavy but steady
    complaints_on(ON, 6, product="手机")

    with django_assert_max_num_queries(9):
        spikes = complaint_spikes(on=ON)

    assert [(s.dimension, s.key, s.count) for s in spikes] == [("product", "预付卡", 7)]


def test_a_split_off_part_counts_once(district):
    shop = EnterpriseFactory(org_unit=district)
    originals = complaints_on(ON, 5, respondent=shop)
    for original in originals:
        complaints_on(ON, 1, respondent=shop, split_from=original, report=True)
    (spike,) = [s for s in complaint_spikes(on=ON) if s.dimension == "respondent"]
    assert spike.count == 5


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        complaint_spikes(on=ON, window_days=0)
