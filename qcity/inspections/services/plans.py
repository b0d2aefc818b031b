"""Inspection plans and the draw (随机抽取): stratified by credit risk class, reproducible from its record."""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core.access import require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.bulk import ids_reserve, rows_insert
from qcity.core.choices import AuditAction, NotificationKind, Role
from qcity.core.models import OrgUnit, RoleAssignment, User
from qcity.core.notifications import notify
from qcity.core.roles import MARKET_MANAGERS
from qcity.enterprises.models import Enterprise

from .. import draw as algorithm
from ..choices import DrawStratum, InspectionPlanStatus
from ..models import (
    Assignment,
    Draw,
    DrawnTarget,
    InspectionItem,
    InspectionPlan,
    Inspector,
    InspectorConflict,
    PlanItem,
    TargetPool,
)

MIN_INSPECTORS = 2  # DOMAIN §5: at least two inspectors per inspection
BATCH = 5_000
HUNDRED = Decimal(100)


def _percent(value, field: str, errors: dict) -> Decimal:
    try:
        number = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        errors.setdefault(field, []).append(_("须为0到100之间的数"))
        return Decimal(0)
    if not Decimal(0) <= number <= HUNDRED:
        errors.setdefault(field, []).append(_("须为0到100之间的数"))
    return number


def inspection_plan_create(*, by: User | None, name: str, org_unit: OrgUnit, year: int, period_start: datetime.date,
                period_end: datetime.date, pool: TargetPool, items: Sequence[tuple[InspectionItem, Decimal]],
                ratios: dict[str, Decimal] | None = None, counts: dict[str, int | None] | None = None,
                inspectors_per_target: int = MIN_INSPECTORS) -> InspectionPlan:
    """`ratios`/`counts` keyed by stratum a…d; a count overrides the ratio. `items` as (item, ratio %):
    the share of the drawn targets inspected on that item; at least one item must be 100 % so that
    every drawn target has something to be inspected on."""
    require_scope(by, org_unit, roles=MARKET_MANAGERS, action="create inspection plan")
    ratios, counts = ratios or {}, counts or {}
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("请填写计划名称")]
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = [_("检查结束不能早于检查开始")]
    if period_start and year != period_start.year:
        errors["year"] = [_("年度须与检查开始日期一致")]
    if not pool.org_unit.path.startswith(org_unit.path):
        errors["pool"] = [_("名录库不在计划实施单位辖区内")]
    if inspectors_per_target is None or int(inspectors_per_target) < MIN_INSPECTORS:
        errors["inspectors_per_target"] = [_("每户至少 %(min_inspectors)s 名检查人员") % {"min_inspectors": MIN_INSPECTORS}]  # DOMAIN §5
    values = {}
    for stratum in DrawStratum.values:
        values[f"ratio_{stratum}"] = _percent(ratios.get(stratum), f"ratio_{stratum}", errors)
        count = counts.get(stratum)
        if count is not None and int(count) < 0:
            errors.setdefault(f"count_{stratum}", []).append(_("抽取数不能为负"))
        values[f"count_{stratum}"] = None if count is None else int(count)
    plan_items = []
    if not items:
        errors["items"] = [_("至少选择一项抽查事项")]
    for item, ratio in items:
        ratio = _percent(ratio, "items", errors)
        if ratio <= 0:
            errors.setdefault("items", []).append(_("%(code)s：事项检查比例须大于0") % {"code": item.code})
        if not item.published:
            errors.setdefault("items", []).append(_("%(code)s：事项未公开，不能列入计划") % {"code": item.code})  # DOMAIN §5
        plan_items.append((item, ratio))
    if items and not any(ratio == HUNDRED for _, ratio in plan_items):
        errors.setdefault("items", []).append(_("至少一项事项的检查比例为100%"))
    if len({item.pk for item, _ in items}) != len(items):
        errors.setdefault("items", []).append(_("事项重复"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = InspectionPlan.objects.create(name=name.strip(), org_unit=org_unit, year=year, period_start=period_start,
                                             period_end=period_end, pool=pool,
                                             inspectors_per_target=int(inspectors_per_target), created_by=by, **values)
        PlanItem.objects.bulk_create([PlanItem(plan=plan, item=item, ratio=ratio) for item, ratio in plan_items])
        audit_record(action=AuditAction.CREATE, by=by, obj=plan, org_unit=org_unit,
                     after=snapshot(plan) | {"items": {item.code: str(ratio) for item, ratio in plan_items}})
    return plan


def plan_sample_sizes(plan: InspectionPlan, stratum_sizes: dict[str, int]) -> dict[str, int]:
    return {s: algorithm.sample_size(stratum_sizes.get(s, 0), ratio=getattr(plan, f"ratio_{s}"),
                                     count=getattr(plan, f"count_{s}")) for s in DrawStratum.values}


def _inspector_snapshot(plan: InspectionPlan, target_units: dict[int, int], item_codes: dict[int, str]) -> dict:
    """What the inspector draw depends on, frozen into the record: the active inspectors whose unit is
    above or inside the plan's unit, their qualifications among the plan's items, their declared
    conflicts with the drawn targets, and each target's org unit path (`target_units`: the drawn targets'
    org unit ids, read by the caller with their industries)."""
    unit_path = plan.org_unit.path
    paths = dict(OrgUnit.objects.values_list("id", "path"))
    holders = RoleAssignment.objects.filter(role=Role.INSPECTOR).values("user_id")
    inspectors = [(pk, badge, paths[unit]) for pk, badge, unit in
                  Inspector.objects.filter(active=True, user_id__in=holders).order_by("pk")
                  .values_list("pk", "badge_number", "org_unit_id")
                  if unit_path.startswith(paths[unit]) or paths[unit].startswith(unit_path)]
    qualified: dict[int, list[str]] = {}
    for inspector_id, item_id in Inspector.qualifications.through.objects.filter(
            inspectionitem_id__in=list(item_codes)).values_list("inspector_id", "inspectionitem_id"):
        qualified.setdefault(inspector_id, []).append(item_codes[item_id])
    rows = [{"id": pk, "badge": badge, "org_unit": path, "items": sorted(qualified.get(pk, []))}
            for pk, badge, path in inspectors]
    ids = {row["id"] for row in rows}
    conflicts = [[i, e] for i, e in _select_in(
        f"SELECT inspector_id, enterprise_id FROM {InspectorConflict._meta.db_table} WHERE {{condition}}",
        "enterprise_id", list(target_units)) if i in ids]
    units = {str(e): paths[u] for e, u in target_units.items()}
    return {"inspectors": rows, "conflicts": sorted(conflicts), "target_units": units}


def _select_in(sql: str, column: str, ids: list[int]) -> list[tuple]:
    """Rows of `sql` whose `column` is one of `ids`: one array parameter on PostgreSQL, chunks on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(condition=f"{column} = ANY(%s)"), [ids])
            return cursor.fetchall()
        rows = []
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            cursor.execute(sql.format(condition=f"{column} IN ({', '.join(['%s'] * len(chunk))})"), chunk)
            rows += cursor.fetchall()
        return rows


def _shortfall_error(short, per_target: int) -> ValidationError:
    names = dict(Enterprise.objects.filter(id__in=[s.enterprise_id for s in short[:50]]).values_list("id", "name"))
    lines = [_("%(name)s（可用 %(count)s 名）") % {"name": names.get(s.enterprise_id, s.enterprise_id), "count": s.candidates}
             for s in short[:50]]
    more = _(" 等 %(count)s 户") % {"count": len(short)} if len(short) > 50 else ""
    return ValidationError({"inspectors": [
        _("以下抽中对象无法分派 %(count)s 名无回避、有资格、辖区覆盖的检查人员，本次抽取未保存：%(targets)s")
        % {"count": per_target, "targets": "；".join(lines) + more}]})


def draw_run(*, plan: InspectionPlan, by: User | None, seed: str | None = None,
             at: datetime.datetime | None = None) -> Draw:
    """Draw the targets of `plan` from its pool's latest snapshot, then the items and inspectors of each
    target, all from one seed; write the record, the targets and the assignments, or nothing at all.

    One draw per plan (unique plan): a second, or a concurrent one, is refused. Pages and the API never
    pass `seed` (a fresh 128-bit one is made); tests, demo data and benchmarks do.
    """
    require_scope(by, plan.org_unit, roles=MARKET_MANAGERS, action="draw inspection targets", obj=plan)
    seed = seed or secrets.token_hex(16)
    busy = ValidationError({"plan": [_("该计划已经抽取（或正由他人抽取），一个计划只能抽取一次")]})
    try:
        with transaction.atomic():
            locked = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
            if locked.status != InspectionPlanStatus.DRAFT or Draw.objects.filter(plan_id=plan.pk).exists():
                raise busy
            draw = _draw(plan, by=by, seed=seed, at=at or timezone.now())
    except IntegrityError as exc:  # the other draw committed first (unique plan)
        raise busy from exc
    return draw


@dataclass(frozen=True)
class DrawPreview:
    """What `draw_run` would draw for a plan now, computed without drawing: per risk class the pool size
    and the number drawn (`plan_sample_sizes`, as the draw does), the inspector assignments (targets ×
    inspectors per target), the inspectors eligible for them, and the reasons the draw would be refused."""

    stratum_sizes: dict[str, int]
    sample_sizes: dict[str, int]
    inspectors_per_target: int
    eligible_inspectors: int
    problems: list[str]

    @property
    def targets(self) -> int:
        return sum(self.sample_sizes.values())

    @property
    def assignments(self) -> int:
        return self.targets * self.inspectors_per_target

    @property
    def strata(self) -> list[tuple[str, str, int, int]]:
        """(stratum, label, pool size, drawn) in class order, for the confirmation page."""
        return [(s, DrawStratum(s).label, self.stratum_sizes.get(s, 0), self.sample_sizes.get(s, 0))
                for s in algorithm.STRATA]


def draw_preview(*, plan: InspectionPlan) -> DrawPreview | None:
    """The counts of the confirmation step before the irreversible draw (None: the pool has no snapshot).
    The same snapshot and sample rule as `draw_run`; which enterprises and inspectors are drawn is only
    known from the seed, at the draw."""
    pool_snapshot = plan.pool.snapshots.order_by("-id").first()
    if pool_snapshot is None:
        return None
    members = algorithm.snapshot_decode(algorithm.canonical_bytes(bytes(pool_snapshot.data)))
    sizes = {s: len(members[s]) for s in algorithm.STRATA}
    wanted = plan_sample_sizes(plan, sizes)
    problems = [_("%(label)s：名录库只有 %(sizes)s 户，少于计划抽取的 %(wanted)s 户")
                % {"label": DrawStratum(s).label, "sizes": sizes[s], "wanted": wanted[s]}
                for s in algorithm.STRATA if wanted[s] > sizes[s]]
    if not sum(wanted.values()):
        problems.append(_("按计划的抽查比例抽不到任何对象"))
    item_codes = {pi.item_id: pi.item.code for pi in plan.plan_items.select_related("item")}
    eligible = [row for row in _inspector_snapshot(plan, {}, item_codes)["inspectors"] if row["items"]]
    if len(eligible) < plan.inspectors_per_target:
        problems.append(_("有资格的检查人员只有 %(count)s 名，少于每户 %(per)s 名")
                        % {"count": len(eligible), "per": plan.inspectors_per_target})
    return DrawPreview(sizes, wanted, plan.inspectors_per_target, len(eligible), problems)


def _draw(plan: InspectionPlan, *, by: User | None, seed: str, at: datetime.datetime) -> Draw:
    pool_snapshot = plan.pool.snapshots.order_by("-id").first()
    if pool_snapshot is None:
        raise ValidationError({"pool": [_("名录库尚未生成快照，请先生成名录库")]})
    canonical = algorithm.canonical_bytes(bytes(pool_snapshot.data))
    if algorithm.sha256_hex(canonical) != pool_snapshot.sha256:
        raise ValidationError({"pool": [_("名录库快照校验失败，请重新生成")]})
    members = algorithm.snapshot_decode(canonical)
    sizes = {s: len(members[s]) for s in algorithm.STRATA}
    wanted = plan_sample_sizes(plan, sizes)
    errors = {}
    for stratum in algorithm.STRATA:
        if wanted[stratum] > sizes[stratum]:
            field = f"count_{stratum}" if getattr(plan, f"count_{stratum}") is not None else f"ratio_{stratum}"
            errors[field] = [_("%(label)s：名录库只有 %(sizes)s 户，少于计划抽取的 %(wanted)s 户") % {"label": DrawStratum(stratum).label, "sizes": sizes[stratum], "wanted": wanted[stratum]}]
    if errors:
        raise ValidationError(errors)
    if not sum(wanted.values()):
        raise ValidationError({"plan": [_("按计划的抽查比例抽不到任何对象")]})
    drawn = algorithm.draw_targets(members, wanted, seed)
    targets = sorted(t for s in algorithm.STRATA for t in drawn[s])
    plan_items = list(plan.plan_items.select_related("item"))
    item_codes = {pi.item_id: pi.item.code for pi in plan_items}
    code_ids = {code: pk for pk, code in item_codes.items()}
    # qcity-draw/2: an item is drawn only among the targets of the industries it applies to
    item_ratios = [[pi.item.code, str(pi.ratio), list(pi.item.industry_codes)]
                   for pi in sorted(plan_items, key=lambda p: p.item.code)]
    registry = {pk: (industry, unit) for pk, industry, unit in _select_in(
        f"SELECT id, industry_code, org_unit_id FROM {Enterprise._meta.db_table} WHERE {{condition}}", "id", targets)}
    if len(registry) != len(targets):  # the snapshot names an enterprise the registry no longer has
        raise ValidationError({"pool": [_("名录库快照中的企业已不在企业名录中，请重新生成名录库")]})
    industries = {pk: industry for pk, (industry, _unit) in registry.items()}
    items = algorithm.draw_items(targets, item_ratios, seed, industries)
    inspectors = _inspector_snapshot(plan, {pk: unit for pk, (_industry, unit) in registry.items()}, item_codes)
    teams, short = algorithm.draw_inspectors(items, inspectors, plan.inspectors_per_target, seed)
    if short:
        raise _shortfall_error(short, plan.inspectors_per_target)
    draw = Draw.objects.create(
        plan=plan, snapshot=pool_snapshot, snapshot_sha256=pool_snapshot.sha256, seed=seed,
        algorithm_version=algorithm.ALGORITHM_VERSION, stratum_sizes=sizes, sample_sizes=wanted,
        item_ratios=item_ratios, inspectors_per_target=plan.inspectors_per_target, inspector_snapshot=inspectors,
        inspector_snapshot_sha256=algorithm.sha256_hex(algorithm.json_canonical(inspectors)), drawn_at=at,
        drawn_by=by, target_industries={str(t): industries.get(t, "") for t in targets})
    count = _write_selection(draw, drawn, items, teams, code_ids)
    InspectionPlan.objects.filter(pk=plan.pk).update(status=InspectionPlanStatus.DRAWN)
    plan.status = InspectionPlanStatus.DRAWN
    audit_record(action=AuditAction.CREATE, by=by, obj=draw, org_unit=plan.org_unit,
                 message=f"draw of plan {plan.pk}: {count} targets from {sum(sizes.values())} "
                         f"(sample {wanted}), seed {seed}, snapshot {pool_snapshot.sha256[:16]}")
    _assignments_notify(draw, {i for team in teams.values() for i in team})
    return draw


def _assignments_notify(draw: Draw, inspector_ids: set[int]) -> None:
    """Each drawn inspector hears once per draw (not once per target: a city-wide draw has thousands)."""
    plan = draw.plan
    users = [i.user for i in Inspector.objects.filter(pk__in=inspector_ids).select_related("user")]
    notify(recipients=users, kind=NotificationKind.ASSIGNMENT, key=f"inspection-draw:{draw.pk}:assigned",
           title=_("您被随机抽派参加双随机抽查：%(plan)s") % {"plan": plan.name},
           body=_("请在 %(end)s 前完成检查并录入结果，检查对象见“我的检查任务”。") % {"end": plan.period_end},
           url=reverse("inspections:my-assignments"))


def _write_selection(draw: Draw, drawn: dict[str, list[int]], items: dict[int, list[str]],
                     teams: dict[int, list[int]], code_ids: dict[str, int]) -> int:
    """Targets and assignments without the ORM: its per-object cost would be most of the 2-second
    budget for a city-wide draw (tens of thousands of rows)."""
    order = [(stratum, n, enterprise_id) for stratum in algorithm.STRATA for n, enterprise_id in enumerate(drawn[stratum])]
    ids = dict(zip((enterprise_id for _s, _n, enterprise_id in order), ids_reserve(DrawnTarget, len(order)), strict=True))
    item_json: dict[tuple[str, ...], str] = {}  # a few combinations of items among tens of thousands of targets
    for codes in map(tuple, items.values()):
        if codes not in item_json:
            item_json[codes] = json.dumps([code_ids[c] for c in codes])
    rows = [(ids[enterprise_id], draw.pk, enterprise_id, stratum, n, item_json[tuple(items[enterprise_id])])
            for stratum, n, enterprise_id in order]
    rows_insert(DrawnTarget, ("id", "draw", "enterprise", "stratum", "position", "item_ids"), rows)
    rows_insert(Assignment, ("target", "inspector", "position"),
                [(ids[enterprise_id], inspector, n) for enterprise_id, team in teams.items()
                 for n, inspector in enumerate(team)])
    return len(rows)


def draw_publish(*, draw: Draw, by: User | None, on: datetime.date | None = None) -> Draw:
    """Publish the draw record (一公开): seed, hashes, stratum sizes and the selection, never the classes."""
    require_scope(by, draw.plan.org_unit, roles=MARKET_MANAGERS, action="publish draw record", obj=draw)
    if draw.published_on is not None:
        raise ValidationError({"published_on": [_("抽取记录已公开")]})
    with transaction.atomic():
        draw.published_on = on or timezone.localdate()
        draw.save(update_fields=["published_on"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=draw, org_unit=draw.plan.org_unit,
                     message=f"draw record of plan {draw.plan_id} published")
    return draw
