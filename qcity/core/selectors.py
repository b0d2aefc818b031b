"""Reads for the core module."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import (
    AuditEvent,
    Department,
    HolidayCalendarDay,
    HolidayCalendarYear,
    LegalDuration,
    OrgUnit,
    User,
)


def city_and_districts() -> tuple[OrgUnit, list[OrgUnit]]:
    """The city and the units directly under it (districts, counties, zones), in their display order."""
    city = OrgUnit.objects.get(parent__isnull=True)
    return city, list(OrgUnit.objects.filter(parent=city).order_by("sort_order", "pk"))


def org_unit_list() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.select_related("parent").order_by("path")


def department_list() -> QuerySet[Department]:
    return Department.objects.select_related("org_unit")


def legal_duration_list() -> QuerySet[LegalDuration]:
    return LegalDuration.objects.all()


def holiday_calendar_years() -> QuerySet[HolidayCalendarYear]:
    return HolidayCalendarYear.objects.order_by("-year")


def holiday_calendar_days(year: int) -> QuerySet[HolidayCalendarDay]:
    return HolidayCalendarDay.objects.filter(date__year=year).order_by("date")


def user_list() -> QuerySet[User]:
    return User.objects.select_related("org_unit", "department").prefetch_related(
        "role_assignments__org_unit").order_by("username")


def audit_event_list() -> QuerySet[AuditEvent]:
    """Only the audit administrator reaches this (views and API check the role)."""
    return AuditEvent.objects.select_related("org_unit")
