"""Demo supervision sampling: the year of operations up to ctx.today for the demo city.

Plans of every level, one set per calendar year the year of operations touches (this year's still
running); samples with test items at pass rates around the plan targets (food ~98%, edible agricultural
~98.5%, drugs ~99%, key industrial products ~4% failures); the pipeline as of today (recent samples
still in the laboratory, results to conclude and to serve — the demo district's latest, concluded on the
last working day, among them — retest windows open, retests under way), objections and retests (some
overturned), follow-ups of the failures (rectifications due in the coming weeks; one never reported is
announced, not left overdue for months), publications; then the credit events and the computed
indicators. Samples, items and follow-ups are written in bulk for speed; plans, credit events and
indicators go through the services. Deterministic for the seed and the day.

What is sampled reads as a real sampling record: the vocabulary (data/demo_vocabulary.json) gives each
category its products with their specifications and units (饮用纯净水 550mL/瓶 or 4.5L/桶, 熟牛肉 200g/袋 or
散装称重 in 千克, BV 450/750V 2.5mm² wire by the 卷), the test items of each product, and the industries the
category is sampled from: a category's samples come only from its makers (finished-goods warehouse) and its
sellers or users (market), never from a software firm.

Every act of the authorities (sampling, conclusion, service, retest, publication, follow-up steps) is
dated on a working day (ctx.workdays for the sampling days, ctx.workday for the steps after them); the
enterprises' retest applications and rectification reports too, the day the office receives them.
"""

from __future__ import annotations

import datetime
import json
import math
from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from qcity.core import deadlines
from qcity.core.bulk import instances_insert
from qcity.core.choices import Role
from qcity.core.deadlines import Deadline, deadline
from qcity.core.demo import DEMO_PASSWORD
from qcity.core.models import OrgUnit, User
from qcity.core.notifications import demo_notifications_date
from qcity.core.services import role_grant, user_create
from qcity.credit.services import credit_events_load
from qcity.enterprises.models import Enterprise
from qcity.indicators.services import computed_indicators_refresh

from .choices import (
    FollowupStatus,
    ProductKind,
    RetestOutcome,
    SampleStatus,
    SamplingConclusion,
    SamplingPlace,
    SamplingPlanLevel,
)
from .models import Followup, ProductCategory, Sample, SamplingObjection, SamplingPlan, TestItemResult
from .pass_rates import INDICATORS
from .services import feeds, product_categories_load, sample_serve, sampling_plan_create
from .services.samples import RETEST_CODE, served_key

SAMPLES_PER_ENTERPRISE = 0.3
MIN_SAMPLES, MAX_SAMPLES = 40, 20_000
POOL_SIZE = 60_000  # enterprises drawn from the registry to sample from (all of them at small scale)

# kind → (share of samples, failure probability)
KINDS = {
    ProductKind.FOOD: (0.55, 0.018),
    ProductKind.EDIBLE_AGRICULTURAL: (0.20, 0.015),
    ProductKind.KEY_INDUSTRIAL: (0.15, 0.04),
    ProductKind.DRUG: (0.05, 0.007),
    ProductKind.OTHER: (0.05, 0.05),
}
# kind → days between production (or purchase) and sampling: fresh produce is bought the day before,
# drugs and industrial goods sit in stock for months
SHELF_DAYS = {ProductKind.FOOD: (3, 60), ProductKind.EDIBLE_AGRICULTURAL: (0, 2), ProductKind.KEY_INDUSTRIAL: (20, 300),
              ProductKind.DRUG: (30, 300), ProductKind.OTHER: (20, 300)}
FOOD_KINDS = (ProductKind.FOOD, ProductKind.EDIBLE_AGRICULTURAL)
DISTRICT_SHARE = 0.35  # of the food samples: the district plans' (of the sampled party's district)
CITY_PLANS = {  # kind → (plan key, share) of the samples not in a district plan
    ProductKind.FOOD: [("national", 0.02), ("provincial", 0.2), ("city-food", 0.78)],
    ProductKind.EDIBLE_AGRICULTURAL: [("provincial", 0.25), ("city-food", 0.75)],
    ProductKind.KEY_INDUSTRIAL: [("national", 0.25), ("city-industrial", 0.75)],
    ProductKind.DRUG: [("city-drug", 1.0)],
    ProductKind.OTHER: [("city-industrial", 1.0)],
}
BULK = "散装称重"  # a specification of goods sold by weight: no brand, bought the day before
VOCABULARY_PATH = Path(__file__).resolve().parent / "data" / "demo_vocabulary.json"


@cache
def vocabulary() -> dict[str, Any]:
    """The sampling demo's vocabulary (data/demo_vocabulary.json): per category the industries it is
    sampled from, its products with their specifications and units, and the test items of each product."""
    return json.loads(VOCABULARY_PATH.read_text(encoding="utf-8"))


def _industry_matches(industry_code: str, prefixes: list[str]) -> bool:
    return bool(prefixes) and industry_code.startswith(tuple(prefixes))


def category_place(code: str, industry_code: str) -> str | None:
    """Where a category's sample is taken from an enterprise of this industry: the finished-goods warehouse
    of a maker, the market (shop, stall, canteen) of a seller or user; None if the category is not sampled
    from such an enterprise (a software firm sells no drinking water)."""
    entry = vocabulary()["categories"].get(code)
    if entry is None:
        return None
    if _industry_matches(industry_code, entry["makers"]):
        return SamplingPlace.WAREHOUSE
    if _industry_matches(industry_code, entry["sellers"]):
        return SamplingPlace.MARKET
    return None


# a rectification report: the maker's (sampled in its warehouse), the seller's (sampled in the market)
REPORT_TEXTS = ("已召回同批次产品，排查不合格原因，整改生产工艺和出厂检验，提交整改报告",
                "已下架封存同批次产品并停止销售，核查进货查验记录，通知供货商召回，提交整改报告")


def _days(rng, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def _samplers(city: OrgUnit, *, forced_password_change: bool = True) -> list[User]:
    """Two sampling inspectors of the city bureau (law-enforcement staff, Order 18), kept across resets."""
    people = []
    for n in (1, 2):
        username = f"sampler{n}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=DEMO_PASSWORD, full_name=f"市局抽样员{n}", org_unit=city,
                               by=None, must_change_password=forced_password_change)
            role_grant(user=user, role=Role.INSPECTOR, org_unit=city, by=None)
        people.append(user)
    return people


def _planned_batches(count: int, kind_shares: dict[str, float],
                     district_shares: dict[str, dict[int, float]]) -> dict[tuple, int]:
    """The batches each plan sets for a year (keyed ("national",), ("district", id) …): what a year of
    `count` samples, shared out as `generate` does, gives it, set a little above (a plan is rarely done in
    full by December), in tens. Fixed figures would be done twenty times over at the city scale."""
    total = sum(kind_shares.values()) or 1
    expected: dict[tuple, float] = defaultdict(float)
    for kind, share in kind_shares.items():
        samples = count * share / total
        local = DISTRICT_SHARE if kind in FOOD_KINDS else 0
        for key, weight in CITY_PLANS[kind]:
            expected[(key,)] += samples * (1 - local) * weight
        for district, fraction in district_shares.get(kind, {}).items():
            expected[("district", district)] += samples * local * fraction
    return {key: max(10, math.ceil(value * 1.1 / 10) * 10) for key, value in expected.items()}


def _plans(ctx, city: OrgUnit, districts: list[OrgUnit], categories: dict[str, ProductCategory],
           planned: dict[tuple, int]) -> dict:
    """The year's plans of every level, for each calendar year the year of operations touches: keyed by
    (year, key), or (year, "district", district id)."""

    def kinds(*wanted):
        return [c for c in categories.values() if c.kind in wanted and c.code in vocabulary()["categories"]]

    food = (ProductKind.FOOD, ProductKind.EDIBLE_AGRICULTURAL)
    plans = {}
    for year in range(ctx.year_start.year, ctx.today.year + 1):
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        spec = [
            ("national", SamplingPlanLevel.NATIONAL, city, f"{year}年国家产品质量监督抽查（郑州地区）",
             kinds(ProductKind.KEY_INDUSTRIAL) + [categories["SP05"]]),
            ("provincial", SamplingPlanLevel.PROVINCIAL, city, f"{year}年河南省食品安全监督抽检计划（郑州市）", kinds(*food)),
            ("city-food", SamplingPlanLevel.CITY, city, f"郑州市{year}年度食品安全监督抽检计划", kinds(*food)),
            ("city-industrial", SamplingPlanLevel.CITY, city, f"郑州市{year}年度重点工业产品质量监督抽查计划",
             kinds(ProductKind.KEY_INDUSTRIAL, ProductKind.OTHER)),
            ("city-drug", SamplingPlanLevel.CITY, city, f"郑州市{year}年度药品质量抽检计划", kinds(ProductKind.DRUG)),
        ]
        for key, level, unit, title, cats in spec:
            plans[(year, key)] = sampling_plan_create(by=None, title=title, level=level, org_unit=unit, period_start=start,
                                             period_end=end, categories=cats, planned_batches=planned.get((key,), 10))
        for district in districts:
            plans[(year, "district", district.pk)] = sampling_plan_create(
                by=None, title=f"{district.name}{year}年度食品安全监督抽检计划", level=SamplingPlanLevel.DISTRICT,
                org_unit=district, period_start=start, period_end=end, categories=kinds(*food),
                planned_batches=planned.get(("district", district.pk), 10))
    return plans


def _pool(rng, want: int, units: list[OrgUnit]) -> list[tuple]:
    """(id, name, org_unit_id, industry_code) of up to `want` enterprises of `units` (the demo city's: at the
    province scale the other cities' enterprises are left out), at random for a big registry."""
    fields = ("id", "name", "org_unit_id", "industry_code")
    total = Enterprise.objects.count()
    unit_ids = [u.pk for u in units]
    if total <= want:
        return list(Enterprise.objects.filter(org_unit_id__in=unit_ids).values_list(*fields))
    low = Enterprise.objects.order_by("id").values_list("id", flat=True).first()
    high = Enterprise.objects.order_by("-id").values_list("id", flat=True).first()
    ids = sorted({rng.randint(low, high) for _ in range(want)})
    rows = []
    for start in range(0, len(ids), 5000):
        rows += Enterprise.objects.filter(pk__in=ids[start:start + 5000], org_unit_id__in=unit_ids).values_list(*fields)
    return rows


def _candidates(pool: list[tuple]) -> dict[str, list[tuple[tuple, str]]]:
    """category code → [(enterprise row, sampling place)] of the enterprises the category is sampled from
    (its makers and sellers by industry code), computed once per industry code of the pool."""
    places: dict[str, dict[str, str]] = {}  # industry code → {category code: place}
    out: dict[str, list[tuple[tuple, str]]] = defaultdict(list)
    for row in pool:
        industry = row[3]
        if industry not in places:
            places[industry] = {code: place for code in vocabulary()["categories"]
                                if (place := category_place(code, industry))}
        for code, place in places[industry].items():
            out[code].append((row, place))
    return out


def _items(rng, tests: str, fail: bool) -> list[dict]:
    """Two to four of the product's test items; a failing sample fails one numeric item (out of its limit),
    or its first text item when it has no numeric one."""
    specs = vocabulary()["tests"][tests]
    chosen = rng.sample(specs, k=min(len(specs), rng.randint(2, 4)))
    numeric = [i for i, spec in enumerate(chosen) if len(spec) == 7]
    failing = rng.choice(numeric) if fail and numeric else None
    items = []
    for i, spec in enumerate(chosen):
        if len(spec) == 3:
            absent = spec[2].startswith("不得")  # 不得检出 / 不得使用: the lab reports 未检出
            items.append({"item_name": spec[0], "standard": spec[1], "limit_text": spec[2],
                          "measured_text": "未检出" if absent else "符合", "conforming": True})
            continue
        name, standard, low, high, unit, typical_low, typical_high = spec
        value = rng.uniform(typical_low, typical_high)
        if i == failing:
            if high and low:  # a range (content 90–110 %): just out of it
                value = float(high) * rng.uniform(1.02, 1.15)
            elif high:
                value = float(high) * rng.uniform(1.2, 3.0)
            else:
                value = float(low) * rng.uniform(0.8, 0.97)
        measured = round(Decimal(str(value)), _decimals(low or high, unit))
        item = {"item_name": name, "standard": standard, "limit_min": Decimal(low) if low else None,
                "limit_max": Decimal(high) if high else None, "measured_value": measured, "unit": unit,
                "conforming": i != failing}
        if not measured and i != failing:  # below the method's detection limit: the report says so
            item.update(measured_value=None, measured_text="未检出")
        items.append(item)
    if fail and failing is None:  # only text items: the first one fails
        absent = items[0]["limit_text"].startswith("不得")
        items[0].update(measured_text="检出" if absent else "不符合", conforming=False)
    return items


def _decimals(limit: str, unit: str) -> int:
    """The decimals a laboratory reports a result with: one more than its limit has (铅 ≤0.2 → 0.08,
    溴酸盐 ≤0.01 → 0.003), at least one; colony counts are whole numbers (CFU)."""
    if unit.startswith("CFU"):
        return 0
    return max(1, len(limit.partition(".")[2]) + 1)


class _RetestDeadlines(dict):
    """DOMAIN §6 / 产品质量法 art. 15: a retest is applied for within 15 natural days of receiving the result,
    under the rule in force on the day it was served — computed once per service day (a year has 365 of
    them, the city 20,000 samples)."""

    def __missing__(self, served: datetime.date) -> Deadline:
        self[served] = deadline(RETEST_CODE, served)
        return self[served]


class _Timeline:
    """The dates of one sample's pipeline, as far as the last working day before today reaches."""

    def __init__(self, rng, ctx, sampled_on: datetime.date, fail: bool, retest: _RetestDeadlines, *,
                 concluded_on: datetime.date | None = None):
        self.status, self.fail = SampleStatus.SAMPLED, fail
        last, workday = ctx.last_workday, ctx.workday
        self.concluded_on = concluded_on or workday(sampled_on, rng.randint(7, 18))  # working days
        self.served_on = self.retest_deadline = self.published_on = None
        self.objection = None
        self.final_on = None
        if self.concluded_on > last:
            self.concluded_on = None
            return
        self.status = SampleStatus.CONCLUDED
        served = workday(self.concluded_on, rng.randint(1, 5))
        if served > last:
            return
        self.status, self.served_on = SampleStatus.SERVED, served
        self.retest_deadline = retest[served]
        self.final_on = served
        if fail:
            self.final_on = self.retest_deadline.on + datetime.timedelta(days=1)
            if rng.random() < 0.2:
                applied = min(workday(served, rng.randint(2, 10)), self.retest_deadline.on)  # in time
                if applied <= last:
                    retested = workday(applied, rng.randint(7, 21))
                    overturned = rng.random() < 0.3
                    self.objection = (applied, retested if retested <= last else None, overturned)
                    self.status = SampleStatus.RETESTED if retested <= last else SampleStatus.RETESTING
                    self.final_on = retested if retested <= last else None
                    if retested <= last and overturned:
                        self.fail = False
        if self.final_on and self.final_on > last:
            self.final_on = None
        if self.final_on and rng.random() < 0.95:
            published = workday(self.final_on, rng.randint(2, 14))
            self.published_on = published if published <= last else None


def generate(ctx) -> dict[str, Any]:
    product_categories_load()
    if SamplingPlan.objects.exists():
        ctx.progress("sampling: plans already present, left as they are")
        return {"plans": SamplingPlan.objects.count(), "samples": Sample.objects.count()}
    rng = ctx.rng("sampling")
    city, districts = ctx.demo_city, ctx.demo_city_units
    categories = {c.code: c for c in ProductCategory.objects.all()}
    samplers = _samplers(city, forced_password_change=ctx.forced_password_change)
    pool = _pool(rng, POOL_SIZE, districts)
    candidates = _candidates(pool)
    count = max(MIN_SAMPLES, min(MAX_SAMPLES, round(ctx.enterprise_count * SAMPLES_PER_ENTERPRISE)))
    cats_by_kind = defaultdict(list)  # the categories some enterprise of the pool is sampled for
    for code in vocabulary()["categories"]:
        if candidates.get(code):
            cats_by_kind[categories[code].kind].append(categories[code])
    kind_list = [k for k in KINDS if cats_by_kind[k]]
    kind_weights = [KINDS[k][0] for k in kind_list]
    unit_of = {u.pk: u for u in OrgUnit.objects.all()}
    district_of = {}
    for unit in unit_of.values():
        top = next((d for d in districts if unit.path.startswith(d.path)), None)
        district_of[unit.pk] = top
    district_shares: dict[str, dict[int, float]] = {}  # kind → district → its share of the kind's samples
    for kind in FOOD_KINDS:
        drawn_from = [c for c in cats_by_kind[kind] if kind != ProductKind.FOOD or c.code != "SP05"] or cats_by_kind[kind]
        shares: dict[int, float] = defaultdict(float)
        for category in drawn_from:  # a category at random, then one of its enterprises
            rows = candidates[category.code]
            for (_id, _name, unit_id, _industry), _place in rows:
                if district_of.get(unit_id):
                    shares[district_of[unit_id].pk] += 1 / len(rows) / len(drawn_from)
        district_shares[kind] = shares
    planned = _planned_batches(count, dict(zip(kind_list, kind_weights, strict=True)), district_shares)
    plans = _plans(ctx, city, districts, categories, planned)
    if not candidates:  # no enterprise of the registry makes or sells a product of the catalogue
        return {"plans": len(plans), "samples": 0}
    sampling_days = ctx.workdays(ctx.year_start, ctx.today - datetime.timedelta(days=2))
    # the demo district's first sample was concluded on the last working day: its result is to serve today
    fresh_days = ctx.workdays(ctx.last_workday - datetime.timedelta(days=25), ctx.last_workday - datetime.timedelta(days=10))
    fresh = None
    rows = []
    retest = _RetestDeadlines()
    for n in range(count):
        kind = rng.choices(kind_list, kind_weights)[0]
        # dairy is sampled by the national plan only (food plans cover the other food categories)
        category = rng.choice([c for c in cats_by_kind[kind] if kind != ProductKind.FOOD or c.code != "SP05"]
                              or cats_by_kind[kind])
        (ent_id, ent_name, unit_id, _industry), place = rng.choice(candidates[category.code])
        district = district_of.get(unit_id)
        if kind in FOOD_KINDS and district and rng.random() < DISTRICT_SHARE:
            key = ("district", district.pk)
        else:
            keys, weights = zip(*CITY_PLANS[kind], strict=True)
            key = (rng.choices(keys, weights)[0],)
            if key == ("national",) and kind == ProductKind.FOOD:
                if candidates.get("SP05"):  # the national plan's food category: from a dairy maker or seller
                    category = categories["SP05"]
                    (ent_id, ent_name, unit_id, _industry), place = rng.choice(candidates["SP05"])
                else:
                    key = ("city-food",)
        concluded_on = None
        if fresh is None and district is not None and district.pk == ctx.demo_district.pk:
            fresh, concluded_on = n, ctx.last_workday
        sampled_on = rng.choice(fresh_days if concluded_on else sampling_days)
        plan = plans[(sampled_on.year, *key)]
        timeline = _Timeline(rng, ctx, sampled_on, rng.random() < KINDS[kind][1], retest, concluded_on=concluded_on)
        rows.append((n, kind, (ent_id, ent_name), unit_id, category, place, plan, sampled_on, timeline, samplers))
    _demo_enterprise_sample(ctx, plans, samplers, len(rows))
    return _write(ctx, rng, rows)


def _demo_enterprise_sample(ctx, plans: dict, samplers: list[User], n: int) -> Sample | None:
    """The demo enterprise's own result (its home page and message centre): a product of its category taken
    from its warehouse three weeks ago, failed, and served on it by the district officer (`jinshui`) on the
    last working day through the service — the message and its SMS (the proof of service), the retest
    window open. Its own rng, so the rest of the sampling history is the same with or without it."""
    enterprise = ctx.results.get("demo_enterprise")
    officer = User.objects.filter(username="jinshui").first()
    if enterprise is None or officer is None or not enterprise.org_unit.path.startswith(ctx.demo_district.path):
        return None  # (a tiny registry may have no enterprise in the officer's district to be the demo's)
    code = next((c for c in vocabulary()["categories"] if category_place(c, enterprise.industry_code)), None)
    category = ProductCategory.objects.filter(code=code).first()
    if category is None:
        return None
    kind = category.kind
    key = "city-industrial" if kind in (ProductKind.KEY_INDUSTRIAL, ProductKind.OTHER) else (
        "city-drug" if kind == ProductKind.DRUG else "city-food")
    rng = ctx.rng("sampling-demo-enterprise")
    served_on = ctx.last_workday
    concluded_on = ctx.workday(served_on, -2)
    sampled_on = ctx.workday(concluded_on, -12)
    plan = plans.get((sampled_on.year, key))
    if plan is None:
        return None
    product = rng.choice(vocabulary()["categories"][code]["products"])
    specification = rng.choice(product["specs"])
    produced = sampled_on - _days(rng, *SHELF_DAYS[kind])
    quantity = rng.randint(*vocabulary()["quantities"][product["unit"]])
    with transaction.atomic():
        sample = Sample.objects.create(
            number=f"CY{sampled_on:%Y}D{n + 1:06d}", plan=plan, category=category, enterprise=enterprise,
            org_unit_id=enterprise.org_unit_id, product_name=product["name"],
            brand="" if specification == BULK else rng.choice(vocabulary()["brands"][kind]), specification=specification,
            batch_number=f"{produced:%Y%m%d}{rng.choice('ABCDEFGH')}{rng.randint(1, 99):02d}",
            production_date=produced, sampling_date=sampled_on,
            sampling_place=category_place(code, enterprise.industry_code), quantity=quantity,
            backup_quantity=max(1, quantity // 2), quantity_unit=product["unit"], status=SampleStatus.CONCLUDED,
            test_agency=rng.choice(vocabulary()["agencies"]), test_report_number=f"JC{sampled_on:%Y}{n + 1:06d}",
            conclusion=SamplingConclusion.FAIL, initial_conclusion=SamplingConclusion.FAIL, concluded_on=concluded_on)
        sample.samplers.set(samplers)
        tests = product.get("tests") or vocabulary()["categories"][code]["tests"]
        TestItemResult.objects.bulk_create([TestItemResult(sample=sample, **item) for item in _items(rng, tests, True)])
        sample = sample_serve(sample=sample, served_on=served_on, by=officer, today=ctx.today)
        at = timezone.make_aware(datetime.datetime.combine(served_on, datetime.time(10, 30)))
        demo_notifications_date({served_key(sample): at}, today=ctx.today)
    return sample


def _write(ctx, rng, rows) -> dict[str, Any]:
    with transaction.atomic():
        samples, tests = [], []  # tests: the test items' vocabulary key of each row's product
        for n, kind, (ent_id, _name), unit_id, category, place, plan, sampled_on, t, _people in rows:
            initial = ("" if t.concluded_on is None
                       else (SamplingConclusion.FAIL if (t.fail or (t.objection and t.objection[2])) else SamplingConclusion.PASS))
            final = "" if not initial else (SamplingConclusion.FAIL if t.fail else SamplingConclusion.PASS)
            product = rng.choice(vocabulary()["categories"][category.code]["products"])
            specification = rng.choice(product["specs"])
            bulk = specification == BULK or kind == ProductKind.EDIBLE_AGRICULTURAL
            produced = sampled_on - _days(rng, *((0, 2) if bulk else SHELF_DAYS[kind]))
            quantity = rng.randint(*vocabulary()["quantities"][product["unit"]])
            tests.append(product.get("tests") or vocabulary()["categories"][category.code]["tests"])
            samples.append(Sample(
                number=f"CY{sampled_on:%Y}D{n + 1:06d}", plan=plan, category=category, enterprise_id=ent_id,
                org_unit_id=unit_id, product_name=product["name"], brand="" if bulk else rng.choice(vocabulary()["brands"][kind]),
                specification=specification,
                batch_number=f"{produced:%Y%m%d}{rng.choice('ABCDEFGH')}{rng.randint(1, 99):02d}",
                production_date=produced, sampling_date=sampled_on, sampling_place=place, quantity=quantity,
                backup_quantity=max(1, quantity // 2), quantity_unit=product["unit"],
                status=t.status, test_agency=rng.choice(vocabulary()["agencies"]) if initial else "",
                test_report_number=f"JC{sampled_on:%Y}{n + 1:06d}" if initial else "", conclusion=final,
                initial_conclusion=initial, concluded_on=t.concluded_on, served_on=t.served_on,
                published_on=t.published_on))
            deadlines.assign(samples[-1], "retest_deadline", t.retest_deadline)
        instances_insert(samples)
        by_number = {s.number: s for s in samples}
        items, objections, followups, links = [], [], [], []
        through = Sample.samplers.through
        for (n, _kind, (_id, ent_name), _unit, _cat, _place, _plan, sampled_on, t, people), product_tests in zip(
                rows, tests, strict=True):
            sample = by_number[f"CY{sampled_on:%Y}D{n + 1:06d}"]
            links += [through(sample_id=sample.pk, user_id=u.pk) for u in people]
            if sample.initial_conclusion:
                items += [TestItemResult(sample=sample, **item)
                          for item in _items(rng, product_tests, sample.initial_conclusion == SamplingConclusion.FAIL)]
            if t.objection:
                applied, retested, overturned = t.objection
                objections.append(SamplingObjection(
                    sample=sample, applied_on=applied, applicant=ent_name[:200], reason="对检验方法和判定依据有异议，申请对备用样品复检",
                    retested_on=retested, retest_agency=rng.choice(vocabulary()["agencies"]) if retested else "",
                    retest_report_number=f"FJ{sampled_on:%Y}{n + 1:06d}" if retested else "",
                    retest_conclusion=sample.conclusion if retested else "",
                    outcome=(RetestOutcome.OVERTURNED if overturned else RetestOutcome.CONFIRMED) if retested else ""))
            if sample.conclusion == SamplingConclusion.FAIL and t.final_on:
                followup = _followup(rng, ctx, sample, t.final_on)
                if followup:
                    followups.append(followup)
        for instances in (items, objections, followups, links):
            instances_insert(instances)
    ctx.progress(f"sampling: {len(samples):,} samples, {len(items):,} test items written")
    credit = _credit()
    refreshed = 0

    # The platform's own years (this year's figure so far included, as a conclusion would refresh it); the
    # indicators demo stands for the years before the platform went live (a few weeks of samples of a
    # year mostly before it notwithstanding).
    for year in ctx.platform_years:
        for key in INDICATORS:
            refreshed += computed_indicators_refresh(key=key, year=year)
    return {"plans": SamplingPlan.objects.count(), "samples": Sample.objects.count(),
            "failed": Sample.objects.filter(conclusion=SamplingConclusion.FAIL).count(),
            "objections": len(objections), "followups": len(followups),
            "published": Sample.objects.filter(published_on__isnull=False).count(), "credit_events": credit,
            "indicator_values": refreshed}


def _followup(rng, ctx, sample: Sample, final_on: datetime.date) -> Followup | None:
    """The follow-up of a failure, as far as the last working day reaches: a rectification still running
    or a few days overdue is left open; one never reported is announced 15 days after its deadline."""
    last, workday = ctx.last_workday, ctx.workday
    ordered = workday(final_on, rng.randint(1, 4))  # working days, as below
    if ordered > last:
        return None
    f = Followup(sample=sample, ordered_on=ordered, rectification_deadline=ordered + datetime.timedelta(days=30),
                 status=FollowupStatus.ORDERED)
    reported = workday(ordered, rng.randint(7, 28))
    if reported > last or rng.random() < 0.08:  # not reported (yet); some never report: announced
        announced = workday(f.rectification_deadline + datetime.timedelta(days=15))
        if announced <= last:
            f.status, f.announced_on = FollowupStatus.ANNOUNCED, announced
        return f
    f.status, f.report_received_on = FollowupStatus.REPORTED, reported
    f.report_text = (REPORT_TEXTS[0] if sample.sampling_place == SamplingPlace.WAREHOUSE else REPORT_TEXTS[1])
    reinspected = workday(reported, rng.randint(5, 14))
    if reinspected > last:
        return f
    f.reinspected_on, f.reinspection_conforming = reinspected, rng.random() < 0.88
    f.status = FollowupStatus.RECTIFIED if f.reinspection_conforming else FollowupStatus.REINSPECTION_FAILED
    transferred = workday(reinspected, 7)
    if not f.reinspection_conforming and transferred <= last:
        f.status, f.transferred_on = FollowupStatus.TRANSFERRED, transferred
        f.transferred_to, f.case_number = "市场监管综合行政执法支队", f"郑市监立〔{reinspected.year}〕{sample.pk}号"
    return f


def _credit() -> int:
    """The credit events the services would have written (a conclusion records, publication publishes, an
    overturned failure is withdrawn), loaded in bulk; `credit classify` runs after every generator."""
    plans = {p.pk: p for p in SamplingPlan.objects.select_related("org_unit")}
    retested = dict(SamplingObjection.objects.values_list("sample_id", "retested_on"))
    rows = []
    for sample in Sample.objects.exclude(initial_conclusion="").iterator(chunk_size=2000):
        sample.plan = plans[sample.plan_id]
        row = {"enterprise_id": sample.enterprise_id, **feeds.credit_event_fields(sample, sample.initial_conclusion)}
        if feeds.overturned(sample):
            row.update(withdrawn_on=retested[sample.pk], withdrawal_reason="复检合格，原不合格结论撤销")
        elif sample.published_on:
            row["published_on"] = sample.published_on
        rows.append(row)
    return credit_events_load(rows=rows, by=None, note="sampling demo")


def reset(ctx) -> dict[str, Any]:
    """Delete the demo's samples (with items, objections, follow-ups) and plans; the sampler accounts stay."""
    with transaction.atomic():
        followups = Followup.objects.all().delete()[0]
        SamplingObjection.objects.all().delete()
        TestItemResult.objects.all().delete()
        Sample.samplers.through.objects.all().delete()
        samples = Sample.objects.all().delete()[0]
        plans = SamplingPlan.objects.all().delete()[1].get("sampling.SamplingPlan", 0)
    return {"sampling_samples_deleted": samples, "sampling_plans_deleted": plans, "followups_deleted": followups}
