"""Demo double-random inspections for the year of operations up to ctx.today.

The published item list; per district six inspectors (the demo account `inspector` is one of 金水区's)
with a few declared conflicts, and four city inspectors; a target pool per district; and half-year plans
(上半年 = January–June, 下半年 = July–December), each drawn from the pool's snapshot with a fixed seed a week
before its half-year starts: last half-year's (every target inspected) and this half-year's (running:
targets inspected on working days spread over the half-year, those not reached by today still to
inspect); and the demo district's plan for the next half-year, created but not drawn yet. A plan is named
after its half-year, e.g. "金水区2026年下半年企业公示信息及登记事项双随机抽查".

Each item applies to the industries it names (food safety to food producers, sellers and caterers,
production-side product quality to manufacturers, the disclosure and registration checks to everyone), and
the draw checks a target only on the items that apply to it. An enterprise the inspectors could not reach
or found closed has that result on every item; otherwise an item's problems are worded for that item.

Most results are published in time, some late; the few left unpublished are overdue by days or weeks at
most. The demo district (ctx.demo_district) always has a result entered on the last working day and not
published yet. Problems found feed the credit file and half of them became case leads. Every act is
dated on a working day (ctx.workday, ctx.workdays). Everything goes through the services. Sample sizes
are small fixed counts (capped by each class's size), so `small` stays fast and `city` draws from pools of
~100,000 without writing more results than the small scale.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from qcity.core.choices import Role
from qcity.core.demo import DEMO_PASSWORD
from qcity.core.models import OrgUnit, RoleAssignment, User
from qcity.core.notifications import demo_notifications_date
from qcity.core.services import role_grant, user_create
from qcity.enterprises.models import Enterprise

from . import services
from .choices import InspectionOutcome
from .models import (
    Assignment,
    Draw,
    DrawnTarget,
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    Inspector,
    InspectorConflict,
    PlanItem,
    PoolSnapshot,
    TargetPool,
)

USER_PREFIX = "insp-"
MANUFACTURING = [str(n) for n in range(13, 44)]  # GB/T 4754-2017 section C: divisions 13–43
FOOD_BUSINESS = ["131", "133", "134", "135", "136", "137", "139", "14", "15", "512", "521", "522", "62"]
# (code, name, legal basis, method, ratio % in the demo plans, the industries it applies to: [] for all);
# an item applying to some industries is checked on every drawn target of them
ITEMS = [
    ("SJ-QY-01", "企业公示信息情况检查", "《企业信息公示暂行条例》第十四条；《企业公示信息抽查暂行办法》", "书面检查、实地核查", 100, []),
    ("SJ-QY-02", "登记事项检查（住所、经营范围等）", "《中华人民共和国市场主体登记管理条例》第三十五条", "实地核查", 60, []),
    ("SJ-CP-01", "生产领域产品质量监督检查", "《中华人民共和国产品质量法》第十五条", "实地检查、抽样检验", 100, MANUFACTURING),
    ("SJ-SP-01", "食品生产经营者监督检查", "《中华人民共和国食品安全法》第一百一十条", "实地检查", 100, FOOD_BUSINESS),
    ("SJ-JL-01", "计量器具使用情况检查", "《中华人民共和国计量法》第二十二条", "实地检查", 0, ["52", *MANUFACTURING]),
    ("SJ-TS-01", "特种设备使用单位监督检查", "《中华人民共和国特种设备安全法》第五十七条", "实地检查", 0,
     ["61", "7020", *MANUFACTURING]),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "建国志强海涛丽娟明军伟红文静春梅晓东国庆玉兰"
# half-year (1: January–June, 2: July–December) → (subject, indexes into ITEMS, the first at 100 %): the
# second half checks what enterprises disclosed in their annual reports, which are due by 30 June
SUBJECTS = {1: ("产品质量及食品安全双随机抽查", (0, 2, 3)), 2: ("企业公示信息及登记事项双随机抽查", (0, 1))}
DRAWN_BEFORE = 5  # working days before its half-year a plan is drawn; its record is published the next day
OVERDUE_DAYS = 20  # an unpublished result is never overdue by more than this in a fresh demo
WANTED = {"a": 1, "b": 4, "c": 2, "d": 1}  # per district plan; D and C over-represented, as DOMAIN §3 asks
# whether the inspectors found the enterprise (once per target, whatever the items), then per item
UNREACHED = [(InspectionOutcome.NOT_REACHABLE, 5, "通过登记的住所或者经营场所无法联系"),
             (InspectionOutcome.CLOSED_DOWN, 3, "检查时企业已停止经营")]
PROBLEM_RATE = 14 / 92  # of the items inspected at an enterprise found
# item code → what inspectors write when they find a problem on that item, at any market entity
FINDINGS = {
    "SJ-QY-01": ["未按规定报送公示年度报告", "年度报告公示的经营场所信息与实际不符", "公示的联系电话无法取得联系",
                 "未按规定公示行政许可取得信息"],
    "SJ-QY-02": ["实际经营地址与登记住所不一致", "超出登记的经营范围从事经营活动", "未在经营场所醒目位置悬挂营业执照"],
    "SJ-CP-01": ["产品标识标注不规范，缺少生产日期或批号", "出厂检验记录不完整", "执行的企业标准未按规定公开",
                 "原材料进货查验记录缺失"],
    "SJ-SP-01": ["进货查验记录不完整，未留存供货者资质证明", "部分从业人员健康证明过期", "库存食品中有超过保质期的产品",
                 "食品贮存未做到生熟分开", "餐饮具清洗消毒记录不全"],
    "SJ-JL-01": ["部分计量器具超过检定周期", "使用未经检定的电子计价秤"],
    "SJ-TS-01": ["电梯未按期进行定期检验", "特种设备安全管理人员未持证上岗"],
}
# what only a company has (shareholders, a legal representative, an asset report), and an individual
# business instead (an operator): an individual business's findings never name its shareholders
COMPANY_TYPES = {"limited_company", "joint_stock_company", "foreign_invested"}
ENTITY_FINDINGS = {
    "company": {"SJ-QY-01": ["未按规定公示股东（发起人）认缴和实缴出资信息", "年度报告公示的资产状况信息与实际不符",
                             "未按规定公示年度报告中的从业人数信息"],
                "SJ-QY-02": ["法定代表人变更后未按规定办理变更登记"]},
    "individual_business": {"SJ-QY-02": ["经营者变更后未按规定办理变更登记"]},
}


def findings_for(code: str, entity_type: str) -> list[str]:
    """The problems an inspector may record on item `code` at an entity of this type."""
    kind = "company" if entity_type in COMPANY_TYPES else entity_type
    return FINDINGS[code] + ENTITY_FINDINGS.get(kind, {}).get(code, [])


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _inspector_user(username: str, full_name: str, unit: OrgUnit, *, password: str | None = None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        if password:
            user = user_create(username=username, password=password, full_name=full_name, org_unit=unit, by=None)
        else:  # directory entries that never log in: no password hashing (it is most of the time)
            user = User(username=username, full_name=full_name, org_unit=unit)
            user.set_unusable_password()
            user.save()
    role_grant(user=user, role=Role.INSPECTOR, org_unit=unit, by=None)
    return user


def _inspectors(rng, city, districts, items) -> dict[int, list[Inspector]]:
    by_unit: dict[int, list[Inspector]] = {}
    serial = 0
    for unit in [city, *districts]:
        count = 4 if unit == city else 6
        for n in range(count):
            serial += 1
            if unit.name == "金水区" and n == 0:  # the demo account of qcity.core.demo (created later, kept)
                user = _inspector_user("inspector", "赵执法", unit, password=DEMO_PASSWORD)
            else:
                user = _inspector_user(f"{USER_PREFIX}{unit.pk}-{n + 1}", _name(rng), unit)
            qualified = [i for i in items if rng.random() < 0.85] or items[:1]
            inspector = services.inspector_create(by=None, user=user, badge_number=f"4101{serial:06d}", org_unit=unit,
                                                  qualifications=items[:1] + [i for i in qualified if i != items[0]])
            by_unit.setdefault(unit.pk, []).append(inspector)
    return by_unit


def half_year(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half-year a day falls in: 1 January – 30 June or 1 July – 31 December."""
    if day.month <= 6:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 6, 30)
    return datetime.date(day.year, 7, 1), datetime.date(day.year, 12, 31)


def plan_name(district: OrgUnit, start: datetime.date) -> str:
    """A half-year plan's name: the district, the half-year, the subject of that half."""
    half = 1 if start.month <= 6 else 2
    return f"{district.name}{start.year}年{'上' if half == 1 else '下'}半年{SUBJECTS[half][0]}"


def _conflicts(rng, district, inspectors, declared_on: datetime.date) -> int:
    ids = list(Enterprise.objects.filter(org_unit=district).order_by("id").values_list("id", flat=True)[:2000])
    count = 0
    for inspector in inspectors:
        for enterprise_id in rng.sample(ids, min(len(ids), rng.choice([0, 1, 2]))):
            services.conflict_declare(inspector=inspector, enterprise=Enterprise.objects.get(pk=enterprise_id),
                                      reason=rng.choice(["近亲属在该企业任职", "曾在该企业工作", "与企业负责人有其他利害关系"]),
                                      by=None, declared_on=declared_on)
            count += 1
    return count


def _results(ctx, rng, draw, items_by_id, *, fresh: bool) -> tuple[int, int]:
    """Results of the targets inspected by the last working day, each on a working day of the plan's
    half-year; published in time, late, or not yet (only while at most OVERDUE_DAYS past the deadline).
    `fresh` (the demo district's work of the day): the first target is inspected on the last working day,
    its results not published yet, and while the plan runs its last target is left to inspect."""
    entered = published = 0
    plan = draw.plan
    last, workday = ctx.last_workday, ctx.workday
    days = ctx.workdays(plan.period_start, plan.period_end)  # the plan is drawn before its half-year starts
    targets = list(DrawnTarget.objects.filter(draw=draw).select_related("enterprise").order_by("enterprise_id"))
    keep_open = fresh and plan.period_end >= ctx.today and len(targets) > 1
    for n, target in enumerate(targets):
        inspected_on = last if fresh and n == 0 else rng.choice(days)
        if inspected_on > last or (keep_open and n == len(targets) - 1):
            continue
        roll, unreached = rng.random() * 100, None
        for outcome, weight, finding in UNREACHED:  # not found: the same result on every item
            if roll < weight:
                unreached = (outcome, finding)
                break
            roll -= weight
        for item_id in target.item_ids:
            item = items_by_id[item_id]
            if unreached:
                outcome, findings = unreached
            elif rng.random() < PROBLEM_RATE:
                outcome, findings = (InspectionOutcome.PROBLEMS_FOUND,
                                     rng.choice(findings_for(item.code, target.enterprise.entity_type)))
            else:
                outcome, findings = InspectionOutcome.NO_PROBLEM, ""
            problems = outcome == InspectionOutcome.PROBLEMS_FOUND
            result = services.result_enter(
                plan=plan, enterprise=target.enterprise, item=item, outcome=outcome,
                inspected_on=inspected_on, by=None, findings=findings,
                is_case_lead=problems and rng.random() < 0.5, case_lead_note="移交执法稽查部门" if problems else "",
                at=_at(inspected_on, 17))
            entered += 1
            roll = rng.random()
            if roll < 0.8:  # on time
                on = min(workday(inspected_on, rng.randint(1, 14)), result.publish_by)  # working days
            elif roll < 0.9 or result.publish_by < ctx.today - datetime.timedelta(days=OVERDUE_DAYS):  # late
                on = workday(result.publish_by, rng.randint(2, 14))
            else:  # not yet published (overdue once its deadline passes)
                continue
            if on > last and result.publish_by < ctx.today - datetime.timedelta(days=OVERDUE_DAYS):
                on = last  # published late, by the last working day at the latest: never overdue for months
            if on > last or (fresh and n == 0):  # publishing it is today's work
                continue
            services.result_publish(result=result, by=None, on=on)
            published += 1
    return entered, published


def generate(ctx) -> dict[str, Any]:
    if InspectionItem.objects.filter(code=ITEMS[0][0]).exists():  # already generated: nothing twice
        return {"skipped": 1}
    rng = ctx.rng("inspections")
    today, workday = ctx.today, ctx.workday
    city, districts = ctx.demo_city, ctx.demo_city_units
    counts = dict.fromkeys(["items", "inspectors", "conflicts", "plans", "targets", "results", "published"], 0)
    current = half_year(today)
    halves = [half_year(current[0] - datetime.timedelta(days=1)), current]  # last half-year's plan, this one's
    following = half_year(current[1] + datetime.timedelta(days=1))
    drawn = [workday(start, -DRAWN_BEFORE) for start, _end in halves]
    set_up = workday(drawn[0] - datetime.timedelta(days=30))  # items, pools, inspectors: before the first draw
    with transaction.atomic():
        items = []
        for code, name, basis, method, _ratio, industries in ITEMS:
            item = services.item_create(by=None, code=code, name=name, legal_basis=basis, org_unit=city, method=method,
                                        industry_codes=industries)
            items.append(services.item_publish(item=item, by=None, on=set_up))
        counts["items"] = len(items)
        by_unit = _inspectors(rng, city, districts, items)
        counts["inspectors"] = sum(map(len, by_unit.values()))
    items_by_id = {i.pk: i for i in items}
    ratios = {code: ratio for code, _name, _basis, _method, ratio, _industries in ITEMS}
    demo_district = ctx.demo_district

    def plan_for(district, pool, snapshot, start, end):
        chosen = [items[i] for i in SUBJECTS[1 if start.month <= 6 else 2][1]]
        sizes = {s: min(n, snapshot.stratum_sizes.get(s, 0)) for s, n in WANTED.items()}
        if not sum(sizes.values()):
            return None
        return services.inspection_plan_create(by=None, name=plan_name(district, start), org_unit=district, year=start.year,
                                    period_start=start, period_end=end, pool=pool,
                                    items=[(i, 100 if n == 0 else ratios[i.code]) for n, i in enumerate(chosen)],
                                    ratios={"a": 3, "b": 5, "c": 20, "d": 60}, counts=sizes)

    for district in districts:
        with transaction.atomic():
            counts["conflicts"] += _conflicts(rng, district, by_unit[district.pk],
                                              workday(set_up + datetime.timedelta(days=4)))
            pool = services.pool_create(by=None, name=f"{district.name}市场主体名录库", org_unit=district)
            snapshot = services.pool_snapshot_build(pool=pool, by=None,
                                                    at=_at(workday(set_up + datetime.timedelta(days=7))))
            for number, ((start, end), drawn_on) in enumerate(zip(halves, drawn, strict=True)):
                plan = plan_for(district, pool, snapshot, start, end)
                if plan is None:
                    continue
                draw = services.draw_run(plan=plan, by=None, seed=f"demo-{ctx.seed}-{district.pk}-{number}",
                                         at=_at(drawn_on, 9))
                services.draw_publish(draw=draw, by=None, on=workday(drawn_on, 1))
                # the drawn inspectors heard of it when it was drawn (read since, unless it is this week's)
                demo_notifications_date({f"inspection-draw:{draw.pk}:assigned": draw.drawn_at}, today=today)
                counts["plans"] += 1
                counts["targets"] += sum(draw.sample_sizes.values())
                # the demo district's work of the day is in the plan running on the last working day
                fresh = district.pk == demo_district.pk and start <= ctx.last_workday <= end
                entered, published = _results(ctx, rng, draw, items_by_id, fresh=fresh)
                counts["results"] += entered
                counts["published"] += published
            if district.pk == demo_district.pk:  # the next half-year's plan, for an officer to draw
                plan_for(district, pool, snapshot, *following)
    ctx.progress(f"inspections: {counts['plans']} plans drawn, {counts['results']} results")
    return counts


def reset(ctx) -> dict[str, Any]:
    """Delete what `generate` made (the credit events it recorded go with credit's reset)."""
    counts = {"results": InspectionResult.objects.all().delete()[0]}
    Assignment.objects.all().delete()
    DrawnTarget.objects.all().delete()
    counts["draws"] = Draw.objects.all().delete()[0]
    PlanItem.objects.all().delete()
    counts["plans"] = InspectionPlan.objects.all().delete()[0]
    PoolSnapshot.objects.all().delete()
    TargetPool.objects.all().delete()
    InspectorConflict.objects.all().delete()
    counts["inspectors"] = Inspector.objects.all().delete()[0]
    InspectionItem.objects.all().delete()
    users = User.objects.filter(username__startswith=USER_PREFIX)
    RoleAssignment.objects.filter(user__in=users).delete()
    users.delete()
    return counts
