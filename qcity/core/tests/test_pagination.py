"""CappedPaginator: a first page with room to spare is its own count; fuller lists are counted, up to the cap."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qcity.core.pagination import CappedPaginator
from qcity.enterprises.models import Enterprise
from qcity.enterprises.tests.factories import EnterpriseFactory


def counted(queries) -> int:
    return sum("COUNT(" in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("number", [1, "1"])
def test_a_first_page_with_room_to_spare_is_not_counted(district, number):
    EnterpriseFactory.create_batch(3, org_unit=district)
    paginator = CappedPaginator(Enterprise.objects.order_by("pk"), 5)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(number)
        assert (paginator.count, paginator.num_pages, len(page), page.has_next()) == (3, 1, 3, False)
    assert counted(queries) == 0 and len(queries.captured_queries) == 1


def test_a_full_first_page_and_later_pages_are_counted(district):
    EnterpriseFactory.create_batch(5, org_unit=district)
    paginator = CappedPaginator(Enterprise.objects.order_by("pk"), 2)
    with CaptureQueriesContext(connection) as queries:
        first = paginator.page(1)
        assert (len(first), first.has_next(), paginator.count, paginator.num_pages) == (2, True, 5, 3)
    assert counted(queries) == 1
    last = CappedPaginator(Enterprise.objects.order_by("pk"), 2).page(3)
    assert [e.pk for e in last] == [Enterprise.objects.order_by("pk").last().pk]


def test_an_empty_list_has_one_empty_first_page_and_an_estimate_is_not_replaced(district):
    paginator = CappedPaginator(Enterprise.objects.all(), 50)
    assert (len(paginator.page(1)), paginator.count) == (0, 0)
    EnterpriseFactory.create_batch(2, org_unit=district)
    estimated = CappedPaginator(Enterprise.objects.all(), 50, estimate=440_000)
    assert (len(estimated.page(1)), estimated.count) == (2, 440_000)
