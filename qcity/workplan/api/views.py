from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.downloads import attachment_response
from qcity.core.parsers import DepthLimitedJSONParser, NulCheckingMultiPartParser
from qcity.core.permissions import HasRole
from qcity.core.uploads import request_too_large
from qcity.workplan import selectors, services
from qcity.workplan.filters import SupervisionFilter, TaskFilter
from qcity.workplan.models import TaskProgress
from qcity.workplan.selectors import OFFICE_ROLES, VIEWER_ROLES

from .serializers import (
    NoticeIssueSerializer,
    NoticeSerializer,
    SupervisionOpenSerializer,
    SupervisionResolveSerializer,
    SupervisionSerializer,
    TaskCompleteInputSerializer,
    TaskInputSerializer,
    TaskProgressInputSerializer,
    TaskProgressSerializer,
    TaskSerializer,
    TaskUpdateSerializer,
)


class _ReadAllWriteOffice:
    """Every viewer role reads (scoped by the selector); only the leadership office writes."""

    permission_classes = [HasRole]

    @property
    def required_roles(self):
        return VIEWER_ROLES if self.request.method in ("GET", "HEAD", "OPTIONS") else OFFICE_ROLES


def _today_context(view):
    return {**generics.GenericAPIView.get_serializer_context(view), "today": timezone.localdate()}


class TaskListApi(_ReadAllWriteOffice, generics.ListAPIView):
    """Tasks in the caller's scope. Filters: q, plan, department (lead or supporting), lead_department,
    org_unit, status, overdue=yes|no, deadline_year."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self):
        return selectors.task_list(user=self.request.user)

    def get_serializer_context(self):
        return _today_context(self)

    @extend_schema(request=TaskInputSerializer, responses={201: TaskSerializer})
    def post(self, request):
        """Create a task (leadership office)."""
        data = TaskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_create(by=request.user, **data.validated_data)
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


class TaskDetailApi(_ReadAllWriteOffice, generics.RetrieveAPIView):
    serializer_class = TaskSerializer

    def get_object(self):
        return selectors.task_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_context(self):
        return _today_context(self)

    @extend_schema(request=TaskUpdateSerializer, responses=TaskSerializer)
    def patch(self, request, pk):
        """Change a task's definition (leadership office)."""
        task = self.get_object()
        data = TaskUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_update(task=task, by=request.user, **data.validated_data)
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data)


class TaskProgressApi(generics.ListAPIView):
    """A task's progress reports; POST reports progress (lead or supporting department reporters, the
    district officer of a district task, the office) as JSON or multipart with an attachment."""

    permission_classes = [HasRole]
    required_roles = VIEWER_ROLES
    serializer_class = TaskProgressSerializer
    parser_classes = [DepthLimitedJSONParser, NulCheckingMultiPartParser, FormParser]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no task in the URL
            return TaskProgress.objects.none()
        task = selectors.task_get(user=self.request.user, pk=self.kwargs["pk"])
        return task.progress_reports.select_related("department", "reported_by")

    @extend_schema(request=TaskProgressInputSerializer, responses={201: TaskProgressSerializer})
    def post(self, request, pk):
        too_big = request_too_large(request)
        if too_big:
            raise ValidationError({"attachment": [too_big]})
        task = selectors.task_get(user=request.user, pk=pk)
        data = TaskProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.task_progress_report(task=task, by=request.user, **data.validated_data)
        return Response(TaskProgressSerializer(report).data, status=status.HTTP_201_CREATED)


class TaskProgressAttachmentApi(APIView):
    """A progress report's attachment, for users whose task scope covers the report's task."""

    permission_classes = [HasRole]
    required_roles = VIEWER_ROLES

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        report = get_object_or_404(TaskProgress, pk=pk, task__in=selectors.task_list(user=request.user).values("pk"))
        if not report.attachment:
            raise Http404
        return attachment_response(report.attachment, report.attachment.name.rsplit("/", 1)[-1])


class TaskCompleteApi(APIView):
    permission_classes = [HasRole]
    required_roles = VIEWER_ROLES  # the lead department or district; the service checks which task

    @extend_schema(request=TaskCompleteInputSerializer, responses=TaskSerializer)
    def post(self, request, pk):
        task = selectors.task_get(user=request.user, pk=pk)
        data = TaskCompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_complete(task=task, by=request.user, note=data.validated_data.get("note", ""))
        return Response(TaskSerializer(task, context={"today": timezone.localdate()}).data)


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
        task = selectors.task_list(user=request.user).filter(pk=values.pop("task")).first()
        if task is None:
            raise ValidationError({"task": ["任务不存在"]})
        supervision = services.supervision_open(task=task, by=request.user, **values)
        return Response(SupervisionSerializer(supervision).data, status=status.HTTP_201_CREATED)


class _SupervisionAction(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICE_ROLES

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

    def get_queryset(self):
        return selectors.notice_list()

    @extend_schema(request=NoticeIssueSerializer, responses={201: NoticeSerializer})
    def post(self, request):
        data = NoticeIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ids = set(values.pop("tasks"))
        tasks = list(selectors.task_list(user=request.user).filter(pk__in=ids))
        missing = ids - {t.pk for t in tasks}
        if missing:
            raise ValidationError({"tasks": [f"任务不存在：{', '.join(map(str, sorted(missing)))}"]})
        notice = services.notice_issue(tasks=tasks, by=request.user, **values)
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class NoticeDownloadApi(APIView):
    permission_classes = [HasRole]
    required_roles = VIEWER_ROLES

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"):
                              OpenApiTypes.BINARY})
    def get(self, request, pk):
        notice = get_object_or_404(selectors.notice_list(), pk=pk)
        if not notice.file:
            raise Http404
        return attachment_response(notice.file, f"{notice.number}.docx")
