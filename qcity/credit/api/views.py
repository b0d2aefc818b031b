from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.access import require_scope
from qcity.core.downloads import attachment_response
from qcity.core.masking import mask_person_name
from qcity.core.permissions import HasRole
from qcity.core.roles import MARKET_OFFICERS, MARKET_OFFICERS_AND_ENTERPRISES, OFFICE
from qcity.credit import selectors, services
from qcity.credit.choices import CreditListKind
from qcity.credit.filters import (
    CreditEventFilter,
    CreditFileFilter,
    CreditListEntryFilter,
    CreditObjectionFilter,
    CreditRepairFilter,
)
from qcity.credit.models import CreditEvent, ScoringModel
from qcity.credit.scoring import risk_class_or_default

from .serializers import (
    CreditEventInputSerializer,
    CreditEventPublishInputSerializer,
    CreditEventSerializer,
    CreditFileEnterpriseSerializer,
    CreditFileSerializer,
    CreditListEntryInputSerializer,
    CreditListEntrySerializer,
    CreditListRemoveInputSerializer,
    CreditObjectionDecideInputSerializer,
    CreditObjectionInputSerializer,
    CreditObjectionSerializer,
    CreditPublishInputSerializer,
    CreditRepairAcceptInputSerializer,
    CreditRepairDecideInputSerializer,
    CreditRepairInputSerializer,
    CreditRepairSerializer,
    CreditWithdrawInputSerializer,
    PublicCreditFileSerializer,
    PublicCreditListEntrySerializer,
    ReclassifyOutcomeSerializer,
    ScoringModelInputSerializer,
    ScoringModelSerializer,
)


def _today():
    return timezone.localdate()


def _context(view):
    return {**generics.GenericAPIView.get_serializer_context(view), "today": _today(),
            "officer": selectors.is_officer(view.request.user)}


def _resolve(queryset, pk, field: str):
    """An id from the request body, inside the caller's scope, or 400 naming the field."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("不存在或不在您的管辖范围内")]})
    return found


def _input(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class _ReadFileWriteOfficer:
    """Officers and the enterprise itself read (scoped by the selector); officers write."""

    permission_classes = [HasRole]

    @property
    def required_roles(self):
        return MARKET_OFFICERS_AND_ENTERPRISES if self.request.method in ("GET", "HEAD", "OPTIONS") else MARKET_OFFICERS


class CreditFileListApi(generics.ListAPIView):
    """Credit files in the caller's scope with the risk class (officers). Filters: `CreditFileFilter`."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = CreditFileEnterpriseSerializer
    filterset_class = CreditFileFilter

    def get_queryset(self):
        return selectors.credit_file_list(user=self.request.user).order_by("-id")


class CreditFileApi(APIView):
    """One enterprise's credit file. Enterprise users get their own file without the risk class."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES

    @extend_schema(responses=CreditFileSerializer, operation_id="credit_file_retrieve")
    def get(self, request, pk):
        user = request.user
        enterprise = selectors.credit_file_get(user=user, pk=pk)
        officer = selectors.is_officer(user)
        classification = selectors.credit_classification_get(enterprise) if officer else None
        enterprise.risk_class = risk_class_or_default(classification) if officer else None
        data = {
            "enterprise": enterprise,
            "classification": classification,
            "class_history": selectors.credit_class_change_list(enterprise) if officer else None,
            "events": selectors.credit_event_list(user=user).filter(enterprise=enterprise),
            "list_entries": selectors.credit_list_entry_list(user=user).filter(enterprise=enterprise),
            "repairs": selectors.credit_repair_list(user=user).filter(enterprise=enterprise).prefetch_related(
                "attachments"),
            "objections": selectors.credit_objection_list(user=user).filter(enterprise=enterprise).prefetch_related(
                "attachments"),
        }
        context = {"today": _today(), "parameters": services.scoring_model_in_force().parameters, "officer": officer}
        return Response(CreditFileSerializer(data, context=context).data)


class CreditEventListApi(_ReadFileWriteOfficer, generics.ListAPIView):
    """Credit events in the caller's scope. Filters: `CreditEventFilter` (enterprise, kind, status, overdue=yes)."""

    serializer_class = CreditEventSerializer
    filterset_class = CreditEventFilter

    def get_queryset(self):
        return selectors.credit_event_list(user=self.request.user)

    def get_serializer_context(self):
        return _context(self)

    @extend_schema(request=CreditEventInputSerializer, responses={201: CreditEventSerializer})
    def post(self, request):
        """Record a credit event (officers of the enterprise's org unit); reclassifies the enterprise."""
        data = _input(CreditEventInputSerializer, request)
        enterprise = _resolve(selectors.credit_file_list(user=request.user), data.pop("enterprise"), "enterprise")
        require_scope(request.user, enterprise.org_unit, roles=MARKET_OFFICERS, action="record a credit event")
        event = services.credit_event_record(enterprise=enterprise, by=request.user, **data)
        return Response(CreditEventSerializer(event, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class CreditEventPublishApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(request=CreditEventPublishInputSerializer, responses=CreditEventSerializer)
    def post(self, request, pk):
        """Publish an event (penalties: within 20 working days of the decision). Refused (400 on
        `public_summary`) while the public summary holds personal data, unless the only data is the
        penalised enterprise's legal representative's name, confirmed in `confirm_names`."""
        event = selectors.credit_event_get(user=request.user, pk=pk)
        require_scope(request.user, event.enterprise.org_unit, roles=MARKET_OFFICERS, action="publish a credit event")
        event = services.credit_event_publish_item(event=event, by=request.user,
                                                   **_input(CreditEventPublishInputSerializer, request))
        return Response(CreditEventSerializer(event, context={"today": _today(), "officer": True}).data)


class CreditEventWithdrawApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(request=CreditWithdrawInputSerializer, responses=CreditEventSerializer)
    def post(self, request, pk):
        """Withdraw an event (decision changed or revoked); it stays in the file and stops counting."""
        event = selectors.credit_event_get(user=request.user, pk=pk)
        require_scope(request.user, event.enterprise.org_unit, roles=MARKET_OFFICERS, action="withdraw a credit event")
        event = services.credit_event_withdraw_item(event=event, by=request.user,
                                                    **_input(CreditWithdrawInputSerializer, request))
        return Response(CreditEventSerializer(event, context={"today": _today(), "officer": True}).data)


class CreditListEntryListApi(_ReadFileWriteOfficer, generics.ListAPIView):
    """List entries in the caller's scope. Filters: `CreditListEntryFilter` (list_kind, status=listed|removed|all)."""

    serializer_class = CreditListEntrySerializer
    filterset_class = CreditListEntryFilter

    def get_queryset(self):
        return selectors.credit_list_entry_list(user=self.request.user)

    @extend_schema(request=CreditListEntryInputSerializer, responses={201: CreditListEntrySerializer})
    def post(self, request):
        """Put an enterprise on a list: abnormal (one of four reasons), serious (with the heavier penalty
        event) or red (leadership office)."""
        data = _input(CreditListEntryInputSerializer, request)
        user = request.user
        enterprise = _resolve(selectors.credit_file_list(user=user), data.pop("enterprise"), "enterprise")
        list_kind, penalty_id = data.pop("list_kind"), data.pop("penalty_event")
        if list_kind == CreditListKind.SERIOUS_VIOLATION:
            data.pop("reason", None)
            penalty = _resolve(CreditEvent.objects.filter(enterprise=enterprise), penalty_id, "penalty_event")
            if penalty is None:
                raise ValidationError({"penalty_event": [_("请选择所依据的较重行政处罚")]})
            entry = services.serious_list_enter(enterprise=enterprise, penalty_event=penalty, by=user, **data)
        else:
            if not data.get("reason"):
                raise ValidationError({"reason": [_("请选择列入事由")]})
            enter = services.abnormal_list_enter if list_kind == CreditListKind.ABNORMAL_OPERATIONS else services.red_list_enter
            entry = enter(enterprise=enterprise, by=user, **data)
        return Response(CreditListEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CreditListEntryPublishApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(request=CreditPublishInputSerializer, responses=CreditListEntrySerializer)
    def post(self, request, pk):
        """Publish a serious-list entry (within 20 working days of the decision)."""
        entry = selectors.credit_list_entry_get(user=request.user, pk=pk)
        entry = services.list_entry_publish(entry=entry, by=request.user, **_input(CreditPublishInputSerializer, request))
        return Response(CreditListEntrySerializer(entry).data)


class CreditListEntryRemoveApi(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICE

    @extend_schema(request=CreditListRemoveInputSerializer, responses=CreditListEntrySerializer)
    def post(self, request, pk):
        """Take an enterprise off the red list (leadership office). Other lists: repair, objection, expiry."""
        entry = selectors.credit_list_entry_get(user=request.user, pk=pk)
        entry = services.red_list_remove(entry=entry, by=request.user, **_input(CreditListRemoveInputSerializer, request))
        return Response(CreditListEntrySerializer(entry).data)


class CreditRepairListApi(generics.ListAPIView):
    """Credit repair applications in the caller's scope (the enterprise: its own). Filter: status=open|all."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES
    serializer_class = CreditRepairSerializer
    filterset_class = CreditRepairFilter

    def get_queryset(self):
        return selectors.credit_repair_list(user=self.request.user).prefetch_related("attachments")

    @extend_schema(request=CreditRepairInputSerializer, responses={201: CreditRepairSerializer})
    def post(self, request):
        """Apply for credit repair: proof of compliance and a credit commitment letter."""
        data = _input(CreditRepairInputSerializer, request)
        user = request.user
        entry = _resolve(selectors.credit_list_entry_list(user=user), data.pop("list_entry"), "list_entry")
        event = _resolve(selectors.credit_event_list(user=user), data.pop("credit_event"), "credit_event")
        target = entry or event
        if target is None:
            raise ValidationError({"list_entry": [_("请选择要修复的名录名单记录或行政处罚信息")]})
        application = services.credit_repair_apply(enterprise=target.enterprise, list_entry=entry, credit_event=event,
                                            by=user, **data)
        return Response(CreditRepairSerializer(application).data, status=status.HTTP_201_CREATED)


class CreditRepairAcceptApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(request=CreditRepairAcceptInputSerializer, responses=CreditRepairSerializer)
    def post(self, request, pk):
        """Accept a repair application (the decision period starts) or refuse to accept it."""
        application = selectors.credit_repair_get(user=request.user, pk=pk)
        application = services.credit_repair_accept(application=application, by=request.user,
                                             **_input(CreditRepairAcceptInputSerializer, request))
        return Response(CreditRepairSerializer(application).data)


class CreditRepairDecideApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(request=CreditRepairDecideInputSerializer, responses=CreditRepairSerializer)
    def post(self, request, pk):
        """Approve (removes the listing or stops the publication) or reject an accepted application."""
        application = selectors.credit_repair_get(user=request.user, pk=pk)
        application = services.credit_repair_decide(application=application, by=request.user,
                                             **_input(CreditRepairDecideInputSerializer, request))
        return Response(CreditRepairSerializer(application).data)


class CreditObjectionListApi(generics.ListAPIView):
    """Objections in the caller's scope (the enterprise: its own). Filter: status=open|all."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES
    serializer_class = CreditObjectionSerializer
    filterset_class = CreditObjectionFilter

    def get_queryset(self):
        return selectors.credit_objection_list(user=self.request.user).prefetch_related("attachments")

    @extend_schema(request=CreditObjectionInputSerializer, responses={201: CreditObjectionSerializer})
    def post(self, request):
        """Object to a published credit event or list entry."""
        data = _input(CreditObjectionInputSerializer, request)
        user = request.user
        event = _resolve(selectors.credit_event_list(user=user), data.pop("credit_event"), "credit_event")
        entry = _resolve(selectors.credit_list_entry_list(user=user), data.pop("list_entry"), "list_entry")
        objection = services.credit_objection_file(credit_event=event, list_entry=entry, by=user, **data)
        return Response(CreditObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class CreditObjectionDecideApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(request=CreditObjectionDecideInputSerializer, responses=CreditObjectionSerializer)
    def post(self, request, pk):
        """Uphold (withdraws the event or removes the listing) or dismiss an objection."""
        objection = selectors.credit_objection_get(user=request.user, pk=pk)
        objection = services.credit_objection_decide(objection=objection, by=request.user,
                                              **_input(CreditObjectionDecideInputSerializer, request))
        return Response(CreditObjectionSerializer(objection).data)


class CreditAttachmentDownloadApi(APIView):
    """A repair or objection document: the enterprise itself and the officers over its unit (others 404)."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        attachment = selectors.credit_attachment_get(user=request.user, pk=pk)
        return attachment_response(attachment.file, attachment.original_name)


class CreditScoringModelListApi(generics.ListAPIView):
    """Versions of the scoring model, newest first (the first is in force)."""

    permission_classes = [HasRole]
    queryset = ScoringModel.objects.all()
    serializer_class = ScoringModelSerializer

    @property
    def required_roles(self):
        return MARKET_OFFICERS if self.request.method in ("GET", "HEAD", "OPTIONS") else OFFICE

    @extend_schema(request=ScoringModelInputSerializer, responses={201: ScoringModelSerializer})
    def post(self, request):
        """Save a new version of the scoring model (leadership office)."""
        row = services.scoring_model_save(by=request.user, **_input(ScoringModelInputSerializer, request))
        return Response(ScoringModelSerializer(row).data, status=status.HTTP_201_CREATED)


class ReclassifyApi(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICE

    @extend_schema(request=None, responses=ReclassifyOutcomeSerializer)
    def post(self, request):
        """Reclassify every enterprise now with the model in force (leadership office)."""
        outcome = services.credit_reclassify_all(by=request.user)
        return Response(ReclassifyOutcomeSerializer(outcome).data)


# Public read-only endpoints (mounted in qcity/portal/api/urls.py).

class PublicCreditFileApi(APIView):
    """An enterprise's public credit file by credit code: published items inside their publication period,
    each with its public summary only (never the internal summary), personal data masked, never the risk
    class."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    is_public = True

    @extend_schema(responses=PublicCreditFileSerializer, operation_id="public_credit_file_retrieve")
    def get(self, request, uscc):
        enterprise = selectors.credit_file_public_get(uscc)
        today = _today()
        events = list(selectors.credit_event_public_list(enterprise, today))
        data = {"uscc": enterprise.uscc, "name": enterprise.name,
                "legal_representative": mask_person_name(enterprise.legal_representative),
                "org_unit": enterprise.org_unit.name, "status": enterprise.get_status_display(),
                "events": events, "list_entries": selectors.credit_list_entry_public_list(enterprise=enterprise)}
        return Response(PublicCreditFileSerializer(data).data)


class PublicCreditListApi(generics.ListAPIView):
    """The published abnormal-operations, serious-violation or red list."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    is_public = True
    serializer_class = PublicCreditListEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.credit_list_entry_public_list().none()
        kind = self.kwargs["list_kind"].replace("-", "_")
        if kind not in CreditListKind.values:
            return selectors.credit_list_entry_public_list().none()
        return selectors.credit_list_entry_public_list(list_kind=kind)
