import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qcity.indicators.choices import (
    IndicatorAccumulation,
    IndicatorComparator,
    IndicatorDomain,
    ReportedValueStatus,
    ReportingPeriodKind,
)
from qcity.indicators.tests.factories import IndicatorFactory, PlanFactory, ReportedValueFactory


def approve(indicator, unit, year, value, *, kind=ReportingPeriodKind.YEAR, number=0, status=ReportedValueStatus.APPROVED):
    return ReportedValueFactory(
        indicator=indicator, org_unit=unit, period_kind=kind, year=year, period_number=number,
        value=Decimal(str(value)), status=status, submitted_at=timezone.now(),
        approved_at=timezone.now() if status == ReportedValueStatus.APPROVED else None)


def _indicator(plan, code, name, domain, *, target, baseline=None, comparator=IndicatorComparator.AT_LEAST, unit="%",
               accumulation=IndicatorAccumulation.LEVEL):
    indicator = IndicatorFactory(
        plan=plan, code=code, name=name, domain=domain, unit=unit, comparator=comparator, quote=name,
        accumulation=accumulation, baseline_year=2020 if baseline is not None else None,
        baseline_value=Decimal(str(baseline)) if baseline is not None else None, position=int(code[1:]),
        quote_start=None, target=Decimal(str(target)))
    return indicator


@pytest.fixture
def programme(db, city, district):
    """A 2021–2025 plan with one indicator per main domain plus a brand one, approved values for the city,
    金水区 and 二七区 in 2021–2023 (2023 is the latest approved year; 2024 has only a submitted value)."""
    erqi = city.children.get(name="二七区")
    plan = PlanFactory(code="test-programme", title="测试质量强市规划", period_start=2021, period_end=2025)
    food = _indicator(plan, "I1", "食品抽检合格率", IndicatorDomain.PRODUCT, target=98, baseline=90)
    build = _indicator(plan, "I2", "工程验收合格率", IndicatorDomain.ENGINEERING, target=100, baseline=95)
    complaints = _indicator(plan, "I3", "投诉按时办结率", IndicatorDomain.SERVICE, target=95, baseline=80)
    air = _indicator(plan, "I4", "空气优良天数比例", IndicatorDomain.ENVIRONMENT, target=80, baseline=60)
    brands = _indicator(plan, "I5", "新增省长质量奖", IndicatorDomain.BRAND_IP, target=10, unit="项",
                        accumulation=IndicatorAccumulation.CUMULATIVE)
    values = {  # indicator: {unit: [2021, 2022, 2023]}
        food: {city: [92, 94, 98.5], district: [93, 95, 98.2], erqi: [90, 90.5, 90.6]},
        build: {city: [96, 96.5, 97], district: [97, 98, 99], erqi: [95, 95, 95.2]},
        complaints: {city: [83, 86, 89], district: [85, 88, 92], erqi: [80, 80, 81]},
        air: {city: [62, 63, 64], district: [65, 68, 72], erqi: [60, 60, 61]},
        brands: {city: [2, 2, 2], district: [1, 1, 1], erqi: [0, 0, 1]},
    }
    for indicator, by_unit in values.items():
        for unit, series in by_unit.items():
            for year, value in zip((2021, 2022, 2023), series, strict=True):
                approve(indicator, unit, year, value)
    approve(food, city, 2024, 99, status=ReportedValueStatus.SUBMITTED)
    return {"plan": plan, "food": food, "build": build, "complaints": complaints, "air": air, "brands": brands,
            "erqi": erqi}


def pdf_outline_titles(data: bytes) -> list[str]:
    """Bookmark titles of a WeasyPrint PDF (one per heading), decoded from its (compressed) objects."""
    import re
    import zlib

    chunks = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    titles = []
    for chunk in chunks:
        for match in re.finditer(rb"/Title\s*<([0-9a-fA-F]+)>", chunk):
            titles.append(bytes.fromhex(match.group(1).decode()).decode("utf-16"))
    return titles


def pdf_fonts(data: bytes) -> set[str]:
    import re
    import zlib

    fonts = set()
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            chunk = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        fonts |= {f.decode() for f in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", chunk)}
    return fonts


TODAY = datetime.date(2026, 3, 1)
