"""CappedPaginator: a first page with room to spare is its own count; fuller lists are counted, up to the cap."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qcity.core.models import OrgUnit
from qcity.core.pagination import CappedPaginator


def counted(queries) -> int:
    return sum("COUNT(" in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("number", [1, "1"])
def test_a_first_page_with_room_to_spare_is_not_counted(city, number):
    units = OrgUnit.objects.order_by("pk")
    total = units.count()
    paginator = CappedPaginator(units, total + 1)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(number)
        assert (paginator.count, paginator.num_pages, len(page), page.has_next()) == (total, 1, total, False)
    assert counted(queries) == 0 and len(queries.captured_queries) == 1


def test_a_full_first_page_and_later_pages_are_counted(city):
    units = OrgUnit.objects.order_by("pk")
    total = units.count()
    assert total >= 3
    paginator = CappedPaginator(units, 2)
    with CaptureQueriesContext(connection) as queries:
        first = paginator.page(1)
        assert (len(first), first.has_next(), paginator.count, paginator.num_pages) == (2, True, total, -(-total // 2))
    assert counted(queries) == 1
    last = CappedPaginator(units, 2).page(-(-total // 2))
    assert [u.pk for u in last][-1] == units.last().pk


def test_an_empty_list_has_one_empty_first_page_and_an_estimate_is_not_replaced(city):
    paginator = CappedPaginator(OrgUnit.objects.none(), 50)
    assert (len(paginator.page(1)), paginator.count) == (0, 0)
    estimated = CappedPaginator(OrgUnit.objects.all(), 50, estimate=440_000)
    assert (len(estimated.page(1)), estimated.count) == (OrgUnit.objects.count(), 440_000)


@pytest.mark.parametrize("estimate", [2, 7, 200])
def test_pages_of_an_estimated_list_are_read_so_no_row_is_lost_and_no_page_fails(city, estimate):
    units = list(OrgUnit.objects.order_by("pk"))
    assert len(units) > 4
    paginator = CappedPaginator(OrgUnit.objects.order_by("pk"), 2, estimate=estimate)
    seen, number = [], 1
    while True:  # as an API client follows `next`
        page = paginator.page(number)
        seen += list(page)
        if not page.has_next():
            break
        number = page.next_page_number()
        assert paginator.page(number).previous_page_number() == number - 1
    assert seen == units and paginator.count == estimate
    assert (page.start_index(), page.end_index()) == (2 * number - 1, len(units))
    assert len(paginator.page(number + 3)) == 0 and not paginator.page(number + 3).has_next()
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(PageNotAnInteger):
        paginator.page("x")
