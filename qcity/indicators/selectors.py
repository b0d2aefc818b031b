"""Reads of the indicators module: plans, indicators, values in the user's scope, and target status."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Count, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.models import AuditEvent, Department, OrgUnit, User
from qcity.core.roles import PROGRAMME

from .choices import (
    IndicatorAccumulation,
    IndicatorDecomposition,
    IndicatorDomain,
    IndicatorSource,
    ReportedValueStatus,
    ReportingPeriodKind,
    TargetDecompositionStatus,
    TargetStatus,
)
from .decomposition import decomposition_warnings
from .models import (
    VALUE_DIGITS,
    Indicator,
    Plan,
    ReportedValue,
    StatusRule,
    Target,
    TargetDecomposition,
    UnitTarget,
)
from .status import DEFAULT_PARAMETERS, Milestone, StatusParameters, StatusResult, target_status


def plan_list() -> QuerySet[Plan]:
    # an aggregate drops Meta.ordering, so the order is given again (the API paginates this)
    return Plan.objects.annotate(indicator_count=Count("indicators")).defer("text").order_by("-period_end", "code")


def indicator_list(*, plan: Plan | None = None) -> QuerySet[Indicator]:
    qs = (Indicator.objects.select_related("plan")
          .prefetch_related("departments", Prefetch("targets", queryset=Target.objects.order_by("year"))))
    return qs.filter(plan=plan) if plan is not None else qs


def reported_value_list(*, user: User) -> QuerySet[ReportedValue]:
    """Values in the user's org-unit scope (the whole city for the office and city-level reporters)."""
    qs = ReportedValue.objects.select_related("indicator__plan", "org_unit", "submitted_by")
    if access.org_unit_scope(user, PROGRAMME) is None:
        return qs
    return qs.filter(org_unit__in=access.covered_org_units(user, PROGRAMME))


def reporter_may_report(*, user: User, indicator: Indicator, org_unit: OrgUnit) -> bool:
    """Who may report a value (the one rule: the services refuse and audit when it says no, the pages
    offer "resubmit" when it says yes): a district for its district, a department reporter for its
    department's indicators, the office anywhere. Reads `indicator.departments` (prefetch it for a list)."""
    if not access.covers(user, org_unit, PROGRAMME):
        return False
    if access.roles_of(user) & {Role.LEADERSHIP_OFFICE, Role.DISTRICT_OFFICER}:
        return True
    responsible = {d.pk for d in indicator.departments.all()}
    return not responsible or user.department_id in responsible


def reported_value_may_resubmit(*, value: ReportedValue, user: User) -> bool:
    """A returned value offers "resubmit" to those who may report it again (the step opens the form
    pre-filled, with the return reason)."""
    return (value.status == ReportedValueStatus.RETURNED and value.source == IndicatorSource.REPORTED
            and reporter_may_report(user=user, indicator=value.indicator, org_unit=value.org_unit))


def reporter_org_units(*, user: User) -> QuerySet[OrgUnit]:
    """The units the user may report values for, in tree order (the value form's unit choices)."""
    return access.covered_org_units(user, PROGRAMME).order_by("path", "sort_order")


def indicator_choices(*, source: str | None = IndicatorSource.REPORTED) -> list[tuple[str, list[tuple[int, str]]]]:
    """Indicators grouped by plan for a select: the current plans first (latest period end), each option
    labelled with its code, so the expired plans' namesakes are not picked by mistake. One query."""
    qs = Indicator.objects.select_related("plan").only("pk", "code", "name", "plan__title", "plan__period_start",
                                                       "plan__period_end", "plan__code")
    if source:
        qs = qs.filter(source=source)
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for indicator in qs.order_by("-plan__period_end", "plan__code", "position", "pk"):
        plan = indicator.plan
        label = f"{plan.title} ({plan.period_start}–{plan.period_end})"
        groups.setdefault(plan.pk, (label, []))[1].append((indicator.pk, f"{indicator.code} {indicator.name}"))
    return list(groups.values())


def last_approved_value(*, indicator: Indicator, org_unit: OrgUnit, before: tuple[int, str, int] | None = None
                        ) -> ReportedValue | None:
    """The latest approved value of the indicator for the unit (before the period `(year, kind, number)`
    when given): the value form shows it as the last period's figure."""
    qs = ReportedValue.objects.filter(indicator=indicator, org_unit=org_unit, status=ReportedValueStatus.APPROVED)
    if before is not None:
        year, kind, number = before
        qs = qs.filter(Q(year__lt=year) | Q(year=year, period_kind=kind, period_number__lt=number))
    return qs.order_by("-year", "-period_number", "-pk").first()


def annual_values(*, indicators: Iterable[Indicator], org_units: Iterable[OrgUnit], year: int
                  ) -> dict[tuple[int, int], Decimal]:
    """Approved value per (indicator id, org unit id) for `year`.

    A level indicator takes the annual value, or else the latest month or quarter of the year; a
    cumulative count adds up every year from the plan's start to `year`, each year being its annual
    value or else the sum of its months (or quarters). The two kinds are read apart, and the database
    sums the cumulative ones, so ten years of monthly values read one row per year, not twelve.
    """
    indicators = list(indicators)
    unit_ids = [u.pk for u in org_units]
    levels = [i.pk for i in indicators if i.accumulation != IndicatorAccumulation.CUMULATIVE]
    counts = {i.pk: i for i in indicators if i.accumulation == IndicatorAccumulation.CUMULATIVE}
    approved = ReportedValue.objects.filter(org_unit_id__in=unit_ids, status=ReportedValueStatus.APPROVED).order_by()
    grouped: dict[tuple[int, int], dict[str, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    if levels:
        rows = (approved.filter(indicator_id__in=levels, year=year).annotate(raw=RAW_VALUE)
                .values_list("indicator_id", "org_unit_id", "period_kind", "period_number", "raw"))
        for indicator_id, unit_id, kind, number, value in rows.iterator(chunk_size=5000):
            grouped[(indicator_id, unit_id)][kind][number] = value
    result = {key: _year_level(kinds) for key, kinds in grouped.items()}
    if counts:
        earliest = min(i.plan.period_start for i in counts.values())
        rows = (approved.filter(indicator_id__in=list(counts), year__gte=earliest, year__lte=year)
                .values_list("indicator_id", "org_unit_id", "year", "period_kind").annotate(total=Sum("value")))
        per_year: dict[tuple[int, int, int], dict[str, Decimal]] = defaultdict(dict)
        for indicator_id, unit_id, value_year, kind, total in rows:
            if value_year >= counts[indicator_id].plan.period_start:
                per_year[(indicator_id, unit_id, value_year)][kind] = total
        for (indicator_id, unit_id, _), kinds in per_year.items():
            kind = next(k for k in (ReportingPeriodKind.YEAR, ReportingPeriodKind.MONTH, ReportingPeriodKind.QUARTER) if k in kinds)
            result[(indicator_id, unit_id)] = result.get((indicator_id, unit_id), Decimal(0)) + kinds[kind]
    return result


# A year of monthly values reads twelve rows to keep one: the values come as text and only the kept one
# becomes a Decimal (Django's SQLite converter made a Decimal of each row: most of a 300-indicator board).
RAW_VALUE = Cast("value", output_field=CharField())
VALUE_PLACES = Decimal(1).scaleb(-VALUE_DIGITS["decimal_places"])


def _decimal(raw: str | Decimal) -> Decimal:
    return Decimal(raw).quantize(VALUE_PLACES)


def _year_level(kinds: dict[str, dict[int, str]]) -> Decimal:
    for kind in (ReportingPeriodKind.YEAR, ReportingPeriodKind.MONTH, ReportingPeriodKind.QUARTER):
        if kinds.get(kind):
            return _decimal(kinds[kind][max(kinds[kind])])
    raise AssertionError("a grouped year has at least one value")


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: Indicator
    org_unit: OrgUnit
    year: int
    result: StatusResult
    reason: str = ""  # why a status is not applicable (指标分解: a city title, a total not yet split)
    department: Department | None = None  # a department's status (`department_statuses`): org_unit is the city

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def status_label(self) -> str:
        return TargetStatus(self.result.status).label


def _milestones(indicator: Indicator) -> list[Milestone]:
    return [Milestone(t.year, t.value, t.low, t.high) for t in indicator.targets.all()]


def confirmed_unit_targets(*, indicators: Iterable[Indicator], org_units: Iterable[OrgUnit]
                           ) -> dict[tuple[int, int], dict[int, Decimal]]:
    """The confirmed district targets, {(indicator id, org unit id): {target year: value}}, in one query."""
    indicator_ids = [i.pk for i in indicators if i.decomposition != IndicatorDecomposition.CITY_ONLY]
    unit_ids = [u.pk for u in org_units if u.parent_id is not None]
    if not indicator_ids or not unit_ids:
        return {}
    rows = (UnitTarget.objects.filter(decomposition__indicator_id__in=indicator_ids, org_unit_id__in=unit_ids,
                                      decomposition__status=TargetDecompositionStatus.CONFIRMED)
            .order_by().values_list("decomposition__indicator_id", "org_unit_id", "decomposition__year", "value"))
    found: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for indicator_id, unit_id, target_year, value in rows:
        found[(indicator_id, unit_id)][target_year] = value
    return found


def _unit_milestones(indicator: Indicator, unit: OrgUnit, city: list[Milestone],
                     own: dict[int, Decimal]) -> tuple[list[Milestone] | None, str]:
    """The milestones a unit is held to (指标分解), or None and the reason when it is not assessed.

    The city is held to the plan's targets. A district: uniform → the city's value, or its own stricter
    confirmed value; split → its confirmed share of each target year (for a range target the share is the
    floor and the city's upper bound the ceiling); a total without a confirmed share for the district (not
    yet split, or split to other districts) is not applicable rather than graded against the whole city's
    total; city_only → not applicable.
    """
    if unit.parent_id is None:
        return city, ""
    kind = indicator.decomposition
    if kind == IndicatorDecomposition.CITY_ONLY:
        return None, _("仅考核全市")
    if kind == IndicatorDecomposition.UNIFORM:
        return _uniform(city, own), ""
    shares = _shares(city, own)
    return (shares, "") if shares else (None, _("本区县没有已确认的分解目标"))


def _uniform(city: list[Milestone], own: dict[int, Decimal]) -> list[Milestone]:
    """A rate or ratio: the city's value, or the unit's own (stricter) confirmed value for that year."""
    return [Milestone(m.year, own.get(m.year, m.value), m.low, m.high) if m.value is not None else m
            for m in city]


def _shares(city: list[Milestone], own: dict[int, Decimal]) -> list[Milestone]:
    """A total split among units: the unit's confirmed share of each target year it has one for (a range:
    the share is the floor, the city's upper bound the ceiling)."""
    return [Milestone(m.year, own[m.year]) if m.value is not None
            else Milestone(m.year, None, own[m.year], max(own[m.year], m.high))
            for m in city if m.year in own]


def confirmed_department_targets(*, indicators: Iterable[Indicator]
                                 ) -> tuple[dict[tuple[int, int], dict[int, Decimal]], set[int]]:
    """The confirmed department targets, {(indicator id, department id): {target year: value}}, and the ids
    of the indicators whose confirmed decompositions assign a share of the target to departments; one query."""
    indicator_ids = [i.pk for i in indicators]
    if not indicator_ids:
        return {}, set()
    rows = (UnitTarget.objects.filter(decomposition__indicator_id__in=indicator_ids, department__isnull=False,
                                      decomposition__status=TargetDecompositionStatus.CONFIRMED)
            .order_by().values_list("decomposition__indicator_id", "department_id", "decomposition__year", "value"))
    found: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for indicator_id, department_id, target_year, value in rows:
        found[(indicator_id, department_id)][target_year] = value
    return found, {indicator_id for indicator_id, _department in found}


def _department_milestones(indicator: Indicator, city: list[Milestone], own: dict[int, Decimal],
                           shared: bool) -> tuple[list[Milestone] | None, str]:
    """The milestones a department is held to (指标分解), or None and the reason when it is not assessed.

    Read as a district's are: a rate (uniform) → the city's value, or the department's own stricter
    confirmed value; a total or a city title assigned to departments → the department's confirmed share of
    each target year (a range: the share is the floor, the city's upper bound the ceiling); a total shared
    among other departments but not this one → not applicable. Without any department share the department
    answers for the city's target, as before decomposition."""
    kind = indicator.decomposition
    if kind == IndicatorDecomposition.UNIFORM or not own:
        if kind != IndicatorDecomposition.UNIFORM and shared:
            return None, _("本部门没有已确认的分解目标")
        return _uniform(city, own), ""
    shares = _shares(city, own)
    return (shares, "") if shares else (None, _("本部门没有已确认的分解目标"))


def department_statuses(*, indicators: Iterable[Indicator], departments: Iterable[Department], city: OrgUnit,
                        year: int, city_statuses: dict[tuple[int, int], IndicatorStatus] | None = None,
                        rule: StatusParameters | None = None) -> dict[tuple[int, int], IndicatorStatus]:
    """Each department's status on each indicator, {(indicator id, department id): status}.

    The platform records values per unit, and the city's departments report the city's: a department's
    figure is the city's figure, held to the department's own confirmed target (`_department_milestones`)
    where the decomposition gives it one, else to the city's. There is no per-department figure: when a total
    is shared among several departments, each one's share is compared with the whole city's figure (lenient;
    the demo assigns a total only to a department that answers for it alone). `city_statuses` (keyed by
    (indicator id, city id)) saves recomputing the city's; two queries more for the departments' targets and
    start points."""
    rule = rule if rule is not None else status_rule_get()
    indicators = list(indicators)
    departments = list(departments)
    if city_statuses is None:
        city_statuses = {(s.indicator.pk, s.org_unit.pk): s
                         for s in indicator_statuses(indicators=indicators, org_units=[city], year=year, rule=rule)}
    own_targets, shared = confirmed_department_targets(indicators=indicators)
    affected = [i for i in indicators if i.pk in shared or any((i.pk, d.pk) in own_targets for d in departments)]
    starts = _first_values(affected, [city], year) if affected else {}
    affected_ids = {i.pk for i in affected}
    out = {}
    for indicator in indicators:
        city_status = city_statuses[(indicator.pk, city.pk)]
        city_milestones = _milestones(indicator) if indicator.pk in affected_ids else []
        for department in departments:
            own = own_targets.get((indicator.pk, department.pk), {})
            if indicator.pk not in affected_ids:
                out[(indicator.pk, department.pk)] = replace(city_status, department=department)
                continue
            milestones, reason = _department_milestones(indicator, city_milestones, own, indicator.pk in shared)
            actual = city_status.result.actual
            if milestones is None:
                result = StatusResult(TargetStatus.NOT_APPLICABLE, None, None, actual)
                out[(indicator.pk, department.pk)] = IndicatorStatus(indicator, city, year, result, reason, department)
                continue
            result = _graded(indicator, city, milestones, year=year, actual=actual, starts=starts, rule=rule,
                             own_start=False)
            out[(indicator.pk, department.pk)] = IndicatorStatus(indicator, city, year, result, "", department)
    return out


def decomposition_marker(plan: Plan) -> str:
    """Changes whenever what districts are held to changes (a confirmation, a draft, a kind): for caches of
    statuses, beside the approval marker."""
    kinds = "".join(k[:1] for k in Indicator.objects.filter(plan=plan).order_by("pk").values_list("decomposition", flat=True))
    latest = TargetDecomposition.objects.filter(indicator__plan=plan).aggregate(
        confirmed=Count("pk", filter=Q(status=TargetDecompositionStatus.CONFIRMED)), changed=Max("updated_at"))
    changed = latest["changed"].timestamp() if latest["changed"] else 0
    return f"{hashlib.sha1(kinds.encode()).hexdigest()[:12]}:{latest['confirmed']}:{changed}"


# --- the data marker of status caches -----------------------------------------------------------------------
#
# Statuses, rankings and the quality index are computed from approved values, targets, decompositions, the
# indicators' settings, the plans and the office's StatusRule. Pages cache them under `status_data_marker()`,
# which changes with any of these:
# 1. at once, on every audited write of the indicators app (every service writes an `indicators.*` audit
#    event in its transaction): the latest such event among the last AUDIT_WINDOW–2×AUDIT_WINDOW audit events,
#    a short range of the primary key (the audit log is append-only), so ~1 ms whatever the log's size;
#    and on any new value, target or decomposition row, even one written without a service;
# 2. within MARKER_SECONDS, on a write that bypassed the services (the admin, a script): the number and
#    latest time of approved values, and fingerprints of targets, indicators and decompositions — these
#    scan every value (~150 ms on 720,000 rows), so they are computed at most once per MARKER_SECONDS.

STATUS_CACHE_SECONDS = 3600
MARKER_SECONDS = 30
AUDIT_WINDOW = 1000
_SLOW_MARKER_KEY = "indicators:status-marker:slow"


def _audited_write_marker() -> str:
    """Changes whenever an `indicators.*` audit event is written (see above; the window start moves every
    AUDIT_WINDOW events, so an event that left the window changed the marker when it came in), and whenever
    a value, target, share or decomposition row is added (the highest primary keys: index probes). One query."""
    audit = AuditEvent._meta.db_table
    tops = [f"(SELECT MAX(id) FROM {model._meta.db_table})"
            for model in (AuditEvent, ReportedValue, Target, UnitTarget, TargetDecomposition, StatusRule)]
    latest = (f"(SELECT MAX(id) FROM {audit} WHERE object_type LIKE %s"
              f" AND id > ((SELECT MAX(id) FROM {audit}) / {AUDIT_WINDOW} - 1) * {AUDIT_WINDOW})")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {latest}, {', '.join(tops)}", ["indicators.%"])
        latest_id, *tops = cursor.fetchone()
    start = max((tops[0] or 0) // AUDIT_WINDOW - 1, 0) * AUDIT_WINDOW
    return f"{start}:{latest_id or 0}:" + ",".join(str(t or 0) for t in tops[1:])


def approval_marker() -> str:
    """Changes whenever a value is approved, reopened or deleted: the latest approval time and the number of
    approved values (a scan of every value: only in the cached slow part of `status_data_marker`)."""
    row = ReportedValue.objects.filter(status=ReportedValueStatus.APPROVED).aggregate(
        latest=Max("approved_at"), count=Count("id"))
    return f"{row['latest'].timestamp() if row['latest'] else 0}:{row['count']}"


def _slow_marker() -> str:
    marker = cache.get(_SLOW_MARKER_KEY)
    if marker is None:
        sums = {Target: "COUNT(*), MAX(id), SUM(value), SUM(low), SUM(high)",
                UnitTarget: "COUNT(*), MAX(id), SUM(value)",
                TargetDecomposition: f"COUNT(*), MAX(updated_at),"
                                     f" SUM(CASE WHEN status = '{TargetDecompositionStatus.CONFIRMED}' THEN 1 END)",
                Plan: "COUNT(*), SUM(id * period_start + period_end)"}
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f"(SELECT {column} FROM {model._meta.db_table})"
                                                 for model, columns in sums.items()
                                                 for column in columns.split(", ")))
            totals = cursor.fetchone()
        settings = Indicator.objects.order_by("pk").values_list(
            "pk", "plan_id", "comparator", "accumulation", "baseline_year", "baseline_value", "decomposition",
            "domain", "unit")
        fingerprint = hashlib.sha1(f"{totals}{list(settings)}".encode()).hexdigest()[:16]
        marker = f"{approval_marker()}:{fingerprint}"
        cache.set(_SLOW_MARKER_KEY, marker, MARKER_SECONDS)
    return marker


def status_data_marker(*, refresh: bool = False) -> str:
    """The key part of every cache of statuses (board, ranking, quality index, cockpit): see above.
    `refresh` recomputes the slow part now (after a write that bypassed the services)."""
    if refresh:
        cache.delete(_SLOW_MARKER_KEY)
    return f"{_audited_write_marker()}:{_slow_marker()}"


def status_rule_get() -> StatusParameters:
    """The office's grading parameters (the `StatusRule` row), or the defaults while none is saved."""
    row = StatusRule.objects.order_by("pk").values("on_track_tolerance", "at_risk_share").first()
    return StatusParameters(**row) if row else DEFAULT_PARAMETERS


def indicator_statuses(*, indicators: Iterable[Indicator], org_units: Iterable[OrgUnit], year: int,
                       rule: StatusParameters | None = None) -> list[IndicatorStatus]:
    """Status of every indicator for every unit in `year`, in four queries (three when `rule`, the
    grading parameters, is given; otherwise the office's `StatusRule` is read once)."""
    rule = rule if rule is not None else status_rule_get()
    indicators = list(indicators)
    org_units = list(org_units)
    current = annual_values(indicators=indicators, org_units=org_units, year=year)
    starts = _first_values(indicators, org_units, year)
    own_targets = confirmed_unit_targets(indicators=indicators, org_units=org_units)
    out = []
    for indicator in indicators:
        city_milestones = _milestones(indicator)
        for unit in org_units:
            milestones, reason = _unit_milestones(indicator, unit, city_milestones,
                                                  own_targets.get((indicator.pk, unit.pk), {}))
            if milestones is None:
                result = StatusResult(TargetStatus.NOT_APPLICABLE, None, None, current.get((indicator.pk, unit.pk)))
                out.append(IndicatorStatus(indicator, unit, year, result, reason))
                continue
            # the plan's baseline is the city's: a district's share of a total starts from its own first value
            own_start = indicator.decomposition == IndicatorDecomposition.SPLIT and unit.parent_id is not None
            result = _graded(indicator, unit, milestones, year=year, actual=current.get((indicator.pk, unit.pk)),
                             starts=starts, rule=rule, own_start=own_start)
            out.append(IndicatorStatus(indicator, unit, year, result))
    return out


def _graded(indicator: Indicator, unit: OrgUnit, milestones: list[Milestone], *, year: int, actual: Decimal | None,
            starts: dict[tuple[int, int], tuple[int, Decimal]], rule: StatusParameters, own_start: bool
            ) -> StatusResult:
    """`target_status` of the unit's figure against `milestones`, from the plan's baseline (or, without one
    or with `own_start`, from the unit's first value in `starts`)."""
    if indicator.baseline_year is not None and indicator.baseline_value is not None and not own_start:
        start = (indicator.baseline_year, indicator.baseline_value)
    else:
        start = starts.get((indicator.pk, unit.pk))
    return target_status(comparator=indicator.comparator, accumulation=indicator.accumulation,
                         milestones=milestones, year=year, actual=actual, start=start,
                         plan_start=indicator.plan.period_start, rule=rule)


def _first_values(indicators: list[Indicator], org_units: list[OrgUnit], year: int
                  ) -> dict[tuple[int, int], tuple[int, Decimal]]:
    """The first approved annual-level value in the plan period, the start point where no baseline exists."""
    wanted = [i.pk for i in indicators if i.accumulation == IndicatorAccumulation.LEVEL
              and (i.baseline_value is None or i.decomposition == IndicatorDecomposition.SPLIT)]
    if not wanted:
        return {}
    rows = (ReportedValue.objects.filter(indicator_id__in=wanted, org_unit__in=org_units, year__lt=year,
                                         status=ReportedValueStatus.APPROVED, period_kind=ReportingPeriodKind.YEAR)
            .order_by("indicator_id", "org_unit_id", "year").values_list("indicator_id", "org_unit_id", "year", "value"))
    first: dict[tuple[int, int], tuple[int, Decimal]] = {}
    for indicator_id, unit_id, value_year, value in rows:
        first.setdefault((indicator_id, unit_id), (value_year, value))
    return first


def status_counts(statuses: Iterable[IndicatorStatus]) -> dict[str, int]:
    """Indicators per status; a not-applicable one (a city title for a district) is left out, so it never
    counts as lagging (the key stays, at 0, for readers that list every status)."""
    counts = {s: 0 for s in TargetStatus.values}
    for item in statuses:
        if item.status != TargetStatus.NOT_APPLICABLE:
            counts[item.status] += 1
    return counts


@dataclass(frozen=True)
class UnitStanding:
    org_unit: OrgUnit
    attainment: Decimal | None  # mean attainment over indicators with data
    counts: dict[str, int]
    rank: int = 0


def unit_ranking(statuses: Iterable[IndicatorStatus]) -> list[UnitStanding]:
    """Units ranked by mean attainment (indicators without data do not count); ties share a rank."""
    per_unit: dict[int, list[IndicatorStatus]] = defaultdict(list)
    units = {}
    for item in statuses:
        per_unit[item.org_unit.pk].append(item)
        units[item.org_unit.pk] = item.org_unit
    standings = []
    for unit_id, items in per_unit.items():
        scores = [i.result.attainment for i in items if i.result.attainment is not None]
        mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.0001")) if scores else None
        standings.append(UnitStanding(units[unit_id], mean, status_counts(items)))
    standings.sort(key=lambda s: (s.attainment is None, -(s.attainment or 0), s.org_unit.path))
    ranked, previous, rank = [], None, 0
    for position, standing in enumerate(standings, start=1):
        if standing.attainment != previous:
            rank, previous = position, standing.attainment
        ranked.append(UnitStanding(standing.org_unit, standing.attainment, standing.counts,
                                   rank if standing.attainment is not None else 0))
    return ranked


def unit_statuses_and_ranking(*, plan: Plan, year: int, unit: OrgUnit, rule: StatusParameters | None = None
                              ) -> tuple[list[IndicatorStatus], list[UnitStanding]]:
    """The unit's status on every indicator of the plan in `year`, and the units directly under it ranked:
    the view of one level of the tree the cockpit and the reports show (a city over its districts, a province
    over its cities)."""
    children = list(OrgUnit.objects.filter(parent=unit).order_by("sort_order", "pk"))
    statuses = indicator_statuses(indicators=indicator_list(plan=plan), org_units=[unit, *children], year=year,
                                  rule=rule)
    return ([s for s in statuses if s.org_unit.pk == unit.pk],
            unit_ranking([s for s in statuses if s.org_unit.pk != unit.pk]))


STATUS_SEVERITY = {TargetStatus.OFF_TRACK: 0, TargetStatus.AT_RISK: 1, TargetStatus.ON_TRACK: 2,
                   TargetStatus.ACHIEVED: 3, TargetStatus.NO_DATA: 4}


def indicator_value_history(*, indicators: Iterable[Indicator], org_units: Iterable[OrgUnit], years: range
                            ) -> dict[tuple[int, int], list[tuple[int, Decimal]]]:
    """Approved yearly values per (indicator id, org unit id) over `years`, in one query, for the trend
    sparklines: per year the value `annual_values` gives (a cumulative count: the running total since the
    plan started, so its values are read from the plan's first year whatever `years` says)."""
    indicators = list(indicators)
    unit_ids = [u.pk for u in org_units]
    if not indicators or not unit_ids or not years:
        return {}
    by_id = {i.pk: i for i in indicators}
    earliest = min([years.start, *(i.plan.period_start for i in indicators
                                   if i.accumulation == IndicatorAccumulation.CUMULATIVE)])
    rows = (ReportedValue.objects.filter(indicator_id__in=list(by_id), org_unit_id__in=unit_ids, year__gte=earliest,
                                         year__lt=years.stop, status=ReportedValueStatus.APPROVED)
            .order_by().annotate(raw=RAW_VALUE)
            .values_list("indicator_id", "org_unit_id", "year", "period_kind", "period_number", "raw"))
    grouped: dict[tuple[int, int, int], dict[str, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    for indicator_id, unit_id, value_year, kind, number, value in rows.iterator(chunk_size=5000):
        grouped[(indicator_id, unit_id, value_year)][kind][number] = value
    history: dict[tuple[int, int], list[tuple[int, Decimal]]] = {}
    for indicator_id, indicator in by_id.items():
        cumulative = indicator.accumulation == IndicatorAccumulation.CUMULATIVE
        for unit_id in unit_ids:
            total, points = Decimal(0), []
            for value_year in range(earliest, years.stop):
                kinds = grouped.get((indicator_id, unit_id, value_year))
                if not kinds:
                    continue
                if not cumulative:
                    if value_year in years:
                        points.append((value_year, _year_level(kinds)))
                elif value_year >= indicator.plan.period_start:
                    kind = next(k for k in (ReportingPeriodKind.YEAR, ReportingPeriodKind.MONTH,
                                            ReportingPeriodKind.QUARTER) if kinds.get(k))
                    total += sum(map(_decimal, kinds[kind].values()), Decimal(0))
                    if value_year in years:
                        points.append((value_year, total))
            history[(indicator_id, unit_id)] = points
    return history


def history_years(*, plans: Iterable[Plan], year: int, span: int = 6) -> range:
    """The years a trend sparkline shows: the last `span` up to `year`, not before the plans' start."""
    start = min((p.period_start for p in plans), default=year)
    return range(max(start, year - span + 1), year + 1)


@dataclass(frozen=True)
class StatusBoardRow:
    """One line of the status board: an indicator's status for the unit, with its recent history."""

    item: IndicatorStatus
    history: list[tuple[int, Decimal]]

    @property
    def indicator(self) -> Indicator:
        return self.item.indicator

    @property
    def result(self) -> StatusResult:
        return self.item.result

    @property
    def status(self) -> str:
        return self.item.status

    @property
    def status_label(self) -> str:
        return self.item.status_label

    @property
    def severity(self) -> int:
        """Sort key of the status column: off track first, then at risk, … no data last."""
        return STATUS_SEVERITY.get(self.item.status, len(STATUS_SEVERITY))

    @property
    def domain_label(self) -> str:
        return str(IndicatorDomain(self.item.indicator.domain).label)


def status_board_rows(*, statuses: Iterable[IndicatorStatus], org_unit: OrgUnit, year: int
                      ) -> list[StatusBoardRow]:
    """The unit's statuses (as given, in plan order) with the approved values of recent years."""
    items = [s for s in statuses if s.org_unit.pk == org_unit.pk]
    history = indicator_value_history(indicators=[s.indicator for s in items], org_units=[org_unit],
                                      years=history_years(plans=[s.indicator.plan for s in items], year=year))
    return [StatusBoardRow(s, history.get((s.indicator.pk, org_unit.pk), [])) for s in items]


@dataclass(frozen=True)
class StatusBoard:
    """The status board of one unit and year: every indicator of the plan for the unit (plan order, with its
    recent history) and the ranking of the districts among `units`, the viewer's scope."""

    rows: list[StatusBoardRow]
    ranking: list[UnitStanding]


def status_board_get(*, plan: Plan, year: int, units: list[OrgUnit], unit: OrgUnit,
                     rule: StatusParameters | None = None) -> StatusBoard:
    """`StatusBoard` for `unit` (one of `units`), cached under `status_data_marker()`: the ranking per scope
    (a district officer ranks only their own districts), the rows per unit; the language is in the key (a
    not-applicable row's reason is translated). Equal to the uncached computation at every marker."""
    rule = rule if rule is not None else status_rule_get()
    base = (f"{get_language()}:{plan.pk}:{year}:{rule.on_track_tolerance}:{rule.at_risk_share}"
            f":{status_data_marker()}")
    ranking_key = f"indicators:status-ranking:v1:{base}:{','.join(str(u.pk) for u in units)}"
    rows_key = f"indicators:status-rows:v1:{base}:{unit.pk}"
    found = cache.get_many([ranking_key, rows_key])
    ranking, rows = found.get(ranking_key), found.get(rows_key)
    if ranking is None or rows is None:
        indicators = list(indicator_list(plan=plan))
        statuses = indicator_statuses(indicators=indicators, org_units=units if ranking is None else [unit],
                                      year=year, rule=rule)
        if ranking is None:
            ranking = unit_ranking([s for s in statuses if s.org_unit.parent_id is not None])
            cache.set(ranking_key, ranking, STATUS_CACHE_SECONDS)
        if rows is None:
            rows = status_board_rows(statuses=statuses, org_unit=unit, year=year)
            for row in rows:  # the cached copy is read on every request: no targets, departments, plan text
                row.indicator.__dict__.pop("_prefetched_objects_cache", None)
                row.indicator.plan = plan
            cache.set(rows_key, rows, STATUS_CACHE_SECONDS)
    return StatusBoard(rows, ranking)


@dataclass(frozen=True)
class DecompositionRow:
    """One indicator's line of the decomposition table (指标分解) for a target year."""

    indicator: Indicator
    target: Target
    decomposition: TargetDecomposition | None
    district_values: list[Decimal | None]  # in the order of the table's districts; uniform: stricter values only
    department_values: list[tuple[object, Decimal]]
    warnings: list[str]

    @property
    def status_label(self) -> str:
        return self.decomposition.get_status_display() if self.decomposition else ""


def decomposition_years(*, plan: Plan) -> list[int]:
    """The target years of a plan (a decomposition is per indicator and target year)."""
    return sorted(set(Target.objects.filter(indicator__plan=plan).values_list("year", flat=True)))


def target_decomposition_table(*, plan: Plan, year: int, districts: list[OrgUnit]) -> list[DecompositionRow]:
    """Rows = the plan's indicators with a target in `year`, columns = `districts`; two queries."""
    targets = {t.indicator_id: t for t in Target.objects.filter(indicator__plan=plan, year=year).select_related("indicator")}
    indicators = sorted((t.indicator for t in targets.values()), key=lambda i: (i.position, i.pk))
    decompositions = {d.indicator_id: d for d in TargetDecomposition.objects.filter(
        indicator__plan=plan, year=year).prefetch_related(
            Prefetch("unit_targets", queryset=UnitTarget.objects.select_related("department")))}
    rows = []
    for indicator in indicators:
        found = decompositions.get(indicator.pk)
        unit_targets = list(found.unit_targets.all()) if found else []
        by_unit = {u.org_unit_id: u.value for u in unit_targets if u.org_unit_id}
        departments = [(u.department, u.value) for u in unit_targets if u.department_id]
        rows.append(DecompositionRow(
            indicator, targets[indicator.pk], found, [by_unit.get(d.pk) for d in districts], departments,
            decomposition_warnings(indicator=indicator, target=targets[indicator.pk],
                                   district_values=list(by_unit.values()),
                                   department_values=[v for _d, v in departments])))
    return rows


def target_decomposition_list(*, plan: Plan | None = None, year: int | None = None) -> QuerySet[TargetDecomposition]:
    qs = (TargetDecomposition.objects.select_related("indicator__plan")
          .prefetch_related(Prefetch("unit_targets", queryset=UnitTarget.objects.select_related("org_unit", "department")))
          .order_by("indicator__plan", "indicator__position", "year"))
    if plan is not None:
        qs = qs.filter(indicator__plan=plan)
    if year is not None:
        qs = qs.filter(year=year)
    return qs
