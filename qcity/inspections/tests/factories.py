"""Inspection test data, built through the services (`make_<thing>`) so that every rule applies as in
production."""

import datetime
import itertools
import zlib
from decimal import Decimal

import factory
from django.utils import timezone

from qcity.core.choices import Role
from qcity.core.models import OrgUnit
from qcity.inspections import draw as algorithm
from qcity.inspections import services
from qcity.inspections.models import CaseLead, InspectionItem, PoolSnapshot, TargetPool

_n = itertools.count(1)


def make_inspection_item(*, org_unit: OrgUnit, code: str | None = None, published: bool = True, **kw) -> InspectionItem:
    item = services.item_create(by=None, code=code or f"T-{next(_n):04d}", name=kw.pop("name", "企业公示信息检查"),
                                legal_basis=kw.pop("legal_basis", "《企业信息公示暂行条例》第十四条"),
                                org_unit=org_unit, **kw)
    if published:
        services.item_publish(item=item, by=None)
    return item


def make_inspector(make_user, *, org_unit: OrgUnit, items=(), name: str = "张执法", active: bool = True):
    user = make_user(Role.INSPECTOR, org_unit=org_unit, full_name=name)
    inspector = services.inspector_create(by=None, user=user, badge_number=f"41{next(_n):08d}", org_unit=org_unit,
                                          qualifications=list(items))
    if not active:
        services.inspector_update(inspector=inspector, by=None, active=False)
    return inspector


def make_pool_with_snapshot(org_unit: OrgUnit, members: dict[str, list[int]], name: str = "测试名录库") -> TargetPool:
    """A pool whose snapshot holds exactly `members` per class (no credit data needed)."""
    pool = services.pool_create(by=None, name=name, org_unit=org_unit)
    PoolSnapshotFactory(pool=pool, members=members)
    return pool


class PoolSnapshotFactory(factory.django.DjangoModelFactory):
    """PoolSnapshotFactory(pool=pool, members={"a": [ids], ...}): a snapshot holding exactly `members` per
    class, encoded as the draw reads it."""

    class Meta:
        model = PoolSnapshot
        exclude = ["members", "canonical"]

    members: dict = {}
    canonical = factory.LazyAttribute(lambda o: algorithm.snapshot_encode(o.members))
    built_at = factory.LazyFunction(timezone.now)
    size = factory.LazyAttribute(lambda o: sum(map(len, o.members.values())))
    stratum_sizes = factory.LazyAttribute(lambda o: {s: len(o.members.get(s, [])) for s in algorithm.STRATA})
    format_version = algorithm.SNAPSHOT_FORMAT
    sha256 = factory.LazyAttribute(lambda o: algorithm.sha256_hex(o.canonical))
    data = factory.LazyAttribute(lambda o: zlib.compress(o.canonical))


def make_inspection_plan(*, org_unit: OrgUnit, pool: TargetPool, items, ratios=None, counts=None, by=None, **kw):
    """A plan for this year, which on the suite's pinned clock is the `today` fixture's year."""
    today = timezone.localdate()
    return services.inspection_plan_create(
        by=by, name=kw.pop("name", "2026年企业公示信息双随机抽查"), org_unit=org_unit, year=today.year,
        period_start=kw.pop("period_start", datetime.date(today.year, 1, 1)),
        period_end=kw.pop("period_end", datetime.date(today.year, 12, 31)), pool=pool,
        items=[(i, Decimal(100)) if isinstance(i, InspectionItem) else i for i in items],
        ratios=ratios or {}, counts=counts or {}, **kw)


class CaseLeadFactory(factory.django.DjangoModelFactory):
    """CaseLeadFactory(org_unit=district): an open lead handed over on the pinned day."""

    class Meta:
        model = CaseLead

    source_ref = factory.Sequence(lambda n: f"test:{n}")
    summary = "举报立案：无证经营"
    created_on = factory.LazyFunction(timezone.localdate)
