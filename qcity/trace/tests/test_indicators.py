"""The QR-code coverage of the catalogue's producers (质量信息二维码应用普及率) and the share of catalogue products
with events, on known data: events captured through the capture service, codes issued, by unit and year."""

import datetime
from decimal import Decimal

import pytest

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.indicators.computed import lookup
from qcity.indicators.models import Indicator
from qcity.indicators.services import plans_load_builtin
from qcity.trace.indicators import INDICATORS
from qcity.trace.models import TraceCategory, TraceCode
from qcity.trace.tests.epcis_documents import SHANGHAI, capture, object_event
from qcity.trace.tests.factories import LocationFactory, LotFactory, PartyFactory, ProductFactory

pytestmark = pytest.mark.django_db

YEAR = 2025


def compute(key, unit, year=YEAR):
    return lookup(key).compute(unit, year)


def at(month, day):
    return datetime.datetime(YEAR, month, day, 9, tzinfo=SHANGHAI)


def producer(unit, name):
    return PartyFactory(enterprise=EnterpriseFactory(org_unit=unit, name=name))


def test_every_indicator_is_registered_and_the_plan_indicator_is_bound():
    for key, (_label, function) in INDICATORS.items():
        assert lookup(key).compute is function
    # the airport zone plan's 质量信息二维码应用普及率 is measured, not reported
    plans_load_builtin()
    indicator = Indicator.objects.get(name="质量信息二维码应用普及率", plan__code="zz-airport-2021")
    assert (indicator.source, indicator.computed_key) == ("computed", "trace.qr_coverage_rate")


def test_a_producer_is_traceable_with_events_of_the_year_and_a_code(city, district, make_user,
                                                                     django_assert_max_num_queries):
    officer = make_user(Role.LEADERSHIP_OFFICE)
    dairy = TraceCategory.objects.get(name="乳制品")
    other_unit = city.children.exclude(pk=district.pk).first()
    coded_with_events = producer(district, "郑州甲乳业有限公司")
    events_only = producer(district, "郑州乙乳业有限公司")
    code_only = producer(district, "郑州丙乳业有限公司")
    elsewhere = producer(other_unit, "郑州丁乳业有限公司")
    milk = {p.pk: ProductFactory(producer=p, category=dairy) for p in (coded_with_events, events_only, code_only,
                                                                         elsewhere)}
    outside = ProductFactory(producer=PartyFactory(), category=None)  # not in the catalogue: not counted
    plant = LocationFactory(party=coded_with_events)
    lot = LotFactory(product=milk[coded_with_events.pk], lot_number="M1")
    capture(object_event(lot=lot, quantity=100, uom="KGM", biz_step="commissioning", action="ADD",
                         location=plant, when=at(3, 1)),
            object_event(epcs=[milk[events_only.pk].uri], biz_step="shipping", location=plant, when=at(4, 1)),
            object_event(epcs=[milk[elsewhere.pk].uri], biz_step="shipping", location=plant, when=at(5, 1)),
            object_event(epcs=[outside.uri], biz_step="shipping", location=plant, when=at(5, 2)),
            object_event(epcs=[milk[code_only.pk].uri], biz_step="shipping", location=plant,
                         when=datetime.datetime(YEAR - 1, 12, 30, tzinfo=SHANGHAI)), by=officer)
    TraceCode.objects.create(kind="product", key=lot.uri, product=lot.product, lot=lot,
                             issued_at=at(2, 1))  # the lot's code
    TraceCode.objects.create(kind="merchant", key="m-code-only", enterprise=code_only.enterprise, issued_at=at(2, 1))
    TraceCode.objects.create(kind="merchant", key="m-elsewhere", enterprise=elsewhere.enterprise,
                             issued_at=datetime.datetime(YEAR + 1, 1, 2, tzinfo=SHANGHAI))  # after the year

    with django_assert_max_num_queries(3):
        district_rate = compute("trace.qr_coverage_rate", district)
    # the district: 甲 traceable; 乙 has events but no code; 丙 a code but its events were last year
    assert district_rate == Decimal("33.33")
    assert compute("trace.qr_coverage_rate", city) == Decimal("25.00")  # 丁's code came after the year
    assert compute("trace.catalogue_product_event_rate", district) == Decimal("66.67")  # 甲 and 乙 of three
    assert compute("trace.catalogue_product_event_rate", city) == Decimal("75.00")
    assert compute("trace.qr_coverage_rate", district, YEAR - 1) == Decimal("0.00")
    assert compute("trace.qr_coverage_rate", city.children.exclude(pk__in=[district.pk, other_unit.pk]).first()) \
        is None


def test_a_category_retired_before_the_year_no_longer_counts(district, make_user):
    dairy = TraceCategory.objects.get(name="乳制品")
    ProductFactory(producer=producer(district, "郑州戊乳业有限公司"), category=dairy)
    assert compute("trace.qr_coverage_rate", district) == Decimal("0.00")
    dairy.effective_to = datetime.date(YEAR - 1, 6, 1)
    dairy.save()
    assert compute("trace.qr_coverage_rate", district) is None
