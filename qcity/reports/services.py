"""Building the reports. Each build is an export of official figures, so it is audited (who, what, when)."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.fields import parse_year as parse_year_param
from qcity.core.models import User
from qcity.indicators.models import Plan

from . import content
from .documents import docx_bytes, pdf_bytes
from .selectors import CACHE_SECONDS, CockpitError, approval_marker, cockpit_plan, latest_approved_year

FORMATS = ("docx", "pdf")
CONTENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf"}


class ReportError(ValueError):
    """Bad request for a report ("field: reason"); the views answer 400 with it."""


def parse_year(raw: str | None) -> int:
    year = parse_year_param(raw)
    if year is None:
        raise ReportError(_("year: 请填写年份（如 2025）"))
    return year


def parse_plan_year(code: str | None, raw_year: str | None) -> tuple[Plan, int]:
    """The plan by code and the evaluation year (default: the plan's midpoint year)."""
    plan = Plan.objects.filter(code=code or "").defer("text").first()
    if plan is None:
        raise ReportError((_("plan: 未找到规划 %(code)s") % {"code": code or ""}).strip())
    year = parse_year(raw_year) if raw_year else midpoint_year(plan)
    if not plan.period_start <= year <= plan.period_end:
        raise ReportError(_("year: %(year)s 不在规划期 %(period_start)s–%(period_end)s 内") % {"year": year, "period_start": plan.period_start, "period_end": plan.period_end})
    return plan, year


def midpoint_year(plan: Plan) -> int:
    return (plan.period_start + plan.period_end) // 2


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ReportError(_("format: 应为 %(formats)s") % {"formats": _(" 或 ").join(FORMATS)})


def report_plans():
    return (Plan.objects.annotate(indicator_count=Count("indicators")).filter(indicator_count__gt=0)
            .defer("text").order_by("-period_end", "code"))


def white_paper_plan(year: int) -> Plan:
    """The programme the white paper of `year` reports on: the plan in force that year with most indicators."""
    plan = (Plan.objects.filter(Q(period_start__lte=year) & Q(period_end__gte=year))
            .annotate(indicator_count=Count("indicators")).defer("text")
            .order_by("-indicator_count", "code").first())
    if plan is None:
        raise ReportError(_("year: %(year)s 年没有生效的规划") % {"year": year})
    return plan


def white_paper_years() -> list[int]:
    """Years a white paper can be issued for: the current programme's years up to the latest approved one
    (the programme the cockpit shows: a freshly imported plan without values does not displace it)."""
    try:
        plan = cockpit_plan()
    except CockpitError:
        return []
    return list(range(latest_approved_year(plan), plan.period_start - 1, -1))


def _render(report, fmt: str) -> bytes:
    return docx_bytes(report) if fmt == "docx" else pdf_bytes(report)


def _report(kind: str, plan: Plan, year: int, make):
    """The report's content (statuses, sentences, charts) is cached by approval marker, so asking for the
    PDF after the DOCX only renders it again instead of recomputing every status."""
    key = f"reports:{kind}:v1:{plan.pk}:{year}:{approval_marker(plan)}"
    report = cache.get(key)
    if report is None:
        report = make(plan=plan, year=year)
        cache.set(key, report, CACHE_SECONDS)
    return report


def white_paper_build(*, year: int, fmt: str, by: User | None) -> bytes:
    _check_format(fmt)
    plan = white_paper_plan(year)
    data = _render(_report("white-paper", plan, year, content.white_paper), fmt)
    audit_record(action=AuditAction.EXPORT, by=by, obj=plan, message=f"white paper {year} ({fmt})")
    return data


def midterm_evaluation_build(*, plan: Plan, year: int, fmt: str, by: User | None) -> bytes:
    _check_format(fmt)
    if not plan.period_start <= year <= plan.period_end:
        raise ReportError(_("year: %(year)s 不在规划期 %(period_start)s–%(period_end)s 内") % {"year": year, "period_start": plan.period_start, "period_end": plan.period_end})
    data = _render(_report("midterm", plan, year, content.midterm_evaluation), fmt)
    audit_record(action=AuditAction.EXPORT, by=by, obj=plan, message=f"midterm evaluation {year} ({fmt})")
    return data
