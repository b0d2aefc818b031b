"""Writes of the assessment module: schemes and their items, bonus and veto adjustments, and runs.

Only the leadership office manages assessments (`by=None` is the command line and the demo). A
published scheme's items are fixed; adjustments and re-runs stay possible because a veto (an accident
found later) can arrive after publication, and each re-run is audited.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core.access import require_role
from qcity.core.audit import audit_record, changed, snapshot
from qcity.core.choices import AuditAction
from qcity.core.models import Department, OrgUnit, User
from qcity.core.roles import OFFICE
from qcity.core.selectors import org_root_and_children
from qcity.indicators.choices import IndicatorDomain
from qcity.indicators.models import Indicator
from qcity.indicators.quality_index import plans_covering
from qcity.indicators.selectors import department_statuses, indicator_statuses
from qcity.workplan.selectors import plan_task_tallies

from . import scoring
from .choices import AssessmentSchemeStatus, AssessmentSubjectKind, SchemeItemKind, SchemeItemScoringRule
from .models import Adjustment, AssessmentResult, AssessmentScheme, SchemeGroup, SchemeItem

INDICATOR_POINTS = Decimal(80)
TASK_POINTS = Decimal(20)
# Default item names are written into the new scheme in the language of whoever creates it.
DEFAULT_BONUS = [(gettext_lazy("获得省级以上质量奖或质量工作表彰"), Decimal(3)),
                 (gettext_lazy("质量工作改革创新经验获上级推广"), Decimal(2))]
DEFAULT_VETO = [gettext_lazy("发生重大质量安全事故"), gettext_lazy("统计数据弄虚作假")]


def _check(by: User | None, action: str) -> None:
    if by is not None:
        require_role(by, *OFFICE, action=action)


def _points(value, field: str) -> Decimal:
    try:
        points = Decimal(str(value)).quantize(scoring.CENT)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("分值必须是数字：%(value)s") % {"value": repr(value)}}) from None
    if points < 0 or points >= Decimal(100_000):
        raise ValidationError({field: _("分值必须在 0 到 99999 之间")})
    return points


def _optional_points(value, field: str) -> Decimal | None:
    """An item's own points inside its group; empty means an equal share of the group."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _points(value, field)


def group_name_for(*, kind: str, indicator: Indicator | None) -> str:
    """The group a base item falls in by default: its indicator's domain, or the key tasks."""
    if indicator is not None:
        return str(IndicatorDomain(indicator.domain).label) if indicator.domain in IndicatorDomain.values else _("其他指标")
    return _("重点任务")


def scheme_weight_problems(scheme: AssessmentScheme) -> dict[str, str]:
    """The weight rules of `scoring.weight_problems` for a saved scheme (groups total 100, items fit their group)."""
    groups = list(scheme.groups.prefetch_related("items"))
    return scoring.weight_problems((g, list(g.items.all())) for g in groups)


def _require_weights(scheme: AssessmentScheme) -> None:
    problems = scheme_weight_problems(scheme)
    if problems:
        raise ValidationError(problems)


def _editable(scheme: AssessmentScheme) -> None:
    if scheme.status != AssessmentSchemeStatus.DRAFT:
        raise ValidationError({"scheme": _("方案已发布，考核项不能再修改")})


# --- schemes --------------------------------------------------------------------------------------------------


def scheme_create(*, year: int, name: str, by: User | None, assess_districts: bool = True,
                  assess_departments: bool = True) -> AssessmentScheme:
    _check(by, "create assessment scheme")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写方案名称")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("考核年度不正确")})
    if not (assess_districts or assess_departments):
        raise ValidationError({"assess_districts": _("至少考核区县或部门之一")})
    if AssessmentScheme.objects.filter(year=year, name=name).exists():
        raise ValidationError({"name": _("%(year)s 年已有同名方案") % {"year": year}})
    try:
        with transaction.atomic():
            scheme = AssessmentScheme.objects.create(year=year, name=name, assess_districts=assess_districts,
                                                     assess_departments=assess_departments, created_by=by)
            audit_record(action=AuditAction.CREATE, by=by, obj=scheme, after=snapshot(scheme))
    except IntegrityError as exc:  # a concurrent twin created it first (assessment_scheme_name_unique_per_year)
        raise ValidationError({"name": _("%(year)s 年已有同名方案") % {"year": year}}) from exc
    return scheme


def _proportional(total: Decimal, relative: dict[str, Decimal]) -> dict[str, Decimal]:
    """`total` (whole points) split in whole points in proportion to `relative` (equally without it), adding
    up exactly: the largest-remainder method, as a committee would round a weighting."""
    mass = sum(relative.values(), Decimal(0))
    if not mass:
        relative, mass = {key: Decimal(1) for key in relative}, Decimal(len(relative))
    exact = {key: total * weight / mass for key, weight in relative.items()}
    shares = {key: value.to_integral_value(rounding="ROUND_DOWN") for key, value in exact.items()}
    spare = int(total - sum(shares.values(), Decimal(0)))
    for key in sorted(exact, key=lambda k: (shares[k] - exact[k], list(exact).index(k)))[:spare]:
        shares[key] += 1
    return shares


def scheme_create_default(*, year: int, by: User | None, name: str = "",
                          domain_weights: dict[str, int | Decimal] | None = None) -> AssessmentScheme:
    """A ready-to-edit scheme: one group per indicator domain of the plans covering the year, sharing 80
    points in whole points, equally (or in the proportions of `domain_weights`, a domain missing there
    counting 1), the key tasks 20, two bonus items (5 points in all) and two veto items. Items share their group equally."""
    indicators = list(Indicator.objects.filter(plan__in=plans_covering(year), targets__isnull=False)
                      .distinct().select_related("plan").order_by("plan__period_start", "plan__code", "position"))
    if not indicators:
        raise ValidationError({"year": _("没有覆盖 %(year)s 年且设有目标值的规划指标") % {"year": year}})
    domains = [d for d in IndicatorDomain.values if any(i.domain == d for i in indicators)]
    domains += sorted({i.domain for i in indicators} - set(domains))
    relative = {d: Decimal(str((domain_weights or {}).get(d, 1))) for d in domains}
    weights = _proportional(INDICATOR_POINTS, relative) | {"tasks": TASK_POINTS}
    with transaction.atomic():
        scheme = scheme_create(year=year, name=name or _("%(year)s年度质量强市工作考核方案") % {"year": year}, by=by)
        groups = {}
        for position, key in enumerate([*domains, "tasks"], start=1):
            label = group_name_for(kind=SchemeItemKind.TASKS, indicator=None) if key == "tasks" else (
                group_name_for(kind=SchemeItemKind.INDICATOR,
                               indicator=next(i for i in indicators if i.domain == key)))
            groups[key] = SchemeGroup.objects.create(scheme=scheme, name=label, weight=weights[key], position=position)
        items = [SchemeItem(scheme=scheme, kind=SchemeItemKind.INDICATOR, indicator=indicator, name=indicator.name[:200],
                            group=groups[indicator.domain], weight=None, rule=SchemeItemScoringRule.PROPORTIONAL,
                            position=position, description=f"{indicator.plan.title} · {indicator.code}"[:500])
                 for position, indicator in enumerate(indicators, start=1)]
        position = len(items)
        items.append(SchemeItem(scheme=scheme, kind=SchemeItemKind.TASKS, name=_("重点任务完成情况"), weight=None,
                                group=groups["tasks"], position=position + 1,
                                description=_("按期完成得分，逾期完成计一半")))
        for offset, (label, cap) in enumerate(DEFAULT_BONUS, start=2):
            items.append(SchemeItem(scheme=scheme, kind=SchemeItemKind.BONUS, name=str(label), weight=cap,
                                    position=position + offset, description=_("最高加 %(cap)s 分") % {"cap": cap}))
        for offset, label in enumerate(DEFAULT_VETO, start=2 + len(DEFAULT_BONUS)):
            items.append(SchemeItem(scheme=scheme, kind=SchemeItemKind.VETO, name=str(label), weight=Decimal(0),
                                    position=position + offset, description=_("发生即评为不合格")))
        SchemeItem.objects.bulk_create(items)
        audit_record(action=AuditAction.CREATE, by=by, obj=scheme,
                     message=(f"default scheme: {len(groups)} groups "
                              f"({', '.join(f'{g.name} {g.weight}' for g in groups.values())}), "
                              f"{len(indicators)} indicators, tasks, bonus and veto items")[:500])
    return scheme


def scheme_update(*, scheme: AssessmentScheme, by: User | None, **fields) -> AssessmentScheme:
    """Name, grade thresholds and subjects; thresholds must run 合格 ≤ 良好 ≤ 优秀."""
    _check(by, "update assessment scheme")
    allowed = {"name", "excellent_from", "good_from", "pass_from", "assess_districts", "assess_departments"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("不能修改此字段")})
    before = snapshot(scheme)
    for key in ("excellent_from", "good_from", "pass_from"):
        if key in fields:
            fields[key] = _points(fields[key], key)
    for key, value in fields.items():
        setattr(scheme, key, value)
    if not (scheme.pass_from <= scheme.good_from <= scheme.excellent_from):
        raise ValidationError({"good_from": _("分数线须满足 合格 ≤ 良好 ≤ 优秀")})
    if not (scheme.assess_districts or scheme.assess_departments):
        raise ValidationError({"assess_districts": _("至少考核区县或部门之一")})
    scheme.name = (scheme.name or "").strip()
    if not scheme.name:
        raise ValidationError({"name": _("请填写方案名称")})
    if AssessmentScheme.objects.filter(year=scheme.year, name=scheme.name).exclude(pk=scheme.pk).exists():
        raise ValidationError({"name": _("%(year)s 年已有同名方案") % {"year": scheme.year}})
    with transaction.atomic():
        scheme.save()
        old, new = changed(before, snapshot(scheme))
        audit_record(action=AuditAction.UPDATE, by=by, obj=scheme, before=old, after=new)
    return scheme


def scheme_publish(*, scheme: AssessmentScheme, by: User | None) -> AssessmentScheme:
    """Publishing fixes the items; it needs a run so there are results to publish."""
    _check(by, "publish assessment scheme")
    _editable(scheme)
    _require_weights(scheme)
    if scheme.last_run_at is None:
        raise ValidationError({"scheme": _("请先测算再发布")})
    with transaction.atomic():
        scheme.status = AssessmentSchemeStatus.PUBLISHED
        scheme.save(update_fields=["status"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=scheme, message="scheme published",
                     before={"status": AssessmentSchemeStatus.DRAFT}, after={"status": AssessmentSchemeStatus.PUBLISHED})
    return scheme


# --- items ------------------------------------------------------------------------------------------------------


def scheme_group_create(*, scheme: AssessmentScheme, name: str, by: User | None, weight=0) -> SchemeGroup:
    """A new group (weight 0 by default, so the scheme's total is unchanged until the weights are saved)."""
    _check(by, "add assessment group")
    _editable(scheme)
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationError({"name": _("请填写分组名称")})
    if scheme.groups.filter(name=name).exists():
        raise ValidationError({"name": _("方案中已有分组“%(group)s”") % {"group": name}})
    weight = _points(weight, "weight")
    last = scheme.groups.order_by("-position").values_list("position", flat=True).first() or 0
    with transaction.atomic():
        group = SchemeGroup.objects.create(scheme=scheme, name=name, weight=weight, position=last + 1)
        audit_record(action=AuditAction.CREATE, by=by, obj=group, after=snapshot(group))
    return group


def _default_group(scheme: AssessmentScheme, *, kind: str, indicator: Indicator | None, weight: Decimal | None,
                   by: User | None) -> SchemeGroup:
    """The item's default group (by domain, or the key tasks); the item's own points are added to its
    weight, so a scheme built item by item keeps the weights it was given (the migration's rule too).
    Audited like any change of a group."""
    name = group_name_for(kind=kind, indicator=indicator)
    group = scheme.groups.filter(name=name).first()
    if group is None:
        last = scheme.groups.order_by("-position").values_list("position", flat=True).first() or 0
        group = SchemeGroup.objects.create(scheme=scheme, name=name, weight=weight or 0, position=last + 1)
        audit_record(action=AuditAction.CREATE, by=by, obj=group, after=snapshot(group))
        return group
    if weight:
        before = snapshot(group)
        group.weight += weight
        group.save(update_fields=["weight"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=group, before=before, after=snapshot(group))
    return group


def scheme_item_create(*, scheme: AssessmentScheme, kind: str, name: str, weight, by: User | None,
                       rule: str = SchemeItemScoringRule.PROPORTIONAL, indicator: Indicator | None = None,
                       description: str = "", group: SchemeGroup | None = None) -> SchemeItem:
    """A base item goes into `group` (weight: its own points there, empty for an equal share), or without
    one into the default group of its domain, whose weight grows by the item's points; bonus and veto
    items belong to no group."""
    _check(by, "add assessment item")
    _editable(scheme)
    if kind not in SchemeItemKind.values:
        raise ValidationError({"kind": _("未知的考核项类别：%(kind)s") % {"kind": kind}})
    if rule not in SchemeItemScoringRule.values:
        raise ValidationError({"rule": _("未知的评分规则：%(rule)s") % {"rule": rule}})
    if (kind == SchemeItemKind.INDICATOR) != (indicator is not None):
        raise ValidationError({"indicator": _("指标类考核项须且只能选择一个指标")})
    if indicator is not None and scheme.items.filter(indicator=indicator).exists():
        raise ValidationError({"indicator": _("方案中已有指标“%(indicator)s”") % {"indicator": indicator}})
    if kind == SchemeItemKind.TASKS and scheme.items.filter(kind=SchemeItemKind.TASKS).exists():
        raise ValidationError({"kind": _("方案中已有重点任务考核项")})
    base = kind in (SchemeItemKind.INDICATOR, SchemeItemKind.TASKS)
    if group is not None and (not base or group.scheme_id != scheme.pk):
        raise ValidationError({"group": _("加分项和一票否决项不属于分组，分组须属于本方案")})
    if kind == SchemeItemKind.VETO:
        weight = Decimal(0)
    elif kind == SchemeItemKind.BONUS:
        weight = _points(weight, "weight")
    else:
        weight = _optional_points(weight, "weight")
    name = (name or (indicator.name if indicator else "")).strip()[:200]
    if not name:
        raise ValidationError({"name": _("请填写考核内容")})
    last = scheme.items.order_by("-position").values_list("position", flat=True).first() or 0
    with transaction.atomic():
        if base and group is None:
            group = _default_group(scheme, kind=kind, indicator=indicator, weight=weight, by=by)
        item = SchemeItem.objects.create(scheme=scheme, kind=kind, name=name, weight=weight, rule=rule, group=group,
                                         indicator=indicator, description=description[:500], position=last + 1)
        audit_record(action=AuditAction.CREATE, by=by, obj=item, after=snapshot(item))
    return item


_UNSET = object()


def scheme_item_update(*, item: SchemeItem, by: User | None, weight=_UNSET, rule: str | None = None,
                       description: str | None = None, group: SchemeGroup | None = None) -> SchemeItem:
    """weight: a base item's own points (None or "" for an equal share of its group), a bonus item's cap."""
    _check(by, "update assessment item")
    _editable(item.scheme)
    before = snapshot(item)
    if weight is not _UNSET:
        if item.kind in (SchemeItemKind.INDICATOR, SchemeItemKind.TASKS):
            item.weight = _optional_points(weight, "weight")
        else:
            if weight is None or str(weight).strip() == "":
                raise ValidationError({"weight": _("请填写分值")})
            item.weight = _points(weight, "weight")
            if item.kind == SchemeItemKind.VETO and item.weight:
                raise ValidationError({"weight": _("一票否决项不计分")})
    if rule is not None:
        if rule not in SchemeItemScoringRule.values:
            raise ValidationError({"rule": _("未知的评分规则：%(rule)s") % {"rule": rule}})
        item.rule = rule
    if description is not None:
        item.description = description[:500]
    if group is not None:
        if group.scheme_id != item.scheme_id or item.kind not in (SchemeItemKind.INDICATOR, SchemeItemKind.TASKS):
            raise ValidationError({"group": _("加分项和一票否决项不属于分组，分组须属于本方案")})
        item.group = group
    old, new = changed(before, snapshot(item))
    if not new:
        return item
    with transaction.atomic():
        item.save()
        audit_record(action=AuditAction.UPDATE, by=by, obj=item, before=old, after=new)
    return item


def scheme_items_update(*, scheme: AssessmentScheme, by: User | None, weights: dict[int, object] | None = None,
                        rules: dict[int, str] | None = None, groups: dict[int, object] | None = None,
                        moves: dict[int, object] | None = None) -> int:
    """The scheme editor's save: group weights, items' own points and rules, and items moved to another
    group (`moves`: item id → group id), at once. All or nothing: a bad value, or groups that no longer add
    up to 100, is refused naming the field or the group(s); one audit event per changed group and item."""
    _check(by, "update assessment items")
    _editable(scheme)
    items = {i.pk: i for i in scheme.items.all()}
    known_groups = {g.pk: g for g in scheme.groups.all()}
    errors = {}
    count = 0
    with transaction.atomic():
        for pk, weight in (groups or {}).items():
            group = known_groups.get(int(pk))
            if group is None:
                errors[f"group_{pk}"] = _("分组不属于此方案")
                continue
            try:
                points = _points(weight, f"group_{pk}")
            except ValidationError as exc:
                errors[f"group_{pk}"] = f"{group.name}：{'；'.join(exc.messages)}"
                continue
            if points != group.weight:
                before = {"weight": str(group.weight)}
                group.weight = points
                group.save(update_fields=["weight"])
                audit_record(action=AuditAction.UPDATE, by=by, obj=group, before=before, after={"weight": str(points)})
                count += 1
        for pk in {*(weights or {}), *(rules or {}), *(moves or {})}:
            item = items.get(int(pk))
            if item is None:
                errors[f"weight_{pk}"] = _("考核项不属于此方案")
                continue
            try:
                before = (item.weight, item.rule, item.group_id)
                kwargs = {"weight": weights[pk]} if weights and pk in weights else {}
                if moves and pk in moves and str(moves[pk]).strip() not in ("", str(item.group_id)):
                    target = known_groups.get(int(moves[pk])) if str(moves[pk]).strip().isdigit() else None
                    if target is None:
                        raise ValidationError({"group": _("分组不属于此方案")})
                    kwargs["group"] = target
                scheme_item_update(item=item, by=by, rule=(rules or {}).get(pk), **kwargs)
                count += before != (item.weight, item.rule, item.group_id)
            except ValidationError as exc:
                errors[f"weight_{pk}"] = f"{item.name}：{'；'.join(exc.messages)}"
        if not errors:
            errors = scheme_weight_problems(scheme)
        if errors:
            transaction.set_rollback(True)
            raise ValidationError(errors)
    return count


def scheme_item_delete(*, item: SchemeItem, by: User | None) -> None:
    _check(by, "delete assessment item")
    _editable(item.scheme)
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, by=by, obj=item, before=snapshot(item))
        item.delete()


# --- adjustments ------------------------------------------------------------------------------------------------


def adjustment_create(*, item: SchemeItem, by: User | None, reason: str, points=0, org_unit: OrgUnit | None = None,
                      department: Department | None = None, evidence: str = "") -> Adjustment:
    """A bonus (points up to the item's cap) or a veto against one district or one department."""
    _check(by, "record assessment adjustment")
    if item.kind not in (SchemeItemKind.BONUS, SchemeItemKind.VETO):
        raise ValidationError({"item": _("只能对加分项或一票否决项登记")})
    if (org_unit is None) == (department is None):
        raise ValidationError({"org_unit": _("请选择一个区县或一个部门")})
    if org_unit is not None and org_unit.parent_id is None:
        raise ValidationError({"org_unit": _("考核对象是区县，不是全市")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写事由")})
    points = Decimal(0) if item.kind == SchemeItemKind.VETO else _points(points, "points")
    if item.kind == SchemeItemKind.BONUS and not points:
        raise ValidationError({"points": _("加分须大于 0")})
    if points > item.weight:
        raise ValidationError({"points": _("加分不能超过该项上限 %(weight)s 分") % {"weight": item.weight}})
    with transaction.atomic():
        adjustment = Adjustment.objects.create(item=item, org_unit=org_unit, department=department, points=points,
                                               reason=reason[:300], evidence=(evidence or "")[:500], created_by=by)
        audit_record(action=AuditAction.CREATE, by=by, obj=adjustment, org_unit=org_unit,
                     message=f"{item.get_kind_display()} · {adjustment.subject} · {reason}"[:500],
                     after=snapshot(adjustment))
    return adjustment


def adjustment_delete(*, adjustment: Adjustment, by: User | None) -> None:
    _check(by, "delete assessment adjustment")
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, by=by, obj=adjustment, org_unit=adjustment.org_unit,
                     before=snapshot(adjustment))
        adjustment.delete()


# --- run --------------------------------------------------------------------------------------------------------


def assessment_run(*, scheme: AssessmentScheme, by: User | None, today: datetime.date | None = None
                   ) -> list[AssessmentResult]:
    """Score every district and department of the scheme; replaces the previous run's results.

    The items not yet due (the year still running) or not applicable to a subject are left out and the
    rest rescaled (`scoring`); a subject with nothing assessable is recorded as not assessed (未参评). Each
    subject is held to its own confirmed target (指标分解): a district's share or stricter rate, a department's
    share or stricter rate of the city's figure (`department_statuses`)."""
    _check(by, "run assessment")
    items = list(scheme.items.select_related("indicator__plan", "group")
                 .prefetch_related("indicator__targets", "indicator__departments"))
    indicator_items = [i for i in items if i.kind == SchemeItemKind.INDICATOR]
    groups = list(scheme.groups.all())
    points = scoring.item_points((g, [i for i in items if i.group_id == g.pk]) for g in groups)
    today = today or timezone.localdate()
    period_closed = today > datetime.date(scheme.year, 12, 31)
    city, children = org_root_and_children()
    districts = children if scheme.assess_districts else []
    departments = (list(Department.objects.filter(is_member_unit=True).order_by("sort_order", "pk"))
                   if scheme.assess_departments else [])
    units = districts + ([city] if departments else [])
    # Level and cumulative indicators are read apart (a cumulative count needs every year since the
    # plan began, summed by the database; a level only the year itself): the one-second budget.
    statuses = {(s.indicator.pk, s.org_unit.pk): s for s in indicator_statuses(
        indicators=[i.indicator for i in indicator_items], org_units=units, year=scheme.year)}
    reported_plans: dict[int, set[int]] = defaultdict(set)
    for (_indicator_id, unit_id), status in statuses.items():
        if status.result.actual is not None:
            reported_plans[unit_id].add(status.indicator.plan_id)
    task_item = next((i for i in items if i.kind == SchemeItemKind.TASKS), None)
    # Tasks whose deadline is still ahead of the run (and are open) are not yet due.
    tallies = (plan_task_tallies(year=scheme.year, today=min(today, datetime.date(scheme.year + 1, 1, 1)))
               if task_item is not None and departments else None)
    adjustments: dict[tuple[int, str, int], list[Adjustment]] = defaultdict(list)
    for a in Adjustment.objects.filter(item__scheme=scheme).order_by("created_at", "pk"):
        subject = ("unit", a.org_unit_id) if a.org_unit_id else ("department", a.department_id)
        adjustments[(a.item_id, *subject)].append(a)

    def extras(key: tuple[str, int]) -> tuple[list, list]:
        bonuses = [(i, adjustments[(i.pk, *key)]) for i in items
                   if i.kind == SchemeItemKind.BONUS and adjustments.get((i.pk, *key))]
        vetoes = [(i, adjustments[(i.pk, *key)]) for i in items
                  if i.kind == SchemeItemKind.VETO and adjustments.get((i.pk, *key))]
        return bonuses, vetoes

    # A department answers for the city's figure, held to its own confirmed target (指标分解) where it has one.
    department_status = department_statuses(
        indicators=[i.indicator for i in indicator_items], departments=departments, city=city, year=scheme.year,
        city_statuses=statuses) if departments else {}

    def indicator_base(unit, applies, status_of) -> tuple[list, int]:
        """Lines of the items applicable to the unit, and how many were left out without a line."""
        base = [(item, *scoring.indicator_line(item, status_of(item), period_closed=period_closed))
                for item in indicator_items if item.indicator.plan_id in reported_plans[unit.pk] and applies(item)]
        return base, len(indicator_items) - len(base)

    scored_districts = []
    for unit in districts:
        base, omitted = indicator_base(unit, lambda item: True,
                                       lambda item, u=unit.pk: statuses[(item.indicator_id, u)])
        bonuses, vetoes = extras(("unit", unit.pk))
        scored_districts.append(scoring.score_subject(subject=unit, kind=AssessmentSubjectKind.DISTRICT, base=base,
                                                      bonuses=bonuses, vetoes=vetoes, points=points, omitted=omitted))
    responsible = {item.pk: {d.pk for d in item.indicator.departments.all()} for item in indicator_items}
    scored_departments = []
    for department in departments:
        base, omitted = indicator_base(city, lambda item, d=department.pk: d in responsible[item.pk],
                                       lambda item, d=department.pk: department_status[(item.indicator_id, d)])
        if task_item is not None and tallies is not None:
            base.append((task_item, *scoring.task_line(tallies.get(department.pk))))
        bonuses, vetoes = extras(("department", department.pk))
        scored_departments.append(scoring.score_subject(subject=department, kind=AssessmentSubjectKind.DEPARTMENT,
                                                        base=base, bonuses=bonuses, vetoes=vetoes, points=points,
                                                        omitted=omitted))
    unassessed = [str(s.subject) for s in (*scored_districts, *scored_departments) if not s.assessed]
    now = timezone.now()
    results = [
        AssessmentResult(scheme=scheme, subject_kind=s.kind, score=s.score, grade=s.grade, rank=s.rank,
                         vetoed=s.vetoed, breakdown=s.breakdown, computed_at=now,
                         org_unit=s.subject if s.kind == AssessmentSubjectKind.DISTRICT else None,
                         department=s.subject if s.kind == AssessmentSubjectKind.DEPARTMENT else None)
        for group in (scored_districts, scored_departments)
        for s in scoring.rank(group, grade_for=scheme.grade_for)
    ]
    with transaction.atomic():
        replaced = scheme.results.all().delete()[0]
        for result in results:  # one INSERT each: a bulk insert of large JSON is slower on PostgreSQL (UNNEST arrays)
            result.save(force_insert=True)
        scheme.last_run_at, scheme.last_run_by = now, by
        scheme.save(update_fields=["last_run_at", "last_run_by"])
        leaders = ", ".join(f"{r.subject}" for r in results if r.rank == 1)
        audit_record(action=AuditAction.UPDATE, by=by, obj=scheme,
                     message=(f"assessment run: {len(scored_districts)} districts, {len(scored_departments)} "
                              f"departments, {sum(r.vetoed for r in results)} vetoed, first: {leaders}; "
                              f"{replaced} earlier results replaced; not assessed (nothing due or applicable): "
                              f"{', '.join(unassessed) or 'none'}")[:500])
    return results
