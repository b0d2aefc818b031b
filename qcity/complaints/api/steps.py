"""The handling steps over the API: `POST /api/complaints/<pk>/<step>/`, one class per step, each naming its
service (services/handling.py). The complaint is looked up in the caller's scope (404 outside it); bad
input and a refused step are 400 naming the field; the answer is the complaint as its detail endpoint
shows it."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.complaints import selectors
from qcity.complaints.choices import (
    DeclineGround,
    MediationMode,
    MediationOutcome,
    Remedy,
    ReportTipDecision,
    SuspensionReason,
    TerminationGround,
)
from qcity.complaints.services import handling
from qcity.core.fields import BoundedDateField, BoundedDecimalField, BoundedIntegerField
from qcity.core.models import User
from qcity.core.permissions import HasRole
from qcity.core.roles import COMPLAINT_HANDLERS

from .serializers import ComplaintDetailSerializer


def _officer(**kwargs):
    """A handler, mediator or new mediator by id; the service checks that they cover the complaint's unit."""
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), **kwargs)


def _text(max_length: int, **kwargs):
    return serializers.CharField(max_length=max_length, **kwargs)


class ComplaintAssignInputSerializer(serializers.Serializer):
    handler = _officer()


class ComplaintAcceptInputSerializer(serializers.Serializer):
    handler = _officer(required=False, allow_null=True, default=None)
    accepted_on = BoundedDateField(required=False, allow_null=True, default=None)


class ComplaintDeclineInputSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=DeclineGround.choices)
    note = _text(2000, required=False, allow_blank=True, default="")


class ComplaintMediationStartInputSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=MediationMode.choices)
    mediator = _officer()


class ComplaintRecusalInputSerializer(serializers.Serializer):
    reason = _text(500)
    new_mediator = _officer(required=False, allow_null=True, default=None)


class ComplaintSuspendInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=SuspensionReason.choices)
    note = _text(500, required=False, allow_blank=True, default="")
    on = BoundedDateField(required=False, allow_null=True, default=None)


class ComplaintResumeInputSerializer(serializers.Serializer):
    on = BoundedDateField(required=False, allow_null=True, default=None)


class ComplaintExtendInputSerializer(serializers.Serializer):
    working_days = BoundedIntegerField(min_value=1, max_value=handling.EXTENSION_MAX_WORKING_DAYS)
    reason = _text(300)


class ComplaintClueRecordInputSerializer(serializers.Serializer):
    note = _text(1000)


class ComplaintExtensionReasonInputSerializer(serializers.Serializer):
    reason = _text(300)


class ComplaintClueVerifyInputSerializer(serializers.Serializer):
    substantiated = serializers.BooleanField()
    note = _text(1000, required=False, allow_blank=True, default="")


class ComplaintCloseInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=MediationOutcome.choices)
    remedy = serializers.ChoiceField(choices=Remedy.choices)
    amount_recovered = BoundedDecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                           allow_null=True, default=None)
    substantiated = serializers.BooleanField(required=False, default=False)
    note = _text(1000, required=False, allow_blank=True, default="")


class ComplaintTerminateInputSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=TerminationGround.choices)
    note = _text(1000, required=False, allow_blank=True, default="")


class ComplaintDecideInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReportTipDecision.choices)
    case_number = _text(50, required=False, allow_blank=True, default="")
    note = _text(1000, required=False, allow_blank=True, default="")


class ComplaintReportCloseInputSerializer(serializers.Serializer):
    substantiated = serializers.BooleanField()
    note = _text(1000, required=False, allow_blank=True, default="")


class _ComplaintStep(APIView):
    """A handling step: parse `input_serializer`, call `service(complaint=, by=, **data)`, answer the detail."""

    permission_classes: list[type[BasePermission]] = [HasRole]
    required_roles = COMPLAINT_HANDLERS
    input_serializer: type[serializers.Serializer] | None = None
    service = None

    def run(self, request, pk):
        complaint = selectors.complaint_get(user=request.user, pk=pk)
        values = {}
        if self.input_serializer is not None:
            data = self.input_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
        type(self).service(complaint=complaint, by=request.user, **values)
        complaint = selectors.complaint_get(user=request.user, pk=pk)
        return Response(ComplaintDetailSerializer(complaint, context={"request": request, "view": self}).data)


def _step(name: str, service, input_serializer, doc: str) -> type[_ComplaintStep]:
    """One step class, with its own schema entry (request shape, the detail as answer)."""
    def post(self, request, pk):
        return self.run(request, pk)

    post = extend_schema(request=input_serializer, responses=ComplaintDetailSerializer, summary=doc,
                         operation_id=f"complaints_{name.replace('-', '_')}")(post)
    class_name = "Complaint" + "".join(part.title() for part in name.split("-")) + "Api"
    return type(class_name, (_ComplaintStep,), {"service": service, "input_serializer": input_serializer,
                                                "post": post, "__doc__": doc})


# step → its class; the URL is `complaints/<pk>/<step>/`, named `api-complaint-<step>`.
STEP_APIS = {
    "assign": _step("assign", handling.complaint_assign, ComplaintAssignInputSerializer, "Name the handler in charge."),
    "accept": _step("accept", handling.complaint_accept, ComplaintAcceptInputSerializer, "Accept a complaint (starts the 45-working-day mediation period)."),
    "decline": _step("decline", handling.complaint_decline, ComplaintDeclineInputSerializer, "Decline a complaint on a ground of the law."),
    "mediation-start": _step("mediation-start", handling.complaint_mediation_start,
                             ComplaintMediationStartInputSerializer, "Start mediation with a mediator."),
    "recusal": _step("recusal", handling.complaint_recusal, ComplaintRecusalInputSerializer, "Record a recusal request; naming the new mediator resumes mediation."),
    "suspend": _step("suspend", handling.complaint_suspend, ComplaintSuspendInputSerializer, "Suspend mediation (testing, other lawful reason)."),
    "resume": _step("resume", handling.complaint_resume, ComplaintResumeInputSerializer, "Resume mediation; the deadline moves by the days suspended."),
    "extend": _step("extend", handling.complaint_extend, ComplaintExtendInputSerializer, "Extend the mediation period (1-45 working days in all)."),
    "clue-record": _step("clue-record", handling.complaint_clue_record, ComplaintClueRecordInputSerializer,
                         "Record a violation clue found in mediation (15 working days to verify)."),
    "clue-extend": _step("clue-extend", handling.complaint_clue_extend, ComplaintExtensionReasonInputSerializer,
                         "Extend the clue verification by 15 working days, once."),
    "clue-verify": _step("clue-verify", handling.complaint_clue_verify, ComplaintClueVerifyInputSerializer,
                         "Record the clue verification; substantiated opens a case lead."),
    "close": _step("close", handling.complaint_close, ComplaintCloseInputSerializer, "Close a complaint with its outcome; late closure is flagged."),
    "terminate": _step("terminate", handling.complaint_terminate, ComplaintTerminateInputSerializer, "Terminate mediation on a lawful ground."),
    "verify-start": _step("verify-start", handling.report_tip_verify_start, None, "Start the case-opening check of a report."),
    "check-extend": _step("check-extend", handling.report_tip_check_extend, ComplaintExtensionReasonInputSerializer,
                          "Extend the case-opening check by 15 working days, once."),
    "decide": _step("decide", handling.report_tip_decide, ComplaintDecideInputSerializer, "Decide whether to open a case on a report."),
    "reporter-notify": _step("reporter-notify", handling.report_tip_reporter_notify, None, "Tell a real-name reporter of the decision (SMS when chosen)."),
    "report-close": _step("report-close", handling.report_tip_close, ComplaintReportCloseInputSerializer, "Close a report whose case was opened."),
}
