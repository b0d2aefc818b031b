"""Sampling test data, built through the services so every rule applies as in production."""

import datetime
import itertools

from qcity.core.choices import Role
from qcity.sampling import services
from qcity.sampling.choices import SamplingConclusion, SamplingPlanLevel
from qcity.sampling.models import ProductCategory

TODAY = datetime.date(2025, 11, 30)
SAMPLED_ON = datetime.date(2025, 3, 10)
CONCLUDED_ON = datetime.date(2025, 3, 25)
SERVED_ON = datetime.date(2025, 4, 1)

PASSING = [{"item_name": "铅（以Pb计）", "standard": "GB 2762-2022", "limit_max": "0.2", "measured_value": "0.05",
            "unit": "mg/kg"},
           {"item_name": "菌落总数", "standard": "GB 4789.2-2022", "limit_text": "n=5,c=2,m=10⁴", "measured_text": "符合",
            "conforming": True}]
FAILING = [{"item_name": "铅（以Pb计）", "standard": "GB 2762-2022", "limit_max": "0.2", "measured_value": "0.45",
            "unit": "mg/kg"},
           {"item_name": "苯甲酸及其钠盐", "standard": "GB 2760-2024", "limit_text": "不得使用", "measured_text": "0.12 g/kg",
            "conforming": False}]


def category(code="SP01"):
    return ProductCategory.objects.get(code=code)


_plan_numbers = itertools.count(1)


def make_plan(org_unit, *, level=SamplingPlanLevel.CITY, codes=("SP01", "SP04", "NC01", "YP01", "GY01"), title=None,
              start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)):
    # a plan's title is unique per unit and year (sampling_plan_unique_title_per_unit_year)
    return services.sampling_plan_create(by=None, title=title or f"{level} plan {next(_plan_numbers)}", level=level,
                                org_unit=org_unit,
                                period_start=start, period_end=end,
                                categories=list(ProductCategory.objects.filter(code__in=codes)), planned_batches=100)


def make_samplers(make_user, district, n=2):
    return [make_user(Role.INSPECTOR, org_unit=district, full_name=f"张三{i}") for i in range(n)]


def make_sample(plan, enterprise, samplers, *, code="SP01", batch="20250301", product="小麦粉", **kw):
    return services.sample_create(
        by=None, plan=plan, category=category(code), enterprise=enterprise, product_name=product,
        batch_number=batch, sampling_date=kw.pop("sampling_date", SAMPLED_ON), sampling_place="market",
        samplers=samplers, quantity=kw.pop("quantity", 4), backup_quantity=kw.pop("backup_quantity", 2),
        today=TODAY, **kw)


_reports = iter(range(1, 10**6))


def concluded(sample, *, fail=False, served=True):
    services.test_results_record(sample=sample, items=FAILING if fail else PASSING, by=None)
    services.sample_conclude(sample=sample, conclusion=SamplingConclusion.FAIL if fail else SamplingConclusion.PASS,
                             test_report_number=f"R{next(_reports):06d}", concluded_on=CONCLUDED_ON,
                             by=None, today=TODAY)
    if served:
        services.sample_serve(sample=sample, served_on=SERVED_ON, by=None, today=TODAY)
    sample.refresh_from_db()
    return sample
