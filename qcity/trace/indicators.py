"""The traceability module's computed indicators (registered with `qcity.indicators.computed` from ready()).

Each is `compute(org_unit, year) -> Decimal | None`, over the catalogue in force during the year (an entry
listed before its end and not retired before its start) and the producers registered in the unit or a unit
below it (the city: all of them):

- trace.qr_coverage_rate, 质量信息二维码应用普及率 (airport zone plan, 专栏一 A-42): % of the catalogue's
  producers (parties making a product of a catalogue category) that are traceable in the year: at least one
  of their catalogue products is named by an event of the year (its GTIN at any level: the class, a lot or a
  serial), and a QR code (追溯码) of theirs was issued by the year's end (their enterprise's merchant code, or
  a code of one of their products or lots). Events alone are a record nobody can scan; a code alone leads to
  an empty page.
- trace.catalogue_product_event_rate: % of the catalogue's products of those producers named by an event of
  the year.

None when the unit has no catalogue producer. Three queries each; the events of the year are read once as
the distinct GTINs they name (the prefix of the canonical identifier is fixed: https://id.gs1.org/01/<14>).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.models import OrgUnit
from qcity.indicators.computed import register

from .models import DIGITAL_LINK_HOST, EventEpc, Party, Product, TraceCategory, TraceCode
from .services.master import in_force_during

GTIN_PREFIX = f"{DIGITAL_LINK_HOST}/01/"


def percent(part: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.01"))


def period_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after end 00:00) in the platform's time zone."""
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz))


def gtins_with_events(start: datetime.datetime, end: datetime.datetime) -> set[str]:
    """The GTINs named by an event in [start, end), at any level (class, lot, serial): one query."""
    return set(EventEpc.objects.filter(event_time__gte=start, event_time__lt=end, epc__startswith=GTIN_PREFIX)
               .order_by().annotate(gtin=Substr("epc", len(GTIN_PREFIX) + 1, 14))
               .values_list("gtin", flat=True).distinct())


def catalogue_products(org_unit: OrgUnit | None, start: datetime.date, end: datetime.date) -> QuerySet[Product]:
    """Products of a catalogue category in force during [start, end], made by a producer of the unit."""
    products = Product.objects.filter(
        producer__isnull=False,
        category__in=TraceCategory.objects.filter(in_force_during(start, end)).values("pk"))
    if org_unit is not None and org_unit.parent_id is not None:
        products = products.filter(producer__org_unit__path__startswith=org_unit.path)
    return products


def coded_parties(end: datetime.datetime) -> Q:
    """Parties with a QR code issued before `end`: their enterprise's, or one of their products' or lots'."""
    issued = TraceCode.objects.filter(issued_at__lt=end)
    return Q(Exists(issued.filter(enterprise_id=OuterRef("enterprise_id")))) | Q(
        Exists(issued.filter(product__producer_id=OuterRef("pk")))) | Q(
        Exists(issued.filter(lot__product__producer_id=OuterRef("pk"))))


def qr_coverage(org_unit: OrgUnit | None, start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """(traceable producers, catalogue producers) of the unit over [start, end]."""
    pairs = list(catalogue_products(org_unit, start, end).values_list("producer_id", "gtin"))
    producers = {producer for producer, _gtin in pairs}
    if not producers:
        return 0, 0
    begin, finish = period_bounds(start, end)
    seen = gtins_with_events(begin, finish)
    with_events = {producer for producer, gtin in pairs if gtin in seen}
    coded = set(Party.objects.filter(pk__in=with_events).filter(coded_parties(finish)).values_list("pk", flat=True))
    return len(coded), len(producers)


def qr_coverage_rate(org_unit: OrgUnit, year: int) -> Decimal | None:
    traceable, producers = qr_coverage(org_unit, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return percent(traceable, producers)


def catalogue_product_event_rate(org_unit: OrgUnit, year: int) -> Decimal | None:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    gtins = list(catalogue_products(org_unit, start, end).values_list("gtin", flat=True))
    if not gtins:
        return None
    seen = gtins_with_events(*period_bounds(start, end))
    return percent(sum(1 for gtin in gtins if gtin in seen), len(gtins))


# key → (label, function)
INDICATORS = {
    "trace.qr_coverage_rate": (_("质量信息二维码应用普及率"), qr_coverage_rate),
    "trace.catalogue_product_event_rate": (_("追溯目录产品追溯记录覆盖率"), catalogue_product_event_rate),
}


def register_indicators() -> None:
    for key, (label, compute) in INDICATORS.items():
        register(key, label, compute)
