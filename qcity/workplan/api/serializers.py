from rest_framework import serializers

from qcity.core.api.serializers import ProvisionalField
from qcity.core.fields import BoundedDateField, BoundedIntegerField, CleanTextField, IdField
from qcity.core.models import Department, OrgUnit
from qcity.core.uploads import ATTACHMENT_TYPES, UploadValidator
from qcity.indicators.models import Plan
from qcity.workplan.choices import NoticeKind, SupervisionLevel
from qcity.workplan.models import Notice, PlanTask, Supervision, TaskProgress


class PlanTaskSerializer(serializers.ModelSerializer):
    plan_code = serializers.CharField(source="plan.code", read_only=True)
    lead_department_code = serializers.CharField(source="lead_department.code", read_only=True)
    supporting_department_codes = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    days_late = serializers.SerializerMethodField()
    plan_text_url = serializers.SerializerMethodField()

    class Meta:
        model = PlanTask
        fields = ["id", "plan", "plan_code", "code", "title", "section", "quote", "quote_start", "plan_text_url",
                  "lead_department", "lead_department_code", "supporting_departments", "supporting_department_codes",
                  "org_unit", "start_date", "deadline", "deliverable", "status", "progress", "completed_at",
                  "is_overdue", "days_late"]

    def get_supporting_department_codes(self, task) -> list[str]:
        return [d.code for d in task.supporting_departments.all()]

    def get_is_overdue(self, task) -> bool:
        return task.is_overdue(self.context["today"])

    def get_days_late(self, task) -> int:
        return task.days_late(self.context["today"])

    def get_plan_text_url(self, task) -> str | None:
        if task.quote_start is None:
            return None
        return f"/indicators/plans/{task.plan.code}/#q{task.quote_start}"


class PlanTaskInputSerializer(serializers.Serializer):
    """Input shape only: quote-in-plan, dates within the plan and the office role are the service's rules."""

    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
    code = CleanTextField(max_length=30)
    title = CleanTextField(max_length=200)
    section = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quote = serializers.CharField()
    lead_department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    supporting_departments = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all(),
                                                          many=True, required=False)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    start_date = BoundedDateField()
    deadline = BoundedDateField()
    deliverable = serializers.CharField(max_length=300)


class PlanTaskUpdateSerializer(PlanTaskInputSerializer):
    plan = None
    code = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class TaskProgressSerializer(serializers.ModelSerializer):
    department_code = serializers.CharField(source="department.code", read_only=True, default=None)
    reported_by = serializers.CharField(source="reported_by.username", read_only=True, default=None)
    attachment = serializers.SerializerMethodField()

    class Meta:
        model = TaskProgress
        fields = ["id", "task", "department_code", "reported_by", "reported_at", "percent", "text", "attachment"]

    def get_attachment(self, report) -> str | None:
        """The scope-checked download, never the file's storage URL (there is no public /media/)."""
        return f"/api/task-progress/{report.pk}/attachment/" if report.attachment else None


class TaskProgressInputSerializer(serializers.Serializer):
    percent = BoundedIntegerField(min_value=0, max_value=100)
    text = serializers.CharField()
    attachment = serializers.FileField(required=False, validators=[UploadValidator(ATTACHMENT_TYPES)])


class PlanTaskCompleteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SupervisionSerializer(serializers.ModelSerializer):
    respond_by_provisional = ProvisionalField("respond_by")
    task_code = serializers.CharField(source="task.code", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Supervision
        fields = ["id", "task", "task_code", "level", "level_label", "opened_at", "escalated_at", "respond_by", "respond_by_provisional", "respond_by_provisional_year",
                  "reason", "status", "resolved_at", "resolution"]


class SupervisionOpenSerializer(serializers.Serializer):
    task = IdField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=SupervisionLevel.choices, required=False)


class SupervisionResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=500)


class NoticeSerializer(serializers.ModelSerializer):
    task_codes = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "kind", "number", "title", "year", "body", "tasks", "task_codes", "issued_at", "download_url"]

    def get_task_codes(self, notice) -> list[str]:
        return [t.code for t in notice.tasks.all()]

    def get_download_url(self, notice) -> str | None:
        return f"/api/notices/{notice.pk}/download/" if notice.file else None


class NoticeIssueSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoticeKind.choices)
    tasks = serializers.ListField(child=IdField(), allow_empty=False)
    title = CleanTextField(max_length=200, required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    year = BoundedIntegerField(required=False, min_value=2000, max_value=2100)
