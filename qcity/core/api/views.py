from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core import deadlines, selectors, workdays
from qcity.core.choices import Role
from qcity.core.filters import AuditEventFilter
from qcity.core.permissions import HasRole

from .serializers import (
    AuditEventSerializer,
    DeadlineQuerySerializer,
    DeadlineResultSerializer,
    DepartmentSerializer,
    LegalDurationSerializer,
    OrgUnitSerializer,
    WorkingDaysQuerySerializer,
    WorkingDaysResultSerializer,
)


class OrgUnitListApi(generics.ListAPIView):
    """Org units (GB/T 2260 divisions and development zones): readable by every role."""

    permission_classes = [HasRole]
    required_roles = frozenset(Role)
    serializer_class = OrgUnitSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.org_unit_list()


class DepartmentListApi(generics.ListAPIView):
    permission_classes = [HasRole]
    required_roles = frozenset(Role)
    serializer_class = DepartmentSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.department_list()


class AuditEventListApi(generics.ListAPIView):
    """The audit log: only the audit administrator reads it."""

    permission_classes = [HasRole]
    required_roles = frozenset({Role.AUDIT_ADMIN})
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return selectors.audit_event_list()


class LegalDurationListApi(generics.ListAPIView):
    """Statutory time limits with their unit, legal source and period in force."""

    permission_classes = [HasRole]
    required_roles = frozenset(Role)
    serializer_class = LegalDurationSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.legal_duration_list()


def _calendar_error(exc: workdays.CalendarNotAvailable, field: str) -> ValidationError:
    return ValidationError({field: [str(exc)]})


class WorkingDaysApi(APIView):
    """Working-day arithmetic on the official schedule; 400 for a date in a year without one."""

    permission_classes = [HasRole]
    required_roles = frozenset(Role)

    @extend_schema(parameters=[WorkingDaysQuerySerializer], responses=WorkingDaysResultSerializer)
    def get(self, request):
        query = WorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.validated_data["start"]
        try:
            if "days" in query.validated_data:
                days = query.validated_data["days"]
                end = workdays.add_working_days(start, days)
            else:
                end = query.validated_data["end"]
                days = workdays.working_days_between(start, end)
        except workdays.CalendarNotAvailable as exc:
            raise _calendar_error(exc, "start" if exc.year == start.year else "days") from exc
        return Response(WorkingDaysResultSerializer({"start": start, "days": days, "end": end}).data)


class DeadlineApi(APIView):
    """The deadline of a named legal duration starting on `start`, under the rules in force then."""

    permission_classes = [HasRole]
    required_roles = frozenset(Role)

    @extend_schema(parameters=[DeadlineQuerySerializer], responses=DeadlineResultSerializer)
    def get(self, request, code):
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.validated_data["start"]
        try:
            duration = deadlines.legal_duration_in_force(code, start)
            end = workdays.add_period(start, duration.value, duration.unit)
        except deadlines.DurationNotDefined as exc:
            raise NotFound(str(exc)) from exc
        except workdays.CalendarNotAvailable as exc:
            raise _calendar_error(exc, "start") from exc
        return Response(DeadlineResultSerializer(
            {"code": code, "start": start, "deadline": end, "duration": duration}).data)
