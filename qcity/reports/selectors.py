"""Reads for the cockpit: one JSON-ready dict per (user, plan, year), shared by the page and the API.

The heavy part (indicator status for the city and every district) depends only on approved values, so
it is cached under a key that changes whenever the data changes (see `approval_marker`); the
per-user parts (highlighted district, overdue tasks in the user's scope) are added on every request.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.choices import OrgUnitKind, Role
from qcity.core.document_kinds import DocumentRequestError, DocumentTarget, document_kind
from qcity.core.models import OrgUnit, User
from qcity.core.selectors import org_root
from qcity.indicators import selectors as indicator_selectors
from qcity.indicators.choices import IndicatorDomain, ReportedValueStatus, TargetStatus
from qcity.indicators.models import Plan, ReportedValue
from qcity.indicators.quality_index import quality_index_trend
from qcity.workplan.selectors import plan_task_overdue_list

from .choices import GeneratedDocumentStatus
from .models import GeneratedDocument

MAIN_DOMAINS = (IndicatorDomain.PRODUCT, IndicatorDomain.ENGINEERING, IndicatorDomain.SERVICE, IndicatorDomain.ENVIRONMENT)
WARNING_LIMIT = 10
OVERDUE_LIMIT = 10
CACHE_SECONDS = 3600
STATUS_ORDER = {TargetStatus.OFF_TRACK: 0, TargetStatus.AT_RISK: 1}


class CockpitError(ValueError):
    """Bad input for the cockpit (unknown plan, year outside the plan); the view answers 400."""


def cockpit_plan(code: str | None = None) -> Plan:
    """The plan the cockpit shows: the one asked for, else the current programme — among plans with
    approved values (a freshly imported plan has none yet), the latest-ending one with the most
    indicators (not a zone's side plan)."""
    approved = ReportedValue.objects.filter(indicator__plan=OuterRef("pk"), status=ReportedValueStatus.APPROVED)
    plans = Plan.objects.annotate(indicator_count=Count("indicators"), has_values=Exists(approved)).defer("text")
    if code:
        plan = plans.filter(code=code).first()
        if plan is None:
            raise CockpitError(_("plan: 未找到规划 %(code)s") % {"code": code})
        return plan
    plan = plans.order_by("-has_values", "-period_end", "-indicator_count", "code").first()
    if plan is None:
        raise CockpitError(_("plan: 尚未载入规划"))
    return plan


def latest_approved_year(plan: Plan) -> int:
    """The latest plan year with at least one approved value (index on year/status: one probe a year)."""
    for year in range(plan.period_end, plan.period_start - 1, -1):
        if ReportedValue.objects.filter(year=year, status=ReportedValueStatus.APPROVED, indicator__plan=plan).exists():
            return year
    return plan.period_start


def approval_marker(plan: Plan) -> str:
    """The data marker of the reports' caches: `indicators.selectors.status_data_marker`, which changes at
    once on an approval, a target, a decomposition, the grading rule or a plan (all plans: the marker is
    shared by the status board, the quality index and the cockpit)."""
    return indicator_selectors.status_data_marker()


def cockpit_refresh(*, plan: Plan, year: int) -> None:
    """Recompute the cached view of the root now (e.g. from a job after an approval), so no viewer waits."""
    indicator_selectors.status_data_marker(refresh=True)
    _unit_view(plan, year, org_root())


def cockpit_units() -> list[OrgUnit]:
    """The units the cockpit shows, each with the units under it ranked: the root (a city over its districts,
    or a province over its cities) and, in a province, each city with districts."""
    root = org_root()
    with_districts = Exists(OrgUnit.objects.filter(parent=OuterRef("pk")))
    cities = OrgUnit.objects.filter(with_districts, parent=root, kind=OrgUnitKind.CITY).order_by("sort_order", "pk")
    return [root, *cities]


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _plain(value: Decimal) -> str:
    """500.0000 → "500", 98.50 → "98.5" (DecimalField keeps four places)."""
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def _target_text(milestone) -> str:
    if milestone is None:
        return ""
    if milestone.value is None:
        return f"{_plain(milestone.low)}–{_plain(milestone.high)}"
    return _plain(milestone.value)


def _domain_rows(statuses) -> list[dict]:
    by_domain: dict[str, list] = defaultdict(list)
    for item in statuses:
        by_domain[item.indicator.domain].append(item)
    rows = []
    for domain in IndicatorDomain:
        items = by_domain.get(domain.value)
        if not items:
            continue
        scores = [i.result.attainment for i in items if i.result.attainment is not None]
        rows.append({"domain": domain.value, "label": str(domain.label), "attainment": _pct(_mean(scores)),
                     "counts": indicator_selectors.status_counts(items), "indicators": len(items)})
    return rows


def _warnings(statuses) -> list[dict]:
    """Off-track before at-risk, then the furthest from target first (the risk module will add more)."""
    bad = [s for s in statuses if s.status in STATUS_ORDER]
    bad.sort(key=lambda s: (STATUS_ORDER[s.status], s.result.attainment or 0, s.indicator.position))
    return [{
        "indicator_id": s.indicator.pk, "name": s.indicator.name, "unit": s.indicator.unit,
        "domain": str(IndicatorDomain(s.indicator.domain).label), "status": s.status, "status_label": s.status_label,
        "actual": _num(s.result.actual), "expected": _num(s.result.expected),
        "target": _target_text(s.result.milestone), "attainment": _pct(s.result.attainment),
    } for s in bad[:WARNING_LIMIT]]


def _trend(plan: Plan, unit: OrgUnit, year: int) -> dict:
    """The unit's composite quality index and its four sub-indices over the plan years so far."""
    rows = quality_index_trend(years=range(plan.period_start, year + 1), org_unit=unit, plan=plan)
    names = [("total", _("质量指数")), *[(d.value, str(d.label)) for d in MAIN_DOMAINS]]
    return {"kind": "quality_index", "years": [r.year for r in rows], "series": [
        {"key": key, "name": name, "values": [_num(getattr(r, key)) for r in rows]} for key, name in names]}


def _unit_view(plan: Plan, year: int, unit: OrgUnit) -> dict:
    """Everything that depends only on approved values and the grading rule, for one unit (the root or a unit)
    and the units under it: cached by plan, year, unit, approval marker and the office's status parameters (a
    changed rule shows at once)."""
    rule = indicator_selectors.status_rule_get()
    key = (f"reports:cockpit:v3:{get_language()}:{plan.pk}:{year}:{unit.pk}:{approval_marker(plan)}"  # labels are translated
           f":{rule.on_track_tolerance}:{rule.at_risk_share}")
    cached = cache.get(key)
    if cached is not None:
        return cached
    unit_statuses, ranking = indicator_selectors.unit_statuses_and_ranking(plan=plan, year=year, unit=unit, rule=rule)
    view = {
        "plan": {"code": plan.code, "title": plan.title, "period_start": plan.period_start,
                 "period_end": plan.period_end},
        "year": year,
        "org_unit": {"id": unit.pk, "name": unit.name, "kind": unit.kind},
        "counts": indicator_selectors.status_counts(unit_statuses),
        "domains": _domain_rows(unit_statuses),
        "ranking": [{"org_unit_id": r.org_unit.pk, "name": r.org_unit.name, "rank": r.rank,
                     "attainment": _pct(r.attainment), "counts": r.counts} for r in ranking],
        "trend": _trend(plan, unit, year),
        "warnings": _warnings(unit_statuses),
    }
    cache.set(key, view, CACHE_SECONDS)
    return view


def _overdue(user: User) -> dict:
    """Overdue tasks in the user's scope (the work plan's supervision list)."""
    tasks = plan_task_overdue_list(user=user)
    items = list(tasks.order_by("deadline", "pk")[:OVERDUE_LIMIT])
    return {"count": tasks.count(), "items": [
        {"id": t.pk, "title": t.title, "lead_department": str(t.lead_department or ""),
         "deadline": t.deadline.isoformat() if t.deadline else None} for t in items]}


def cockpit(*, user: User, year: int | None = None, plan_code: str | None = None,
            org_unit: OrgUnit | None = None) -> dict:
    """The cockpit for `user`: the view of `org_unit` (one of `cockpit_units`, default the root) with the units
    under it ranked, the user's own unit(s) among them marked. The caller has checked the role (PROGRAMME);
    every holder sees the figures of every unit (reported programme figures, no personal data)."""
    units = cockpit_units()
    unit = org_unit or units[0]
    if unit not in units:
        raise CockpitError(_("org_unit: 驾驶舱只显示最上级单元和设有区县的市"))
    plan = cockpit_plan(plan_code)
    if year is None:
        year = latest_approved_year(plan)
    elif not plan.period_start <= year <= plan.period_end:
        raise CockpitError(_("year: %(year)s 不在规划期 %(period_start)s–%(period_end)s 内") % {"year": year, "period_start": plan.period_start, "period_end": plan.period_end})
    view = dict(_unit_view(plan, year, unit))
    prefixes = access.org_unit_scope(user, (Role.DISTRICT_OFFICER,)) or []
    # the ranked unit on the path of each of the user's units: "/root/…/unit/<ranked>/…"
    mine = {int(p[len(unit.path):].split("/")[0]) for p in prefixes if p.startswith(unit.path) and p != unit.path}
    view["ranking"] = [{**row, "highlight": row["org_unit_id"] in mine} for row in view["ranking"]]
    view["highlight"] = [row["name"] for row in view["ranking"] if row["highlight"]]
    view["years"] = list(range(plan.period_start, plan.period_end + 1))
    view["units"] = [{"id": u.pk, "name": u.name} for u in units]
    view["counts"] = dict(view["counts"])
    view["overdue"] = _overdue(user)
    return view


# --- documents generated in the background -------------------------------------------------------------


def document_resolve(*, kind: str, year: int | None, object_id: int | None, user: User) -> DocumentTarget:
    """Whether the user may have this document (the kind's roles, then its own scope rule; a refusal is
    audited), and what it is: the year, the object and the download name."""
    spec = document_kind(kind)
    access.require_role(user, *spec.roles, action=f"generate {kind}")
    return spec.resolve(user=user, year=year, object_id=object_id)


def generated_document_get(*, user: User, pk: int) -> GeneratedDocument:
    """A job, for a user who may have its document (a 404 when it does not exist, a 403 when not theirs)."""
    document = get_object_or_404(GeneratedDocument.objects.select_related("requested_by"), pk=pk)
    try:
        document_resolve(kind=document.kind, year=document.year, object_id=document.object_id or None, user=user)
    except DocumentRequestError:
        pass  # the role and scope were checked; what it was made from has changed since (no plan, not re-run)
    return document


def generated_document_latest(*, kind: str, year: int, object_id: int, fmt: str) -> dict:
    """For a document's panel: the newest job (pending, failed or done) and the last finished file."""
    rows = list(GeneratedDocument.objects.filter(kind=kind, year=year, object_id=object_id, format=fmt)
                .select_related("requested_by").order_by("-requested_at", "-pk")[:5])
    return {"latest": rows[0] if rows else None,
            "last_done": next((row for row in rows if row.status == GeneratedDocumentStatus.DONE), None)}
