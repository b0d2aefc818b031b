from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core import deadlines, holiday_schedule, selectors, services, workdays
from qcity.core.choices import Role
from qcity.core.filters import (
    AuditEventFilter,
    DeadlineChangeFilter,
    DepartmentFilter,
    LegalDurationFilter,
    OrgUnitFilter,
)
from qcity.core.parsers import DepthLimitedJSONParser, NulCheckingMultiPartParser
from qcity.core.permissions import HasRole
from qcity.core.roles import EVERYONE, STAFF_AND_SYSTEM_ADMIN
from qcity.core.uploads import request_too_large

from .serializers import (
    AuditEventSerializer,
    DeadlineChangeSerializer,
    DeadlineQuerySerializer,
    DeadlineResultSerializer,
    DepartmentSerializer,
    HolidayScheduleSerializer,
    HolidayYearSerializer,
    LegalDurationSerializer,
    OrgUnitSerializer,
    WorkingDaysQuerySerializer,
    WorkingDaysResultSerializer,
)


class OrgUnitListApi(generics.ListAPIView):
    """Org units (GB/T 2260 divisions and development zones): readable by every role."""

    permission_classes = [HasRole]
    required_roles = EVERYONE
    serializer_class = OrgUnitSerializer
    pagination_class = None
    filterset_class = OrgUnitFilter

    def get_queryset(self):
        return selectors.org_unit_list()


class DepartmentListApi(generics.ListAPIView):
    permission_classes = [HasRole]
    required_roles = EVERYONE
    serializer_class = DepartmentSerializer
    pagination_class = None
    filterset_class = DepartmentFilter

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
    required_roles = EVERYONE
    serializer_class = LegalDurationSerializer
    pagination_class = None
    filterset_class = LegalDurationFilter

    def get_queryset(self):
        return selectors.legal_duration_list()


class WorkingDaysApi(APIView):
    """Working-day arithmetic on the official schedule, or the provisional one for a year without it
    (`provisional: true`, with the year)."""

    permission_classes = [HasRole]
    required_roles = EVERYONE

    @extend_schema(parameters=[WorkingDaysQuerySerializer], responses=WorkingDaysResultSerializer)
    def get(self, request):
        query = WorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.validated_data["start"]
        if "days" in query.validated_data:
            days = query.validated_data["days"]
            end = workdays.add_working_days(start, days)
        else:
            end = query.validated_data["end"]
            days = workdays.working_days_between(start, end)
        year = workdays.provisional_year(start, end)
        return Response(WorkingDaysResultSerializer(
            {"start": start, "days": days, "end": end, "provisional": year is not None, "provisional_year": year}).data)


class DeadlineApi(APIView):
    """The deadline of a named legal duration starting on `start`, under the rules in force then."""

    permission_classes = [HasRole]
    required_roles = EVERYONE

    @extend_schema(parameters=[DeadlineQuerySerializer], responses=DeadlineResultSerializer)
    def get(self, request, code):
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.validated_data["start"]
        try:
            duration = deadlines.legal_duration_in_force(code, start)
        except deadlines.DurationNotDefined as exc:
            raise NotFound(str(exc)) from exc
        due = deadlines.deadline(code, start)
        return Response(DeadlineResultSerializer(
            {"code": code, "start": start, "deadline": due.on, "provisional": due.provisional,
             "provisional_year": due.provisional_year, "duration": duration}).data)


class HolidayCalendarYearListApi(APIView):
    """Each year's days off and adjusted workdays: official, or provisional for this year and the next when
    their schedule is missing."""

    permission_classes = [HasRole]
    required_roles = EVERYONE

    @extend_schema(responses=HolidayYearSerializer(many=True))
    def get(self, request):
        return Response(HolidayYearSerializer(
            [_year_payload(entry["year"], entry["official"])
             for entry in selectors.holiday_calendar_years(timezone.localdate())], many=True).data)


def _year_payload(year: int, official) -> dict:
    return {"year": year, "official": official is not None, "source": official.source if official else "",
            "days": [{"date": d["date"].isoformat(), "type": "班" if d["is_workday"] else "休", "name": d["name"]}  # i18n-ignore: API tokens
                     for d in selectors.holiday_calendar_days(year)]}


class HolidayCalendarYearImportApi(APIView):
    """Enter a year's official schedule (system administrator) as JSON, or upload the notice as an xlsx or
    JSON `file` (multipart). The whole year is checked and nothing is written on any error (400 naming the
    line); a year that is already official needs `correction: true`. The stored deadlines it moves are
    recomputed and listed at /api/deadline-changes/. 201 when the schedule was written; 200 when the same
    notice was already entered (a resent request changes nothing)."""

    permission_classes = [HasRole]
    required_roles = frozenset({Role.SYSTEM_ADMIN})
    parser_classes = [DepthLimitedJSONParser, NulCheckingMultiPartParser]

    @extend_schema(request=HolidayScheduleSerializer, responses={201: HolidayYearSerializer, 200: HolidayYearSerializer})
    def post(self, request):
        too_large = request_too_large(request)
        if too_large:
            raise ValidationError({"file": [too_large]})
        upload = request.FILES.get("file")
        data = request.data.dict() if hasattr(request.data, "dict") else request.data
        if upload is not None:
            file_year, file_source, days = _with_field("file", lambda: holiday_schedule.read_upload(upload))
            data = {"year": file_year, "source": file_source, **{k: v for k, v in data.items() if k != "file"}}
        payload = HolidayScheduleSerializer(data=data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        if upload is None:
            if "days" not in values:
                raise ValidationError({"days": [_("请提供 days 数组，或上传文件 file")]})
            days = _with_field("days", lambda: holiday_schedule.parse_items(values["days"]))
        elif file_year is not None and file_year != values["year"]:
            raise ValidationError({"year": [_("文件中的年份 %(file_year)s 与 year %(year)s 不一致") % {"file_year": file_year, "year": values['year']}]})
        cal_year = services.holiday_calendar_year_set(year=values["year"], days=days, source=values["source"],
                                                      correction=values["correction"], by=request.user)
        return Response(HolidayYearSerializer(_year_payload(cal_year.year, cal_year)).data,
                        status=status.HTTP_201_CREATED if cal_year.written else status.HTTP_200_OK)


def _with_field(field: str, parse):
    """Run a parser; its ValidationError becomes a 400 naming `field`."""
    try:
        return parse()
    except DjangoValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


class DeadlineChangeListApi(generics.ListAPIView):
    """Stored deadlines moved when an official holiday schedule was entered, in the caller's org units."""

    permission_classes = [HasRole]
    required_roles = STAFF_AND_SYSTEM_ADMIN
    serializer_class = DeadlineChangeSerializer
    filterset_class = DeadlineChangeFilter

    def get_queryset(self):
        return selectors.deadline_change_list(user=self.request.user)
