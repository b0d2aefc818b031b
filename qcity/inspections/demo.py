"""Demo double-random inspections for the demo year 2024-12-01 … 2025-11-30 (DEMO_DATE fixed, never today).

The published item list; per district six inspectors (the demo account `inspector` is one of 金水区's)
with a few declared conflicts, and four city inspectors; a target pool per district; two plans per
district (first and second half of 2025) drawn from the pool's snapshot with fixed seeds; results
for most targets, most published within 20 working days, a few late or still unpublished; problems
found feed the credit file and half of them became case leads. Everything goes through the services.
Sample sizes are small fixed counts (capped by each class's size), so `small` stays fast and `city`
draws from pools of ~100,000 without writing more results than the small scale.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from qcity.core.choices import Role
from qcity.core.demo import DEMO_PASSWORD
from qcity.core.models import OrgUnit, RoleAssignment, User
from qcity.core.services import role_grant, user_create
from qcity.enterprises.models import Enterprise

from . import services
from .choices import Outcome
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

DEMO_DATE = datetime.date(2025, 11, 30)
USER_PREFIX = "insp-"
ITEMS = [
    ("SJ-QY-01", "企业公示信息情况检查", "《企业信息公示暂行条例》第十四条；《企业公示信息抽查暂行办法》", "书面检查、实地核查", 100),
    ("SJ-QY-02", "登记事项检查（住所、经营范围等）", "《中华人民共和国市场主体登记管理条例》第三十五条", "实地核查", 60),
    ("SJ-CP-01", "生产领域产品质量监督检查", "《中华人民共和国产品质量法》第十五条", "实地检查、抽样检验", 40),
    ("SJ-SP-01", "食品生产经营者监督检查", "《中华人民共和国食品安全法》第一百一十条", "实地检查", 30),
    ("SJ-JL-01", "计量器具使用情况检查", "《中华人民共和国计量法》第二十二条", "实地检查", 0),
    ("SJ-TS-01", "特种设备使用单位监督检查", "《中华人民共和国特种设备安全法》第五十七条", "实地检查", 0),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "建国志强海涛丽娟明军伟红文静春梅晓东国庆玉兰"
PLANS = [  # (name, period start, period end, drawn on)
    ("2025年上半年企业公示信息及登记事项双随机抽查", datetime.date(2025, 3, 1), datetime.date(2025, 6, 30),
     datetime.date(2025, 3, 3)),
    ("2025年下半年产品质量及食品安全双随机抽查", datetime.date(2025, 8, 1), datetime.date(2025, 12, 31),
     datetime.date(2025, 8, 4)),
]
WANTED = {"a": 1, "b": 4, "c": 2, "d": 1}  # per district plan; D and C over-represented, as DOMAIN §3 asks
OUTCOMES = [(Outcome.NO_PROBLEM, 78), (Outcome.PROBLEMS_FOUND, 14), (Outcome.NOT_REACHABLE, 5),
            (Outcome.CLOSED_DOWN, 3)]
FINDINGS = ["未按规定公示年度报告中的从业人数信息", "实际经营地址与登记住所不一致", "产品标识标注不规范，缺少生产日期",
            "进货查验记录不完整", "部分计量器具超过检定周期"]


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


def _conflicts(rng, district, inspectors) -> int:
    ids = list(Enterprise.objects.filter(org_unit=district).order_by("id").values_list("id", flat=True)[:2000])
    count = 0
    for inspector in inspectors:
        for enterprise_id in rng.sample(ids, min(len(ids), rng.choice([0, 1, 2]))):
            services.conflict_declare(inspector=inspector, enterprise=Enterprise.objects.get(pk=enterprise_id),
                                      reason=rng.choice(["近亲属在该企业任职", "曾在该企业工作", "与企业负责人有其他利害关系"]),
                                      by=None, declared_on=datetime.date(2025, 1, 10))
            count += 1
    return count


def _results(rng, draw, items_by_id, drawn_on, *, share_entered: float) -> tuple[int, int]:
    entered = published = 0
    plan = draw.plan
    for target in DrawnTarget.objects.filter(draw=draw).select_related("enterprise").order_by("enterprise_id"):
        if rng.random() > share_entered:
            continue
        inspected_on = min(drawn_on + datetime.timedelta(days=rng.randint(10, 80)), DEMO_DATE - datetime.timedelta(days=3))
        for item_id in target.item_ids:
            outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
            problems = outcome == Outcome.PROBLEMS_FOUND
            result = services.result_enter(
                plan=plan, enterprise=target.enterprise, item=items_by_id[item_id], outcome=outcome,
                inspected_on=inspected_on, by=None, findings=rng.choice(FINDINGS) if problems else "",
                is_case_lead=problems and rng.random() < 0.5, case_lead_note="移交执法稽查部门" if problems else "",
                at=_at(inspected_on, 17))
            entered += 1
            roll = rng.random()
            if roll < 0.8:  # on time
                on = min(inspected_on + datetime.timedelta(days=rng.randint(2, 20)), result.publish_by, DEMO_DATE)
            elif roll < 0.9:  # late
                on = min(result.publish_by + datetime.timedelta(days=rng.randint(3, 20)), DEMO_DATE)
            else:  # not yet published (overdue once its deadline passes)
                continue
            services.result_publish(result=result, by=None, on=on)
            published += 1
    return entered, published


def generate(ctx) -> dict[str, Any]:
    if InspectionItem.objects.filter(code=ITEMS[0][0]).exists():  # already generated: nothing twice
        return {"skipped": 1}
    rng = ctx.rng("inspections")
    city = OrgUnit.objects.get(parent__isnull=True)
    districts = list(OrgUnit.objects.filter(parent=city).order_by("sort_order", "pk"))
    counts = dict.fromkeys(["items", "inspectors", "conflicts", "plans", "targets", "results", "published"], 0)
    with transaction.atomic():
        items = []
        for code, name, basis, method, _ratio in ITEMS:
            item = services.item_create(by=None, code=code, name=name, legal_basis=basis, org_unit=city, method=method)
            items.append(services.item_publish(item=item, by=None, on=datetime.date(2025, 1, 6)))
        counts["items"] = len(items)
        by_unit = _inspectors(rng, city, districts, items)
        counts["inspectors"] = sum(map(len, by_unit.values()))
    items_by_id = {i.pk: i for i in items}
    ratios = {code: ratio for code, *_rest, ratio in ITEMS}
    for district in districts:
        with transaction.atomic():
            counts["conflicts"] += _conflicts(rng, district, by_unit[district.pk])
            pool = services.pool_create(by=None, name=f"{district.name}市场主体名录库", org_unit=district)
            snapshot = services.pool_snapshot_build(pool=pool, by=None, at=_at(datetime.date(2025, 1, 6)))
            for number, (name, start, end, drawn_on) in enumerate(PLANS):
                chosen = items[:2] if number == 0 else [items[0], items[2], items[3]]
                plan_items = [(i, 100 if n == 0 else ratios[i.code]) for n, i in enumerate(chosen)]
                sizes = {s: min(n, snapshot.stratum_sizes.get(s, 0)) for s, n in WANTED.items()}
                if not sum(sizes.values()):
                    continue
                plan = services.plan_create(by=None, name=f"{district.name}{name}", org_unit=district, year=2025,
                                            period_start=start, period_end=end, pool=pool, items=plan_items,
                                            ratios={"a": 3, "b": 5, "c": 20, "d": 60}, counts=sizes)
                draw = services.draw_run(plan=plan, by=None, seed=f"demo-{ctx.seed}-{district.pk}-{number}",
                                         at=_at(drawn_on, 9))
                services.draw_publish(draw=draw, by=None, on=drawn_on + datetime.timedelta(days=1))
                counts["plans"] += 1
                counts["targets"] += sum(draw.sample_sizes.values())
                entered, published = _results(rng, draw, items_by_id, drawn_on,
                                              share_entered=1.0 if number == 0 else 0.7)
                counts["results"] += entered
                counts["published"] += published
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
