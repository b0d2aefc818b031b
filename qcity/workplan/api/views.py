from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.downloads import attachment_response
from qcity.core.parsers import DepthLimitedJSONParser, NulCheckingMultiPartParser
from qcity.core.permissions import HasRole
from qcity.core.roles import OFFICE, PROGRAMME
from qcity.core.uploads import request_too_large
from qcity.workplan import selectors, services
from qcity.workplan.filters import NoticeFilter, PlanTaskFilter, SupervisionFilter
from qcity.workplan.models import TaskProgress

from .serializers import (
    NoticeIssueSerializer,
    NoticeSerializer,
    PlanTaskCompleteInputSerializer,
    PlanTaskInputSerializer,
    PlanTaskSerializer,
    PlanTaskUpdateSerializer,
    SupervisionOpenSerializer,
    SupervisionResolveSerializer,
    SupervisionSerializer,
    TaskProgressInputSerializer,
    TaskProgressSerializer,
)


class _ReadAllWriteOffice:
    """Every viewer role reads (scoped by the selector); only the leadership office writes."""

    permission_classes = [HasRole]

    @property
    def required_roles(self):
        return PROGRAMME if self.request.method in ("GET", "HEAD", "OPTIONS") else OFFICE


def _today_context(view):
    return {**generics.GenericAPIView.get_serializer_context(view), "today": timezone.localdate()}


class PlanTaskListApi(_ReadAllWriteOffice, generics.ListAPIView):
    """Tasks in the caller's scope. Filters: q, plan, department (lead or supporting), lead_department,
    org_unit, status, overdue=yes|no, deadline_year."""

    serializer_class = PlanTaskSerializer
    filterset_class = PlanTaskFilter

    def get_queryset(self):
        return selectors.plan_task_list(user=self.request.user)

    def get_serializer_context(self):
        return _today_context(self)

    @extend_schema(request=PlanTaskInputSerializer, responses={201: PlanTaskSerializer})
    def post(self, request):
        """Create a task (leadership office)."""
        data = PlanTaskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.plan_task_create(by=request.user, **data.validated_data)
        return Response(PlanTaskSerializer(task, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


class PlanTaskDetailApi(_ReadAllWriteOffice, generics.RetrieveAPIView):
    serializer_class = PlanTaskSerializer

    def get_object(self):
        return selectors.plan_task_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_context(self):
        return _today_context(self)

    @extend_schema(request=PlanTaskUpdateSerializer, responses=PlanTaskSerializer)
    def patch(self, request, pk):
        """Change a task's definition (leadership office)."""
        task = self.get_object()
        data = PlanTaskUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.plan_task_update(task=task, by=request.user, **data.validated_data)
        return Response(PlanTaskSerializer(task, context=self.get_serializer_context()).data)


class PlanTaskProgressApi(generics.ListAPIView):
    """A task's progress reports; POST reports progress (lead or supporting department reporters, the
    district officer of a district task, the office) as JSON or multipart with an attachment."""

    permission_classes = [HasRole]
    required_roles = PROGRAMME
    serializer_class = TaskProgressSerializer
    parser_classes = [DepthLimitedJSONParser, NulCheckingMultiPartParser, FormParser]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no task in the URL
            return TaskProgress.objects.none()
        task = selectors.plan_task_get(user=self.request.user, pk=self.kwargs["pk"])
        return task.progress_reports.select_related("department", "reported_by")

    @extend_schema(request=TaskProgressInputSerializer, responses={201: TaskProgressSerializer})
    def post(self, request, pk):
        too_big = request_too_large(request)
        if too_big:
            raise ValidationError({"attachment": [too_big]})
        task = selectors.plan_task_get(user=request.user, pk=pk)
        data = TaskProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.plan_task_progress_report(task=task, by=request.user, **data.validated_data)
        return Response(TaskProgressSerializer(report).data, status=status.HTTP_201_CREATED)


class TaskProgressAttachmentApi(APIView):
    """A progress report's attachment, for users whose task scope covers the report's task."""

    permission_classes = [HasRole]
    required_roles = PROGRAMME

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        report = get_object_or_404(TaskProgress, pk=pk, task__in=selectors.plan_task_list(user=request.user).values("pk"))
        if not report.attachment:
            raise Http404
        return attachment_response(report.attachment, report.attachment.name.rsplit("/", 1)[-1])


class PlanTaskCompleteApi(APIView):
    permission_classes = [HasRole]
    required_roles = PROGRAMME  # the lead department or district; the service checks which task

    @extend_schema(request=PlanTaskCompleteInputSerializer, responses=PlanTaskSerializer)
    def post(self, request, pk):
        task = selectors.plan_task_get(user=request.user, pk=pk)
        data = PlanTaskCompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.plan_task_complete(task=task, by=request.user, note=data.validated_data.get("note", ""))
        return Response(PlanTaskSerializer(task, context={"today": timezone.localdate()}).data)


class SupervisionListApi(_ReadAllWriteOffice, generics.ListAPIView):
    """Supervisions of the tasks in the caller's scope; POST opens one (leadership office)."""

    serializer_class = SupervisionSerializer
    filterset_class = SupervisionFilter

    def get_queryset(self):
        return selectors.supervision_list(user=self.request.user)

    @extend_schema(request=SupervisionOpenSerializer, responses={201: SupervisionSerializer})
    def post(self, request):
        data = SupervisionOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        task = selectors.plan_task_list(user=request.user).filter(pk=values.pop("task")).first()
        if task is None:
            raise ValidationError({"task": [_("任务不存在")]})
        supervision = services.supervision_open(task=task, by=request.user, **values)
        return Response(SupervisionSerializer(supervision).data, status=status.HTTP_201_CREATED)


class _SupervisionAction(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICE

    def get_supervision(self, pk):
        return get_object_or_404(selectors.supervision_list(user=self.request.user), pk=pk)


class SupervisionEscalateApi(_SupervisionAction):
    @extend_schema(request=None, responses=SupervisionSerializer)
    def post(self, request, pk):
        supervision = services.supervision_escalate(supervision=self.get_supervision(pk), by=request.user)
        return Response(SupervisionSerializer(supervision).data)


class SupervisionResolveApi(_SupervisionAction):
    @extend_schema(request=SupervisionResolveSerializer, responses=SupervisionSerializer)
    def post(self, request, pk):
        supervision = self.get_supervision(pk)
        data = SupervisionResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        supervision = services.supervision_resolve(supervision=supervision, by=request.user, **data.validated_data)
        return Response(SupervisionSerializer(supervision).data)


class NoticeListApi(_ReadAllWriteOffice, generics.ListAPIView):
    """Notices (通报); POST generates one as DOCX (leadership office)."""

    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter

    def get_queryset(self):
        return selectors.notice_list()

    @extend_schema(request=NoticeIssueSerializer, responses={201: NoticeSerializer})
    def post(self, request):
        data = NoticeIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ids = set(values.pop("tasks"))
        tasks = list(selectors.plan_task_list(user=request.user).filter(pk__in=ids))
        missing = ids - {t.pk for t in tasks}
        if missing:
            raise ValidationError({"tasks": [_("任务不存在：%(missing)s") % {"missing": ', '.join(map(str, sorted(missing)))}]})
        notice = services.notice_issue(tasks=tasks, by=request.user, **values)
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class NoticeDownloadApi(APIView):
    permission_classes = [HasRole]
    required_roles = PROGRAMME

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"):
                              OpenApiTypes.BINARY})
    def get(self, request, pk):
        notice = get_object_or_404(selectors.notice_list(), pk=pk)
        if not notice.file:
            raise Http404
        return attachment_response(notice.file, f"{notice.number}.docx")
