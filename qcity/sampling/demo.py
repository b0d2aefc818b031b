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

Every act of the authorities (sampling, conclusion, service, retest, publication, follow-up steps) is
dated on a working day (ctx.workdays for the sampling days, ctx.workday for the steps after them); the
enterprises' retest applications and rectification reports too, the day the office receives them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction

from qcity.core import deadlines
from qcity.core.choices import Role
from qcity.core.deadlines import Deadline, deadline
from qcity.core.demo import DEMO_PASSWORD
from qcity.core.models import OrgUnit, User
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
    SamplingPlanLevel,
)
from .models import Followup, ProductCategory, Sample, SamplingObjection, SamplingPlan, TestItemResult
from .pass_rates import INDICATORS
from .services import feeds, product_categories_load, sampling_plan_create
from .services.samples import RETEST_CODE

SAMPLES_PER_ENTERPRISE = 0.3
MIN_SAMPLES, MAX_SAMPLES = 40, 20_000
POOL_SIZE = 60_000  # enterprises drawn from the registry to sample from (all of them at small scale)

# kind → (share of samples, failure probability, industry-code prefixes of likely sampled parties)
KINDS = {
    ProductKind.FOOD: (0.55, 0.018, ("13", "14", "15", "512", "521", "522", "5199", "62", "5292")),
    ProductKind.EDIBLE_AGRICULTURAL: (0.20, 0.015, ("0", "5119", "5121", "5223", "5224", "5212", "5213")),
    ProductKind.KEY_INDUSTRIAL: (0.15, 0.04, ("2", "3", "5165", "527", "523", "5284")),
    ProductKind.DRUG: (0.05, 0.007, ("27", "5151", "5251")),
    ProductKind.OTHER: (0.05, 0.05, ("5154", "5239", "5211")),
}
PRODUCTS = {
    "SP01": ["小麦粉", "挂面", "大米", "玉米粉"], "SP02": ["花生油", "大豆油", "芝麻油"], "SP03": ["酱油", "食醋", "味精"],
    "SP04": ["火腿肠", "熟牛肉", "烧鸡"], "SP05": ["纯牛奶", "酸奶"], "SP06": ["饮用纯净水", "果汁饮料", "茶饮料"],
    "SP07": ["方便面"], "SP10": ["速冻水饺", "速冻汤圆"], "SP11": ["月饼", "面包", "蛋糕"], "SP12": ["白酒", "啤酒"],
    "SP16": ["瓜子", "花生"], "SP23": ["烩面", "凉皮", "卤肉"],
    "NC01": ["猪肉", "牛肉", "鸡肉"], "NC02": ["鲤鱼", "草鱼", "基围虾"], "NC03": ["韭菜", "芹菜", "豇豆", "菠菜"],
    "NC04": ["苹果", "香蕉", "葡萄"], "NC05": ["鸡蛋"],
    "YP01": ["阿莫西林胶囊", "布洛芬缓释胶囊"], "YP02": ["感冒清热颗粒", "六味地黄丸"], "YP03": ["金银花", "当归"],
    "GY01": ["聚氯乙烯绝缘电缆", "电力电缆"], "GY02": ["电热水壶", "电风扇"], "GY03": ["塑胶玩具", "儿童自行车"],
    "GY04": ["电动自行车", "电动自行车充电器"], "GY05": ["热轧带肋钢筋"], "GY08": ["家用燃气灶具"],
    "GY13": ["中性笔", "学生书包"], "GY15": ["转换器", "插座"],
    "QT01": ["洗发水", "面霜"], "QT02": ["医用口罩", "血压计"],
}
BRANDS = ["金苑", "白象", "思念", "三全", "花花牛", "郑荣", "中原", "豫园", "黄河", "嵩山", "商都", "绿城", "少林"]
AGENCIES = ["郑州市质量技术监督检验测试中心", "河南省食品检验研究院", "郑州市食品药品检验所", "河南省产品质量检验技术研究院"]
# kind → [(item, standard, min, max, unit, typical low, typical high)]; text items are (item, standard, requirement)
ITEMS = {
    ProductKind.FOOD: [("铅（以Pb计）", "GB 2762-2022", None, "0.2", "mg/kg", 0.01, 0.08),
                       ("苯甲酸及其钠盐（以苯甲酸计）", "GB 2760-2024", None, "1.0", "g/kg", 0.0, 0.3),
                       ("二氧化硫残留量", "GB 2760-2024", None, "0.1", "g/kg", 0.0, 0.03),
                       ("黄曲霉毒素B₁", "GB 2761-2017", None, "5.0", "μg/kg", 0.1, 2.0),
                       ("菌落总数", "GB 4789.2-2022", "n=5,c=2,m=10⁴,M=10⁵ CFU/g")],
    ProductKind.EDIBLE_AGRICULTURAL: [("毒死蜱", "GB 2763-2021", None, "0.02", "mg/kg", 0.0, 0.008),
                                      ("克百威", "GB 2763-2021", None, "0.02", "mg/kg", 0.0, 0.005),
                                      ("镉（以Cd计）", "GB 2762-2022", None, "0.2", "mg/kg", 0.005, 0.06),
                                      ("氯霉素", "农业农村部公告第250号", "不得检出")],
    ProductKind.DRUG: [("含量测定", "《中国药典》2020年版", "90.0", "110.0", "%", 96.0, 104.0),
                       ("有关物质", "《中国药典》2020年版", None, "1.0", "%", 0.1, 0.6),
                       ("微生物限度", "《中国药典》2020年版", "符合规定")],
    ProductKind.KEY_INDUSTRIAL: [("导体电阻", "GB/T 5023-2008", None, "1.83", "Ω/km", 1.6, 1.8),
                                 ("绝缘厚度", "GB/T 5023-2008", "0.7", None, "mm", 0.72, 0.9),
                                 ("防触电保护", "GB 4706.1-2005", "符合标准要求"),
                                 ("标志和说明", "GB 4706.1-2005", "符合标准要求")],
    ProductKind.OTHER: [("标签标识", "产品执行标准", "符合标准要求"),
                        ("微生物指标", "产品执行标准", None, "500", "CFU/g", 10.0, 200.0)],
}


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


def _plans(ctx, city: OrgUnit, districts: list[OrgUnit], categories: dict[str, ProductCategory]) -> dict:
    """The year's plans of every level, for each calendar year the year of operations touches: keyed by
    (year, key), or (year, "district", district id)."""

    def kinds(*wanted):
        return [c for c in categories.values() if c.kind in wanted and c.code in PRODUCTS]

    food = (ProductKind.FOOD, ProductKind.EDIBLE_AGRICULTURAL)
    plans = {}
    for year in range(ctx.year_start.year, ctx.today.year + 1):
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        spec = [
            ("national", SamplingPlanLevel.NATIONAL, city, f"{year}年国家产品质量监督抽查（郑州地区）",
             kinds(ProductKind.KEY_INDUSTRIAL) + [categories["SP05"]], 60),
            ("provincial", SamplingPlanLevel.PROVINCIAL, city, f"{year}年河南省食品安全监督抽检计划（郑州市）", kinds(*food), 300),
            ("city-food", SamplingPlanLevel.CITY, city, f"郑州市{year}年度食品安全监督抽检计划", kinds(*food), 900),
            ("city-industrial", SamplingPlanLevel.CITY, city, f"郑州市{year}年度重点工业产品质量监督抽查计划",
             kinds(ProductKind.KEY_INDUSTRIAL, ProductKind.OTHER), 250),
            ("city-drug", SamplingPlanLevel.CITY, city, f"郑州市{year}年度药品质量抽检计划", kinds(ProductKind.DRUG), 80),
        ]
        for key, level, unit, title, cats, batches in spec:
            plans[(year, key)] = sampling_plan_create(by=None, title=title, level=level, org_unit=unit, period_start=start,
                                             period_end=end, categories=cats, planned_batches=batches)
        for district in districts:
            plans[(year, "district", district.pk)] = sampling_plan_create(
                by=None, title=f"{district.name}{year}年度食品安全监督抽检计划", level=SamplingPlanLevel.DISTRICT,
                org_unit=district, period_start=start, period_end=end, categories=kinds(*food), planned_batches=120)
    return plans


def _pool(rng, want: int) -> list[tuple]:
    """(id, name, org_unit_id, industry_code) of up to `want` enterprises, at random for a big registry."""
    fields = ("id", "name", "org_unit_id", "industry_code")
    total = Enterprise.objects.count()
    if total <= want:
        return list(Enterprise.objects.values_list(*fields))
    low = Enterprise.objects.order_by("id").values_list("id", flat=True).first()
    high = Enterprise.objects.order_by("-id").values_list("id", flat=True).first()
    ids = sorted({rng.randint(low, high) for _ in range(want)})
    rows = []
    for start in range(0, len(ids), 5000):
        rows += Enterprise.objects.filter(pk__in=ids[start:start + 5000]).values_list(*fields)
    return rows


def _buckets(pool: list[tuple]) -> dict[str, list[tuple]]:
    buckets = defaultdict(list)
    for row in pool:
        for kind, (_share, _fail, prefixes) in KINDS.items():
            if row[3].startswith(prefixes):
                buckets[kind].append(row)
    return buckets


def _items(rng, kind: str, fail: bool) -> list[dict]:
    chosen = rng.sample(ITEMS[kind], k=min(len(ITEMS[kind]), rng.randint(2, 4)))
    numeric = [i for i, spec in enumerate(chosen) if len(spec) == 7]
    failing = rng.choice(numeric) if fail and numeric else None
    items = []
    for i, spec in enumerate(chosen):
        if len(spec) == 3:
            items.append({"item_name": spec[0], "standard": spec[1], "limit_text": spec[2], "measured_text": "符合",
                          "conforming": True})
            continue
        name, standard, low, high, unit, typical_low, typical_high = spec
        value = rng.uniform(typical_low, typical_high)
        if i == failing:
            value = float(high) * rng.uniform(1.2, 3.0) if high else float(low) * rng.uniform(0.5, 0.9)
        items.append({"item_name": name, "standard": standard, "limit_min": Decimal(low) if low else None,
                      "limit_max": Decimal(high) if high else None, "measured_value": Decimal(f"{value:.4f}"),
                      "unit": unit, "conforming": i != failing})
    if fail and failing is None:  # only text items: the first one fails
        items[0].update(measured_text="不符合", conforming=False)
    return items


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
    city = OrgUnit.objects.get(parent__isnull=True)
    districts = list(OrgUnit.objects.filter(parent=city).order_by("sort_order", "pk"))
    categories = {c.code: c for c in ProductCategory.objects.all()}
    samplers = _samplers(city, forced_password_change=ctx.forced_password_change)
    plans = _plans(ctx, city, districts, categories)
    pool = _pool(rng, POOL_SIZE)
    if not pool:
        return {"plans": len(plans), "samples": 0}
    buckets = _buckets(pool)
    count = max(MIN_SAMPLES, min(MAX_SAMPLES, round(ctx.enterprise_count * SAMPLES_PER_ENTERPRISE)))
    kind_list, kind_weights = list(KINDS), [KINDS[k][0] for k in KINDS]
    cats_by_kind = defaultdict(list)
    for code in PRODUCTS:
        cats_by_kind[categories[code].kind].append(categories[code])
    unit_of = {u.pk: u for u in OrgUnit.objects.all()}
    district_of = {}
    for unit in unit_of.values():
        top = next((d for d in districts if unit.path.startswith(d.path)), None)
        district_of[unit.pk] = top
    city_plans = {  # kind → (plan key, share)
        ProductKind.FOOD: [("national", 0.02), ("provincial", 0.2), ("city-food", 0.78)],
        ProductKind.EDIBLE_AGRICULTURAL: [("provincial", 0.25), ("city-food", 0.75)],
        ProductKind.KEY_INDUSTRIAL: [("national", 0.25), ("city-industrial", 0.75)],
        ProductKind.DRUG: [("city-drug", 1.0)],
        ProductKind.OTHER: [("city-industrial", 1.0)],
    }
    sampling_days = ctx.workdays(ctx.year_start, ctx.today - datetime.timedelta(days=2))
    # the demo district's first sample was concluded on the last working day: its result is to serve today
    fresh_days = ctx.workdays(ctx.last_workday - datetime.timedelta(days=25), ctx.last_workday - datetime.timedelta(days=10))
    fresh = None
    rows = []
    retest = _RetestDeadlines()
    for n in range(count):
        kind = rng.choices(kind_list, kind_weights)[0]
        candidates = buckets.get(kind) or pool
        ent_id, ent_name, unit_id, _industry = candidates[rng.randrange(len(candidates))]
        category = rng.choice([c for c in cats_by_kind[kind] if kind != ProductKind.FOOD or c.code != "SP05"]
                              or cats_by_kind[kind])
        district = district_of.get(unit_id)
        if kind in (ProductKind.FOOD, ProductKind.EDIBLE_AGRICULTURAL) and district and rng.random() < 0.35:
            key = ("district", district.pk)
        else:
            keys, weights = zip(*city_plans[kind], strict=True)
            key = (rng.choices(keys, weights)[0],)
            if key == ("national",) and kind == ProductKind.FOOD:
                category = categories["SP05"]
        concluded_on = None
        if fresh is None and district is not None and district.pk == ctx.demo_district.pk:
            fresh, concluded_on = n, ctx.last_workday
        sampled_on = rng.choice(fresh_days if concluded_on else sampling_days)
        plan = plans[(sampled_on.year, *key)]
        timeline = _Timeline(rng, ctx, sampled_on, rng.random() < KINDS[kind][1], retest, concluded_on=concluded_on)
        rows.append((n, kind, (ent_id, ent_name), unit_id, category, plan, sampled_on, timeline, samplers))
    return _write(ctx, rng, rows)


def _write(ctx, rng, rows) -> dict[str, Any]:
    with transaction.atomic():
        samples = []
        for n, _kind, (ent_id, _name), unit_id, category, plan, sampled_on, t, _people in rows:
            initial = ("" if t.concluded_on is None
                       else (SamplingConclusion.FAIL if (t.fail or (t.objection and t.objection[2])) else SamplingConclusion.PASS))
            final = "" if not initial else (SamplingConclusion.FAIL if t.fail else SamplingConclusion.PASS)
            product = rng.choice(PRODUCTS[category.code])
            samples.append(Sample(
                number=f"CY{sampled_on:%Y}D{n + 1:06d}", plan=plan, category=category, enterprise_id=ent_id,
                org_unit_id=unit_id, product_name=product, brand=rng.choice(BRANDS), specification=rng.choice(
                    ["500g/袋", "5kg/袋", "1L/瓶", "250mL/盒", "10粒×2板", "1.5mm²", "散装", "—"]),
                batch_number=f"{sampled_on - _days(rng, 3, 60):%Y%m%d}{rng.choice('ABCDEFGH')}{rng.randint(1, 99):02d}",
                production_date=sampled_on - _days(rng, 3, 60), sampling_date=sampled_on,
                sampling_place=rng.choice(["market", "market", "warehouse"]), quantity=rng.randint(2, 8),
                backup_quantity=rng.randint(1, 4), quantity_unit=rng.choice(["件", "袋", "瓶", "盒"]),
                status=t.status, test_agency=rng.choice(AGENCIES) if initial else "",
                test_report_number=f"JC{sampled_on:%Y}{n + 1:06d}" if initial else "", conclusion=final,
                initial_conclusion=initial, concluded_on=t.concluded_on, served_on=t.served_on,
                published_on=t.published_on))
            deadlines.assign(samples[-1], "retest_deadline", t.retest_deadline)
        Sample.objects.bulk_create(samples, batch_size=2000)
        samples = list(Sample.objects.order_by("id"))  # the demo starts from no plans, hence no samples
        by_number = {s.number: s for s in samples}
        items, objections, followups, links = [], [], [], []
        through = Sample.samplers.through
        for n, kind, (_id, ent_name), _unit, _cat, _plan, sampled_on, t, people in rows:
            sample = by_number[f"CY{sampled_on:%Y}D{n + 1:06d}"]
            links += [through(sample_id=sample.pk, user_id=u.pk) for u in people]
            if sample.initial_conclusion:
                items += [TestItemResult(sample=sample, **item)
                          for item in _items(rng, kind, sample.initial_conclusion == SamplingConclusion.FAIL)]
            if t.objection:
                applied, retested, overturned = t.objection
                objections.append(SamplingObjection(
                    sample=sample, applied_on=applied, applicant=ent_name[:200], reason="对检验方法和判定依据有异议，申请对备用样品复检",
                    retested_on=retested, retest_agency=rng.choice(AGENCIES) if retested else "",
                    retest_report_number=f"FJ{sampled_on:%Y}{n + 1:06d}" if retested else "",
                    retest_conclusion=sample.conclusion if retested else "",
                    outcome=(RetestOutcome.OVERTURNED if overturned else RetestOutcome.CONFIRMED) if retested else ""))
            if sample.conclusion == SamplingConclusion.FAIL and t.final_on:
                followup = _followup(rng, ctx, sample, t.final_on)
                if followup:
                    followups.append(followup)
        TestItemResult.objects.bulk_create(items, batch_size=5000)
        SamplingObjection.objects.bulk_create(objections)
        Followup.objects.bulk_create(followups)
        through.objects.bulk_create(links, batch_size=5000)
    ctx.progress(f"sampling: {len(samples):,} samples, {len(items):,} test items written")
    credit = _credit()
    refreshed = 0

    # The platform's own years (this year's figure so far included, as a conclusion would refresh it); the
    # indicators demo stands for the years before the platform went live (a few weeks of samples of a
    # year mostly before it notwithstanding).
    for year in ctx.platform_years:
        for key in INDICATORS:
            refreshed += computed_indicators_refresh(key=key, year=year)
    failed = sum(1 for s in samples if s.conclusion == SamplingConclusion.FAIL)
    return {"plans": SamplingPlan.objects.count(), "samples": len(samples), "failed": failed,
            "objections": len(objections), "followups": len(followups),
            "published": sum(1 for s in samples if s.published_on), "credit_events": credit,
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
    f.report_text = "已停止销售并下架同批次产品，排查原因、整改生产工艺，提交整改报告"
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
