from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.fields import query_int
from qcity.core.masking import mask_person_name
from qcity.core.permissions import HasRole
from qcity.credit import selectors, services
from qcity.credit.choices import CreditListKind
from qcity.credit.models import CreditEvent, ScoringModel
from qcity.credit.selectors import FILE_ROLES, OFFICE_ROLES, OFFICER_ROLES
from qcity.credit.services.access import require_officer
from qcity.enterprises.search import filter_by_text

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
    CreditWithdrawInputSerializer,
    PublicCreditFileSerializer,
    PublicListEntrySerializer,
    ReclassifyOutcomeSerializer,
    RepairAcceptInputSerializer,
    RepairApplicationInputSerializer,
    RepairApplicationSerializer,
    RepairDecideInputSerializer,
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
        raise ValidationError({field: ["不存在或不在您的管辖范围内"]})
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
        return FILE_ROLES if self.request.method in ("GET", "HEAD", "OPTIONS") else OFFICER_ROLES


class CreditFileListApi(generics.ListAPIView):
    """Credit files in the caller's scope with the risk class (officers). Filter: q (credit code or name)."""

    permission_classes = [HasRole]
    required_roles = OFFICER_ROLES
    serializer_class = CreditFileEnterpriseSerializer

    @extend_schema(parameters=[OpenApiParameter("q", str, description="credit code or name")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = selectors.credit_file_search(user=self.request.user).order_by("-id")
        q = self.request.query_params.get("q", "").strip()
        if len(q) == 18 and q.isalnum():
            return queryset.filter(uscc=q.upper())
        return filter_by_text(queryset, q) if q else queryset


class CreditFileApi(APIView):
    """One enterprise's credit file. Enterprise users get their own file without the risk class."""

    permission_classes = [HasRole]
    required_roles = FILE_ROLES

    @extend_schema(responses=CreditFileSerializer, operation_id="credit_file_retrieve")
    def get(self, request, pk):
        user = request.user
        enterprise = selectors.credit_file_enterprise(user=user, pk=pk)
        officer = selectors.is_officer(user)
        classification = selectors.classification_of(enterprise) if officer else None
        enterprise.risk_class = (classification.risk_class if classification else "b") if officer else None
        data = {
            "enterprise": enterprise,
            "classification": classification,
            "class_history": selectors.class_history(enterprise) if officer else None,
            "events": selectors.credit_events(user=user).filter(enterprise=enterprise),
            "list_entries": selectors.list_entries(user=user).filter(enterprise=enterprise),
            "repairs": selectors.repairs(user=user).filter(enterprise=enterprise),
            "objections": selectors.objections(user=user).filter(enterprise=enterprise),
        }
        context = {"today": _today(), "parameters": services.scoring_model_in_force().parameters, "officer": officer}
        return Response(CreditFileSerializer(data, context=context).data)


class CreditEventListApi(_ReadFileWriteOfficer, generics.ListAPIView):
    """Credit events in the caller's scope. Filters: enterprise, kind, status, overdue=yes."""

    serializer_class = CreditEventSerializer

    @extend_schema(parameters=[OpenApiParameter("enterprise", int), OpenApiParameter("kind", str),
                               OpenApiParameter("status", str), OpenApiParameter("overdue", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        queryset = selectors.credit_events(user=self.request.user)
        if params.get("overdue") == "yes":
            queryset = selectors.overdue_publications(user=self.request.user, today=_today())
        for name in ("kind", "status"):
            if params.get(name):
                queryset = queryset.filter(**{name: params[name]})
        if (enterprise := query_int(params, "enterprise")) is not None:
            queryset = queryset.filter(enterprise_id=enterprise)
        return queryset

    def get_serializer_context(self):
        return _context(self)

    @extend_schema(request=CreditEventInputSerializer, responses={201: CreditEventSerializer})
    def post(self, request):
        """Record a credit event (officers of the enterprise's org unit); reclassifies the enterprise."""
        data = _input(CreditEventInputSerializer, request)
        enterprise = _resolve(selectors.credit_file_search(user=request.user), data.pop("enterprise"), "enterprise")
        require_officer(request.user, enterprise, action="record a credit event")
        event = services.credit_event_record(enterprise=enterprise, by=request.user, **data)
        return Response(CreditEventSerializer(event, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class CreditEventPublishApi(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICER_ROLES

    @extend_schema(request=CreditEventPublishInputSerializer, responses=CreditEventSerializer)
    def post(self, request, pk):
        """Publish an event (penalties: within 20 working days of the decision). Refused (400 on
        `public_summary`) while the public summary holds personal data, unless the only data is the
        penalised enterprise's legal representative's name, confirmed in `confirm_names`."""
        event = selectors.credit_event_get(user=request.user, pk=pk)
        require_officer(request.user, event.enterprise, action="publish a credit event")
        event = services.credit_event_publish_item(event=event, by=request.user,
                                                   **_input(CreditEventPublishInputSerializer, request))
        return Response(CreditEventSerializer(event, context={"today": _today(), "officer": True}).data)


class CreditEventWithdrawApi(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICER_ROLES

    @extend_schema(request=CreditWithdrawInputSerializer, responses=CreditEventSerializer)
    def post(self, request, pk):
        """Withdraw an event (decision changed or revoked); it stays in the file and stops counting."""
        event = selectors.credit_event_get(user=request.user, pk=pk)
        require_officer(request.user, event.enterprise, action="withdraw a credit event")
        event = services.credit_event_withdraw_item(event=event, by=request.user,
                                                    **_input(CreditWithdrawInputSerializer, request))
        return Response(CreditEventSerializer(event, context={"today": _today(), "officer": True}).data)


class CreditListEntryListApi(_ReadFileWriteOfficer, generics.ListAPIView):
    """List entries in the caller's scope. Filters: list_kind, listed=yes."""

    serializer_class = CreditListEntrySerializer

    @extend_schema(parameters=[OpenApiParameter("list_kind", str, enum=CreditListKind.values),
                               OpenApiParameter("listed", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.list_entries(user=self.request.user, list_kind=params.get("list_kind") or None,
                                      listed_only=params.get("listed") == "yes")

    @extend_schema(request=CreditListEntryInputSerializer, responses={201: CreditListEntrySerializer})
    def post(self, request):
        """Put an enterprise on a list: abnormal (one of four reasons), serious (with the heavier penalty
        event) or red (leadership office)."""
        data = _input(CreditListEntryInputSerializer, request)
        user = request.user
        enterprise = _resolve(selectors.credit_file_search(user=user), data.pop("enterprise"), "enterprise")
        list_kind, penalty_id = data.pop("list_kind"), data.pop("penalty_event")
        if list_kind == CreditListKind.SERIOUS_VIOLATION:
            data.pop("reason", None)
            penalty = _resolve(CreditEvent.objects.filter(enterprise=enterprise), penalty_id, "penalty_event")
            if penalty is None:
                raise ValidationError({"penalty_event": ["请选择所依据的较重行政处罚"]})
            entry = services.serious_list_enter(enterprise=enterprise, penalty_event=penalty, by=user, **data)
        else:
            if not data.get("reason"):
                raise ValidationError({"reason": ["请选择列入事由"]})
            enter = services.abnormal_list_enter if list_kind == CreditListKind.ABNORMAL_OPERATIONS else services.red_list_enter
            entry = enter(enterprise=enterprise, by=user, **data)
        return Response(CreditListEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CreditListEntryPublishApi(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICER_ROLES

    @extend_schema(request=CreditPublishInputSerializer, responses=CreditListEntrySerializer)
    def post(self, request, pk):
        """Publish a serious-list entry (within 20 working days of the decision)."""
        entry = selectors.list_entry_get(user=request.user, pk=pk)
        entry = services.list_entry_publish(entry=entry, by=request.user, **_input(CreditPublishInputSerializer, request))
        return Response(CreditListEntrySerializer(entry).data)


class CreditListEntryRemoveApi(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICE_ROLES

    @extend_schema(request=CreditListRemoveInputSerializer, responses=CreditListEntrySerializer)
    def post(self, request, pk):
        """Take an enterprise off the red list (leadership office). Other lists: repair, objection, expiry."""
        entry = selectors.list_entry_get(user=request.user, pk=pk)
        entry = services.red_list_remove(entry=entry, by=request.user, **_input(CreditListRemoveInputSerializer, request))
        return Response(CreditListEntrySerializer(entry).data)


class RepairListApi(generics.ListAPIView):
    """Credit repair applications in the caller's scope (the enterprise: its own). Filter: open=yes."""

    permission_classes = [HasRole]
    required_roles = FILE_ROLES
    serializer_class = RepairApplicationSerializer

    @extend_schema(parameters=[OpenApiParameter("open", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.repairs(user=self.request.user, open_only=self.request.query_params.get("open") == "yes")

    @extend_schema(request=RepairApplicationInputSerializer, responses={201: RepairApplicationSerializer})
    def post(self, request):
        """Apply for credit repair: proof of compliance and a credit commitment letter."""
        data = _input(RepairApplicationInputSerializer, request)
        user = request.user
        entry = _resolve(selectors.list_entries(user=user), data.pop("list_entry"), "list_entry")
        event = _resolve(selectors.credit_events(user=user), data.pop("credit_event"), "credit_event")
        target = entry or event
        if target is None:
            raise ValidationError({"list_entry": ["请选择要修复的名录名单记录或行政处罚信息"]})
        application = services.repair_apply(enterprise=target.enterprise, list_entry=entry, credit_event=event,
                                            by=user, **data)
        return Response(RepairApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class RepairAcceptApi(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICER_ROLES

    @extend_schema(request=RepairAcceptInputSerializer, responses=RepairApplicationSerializer)
    def post(self, request, pk):
        """Accept a repair application (the decision period starts) or refuse to accept it."""
        application = selectors.repair_get(user=request.user, pk=pk)
        application = services.repair_accept(application=application, by=request.user,
                                             **_input(RepairAcceptInputSerializer, request))
        return Response(RepairApplicationSerializer(application).data)


class RepairDecideApi(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICER_ROLES

    @extend_schema(request=RepairDecideInputSerializer, responses=RepairApplicationSerializer)
    def post(self, request, pk):
        """Approve (removes the listing or stops the publication) or reject an accepted application."""
        application = selectors.repair_get(user=request.user, pk=pk)
        application = services.repair_decide(application=application, by=request.user,
                                             **_input(RepairDecideInputSerializer, request))
        return Response(RepairApplicationSerializer(application).data)


class ObjectionListApi(generics.ListAPIView):
    """Objections in the caller's scope (the enterprise: its own). Filter: open=yes."""

    permission_classes = [HasRole]
    required_roles = FILE_ROLES
    serializer_class = CreditObjectionSerializer

    @extend_schema(parameters=[OpenApiParameter("open", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.objections(user=self.request.user, open_only=self.request.query_params.get("open") == "yes")

    @extend_schema(request=CreditObjectionInputSerializer, responses={201: CreditObjectionSerializer})
    def post(self, request):
        """Object to a published credit event or list entry."""
        data = _input(CreditObjectionInputSerializer, request)
        user = request.user
        event = _resolve(selectors.credit_events(user=user), data.pop("credit_event"), "credit_event")
        entry = _resolve(selectors.list_entries(user=user), data.pop("list_entry"), "list_entry")
        objection = services.objection_file(credit_event=event, list_entry=entry, by=user, **data)
        return Response(CreditObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class ObjectionDecideApi(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICER_ROLES

    @extend_schema(request=CreditObjectionDecideInputSerializer, responses=CreditObjectionSerializer)
    def post(self, request, pk):
        """Uphold (withdraws the event or removes the listing) or dismiss an objection."""
        objection = selectors.objection_get(user=request.user, pk=pk)
        objection = services.objection_decide(objection=objection, by=request.user,
                                              **_input(CreditObjectionDecideInputSerializer, request))
        return Response(CreditObjectionSerializer(objection).data)


class ScoringModelListApi(generics.ListAPIView):
    """Versions of the scoring model, newest first (the first is in force)."""

    permission_classes = [HasRole]
    queryset = ScoringModel.objects.all()
    serializer_class = ScoringModelSerializer

    @property
    def required_roles(self):
        return OFFICER_ROLES if self.request.method in ("GET", "HEAD", "OPTIONS") else OFFICE_ROLES

    @extend_schema(request=ScoringModelInputSerializer, responses={201: ScoringModelSerializer})
    def post(self, request):
        """Save a new version of the scoring model (leadership office)."""
        row = services.scoring_model_save(by=request.user, **_input(ScoringModelInputSerializer, request))
        return Response(ScoringModelSerializer(row).data, status=status.HTTP_201_CREATED)


class ReclassifyApi(APIView):
    permission_classes = [HasRole]
    required_roles = OFFICE_ROLES

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
        enterprise = selectors.public_enterprise_by_uscc(uscc)
        today = _today()
        events = list(selectors.public_events(enterprise, today))
        data = {"uscc": enterprise.uscc, "name": enterprise.name,
                "legal_representative": mask_person_name(enterprise.legal_representative),
                "org_unit": enterprise.org_unit.name, "status": enterprise.get_status_display(),
                "events": events, "list_entries": selectors.public_list_entries(enterprise=enterprise)}
        return Response(PublicCreditFileSerializer(data).data)


class PublicCreditListApi(generics.ListAPIView):
    """The published abnormal-operations, serious-violation or red list."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    is_public = True
    serializer_class = PublicListEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.public_list_entries().none()
        kind = self.kwargs["list_kind"].replace("-", "_")
        if kind not in CreditListKind.values:
            return selectors.public_list_entries().none()
        return selectors.public_list_entries(list_kind=kind)
